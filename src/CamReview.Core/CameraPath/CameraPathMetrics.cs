using CamReview.Core.Statistics;

namespace CamReview.Core;

/// <summary>Rotation error in both units.</summary>
public readonly record struct AngleError(double Radians, double Degrees)
{
    public static AngleError FromRadians(double radians) => new(radians, radians * 180.0 / Math.PI);
}

/// <summary>One compared pair of <see cref="ParallaxConsistency"/>: frame spans, both parallax numbers, the term |ln(...)| or null with a reason.</summary>
public sealed record PcePair(
    int Index,
    int ReferenceFromFrame,
    int ReferenceToFrame,
    int GeneratedFromFrame,
    int GeneratedToFrame,
    double? ReferenceParallax,
    double? GeneratedParallax,
    double? Value,
    string? Reason);

/// <summary>PCE result: the mean (or null with a reason), the pairs used, the epsilon, and every compared pair.</summary>
public sealed record ParallaxConsistency(
    double? Value,
    string? Reason,
    int PairCount,
    int PairsUsed,
    double Epsilon,
    int? SampledFrames,
    IReadOnlyList<PcePair> PerPair)
{
    /// <summary>95% moving-block bootstrap interval of <see cref="Value"/> over the used pairs (<see cref="BlockBootstrap"/>); null with fewer than two.</summary>
    public ConfidenceInterval? Interval { get; init; }
}

/// <summary>PCE, RotErr and TransErr of two clips' camera motions, each null with a reason when not computable.</summary>
public sealed record CameraPathComparison(
    ParallaxConsistency Pce,
    AngleError? RotErr,
    string? RotErrReason,
    double? TransErr,
    string? TransErrReason)
{
    /// <summary>Compared pairs whose motion entered RotErr and TransErr (usable on both sides).</summary>
    public int PathPairsUsed { get; init; }

    /// <summary>Compared pairs removed from both paths before RotErr and TransErr because either side is unusable there
    /// (indices of compared pairs; the reasons are in <see cref="ParallaxConsistency.PerPair"/>).</summary>
    public IReadOnlyList<int> PathPairsExcluded { get; init; } = [];

    /// <summary>95% interval of RotErr in degrees: a moving-block bootstrap (<see cref="BlockBootstrap"/>) of the per-frame
    /// angles, as a sum over the same frames; null without RotErr or with fewer than two frames.</summary>
    public ConfidenceInterval? RotErrIntervalDegrees { get; init; }

    /// <summary>95% interval of TransErr, bootstrapped like <see cref="RotErrIntervalDegrees"/>.</summary>
    public ConfidenceInterval? TransErrInterval { get; init; }
}

