using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CamReview.Data;
using CamReview.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace CamReview.Web.Tests;

/// <summary>Browser proxies of videos: an AVI (which Chromium cannot play) is served as an H.264 MP4 without metadata,
/// and plays on the pair and compare pages; study participants get an output without the title that names its
/// method; a variable-frame-rate AVI is accepted and its proxy has a constant rate; a video stored before proxies
/// existed gets one on its first request. The videos are made here with the ffmpeg CLI.</summary>
public sealed class PlaybackProxyTests(StudyWorld world, ITestOutputHelper output) : IClassFixture<StudyWorld>
{

    [Fact]
    public async Task AnAviUploadIsPlayedAsAnH264Mp4WithoutItsMetadataAndKeptAsUploaded()
    {
        // Odd dimensions (the proxy crops to even ones) and tags naming a method.
        var avi = FfmpegCli.MakeVideo("tagged.avi", "testsrc=size=65x49:rate=10", 20, ["-c:v", "mjpeg", "-q:v", "3"],
            ["-metadata", "title=ZebraWarp-91 render", "-metadata", "comment=made with ZebraWarp-91"]);
        using var admin = await world.ClientAsync();
        var project = await NewProjectAsync(admin, "AVI upload");
        var clock = Stopwatch.StartNew();
        var uploaded = await admin.UploadOkAsync(project, "reference-video", avi, "tagged.avi");
        output.WriteLine($"upload answered in {clock.ElapsedMilliseconds} ms");
        var id = uploaded.GetProperty("id").GetInt32();
        Assert.Equal("video/x-msvideo", uploaded.GetProperty("mediaType").GetString());

        var (proxy, type) = await GetAsync(admin.Http, $"media/{id}/playback");
        Assert.Equal("video/mp4", type);
        var probe = FfmpegCli.Probe(proxy);
        var stream = probe.GetProperty("streams").EnumerateArray().Single();
        Assert.Equal(("h264", "yuv420p", 64, 48), (stream.GetProperty("codec_name").GetString(), stream.GetProperty("pix_fmt").GetString(),
            stream.GetProperty("width").GetInt32(), stream.GetProperty("height").GetInt32()));
        Assert.Equal("10/1", stream.GetProperty("r_frame_rate").GetString());
        Assert.Equal("20", stream.GetProperty("nb_frames").GetString());
        FfmpegCli.AssertNoMetadata(probe, proxy, "ZebraWarp");
        var text = Encoding.Latin1.GetString(proxy);
        Assert.True(text.IndexOf("moov", StringComparison.Ordinal) < text.IndexOf("mdat", StringComparison.Ordinal), "faststart: moov before mdat");

        await using (var db = world.OpenDb())
        {
            var asset = await db.Assets.AsNoTracking().SingleAsync(a => a.Id == id);
            Assert.Equal((proxy.Length, 10.0), (asset.PlaybackSizeBytes, asset.PlaybackFps));
            Assert.True(File.Exists(MediaFiles.Playback(world.DataDir, asset.Sha256)));
        }
        // The original stays for analysis and download, as uploaded.
        var (original, originalType) = await GetAsync(admin.Http, $"media/{id}/original");
        Assert.Equal("video/x-msvideo", originalType);
        Assert.Equal(avi, original);
    }

    [Fact]
    public async Task StudyParticipantsGetOutputsWithoutTheTitleThatNamesTheirMethod()
    {
        using var admin = await world.ClientAsync();
        var project = await NewProjectAsync(admin, "Blind study");
        var video = (await admin.UploadOkAsync(project, "reference-video", TestMedia.UniqueVideo(70), "ref.mp4")).GetProperty("id").GetInt32();
        var image = (await admin.UploadOkAsync(project, "target-image", TestMedia.UniqueImage(71), "target.png")).GetProperty("id").GetInt32();
        var pair = (await admin.PostJsonOkAsync($"api/projects/{project}/pairs", new { referenceAssetId = video, targetAssetId = image })).GetProperty("id").GetInt32();
        string[] methods = ["OcelotMorph-12", "PangolinShift-34"];
        for (var i = 0; i < methods.Length; i++)
        {
            // Browser-playable H.264 MP4s that still name their method in their tags.
            var mp4 = FfmpegCli.MakeVideo($"{methods[i]}.mp4", $"testsrc2=size=64x48:rate=8", 10 + i, ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"],
                ["-metadata", $"title={methods[i]}", "-metadata", $"comment={methods[i]} output", "-metadata:s:v:0", $"handler_name={methods[i]}"]);
            Assert.Contains(methods[i], Encoding.Latin1.GetString(mp4));
            await admin.UploadOkAsync(project, "output", mp4, $"out-{i}.mp4", new() { ["methodName"] = methods[i], ["pairId"] = pair.ToString() });
        }
        var study = (await admin.PostJsonOkAsync("api/studies", new
        {
            projectId = project,
            study = new { name = "tags", design = "pairwise", trialsPerParticipant = 1, pairIds = new[] { pair }, methods,
                questions = new[] { new { key = "overall", text = "Which?" } } },
        })).GetProperty("id").GetInt32();
        await admin.PostJsonOkAsync($"api/studies/{study}/state", new { state = "open" });
        await StudyWorld.MediaReadyAsync(admin, study);
        var token = (await admin.Http.GetFromJsonAsync<JsonElement>($"api/studies/{study}")).GetProperty("token").GetString()!;

        using var participant = new Participant(world.BaseAddress, token);
        await participant.JoinOkAsync();
        var trial = participant.Trials.Single();
        var candidates = trial.GetProperty("candidates").EnumerateArray().Select(c => c.GetString()!).ToList();
        Assert.Equal(2, candidates.Count);
        foreach (var url in candidates.Append(trial.GetProperty("reference").GetString()!))
        {
            var (bytes, type) = await GetAsync(participant.Http, url.TrimStart('/'));
            Assert.Equal("video/mp4", type);
            var probe = FfmpegCli.Probe(bytes);
            Assert.Equal("h264", probe.GetProperty("streams")[0].GetProperty("codec_name").GetString());
            foreach (var method in methods) FfmpegCli.AssertNoMetadata(probe, bytes, method);
        }
    }

