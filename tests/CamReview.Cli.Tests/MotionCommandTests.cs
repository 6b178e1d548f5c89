using System.Text.Json;
using CamReview.Vision;

namespace CamReview.Cli.Tests;

/// <summary>homography, analyze, score and render through the real executable: the JSON contract scripts rely on,
/// known-truth checks, and bad input.</summary>
public sealed class MotionCommandTests : IClassFixture<MotionCommandTests.Clips>
{
    /// <summary>Clips rendered once for the class: a pan-right reference and a static clip of the same image.</summary>
    public sealed class Clips : IAsyncLifetime
    {
        public TestMedia Media { get; } = new();
        public string Scene { get; private set; } = "";
        public string OtherScene { get; private set; } = "";
        public string PanRight { get; private set; } = "";
        public string Static { get; private set; } = "";

        public async Task InitializeAsync()
        {
            Scene = Media.TexturedImage("scene.png", 640, 360, seed: 1);
            OtherScene = Media.TexturedImage("other.png", 480, 320, seed: 2);
            PanRight = Media.File("pan-right.mp4");
            Static = Media.File("static.mp4");
            foreach (var (path, speed) in new[] { (PanRight, "0.4"), (Static, "0") })
            {
                var result = await Cli.RunAsync("render", "--trajectory", "pan-right", "--speed", speed, "--frames", "25",
                    "--target", Scene, "--out", path, "--json");
                Assert.True(result.ExitCode == 0, result.Stderr);
            }
        }

        public Task DisposeAsync()
        {
            Media.Dispose();
            return Task.CompletedTask;
        }
    }

    private readonly Clips _clips;
    private readonly Xunit.Abstractions.ITestOutputHelper _output;

    public MotionCommandTests(Clips clips, Xunit.Abstractions.ITestOutputHelper output) => (_clips, _output) = (clips, output);

    [Fact]
    public async Task HomographyRecoversAKnownWarp()
    {
        // B is A under a known homography (rotation, scale, shift, mild perspective).
        double[] truth = [1.05 * Math.Cos(0.05), -1.05 * Math.Sin(0.05), 12, 1.05 * Math.Sin(0.05), 1.05 * Math.Cos(0.05), -8, 2e-5, -1e-5, 1];
        var a = _clips.Scene;
        var b = _clips.Media.File("warped.png");
        using (var image = Image.Load(a))
        using (var warped = image.WarpPerspective(truth, image.Width, image.Height))
            warped.Save(b);

        var result = await Cli.RunAsync("homography", a, b, "--json");
        Assert.Equal(0, result.ExitCode);
        var json = result.Json();
        var h = json.GetProperty("h").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        Assert.Equal(3, h.Length);
        Assert.Equal(1.0, h[2][2], 12);
        Assert.True(json.GetProperty("inliers").GetInt32() >= 50);
        Assert.True(json.GetProperty("matches").GetInt32() >= json.GetProperty("inliers").GetInt32());
        foreach (var (x, y) in new[] { (60.0, 40.0), (580.0, 40.0), (60.0, 320.0), (580.0, 320.0) })
        {
            var (ex, ey) = Map(truth, x, y);
            var (gx, gy) = Map([.. h.SelectMany(r => r)], x, y);
            Assert.True(double.Hypot(ex - gx, ey - gy) < 1.5, $"({x},{y}) maps to ({gx:F2},{gy:F2}), truth ({ex:F2},{ey:F2})");
        }
    }

    [Fact]
    public async Task AnalyzeReportsPairsAndTheMotionClass()
    {
        var result = await Cli.RunAsync("analyze", _clips.PanRight, "--json");
        Assert.Equal(0, result.ExitCode);
        var json = result.Json();
        var pairs = json.GetProperty("pairs").EnumerateArray().ToList();
        Assert.Equal(24, pairs.Count);
        Assert.All(pairs, p =>
        {
            Assert.True(p.GetProperty("ok").GetBoolean());
            Assert.Equal(JsonValueKind.Null, p.GetProperty("reason").ValueKind);
            Assert.Equal(3, p.GetProperty("h").GetArrayLength());
            Assert.Equal(3, p.GetProperty("hn").GetArrayLength());
            Assert.True(p.GetProperty("inliers").GetInt32() > 0);
        });
        Assert.Equal("pan-right", json.GetProperty("motion").GetProperty("class").GetString());

        var still = (await Cli.RunAsync("analyze", _clips.Static, "--json")).Json();
        Assert.Equal("static", still.GetProperty("motion").GetProperty("class").GetString());
    }

