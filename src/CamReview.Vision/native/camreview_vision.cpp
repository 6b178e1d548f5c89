// Thin, dumb extern "C" layer over OpenCV for CamReview.Vision (all logic lives in C#).
// Contract: every entry point returns a status (0 = ok); on failure the message is kept in a
// thread-local string that the managed side reads right away with cvr_last_error().
// Every object handed out is counted in g_live so tests can prove nothing leaks.
#include <opencv2/calib3d.hpp>
#include <opencv2/core.hpp>
#include <opencv2/features2d.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <opencv2/photo.hpp>
#include <opencv2/video/tracking.hpp>
#include <opencv2/videoio.hpp>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#define CVR_API extern "C" __attribute__((visibility("default")))

namespace {

constexpr int kOk = 0, kOpenCvError = 1, kStdError = 2, kUnknownError = 3, kFailed = 4;

thread_local std::string g_last_error;
std::atomic<int64_t> g_live{0};

struct Features {
    std::vector<cv::KeyPoint> keypoints;
    cv::Mat descriptors;
    int norm = cv::NORM_HAMMING;
};

template <class T> T* hand_out(std::unique_ptr<T> p) {
    g_live.fetch_add(1, std::memory_order_relaxed);
    return p.release();
}

template <class T> void destroy(T* p) {
    if (!p) return;
    delete p;
    g_live.fetch_sub(1, std::memory_order_relaxed);
}

int fail(const std::string& message) {
    g_last_error = message;
    return kFailed;
}

// Nothing may unwind into the CLR: translate every exception into a status + message.
template <class F> int guard(F&& body) {
    try {
        return body();
    } catch (const cv::Exception& e) {
        g_last_error = e.what();
        return kOpenCvError;
    } catch (const std::exception& e) {
        g_last_error = e.what();
        return kStdError;
    } catch (...) {
        g_last_error = "unknown native exception";
        return kUnknownError;
    }
}

// Runs op(dst) and hands dst to the caller as a new owned Mat.
template <class F> int produce(cv::Mat** out, F&& op) {
    *out = nullptr;
    return guard([&] {
        cv::Mat dst;
        op(dst);
        *out = hand_out(std::make_unique<cv::Mat>(std::move(dst)));
        return kOk;
    });
}

// Packed row-major copy (a Mat may have padded rows).
void copy_rows(const cv::Mat& m, uint8_t* dst) {
    const size_t row = m.cols * m.elemSize();
    for (int y = 0; y < m.rows; ++y) std::memcpy(dst + y * row, m.ptr(y), row);
}

}  // namespace

// ---- diagnostics
CVR_API const char* cvr_last_error() { return g_last_error.c_str(); }
CVR_API int64_t cvr_live_objects() { return g_live.load(); }
CVR_API const char* cvr_opencv_version() { return CV_VERSION; }

// ---- Mat
CVR_API void cvr_mat_delete(cv::Mat* m) { destroy(m); }

CVR_API int cvr_mat_from_bytes(const uint8_t* data, int width, int height, int channels, cv::Mat** out) {
    return produce(out, [&](cv::Mat& dst) {
        dst.create(height, width, CV_8UC(channels));
        std::memcpy(dst.data, data, dst.total() * dst.elemSize());
    });
}

CVR_API int cvr_mat_filled(int width, int height, int channels, double value, cv::Mat** out) {
    return produce(out, [&](cv::Mat& dst) { dst = cv::Mat(height, width, CV_8UC(channels), cv::Scalar::all(value)); });
}

CVR_API int cvr_mat_info(const cv::Mat* m, int* width, int* height, int* channels, int* depth) {
    *width = m->cols, *height = m->rows, *channels = m->channels(), *depth = m->depth();
    return kOk;
}

CVR_API int cvr_mat_copy_to(const cv::Mat* m, uint8_t* dst, int64_t capacity) {
    return guard([&] {
        if ((int64_t)(m->total() * m->elemSize()) > capacity) return fail("destination buffer too small");
        copy_rows(*m, dst);
        return kOk;
    });
}

CVR_API int cvr_mat_clone(const cv::Mat* m, cv::Mat** out) {
    return produce(out, [&](cv::Mat& dst) { m->copyTo(dst); });
}

// ---- image I/O and processing
CVR_API int cvr_imread(const char* path, int flags, cv::Mat** out) {
    return produce(out, [&](cv::Mat& dst) {
        dst = cv::imread(path, flags);
        if (dst.empty()) throw std::runtime_error("OpenCV could not decode the file (unsupported format or corrupt data)");
    });
}

CVR_API int cvr_imwrite(const cv::Mat* m, const char* path) {
    return guard([&] { return cv::imwrite(path, *m) ? kOk : fail("cv::imwrite returned false"); });
}

