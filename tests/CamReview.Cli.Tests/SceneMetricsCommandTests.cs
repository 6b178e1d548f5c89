using CamReview.Testing.Onnx;
using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace CamReview.Cli.Tests;

/// <summary>
/// <c>score</c>'s scene metrics through the real executable: sceneSimilarity (classical fallback and an ONNX
/// encoder), sceneEncoder, flicker, subjectConsistency, and bad encoder/target input.
/// </summary>
public sealed class SceneMetricsCommandTests : IClassFixture<SceneMetricsCommandTests.Clips>
{
    /// <summary>A tiny image encoder: input x [1,3,S,S] -> the mean of each channel -> embedding [1,3].</summary>
    private static OnnxModelBuilder TinyEncoder(int size) => new OnnxModelBuilder()
        .Input("x", 1, 3, size, size)
        .Output("embedding", 1, 3)
        .Node("ReduceMean", ["x"], ["embedding"], OnnxAttribute.Ints("axes", 2, 3), OnnxAttribute.Int("keepdims", 0));

    /// <summary>A 12-frame pan over a textured image (the target), another image, and a tiny encoder model.</summary>
    public sealed class Clips : IAsyncLifetime
    {
        public TestMedia Media { get; } = new();
        public string Target { get; private set; } = "";
        public string Other { get; private set; } = "";
        public string Pan { get; private set; } = "";
        public string Encoder { get; private set; } = "";
        public string SmallInputEncoder { get; private set; } = "";

        public async Task InitializeAsync()
        {
            Target = Media.TexturedImage("target.png", 480, 272, seed: 3);
            Other = Media.TexturedImage("other.png", 480, 272, seed: 9);
            Pan = Media.File("pan.mp4");
            var render = await Cli.RunAsync("render", "--trajectory", "pan-right", "--speed", "0.3", "--frames", "12",
                "--target", Target, "--out", Pan, "--json");
            Assert.True(render.ExitCode == 0, render.Stderr);
            Encoder = Media.File("tiny.onnx");
            TinyEncoder(224).Save(Encoder);
            SmallInputEncoder = Media.File("small.onnx");
            TinyEncoder(112).Save(SmallInputEncoder);
        }

        public Task DisposeAsync()
        {
            Media.Dispose();
            return Task.CompletedTask;
        }
    }

    private readonly Clips _clips;

    public SceneMetricsCommandTests(Clips clips) => _clips = clips;

    private static async Task<Cli.Result> RunAsync(IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var info = Cli.StartInfo(args);
        foreach (var (key, value) in environment)
            if (value is null) info.Environment.Remove(key);
            else info.Environment[key] = value;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return new Cli.Result(process.ExitCode, await stdout, await stderr);
    }

    // No encoder from the environment of whoever runs the tests.
    private static readonly Dictionary<string, string?> Clean = new() { ["CAMREVIEW_SCENE_ENCODER"] = null };

    [Fact]
    public async Task WithATargetTheClassicalFallbackIsUsedAndLabelled()
    {
        var result = await RunAsync(Clean, "score", "--reference", _clips.Pan, "--generated", _clips.Pan, "--target", _clips.Target, "--json");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var json = result.Json();
        Assert.Equal(0.0, json.GetProperty("cameraScore").GetDouble(), 12); // the existing fields stay

        var scene = json.GetProperty("sceneSimilarity");
        double similarity = scene.GetProperty("value").GetDouble();
        Assert.InRange(similarity, 0.6, 1.0); // a pan over the target keeps most of its content
        Assert.StartsWith("classical:", scene.GetProperty("encoder").GetString());
        Assert.Equal(JsonValueKind.Null, scene.GetProperty("reason").ValueKind);
        Assert.Equal(12, scene.GetProperty("perFrame").GetArrayLength());

        var encoder = json.GetProperty("sceneEncoder");
        Assert.Equal("classical", encoder.GetProperty("kind").GetString());
        Assert.Contains("not comparable", encoder.GetProperty("note").GetString());

        var flicker = json.GetProperty("flicker");
        Assert.InRange(flicker.GetProperty("value").GetDouble(), 0.5, 1.0);
        Assert.Equal(11, flicker.GetProperty("pairs").GetInt32());

        var consistency = json.GetProperty("subjectConsistency");
        Assert.Equal(JsonValueKind.Null, consistency.GetProperty("value").ValueKind);
        Assert.Contains("no image encoder configured", consistency.GetProperty("reason").GetString());

        // An unrelated target scores clearly lower.
        var other = (await RunAsync(Clean, "score", "--reference", _clips.Pan, "--generated", _clips.Pan, "--target", _clips.Other, "--json")).Json();
        double unrelated = other.GetProperty("sceneSimilarity").GetProperty("value").GetDouble();
        Assert.True(unrelated < similarity - 0.1, $"target {similarity:F3}, unrelated {unrelated:F3}");
    }

