using System.Diagnostics;
using System.Text.Json.Serialization;
using CamReview.Inference;
using CamReview.Pipeline.Analyze;
using CamReview.Vision;

namespace CamReview.Pipeline.Score;

/// <summary>Settings of the scene metrics (scene preservation, flicker, subject consistency) of a generated clip.</summary>
public sealed record SceneMetricsOptions
{
    /// <summary>Environment variable the CLI (and the portal) read for <see cref="EncoderPath"/> when none is given.</summary>
    public const string EncoderVariable = "CAMREVIEW_SCENE_ENCODER";

    public const int DefaultMaxEncodedFrames = 32;

    /// <summary>The target image the clip was made from; null: no scene similarity ("no target image given").</summary>
    public string? TargetPath { get; init; }

    /// <summary>ONNX image encoder (e.g. a DINO / DINOv2 export); null: the classical fallback, and no subject consistency.</summary>
    public string? EncoderPath { get; init; }

    /// <summary>Output of the encoder holding the embedding; null: the first output shaped [1, D] or [1, T, D].</summary>
    public string? EncoderOutput { get; init; }

    [JsonConverter(typeof(JsonStringEnumConverter<DevicePreference>))]
    public DevicePreference Device { get; init; } = DevicePreference.Auto;

    /// <summary>
    /// At most this many frames are encoded, sampled uniformly over the clip (frame <c>round(k (n-1) / (m-1))</c>,
    /// first and last included); a clip with fewer frames is encoded entirely. Scene similarity and subject
    /// consistency both use this sample. Flicker always uses every frame.
    /// </summary>
    public int MaxEncodedFrames { get; init; } = DefaultMaxEncodedFrames;

    /// <summary>
    /// Checks the files exist and loads the encoder (kept in <see cref="OnnxSceneEncoder"/>'s cache), so a bad model
    /// fails before any expensive work; throws <see cref="FileNotFoundException"/>, <see cref="InvalidDataException"/>
    /// or <see cref="OnnxRuntimeException"/>.
    /// </summary>
    public void Validate()
    {
        if (MaxEncodedFrames < 2) throw new ArgumentOutOfRangeException(nameof(MaxEncodedFrames), MaxEncodedFrames, "at least 2 frames must be encoded");
        if (TargetPath is not null && !File.Exists(TargetPath))
            throw new FileNotFoundException($"target image not found: '{TargetPath}'", TargetPath);
        if (EncoderPath is not null && !File.Exists(EncoderPath))
            throw new FileNotFoundException($"scene encoder model not found: '{Path.GetFullPath(EncoderPath)}'", EncoderPath);
        if (EncoderPath is not null) OnnxSceneEncoder.Open(EncoderPath, EncoderOutput, Device);
    }
}

/// <summary>Cosine similarity of one encoded frame to the target.</summary>
public sealed record FrameSimilarity(int Frame, double Similarity);

/// <summary>
/// Scene preservation (<c>sceneSimilarity</c>): mean over the sampled output frames of
/// <c>cos(E(target), E(frame))</c>; higher is better, 1 = same embedding as the target. <see cref="Encoder"/> says
/// which encoder (<c>onnx:NAME</c> or <c>classical:NAME</c>; classical values are not comparable with DINO ones).
/// </summary>
public sealed record SceneSimilarityResult
{
    public double? Value { get; init; }

    /// <summary><c>onnx:NAME</c> or <c>classical:NAME</c>.</summary>
    public required string Encoder { get; init; }

    /// <summary>Why <see cref="Value"/> is null; null otherwise.</summary>
    public string? Reason { get; init; }

    /// <summary>The target image compared with.</summary>
    public string? Target { get; init; }

    /// <summary>Frames of the clip (all decoded).</summary>
    public int ClipFrames { get; init; }

    /// <summary>Per encoded frame, in order.</summary>
    public IReadOnlyList<FrameSimilarity> PerFrame { get; init; } = [];
}

/// <summary>
/// VBench subject consistency (<c>subjectConsistency</c>): with unit-normalized features f of the sampled frames,
/// <c>(1/(m-1)) * sum_{i=1..m-1} (max(0, cos(f_i, f_{i-1})) + max(0, cos(f_i, f_0))) / 2</c>. Only with a learned
/// encoder; null with a reason otherwise.
/// </summary>
public sealed record SubjectConsistencyResult
{
    public double? Value { get; init; }

