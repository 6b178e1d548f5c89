using CamReview.Core;
using CamReview.Pipeline.Analyze;
using Xunit.Abstractions;

namespace CamReview.Pipeline.Tests;

public class AnalyzerMotionClassTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("static", "static")]
    [InlineData("pan", "pan-right")]
    [InlineData("zoom", "zoom-in")]
    [InlineData("roll", "roll")]
    public void Synthetic_motions_get_their_class(string motion, string expected)
    {
        var analysis = StandardClips.Analysis(motion);
        var m = analysis.Motion;
        output.WriteLine($"{motion}: class {m.Class} (agreement {m.Agreement:P0}), median pan {m.MedianPixels?.Pan:F2} tilt {m.MedianPixels?.Tilt:F2} " +
                         $"zoom {m.MedianPixels?.Zoom:F2} roll {m.MedianPixels?.Roll:F2} px, threshold {m.ThresholdPixels:F2} px");
        Assert.Equal(expected, m.Class);
        Assert.Equal(0, m.PairsFlagged);
        Assert.All(analysis.Pairs, p => Assert.Equal(expected, p.MotionClass));
    }

    [Fact]
    public void Signs_follow_the_documented_conventions()
    {
        var pan = StandardClips.Analysis("pan").Motion;
        Assert.InRange(pan.MedianDx!.Value, -0.0255, -0.0245); // content moves left 8 px per frame = -0.025 normalized
        var zoom = StandardClips.Analysis("zoom").Motion;
        Assert.InRange(zoom.MedianZoom!.Value, 1.019, 1.021);
        var roll = StandardClips.Analysis("roll").Motion;
        Assert.InRange(roll.MedianRollDegrees!.Value, 0.97, 1.03); // content clockwise
        Assert.InRange(roll.TotalRollDegrees, 14.5, 15.5);
    }

    [Fact]
    public void Static_camera_with_a_moving_object_is_static()
    {
        // A textured disc covering ~15% of the frame slides across it (about 10 px per frame) over a still background.
        var clip = SyntheticClips.GetOrRender("static-with-blob", () => new SyntheticClipSpec
        {
            Frames = 20,
            Motion = SyntheticClips.Constant(Mat3.Identity, 20),
            Blob = new MovingBlob(-0.45, 0.05, 0.15, -0.05, 0.33, 0.33),
        });
        var analysis = new ClipAnalyzer().Analyze(clip.Path);
        var m = analysis.Motion;
        output.WriteLine($"blob: class {m.Class}, median pan {m.MedianPixels?.Pan:F3} px, inliers median " +
                         $"{analysis.Pairs.Select(p => p.Inliers).Order().ElementAt(analysis.Pairs.Count / 2)} of " +
                         $"{analysis.Pairs.Select(p => p.Matches).Order().ElementAt(analysis.Pairs.Count / 2)}");
        Assert.Equal("static", m.Class);
        Assert.All(analysis.Pairs, p => Assert.True(p.Ok, p.Reason));
        // The background wins the robust fit: every pair is (close to) the identity.
        Assert.All(analysis.Pairs, p => Assert.True(SyntheticClips.MaxCornerError(p.H!.Value, Mat3.Identity, 640, 360) < 1.0));
    }
}
