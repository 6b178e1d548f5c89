using System.Collections.Concurrent;
using CamReview.Core;
using CamReview.Vision;

namespace CamReview.Pipeline.Tests;

/// <summary>
/// Synthetic test clips with KNOWN camera motion (shared helper; keep the public surface stable).
/// <para>
/// A large procedural texture (<see cref="TextureWidth"/> x <see cref="TextureHeight"/>, fixed seed: smooth
/// colour noise under thousands of ellipses and rectangles of log-uniform sizes and random colours) is viewed
/// through a virtual camera. The motion is given in NORMALIZED coordinates (see
/// <see cref="NormalizedCoordinates"/>) as the consecutive content homographies G_i (content at u in frame i is
/// at G_i u in frame i+1), so the same motion renders at any resolution of the same aspect ratio.
/// </para>
/// <para>
/// Frame i shows the texture warped by P_i = M^-1 C_i B^-1 where C_i = G_{i-1} ... G_0 (cumulative, C_0 = I),
/// B maps frame-0 normalized coordinates to texture pixels (<see cref="SyntheticClipSpec.TexturePixelsPerUnit"/>
/// texture pixels per normalized unit, centred on the texture), and M maps OpenCV pixel indices to normalized
/// coordinates (u = (x + 0.5 - W/2) / s). The true pixel homography of pair i is therefore exactly
/// M^-1 G_i M (<see cref="NormalizedToPixel"/>), in the OpenCV pixel convention the analyzer reports. Every
/// frame must lie inside the texture (no border ever enters the view); <see cref="Render"/> throws otherwise.
/// </para>
/// Clips are H.264 MP4 (FfmpegVideoWriter, yuv420p) and may contain black frames, a hard cut to another texture,
/// or a textured blob sliding over a static background.
/// </summary>
public static class SyntheticClips
{
    public const int TextureWidth = 1600;
    public const int TextureHeight = 1200;

    // ---------- motions (normalized content homographies, per frame pair) ----------

    /// <summary>Content shift by (dx, dy) normalized units per pair. A camera panning RIGHT shifts content LEFT: dx &lt; 0.</summary>
    public static Mat3 Shift(double dx, double dy = 0) => Mat3.Translation(dx, dy);

    /// <summary>Content magnification about the centre per pair (&gt; 1 = zoom in).</summary>
    public static Mat3 Zoom(double factor) => Mat3.Scaling(factor, factor);

    /// <summary>Content rotation about the centre per pair, degrees (+ = clockwise on screen).</summary>
    public static Mat3 Roll(double degrees) => Mat3.Rotation2D(degrees);

    /// <summary>Pure perspective terms [[1,0,0],[0,1,0],[px,py,1]] (a small yaw/pitch-like keystone).</summary>
    public static Mat3 Perspective(double px, double py) => new(1, 0, 0, 0, 1, 0, px, py, 1);

    /// <summary>The same per-pair motion for every pair of a clip of <paramref name="frames"/> frames.</summary>
    public static IReadOnlyList<Mat3> Constant(Mat3 perPair, int frames) => Enumerable.Repeat(perPair, frames - 1).ToArray();

    /// <summary>Pixel shift at a frame width converted to normalized units (s = max(W, H) / 2).</summary>
    public static double PixelsToNormalized(double pixels, int width, int height) => pixels / NormalizedCoordinates.Scale(width, height);

    // ---------- coordinates ----------

    /// <summary>OpenCV pixel index -&gt; normalized: u = (x + 0.5 - W/2) / s.</summary>
    public static Mat3 PixelToNormalizedMatrix(int width, int height) =>
        NormalizedCoordinates.Matrix(width, height) * Mat3.Translation(0.5, 0.5);

    /// <summary>A normalized homography as a pixel homography of a W x H frame in OpenCV's pixel convention, [2,2] = 1.</summary>
    public static Mat3 NormalizedToPixel(Mat3 normalized, int width, int height)
    {
        var m = PixelToNormalizedMatrix(width, height);
        return (m.Inverse() * normalized * m).ScaledToUnitCorner();
    }