CVR_API int cvr_resize(const cv::Mat* src, int width, int height, int interpolation, cv::Mat** out) {
    return produce(out, [&](cv::Mat& dst) { cv::resize(*src, dst, cv::Size(width, height), 0, 0, interpolation); });
}

CVR_API int cvr_cvt_color(const cv::Mat* src, int code, cv::Mat** out) {
    return produce(out, [&](cv::Mat& dst) { cv::cvtColor(*src, dst, code); });
}

CVR_API int cvr_warp_perspective(const cv::Mat* src, const double* h9, int width, int height, int interpolation,
                                 int border, cv::Mat** out) {
    return produce(out, [&](cv::Mat& dst) {
        cv::Mat h(3, 3, CV_64F, const_cast<double*>(h9));
        cv::warpPerspective(*src, dst, h, cv::Size(width, height), interpolation, border, cv::Scalar::all(0));
    });
}

CVR_API int cvr_threshold(const cv::Mat* src, double thresh, double maxval, int type, cv::Mat** out) {
    return produce(out, [&](cv::Mat& dst) { cv::threshold(*src, dst, thresh, maxval, type); });
}

CVR_API int cvr_inpaint(const cv::Mat* src, const cv::Mat* mask, double radius, cv::Mat** out) {
    return produce(out, [&](cv::Mat& dst) { cv::inpaint(*src, *mask, dst, radius, cv::INPAINT_TELEA); });
}

// Per-channel mean of |a - b| (up to 4 channels).
CVR_API int cvr_mean_abs_diff(const cv::Mat* a, const cv::Mat* b, double* out4) {
    return guard([&] {
        cv::Mat d;
        cv::absdiff(*a, *b, d);
        cv::Scalar s = cv::mean(d);
        for (int i = 0; i < 4; ++i) out4[i] = s[i];
        return kOk;
    });
}

// ---- video decoding
CVR_API void cvr_video_delete(cv::VideoCapture* cap) { destroy(cap); }

CVR_API int cvr_video_open(const char* path, cv::VideoCapture** out) {
    *out = nullptr;
    return guard([&] {
        auto cap = std::make_unique<cv::VideoCapture>();
        if (!cap->open(path, cv::CAP_FFMPEG)) return fail("OpenCV/FFmpeg could not open the file as a video");
        *out = hand_out(std::move(cap));
        return kOk;
    });
}

CVR_API int cvr_video_props(cv::VideoCapture* cap, double* fps, double* frame_count, int* width, int* height) {
    return guard([&] {
        *fps = cap->get(cv::CAP_PROP_FPS);
        *frame_count = cap->get(cv::CAP_PROP_FRAME_COUNT);
        *width = (int)cap->get(cv::CAP_PROP_FRAME_WIDTH);
        *height = (int)cap->get(cv::CAP_PROP_FRAME_HEIGHT);
        return kOk;
    });
}

CVR_API int cvr_video_read(cv::VideoCapture* cap, int* got, cv::Mat** out) {
    *out = nullptr;
    *got = 0;
    return guard([&] {
        cv::Mat frame;
        if (!cap->read(frame) || frame.empty()) return kOk;
        *got = 1;
        *out = hand_out(std::make_unique<cv::Mat>(std::move(frame)));
        return kOk;
    });
}

// Decodes without the colour conversion: the cheap way to count frames.
CVR_API int cvr_video_grab(cv::VideoCapture* cap, int* got) {
    return guard([&] {
        *got = cap->grab() ? 1 : 0;
        return kOk;
    });
}

// ---- features, matching, homography
CVR_API void cvr_features_delete(Features* f) { destroy(f); }

// kind: 0 = ORB, 1 = SIFT. A detector per call keeps this thread-safe without shared state.
CVR_API int cvr_features_detect(const cv::Mat* img, int kind, int max_features, Features** out) {
    *out = nullptr;
    return guard([&] {
        cv::Ptr<cv::Feature2D> detector;
        if (kind == 0) detector = cv::ORB::create(max_features);
        else if (kind == 1) detector = cv::SIFT::create(max_features);
        else return fail("unknown feature kind");
        auto result = std::make_unique<Features>();
        result->norm = kind == 0 ? cv::NORM_HAMMING : cv::NORM_L2;
        detector->detectAndCompute(*img, cv::noArray(), result->keypoints, result->descriptors);
        *out = hand_out(std::move(result));
        return kOk;
    });
}

// Interleaved x,y of each keypoint; capacity is in points.
CVR_API int cvr_features_points(const Features* f, float* xy, int capacity, int* count) {
    return guard([&] {
        *count = (int)f->keypoints.size();
        if (capacity < *count) return kOk;  // caller asked for the count only
        for (int i = 0; i < *count; ++i) {
            xy[2 * i] = f->keypoints[i].pt.x;
            xy[2 * i + 1] = f->keypoints[i].pt.y;
        }
        return kOk;
    });
}

