using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using CamReview.Vision;

namespace CamReview.Pipeline.Analyze;

/// <summary>
/// How a clip (or an image pair) is analysed. Everything except <see cref="MaxDegreeOfParallelism"/> can change
/// the result and is part of <see cref="Fingerprint"/> (the analysis cache key).
/// </summary>
public sealed record AnalysisOptions
{
    /// <summary>Default longest side of the analysis frames (pixels).</summary>
    public const int DefaultMaxSide = 640;

    /// <summary>Default ORB/SIFT feature budget per frame.</summary>
    public const int DefaultMaxFeatures = 2000;

    /// <summary>
    /// Analyse only this many frames, sampled uniformly over the clip (<c>--frames N</c>, see
    /// <see cref="CamReview.Core.UniformSampling"/>); pairs then join consecutive SAMPLED frames. Null = every
    /// frame. A value at or above the clip's frame count analyses every frame (with a warning).
    /// </summary>
    public int? Frames { get; init; }

    /// <summary>
    /// Frames are converted to grayscale and shrunk (<see cref="MediaInput.ShrinkInterpolation"/>) so their longest side is at most this
    /// many pixels before features are detected; never upscaled. 0 = analyse at the original size.
    /// Homographies are reported at the ORIGINAL resolution regardless.
    /// </summary>
    public int MaxSide { get; init; } = DefaultMaxSide;

    [JsonConverter(typeof(KebabCaseEnumConverter<FeatureKind>))]
    public FeatureKind Features { get; init; } = FeatureKind.Orb;

    public int MaxFeatures { get; init; } = DefaultMaxFeatures;

    /// <summary>Robust fit: MAGSAC++ (OpenCV USAC_MAGSAC, with its built-in sigma-consensus polishing) or RANSAC (with OpenCV's LM refinement on inliers).</summary>
    [JsonConverter(typeof(KebabCaseEnumConverter<HomographyMethod>))]
    public HomographyMethod Method { get; init; } = HomographyMethod.Magsac;

    /// <summary>Lowe's ratio for the 2-NN match test.</summary>
    public double MatchRatio { get; init; } = 0.75;

    /// <summary>Inlier threshold of the robust fit, in pixels of the ANALYSIS frames.</summary>
    public double ReprojThreshold { get; init; } = 3.0;

    /// <summary>
    /// When false (default) a video whose container index lists clearly more frames than decode is rejected
    /// (<see cref="MediaProblem.Truncated"/>); when true the decodable prefix is analysed and a warning is
    /// recorded. See <see cref="MediaInput"/> for when the index is trusted.
    /// </summary>
    public bool AllowTruncated { get; init; }

    /// <summary>
    /// Horizontal field of view (degrees) assumed for the camera path (<c>--fov</c>); null =
    /// <see cref="CamReview.Core.Intrinsics.DefaultHorizontalFovDegrees"/> (60°, the renderers' default too).
    /// Ignored when <see cref="FocalLengthPixels"/> is set.
    /// </summary>
    public double? HorizontalFovDegrees { get; init; }

    /// <summary>
    /// Estimate the camera path (every frame's pose from feature tracks, and each pair's rotation, translation
    /// direction and parallax number; <see cref="CameraPathEstimator"/>). Off, pairs carry no camera motion and
    /// PCE/RotErr/TransErr cannot be computed (CameraScore and the motion class are unaffected).
    /// </summary>
    public bool CameraPath { get; init; } = true;

    /// <summary>Explicit focal length fx = fy in pixels of the ORIGINAL frames (<c>--focal</c>; principal point at the centre); overrides <see cref="HorizontalFovDegrees"/>.</summary>
    public double? FocalLengthPixels { get; init; }

    /// <summary>
    /// Intrinsics of a <paramref name="width"/> x <paramref name="height"/> frame (continuous pixel convention, principal
    /// point at the centre) from <see cref="FocalLengthPixels"/> (given at <paramref name="originalWidth"/>, scaled) or
    /// the field of view.
    /// </summary>
    public CamReview.Core.Intrinsics ResolveIntrinsics(int width, int height, int originalWidth)
    {
        if (FocalLengthPixels is double f)
        {
            double fs = f * width / (double)originalWidth;
            return new CamReview.Core.Intrinsics(fs, fs, width / 2.0, height / 2.0);
        }
        return CamReview.Core.Intrinsics.FromHorizontalFov(width, height, HorizontalFovDegrees ?? CamReview.Core.Intrinsics.DefaultHorizontalFovDegrees);
    }