/// <summary>
/// Camera-path metrics (DESIGN "Geometry and metrics"). Pairing and sampling follow <see cref="CameraScore"/>: clips with
/// the same number of pairs are compared pair by pair; otherwise (or with <c>sampleFrames</c>) both are sampled
/// uniformly (<see cref="UniformSampling"/>) to the same number of frames, by default the shorter clip's.
/// <list type="bullet">
/// <item><b>PCE</b> (parallax consistency error): mean over pairs usable on both sides of
/// |ln(max(Pi_G, eps) / max(Pi_R, eps))|, eps = <see cref="ParallaxEpsilon"/>. Two parallax-free pairs agree (0); a
/// flattened (parallax-free) answer to a reference with parallax Pi costs ln(Pi / eps). A sampled pair spanning
/// frames a..b uses the chained motion: Pi = ||C_b - C_a|| on the clip's <see cref="CameraPathChain"/> (steps of
/// length Pi_k, so the unit is the median scene depth), usable only when every pair inside is usable.</item>
/// <item><b>RotErr</b> (CamI2V): poses relative to the first compared frame; sum over compared frames of the geodesic
/// angle arccos((tr(R_R^T R_G) - 1) / 2), radians and degrees.</item>
/// <item><b>TransErr</b> (CamI2V): camera centres relative to the first compared frame (in its camera coordinates),
/// each trajectory divided by its own largest centre norm, then the sum over frames of the L2 distances. Null when
/// a trajectory has no translation (largest norm 0: every pair parallax-free).</item>
/// </list>
/// <b>Unusable pairs and RotErr/TransErr.</b> Both paths are compared over the compared pairs usable on BOTH sides: a
/// compared pair that is unusable on either side (a cut, a black frame; for a sampled pair, any pair inside it) is
/// deleted from both paths (its two frames become one), and each path is re-chained from the relative motions of the
/// remaining pairs: the same numbers as for the two clips without that pair, over PathPairsUsed + 1 frames. The
/// motion in a gap is not measured, so no error is charged for it, while errors before the gap still carry over to
/// the frames after it, as in a complete path. A complete pair of clips gives exactly the CamI2V numbers. <see cref="CameraPathComparison.PathPairsUsed"/>
/// and <see cref="CameraPathComparison.PathPairsExcluded"/> say what was covered; with no pair usable on both sides
/// RotErr and TransErr are null with a reason.
/// </summary>
public static class CameraPathMetrics
{
    /// <summary>Floor of the parallax numbers inside PCE's logarithm: below it (1e-3: about 0.5 px of motion parallax at 640 px and 60° FOV) parallax counts as none.</summary>
    public const double ParallaxEpsilon = 1e-3;

