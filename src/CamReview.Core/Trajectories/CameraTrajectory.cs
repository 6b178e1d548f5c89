using System.Globalization;
using System.Text.Json;

namespace CamReview.Core;

/// <summary>
/// Translating and orbiting camera presets (6-DoF, in the spirit of ReCamMaster's trajectories). Directions are
/// what the CAMERA does: dolly-in moves it forward (+z), truck-right to its right (+x), pedestal-up up (-y, since
/// y points down), arc-right travels to its right on a circle about a pivot on the optical axis at the median
/// scene depth while turning left to keep the pivot centred (arc-left the mirror image).
/// Labels: dolly-in, dolly-out, truck-left, truck-right, pedestal-up, pedestal-down, arc-left, arc-right.
/// </summary>
public enum CameraMovePreset
{
    DollyIn,
    DollyOut,
    TruckLeft,
    TruckRight,
    PedestalUp,
    PedestalDown,
    ArcLeft,
    ArcRight,
}

public static class CameraMovePresets
{
    /// <summary>Default translation speed: this fraction of the median scene depth per frame (49 frames = 0.24 Zbar).</summary>
    public const double DefaultTranslationSpeed = 0.005;

    /// <summary>Default orbit speed, degrees per frame.</summary>
    public const double DefaultArcSpeed = 0.5;

    private static readonly (CameraMovePreset Preset, string Label)[] Table =
    [
        (CameraMovePreset.DollyIn, "dolly-in"), (CameraMovePreset.DollyOut, "dolly-out"),
        (CameraMovePreset.TruckLeft, "truck-left"), (CameraMovePreset.TruckRight, "truck-right"),
        (CameraMovePreset.PedestalUp, "pedestal-up"), (CameraMovePreset.PedestalDown, "pedestal-down"),
        (CameraMovePreset.ArcLeft, "arc-left"), (CameraMovePreset.ArcRight, "arc-right"),
    ];

    public static IReadOnlyList<string> All { get; } = Table.Select(t => t.Label).ToArray();

    public static string ToLabel(this CameraMovePreset p) => Table.First(t => t.Preset == p).Label;

    public static bool TryParse(string? label, out CameraMovePreset preset)
    {
        foreach (var (p, l) in Table)
        {
            if (string.Equals(l, label?.Trim(), StringComparison.OrdinalIgnoreCase)) { preset = p; return true; }
        }
        preset = default;
        return false;
    }

    public static bool IsArc(this CameraMovePreset p) => p is CameraMovePreset.ArcLeft or CameraMovePreset.ArcRight;

    /// <summary>Default speed of a preset (<see cref="DefaultArcSpeed"/> for arcs, else <see cref="DefaultTranslationSpeed"/>).</summary>
    public static double DefaultSpeed(this CameraMovePreset p) => p.IsArc() ? DefaultArcSpeed : DefaultTranslationSpeed;

    /// <summary>
    /// Poses of a preset over <paramref name="frames"/> frames (frame 0 = identity), with the scene's median depth
    /// <paramref name="medianDepth"/> in the depth map's units. Translations: <paramref name="speed"/> x median depth
    /// per frame, so the parallax number of frame i is speed x i whatever the scene's scale. Arcs:
    /// <paramref name="speed"/> degrees per frame about the pivot (0, 0, medianDepth).
    /// </summary>
    public static CameraTrajectory Create(CameraMovePreset preset, double speed, int frames, double medianDepth, Intrinsics? intrinsics = null)
    {
        if (frames < 1) throw new ArgumentOutOfRangeException(nameof(frames), frames, "need at least one frame");
        if (!(double.IsFinite(speed) && speed >= 0)) throw new ArgumentOutOfRangeException(nameof(speed), speed, "speed must be finite and >= 0");
        if (!(double.IsFinite(medianDepth) && medianDepth > 0)) throw new ArgumentOutOfRangeException(nameof(medianDepth), medianDepth, "median depth must be positive");
        var poses = new CameraPose[frames];
        for (int i = 0; i < frames; i++)
        {
            double d = speed * i * medianDepth;
            poses[i] = preset switch
            {
                CameraMovePreset.DollyIn => new CameraPose(Mat3.Identity, new Vec3(0, 0, d)),
                CameraMovePreset.DollyOut => new CameraPose(Mat3.Identity, new Vec3(0, 0, -d)),
                CameraMovePreset.TruckRight => new CameraPose(Mat3.Identity, new Vec3(d, 0, 0)),
                CameraMovePreset.TruckLeft => new CameraPose(Mat3.Identity, new Vec3(-d, 0, 0)),
                CameraMovePreset.PedestalUp => new CameraPose(Mat3.Identity, new Vec3(0, -d, 0)),
                CameraMovePreset.PedestalDown => new CameraPose(Mat3.Identity, new Vec3(0, d, 0)),
                CameraMovePreset.ArcRight => Orbit(-speed * i, medianDepth),
                CameraMovePreset.ArcLeft => Orbit(speed * i, medianDepth),
                _ => throw new ArgumentOutOfRangeException(nameof(preset), preset, "unknown preset"),
            };
        }
        return new CameraTrajectory(poses, intrinsics, $"{preset.ToLabel()} {speed:G4}{(preset.IsArc() ? "°" : " x median depth")}/frame");
    }

