namespace CamReview.Core;

/// <summary>
/// A clip's camera path: one <see cref="CameraPose"/> per frame, relative to the first frame.
/// <para>
/// Rotations chain exactly: R_0 = I, R_{k+1} = R_k Rrel_k. Translations have no absolute scale in a monocular
/// clip; each step is given the length of its parallax number, i.e. the path's translation unit is the scene's
/// median depth (C_{k+1} = C_k + R_k (Pi_k d_k), d_k the unit translation direction in camera-k coordinates):
/// exact when the median depth of the visible scene stays the same along the clip, an approximation otherwise.
/// Parallax-free steps have length 0. A step whose pair is unusable is HELD (no motion) and listed in
/// <see cref="HeldPairs"/>: poses after it are not measurements relative to the frames before it (the comparison
/// metrics, <see cref="CameraPathMetrics"/>, remove such a pair from both clips' paths).
/// </para>
/// </summary>
/// <param name="Poses">Pose of every frame (Poses[0] = origin).</param>
/// <param name="HeldPairs">Indices of the pairs that were unusable and held.</param>
public sealed record CameraPathChain(IReadOnlyList<CameraPose> Poses, IReadOnlyList<int> HeldPairs)
{
    /// <summary>Chains per-pair motions (pair k joins frames k and k+1) into poses relative to frame 0.</summary>
    public static CameraPathChain FromPairs(IReadOnlyList<PairCameraMotion> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var poses = new CameraPose[pairs.Count + 1];
        var held = new List<int>();
        poses[0] = CameraPose.Origin;
        for (int k = 0; k < pairs.Count; k++)
        {
            var p = pairs[k];
            var prev = poses[k];
            if (!p.Usable)
            {
                held.Add(k);
                poses[k + 1] = prev;
                continue;
            }
            Vec3 step = p.TranslationDirection is { } d ? p.Parallax!.Value * d : Vec3.Zero;
            poses[k + 1] = new CameraPose(prev.Rotation * p.Rotation!.Value, prev.Centre + prev.Rotation * step);
        }
        return new CameraPathChain(poses, held);
    }
}
