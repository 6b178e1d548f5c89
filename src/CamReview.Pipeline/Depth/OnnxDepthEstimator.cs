using System.Diagnostics;
using CamReview.Inference;
using CamReview.Vision;

namespace CamReview.Pipeline.Depth;

/// <summary>Settings of <see cref="OnnxDepthEstimator"/>.</summary>
public sealed record OnnxDepthOptions
{
    /// <summary>Network input width/height when the model's input has dynamic spatial dimensions (fixed ones win). 518 = 37 x 14 for ViT/DINOv2 (Depth-Anything); use 384 for MiDaS.</summary>
    public int InputSize { get; init; } = 518;

    /// <summary>RGB normalisation (ImageNet mean/std by default), applied to values in [0, 1].</summary>
    public float[] Mean { get; init; } = [0.485f, 0.456f, 0.406f];

    public float[] Std { get; init; } = [0.229f, 0.224f, 0.225f];

    /// <summary>Depth the high percentile of inverse depth (the near end) maps to.</summary>
    public double NearDepth { get; init; } = 1;

    /// <summary>Depth the low percentile of inverse depth (the far end) maps to. Far/near = 10 by default.</summary>
    public double FarDepth { get; init; } = 10;

    /// <summary>Percentiles of the relative inverse depth mapped to far and near.</summary>
    public double LowPercentile { get; init; } = 2;

    public double HighPercentile { get; init; } = 98;

    public DevicePreference Device { get; init; } = DevicePreference.Auto;
}

/// <summary>Depth of the target and where it came from.</summary>
/// <param name="Map">The depth, at the target's size.</param>
/// <param name="Source">"file", "model" or "planar".</param>
/// <param name="Description">Human-readable origin (path, model).</param>
/// <param name="Device">"cpu" or "cuda" (where the model ran; "cpu" for files and planar).</param>
/// <param name="ExecutionProvider">ONNX Runtime provider for a model, else null.</param>
/// <param name="ProviderNote">Why CUDA was not used, when it was attempted and failed.</param>
/// <param name="LoadSeconds">Reading the file or loading the model.</param>
/// <param name="InferenceSeconds">Pre-processing, model run and conversion (0 for files).</param>
public sealed record DepthEstimate(
    DepthMap Map,
    string Source,
    string Description,
    string Device,
    string? ExecutionProvider,
    string? ProviderNote,
    double LoadSeconds,
    double InferenceSeconds)
{
    /// <summary>The short form of <see cref="ProviderNote"/> (ONNX Runtime's reason alone), for one-line labels.</summary>
    public string? ProviderFallbackReason { get; init; }

    public static DepthEstimate FromFile(string path, DepthKind kind, int targetWidth, int targetHeight)
    {
        var sw = Stopwatch.StartNew();
        var map = DepthMapFile.Load(path, kind).ForTarget(targetWidth, targetHeight, kind == DepthKind.Disparity ? "disparity map" : "depth map");
        return new DepthEstimate(map, "file", $"{(kind == DepthKind.Disparity ? "disparity" : "depth")} map {Path.GetFileName(path)}", "cpu", null, null,
            sw.Elapsed.TotalSeconds, 0);
    }

    public static DepthEstimate PlanarFor(int targetWidth, int targetHeight) =>
        new(DepthMap.Planar(targetWidth, targetHeight), "planar", "planar fallback (constant depth: homography transfer)", "cpu", null, null, 0, 0);
}

