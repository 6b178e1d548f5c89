using CamReview.Pipeline.Score;
using CamReview.Testing.Onnx;
using CamReview.Vision;

namespace CamReview.Pipeline.Tests;

/// <summary>Tiny encoders whose embeddings are known by hand, written once for the class.</summary>
public sealed class SceneEncoderModels : IDisposable
{
    public SceneEncoderModels()
    {
        Dir = Directory.CreateTempSubdirectory("camreview-scene-").FullName;

        // Embedding = per-channel mean of the preprocessed tensor: [1,3].
        ChannelMean = new OnnxModelBuilder()
            .Input("pixel_values", 1, 3, 224, 224)
            .Node("ReduceMean", ["pixel_values"], ["embedding"], OnnxAttribute.Ints("axes", 2, 3), OnnxAttribute.Int("keepdims", 0))
            .Output("embedding", 1, 3)
            .Save(Path.Combine(Dir, "channel_mean.onnx"));

        // The preprocessed tensor itself, flattened: [1, 3*224*224].
        Flatten = new OnnxModelBuilder()
            .Input("x", -1, 3, -1, -1)
            .Node("Flatten", ["x"], ["flat"], OnnxAttribute.Int("axis", 1))
            .Output("flat", -1, -1)
            .Save(Path.Combine(Dir, "flatten.onnx"));

        // Tokens [1, 3, 3]: token 0 = the channel means (the "CLS"), tokens 1-2 constant 9.
        Tokens = new OnnxModelBuilder()
            .Input("x", 1, 3, 224, 224)
            .Initializer("patches", Enumerable.Repeat(9f, 6).ToArray(), 1, 2, 3)
            .Int64Initializer("shape", [1, 1, 3], 3)
            .Node("ReduceMean", ["x"], ["mean"], OnnxAttribute.Ints("axes", 2, 3), OnnxAttribute.Int("keepdims", 0))
            .Node("Reshape", ["mean", "shape"], ["cls"])
            .Node("Concat", ["cls", "patches"], ["last_hidden_state"], OnnxAttribute.Int("axis", 1))
            .Output("last_hidden_state", 1, 3, 3)
            .Save(Path.Combine(Dir, "tokens.onnx"));

        Small = new OnnxModelBuilder()
            .Input("x", 1, 3, 112, 112)
            .Node("ReduceMean", ["x"], ["y"], OnnxAttribute.Ints("axes", 2, 3), OnnxAttribute.Int("keepdims", 0))
            .Output("y", 1, 3)
            .Save(Path.Combine(Dir, "input112.onnx"));

        ImageOut = new OnnxModelBuilder()
            .Input("x", 1, 3, 224, 224)
            .Node("Identity", ["x"], ["y"])
            .Output("y", 1, 3, 224, 224)
            .Save(Path.Combine(Dir, "image_out.onnx"));

        // Two outputs: 'features' [1,3] (first) and 'pooled' [1,3] = 2 * features.
        TwoOutputs = new OnnxModelBuilder()
            .Input("x", 1, 3, 224, 224)
            .Initializer("two", [2f], 1)
            .Node("ReduceMean", ["x"], ["features"], OnnxAttribute.Ints("axes", 2, 3), OnnxAttribute.Int("keepdims", 0))
            .Node("Mul", ["features", "two"], ["pooled"])
            .Output("features", 1, 3)
            .Output("pooled", 1, 3)
            .Save(Path.Combine(Dir, "two_outputs.onnx"));
    }

    public string Dir { get; }
    public string ChannelMean { get; }
    public string Flatten { get; }
    public string Tokens { get; }
    public string Small { get; }
    public string ImageOut { get; }
    public string TwoOutputs { get; }

    public void Dispose()
    {
        OnnxSceneEncoder.ClearCache();
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { }
    }
}

public sealed class SceneSimilarityTests(SceneEncoderModels models) : IClassFixture<SceneEncoderModels>
{
    // The per-channel mean embedding of a constant-colour image, computed by hand from the ImageNet mean/std.
    private static double[] HandEmbedding(byte r, byte g, byte b) =>
        [(r / 255.0 - 0.485) / 0.229, (g / 255.0 - 0.456) / 0.224, (b / 255.0 - 0.406) / 0.225];

    private static double HandCosine(double[] a, double[] b)
    {
        double dot = a.Zip(b, (x, y) => x * y).Sum();
        return dot / Math.Sqrt(a.Sum(x => x * x) * b.Sum(x => x * x));
    }

