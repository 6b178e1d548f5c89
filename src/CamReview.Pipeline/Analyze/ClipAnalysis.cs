using System.Text.Json.Serialization;
using CamReview.Core;

namespace CamReview.Pipeline.Analyze;

/// <summary>
/// Where the analysed frames came from. Width/Height are the decoded (original) frame size, which every
/// homography in the analysis refers to; AnalysisWidth/Height the reduced size features were detected at.
/// </summary>
/// <param name="Path">The file analysed (for a cached analysis: the path it was requested under).</param>
/// <param name="Width">Decoded frame width (pixels).</param>
/// <param name="Height">Decoded frame height (pixels).</param>
/// <param name="Fps">Container frame rate (0 when unknown).</param>
/// <param name="FramesDecoded">Frames that decoded, counted by reading.</param>
/// <param name="ReportedFrameCount">What the container claims (informational only; may be estimated).</param>
/// <param name="AnalysedFrames">Frame numbers analysed, in order (all frames, or the uniform sample of <c>--frames N</c>); pair k joins AnalysedFrames[k] and AnalysedFrames[k+1].</param>
/// <param name="AnalysisWidth">Width of the analysis frames.</param>
/// <param name="AnalysisHeight">Height of the analysis frames.</param>
/// <param name="Warnings">Non-fatal problems (a truncated file analysed anyway, --frames above the frame count).</param>
public sealed record ClipSource(
    string Path,
    int Width,
    int Height,
    double Fps,
    int FramesDecoded,
    double ReportedFrameCount,
    IReadOnlyList<int> AnalysedFrames,
    int AnalysisWidth,
    int AnalysisHeight,
    IReadOnlyList<string> Warnings)
{
    /// <summary>Container timestamp of every analysed frame (milliseconds, as decoded); null in analyses made before they were recorded.</summary>
    public IReadOnlyList<double>? FrameTimesMs { get; init; }

    /// <summary>
    /// Seconds from the first analysed frame to each analysed frame, and where they came from: the container's
    /// timestamps when there is one per frame and they increase ("timestamps"), else frame number / <see cref="Fps"/>
    /// ("frame rate"); null when neither is known.
    /// </summary>
    public (double[] Seconds, string From)? FrameTimes()
    {
        if (FrameTimesMs is { } ms && ms.Count == AnalysedFrames.Count && ms.Count > 0 && ms.Zip(ms.Skip(1)).All(p => p.Second > p.First))
            return (ms.Select(t => (t - ms[0]) / 1000).ToArray(), "timestamps");
        if (Fps > 0 && AnalysedFrames.Count > 0)
            return (AnalysedFrames.Select(f => (f - AnalysedFrames[0]) / Fps).ToArray(), "frame rate");
        return null;
    }
}

