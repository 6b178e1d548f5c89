namespace CamReview.Vision.Tests;

public class ImageTests
{
    [Fact]
    public void Png_round_trip_is_byte_identical_for_bgr_and_gray()
    {
        using var dir = new TempDir();
        byte[] bgr = Procedural.GradientBgr(301, 199); // odd sizes: catches row-stride mistakes
        using (Image img = Image.FromBgr(bgr, 301, 199))
        {
            Assert.Equal((301, 199, 3), (img.Width, img.Height, img.Channels));
            Assert.Equal(bgr, img.CopyBytes());
            img.Save(dir.File("c.png"));
        }
        using (Image back = Image.Load(dir.File("c.png")))
        {
            Assert.Equal((301, 199, 3), (back.Width, back.Height, back.Channels));
            Assert.Equal(bgr, back.CopyBytes());
        }

        byte[] gray = Enumerable.Range(0, 64 * 33).Select(i => (byte)(i * 31 % 251)).ToArray();
        using (Image g = Image.FromGray(gray, 64, 33)) g.Save(dir.File("g.png"));
        using Image gBack = Image.Load(dir.File("g.png"), ImageLoadMode.Grayscale);
        Assert.Equal(1, gBack.Channels);
        Assert.Equal(gray, gBack.CopyBytes());
    }

    [Fact]
    public void Pixel_layout_is_bgr_row_major()
    {
        byte[] bgr = Procedural.GradientBgr(20, 10);
        using Image img = Image.FromBgr(bgr, 20, 10);
        using Image gray = img.ToGray();
        byte[] g = gray.CopyBytes();
        // Pixel (x=5, y=3): B=5, G=3, R=5*7+3*13=74 → OpenCV gray = 0.114B + 0.587G + 0.299R ≈ 24.5
        Assert.InRange(g[3 * 20 + 5], 24, 25);
    }

    [Fact]
    public void Loading_a_missing_file_names_the_file()
    {
        string path = Path.Combine(Path.GetTempPath(), "definitely-missing-" + Guid.NewGuid() + ".png");
        var ex = Assert.Throws<VisionException>(() => Image.Load(path));
        Assert.Contains(path, ex.Message);
        Assert.Contains("not found", ex.Message);
    }

    [Fact]
    public void Loading_random_bytes_named_png_fails_clearly()
    {
        using var dir = new TempDir();
        string path = dir.File("corrupt.png");
        var bytes = new byte[4096];
        new Random(7).NextBytes(bytes);
        File.WriteAllBytes(path, bytes);
        var ex = Assert.Throws<VisionException>(() => Image.Load(path));
        Assert.Contains(path, ex.Message);
        Assert.Contains("could not decode", ex.Message);
    }

    [Fact]
    public void Loading_a_truncated_png_fails_clearly()
    {
        using var dir = new TempDir();
        string path = dir.File("cut.png");
        using (Image img = Image.FromBgr(Procedural.TexturedBgr(200, 150, 1), 200, 150)) img.Save(path);
        byte[] full = File.ReadAllBytes(path);
        File.WriteAllBytes(path, full[..(full.Length / 3)]);
        var ex = Assert.Throws<VisionException>(() => Image.Load(path));
        Assert.Contains(path, ex.Message);
    }

    [Fact]
    public void OpenCV_errors_surface_with_OpenCVs_message()
    {
        using Image img = Image.Filled(32, 24, 3, 100);
        var resize = Assert.Throws<VisionException>(() => img.Resize(0, 0));
        Assert.True(resize.FromOpenCv);
        Assert.Contains("Could not resize 32x24 image to 0x0", resize.Message);
        Assert.Contains("OpenCV(", resize.Message);
        Assert.Contains("Assertion failed", resize.Message);
        Assert.Contains("in function 'resize'", resize.Message);

        double[] identity = [1, 0, 0, 0, 1, 0, 0, 0, 1];
        Assert.Throws<ArgumentOutOfRangeException>(() => img.WarpPerspective(identity, -5, 10));

        using Image wrongMask = Image.Filled(10, 10, 1, 255);
        var inpaint = Assert.Throws<VisionException>(() => img.Inpaint(wrongMask));
        Assert.True(inpaint.FromOpenCv);
        Assert.Contains("Could not inpaint image: OpenCV(", inpaint.Message);

        using var dir = new TempDir();
        var save = Assert.Throws<VisionException>(() => img.Save(dir.File("x.unknownext")));
        Assert.Contains("could not find a writer", save.Message);
    }