    /// <summary>PCE, RotErr and TransErr of two clips' per-pair camera motions.</summary>
    public static CameraPathComparison Compare(IReadOnlyList<PairCameraMotion> reference, IReadOnlyList<PairCameraMotion> generated,
        int? sampleFrames = null, double epsilon = ParallaxEpsilon)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(generated);
        if (!(epsilon > 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be positive");
        if (reference.Count == 0 || generated.Count == 0)
        {
            string which = reference.Count == 0 && generated.Count == 0 ? "neither clip has" :
                reference.Count == 0 ? "the reference has" : "the generated clip has";
            string why = $"{which} no frame pairs (fewer than 2 frames)";
            return new CameraPathComparison(new ParallaxConsistency(null, why, 0, 0, epsilon, null, []), null, why, null, why);
        }

        int[] refIdx, genIdx;
        int? sampled = null;
        if (sampleFrames is null && reference.Count == generated.Count)
        {
            refIdx = genIdx = Enumerable.Range(0, reference.Count + 1).ToArray();
        }
        else
        {
            int maxFrames = Math.Min(reference.Count, generated.Count) + 1;
            int f = sampleFrames ?? maxFrames;
            if (f < 2 || f > maxFrames)
                throw new ArgumentOutOfRangeException(nameof(sampleFrames), f,
                    $"sampled frame count must be between 2 and {maxFrames} (the shorter clip's frame count)");
            refIdx = UniformSampling.Indices(reference.Count + 1, f);
            genIdx = UniformSampling.Indices(generated.Count + 1, f);
            sampled = f;
        }

        var refChain = CameraPathChain.FromPairs(reference);
        var genChain = CameraPathChain.FromPairs(generated);

        // PCE
        var perPair = new List<PcePair>(refIdx.Length - 1);
        var bothUsable = new bool[refIdx.Length - 1];
        double sum = 0;
        int used = 0;
        for (int k = 0; k + 1 < refIdx.Length; k++)
        {
            var (pr, rWhy) = SpanParallax(reference, refChain, refIdx[k], refIdx[k + 1]);
            var (pg, gWhy) = SpanParallax(generated, genChain, genIdx[k], genIdx[k + 1]);
            if (pr is double r && pg is double g)
            {
                double v = Math.Abs(Math.Log(Math.Max(g, epsilon) / Math.Max(r, epsilon)));
                sum += v;
                used++;
                bothUsable[k] = true;
                perPair.Add(new PcePair(k, refIdx[k], refIdx[k + 1], genIdx[k], genIdx[k + 1], r, g, v, null));
            }
            else
            {
                string why = string.Join("; ", new[] { rWhy is null ? null : "reference: " + rWhy, gWhy is null ? null : "generated: " + gWhy }
                    .Where(x => x is not null));
                perPair.Add(new PcePair(k, refIdx[k], refIdx[k + 1], genIdx[k], genIdx[k + 1], pr, pg, null, why));
            }
        }
        var pce = used == 0
            ? new ParallaxConsistency(null, $"no pair with a usable camera path on both sides: all {perPair.Count} unusable", perPair.Count, 0, epsilon, sampled, perPair)
            : new ParallaxConsistency(sum / used, null, perPair.Count, used, epsilon, sampled, perPair)
            {
                Interval = BlockBootstrap.MeanInterval(perPair.Where(p => p.Value is not null).Select(p => p.Value!.Value).ToArray()),
            };

        // RotErr / TransErr on the sampled poses, over the pairs usable on both sides (see the type's remarks).
        var excluded = Enumerable.Range(0, bothUsable.Length).Where(k => !bothUsable[k]).ToArray();
        if (used == 0)
        {
            string why = $"no compared pair has a usable camera path on both sides (all {perPair.Count} unusable; first: {perPair[0].Reason})";
            return new CameraPathComparison(pce, null, why, null, why) { PathPairsExcluded = excluded };
        }
        var refPoses = SplicedPoses(refChain, refIdx, bothUsable);
        var genPoses = SplicedPoses(genChain, genIdx, bothUsable);
        var rotTerms = RotErrTerms(refPoses.Select(p => p.Rotation).ToArray(), genPoses.Select(p => p.Rotation).ToArray());
        var transTerms = TransErrTerms(refPoses, genPoses, out string? transWhy);
        return new CameraPathComparison(pce, AngleError.FromRadians(rotTerms.Sum()), null, transTerms?.Sum(), transWhy)
        {
            PathPairsUsed = used,
            PathPairsExcluded = excluded,
            RotErrIntervalDegrees = SumInterval(rotTerms, 180 / Math.PI),
            TransErrInterval = transTerms is null ? null : SumInterval(transTerms, 1),
        };
    }

    /// <summary>The interval of a sum over frames: the bootstrap interval of the mean times the frame count (and a unit factor).</summary>
    private static ConfidenceInterval? SumInterval(double[] terms, double unit) =>
        BlockBootstrap.MeanInterval(terms) is { } mean ? new ConfidenceInterval(mean.Low * terms.Length * unit, mean.High * terms.Length * unit) : null;

    /// <summary>
    /// The path over the compared frames <paramref name="frames"/> with the compared pairs not marked
    /// <paramref name="keep"/> deleted: re-chained from the relative motions of the kept pairs, one pose per kept pair
    /// plus the first (the two frames of a deleted pair become one). Every pair inside a kept span is usable, so its
    /// relative motion is measured.
    /// </summary>
    private static List<CameraPose> SplicedPoses(CameraPathChain chain, int[] frames, bool[] keep)
    {
        var poses = new List<CameraPose>(frames.Length) { CameraPose.Origin };
        for (int k = 0; k + 1 < frames.Length; k++)
        {
            if (!keep[k]) continue;
            var prev = poses[^1];
            var a = chain.Poses[frames[k]];
            var b = chain.Poses[frames[k + 1]];
            Mat3 toA = a.Rotation.Transpose();
            poses.Add(new CameraPose(prev.Rotation * (toA * b.Rotation), prev.Centre + prev.Rotation * (toA * (b.Centre - a.Centre))));
        }
        return poses;
    }

    /// <summary>
    /// CamI2V RotErr: both rotation lists (camera i's orientation, any common world) made relative to their first
    /// element, then the sum over i of the geodesic angle between them (<see cref="Rotations.GeodesicAngleRadians"/>).
    /// </summary>
    public static AngleError RotErr(IReadOnlyList<Mat3> reference, IReadOnlyList<Mat3> generated) =>
        AngleError.FromRadians(RotErrTerms(reference, generated).Sum());

    /// <summary>The terms of <see cref="RotErr"/>: the geodesic angle of every frame, radians.</summary>
    public static double[] RotErrTerms(IReadOnlyList<Mat3> reference, IReadOnlyList<Mat3> generated)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(generated);
        if (reference.Count != generated.Count) throw new ArgumentException($"pose counts differ: {reference.Count} vs {generated.Count}");
        if (reference.Count == 0) return [];
        Mat3 r0 = reference[0].Transpose(), g0 = generated[0].Transpose();
        var terms = new double[reference.Count];
        for (int i = 0; i < reference.Count; i++)
            terms[i] = Rotations.GeodesicAngleRadians(r0 * reference[i], g0 * generated[i]);
        return terms;
    }

