using CamReview.Pipeline.Depth;
using CamReview.Testing.Onnx;
using CamReview.Vision;

namespace CamReview.Pipeline.Tests;

public sealed class DepthInputTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("camreview-depth-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string P(string name) => Path.Combine(_dir, name);

    [Fact]
    public void SixteenBitPngKeepsFullPrecision()
    {
        const int w = 37, h = 11;
        var values = new ushort[w * h];
        for (int k = 0; k < values.Length; k++) values[k] = (ushort)(1 + k * 157 % 65535);
        DepthPng.WriteGray(P("d16.png"), values, w, h, 16);
        var map = DepthMapFile.Load(P("d16.png"), DepthKind.Depth);
        Assert.Equal((w, h), (map.Width, map.Height));
        for (int k = 0; k < values.Length; k++) Assert.Equal(values[k], map.Values[k]);
        Assert.True(values.Max() > 255);
    }

    [Fact]
    public void EightBitPngFromOpenCvIsReadExactly()
    {
        // Written by OpenCV (its own filters and compression): the managed decoder must agree with OpenCV's reader.
        const int w = 50, h = 30;
        var gray = new byte[w * h];
        for (int k = 0; k < gray.Length; k++) gray[k] = (byte)(1 + (k * 7 + k / w * 13) % 250);
        using (var img = Image.FromGray(gray, w, h)) img.Save(P("d8.png"));
        var map = DepthMapFile.Load(P("d8.png"), DepthKind.Depth);
        for (int k = 0; k < gray.Length; k++) Assert.Equal(gray[k], map.Values[k]);
        // Disparity: Z = 1 / d.
        var disp = DepthMapFile.Load(P("d8.png"), DepthKind.Disparity);
        Assert.Equal(1f / gray[7], disp.Values[7], 6);
    }

    [Fact]
    public void ZeroAndNegativeDisparitiesAreInvalidAndFilled()
    {
        float[] d = [2, 0, -3, 4, float.NaN, 4];
        var map = DepthMap.FromDisparity(d, 3, 2);
        Assert.Equal(3, map.InvalidPixels);
        Assert.All(map.Values, z => Assert.True(z > 0 && float.IsFinite(z)));
        Assert.Equal(0.5f, map[0, 0]);
        Assert.Equal(0.5f, map[1, 0]);   // filled from its left neighbour
        Assert.Equal(0.25f, map[0, 1]);
        var e = Assert.Throws<InvalidDataException>(() => DepthMap.FromDisparity(new float[] { 0, -1, 0, 0 }, 2, 2));
        Assert.Contains("no valid pixel", e.Message);
    }

    [Fact]
    public void SizeMismatchResizesSameAspectAndRefusesOthers()
    {
        var half = DepthMap.FromDepth(Enumerable.Range(1, 8 * 6).Select(i => (float)i).ToArray(), 8, 6);
        var full = half.ForTarget(16, 12);
        Assert.Equal((16, 12), (full.Width, full.Height));
        Assert.Equal(half[3, 2], full[7, 5]);
        var e = Assert.Throws<InvalidDataException>(() => half.ForTarget(16, 16));
        Assert.Contains("aspect", e.Message);
    }

    [Fact]
    public void UnreadableAndMissingFilesGiveClearErrors()
    {
        File.WriteAllBytes(P("bad.png"), [137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 1, 2]);
        var e = Assert.Throws<InvalidDataException>(() => DepthMapFile.Load(P("bad.png"), DepthKind.Depth));
        Assert.Contains("bad.png", e.Message);
        File.WriteAllText(P("text.png"), "not an image");
        Assert.Throws<InvalidDataException>(() => DepthMapFile.Load(P("text.png"), DepthKind.Depth));
        Assert.Throws<FileNotFoundException>(() => DepthMapFile.Load(P("missing.png"), DepthKind.Depth));
        DepthPng.WriteGray(P("zeros.png"), new ushort[16], 4, 4, 16);
        Assert.Contains("no valid pixel", Assert.Throws<InvalidDataException>(() => DepthMapFile.Load(P("zeros.png"), DepthKind.Depth)).Message);
    }

    [Fact]
    public void TinyOnnxDepthModelRunsEndToEnd()
    {
        // "Inverse depth" = mean of the normalised RGB channels: brighter = nearer.
        string model = new OnnxModelBuilder()
            .Input("image", 1, 3, 28, 28)
            .Node("ReduceMean", ["image"], ["inverse_depth"], OnnxAttribute.Ints("axes", 1), OnnxAttribute.Int("keepdims", 1))
            .Output("inverse_depth", 1, 1, 28, 28)
            .Save(P("tiny_depth.onnx"));
        const int w = 64, h = 48;
        var bgr = new byte[w * h * 3];
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
        {
            byte v = (byte)(x < w / 2 ? 40 : 220);
            bgr[3 * (y * w + x)] = bgr[3 * (y * w + x) + 1] = bgr[3 * (y * w + x) + 2] = v;
        }
        using var img = Image.FromBgr(bgr, w, h);
        using var estimator = new OnnxDepthEstimator(model, new OnnxDepthOptions { Device = Inference.DevicePreference.Cpu });
        var est = estimator.Estimate(img);
        Assert.Equal("model", est.Source);
        Assert.Equal("cpu", est.Device);
        Assert.Equal(Inference.ExecutionProviders.Cpu, est.ExecutionProvider);
        Assert.Equal((w, h), (est.Map.Width, est.Map.Height));
        Assert.True(est.InferenceSeconds > 0);
        // Dark half (low inverse depth) is far (10), bright half near (1).
        Assert.Equal(10, est.Map[2, 10], 3);
        Assert.Equal(1, est.Map[w - 3, 10], 3);
    }

    [Fact]
    public void DepthModelsWithWrongShapesAreRefusedClearly()
    {
        string rank2 = new OnnxModelBuilder()
            .Input("image", 1, 3, 28, 28)
            .Node("ReduceMean", ["image"], ["d"], OnnxAttribute.Ints("axes", 0, 1), OnnxAttribute.Int("keepdims", 0))
            .Output("d", 28, 28)
            .Save(P("rank2.onnx"));
        var e = Assert.Throws<InvalidDataException>(() => new OnnxDepthEstimator(rank2));
        Assert.Contains("[1,H,W] or [1,1,H,W]", e.Message);

        string gray = new OnnxModelBuilder()
            .Input("image", 1, 1, 28, 28)
            .Node("Identity", ["image"], ["d"])
            .Output("d", 1, 1, 28, 28)
            .Save(P("gray.onnx"));
        Assert.Contains("[1,3,H,W]", Assert.Throws<InvalidDataException>(() => new OnnxDepthEstimator(gray)).Message);

        // Rank 4 but three channels out: caught when it runs.
        string rgbOut = new OnnxModelBuilder()
            .Input("image", 1, 3, 28, 28)
            .Node("Identity", ["image"], ["d"])
            .Output("d", 1, 3, 28, 28)
            .Save(P("rgbout.onnx"));
        using var est = new OnnxDepthEstimator(rgbOut, new OnnxDepthOptions { Device = Inference.DevicePreference.Cpu });
        using var img = Image.Filled(32, 32, 3, 100);
        Assert.Contains("[1,H,W] or [1,1,H,W]", Assert.Throws<InvalidDataException>(() => est.Estimate(img)).Message);
        Assert.Throws<FileNotFoundException>(() => new OnnxDepthEstimator(P("none.onnx")));
    }
}
