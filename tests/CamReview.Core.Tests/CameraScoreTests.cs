using CamReview.Core;
using static CamReview.Core.Tests.TestUtil;

namespace CamReview.Core.Tests;

public class CameraScoreTests
{
    [Fact]
    public void IdenticalSequencesScoreZero()
    {
        var pairs = TrajectoryPresets.Create(TrajectoryPreset.PanRight, 640, 360, 1.2, 17).ToPairs();
        var r = CameraScore.Compute(pairs, pairs);
        Assert.Equal(0.0, r.Score);
        Assert.Equal(16, r.PairsUsed);
        Assert.Equal(0, r.PairsFlagged);
        Assert.Null(r.Reason);
        Assert.Null(r.SampledFrames);
        Assert.Equal(HomographySpace.Normalized, r.Space);
        Assert.All(r.PerPair, p => Assert.Equal(0.0, p.Value));
    }

    [Fact]
    public void HandComputedExample()
    {
        // 200x100 frames, s = 100. Reference: a 10 px shift right (Hn = translation 0.1), then a 1.1x zoom
        // about the centre (Hn = diag(1.1, 1.1, 1)). Generated: no motion.
        // Pair 0: ||T(0.1) - I||^2 = 0.1^2 = 0.01. Pair 1: 0.1^2 + 0.1^2 = 0.02. Mean: 0.015.
        var reference = Pairs(200, 100, Mat3.Translation(10, 0), ZoomAboutCentre(1.1, 200, 100));
        var generated = Pairs(200, 100, Mat3.Identity, Mat3.Identity);
        var r = CameraScore.Compute(reference, generated);
        Near(0.015, r.Score!.Value, 1e-12);
        Near(0.01, r.PerPair[0].Value!.Value, 1e-12);
        Near(0.02, r.PerPair[1].Value!.Value, 1e-12);
        Assert.Equal(1, r.PerPair[1].ReferenceFromFrame);
        Assert.Equal(2, r.PerPair[1].ReferenceToFrame);

        // Pixel variant: pair 0 is 10^2 = 100. Pair 1: zoom about (100, 50) in pixels is
        // [[1.1, 0, -10], [0, 1.1, -5], [0, 0, 1]] -> 0.01 + 0.01 + 100 + 25 = 125.02. Mean 112.51.
        var p = CameraScore.Compute(reference, generated, HomographySpace.Pixel);
        Near(112.51, p.Score!.Value, 1e-9);
        Assert.Equal(HomographySpace.Pixel, p.Space);
    }

    [Fact]
    public void ScoreGrowsMonotonicallyWithInjectedError()
    {
        var reference = TrajectoryPresets.Create(TrajectoryPreset.ZoomIn, 640, 360, 1.02, 11).ToPairs();
        double previous = -1;
        foreach (double err in new[] { 0.0, 0.5, 1, 2, 4, 8, 16 })
        {
            // Generated = reference with an extra content shift of err pixels in every pair.
            var generated = reference.Select(p => p with { Homography = Mat3.Translation(err, 0) * p.Homography!.Value }).ToArray();
            double score = CameraScore.Compute(reference, generated).Score!.Value;
            Assert.True(score > previous, $"error {err}: {score} not > {previous}");
            // Exactly (err / s)^2 per pair: the extra translation changes only the normalized translation entry.
            Near(Math.Pow(err / 320.0, 2), score, 1e-12);
            previous = score;
        }
    }

    [Fact]
    public void PixelVariantScalesTranslationErrorsBySSquared()
    {
        var reference = Repeat(Mat3.Translation(-6, 2), 8, 1280, 720);
        var generated = Repeat(Mat3.Translation(-2, 5), 8, 1280, 720); // diff (4, -3): 25 px^2
        double normalized = CameraScore.Compute(reference, generated).Score!.Value;
        double pixel = CameraScore.Compute(reference, generated, HomographySpace.Pixel).Score!.Value;
        Near(25, pixel, 1e-9);
        Near(25 / (640.0 * 640.0), normalized, 1e-15);
    }

