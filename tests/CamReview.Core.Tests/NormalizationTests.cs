using CamReview.Core;
using static CamReview.Core.Tests.TestUtil;

namespace CamReview.Core.Tests;

public class NormalizationTests
{
    [Fact]
    public void MatrixMapsCentreAndEdgesAsDefined()
    {
        // 640x360: s = 320, centre (320, 180).
        Assert.Equal(320.0, NormalizedCoordinates.Scale(640, 360));
        var n = NormalizedCoordinates.Matrix(640, 360);
        Near(new Point2(0, 0), n.Transform(320, 180), 1e-15);
        Near(new Point2(-1, -0.5625), n.Transform(0, 0), 1e-15);
        Near(new Point2(1, 0.5625), n.Transform(640, 360), 1e-15);
        Near(new Point2(1, 0.5625), NormalizedCoordinates.ToNormalized(new Point2(640, 360), 640, 360), 1e-15);
        // Portrait: the longer side (height) spans [-1, 1].
        Near(new Point2(-0.5625, 1), NormalizedCoordinates.ToNormalized(new Point2(0, 640), 360, 640), 1e-15);
        Near(Mat3.Identity, n * NormalizedCoordinates.InverseMatrix(640, 360), 1e-15);
    }

    [Fact]
    public void PointRoundTrip()
    {
        var p = new Point2(123.25, -7.5);
        Near(p, NormalizedCoordinates.ToPixel(NormalizedCoordinates.ToNormalized(p, 1920, 1080), 1920, 1080), 1e-12);
    }

    [Fact]
    public void NormalizeDenormalizeRoundTrip()
    {
        var h = new Mat3(1.02, 0.01, -12.5, -0.008, 0.99, 4.25, 1e-5, -2e-5, 1);
        foreach (var (w, hh) in new[] { (640, 360), (1280, 720), (480, 640), (512, 512) })
        {
            var hn = NormalizedCoordinates.Normalize(h, w, hh);
            Assert.Equal(1.0, hn.M22, 15);
            Near(h, NormalizedCoordinates.Denormalize(hn, w, hh), 1e-9);
            // And the other way round.
            Near(hn, NormalizedCoordinates.Normalize(NormalizedCoordinates.Denormalize(hn, w, hh), w, hh), 1e-12);
        }
    }

    [Fact]
    public void NormalizedHomographyMapsNormalizedPointsLikeThePixelHomography()
    {
        var h = new Mat3(1.05, 0.02, -8, -0.01, 0.97, 3, 2e-5, 1e-5, 1);
        var hn = NormalizedCoordinates.Normalize(h, 800, 600);
        var p = new Point2(100, 500);
        var viaPixels = NormalizedCoordinates.ToNormalized(h.Transform(p), 800, 600);
        var viaNormalized = hn.Transform(NormalizedCoordinates.ToNormalized(p, 800, 600));
        Near(viaPixels, viaNormalized, 1e-12);
    }

    [Fact]
    public void TranslationNormalizesToTranslationOverS()
    {
        // 200x100: s = 100, so a 10 px shift is 0.1 normalized units.
        var hn = NormalizedCoordinates.Normalize(Mat3.Translation(10, -5), 200, 100);
        Near(Mat3.Translation(0.1, -0.05), hn, 1e-15);
    }

    [Fact]
    public void SameMotionAtTwoResolutionsGivesTheSameNormalizedHomography()
    {
        // The same camera move rendered at 640x360 and 1280x720: a rotation-only trajectory built from
        // each frame size with the same field of view, plus a hand-made general homography converted.
        var small = TrajectoryPresets.Create(TrajectoryPreset.PanRight, 640, 360, 1.5, 4).Consecutive[2];
        var large = TrajectoryPresets.Create(TrajectoryPreset.PanRight, 1280, 720, 1.5, 4).Consecutive[2];
        Assert.True(small.MaxAbsDifference(large) > 1, "pixel homographies must differ");
        Near(NormalizedCoordinates.Normalize(small, 640, 360), NormalizedCoordinates.Normalize(large, 1280, 720), 1e-9);

        var h = new Mat3(1.03, 0.015, -9.5, -0.02, 1.01, 6.25, 3e-5, -1e-5, 1);
        var h2 = NormalizedCoordinates.ConvertResolution(h, 640, 360, 1280, 720);
        Near(new Mat3(1.03, 0.015 * 1, -19, -0.02, 1.01, 12.5, 1.5e-5, -0.5e-5, 1), h2, 1e-12);
        Near(NormalizedCoordinates.Normalize(h, 640, 360), NormalizedCoordinates.Normalize(h2, 1280, 720), 1e-9);
        // Converting back is the identity operation.
        Near(h, NormalizedCoordinates.ConvertResolution(h2, 1280, 720, 640, 360), 1e-12);
    }

    [Fact]
    public void DifferentAspectRatioIsNotTheSameMotion()
    {
        // Stretching 640x360 content to 640x480 changes the normalized homography (documented limitation).
        var h = Mat3.Translation(0, 9);
        var converted = NormalizedCoordinates.ConvertResolution(h, 640, 360, 640, 480);
        Near(Mat3.Translation(0, 12), converted, 1e-12);
        Assert.True(NormalizedCoordinates.Normalize(h, 640, 360).MaxAbsDifference(NormalizedCoordinates.Normalize(converted, 640, 480)) > 1e-3);
    }

    [Fact]
    public void InvalidSizesAndCentreAtInfinityAreRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => NormalizedCoordinates.Matrix(0, 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => NormalizedCoordinates.Normalize(Mat3.Identity, 10, -1));
        // Perspective row that sends the centre pixel (320, 180) to infinity: w = -x/320 + 1 = 0 there.
        var h = new Mat3(1, 0, 0, 0, 1, 0, -1.0 / 320, 0, 1);
        Assert.False(NormalizedCoordinates.TryNormalize(h, 640, 360, out _));
        Assert.Throws<InvalidOperationException>(() => NormalizedCoordinates.Normalize(h, 640, 360));
    }
}
