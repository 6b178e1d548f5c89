namespace CamReview.Core;

/// <summary>
/// Where the reference's frames fall on the generated clip's time line (<see cref="TimeBase.Align"/>).
/// </summary>
/// <param name="ReferenceFramesCompared">The reference frames 0 .. this - 1 lie inside the overlap and are compared.</param>
/// <param name="GeneratedPositions">For each compared reference frame k, the generated clip's fractional frame index at
/// the reference frame's time (i + f: between generated frames i and i + 1, a fraction f of the way).</param>
/// <param name="OverlapSeconds">From the first frame to the last compared reference frame, seconds.</param>
public sealed record TimeAlignment(int ReferenceFramesCompared, IReadOnlyList<double> GeneratedPositions, double OverlapSeconds);

/// <summary>
/// One time base for comparing two clips: the generated clip is read at the reference's frame times, so outputs with
/// another frame rate or length are compared with the motion at the same moment, never lined up by frame index.
/// <list type="bullet">
/// <item>Times are seconds from each clip's first frame (both clips start together). The overlap runs to the earlier
/// of the two last frames; reference frames after it are not compared.</item>
/// <item>The generated camera at a time between its frames i and i + 1 (a fraction f of the way) is interpolated on
/// pair i: the homography H_i^f (the principal fractional power, exp(f log H) of H scaled to determinant 1, which
/// does not depend on the pixel or normalized coordinates it is computed in); the pose with the rotation slerped
/// (R_i Rrel_i^f) and the centre lerped.</item>
/// <item>A generated pair is compared for reference pair k as the generated motion between the times of reference
/// frames k and k + 1: a product of (fractional) powers of the generated pairs it covers. It is unusable when any
/// pair it covers is. Positions within <see cref="SnapFrames"/> of a frame are that frame, so two clips on the same
/// time base compare pair by pair, exactly.</item>
/// </list>
/// </summary>
public static class TimeBase
{
    /// <summary>Positions this close to a whole frame (in frames) are that frame: container timestamps are rounded.</summary>
    public const double SnapFrames = 1e-4;

    /// <summary>Places the reference's frames (times in seconds, increasing) on the generated clip's time line.</summary>
    public static TimeAlignment Align(IReadOnlyList<double> referenceTimes, IReadOnlyList<double> generatedTimes)
    {
        ArgumentNullException.ThrowIfNull(referenceTimes);
        ArgumentNullException.ThrowIfNull(generatedTimes);
        RequireIncreasing(referenceTimes, nameof(referenceTimes));
        RequireIncreasing(generatedTimes, nameof(generatedTimes));
        if (referenceTimes.Count == 0 || generatedTimes.Count == 0) return new TimeAlignment(0, [], 0);
        double r0 = referenceTimes[0], g0 = generatedTimes[0];
        double genEnd = generatedTimes[^1] - g0;
        // A frame interval's SnapFrames either side of the generated clip's end still counts as inside it.
        double genStep = generatedTimes.Count > 1 ? genEnd / (generatedTimes.Count - 1) : 0;
        var positions = new List<double>(referenceTimes.Count);
        int j = 0;
        for (int k = 0; k < referenceTimes.Count; k++)
        {
            double t = referenceTimes[k] - r0;
            if (t > genEnd + SnapFrames * genStep) break;
            while (j + 1 < generatedTimes.Count && generatedTimes[j + 1] - g0 <= t) j++;
            double p = j;
            if (j + 1 < generatedTimes.Count)
            {
                double a = generatedTimes[j] - g0, b = generatedTimes[j + 1] - g0;
                p = j + (t - a) / (b - a);
            }
            double whole = Math.Round(p);
            positions.Add(Math.Abs(p - whole) <= SnapFrames ? whole : p);
        }
        return new TimeAlignment(positions.Count, positions, positions.Count == 0 ? 0 : referenceTimes[positions.Count - 1] - r0);
    }

