using System.Diagnostics;
using System.Globalization;
using CamReview.Core;
using CamReview.Pipeline.Analyze;

namespace CamReview.Pipeline.Score;

/// <summary>
/// Scores a generated clip's camera motion against a reference clip: analyses both (through an
/// <see cref="IAnalysisCache"/>, keyed by content hash and analysis options) and computes CameraScore with
/// <see cref="CameraScore.Compute"/>:
/// <list type="bullet">
/// <item>Both clips are analysed frame by frame (every decoded frame), concurrently.</item>
/// <item>One time base (<see cref="TimeBase"/>): each clip's frame times come from its container timestamps (frame
/// number / frame rate without them); the output is read at the reference's frame times over the time both cover, its
/// motion between two reference frames interpolated from its own pairs. Reference pair k is compared with that
/// motion, so clips of the same rate and length compare pair by pair, and the durations, rates and the overlap are
/// reported (<see cref="ScoreResult.TimeBase"/>, with a warning when they differ).</item>
/// <item><see cref="ScoreOptions.Frames"/> = N: the compared frames are then sampled uniformly to N frames; a sampled
/// pair is the chain of the pairs it spans, and is excluded if any of them is flagged.</item>
/// <item>Normalized space by default (clips of different resolutions compare); pixel space on request, with a
/// warning when the resolutions differ.</item>
/// <item>95% intervals (moving-block bootstrap over pairs or frames) for CameraScore, PCE, RotErr and TransErr.</item>
/// </list>
/// Thread-safe; one instance (and its cache) can serve many requests.
/// </summary>
public sealed class ClipScorer(IAnalysisCache? cache = null)
{
    /// <summary>The cache (an <see cref="InMemoryAnalysisCache"/> unless one was given).</summary>
    public IAnalysisCache Cache { get; } = cache ?? new InMemoryAnalysisCache();

    /// <summary>
    /// Analyses both files (or takes them from the cache) and scores. Throws <see cref="MediaInputException"/> for a
    /// bad input file and <see cref="ArgumentOutOfRangeException"/> when <see cref="ScoreOptions.Frames"/> is outside
    /// [2, shorter clip's frame count].
    /// </summary>
    public ScoreResult Score(string referencePath, string generatedPath, ScoreOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(referencePath);
        ArgumentNullException.ThrowIfNull(generatedPath);
        options ??= new ScoreOptions();
        if (options.Frames is < 2) throw new ArgumentOutOfRangeException(nameof(options), options.Frames, "--frames must be at least 2");
        // Fail fast on a missing file before spending time on the other one.
        MediaInput.RequireFile(referencePath, "Reference video");
        MediaInput.RequireFile(generatedPath, "Generated video");
        options.Scene?.Validate();
        if (options.FocalLengthPixels is double focal)
        {
            if (!(focal > 0 && double.IsFinite(focal))) throw new ArgumentOutOfRangeException(nameof(options), focal, "focal length must be positive");
            using var probe = MediaInput.OpenVideo(referencePath);
            options = options.WithReferenceWidth(probe.Width);
        }

        var analyzer = new ClipAnalyzer(options.ToAnalysisOptions());
        var clock = Stopwatch.StartNew();
        // Decoding is sequential per clip; analysing both clips at once keeps every core busy while one decodes.
        var generatedTask = Task.Run(() => Analyze(analyzer, generatedPath, cancellationToken), cancellationToken);
        (ClipAnalysis Analysis, bool Hit, double Ms) reference;
        try
        {
            reference = Analyze(analyzer, referencePath, cancellationToken);
        }
        catch
        {
            // Let the other analysis finish (it owns native resources) before reporting the first failure.
            try { generatedTask.Wait(CancellationToken.None); } catch (AggregateException) { }
            throw;
        }
        var generated = generatedTask.GetAwaiter().GetResult();
        double analyzeMs = clock.Elapsed.TotalMilliseconds;

        var result = ScoreAnalyses(reference.Analysis, generated.Analysis, options) with
        {
            Reference = ClipSummary.From(reference.Analysis, reference.Hit, reference.Ms),
            Generated = ClipSummary.From(generated.Analysis, generated.Hit, generated.Ms),
            AnalyzeMs = analyzeMs,
        };
        if (options.Scene is { } sceneOptions)
        {
            // One extra sequential decode of the generated clip; the analysis told how many frames it has.
            var scene = SceneSimilarity.Compute(generatedPath, sceneOptions, generated.Analysis.Source.FramesDecoded, cancellationToken);
            result = result with
            {
                SceneSimilarity = scene.SceneSimilarity,
                SceneEncoder = scene.SceneEncoder,
                Flicker = scene.Flicker,
                SubjectConsistency = scene.SubjectConsistency,
                SceneMs = scene.Ms,
                Warnings = [.. result.Warnings, .. scene.Warnings],
            };
        }
        return result;
    }

    private (ClipAnalysis Analysis, bool Hit, double Ms) Analyze(ClipAnalyzer analyzer, string path, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var analysis = Cache.GetOrAnalyze(analyzer, path, out bool hit, cancellationToken: ct);
        return (analysis, hit, hit ? 0 : clock.Elapsed.TotalMilliseconds);
    }