    /// <summary>Largest distance between where two homographies send the four frame corners (pixel centres of the corner pixels).</summary>
    public static double MaxCornerError(Mat3 estimate, Mat3 truth, int width, int height)
    {
        Span<Point2> corners = [new(0, 0), new(width - 1, 0), new(width - 1, height - 1), new(0, height - 1)];
        double worst = 0;
        foreach (var c in corners)
        {
            var a = estimate.Transform(c);
            var b = truth.Transform(c);
            worst = Math.Max(worst, Math.Sqrt((a.X - b.X) * (a.X - b.X) + (a.Y - b.Y) * (a.Y - b.Y)));
        }
        return worst;
    }

    // ---------- texture ----------

    private static readonly ConcurrentDictionary<int, Lazy<byte[]>> Textures = new();

    /// <summary>The procedural texture for a seed, packed BGR (cached; do not modify the array).</summary>
    public static byte[] TextureBgr(int seed) =>
        Textures.GetOrAdd(seed, s => new Lazy<byte[]>(() => MakeTexture(s))).Value;

    /// <summary>The texture as an Image (a new native image; the caller disposes it).</summary>
    public static Image Texture(int seed) => Image.FromBgr(TextureBgr(seed), TextureWidth, TextureHeight);

    private static byte[] MakeTexture(int seed)
    {
        const int w = TextureWidth, h = TextureHeight;
        var rng = new Random(seed);
        var px = new byte[w * h * 3];

        // Smooth colour noise (bilinear value noise, two octaves) so no region is flat.
        for (int octave = 0; octave < 2; octave++)
        {
            int cell = octave == 0 ? 96 : 24;
            double amp = octave == 0 ? 110 : 40;
            int gw = w / cell + 2, gh = h / cell + 2;
            var grid = new double[gw * gh * 3];
            for (int i = 0; i < grid.Length; i++) grid[i] = rng.NextDouble() * amp;
            for (int y = 0; y < h; y++)
            {
                double fy = (double)y / cell;
                int gy = (int)fy;
                double ty = fy - gy;
                for (int x = 0; x < w; x++)
                {
                    double fx = (double)x / cell;
                    int gx = (int)fx;
                    double tx = fx - gx;
                    for (int c = 0; c < 3; c++)
                    {
                        double v00 = grid[((gy * gw) + gx) * 3 + c], v10 = grid[((gy * gw) + gx + 1) * 3 + c];
                        double v01 = grid[(((gy + 1) * gw) + gx) * 3 + c], v11 = grid[(((gy + 1) * gw) + gx + 1) * 3 + c];
                        double v = (v00 * (1 - tx) + v10 * tx) * (1 - ty) + (v01 * (1 - tx) + v11 * tx) * ty;
                        int i = (y * w + x) * 3 + c;
                        px[i] = (byte)Math.Clamp(px[i] + v, 0, 255);
                    }
                }
            }
        }

        // Shapes: biggest first so small detail lands on top. Sizes log-uniform in [3, 110] px.
        int shapes = 2600;
        var sizes = new double[shapes];
        for (int i = 0; i < shapes; i++) sizes[i] = 3 * Math.Exp(rng.NextDouble() * Math.Log(110.0 / 3));
        Array.Sort(sizes);
        Array.Reverse(sizes);
        foreach (double size in sizes)
        {
            double cx = rng.NextDouble() * w, cy = rng.NextDouble() * h;
            double a = size, b = size * (0.3 + 0.7 * rng.NextDouble());
            double angle = rng.NextDouble() * Math.PI;
            byte cb = (byte)rng.Next(256), cg = (byte)rng.Next(256), cr = (byte)rng.Next(256);
            bool ellipse = rng.Next(2) == 0;
            double cos = Math.Cos(angle), sin = Math.Sin(angle);
            int r = (int)Math.Ceiling(a) + 1;
            for (int y = Math.Max(0, (int)cy - r); y < Math.Min(h, (int)cy + r + 1); y++)
            for (int x = Math.Max(0, (int)cx - r); x < Math.Min(w, (int)cx + r + 1); x++)
            {
                double dx = x - cx, dy = y - cy;
                double u = (dx * cos + dy * sin) / a, v = (-dx * sin + dy * cos) / b;
                bool inside = ellipse ? u * u + v * v <= 1 : Math.Abs(u) <= 1 && Math.Abs(v) <= 1;
                if (!inside) continue;
                int i = (y * w + x) * 3;
                px[i] = cb; px[i + 1] = cg; px[i + 2] = cr;
            }
        }
        return px;
    }

