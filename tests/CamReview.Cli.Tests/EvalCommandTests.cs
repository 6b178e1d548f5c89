using System.Text.Json;

namespace CamReview.Cli.Tests;

/// <summary><c>camreview eval</c> through the real executable on a small real benchmark: two pairs (a pan and a zoom
/// transferred onto other images), two methods (the homography transfer, and a roll that ignores the reference).</summary>
public sealed class EvalCommandTests : IClassFixture<EvalCommandTests.Benchmark>
{
    public sealed class Benchmark : IAsyncLifetime
    {
        public TestMedia Media { get; } = new();

        public async Task InitializeAsync()
        {
            Directory.CreateDirectory(Media.File("clips"));
            foreach (var (move, seed) in new[] { ("pan-right", 3), ("zoom-in", 5) })
            {
                var source = Media.TexturedImage($"{move}-source.png", 320, 192, seed);
                var target = Media.TexturedImage($"{move}-target.png", 320, 192, seed + 10);
                await Render("--trajectory", move, "--frames", "10", "--target", source, "--out", Media.File($"clips/{move}.mp4"));
                await Render("--reference", Media.File($"clips/{move}.mp4"), "--target", target, "--method", "homography", "--out", Media.File($"clips/{move}-h.mp4"));
                await Render("--trajectory", "roll-cw", "--frames", "10", "--target", target, "--out", Media.File($"clips/{move}-roll.mp4"));
            }
        }

        public static async Task Render(params string[] args)
        {
            var render = await Cli.RunAsync(["render", .. args]);
            Assert.True(render.ExitCode == 0, render.Stderr);
        }

        /// <summary>The benchmark's manifest (paths relative to it), with extra rows or a replaced header.</summary>
        public string Manifest(string name, string header = "reference,target,method,output", params string[] extra)
        {
            var rows = new List<string> { header };
            foreach (var move in new[] { "pan-right", "zoom-in" })
            {
                rows.Add($"clips/{move}.mp4,{move}-target.png,homography_warp,clips/{move}-h.mp4");
                rows.Add($"clips/{move}.mp4,{move}-target.png,\"roll & co\",clips/{move}-roll.mp4");
            }
            rows.AddRange(extra);
            var path = Media.File(name);
            File.WriteAllLines(path, rows);
            return path;
        }

        public Task DisposeAsync()
        {
            Media.Dispose();
            return Task.CompletedTask;
        }
    }

    private readonly Benchmark _benchmark;

    public EvalCommandTests(Benchmark benchmark) => _benchmark = benchmark;

