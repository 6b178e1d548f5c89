using CamReview.Core;
using CamReview.Vision;

namespace CamReview.Pipeline.Tests;

/// <summary>A textured rectangle in the scene: centre, unit axes along the texture's x and y, half sizes, the photo on it.</summary>
public sealed record TexturedPlane(Vec3 Centre, Vec3 AxisU, Vec3 AxisV, double HalfWidth, double HalfHeight, string Photo);

/// <summary>
/// Posed synthetic clips: real photos (Debian's opencv-doc examples) on planes at known depths, seen by a pinhole
/// camera with known intrinsics along a known path. Each plane is drawn with the homography of its plane for the
/// pose, x ~ K_i R_i^T [U w / tw | V h / th | P0 - C_i] (s, t, 1), far planes first, so every pixel is exact up to
/// the warp's bilinear interpolation. Poses as <see cref="Synthetic3DScene"/>: R = camera axes in scene
/// coordinates, C = centre; the scene is camera-0 coordinates. Also the z-depth of every pixel (for the truth of the
/// parallax numbers).
/// </summary>
public static class PosedPlaneClips
{
    public const int W = 640, H = 360, Frames = 36;
    public const double Focal = 500;
    public const string PhotoFolder = "/usr/share/doc/opencv-doc/examples/data";

    /// <summary>A posed clip: its planes, per-frame poses and focal lengths.</summary>
    public sealed record Spec(string Name, TexturedPlane[] Planes, (Mat3 R, Vec3 C)[] Poses, double[] Focals);

    /// <summary>Three layers: a far wall at depth 10, a middle plane at 6, a near one at 3.5.</summary>
    public static TexturedPlane[] Layers() => [
        new(new Vec3(0, 0, 10), new Vec3(1, 0, 0), new Vec3(0, 1, 0), 16, 10, "graf1.png"),
        new(new Vec3(-1.6, -0.3, 6), new Vec3(1, 0, 0), new Vec3(0, 1, 0), 1.5, 1.2, "fruits.jpg"),
        new(new Vec3(1.2, 0.4, 3.5), new Vec3(0.94, 0, 0.34), new Vec3(0, 1, 0), 0.7, 0.55, "baboon.jpg"),
    ];

    /// <summary>A near plane (depth 2) filling most of the view in front of a far wall (depth 12).</summary>
    public static TexturedPlane[] NearPlaneBeforeWall() => [
        new(new Vec3(0, 0, 12), new Vec3(1, 0, 0), new Vec3(0, 1, 0), 18, 11, "building.jpg"),
        new(new Vec3(-0.35, 0, 2), new Vec3(1, 0, 0), new Vec3(0, 1, 0), 1.2, 0.9, "messi5.jpg"),
    ];

    private static (Mat3, Vec3)[] Along(Func<int, (Mat3, Vec3)> pose) => Enumerable.Range(0, Frames).Select(pose).ToArray();

    private static double[] FixedFocal => Enumerable.Repeat(Focal, Frames).ToArray();

    /// <summary>
    /// The arc of <see cref="Arc"/> as a motion in time (9.6 degrees per second: 0.4 per frame at 24 fps), filmed at
    /// <paramref name="fps"/> for <paramref name="frames"/> frames: the same shot at another frame rate.
    /// </summary>
    public static Spec ArcAt(double fps, int frames) => new($"arc-{fps}fps-{frames}", Layers(), Enumerable.Range(0, frames).Select(i =>
    {
        var r = Rotations.AboutY(9.6 * i / fps);
        var pivot = new Vec3(0, 0, 6);
        return (r, pivot - r * pivot);
    }).ToArray(), Enumerable.Repeat(Focal, frames).ToArray());

    /// <summary>Camera moves to the left while turning right about a point 6 units ahead (0.4 degrees per frame).</summary>
    public static Spec Arc() => new("arc", Layers(), Along(i =>
    {
        var r = Rotations.AboutY(0.4 * i);
        var pivot = new Vec3(0, 0, 6);
        return (r, pivot - r * pivot);
    }), FixedFocal);

    /// <summary>Forward 0.05 per frame with a slow pan right (0.15 degrees per frame).</summary>
    public static Spec DollyPan() => new("dolly-pan", Layers(), Along(i => (Rotations.AboutY(0.15 * i), new Vec3(0, 0, 0.05 * i))), FixedFocal);

    /// <summary>Up 0.03 per frame while tilting down (0.15 degrees per frame).</summary>
    public static Spec CraneTilt() => new("crane-tilt", Layers(), Along(i => (Rotations.AboutX(-0.15 * i), new Vec3(0, -0.03 * i, 0))), FixedFocal);

    /// <summary>Small smooth shakes: rotations of a few tenths of a degree, translations of about 0.02.</summary>
    public static Spec Handheld() => new("handheld", Layers(), Along(i => (
        Rotations.AboutY(0.4 * Math.Sin(0.4 * i)) * Rotations.AboutX(0.25 * Math.Sin(0.55 * i + 1)) * Rotations.AboutZ(0.15 * Math.Sin(0.35 * i)),
        new Vec3(0.03 * Math.Sin(0.5 * i), 0.02 * (Math.Cos(0.45 * i) - 1), 0.02 * Math.Sin(0.3 * i)))), FixedFocal);