    [Fact]
    public async Task ScoreIsZeroForTheSameClipAndLargeAgainstAStaticOne()
    {
        var same = (await Cli.RunAsync("score", "--reference", _clips.PanRight, "--generated", _clips.PanRight, "--json")).Json();
        Assert.Equal(0.0, same.GetProperty("cameraScore").GetDouble(), 12);
        Assert.Equal(24, same.GetProperty("pairsUsed").GetInt32());
        Assert.Equal(0, same.GetProperty("pairsFlagged").GetInt32());
        Assert.Equal(24, same.GetProperty("perPair").GetArrayLength());

        var still = (await Cli.RunAsync("score", "--reference", _clips.PanRight, "--generated", _clips.Static, "--json")).Json();
        Assert.True(still.GetProperty("cameraScore").GetDouble() > 1e-4);
    }

    [Fact]
    public async Task ScoreReportsTheTimeBaseAndGivesIntervalsAndPerFrameValues()
    {
        // The first 13 of the pan's 25 frames: the same motion, half as long.
        string shorter = await ReEncodePanAsync("pan-right-first-13.mp4", "trim=end_frame=13");
        var json = (await Cli.RunAsync("score", "--reference", _clips.PanRight, "--generated", shorter, "--json")).Json();
        var timeBase = json.GetProperty("timeBase");
        Assert.Equal(25, timeBase.GetProperty("reference").GetProperty("frames").GetInt32());
        Assert.Equal(13, timeBase.GetProperty("generated").GetProperty("frames").GetInt32());
        Assert.Equal("timestamps", timeBase.GetProperty("generated").GetProperty("timesFrom").GetString());
        Assert.Equal(13, timeBase.GetProperty("referenceFramesCompared").GetInt32());
        Assert.Equal(13, timeBase.GetProperty("generatedPositions").GetArrayLength());
        Assert.Contains("13 of 25 reference frames", timeBase.GetProperty("warning").GetString());
        Assert.Equal(12, json.GetProperty("pairCount").GetInt32());

        // Per-frame values are the sums over the compared frames; every interval is [low, high] around its value.
        double rotErr = json.GetProperty("rotErr").GetProperty("degrees").GetDouble();
        Assert.Equal(rotErr / (json.GetProperty("pathPairsUsed").GetInt32() + 1), json.GetProperty("rotErrPerFrameDegrees").GetDouble(), 12);
        foreach (var (value, interval) in new[] { (json.GetProperty("cameraScore").GetDouble(), "cameraScoreInterval"), (json.GetProperty("pce").GetDouble(), "pceInterval"),
                     (rotErr, "rotErrIntervalDegrees"), (json.GetProperty("rotErrPerFrameDegrees").GetDouble(), "rotErrPerFrameIntervalDegrees") })
        {
            var bounds = json.GetProperty(interval).EnumerateArray().Select(v => v.GetDouble()).ToArray();
            Assert.Equal(2, bounds.Length);
            Assert.InRange(value, bounds[0], bounds[1]);
        }

        // The same rate and length: no warning.
        var same = (await Cli.RunAsync("score", "--reference", _clips.PanRight, "--generated", _clips.PanRight, "--json")).Json();
        Assert.Equal(JsonValueKind.Null, same.GetProperty("timeBase").GetProperty("warning").ValueKind);
        Assert.Equal(25, same.GetProperty("timeBase").GetProperty("referenceFramesCompared").GetInt32());
    }

