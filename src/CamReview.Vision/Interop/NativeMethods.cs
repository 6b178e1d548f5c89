using System.Runtime.InteropServices;

namespace CamReview.Vision.Interop;

// P/Invoke surface of libcamreview_vision.so (src/CamReview.Vision/native). Source-generated marshalling:
// pointers for bulk data (no copies), SafeHandles for ownership, UTF-8 for paths.
internal static unsafe partial class NativeMethods
{
    private const string Lib = "camreview_vision";

    // A missing shim otherwise surfaces as a bare DllNotFoundException; say how to fix it.
    static NativeMethods()
    {
        NativeLibrary.SetDllImportResolver(typeof(NativeMethods).Assembly, (name, assembly, searchPath) =>
        {
            if (name != Lib) return IntPtr.Zero;
            if (NativeLibrary.TryLoad(name, assembly, searchPath, out IntPtr handle)) return handle;
            throw new DllNotFoundException(
                $"Could not load lib{Lib}.so (the OpenCV shim) from {AppContext.BaseDirectory} or the library path. " +
                "Run scripts/build-native.sh before `dotnet build` (the .so is picked up at build time), and make sure " +
                "the OpenCV runtime libraries (libopencv-dev) are installed.");
        });
    }

    internal const int StatusOk = 0;
    internal const int StatusOpenCvError = 1;

    [LibraryImport(Lib)] internal static partial IntPtr cvr_last_error();
    [LibraryImport(Lib)] internal static partial long cvr_live_objects();
    [LibraryImport(Lib)] internal static partial IntPtr cvr_opencv_version();

    [LibraryImport(Lib)] internal static partial void cvr_mat_delete(IntPtr mat);
    [LibraryImport(Lib)] internal static partial int cvr_mat_from_bytes(byte* data, int width, int height, int channels, out MatHandle result);
    [LibraryImport(Lib)] internal static partial int cvr_mat_filled(int width, int height, int channels, double value, out MatHandle result);
    [LibraryImport(Lib)] internal static partial int cvr_mat_info(MatHandle mat, out int width, out int height, out int channels, out int depth);
    [LibraryImport(Lib)] internal static partial int cvr_mat_copy_to(MatHandle mat, byte* dst, long capacity);
    [LibraryImport(Lib)] internal static partial int cvr_mat_clone(MatHandle mat, out MatHandle result);

    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial int cvr_imread(string path, int flags, out MatHandle result);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial int cvr_imwrite(MatHandle mat, string path);
    [LibraryImport(Lib)] internal static partial int cvr_resize(MatHandle src, int width, int height, int interpolation, out MatHandle result);
    [LibraryImport(Lib)] internal static partial int cvr_cvt_color(MatHandle src, int code, out MatHandle result);
    [LibraryImport(Lib)] internal static partial int cvr_warp_perspective(MatHandle src, double* h9, int width, int height, int interpolation, int border, out MatHandle result);
    [LibraryImport(Lib)] internal static partial int cvr_threshold(MatHandle src, double thresh, double maxval, int type, out MatHandle result);
    [LibraryImport(Lib)] internal static partial int cvr_inpaint(MatHandle src, MatHandle mask, double radius, out MatHandle result);
    [LibraryImport(Lib)] internal static partial int cvr_mean_abs_diff(MatHandle a, MatHandle b, double* out4);

    [LibraryImport(Lib)] internal static partial void cvr_video_delete(IntPtr capture);
    [LibraryImport(Lib, StringMarshalling = StringMarshalling.Utf8)] internal static partial int cvr_video_open(string path, out VideoCaptureHandle result);
    [LibraryImport(Lib)] internal static partial int cvr_video_props(VideoCaptureHandle capture, out double fps, out double frameCount, out int width, out int height);
    [LibraryImport(Lib)] internal static partial int cvr_video_read(VideoCaptureHandle capture, out int got, out MatHandle frame);
    [LibraryImport(Lib)] internal static partial int cvr_video_grab(VideoCaptureHandle capture, out int got);

    [LibraryImport(Lib)] internal static partial void cvr_features_delete(IntPtr features);
    [LibraryImport(Lib)] internal static partial int cvr_features_detect(MatHandle image, int kind, int maxFeatures, out FeaturesHandle result);
    [LibraryImport(Lib)] internal static partial int cvr_features_points(FeaturesHandle features, float* xy, int capacity, out int count);
    [LibraryImport(Lib)] internal static partial int cvr_features_descriptors(FeaturesHandle features, byte* dst, long capacity, out int rows, out int cols, out int type);
    [LibraryImport(Lib)] internal static partial int cvr_match(FeaturesHandle a, FeaturesHandle b, double ratio, int* queryIdx, int* trainIdx, int capacity, out int count);
    [LibraryImport(Lib)] internal static partial int cvr_find_homography(float* src, float* dst, int n, int method, double reprojThreshold, double confidence, int maxIters, double* h9, byte* inlierMask, out int found);

    // --- two-view geometry ---
    [LibraryImport(Lib)] internal static partial int cvr_essential_pose(float* src, float* dst, int n, double* k4, int method, double prob, double threshold, int maxIters, double distanceThresh, double* e9, double* r9, double* t3, byte* eMask, byte* poseMask, out int eInliers, out int poseInliers, out int found);
    [LibraryImport(Lib)] internal static partial int cvr_triangulate(double* p1, double* p2, float* src, float* dst, int n, double* xyzw);

    // --- sub-pixel point tracking ---
    [LibraryImport(Lib)] internal static partial int cvr_track_points(MatHandle a, MatHandle b, float* ptsA, float* ptsB, int n, int win, int levels, int maxIters, double epsilon, byte* status, float* err);

    // The native message is thread-local, so it must be fetched on the same thread right after the failing call.
    internal static void Check(int status, string context)
    {
        if (status == StatusOk) return;
        string native = Marshal.PtrToStringUTF8(cvr_last_error())?.Trim() ?? "";
        throw new VisionException(context, native, fromOpenCv: status == StatusOpenCvError);
    }
}