    [Fact]
    public async Task WithoutATargetSceneSimilarityIsNullWithAReason()
    {
        var result = await RunAsync(Clean, "score", "--reference", _clips.Pan, "--generated", _clips.Pan, "--json");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var json = result.Json();
        var scene = json.GetProperty("sceneSimilarity");
        Assert.Equal(JsonValueKind.Null, scene.GetProperty("value").ValueKind);
        Assert.Equal("no target image given", scene.GetProperty("reason").GetString());
        Assert.Equal(JsonValueKind.Number, json.GetProperty("flicker").GetProperty("value").ValueKind);
    }

    [Fact]
    public async Task AnOnnxEncoderIsNamedWithItsProvider()
    {
        var result = await RunAsync(Clean, "score", "--reference", _clips.Pan, "--generated", _clips.Pan, "--target", _clips.Target,
            "--encoder", _clips.Encoder, "--json");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var json = result.Json();
        var encoder = json.GetProperty("sceneEncoder");
        Assert.Equal("onnx", encoder.GetProperty("kind").GetString());
        Assert.Equal("tiny", encoder.GetProperty("name").GetString());
        Assert.Equal(Path.GetFullPath(_clips.Encoder), encoder.GetProperty("path").GetString());
        Assert.Equal("CPUExecutionProvider", encoder.GetProperty("provider").GetString());
        Assert.Equal("cpu", encoder.GetProperty("device").GetString());
        Assert.Equal(13, encoder.GetProperty("images").GetInt32()); // target + 12 frames
        Assert.True(encoder.GetProperty("perImageMs").GetDouble() > 0);
        Assert.Equal("onnx:tiny", json.GetProperty("sceneSimilarity").GetProperty("encoder").GetString());
        Assert.InRange(json.GetProperty("sceneSimilarity").GetProperty("value").GetDouble(), 0.5, 1.0);
        Assert.InRange(json.GetProperty("subjectConsistency").GetProperty("value").GetDouble(), 0.5, 1.0);

        // The same from the environment.
        var fromEnv = await RunAsync(new Dictionary<string, string?> { ["CAMREVIEW_SCENE_ENCODER"] = _clips.Encoder },
            "score", "--reference", _clips.Pan, "--generated", _clips.Pan, "--json");
        Assert.True(fromEnv.ExitCode == 0, fromEnv.Stderr);
        Assert.Equal("tiny", fromEnv.Json().GetProperty("sceneEncoder").GetProperty("name").GetString());
    }

    [Fact]
    public async Task BadEncoderOrTargetExitsOneWithOneLine()
    {
        var missing = _clips.Media.File("no-such-model.onnx");
        foreach (var (args, expected) in new (string[], string)[]
                 {
                     (["--encoder", missing], "no-such-model.onnx"),
                     (["--encoder", _clips.SmallInputEncoder], "[1,3,112,112]"),
                     (["--target", _clips.Media.File("no-such-target.png")], "no-such-target.png"),
                 })
        {
            var result = await RunAsync(Clean, ["score", "--reference", _clips.Pan, "--generated", _clips.Pan, .. args, "--json"]);
            Assert.Equal(1, result.ExitCode);
            Assert.Equal("", result.Stdout);
            var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith("camreview: ", line);
            Assert.Contains(expected, line);
        }
    }
}