    /// <summary>CameraScore of two existing analyses (no I/O). See the type's remarks for the pairing rules.</summary>
    public static ScoreResult ScoreAnalyses(ClipAnalysis reference, ClipAnalysis generated, ScoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(generated);
        options ??= new ScoreOptions();
        var clock = Stopwatch.StartNew();
        var warnings = new List<string>();
        var timeBase = AlignTimes(reference.Source, generated.Source, warnings, out var positions);
        int compared = positions.Count;
        if (options.Frames is int n && (n < 2 || n > compared))
            throw new ArgumentOutOfRangeException(nameof(options), n,
                $"--frames {n} is outside [2, {compared}]: {compared} reference frames lie inside the time both clips cover");

        if (options.Space == HomographySpace.Pixel &&
            (reference.Source.Width != generated.Source.Width || reference.Source.Height != generated.Source.Height))
            warnings.Add($"pixel-space CameraScore compares clips of different resolutions ({reference.Source.Width}x{reference.Source.Height} vs " +
                         $"{generated.Source.Width}x{generated.Source.Height}); translations are in different units, prefer normalized space");

        // The reference's pairs inside the overlap against the output's motion between the same moments.
        int pairs = Math.Max(0, compared - 1);
        var score = CameraScore.Compute(reference.ToPairHomographies().Take(pairs).ToArray(),
            TimeBase.HomographiesAt(generated.ToPairHomographies(), positions), options.Space, options.Frames);
        var path = CameraPathMetrics.Compare(reference.ToPairCameraMotions().Take(pairs).ToArray(),
            TimeBase.CameraMotionsAt(generated.ToPairCameraMotions(), positions), options.Frames);
        return new ScoreResult
        {
            CameraScore = score.Score,
            CameraScoreReason = score.Reason,
            CameraScoreInterval = score.Interval,
            TimeBase = timeBase,
            Space = score.Space,
            FramesCompared = score.SampledFrames ?? compared,
            SampledFrames = score.SampledFrames,
            PairCount = score.PairCount,
            PairsUsed = score.PairsUsed,
            PairsFlagged = score.PairsFlagged,
            PerPair = score.PerPair,
            Pce = path.Pce.Value,
            PceReason = path.Pce.Reason,
            PceInterval = path.Pce.Interval,
            PcePairsUsed = path.Pce.PairsUsed,
            PcePerPair = path.Pce.PerPair,
            RotErr = path.RotErr,
            RotErrReason = path.RotErrReason,
            RotErrIntervalDegrees = path.RotErrIntervalDegrees,
            TransErr = path.TransErr,
            TransErrReason = path.TransErrReason,
            TransErrInterval = path.TransErrInterval,
            PathPairsUsed = path.PathPairsUsed,
            PathPairsExcluded = path.PathPairsExcluded,
            Reference = ClipSummary.From(reference, false, reference.ElapsedMs),
            Generated = ClipSummary.From(generated, false, generated.ElapsedMs),
            Warnings = warnings,
            ScoreMs = clock.Elapsed.TotalMilliseconds,
            ReferenceAnalysis = reference,
            GeneratedAnalysis = generated,
        };
    }

    /// <summary>
    /// Puts the output on the reference's time base (<see cref="TimeBase.Align"/>) and reports both clips' timing;
    /// without a frame rate on either side the clips are lined up by frame index, with a warning saying so.
    /// </summary>
    private static ScoreTimeBase AlignTimes(ClipSource reference, ClipSource generated, List<string> warnings, out IReadOnlyList<double> positions)
    {
        var refTimes = reference.FrameTimes();
        var genTimes = generated.FrameTimes();
        if (refTimes is null || genTimes is null)
        {
            int common = Math.Min(reference.AnalysedFrames.Count, generated.AnalysedFrames.Count);
            positions = Enumerable.Range(0, common).Select(i => (double)i).ToArray();
            string unknown = $"the {(refTimes is null ? "reference's" : "output's")} frame times are unknown (no timestamps, no frame rate): "
                + $"the clips were lined up by frame index over {common} frames";
            warnings.Add(unknown);
            var untimed = new ClipTiming(0, 0, 0, "unknown");
            return new ScoreTimeBase(untimed, untimed, 0, common, positions, unknown);
        }
        var alignment = TimeBase.Align(refTimes.Value.Seconds, genTimes.Value.Seconds);
        positions = alignment.GeneratedPositions;
        var r = Timing(reference, refTimes.Value);
        var g = Timing(generated, genTimes.Value);
        string? warning = null;
        bool rates = Math.Abs(r.FrameRate - g.FrameRate) > 1e-3 * r.FrameRate;
        bool durations = Math.Abs(r.DurationSeconds - g.DurationSeconds) > 1 / r.FrameRate;
        if (rates || durations)
        {
            warning = string.Create(CultureInfo.InvariantCulture,
                $"the output runs {g.DurationSeconds:0.00} s at {g.FrameRate:0.##} fps ({g.Frames} frames), the reference {r.DurationSeconds:0.00} s " +
                $"at {r.FrameRate:0.##} fps ({r.Frames} frames): the output was read at the reference's frame times over the first " +
                $"{alignment.OverlapSeconds:0.00} s ({alignment.ReferenceFramesCompared} of {r.Frames} reference frames)");
            warnings.Add(warning);
        }
        return new ScoreTimeBase(r, g, alignment.OverlapSeconds, alignment.ReferenceFramesCompared, positions, warning);
    }

    private static ClipTiming Timing(ClipSource source, (double[] Seconds, string From) times)
    {
        var t = times.Seconds;
        double rate = t.Length > 1 ? (t.Length - 1) / t[^1] : source.Fps;
        return new ClipTiming(rate > 0 ? t.Length / rate : 0, rate, t.Length, times.From);
    }
}
