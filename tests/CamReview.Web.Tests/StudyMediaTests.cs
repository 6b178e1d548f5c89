using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CamReview.Data;
using CamReview.Data.Entities;
using CamReview.Web.Studies;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace CamReview.Web.Tests;

/// <summary>What participants of a study receive of its videos: one profile, one size, their own keys, headers that
/// differ only by key. The study mixes what blinding must hide: an AVI reference, an imported MP4 whose tags name its
/// method, an imported MP4 of another size, rate and codec, and a rendered output.</summary>
public sealed class StudyMediaTests(StudyWorld world, ITestOutputHelper output) : IClassFixture<StudyWorld>
{
    private sealed record Served(string Key, byte[] Bytes, string Headers, string? ETag, bool LastModified);

    [Fact]
    public async Task ParticipantsGetOneProfileOneSizeTheirOwnKeysAndHeadersThatDifferOnlyByKey()
    {
        using var admin = await world.ClientAsync();
        var project = (await admin.PostJsonOkAsync("api/projects", new { teamId = world.LabId, name = $"Blinding {Guid.NewGuid():N}"[..30] })).GetProperty("id").GetInt32();
        var avi = FfmpegCli.MakeVideo("reference.avi", "testsrc=size=96x64:rate=12", 18, ["-c:v", "mjpeg", "-q:v", "3"], []);
        var reference = (await admin.UploadOkAsync(project, "reference-video", avi, "reference.avi")).GetProperty("id").GetInt32();
        var target = (await admin.UploadOkAsync(project, "target-image", TestMedia.UniqueImage(121), "target.png")).GetProperty("id").GetInt32();
        var pair = (await admin.PostJsonOkAsync($"api/projects/{project}/pairs", new { referenceAssetId = reference, targetAssetId = target })).GetProperty("id").GetInt32();
        const string tagged = "OcelotMorph-12", other = "PangolinShift-34";
        var taggedMp4 = FfmpegCli.MakeVideo($"{tagged}.mp4", "testsrc2=size=80x60:rate=24", 36, ["-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p"],
            ["-metadata", $"title={tagged}", "-metadata", $"comment={tagged} output", "-metadata:s:v:0", $"handler_name={tagged}"]);
        Assert.Contains(tagged, Encoding.Latin1.GetString(taggedMp4));
        var taggedId = (await admin.UploadOkAsync(project, "output", taggedMp4, "a.mp4", new() { ["methodName"] = tagged, ["pairId"] = pair.ToString() }))
            .GetProperty("id").GetInt32();
        var otherMp4 = FfmpegCli.MakeVideo($"{other}.mp4", "mandelbrot=size=64x48:rate=8", 12, ["-c:v", "mpeg4", "-q:v", "4"], []);
        await admin.UploadOkAsync(project, "output", otherMp4, "b.mp4", new() { ["methodName"] = other, ["pairId"] = pair.ToString() });
        var render = (await admin.PostJsonOkAsync($"api/pairs/{pair}/renders", new { method = "homography", parameters = new { motion = "pan-left", frames = 12 } }))
            .GetProperty("id").GetInt32();
        var deadline = DateTime.UtcNow.AddSeconds(180);
        while ((await admin.Http.GetFromJsonAsync<JsonElement>($"api/jobs/{render}")).GetProperty("state").GetString() is var state && state != "succeeded")
        {
            Assert.True(state is "queued" or "running" && DateTime.UtcNow < deadline, $"the render ended {state}");
            await Task.Delay(200);
        }
        string rendered;
        await using (var db = world.OpenDb())
            rendered = await db.Assets.Where(a => a.PairId == pair && a.Kind == AssetKind.Output && a.MethodName != tagged && a.MethodName != other)
                .Select(a => a.MethodName!).SingleAsync();
        string[] methods = [tagged, other, rendered];
        output.WriteLine($"methods: {string.Join(", ", methods)}");

        var study = (await admin.PostJsonOkAsync("api/studies", new
        {
            projectId = project,
            study = new
            {
                name = "blinding", design = "pairwise", allowTie = true, trialsPerParticipant = 3, attentionChecks = 1, pairIds = new[] { pair }, methods,
                questions = new[] { new { key = "overall", text = "Which do you prefer?" } },
            },
        })).GetProperty("id").GetInt32();
        var opened = await admin.PostJsonOkAsync($"api/studies/{study}/state", new { state = "open" });
        var token = opened.GetProperty("token").GetString()!;
        var media = await StudyWorld.MediaReadyAsync(admin, study);
        output.WriteLine($"profile: {media.GetProperty("profile").GetString()}");

        using var a = new Participant(world.BaseAddress, token);
        using var b = new Participant(world.BaseAddress, token);
        await a.JoinOkAsync();
        await b.JoinOkAsync();
        var served = new Dictionary<Participant, (List<Served> Videos, List<Served> Posters)>();
        foreach (var p in new[] { a, b })
        {
            var videos = new List<Served>();
            var posters = new List<Served>();
            foreach (var trial in p.Trials)
            {
                foreach (var url in trial.GetProperty("candidates").EnumerateArray().Select(c => c.GetString()!).Append(trial.GetProperty("reference").GetString()!))
                    videos.Add(await FetchAsync(p.Http, url));
                posters.Add(await FetchAsync(p.Http, trial.GetProperty("referencePoster").GetString()!));
            }
            served[p] = (videos, posters);
        }
        var allVideos = served.Values.SelectMany(s => s.Videos).ToList();
        var allPosters = served.Values.SelectMany(s => s.Posters).ToList();

        // One size for every video and every poster, whatever made it.
        Assert.Single(allVideos.Select(v => v.Bytes.Length).Distinct());
        Assert.Single(allPosters.Select(v => v.Bytes.Length).Distinct());
        // Every video ends in a free box (the padding) after boxes that hold the whole file.
        Assert.All(allVideos, v => Assert.Equal("free", TopLevelBoxes(v.Bytes)[^1]));

        // Keys: one per place of every trial, none shared between participants.
        var keysA = served[a].Videos.Select(v => v.Key).ToList();
        var keysB = served[b].Videos.Select(v => v.Key).ToList();
        Assert.Equal(keysA.Count, keysA.Distinct().Count());
        Assert.Empty(keysA.Intersect(keysB));

        // The two sides of each participant's attention check: different keys and different bytes of the same length.
        await using (var db = world.OpenDb())
            foreach (var p in new[] { a, b })
            {
                var publicId = p.Session.GetProperty("participant").GetString()!;
                var check = await db.StudyTrials.Where(t => t.Participant.StudyId == study && t.Participant.PublicId == publicId && t.Kind == TrialKind.AttentionCheck)
                    .Select(t => t.Position).SingleAsync();
                var sides = p.Trials.Single(t => t.GetProperty("trial").GetInt32() == check).GetProperty("candidates").EnumerateArray()
                    .Select(c => served[p].Videos.Single(v => v.Key == KeyOf(c.GetString()!))).ToList();
                Assert.NotEqual(sides[0].Key, sides[1].Key);
                Assert.False(sides[0].Bytes.AsSpan().SequenceEqual(sides[1].Bytes), "the two sides of an attention check are different files");
            }

        // No method name, nor an encoder's, in any byte served; no tags but the container's own.
        foreach (var file in allVideos.Concat(allPosters))
        {
            var text = Encoding.Latin1.GetString(file.Bytes);
            foreach (var word in methods.Concat(["homography", "Lavf", "Lavc", "x264", "mpeg4", "mjpeg"]))
                Assert.DoesNotContain(word, text, StringComparison.OrdinalIgnoreCase);
        }
        var probes = allVideos.DistinctBy(v => Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(v.Bytes))).Select(v => FfmpegCli.Probe(v.Bytes)).ToList();
        foreach (var probe in probes) FfmpegCli.AssertNoMetadata(probe, [], tagged);
        var streams = probes.Select(p => p.GetProperty("streams").EnumerateArray().Single()).ToList();
        Assert.All(streams, s => Assert.Equal(("h264", "yuv420p"), (s.GetProperty("codec_name").GetString(), s.GetProperty("pix_fmt").GetString())));
        Assert.Single(streams.Select(s => $"{s.GetProperty("width")}x{s.GetProperty("height")} {s.GetProperty("r_frame_rate")} {s.GetProperty("tags")}").Distinct());
        output.WriteLine($"{probes.Count} distinct videos, {allVideos[0].Bytes.Length} bytes each; stream: {streams[0].GetProperty("width")}x{streams[0].GetProperty("height")} at {streams[0].GetProperty("r_frame_rate")}");