    [Fact]
    public void Byte_length_and_shape_are_validated()
    {
        Assert.Throws<ArgumentException>(() => Image.FromBgr(new byte[10], 2, 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Image.FromGray([], 0, 0));
    }

    [Fact]
    public void Resize_and_gray_conversion_produce_expected_shapes()
    {
        using Image img = Image.FromBgr(Procedural.TexturedBgr(64, 48, 3), 64, 48);
        using Image small = img.Resize(32, 24, Interpolation.Area);
        Assert.Equal((32, 24, 3), (small.Width, small.Height, small.Channels));
        using Image gray = small.ToGray();
        Assert.Equal(1, gray.Channels);
        using Image bgr = gray.ToBgr();
        Assert.Equal(3, bgr.Channels);
        byte[] b = bgr.CopyBytes();
        Assert.Equal(b[0], b[1]);
        Assert.Equal(b[1], b[2]);
    }

    [Fact]
    public void Warp_by_translation_moves_pixels_and_reports_validity()
    {
        using Image img = Image.FromBgr(Procedural.TexturedBgr(80, 60, 5), 80, 60);
        double[] shift = [1, 0, 10, 0, 1, 5, 0, 0, 1]; // +10 px right, +5 px down
        using Image warped = img.WarpPerspective(shift, 80, 60, BorderMode.Constant, out Image mask);
        using (mask)
        {
            byte[] src = img.CopyBytes(), dst = warped.CopyBytes(), m = mask.CopyBytes();
            Assert.Equal(src[(20 * 80 + 30) * 3], dst[(25 * 80 + 40) * 3]);
            Assert.Equal(0, dst[(2 * 80 + 2) * 3]); // black border
            Assert.Equal(0, m[2 * 80 + 2]);
            Assert.Equal(255, m[25 * 80 + 40]);
            Assert.Equal(255, m[5 * 80 + 10]); // first fully covered pixel (integer shift: no blending)
            Assert.Equal(0, m[4 * 80 + 10]);
        }

        using Image reflected = img.WarpPerspective(shift, 80, 60, BorderMode.Reflect);
        Assert.NotEqual(0, reflected.CopyBytes().Take(3 * 80 * 4).Max());
    }

    [Fact]
    public void Inpaint_fills_masked_pixels_from_surroundings()
    {
        using Image img = Image.Filled(40, 40, 3, 120);
        byte[] maskBytes = new byte[40 * 40];
        byte[] px = img.CopyBytes();
        for (int y = 15; y < 25; y++)
        for (int x = 15; x < 25; x++)
        {
            maskBytes[y * 40 + x] = 255;
            px[(y * 40 + x) * 3] = px[(y * 40 + x) * 3 + 1] = px[(y * 40 + x) * 3 + 2] = 0; // a black hole
        }
        using Image holed = Image.FromBgr(px, 40, 40);
        using Image mask = Image.FromGray(maskBytes, 40, 40);
        using Image filled = holed.Inpaint(mask, 3);
        Assert.All(filled.CopyBytes(), b => Assert.InRange(b, 110, 130));
    }

    [Fact]
    public void Mean_abs_diff_gray_measures_brightness_change()
    {
        using Image a = Image.Filled(16, 16, 3, 100);
        using Image b = Image.Filled(16, 16, 3, 110);
        Assert.Equal(10, Image.MeanAbsDiffGray(a, b), 3);
        Assert.Equal(0, Image.MeanAbsDiffGray(a, a));
        using Image c = Image.Filled(8, 16, 3, 0);
        Assert.Throws<ArgumentException>(() => Image.MeanAbsDiffGray(a, c));
    }

    [Fact]
    public void Clone_is_independent_and_disposed_images_throw()
    {
        Image img = Image.Filled(4, 4, 1, 9);
        using Image copy = img.Clone();
        img.Dispose();
        Assert.Throws<ObjectDisposedException>(() => img.CopyBytes());
        Assert.All(copy.CopyBytes(), b => Assert.Equal(9, b));
    }
}
