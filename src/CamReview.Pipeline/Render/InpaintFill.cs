using CamReview.Vision;

namespace CamReview.Pipeline.Render;

/// <summary>
/// The <see cref="BorderPolicy.Inpaint"/> fill: Telea inpainting at reduced resolution, composited under the
/// valid pixels. Steps for one warped frame (W x H BGR) with its invalid mask:
/// <list type="number">
/// <item>shrink the frame by area averaging to at most <c>maxSide</c> on its longer side;</item>
/// <item>mark every small pixel whose footprint touches an invalid full-resolution pixel, dilated by one small
/// pixel (so neither the area average nor the later bilinear enlargement can carry black from the holes);</item>
/// <item>inpaint the marked small pixels (cv::inpaint, Telea), enlarge the result bilinearly to W x H;</item>
/// <item>replace only the invalid full-resolution pixels with it (valid pixels are kept bit-exact).</item>
/// </list>
/// Cost: one small inpaint and two resizes per frame, independent of how big the holes are at full resolution.
/// </summary>
internal sealed class InpaintFill
{
    private readonly int _width, _height, _smallWidth, _smallHeight;
    private readonly double _radius;

    public InpaintFill(int width, int height, int maxSide, double radius)
    {
        if (maxSide < 8) throw new ArgumentOutOfRangeException(nameof(maxSide), maxSide, "inpaint resolution must be at least 8 pixels");
        if (!(radius > 0)) throw new ArgumentOutOfRangeException(nameof(radius), radius, "inpaint radius must be positive");
        (_width, _height, _radius) = (width, height, radius);
        double f = Math.Min(1.0, (double)maxSide / Math.Max(width, height));
        _smallWidth = Math.Max(1, (int)Math.Round(width * f));
        _smallHeight = Math.Max(1, (int)Math.Round(height * f));
    }

    /// <summary>
    /// Fills the invalid pixels of <paramref name="frame"/> (packed BGR, also the output) in place.
    /// <paramref name="warped"/> is the same frame as a native image; <paramref name="scratch"/> holds W*H*3 bytes.
    /// </summary>
    public void Apply(Image warped, Span<byte> frame, ReadOnlySpan<byte> invalid, Span<byte> scratch)
    {
        int sw = _smallWidth, sh = _smallHeight, w = _width, h = _height;
        var marks = new byte[sw * sh];
        // Which small pixel each full-resolution column/row falls in.
        for (int y = 0; y < h; y++)
        {
            int sy = Math.Min(sh - 1, (int)((long)y * sh / h));
            int row = y * w;
            for (int x = 0; x < w; x++)
            {
                if (invalid[row + x] == 0) continue;
                marks[sy * sw + Math.Min(sw - 1, (int)((long)x * sw / w))] = 255;
            }
        }
        var dilated = new byte[sw * sh];
        for (int y = 0; y < sh; y++)
        for (int x = 0; x < sw; x++)
        {
            if (marks[y * sw + x] == 0) continue;
            for (int dy = -1; dy <= 1; dy++)
            {
                int yy = y + dy;
                if ((uint)yy >= (uint)sh) continue;
                for (int dx = -1; dx <= 1; dx++)
                {
                    int xx = x + dx;
                    if ((uint)xx < (uint)sw) dilated[yy * sw + xx] = 255;
                }
            }
        }

        using Image small = sw == w && sh == h ? warped.Clone() : warped.Resize(sw, sh, Interpolation.Area);
        using Image mask = Image.FromGray(dilated, sw, sh);
        using Image filled = small.Inpaint(mask, _radius);
        using Image up = sw == w && sh == h ? filled.Clone() : filled.Resize(w, h, Interpolation.Linear);
        up.CopyTo(scratch);
        for (int i = 0, n = w * h; i < n; i++)
        {
            if (invalid[i] == 0) continue;
            int o = 3 * i;
            frame[o] = scratch[o];
            frame[o + 1] = scratch[o + 1];
            frame[o + 2] = scratch[o + 2];
        }
    }
}