    private static void RequireIncreasing(IReadOnlyList<double> times, string name)
    {
        for (int i = 1; i < times.Count; i++)
            if (!(times[i] > times[i - 1])) throw new ArgumentException($"frame times must increase (frame {i}: {times[i]} after {times[i - 1]})", name);
    }

    /// <summary>
    /// The generated clip's homographies between consecutive positions (one per compared reference pair): pair k is
    /// the generated motion from position k to position k + 1, [2,2] = 1, flagged when a covered pair is.
    /// </summary>
    public static IReadOnlyList<PairHomography> HomographiesAt(IReadOnlyList<PairHomography> generated, IReadOnlyList<double> positions)
    {
        ArgumentNullException.ThrowIfNull(generated);
        ArgumentNullException.ThrowIfNull(positions);
        var result = new PairHomography[Math.Max(0, positions.Count - 1)];
        for (int k = 0; k < result.Length; k++)
        {
            var spans = Covered(positions[k], positions[k + 1], generated.Count);
            var first = generated[spans[0].Pair];
            if (spans.Count == 1 && spans[0].Fraction == 1) { result[k] = first; continue; }
            Mat3 h = Mat3.Identity;
            string? why = null;
            foreach (var (j, u) in spans)
            {
                var p = generated[j];
                if (p.UnusableReason is { } w) { why = $"generated pair {j}->{j + 1}: {w}"; break; }
                if (p.Width != first.Width || p.Height != first.Height) { why = $"frame size changes at generated pair {j}->{j + 1}"; break; }
                if (Power(p.Homography!.Value, u) is not { } part) { why = $"generated pair {j}->{j + 1} has no real fractional power"; break; }
                h = part * h;
            }
            var pair = why is null && h.TryScaleToUnitCorner(out var scaled)
                ? PairHomography.Valid(scaled, first.Width, first.Height)
                : PairHomography.Flagged(why ?? "interpolated homography has h22 ~ 0", first.Width, first.Height);
            result[k] = pair;
        }
        return result;
    }

    /// <summary>
    /// The generated clip's camera motions between consecutive positions (one per compared reference pair), from its
    /// chained path (<see cref="CameraPathChain"/>) with slerped rotations and lerped centres; unusable when a covered
    /// pair is. The parallax number of a span is the distance its centre moves (the chain's unit: median scene depth).
    /// </summary>
    public static IReadOnlyList<PairCameraMotion> CameraMotionsAt(IReadOnlyList<PairCameraMotion> generated, IReadOnlyList<double> positions)
    {
        ArgumentNullException.ThrowIfNull(generated);
        ArgumentNullException.ThrowIfNull(positions);
        var chain = CameraPathChain.FromPairs(generated);
        var result = new PairCameraMotion[Math.Max(0, positions.Count - 1)];
        for (int k = 0; k < result.Length; k++)
        {
            var spans = Covered(positions[k], positions[k + 1], generated.Count);
            if (spans.Count == 1 && spans[0].Fraction == 1) { result[k] = generated[spans[0].Pair]; continue; }
            var bad = spans.FirstOrDefault(s => !generated[s.Pair].Usable);
            if (bad.Fraction > 0)
            {
                result[k] = PairCameraMotion.Unusable($"generated pair {bad.Pair}->{bad.Pair + 1}: {generated[bad.Pair].Reason ?? "unusable"}");
                continue;
            }
            var a = PoseAt(chain, positions[k]);
            var b = PoseAt(chain, positions[k + 1]);
            Mat3 toA = a.Rotation.Transpose();
            Mat3 rotation = toA * b.Rotation;
            Vec3 step = toA * (b.Centre - a.Centre);
            double focal = spans.Aggregate(1.0, (f, s) => f * Math.Pow(generated[s.Pair].FocalScale ?? 1, s.Fraction));
            result[k] = step.Norm > 0 ? PairCameraMotion.WithParallax(rotation, step, step.Norm) : PairCameraMotion.ParallaxFree(rotation, focal);
        }
        return result;
    }