        // Headers: the same for every video (and for every poster) but the ETag, which names the key; no Last-Modified.
        Assert.Single(allVideos.Select(v => v.Headers).Distinct());
        Assert.Single(allPosters.Select(v => v.Headers).Distinct());
        Assert.All(allVideos, v => Assert.Equal($"\"{v.Key}\"", v.ETag));
        Assert.All(allVideos.Concat(allPosters), v => Assert.False(v.LastModified, "no Last-Modified"));
        output.WriteLine($"video headers: {allVideos[0].Headers}");

        // A key opens only with its participant's media cookie: not for another participant, not without it, not with a forged one.
        var keyOfA = served[a].Videos[0].Key;
        using (var other_ = await b.Http.GetAsync($"p/{token}/media/{keyOfA}")) Assert.Equal(HttpStatusCode.NotFound, other_.StatusCode);
        using (var bare = new HttpClient { BaseAddress = world.BaseAddress })
        {
            using (var none = await bare.GetAsync($"p/{token}/media/{keyOfA}")) Assert.Equal(HttpStatusCode.NotFound, none.StatusCode);
            using var forged = new HttpRequestMessage(HttpMethod.Get, $"p/{token}/media/{keyOfA}");
            forged.Headers.Add("Cookie", $"{StudyMediaKeys.CookieName}={a.Session.GetProperty("participant").GetString()}.AAAAAAAAAAAAAAAAAAAAAA");
            using var refused = await bare.SendAsync(forged);
            Assert.Equal(HttpStatusCode.NotFound, refused.StatusCode);
        }
        using (var bare = new HttpClient(new HttpClientHandler { UseCookies = false }) { BaseAddress = world.BaseAddress })
        using (var join = await bare.PostAsync($"p/{token}/api/participants", null))
        {
            // The cookie only goes with this study's media requests, and scripts cannot read it.
            var cookie = join.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(StudyMediaKeys.CookieName + "=", StringComparison.Ordinal));
            Assert.Contains($"path=/p/{token}/media", cookie, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
            Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        }