    [Fact]
    public async Task RotErrIsComputedOverThePairsUsableOnBothSidesAndListsTheDeletedOnes()
    {
        // The pan re-encoded, and re-encoded with frame 12 blacked out: its two pairs are flagged, the rest is the same.
        string clean = await ReEncodePanAsync("pan-right-again.mp4", "null");
        string blacked = await ReEncodePanAsync("pan-right-black-frame.mp4", "drawbox=enable='eq(n,12)':color=black:t=fill");

        var cleanJson = (await Cli.RunAsync("score", "--reference", _clips.PanRight, "--generated", clean, "--json")).Json();
        var json = (await Cli.RunAsync("score", "--reference", _clips.PanRight, "--generated", blacked, "--json")).Json();
        var still = (await Cli.RunAsync("score", "--reference", _clips.PanRight, "--generated", _clips.Static, "--json")).Json();
        double cleanDegrees = cleanJson.GetProperty("rotErr").GetProperty("degrees").GetDouble();
        double stillDegrees = still.GetProperty("rotErr").GetProperty("degrees").GetDouble();
        Assert.Equal(24, cleanJson.GetProperty("pathPairsUsed").GetInt32());
        Assert.Equal(0, cleanJson.GetProperty("pathPairsExcluded").GetArrayLength());
        Assert.Equal(22, json.GetProperty("pathPairsUsed").GetInt32());
        Assert.Equal([11, 12], json.GetProperty("pathPairsExcluded").EnumerateArray().Select(v => v.GetInt32()).ToArray());
        Assert.Contains("black", json.GetProperty("pcePerPair")[11].GetProperty("reason").GetString());
        var rotErr = json.GetProperty("rotErr");
        Assert.Equal(JsonValueKind.Null, json.GetProperty("rotErrReason").ValueKind);
        double degrees = rotErr.GetProperty("degrees").GetDouble();
        _output.WriteLine($"rotErr: re-encoded {cleanDegrees:F3}°, with a black frame {degrees:F3}°, against a static clip {stillDegrees:F1}°");
        // Both sums sit at the camera path's noise floor (measured 0.04° and 0.11° over 24 pairs); the black frame cuts the
        // path into two stretches posed apart, so the bound is the larger of 1.35x the clean sum and 0.01° per frame.
        Assert.InRange(degrees, 0, Math.Max(1.35 * cleanDegrees, 0.01 * 25));
        Assert.True(degrees < stillDegrees / 20, $"same motion {degrees:F3}° vs no motion {stillDegrees:F3}°");
        // A pan has no translation on either side: TransErr stays undefined, with the reason.
        Assert.Equal(JsonValueKind.Null, json.GetProperty("transErr").ValueKind);
        Assert.Contains("translat", json.GetProperty("transErrReason").GetString());
    }

    [Fact]
    public async Task CameraScoreOnlyGivesTheSameScoreWithoutTheCameraPath()
    {
        var full = (await Cli.RunAsync("score", "--reference", _clips.PanRight, "--generated", _clips.Static, "--json")).Json();
        var only = await Cli.RunAsync("score", "--reference", _clips.PanRight, "--generated", _clips.Static, "--metrics", "camera-score", "--json");
        Assert.Equal(0, only.ExitCode);
        var json = only.Json();
        Assert.Equal(full.GetProperty("cameraScore").GetDouble(), json.GetProperty("cameraScore").GetDouble(), 12);
        Assert.Equal(JsonValueKind.Number, full.GetProperty("pce").ValueKind);
        Assert.Equal(JsonValueKind.Null, json.GetProperty("pce").ValueKind);
        Assert.False(string.IsNullOrEmpty(json.GetProperty("pceReason").GetString()));
        Assert.Equal(JsonValueKind.Null, json.GetProperty("flicker").ValueKind);
    }

