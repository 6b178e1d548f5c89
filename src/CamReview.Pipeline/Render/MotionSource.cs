using CamReview.Core;

namespace CamReview.Pipeline.Render;

/// <summary>
/// What a renderer moves the target image with: one CUMULATIVE normalized homography per output frame,
/// <c>Hn_0-&gt;i</c> (element 0 = identity; coordinates as in <see cref="NormalizedCoordinates"/>, [2,2] = 1),
/// plus the frame rate the motion was sampled at. Normalized coordinates make the motion independent of the
/// resolution it was measured at: the renderer converts each Hn to pixels of whatever output size it uses
/// (<c>H = N^-1 Hn N</c> for that size). Rendering convention (docs/motion-classes.md): output frame i shows
/// <c>out_i(p) = target(H_0-&gt;i^-1 p)</c>, so frame 0 is the (fitted) target itself.
/// <para>
/// Sources: a reference analysis (<see cref="FromPairs"/>, <see cref="FromNormalizedConsecutive"/>), a
/// rotation/zoom trajectory (<see cref="FromTrajectory"/>, <see cref="FromPreset"/>), or an explicit list
/// (<see cref="FromNormalizedCumulative"/>).
/// </para>
/// <para>
/// Flagged pairs: a consecutive pair whose homography is missing or unusable is replaced by the IDENTITY
/// ("identity hold": the camera pauses for that one step; the cumulative motion of the next frame equals the
/// previous frame's) and counted in <see cref="HeldPairs"/>. Identity is preferred over repeating the last
/// valid motion because a flagged pair is often a cut, a black frame or a failed fit, where extrapolating
/// a motion would invent one; a pause is the conservative choice and is reported, never silent.
/// </para>
/// </summary>
public sealed class MotionSource
{
    /// <summary>Frame rate used when a source has none of its own (trajectories and explicit lists).</summary>
    public const double DefaultTrajectoryFps = 24;

    private readonly Mat3[] _cumulative;

    private MotionSource(Mat3[] cumulative, double fps, int heldPairs, int? referenceWidth, int? referenceHeight, string description)
    {
        _cumulative = cumulative;
        Fps = fps;
        HeldPairs = heldPairs;
        ReferenceWidth = referenceWidth;
        ReferenceHeight = referenceHeight;
        Description = description;
    }

    /// <summary>Hn_0-&gt;i, one per frame, element 0 = identity, each scaled to [2,2] = 1 and invertible.</summary>
    public IReadOnlyList<Mat3> Cumulative => _cumulative;

    /// <summary>Number of frames this source describes (at least 1).</summary>
    public int Frames => _cumulative.Length;

    /// <summary>Frames per second of the motion (the reference's fps, or the trajectory's).</summary>
    public double Fps { get; }

    /// <summary>How many consecutive pairs were flagged/unusable and replaced by the identity.</summary>
    public int HeldPairs { get; }

    /// <summary>Resolution the motion was measured/defined at, when known (used for "render at the reference's size").</summary>
    public int? ReferenceWidth { get; }

    /// <summary>See <see cref="ReferenceWidth"/>.</summary>
    public int? ReferenceHeight { get; }

    /// <summary>Human-readable origin ("reference", "trajectory pan-right 0.5/frame", "explicit").</summary>
    public string Description { get; }

    /// <summary>
    /// An explicit list of normalized cumulative homographies. Element 0 must be (numerically) the identity:
    /// frame 0 is the target itself. Every element must be finite and invertible.
    /// </summary>
    public static MotionSource FromNormalizedCumulative(IReadOnlyList<Mat3> cumulative, double fps = DefaultTrajectoryFps,
        int? referenceWidth = null, int? referenceHeight = null, string description = "explicit")
    {
        ArgumentNullException.ThrowIfNull(cumulative);
        if (cumulative.Count == 0) throw new ArgumentException("a motion source needs at least one frame", nameof(cumulative));
        var list = new Mat3[cumulative.Count];
        for (int i = 0; i < list.Length; i++) list[i] = Validate(cumulative[i], i);
        if (!list[0].ApproximatelyEquals(Mat3.Identity, 1e-9))
            throw new ArgumentException($"the first cumulative homography must be the identity (frame 0 is the target), got {list[0]}", nameof(cumulative));
        list[0] = Mat3.Identity;
        return new MotionSource(list, ValidateFps(fps), 0, referenceWidth, referenceHeight, description);
    }

    /// <summary>
    /// From consecutive NORMALIZED homographies of a reference clip (element i maps frame i into frame i+1),
    /// null for a flagged pair. n pairs give n + 1 frames. Flagged pairs (null, or a matrix that is not finite,
    /// cannot be scaled to [2,2] = 1, or is singular) are held (identity; see the type remarks) and counted.
    /// </summary>
    public static MotionSource FromNormalizedConsecutive(IReadOnlyList<Mat3?> consecutive, double fps,
        int? referenceWidth = null, int? referenceHeight = null, string description = "reference")
    {
        ArgumentNullException.ThrowIfNull(consecutive);
        int held = 0;
        var steps = new Mat3[consecutive.Count];
        for (int i = 0; i < steps.Length; i++)
        {
            if (consecutive[i] is { } h && h.TryScaleToUnitCorner(out var hs) && hs.TryInverse(out _)) steps[i] = hs;
            else { steps[i] = Mat3.Identity; held++; }
        }
        var cumulative = HomographyChain.Cumulative(steps).ToArray();
        for (int i = 0; i < cumulative.Length; i++) cumulative[i] = Validate(cumulative[i], i);
        return new MotionSource(cumulative, ValidateFps(fps), held, referenceWidth, referenceHeight, description);
    }

