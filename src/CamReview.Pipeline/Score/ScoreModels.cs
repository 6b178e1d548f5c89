using System.Text.Json.Serialization;
using CamReview.Core;
using CamReview.Core.Statistics;
using CamReview.Pipeline.Analyze;
using CamReview.Vision;

namespace CamReview.Pipeline.Score;

/// <summary>Settings of <see cref="ClipScorer"/>.</summary>
public sealed record ScoreOptions
{
    /// <summary>
    /// Sample the compared frames (the reference's frames inside the overlap, each with the output's motion at its
    /// time) uniformly to this many frames (<c>--frames N</c>); null: every compared frame. Sampled pair k chains the
    /// consecutive homographies between sampled frames (see <see cref="CameraScore"/>), so both clips are always
    /// analysed frame by frame.
    /// </summary>
    public int? Frames { get; init; }

    /// <summary>Normalized (default, resolution independent) or pixel homographies (CamMimic's original).</summary>
    [JsonConverter(typeof(KebabCaseEnumConverter<HomographySpace>))]
    public HomographySpace Space { get; init; } = HomographySpace.Normalized;

    /// <summary>Analysis size (longest side), see <see cref="AnalysisOptions.MaxSide"/>.</summary>
    public int MaxSide { get; init; } = AnalysisOptions.DefaultMaxSide;

    [JsonConverter(typeof(KebabCaseEnumConverter<FeatureKind>))]
    public FeatureKind Features { get; init; } = FeatureKind.Orb;

    /// <summary>
    /// The cameras' horizontal field of view in degrees (<c>--fov</c>), the same for both clips (an output is made for
    /// its reference's camera); null: 60 degrees, or <see cref="FocalLengthPixels"/>.
    /// </summary>
    public double? HorizontalFovDegrees { get; init; }

    /// <summary>
    /// The reference camera's focal length in pixels of the reference's original frames (<c>--focal</c>; overrides
    /// <see cref="HorizontalFovDegrees"/>): turned into the field of view it gives the reference, which the generated
    /// clip shares whatever its resolution.
    /// </summary>
    public double? FocalLengthPixels { get; init; }

    /// <summary>Full control over the analysis; when set, <see cref="MaxSide"/>, <see cref="Features"/> and the intrinsics above are ignored. Its Frames is ignored (use <see cref="Frames"/>).</summary>
    public AnalysisOptions? Analysis { get; init; }

    /// <summary>
    /// Scene metrics of the generated clip (scene similarity to a target image, flicker, subject consistency) in one
    /// extra decode pass, see <see cref="SceneSimilarity"/>; null (default): not computed, those result fields null.
    /// </summary>
    public SceneMetricsOptions? Scene { get; init; }

    /// <summary>The analysis options both clips are analysed with (every frame).</summary>
    public AnalysisOptions ToAnalysisOptions() =>
        (Analysis ?? new AnalysisOptions { MaxSide = MaxSide, Features = Features, HorizontalFovDegrees = HorizontalFovDegrees }) with { Frames = null };

    /// <summary>
    /// These options with <see cref="FocalLengthPixels"/> turned into the field of view it gives a reference
    /// <paramref name="referenceWidth"/> pixels wide (unchanged without a focal length).
    /// </summary>
    public ScoreOptions WithReferenceWidth(int referenceWidth) => FocalLengthPixels is double f
        ? this with { FocalLengthPixels = null, HorizontalFovDegrees = new Lens(FocalLengthPixels: f).HorizontalFovAt(referenceWidth) }
        : this;
}

/// <summary>A flagged pair of one clip, as listed in <see cref="ClipSummary"/>.</summary>
public sealed record FlaggedPair(
    int Index,
    int FromFrame,
    int ToFrame,
    [property: JsonConverter(typeof(KebabCaseEnumConverter<PairFlag>))] PairFlag? Flag,
    string? Reason);

/// <summary>What the score says about one of the two clips: source, motion class, flagged pairs.</summary>
/// <param name="Path">The file.</param>
/// <param name="Width">Frame width.</param>
/// <param name="Height">Frame height.</param>
/// <param name="Fps">Container frame rate.</param>
/// <param name="Frames">Frames analysed (all decoded frames).</param>
/// <param name="MotionClass">Clip motion class label ("pan-right", ...), null when no pair is usable.</param>
/// <param name="Motion">Full motion summary.</param>
/// <param name="Flagged">Pairs whose homography was not trusted (black frame, shot cut, ...).</param>
/// <param name="Warnings">Warnings of the analysis.</param>
/// <param name="FromCache">True when the analysis came from the cache.</param>
/// <param name="AnalysisMs">Time spent analysing (0 when cached), milliseconds.</param>
public sealed record ClipSummary(
    string Path,
    int Width,
    int Height,
    double Fps,
    int Frames,
    string? MotionClass,
    MotionReport Motion,
    IReadOnlyList<FlaggedPair> Flagged,
    IReadOnlyList<string> Warnings,
    bool FromCache,
    double AnalysisMs,
    ClipCamera? Camera)
{
    public static ClipSummary From(ClipAnalysis a, bool fromCache, double analysisMs) => new(
        a.Source.Path, a.Source.Width, a.Source.Height, a.Source.Fps, a.Source.AnalysedFrames.Count,
        a.Motion.Class, a.Motion,
        a.Pairs.Where(p => !p.Ok).Select(p => new FlaggedPair(p.Index, p.FromFrame, p.ToFrame, p.Flag, p.Reason)).ToArray(),
        a.Source.Warnings, fromCache, analysisMs,
        a.CameraPath is { } path ? new ClipCamera(path.FocalLengthPixels, path.HorizontalFovDegrees, path.Intrinsics) : null);
}

