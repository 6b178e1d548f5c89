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
    IReadOnlyList<string> Warnings);

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