    public string? Encoder { get; init; }

    public string? Reason { get; init; }

    /// <summary>Frames it was computed over (the encoded sample).</summary>
    public int Frames { get; init; }
}

/// <summary>Everything one decode pass of the generated clip gives.</summary>
public sealed record SceneMetricsResult
{
    public required SceneSimilarityResult SceneSimilarity { get; init; }
    public required SceneEncoderInfo SceneEncoder { get; init; }
    public required FlickerResult Flicker { get; init; }
    public required SubjectConsistencyResult SubjectConsistency { get; init; }

    /// <summary>Wall time of the pass: decoding, flicker, preprocessing and encoding (model load excluded), ms.</summary>
    public double Ms { get; init; }

    public IReadOnlyList<string> Warnings { get; init; } = [];
}

/// <summary>
/// Computes the scene metrics of a generated clip in ONE sequential decode pass: flicker from every consecutive
/// pair, the encoder on a uniform sample of at most <see cref="SceneMetricsOptions.MaxEncodedFrames"/> frames (and
/// on the target image), then scene similarity and subject consistency from those embeddings.
/// </summary>
public static class SceneSimilarity
{
    public const string NoTargetReason = "no target image given";

    /// <summary>
    /// Runs the pass. <paramref name="frameCount"/> (e.g. from the motion analysis) lets the sample be chosen while
    /// decoding; without it every frame's 224x224 crop is kept (150 KB a frame) and the sample taken at the end.
    /// Throws <see cref="FileNotFoundException"/>, <see cref="InvalidDataException"/> (an encoder that does not fit),
    /// <see cref="VisionException"/> / <see cref="MediaInputException"/> (unreadable inputs).
    /// </summary>
    public static SceneMetricsResult Compute(string generatedPath, SceneMetricsOptions? options = null, int? frameCount = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(generatedPath);
        options ??= new SceneMetricsOptions();
        MediaInput.RequireFile(generatedPath, "Generated video");
        options.Validate();

        ISceneEncoder encoder = options.EncoderPath is null
            ? ClassicalSceneEncoder.Instance
            : OnnxSceneEncoder.Open(options.EncoderPath, options.EncoderOutput, options.Device);
        var onnx = encoder as OnnxSceneEncoder;
        bool learned = onnx is not null;
        bool reused = onnx is not null && !onnx.ClaimLoad();
        long runsBefore = onnx?.Session.RunCount ?? 0;
        TimeSpan runTimeBefore = onnx?.Session.TotalRunTime ?? TimeSpan.Zero;

        var clock = Stopwatch.StartNew();
        double encodeMs = 0;
        int encoded = 0;
        float[] EmbedTimed(Func<float[]> embed)
        {
            var t = Stopwatch.StartNew();
            var e = embed();
            encodeMs += t.Elapsed.TotalMilliseconds;
            encoded++;
            return e;
        }

        float[]? target = null;
        if (options.TargetPath is not null)
        {
            using Image targetImage = Image.Load(options.TargetPath);
            target = EmbedTimed(() => encoder.Embed(targetImage));
        }
        bool encodeFrames = target is not null || learned;

        var warnings = new List<string>();
        var flicker = new FlickerMeter();
        var embeddings = new List<(int Frame, float[] Embedding)>();
        var crops = new List<byte[]>();
        HashSet<int>? wanted = frameCount is int n0 && n0 > 0 ? [.. SampleIndices(n0, options.MaxEncodedFrames)] : null;
        using (VideoReader reader = MediaInput.OpenVideo(generatedPath))
        {
            int index = 0;
            while (reader.Read(out Image? frame))
            {
                using (frame)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    flicker.Add(frame);
                    if (encodeFrames)
                    {
                        if (wanted is null) crops.Add(ScenePreprocessing.CropRgb(frame));
                        else if (wanted.Contains(index)) embeddings.Add((index, EmbedTimed(() => encoder.Embed(frame))));
                    }
                }
                index++;
            }
        }
        int frames = flicker.Frames;
        if (encodeFrames && wanted is null)
            foreach (int k in SampleIndices(frames, options.MaxEncodedFrames))
                embeddings.Add((k, EmbedTimed(() => encoder.EmbedCrop(crops[k]))));
        else if (encodeFrames && frameCount != frames)
            warnings.Add($"the clip decoded to {frames} frames, not the {frameCount} expected: the encoded sample is not uniform over the clip");
        crops.Clear();