        // Ranges work (videos seek).
        using (var range = new HttpRequestMessage(HttpMethod.Get, $"p/{token}/media/{keyOfA}"))
        {
            range.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(100, 199);
            using var partial = await a.Http.SendAsync(range);
            Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
            Assert.Equal($"bytes 100-199/{served[a].Videos[0].Bytes.Length}", partial.Content.Headers.ContentRange!.ToString());
            Assert.Equal(served[a].Videos[0].Bytes[100..200], await partial.Content.ReadAsByteArrayAsync());
        }

        // The originals are kept as they were uploaded, tags and all.
        using var original = await admin.Http.GetAsync($"media/{taggedId}/original");
        Assert.Equal(taggedMp4, await original.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task AParticipantsPaddedVideosPlayToTheirEndInChromium()
    {
        var (_, token) = await world.OpenStudyAsync("plays to the end", trials: 1, attentionChecks: 1, questions: ["overall"]);
        var page = await world.NewPageAsync();
        await page.GotoAsync($"p/{token}");
        await page.GetByTestId("consent-check").CheckAsync();
        await page.GetByTestId("start").ClickAsync();
        await Assertions.Expect(page.GetByTestId("candidate")).ToHaveCountAsync(2);
        var sources = await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('video')].map(v => v.currentSrc)");
        Assert.Equal(3, sources.Length);
        foreach (var source in sources)
        {
            // The file the browser plays is padded: its last box is the free box.
            var response = await page.Context.APIRequest.GetAsync(source);
            Assert.Equal(200, response.Status);
            Assert.Equal("free", TopLevelBoxes(await response.BodyAsync())[^1]);
        }
        // Each file in a player of its own (the page's players loop together), played once from the start.
        var played = await page.EvaluateAsync<JsonElement>("""
            sources => Promise.all(sources.map(src => new Promise((resolve, reject) => {
                const v = document.createElement('video');
                v.muted = true;
                v.addEventListener('ended', () => resolve({ ended: v.ended, currentTime: v.currentTime, duration: v.duration, width: v.videoWidth }), { once: true });
                v.addEventListener('error', () => reject(new Error('video error ' + (v.error && v.error.code))), { once: true });
                setTimeout(() => reject(new Error('no ended event in 30 s at ' + v.currentTime)), 30000);
                v.src = src;
                document.body.append(v);
                v.play().catch(reject);
            })))
            """, sources);
        foreach (var video in played.EnumerateArray())
        {
            output.WriteLine(video.ToString());
            Assert.True(video.GetProperty("ended").GetBoolean());
            Assert.True(video.GetProperty("currentTime").GetDouble() > 0);
            Assert.True(video.GetProperty("width").GetInt32() > 0);
        }
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task AStudyOpenedOnItsPageShowsTheVideosBeingPreparedThenTakesParticipants()
    {
        // Megamind.avi (270 frames) makes the preparation last long enough to be seen; screenshots go to
        // CAMREVIEW_STUDY_SCREENSHOTS when it is set.
        var megamind = TestMedia.OpenCvSample("Megamind.avi")
            ?? throw new InvalidOperationException("Megamind.avi is one of OpenCV's samples: install Debian's opencv-doc (apt-get install opencv-doc).");
        var shots = Environment.GetEnvironmentVariable("CAMREVIEW_STUDY_SCREENSHOTS");
        if (shots is { Length: > 0 }) Directory.CreateDirectory(shots);
        using var admin = await world.ClientAsync();
        var project = (await admin.PostJsonOkAsync("api/projects", new { teamId = world.LabId, name = $"Opening {Guid.NewGuid():N}"[..30] })).GetProperty("id").GetInt32();
        var reference = (await admin.UploadOkAsync(project, "reference-video", await File.ReadAllBytesAsync(megamind), "Megamind.avi")).GetProperty("id").GetInt32();
        var target = (await admin.UploadOkAsync(project, "target-image", TestMedia.UniqueImage(131), "target.png")).GetProperty("id").GetInt32();
        var pair = (await admin.PostJsonOkAsync($"api/projects/{project}/pairs", new { referenceAssetId = reference, targetAssetId = target })).GetProperty("id").GetInt32();
        string[] methods = ["MirrorGlide-34", "TiltShift-56"];
        foreach (var (method, filter) in methods.Zip(["hflip", "vflip"]))
            await admin.UploadOkAsync(project, "output", TestMedia.FromFfmpeg($"{method}.mp4", "-i", megamind, "-an", "-vf", $"{filter},scale=360:264", "-c:v", "libx264",
                "-preset", "ultrafast", "-pix_fmt", "yuv420p"), $"{method}.mp4", new() { ["methodName"] = method, ["pairId"] = pair.ToString() });
        var study = (await admin.PostJsonOkAsync("api/studies", new
        {
            projectId = project,
            study = new
            {
                name = "Opened on its page", design = "pairwise", allowTie = true, trialsPerParticipant = 1, attentionChecks = 1, pairIds = new[] { pair }, methods,
                instructions = "Compare the videos.", consentText = "Anonymous.", questions = new[] { new { key = "overall", text = "Which do you prefer?" } },
            },
        })).GetProperty("id").GetInt32();

        var page = await world.SignedInPageAsync();
        await page.SetViewportSizeAsync(1100, 800);
        await page.GotoLiveAsync($"studies/{study}");
        await page.GetByTestId("open-study").ClickAsync();
        await Assertions.Expect(page.GetByTestId("study-state")).ToHaveTextAsync("open");
        // Five encodings of an 11-second clip (queued behind the outputs' scores): the progress bar shows them going, live.
        await Assertions.Expect(page.GetByTestId("media-preparing")).ToBeVisibleAsync();
        await page.WaitForFunctionAsync("() => { const bar = document.querySelector('[data-testid=media-progress]'); return !bar || parseFloat(bar.textContent) > 0; }",
            null, new() { Timeout = 180_000 });
        if (shots is { Length: > 0 }) await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "study-preparing.png"), FullPage = true });
        await Assertions.Expect(page.GetByTestId("media-ready")).ToContainTextAsync("videos of", new() { Timeout = 180_000 });
        await Assertions.Expect(page.GetByTestId("media-preparing")).ToHaveCountAsync(0);
        if (shots is { Length: > 0 }) await page.ScreenshotAsync(new() { Path = Path.Combine(shots, "study-ready.png"), FullPage = true });

        // The participant link now takes a participant, whose videos play.
        var participant = await world.NewPageAsync();
        await participant.SetViewportSizeAsync(1100, 800);
        await participant.GotoAsync(await page.GetByTestId("participant-link").InputValueAsync());
        await participant.GetByTestId("consent-check").CheckAsync();
        await participant.GetByTestId("start").ClickAsync();
        await Assertions.Expect(participant.GetByTestId("candidate")).ToHaveCountAsync(2);
        await participant.WaitForFunctionAsync("() => [...document.querySelectorAll('video')].every(v => v.readyState >= 2 && v.currentTime > 1.5)",
            null, new() { Timeout = 60_000 });
        var sizes = await participant.EvaluateAsync<int[][]>("() => [...document.querySelectorAll('video')].map(v => [v.videoWidth, v.videoHeight])");
        Assert.Single(sizes.Select(size => $"{size[0]}x{size[1]}").Distinct());
        if (shots is { Length: > 0 })
        {
            await participant.EvaluateAsync("() => document.querySelectorAll('video').forEach(v => v.pause())");
            await participant.ScreenshotAsync(new() { Path = Path.Combine(shots, "participant-trial.png"), FullPage = true });
        }
        await participant.Context.CloseAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task AFailedPreparationIsShownWithItsReasonAndPreparedAgainFromTheStudyPage()
    {
        using var admin = await world.ClientAsync();
        var project = (await admin.PostJsonOkAsync("api/projects", new { teamId = world.LabId, name = $"Missing {Guid.NewGuid():N}"[..30] })).GetProperty("id").GetInt32();
        var reference = await admin.UploadOkAsync(project, "reference-video", TestMedia.UniqueVideo(141), "ref.mp4");
        var target = (await admin.UploadOkAsync(project, "target-image", TestMedia.UniqueImage(142), "target.png")).GetProperty("id").GetInt32();
        var pair = (await admin.PostJsonOkAsync($"api/projects/{project}/pairs", new { referenceAssetId = reference.GetProperty("id").GetInt32(), targetAssetId = target }))
            .GetProperty("id").GetInt32();
        string[] methods = ["LynxPan-71", "OtterDolly-72"];
        for (int i = 0; i < methods.Length; i++)
            await admin.UploadOkAsync(project, "output", TestMedia.UniqueVideo(143 + i), $"o{i}.mp4", new() { ["methodName"] = methods[i], ["pairId"] = pair.ToString() });
        var study = (await admin.PostJsonOkAsync("api/studies", new
        {
            projectId = project,
            study = new { name = "missing file", design = "pairwise", trialsPerParticipant = 1, attentionChecks = 0, pairIds = new[] { pair }, methods,
                questions = new[] { new { key = "overall", text = "Which?" } } },
        })).GetProperty("id").GetInt32();

        // The reference's file goes missing from the data folder before the study opens.
        string original;
        await using (var db = world.OpenDb())
        {
            var asset = await db.Assets.SingleAsync(a => a.Id == reference.GetProperty("id").GetInt32());
            original = MediaFiles.Original(world.DataDir, asset.Sha256, asset.MediaType);
        }
        File.Move(original, original + ".away");
        var opened = await admin.PostJsonOkAsync($"api/studies/{study}/state", new { state = "open" });
        var deadline = DateTime.UtcNow.AddSeconds(120);
        JsonElement media;
        while ((media = (await admin.Http.GetFromJsonAsync<JsonElement>($"api/studies/{study}")).GetProperty("media")).GetProperty("stage").GetString() != "failed")
        {
            Assert.True(DateTime.UtcNow < deadline && !media.GetProperty("ready").GetBoolean(), $"the preparation did not fail: {media}");
            await Task.Delay(200);
        }
        Assert.Contains("missing from the data folder", media.GetProperty("error").GetString());
        using (var participant = new Participant(world.BaseAddress, opened.GetProperty("token").GetString()!))
        using (var join = await participant.JoinAsync())
            Assert.Equal(HttpStatusCode.Conflict, join.StatusCode);

        // Put back, the study page prepares them again.
        File.Move(original + ".away", original);
        var page = await world.SignedInPageAsync();
        await page.GotoLiveAsync($"studies/{study}");
        await Assertions.Expect(page.GetByTestId("media-failed")).ToContainTextAsync("missing from the data folder");
        await page.GetByTestId("prepare-again").ClickAsync();
        await Assertions.Expect(page.GetByTestId("media-ready")).ToBeVisibleAsync(new() { Timeout = 120_000 });
        await StudyWorld.MediaReadyAsync(admin, study);
        await page.Context.CloseAsync();
    }

    private static string KeyOf(string url) => url.TrimEnd('/').Split("/media/")[1].Split('/')[0];

    private static async Task<Served> FetchAsync(HttpClient http, string url)
    {
        using var response = await http.GetAsync(url.TrimStart('/'));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {url}: {response.StatusCode}");
        var headers = response.Headers.Concat(response.Content.Headers)
            .Where(h => h.Key is not ("ETag" or "Date"))
            .Select(h => $"{h.Key}: {string.Join(",", h.Value)}").Order(StringComparer.Ordinal);
        return new Served(KeyOf(url), await response.Content.ReadAsByteArrayAsync(), string.Join("; ", headers), response.Headers.ETag?.Tag,
            response.Content.Headers.LastModified is not null);
    }

    /// <summary>The types of an MP4's top-level boxes, which must hold the whole file.</summary>
    private static List<string> TopLevelBoxes(byte[] mp4)
    {
        var types = new List<string>();
        long position = 0;
        while (position < mp4.Length)
        {
            long size = BinaryPrimitives.ReadUInt32BigEndian(mp4.AsSpan((int)position));
            if (size == 1) size = (long)BinaryPrimitives.ReadUInt64BigEndian(mp4.AsSpan((int)position + 8));
            Assert.True(size >= 8 && position + size <= mp4.Length, $"a box at {position} of size {size} in a file of {mp4.Length}");
            types.Add(Encoding.ASCII.GetString(mp4, (int)position + 4, 4));
            position += size;
        }
        return types;
    }
}