    /// <summary>
    /// Camera on a circle about the pivot P = (0, 0, z) looking at it: orientation Ry(θ), centre P + Ry(θ)(0, 0, -z).
    /// θ &gt; 0 pans right while the centre moves to -x (arc-left).
    /// </summary>
    public static CameraPose Orbit(double degrees, double pivotDepth)
    {
        var r = Rotations.AboutY(degrees);
        var c = new Vec3(0, 0, pivotDepth) + r * new Vec3(0, 0, -pivotDepth);
        return new CameraPose(r, c);
    }
}

/// <summary>
/// A 6-DoF camera trajectory: one <see cref="CameraPose"/> per output frame (frame 0 = identity), optional
/// intrinsics (pixels of the output frame, continuous convention; null = <see cref="Intrinsics.FromHorizontalFov"/>
/// with the default 60° of the output width, the analyzer's default).
/// <para>JSON: <c>{"fx": F, "fy": F, "cx": CX, "cy": CY, "poses": [{"t": [tx, ty, tz], "r": [rx, ry, rz]}, ...]}</c>,
/// <c>t</c> = centre of camera i in camera-0 coordinates in the units of the depth map, <c>r</c> = rotation vector in
/// degrees (camera i's axes in camera-0 coordinates). Intrinsics are optional (all four or none; "fy" defaults to
/// "fx" and cx, cy to the centre when only "fx" is given). If the first pose is not the identity every pose is
/// re-expressed relative to it.</para>
/// </summary>
public sealed class CameraTrajectory
{
    public CameraTrajectory(IReadOnlyList<CameraPose> poses, Intrinsics? intrinsics = null, string description = "trajectory",
        IReadOnlyList<double>? focalScales = null)
    {
        ArgumentNullException.ThrowIfNull(poses);
        if (poses.Count == 0) throw new ArgumentException("a trajectory needs at least one pose", nameof(poses));
        for (int i = 0; i < poses.Count; i++)
        {
            var p = poses[i];
            if (!p.Rotation.IsFinite || !p.Centre.IsFinite) throw new ArgumentException($"pose {i} is not finite", nameof(poses));
        }
        if (focalScales is not null)
        {
            if (focalScales.Count != poses.Count) throw new ArgumentException("need one focal scale per pose", nameof(focalScales));
            if (focalScales.Any(f => !(f > 0 && double.IsFinite(f)))) throw new ArgumentException("focal scales must be positive and finite", nameof(focalScales));
        }
        Poses = poses.ToArray();
        FocalScales = focalScales?.ToArray() ?? Enumerable.Repeat(1.0, poses.Count).ToArray();
        Intrinsics = intrinsics;
        Description = description;
    }

    public IReadOnlyList<CameraPose> Poses { get; }

    /// <summary>Focal length of camera i over camera 0's (optical zoom; 1 for a plain move).</summary>
    public IReadOnlyList<double> FocalScales { get; }

    /// <summary>
    /// Intrinsics of camera 0 in output pixels, or null for the default field of view. Cx/Cy are NaN when the JSON gave
    /// a focal length without a principal point (= the output's centre): use <see cref="IntrinsicsFor"/>.
    /// </summary>
    public Intrinsics? Intrinsics { get; }

    public string Description { get; }