/// <summary>
/// Monocular depth from an ONNX model that outputs RELATIVE INVERSE depth (Depth-Anything / Depth-Anything-V2 /
/// MiDaS exports: larger = nearer, unknown shift and scale).
/// <para>Pre-processing: the BGR image is resized (bilinear) to the network size, converted to RGB in [0, 1],
/// normalised with <see cref="OnnxDepthOptions.Mean"/>/<see cref="OnnxDepthOptions.Std"/>, NCHW float32 [1,3,H,W].
/// The input must be rank 4 with 3 channels; fixed spatial dimensions are used as they are, dynamic ones take
/// <see cref="OnnxDepthOptions.InputSize"/>. The first output must be [1,H',W'] or [1,1,H',W'].</para>
/// <para>Conversion to depth: the output is resized (bilinear) to the image size; with p_lo, p_hi its low/high
/// percentiles, <c>s = clamp((d - p_lo) / (p_hi - p_lo), 0, 1)</c> and <c>1/Z = 1/far + s (1/near - 1/far)</c>, i.e.
/// Z = 1 / (a d + b) with the affine map that sends p_lo to far and p_hi to near (defaults 10 and 1). The shift
/// is what such models leave unknown; the absolute scale does not matter because translation is calibrated by the
/// median depth; the far/near ratio sets how strongly near and far parallax differ. A constant output gives a
/// planar map.</para>
/// Runs on CUDA where ONNX Runtime has it, else the CPU; the provider and timings are reported.
/// </summary>
public sealed class OnnxDepthEstimator : IDisposable
{
    private readonly OnnxSession _session;
    private readonly OnnxDepthOptions _options;
    private readonly string _input, _output;
    private readonly int _inW, _inH;

    public OnnxDepthEstimator(string modelPath, OnnxDepthOptions? options = null)
    {
        _options = options ?? new OnnxDepthOptions();
        if (_options.InputSize < 8) throw new ArgumentOutOfRangeException(nameof(options), _options.InputSize, "input size must be at least 8");
        if (!(_options.NearDepth > 0 && _options.FarDepth > _options.NearDepth))
            throw new ArgumentOutOfRangeException(nameof(options), "need 0 < NearDepth < FarDepth");
        if (_options.Mean.Length != 3 || _options.Std.Length != 3 || _options.Std.Any(s => !(s > 0)))
            throw new ArgumentException("Mean and Std need 3 values (Std positive)", nameof(options));
        if (!File.Exists(modelPath)) throw new FileNotFoundException($"Depth model not found: '{modelPath}'", modelPath);
        _session = new OnnxSession(modelPath, new OnnxSessionOptions { Device = _options.Device });
        try
        {
            var inputs = _session.Inputs;
            if (inputs.Count < 1) throw new InvalidDataException($"depth model '{Path.GetFileName(modelPath)}' has no input");
            var input = inputs[0];
            if (input.ElementType != TensorElementType.Float || input.Rank != 4 || (input.Shape[1] >= 0 && input.Shape[1] != 3))
                throw new InvalidDataException($"depth model '{Path.GetFileName(modelPath)}' must take a float image [1,3,H,W], but its input '{input.Name}' is {input}");
            var output = _session.Outputs.Count > 0 ? _session.Outputs[0] : throw new InvalidDataException($"depth model '{Path.GetFileName(modelPath)}' has no output");
            if (output.Rank is not (3 or 4))
                throw new InvalidDataException($"depth model '{Path.GetFileName(modelPath)}' must output relative inverse depth [1,H,W] or [1,1,H,W], but its output '{output.Name}' is {output}");
            _input = input.Name;
            _output = output.Name;
            _inH = input.Shape[2] > 0 ? (int)input.Shape[2] : _options.InputSize;
            _inW = input.Shape[3] > 0 ? (int)input.Shape[3] : _options.InputSize;
        }
        catch
        {
            _session.Dispose();
            throw;
        }
        ModelPath = _session.ModelPath;
    }

    public string ModelPath { get; }

    public string ExecutionProvider => _session.ExecutionProvider;

    public string? ProviderNote => _session.ProviderNote;

    public string? ProviderFallbackReason => _session.FallbackReason;

    public double LoadSeconds => _session.LoadTime.TotalSeconds;