    /// <summary>A pan right (0.4 degrees per frame) with a slight tilt up, about the camera centre.</summary>
    public static Spec Rotation() => new("rotation", Layers(), Along(i => (Rotations.AboutY(0.4 * i) * Rotations.AboutX(0.1 * i), Vec3.Zero)), FixedFocal);

    /// <summary>A zoom in by 1% per frame, camera still.</summary>
    public static Spec Zoom() => new("zoom", Layers(), Along(_ => (Mat3.Identity, Vec3.Zero)),
        Enumerable.Range(0, Frames).Select(i => Focal * Math.Pow(1.01, i)).ToArray());

    /// <summary>A sideways truck (0.01 per frame) past a near plane that holds most of the picture.</summary>
    public static Spec NearPlaneTruck() => new("near-plane", NearPlaneBeforeWall(), Along(i => (Mat3.Identity, new Vec3(0.01 * i, 0, 0))), FixedFocal);

    /// <summary>Intrinsics of frame i (continuous pixel convention).</summary>
    public static Intrinsics K(Spec spec, int i) => new(spec.Focals[i], spec.Focals[i], W / 2.0, H / 2.0);

    /// <summary>Renders frame i: BGR bytes and the z-depth of every pixel centre (infinity where no plane is).</summary>
    public static (byte[] Bgr, double[] Depth) Render(Spec spec, int i, Func<string, Image> photo)
    {
        var (r, c) = spec.Poses[i];
        var k = K(spec, i);
        Mat3 rt = r.Transpose();
        // OpenCV's pixel convention on both sides: index + 0.5 is the continuous coordinate.
        Mat3 kcv = new(k.Fx, 0, k.Cx - 0.5, 0, k.Fy, k.Cy - 0.5, 0, 0, 1);
        var outBgr = new double[W * H * 3];
        var depth = Enumerable.Repeat(double.PositiveInfinity, W * H).ToArray();
        var order = spec.Planes.OrderByDescending(p => (rt * (p.Centre - c)).Z).ToArray();
        foreach (var plane in order)
        {
            var tex = photo(plane.Photo);
            Vec3 u = plane.AxisU * (2 * plane.HalfWidth / tex.Width), v = plane.AxisV * (2 * plane.HalfHeight / tex.Height);
            Vec3 origin = plane.Centre - plane.AxisU * plane.HalfWidth - plane.AxisV * plane.HalfHeight + (u + v) * 0.5;
            Vec3 cu = rt * u, cv = rt * v, co = rt * (origin - c);
            Mat3 h = kcv * new Mat3(cu.X, cv.X, co.X, cu.Y, cv.Y, co.Y, cu.Z, cv.Z, co.Z);
            using var warped = tex.WarpPerspective(h.ToArray(), W, H);
            using var ones = Image.Filled(tex.Width, tex.Height, 1, 255);
            using var alpha = ones.WarpPerspective(h.ToArray(), W, H);
            byte[] wb = warped.CopyBytes(), ab = alpha.CopyBytes();
            Vec3 n = rt * plane.AxisU.Cross(plane.AxisV);
            double d = n.Dot(rt * (plane.Centre - c));
            for (int p = 0; p < W * H; p++)
            {
                double a = ab[p] / 255.0;
                if (a == 0) continue;
                // The warp premultiplies the edge with the black border: out = out (1 - a) + warped.
                for (int ch = 0; ch < 3; ch++) outBgr[p * 3 + ch] = outBgr[p * 3 + ch] * (1 - a) + wb[p * 3 + ch];
                if (a >= 0.5)
                {
                    var ray = new Vec3((p % W + 0.5 - k.Cx) / k.Fx, (p / W + 0.5 - k.Cy) / k.Fy, 1);
                    depth[p] = d / n.Dot(ray);
                }
            }
        }
        return (outBgr.Select(x => (byte)Math.Clamp(Math.Round(x), 0, 255)).ToArray(), depth);
    }

    /// <summary>Loads the photos (opencv-doc must be installed: scripts/setup.sh does it).</summary>
    public static Func<string, Image> PhotoLoader(Dictionary<string, Image> cache) => name =>
    {
        lock (cache)
        {
            if (cache.TryGetValue(name, out var img)) return img;
            string path = Path.Combine(PhotoFolder, name);
            if (!File.Exists(path)) throw new FileNotFoundException($"test photo {path} is missing: install Debian's opencv-doc (scripts/setup.sh)", path);
            return cache[name] = Image.Load(path);
        }
    };

    /// <summary>Writes the clip (every pose of the spec) as H.264 (near-lossless CRF 12) at <paramref name="fps"/> and returns every frame's depth map.</summary>
    public static IReadOnlyList<double[]> Write(Spec spec, string path, Func<string, Image> photo, double fps = 24)
    {
        var depths = new List<double[]>();
        using var writer = new FfmpegVideoWriter(path, W, H, fps, new FfmpegEncodeOptions { Crf = 12, Preset = "veryfast" });
        for (int i = 0; i < spec.Poses.Length; i++)
        {
            var (bgr, depth) = Render(spec, i, photo);
            writer.Write(bgr);
            depths.Add(depth);
        }
        writer.Complete();
        return depths;
    }
}
