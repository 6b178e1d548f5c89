using System.Collections.Concurrent;
using System.Diagnostics;
using CamReview.Core;
using CamReview.Pipeline.Depth;
using CamReview.Vision;

namespace CamReview.Pipeline.Render;

/// <summary>
/// Produces the frames of a <see cref="ParallaxRenderer"/> render: mesh splatting with a z-buffer, bilinear shading,
/// border policy. Thread-safe per frame; per-worker scratch buffers are pooled.
/// </summary>
internal sealed class SplatPlan : IFrameProducer
{
    private readonly byte[] _src;
    private readonly float[] _depth;
    private readonly ParallaxRenderer.FrameGeometry[] _frames;
    private readonly float _ratio;
    private readonly HomographyRenderOptions _o;
    private readonly CancellationToken _ct;
    private readonly InpaintFill? _inpaint;
    private readonly ConcurrentBag<byte[]> _frameBuffers = new();
    private readonly ConcurrentBag<Scratch> _scratch = new();
    private long _warpTicks, _pngTicks, _uncovered;

    public SplatPlan(Image fitted, DepthMap depth, ParallaxRenderer.FrameGeometry[] frames, double discontinuity, HomographyRenderOptions o, CancellationToken ct)
    {
        Width = fitted.Width;
        Height = fitted.Height;
        if (depth.Width != Width || depth.Height != Height) throw new ArgumentException("depth and image sizes differ");
        _src = fitted.CopyBytes();
        _depth = depth.Values;
        _frames = frames;
        _ratio = (float)(1 + discontinuity);
        _o = o;
        _ct = ct;
        _inpaint = o.Border == BorderPolicy.Inpaint ? new InpaintFill(Width, Height, o.InpaintMaxSide, o.InpaintRadius) : null;
    }

    public int Width { get; }
    public int Height { get; }
    public int Frames => _frames.Length;
    public int Depth => _o.PipelineDepth ?? Environment.ProcessorCount + 1;
    public IProgress<RenderProgress>? Progress => _o.Progress;
    public FfmpegEncodeOptions? Encode => _o.Encode;
    public BorderPolicy Border => _o.Border;
    public Interpolation Interpolation => Interpolation.Linear;
    public long WarpTicks => Interlocked.Read(ref _warpTicks);
    public long PngTicks => Interlocked.Read(ref _pngTicks);
    public long UncoveredPixels => Interlocked.Read(ref _uncovered);

    private sealed class Scratch(int n)
    {
        public readonly float[] U = new float[n], V = new float[n], Z = new float[n];
        public readonly float[] ZBuf = new float[n], SrcX = new float[n], SrcY = new float[n];
        public readonly byte[] Mask = new byte[n];
        public byte[]? Fill;
    }

    public byte[] Produce(int i, string? pngPath)
    {
        _ct.ThrowIfCancellationRequested();
        long t0 = Stopwatch.GetTimestamp();
        byte[] buf = _frameBuffers.TryTake(out var b) ? b : new byte[Width * Height * 3];
        var s = _scratch.TryTake(out var sc) ? sc : new Scratch(Width * Height);
        try
        {
            int uncovered = RenderFrame(_frames[i], s, buf);
            Interlocked.Add(ref _uncovered, uncovered);
            if (uncovered > 0) FillBorder(_frames[i], s, buf);
        }
        finally
        {
            _scratch.Add(s);
        }
        Interlocked.Add(ref _warpTicks, Stopwatch.GetTimestamp() - t0);
        if (pngPath is not null)
        {
            long p0 = Stopwatch.GetTimestamp();
            using Image img = Image.FromBgr(buf, Width, Height);
            img.Save(pngPath);
            Interlocked.Add(ref _pngTicks, Stopwatch.GetTimestamp() - p0);
        }
        return buf;
    }

    public void Return(byte[] buffer) => _frameBuffers.Add(buffer);

