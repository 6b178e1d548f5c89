namespace CamReview.Core;

/// <summary>
/// Rotation-only and zoom camera presets. Directions are what the CAMERA does (content moves the opposite
/// way), matching <see cref="MotionClass"/>:
/// PanLeft/PanRight: yaw about the camera's y axis; TiltUp/TiltDown: pitch about x;
/// RollCw/RollCcw: roll about the optical axis, clockwise/counter-clockwise as seen from behind the camera
/// (content on screen turns the other way); ZoomIn/ZoomOut: focal length multiplied/divided per frame.
/// Labels: pan-left, pan-right, tilt-up, tilt-down, roll-cw, roll-ccw, zoom-in, zoom-out.
/// </summary>
public enum TrajectoryPreset
{
    PanLeft,
    PanRight,
    TiltUp,
    TiltDown,
    RollCw,
    RollCcw,
    ZoomIn,
    ZoomOut,
}

public static class TrajectoryPresetLabels
{
    private static readonly (TrajectoryPreset Preset, string Label)[] Table =
    [
        (TrajectoryPreset.PanLeft, "pan-left"), (TrajectoryPreset.PanRight, "pan-right"),
        (TrajectoryPreset.TiltUp, "tilt-up"), (TrajectoryPreset.TiltDown, "tilt-down"),
        (TrajectoryPreset.RollCw, "roll-cw"), (TrajectoryPreset.RollCcw, "roll-ccw"),
        (TrajectoryPreset.ZoomIn, "zoom-in"), (TrajectoryPreset.ZoomOut, "zoom-out"),
    ];

    public static IReadOnlyList<string> All { get; } = Table.Select(t => t.Label).ToArray();

    public static string ToLabel(this TrajectoryPreset p) => Table.First(t => t.Preset == p).Label;

    public static bool TryParse(string? label, out TrajectoryPreset preset)
    {
        foreach (var (p, l) in Table)
        {
            if (string.Equals(l, label?.Trim(), StringComparison.OrdinalIgnoreCase)) { preset = p; return true; }
        }
        preset = default;
        return false;
    }

    /// <summary>True for presets whose speed is a zoom factor per frame rather than degrees per frame.</summary>
    public static bool IsZoom(this TrajectoryPreset p) => p is TrajectoryPreset.ZoomIn or TrajectoryPreset.ZoomOut;
}

/// <summary>
/// A rotation/zoom-only camera trajectory over <see cref="Frames"/> frames, with the homographies a renderer
/// needs. Rendering convention: output frame i = the target image warped by the cumulative pixel homography
/// H_0-&gt;i (<see cref="Cumulative"/>), i.e. out_i(p) = target(H_0-&gt;i^-1 p); frame 0 is the target itself.
/// <see cref="Consecutive"/>[i] maps frame i into frame i+1, the same convention as an analyzed clip, so the
/// trajectory can be scored and classified like a reference video (<see cref="ToPairs"/>).
/// </summary>
/// <param name="Width">Frame width in pixels.</param>
/// <param name="Height">Frame height in pixels.</param>
/// <param name="Intrinsics">Intrinsics of camera 0.</param>
/// <param name="CameraRotations">Orientation of camera i in camera-0 coordinates (element 0 = identity).</param>
/// <param name="FocalScales">Focal length of camera i over that of camera 0 (element 0 = 1).</param>
/// <param name="Cumulative">H_0-&gt;i in pixels, [2,2] = 1 (element 0 = identity); one per frame.</param>
/// <param name="Consecutive">H_i: frame i -&gt; i+1 in pixels, [2,2] = 1; Frames - 1 of them.</param>
public sealed record RotationTrajectory(
    int Width,
    int Height,
    Intrinsics Intrinsics,
    IReadOnlyList<Mat3> CameraRotations,
    IReadOnlyList<double> FocalScales,
    IReadOnlyList<Mat3> Cumulative,
    IReadOnlyList<Mat3> Consecutive)
{
    public int Frames => Cumulative.Count;

    /// <summary>Intrinsics of camera i (focal length scaled, principal point unchanged).</summary>
    public Intrinsics IntrinsicsAt(int i) => Intrinsics.WithFocalScale(FocalScales[i]);

    /// <summary>The consecutive homographies as trusted pair results, e.g. to score or classify the trajectory.</summary>
    public IReadOnlyList<PairHomography> ToPairs() =>
        Consecutive.Select(h => PairHomography.Valid(h, Width, Height)).ToArray();
}

