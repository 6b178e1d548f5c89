namespace CamReview.Core;

/// <summary>
/// Clip motion classes, named after what the CAMERA does (image content moves the opposite way).
/// Conventions (pixels x right, y down):
/// <list type="bullet">
/// <item>PanRight: camera turns right; content shifts LEFT (dx &lt; 0). PanLeft: the reverse.</item>
/// <item>TiltUp: camera looks up; content shifts DOWN (dy &gt; 0). TiltDown: the reverse.</item>
/// <item>ZoomIn: content magnifies (zoom &gt; 1), by focal length or by moving closer. ZoomOut: shrinks.</item>
/// <item>Roll: camera turns about its optical axis (either direction).</item>
/// <item>Complex: several components of similar size, or no single consistent motion over the clip.</item>
/// </list>
/// String labels (<see cref="MotionClassLabels"/>): static, pan-left, pan-right, tilt-up, tilt-down,
/// zoom-in, zoom-out, roll, complex.
/// </summary>
public enum MotionClass
{
    Static,
    PanLeft,
    PanRight,
    TiltUp,
    TiltDown,
    ZoomIn,
    ZoomOut,
    Roll,
    Complex,
}

public static class MotionClassLabels
{
    private static readonly (MotionClass Class, string Label)[] Table =
    [
        (MotionClass.Static, "static"), (MotionClass.PanLeft, "pan-left"), (MotionClass.PanRight, "pan-right"),
        (MotionClass.TiltUp, "tilt-up"), (MotionClass.TiltDown, "tilt-down"), (MotionClass.ZoomIn, "zoom-in"),
        (MotionClass.ZoomOut, "zoom-out"), (MotionClass.Roll, "roll"), (MotionClass.Complex, "complex"),
    ];

    /// <summary>Kebab-case label used in JSON, the CLI and the UI (e.g. "pan-right").</summary>
    public static string ToLabel(this MotionClass c) =>
        Table.First(t => t.Class == c).Label;

    public static bool TryParse(string? label, out MotionClass result)
    {
        foreach (var (c, l) in Table)
        {
            if (string.Equals(l, label?.Trim(), StringComparison.OrdinalIgnoreCase)) { result = c; return true; }
        }
        result = default;
        return false;
    }
}

/// <summary>
/// Per-pair motion expressed as pixel displacements, so that every component can be compared with one
/// threshold (VBench camera_motion style: a displacement counts past 0.005 x min(W, H) pixels per pair).
/// Signs follow content motion:
/// <list type="bullet">
/// <item><see cref="Pan"/>: content shift of the centre along x (pixels); &lt; 0 means camera pans right.</item>
/// <item><see cref="Tilt"/>: content shift along y (pixels); &gt; 0 means camera tilts up.</item>
/// <item><see cref="Zoom"/>: (zoom - 1) x r, the outward displacement of a point at r = min(W,H)/2 from the centre
/// (the middle of the nearer frame edges); &gt; 0 = zoom in.</item>
/// <item><see cref="Roll"/>: 2 r sin(angle/2), the displacement of a point at r under the roll; sign of the
/// content rotation (&gt; 0 = content clockwise on screen).</item>
/// </list>
/// </summary>
public readonly record struct MotionComponents(double Pan, double Tilt, double Zoom, double Roll)
{
    public static MotionComponents FromPairMotion(PairMotion m, int width, int height)
    {
        double s = NormalizedCoordinates.Scale(width, height);
        double r = Math.Min(width, height) / 2.0;
        double angle = m.RollDegrees * Math.PI / 180.0;
        return new MotionComponents(m.Dx * s, m.Dy * s, (m.Zoom - 1) * r, 2 * r * Math.Sin(angle / 2));
    }
}

/// <summary>Classification of a clip: the class (null with a reason when no pair is usable) and the evidence.</summary>
/// <param name="Class">The clip class; null when no pair is usable (see <paramref name="Reason"/>).</param>
/// <param name="Reason">Why the class is null, or why the clip is complex; null otherwise.</param>
/// <param name="PairsUsed">Usable pairs.</param>
/// <param name="PairsFlagged">Pairs excluded (flagged at analysis, or not normalizable).</param>
/// <param name="Median">Component-wise medians over usable pairs, pixels (see <see cref="MotionComponents"/>).</param>
/// <param name="ThresholdPixels">The displacement threshold in pixels, 0.005 x min(W, H) (median over usable pairs' sizes).</param>
/// <param name="Agreement">Fraction of usable pairs whose own class equals the median-based candidate class.</param>
/// <param name="PerPair">Per-pair class (null for unusable pairs).</param>
public sealed record MotionClassification(
    MotionClass? Class,
    string? Reason,
    int PairsUsed,
    int PairsFlagged,
    MotionComponents? Median,
    double? ThresholdPixels,
    double? Agreement,
    IReadOnlyList<MotionClass?> PerPair)
{
    public string? Label => Class?.ToLabel();
}