    [Fact]
    public async Task ScoreTakesTheReferenceCamerasFocalLengthAndGivesTheGeneratedClipItsFieldOfView()
    {
        // The output at half the reference's size: a focal length in the reference's pixels must not be applied to
        // the output's smaller pixels, so --focal F equals --fov of the angle F gives the 640-pixel reference.
        var half = await ReEncodePanAsync("pan-right-half.mp4", "scale=320:180");
        var focal = (await Cli.RunAsync("score", "--reference", _clips.PanRight, "--generated", half, "--focal", "400", "--json")).Json();
        double fov = 2 * Math.Atan(320.0 / 400) * 180 / Math.PI;
        var byFov = (await Cli.RunAsync("score", "--reference", _clips.PanRight, "--generated", half, "--fov", fov.ToString("R", System.Globalization.CultureInfo.InvariantCulture), "--json")).Json();
        var byDefault = (await Cli.RunAsync("score", "--reference", _clips.PanRight, "--generated", half, "--json")).Json();
        foreach (var (side, pixels) in new[] { ("reference", 400.0), ("generated", 200.0) })
        {
            var camera = focal.GetProperty(side).GetProperty("camera");
            Assert.Equal("given", camera.GetProperty("intrinsics").GetString());
            Assert.Equal(pixels, camera.GetProperty("focalLengthPixels").GetDouble(), 6);
            Assert.Equal(fov, camera.GetProperty("horizontalFovDegrees").GetDouble(), 6);
            Assert.Equal("default", byDefault.GetProperty(side).GetProperty("camera").GetProperty("intrinsics").GetString());
        }
        Assert.Equal(byFov.GetProperty("rotErr").GetProperty("degrees").GetDouble(), focal.GetProperty("rotErr").GetProperty("degrees").GetDouble(), 9);

        var bad = await Cli.RunAsync("score", "--reference", _clips.PanRight, "--generated", half, "--focal", "-5");
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("focal length must be positive", bad.Stderr);
    }

    [Fact]
    public async Task RenderingAReferenceMotionOntoAnotherImageGivesTheMotionBack()
    {
        var output = _clips.Media.File("transfer.mp4");
        var render = await Cli.RunAsync("render", "--reference", _clips.PanRight, "--target", _clips.OtherScene,
            "--method", "homography", "--out", output, "--json");
        Assert.True(render.ExitCode == 0, render.Stderr);
        Assert.Equal(25, render.Json().GetProperty("frames").GetInt32());

        var transfer = (await Cli.RunAsync("score", "--reference", _clips.PanRight, "--generated", output, "--json")).Json();
        var still = (await Cli.RunAsync("score", "--reference", _clips.PanRight, "--generated", _clips.Static, "--json")).Json();
        var transferScore = transfer.GetProperty("cameraScore").GetDouble();
        var staticScore = still.GetProperty("cameraScore").GetDouble();
        Assert.True(transferScore <= staticScore / 10, $"transfer {transferScore:G4} vs static {staticScore:G4}");
    }

    [Fact]
    public async Task RenderWritesPngFramesWhenAsked()
    {
        var output = _clips.Media.File("frames.mp4");
        var pngDir = _clips.Media.File("frames");
        var result = await Cli.RunAsync("render", "--trajectory", "zoom-in", "--frames", "5", "--target", _clips.OtherScene,
            "--out", output, "--png-dir", pngDir);
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal(Enumerable.Range(0, 5).Select(i => $"frame_{i:D4}.png"), Directory.GetFiles(pngDir).Select(Path.GetFileName).Order());
        using var first = Image.Load(Path.Combine(pngDir, "frame_0000.png"));
        Assert.Equal((480, 320), (first.Width, first.Height));
        Assert.Equal(5, VideoReader.CountFrames(output));
    }

