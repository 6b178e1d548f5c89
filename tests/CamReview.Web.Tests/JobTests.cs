using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CamReview.Data;
using CamReview.Data.Entities;
using CamReview.Web.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CamReview.Web.Tests;

/// <summary>Render, score and analyze jobs against the real pipeline: outputs stored and scored, bounded concurrency,
/// cancel, retry, imports scored.</summary>
[Collection(JobsCollection.Name)]
public sealed class JobTests(JobPortalFixture portal) : IClassFixture<JobPortalFixture>
{
    [Fact]
    public async Task ARenderStoresAScoredOutputOfThePairWithDeviceAndTimings()
    {
        using var rita = await portal.ClientAsync("rita@camreview.test", JobPortalFixture.Password);
        var job = await JobPortalFixture.StartRenderAsync(rita, portal.PairId, new { motion = "reference", border = "black", frames = 12 });
        Assert.Equal("queued", job.GetProperty("state").GetString());
        Assert.Equal("homography (black)", job.GetProperty("methodName").GetString());
        var id = job.GetProperty("id").GetInt32();

        var done = await portal.WaitForJobAsync(id, j => j.State is JobState.Succeeded or JobState.Failed, "finished");
        Assert.True(done.State == JobState.Succeeded, done.Error);
        Assert.Equal(100, done.ProgressPercent);
        Assert.Equal("cpu", done.Device);
        var timings = JsonSerializer.Deserialize<Dictionary<string, double>>(done.TimingsJson!)!;
        Assert.Contains("render", timings.Keys);
        Assert.Contains("total", timings.Keys);
        Assert.Null(done.LeaseOwner);

        await using (var db = portal.OpenDb())
        {
            var output = await db.Assets.SingleAsync(a => a.Id == done.AssetId);
            Assert.Equal((AssetKind.Output, "homography (black)", portal.PairId, 12), (output.Kind, output.MethodName, output.PairId, output.FrameCount));
            Assert.Equal("video/mp4", output.MediaType);
            Assert.True(File.Exists(MediaFiles.Original(portal.DataDir, output.Sha256, output.MediaType)));
            Assert.True(File.Exists(MediaFiles.Poster(portal.DataDir, output.Sha256)));
        }

        // Every new output gets a score job: metrics stored as JSON, CameraScore as a number.
        var score = await portal.WaitForScoreAsync(done.AssetId!.Value, TimeSpan.FromSeconds(60));
        Assert.NotNull(score.CameraScore);
        using (var json = JsonDocument.Parse(score.ResultJson))
        {
            Assert.Equal(score.CameraScore, json.RootElement.GetProperty("cameraScore").GetDouble());
            Assert.True(json.RootElement.GetProperty("perPair").GetArrayLength() > 0);
            Assert.DoesNotContain(portal.DataDir, score.ResultJson); // no server paths
        }
        var details = await rita.Http.GetFromJsonAsync<JsonElement>($"api/pairs/{portal.PairId}");
        var listed = details.GetProperty("outputs").EnumerateArray().Single(o => o.GetProperty("asset").GetProperty("id").GetInt32() == done.AssetId);
        Assert.Equal(score.CameraScore, listed.GetProperty("score").GetProperty("cameraScore").GetDouble());
    }

