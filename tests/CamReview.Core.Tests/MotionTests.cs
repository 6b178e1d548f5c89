using CamReview.Core;
using static CamReview.Core.Tests.TestUtil;

namespace CamReview.Core.Tests;

public class PairMotionTests
{
    private const int W = 640, H = 360; // s = 320, threshold 1.8 px, r = 180

    [Fact]
    public void TranslationZoomAndRollAreReadOffCorrectly()
    {
        var m = PairMotion.FromPixel(Mat3.Translation(-16, 8), W, H);
        Near(-0.05, m.Dx, 1e-15); Near(0.025, m.Dy, 1e-15);
        Near(1, m.Zoom, 1e-15); Near(0, m.RollDegrees, 1e-12);
        Near(new Point2(-16, 8), m.ShiftPixels(W, H), 1e-12);

        var z = PairMotion.FromPixel(ZoomAboutCentre(1.1, W, H), W, H);
        Near(1.1, z.Zoom, 1e-12); Near(0, z.Dx, 1e-12); Near(1, z.Anisotropy, 1e-9);

        var r = PairMotion.FromPixel(RotateAboutCentre(7, W, H), W, H);
        Near(7, r.RollDegrees, 1e-9); Near(1, r.Zoom, 1e-12); Near(0, r.Dy, 1e-12);
    }

    [Fact]
    public void ZoomUsesJacobianAtCentreNotRawLinearPart()
    {
        // Hn = [[1, 0, 0.1], [0, 1, 0], [0.2, 0, 1]]: raw det(A) = 1, but near the centre the map is
        // (u + 0.1) / (0.2 u + 1), derivative 1 - 0.02 = 0.98 along u and 1 along v.
        var m = PairMotion.FromNormalized(new Mat3(1, 0, 0.1, 0, 1, 0, 0.2, 0, 1));
        Near(Math.Sqrt(0.98), m.Zoom, 1e-12);
        Near(0.2, m.Perspective, 1e-15);
    }

    [Fact]
    public void ClipSummaryAccumulatesAndChains()
    {
        var pairs = Pairs(W, H, Mat3.Translation(-16, 0), Mat3.Translation(-16, 0), ZoomAboutCentre(1.1, W, H))
            .Append(PairHomography.Flagged("black frame", W, H))
            .ToArray();
        var clip = MotionSummary.Summarize(pairs);
        Assert.Equal(3, clip.PairsUsed);
        Assert.Equal(1, clip.PairsFlagged);
        Assert.Null(clip.PerPair[3].Motion);
        Assert.Equal("black frame", clip.PerPair[3].Reason);
        Near(-0.1, clip.TotalDx, 1e-12);
        Near(1.1, clip.TotalZoom, 1e-12);
        Near(-0.05, clip.MedianDx!.Value, 1e-12);
        Near(1.0, clip.MedianZoom!.Value, 1e-12);
        // Chained: shift by -0.1 then zoom about the centre => the first frame's centre ends at -0.11.
        Near(-0.11, clip.ChainedMotion!.Dx, 1e-12);
        Near(1.1, clip.ChainedMotion.Zoom, 1e-12);

        var empty = MotionSummary.Summarize([PairHomography.Flagged("cut", W, H)]);
        Assert.Equal(0, empty.PairsUsed);
        Assert.Null(empty.MedianDx);
    }
}

public class MotionClassifierTests
{
    private const int W = 640, H = 360; // threshold 0.005 * 360 = 1.8 px