    /// <summary>
    /// The principal fractional power H^f of a homography (up to scale, [2,2] not fixed): exp(f log(H / det(H)^(1/3))).
    /// Null when it has no real principal logarithm (det &lt;= 0, or an eigenvalue on the negative real axis).
    /// </summary>
    public static Mat3? Power(Mat3 h, double f)
    {
        if (f == 0) return Mat3.Identity;
        if (f == 1) return h;
        double det = h.Determinant();
        if (!(det > 0) || !double.IsFinite(det)) return null;
        var log = Log((1 / Math.Cbrt(det)) * h);
        if (log is null) return null;
        var result = Exp(f * log.Value);
        return result.ToArray().All(double.IsFinite) ? result : null;
    }

    /// <summary>Principal logarithm by inverse scaling and squaring: square roots (Denman–Beavers) until near I, then the Mercator series.</summary>
    private static Mat3? Log(Mat3 a)
    {
        int roots = 0;
        while ((a - Mat3.Identity).FrobeniusNorm() > 0.25)
        {
            if (++roots > 30 || Sqrt(a) is not { } root) return null;
            a = root;
        }
        Mat3 x = a - Mat3.Identity, power = x, sum = Mat3.Zero;
        for (int m = 1; m <= 60 && power.FrobeniusNorm() > 1e-18; m++)
        {
            sum += ((m % 2 == 1 ? 1.0 : -1.0) / m) * power;
            power *= x;
        }
        return Math.Pow(2, roots) * sum;
    }

    /// <summary>Principal square root by the Denman–Beavers iteration; null when it does not converge.</summary>
    private static Mat3? Sqrt(Mat3 a)
    {
        Mat3 y = a, z = Mat3.Identity;
        for (int i = 0; i < 60; i++)
        {
            if (!y.TryInverse(out var yi) || !z.TryInverse(out var zi)) return null;
            Mat3 next = 0.5 * (y + zi);
            z = 0.5 * (z + yi);
            bool done = (next - y).FrobeniusNorm() <= 1e-15 * next.FrobeniusNorm();
            y = next;
            if (done) return y;
        }
        return null;
    }

    /// <summary>Matrix exponential by scaling and squaring with a Taylor series.</summary>
    private static Mat3 Exp(Mat3 a)
    {
        int squarings = Math.Max(0, (int)Math.Ceiling(Math.Log2(Math.Max(a.FrobeniusNorm(), 1e-300) / 0.25)));
        Mat3 x = Math.Pow(2, -squarings) * a, term = Mat3.Identity, sum = Mat3.Identity;
        for (int m = 1; m <= 30; m++)
        {
            term = (1.0 / m) * (term * x);
            sum += term;
        }
        for (int i = 0; i < squarings; i++) sum *= sum;
        return sum;
    }

    /// <summary>Pose of the chained path at a fractional frame position: slerp of the rotation, lerp of the centre.</summary>
    private static CameraPose PoseAt(CameraPathChain chain, double position)
    {
        int i = (int)Math.Floor(position);
        double f = position - i;
        var a = chain.Poses[i];
        if (f == 0) return a;
        var b = chain.Poses[i + 1];
        var (rx, ry, rz) = Rotations.ToRotationVectorDegrees(a.Rotation.Transpose() * b.Rotation);
        return new CameraPose(a.Rotation * Rotations.FromRotationVectorDegrees(f * rx, f * ry, f * rz), a.Centre + f * (b.Centre - a.Centre));
    }

    /// <summary>The pairs the span [a, b] of positions covers, each with the fraction of it covered (in order).</summary>
    private static List<(int Pair, double Fraction)> Covered(double a, double b, int pairCount)
    {
        var spans = new List<(int, double)>();
        for (int j = Math.Min((int)Math.Floor(a), pairCount - 1); j < pairCount && j < b; j++)
        {
            double u = Math.Min(b, j + 1) - Math.Max(a, j);
            if (u > 0) spans.Add((j, u));
        }
        return spans;
    }
}
