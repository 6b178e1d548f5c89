using System.Diagnostics;
using CamReview.Core;
using CamReview.Pipeline.Analyze;
using CamReview.Vision;
using Xunit.Abstractions;

namespace CamReview.Pipeline.Tests;

public class AnalyzerSiftMatcherTests(ITestOutputHelper output)
{
    [Fact]
    public void Managed_L2_matcher_equals_OpenCVs_BFMatcher()
    {
        using var texture = SyntheticClips.Texture(1);
        var p0 = new Mat3(0.8, 0, -300, 0, 0.8, -330, 0, 0, 1);
        var p1 = SyntheticClips.NormalizedToPixel(StandardClips.Combined, 640, 360) * p0;
        using var f0 = texture.WarpPerspective(p0.ToArray(), 640, 360);
        using var f1 = texture.WarpPerspective(p1.ToArray(), 640, 360);
        using var g0 = f0.ToGray();
        using var g1 = f1.ToGray();
        var sift = new FeatureExtractor(FeatureKind.Sift, 2000);
        using var a = sift.Detect(g0);
        using var b = sift.Detect(g1);
        float[] da = FeatureDescriptors.CopyFloat(a, out int dims);
        float[] db = FeatureDescriptors.CopyFloat(b, out _);
        Assert.Equal(128, dims);
        Assert.All(da, v => Assert.Equal(MathF.Round(v), v)); // integer-valued: distances are exact

        foreach (double ratio in new[] { 0.75, 0.9 })
        {
            var clock = Stopwatch.StartNew();
            var reference = FeatureMatcher.Match(a, b, ratio);
            double openCvMs = clock.Elapsed.TotalMilliseconds;
            clock.Restart();
            var managed = FloatDescriptorMatcher.Match(a, da, b, db, dims, ratio);
            double managedMs = clock.Elapsed.TotalMilliseconds;
            output.WriteLine($"ratio {ratio}: {a.Count}x{b.Count} SIFT, {managed.Count} matches; OpenCV BFMatcher {openCvMs:F1} ms, managed {managedMs:F1} ms");
            Assert.True(managed.Count > 300);
            Assert.Equal(reference.SourceIndices, managed.SourceIndices);
            Assert.Equal(reference.DestinationIndices, managed.DestinationIndices);
        }
    }
}