/// <summary>
/// Classifies the camera motion of a clip from its consecutive-pair homographies. Rules:
/// <list type="number">
/// <item>Each usable pair gives <see cref="MotionComponents"/> (pan, tilt, zoom, roll as pixel displacements).
/// A component is ACTIVE when |value| &gt; T = <see cref="DisplacementFactor"/> x min(W, H) pixels
/// (VBench camera_motion's threshold, applied per frame pair).</item>
/// <item>Labelling a set of components: no active component =&gt; static. Otherwise the largest active one
/// gives the class (direction from its sign, see <see cref="MotionClass"/>) unless a second component is also
/// active and the largest is less than <see cref="DominanceRatio"/> times it =&gt; complex.</item>
/// <item>Clip candidate: label the component-wise MEDIANS over usable pairs. Medians keep occasional noisy
/// pairs (people walking through a static shot, a bad fit that passed) from changing the class.</item>
/// <item>Consistency: each usable pair is labelled on its own; if fewer than <see cref="MinAgreement"/> of them
/// carry the candidate label, the clip is complex (e.g. a pan left then right has a median near zero but is
/// not static; a shaky camera with no net motion is complex, not static).</item>
/// <item>No usable pair =&gt; Class null with a reason.</item>
/// </list>
/// </summary>
public static class MotionClassifier
{
    /// <summary>Displacement threshold per pair as a fraction of min(W, H) (VBench camera_motion: 0.005).</summary>
    public const double DisplacementFactor = 0.005;

    /// <summary>With two active components, the largest must be at least this many times the second to name the class; else complex.</summary>
    public const double DominanceRatio = 2.0;

    /// <summary>Minimum fraction of usable pairs whose own label must equal the clip's median-based label.</summary>
    public const double MinAgreement = 0.5;

    public static double ThresholdPixels(int width, int height)
    {
        NormalizedCoordinates.ValidateSize(width, height);
        return DisplacementFactor * Math.Min(width, height);
    }

    /// <summary>Labels one set of components against threshold <paramref name="thresholdPixels"/> (rule 2).</summary>
    public static MotionClass Label(MotionComponents c, double thresholdPixels)
    {
        Span<(double Mag, int Which)> comps =
        [
            (Math.Abs(c.Pan), 0), (Math.Abs(c.Tilt), 1), (Math.Abs(c.Zoom), 2), (Math.Abs(c.Roll), 3),
        ];
        comps.Sort((a, b) => b.Mag.CompareTo(a.Mag));
        var (best, which) = comps[0];
        double second = comps[1].Mag;
        if (!(best > thresholdPixels)) return MotionClass.Static; // also catches NaN
        if (second > thresholdPixels && best < DominanceRatio * second) return MotionClass.Complex;
        return which switch
        {
            0 => c.Pan < 0 ? MotionClass.PanRight : MotionClass.PanLeft,
            1 => c.Tilt > 0 ? MotionClass.TiltUp : MotionClass.TiltDown,
            2 => c.Zoom > 0 ? MotionClass.ZoomIn : MotionClass.ZoomOut,
            _ => MotionClass.Roll,
        };
    }

    /// <summary>Class of a single pair.</summary>
    public static MotionClass ClassifyPair(PairMotion motion, int width, int height) =>
        Label(MotionComponents.FromPairMotion(motion, width, height), ThresholdPixels(width, height));

    /// <summary>Classifies a clip from its per-pair homography results (rules in the type's remarks).</summary>
    public static MotionClassification Classify(IReadOnlyList<PairHomography> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var perPair = new MotionClass?[pairs.Count];
        var comps = new List<MotionComponents>();
        var thresholds = new List<double>();
        for (int i = 0; i < pairs.Count; i++)
        {
            var p = pairs[i];
            if (!p.Usable) continue;
            var c = MotionComponents.FromPairMotion(PairMotion.FromNormalized(p.Normalized()), p.Width, p.Height);
            double t = ThresholdPixels(p.Width, p.Height);
            comps.Add(c);
            thresholds.Add(t);
            perPair[i] = Label(c, t);
        }
        int used = comps.Count, flagged = pairs.Count - used;
        if (used == 0)
        {
            string why = pairs.Count == 0 ? "no frame pairs" : $"no usable frame pair ({flagged} flagged)";
            return new MotionClassification(null, why, 0, flagged, null, null, null, perPair);
        }

        var median = new MotionComponents(
            Stats.Median(comps.Select(c => c.Pan).ToArray())!.Value,
            Stats.Median(comps.Select(c => c.Tilt).ToArray())!.Value,
            Stats.Median(comps.Select(c => c.Zoom).ToArray())!.Value,
            Stats.Median(comps.Select(c => c.Roll).ToArray())!.Value);
        double threshold = Stats.Median(thresholds)!.Value;
        var candidate = Label(median, threshold);
        double agreement = perPair.Count(c => c == candidate) / (double)used;

        if (candidate == MotionClass.Complex)
            return new MotionClassification(MotionClass.Complex, "several motion components of similar size",
                used, flagged, median, threshold, agreement, perPair);
        if (agreement < MinAgreement)
            return new MotionClassification(MotionClass.Complex,
                $"no consistent motion: only {agreement:P0} of usable pairs are {candidate.ToLabel()}",
                used, flagged, median, threshold, agreement, perPair);
        return new MotionClassification(candidate, null, used, flagged, median, threshold, agreement, perPair);
    }
}
