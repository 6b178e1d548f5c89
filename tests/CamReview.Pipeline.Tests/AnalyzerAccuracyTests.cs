using CamReview.Core;
using CamReview.Pipeline.Analyze;
using CamReview.Vision;
using Xunit.Abstractions;

namespace CamReview.Pipeline.Tests;

/// <summary>Standard synthetic clips shared by the analyzer and scorer tests (rendered once per test run).</summary>
public static class StandardClips
{
    public const int W = 640, H = 360, Frames = 16;

    /// <summary>Pan right: content moves 8 px per frame to the left at 640x360 (0.025 normalized).</summary>
    public static Mat3 PanRight => SyntheticClips.Shift(-0.025);

    public static Mat3 ZoomIn => SyntheticClips.Zoom(1.02);

    public static Mat3 RollCw => SyntheticClips.Roll(1.0);

    /// <summary>Pan + tilt + roll + zoom + perspective at once.</summary>
    public static Mat3 Combined =>
        SyntheticClips.Shift(-0.012, 0.006) * SyntheticClips.Roll(0.5) * SyntheticClips.Zoom(1.01) * SyntheticClips.Perspective(0.01, -0.006);

    public static Mat3 ByName(string motion) => motion switch
    {
        "pan" => PanRight,
        "zoom" => ZoomIn,
        "roll" => RollCw,
        "combined" => Combined,
        "static" => Mat3.Identity,
        _ => throw new ArgumentException(motion),
    };

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<ClipAnalysis>> Analyses = new();

    /// <summary>The default-options analysis of <see cref="Get"/>'s clip, computed once per test run (tests only read it).</summary>
    public static ClipAnalysis Analysis(string motion, FeatureKind features = FeatureKind.Orb, int frames = Frames) =>
        Analyses.GetOrAdd($"{motion}-{features}-{frames}", _ => new Lazy<ClipAnalysis>(() =>
            new ClipAnalyzer(new AnalysisOptions { Features = features }).Analyze(Get(motion, frames: frames).Path))).Value;

    public static SyntheticClip Get(string motion, int width = W, int height = H, int frames = Frames, int seed = 1) =>
        SyntheticClips.GetOrRender($"{motion}-{width}x{height}-{frames}-s{seed}", () => new SyntheticClipSpec
        {
            Width = width,
            Height = height,
            Frames = frames,
            Motion = SyntheticClips.Constant(ByName(motion), frames),
            TextureSeed = seed,
        });
}

public class AnalyzerAccuracyTests(ITestOutputHelper output)
{
    /// <summary>Corner reprojection error bound (pixels at 640x360) for every pair of every clip.</summary>
    private const double MaxCornerErrorPx = 1.5;

    [Theory]
    [InlineData("pan", FeatureKind.Orb)]
    [InlineData("zoom", FeatureKind.Orb)]
    [InlineData("roll", FeatureKind.Orb)]
    [InlineData("combined", FeatureKind.Orb)]
    [InlineData("pan", FeatureKind.Sift)]
    [InlineData("zoom", FeatureKind.Sift)]
    [InlineData("roll", FeatureKind.Sift)]
    [InlineData("combined", FeatureKind.Sift)]
    public void Consecutive_homographies_match_the_truth(string motion, FeatureKind features)
    {
        // SIFT detection costs ~150 ms per 640x360 frame (ORB ~10 ms): shorter clips keep the suite fast.
        int frames = features == FeatureKind.Sift ? 8 : StandardClips.Frames;
        var clip = StandardClips.Get(motion, frames: frames);
        var analysis = StandardClips.Analysis(motion, features, frames);

        Assert.Equal(frames, analysis.Source.FramesDecoded);
        Assert.Equal((StandardClips.W, StandardClips.H), (analysis.Source.Width, analysis.Source.Height));
        Assert.Equal(frames - 1, analysis.Pairs.Count);
        Assert.All(analysis.Pairs, p => Assert.True(p.Ok, $"pair {p.Index} flagged: {p.Reason}"));

        var errors = analysis.Pairs.Select(p => SyntheticClips.MaxCornerError(p.H!.Value, clip.TruthPixel[p.Index], StandardClips.W, StandardClips.H)).ToArray();
        var sorted = errors.Order().ToArray();
        output.WriteLine($"{motion}/{features}: corner error median {sorted[sorted.Length / 2]:F3} px, max {sorted[^1]:F3} px; " +
                         $"inliers median {analysis.Pairs.Select(p => p.Inliers).Order().ElementAt(analysis.Pairs.Count / 2)} of " +
                         $"{analysis.Pairs.Select(p => p.Matches).Order().ElementAt(analysis.Pairs.Count / 2)} matches; {analysis.ElapsedMs:F0} ms");
        Assert.True(sorted[^1] < MaxCornerErrorPx, $"max corner error {sorted[^1]:F3} px");
    }
}