    [Fact]
    public async Task AVariableFrameRateAviIsAcceptedWithAConstantRateProxyOfEveryFrame()
    {
        // 20 frames at irregular times of a 15 fps grid (the AVI has empty slots in between): like OpenCV's tree.avi.
        var vfr = FfmpegCli.MakeVideo("vfr.avi", "testsrc=size=64x48:rate=15", 20, ["-c:v", "mjpeg", "-q:v", "3"], [],
            ["-vf", @"select='not(mod(n\,4))+eq(n\,1)+eq(n\,2)'", "-fps_mode", "passthrough"]);
        var times = FfmpegCli.PacketTimes(vfr);
        Assert.Equal(20, times.Count);
        using var admin = await world.ClientAsync();
        var project = await NewProjectAsync(admin, "Variable rate");
        var expectedFps = (times.Count - 1) / (times[^1] - times[0]);
        var uploaded = await admin.UploadOkAsync(project, "reference-video", vfr, "vfr.avi");
        Assert.Equal(20, uploaded.GetProperty("frameCount").GetInt32());
        Assert.Equal(expectedFps, uploaded.GetProperty("fps").GetDouble(), 2);
        await AssertConstantRateProxyAsync(admin, uploaded.GetProperty("id").GetInt32(), 20);

        // OpenCV's own sample, where the system has it (Debian's opencv-doc): 68 frames over 444 slots.
        const string tree = "/usr/share/doc/opencv-doc/examples/data/tree.avi";
        if (!File.Exists(tree)) return;
        var sample = await admin.UploadOkAsync(project, "reference-video", await File.ReadAllBytesAsync(tree), "tree.avi");
        Assert.Equal(68, sample.GetProperty("frameCount").GetInt32());
        output.WriteLine($"tree.avi: {sample.GetProperty("frameCount")} frames at {sample.GetProperty("fps")} fps");
        await AssertConstantRateProxyAsync(admin, sample.GetProperty("id").GetInt32(), 68);
    }

    private async Task AssertConstantRateProxyAsync(PortalClient admin, int id, int frames)
    {
        var (proxy, _) = await GetAsync(admin.Http, $"media/{id}/playback");
        var stream = FfmpegCli.Probe(proxy).GetProperty("streams")[0];
        Assert.Equal(stream.GetProperty("r_frame_rate").GetString(), stream.GetProperty("avg_frame_rate").GetString());
        Assert.Equal(frames.ToString(), stream.GetProperty("nb_frames").GetString());
        var times = FfmpegCli.PacketTimes(proxy).Order().ToList();
        var steps = times.Zip(times.Skip(1), (a, b) => b - a).ToList();
        Assert.True(steps.Max() - steps.Min() < 0.002, $"proxy frame times are evenly spaced: steps {steps.Min()}..{steps.Max()}");
        await using var db = world.OpenDb();
        var asset = await db.Assets.AsNoTracking().SingleAsync(a => a.Id == id);
        Assert.Equal(asset.Fps!.Value, asset.PlaybackFps!.Value, 6);
        Assert.Equal(1 / asset.PlaybackFps.Value, steps.Average(), 3);
    }

