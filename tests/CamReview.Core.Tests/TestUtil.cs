using CamReview.Core;

namespace CamReview.Core.Tests;

internal static class TestUtil
{
    public static void Near(double expected, double actual, double tol, string? what = null)
    {
        Assert.True(Math.Abs(expected - actual) <= tol,
            $"{what ?? "value"}: expected {expected:R}, got {actual:R} (|diff| {Math.Abs(expected - actual):G3} > {tol:G3})");
    }

    public static void Near(Mat3 expected, Mat3 actual, double tol)
    {
        double d = expected.MaxAbsDifference(actual);
        Assert.True(d <= tol, $"matrices differ by {d:G3} > {tol:G3}\nexpected {expected}\nactual   {actual}");
    }

    public static void Near(Point2 expected, Point2 actual, double tol)
    {
        Near(expected.X, actual.X, tol, "x");
        Near(expected.Y, actual.Y, tol, "y");
    }

    /// <summary>Pixel homography that scales about the centre of a W x H frame.</summary>
    public static Mat3 ZoomAboutCentre(double factor, int w, int h) =>
        Mat3.Translation(w / 2.0, h / 2.0) * Mat3.Scaling(factor, factor) * Mat3.Translation(-w / 2.0, -h / 2.0);

    /// <summary>Pixel homography that rotates content about the centre (positive = clockwise on screen).</summary>
    public static Mat3 RotateAboutCentre(double degrees, int w, int h) =>
        Mat3.Translation(w / 2.0, h / 2.0) * Mat3.Rotation2D(degrees) * Mat3.Translation(-w / 2.0, -h / 2.0);

    public static PairHomography[] Pairs(int w, int h, params Mat3[] hs) =>
        hs.Select(x => PairHomography.Valid(x, w, h)).ToArray();

    public static PairHomography[] Repeat(Mat3 hPixel, int count, int w, int h) =>
        Enumerable.Repeat(PairHomography.Valid(hPixel, w, h), count).ToArray();
}
