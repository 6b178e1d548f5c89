using System.Numerics;
using System.Runtime.InteropServices;
using OpenCvSharp;

namespace CamReview.Vision;

// OpenCV constants: cv::RANSAC and cv::USAC_MAGSAC (MAGSAC++). Magsac is the default: on ORB matches of a
// known warp it stayed within 1 px at the corners across seeds and thresholds, where RANSAC ranged 0.3-4 px,
// and it was no slower (~0.5 ms for ~1000 matches). LeastSquares (method 0: DLT on all points, then
// Levenberg-Marquardt) is for correspondences whose outliers were already removed; every point is an inlier.
public enum HomographyMethod { LeastSquares = 0, Ransac = 8, Magsac = 38 }

// Matrix: 3x3 row-major, normalised so Matrix[8] == 1. InlierMask[i] refers to the i-th input correspondence.
public sealed record HomographyResult(double[] Matrix, bool[] InlierMask, int InlierCount)
{
    public Vector2 Map(Vector2 point) => HomographyFit.Apply(Matrix, point);
}

public static class HomographyFit
{
    // Returns null when there are fewer than 4 correspondences or OpenCV finds no model.
    // Thread-safe: no shared state.
    public static unsafe HomographyResult? Fit(ReadOnlySpan<Vector2> source, ReadOnlySpan<Vector2> destination,
        HomographyMethod method = HomographyMethod.Magsac, double reprojThreshold = 3.0, double confidence = 0.995,
        int maxIters = 2000)
    {
        if (source.Length != destination.Length)
            throw new ArgumentException($"Point counts differ: {source.Length} vs {destination.Length}");
        if (!Enum.IsDefined(method)) throw new ArgumentOutOfRangeException(nameof(method));
        int n = source.Length;
        if (n < 4) return null;

        var h = new double[9];
        var mask = new byte[n];
        fixed (Vector2* s = source, d = destination)
        {
            try
            {
                using Mat src = OpenCv.Points(s, n), dst = OpenCv.Points(d, n);
                using var inlierMat = new Mat();
                using Mat fit = Cv2.FindHomography(src, dst, (HomographyMethods)(int)method, reprojThreshold, inlierMat, maxIters, confidence);
                if (fit.Empty()) return null;
                using var fit64 = new Mat();
                fit.ConvertTo(fit64, MatType.CV_64F);
                OpenCv.CopyBytes(fit64, MemoryMarshal.AsBytes(h.AsSpan()));
                if (inlierMat.Total() == n) OpenCv.CopyBytes(inlierMat, mask);
            }
            catch (Exception e) when (OpenCv.Raised(e))
            {
                throw OpenCv.Error($"Homography fit ({method}) failed", e);
            }
        }

        // Normalise the projective scale (OpenCV already does for RANSAC; not relied upon).
        if (h[8] == 0 || !double.IsFinite(h[8])) return null;
        double scale = 1.0 / h[8];
        for (int i = 0; i < 9; i++) h[i] *= scale;

        var inliers = new bool[n];
        int inlierCount = 0;
        for (int i = 0; i < n; i++)
        {
            inliers[i] = mask[i] != 0;
            if (inliers[i]) inlierCount++;
        }
        return new HomographyResult(h, inliers, inlierCount);
    }

    public static HomographyResult? Fit(FeatureMatches matches, HomographyMethod method = HomographyMethod.Magsac,
        double reprojThreshold = 3.0, double confidence = 0.995, int maxIters = 2000)
    {
        ArgumentNullException.ThrowIfNull(matches);
        return Fit(matches.Source, matches.Destination, method, reprojThreshold, confidence, maxIters);
    }

    // Projects a point with a 3x3 row-major homography.
    public static Vector2 Apply(ReadOnlySpan<double> h, Vector2 p)
    {
        if (h.Length != 9) throw new ArgumentException("Homography must have 9 elements", nameof(h));
        double w = h[6] * p.X + h[7] * p.Y + h[8];
        return new Vector2((float)((h[0] * p.X + h[1] * p.Y + h[2]) / w), (float)((h[3] * p.X + h[4] * p.Y + h[5]) / w));
    }
}