    [Theory]
    [InlineData(TrajectoryPreset.PanLeft, MotionClass.PanLeft)]
    [InlineData(TrajectoryPreset.PanRight, MotionClass.PanRight)]
    [InlineData(TrajectoryPreset.TiltUp, MotionClass.TiltUp)]
    [InlineData(TrajectoryPreset.TiltDown, MotionClass.TiltDown)]
    [InlineData(TrajectoryPreset.RollCw, MotionClass.Roll)]
    [InlineData(TrajectoryPreset.RollCcw, MotionClass.Roll)]
    [InlineData(TrajectoryPreset.ZoomIn, MotionClass.ZoomIn)]
    [InlineData(TrajectoryPreset.ZoomOut, MotionClass.ZoomOut)]
    public void PresetTrajectoriesAreClassifiedAsTheirOwnMotion(TrajectoryPreset preset, MotionClass expected)
    {
        double speed = preset.IsZoom() ? 1.02 : 1.0;
        var t = TrajectoryPresets.Create(preset, W, H, speed, 25);
        var result = MotionClassifier.Classify(t.ToPairs());
        Assert.Equal(expected, result.Class);
        Assert.Equal(24, result.PairsUsed);
        Assert.Equal(1.0, result.Agreement);
        Assert.Null(result.Reason);
    }

    [Fact]
    public void PanSignConventionOnPlainTranslations()
    {
        // Content moving left = camera panning right; content moving down = camera tilting up.
        Assert.Equal(MotionClass.PanRight, MotionClassifier.Classify(Repeat(Mat3.Translation(-5, 0), 10, W, H)).Class);
        Assert.Equal(MotionClass.PanLeft, MotionClassifier.Classify(Repeat(Mat3.Translation(5, 0), 10, W, H)).Class);
        Assert.Equal(MotionClass.TiltUp, MotionClassifier.Classify(Repeat(Mat3.Translation(0, 5), 10, W, H)).Class);
        Assert.Equal(MotionClass.TiltDown, MotionClassifier.Classify(Repeat(Mat3.Translation(0, -5), 10, W, H)).Class);
        Assert.Equal("pan-right", MotionClassifier.Classify(Repeat(Mat3.Translation(-5, 0), 10, W, H)).Label);
    }

    [Fact]
    public void ThresholdIsPointZeroZeroFiveOfTheShorterSidePerPair()
    {
        Assert.Equal(1.8, MotionClassifier.ThresholdPixels(W, H), 12);
        Assert.Equal(MotionClass.Static, MotionClassifier.Classify(Repeat(Mat3.Translation(-1.7, 0), 20, W, H)).Class);
        Assert.Equal(MotionClass.PanRight, MotionClassifier.Classify(Repeat(Mat3.Translation(-1.9, 0), 20, W, H)).Class);
        // Zoom is measured at r = min(W,H)/2 = 180 px: 1.01 moves it 1.8 px (not past), 1.011 moves it 1.98 px.
        Assert.Equal(MotionClass.Static, MotionClassifier.Classify(Repeat(ZoomAboutCentre(1.0099, W, H), 20, W, H)).Class);
        Assert.Equal(MotionClass.ZoomIn, MotionClassifier.Classify(Repeat(ZoomAboutCentre(1.011, W, H), 20, W, H)).Class);
    }

    [Fact]
    public void StaticCameraWithIdentityIsStatic()
    {
        var r = MotionClassifier.Classify(Repeat(Mat3.Identity, 30, W, H));
        Assert.Equal(MotionClass.Static, r.Class);
        Assert.Equal("static", r.Label);
    }

    [Fact]
    public void StaticCameraWithOccasionalNoisyPairsStaysStatic()
    {
        // 60 pairs: sub-pixel jitter everywhere, and 12 pairs (20%) where people walking through pull the
        // fit by several pixels in random directions plus a little zoom/rotation.
        var rng = new Random(1234);
        var pairs = new List<PairHomography>();
        for (int i = 0; i < 60; i++)
        {
            Mat3 h = Mat3.Translation(rng.NextDouble() * 0.6 - 0.3, rng.NextDouble() * 0.6 - 0.3);
            if (i % 5 == 2)
            {
                double angle = rng.NextDouble() * 2 * Math.PI;
                h = Mat3.Translation(6 * Math.Cos(angle), 6 * Math.Sin(angle))
                    * ZoomAboutCentre(1 + (rng.NextDouble() - 0.5) * 0.03, W, H)
                    * RotateAboutCentre((rng.NextDouble() - 0.5) * 2, W, H);
            }
            pairs.Add(PairHomography.Valid(h, W, H));
        }
        var r = MotionClassifier.Classify(pairs);
        Assert.Equal(MotionClass.Static, r.Class);
        Assert.True(r.Agreement >= 0.75, $"agreement {r.Agreement}");
        Assert.Contains(r.PerPair, c => c != MotionClass.Static); // the noisy pairs really were above threshold
    }

