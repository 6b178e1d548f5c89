using CamReview.Vision;

namespace CamReview.Pipeline.Render;

/// <summary>A pixel rectangle (x, y = top-left corner).</summary>
public readonly record struct PixelRect(int X, int Y, int Width, int Height);

/// <summary>
/// Fits a target image to the output size: centre-crop to the output's aspect ratio, then resize (area
/// averaging when shrinking, bicubic when enlarging). Nothing is stretched and nothing is padded. Special case:
/// when the target is the output size or at most one pixel larger in each dimension (the usual "made even for
/// yuv420p" case) the target is only cropped (offset (W-w)/2 rounded down, i.e. the odd last column/row is
/// dropped), so the fitted image keeps the target's pixels exactly instead of being resampled by 0.2%.
/// </summary>
public static class TargetFit
{
    /// <summary>The region of a <paramref name="targetWidth"/> x <paramref name="targetHeight"/> target that is kept.</summary>
    public static PixelRect CropRectangle(int targetWidth, int targetHeight, int outputWidth, int outputHeight)
    {
        if (targetWidth <= 0 || targetHeight <= 0) throw new ArgumentOutOfRangeException(nameof(targetWidth), "target size must be positive");
        if (outputWidth <= 0 || outputHeight <= 0) throw new ArgumentOutOfRangeException(nameof(outputWidth), "output size must be positive");
        int dw = targetWidth - outputWidth, dh = targetHeight - outputHeight;
        if (dw is 0 or 1 && dh is 0 or 1) return new PixelRect(dw / 2, dh / 2, outputWidth, outputHeight);

        int cropW, cropH;
        // Compare aspect ratios exactly in integers: target wider than the output -> keep full height.
        if ((long)targetWidth * outputHeight > (long)outputWidth * targetHeight)
        {
            cropH = targetHeight;
            cropW = Math.Clamp((int)Math.Round((double)targetHeight * outputWidth / outputHeight), 1, targetWidth);
        }
        else
        {
            cropW = targetWidth;
            cropH = Math.Clamp((int)Math.Round((double)targetWidth * outputHeight / outputWidth), 1, targetHeight);
        }
        return new PixelRect((targetWidth - cropW) / 2, (targetHeight - cropH) / 2, cropW, cropH);
    }

    /// <summary>The fitted BGR image of exactly <paramref name="outputWidth"/> x <paramref name="outputHeight"/> (a new image).</summary>
    public static Image Fit(Image target, int outputWidth, int outputHeight)
    {
        ArgumentNullException.ThrowIfNull(target);
        var rect = CropRectangle(target.Width, target.Height, outputWidth, outputHeight);
        using Image bgr = target.Channels == 3 ? target.Clone() : target.ToBgr();
        Image cropped = rect.X == 0 && rect.Y == 0 && rect.Width == bgr.Width && rect.Height == bgr.Height
            ? bgr.Clone()
            : Crop(bgr, rect);
        if (cropped.Width == outputWidth && cropped.Height == outputHeight) return cropped;
        using (cropped)
        {
            var interp = cropped.Width >= outputWidth && cropped.Height >= outputHeight ? Interpolation.Area : Interpolation.Cubic;
            return cropped.Resize(outputWidth, outputHeight, interp);
        }
    }

    private static Image Crop(Image bgr, PixelRect r)
    {
        byte[] all = bgr.CopyBytes();
        var dst = new byte[r.Width * r.Height * 3];
        int srcRow = bgr.Width * 3, dstRow = r.Width * 3;
        for (int y = 0; y < r.Height; y++)
            Buffer.BlockCopy(all, (r.Y + y) * srcRow + r.X * 3, dst, y * dstRow, dstRow);
        return Image.FromBgr(dst, r.Width, r.Height);
    }
}