    /// <summary>
    /// From a reference analysis: one <see cref="PairHomography"/> (pixel homography at the reference's
    /// resolution) per consecutive pair. Usable pairs are normalized with their own frame size; unusable ones
    /// (<see cref="PairHomography.Usable"/> false: flagged, missing, non-finite) are held (identity).
    /// </summary>
    public static MotionSource FromPairs(IReadOnlyList<PairHomography> pairs, double fps, string description = "reference")
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var normalized = pairs.Select(p => p.Usable ? p.Normalized() : (Mat3?)null).ToArray();
        var sized = pairs.FirstOrDefault(p => p.Width > 0 && p.Height > 0);
        return FromNormalizedConsecutive(normalized, fps, sized?.Width, sized?.Height, description);
    }

    /// <summary>
    /// From a rotation/zoom trajectory (Core's <see cref="RotationTrajectory"/>): its pixel cumulative
    /// homographies are normalized with the trajectory's own frame size. The trajectory's intrinsics were
    /// derived from that size, so build it at the OUTPUT's size (or aspect ratio) — see <see cref="FromPreset"/>.
    /// </summary>
    public static MotionSource FromTrajectory(RotationTrajectory trajectory, double fps = DefaultTrajectoryFps, string? description = null)
    {
        ArgumentNullException.ThrowIfNull(trajectory);
        var cumulative = new Mat3[trajectory.Frames];
        for (int i = 0; i < cumulative.Length; i++)
        {
            if (!NormalizedCoordinates.TryNormalize(trajectory.Cumulative[i], trajectory.Width, trajectory.Height, out var hn))
                throw new ArgumentException($"trajectory frame {i} sends the image centre to infinity (rotated too far); use a lower speed or fewer frames");
            cumulative[i] = Validate(hn, i);
        }
        cumulative[0] = Mat3.Identity;
        return new MotionSource(cumulative, ValidateFps(fps), 0, trajectory.Width, trajectory.Height, description ?? "trajectory");
    }

    /// <summary>
    /// A preset (pan/tilt/roll in degrees per frame, zoom as a factor per frame; see
    /// <see cref="TrajectoryPresets.Create"/>) for frames of <paramref name="width"/> x <paramref name="height"/>,
    /// intrinsics from <paramref name="horizontalFovDegrees"/> (default 60°, the analyzer's default too).
    /// Only the aspect ratio of the size matters for the normalized result.
    /// </summary>
    public static MotionSource FromPreset(TrajectoryPreset preset, double speed, int frames, int width, int height,
        double fps = DefaultTrajectoryFps, double horizontalFovDegrees = Intrinsics.DefaultHorizontalFovDegrees)
    {
        if (frames < 1) throw new ArgumentOutOfRangeException(nameof(frames), frames, "need at least one frame");
        var k = Intrinsics.FromHorizontalFov(width, height, horizontalFovDegrees);
        var trajectory = TrajectoryPresets.Create(preset, width, height, speed, frames, k);
        string unit = preset.IsZoom() ? "x" : "°";
        return FromTrajectory(trajectory, fps, $"trajectory {preset.ToLabel()} {speed:G4}{unit}/frame");
    }

    /// <summary>
    /// <paramref name="frames"/> frames sampled uniformly over this source (<see cref="UniformSampling"/>: first
    /// and last kept); the cumulative homographies are still from frame 0. Fps and held-pair count are kept
    /// (a sampled clip at the same fps is shorter; pass an explicit fps to the renderer to keep the duration).
    /// </summary>
    public MotionSource Sample(int frames)
    {
        if (frames < 1) throw new ArgumentOutOfRangeException(nameof(frames), frames, "need at least one frame");
        if (frames > Frames)
            throw new ArgumentOutOfRangeException(nameof(frames), frames, $"cannot sample {frames} frames from a motion of {Frames} frame(s)");
        if (frames == Frames) return this;
        int[] idx = frames == 1 ? [0] : UniformSampling.Indices(Frames, frames);
        var picked = idx.Select(i => _cumulative[i]).ToArray();
        return new MotionSource(picked, Fps, HeldPairs, ReferenceWidth, ReferenceHeight, $"{Description} (sampled {frames} of {Frames})");
    }

    /// <summary>The pixel homography of frame i for an output of <paramref name="width"/> x <paramref name="height"/> (continuous convention).</summary>
    public Mat3 PixelCumulative(int i, int width, int height) => NormalizedCoordinates.Denormalize(_cumulative[i], width, height);

    private static Mat3 Validate(Mat3 h, int index)
    {
        if (!h.TryScaleToUnitCorner(out var scaled))
            throw new ArgumentException($"cumulative homography of frame {index} is not finite or sends the image centre to infinity: {h}");
        if (!scaled.TryInverse(out _))
            throw new ArgumentException($"cumulative homography of frame {index} is singular: {h}");
        return scaled;
    }

    private static double ValidateFps(double fps) =>
        double.IsFinite(fps) && fps > 0 ? fps : throw new ArgumentOutOfRangeException(nameof(fps), fps, "fps must be positive and finite");
}
