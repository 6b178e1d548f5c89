using CamReview.Core;
using CamReview.Pipeline.Render;
using CamReview.Vision;

namespace CamReview.Pipeline.Tests;

/// <summary>The motion-source abstraction, target fitting and the safe-crop scale, without rendering.</summary>
public sealed class RenderMotionSourceTests
{
    [Fact]
    public void FlaggedPairs_AreHeldAsIdentity_AndCounted()
    {
        var step = Mat3.Translation(0.02, 0);
        var m = MotionSource.FromNormalizedConsecutive([step, null, step, null], fps: 25, referenceWidth: 640, referenceHeight: 360);
        Assert.Equal(5, m.Frames);
        Assert.Equal(2, m.HeldPairs);
        Assert.Equal(25, m.Fps);
        Assert.Equal((640, 360), (m.ReferenceWidth, m.ReferenceHeight));
        double[] expectedX = [0, 0.02, 0.02, 0.04, 0.04];
        for (int i = 0; i < 5; i++) Assert.True(m.Cumulative[i].ApproximatelyEquals(Mat3.Translation(expectedX[i], 0), 1e-12), $"frame {i}: {m.Cumulative[i]}");
    }

    [Fact]
    public void FromPairs_NormalizesPixelHomographies_AndHoldsUnusableOnes()
    {
        // 10 px right per frame at 200x100: 0.1 normalized units (s = 100).
        var pairs = new[]
        {
            PairHomography.Valid(Mat3.Translation(10, 0), 200, 100),
            PairHomography.Flagged("shot cut", 200, 100, Mat3.Translation(50, 0)),
            PairHomography.Valid(new Mat3(double.NaN, 0, 0, 0, 1, 0, 0, 0, 1), 200, 100),
            PairHomography.Valid(Mat3.Translation(10, 0), 200, 100),
        };
        var m = MotionSource.FromPairs(pairs, fps: 30);
        Assert.Equal(2, m.HeldPairs);
        Assert.True(m.Cumulative[^1].ApproximatelyEquals(Mat3.Translation(0.2, 0), 1e-12));
        // At another output resolution the same motion is 20% of the half-width.
        Assert.True(m.PixelCumulative(4, 64, 32).ApproximatelyEquals(Mat3.Translation(0.2 * 32, 0), 1e-9));
    }

    [Fact]
    public void Presets_MatchCoreTrajectories_InNormalizedCoordinates_AtAnySizeOfTheSameAspect()
    {
        var small = MotionSource.FromPreset(TrajectoryPreset.PanRight, 1.5, 5, 320, 180);
        var large = MotionSource.FromPreset(TrajectoryPreset.PanRight, 1.5, 5, 1280, 720);
        var core = TrajectoryPresets.Create(TrajectoryPreset.PanRight, 1280, 720, 1.5, 5);
        for (int i = 0; i < 5; i++)
        {
            Assert.True(small.Cumulative[i].ApproximatelyEquals(large.Cumulative[i], 1e-12));
            Assert.True(large.PixelCumulative(i, 1280, 720).ApproximatelyEquals(core.Cumulative[i], 1e-6));
        }
        Assert.Equal(24, small.Fps);
        Assert.Contains("pan-right", small.Description);
    }

    [Fact]
    public void Sample_PicksUniformFrames_AndValidates()
    {
        var m = MotionSource.FromNormalizedCumulative(Enumerable.Range(0, 9).Select(i => Mat3.Translation(i, 0)).ToArray());
        var s = m.Sample(5);
        Assert.Equal([0.0, 2, 4, 6, 8], s.Cumulative.Select(h => h.M02).ToArray());
        Assert.Same(m, m.Sample(9));
        Assert.Equal(0.0, m.Sample(1).Cumulative[0].M02);
        Assert.Throws<ArgumentOutOfRangeException>(() => m.Sample(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => m.Sample(10));
        Assert.Throws<ArgumentException>(() => MotionSource.FromNormalizedCumulative([Mat3.Translation(0.1, 0)]));
        Assert.Throws<ArgumentException>(() => MotionSource.FromNormalizedCumulative([Mat3.Identity, Mat3.Zero]));
        Assert.Throws<ArgumentOutOfRangeException>(() => MotionSource.FromNormalizedCumulative([Mat3.Identity], fps: 0));
    }

    [Theory]
    [InlineData(641, 481, 640, 480, 0, 0, 640, 480)]     // made even: crop only
    [InlineData(1920, 1080, 640, 480, 240, 0, 1440, 1080)] // wider: full height
    [InlineData(600, 800, 640, 480, 0, 175, 600, 450)]   // taller: full width
    public void TargetFit_CentreCropsToTheOutputAspect(int tw, int th, int ow, int oh, int x, int y, int cw, int ch) =>
        Assert.Equal(new PixelRect(x, y, cw, ch), TargetFit.CropRectangle(tw, th, ow, oh));

    [Fact]
    public void SafeCropScale_IsOneWithoutMotion_AndCoversAZoomOut()
    {
        Assert.Equal(1.0, SafeCrop.ComputeScale([Mat3.Identity, Mat3.Identity], 100, 80, Interpolation.Linear));
        // Zoom-out by 0.8 about the centre: the visible content spans 0.8 of the frame, so s must undo it
        // (plus the half-pixel kernel margin).
        var zoomOut = SafeCrop.Zoom(0.8, 100, 80);
        double s = SafeCrop.ComputeScale([Mat3.Identity, zoomOut], 100, 80, Interpolation.Linear);
        Assert.InRange(s, 1.25, 1.27);
        Assert.Throws<InvalidOperationException>(() => SafeCrop.ComputeScale([Mat3.Identity, SafeCrop.Zoom(0.1, 100, 80)], 100, 80, Interpolation.Linear));
    }

    [Fact]
    public void InvalidMask_MatchesAPerPixelCheck()
    {
        const int w = 80, h = 50;
        var cases = new[]
        {
            Mat3.Identity,
            Mat3.Translation(7.3, -4.2),
            SafeCrop.Zoom(0.7, w, h) * Mat3.Translation(2, 1),
            new Mat3(1.1, 0.2, -3, -0.1, 0.9, 4, 0.004, -0.003, 1),
            new Mat3(1, 0, 0, 0, 1, 0, 0.02, 0, 1), // strong perspective: part of the output is beyond the horizon
        };
        var mask = new byte[w * h];
        foreach (var interp in new[] { Interpolation.Linear, Interpolation.Cubic })
        foreach (var hIdx in cases)
        {
            int count = WarpGeometry.InvalidMask(hIdx, w, h, interp, mask);
            var inv = hIdx.Inverse();
            var (lo, hi) = interp == Interpolation.Cubic ? (1.0, 2.0) : (0.0, 0.0);
            int expectedCount = 0, mismatches = 0;
            for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                bool valid = inv.HomogeneousW(x, y) > 0 && inv.Transform(x, y) is var q
                    && q.X >= lo - 1e-6 && q.X <= w - 1 - hi + 1e-6 && q.Y >= lo - 1e-6 && q.Y <= h - 1 - hi + 1e-6;
                if (!valid) expectedCount++;
                if ((mask[y * w + x] == 0) != valid) mismatches++;
            }
            Assert.True(mismatches == 0, $"{interp} {hIdx}: {mismatches} pixels differ");
            Assert.Equal(expectedCount, count);
        }
    }
}