    // ---------- rendering ----------

    /// <summary>Renders <paramref name="spec"/> to <paramref name="path"/> (H.264 MP4) and returns the ground truth.</summary>
    public static SyntheticClip Render(string path, SyntheticClipSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        int w = spec.Width, h = spec.Height, n = spec.Frames;
        if (spec.Motion.Count != n - 1) throw new ArgumentException($"need {n - 1} per-pair motions for {n} frames, got {spec.Motion.Count}");

        var m = PixelToNormalizedMatrix(w, h);
        var mInv = m.Inverse();
        double k = spec.TexturePixelsPerUnit;
        var b = new Mat3(k, 0, TextureWidth / 2.0 - 0.5, 0, k, TextureHeight / 2.0 - 0.5, 0, 0, 1);
        var bInv = b.Inverse();

        var cumulative = new Mat3[n];
        cumulative[0] = Mat3.Identity;
        for (int i = 1; i < n; i++) cumulative[i] = (spec.Motion[i - 1] * cumulative[i - 1]).ScaledToUnitCorner();

        // Texture -> frame pixel maps; check that every frame stays inside the texture.
        var warps = new Mat3[n];
        for (int i = 0; i < n; i++)
        {
            warps[i] = (mInv * cumulative[i] * bInv).ScaledToUnitCorner();
            var back = warps[i].Inverse();
            foreach (var (x, y) in new[] { (-0.5, -0.5), (w - 0.5, -0.5), (w - 0.5, h - 0.5), (-0.5, h - 0.5) })
            {
                if (back.HomogeneousW(x, y) <= 0) throw new InvalidOperationException($"frame {i}: a corner maps through infinity");
                var t = back.Transform(x, y);
                if (t.X < 1 || t.Y < 1 || t.X > TextureWidth - 2 || t.Y > TextureHeight - 2)
                    throw new InvalidOperationException($"frame {i}: the view leaves the texture (corner at texture {t.X:F0},{t.Y:F0}); use less motion or fewer frames");
            }
        }

        var black = new HashSet<int>(spec.BlackFrames);
        using Image texture = Texture(spec.TextureSeed);
        using Image? cutTexture = spec.CutAtFrame is not null ? Texture(spec.CutTextureSeed) : null;
        byte[]? blobTexture = spec.Blob is not null ? TextureBgr(spec.Blob.TextureSeed) : null;
        var frameBytes = new byte[w * h * 3];

        using (var writer = new FfmpegVideoWriter(path, w, h, spec.Fps, new FfmpegEncodeOptions { Crf = spec.Crf, Preset = "veryfast" }))
        {
            for (int i = 0; i < n; i++)
            {
                if (black.Contains(i))
                {
                    Array.Clear(frameBytes);
                    writer.Write(frameBytes);
                    continue;
                }
                Image source = spec.CutAtFrame is int cut && i >= cut ? cutTexture! : texture;
                using Image frame = source.WarpPerspective(warps[i].ToArray(), w, h, BorderMode.Constant, Interpolation.Linear);
                if (spec.Blob is { } blob)
                {
                    frame.CopyTo(frameBytes);
                    PaintBlob(frameBytes, w, h, m, blob, n == 1 ? 0 : (double)i / (n - 1), blobTexture!, k);
                    writer.Write(frameBytes);
                }
                else
                {
                    writer.Write(frame);
                }
            }
            writer.Complete();
        }

        var truthNormalized = spec.Motion.Select(g => g.ScaledToUnitCorner()).ToArray();
        var truthPixel = truthNormalized.Select(g => NormalizedToPixel(g, w, h)).ToArray();
        return new SyntheticClip(path, spec, truthNormalized, truthPixel, cumulative);
    }