    /// <summary>Worker threads for feature extraction and pair fits; null = one per core. Does not change results.</summary>
    [JsonIgnore]
    public int? MaxDegreeOfParallelism { get; init; }

    public static AnalysisOptions Default { get; } = new();

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> for values that cannot work.</summary>
    public void Validate()
    {
        if (Frames is < 2) throw new ArgumentOutOfRangeException(nameof(Frames), Frames, "frames must be at least 2");
        if (MaxSide is < 0 or (> 0 and < 32)) throw new ArgumentOutOfRangeException(nameof(MaxSide), MaxSide, "max side must be 0 (original size) or at least 32 pixels");
        if (!Enum.IsDefined(Features)) throw new ArgumentOutOfRangeException(nameof(Features), Features, "unknown feature kind");
        if (MaxFeatures < 0 || (Features == FeatureKind.Orb && MaxFeatures == 0))
            throw new ArgumentOutOfRangeException(nameof(MaxFeatures), MaxFeatures, "ORB needs a positive feature budget (SIFT accepts 0 = unlimited)");
        if (!Enum.IsDefined(Method)) throw new ArgumentOutOfRangeException(nameof(Method), Method, "unknown homography method");
        if (MatchRatio is <= 0 or > 1 || double.IsNaN(MatchRatio)) throw new ArgumentOutOfRangeException(nameof(MatchRatio), MatchRatio, "match ratio must be in (0, 1]");
        if (!(ReprojThreshold > 0) || !double.IsFinite(ReprojThreshold)) throw new ArgumentOutOfRangeException(nameof(ReprojThreshold), ReprojThreshold, "reprojection threshold must be positive");
        if (HorizontalFovDegrees is double fov && !(fov > 0 && fov < 180)) throw new ArgumentOutOfRangeException(nameof(HorizontalFovDegrees), fov, "field of view must be in (0, 180) degrees");
        if (FocalLengthPixels is double fx && !(fx > 0 && double.IsFinite(fx))) throw new ArgumentOutOfRangeException(nameof(FocalLengthPixels), fx, "focal length must be positive");
        if (MaxDegreeOfParallelism is < 1) throw new ArgumentOutOfRangeException(nameof(MaxDegreeOfParallelism), MaxDegreeOfParallelism, "parallelism must be at least 1");
    }

    /// <summary>
    /// Canonical text of every setting that affects the result, prefixed with
    /// <see cref="ClipAnalyzer.AlgorithmVersion"/> so a change of thresholds or method invalidates cached analyses.
    /// </summary>
    public string Fingerprint => string.Create(CultureInfo.InvariantCulture,
        $"v{ClipAnalyzer.AlgorithmVersion};features={Features.ToString().ToLowerInvariant()}:{MaxFeatures};method={Method.ToString().ToLowerInvariant()};" +
        $"maxSide={MaxSide};frames={(Frames is int f ? f.ToString(CultureInfo.InvariantCulture) : "all")};ratio={MatchRatio:R};reproj={ReprojThreshold:R};" +
        $"allowTruncated={(AllowTruncated ? 1 : 0)}{IntrinsicsFingerprint}{(CameraPath ? "" : ";cameraPath=0")}");

    // Empty for the default intrinsics, so default fingerprints read as before apart from the version.
    private string IntrinsicsFingerprint =>
        FocalLengthPixels is double fpx ? string.Create(CultureInfo.InvariantCulture, $";fx={fpx:R}")
        : HorizontalFovDegrees is double hfov ? string.Create(CultureInfo.InvariantCulture, $";hfov={hfov:R}") : "";
}

/// <summary>Writes enums as kebab-case strings ("orb", "magsac", "shot-cut", "normalized") and reads them back.</summary>
public sealed class KebabCaseEnumConverter<T>() : JsonStringEnumConverter<T>(JsonNamingPolicy.KebabCaseLower, allowIntegerValues: false)
    where T : struct, Enum;