    /// <summary>Splat + shade; returns the number of uncovered pixels (marked 255 in the scratch mask, black in <paramref name="frame"/>).</summary>
    private int RenderFrame(ParallaxRenderer.FrameGeometry g, Scratch s, byte[] frame)
    {
        int w = Width, h = Height, n = w * h;
        var a = g.A;
        var bv = g.B;
        float[] U = s.U, V = s.V, Z = s.Z, zbuf = s.ZBuf, srcX = s.SrcX, srcY = s.SrcY;
        // 1. project every pixel centre (continuous (x+0.5, y+0.5)) into frame i, index convention (-0.5).
        for (int y = 0; y < h; y++)
        {
            double py = y + 0.5;
            for (int x = 0; x < w; x++)
            {
                int k = y * w + x;
                double px = x + 0.5, z = _depth[k];
                double qx = z * (a.M00 * px + a.M01 * py + a.M02) - bv.X;
                double qy = z * (a.M10 * px + a.M11 * py + a.M12) - bv.Y;
                double qz = z * (a.M20 * px + a.M21 * py + a.M22) - bv.Z;
                if (qz > 1e-9 * z)
                {
                    U[k] = (float)(qx / qz - 0.5);
                    V[k] = (float)(qy / qz - 0.5);
                    Z[k] = (float)qz;
                }
                else U[k] = V[k] = Z[k] = float.NaN; // behind the camera
            }
        }
        Array.Fill(zbuf, float.PositiveInfinity);
        // 2. rasterise two triangles per 2x2 block of pixel centres.
        float ratio = _ratio;
        for (int y = 0; y + 1 < h; y++)
        {
            for (int x = 0; x + 1 < w; x++)
            {
                int k00 = y * w + x, k10 = k00 + 1, k01 = k00 + w, k11 = k01 + 1;
                float d00 = _depth[k00], d10 = _depth[k10], d01 = _depth[k01], d11 = _depth[k11];
                if (Continuous(d00, d10, d11, ratio) || !Separates(a, U, V, k00, k10, k11, x, y, x + 1, y, x + 1, y + 1))
                    Triangle(U, V, Z, k00, k10, k11, x, y, x + 1, y, x + 1, y + 1, zbuf, srcX, srcY, w, h);
                if (Continuous(d00, d11, d01, ratio) || !Separates(a, U, V, k00, k11, k01, x, y, x + 1, y + 1, x, y + 1))
                    Triangle(U, V, Z, k00, k11, k01, x, y, x + 1, y + 1, x, y + 1, zbuf, srcX, srcY, w, h);
            }
        }
        // 3. shade.
        int uncovered = 0;
        byte[] src = _src;
        for (int k = 0; k < n; k++)
        {
            int o = 3 * k;
            if (float.IsPositiveInfinity(zbuf[k]))
            {
                s.Mask[k] = 255;
                frame[o] = frame[o + 1] = frame[o + 2] = 0;
                uncovered++;
                continue;
            }
            s.Mask[k] = 0;
            float sx = Math.Clamp(srcX[k], 0, w - 1), sy = Math.Clamp(srcY[k], 0, h - 1);
            int x0 = Math.Min((int)sx, w - 2 < 0 ? 0 : w - 2), y0 = Math.Min((int)sy, h - 2 < 0 ? 0 : h - 2);
            float fx = sx - x0, fy = sy - y0;
            int i00 = 3 * (y0 * w + x0), i10 = i00 + 3, i01 = i00 + 3 * w, i11 = i01 + 3;
            for (int c = 0; c < 3; c++)
            {
                float top = src[i00 + c] + fx * (src[i10 + c] - src[i00 + c]);
                float bot = src[i01 + c] + fx * (src[i11 + c] - src[i01 + c]);
                frame[o + c] = (byte)(top + fy * (bot - top) + 0.5f);
            }
        }
        return uncovered;
    }

    /// <summary>Parallax (in output pixels) below which a triangle across a depth edge is still drawn: nothing opens up there.</summary>
    private const double MaxEdgeParallax = 0.5;

    /// <summary>
    /// Whether a triangle across a depth edge actually tears open in this frame: its vertices' positions differ from
    /// where the translation-free map (A alone, the homography at infinity) would put them by more than
    /// <see cref="MaxEdgeParallax"/> relative to each other. Without translation (rotation/zoom) nothing tears, so the
    /// render equals the homography transfer exactly, with no cracks along depth edges.
    /// </summary>
    private static bool Separates(Mat3 a, float[] U, float[] V, int ka, int kb, int kc, int xa, int ya, int xb, int yb, int xc, int yc)
    {
        if (float.IsNaN(U[ka]) || float.IsNaN(U[kb]) || float.IsNaN(U[kc])) return true;
        double ox = 0, oy = 0, minX = double.MaxValue, maxX = double.MinValue, minY = double.MaxValue, maxY = double.MinValue;
        void Offset(int k, int x, int y)
        {
            double px = x + 0.5, py = y + 0.5;
            double wq = a.M20 * px + a.M21 * py + a.M22;
            ox = U[k] + 0.5 - (a.M00 * px + a.M01 * py + a.M02) / wq;
            oy = V[k] + 0.5 - (a.M10 * px + a.M11 * py + a.M12) / wq;
            minX = Math.Min(minX, ox); maxX = Math.Max(maxX, ox); minY = Math.Min(minY, oy); maxY = Math.Max(maxY, oy);
        }
        Offset(ka, xa, ya);
        Offset(kb, xb, yb);
        Offset(kc, xc, yc);
        double spread = Math.Max(maxX - minX, maxY - minY);
        return !(spread <= MaxEdgeParallax);
    }

    private static bool Continuous(float a, float b, float c, float ratio)
    {
        float mn = Math.Min(a, Math.Min(b, c)), mx = Math.Max(a, Math.Max(b, c));
        return mx <= mn * ratio;
    }

