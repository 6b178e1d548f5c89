using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json.Serialization;
using CamReview.Inference;
using CamReview.Vision;

namespace CamReview.Pipeline.Score;

/// <summary>
/// The DINO evaluation preprocessing every scene encoder shares (the learned one and the classical fallback):
/// <list type="number">
/// <item>resize so the SHORTER side is <see cref="ResizeShorter"/> = 256, the longer side
/// <c>floor(256 * long / short)</c> (torchvision's <c>Resize(256)</c> rule), bicubic (OpenCV INTER_CUBIC). OpenCV's
/// cubic does not low-pass when shrinking, unlike PIL's antialiased bicubic; a frame more than twice the final size
/// is therefore first halved (bilinear at exactly half size = a 2x2 box average) until it is within 2x, so large
/// frames do not alias. Expect small numeric differences from a PyTorch/PIL pipeline (different cubic kernel,
/// a = -0.75 vs -0.5, and antialiasing), not different results;</item>
/// <item>centre crop <see cref="CropSize"/> = 224, offsets <c>round((size - 224) / 2)</c> (round half to even, as
/// torchvision's <c>CenterCrop</c>);</item>
/// <item>RGB channel order, values <c>/ 255</c>, then <c>(v - mean) / std</c> with the ImageNet mean (0.485, 0.456,
/// 0.406) and std (0.229, 0.224, 0.225);</item>
/// <item>a float32 NCHW tensor <c>[1, 3, 224, 224]</c>.</item>
/// </list>
/// </summary>
public static class ScenePreprocessing
{
    public const int ResizeShorter = 256;
    public const int CropSize = 224;

    public static readonly float[] Mean = [0.485f, 0.456f, 0.406f];
    public static readonly float[] Std = [0.229f, 0.224f, 0.225f];

    /// <summary>Size after the shorter-side resize (torchvision: the long side is truncated, not rounded).</summary>
    public static (int Width, int Height) ResizedSize(int width, int height)
    {
        if (width <= 0 || height <= 0) throw new ArgumentOutOfRangeException(nameof(width), $"image size must be positive, got {width}x{height}");
        return width <= height
            ? (ResizeShorter, (int)((long)ResizeShorter * height / width))
            : ((int)((long)ResizeShorter * width / height), ResizeShorter);
    }

    /// <summary>Top-left corner of the centre crop of a <paramref name="width"/> x <paramref name="height"/> image.</summary>
    public static (int Left, int Top) CropOffset(int width, int height) =>
        ((int)Math.Round((width - CropSize) / 2.0, MidpointRounding.ToEven), (int)Math.Round((height - CropSize) / 2.0, MidpointRounding.ToEven));

    /// <summary>Steps 1 and 2: the 224x224 centre crop as packed row-major RGB bytes (224 * 224 * 3).</summary>
    public static byte[] CropRgb(Image image)
    {
        ArgumentNullException.ThrowIfNull(image);
        var (w, h) = ResizedSize(image.Width, image.Height);
        Image? bgr = image.Channels == 3 ? null : image.ToBgr();
        Image? reduced = null;
        try
        {
            Image source = bgr ?? image;
            // Halve (2x2 box) only while cubic alone would skip pixels. (INTER_AREA to an arbitrary size is ~10x slower.)
            while (source.Width > 2 * w && source.Height > 2 * h)
            {
                Image half = source.Resize(source.Width / 2, source.Height / 2, Interpolation.Linear);
                reduced?.Dispose();
                source = reduced = half;
            }
            using Image resized = source.Resize(w, h, Interpolation.Cubic);
            byte[] pixels = resized.CopyBytes();
            var (left, top) = CropOffset(w, h);
            var crop = new byte[CropSize * CropSize * 3];
            for (int y = 0; y < CropSize; y++)
            {
                int src = ((top + y) * w + left) * 3, dst = y * CropSize * 3;
                for (int x = 0; x < CropSize; x++, src += 3, dst += 3)
                {
                    crop[dst] = pixels[src + 2]; // BGR -> RGB
                    crop[dst + 1] = pixels[src + 1];
                    crop[dst + 2] = pixels[src];
                }
            }
            return crop;
        }
        finally
        {
            reduced?.Dispose();
            bgr?.Dispose();
        }
    }

