using System.Diagnostics;
using CamReview.Core;
using CamReview.Pipeline.Analyze;

namespace CamReview.Pipeline.Score;

/// <summary>
/// Scores a generated clip's camera motion against a reference clip: analyses both (through an
/// <see cref="IAnalysisCache"/>, keyed by content hash and analysis options) and computes CameraScore with
/// <see cref="CameraScore.Compute"/>:
/// <list type="bullet">
/// <item>Both clips are analysed frame by frame (every decoded frame), concurrently.</item>
/// <item>Same frame count and no <see cref="ScoreOptions.Frames"/>: pair i against pair i.</item>
/// <item>Different frame counts, or <see cref="ScoreOptions.Frames"/> = N: both clips sampled uniformly to N frames
/// (default: the shorter clip's frame count); a sampled pair is the chain of the consecutive homographies it
/// spans, and is excluded if any of them is flagged.</item>
/// <item>Normalized space by default (clips of different resolutions compare); pixel space on request, with a
/// warning when the resolutions differ.</item>
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
        int refFrames = reference.Pairs.Count + 1, genFrames = generated.Pairs.Count + 1;
        int shorter = Math.Min(refFrames, genFrames);
        if (options.Frames is int n && (n < 2 || n > shorter))
            throw new ArgumentOutOfRangeException(nameof(options), n,
                $"--frames {n} is outside [2, {shorter}]: the reference has {refFrames} analysed frames and the generated clip {genFrames}");

        var warnings = new List<string>();
        if (options.Space == HomographySpace.Pixel &&
            (reference.Source.Width != generated.Source.Width || reference.Source.Height != generated.Source.Height))
            warnings.Add($"pixel-space CameraScore compares clips of different resolutions ({reference.Source.Width}x{reference.Source.Height} vs " +
                         $"{generated.Source.Width}x{generated.Source.Height}); translations are in different units, prefer normalized space");
        if (refFrames != genFrames && options.Frames is null)
            warnings.Add($"frame counts differ ({refFrames} vs {genFrames}): both clips were sampled uniformly to {shorter} frames");

        var score = CameraScore.Compute(reference.ToPairHomographies(), generated.ToPairHomographies(), options.Space, options.Frames);
        var path = CameraPathMetrics.Compare(reference.ToPairCameraMotions(), generated.ToPairCameraMotions(), options.Frames);
        return new ScoreResult
        {
            CameraScore = score.Score,
            CameraScoreReason = score.Reason,
            Space = score.Space,
            FramesCompared = score.SampledFrames ?? refFrames,
            SampledFrames = score.SampledFrames,
            PairCount = score.PairCount,
            PairsUsed = score.PairsUsed,
            PairsFlagged = score.PairsFlagged,
            PerPair = score.PerPair,
            Pce = path.Pce.Value,
            PceReason = path.Pce.Reason,
            PcePairsUsed = path.Pce.PairsUsed,
            PcePerPair = path.Pce.PerPair,
            RotErr = path.RotErr,
            RotErrReason = path.RotErrReason,
            TransErr = path.TransErr,
            TransErrReason = path.TransErrReason,
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
}