    private static void Triangle(float[] U, float[] V, float[] Z, int ka, int kb, int kc,
        int sxa, int sya, int sxb, int syb, int sxc, int syc, float[] zbuf, float[] srcX, float[] srcY, int w, int h)
    {
        float za = Z[ka], zb = Z[kb], zc = Z[kc];
        if (float.IsNaN(za) || float.IsNaN(zb) || float.IsNaN(zc)) return;
        float ax = U[ka], ay = V[ka], bx = U[kb], by = V[kb], cx = U[kc], cy = V[kc];
        float area = (bx - ax) * (cy - ay) - (by - ay) * (cx - ax);
        if (!(Math.Abs(area) > 1e-12f)) return;
        const float eps = 1e-4f;
        int xmin = (int)MathF.Ceiling(MathF.Min(ax, MathF.Min(bx, cx)) - eps), xmax = (int)MathF.Floor(MathF.Max(ax, MathF.Max(bx, cx)) + eps);
        int ymin = (int)MathF.Ceiling(MathF.Min(ay, MathF.Min(by, cy)) - eps), ymax = (int)MathF.Floor(MathF.Max(ay, MathF.Max(by, cy)) + eps);
        if (xmax < 0 || ymax < 0 || xmin >= w || ymin >= h) return;
        // A triangle whose projection is huge (a sliver stretched to the horizon) is not a surface: skip it.
        if (xmax - xmin > 64 || ymax - ymin > 64) return;
        xmin = Math.Max(xmin, 0); ymin = Math.Max(ymin, 0); xmax = Math.Min(xmax, w - 1); ymax = Math.Min(ymax, h - 1);
        float inv = 1 / area;
        for (int py = ymin; py <= ymax; py++)
        {
            for (int px = xmin; px <= xmax; px++)
            {
                // barycentric weights of a, b, c
                float wa = ((bx - px) * (cy - py) - (by - py) * (cx - px)) * inv;
                float wb = ((cx - px) * (ay - py) - (cy - py) * (ax - px)) * inv;
                float wc = 1 - wa - wb;
                if (wa < -eps || wb < -eps || wc < -eps) continue;
                float z = wa * za + wb * zb + wc * zc;
                int k = py * w + px;
                if (z < zbuf[k])
                {
                    zbuf[k] = z;
                    srcX[k] = wa * sxa + wb * sxb + wc * sxc;
                    srcY[k] = wa * sya + wb * syb + wc * syc;
                }
            }
        }
    }

    /// <summary>Fills the uncovered pixels (mask 255) by the border policy.</summary>
    private void FillBorder(ParallaxRenderer.FrameGeometry g, Scratch s, byte[] frame)
    {
        switch (_o.Border)
        {
            case BorderPolicy.Black:
                return;
            case BorderPolicy.Inpaint:
            {
                s.Fill ??= new byte[frame.Length];
                using Image warped = Image.FromBgr(frame, Width, Height);
                _inpaint!.Apply(warped, frame, s.Mask, s.Fill);
                return;
            }
            default: // Reflect and SafeCrop: through the median-depth plane with mirrored taps.
                ReflectFill(g.PlaneHomography, s.Mask, frame);
                return;
        }
    }

    private void ReflectFill(Mat3 planeContinuous, byte[] mask, byte[] frame)
    {
        int w = Width, h = Height;
        if (!planeContinuous.TryInverse(out var inv)) return;
        byte[] src = _src;
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
            {
                int k = y * w + x;
                if (mask[k] == 0) continue;
                double X = x + 0.5, Y = y + 0.5;
                double wq = inv.M20 * X + inv.M21 * Y + inv.M22;
                if (!(wq > 0)) continue;
                double sx = (inv.M00 * X + inv.M01 * Y + inv.M02) / wq - 0.5, sy = (inv.M10 * X + inv.M11 * Y + inv.M12) / wq - 0.5;
                if (!(Math.Abs(sx) < 1e6 && Math.Abs(sy) < 1e6)) continue;
                int x0 = (int)Math.Floor(sx), y0 = (int)Math.Floor(sy);
                double fx = sx - x0, fy = sy - y0;
                int xa = Reflect(x0, w), xb = Reflect(x0 + 1, w), ya = Reflect(y0, h), yb = Reflect(y0 + 1, h);
                int o = 3 * k;
                for (int c = 0; c < 3; c++)
                {
                    double top = src[3 * (ya * w + xa) + c] * (1 - fx) + src[3 * (ya * w + xb) + c] * fx;
                    double bot = src[3 * (yb * w + xa) + c] * (1 - fx) + src[3 * (yb * w + xb) + c] * fx;
                    frame[o + c] = (byte)Math.Clamp((int)(top * (1 - fy) + bot * fy + 0.5), 0, 255);
                }
            }
        }
    }

    /// <summary>OpenCV BORDER_REFLECT ("fedcba|abcdefgh|hgfedcb").</summary>
    private static int Reflect(int i, int n)
    {
        if (n == 1) return 0;
        int period = 2 * n;
        i %= period;
        if (i < 0) i += period;
        return i < n ? i : period - 1 - i;
    }
}