/// <summary>The intrinsics a clip's camera path was estimated with (null on a summary when no path was estimated).</summary>
/// <param name="FocalLengthPixels">fx = fy, pixels of the clip's original frames.</param>
/// <param name="HorizontalFovDegrees">The corresponding horizontal field of view.</param>
/// <param name="Intrinsics">"given" (<c>--focal</c> or <c>--fov</c>) or "default" (the 60° field of view).</param>
public sealed record ClipCamera(double FocalLengthPixels, double HorizontalFovDegrees, string Intrinsics);

/// <summary>The timing of one clip of a score.</summary>
/// <param name="DurationSeconds">Frames times the frame interval (an n-frame clip at 24 fps lasts n / 24 s).</param>
/// <param name="FrameRate">Frames per second measured from the frame times (the container's rate for a single frame).</param>
/// <param name="Frames">Frames analysed.</param>
/// <param name="TimesFrom">"timestamps" (the container's, per frame) or "frame rate" (frame number / rate, when the
/// timestamps are missing or do not increase).</param>
public sealed record ClipTiming(double DurationSeconds, double FrameRate, int Frames, string TimesFrom);

/// <summary>
/// How the two clips of a score were put on one time base (<see cref="TimeBase"/>): the output is read at the
/// reference's frame times over the time both cover.
/// </summary>
/// <param name="Reference">The reference's timing.</param>
/// <param name="Generated">The output's timing.</param>
/// <param name="OverlapSeconds">From the first frame to the last compared reference frame.</param>
/// <param name="ReferenceFramesCompared">Reference frames inside the overlap (the first ones); later frames are not scored.</param>
/// <param name="GeneratedPositions">For each compared reference frame, the output's fractional frame index at its time.</param>
/// <param name="Warning">Set when the durations differ by more than a reference frame or the frame rates differ; null otherwise.</param>
public sealed record ScoreTimeBase(
    ClipTiming Reference,
    ClipTiming Generated,
    double OverlapSeconds,
    int ReferenceFramesCompared,
    IReadOnlyList<double> GeneratedPositions,
    string? Warning);

/// <summary>
/// Result of scoring a generated clip against its reference. Plain data for System.Text.Json (camelCase in the
/// CLI/API). Built with init-only properties so further metrics (pce, rotErr, sceneSimilarity, flicker, each a
/// value plus a reason when it cannot be computed) can be added as new properties, or filled in with a
/// <c>with</c> expression by the step that computes them, without touching the ones here.
/// </summary>
public sealed record ScoreResult
{
    /// <summary>CamMimic CameraScore: mean over used pairs of ||H_R - H_G||_F^2 (H[2,2] = 1); lower is better, 0 = same motion. Null when no pair is usable on both sides.</summary>
    public double? CameraScore { get; init; }

    /// <summary>Why <see cref="CameraScore"/> is null; null otherwise.</summary>
    public string? CameraScoreReason { get; init; }

    /// <summary>95% moving-block bootstrap interval of <see cref="CameraScore"/> (<see cref="BlockBootstrap"/>); null with fewer than two used pairs.</summary>
    public ConfidenceInterval? CameraScoreInterval { get; init; }

    /// <summary>How the clips were put on the reference's time base, with their durations, rates and the overlap compared.</summary>
    public ScoreTimeBase? TimeBase { get; init; }

    /// <summary>Homography space of the comparison.</summary>
    [JsonConverter(typeof(KebabCaseEnumConverter<HomographySpace>))]
    public HomographySpace Space { get; init; }

    /// <summary>Frames of each clip that entered the comparison (the sample size, or the common frame count).</summary>
    public int FramesCompared { get; init; }

    /// <summary>Frames each clip was sampled to; null when compared pair by pair without resampling.</summary>
    public int? SampledFrames { get; init; }

    /// <summary>Compared pairs (FramesCompared - 1).</summary>
    public int PairCount { get; init; }

    /// <summary>Pairs usable on both sides (the N of the mean).</summary>
    public int PairsUsed { get; init; }

    /// <summary>Pairs excluded because either side was flagged.</summary>
    public int PairsFlagged { get; init; }

    /// <summary>Per compared pair: frame spans on both sides and ||H_R - H_G||_F^2, or null with a reason.</summary>
    public IReadOnlyList<CameraScorePair> PerPair { get; init; } = [];

    // --- camera path metrics (CameraPathMetrics; same pairing/sampling as CameraScore) ---