    [Fact]
    public async Task RenderParametersAreValidated()
    {
        using var rita = await portal.ClientAsync("rita@camreview.test", JobPortalFixture.Password);
        var bad = new (string Method, object Parameters, string Expected)[]
        {
            ("homography", new { motion = "sideways" }, "motion must be"),
            ("homography", new { motion = "pan-left", frames = 1 }, "frames must be between"),
            ("homography", new { motion = "pan-left", speed = 45 }, "degrees per frame"),
            ("homography", new { motion = "zoom-in", speed = 1.0 }, "scale per frame"),
            ("homography", new { motion = "reference", border = "smear" }, "border must be"),
            ("homography", new { motion = "reference", width = 320 }, "both width and height"),
            ("homography", new { motion = "reference", wobble = 3 }, "not valid"),
            ("magic", new { }, "Choose a render method"),
        };
        foreach (var (method, parameters, expected) in bad)
        {
            using var response = await rita.Http.PostAsJsonAsync($"api/pairs/{portal.PairId}/renders", new { method, parameters });
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{expected}: {response.StatusCode}");
            Assert.Contains(expected, await PortalClient.ErrorOf(response));
        }
        var methods = await rita.Http.GetFromJsonAsync<JsonElement>("api/render-methods");
        Assert.Contains("homography", methods.EnumerateArray().Select(m => m.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task NoMoreThanMaxConcurrencyJobsRunAtOnce()
    {
        using var admin = await portal.ClientAsync();
        var ids = new List<int>();
        foreach (var speed in new[] { 0.3, 0.4, 0.6, 0.7 })
            ids.Add((await JobPortalFixture.StartRenderAsync(admin, portal.PairId, new { motion = "pan-left", speed, frames = 20 })).GetProperty("id").GetInt32());
        var most = 0;
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            await using var db = portal.OpenDb();
            var running = await db.Jobs.CountAsync(j => j.State == JobState.Running);
            most = Math.Max(most, running);
            Assert.True(running <= 2, $"{running} jobs running at once");
            if (await db.Jobs.CountAsync(j => ids.Contains(j.Id) && j.State == JobState.Succeeded) == ids.Count) break;
            await Task.Delay(40);
        }
        await using (var db = portal.OpenDb())
            Assert.All(await db.Jobs.Where(j => ids.Contains(j.Id)).ToListAsync(), j => Assert.Equal(JobState.Succeeded, j.State));
        Assert.Equal(2, most);
        var runner = portal.Services.GetRequiredService<JobRunner>();
        Assert.InRange(runner.PeakRunning, 1, 2);
    }

    [Fact]
    public async Task CancelStopsARunningRenderAndLeavesNoOutput()
    {
        using var rita = await portal.ClientAsync("rita@camreview.test", JobPortalFixture.Password);
        var id = (await JobPortalFixture.StartRenderAsync(rita, portal.PairId, new { motion = "tilt-up", speed = 0.45, frames = 200 })).GetProperty("id").GetInt32();
        await portal.WaitForJobAsync(id, j => j.State == JobState.Running && j.ProgressStage == "render" && j.ProgressPercent >= 5, "rendering");
        int outputsBefore;
        await using (var db = portal.OpenDb()) outputsBefore = await db.Assets.CountAsync(a => a.Kind == AssetKind.Output);
        var mediaBefore = portal.StoredFiles().Where(f => f.StartsWith("media")).ToList();

        using (var response = await rita.Http.PostAsync($"api/jobs/{id}/cancel", null))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        var canceled = await portal.WaitForJobAsync(id, j => j.State != JobState.Running, "stopped", seconds: 10);
        Assert.Equal(JobState.Canceled, canceled.State);
        Assert.True(canceled.ProgressPercent < 100);
        Assert.Null(canceled.AssetId);
        Assert.True((canceled.FinishedUtc - canceled.StartedUtc)!.Value.TotalSeconds < 200 * JobPortalFixture.FrameDelayMs / 1000.0, "it ran to the end");

        await Task.Delay(500); // nothing arrives late either
        await using (var db = portal.OpenDb())
        {
            Assert.Equal(outputsBefore, await db.Assets.CountAsync(a => a.Kind == AssetKind.Output));
            Assert.False(await db.Assets.AnyAsync(a => a.MethodName!.Contains("tilt-up")));
        }
        Assert.Equal(mediaBefore, portal.StoredFiles().Where(f => f.StartsWith("media")).ToList());
        Assert.DoesNotContain(portal.StoredFiles(), f => f.EndsWith(".render.mp4") || f.Contains("ffmpeg", StringComparison.OrdinalIgnoreCase));

        // A finished job cannot be canceled again; a canceled one can be retried.
        using (var again = await rita.Http.PostAsync($"api/jobs/{id}/cancel", null)) Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task AFailedRenderIsRetriedAndThenSucceeds()
    {
        using var admin = await portal.ClientAsync();
        var target = (await admin.UploadOkAsync(portal.ProjectId, "target-image", TestMedia.UniqueTexture(21), "fragile.png")).GetProperty("id").GetInt32();
        var pair = (await admin.PostJsonOkAsync($"api/projects/{portal.ProjectId}/pairs",
            new { referenceAssetId = portal.ReferenceId, targetAssetId = target, name = "fragile" })).GetProperty("id").GetInt32();
        string file;
        await using (var db = portal.OpenDb())
        {
            var asset = await db.Assets.SingleAsync(a => a.Id == target);
            file = MediaFiles.Original(portal.DataDir, asset.Sha256, asset.MediaType);
        }
        // The target's file goes missing (a disk problem): the render fails with the reason.
        File.Move(file, file + ".away");
        var id = (await JobPortalFixture.StartRenderAsync(admin, pair, new { motion = "pan-right", speed = 0.5, frames = 12 })).GetProperty("id").GetInt32();
        var failed = await portal.WaitForJobAsync(id, j => j.State is JobState.Failed or JobState.Succeeded, "finished");
        Assert.Equal(JobState.Failed, failed.State);
        Assert.Contains("not found", failed.Error, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(1, failed.Attempts);

        // Fixed, and retried: it succeeds on the second attempt.
        File.Move(file + ".away", file);
        var retried = await admin.PostJsonOkAsync($"api/jobs/{id}/retry", new { });
        Assert.Equal("queued", retried.GetProperty("state").GetString());
        var done = await portal.WaitForJobAsync(id, j => j.State is JobState.Succeeded or JobState.Failed, "finished again");
        Assert.True(done.State == JobState.Succeeded, done.Error);
        Assert.Equal(2, done.Attempts);
        Assert.Null(done.Error);
        Assert.NotNull(done.AssetId);
        using (var again = await admin.Http.PostAsync($"api/jobs/{id}/retry", null))
        {
            Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
            Assert.Contains("failed or canceled", await PortalClient.ErrorOf(again));
        }
    }

    [Fact]
    public async Task AnImportedOutputOfAPairIsScored()
    {
        using var rita = await portal.ClientAsync("rita@camreview.test", JobPortalFixture.Password);
        var asset = (await rita.UploadOkAsync(portal.ProjectId, "output", TestMedia.TexturedOutput, "cammimic.mp4",
            new() { ["methodName"] = "CamMimic", ["pairId"] = portal.PairId.ToString() })).GetProperty("id").GetInt32();
        var score = await portal.WaitForScoreAsync(asset, TimeSpan.FromSeconds(60));
        Assert.NotNull(score.CameraScore);
        Assert.True(score.CameraScore > 0);
        Assert.Equal(portal.ReferenceId, score.ReferenceAssetId);
        int jobId;
        await using (var db = portal.OpenDb())
            jobId = await db.Jobs.Where(j => j.Kind == JobKind.ScoreOutput && j.AssetId == asset).Select(j => j.Id).SingleAsync();
        // The score is stored just before its job is marked done.
        var job = await portal.WaitForJobAsync(jobId, j => j.State != JobState.Running && j.State != JobState.Queued, "the score job to finish");
        Assert.Equal((JobState.Succeeded, "CamMimic"), (job.State, job.MethodName));
        Assert.Contains("analyze", job.TimingsJson);
    }

    [Fact]
    public async Task OtherClientsOfTheProjectGetTheProgressOverTheReviewHub()
    {
        using var vic = await portal.ClientAsync("vic@camreview.test", JobPortalFixture.Password);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await using var hub = await HubClient.ConnectAsync(vic, portal.BaseAddress, timeout.Token);
        Assert.Null(await hub.InvokeAsync("JoinProject", [portal.ProjectId], timeout.Token));

        using var admin = await portal.ClientAsync();
        var id = (await JobPortalFixture.StartRenderAsync(admin, portal.PairId, new { motion = "pan-right", speed = 0.35, frames = 20 })).GetProperty("id").GetInt32();
        var states = new List<string>();
        var percents = new List<double>();
        while (true)
        {
            var job = await hub.NextAsync("job", timeout.Token);
            if (job.GetProperty("id").GetInt32() != id) continue;
            states.Add(job.GetProperty("state").GetString()!);
            percents.Add(job.GetProperty("percent").GetDouble());
            if (states[^1] is "succeeded" or "failed") break;
        }
        Assert.Equal("queued", states[0]);
        Assert.Contains("running", states);
        Assert.Equal("succeeded", states[^1]);
        Assert.Equal(100, percents[^1]);
        Assert.True(percents.Distinct().Count() >= 3, string.Join(", ", percents));
    }
}

/// <summary>A portal stopped in the middle of a render, then started again on the same data folder: the render
/// finishes. Covers both a stop that gives the job back and a process that died holding it (its lease expires).</summary>
[Collection(JobsCollection.Name)]
public sealed class JobRestartTests
{
    [Fact]
    public async Task ARenderInterruptedByAStopOrACrashIsFinishedByTheNextStart()
    {
        var dataDir = Directory.CreateTempSubdirectory("camreview-restart-").FullName;
        string[] args = [.. PortalFixture.AdminArgs, .. PortalFixture.NoDemo, .. JobPortalFixture.JobArgs(maxConcurrency: 1, frameDelayMs: 50)];
        try
        {
            int jobId, pairId;
            await using (var first = await TestPortal.StartAsync(dataDir, args))
            {
                using var admin = await PortalClient.SignInAsync(first.BaseAddress, PortalFixture.AdminEmail, PortalFixture.AdminPassword);
                int teamId;
                await using (var db = first.OpenDb()) teamId = await db.Teams.Select(t => t.Id).SingleAsync();
                (_, _, _, pairId) = await JobPortalFixture.MakePairAsync(admin, teamId, "Restarts");
                jobId = (await JobPortalFixture.StartRenderAsync(admin, pairId, new { motion = "zoom-in", speed = 1.01, frames = 90 })).GetProperty("id").GetInt32();
                await JobPortalFixture.WaitForJobAsync(first.OpenDb, jobId, j => j.State == JobState.Running && j.ProgressStage == "render" && j.ProgressPercent > 10, "rendering");
            } // stopped in the middle of the render

            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            await using (var db = new CamReviewDb(Database.Options(dataDir)))
            {
                var stopped = await db.Jobs.SingleAsync(j => j.Id == jobId);
                // A stop gives the job back (the interrupted attempt not counted) and leaves no output behind.
                Assert.Equal((JobState.Queued, 0, null), (stopped.State, stopped.Attempts, stopped.LeaseOwner));
                Assert.False(await db.Assets.AnyAsync(a => a.Kind == AssetKind.Output));
                // Now as if the process had died instead: the row still says Running, under a lease that ran out.
                await db.Jobs.Where(j => j.Id == jobId).ExecuteUpdateAsync(s => s.SetProperty(j => j.State, JobState.Running)
                    .SetProperty(j => j.LeaseOwner, "crashed-host/4242/deadbeef").SetProperty(j => j.LeaseExpiresUtc, DateTime.UtcNow.AddSeconds(-1))
                    .SetProperty(j => j.Attempts, 1).SetProperty(j => j.ProgressPercent, 40));
            }
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();

            await using (var second = await TestPortal.StartAsync(dataDir, args))
            {
                var done = await JobPortalFixture.WaitForJobAsync(second.OpenDb, jobId, j => j.State is JobState.Succeeded or JobState.Failed, "finished", seconds: 90);
                Assert.True(done.State == JobState.Succeeded, done.Error);
                Assert.Equal(2, done.Attempts);
                Assert.NotEqual("crashed-host/4242/deadbeef", done.LeaseOwner);
                await using var db = second.OpenDb();
                var output = await db.Assets.SingleAsync(a => a.Id == done.AssetId);
                Assert.Equal((AssetKind.Output, pairId, 90), (output.Kind, output.PairId, output.FrameCount));
                Assert.True(File.Exists(MediaFiles.Original(dataDir, output.Sha256, output.MediaType)));
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dataDir, recursive: true);
        }
    }
}
