using System.Globalization;
using CamReview.Core;
using CamReview.Vision;

namespace CamReview.Pipeline.Analyze;

/// <summary>Why a frame pair was flagged (its homography is then null and it enters no metric).</summary>
public enum PairFlag
{
    /// <summary>One of the two frames is black (low intensity spread, dark).</summary>
    BlackFrame,

    /// <summary>One of the two frames is blank: a flat picture of any brightness (fade, test card, lens cap).</summary>
    BlankFrame,

    /// <summary>The fit failed AND the picture changed abruptly: a hard cut to another shot.</summary>
    ShotCut,

    /// <summary>The fit failed (too few matches or inliers) without an abrupt change of the picture (blur, low texture).</summary>
    TooFewInliers,

    /// <summary>The fit has enough support but fails <see cref="HomographyCheck"/> (mirror, collapse, implausible jump).</summary>
    DegenerateFit,
}

/// <summary>
/// The rules that decide whether a frame pair's homography is trustworthy. Applied in this order:
/// <list type="number">
/// <item>Blank/black frame: a frame whose gray-level standard deviation (at analysis size) is below
/// <see cref="BlankMaxStdDev"/> carries no usable structure; it is black when its mean is also below
/// <see cref="BlackMaxMean"/>, else blank. A blank frame i flags BOTH pairs (i-1, i) and (i, i+1); no fit is attempted.</item>
/// <item>Support: the robust fit must keep at least <see cref="MinInliers"/> inliers AND at least
/// <see cref="MinInlierRatio"/> of the ratio-test matches. (Consecutive frames of one shot keep hundreds of
/// inliers at 70-100%; two unrelated pictures give a handful of chance inliers.)</item>
/// <item>Shot cut: a pair failing rule 2 whose picture also changed abruptly — gray histogram distance (total
/// variation) at least <see cref="CutMinHistogramDistance"/> OR mean absolute difference of the 32x32
/// thumbnails at least <see cref="CutMinThumbnailDifference"/> gray levels — is a shot cut; otherwise it is
/// "too few inliers". Both measures are needed: two shots of similar tonality keep the histogram but not the
/// thumbnail, a cut between differently lit shots of similar layout the reverse. A pair that passes rule 2
/// is never a cut, however much the picture changed (fast but trackable camera motion).</item>
/// <item>Degenerate fit: the pixel homography at the original resolution must pass
/// <see cref="HomographyCheck.Check"/>.</item>
/// </list>
/// </summary>
public static class PairReliability
{
    /// <summary>Gray-level standard deviation (0-255 scale, analysis size) below which a frame is blank.</summary>
    public const double BlankMaxStdDev = 6.0;

    /// <summary>Mean gray level below which a blank frame is called black.</summary>
    public const double BlackMaxMean = 24.0;

    /// <summary>Minimum inliers of the robust fit.</summary>
    public const int MinInliers = 15;

    /// <summary>Minimum inliers / ratio-test matches.</summary>
    public const double MinInlierRatio = 0.25;

    /// <summary>Gray histogram total-variation distance (0..1) from which a failed pair counts as a shot cut.</summary>
    public const double CutMinHistogramDistance = 0.25;

    /// <summary>Mean absolute thumbnail difference (gray levels) from which a failed pair counts as a shot cut.</summary>
    public const double CutMinThumbnailDifference = 20.0;

    public static bool IsBlank(FrameSignature s) => s.StdDev < BlankMaxStdDev;

    public static bool IsBlack(FrameSignature s) => IsBlank(s) && s.Mean < BlackMaxMean;

    /// <summary>True when the fit has enough support (rule 2).</summary>
    public static bool HasSupport(int inliers, int matches) =>
        inliers >= MinInliers && matches > 0 && inliers >= MinInlierRatio * matches;

    /// <summary>True when the picture changed abruptly (rule 3's appearance test).</summary>
    public static bool IsAbruptChange(double histogramDistance, double thumbnailDifference) =>
        histogramDistance >= CutMinHistogramDistance || thumbnailDifference >= CutMinThumbnailDifference;