    /// <summary>
    /// Parallax consistency error: mean over pairs with a usable camera path on both sides of
    /// |ln(max(Pi_G, eps) / max(Pi_R, eps))|, eps = <see cref="CameraPathMetrics.ParallaxEpsilon"/>; 0 = same parallax;
    /// null with <see cref="PceReason"/>.
    /// </summary>
    public double? Pce { get; init; }

    /// <summary>Why <see cref="Pce"/> is null; null otherwise.</summary>
    public string? PceReason { get; init; }

    /// <summary>95% interval of <see cref="Pce"/>, bootstrapped over its pairs.</summary>
    public ConfidenceInterval? PceInterval { get; init; }

    /// <summary>Pairs that entered <see cref="Pce"/>.</summary>
    public int PcePairsUsed { get; init; }

    /// <summary>Per compared pair: both parallax numbers and the |ln| term, or null with a reason.</summary>
    public IReadOnlyList<PcePair> PcePerPair { get; init; } = [];

    /// <summary>
    /// CamI2V RotErr: sum over compared frames of the geodesic angle between the poses (relative to the first frame),
    /// over the pairs usable on both sides (<see cref="PathPairsUsed"/>); null with <see cref="RotErrReason"/>.
    /// </summary>
    public AngleError? RotErr { get; init; }

    public string? RotErrReason { get; init; }

    /// <summary>95% interval of <see cref="RotErr"/> in degrees, bootstrapped over its frames.</summary>
    public ConfidenceInterval? RotErrIntervalDegrees { get; init; }

    /// <summary>
    /// CamI2V TransErr: sum of L2 distances between camera centres, each path divided by its largest centre norm, over
    /// the pairs usable on both sides; null with <see cref="TransErrReason"/>.
    /// </summary>
    public double? TransErr { get; init; }

    public string? TransErrReason { get; init; }

    /// <summary>95% interval of <see cref="TransErr"/>, bootstrapped over its frames.</summary>
    public ConfidenceInterval? TransErrInterval { get; init; }

    /// <summary>
    /// <see cref="RotErr"/> per compared frame (degrees): the sum over the PathPairsUsed + 1 frames divided by their
    /// number, so clips of different lengths can be put side by side; null with RotErr.
    /// </summary>
    public double? RotErrPerFrameDegrees => RotErr is { } r ? r.Degrees / (PathPairsUsed + 1) : null;

    /// <summary><see cref="RotErrIntervalDegrees"/> per compared frame.</summary>
    public ConfidenceInterval? RotErrPerFrameIntervalDegrees => PerFrame(RotErrIntervalDegrees);

    /// <summary><see cref="TransErr"/> per compared frame; null with TransErr.</summary>
    public double? TransErrPerFrame => TransErr / (PathPairsUsed + 1);

    /// <summary><see cref="TransErrInterval"/> per compared frame.</summary>
    public ConfidenceInterval? TransErrPerFrameInterval => PerFrame(TransErrInterval);

    private ConfidenceInterval? PerFrame(ConfidenceInterval? sum) =>
        sum is { } s ? new ConfidenceInterval(s.Low / (PathPairsUsed + 1), s.High / (PathPairsUsed + 1)) : null;

    /// <summary>Compared pairs whose motion entered RotErr and TransErr (usable on both sides; the paths span this + 1 frames).</summary>
    public int PathPairsUsed { get; init; }

    /// <summary>
    /// Compared pairs deleted from both paths before RotErr and TransErr because either side is unusable there
    /// (a cut, a black frame); their reasons are in <see cref="PcePerPair"/>.
    /// </summary>
    public IReadOnlyList<int> PathPairsExcluded { get; init; } = [];

    public required ClipSummary Reference { get; init; }

    public required ClipSummary Generated { get; init; }

    /// <summary>Caveats about this comparison (e.g. pixel space across different resolutions).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Wall time: analysing both clips (concurrently) and the metric, milliseconds.</summary>
    public double AnalyzeMs { get; init; }

    public double ScoreMs { get; init; }

    /// <summary>The full analyses (per-pair homographies, motion curves) for callers that plot them; not serialized.</summary>
    [JsonIgnore]
    public ClipAnalysis? ReferenceAnalysis { get; init; }

    [JsonIgnore]
    public ClipAnalysis? GeneratedAnalysis { get; init; }

    // --- scene metrics (null when ScoreOptions.Scene was not set) ---

    /// <summary>Scene preservation: mean cosine of target and frame embeddings; its Value is null with a Reason when not computable.</summary>
    public SceneSimilarityResult? SceneSimilarity { get; init; }

    /// <summary>The encoder behind SceneSimilarity/SubjectConsistency (kind onnx or classical, provider, device, timings).</summary>
    public SceneEncoderInfo? SceneEncoder { get; init; }

    /// <summary>VBench temporal flickering of the generated clip (every consecutive pair, all channels).</summary>
    public FlickerResult? Flicker { get; init; }

    /// <summary>VBench subject consistency of the generated clip; Value null with a Reason without a learned encoder.</summary>
    public SubjectConsistencyResult? SubjectConsistency { get; init; }

    /// <summary>Wall time of the scene-metrics decode pass (decode, flicker, encoding), milliseconds.</summary>
    public double SceneMs { get; init; }
}
