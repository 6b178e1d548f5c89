using CamReview.Core;
using CamReview.Pipeline.Analyze;
using CamReview.Pipeline.Score;
using Xunit.Abstractions;

namespace CamReview.Pipeline.Tests;

/// <summary>Clips for the scorer tests: pans of known speed over one scene (reference, seed 1) or another (generated, seed 5).</summary>
public static class ScoreClips
{
    public const double PanSpeed = 0.025; // normalized content shift per pair (8 px at 640x360), camera pans right

    /// <summary>One scorer (with its in-memory analysis cache) for every test that does not test caching itself.</summary>
    public static ClipScorer Scorer { get; } = new();

    public static SyntheticClip Pan(double speedFactor, int seed, int width = 640, int height = 360, int frames = 16) =>
        SyntheticClips.GetOrRender($"score-pan-{speedFactor:R}-s{seed}-{width}x{height}-{frames}", () => new SyntheticClipSpec
        {
            Width = width,
            Height = height,
            Frames = frames,
            TextureSeed = seed,
            Motion = SyntheticClips.Constant(SyntheticClips.Shift(-PanSpeed * speedFactor), frames),
        });
}

public class ScorerTests(ITestOutputHelper output)
{
    private static ClipScorer Scorer => ScoreClips.Scorer;

    /// <summary>
    /// Bound on the normalized CameraScore of two clips with the same motion (ORB, 640x360, H.264 CRF 16). The
    /// floor (~2e-6) comes mostly from the perspective entries h20/h21, which frame-to-frame fits pin down only
    /// to ~1e-3 in normalized units; for scale, a 10% error on an 8 px/frame pan adds 6.25e-6.
    /// </summary>
    private const double SameMotionBound = 5e-6;

    [Fact]
    public void Same_motion_on_another_scene_scores_near_zero()
    {
        var reference = ScoreClips.Pan(1.0, seed: 1);
        var generated = ScoreClips.Pan(1.0, seed: 5);
        var result = Scorer.Score(reference.Path, generated.Path);
        output.WriteLine($"same motion, other scene: CameraScore {result.CameraScore:E3} over {result.PairsUsed} pairs");
        Assert.NotNull(result.CameraScore);
        Assert.True(result.CameraScore < SameMotionBound, $"CameraScore {result.CameraScore:E3}");
        Assert.Equal(15, result.PairsUsed);
        Assert.Equal(0, result.PairsFlagged);
        Assert.Equal(16, result.FramesCompared);
        Assert.Null(result.SampledFrames);
        Assert.Equal(HomographySpace.Normalized, result.Space);
        Assert.Equal("pan-right", result.Reference.MotionClass);
        Assert.Equal("pan-right", result.Generated.MotionClass);

        // A clip against itself: exactly 0.
        var self = Scorer.Score(reference.Path, reference.Path);
        Assert.Equal(0.0, self.CameraScore);
    }

    [Fact]
    public void Score_grows_monotonically_with_the_pan_speed_error_and_matches_the_analytic_value()
    {
        var reference = ScoreClips.Pan(1.0, seed: 1);
        double previous = -1;
        foreach (double error in new[] { 0.0, 0.10, 0.25, 0.50 })
        {
            var generated = ScoreClips.Pan(1.0 + error, seed: 5);
            double score = Scorer.Score(reference.Path, generated.Path).CameraScore!.Value;
            // Pure translations: Hn differ only in the x translation, so each pair contributes (error * speed)^2.
            double analytic = Math.Pow(error * ScoreClips.PanSpeed, 2);
            output.WriteLine($"pan speed error {error:P0}: CameraScore {score:E3} (analytic {analytic:E3})");
            Assert.True(score > previous, $"score {score:E3} not above {previous:E3}");
            Assert.True(Math.Abs(score - analytic) <= 0.05 * analytic + SameMotionBound, $"score {score:E3} vs analytic {analytic:E3}");
            previous = score;
        }
    }