    [Theory]
    [InlineData(640, 360, 455, 256)]
    [InlineData(360, 640, 256, 455)]
    [InlineData(256, 256, 256, 256)]
    [InlineData(1920, 1080, 455, 256)]
    [InlineData(100, 50, 512, 256)]
    public void ResizeKeepsTheAspectWithTheShorterSideAt256(int w, int h, int ew, int eh) =>
        Assert.Equal((ew, eh), ScenePreprocessing.ResizedSize(w, h));

    [Fact]
    public void CentreCropOffsetsRoundHalfToEvenLikeTorchvision()
    {
        Assert.Equal((116, 16), ScenePreprocessing.CropOffset(455, 256)); // (455-224)/2 = 115.5 -> 116
        Assert.Equal((16, 16), ScenePreprocessing.CropOffset(256, 256));
        Assert.Equal((144, 16), ScenePreprocessing.CropOffset(512, 256));
    }

    [Theory]
    [InlineData(512, 256)] // already at the resized size: the crop starts at (144, 16)
    [InlineData(256, 512)] // portrait: the crop starts at (16, 144)
    public void PreprocessingCropsTheCentreAndNormalizesRgbWithImageNetStatistics(int w, int h)
    {
        // Pixel (x, y): B = x % 256, G = y % 256, R = (x + 2y) % 256.
        var bgr = new byte[w * h * 3];
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
        {
            int i = (y * w + x) * 3;
            (bgr[i], bgr[i + 1], bgr[i + 2]) = ((byte)(x % 256), (byte)(y % 256), (byte)((x + 2 * y) % 256));
        }
        using var image = Image.FromBgr(bgr, w, h);
        var (left, top) = ScenePreprocessing.CropOffset(w, h);
        Assert.Equal(w > h ? (144, 16) : (16, 144), (left, top));

        // The model outputs its input (flattened): the tensor the encoder is fed.
        var fed = OnnxSceneEncoder.Open(models.Flatten).Embed(image);
        Assert.Equal(3 * 224 * 224, fed.Length);
        const int plane = 224 * 224;
        for (int row = 0; row < 224; row += 37)
        for (int col = 0; col < 224; col += 29)
        {
            int x = left + col, y = top + row;
            double r = (x + 2 * y) % 256, g = y % 256, b = x % 256;
            Assert.Equal((r / 255 - 0.485) / 0.229, fed[0 * plane + row * 224 + col], 1e-5);
            Assert.Equal((g / 255 - 0.456) / 0.224, fed[1 * plane + row * 224 + col], 1e-5);
            Assert.Equal((b / 255 - 0.406) / 0.225, fed[2 * plane + row * 224 + col], 1e-5);
        }
        Assert.Equal(ScenePreprocessing.ToTensor(image).Data, fed);
    }

    [Fact]
    public void TheEncoderPathGivesTheHandComputedCosines()
    {
        using var dir = new SyntheticClips.TempFolder();
        const int w = 96, h = 64;
        string target = dir.File("target.png");
        using (var t = Image.FromBgr(LosslessClips.Constant(w, h, 50, 100, 200), w, h)) t.Save(target);
        // Frames 0-1 equal the target (R=200, G=100, B=50); frames 2-3 colour-shifted (R=230, G=200, B=50).
        byte[] same = LosslessClips.Constant(w, h, 50, 100, 200), shifted = LosslessClips.Constant(w, h, 50, 200, 230);
        string clip = LosslessClips.Write(dir.File("clip.avi"), w, h, [same, same, shifted, shifted]);

        var result = SceneSimilarity.Compute(clip, new SceneMetricsOptions { TargetPath = target, EncoderPath = models.ChannelMean });

        double c = HandCosine(HandEmbedding(200, 100, 50), HandEmbedding(230, 200, 50)); // about 0.69
        Assert.True(c is > 0.5 and < 0.9, $"the shift should matter: {c}");
        var perFrame = result.SceneSimilarity.PerFrame;
        Assert.Equal([0, 1, 2, 3], perFrame.Select(f => f.Frame));
        // Identical inputs give bit-identical embeddings; the model's float32 mean costs ~1e-5 against the hand value.
        Assert.Equal(1.0, perFrame[0].Similarity, 12);
        Assert.Equal(1.0, perFrame[1].Similarity, 12);
        Assert.Equal(c, perFrame[2].Similarity, 1e-4);
        Assert.Equal(c, perFrame[3].Similarity, 1e-4);
        Assert.Equal((2 + 2 * c) / 4, result.SceneSimilarity.Value!.Value, 1e-4);
        Assert.Equal("onnx:channel_mean", result.SceneSimilarity.Encoder);
        Assert.Null(result.SceneSimilarity.Reason);

        // VBench subject consistency over f = [a, a, b, b]: i=1: (1+1)/2; i=2: (c'+c')/2; i=3: (1+c')/2; mean of the three.
        double cp = Math.Max(0, c);
        Assert.Equal((1 + cp + (1 + cp) / 2) / 3, result.SubjectConsistency.Value!.Value, 1e-4);
        Assert.Equal(4, result.SubjectConsistency.Frames);

        var info = result.SceneEncoder;
        Assert.Equal("onnx", info.Kind);
        Assert.Equal("channel_mean", info.Name);
        Assert.Equal("CPUExecutionProvider", info.Provider);
        Assert.Equal("cpu", info.Device);
        Assert.Equal(3, info.Dimension);
        Assert.Equal(5, info.Images); // target + 4 frames
        Assert.True(info.PerImageMs > 0 && info.RunMsPerImage > 0);
    }

