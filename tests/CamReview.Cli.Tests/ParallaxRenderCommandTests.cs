using CamReview.Vision;

namespace CamReview.Cli.Tests;

/// <summary><c>camreview render --method parallax</c> through the real executable.</summary>
public sealed class ParallaxRenderCommandTests : IDisposable
{
    private readonly TestMedia _media = new();
    private readonly string _target;
    private readonly string _depth;

    public ParallaxRenderCommandTests()
    {
        _target = _media.TexturedImage("target.png", 128, 96, seed: 5);
        // 8-bit depth: a near box (40) in front of a far background (200).
        var d = new byte[128 * 96];
        for (int y = 0; y < 96; y++)
            for (int x = 0; x < 128; x++)
                d[y * 128 + x] = (byte)(x > 40 && x < 90 && y > 30 && y < 70 ? 40 : 200);
        _depth = _media.File("depth.png");
        using var img = Image.FromGray(d, 128, 96);
        img.Save(_depth);
    }

    public void Dispose() => _media.Dispose();

    [Fact]
    public async Task DollyInWithADepthMapWritesTheVideo()
    {
        var output = _media.File("dolly.mp4");
        var result = await Cli.RunAsync("render", "--trajectory", "dolly-in", "--method", "parallax", "--target", _target, "--depth", _depth,
            "--out", output, "--json");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var json = result.Json();
        Assert.Equal(49, json.GetProperty("render").GetProperty("frames").GetInt32());
        Assert.Equal("file", json.GetProperty("depthSource").GetString());
        Assert.Equal("cpu", json.GetProperty("depthDevice").GetString());
        Assert.Equal(200, json.GetProperty("medianDepth").GetDouble());
        Assert.Equal(0.24, json.GetProperty("maxParallax").GetDouble(), 9);
        Assert.True(json.GetProperty("render").GetProperty("timings").GetProperty("totalSeconds").GetDouble() > 0);
        using var video = VideoReader.Open(output);
        Assert.Equal(128, video.Width);
    }

    [Fact]
    public async Task TrajectoryFileAndDisparityMapsWork()
    {
        var traj = _media.File("traj.json");
        File.WriteAllText(traj, """{"poses": [{"t": [0, 0, 0], "r": [0, 0, 0]}, {"t": [0.0005, 0, 0], "r": [0, 0.5, 0]}, {"t": [0.001, 0, 0], "r": [0, 1, 0]}]}""");
        var output = _media.File("traj.mp4");
        var pngs = _media.File("frames");
        var result = await Cli.RunAsync("render", "--trajectory", traj, "--method", "parallax", "--target", _target, "--depth", _depth,
            "--depth-kind", "disparity", "--border", "inpaint", "--out", output, "--png-dir", pngs);
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.True(File.Exists(output));
        Assert.Equal(3, Directory.GetFiles(pngs, "frame_*.png").Length);
        Assert.Contains("traj.json", result.Stdout);
    }