    /// <summary>Depth of a BGR (or grey) image at its own size.</summary>
    public DepthEstimate Estimate(Image image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var sw = Stopwatch.StartNew();
        float[] data = new float[3 * _inW * _inH];
        using (Image bgr = image.Channels == 3 ? image.Clone() : image.ToBgr())
        using (Image small = bgr.Resize(_inW, _inH, Interpolation.Linear))
        {
            byte[] px = small.CopyBytes();
            int plane = _inW * _inH;
            for (int c = 0; c < 3; c++)
            {
                float mean = _options.Mean[c], inv = 1f / _options.Std[c];
                int src = 2 - c; // RGB channel c is BGR byte 2 - c
                for (int i = 0; i < plane; i++) data[c * plane + i] = (px[3 * i + src] / 255f - mean) * inv;
            }
        }
        var result = _session.Run(_input, new Tensor(data, 1, 3, _inH, _inW), [_output]);
        var t = result[_output];
        var shape = t.Shape;
        bool ok = (shape.Count == 3 && shape[0] == 1) || (shape.Count == 4 && shape[0] == 1 && shape[1] == 1);
        if (!ok) throw new InvalidDataException($"depth model output must be [1,H,W] or [1,1,H,W], got {Tensor.FormatShape(shape)}");
        int oh = (int)shape[^2], ow = (int)shape[^1];
        if (oh < 1 || ow < 1) throw new InvalidDataException($"depth model output is empty: {Tensor.FormatShape(shape)}");
        var inverse = ResizeBilinear(t.Data, ow, oh, image.Width, image.Height);
        var map = ToDepth(inverse, image.Width, image.Height, _options);
        string device = _session.ExecutionProvider == ExecutionProviders.Cuda ? "cuda" : "cpu";
        return new DepthEstimate(map, "model", $"model {Path.GetFileName(ModelPath)} ({_inW}x{_inH})", device, _session.ExecutionProvider,
            _session.ProviderNote, LoadSeconds, sw.Elapsed.TotalSeconds) { ProviderFallbackReason = _session.FallbackReason };
    }

    /// <summary>Relative inverse depth -&gt; depth (see the type remarks).</summary>
    public static DepthMap ToDepth(float[] inverse, int width, int height, OnnxDepthOptions options)
    {
        var finite = inverse.Where(float.IsFinite).ToArray();
        if (finite.Length == 0) throw new InvalidDataException("depth model output has no finite value");
        Array.Sort(finite);
        double lo = Percentile(finite, options.LowPercentile), hi = Percentile(finite, options.HighPercentile);
        if (!(hi > lo)) return DepthMap.Planar(width, height, (float)Math.Sqrt(options.NearDepth * options.FarDepth));
        double invFar = 1 / options.FarDepth, invNear = 1 / options.NearDepth;
        var z = new float[inverse.Length];
        for (int i = 0; i < z.Length; i++)
        {
            float d = inverse[i];
            if (!float.IsFinite(d)) { z[i] = 0; continue; } // invalid: filled by DepthMap
            double s = Math.Clamp((d - lo) / (hi - lo), 0, 1);
            z[i] = (float)(1 / (invFar + s * (invNear - invFar)));
        }
        return DepthMap.FromDepth(z, width, height);
    }

    private static double Percentile(float[] sorted, double p)
    {
        double pos = Math.Clamp(p, 0, 100) / 100 * (sorted.Length - 1);
        int i = (int)Math.Floor(pos);
        double f = pos - i;
        return i + 1 < sorted.Length ? sorted[i] * (1 - f) + sorted[i + 1] * f : sorted[i];
    }

    /// <summary>Bilinear resize of a float map (pixel centres aligned, edges clamped).</summary>
    public static float[] ResizeBilinear(float[] src, int sw, int sh, int dw, int dh)
    {
        var dst = new float[dw * dh];
        double fx = (double)sw / dw, fy = (double)sh / dh;
        for (int y = 0; y < dh; y++)
        {
            double sy = Math.Clamp((y + 0.5) * fy - 0.5, 0, sh - 1);
            int y0 = (int)sy, y1 = Math.Min(sh - 1, y0 + 1);
            double wy = sy - y0;
            for (int x = 0; x < dw; x++)
            {
                double sx = Math.Clamp((x + 0.5) * fx - 0.5, 0, sw - 1);
                int x0 = (int)sx, x1 = Math.Min(sw - 1, x0 + 1);
                double wx = sx - x0;
                double top = src[y0 * sw + x0] * (1 - wx) + src[y0 * sw + x1] * wx;
                double bot = src[y1 * sw + x0] * (1 - wx) + src[y1 * sw + x1] * wx;
                dst[y * dw + x] = (float)(top * (1 - wy) + bot * wy);
            }
        }
        return dst;
    }

    public void Dispose() => _session.Dispose();
}