    /// <summary>
    /// CamI2V TransErr: centres made relative to the first pose (C_i' = R_0^T (C_i - C_0)), each trajectory divided by
    /// its own largest ||C_i'||, then the sum over i of ||C_R,i' - C_G,i'||. Null with <paramref name="reason"/> when a
    /// trajectory has no translation (all centres equal), where the normalization is undefined.
    /// </summary>
    public static double? TransErr(IReadOnlyList<CameraPose> reference, IReadOnlyList<CameraPose> generated, out string? reason) =>
        TransErrTerms(reference, generated, out reason)?.Sum();

    /// <summary>The terms of <see cref="TransErr"/>: the distance of every frame; null with the reason when TransErr is.</summary>
    public static double[]? TransErrTerms(IReadOnlyList<CameraPose> reference, IReadOnlyList<CameraPose> generated, out string? reason)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(generated);
        if (reference.Count != generated.Count) throw new ArgumentException($"pose counts differ: {reference.Count} vs {generated.Count}");
        var r = Relative(reference, out double rMax);
        var g = Relative(generated, out double gMax);
        if (!(rMax > 0) || !(gMax > 0))
        {
            string which = !(rMax > 0) && !(gMax > 0) ? "neither trajectory translates" :
                !(rMax > 0) ? "the reference trajectory has no translation" : "the generated trajectory has no translation";
            reason = which + " (rotation/zoom only): translations cannot be normalized by their largest norm";
            return null;
        }
        var terms = new double[r.Length];
        for (int i = 0; i < r.Length; i++) terms[i] = (r[i] / rMax - g[i] / gMax).Norm;
        reason = null;
        return terms;
    }

    private static Vec3[] Relative(IReadOnlyList<CameraPose> poses, out double maxNorm)
    {
        var result = new Vec3[poses.Count];
        maxNorm = 0;
        if (poses.Count == 0) return result;
        Mat3 r0t = poses[0].Rotation.Transpose();
        for (int i = 0; i < poses.Count; i++)
        {
            result[i] = r0t * (poses[i].Centre - poses[0].Centre);
            maxNorm = Math.Max(maxNorm, result[i].Norm);
        }
        return result;
    }

    /// <summary>Parallax over frames a..b: the pair's own number for one step, else ||C_b - C_a|| of the chain; null with a reason when a pair inside is unusable.</summary>
    private static (double? Parallax, string? Reason) SpanParallax(IReadOnlyList<PairCameraMotion> pairs, CameraPathChain chain, int a, int b)
    {
        for (int j = a; j < b; j++)
        {
            if (!pairs[j].Usable) return (null, $"pair {j} ({j}->{j + 1}): {pairs[j].Reason ?? "unusable"}");
        }
        if (b == a + 1) return (pairs[a].Parallax, null);
        return ((chain.Poses[b].Centre - chain.Poses[a].Centre).Norm, null);
    }
}