/// <summary>
/// One analysed frame pair: frame <see cref="FromFrame"/> -&gt; frame <see cref="ToFrame"/>.
/// <see cref="H"/> is the PIXEL homography at the ORIGINAL resolution (OpenCV pixel convention, pixel centres at
/// integers), mapping pixels of FromFrame into ToFrame, H[2,2] = 1; <see cref="Hn"/> the same in normalized
/// coordinates (<see cref="NormalizedCoordinates"/>). Both are null when the pair is flagged (<see cref="Ok"/>
/// false, <see cref="Flag"/> and <see cref="Reason"/> say why) — a flagged pair never carries an invented matrix.
/// </summary>
/// <param name="Index">Pair index k (0-based).</param>
/// <param name="FromFrame">Frame number of the first frame.</param>
/// <param name="ToFrame">Frame number of the second frame.</param>
/// <param name="Ok">True when the homography is trustworthy.</param>
/// <param name="Flag">Why not, as a code; null when Ok.</param>
/// <param name="Reason">Why not, one line; null when Ok.</param>
/// <param name="H">Pixel homography (original resolution) or null.</param>
/// <param name="Hn">Normalized homography or null.</param>
/// <param name="Inliers">Inliers of the robust fit (0 when no fit was attempted or found).</param>
/// <param name="Matches">Ratio-test matches between the two frames' features.</param>
/// <param name="HistogramDistance">Gray histogram distance between the frames (0..1), see <see cref="FrameSignature"/>.</param>
/// <param name="ThumbnailDifference">Mean absolute thumbnail difference between the frames (gray levels).</param>
/// <param name="Motion">Motion read off Hn (content shift, zoom, roll, ...); null when flagged.</param>
/// <param name="MotionClass">Class of this pair alone ("pan-left", "static", ...); null when flagged.</param>
public sealed record PairAnalysis(
    int Index,
    int FromFrame,
    int ToFrame,
    bool Ok,
    [property: JsonConverter(typeof(KebabCaseEnumConverter<PairFlag>))] PairFlag? Flag,
    string? Reason,
    Mat3? H,
    Mat3? Hn,
    int Inliers,
    int Matches,
    double HistogramDistance,
    double ThumbnailDifference,
    PairMotion? Motion,
    string? MotionClass)
{
    /// <summary>Inliers / matches (0 without matches).</summary>
    public double InlierRatio => Matches > 0 ? (double)Inliers / Matches : 0;

    // ---- camera path (CameraPathEstimator; conventions in PairCameraMotion) ----

    /// <summary>How the camera motion was explained: essential (with parallax), parallax-free (rotation/zoom), unusable.</summary>
    [JsonConverter(typeof(KebabCaseEnumConverter<CameraPairModel>))]
    public CameraPairModel? CameraModel { get; init; }

    /// <summary>ParaScale parallax number ||Delta T|| / median scene depth (0 = parallax-free); null when unusable (<see cref="CameraPathReason"/>).</summary>
    public double? Parallax { get; init; }

    /// <summary>Rotation vector (degrees; axis x right, y down, z forward) of camera ToFrame's orientation in camera FromFrame's coordinates; null when unusable.</summary>
    public Vec3? Rotation { get; init; }

    /// <summary>Unit direction of camera ToFrame's centre in camera FromFrame's coordinates; null when parallax-free or unusable.</summary>
    public Vec3? TranslationDirection { get; init; }

    /// <summary>Focal length of ToFrame over FromFrame (a zoom; 1 with parallax); null when unusable.</summary>
    public double? FocalScale { get; init; }

    /// <summary>Why the camera path of this pair is null; null otherwise.</summary>
    public string? CameraPathReason { get; init; }

    /// <summary>This pair's camera motion in the Core form (metrics, path chaining).</summary>
    public PairCameraMotion ToCameraMotion()
    {
        if (CameraModel is null or CameraPairModel.Unusable || Rotation is not { } rv || Parallax is not double pi)
            return PairCameraMotion.Unusable(CameraPathReason ?? (Ok ? "no camera path" : "pair flagged: " + (Reason ?? "flagged")));
        Mat3 r = Rotations.FromRotationVectorDegrees(rv.X, rv.Y, rv.Z);
        return CameraModel == CameraPairModel.Essential && TranslationDirection is { } d
            ? PairCameraMotion.WithParallax(r, d, pi)
            : PairCameraMotion.ParallaxFree(r, FocalScale ?? 1.0);
    }

    /// <summary>This pair with a camera motion attached.</summary>
    public PairAnalysis WithCameraMotion(PairCameraMotion m)
    {
        Vec3? rv = null;
        if (m.Rotation is { } r)
        {
            var (x, y, z) = Rotations.ToRotationVectorDegrees(r);
            rv = new Vec3(x, y, z);
        }
        return this with
        {
            CameraModel = m.Model,
            Parallax = m.Parallax,
            Rotation = rv,
            TranslationDirection = m.TranslationDirection,
            FocalScale = m.FocalScale,
            CameraPathReason = m.Reason,
        };
    }
}

/// <summary>One frame of <see cref="ClipCameraPath"/>.</summary>
/// <param name="Frame">Frame number.</param>
/// <param name="Rotation">Rotation vector (degrees) of this camera's orientation in first-frame camera coordinates.</param>
/// <param name="Centre">Camera centre in first-frame camera coordinates, in units of the scene's median depth (see <see cref="CameraPathChain"/>).</param>
public sealed record CameraPathFrame(int Frame, Vec3 Rotation, Vec3 Centre);