    [Theory]
    [InlineData("wrong-size", "aspect")]
    [InlineData("text", "not a readable")]
    [InlineData("missing", "not found")]
    [InlineData("zeros", "no valid pixel")]
    [InlineData("bad-json", "trajectory JSON")]
    [InlineData("model-missing", "not found")]
    [InlineData("reference", "ref.mp4")]
    public async Task BadParallaxInputExitsWithOneLineAndNoOutput(string problem, string expected)
    {
        var output = _media.File($"bad-{problem}.mp4");
        string depth = _depth, trajectory = "dolly-in";
        string[] extra = [];
        switch (problem)
        {
            case "wrong-size":
                depth = _media.File("square.png");
                using (var img = Image.Filled(50, 50, 1, 100)) img.Save(depth);
                break;
            case "text":
                depth = _media.File("depth.txt");
                File.WriteAllText(depth, "hello");
                break;
            case "missing":
                depth = _media.File("nope.png");
                break;
            case "zeros":
                depth = _media.File("zeros.png");
                using (var img = Image.Filled(128, 96, 1, 0)) img.Save(depth);
                break;
            case "bad-json":
                trajectory = _media.File("bad.json");
                File.WriteAllText(trajectory, """{"poses": [{"t": [1, 2]}]}""");
                break;
        }
        string[] args = problem switch
        {
            "model-missing" => ["render", "--trajectory", trajectory, "--method", "parallax", "--target", _target, "--depth-model", _media.File("m.onnx"), "--out", output],
            "reference" => ["render", "--reference", _media.File("ref.mp4"), "--method", "parallax", "--target", _target, "--out", output],
            _ => ["render", "--trajectory", trajectory, "--method", "parallax", "--target", _target, "--depth", depth, "--out", output, .. extra],
        };
        var result = await Cli.RunAsync(args);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Stdout);
        var line = Assert.Single(result.Stderr.Trim().Split('\n'));
        Assert.StartsWith("camreview: ", line);
        Assert.Contains(expected, line, StringComparison.OrdinalIgnoreCase);
        Assert.False(File.Exists(output));
        Assert.Empty(Directory.GetFiles(_media.Dir, $"*bad-{problem}*"));
    }

    [Fact]
    public async Task AReferenceClipsCameraPathIsTransferred()
    {
        // A reference with real parallax: a truck-right over a scene with a near box, made by the parallax renderer itself.
        var scene = _media.TexturedImage("scene.png", 320, 180, seed: 9);
        var sceneDepth = _media.File("scene-depth.png");
        var d = new byte[320 * 180];
        for (int y = 0; y < 180; y++)
            for (int x = 0; x < 320; x++)
                d[y * 320 + x] = (byte)(x > 100 && x < 220 && y > 50 && y < 130 ? 60 : 240);
        using (var img = Image.FromGray(d, 320, 180)) img.Save(sceneDepth);
        var reference = _media.File("reference.mp4");
        var made = await Cli.RunAsync("render", "--trajectory", "truck-right", "--speed", "0.01", "--frames", "13", "--method", "parallax",
            "--target", scene, "--depth", sceneDepth, "--out", reference);
        Assert.True(made.ExitCode == 0, made.Stderr);

        var output = _media.File("transfer.mp4");
        var result = await Cli.RunAsync("render", "--reference", reference, "--method", "parallax", "--target", _target, "--depth", _depth,
            "--out", output, "--json");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var json = result.Json();
        Assert.Equal(13, json.GetProperty("render").GetProperty("frames").GetInt32());
        Assert.True(File.Exists(output));
        Assert.Contains("reference", json.GetProperty("render").GetProperty("motion").GetString());
    }

    [Theory]
    [InlineData("--method", "homography", "--depth", "d.png")]
    [InlineData("--method", "homography", "--trajectory", "dolly-in")]
    [InlineData("--method", "parallax", "--trajectory", "sideways")]
    public async Task DepthOptionsAndMovingPresetsNeedTheParallaxMethod(params string[] args)
    {
        string[] all = ["render", "--target", _target, "--out", _media.File("x.mp4"), .. args];
        if (!args.Contains("--trajectory")) all = [.. all, "--trajectory", "pan-left"];
        var result = await Cli.RunAsync(all);
        Assert.InRange(result.ExitCode, 1, 2);
        Assert.Single(result.Stderr.Trim().Split('\n'));
        Assert.False(File.Exists(_media.File("x.mp4")));
    }

    [Fact]
    public async Task WithoutDepthTheParallaxMethodFallsBackToPlanarAndTheModelVariableIsHonoured()
    {
        var output = _media.File("planar.mp4");
        string[] args = ["render", "--trajectory", "pan-right", "--method", "parallax", "--target", _target, "--frames", "5", "--out", output, "--json"];
        var result = await RunWithModelVariableAsync(null, args);
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal("planar", result.Json().GetProperty("depthSource").GetString());

        var missing = _media.File("env-model.onnx");
        File.Delete(output);
        var viaEnv = await RunWithModelVariableAsync(missing, args);
        Assert.Equal(1, viaEnv.ExitCode);
        Assert.Contains("env-model.onnx", viaEnv.Stderr);
        Assert.False(File.Exists(output));
    }

    private static async Task<Cli.Result> RunWithModelVariableAsync(string? model, string[] args)
    {
        var info = Cli.StartInfo(args);
        if (model is null) info.Environment.Remove("CAMREVIEW_DEPTH_MODEL");
        else info.Environment["CAMREVIEW_DEPTH_MODEL"] = model;
        using var process = System.Diagnostics.Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return new Cli.Result(process.ExitCode, await stdout, await stderr);
    }
}