    public int Frames => Poses.Count;

    /// <summary>True when no pose translates (rotation/zoom only: no parallax).</summary>
    public bool IsRotationOnly => Poses.All(p => p.Centre == Vec3.Zero);

    /// <summary>Largest |C_i|.</summary>
    public double MaxTranslation => Poses.Max(p => p.Centre.Norm);

    /// <summary>Every centre multiplied by <paramref name="factor"/> (for a scene scaled by the same factor the render is unchanged).</summary>
    public CameraTrajectory ScaledTranslation(double factor) =>
        new(Poses.Select(p => p with { Centre = factor * p.Centre }).ToArray(), Intrinsics, Description, FocalScales);

    /// <summary>Uniformly sampled frames (first and last kept), like <c>MotionSource.Sample</c>.</summary>
    public CameraTrajectory Sample(int frames)
    {
        if (frames < 1 || frames > Frames) throw new ArgumentOutOfRangeException(nameof(frames), frames, $"cannot sample {frames} frames from a trajectory of {Frames}");
        if (frames == Frames) return this;
        int[] idx = frames == 1 ? [0] : UniformSampling.Indices(Frames, frames);
        return new CameraTrajectory(idx.Select(i => Poses[i]).ToArray(), Intrinsics, $"{Description} (sampled {frames} of {Frames})",
            idx.Select(i => FocalScales[i]).ToArray());
    }

    /// <summary>
    /// Rotation-only/zoom trajectory from a <see cref="RotationTrajectory"/> (pan/tilt/roll/zoom presets).
    /// </summary>
    public static CameraTrajectory FromRotationTrajectory(RotationTrajectory t, string description) =>
        new(Enumerable.Range(0, t.Frames).Select(i => new CameraPose(t.CameraRotations[i], Vec3.Zero)).ToArray(),
            t.Intrinsics, description, t.FocalScales);

    /// <summary>
    /// ParaScale transfer of a reference camera path (the analyzer's per-pair <see cref="PairCameraMotion"/>): the
    /// path is chained by <see cref="CameraPathChain.FromPairs"/> (rotations exact; each step as long as its parallax
    /// number, i.e. in units of the reference's median depth) and its centres multiplied by the TARGET's median depth
    /// Zbar, so frame i moves by <c>Pi_R,i x Zbar_target</c> along the reference direction. Focal scales of
    /// parallax-free (zoom) pairs are multiplied along. A reference without parallax gives a rotation/zoom-only
    /// trajectory, i.e. exactly the homography transfer. Unusable pairs are held (no motion) and counted in
    /// <paramref name="heldPairs"/>.
    /// </summary>
    public static CameraTrajectory FromCameraPath(IReadOnlyList<PairCameraMotion> pairs, double targetMedianDepth, out int heldPairs,
        Intrinsics? intrinsics = null, string description = "reference")
    {
        ArgumentNullException.ThrowIfNull(pairs);
        if (!(double.IsFinite(targetMedianDepth) && targetMedianDepth > 0))
            throw new ArgumentOutOfRangeException(nameof(targetMedianDepth), targetMedianDepth, "median depth must be positive");
        var chain = CameraPathChain.FromPairs(pairs);
        heldPairs = chain.HeldPairs.Count;
        var focal = new double[pairs.Count + 1];
        focal[0] = 1;
        for (int i = 0; i < pairs.Count; i++)
            focal[i + 1] = focal[i] * (pairs[i].Usable && pairs[i].FocalScale is double f && f > 0 && double.IsFinite(f) ? f : 1);
        var poses = chain.Poses.Select(p => p with { Centre = targetMedianDepth * p.Centre }).ToArray();
        return new CameraTrajectory(poses, intrinsics, description, focal);
    }