/// <summary>
/// The clip's camera path relative to the first analysed frame, as <see cref="CameraPathEstimator"/> posed it: one
/// pose per frame from the bundle adjustment, centres in units of the median depth of the scene points seen in the
/// first frame (of each stretch between flagged pairs; a flagged pair is held: no motion, listed in
/// <see cref="HeldPairs"/>, and the path after it is not a measurement relative to the frames before it).
/// </summary>
/// <param name="FocalLengthPixels">fx = fy assumed, pixels of the original frames.</param>
/// <param name="HorizontalFovDegrees">The corresponding horizontal field of view.</param>
/// <param name="Intrinsics">"given" (<c>--focal</c> or <c>--fov</c>) or "default" (the 60° field of view).</param>
/// <param name="TranslationUnit">"median-depth": what a centre of length 1 means.</param>
/// <param name="Keyframes">Indices of the analysed frames chosen as keyframes.</param>
/// <param name="Intervals">The model selection of every pair of consecutive keyframes (GRIC of the homography and of the essential matrix; the lower wins).</param>
/// <param name="Frames">One pose per analysed frame.</param>
/// <param name="HeldPairs">Pairs without a usable camera path.</param>
/// <param name="PairsWithParallax">Pairs explained by an essential matrix with parallax.</param>
/// <param name="PairsParallaxFree">Pairs recognised as rotation/zoom only.</param>
/// <param name="MedianParallax">Median parallax number over usable pairs (null if none).</param>
/// <param name="ElapsedMs">Time spent on camera-path estimation summed over worker threads (ms).</param>
public sealed record ClipCameraPath(
    double FocalLengthPixels,
    double HorizontalFovDegrees,
    string Intrinsics,
    string TranslationUnit,
    IReadOnlyList<int> Keyframes,
    IReadOnlyList<CameraPathEstimator.IntervalModel> Intervals,
    IReadOnlyList<CameraPathFrame> Frames,
    IReadOnlyList<int> HeldPairs,
    int PairsWithParallax,
    int PairsParallaxFree,
    double? MedianParallax,
    double ElapsedMs)
{
    public static ClipCameraPath From(IReadOnlyList<PairAnalysis> pairs, IReadOnlyList<CameraPose> poses, IReadOnlyList<int> keyframes,
        IReadOnlyList<CameraPathEstimator.IntervalModel> intervals, IReadOnlyList<int> analysedFrames, Intrinsics k, bool intrinsicsGiven, int width, double elapsedMs)
    {
        var motions = pairs.Select(p => p.ToCameraMotion()).ToArray();
        var frames = new CameraPathFrame[poses.Count];
        for (int i = 0; i < frames.Length; i++)
        {
            var (x, y, z) = Rotations.ToRotationVectorDegrees(poses[i].Rotation);
            frames[i] = new CameraPathFrame(i < analysedFrames.Count ? analysedFrames[i] : i, new Vec3(x, y, z), poses[i].Centre);
        }
        var usable = motions.Where(m => m.Usable).Select(m => m.Parallax!.Value).ToArray();
        var held = Enumerable.Range(0, motions.Length).Where(i => !motions[i].Usable).ToArray();
        return new ClipCameraPath(k.Fx, k.HorizontalFovDegrees(width), intrinsicsGiven ? "given" : "default", "median-depth", keyframes, intervals, frames, held,
            motions.Count(m => m.Model == CameraPairModel.Essential), motions.Count(m => m.Model == CameraPairModel.ParallaxFree),
            usable.Length > 0 ? TwoViewMath.Median(usable) : null, elapsedMs);
    }
}

