using System.Numerics;
using System.Runtime.InteropServices;
using OpenCvSharp;

namespace CamReview.Vision;

/// <summary>Robust estimator for <see cref="TwoViewGeometry.EssentialPose"/>: OpenCV cv::RANSAC or cv::USAC_MAGSAC.</summary>
public enum EssentialMethod { Ransac = 8, Magsac = 38 }

/// <summary>
/// Relative pose of two calibrated views in OpenCV's convention: a point X1 in camera-1 coordinates is
/// X2 = R X1 + t in camera-2 coordinates, |t| = 1 (the scale is unobservable). Matrices row-major.
/// <see cref="EssentialMask"/>[i] is true when correspondence i is an inlier of E; <see cref="PoseMask"/>[i] when it
/// also passed the cheirality test (in front of both cameras, nearer than the distance threshold).
/// </summary>
public sealed record EssentialPoseResult(
    double[] Essential,
    double[] Rotation,
    double[] Translation,
    bool[] EssentialMask,
    bool[] PoseMask,
    int EssentialInliers,
    int PoseInliers);

/// <summary>Thin wrappers over cv::findEssentialMat + cv::recoverPose and cv::triangulatePoints. Thread-safe.</summary>
public static class TwoViewGeometry
{
    /// <summary>
    /// Essential matrix with a robust fit (threshold in pixels, as OpenCV defines it with a camera matrix) and the
    /// cheirality-checked relative pose. <paramref name="fx"/>..<paramref name="cy"/> are the intrinsics in the
    /// pixel convention of the points (OpenCV: pixel centres at integers). Null when there are fewer than 5
    /// correspondences or no model was found. <paramref name="distanceThreshold"/>: cv::recoverPose's limit (in units
    /// of |t|) beyond which a triangulated point counts as at infinity. <paramref name="maxIters"/> is not passed on:
    /// OpenCvSharp binds only the cv::findEssentialMat overload without it, so OpenCV's default cap of 1000
    /// iterations applies (RANSAC stops earlier once <paramref name="confidence"/> is reached).
    /// </summary>
    public static unsafe EssentialPoseResult? EssentialPose(ReadOnlySpan<Vector2> source, ReadOnlySpan<Vector2> destination,
        double fx, double fy, double cx, double cy, EssentialMethod method = EssentialMethod.Ransac,
        double thresholdPixels = 1.0, double confidence = 0.999, int maxIters = 1000, double distanceThreshold = 1e4)
    {
        if (source.Length != destination.Length)
            throw new ArgumentException($"Point counts differ: {source.Length} vs {destination.Length}");
        if (!Enum.IsDefined(method)) throw new ArgumentOutOfRangeException(nameof(method));
        int n = source.Length;
        if (n < 5) return null;
        ArgumentOutOfRangeException.ThrowIfLessThan(maxIters, 1);
        var e = new double[9];
        var r = new double[9];
        var t = new double[3];
        var eMask = new byte[n];
        var poseMask = new byte[n];
        int eIn, poseIn;
        fixed (Vector2* sp = source, dp = destination)
        {
            try
            {
                using Mat s = OpenCv.Points(sp, n), d = OpenCv.Points(dp, n);
                using var k = CameraMatrix(fx, fy, cx, cy);
                using var mask = new Mat();
                using Mat found = Cv2.FindEssentialMat(s, d, k, (EssentialMatMethod)(int)method, confidence, thresholdPixels, mask);
                // Fewer than 5 usable points or a degenerate set: no model. Several solutions come stacked (3k x 3): take the first.
                if (found.Empty() || found.Rows < 3 || found.Cols != 3) return null;
                using Mat first = found.RowRange(0, 3);
                using var e64 = new Mat();
                first.ConvertTo(e64, MatType.CV_64F);
                if (mask.Empty())
                {
                    mask.Create(n, 1, MatType.CV_8UC1);
                    mask.SetTo(Scalar.All(1));
                }
                OpenCv.CopyBytes(mask, eMask);
                eIn = Cv2.CountNonZero(mask);
                using var rm = new Mat();
                using var tm = new Mat();
                // The cheirality test runs on the E inliers and narrows the mask in place.
                poseIn = Cv2.RecoverPose(e64, s, d, k, rm, tm, distanceThreshold, mask);
                using var r64 = new Mat();
                using var t64 = new Mat();
                rm.ConvertTo(r64, MatType.CV_64F);
                tm.ConvertTo(t64, MatType.CV_64F);
                OpenCv.CopyBytes(e64, MemoryMarshal.AsBytes(e.AsSpan()));
                OpenCv.CopyBytes(r64, MemoryMarshal.AsBytes(r.AsSpan()));
                OpenCv.CopyBytes(t64, MemoryMarshal.AsBytes(t.AsSpan()));
                if (mask.Total() == n) OpenCv.CopyBytes(mask, poseMask);
            }
            catch (Exception ex) when (OpenCv.Raised(ex))
            {
                throw OpenCv.Error($"Essential matrix fit ({method}) failed", ex);
            }
        }
        var eInliers = new bool[n];
        var poseInliers = new bool[n];
        for (int i = 0; i < n; i++)
        {
            eInliers[i] = eMask[i] != 0;
            poseInliers[i] = poseMask[i] != 0;
        }
        return new EssentialPoseResult(e, r, t, eInliers, poseInliers, eIn, poseIn);
    }

