using CamReview.Core;
using CamReview.Vision;

namespace CamReview.Pipeline.Render;

/// <summary>
/// Pixel conventions and sampling reach shared by the warp, the validity mask and the safe crop.
/// CamReview's pixel homographies use the CONTINUOUS convention (the image spans [0, W] x [0, H]; pixel
/// (i, j) is the unit square around (i + 0.5, j + 0.5)), as <see cref="NormalizedCoordinates"/> does. OpenCV's
/// warp addresses pixel CENTRES by integer index (pixel (i, j) at (i, j)). Converting with the half-pixel shift
/// keeps zooms and rotations centred exactly (otherwise a 2x zoom would drift by half a pixel).
/// </summary>
public static class WarpGeometry
{
    /// <summary>The homography in OpenCV's index convention: T(-0.5) H T(+0.5).</summary>
    public static Mat3 ToIndexConvention(Mat3 continuous) =>
        HomographyCanonical(Mat3.Translation(-0.5, -0.5) * continuous * Mat3.Translation(0.5, 0.5));

    /// <summary>
    /// How far (in source pixels, index convention) the interpolation kernel reaches below and above the
    /// sample position: an output pixel is interpolated from real source pixels only when its source position
    /// x satisfies <c>lo &lt;= x &lt;= W - 1 - hi</c>. Linear: (0, 0); cubic: (1, 2) (taps floor(x)-1 .. floor(x)+2);
    /// nearest: (0, 0) (conservative).
    /// </summary>
    public static (double Lo, double Hi) KernelReach(Interpolation interpolation) => interpolation switch
    {
        Interpolation.Cubic => (1, 2),
        Interpolation.Lanczos4 => (3, 4),
        _ => (0, 0),
    };

    /// <summary>Tolerance for the validity tests (OpenCV rounds source positions to 1/32 px).</summary>
    internal const double Slack = 1e-6;

    /// <summary>
    /// Fills <paramref name="invalid"/> (W*H bytes) with 255 where the output pixel is NOT interpolated purely
    /// from source pixels under <paramref name="indexHomography"/> (source -&gt; output, index convention,
    /// source and output both <paramref name="width"/> x <paramref name="height"/>), 0 elsewhere. Returns how many
    /// pixels are invalid. Per row the conditions (in front of the horizon, source position within the kernel's
    /// reach) are linear inequalities in x once multiplied by the positive homogeneous coordinate, so the valid
    /// pixels of a row form one interval, found in closed form: O(H), not O(W H).
    /// </summary>
    public static int InvalidMask(Mat3 indexHomography, int width, int height, Interpolation interpolation, Span<byte> invalid)
    {
        if (invalid.Length < width * height) throw new ArgumentException("mask buffer too small", nameof(invalid));
        var inv = indexHomography.Inverse();
        var (lo, hi) = KernelReach(interpolation);
        double xmin = lo - Slack, xmax = width - 1 - hi + Slack, ymin = lo - Slack, ymax = height - 1 - hi + Slack;
        int count = 0;
        for (int y = 0; y < height; y++)
        {
            // Source position of output pixel x on this row: ((a x + b) / (e x + f), (c x + d) / (e x + f)).
            double a = inv.M00, b = inv.M01 * y + inv.M02;
            double c = inv.M10, d = inv.M11 * y + inv.M12;
            double e = inv.M20, f = inv.M21 * y + inv.M22;
            double first = 0, last = width - 1;
            // Each condition is alpha x + beta >= 0.
            void Clip(double alpha, double beta)
            {
                if (alpha == 0) { if (beta < 0) first = double.PositiveInfinity; return; }
                double x0 = -beta / alpha;
                if (alpha > 0) first = Math.Max(first, x0); else last = Math.Min(last, x0);
            }
            double wTiny = 1e-12 * (Math.Abs(e) * width + Math.Abs(f));
            Clip(e, f - wTiny);                    // w > 0
            Clip(a - xmin * e, b - xmin * f);      // sx >= xmin
            Clip(xmax * e - a, xmax * f - b);      // sx <= xmax
            Clip(c - ymin * e, d - ymin * f);      // sy >= ymin
            Clip(ymax * e - c, ymax * f - d);      // sy <= ymax
            var row = invalid.Slice(y * width, width);
            int from = first > width - 1 ? width : (int)Math.Ceiling(first);
            int to = last < 0 ? -1 : (int)Math.Floor(last);
            if (!double.IsFinite(first) || !double.IsFinite(last) || from > to) { row.Fill(255); count += width; continue; }
            row[..from].Fill(255);
            row[from..(to + 1)].Clear();
            row[(to + 1)..].Fill(255);
            count += width - (to - from + 1);
        }
        return count;
    }