    [Fact]
    public void NormalizedScoreIsResolutionIndependentButPixelScoreIsNot()
    {
        var reference = TrajectoryPresets.Create(TrajectoryPreset.TiltUp, 1280, 720, 0.7, 9).ToPairs();
        var generated = TrajectoryPresets.Create(TrajectoryPreset.TiltUp, 640, 360, 0.7, 9).ToPairs();
        Near(0, CameraScore.Compute(reference, generated).Score!.Value, 1e-18);
        Assert.True(CameraScore.Compute(reference, generated, HomographySpace.Pixel).Score > 10);
    }

    [Fact]
    public void FlaggedPairsAreExcludedAndCounted()
    {
        const int w = 200, h = 100;
        var reference = Repeat(Mat3.Translation(10, 0), 6, w, h);   // Hn shift 0.1
        var generated = Repeat(Mat3.Identity, 6, w, h);
        reference[1] = PairHomography.Flagged("too few inliers", w, h);
        generated[3] = PairHomography.Flagged("black frame", w, h, Mat3.Translation(1000, 0));
        reference[5] = PairHomography.Flagged("shot cut", w, h);
        generated[5] = PairHomography.Valid(new Mat3(1, 0, 0, 0, 1, 0, double.NaN, 0, 1), w, h);
        // A deliberately different usable pair so the mean is not trivially 0.01 per pair.
        generated[0] = PairHomography.Valid(Mat3.Translation(-10, 0), w, h); // 0.2^2 = 0.04

        var r = CameraScore.Compute(reference, generated);
        Assert.Equal(6, r.PairCount);
        Assert.Equal(3, r.PairsUsed);
        Assert.Equal(3, r.PairsFlagged);
        Near((0.04 + 0.01 + 0.01) / 3, r.Score!.Value, 1e-12);
        Assert.Null(r.PerPair[1].Value);
        Assert.Equal("reference: too few inliers", r.PerPair[1].Reason);
        Assert.Equal("generated: black frame", r.PerPair[3].Reason);
        Assert.Contains("reference: shot cut", r.PerPair[5].Reason);
        Assert.Contains("generated: homography has non-finite entries", r.PerPair[5].Reason);
        Assert.Null(r.PerPair[0].Reason);
    }

    [Fact]
    public void NothingUsableGivesNullScoreWithReason()
    {
        var reference = new[] { PairHomography.Flagged("black frame", 64, 64), PairHomography.Valid(Mat3.Identity, 64, 64) };
        var generated = new[] { PairHomography.Valid(Mat3.Identity, 64, 64), PairHomography.Flagged("cut", 64, 64) };
        var r = CameraScore.Compute(reference, generated);
        Assert.Null(r.Score);
        Assert.Equal(0, r.PairsUsed);
        Assert.Equal(2, r.PairsFlagged);
        Assert.Contains("no usable", r.Reason);

        var empty = CameraScore.Compute([], generated);
        Assert.Null(empty.Score);
        Assert.Contains("reference", empty.Reason);
    }

    [Fact]
    public void DifferentFrameCountsAreSampledUniformlyAndChained()
    {
        // Reference: 11 frames panning 2 degrees per frame. Generated: 21 frames at 1 degree per frame,
        // the same overall move. Sampled to 11 frames, each generated pair chains two 1-degree pairs,
        // which is exactly one 2-degree pair: the score must be ~0.
        var reference = TrajectoryPresets.Create(TrajectoryPreset.PanRight, 640, 360, 2, 11).ToPairs();
        var generated = TrajectoryPresets.Create(TrajectoryPreset.PanRight, 640, 360, 1, 21).ToPairs();
        var r = CameraScore.Compute(reference, generated);
        Assert.Equal(11, r.SampledFrames);
        Assert.Equal(10, r.PairCount);
        Near(0, r.Score!.Value, 1e-20);
        Assert.Equal(4, r.PerPair[2].GeneratedFromFrame);
        Assert.Equal(6, r.PerPair[2].GeneratedToFrame);
        Assert.Equal(2, r.PerPair[2].ReferenceFromFrame);

        // Without chaining (pair-by-pair on the first 10), the speeds would differ: non-zero.
        var naive = CameraScore.Compute(reference, generated.Take(10).ToArray());
        Assert.True(naive.Score > 1e-4);

        // Explicit frame count: 6 frames -> 5 pairs spanning 2 reference / 4 generated frames each.
        var six = CameraScore.Compute(reference, generated, sampleFrames: 6);
        Assert.Equal(5, six.PairCount);
        Near(0, six.Score!.Value, 1e-20);
        Assert.Throws<ArgumentOutOfRangeException>(() => CameraScore.Compute(reference, generated, sampleFrames: 12));
        Assert.Throws<ArgumentOutOfRangeException>(() => CameraScore.Compute(reference, generated, sampleFrames: 1));
    }