        SceneSimilarityResult similarity;
        if (target is null)
            similarity = new SceneSimilarityResult { Encoder = encoder.Label, Reason = NoTargetReason, ClipFrames = frames };
        else if (embeddings.Count == 0)
            similarity = new SceneSimilarityResult { Encoder = encoder.Label, Reason = "the clip has no decodable frame", Target = options.TargetPath, ClipFrames = frames };
        else
        {
            var perFrame = embeddings.Select(e => new FrameSimilarity(e.Frame, Cosine(target, e.Embedding))).ToArray();
            similarity = new SceneSimilarityResult
            {
                Value = perFrame.Average(f => f.Similarity),
                Encoder = encoder.Label,
                Target = options.TargetPath,
                ClipFrames = frames,
                PerFrame = perFrame,
            };
        }

        SubjectConsistencyResult consistency = !learned
            ? new SubjectConsistencyResult { Reason = $"no image encoder configured (--encoder or {SceneMetricsOptions.EncoderVariable}); subject consistency needs learned features" }
            : embeddings.Count < 2
                ? new SubjectConsistencyResult { Encoder = encoder.Label, Reason = $"needs at least 2 frames, the clip has {frames}", Frames = embeddings.Count }
                : new SubjectConsistencyResult { Value = SubjectConsistency(embeddings.Select(e => e.Embedding).ToList()), Encoder = encoder.Label, Frames = embeddings.Count };

        var described = encoder.Describe();
        var info = described with
        {
            LoadMs = reused ? 0 : described.LoadMs,
            SessionReused = reused,
            Images = encoded,
            EncodeMs = encodeMs,
            PerImageMs = encoded == 0 ? 0 : encodeMs / encoded,
            RunMsPerImage = onnx is null || onnx.Session.RunCount == runsBefore ? null
                : (onnx.Session.TotalRunTime - runTimeBefore).TotalMilliseconds / (onnx.Session.RunCount - runsBefore),
        };
        return new SceneMetricsResult
        {
            SceneSimilarity = similarity,
            SceneEncoder = info,
            Flicker = flicker.Result(),
            SubjectConsistency = consistency,
            Ms = clock.Elapsed.TotalMilliseconds,
            Warnings = warnings,
        };
    }

    /// <summary>The frames encoded out of <paramref name="frames"/>: all of them, or <paramref name="max"/> spread uniformly (first and last included).</summary>
    public static int[] SampleIndices(int frames, int max)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(frames);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 2);
        if (frames <= max) return Enumerable.Range(0, frames).ToArray();
        return Enumerable.Range(0, max).Select(k => (int)Math.Round(k * (frames - 1) / (double)(max - 1), MidpointRounding.AwayFromZero)).ToArray();
    }

    /// <summary>Cosine similarity in double precision, clamped to [-1, 1]; 0 when either vector is zero.</summary>
    public static double Cosine(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length) throw new ArgumentException($"embeddings differ in length: {a.Length} vs {b.Length}");
        double dot = 0, na = 0, nb = 0;
        for (int i = 0; i < a.Length; i++)
        {
            dot += (double)a[i] * b[i];
            na += (double)a[i] * a[i];
            nb += (double)b[i] * b[i];
        }
        if (na == 0 || nb == 0) return 0;
        return Math.Clamp(dot / Math.Sqrt(na * nb), -1, 1);
    }

    /// <summary>VBench subject consistency of features in frame order (see <see cref="SubjectConsistencyResult"/>).</summary>
    public static double SubjectConsistency(IReadOnlyList<float[]> features)
    {
        if (features.Count < 2) throw new ArgumentException("needs at least 2 frames", nameof(features));
        double sum = 0;
        for (int i = 1; i < features.Count; i++)
            sum += (Math.Max(0, Cosine(features[i - 1], features[i])) + Math.Max(0, Cosine(features[0], features[i]))) / 2;
        return sum / (features.Count - 1);
    }
}
