using System.Numerics;
using OpenCvSharp;

namespace CamReview.Vision;

/// <summary>
/// Result of <see cref="PointTracker.Track"/>: where each point of image A lies in image B (OpenCV pixel convention),
/// whether it was tracked, and the mean absolute intensity difference over its window (0..255).
/// </summary>
public sealed record TrackedPoints(Vector2[] Positions, bool[] Tracked, float[] Error);

/// <summary>Sub-pixel point tracking: pyramidal Lucas-Kanade (cv::calcOpticalFlowPyrLK). Thread-safe.</summary>
public static class PointTracker
{
    /// <summary>
    /// Tracks <paramref name="pointsA"/> of the 8-bit grayscale image <paramref name="a"/> into <paramref name="b"/>,
    /// starting from <paramref name="initialB"/> (e.g. a descriptor match). <paramref name="window"/>: odd window side
    /// in pixels; <paramref name="levels"/>: pyramid levels above the full size (0 = full size only).
    /// </summary>
    public static unsafe TrackedPoints Track(Image a, Image b, ReadOnlySpan<Vector2> pointsA, ReadOnlySpan<Vector2> initialB,
        int window = 11, int levels = 1, int maxIterations = 20, double epsilon = 0.01)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (pointsA.Length != initialB.Length)
            throw new ArgumentException($"Point counts differ: {pointsA.Length} vs {initialB.Length}");
        if (a.Channels != 1 || b.Channels != 1) throw new ArgumentException("point tracking needs grayscale images");
        if (a.Width != b.Width || a.Height != b.Height)
            throw new ArgumentException($"image sizes differ: {a.Width}x{a.Height} vs {b.Width}x{b.Height}");
        if (window < 3 || window % 2 == 0) throw new ArgumentOutOfRangeException(nameof(window), window, "window must be odd and at least 3");
        ArgumentOutOfRangeException.ThrowIfNegative(levels);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxIterations, 1);
        int n = pointsA.Length;
        var positions = initialB.ToArray();
        var status = new byte[n];
        var error = new float[n];
        if (n > 0)
        {
            Mat ma = a.Live, mb = b.Live;
            fixed (Vector2* pa = pointsA, pb = positions)
            {
                try
                {
                    using Mat prev = OpenCv.Points(pa, n);
                    // Starts from and is overwritten with positions (OPTFLOW_USE_INITIAL_FLOW): same size and type, so
                    // OpenCV writes into our pinned array (copied back should it ever reallocate).
                    using Mat next = OpenCv.Points(pb, n);
                    using Mat st = new(), er = new();
                    Cv2.CalcOpticalFlowPyrLK(ma, mb, prev, next, st, er, new Size(window, window), levels,
                        new TermCriteria(CriteriaTypes.Count | CriteriaTypes.Eps, maxIterations, epsilon), OpticalFlowFlags.UseInitialFlow);
                    if (next.Data != (IntPtr)pb) OpenCv.CopyBytes(next, new Span<byte>(pb, n * sizeof(Vector2)));
                    OpenCv.CopyBytes(st, status);
                    fixed (float* ep = error) OpenCv.CopyBytes(er, new Span<byte>(ep, n * sizeof(float)));
                }
                catch (Exception e) when (OpenCv.Raised(e))
                {
                    throw OpenCv.Error("Point tracking failed", e);
                }
            }
            GC.KeepAlive(a);
            GC.KeepAlive(b);
        }
        var tracked = new bool[n];
        for (int i = 0; i < n; i++) tracked[i] = status[i] != 0;
        return new TrackedPoints(positions, tracked, error);
    }

    /// <summary>
    /// Shi-Tomasi corners (cv::goodFeaturesToTrack) of the 8-bit grayscale image, refined to sub-pixel accuracy
    /// (cv::cornerSubPix, 5x5 half-window), strongest first. <paramref name="mask"/>: an 8-bit image of the same size,
    /// corners only where it is non-zero (null = anywhere). <paramref name="quality"/>: the weakest corner kept, as a
    /// fraction of the strongest; <paramref name="minDistance"/>: pixels between corners.
    /// </summary>
    public static unsafe Vector2[] DetectCorners(Image gray, int maxCorners, double quality, double minDistance, Image? mask = null)
    {
        ArgumentNullException.ThrowIfNull(gray);
        if (gray.Channels != 1) throw new ArgumentException("corner detection needs a grayscale image");
        if (mask is not null && (mask.Channels != 1 || mask.Width != gray.Width || mask.Height != gray.Height))
            throw new ArgumentException("the mask must be a grayscale image of the same size");
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCorners, 1);
        if (!(quality > 0 && quality < 1)) throw new ArgumentOutOfRangeException(nameof(quality), quality, "quality must be in (0, 1)");
        Vector2[] result = [];
        OpenCv.Run("Corner detection", () =>
        {
            using var none = new Mat();
            Point2f[] found = Cv2.GoodFeaturesToTrack(gray.Live, maxCorners, quality, minDistance, mask?.Live ?? none, 3, false, 0.04);
            if (found.Length == 0) return;
            Point2f[] refined = Cv2.CornerSubPix(gray.Live, found, new Size(5, 5), new Size(-1, -1),
                new TermCriteria(CriteriaTypes.Count | CriteriaTypes.Eps, 20, 0.01));
            result = refined.Select(p => new Vector2(p.X, p.Y)).ToArray();
        });
        GC.KeepAlive(gray);
        GC.KeepAlive(mask);
        return result;
    }
}
