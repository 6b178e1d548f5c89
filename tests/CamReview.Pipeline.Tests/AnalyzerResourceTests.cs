using CamReview.Pipeline.Analyze;
using CamReview.Vision;

namespace CamReview.Pipeline.Tests;

[CollectionDefinition(nameof(AnalyzerResourceCollection), DisableParallelization = true)]
public sealed class AnalyzerResourceCollection;

/// <summary>Native objects (frames, features) are all released, whether the analysis succeeds, fails or is cancelled. Runs alone: it counts process-wide native objects.</summary>
[Collection(nameof(AnalyzerResourceCollection))]
public class AnalyzerResourceTests
{
    private static long Settled()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        return VisionNative.LiveObjectCount;
    }

    [Fact]
    public void Every_native_object_is_released_after_success_failure_and_cancellation()
    {
        string pan = StandardClips.Get("pan").Path;
        using var dir = new SyntheticClips.TempFolder();
        string text = dir.File("bad.mp4");
        File.WriteAllText(text, "nope");
        _ = new ClipAnalyzer().Analyze(pan); // warm-up (lazy native initialisation)

        long before = Settled();
        var analysis = new ClipAnalyzer(new AnalysisOptions { MaxDegreeOfParallelism = 3 }).Analyze(pan);
        Assert.Equal(15, analysis.Pairs.Count);
        Assert.Equal(before, VisionNative.LiveObjectCount);

        Assert.Throws<MediaInputException>(() => new ClipAnalyzer().Analyze(text));
        Assert.Equal(before, VisionNative.LiveObjectCount);

        using var cts = new CancellationTokenSource();
        var progress = new SyncProgress(p => { if (p.FramesDecoded >= 10) cts.Cancel(); });
        Assert.ThrowsAny<OperationCanceledException>(() => new ClipAnalyzer().Analyze(pan, progress, cts.Token));
        Assert.Equal(before, VisionNative.LiveObjectCount);

        using (var a = SyntheticClips.Texture(1))
        using (var b = SyntheticClips.Texture(2))
            Assert.False(new ClipAnalyzer().HomographyBetween(a, b).Ok);
        Assert.Equal(before, Settled());
    }

    [Fact]
    public void Progress_is_reported_and_results_do_not_depend_on_the_thread_count()
    {
        string path = StandardClips.Get("combined").Path;
        var reports = new List<AnalysisProgress>();
        var one = new ClipAnalyzer(new AnalysisOptions { MaxDegreeOfParallelism = 1 }).Analyze(path, new SyncProgress(reports.Add));
        var four = new ClipAnalyzer(new AnalysisOptions { MaxDegreeOfParallelism = 4 }).Analyze(path);
        Assert.Equal(one.Pairs, four.Pairs);
        Assert.NotEmpty(reports);
        Assert.Equal(new AnalysisProgress(16, 15), reports[^1]);
    }

    private sealed class SyncProgress(Action<AnalysisProgress> report) : IProgress<AnalysisProgress>
    {
        public void Report(AnalysisProgress value) => report(value);
    }
}