    /// <summary>Rule 1 for a pair of frames: the flag and reason, or null when neither frame is blank.</summary>
    public static (PairFlag Flag, string Reason)? BlankPair(FrameSignature a, int frameA, FrameSignature b, int frameB)
    {
        bool ba = IsBlank(a), bb = IsBlank(b);
        if (!ba && !bb) return null;
        bool black = (ba && IsBlack(a)) || (bb && IsBlack(b));
        string kind = black ? "black" : "blank";
        string which = ba && bb ? $"frames {frameA} and {frameB} are" : $"frame {(ba ? frameA : frameB)} is";
        var s = ba ? a : b;
        return (black ? PairFlag.BlackFrame : PairFlag.BlankFrame,
            string.Create(CultureInfo.InvariantCulture, $"{kind} frame: {which} {kind} (gray mean {s.Mean:F0}, std-dev {s.StdDev:F1})"));
    }

    /// <summary>Rules 2 and 3: the flag and reason for a fit without enough support.</summary>
    public static (PairFlag Flag, string Reason) Unsupported(int inliers, int matches, double histogramDistance, double thumbnailDifference)
    {
        string support = matches < 4 ? $"{matches} matches" : $"{inliers} inliers of {matches} matches";
        if (IsAbruptChange(histogramDistance, thumbnailDifference))
            return (PairFlag.ShotCut, string.Create(CultureInfo.InvariantCulture,
                $"shot cut: {support} and the picture changed abruptly (histogram distance {histogramDistance:F2}, thumbnail difference {thumbnailDifference:F0})"));
        return (PairFlag.TooFewInliers, string.Create(CultureInfo.InvariantCulture,
            $"too few inliers: {support} (need {MinInliers} and {MinInlierRatio:P0})"));
    }
}

/// <summary>
/// Features of one analysis frame: the native keypoints/descriptors, plus (SIFT) a managed copy of the float
/// descriptors for <see cref="FloatDescriptorMatcher"/>. Computed once per frame, matched against both neighbours.
/// </summary>
internal sealed class FrameFeatures : IDisposable
{
    private FrameFeatures(Features features, float[]? descriptors, int dimensions)
    {
        Features = features;
        Descriptors = descriptors;
        Dimensions = dimensions;
    }

    public Features Features { get; }
    public float[]? Descriptors { get; }
    public int Dimensions { get; }

    public static FrameFeatures Detect(FeatureExtractor extractor, Image image)
    {
        Features f = extractor.Detect(image);
        try
        {
            if (f.Kind != FeatureKind.Sift) return new FrameFeatures(f, null, 0);
            float[] d = FeatureDescriptors.CopyFloat(f, out int dims);
            return new FrameFeatures(f, d, dims);
        }
        catch
        {
            f.Dispose();
            throw;
        }
    }

    public FeatureMatches Match(FrameFeatures other, double ratio) =>
        Descriptors is not null && other.Descriptors is not null && Dimensions == other.Dimensions
            ? FloatDescriptorMatcher.Match(Features, Descriptors, other.Features, other.Descriptors, Dimensions, ratio)
            : FeatureMatcher.Match(Features, other.Features, ratio);

    public void Dispose() => Features.Dispose();
}

/// <summary>The raw outcome of matching two feature sets and fitting a homography (analysis-size pixels).</summary>
/// <remarks><see cref="Matched"/>: the ratio-test matches themselves, kept for the camera path (same matches, no second pass).</remarks>
internal readonly record struct FitOutcome(Mat3? Homography, int Inliers, int Matches, FeatureMatches? Matched = null)
{
    public static FitOutcome Run(FrameFeatures a, FrameFeatures b, AnalysisOptions o)
    {
        FeatureMatches m = a.Match(b, o.MatchRatio);
        if (m.Count < 4) return new FitOutcome(null, 0, m.Count, m);
        HomographyResult? r = HomographyFit.Fit(m, o.Method, o.ReprojThreshold);
        if (r is null) return new FitOutcome(null, 0, m.Count, m);
        var h = Mat3.FromArray(r.Matrix);
        return h.IsFinite ? new FitOutcome(h, r.InlierCount, m.Count, m) : new FitOutcome(null, 0, m.Count, m);
    }
}
