using System.Numerics;
using CamReview.Vision.Interop;

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
        fixed (Vector2* pa = pointsA, pb = positions)
        fixed (byte* st = status)
        fixed (float* er = error)
        {
            NativeMethods.Check(NativeMethods.cvr_track_points(a.Live, b.Live, (float*)pa, (float*)pb, n, window, levels,
                maxIterations, epsilon, st, er), "Point tracking failed");
        }
        var tracked = new bool[n];
        for (int i = 0; i < n; i++) tracked[i] = status[i] != 0;
        return new TrackedPoints(positions, tracked, error);
    }
}
