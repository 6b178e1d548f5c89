namespace CamReview.Core;

/// <summary>Outcome of <see cref="HomographyCheck"/>: Ok, or not Ok with a one-line reason.</summary>
public readonly record struct HomographyVerdict(bool Ok, string? Reason)
{
    public static HomographyVerdict Pass { get; } = new(true, null);
    public static HomographyVerdict Fail(string reason) => new(false, reason);
}

/// <summary>
/// Sanity check for a FRAME-TO-FRAME homography (consecutive frames of one clip). A robust fit can still
/// return garbage (black frame, shot cut, a moving foreground object dominating the matches); such a pair
/// must be flagged, never silently used or replaced. The bounds below are deliberately loose: real
/// consecutive-frame motion sits far inside them, so anything outside is a failed fit, not fast motion.
/// All tests run on the normalized homography (see <see cref="NormalizedCoordinates"/>) so the bounds do
/// not depend on resolution. Not meant for homographies spanning many frames (chains can legitimately
/// exceed these bounds).
/// </summary>
public static class HomographyCheck
{
    /// <summary>Max linear scale change per pair (zoom sqrt|det J| outside [1/4, 4] is rejected). Even a crash zoom changes scale by a few percent per frame.</summary>
    public const double MaxScaleChange = 4.0;

    /// <summary>Max ratio of the Jacobian's singular values (stretch/shear) at the centre; camera motion between neighbouring frames is close to a similarity.</summary>
    public const double MaxAnisotropy = 3.0;

    /// <summary>
    /// Max |(Hn[2,0], Hn[2,1])| in normalized units. A camera rotation of θ between frames gives about
    /// tan θ / f_n (f_n = focal length in normalized units, 1.73 for a 60° horizontal field of view), so 0.5 is
    /// a ~40° turn between two frames at 60° FOV, ~20° at 100° FOV.
    /// </summary>
    public const double MaxPerspective = 0.5;

    /// <summary>Max shift of the centre per pair in normalized units (1.0 = half the longer side); beyond that the two frames barely overlap.</summary>
    public const double MaxCentreShift = 1.0;

    /// <summary>Every frame corner must keep a homogeneous w of at least this (w &lt;= 0 means it went through infinity).</summary>
    public const double MinCornerW = 0.05;

    /// <summary>Checks a pixel homography between two frames of size W x H.</summary>
    public static HomographyVerdict Check(Mat3 pixelHomography, int width, int height)
    {
        NormalizedCoordinates.ValidateSize(width, height);
        if (!pixelHomography.IsFinite) return HomographyVerdict.Fail("homography has non-finite entries");
        if (!NormalizedCoordinates.TryNormalize(pixelHomography, width, height, out var hn))
            return HomographyVerdict.Fail("homography sends the image centre to infinity (normalized h22 ~ 0)");
        return CheckNormalized(hn, width, height);
    }

    /// <summary>Checks a normalized homography of a W x H frame (the size fixes where the corners are).</summary>
    public static HomographyVerdict CheckNormalized(Mat3 normalizedHomography, int width, int height)
    {
        NormalizedCoordinates.ValidateSize(width, height);
        if (!normalizedHomography.IsFinite) return HomographyVerdict.Fail("homography has non-finite entries");
        if (!normalizedHomography.TryScaleToUnitCorner(out var h))
            return HomographyVerdict.Fail("homography sends the image centre to infinity (normalized h22 ~ 0)");

        var m = PairMotion.FromNormalized(h);
        if (m.JacobianDeterminant <= 0)
            return HomographyVerdict.Fail("homography mirrors or collapses the image (det of linear part <= 0)");
        if (m.Zoom > MaxScaleChange || m.Zoom < 1 / MaxScaleChange)
            return HomographyVerdict.Fail($"scale change {m.Zoom:G3}x between consecutive frames exceeds {MaxScaleChange}x");
        if (m.Anisotropy > MaxAnisotropy)
            return HomographyVerdict.Fail($"strong shear/stretch (singular value ratio {m.Anisotropy:G3} > {MaxAnisotropy})");
        if (m.Perspective > MaxPerspective)
            return HomographyVerdict.Fail($"strong perspective terms ({m.Perspective:G3} > {MaxPerspective} in normalized coordinates)");
        double shift = Math.Sqrt(m.Dx * m.Dx + m.Dy * m.Dy);
        if (shift > MaxCentreShift)
            return HomographyVerdict.Fail($"centre shift {shift:G3} exceeds {MaxCentreShift} (normalized units)");

        // Corners in normalized coordinates, in image order TL, TR, BR, BL. With the current MaxPerspective
        // every corner keeps w >= 1 - 0.5 * sqrt(2) ~ 0.29, so the two corner tests below cannot fire today;
        // they are kept as independent guards in case the constants are loosened.
        double s = NormalizedCoordinates.Scale(width, height);
        double hx = width / 2.0 / s, hy = height / 2.0 / s;
        Span<Point2> src = [new(-hx, -hy), new(hx, -hy), new(hx, hy), new(-hx, hy)];
        Span<Point2> dst = stackalloc Point2[4];
        for (int i = 0; i < 4; i++)
        {
            if (h.HomogeneousW(src[i].X, src[i].Y) < MinCornerW)
                return HomographyVerdict.Fail("a frame corner maps through infinity (horizon crosses the frame)");
            dst[i] = h.Transform(src[i]);
        }
        // The source quad turns the same way at every corner; its image must too (convex, not flipped).
        // With every corner's w > 0 and det > 0 this already holds mathematically (a projective map without
        // a singularity over the frame preserves convexity and orientation); the explicit test is a
        // cheap guard against numerical edge cases and documents the intent.
        double sign = Math.Sign(Cross(src[0], src[1], src[2]));
        for (int i = 0; i < 4; i++)
        {
            if (Math.Sign(Cross(dst[i], dst[(i + 1) % 4], dst[(i + 2) % 4])) != sign)
                return HomographyVerdict.Fail("corners map to a flipped or non-convex quadrilateral");
        }
        return HomographyVerdict.Pass;
    }

    /// <summary>z of (b - a) x (c - b): the turn direction at b.</summary>
    private static double Cross(Point2 a, Point2 b, Point2 c) =>
        (b.X - a.X) * (c.Y - b.Y) - (b.Y - a.Y) * (c.X - b.X);
}
