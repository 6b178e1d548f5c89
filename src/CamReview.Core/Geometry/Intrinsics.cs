namespace CamReview.Core;

/// <summary>
/// Pinhole intrinsics in pixels: K = [[fx, 0, cx], [0, fy, cy], [0, 0, 1]]. Camera axes: x right, y down,
/// z forward (the optical axis). Pixel coordinates use the same continuous convention as
/// <see cref="NormalizedCoordinates"/> (the image spans [0, W] x [0, H], centre at (W/2, H/2)).
/// </summary>
public readonly record struct Intrinsics(double Fx, double Fy, double Cx, double Cy)
{
    /// <summary>
    /// Horizontal field of view assumed when a clip's intrinsics are unknown: 60°, a typical
    /// normal-to-slightly-wide lens. The analyzer and the renderers must use the same default, so that a
    /// parallax measured on a render equals the parallax it was rendered with.
    /// </summary>
    public const double DefaultHorizontalFovDegrees = 60.0;

    /// <summary>
    /// Intrinsics from a horizontal field of view: fx = (W/2) / tan(hfov/2), square pixels (fy = fx),
    /// principal point at the image centre (W/2, H/2).
    /// </summary>
    public static Intrinsics FromHorizontalFov(int width, int height, double horizontalFovDegrees = DefaultHorizontalFovDegrees)
    {
        NormalizedCoordinates.ValidateSize(width, height);
        if (!(horizontalFovDegrees > 0 && horizontalFovDegrees < 180))
            throw new ArgumentOutOfRangeException(nameof(horizontalFovDegrees), horizontalFovDegrees, "field of view must be in (0, 180) degrees");
        double f = width / 2.0 / Math.Tan(horizontalFovDegrees * Math.PI / 360.0);
        return new Intrinsics(f, f, width / 2.0, height / 2.0);
    }

    public Mat3 Matrix => new(Fx, 0, Cx, 0, Fy, Cy, 0, 0, 1);

    /// <summary>K^-1 in closed form.</summary>
    public Mat3 InverseMatrix => new(1 / Fx, 0, -Cx / Fx, 0, 1 / Fy, -Cy / Fy, 0, 0, 1);

    /// <summary>Same camera with the focal length multiplied by <paramref name="factor"/> (an optical zoom; &gt; 1 = zoom in).</summary>
    public Intrinsics WithFocalScale(double factor) => this with { Fx = Fx * factor, Fy = Fy * factor };

    /// <summary>Horizontal field of view in degrees for an image of the given width.</summary>
    public double HorizontalFovDegrees(int width) => 2 * Math.Atan(width / 2.0 / Fx) * 180.0 / Math.PI;
}