// Descriptor matrix (rows x cols, OpenCV type) copied out; capacity in bytes. Call with capacity 0 for the shape.
CVR_API int cvr_features_descriptors(const Features* f, uint8_t* dst, int64_t capacity, int* rows, int* cols, int* type) {
    return guard([&] {
        const cv::Mat& d = f->descriptors;
        *rows = d.rows;
        *cols = d.cols;
        *type = d.type();
        if (capacity >= (int64_t)(d.total() * d.elemSize())) copy_rows(d, dst);
        return kOk;
    });
}

// Brute-force kNN (k = 2) + Lowe ratio test. At most one match per keypoint of a, so capacity = count(a).
CVR_API int cvr_match(const Features* a, const Features* b, double ratio, int* query_idx, int* train_idx,
                      int capacity, int* count) {
    *count = 0;
    return guard([&] {
        if (a->norm != b->norm) return fail("cannot match features of different kinds (ORB vs SIFT)");
        if (a->descriptors.empty() || b->descriptors.empty()) return kOk;
        if (capacity < a->descriptors.rows) return fail("match buffer too small");
        std::vector<std::vector<cv::DMatch>> knn;
        cv::BFMatcher(a->norm, false).knnMatch(a->descriptors, b->descriptors, knn, 2);
        int n = 0;
        for (const auto& m : knn) {
            if (m.size() < 2 || !(m[0].distance < ratio * m[1].distance)) continue;
            query_idx[n] = m[0].queryIdx;
            train_idx[n] = m[0].trainIdx;
            ++n;
        }
        *count = n;
        return kOk;
    });
}

// src/dst: n interleaved float points. h9 gets row-major H when *found; inlier_mask gets n bytes (0/1).
CVR_API int cvr_find_homography(const float* src, const float* dst, int n, int method, double reproj_threshold,
                                double confidence, int max_iters, double* h9, uint8_t* inlier_mask, int* found) {
    *found = 0;
    return guard([&] {
        cv::Mat s(n, 1, CV_32FC2, const_cast<float*>(src));
        cv::Mat d(n, 1, CV_32FC2, const_cast<float*>(dst));
        cv::Mat mask;
        cv::Mat h = cv::findHomography(s, d, method, reproj_threshold, mask, max_iters, confidence);
        if (h.empty()) return kOk;
        h.convertTo(h, CV_64F);
        for (int i = 0; i < 9; ++i) h9[i] = h.at<double>(i / 3, i % 3);
        std::memset(inlier_mask, 0, n);
        if (mask.total() == (size_t)n) {
            mask = mask.reshape(1, n);
            for (int i = 0; i < n; ++i) inlier_mask[i] = mask.at<uint8_t>(i) ? 1 : 0;
        }
        *found = 1;
        return kOk;
    });
}

// FFmpeg (inside OpenCV's video backend) logs decode errors of damaged files to stderr; CamReview reports
// those as its own one-line errors instead. Runs when the library loads, before any capture is opened, and
// keeps a level the user chose.
__attribute__((constructor)) static void cvr_quiet_ffmpeg_logging()
{
    setenv("OPENCV_FFMPEG_LOGLEVEL", "-8", 0);
}

// --- two-view geometry ---
// Relative pose of two calibrated views (camera-motion analysis). Dumb wrappers: the model selection, the
// triangulation and all conventions live in C# (CamReview.Vision.TwoViewGeometry, CamReview.Core.CameraPath).