    /// <summary>Steps 3 and 4 on a crop from <see cref="CropRgb"/>: the normalized NCHW tensor data (3 * 224 * 224).</summary>
    public static float[] ToTensorData(ReadOnlySpan<byte> cropRgb)
    {
        const int plane = CropSize * CropSize;
        if (cropRgb.Length != plane * 3) throw new ArgumentException($"expected a {CropSize}x{CropSize} RGB crop ({plane * 3} bytes), got {cropRgb.Length}", nameof(cropRgb));
        var data = new float[plane * 3];
        for (int c = 0; c < 3; c++)
        {
            float mean = Mean[c], std = Std[c];
            var lut = new float[256];
            for (int v = 0; v < 256; v++) lut[v] = (v / 255f - mean) / std;
            int offset = c * plane;
            for (int i = 0; i < plane; i++) data[offset + i] = lut[cropRgb[i * 3 + c]];
        }
        return data;
    }

    /// <summary>The whole preprocessing: <c>[1, 3, 224, 224]</c> float32.</summary>
    public static Tensor ToTensor(Image image) => new(ToTensorData(CropRgb(image)), 1, 3, CropSize, CropSize);
}

/// <summary>Which encoder produced a scene embedding, where it ran and what it cost (<c>sceneEncoder</c> in the JSON).</summary>
public sealed record SceneEncoderInfo
{
    /// <summary><c>onnx</c> (a learned encoder, e.g. a DINO/DINOv2 export) or <c>classical</c> (the fallback).</summary>
    public required string Kind { get; init; }

    /// <summary>Model file name without extension, or the classical descriptor's name.</summary>
    public required string Name { get; init; }

    /// <summary>Full path of the ONNX model; null for the classical fallback.</summary>
    public string? Path { get; init; }

    /// <summary>ONNX Runtime execution provider (CPUExecutionProvider / CUDAExecutionProvider); <c>managed</c> for the classical fallback.</summary>
    public string? Provider { get; init; }

    /// <summary><c>cpu</c> or <c>cuda:N</c>.</summary>
    public string? Device { get; init; }

    /// <summary>Why CUDA was not used although it was asked for (ONNX Runtime's own reason).</summary>
    public string? ProviderNote { get; init; }

    /// <summary>The short form of <see cref="ProviderNote"/> (ONNX Runtime's reason alone), for one-line labels.</summary>
    public string? ProviderFallbackReason { get; init; }

    /// <summary>The tensor fed: <c>input: [1,3,224,224]</c>.</summary>
    public string? Input { get; init; }

    /// <summary>The output used and how: <c>last_hidden_state [1,T,D] -> token 0 (CLS)</c> or <c>pooled [1,D]</c>.</summary>
    public string? Output { get; init; }

    /// <summary>Embedding length.</summary>
    public int Dimension { get; init; }

    /// <summary>Time to load the model (0 when the session came from the cache).</summary>
    public double LoadMs { get; init; }

    /// <summary>True when a session loaded earlier in this process was reused.</summary>
    public bool SessionReused { get; init; }

    /// <summary>Images encoded for this result (target + sampled frames).</summary>
    public int Images { get; init; }

    /// <summary>Total encode time for those images (preprocessing + model run), milliseconds.</summary>
    public double EncodeMs { get; init; }

    /// <summary>Mean per image (preprocessing + model run).</summary>
    public double PerImageMs { get; init; }

    /// <summary>Mean per image of the model run alone (ONNX Runtime's Run); null for the classical fallback.</summary>
    public double? RunMsPerImage { get; init; }

    /// <summary>Caveat, e.g. that classical numbers are not comparable to DINO numbers.</summary>
    public string? Note { get; init; }
}

/// <summary>
/// Maps an image to an embedding vector compared by cosine similarity. Implementations are thread-safe.
/// Both shipped encoders see the same <see cref="ScenePreprocessing"/> crop.
/// </summary>
public interface ISceneEncoder
{
    /// <summary><c>onnx</c> or <c>classical</c>.</summary>
    string Kind { get; }

    /// <summary>Short label used in results: <c>onnx:NAME</c> or <c>classical:NAME</c>.</summary>
    string Label { get; }

    /// <summary>The embedding of an 8-bit BGR (or gray) image (preprocessed with <see cref="ScenePreprocessing"/>).</summary>
    float[] Embed(Image image);

    /// <summary>The embedding of a crop <see cref="ScenePreprocessing.CropRgb"/> already made.</summary>
    float[] EmbedCrop(ReadOnlySpan<byte> cropRgb);

    /// <summary>Description without per-call timings (callers add those).</summary>
    SceneEncoderInfo Describe();
}