/// <summary>A study world whose jobs do not run: an opened study's videos stay unprepared.</summary>
public sealed class UnpreparedStudyWorld : StudyWorld
{
    protected override IEnumerable<string> ExtraArgs => [.. base.ExtraArgs, "--CamReview:Jobs:MaxConcurrency=0"];
}

public sealed class StudyMediaGateTests(UnpreparedStudyWorld world) : IClassFixture<UnpreparedStudyWorld>
{
    [Fact]
    public async Task NobodyJoinsAStudyWhoseVideosAreNotReadyAndTheStudyPageSaysSo()
    {
        using var admin = await world.ClientAsync();
        var study = await admin.PostJsonOkAsync("api/studies", new { projectId = world.ProjectId, study = world.Draft("not ready yet") });
        var id = study.GetProperty("id").GetInt32();
        var opened = await admin.PostJsonOkAsync($"api/studies/{id}/state", new { state = "open" });
        Assert.Equal("open", opened.GetProperty("state").GetString());
        var media = opened.GetProperty("media");
        Assert.False(media.GetProperty("ready").GetBoolean());
        Assert.Equal("queued", media.GetProperty("stage").GetString());

        using var participant = new Participant(world.BaseAddress, study.GetProperty("token").GetString()!);
        using (var join = await participant.JoinAsync())
        {
            Assert.Equal(HttpStatusCode.Conflict, join.StatusCode);
            Assert.Equal(ParticipantService.MediaPreparing, await PortalClient.ErrorOf(join));
        }
        Assert.Equal(0, world.CountRows("StudyParticipants", $"\"StudyId\" = {id}"));
        Assert.Contains("Preparing the participant videos", WebUtility.HtmlDecode(await admin.Http.GetStringAsync($"studies/{id}")));
        await using var db = world.OpenDb();
        Assert.False(Directory.Exists(MediaFiles.StudyFolder(world.DataDir, id)));
        Assert.Equal(JobState.Queued, await db.Jobs.Where(j => j.Kind == JobKind.PrepareStudyMedia).Select(j => j.State).SingleAsync());
    }
}