    [Fact]
    public void ChainedPairIsFlaggedWhenAnInnerPairIsFlagged()
    {
        var reference = Repeat(Mat3.Translation(4, 0), 4, 320, 240);
        var generated = Repeat(Mat3.Translation(2, 0), 8, 320, 240);
        generated[5] = PairHomography.Flagged("too few inliers", 320, 240);
        var r = CameraScore.Compute(reference, generated);
        Assert.Equal(5, r.SampledFrames);
        Assert.Equal(4, r.PairCount);
        Assert.Equal(1, r.PairsFlagged);
        Assert.Null(r.PerPair[2].Value); // generated frames 4 -> 6 contain pair 5
        Assert.Contains("pair 5->6: too few inliers", r.PerPair[2].Reason);
        Near(0, r.Score!.Value, 1e-20);

        var resampled = CameraScore.ResampleClip(generated, 5);
        Assert.Equal(4, resampled.Count);
        Assert.False(resampled[2].Ok);
        Near(Mat3.Translation(4, 0), resampled[0].Homography!.Value, 1e-12);
    }

    [Fact]
    public void ResolutionDifferenceOnTheTwoSidesIsHandledPerSide()
    {
        // Reference at 1920x1080 shifts 19.2 px (0.02 normalized), generated at 640x360 shifts 3.2 px (0.01).
        var reference = Repeat(Mat3.Translation(19.2, 0), 3, 1920, 1080);
        var generated = Repeat(Mat3.Translation(3.2, 0), 3, 640, 360);
        Near(0.0001, CameraScore.Compute(reference, generated).Score!.Value, 1e-15);
    }
}

public class UniformSamplingTests
{
    [Theory]
    [InlineData(11, 6, new[] { 0, 2, 4, 6, 8, 10 })]
    [InlineData(10, 4, new[] { 0, 3, 6, 9 })]
    [InlineData(4, 3, new[] { 0, 2, 3 })]   // 0, 1.5 -> 2 (halves round up), 3
    [InlineData(5, 5, new[] { 0, 1, 2, 3, 4 })]
    [InlineData(100, 2, new[] { 0, 99 })]
    [InlineData(1, 1, new[] { 0 })]
    public void KnownSamples(int frames, int n, int[] expected) =>
        Assert.Equal(expected, UniformSampling.Indices(frames, n));

    [Fact]
    public void PropertiesHoldForAllSmallSizes()
    {
        for (int frames = 2; frames <= 60; frames++)
        for (int n = 2; n <= frames; n++)
        {
            var idx = UniformSampling.Indices(frames, n);
            Assert.Equal(n, idx.Length);
            Assert.Equal(0, idx[0]);
            Assert.Equal(frames - 1, idx[^1]);
            for (int k = 1; k < n; k++)
            {
                Assert.True(idx[k] > idx[k - 1], $"not strictly increasing for ({frames}, {n})");
                // Evenly spread: every index within half a step of its ideal position.
                double ideal = k * (frames - 1.0) / (n - 1);
                Assert.True(Math.Abs(idx[k] - ideal) <= 0.5 + 1e-9);
            }
        }
    }

    [Fact]
    public void InvalidArgumentsThrow()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => UniformSampling.Indices(5, 6));
        Assert.Throws<ArgumentOutOfRangeException>(() => UniformSampling.Indices(5, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => UniformSampling.Indices(0, 0));
    }
}