    [Fact]
    public async Task ScoresEveryOutputWritesTheTablesAndResumesWhereItStopped()
    {
        var manifest = _benchmark.Manifest("bench.csv");
        var folder = _benchmark.Media.File("run");
        var first = await Cli.RunAsync("eval", manifest, "--out", folder, "--jobs", "2", "--json");
        Assert.True(first.ExitCode == 0, first.Stderr);
        var json = first.Json();
        Assert.Equal((4, 4, 0), (json.GetProperty("rows").GetInt32(), json.GetProperty("scored").GetInt32(), json.GetProperty("resumed").GetInt32()));
        Assert.Contains("eval: [4/4]", first.Stderr);
        Assert.Contains("eval: analysed reference pan-right.mp4", first.Stderr);

        var board = json.GetProperty("leaderboard");
        Assert.Equal(2, board.GetProperty("pairs").GetArrayLength());
        var methods = board.GetProperty("methods").EnumerateArray().ToDictionary(m => m.GetProperty("method").GetString()!);
        Assert.Equal(["homography_warp", "roll & co"], methods.Keys.Order(StringComparer.Ordinal));
        double CameraScore(string method) => methods[method].GetProperty("metrics").GetProperty("cameraScore").GetProperty("mean").GetDouble();
        // The homography transfer follows the reference; the roll does not.
        Assert.True(CameraScore("homography_warp") * 5 < CameraScore("roll & co"), $"{CameraScore("homography_warp")} vs {CameraScore("roll & co")}");
        Assert.Equal(2, methods["roll & co"].GetProperty("metrics").GetProperty("cameraScore").GetProperty("n").GetInt32());

        var results = File.ReadAllLines(Path.Combine(folder, "results.csv"));
        Assert.Equal(5, results.Length);
        Assert.StartsWith("reference,target,method,output,error,pairs_used,pairs_flagged,cameraScore,cameraScore_reason", results[0]);
        Assert.Contains(results, r => r.StartsWith("clips/zoom-in.mp4,zoom-in-target.png,roll & co,clips/zoom-in-roll.mp4,,", StringComparison.Ordinal));
        Assert.Equal(4, JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "results.json"))).RootElement.GetArrayLength());
        Assert.StartsWith("method,pairs,cameraScore_mean", File.ReadAllText(Path.Combine(folder, "leaderboard.csv")));
        var tex = File.ReadAllText(Path.Combine(folder, "leaderboard.tex"));
        Assert.Contains("homography\\_warp & 2", tex);
        Assert.Contains("roll \\& co & 2", tex);
        Assert.Contains("\\toprule", tex);

        // A second run scores nothing and prints the same leaderboard.
        var second = await Cli.RunAsync("eval", manifest, "--out", folder, "--json");
        Assert.True(second.ExitCode == 0, second.Stderr);
        Assert.Equal((0, 4), (second.Json().GetProperty("scored").GetInt32(), second.Json().GetProperty("resumed").GetInt32()));
        Assert.Equal(board.GetRawText(), second.Json().GetProperty("leaderboard").GetRawText());
        Assert.DoesNotContain("analysed reference", second.Stderr);

        // A changed output is scored again, and only that one; its reference's analysis is reused.
        await Benchmark.Render("--trajectory", "roll-ccw", "--frames", "10", "--target", _benchmark.Media.File("pan-right-target.png"),
            "--out", _benchmark.Media.File("clips/pan-right-roll.mp4"));
        var third = await Cli.RunAsync("eval", manifest, "--out", folder, "--json");
        Assert.True(third.ExitCode == 0, third.Stderr);
        Assert.Equal((1, 3), (third.Json().GetProperty("scored").GetInt32(), third.Json().GetProperty("resumed").GetInt32()));
        Assert.Contains("eval: [1/1] roll & co on clips/pan-right.mp4 | pan-right-target.png", third.Stderr);
        Assert.DoesNotContain("analysed reference", third.Stderr);
    }

    [Fact]
    public async Task PrintsTheLeaderboardAsATable()
    {
        var result = await Cli.RunAsync("eval", _benchmark.Manifest("table.csv"), "--out", _benchmark.Media.File("table"));
        Assert.True(result.ExitCode == 0, result.Stderr);
        var lines = result.Stdout.Trim().Split('\n');
        Assert.StartsWith("method", lines[0]);
        Assert.Contains("CameraScore ↓", lines[0]);
        Assert.Contains("RotErr per frame (°) ↓", lines[0]);
        Assert.Contains("Scene preservation ↑", lines[0]);
        Assert.StartsWith("homography_warp  2", lines[1]);
        Assert.Contains(" ± ", lines[1]);
        Assert.StartsWith("roll & co", lines[2]);
        Assert.StartsWith("2 pairs; mean ± half-width of the 95% Student-t interval", lines[3]);
    }

    [Theory]
    [InlineData("reference,target,method", new string[0], "bad.csv line 1: missing column 'output' (expected a header reference,target,method,output)")]
    [InlineData("reference,target,method,output", new[] { "clips/zoom-in.mp4,zoom-in-target.png,x,clips/nope.mp4" }, "bad.csv line 6: output 'clips/nope.mp4' not found")]
    [InlineData("reference,target,method,output", new[] { "clips/pan-right.mp4,pan-right-target.png,homography_warp,clips/pan-right-roll.mp4" },
        "bad.csv line 6: the same reference, target and method as line 2")]
    [InlineData("reference,target,method,output", new[] { "clips/pan-right.mp4,pan-right-target.png,,clips/pan-right-roll.mp4" }, "bad.csv line 6: the method is empty")]
    [InlineData("reference,target,method,output", new[] { "clips/pan-right.mp4,pan-right-target.png,x" }, "bad.csv line 6: expected 4 fields, found 3")]
    public async Task ABadManifestIsRefusedWithOneLineBeforeAnythingIsScored(string header, string[] extra, string error)
    {
        var folder = _benchmark.Media.File("bad");
        var result = await Cli.RunAsync("eval", _benchmark.Manifest("bad.csv", header, extra), "--out", folder);
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.Equal($"camreview: {error}", Assert.Single(result.Stderr.Trim().Split('\n')));
        Assert.False(Directory.Exists(folder));
    }

    [Fact]
    public async Task AnEmptyOrMissingManifestIsRefused()
    {
        File.WriteAllText(_benchmark.Media.File("empty.csv"), "");
        var empty = await Cli.RunAsync("eval", _benchmark.Media.File("empty.csv"));
        Assert.Equal((1, "camreview: empty.csv is empty (expected a header reference,target,method,output)"), (empty.ExitCode, empty.Stderr.Trim()));
        var missing = await Cli.RunAsync("eval", _benchmark.Media.File("none.csv"));
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("none.csv' not found", missing.Stderr);
        var jobs = await Cli.RunAsync("eval", _benchmark.Manifest("jobs.csv"), "--jobs", "0");
        Assert.Equal((2, true), (jobs.ExitCode, jobs.Stderr.Contains("--jobs must be at least 1")));
    }

    [Fact]
    public async Task AnOutputThatCannotBeReadIsReportedWhileTheOthersAreScored()
    {
        File.WriteAllText(_benchmark.Media.File("clips/broken.mp4"), "not a video");
        var folder = _benchmark.Media.File("broken");
        var result = await Cli.RunAsync("eval", _benchmark.Manifest("broken.csv", extra: "clips/zoom-in.mp4,zoom-in-target.png,broken,clips/broken.mp4"),
            "--out", folder, "--json");
        Assert.Equal(1, result.ExitCode);
        var json = result.Json();
        Assert.Equal(4, json.GetProperty("scored").GetInt32());
        var failed = Assert.Single(json.GetProperty("failed").EnumerateArray());
        Assert.Equal((6, "broken"), (failed.GetProperty("line").GetInt32(), failed.GetProperty("method").GetString()));
        Assert.Contains("camreview: 1 of 5 outputs could not be scored (first: line 6:", result.Stderr);
        Assert.Equal(2, json.GetProperty("leaderboard").GetProperty("methods").GetArrayLength());
        Assert.Contains(File.ReadAllLines(Path.Combine(folder, "results.csv")), l => l.StartsWith("clips/zoom-in.mp4,zoom-in-target.png,broken,clips/broken.mp4,", StringComparison.Ordinal) && l.Length > 60);
    }
}