    /// <summary>Parses the trajectory JSON (see the type remarks). Throws <see cref="FormatException"/> with a one-line reason.</summary>
    public static CameraTrajectory ParseJson(string json, string description = "trajectory file")
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json); }
        catch (JsonException e) { throw new FormatException($"trajectory JSON is not valid JSON: {e.Message}"); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw new FormatException("trajectory JSON must be an object with a \"poses\" array");
            double? Num(string name)
            {
                if (!root.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null) return null;
                if (v.ValueKind != JsonValueKind.Number || !double.IsFinite(v.GetDouble())) throw new FormatException($"trajectory JSON: \"{name}\" must be a finite number");
                return v.GetDouble();
            }
            double? fx = Num("fx"), fy = Num("fy"), cx = Num("cx"), cy = Num("cy");
            Intrinsics? k = null;
            if (fx is null && (fy ?? cx ?? cy) is not null) throw new FormatException("trajectory JSON: give \"fx\" with the other intrinsics");
            if (fx is double f)
            {
                if (!(f > 0) || fy is <= 0) throw new FormatException("trajectory JSON: focal lengths must be positive");
                if ((cx is null) != (cy is null)) throw new FormatException("trajectory JSON: give \"cx\" and \"cy\" together");
                k = new Intrinsics(f, fy ?? f, cx ?? double.NaN, cy ?? double.NaN); // NaN centre = the output's centre
            }
            if (!root.TryGetProperty("poses", out var poses) || poses.ValueKind != JsonValueKind.Array || poses.GetArrayLength() == 0)
                throw new FormatException("trajectory JSON needs a non-empty \"poses\" array");
            var list = new List<CameraPose>();
            int i = 0;
            foreach (var pose in poses.EnumerateArray())
            {
                if (pose.ValueKind != JsonValueKind.Object) throw new FormatException($"trajectory JSON: pose {i} must be an object");
                Vec3 Triple(string name)
                {
                    if (!pose.TryGetProperty(name, out var a)) return Vec3.Zero;
                    if (a.ValueKind != JsonValueKind.Array || a.GetArrayLength() != 3 || a.EnumerateArray().Any(e => e.ValueKind != JsonValueKind.Number))
                        throw new FormatException($"trajectory JSON: pose {i} \"{name}\" must be an array of 3 numbers");
                    var v = a.EnumerateArray().Select(e => e.GetDouble()).ToArray();
                    var r = new Vec3(v[0], v[1], v[2]);
                    if (!r.IsFinite) throw new FormatException($"trajectory JSON: pose {i} \"{name}\" is not finite");
                    return r;
                }
                var t = Triple("t");
                var rv = Triple("r");
                list.Add(new CameraPose(Rotations.FromRotationVectorDegrees(rv.X, rv.Y, rv.Z), t));
                i++;
            }
            var first = list[0];
            if (first.Rotation != Mat3.Identity || first.Centre != Vec3.Zero)
            {
                var r0t = first.Rotation.Transpose();
                for (int j = 0; j < list.Count; j++)
                    list[j] = new CameraPose(r0t * list[j].Rotation, r0t * (list[j].Centre - first.Centre));
            }
            return new CameraTrajectory(list, k, description);
        }
    }

    /// <summary>Writes the trajectory JSON (round-trips with <see cref="ParseJson"/>; focal scales are not part of the format).</summary>
    public string ToJson()
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new System.Text.StringBuilder("{");
        if (Intrinsics is { } k)
        {
            sb.Append(inv, $"\"fx\": {k.Fx:R}, \"fy\": {k.Fy:R}, ");
            if (double.IsFinite(k.Cx)) sb.Append(inv, $"\"cx\": {k.Cx:R}, \"cy\": {k.Cy:R}, ");
        }
        sb.Append("\"poses\": [");
        for (int i = 0; i < Poses.Count; i++)
        {
            var p = Poses[i];
            var (rx, ry, rz) = Rotations.ToRotationVectorDegrees(p.Rotation);
            if (i > 0) sb.Append(", ");
            sb.Append(inv, $"{{\"t\": [{p.Centre.X:R}, {p.Centre.Y:R}, {p.Centre.Z:R}], \"r\": [{rx:R}, {ry:R}, {rz:R}]}}");
        }
        sb.Append("]}");
        return sb.ToString();
    }

    /// <summary>Intrinsics of camera 0 for an output of <paramref name="width"/> x <paramref name="height"/>.</summary>
    public Intrinsics IntrinsicsFor(int width, int height, double horizontalFovDegrees = Core.Intrinsics.DefaultHorizontalFovDegrees)
    {
        if (Intrinsics is not { } k) return Core.Intrinsics.FromHorizontalFov(width, height, horizontalFovDegrees);
        return double.IsFinite(k.Cx) ? k : k with { Cx = width / 2.0, Cy = height / 2.0 };
    }
}
