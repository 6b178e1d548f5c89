using CamReview.Pipeline.Analyze;
using Xunit.Abstractions;

namespace CamReview.Pipeline.Tests;

public class AnalyzerFlagTests(ITestOutputHelper output)
{
    [Fact]
    public void Black_frame_and_hard_cut_flag_exactly_their_pairs()
    {
        // 20 frames, pan right; frame 6 black; a hard cut to another scene between frames 13 and 14.
        var clip = SyntheticClips.GetOrRender("flags-black6-cut14", () => new SyntheticClipSpec
        {
            Frames = 20,
            Motion = SyntheticClips.Constant(StandardClips.PanRight, 20),
            BlackFrames = [6],
            CutAtFrame = 14,
        });
        var analysis = new ClipAnalyzer().Analyze(clip.Path);
        foreach (var p in analysis.Pairs)
            output.WriteLine($"pair {p.Index} ({p.FromFrame}->{p.ToFrame}): ok={p.Ok} inliers={p.Inliers}/{p.Matches} hist={p.HistogramDistance:F3} thumb={p.ThumbnailDifference:F1} {p.Reason}");

        var flagged = analysis.Pairs.Where(p => !p.Ok).Select(p => p.Index).ToArray();
        Assert.Equal([5, 6, 13], flagged);
        Assert.Equal(PairFlag.BlackFrame, analysis.Pairs[5].Flag);
        Assert.Equal(PairFlag.BlackFrame, analysis.Pairs[6].Flag);
        Assert.StartsWith("black frame", analysis.Pairs[5].Reason);
        Assert.Contains("frame 6", analysis.Pairs[6].Reason);
        Assert.Equal(PairFlag.ShotCut, analysis.Pairs[13].Flag);
        Assert.StartsWith("shot cut", analysis.Pairs[13].Reason);
        Assert.All(analysis.Pairs.Where(p => !p.Ok), p => Assert.Null(p.H));
        Assert.All(analysis.Pairs.Where(p => !p.Ok), p => Assert.Null(p.Hn));
        Assert.Equal(3, analysis.Motion.PairsFlagged);
        Assert.Equal("pan-right", analysis.Motion.Class);
    }
}