    public static TheoryData<string, string[]> BadInputs => new()
    {
        { "not found", ["analyze", "{dir}/missing.mp4"] },
        { "", ["analyze", "{dir}/text.mp4"] },
        { "", ["analyze", "{dir}/truncated.mp4"] },
        { "", ["analyze", "{dir}/scene.png"] },
        { "not found", ["score", "--reference", "{dir}/missing.mp4", "--generated", "{dir}/pan-right.mp4"] },
        { "not found", ["homography", "{dir}/scene.png", "{dir}/missing.png"] },
        { "", ["homography", "{dir}/scene.png", "{dir}/text.mp4"] },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task BadInputGivesOneLineAndExitCodeOne(string expected, string[] args)
    {
        PrepareBadFiles();
        var result = await Cli.RunAsync([.. args.Select(a => a.Replace("{dir}", _clips.Media.Dir))]);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Stdout);
        var line = Assert.Single(result.Stderr.Trim().Split('\n'));
        Assert.StartsWith("camreview: ", line);
        Assert.Contains(expected, line, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("missing-target")]
    [InlineData("text-target")]
    [InlineData("truncated-reference")]
    [InlineData("text-reference")]
    public async Task RenderWithBadInputWritesNoOutput(string problem)
    {
        PrepareBadFiles();
        var dir = _clips.Media.Dir;
        var output = Path.Combine(dir, $"out-{problem}.mp4");
        string[] args = problem switch
        {
            "missing-target" => ["render", "--trajectory", "pan-left", "--target", $"{dir}/missing.png", "--out", output],
            "text-target" => ["render", "--trajectory", "pan-left", "--target", $"{dir}/text.mp4", "--out", output],
            "truncated-reference" => ["render", "--reference", $"{dir}/truncated.mp4", "--target", _clips.OtherScene, "--out", output],
            _ => ["render", "--reference", $"{dir}/text.mp4", "--target", _clips.OtherScene, "--out", output],
        };
        var result = await Cli.RunAsync(args);
        Assert.Equal(1, result.ExitCode);
        Assert.Single(result.Stderr.Trim().Split('\n'));
        Assert.False(File.Exists(output));
        Assert.Empty(Directory.GetFiles(dir, $"*out-{problem}*"));
    }

    [Theory]
    [InlineData("render", "--trajectory", "pan-left")]
    [InlineData("render", "--trajectory", "sideways", "--target", "x.png", "--out", "y.mp4")]
    [InlineData("render", "--reference", "a.mp4", "--trajectory", "pan-left", "--target", "x.png", "--out", "y.mp4")]
    [InlineData("score", "--reference", "a.mp4")]
    [InlineData("analyze", "a.mp4", "--features", "surf")]
    [InlineData("analyze", "a.mp4", "--frames", "many")]
    public async Task BadArgumentsExitWithTwoOrOne(params string[] args)
    {
        var result = await Cli.RunAsync(args);
        Assert.InRange(result.ExitCode, 1, 2);
        Assert.Equal("", result.Stdout);
        Assert.Single(result.Stderr.Trim().Split('\n'));
    }

    /// <summary>The pan-right clip through an ffmpeg filter, re-encoded near-losslessly (H.264 CRF 12).</summary>
    private async Task<string> ReEncodePanAsync(string name, string filter)
    {
        string path = _clips.Media.File(name);
        var ffmpeg = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("ffmpeg",
            ["-hide_banner", "-loglevel", "error", "-y", "-i", _clips.PanRight, "-vf", filter, "-c:v", "libx264", "-crf", "12", "-pix_fmt", "yuv420p", path]))!;
        await ffmpeg.WaitForExitAsync();
        Assert.Equal(0, ffmpeg.ExitCode);
        return path;
    }

    private void PrepareBadFiles()
    {
        var dir = _clips.Media.Dir;
        File.WriteAllText(Path.Combine(dir, "text.mp4"), "this is not a video\n");
        var truncated = Path.Combine(dir, "truncated.mp4");
        if (!File.Exists(truncated))
        {
            var bytes = File.ReadAllBytes(_clips.PanRight);
            File.WriteAllBytes(truncated, bytes[..(bytes.Length / 5)]);
        }
    }

    private static (double X, double Y) Map(double[] h, double x, double y)
    {
        var w = h[6] * x + h[7] * y + h[8];
        return ((h[0] * x + h[1] * y + h[2]) / w, (h[3] * x + h[4] * y + h[5]) / w);
    }
}