/// <summary>
/// Clip-level motion: the class (<see cref="MotionClassifier"/> rules, see docs/motion-classes.md) and the
/// summary (<see cref="MotionSummary"/>). Content-motion conventions as in <see cref="PairMotion"/>.
/// </summary>
/// <param name="Class">Motion class label ("static", "pan-right", ..., "complex"); null when no pair is usable.</param>
/// <param name="Reason">Why the class is null or complex; null otherwise.</param>
/// <param name="PairsUsed">Usable pairs.</param>
/// <param name="PairsFlagged">Flagged pairs.</param>
/// <param name="ThresholdPixels">Per-pair displacement threshold, 0.005 x min(W, H).</param>
/// <param name="Agreement">Fraction of usable pairs whose own class equals the clip class candidate.</param>
/// <param name="MedianPixels">Component-wise medians as pixel displacements (pan, tilt, zoom, roll).</param>
/// <param name="MedianDx">Median content shift along x per pair (normalized units).</param>
/// <param name="MedianDy">Median content shift along y per pair (normalized units).</param>
/// <param name="MedianZoom">Median per-pair zoom.</param>
/// <param name="MedianRollDegrees">Median per-pair roll (degrees, + = content clockwise).</param>
/// <param name="TotalDx">Sum of per-pair Dx over usable pairs.</param>
/// <param name="TotalDy">Sum of per-pair Dy.</param>
/// <param name="TotalZoom">Product of per-pair zooms.</param>
/// <param name="TotalRollDegrees">Sum of per-pair roll.</param>
/// <param name="Chained">Product of the usable normalized homographies (first -&gt; last analysed frame; flagged pairs count as no motion).</param>
public sealed record MotionReport(
    string? Class,
    string? Reason,
    int PairsUsed,
    int PairsFlagged,
    double? ThresholdPixels,
    double? Agreement,
    MotionComponents? MedianPixels,
    double? MedianDx,
    double? MedianDy,
    double? MedianZoom,
    double? MedianRollDegrees,
    double TotalDx,
    double TotalDy,
    double TotalZoom,
    double TotalRollDegrees,
    Mat3 Chained)
{
    public static MotionReport From(ClipMotion summary, MotionClassification classification) => new(
        classification.Label, classification.Reason, classification.PairsUsed, classification.PairsFlagged,
        classification.ThresholdPixels, classification.Agreement, classification.Median,
        summary.MedianDx, summary.MedianDy, summary.MedianZoom, summary.MedianRollDegrees,
        summary.TotalDx, summary.TotalDy, summary.TotalZoom, summary.TotalRollDegrees, summary.Chained);
}

/// <summary>
/// Result of <see cref="ClipAnalyzer.Analyze"/>: the source, the settings used, one entry per analysed frame pair,
/// and the clip's motion. Plain data: serializes with System.Text.Json (camelCase in the CLI/API) and
/// deserializes back (the folder-backed analysis cache stores exactly this).
/// </summary>
public sealed record ClipAnalysis
{
    public required ClipSource Source { get; init; }

    public required AnalysisOptions Settings { get; init; }

    public required IReadOnlyList<PairAnalysis> Pairs { get; init; }

    public required MotionReport Motion { get; init; }

    /// <summary>The camera path (rotations, parallax, centres); null only in analyses made before it existed.</summary>
    public ClipCameraPath? CameraPath { get; init; }

    /// <summary>Per-pair camera motions in the Core form (<see cref="CameraPathMetrics"/>).</summary>
    public IReadOnlyList<PairCameraMotion> ToPairCameraMotions() => Pairs.Select(p => p.ToCameraMotion()).ToArray();

    /// <summary>Wall time of the analysis, milliseconds.</summary>
    public double ElapsedMs { get; init; }

    /// <summary>The pairs in the form the Core metrics take (CameraScore, MotionSummary, MotionClassifier).</summary>
    public IReadOnlyList<PairHomography> ToPairHomographies()
    {
        var result = new PairHomography[Pairs.Count];
        for (int i = 0; i < result.Length; i++)
        {
            var p = Pairs[i];
            result[i] = p.Ok && p.H is { } h
                ? PairHomography.Valid(h, Source.Width, Source.Height)
                : PairHomography.Flagged(p.Reason ?? "flagged", Source.Width, Source.Height);
        }
        return result;
    }

    /// <summary>Pairs that were flagged.</summary>
    [JsonIgnore]
    public IEnumerable<PairAnalysis> FlaggedPairs => Pairs.Where(p => !p.Ok);
}
