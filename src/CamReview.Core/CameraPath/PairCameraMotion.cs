namespace CamReview.Core;

/// <summary>How the camera motion of a frame pair was explained.</summary>
public enum CameraPairModel
{
    /// <summary>Essential matrix: rotation, translation direction and a parallax number &gt; 0.</summary>
    Essential,

    /// <summary>Rotation and/or focal-length change only (the camera centre did not move): parallax 0.</summary>
    ParallaxFree,

    /// <summary>No trustworthy camera motion (see the reason).</summary>
    Unusable,
}

/// <summary>
/// Camera motion between frame k and frame k+1 (docs/motion-classes.md conventions: camera axes x right, y down,
/// z forward).
/// </summary>
/// <param name="Model">How the motion was explained.</param>
/// <param name="Rotation">Orientation of camera k+1 in camera-k coordinates (its columns are camera k+1's axes); null when unusable.</param>
/// <param name="TranslationDirection">Unit vector: camera k+1's centre in camera-k coordinates, direction only; null unless <see cref="CameraPairModel.Essential"/>.</param>
/// <param name="Parallax">
/// ParaScale parallax number Pi = ||Delta T|| / Zbar (camera translation over the median z-depth, in camera k, of
/// the scene points seen); 0 for parallax-free pairs; null when unusable.
/// </param>
/// <param name="FocalScale">Focal length of camera k+1 over camera k (parallax-free pairs; 1 for essential-matrix pairs, whose intrinsics are fixed); null when unusable.</param>
/// <param name="Reason">Why the pair is unusable; null otherwise.</param>
public sealed record PairCameraMotion(
    CameraPairModel Model,
    Mat3? Rotation,
    Vec3? TranslationDirection,
    double? Parallax,
    double? FocalScale,
    string? Reason)
{
    public bool Usable => Model != CameraPairModel.Unusable && Rotation is not null && Parallax is not null;

    public static PairCameraMotion Unusable(string reason) => new(CameraPairModel.Unusable, null, null, null, null, reason);

    public static PairCameraMotion ParallaxFree(Mat3 rotation, double focalScale) =>
        new(CameraPairModel.ParallaxFree, rotation, null, 0.0, focalScale, null);

    public static PairCameraMotion WithParallax(Mat3 rotation, Vec3 translationDirection, double parallax) =>
        new(CameraPairModel.Essential, rotation, translationDirection.Normalized(), parallax, 1.0, null);
}

/// <summary>Pose of camera i relative to camera 0 (rotation: camera i's axes in camera-0 coordinates; centre in camera-0 coordinates).</summary>
public readonly record struct CameraPose(Mat3 Rotation, Vec3 Centre)
{
    public static CameraPose Origin => new(Mat3.Identity, Vec3.Zero);
}
