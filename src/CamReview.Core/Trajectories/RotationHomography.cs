namespace CamReview.Core;

/// <summary>
/// Homographies induced by a camera that only rotates and/or changes focal length (no translation, so no
/// parallax: the whole scene moves as one plane at infinity).
/// </summary>
public static class RotationHomography
{
    /// <summary>
    /// H_0-&gt;i = K_i R_i^T K_0^-1: maps pixels of frame 0 into frame i.
    /// <paramref name="cameraRotation"/> is camera i's ORIENTATION in camera 0's frame (its columns are camera
    /// i's axes in camera-0 coordinates, as the trajectory JSON "r" defines a pose). Why the transpose: a scene
    /// direction d (camera-0 coordinates) is seen by camera i as R_i^T d, so "H = K_i R K_0^-1" holds with
    /// R = R_i^T, the rotation from camera-0 to camera-i coordinates. Check: panning right by θ
    /// (R_i = <see cref="Rotations.AboutY"/>(θ)) sends the centre pixel to x = cx - fx tan θ, i.e. content moves left.
    /// Result scaled to [2,2] = 1 when possible.
    /// </summary>
    public static Mat3 FromCameraRotation(Intrinsics k0, Intrinsics ki, Mat3 cameraRotation) =>
        HomographyChain.Canonical(ki.Matrix * cameraRotation.Transpose() * k0.InverseMatrix);

    /// <summary>
    /// Homography between two poses a and b of the same trajectory (orientations in camera-0 coordinates):
    /// H_a-&gt;b = K_b R_b^T R_a K_a^-1.
    /// </summary>
    public static Mat3 Between(Intrinsics ka, Mat3 rotationA, Intrinsics kb, Mat3 rotationB) =>
        HomographyChain.Canonical(kb.Matrix * rotationB.Transpose() * rotationA * ka.InverseMatrix);
}
