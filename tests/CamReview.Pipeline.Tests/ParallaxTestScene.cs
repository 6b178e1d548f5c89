using CamReview.Core;
using CamReview.Pipeline.Render;
using CamReview.Vision;

namespace CamReview.Pipeline.Tests;

/// <summary>
/// Known truth for the parallax tests: textured fronto-parallel planes (a background at Z = 10, a rectangle at Z = 5,
/// a smaller one at Z = 2) seen by pinhole cameras with the default 60° intrinsics, rendered by an independent ray
/// caster (per pixel: nearest plane hit along the ray, colour from a smooth procedural texture in world X, Y).
/// </summary>
internal sealed class ParallaxTestScene
{
    private readonly record struct Plane(double Z, double X0, double X1, double Y0, double Y1, int Id);

    private static readonly Plane[] Planes =
    [
        new(2, 0.05, 0.55, -0.45, 0.25, 2),
        new(5, -1.3, 0.5, -0.9, 1.1, 1),
        new(10, double.NegativeInfinity, double.PositiveInfinity, double.NegativeInfinity, double.PositiveInfinity, 0),
    ];

    public ParallaxTestScene(int width, int height)
    {
        Width = width;
        Height = height;
        K = Intrinsics.FromHorizontalFov(width, height);
    }

    public int Width { get; }
    public int Height { get; }
    public Intrinsics K { get; }

    /// <summary>Texture period in pixels as seen from camera 0.</summary>
    private const double PeriodPx = 26;

    private (byte B, byte G, byte R) Texture(int id, double x, double y, double z)
    {
        double s = K.Fx / z / PeriodPx * 2 * Math.PI; // radians per world unit
        double a = Math.Sin(s * x + id * 1.3), b = Math.Cos(s * 0.8 * y - id * 0.7), c = Math.Sin(s * 0.6 * (x + y) + id);
        double baseLevel = 70 + 50 * id;
        return ((byte)Math.Round(baseLevel + 35 * a), (byte)Math.Round(120 + 40 * b * (id == 1 ? -1 : 1)), (byte)Math.Round(200 - 40 * id + 30 * c));
    }

    /// <summary>Nearest hit of the ray from centre <paramref name="c"/> along direction <paramref name="d"/> (camera-0 axes).</summary>
    private (Plane Plane, double X, double Y)? Hit(Vec3 c, Vec3 d)
    {
        foreach (var p in Planes) // sorted near to far
        {
            if (!(d.Z > 0)) return null;
            double t = (p.Z - c.Z) / d.Z;
            if (!(t > 0)) continue;
            double x = c.X + t * d.X, y = c.Y + t * d.Y;
            if (x >= p.X0 && x <= p.X1 && y >= p.Y0 && y <= p.Y1) return (p, x, y);
        }
        return null;
    }

    /// <summary>Ray-cast view of a camera with identity orientation at centre <paramref name="centre"/>: BGR, depth (Z of camera 0 axes) and plane id per pixel.</summary>
    public (byte[] Bgr, float[] Depth, int[] Id) Render(Vec3 centre)
    {
        var bgr = new byte[Width * Height * 3];
        var depth = new float[Width * Height];
        var id = new int[Width * Height];
        for (int y = 0; y < Height; y++)
        for (int x = 0; x < Width; x++)
        {
            var d = new Vec3((x + 0.5 - K.Cx) / K.Fx, (y + 0.5 - K.Cy) / K.Fy, 1);
            var hit = Hit(centre, d)!.Value;
            var (b, g, r) = Texture(hit.Plane.Id, hit.X, hit.Y, hit.Plane.Z);
            int k = y * Width + x;
            bgr[3 * k] = b; bgr[3 * k + 1] = g; bgr[3 * k + 2] = r;
            depth[k] = (float)(hit.Plane.Z - centre.Z);
            id[k] = hit.Plane.Id;
        }
        return (bgr, depth, id);
    }

    /// <summary>
    /// Pixels of the view from <paramref name="centre"/> whose surface point is visible from camera 0 (same plane hit
    /// there, inside the frame with a margin) and that are at least <paramref name="edge"/> pixels away from a plane
    /// boundary in both views: where a correct parallax render must reproduce the ray-cast colour.
    /// </summary>
    public bool[] ValidMask(Vec3 centre, int edge = 2)
    {
        var (_, _, idView) = Render(centre);
        var (_, _, id0) = Render(Vec3.Zero);
        var valid = new bool[Width * Height];
        for (int y = 0; y < Height; y++)
        for (int x = 0; x < Width; x++)
        {
            int k = y * Width + x;
            if (NearEdge(idView, x, y, edge)) continue;
            var d = new Vec3((x + 0.5 - K.Cx) / K.Fx, (y + 0.5 - K.Cy) / K.Fy, 1);
            var hit = Hit(centre, d)!.Value;
            double u = K.Fx * hit.X / hit.Plane.Z + K.Cx, v = K.Fy * hit.Y / hit.Plane.Z + K.Cy;
            int x0 = (int)Math.Floor(u), y0 = (int)Math.Floor(v);
            if (x0 < edge || y0 < edge || x0 >= Width - edge || y0 >= Height - edge) continue;
            if (id0[y0 * Width + x0] != hit.Plane.Id || NearEdge(id0, x0, y0, edge)) continue;
            valid[k] = true;
        }
        return valid;
    }

    private bool NearEdge(int[] id, int x, int y, int r)
    {
        int c = id[y * Width + x];
        for (int dy = -r; dy <= r; dy++)
        for (int dx = -r; dx <= r; dx++)
        {
            int xx = x + dx, yy = y + dy;
            if (xx < 0 || yy < 0 || xx >= Width || yy >= Height) continue;
            if (id[yy * Width + xx] != c) return true;
        }
        return false;
    }

    public static double Psnr(byte[] a, byte[] b, bool[] valid)
    {
        double sse = 0;
        long n = 0;
        for (int k = 0; k < valid.Length; k++)
        {
            if (!valid[k]) continue;
            for (int c = 0; c < 3; c++)
            {
                double d = a[3 * k + c] - b[3 * k + c];
                sse += d * d;
            }
            n += 3;
        }
        Assert.True(n > 0, "no valid pixel to compare");
        double mse = sse / n;
        return mse == 0 ? 99 : 10 * Math.Log10(255.0 * 255.0 / mse);
    }

    /// <summary>Renders through the parallax renderer into a temp folder and returns the PNG frames.</summary>
    public static async Task<(ParallaxRenderResult Result, List<byte[]> Frames)> RenderFramesAsync(string dir, byte[] target, int width, int height,
        Func<ParallaxRenderer, HomographyRenderOptions, Task<ParallaxRenderResult>> render, BorderPolicy border = BorderPolicy.Black)
    {
        Directory.CreateDirectory(dir);
        string targetPath = RenderTestSupport.SavePng(Path.Combine(dir, "target.png"), target, width, height);
        var options = new HomographyRenderOptions
        {
            TargetPath = targetPath,
            OutputPath = Path.Combine(dir, "out.mp4"),
            PngDirectory = Path.Combine(dir, "frames"),
            Border = border,
            Encode = new FfmpegEncodeOptions { Preset = "ultrafast" },
        };
        var result = await render(new ParallaxRenderer(), options);
        var frames = new List<byte[]>();
        for (int i = 0; i < result.Render.Frames; i++)
            frames.Add(RenderTestSupport.LoadPng(Path.Combine(dir, "frames", $"frame_{i:D4}.png")).Bgr);
        return (result, frames);
    }
}