/// <summary>
/// A learned image encoder in ONNX (e.g. DINO ViT-S/16 or DINOv2 exported from PyTorch). Contract:
/// one float32 input of shape <c>[1|N, 3, 224|?, 224|?]</c> fed the <see cref="ScenePreprocessing"/> tensor; the
/// embedding is the configured output (default: the first output of rank 2 or 3): <c>[1, D]</c> is used as is,
/// <c>[1, T, D]</c> gives token 0 (the CLS token, the DINO convention). Anything else is refused with an
/// <see cref="InvalidDataException"/> naming what the model has. One <see cref="OnnxSession"/> per model, shared
/// across frames, calls and threads through <see cref="Open"/>'s small cache.
/// </summary>
public sealed class OnnxSceneEncoder : ISceneEncoder
{
    /// <summary>Sessions kept per process (model path, file size/time, output, device); the oldest goes first.</summary>
    public const int CacheCapacity = 4;

    private static readonly ConcurrentDictionary<string, Lazy<OnnxSceneEncoder>> Cache = new(StringComparer.Ordinal);
    private static readonly ConcurrentQueue<string> CacheOrder = new();

    private readonly string _inputName;
    private readonly string _outputName;
    private readonly bool _tokens;
    private volatile bool _usedToken0;
    private int _loadReported;

    private OnnxSceneEncoder(OnnxSession session, string? outputName)
    {
        Session = session;
        string model = System.IO.Path.GetFileName(session.ModelPath);
        if (session.Inputs.Count != 1)
            throw new InvalidDataException($"scene encoder '{model}' must have exactly one image input, it has {session.Inputs.Count}: {string.Join("; ", session.Inputs)}");
        var input = session.Inputs[0];
        if (!input.IsTensor || input.ElementType != TensorElementType.Float)
            throw new InvalidDataException($"scene encoder '{model}' input is {input}; a float32 image tensor [1,3,224,224] is needed");
        long[] fed = [1, 3, ScenePreprocessing.CropSize, ScenePreprocessing.CropSize];
        if (input.Rank != 0 && (input.Rank != 4 || Enumerable.Range(0, 4).Any(i => input.Shape[i] >= 0 && input.Shape[i] != fed[i])))
            throw new InvalidDataException(
                $"scene encoder '{model}' expects input {input}, but the DINO preprocessing feeds {Tensor.FormatShape(fed)} " +
                "(NCHW RGB, shorter side 256 then centre crop 224); export the model for 224x224 input or with dynamic height/width");
        _inputName = input.Name;

        var candidates = outputName is null ? session.Outputs : session.Outputs.Where(o => o.Name == outputName).ToList();
        if (outputName is not null && candidates.Count == 0)
            throw new InvalidDataException($"scene encoder '{model}' has no output '{outputName}'; its outputs are: {string.Join("; ", session.Outputs)}");
        var chosen = candidates.FirstOrDefault(o => o.IsTensor && o.ElementType == TensorElementType.Float && o.Rank is 2 or 3 && FitsEmbedding(o.Shape))
            // Undeclared shape: decided on the first run.
            ?? candidates.FirstOrDefault(o => o.IsTensor && o.ElementType == TensorElementType.Float && o.Rank == 0);
        if (chosen is null)
            throw new InvalidDataException(
                $"scene encoder '{model}': no {(outputName is null ? "output" : $"output '{outputName}'")} is an embedding " +
                $"(float32 [1, D], or [1, tokens, D] whose token 0 is the CLS token); found: {string.Join("; ", candidates)}");
        _outputName = chosen.Name;
        _tokens = chosen.Rank == 3;
        Dimension = chosen.Rank == 0 || chosen.Shape[^1] <= 0 ? 0 : (int)chosen.Shape[^1];
    }

    private static bool FitsEmbedding(IReadOnlyList<long> shape) => (shape[0] is 1 or < 0) && shape[^1] != 0;

    public OnnxSession Session { get; }

    public string Kind => "onnx";

    public string Name => System.IO.Path.GetFileNameWithoutExtension(Session.ModelPath);

    public string Label => $"onnx:{Name}";

    /// <summary>Embedding length; 0 until the first run when the model does not declare it.</summary>
    public int Dimension { get; private set; }