    [Fact]
    public void TokenOutputsUseTokenZero()
    {
        using var image = Image.FromBgr(LosslessClips.Constant(64, 64, 50, 100, 200), 64, 64);
        var encoder = OnnxSceneEncoder.Open(models.Tokens);
        var embedding = encoder.Embed(image);
        var expected = HandEmbedding(200, 100, 50);
        Assert.Equal(3, embedding.Length);
        for (int i = 0; i < 3; i++) Assert.Equal(expected[i], embedding[i], 1e-4); // float32 ReduceMean over 224*224 values
        Assert.Contains("token 0 (CLS)", encoder.Describe().Output);
    }

    [Fact]
    public void TheOutputCanBeChosenByName()
    {
        using var image = Image.FromBgr(LosslessClips.Constant(64, 64, 50, 100, 200), 64, 64);
        var first = OnnxSceneEncoder.Open(models.TwoOutputs).Embed(image);
        var pooled = OnnxSceneEncoder.Open(models.TwoOutputs, "pooled").Embed(image);
        for (int i = 0; i < 3; i++) Assert.Equal(2 * first[i], pooled[i], 1e-5);
        var e = Assert.Throws<InvalidDataException>(() => OnnxSceneEncoder.Open(models.TwoOutputs, "cls"));
        Assert.Contains("no output 'cls'", e.Message);
        Assert.Contains("pooled", e.Message);
    }

    [Fact]
    public void ModelsThatDoNotFitFailClearly()
    {
        var small = Assert.Throws<InvalidDataException>(() => OnnxSceneEncoder.Open(models.Small));
        Assert.Contains("[1,3,112,112]", small.Message);
        Assert.Contains("[1,3,224,224]", small.Message);

        var missing = Assert.Throws<FileNotFoundException>(() => OnnxSceneEncoder.Open(Path.Combine(models.Dir, "nope.onnx")));
        Assert.Contains("nope.onnx", missing.Message);

        var image = Assert.Throws<InvalidDataException>(() => OnnxSceneEncoder.Open(models.ImageOut));
        Assert.Contains("[1, D]", image.Message);
        Assert.Contains("y: Float[1,3,224,224]", image.Message);

        // The same checks run before any decoding through the options.
        Assert.Throws<InvalidDataException>(() => new SceneMetricsOptions { EncoderPath = models.Small }.Validate());
        Assert.Throws<FileNotFoundException>(() => new SceneMetricsOptions { TargetPath = Path.Combine(models.Dir, "none.png") }.Validate());
    }

    [Fact]
    public void OneSessionServesEveryCallForAModel()
    {
        var a = OnnxSceneEncoder.Open(models.ChannelMean);
        var b = OnnxSceneEncoder.Open(Path.Combine(models.Dir, ".", "channel_mean.onnx"));
        Assert.Same(a, b);
    }

    [Fact]
    public void TheClassicalFallbackIsOneForIdenticalImagesAndLowerForUnrelatedOnes()
    {
        using var scene = SyntheticClips.Texture(1);
        using var same = scene.Clone();
        using var other = SyntheticClips.Texture(4);
        var encoder = ClassicalSceneEncoder.Instance;
        var e = encoder.Embed(scene);
        Assert.Equal(ClassicalSceneEncoder.Dimension, e.Length);
        Assert.Equal(1.0, SceneSimilarity.Cosine(e, encoder.Embed(same)), 12);

        // The same scene re-framed (a 90% centre region) stays closer than an unrelated scene.
        using var reframed = Crop(scene, 0.9);
        double near = SceneSimilarity.Cosine(e, encoder.Embed(reframed));
        double far = SceneSimilarity.Cosine(e, encoder.Embed(other));
        using var gradient = Image.FromBgr(Gradient(320, 240), 320, 240);
        double unrelated = SceneSimilarity.Cosine(e, encoder.Embed(gradient));
        Assert.True(near > far && near > 0.8, $"reframed {near:F3}, other texture {far:F3}");
        Assert.True(unrelated < 0.5, $"gradient {unrelated:F3}");
        Assert.StartsWith("classical:", encoder.Label);
        Assert.Contains("not comparable", encoder.Describe().Note);
    }