// src/dst: n interleaved float pixel points (OpenCV pixel convention); k: fx, fy, cx, cy (same pixels).
// Essential matrix (cv::findEssentialMat, method cv::RANSAC or cv::USAC_*; threshold: pixels) and, when found,
// cv::recoverPose with the cheirality test on the E inliers (points farther than distance_thresh x |t| count as
// at infinity and fail it). Outputs (when *found): e9 (row-major E), r9 and t3 (x2 = R x1 + t, |t| = 1, OpenCV
// convention), e_mask / pose_mask: n bytes each, 1 = E inlier / E inlier that also passed cheirality;
// *e_inliers and *pose_inliers count them.
CVR_API int cvr_essential_pose(const float* src, const float* dst, int n, const double* k, int method, double prob,
                               double threshold, int max_iters, double distance_thresh, double* e9, double* r9,
                               double* t3, uint8_t* e_mask, uint8_t* pose_mask, int* e_inliers, int* pose_inliers,
                               int* found) {
    *found = 0;
    *e_inliers = 0;
    *pose_inliers = 0;
    return guard([&] {
        if (n < 5) return kOk;
        cv::Mat s(n, 1, CV_32FC2, const_cast<float*>(src));
        cv::Mat d(n, 1, CV_32FC2, const_cast<float*>(dst));
        cv::Mat kk = (cv::Mat_<double>(3, 3) << k[0], 0, k[2], 0, k[1], k[3], 0, 0, 1);
        cv::Mat mask;
        cv::Mat e = cv::findEssentialMat(s, d, kk, method, prob, threshold, max_iters, mask);
        if (e.empty() || e.rows < 3 || e.cols != 3) return kOk;
        e = e.rowRange(0, 3).clone();
        e.convertTo(e, CV_64F);
        if (mask.empty()) mask = cv::Mat::ones(n, 1, CV_8U);
        mask = mask.reshape(1, n).clone();
        *e_inliers = cv::countNonZero(mask);
        for (int i = 0; i < n; ++i) e_mask[i] = mask.at<uint8_t>(i) ? 1 : 0;
        cv::Mat r, t;
        int good = cv::recoverPose(e, s, d, kk, r, t, distance_thresh, mask);
        r.convertTo(r, CV_64F);
        t.convertTo(t, CV_64F);
        for (int i = 0; i < 9; ++i) e9[i] = e.at<double>(i / 3, i % 3);
        for (int i = 0; i < 9; ++i) r9[i] = r.at<double>(i / 3, i % 3);
        for (int i = 0; i < 3; ++i) t3[i] = t.at<double>(i);
        std::memset(pose_mask, 0, n);
        if (mask.total() == (size_t)n) {
            mask = mask.reshape(1, n);
            for (int i = 0; i < n; ++i) pose_mask[i] = mask.at<uint8_t>(i) ? 1 : 0;
        }
        *pose_inliers = good;
        *found = 1;
        return kOk;
    });
}

// Linear (DLT) triangulation, cv::triangulatePoints: p1/p2 are the 3x4 row-major projection matrices, src/dst n
// interleaved float points in the same coordinates as the projections; xyzw gets 4n doubles (homogeneous).
CVR_API int cvr_triangulate(const double* p1, const double* p2, const float* src, const float* dst, int n, double* xyzw) {
    return guard([&] {
        if (n <= 0) return kOk;
        cv::Mat a(3, 4, CV_64F, const_cast<double*>(p1));
        cv::Mat b(3, 4, CV_64F, const_cast<double*>(p2));
        cv::Mat s(2, n, CV_64F), d(2, n, CV_64F);
        for (int i = 0; i < n; ++i) {
            s.at<double>(0, i) = src[2 * i]; s.at<double>(1, i) = src[2 * i + 1];
            d.at<double>(0, i) = dst[2 * i]; d.at<double>(1, i) = dst[2 * i + 1];
        }
        cv::Mat x;
        cv::triangulatePoints(a, b, s, d, x);
        x.convertTo(x, CV_64F);
        for (int i = 0; i < n; ++i)
            for (int j = 0; j < 4; ++j) xyzw[4 * i + j] = x.at<double>(j, i);
        return kOk;
    });
}

// --- sub-pixel point tracking ---
// Pyramidal Lucas-Kanade (cv::calcOpticalFlowPyrLK) of n points of the 8-bit single-channel image a into b,
// started from the positions already in pts_b (OPTFLOW_USE_INITIAL_FLOW). pts_a/pts_b: n interleaved float pixel
// points (OpenCV convention); pts_b is overwritten with the tracked positions. status: n bytes, 1 = tracked;
// err: n floats, mean absolute intensity difference over the window. win: window side (pixels, odd); levels:
// pyramid levels above the full size (0 = full size only).
CVR_API int cvr_track_points(const cv::Mat* a, const cv::Mat* b, const float* pts_a, float* pts_b, int n, int win,
                             int levels, int max_iters, double epsilon, uint8_t* status, float* err) {
    return guard([&] {
        if (n <= 0) return kOk;
        if (a->type() != CV_8UC1 || b->type() != CV_8UC1 || a->size() != b->size())
            throw std::invalid_argument("point tracking needs two 8-bit single-channel images of the same size");
        std::vector<cv::Point2f> pa(n), pb(n);
        for (int i = 0; i < n; ++i) {
            pa[i] = cv::Point2f(pts_a[2 * i], pts_a[2 * i + 1]);
            pb[i] = cv::Point2f(pts_b[2 * i], pts_b[2 * i + 1]);
        }
        std::vector<uint8_t> st;
        std::vector<float> er;
        cv::calcOpticalFlowPyrLK(*a, *b, pa, pb, st, er, cv::Size(win, win), levels,
                                 cv::TermCriteria(cv::TermCriteria::COUNT | cv::TermCriteria::EPS, max_iters, epsilon),
                                 cv::OPTFLOW_USE_INITIAL_FLOW);
        for (int i = 0; i < n; ++i) {
            pts_b[2 * i] = pb[i].x;
            pts_b[2 * i + 1] = pb[i].y;
            status[i] = st[i] ? 1 : 0;
            err[i] = er[i];
        }
        return kOk;
    });
}
