using System.Numerics;
using CamReview.Vision.Interop;

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
    /// of |t|) beyond which a triangulated point counts as at infinity.
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
        var e = new double[9];
        var r = new double[9];
        var t = new double[3];
        var eMask = new byte[n];
        var poseMask = new byte[n];
        double* k = stackalloc double[4] { fx, fy, cx, cy };
        int eIn, poseIn, found;
        fixed (Vector2* s = source, d = destination)
        fixed (double* ep = e, rp = r, tp = t)
        fixed (byte* em = eMask, pm = poseMask)
        {
            int status = NativeMethods.cvr_essential_pose((float*)s, (float*)d, n, k, (int)method, confidence, thresholdPixels,
                maxIters, distanceThreshold, ep, rp, tp, em, pm, out eIn, out poseIn, out found);
            NativeMethods.Check(status, $"Essential matrix fit ({method}) failed");
        }
        if (found == 0) return null;
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
        fixed (double* p1 = projection1, p2 = projection2, x = result)
        fixed (Vector2* s = source, d = destination)
        {
            NativeMethods.Check(NativeMethods.cvr_triangulate(p1, p2, (float*)s, (float*)d, source.Length, x), "Triangulation failed");
        }
        return result;
    }
}