    // A textured ellipse whose centre moves linearly from Start to End (normalized coordinates) over the clip.
    // Its pattern moves with it (sampled from another texture in blob-local coordinates).
    private static void PaintBlob(byte[] frame, int w, int h, Mat3 pixelToNormalized, MovingBlob blob, double t, byte[] tex, double k)
    {
        double cu = blob.StartU + (blob.EndU - blob.StartU) * t, cv = blob.StartV + (blob.EndV - blob.StartV) * t;
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
        {
            var u = pixelToNormalized.Transform(x, y);
            double du = (u.X - cu) / blob.RadiusU, dv = (u.Y - cv) / blob.RadiusV;
            if (du * du + dv * dv > 1) continue;
            int tx = (int)Math.Clamp(TextureWidth / 2.0 + (u.X - cu) * k, 0, TextureWidth - 1);
            int ty = (int)Math.Clamp(TextureHeight / 2.0 + (u.Y - cv) * k, 0, TextureHeight - 1);
            int i = (y * w + x) * 3, j = (ty * TextureWidth + tx) * 3;
            frame[i] = tex[j]; frame[i + 1] = tex[j + 1]; frame[i + 2] = tex[j + 2];
        }
    }

    // ---------- shared, rendered-once clips ----------

    private static readonly ConcurrentDictionary<string, Lazy<SyntheticClip>> Shared = new();
    private static readonly Lazy<string> SharedDir = new(() =>
    {
        string dir = Path.Combine(Path.GetTempPath(), $"camreview-synthetic-{Environment.ProcessId}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        };
        return dir;
    });

    /// <summary>
    /// Renders a clip once per test process under a caller-chosen <paramref name="key"/> (the same key must always
    /// mean the same spec) and returns it; later calls return the same file. Files live in a temp folder removed
    /// when the process exits. Thread-safe.
    /// </summary>
    public static SyntheticClip GetOrRender(string key, Func<SyntheticClipSpec> spec) =>
        Shared.GetOrAdd(key, k => new Lazy<SyntheticClip>(() =>
            Render(Path.Combine(SharedDir.Value, SafeName(k) + ".mp4"), spec()))).Value;

    private static string SafeName(string key) =>
        new(key.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '_').ToArray());

    /// <summary>A fresh temp folder, deleted on Dispose.</summary>
    public sealed class TempFolder : IDisposable
    {
        public TempFolder()
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "camreview-pipeline-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path);
        }

        public string Path { get; }

        public string File(string name) => System.IO.Path.Combine(Path, name);

        public void Dispose()
        {
            try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}

/// <summary>A textured ellipse moving linearly (normalized coordinates) from Start to End over the clip.</summary>
public sealed record MovingBlob(double StartU, double StartV, double EndU, double EndV, double RadiusU, double RadiusV, int TextureSeed = 7);

/// <summary>What to render; see <see cref="SyntheticClips"/>.</summary>
public sealed record SyntheticClipSpec
{
    public int Width { get; init; } = 640;
    public int Height { get; init; } = 360;
    public int Frames { get; init; } = 20;
    public double Fps { get; init; } = 30;

    /// <summary>Per-pair normalized content homographies G_0 .. G_{Frames-2}.</summary>
    public required IReadOnlyList<Mat3> Motion { get; init; }

    public int TextureSeed { get; init; } = 1;

    /// <summary>Texture pixels per normalized unit: frame 0 shows a 2k-wide window (800 px for the default 400).</summary>
    public double TexturePixelsPerUnit { get; init; } = 400;

    /// <summary>Frames replaced by pure black.</summary>
    public IReadOnlyCollection<int> BlackFrames { get; init; } = [];

    /// <summary>From this frame on the clip shows another texture (same camera motion): a hard cut between CutAtFrame - 1 and CutAtFrame.</summary>
    public int? CutAtFrame { get; init; }

    public int CutTextureSeed { get; init; } = 2;

    public MovingBlob? Blob { get; init; }

    /// <summary>libx264 CRF of the encode.</summary>
    public int Crf { get; init; } = 16;
}

/// <summary>A rendered clip and its ground truth.</summary>
/// <param name="Path">The MP4 file.</param>
/// <param name="Spec">What was rendered.</param>
/// <param name="TruthNormalized">True per-pair normalized homographies (frame i -&gt; i+1, [2,2] = 1).</param>
/// <param name="TruthPixel">True per-pair pixel homographies at the rendered size (OpenCV pixel convention, [2,2] = 1).</param>
/// <param name="CumulativeNormalized">C_i: frame 0 -&gt; frame i, normalized.</param>
public sealed record SyntheticClip(
    string Path,
    SyntheticClipSpec Spec,
    IReadOnlyList<Mat3> TruthNormalized,
    IReadOnlyList<Mat3> TruthPixel,
    IReadOnlyList<Mat3> CumulativeNormalized);
