using CamReview.Core;
using static CamReview.Core.Tests.TestUtil;

namespace CamReview.Core.Tests;

public class HomographyCheckTests
{
    private const int W = 640, H = 360;

    [Fact]
    public void PlausibleConsecutiveMotionPasses()
    {
        Assert.True(HomographyCheck.Check(Mat3.Identity, W, H).Ok);
        Assert.True(HomographyCheck.Check(Mat3.Translation(-15, 4), W, H).Ok);
        Assert.True(HomographyCheck.Check(ZoomAboutCentre(1.05, W, H), W, H).Ok);
        Assert.True(HomographyCheck.Check(RotateAboutCentre(3, W, H), W, H).Ok);
        foreach (var preset in Enum.GetValues<TrajectoryPreset>())
        {
            double speed = preset.IsZoom() ? 1.05 : 5;
            var t = TrajectoryPresets.Create(preset, W, H, speed, 3);
            foreach (var h in t.Consecutive)
            {
                var v = HomographyCheck.Check(h, W, H);
                Assert.True(v.Ok, $"{preset}: {v.Reason}");
                Assert.Null(v.Reason);
            }
        }
    }

    [Theory]
    [InlineData("nan", "non-finite")]
    [InlineData("centre-at-infinity", "infinity")]
    [InlineData("mirror", "mirrors")]
    [InlineData("zoom5", "scale change")]
    [InlineData("zoom0.2", "scale change")]
    [InlineData("stretch", "shear")]
    [InlineData("perspective", "perspective")]
    [InlineData("jump", "centre shift")]
    public void DegenerateFitsAreFlaggedWithAReason(string kind, string reasonFragment)
    {
        Mat3 h = kind switch
        {
            "nan" => new Mat3(1, 0, double.NaN, 0, 1, 0, 0, 0, 1),
            "centre-at-infinity" => new Mat3(1, 0, 0, 0, 1, 0, -1.0 / 320, 0, 1),
            "mirror" => Mat3.Translation(W / 2.0, H / 2.0) * Mat3.Scaling(-1, 1) * Mat3.Translation(-W / 2.0, -H / 2.0),
            "zoom5" => ZoomAboutCentre(5, W, H),
            "zoom0.2" => ZoomAboutCentre(0.2, W, H),
            "stretch" => Mat3.Translation(W / 2.0, H / 2.0) * Mat3.Scaling(2, 0.5) * Mat3.Translation(-W / 2.0, -H / 2.0),
            // Perspective 0.6 in normalized units, denormalized to pixels.
            "perspective" => NormalizedCoordinates.Denormalize(new Mat3(1, 0, 0, 0, 1, 0, 0.6, 0, 1), W, H),
            "jump" => Mat3.Translation(400, 0), // 1.25 normalized units
            _ => throw new ArgumentException(kind),
        };
        var v = HomographyCheck.Check(h, W, H);
        Assert.False(v.Ok);
        Assert.Contains(reasonFragment, v.Reason!, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void ThresholdsAreInclusiveBoundsOnTheDocumentedQuantities()
    {
        Assert.True(HomographyCheck.Check(ZoomAboutCentre(3.9, W, H), W, H).Ok);
        Assert.False(HomographyCheck.Check(ZoomAboutCentre(4.1, W, H), W, H).Ok);
        Assert.True(HomographyCheck.CheckNormalized(new Mat3(1, 0, 0, 0, 1, 0, 0.49, 0, 1), W, H).Ok);
        Assert.False(HomographyCheck.CheckNormalized(new Mat3(1, 0, 0, 0, 1, 0, 0.51, 0, 1), W, H).Ok);
        Assert.True(HomographyCheck.CheckNormalized(Mat3.Translation(0.99, 0), W, H).Ok);
        Assert.False(HomographyCheck.CheckNormalized(Mat3.Translation(0.8, 0.8), W, H).Ok);
    }
}

public class HomographyChainTests
{
    [Fact]
    public void ChainAppliesEarlierHomographiesFirst()
    {
        // H0: shift right by 10; H1: scale by 2 about the origin. Frame 0 -> 2 must shift THEN scale.
        var hs = new[] { Mat3.Translation(10, 0), Mat3.Scaling(2, 2) };
        var chained = HomographyChain.Chain(hs, 0, 2);
        Near(new Point2(22, 4), chained.Transform(1, 2), 1e-12);   // (1+10)*2, 2*2
        Near(hs[1].Transform(hs[0].Transform(new Point2(1, 2))), chained.Transform(1, 2), 1e-12);
        Near(Mat3.Identity, HomographyChain.Chain(hs, 1, 1), 0);
        Near(hs[1], HomographyChain.Chain(hs, 1, 2), 0);
        Assert.Throws<ArgumentOutOfRangeException>(() => HomographyChain.Chain(hs, 2, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => HomographyChain.Chain(hs, 0, 3));
    }

    [Fact]
    public void CumulativeAndConsecutiveRoundTrip()
    {
        var hs = new[]
        {
            new Mat3(1.01, 0.02, -3, -0.01, 0.99, 2, 1e-5, 0, 1),
            Mat3.Translation(4, -1),
            new Mat3(0.98, 0, 1, 0.03, 1.02, 0, 0, -2e-5, 1),
        };
        var cum = HomographyChain.Cumulative(hs);
        Assert.Equal(4, cum.Count);
        Near(Mat3.Identity, cum[0], 0);
        Near((hs[2] * hs[1] * hs[0]).ScaledToUnitCorner(), cum[3], 1e-12);
        Near(HomographyChain.Chain(hs, 0, 2), cum[2], 1e-12);
        var back = HomographyChain.Consecutive(cum);
        Assert.Equal(3, back.Count);
        for (int i = 0; i < hs.Length; i++) Near(hs[i], back[i], 1e-10);
        Assert.Empty(HomographyChain.Consecutive([]));
    }
}
