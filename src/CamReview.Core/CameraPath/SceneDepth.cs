namespace CamReview.Core;

/// <summary>
/// The depth statistic Zbar of the parallax number Pi = ||Delta T|| / Zbar, defined once for the meter (the camera
/// path's triangulated points) and the ParaScale renderer (a target's depth map): the picture is divided into a
/// <see cref="GridColumns"/> x <see cref="GridRows"/> grid, each cell with samples gives the median of its depths,
/// and Zbar is the median of those cell medians. A richly textured object that holds most of a clip's feature
/// tracks thus counts for the part of the picture it covers, as it does in a depth map, and the two agree.
/// </summary>
public static class SceneDepth
{
    public const int GridColumns = 8, GridRows = 5;

    /// <summary>Zbar of depth samples at pixel positions (x, y) of a <paramref name="width"/> x <paramref name="height"/> picture; NaN without samples.</summary>
    public static double GridMedian(IEnumerable<(double X, double Y, double Z)> samples, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var cells = new List<double>[GridColumns * GridRows];
        foreach (var (x, y, z) in samples)
        {
            if (!double.IsFinite(z)) continue;
            int c = Cell(x, y, width, height);
            (cells[c] ??= []).Add(z);
        }
        return TwoViewMath.Median(cells.Where(c => c is not null).Select(c => TwoViewMath.Median(c)));
    }

    /// <summary>Zbar of a dense depth map (row-major, one value per pixel, sampled at pixel centres).</summary>
    public static double GridMedian(ReadOnlySpan<float> depth, int width, int height)
    {
        if (depth.Length != (long)width * height) throw new ArgumentException("one depth per pixel");
        var cells = new List<double>[GridColumns * GridRows];
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
        {
            float z = depth[y * width + x];
            if (!float.IsFinite(z)) continue;
            (cells[Cell(x + 0.5, y + 0.5, width, height)] ??= []).Add(z);
        }
        return TwoViewMath.Median(cells.Where(c => c is not null).Select(c => TwoViewMath.Median(c)));
    }

    private static int Cell(double x, double y, int width, int height)
    {
        int cx = Math.Clamp((int)(x * GridColumns / width), 0, GridColumns - 1);
        int cy = Math.Clamp((int)(y * GridRows / height), 0, GridRows - 1);
        return cy * GridColumns + cx;
    }
}
