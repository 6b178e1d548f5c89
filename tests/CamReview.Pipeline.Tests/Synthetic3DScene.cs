using CamReview.Core;
using CamReview.Vision;

namespace CamReview.Pipeline.Tests;

/// <summary>
/// An independent, deliberately simple 3D renderer for camera-path tests: ray-casting per pixel (2x2 supersampled)
/// into a scene of axis-aligned boxes and planes with a procedural blocky texture, through a pinhole camera with
/// K from a horizontal field of view (default 60°, continuous pixel convention: pixel index x covers [x, x+1], its
/// centre is x + 0.5). Camera axes x right, y down, z forward; a pose is (R = camera axes in world coordinates,
/// C = centre); world = camera-0 coordinates for the paths here.
/// <para>Scene (scale 1): a back wall slanted in depth, Z = 8 + 0.4 X (about 6.2..9.8 across the view), a floor at
/// Y = 1.6, and two boxes (Z 3..3.8 and 4.5..5.5). <see cref="Scale"/> multiplies every length (geometry and, by the
/// caller, translations); <see cref="Seed"/> changes the texture pattern (not its scale relative to the scene).</para>
/// </summary>
public sealed class Synthetic3DScene(double scale = 1.0, int seed = 1)
{
    public double Scale { get; } = scale;
    public int Seed { get; } = seed;

    private readonly record struct Box(Vec3 Min, Vec3 Max);

    private Box[] Boxes => [
        new(new Vec3(-1.7, -0.9, 3.0) * Scale, new Vec3(-0.5, 0.7, 3.8) * Scale),
        new(new Vec3(0.7, -0.3, 4.5) * Scale, new Vec3(2.1, 1.1, 5.5) * Scale),
    ];

    /// <summary>Renders BGR bytes and the z-depth (camera coordinates) of every pixel centre.</summary>
    public (byte[] Bgr, double[] Depth) Render(int width, int height, Mat3 rotation, Vec3 centre, double hfovDegrees = 60, double focalScale = 1)
    {
        var k = Intrinsics.FromHorizontalFov(width, height, hfovDegrees).WithFocalScale(focalScale);
        var bgr = new byte[width * height * 3];
        var depth = new double[width * height];
        var boxes = Boxes;
        Parallel.For(0, height, y =>
        {
            for (int x = 0; x < width; x++)
            {
                double sum = 0;
                for (int sy = 0; sy < 2; sy++)
                for (int sx = 0; sx < 2; sx++)
                {
                    var (v, _) = Cast(k, rotation, centre, x + 0.25 + 0.5 * sx, y + 0.25 + 0.5 * sy, boxes);
                    sum += v;
                }
                var (_, z) = Cast(k, rotation, centre, x + 0.5, y + 0.5, boxes);
                byte g = (byte)Math.Clamp(sum / 4, 0, 255);
                int o = (y * width + x) * 3;
                bgr[o] = bgr[o + 1] = bgr[o + 2] = g;
                depth[y * width + x] = z;
            }
        });
        return (bgr, depth);
    }

    /// <summary>Gray value and camera z-depth of the nearest surface along the ray through continuous pixel (px, py).</summary>
    private (double Value, double Depth) Cast(Intrinsics k, Mat3 r, Vec3 c, double px, double py, Box[] boxes)
    {
        var dirCam = new Vec3((px - k.Cx) / k.Fx, (py - k.Cy) / k.Fy, 1); // z-component 1: t below is the camera z-depth
        var d = r * dirCam;
        double best = double.PositiveInfinity;
        Vec3 hit = default;
        int surface = -1, axis = 0;
        // Slanted back wall: Z = 8s + 0.4 X  ->  n = (-0.4, 0, 1), n.p = 8s
        {
            var n = new Vec3(-0.4, 0, 1);
            double den = n.Dot(d);
            if (Math.Abs(den) > 1e-12)
            {
                double t = (8 * Scale - n.Dot(c)) / den;
                if (t > 1e-9 && t < best) { best = t; surface = 0; }
            }
        }
        // Floor: Y = 1.6 s
        if (Math.Abs(d.Y) > 1e-12)
        {
            double t = (1.6 * Scale - c.Y) / d.Y;
            if (t > 1e-9 && t < best) { best = t; surface = 1; }
        }
        for (int b = 0; b < boxes.Length; b++)
        {
            if (RayBox(c, d, boxes[b], out double t, out int ax) && t < best) { best = t; surface = 2 + b; axis = ax; }
        }
        if (surface < 0) return (128, double.PositiveInfinity);
        hit = c + best * d;
        Vec3 q = hit / Scale;
        double u, v;
        switch (surface)
        {
            case 0: u = q.X; v = q.Y; break;
            case 1: u = q.X; v = q.Z; break;
            default:
                (u, v) = axis switch { 0 => (q.Z, q.Y), 1 => (q.X, q.Z), _ => (q.X, q.Y) };
                break;
        }
        return (Texture(u, v, surface), best);
    }