    [Fact]
    public void PanWithSomeFlaggedAndSomeNoisyPairsStaysPan()
    {
        var pairs = TrajectoryPresets.Create(TrajectoryPreset.PanLeft, W, H, 0.8, 31).ToPairs().ToArray();
        pairs[3] = PairHomography.Flagged("shot cut", W, H);
        pairs[10] = PairHomography.Flagged("too few inliers", W, H, Mat3.Translation(200, 0));
        pairs[20] = PairHomography.Valid(Mat3.Translation(0, -9), W, H);
        var r = MotionClassifier.Classify(pairs);
        Assert.Equal(MotionClass.PanLeft, r.Class);
        Assert.Equal(28, r.PairsUsed);
        Assert.Equal(2, r.PairsFlagged);
        Assert.Null(r.PerPair[3]);
    }

    [Fact]
    public void SimultaneousPanAndZoomOfSimilarSizeIsComplex()
    {
        var pan = TrajectoryPresets.Create(TrajectoryPreset.PanRight, W, H, 0.5, 2).Consecutive[0]; // ~4.8 px
        var h = pan * ZoomAboutCentre(1.025, W, H); // zoom displaces the edge midpoints 4.5 px
        var r = MotionClassifier.Classify(Repeat(h, 20, W, H));
        Assert.Equal(MotionClass.Complex, r.Class);
        Assert.NotNull(r.Reason);
    }

    [Fact]
    public void DominantComponentWinsOverASmallSecondOne()
    {
        // 10 px pan with a 2 px zoom displacement: the pan is more than DominanceRatio times the zoom.
        var h = Mat3.Translation(-10, 0) * ZoomAboutCentre(1 + 2.0 / 180, W, H);
        Assert.Equal(MotionClass.PanRight, MotionClassifier.Classify(Repeat(h, 20, W, H)).Class);
    }

    [Fact]
    public void PanLeftThenPanRightIsComplexNotStatic()
    {
        var pairs = Repeat(Mat3.Translation(8, 0), 10, W, H).Concat(Repeat(Mat3.Translation(-8, 0), 10, W, H)).ToArray();
        var r = MotionClassifier.Classify(pairs);
        Assert.Equal(MotionClass.Complex, r.Class);
        Assert.Contains("consistent", r.Reason);
    }

    [Fact]
    public void NoUsablePairsGivesNullClassWithReason()
    {
        var r = MotionClassifier.Classify([PairHomography.Flagged("black frame", W, H), PairHomography.Flagged("cut", W, H)]);
        Assert.Null(r.Class);
        Assert.Null(r.Label);
        Assert.Equal(2, r.PairsFlagged);
        Assert.Contains("no usable", r.Reason);
        Assert.Null(MotionClassifier.Classify([]).Class);
    }

    [Fact]
    public void LabelsRoundTrip()
    {
        foreach (var c in Enum.GetValues<MotionClass>())
        {
            Assert.True(MotionClassLabels.TryParse(c.ToLabel(), out var back));
            Assert.Equal(c, back);
        }
        Assert.Equal(["static", "pan-left", "pan-right", "tilt-up", "tilt-down", "zoom-in", "zoom-out", "roll", "complex"],
            Enum.GetValues<MotionClass>().Select(c => c.ToLabel()));
        Assert.False(MotionClassLabels.TryParse("dolly", out _));
    }
}
