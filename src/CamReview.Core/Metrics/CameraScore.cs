using CamReview.Core.Statistics;

namespace CamReview.Core;

/// <summary>Which coordinates CameraScore compares homographies in.</summary>
public enum HomographySpace
{
    /// <summary>Normalized coordinates (default): resolution independent, see <see cref="NormalizedCoordinates"/>.</summary>
    Normalized,

    /// <summary>Pixel coordinates, as in the CamMimic paper: only comparable between clips of the same resolution;
    /// translation entries are in pixels, so values are roughly s^2 times the normalized ones.</summary>
    Pixel,
}

/// <summary>
/// One compared pair. <see cref="Value"/> = ||H_R - H_G||_F^2 for this pair (null with <see cref="Reason"/>
/// when excluded). The frame spans say which frames of each clip the pair covers (consecutive frames,
/// or sampled frames a &lt; b whose homography is the chain H_{b-1} ... H_a).
/// </summary>
public sealed record CameraScorePair(
    int Index,
    int ReferenceFromFrame,
    int ReferenceToFrame,
    int GeneratedFromFrame,
    int GeneratedToFrame,
    double? Value,
    string? Reason);

/// <summary>
/// CameraScore of a generated clip against its reference. <see cref="Score"/> is null with a
/// <see cref="Reason"/> when no pair is usable. <see cref="SampledFrames"/> is the number of frames each clip
/// was sampled to (null when the clips were compared pair by pair without resampling).
/// </summary>
public sealed record CameraScoreResult(
    double? Score,
    string? Reason,
    HomographySpace Space,
    int PairCount,
    int PairsUsed,
    int PairsFlagged,
    int? SampledFrames,
    IReadOnlyList<CameraScorePair> PerPair)
{
    /// <summary>95% moving-block bootstrap interval of <see cref="Score"/> over the used pairs (<see cref="BlockBootstrap"/>); null with fewer than two.</summary>
    public ConfidenceInterval? Interval { get; init; }
}

/// <summary>
/// CameraScore (CamMimic, eq. 6): <c>(1/N) sum_i ||H_R,i - H_G,i||_F^2</c>, the mean squared Frobenius
/// distance between the reference's and the generated clip's consecutive-frame homographies, each scaled
/// so H[2,2] = 1. Lower is better; 0 for identical motion. Exact rules:
/// <list type="number">
/// <item>A clip with n pair results has n + 1 frames; pair i maps frame i into frame i + 1 (pixel homographies).</item>
/// <item>Frame counts: if <c>sampleFrames</c> is null and both clips have the same number of pairs, pair i
/// is compared with pair i. Otherwise both clips are sampled to F frames (F = <c>sampleFrames</c>, or the
/// smaller frame count of the two) with <see cref="UniformSampling.Indices"/>, and sampled pair k of a clip
/// is the chain of its consecutive homographies from frame idx[k] to idx[k+1] (<see cref="HomographyChain.Chain"/>).
/// A chained pair is flagged when any pair inside it is not usable (or the frame size changes inside it).</item>
/// <item>Space: by default each homography is normalized with its own clip's frame size
/// (Hn = N H N^-1, [2,2] = 1), so clips of different resolutions compare; <see cref="HomographySpace.Pixel"/>
/// uses the pixel homographies scaled to [2,2] = 1.</item>
/// <item>A pair enters the mean only when usable on BOTH sides (<see cref="PairHomography.Usable"/>, and in pixel
/// space a non-zero pixel [2,2]); otherwise its value is null with a reason naming the side(s), and it
/// counts in <see cref="CameraScoreResult.PairsFlagged"/>. Excluded pairs are not replaced by anything.</item>
/// <item>Score = mean over used pairs (N = <see cref="CameraScoreResult.PairsUsed"/>); null with a reason when N = 0.</item>
/// </list>
/// </summary>
public static class CameraScore
{
    public static CameraScoreResult Compute(
        IReadOnlyList<PairHomography> reference,
        IReadOnlyList<PairHomography> generated,
        HomographySpace space = HomographySpace.Normalized,
        int? sampleFrames = null)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(generated);

        if (reference.Count == 0 || generated.Count == 0)
        {
            string which = reference.Count == 0 && generated.Count == 0 ? "neither clip has" :
                reference.Count == 0 ? "the reference has" : "the generated clip has";
            return new CameraScoreResult(null, $"{which} no frame pairs (fewer than 2 frames)", space, 0, 0, 0, null, []);
        }

