namespace CamReview.Core;

/// <summary>
/// What one frame-to-frame homography does to the image, read off a NORMALIZED homography Hn
/// (frame i -&gt; frame i+1, [2,2] = 1, see <see cref="NormalizedCoordinates"/>). All quantities describe the
/// motion of image CONTENT (x right, y down); the camera moves the opposite way:
/// <list type="bullet">
/// <item><see cref="Dx"/>, <see cref="Dy"/>: where the content at the centre of frame i lands in frame i+1,
/// i.e. Hn applied to (0, 0), in normalized units (multiply by s = max(W,H)/2 for pixels, see
/// <see cref="ShiftPixels"/>). Camera pans right =&gt; content moves left =&gt; Dx &lt; 0. Camera tilts up =&gt;
/// content moves down =&gt; Dy &gt; 0.</item>
/// <item><see cref="Zoom"/>: sqrt|det J| with J the Jacobian of Hn at the centre (J = A - t p^T for
/// Hn = [[A, t], [p^T, 1]]); the linear magnification of a small area around the centre. &gt; 1 = content
/// magnifies = zoom in. Using J rather than the raw upper 2x2 A keeps perspective terms from leaking
/// into the zoom.</item>
/// <item><see cref="RollDegrees"/>: rotation angle of the similarity closest to J, atan2(J10 - J01, J00 + J11),
/// in degrees. Positive = content turns clockwise on screen (y points down). A camera rolling
/// clockwise (as seen from behind it) turns content counter-clockwise, i.e. negative values.</item>
/// <item><see cref="Anisotropy"/>: ratio of J's singular values (1 for a similarity), a shear/stretch measure.</item>
/// <item><see cref="Perspective"/>: |(Hn[2,0], Hn[2,1])|, the strength of the perspective terms.</item>
/// </list>
/// </summary>
public sealed record PairMotion(double Dx, double Dy, double Zoom, double RollDegrees, double Anisotropy, double Perspective)
{
    /// <summary>Determinant of the Jacobian at the centre; negative means the image is mirrored.</summary>
    public double JacobianDeterminant { get; init; }

    /// <summary>Content shift of the centre in pixels of a W x H frame: (Dx * s, Dy * s), s = max(W,H)/2.</summary>
    public Point2 ShiftPixels(int width, int height)
    {
        double s = NormalizedCoordinates.Scale(width, height);
        return new Point2(Dx * s, Dy * s);
    }

    /// <summary>Motion summary of a normalized homography (scaled to [2,2] = 1 here if needed).</summary>
    public static PairMotion FromNormalized(Mat3 normalizedHomography)
    {
        var h = normalizedHomography.ScaledToUnitCorner();
        double tx = h.M02, ty = h.M12, px = h.M20, py = h.M21;
        // Jacobian of p -> (A p + t) / (p . (px, py) + 1) at p = 0.
        double j00 = h.M00 - tx * px, j01 = h.M01 - tx * py;
        double j10 = h.M10 - ty * px, j11 = h.M11 - ty * py;
        double det = j00 * j11 - j01 * j10;
        double zoom = Math.Sqrt(Math.Abs(det));
        double roll = Math.Atan2(j10 - j01, j00 + j11) * 180.0 / Math.PI;
        // Singular values of a 2x2: s1^2 + s2^2 = ||J||_F^2, s1 * s2 = |det|.
        double f2 = j00 * j00 + j01 * j01 + j10 * j10 + j11 * j11;
        double disc = Math.Sqrt(Math.Max(0, f2 * f2 - 4 * det * det));
        double s1 = Math.Sqrt((f2 + disc) / 2), s2 = Math.Sqrt(Math.Max(0, (f2 - disc) / 2));
        double aniso = s2 > 0 ? s1 / s2 : double.PositiveInfinity;
        return new PairMotion(tx, ty, zoom, roll, aniso, Math.Sqrt(px * px + py * py)) { JacobianDeterminant = det };
    }

    /// <summary>Convenience: motion summary of a pixel homography between two W x H frames.</summary>
    public static PairMotion FromPixel(Mat3 pixelHomography, int width, int height) =>
        FromNormalized(NormalizedCoordinates.Normalize(pixelHomography, width, height));
}
