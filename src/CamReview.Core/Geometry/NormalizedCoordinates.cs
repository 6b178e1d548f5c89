namespace CamReview.Core;

/// <summary>
/// Resolution-independent image coordinates. For a frame of W x H pixels (x right, y down, the image
/// spanning [0, W] x [0, H]):
/// <code>u = (x - W/2) / s,  v = (y - H/2) / s,  s = max(W, H) / 2</code>
/// so the centre is (0, 0) and the longer side spans [-1, 1]. A pixel homography H between two frames
/// of the same size becomes <c>Hn = N H N^-1</c> (N the matrix below), scaled so Hn[2,2] = 1.
/// Why: the same camera move filmed at 640x360 and 1280x720 has different pixel homographies
/// (translations double) but identical normalized ones, so metrics on Hn compare videos of any resolution.
/// The same aspect ratio is assumed for "the same motion"; a different aspect ratio changes s relative
/// to the short side and therefore Hn.
/// </summary>
public static class NormalizedCoordinates
{
    /// <summary>s = max(W, H) / 2: pixels per normalized unit.</summary>
    public static double Scale(int width, int height)
    {
        ValidateSize(width, height);
        return Math.Max(width, height) / 2.0;
    }

    /// <summary>N, mapping pixel coordinates to normalized coordinates.</summary>
    public static Mat3 Matrix(int width, int height)
    {
        double s = Scale(width, height);
        return new Mat3(1 / s, 0, -width / 2.0 / s,
                        0, 1 / s, -height / 2.0 / s,
                        0, 0, 1);
    }

    /// <summary>N^-1, mapping normalized coordinates to pixel coordinates (exact, not a numeric inverse).</summary>
    public static Mat3 InverseMatrix(int width, int height)
    {
        double s = Scale(width, height);
        return new Mat3(s, 0, width / 2.0,
                        0, s, height / 2.0,
                        0, 0, 1);
    }

    public static Point2 ToNormalized(Point2 pixel, int width, int height)
    {
        double s = Scale(width, height);
        return new Point2((pixel.X - width / 2.0) / s, (pixel.Y - height / 2.0) / s);
    }

    public static Point2 ToPixel(Point2 normalized, int width, int height)
    {
        double s = Scale(width, height);
        return new Point2(normalized.X * s + width / 2.0, normalized.Y * s + height / 2.0);
    }

    /// <summary>
    /// Hn = N H N^-1 scaled to Hn[2,2] = 1, for a pixel homography between two frames of size W x H.
    /// Throws <see cref="InvalidOperationException"/> when Hn[2,2] is (near) zero, i.e. H sends the image
    /// centre to infinity; use <see cref="TryNormalize"/> to get a flag instead.
    /// </summary>
    public static Mat3 Normalize(Mat3 pixelHomography, int width, int height) =>
        (Matrix(width, height) * pixelHomography * InverseMatrix(width, height)).ScaledToUnitCorner();

    public static bool TryNormalize(Mat3 pixelHomography, int width, int height, out Mat3 normalized) =>
        (Matrix(width, height) * pixelHomography * InverseMatrix(width, height)).TryScaleToUnitCorner(out normalized);

    /// <summary>Inverse of <see cref="Normalize"/>: H = N^-1 Hn N, scaled to H[2,2] = 1.</summary>
    public static Mat3 Denormalize(Mat3 normalizedHomography, int width, int height) =>
        (InverseMatrix(width, height) * normalizedHomography * Matrix(width, height)).ScaledToUnitCorner();

    public static bool TryDenormalize(Mat3 normalizedHomography, int width, int height, out Mat3 pixel) =>
        (InverseMatrix(width, height) * normalizedHomography * Matrix(width, height)).TryScaleToUnitCorner(out pixel);

    /// <summary>
    /// The pixel homography for the same content at another resolution: with S = diag(toW/fromW, toH/fromH, 1)
    /// (pixel x scales with the width, y with the height), H' = S H S^-1, scaled to [2,2] = 1.
    /// Uses the same continuous convention as the normalization (image spans [0, W]); the half-pixel
    /// offset of a pixel-centre convention is below 0.5 px and ignored. When the aspect ratio is kept,
    /// Normalize(ConvertResolution(H)) equals Normalize(H).
    /// </summary>
    public static Mat3 ConvertResolution(Mat3 pixelHomography, int fromWidth, int fromHeight, int toWidth, int toHeight)
    {
        ValidateSize(fromWidth, fromHeight);
        ValidateSize(toWidth, toHeight);
        double sx = (double)toWidth / fromWidth, sy = (double)toHeight / fromHeight;
        var s = Mat3.Scaling(sx, sy);
        var sInv = Mat3.Scaling(1 / sx, 1 / sy);
        return (s * pixelHomography * sInv).ScaledToUnitCorner();
    }

    internal static void ValidateSize(int width, int height)
    {
        if (width <= 0) throw new ArgumentOutOfRangeException(nameof(width), width, "frame width must be positive");
        if (height <= 0) throw new ArgumentOutOfRangeException(nameof(height), height, "frame height must be positive");
    }
}