        IReadOnlyList<SpanPair> refPairs, genPairs;
        int? sampled = null;
        if (sampleFrames is null && reference.Count == generated.Count)
        {
            refPairs = Identity(reference);
            genPairs = Identity(generated);
        }
        else
        {
            int maxFrames = Math.Min(reference.Count, generated.Count) + 1;
            int f = sampleFrames ?? maxFrames;
            if (f < 2 || f > maxFrames)
                throw new ArgumentOutOfRangeException(nameof(sampleFrames), f,
                    $"sampled frame count must be between 2 and {maxFrames} (the shorter clip's frame count)");
            refPairs = Resample(reference, f);
            genPairs = Resample(generated, f);
            sampled = f;
        }

        var perPair = new List<CameraScorePair>(refPairs.Count);
        double sum = 0;
        int used = 0;
        for (int k = 0; k < refPairs.Count; k++)
        {
            var r = refPairs[k];
            var g = genPairs[k];
            Mat3 hr = default, hg = default;
            string? rWhy = r.Reason ?? InSpace(r.Pair, space, out hr);
            string? gWhy = g.Reason ?? InSpace(g.Pair, space, out hg);
            if (rWhy is null && gWhy is null)
            {
                double v = Mat3.FrobeniusDistanceSquared(hr, hg);
                sum += v;
                used++;
                perPair.Add(new CameraScorePair(k, r.From, r.To, g.From, g.To, v, null));
            }
            else
            {
                string why = string.Join("; ",
                    new[] { rWhy is null ? null : "reference: " + rWhy, gWhy is null ? null : "generated: " + gWhy }
                        .Where(x => x is not null));
                perPair.Add(new CameraScorePair(k, r.From, r.To, g.From, g.To, null, why));
            }
        }

        int n = perPair.Count, flagged = n - used;
        if (used == 0)
            return new CameraScoreResult(null, $"no usable frame pair: all {n} flagged", space, n, 0, flagged, sampled, perPair);
        return new CameraScoreResult(sum / used, null, space, n, used, flagged, sampled, perPair)
        {
            Interval = BlockBootstrap.MeanInterval(perPair.Where(p => p.Value is not null).Select(p => p.Value!.Value).ToArray()),
        };
    }

    /// <summary>
    /// Resamples a clip's consecutive pairs to <paramref name="frames"/> uniformly sampled frames: returns
    /// frames - 1 pairs, pair k chaining the clip's pairs from sampled frame idx[k] to idx[k+1]. A chained pair
    /// is flagged (reason names the first bad inner pair) when any inner pair is unusable or the frame size
    /// changes inside it.
    /// </summary>
    public static IReadOnlyList<PairHomography> ResampleClip(IReadOnlyList<PairHomography> pairs, int frames) =>
        Resample(pairs, frames).Select(s => s.Reason is null ? s.Pair : s.Pair with { Ok = false, Reason = s.Reason }).ToArray();

    /// <summary>A (possibly chained) pair plus the frame span it covers and, if unusable, why.</summary>
    private sealed record SpanPair(PairHomography Pair, int From, int To, string? Reason);

    private static IReadOnlyList<SpanPair> Identity(IReadOnlyList<PairHomography> pairs) =>
        pairs.Select((p, i) => new SpanPair(p, i, i + 1, p.UnusableReason)).ToArray();

    private static IReadOnlyList<SpanPair> Resample(IReadOnlyList<PairHomography> pairs, int frames)
    {
        var idx = UniformSampling.Indices(pairs.Count + 1, frames);
        var result = new SpanPair[idx.Length - 1];
        for (int k = 0; k + 1 < idx.Length; k++)
        {
            int a = idx[k], b = idx[k + 1];
            var first = pairs[a];
            if (b == a + 1) { result[k] = new SpanPair(first, a, b, first.UnusableReason); continue; }

            string? why = null;
            var chain = new List<Mat3>(b - a);
            for (int j = a; j < b && why is null; j++)
            {
                var p = pairs[j];
                if (p.UnusableReason is { } w) why = $"pair {j}->{j + 1}: {w}";
                else if (p.Width != first.Width || p.Height != first.Height) why = $"frame size changes at pair {j}->{j + 1}";
                else chain.Add(p.Homography!.Value);
            }
            var pair = why is null
                ? PairHomography.Valid(HomographyChain.Chain(chain, 0, chain.Count), first.Width, first.Height)
                : PairHomography.Flagged(why, first.Width, first.Height);
            // The chained product may itself be numerically unusable (centre sent to infinity).
            result[k] = new SpanPair(pair, a, b, why ?? pair.UnusableReason);
        }
        return result;
    }

    /// <summary>The pair's homography in the requested space with [2,2] = 1; returns a reason when impossible.</summary>
    private static string? InSpace(PairHomography p, HomographySpace space, out Mat3 h)
    {
        h = default;
        if (space == HomographySpace.Normalized)
        {
            h = p.Normalized();
            return null;
        }
        return p.Homography!.Value.TryScaleToUnitCorner(out h) ? null : "pixel homography has h22 ~ 0";
    }
}