    /// <summary>
    /// The encoder for <paramref name="modelPath"/>, loaded once and reused (same path, file size and time, output
    /// and device). Throws <see cref="FileNotFoundException"/> for a missing file, <see cref="InvalidDataException"/>
    /// for a model that does not fit the contract, <see cref="OnnxRuntimeException"/> for one ONNX Runtime refuses.
    /// </summary>
    public static OnnxSceneEncoder Open(string modelPath, string? outputName = null, DevicePreference device = DevicePreference.Auto)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        string full = System.IO.Path.GetFullPath(modelPath);
        var file = new FileInfo(full);
        if (!file.Exists) throw new FileNotFoundException($"scene encoder model not found: '{full}'", full);
        string key = $"{full}|{file.Length}|{file.LastWriteTimeUtc.Ticks}|{outputName}|{device}";
        var lazy = new Lazy<OnnxSceneEncoder>(() => new OnnxSceneEncoder(
            new OnnxSession(full, new OnnxSessionOptions { Device = device }), outputName), LazyThreadSafetyMode.ExecutionAndPublication);
        var entry = Cache.GetOrAdd(key, lazy);
        OnnxSceneEncoder encoder;
        try
        {
            encoder = entry.Value;
        }
        catch
        {
            Cache.TryRemove(new KeyValuePair<string, Lazy<OnnxSceneEncoder>>(key, entry));
            throw;
        }
        if (ReferenceEquals(entry, lazy))
        {
            CacheOrder.Enqueue(key);
            // Evicted sessions are not disposed here (another thread may still hold the encoder and run it later);
            // ONNX Runtime's InferenceSession frees the native session in its finalizer once unreferenced.
            while (Cache.Count > CacheCapacity && CacheOrder.TryDequeue(out var oldest)) Cache.TryRemove(oldest, out _);
        }
        return encoder;
    }

    /// <summary>True for the first caller only: that result reports the load time, later ones a reused session.</summary>
    public bool ClaimLoad() => Interlocked.Exchange(ref _loadReported, 1) == 0;

    public float[] Embed(Image image) => EmbedTensor(ScenePreprocessing.ToTensor(image));

    public float[] EmbedCrop(ReadOnlySpan<byte> cropRgb) =>
        EmbedTensor(new Tensor(ScenePreprocessing.ToTensorData(cropRgb), 1, 3, ScenePreprocessing.CropSize, ScenePreprocessing.CropSize));

    /// <summary>Runs the model on an already preprocessed <c>[1,3,224,224]</c> tensor and extracts the embedding.</summary>
    public float[] EmbedTensor(Tensor input)
    {
        var result = Session.Run(_inputName, input, [_outputName]);
        var output = result[_outputName];
        string model = System.IO.Path.GetFileName(Session.ModelPath);
        var shape = output.Shape;
        float[] embedding;
        if (shape.Count == 2 && shape[0] == 1 && shape[1] > 0)
            embedding = output.Data;
        else if (shape.Count == 3 && shape[0] == 1 && shape[1] > 0 && shape[2] > 0)
        {
            embedding = output.Data.AsSpan(0, (int)shape[2]).ToArray(); // token 0 = CLS
            _usedToken0 = true;
        }
        else
            throw new InvalidDataException(
                $"scene encoder '{model}' output '{_outputName}' has shape {Tensor.FormatShape(shape)}; an embedding must be [1, D] or [1, tokens, D]");
        if (Dimension == 0) Dimension = embedding.Length;
        else if (embedding.Length != Dimension)
            throw new InvalidDataException($"scene encoder '{model}' output '{_outputName}' changed length: {embedding.Length} after {Dimension}");
        return embedding;
    }

    public SceneEncoderInfo Describe()
    {
        bool cuda = Session.ExecutionProvider == ExecutionProviders.Cuda;
        var outputMeta = Session.FindOutput(_outputName)!;
        return new SceneEncoderInfo
        {
            Kind = Kind,
            Name = Name,
            Path = Session.ModelPath,
            Provider = Session.ExecutionProvider,
            Device = cuda ? $"cuda:{Session.Options.CudaDeviceId}" : "cpu",
            ProviderNote = Session.ProviderNote,
            ProviderFallbackReason = Session.FallbackReason,
            Input = $"{_inputName}: [1,3,{ScenePreprocessing.CropSize},{ScenePreprocessing.CropSize}]",
            Output = _tokens || _usedToken0
                ? $"{_outputName} {Tensor.FormatShape(outputMeta.Shape)} -> token 0 (CLS)"
                : $"{_outputName} {Tensor.FormatShape(outputMeta.Shape)}",
            Dimension = Dimension,
            LoadMs = Session.LoadTime.TotalMilliseconds,
        };
    }

    /// <summary>Drops every cached session (tests; a replaced model file is picked up anyway by its size/time).</summary>
    public static void ClearCache()
    {
        Cache.Clear();
        while (CacheOrder.TryDequeue(out _)) { }
    }
}