    [Fact]
    public void WithoutAModelEverythingSaysClassicalAndSubjectConsistencyIsNull()
    {
        using var dir = new SyntheticClips.TempFolder();
        const int w = 96, h = 64;
        string target = dir.File("target.png");
        byte[] frame = LosslessClips.Constant(w, h, 50, 100, 200);
        using (var t = Image.FromBgr(frame, w, h)) t.Save(target);
        string clip = LosslessClips.Write(dir.File("clip.avi"), w, h, [frame, frame, frame]);

        var result = SceneSimilarity.Compute(clip, new SceneMetricsOptions { TargetPath = target });
        Assert.Equal(1.0, result.SceneSimilarity.Value!.Value, 12);
        Assert.StartsWith("classical:", result.SceneSimilarity.Encoder);
        Assert.Equal("classical", result.SceneEncoder.Kind);
        Assert.Null(result.SubjectConsistency.Value);
        Assert.Contains("no image encoder configured", result.SubjectConsistency.Reason);
        Assert.Equal(1.0, result.Flicker.Value);

        var noTarget = SceneSimilarity.Compute(clip);
        Assert.Null(noTarget.SceneSimilarity.Value);
        Assert.Equal(SceneSimilarity.NoTargetReason, noTarget.SceneSimilarity.Reason);
        Assert.Equal(0, noTarget.SceneEncoder.Images);
    }

    [Fact]
    public void ManyFramesAreSampledUniformly()
    {
        Assert.Equal([0, 1, 2], SceneSimilarity.SampleIndices(3, 32));
        var sample = SceneSimilarity.SampleIndices(100, 32);
        Assert.Equal(32, sample.Length);
        Assert.Equal(0, sample[0]);
        Assert.Equal(99, sample[^1]);
        Assert.Equal(sample.Length, sample.Distinct().Count());
        Assert.Equal([0, 50, 99], SceneSimilarity.SampleIndices(100, 3));
    }

    [Fact]
    public void TheScorerAddsTheSceneMetricsOnlyWhenAsked()
    {
        var clip = SyntheticClips.GetOrRender("scene-static-12", () => new SyntheticClipSpec
        {
            Frames = 12, Width = 320, Height = 192, Motion = SyntheticClips.Constant(SyntheticClips.Shift(0), 12),
        });
        using var dir = new SyntheticClips.TempFolder();
        string target = dir.File("target.png");
        using (var first = MediaFirstFrame(clip.Path)) first.Save(target);
        var scorer = new ClipScorer();

        var plain = scorer.Score(clip.Path, clip.Path);
        Assert.Null(plain.SceneSimilarity);
        Assert.Null(plain.Flicker);

        var scored = scorer.Score(clip.Path, clip.Path, new ScoreOptions
        {
            Scene = new SceneMetricsOptions { TargetPath = target, EncoderPath = models.ChannelMean },
        });
        Assert.True(scored.SceneSimilarity!.Value > 0.999);
        Assert.Equal(12, scored.SceneSimilarity.PerFrame.Count);
        Assert.True(scored.Flicker!.Value > 0.99);
        Assert.Equal(11, scored.Flicker.Pairs);
        Assert.True(scored.SubjectConsistency!.Value > 0.999);
        Assert.Equal("channel_mean", scored.SceneEncoder!.Name);
        Assert.True(scored.SceneMs > 0);
    }

    private static Image MediaFirstFrame(string path)
    {
        using var reader = VideoReader.Open(path);
        Assert.True(reader.Read(out var frame));
        return frame;
    }

    private static Image Crop(Image image, double fraction)
    {
        int w = (int)(image.Width * fraction), h = (int)(image.Height * fraction);
        int left = (image.Width - w) / 2, top = (image.Height - h) / 2;
        var src = image.CopyBytes();
        var dst = new byte[w * h * 3];
        for (int y = 0; y < h; y++) Array.Copy(src, ((top + y) * image.Width + left) * 3, dst, y * w * 3, w * 3);
        return Image.FromBgr(dst, w, h);
    }

    private static byte[] Gradient(int w, int h)
    {
        var bgr = new byte[w * h * 3];
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
        {
            int i = (y * w + x) * 3;
            (bgr[i], bgr[i + 1], bgr[i + 2]) = ((byte)(255 * x / w), (byte)(40 + 100 * y / h), 30);
        }
        return bgr;
    }
}