    private static Mat3 HomographyCanonical(Mat3 h) => h.TryScaleToUnitCorner(out var s) ? s : h;
}

/// <summary>
/// The <see cref="BorderPolicy.SafeCrop"/> zoom. Output frame i with zoom s shows
/// <c>target(H_i^-1 Z_s^-1 p)</c>, Z_s the scaling by s about the output centre (continuous convention). The
/// scale is the smallest s &gt;= 1 such that, for every frame, the four corner pixel centres of the output,
/// pulled back through Z_s^-1 and H_i^-1, land inside the target where the interpolation kernel only touches
/// real pixels (and in front of the horizon). The pulled-back window is then a convex quadrilateral whose
/// corners are inside a rectangle, so all of it is; windows for larger s nest inside smaller ones, so per
/// frame the feasible s form an interval [s_i, ∞) found by bisection; s = max_i s_i.
/// </summary>
public static class SafeCrop
{
    /// <summary>Zooms beyond this are refused: the motion exposes too much (or the centre) to crop it away.</summary>
    public const double MaxScale = 8;

    /// <summary>Z_s: scaling by <paramref name="scale"/> about the centre (W/2, H/2), continuous convention.</summary>
    public static Mat3 Zoom(double scale, int width, int height) =>
        Mat3.Translation(width / 2.0, height / 2.0) * Mat3.Scaling(scale, scale) * Mat3.Translation(-width / 2.0, -height / 2.0);

    /// <summary>
    /// The scale for pixel cumulative homographies (continuous convention) on a target and output of
    /// <paramref name="width"/> x <paramref name="height"/>. Throws <see cref="InvalidOperationException"/>
    /// when some frame needs more than <see cref="MaxScale"/>.
    /// </summary>
    public static double ComputeScale(IEnumerable<Mat3> pixelCumulative, int width, int height, Interpolation interpolation)
    {
        ArgumentNullException.ThrowIfNull(pixelCumulative);
        var (lo, hi) = WarpGeometry.KernelReach(interpolation);
        // Continuous-convention bounds of source positions whose kernel only touches real pixels.
        double xmin = lo + 0.5, xmax = width - 0.5 - hi, ymin = lo + 0.5, ymax = height - 0.5 - hi;
        double best = 1;
        int frame = 0;
        foreach (var h in pixelCumulative)
        {
            var inv = h.Inverse();
            bool Fits(double s)
            {
                double cx = width / 2.0, cy = height / 2.0;
                ReadOnlySpan<(double X, double Y)> corners = [(0.5, 0.5), (width - 0.5, 0.5), (width - 0.5, height - 0.5), (0.5, height - 0.5)];
                foreach (var (px, py) in corners)
                {
                    double wx = cx + (px - cx) / s, wy = cy + (py - cy) / s;
                    if (!(inv.HomogeneousW(wx, wy) > 0)) return false;
                    var q = inv.Transform(wx, wy);
                    if (!(q.X >= xmin && q.X <= xmax && q.Y >= ymin && q.Y <= ymax)) return false;
                }
                return true;
            }

            if (!Fits(best))
            {
                if (!Fits(MaxScale))
                    throw new InvalidOperationException(
                        $"safe-crop: frame {frame} would need a zoom above {MaxScale}x to hide the out-of-frame region " +
                        "(the motion moves the target too far); use the black, reflect or inpaint border policy");
                double a = best, b = MaxScale;
                for (int it = 0; it < 60 && b - a > 1e-9; it++)
                {
                    double m = 0.5 * (a + b);
                    if (Fits(m)) b = m; else a = m;
                }
                best = b;
            }
            frame++;
        }
        return best;
    }
}