    private static bool RayBox(Vec3 o, Vec3 d, Box b, out double tHit, out int axis)
    {
        double t0 = double.NegativeInfinity, t1 = double.PositiveInfinity;
        axis = -1;
        tHit = 0;
        for (int a = 0; a < 3; a++)
        {
            double oa = a == 0 ? o.X : a == 1 ? o.Y : o.Z;
            double da = a == 0 ? d.X : a == 1 ? d.Y : d.Z;
            double lo = a == 0 ? b.Min.X : a == 1 ? b.Min.Y : b.Min.Z;
            double hi = a == 0 ? b.Max.X : a == 1 ? b.Max.Y : b.Max.Z;
            if (Math.Abs(da) < 1e-15)
            {
                if (oa < lo || oa > hi) return false;
                continue;
            }
            double ta = (lo - oa) / da, tb = (hi - oa) / da;
            if (ta > tb) (ta, tb) = (tb, ta);
            if (ta > t0) { t0 = ta; axis = a; }
            t1 = Math.Min(t1, tb);
            if (t0 > t1) return false;
        }
        if (t0 <= 1e-9) return false;
        tHit = t0;
        return true;
    }

    /// <summary>Blocky multi-scale value noise (cells of 1/3, 1/7 and 1/16 scene units), plus a per-surface offset.</summary>
    private double Texture(double u, double v, int surface)
    {
        double value = 30 + 12 * surface;
        value += 90 * Hash(Math.Floor(u * 3), Math.Floor(v * 3), 1 + surface);
        value += 70 * Hash(Math.Floor(u * 7), Math.Floor(v * 7), 2 + surface);
        value += 50 * Hash(Math.Floor(u * 16), Math.Floor(v * 16), 3 + surface);
        return value;
    }

    private double Hash(double a, double b, int salt)
    {
        unchecked
        {
            long h = (long)a * 73856093L ^ (long)b * 19349663L ^ (long)(salt + 977 * Seed) * 83492791L;
            h ^= h >> 13;
            h *= 0x5bd1e995;
            h ^= h >> 15;
            return (h & 0xFFFF) / 65535.0;
        }
    }

    /// <summary>Writes an H.264 clip of the given poses (near-lossless CRF) and returns the per-frame depth maps.</summary>
    public IReadOnlyList<double[]> WriteClip(string path, int width, int height, IReadOnlyList<(Mat3 R, Vec3 C)> poses, double fps = 24)
    {
        var depths = new List<double[]>();
        using var writer = new FfmpegVideoWriter(path, width, height, fps, new FfmpegEncodeOptions { Crf = 12, Preset = "veryfast" });
        foreach (var (r, c) in poses)
        {
            var (bgr, depth) = Render(width, height, r, c);
            writer.Write(bgr);
            depths.Add(depth);
        }
        writer.Complete();
        return depths;
    }

    /// <summary>Truth parallax of a step of length <paramref name="step"/> from a view with this depth map: step / Zbar (<see cref="SceneDepth"/>).</summary>
    public static double TrueParallax(double[] depth, int width, int height, double step) =>
        step / SceneDepth.GridMedian(depth.Select(z => (float)z).ToArray(), width, height);
}