public static class TrajectoryPresets
{
    /// <summary>
    /// Builds a preset. <paramref name="speed"/>: degrees per frame for pan/tilt/roll (&gt;= 0), zoom factor per
    /// frame for zoom-in/zoom-out (&gt;= 1; e.g. 1.01 multiplies the focal length by 1.01 each frame for zoom-in
    /// and divides it for zoom-out). <paramref name="frames"/> counts output frames including frame 0 (&gt;= 1).
    /// Intrinsics default to <see cref="Intrinsics.FromHorizontalFov"/> with the default 60° field of view.
    /// Note: once the accumulated rotation approaches 90° minus half the field of view the target image leaves
    /// the frame entirely; that is the caller's choice of speed and length.
    /// </summary>
    public static RotationTrajectory Create(TrajectoryPreset preset, int width, int height, double speed, int frames, Intrinsics? intrinsics = null)
    {
        NormalizedCoordinates.ValidateSize(width, height);
        if (frames < 1) throw new ArgumentOutOfRangeException(nameof(frames), frames, "need at least one frame");
        if (!double.IsFinite(speed)) throw new ArgumentOutOfRangeException(nameof(speed), speed, "speed must be finite");
        if (preset.IsZoom() ? speed < 1 : speed < 0)
            throw new ArgumentOutOfRangeException(nameof(speed), speed,
                preset.IsZoom() ? "zoom speed is a factor per frame and must be >= 1" : "rotation speed (degrees per frame) must be >= 0");

        var rotations = new Mat3[frames];
        var scales = new double[frames];
        for (int i = 0; i < frames; i++)
        {
            double angle = speed * i;
            rotations[i] = preset switch
            {
                TrajectoryPreset.PanRight => Rotations.AboutY(angle),
                TrajectoryPreset.PanLeft => Rotations.AboutY(-angle),
                TrajectoryPreset.TiltUp => Rotations.AboutX(angle),
                TrajectoryPreset.TiltDown => Rotations.AboutX(-angle),
                TrajectoryPreset.RollCw => Rotations.AboutZ(angle),
                TrajectoryPreset.RollCcw => Rotations.AboutZ(-angle),
                _ => Mat3.Identity,
            };
            scales[i] = preset switch
            {
                TrajectoryPreset.ZoomIn => Math.Pow(speed, i),
                TrajectoryPreset.ZoomOut => Math.Pow(speed, -i),
                _ => 1.0,
            };
        }
        return FromPoses(width, height, rotations, scales, intrinsics);
    }

    /// <summary>
    /// Trajectory from explicit orientations (camera i in camera-0 coordinates) and focal scales. Cumulative
    /// and consecutive homographies are both computed directly from the poses (not by chaining/inverting),
    /// so neither accumulates rounding error.
    /// </summary>
    public static RotationTrajectory FromPoses(int width, int height, IReadOnlyList<Mat3> cameraRotations,
        IReadOnlyList<double> focalScales, Intrinsics? intrinsics = null)
    {
        NormalizedCoordinates.ValidateSize(width, height);
        ArgumentNullException.ThrowIfNull(cameraRotations);
        ArgumentNullException.ThrowIfNull(focalScales);
        if (cameraRotations.Count == 0 || cameraRotations.Count != focalScales.Count)
            throw new ArgumentException("need one rotation and one focal scale per frame (at least one frame)");
        if (focalScales.Any(s => !(s > 0) || !double.IsFinite(s)))
            throw new ArgumentException("focal scales must be positive and finite", nameof(focalScales));

        var k0 = intrinsics ?? Intrinsics.FromHorizontalFov(width, height);
        int n = cameraRotations.Count;
        var ks = Enumerable.Range(0, n).Select(i => k0.WithFocalScale(focalScales[i])).ToArray();
        var cumulative = new Mat3[n];
        var consecutive = new Mat3[n - 1];
        for (int i = 0; i < n; i++)
            cumulative[i] = RotationHomography.Between(k0, cameraRotations[0], ks[i], cameraRotations[i]);
        for (int i = 0; i + 1 < n; i++)
            consecutive[i] = RotationHomography.Between(ks[i], cameraRotations[i], ks[i + 1], cameraRotations[i + 1]);
        return new RotationTrajectory(width, height, k0, cameraRotations.ToArray(), focalScales.ToArray(), cumulative, consecutive);
    }
}