    [Fact]
    public void Normalized_score_is_the_same_at_640x360_and_1280x720()
    {
        foreach (double error in new[] { 0.25, 0.50 })
        {
            double small = Scorer.Score(ScoreClips.Pan(1.0, 1).Path, ScoreClips.Pan(1.0 + error, 5).Path).CameraScore!.Value;
            double large = Scorer.Score(ScoreClips.Pan(1.0, 1, 1280, 720).Path, ScoreClips.Pan(1.0 + error, 5, 1280, 720).Path).CameraScore!.Value;
            double mixed = Scorer.Score(ScoreClips.Pan(1.0, 1).Path, ScoreClips.Pan(1.0 + error, 5, 1280, 720).Path).CameraScore!.Value;
            output.WriteLine($"error {error:P0}: 640x360 {small:E4}, 1280x720 {large:E4}, 640x360 vs 1280x720 {mixed:E4}; " +
                             $"relative difference {Math.Abs(large - small) / small:P2}");
            Assert.True(Math.Abs(large - small) <= 0.05 * small, $"{small:E4} vs {large:E4}");
            Assert.True(Math.Abs(mixed - small) <= 0.05 * small, $"{small:E4} vs {mixed:E4}");
        }
    }

    [Fact]
    public void Pixel_space_scales_translation_errors_by_s_squared_and_warns_across_resolutions()
    {
        var reference = ScoreClips.Pan(1.0, 1);
        var generated = ScoreClips.Pan(1.5, 5);
        var normalized = Scorer.Score(reference.Path, generated.Path);
        var pixel = Scorer.Score(reference.Path, generated.Path, new ScoreOptions { Space = HomographySpace.Pixel });
        double ratio = pixel.CameraScore!.Value / normalized.CameraScore!.Value;
        output.WriteLine($"pixel {pixel.CameraScore:E3} / normalized {normalized.CameraScore:E3} = {ratio:F0} (s^2 = {320 * 320})");
        Assert.Equal(HomographySpace.Pixel, pixel.Space);
        Assert.InRange(ratio, 0.95 * 320 * 320, 1.05 * 320 * 320);
        Assert.Empty(pixel.Warnings);

        var across = Scorer.Score(reference.Path, ScoreClips.Pan(1.5, 5, 1280, 720).Path, new ScoreOptions { Space = HomographySpace.Pixel });
        Assert.Contains("different resolutions", Assert.Single(across.Warnings));
    }

