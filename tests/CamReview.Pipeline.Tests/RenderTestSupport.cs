using CamReview.Core;
using CamReview.Vision;

namespace CamReview.Pipeline.Tests;

/// <summary>Procedural targets, an independent reference warp and small measuring tools for the Render* tests.</summary>
internal static class RenderTestSupport
{
    /// <summary>
    /// Smooth colour texture (BGR): sums of long-period sines, every channel within [38, 218] so it has no black
    /// pixel, and smooth enough that bilinear implementations agree to well under a grey level.
    /// </summary>
    public static byte[] Texture(int width, int height)
    {
        var bgr = new byte[width * height * 3];
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
        {
            int o = 3 * (y * width + x);
            for (int c = 0; c < 3; c++)
            {
                double v = 128
                    + 50 * Math.Sin(2 * Math.PI * (x / (23.0 + 4 * c) + y / (31.0 - 3 * c)) + c)
                    + 40 * Math.Cos(2 * Math.PI * (x / (37.0 - 5 * c) - y / (19.0 + 2 * c)));
                bgr[o + c] = (byte)Math.Round(v);
            }
        }
        return bgr;
    }

    /// <summary>A dark, low-contrast background (values 20..50) with bright Gaussian blobs (peak ~250) at the given continuous positions.</summary>
    public static byte[] MarkerTarget(int width, int height, params (double X, double Y)[] markers)
    {
        var bgr = new byte[width * height * 3];
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
        {
            double v = 35 + 15 * Math.Sin(x / 7.0) * Math.Cos(y / 9.0);
            foreach (var (mx, my) in markers)
            {
                double dx = x + 0.5 - mx, dy = y + 0.5 - my;
                v += 215 * Math.Exp(-(dx * dx + dy * dy) / (2 * 2.0 * 2.0));
            }
            byte b = (byte)Math.Clamp(Math.Round(v), 0, 255);
            int o = 3 * (y * width + x);
            bgr[o] = bgr[o + 1] = bgr[o + 2] = b;
        }
        return bgr;
    }

    public static string SavePng(string path, byte[] bgr, int width, int height)
    {
        using var img = Image.FromBgr(bgr, width, height);
        img.Save(path);
        return path;
    }

    public static (byte[] Bgr, int Width, int Height) LoadPng(string path)
    {
        using var img = Image.Load(path);
        return (img.CopyBytes(), img.Width, img.Height);
    }

    /// <summary>
    /// Independent reference warp: out(p) = src(H^-1 p) with H a pixel homography in the continuous convention
    /// (pixel (i, j) centred at (i + 0.5, j + 0.5)), bilinear. Valid[i] is true where all four taps are inside
    /// the source with a margin of <paramref name="margin"/> pixels (a negative margin widens the set; values are
    /// only computed inside the source); Expected is 0 elsewhere.
    /// </summary>
    public static (double[] Expected, bool[] Valid) ReferenceWarp(byte[] src, int width, int height, Mat3 h, double margin)
    {
        var inv = h.Inverse();
        var expected = new double[width * height * 3];
        var valid = new bool[width * height];
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
        {
            var q = inv.Transform(x + 0.5, y + 0.5);
            double sx = q.X - 0.5, sy = q.Y - 0.5;
            if (!(sx >= margin && sy >= margin && sx <= width - 1 - margin && sy <= height - 1 - margin)) continue;
            valid[y * width + x] = true;
            if (!(sx >= 0 && sy >= 0 && sx <= width - 1 && sy <= height - 1)) continue; // (negative margin) no value
            int x0 = Math.Min((int)Math.Floor(sx), width - 2), y0 = Math.Min((int)Math.Floor(sy), height - 2);
            double fx = sx - x0, fy = sy - y0;
            for (int c = 0; c < 3; c++)
            {
                double a = src[3 * (y0 * width + x0) + c], b = src[3 * (y0 * width + x0 + 1) + c];
                double d = src[3 * ((y0 + 1) * width + x0) + c], e = src[3 * ((y0 + 1) * width + x0 + 1) + c];
                expected[3 * (y * width + x) + c] = (1 - fy) * ((1 - fx) * a + fx * b) + fy * ((1 - fx) * d + fx * e);
            }
        }
        return (expected, valid);
    }

    /// <summary>Intensity-weighted centroid (continuous convention) of pixels brighter than <paramref name="threshold"/> within a window.</summary>
    public static (double X, double Y) BrightCentroid(byte[] bgr, int width, int height, int threshold = 120,
        double? nearX = null, double? nearY = null, double radius = double.PositiveInfinity)
    {
        double sw = 0, sx = 0, sy = 0;
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
        {
            if (nearX is double nx && nearY is double ny && Math.Abs(x + 0.5 - nx) + Math.Abs(y + 0.5 - ny) > radius) continue;
            int v = bgr[3 * (y * width + x) + 1];
            if (v < threshold) continue;
            double w = v - threshold;
            sw += w; sx += w * (x + 0.5); sy += w * (y + 0.5);
        }
        if (sw == 0) throw new InvalidOperationException("no bright pixels found");
        return (sx / sw, sy / sw);
    }

    public static string[] PngFrames(string dir) =>
        Directory.GetFiles(dir, "frame_*.png").OrderBy(f => f, StringComparer.Ordinal).ToArray();

    public static (string Stdout, int ExitCode) Run(string file, params string[] args)
    {
        var psi = new System.Diagnostics.ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = System.Diagnostics.Process.Start(psi)!;
        string stdout = p.StandardOutput.ReadToEnd();
        p.StandardError.ReadToEnd();
        p.WaitForExit();
        return (stdout, p.ExitCode);
    }
}

/// <summary>A scratch directory, deleted on dispose.</summary>
internal sealed class RenderTempDir : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"camreview-render-{Guid.NewGuid():N}");

    public RenderTempDir() => Directory.CreateDirectory(Path);

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); } catch (IOException) { }
    }
}

/// <summary>Synchronous IProgress (Progress&lt;T&gt; posts asynchronously, which makes tests racy).</summary>
internal sealed class RenderSyncProgress<T>(Action<T> onReport) : IProgress<T>
{
    public void Report(T value) => onReport(value);
}
