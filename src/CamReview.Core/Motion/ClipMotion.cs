namespace CamReview.Core;

/// <summary>Motion of one pair, or null with the reason it was not usable.</summary>
public sealed record PairMotionResult(int Index, PairMotion? Motion, string? Reason);

/// <summary>
/// Clip-level motion summary over the consecutive pairs of one clip (see <see cref="PairMotion"/> for the
/// per-pair quantities and sign conventions; everything is content motion in normalized units).
/// <list type="bullet">
/// <item>Medians (null when no pair is usable) are robust per-pair typical values: a few bad pairs (someone
/// walking through a static shot) do not move them.</item>
/// <item>Totals accumulate over usable pairs: <see cref="TotalDx"/>/<see cref="TotalDy"/>/<see cref="TotalRollDegrees"/>
/// are sums, <see cref="TotalZoom"/> the product of per-pair zooms.</item>
/// <item><see cref="Chained"/> is the product of the usable normalized homographies (frame 0 -&gt; last frame).
/// Flagged pairs are skipped, i.e. treated as "no motion"; <see cref="PairsFlagged"/> says how many.</item>
/// </list>
/// </summary>
public sealed record ClipMotion(
    IReadOnlyList<PairMotionResult> PerPair,
    int PairsUsed,
    int PairsFlagged,
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
    /// <summary>Summary of the chained homography (whole-clip displacement of the first frame's centre, overall zoom and roll).</summary>
    public PairMotion? ChainedMotion => Chained.TryScaleToUnitCorner(out var h) ? PairMotion.FromNormalized(h) : null;
}

/// <summary>Builds <see cref="ClipMotion"/> from a clip's per-pair homography results.</summary>
public static class MotionSummary
{
    public static ClipMotion Summarize(IReadOnlyList<PairHomography> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var perPair = new List<PairMotionResult>(pairs.Count);
        var dxs = new List<double>(); var dys = new List<double>();
        var zooms = new List<double>(); var rolls = new List<double>();
        double totalDx = 0, totalDy = 0, totalZoom = 1, totalRoll = 0;
        var chained = Mat3.Identity;
        for (int i = 0; i < pairs.Count; i++)
        {
            var p = pairs[i];
            if (p.UnusableReason is { } why) { perPair.Add(new PairMotionResult(i, null, why)); continue; }
            var hn = p.Normalized();
            var m = PairMotion.FromNormalized(hn);
            perPair.Add(new PairMotionResult(i, m, null));
            dxs.Add(m.Dx); dys.Add(m.Dy); zooms.Add(m.Zoom); rolls.Add(m.RollDegrees);
            totalDx += m.Dx; totalDy += m.Dy; totalZoom *= m.Zoom; totalRoll += m.RollDegrees;
            chained = HomographyChain.Canonical(hn * chained);
        }
        int used = dxs.Count;
        return new ClipMotion(perPair, used, pairs.Count - used,
            Stats.Median(dxs), Stats.Median(dys), Stats.Median(zooms), Stats.Median(rolls),
            totalDx, totalDy, totalZoom, totalRoll, chained);
    }
}

internal static class Stats
{
    /// <summary>Median (mean of the two middle values for an even count); null for an empty list.</summary>
    public static double? Median(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0) return null;
        var a = values.ToArray();
        Array.Sort(a);
        int n = a.Length;
        return n % 2 == 1 ? a[n / 2] : (a[n / 2 - 1] + a[n / 2]) / 2.0;
    }
}