    [Fact]
    public async Task AVideoStoredWithoutAProxyGetsOneOnItsFirstRequest()
    {
        using var admin = await world.ClientAsync();
        var project = await NewProjectAsync(admin, "Upgrade");
        var id = (await admin.UploadOkAsync(project, "reference-video", TestMedia.UniqueVideo(80), "before.mp4")).GetProperty("id").GetInt32();
        // As an older release left it: no proxy file, nothing recorded (the queued proxy is waited for first).
        var (made, _) = await GetAsync(admin.Http, $"media/{id}/playback");
        string sha;
        await using (var db = world.OpenDb())
        {
            sha = await db.Assets.Where(a => a.Id == id).Select(a => a.Sha256).SingleAsync();
            await db.Assets.Where(a => a.Id == id).ExecuteUpdateAsync(s => s.SetProperty(a => a.PlaybackSizeBytes, (long?)null).SetProperty(a => a.PlaybackFps, (double?)null));
        }
        File.Delete(MediaFiles.Playback(world.DataDir, sha));
        var page = await admin.Http.GetStringAsync($"projects/{project}");
        Assert.DoesNotContain("playback could not", page);

        var (proxy, type) = await GetAsync(admin.Http, $"media/{id}/playback");
        Assert.Equal("video/mp4", type);
        Assert.Equal(made.Length, proxy.Length);
        Assert.Equal("h264", FfmpegCli.Probe(proxy).GetProperty("streams")[0].GetProperty("codec_name").GetString());
        await using (var db = world.OpenDb())
        {
            var asset = await db.Assets.AsNoTracking().SingleAsync(a => a.Id == id);
            Assert.Equal(proxy.Length, asset.PlaybackSizeBytes);
            Assert.Equal(8, asset.PlaybackFps);
        }

        // The proxy goes with the last asset of its content.
        using (var deleted = await admin.Http.DeleteAsync($"api/assets/{id}")) Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.DoesNotContain(world.PlaybackFiles(), f => f.Contains(sha));
        using (var gone = await admin.Http.GetAsync($"media/{id}/playback")) Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task AnAviReferencePlaysInChromiumOnThePairAndComparePages()
    {
        var avi = FfmpegCli.MakeVideo("reference.avi", "testsrc2=size=320x240:rate=24", 72, ["-c:v", "mpeg4", "-q:v", "4"], []);
        using var admin = await world.ClientAsync();
        var project = await NewProjectAsync(admin, "AVI playback");
        var video = (await admin.UploadOkAsync(project, "reference-video", avi, "reference.avi")).GetProperty("id").GetInt32();
        var image = (await admin.UploadOkAsync(project, "target-image", TestMedia.UniqueImage(91), "target.png")).GetProperty("id").GetInt32();
        var pair = (await admin.PostJsonOkAsync($"api/projects/{project}/pairs", new { referenceAssetId = video, targetAssetId = image, name = "avi → tiles" }))
            .GetProperty("id").GetInt32();
        var outputAvi = FfmpegCli.MakeVideo("output.avi", "testsrc=size=320x240:rate=24", 72, ["-c:v", "mjpeg", "-q:v", "4"], []);
        await admin.UploadOkAsync(project, "output", outputAvi, "output.avi", new() { ["methodName"] = "ImportedAvi", ["pairId"] = pair.ToString() });
        var shots = Environment.GetEnvironmentVariable("CAMREVIEW_PROXY_SCREENSHOTS");
        if (shots is { Length: > 0 }) Directory.CreateDirectory(shots);

        var page = await world.SignedInPageAsync();
        await page.GotoLiveAsync($"projects/{project}/pairs/{pair}");
        var player = page.GetByTestId("reference-player");
        await Assertions.Expect(player).ToHaveAttributeAsync("src", $"media/{video}/playback");
        await player.EvaluateAsync("v => v.play()");
        await page.WaitForFunctionAsync("() => { const v = document.querySelector('[data-testid=reference-player]'); return v.readyState >= 3 && v.currentTime > 0.3; }");
        await Assertions.Expect(page.GetByTestId("preparing-playback")).ToHaveCountAsync(0);
        var size = await player.EvaluateAsync<int[]>("v => [v.videoWidth, v.videoHeight]");
        Assert.Equal([320, 240], size);
        if (shots is { Length: > 0 })
        {
            await page.EvaluateAsync("() => document.querySelectorAll('video').forEach(v => v.pause())");
            await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "pair-page.png"), FullPage = true });
        }

        await page.GotoLiveAsync($"projects/{project}/pairs/{pair}/compare");
        const string grid = "[...document.querySelectorAll('.viewer-grid video[data-source]')]";
        await Assertions.Expect(page.GetByTestId("player")).ToHaveCountAsync(2);
        await page.WaitForFunctionAsync($"() => {grid}.every(v => v.readyState >= 3)");
        await page.GetByTestId("play").ClickAsync();
        await page.WaitForFunctionAsync($"() => {grid}.every(v => v.currentTime > 0.5)");
        await page.GetByTestId("play").ClickAsync();
        await page.WaitForFunctionAsync($"() => {grid}.every(v => v.paused)");
        var sources = await page.EvaluateAsync<string[]>($"() => {grid}.map(v => v.getAttribute('src'))");
        Assert.All(sources, s => Assert.EndsWith("/playback", s));
        if (shots is { Length: > 0 }) await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "compare-page.png"), FullPage = true });
    }

    private async Task<int> NewProjectAsync(PortalClient admin, string name) =>
        (await admin.PostJsonOkAsync("api/projects", new { teamId = world.LabId, name = $"{name} {Guid.NewGuid():N}"[..40] })).GetProperty("id").GetInt32();

    private static async Task<(byte[] Bytes, string? Type)> GetAsync(HttpClient http, string url)
    {
        using var response = await http.GetAsync(url);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url}: {response.StatusCode}");
        return (await response.Content.ReadAsByteArrayAsync(), response.Content.Headers.ContentType?.MediaType);
    }

}