    /// <summary>
    /// cv::triangulatePoints: <paramref name="projection1"/>/<paramref name="projection2"/> are 3x4 row-major (12
    /// values) in the coordinates of the points. Returns 4 homogeneous values per point.
    /// </summary>
    public static unsafe double[] Triangulate(ReadOnlySpan<double> projection1, ReadOnlySpan<double> projection2,
        ReadOnlySpan<Vector2> source, ReadOnlySpan<Vector2> destination)
    {
        if (projection1.Length != 12 || projection2.Length != 12) throw new ArgumentException("projections must be 3x4 (12 values)");
        if (source.Length != destination.Length) throw new ArgumentException($"Point counts differ: {source.Length} vs {destination.Length}");
        var result = new double[4 * source.Length];
        if (source.Length == 0) return result;
        fixed (double* p1 = projection1, p2 = projection2)
        fixed (Vector2* sp = source, dp = destination)
        {
            try
            {
                using Mat a = Mat.FromPixelData(3, 4, MatType.CV_64FC1, (IntPtr)p1), b = Mat.FromPixelData(3, 4, MatType.CV_64FC1, (IntPtr)p2);
                using Mat s = OpenCv.Points(sp, source.Length), d = OpenCv.Points(dp, source.Length);
                // Double points: triangulatePoints writes its result in the points' type.
                using Mat s64 = new(), d64 = new(), x = new(), x64 = new();
                s.ConvertTo(s64, MatType.CV_64FC2);
                d.ConvertTo(d64, MatType.CV_64FC2);
                Cv2.TriangulatePoints(a, b, s64, d64, x);
                x.ConvertTo(x64, MatType.CV_64F);
                using Mat perPoint = x64.T(); // 4 x n -> n x 4: x, y, z, w of each point in a row
                OpenCv.CopyBytes(perPoint, MemoryMarshal.AsBytes(result.AsSpan()));
            }
            catch (Exception ex) when (OpenCv.Raised(ex))
            {
                throw OpenCv.Error("Triangulation failed", ex);
            }
        }
        return result;
    }

    /// <summary>
    /// Camera pose from 3D points and their images (cv::solvePnPRansac with EPnP samples, refined on the inliers):
    /// OpenCV convention x_cam = R X + t, R row-major, no lens distortion. Null with fewer than 6 points or no model;
    /// otherwise the pose and the inlier mask (reprojection error at most <paramref name="thresholdPixels"/>).
    /// </summary>
    public static (double[] Rotation, double[] Translation, bool[] Inliers)? PoseFromPoints(ReadOnlySpan<double> points3, ReadOnlySpan<Vector2> image,
        double fx, double fy, double cx, double cy, double thresholdPixels)
    {
        int n = image.Length;
        if (points3.Length != 3 * n) throw new ArgumentException($"need 3 coordinates per image point: {points3.Length} for {n}");
        if (n < 6) return null;
        var objects = new double[3 * n];
        var pixels = new double[2 * n];
        points3.CopyTo(objects);
        for (int i = 0; i < n; i++)
        {
            pixels[2 * i] = image[i].X;
            pixels[2 * i + 1] = image[i].Y;
        }
        var r = new double[9];
        double[] tvec = new double[3];
        int[] inliers;
        try
        {
            using var obj = Mat.FromPixelData(n, 1, MatType.CV_64FC3, objects);
            using var img = Mat.FromPixelData(n, 1, MatType.CV_64FC2, pixels);
            using var k = CameraMatrix(fx, fy, cx, cy);
            using var dist = new Mat();
            using var rv = new Mat();
            using var tv = new Mat();
            using var inl = new Mat();
            Cv2.SolvePnPRansac(obj, img, k, dist, rv, tv, false, 200, (float)thresholdPixels, 0.999, inl, SolvePnPMethod.EPNP);
            if (inl.Empty() || rv.Total() != 3 || tv.Total() != 3) return null;
            using var rm = new Mat();
            Cv2.Rodrigues(rv, rm);
            using var r64 = new Mat();
            using var t64 = new Mat();
            rm.ConvertTo(r64, MatType.CV_64F);
            tv.ConvertTo(t64, MatType.CV_64F);
            OpenCv.CopyBytes(r64, MemoryMarshal.AsBytes(r.AsSpan()));
            OpenCv.CopyBytes(t64, MemoryMarshal.AsBytes(tvec.AsSpan()));
            using var i32 = new Mat();
            inl.ConvertTo(i32, MatType.CV_32S);
            inliers = new int[i32.Total()];
            OpenCv.CopyBytes(i32, MemoryMarshal.AsBytes(inliers.AsSpan()));
        }
        catch (Exception ex) when (OpenCv.Raised(ex))
        {
            throw OpenCv.Error("Camera pose from points failed", ex);
        }
        if (inliers.Length < 6) return null;
        var mask = new bool[n];
        foreach (int i in inliers) if (i >= 0 && i < n) mask[i] = true;
        return (r, tvec, mask);
    }

    /// <summary>The pinhole camera matrix K that calib3d takes.</summary>
    private static Mat CameraMatrix(double fx, double fy, double cx, double cy)
    {
        var k = new Mat(3, 3, MatType.CV_64FC1, Scalar.All(0));
        k.Set(0, 0, fx);
        k.Set(0, 2, cx);
        k.Set(1, 1, fy);
        k.Set(1, 2, cy);
        k.Set(2, 2, 1.0);
        return k;
    }
}