    [Fact]
    public void Outputs_of_another_rate_or_length_are_read_at_the_reference_frame_times()
    {
        // The same pan per second (0.016 normalized units per frame at 30 fps) for one second: 31 frames at 30 fps,
        // and 21 frames at 20 fps moving 1.5 times as far per frame.
        const double v30 = 0.016;
        var reference = SyntheticClips.GetOrRender("score-time-30fps", () => new SyntheticClipSpec
        {
            Frames = 31, Fps = 30, Motion = SyntheticClips.Constant(SyntheticClips.Shift(-v30), 31),
        });
        var at20 = SyntheticClips.GetOrRender("score-time-20fps", () => new SyntheticClipSpec
        {
            Frames = 21, Fps = 20, TextureSeed = 5, Motion = SyntheticClips.Constant(SyntheticClips.Shift(-v30 * 1.5), 21),
        });
        // The same rate, the same pan, half as long: scored on the half both cover.
        var shorter = SyntheticClips.GetOrRender("score-time-30fps-short", () => new SyntheticClipSpec
        {
            Frames = 16, Fps = 30, TextureSeed = 5, Motion = SyntheticClips.Constant(SyntheticClips.Shift(-v30), 16),
        });
        // For scale: an output that does not move.
        var still = SyntheticClips.GetOrRender("score-time-20fps-static", () => new SyntheticClipSpec
        {
            Frames = 21, Fps = 20, TextureSeed = 5, Motion = SyntheticClips.Constant(Mat3.Identity, 21),
        });

        var a = Scorer.Score(reference.Path, at20.Path);
        var b = Scorer.Score(reference.Path, shorter.Path);
        var c = Scorer.Score(reference.Path, still.Path);
        // Lined up by frame index, each 30 fps pair would meet a 20 fps pair of 1.5 times its motion.
        double byIndex = CameraScore.Compute(a.ReferenceAnalysis!.ToPairHomographies().Take(20).ToArray(), a.GeneratedAnalysis!.ToPairHomographies()).Score!.Value;
        output.WriteLine($"20 fps output {a.CameraScore:E3} (by index {byIndex:E3}), shorter {b.CameraScore:E3}, static {c.CameraScore:E3}");
        output.WriteLine(a.TimeBase!.Warning);
        output.WriteLine(b.TimeBase!.Warning);

        Assert.Equal(31, a.TimeBase.ReferenceFramesCompared);
        Assert.Equal(31, a.FramesCompared);
        Assert.Null(a.SampledFrames);
        Assert.Equal(30, a.PairsUsed);
        Assert.Equal(30, a.TimeBase.Reference.FrameRate, 2);
        Assert.Equal(20, a.TimeBase.Generated.FrameRate, 2);
        Assert.Contains("at 20 fps (21 frames)", a.TimeBase.Warning);
        Assert.True(a.CameraScore < SameMotionBound, $"{a.CameraScore:E3}");
        Assert.True(byIndex > 20 * a.CameraScore, $"by index {byIndex:E3}");
        Assert.True(c.CameraScore > 20 * a.CameraScore, $"static {c.CameraScore:E3}");

        // The shorter output: the mismatch reported, the score on the 16 frames both cover.
        Assert.Equal(16, b.TimeBase.ReferenceFramesCompared);
        Assert.Equal(15, b.PairCount);
        Assert.Equal(0.5, b.TimeBase.OverlapSeconds, 3);
        Assert.Equal(31 / 30.0, b.TimeBase.Reference.DurationSeconds, 3);
        Assert.Equal(16 / 30.0, b.TimeBase.Generated.DurationSeconds, 3);
        Assert.Contains("over the first 0.50 s (16 of 31 reference frames)", b.TimeBase.Warning);
        Assert.Contains(b.TimeBase.Warning, b.Warnings);
        Assert.True(b.CameraScore < SameMotionBound, $"shorter {b.CameraScore:E3}");

        // --frames N samples the compared frames to N.
        var ten = Scorer.Score(reference.Path, at20.Path, new ScoreOptions { Frames = 10 });
        Assert.Equal(10, ten.SampledFrames);
        Assert.Equal(9, ten.PairCount);
        Assert.True(ten.CameraScore < 4 * SameMotionBound, $"{ten.CameraScore:E3}");
        Assert.Throws<ArgumentOutOfRangeException>(() => Scorer.Score(reference.Path, shorter.Path, new ScoreOptions { Frames = 17 }));
    }

    [Fact]
    public void Flagged_pairs_are_excluded_and_named()
    {
        var reference = SyntheticClips.GetOrRender("score-ref-black3", () => new SyntheticClipSpec
        {
            Frames = 16, Motion = SyntheticClips.Constant(SyntheticClips.Shift(-ScoreClips.PanSpeed), 16), BlackFrames = [3],
        });
        var result = Scorer.Score(reference.Path, ScoreClips.Pan(1.0, 5).Path);
        Assert.Equal(13, result.PairsUsed);
        Assert.Equal(2, result.PairsFlagged);
        Assert.Equal([2, 3], result.PerPair.Where(p => p.Value is null).Select(p => p.Index));
        Assert.All(result.PerPair.Where(p => p.Value is null), p => Assert.StartsWith("reference: black frame", p.Reason));
        Assert.Equal([2, 3], result.Reference.Flagged.Select(f => f.Index));
        Assert.All(result.Reference.Flagged, f => Assert.Equal(PairFlag.BlackFrame, f.Flag));
        Assert.True(result.CameraScore < SameMotionBound, $"{result.CameraScore:E3}");
    }

    [Fact]
    public void Bad_inputs_fail_clearly()
    {
        string missing = Path.Combine(Path.GetTempPath(), "camreview-missing-" + Guid.NewGuid().ToString("N") + ".mp4");
        var e = Assert.Throws<MediaInputException>(() => Scorer.Score(missing, ScoreClips.Pan(1.0, 1).Path));
        Assert.Equal($"Reference video '{missing}' not found", e.Message);
        e = Assert.Throws<MediaInputException>(() => Scorer.Score(ScoreClips.Pan(1.0, 1).Path, missing));
        Assert.Equal($"Generated video '{missing}' not found", e.Message);
    }
}
