using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CamReview.Data;
using CamReview.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace CamReview.Web.Tests;

/// <summary><c>camreview worker</c> (the CLI executable built with these tests) as a process of its own, its output kept.</summary>
public sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    private WorkerProcess(Process process) => _process = process;

    public string Instance { get; private init; } = "";

    public IReadOnlyList<string> Lines => [.. _lines];

    public static WorkerProcess Start(Uri portal, string token, string instance, params string[] args)
    {
        var info = new ProcessStartInfo(CliProcess.Executable)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        // The token through the environment, as a service manager would give it (not on the command line).
        info.Environment["CAMREVIEW_WORKER_TOKEN"] = token;
        foreach (var arg in (string[])["worker", "--portal", portal.ToString(), "--name", instance, "--poll", "0.3", .. args]) info.ArgumentList.Add(arg);
        var worker = new WorkerProcess(Process.Start(info)!) { Instance = instance };
        worker._process.OutputDataReceived += (_, e) => { if (e.Data is { } line) worker._lines.Enqueue(line); };
        worker._process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) worker._lines.Enqueue("stderr: " + line); };
        worker._process.BeginOutputReadLine();
        worker._process.BeginErrorReadLine();
        return worker;
    }

    public bool Said(string text) => _lines.Any(l => l.Contains(text, StringComparison.Ordinal));

    /// <summary>Whether the worker says <paramref name="text"/> within <paramref name="seconds"/>: a line it printed may
    /// still be on its way through the pipe when the portal already shows what the line reports.</summary>
    public async Task<bool> SaysAsync(string text, double seconds = 10)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!Said(text))
        {
            if (DateTime.UtcNow > deadline) return false;
            await Task.Delay(50);
        }
        return true;
    }

    /// <summary>SIGKILL: gone at once, its leases left to expire.</summary>
    public void Kill() => _process.Kill();

    /// <summary>SIGINT, as Ctrl-C sends; the exit code.</summary>
    public async Task<int> InterruptAsync()
    {
        using (var kill = Process.Start("kill", ["-INT", _process.Id.ToString()])) await kill.WaitForExitAsync();
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(limit.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }
}

/// <summary>An external method as a test writes one: a Python script that checks its arguments, prints progress lines
/// (slowly, so that a run can be watched and interrupted) and writes a video of the target with ffmpeg.</summary>
public static class ExternalScript
{
    public static string Write(string dir, int steps, double secondsPerStep)
    {
        var path = Path.Combine(dir, "infer.py");
        File.WriteAllText(path, $$"""
            import argparse, json, subprocess, sys, time
            p = argparse.ArgumentParser()
            p.add_argument("--reference", required=True)
            p.add_argument("--target", required=True)
            p.add_argument("--trajectory", required=True)
            p.add_argument("--out", required=True)
            a = p.parse_args()
            poses = json.load(open(a.trajectory))["poses"]
            print(f"trajectory with {len(poses)} poses", flush=True)
            for i in range({{steps}}):
                time.sleep({{secondsPerStep.ToString(System.Globalization.CultureInfo.InvariantCulture)}})
                print(f"progress {(i + 1) / {{steps}}:.3f}", flush=True)
            subprocess.run(["ffmpeg", "-v", "error", "-y", "-loop", "1", "-i", a.target, "-frames:v", str(len(poses)),
                            "-vf", "scale=trunc(iw/2)*2:trunc(ih/2)*2", "-pix_fmt", "yuv420p", "-c:v", "libx264", a.out], check=True)
            print("frames written", flush=True)
            print("a warning on stderr", file=sys.stderr, flush=True)
            """);
        return path;
    }

    public static string Template(string script) =>
        $"python3 {script} --reference {{reference}} --target {{target}} --trajectory {{trajectory_json}} --out {{output}}";
}

[Collection(JobsCollection.Name)]
public sealed class ExternalMethodTests(WorkerPortalFixture portal) : IClassFixture<WorkerPortalFixture>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("camreview-external-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task AnExternalMethodRunsOnAWorkerThroughItsCommandTemplateWithProgressAndLog()
    {
        using var admin = await portal.ClientAsync();
        // Templates are checked when defined: an unknown placeholder is refused.
        using (var unknown = await admin.Http.PostAsJsonAsync("api/external-methods", new { name = "bad", commandTemplate = "python3 x.py {reference} {weights} {output}" }))
        {
            Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
            Assert.Contains("{weights}", await PortalClient.ErrorOf(unknown));
        }
        var script = ExternalScript.Write(_dir, steps: 4, secondsPerStep: 0.4);
        await admin.PostJsonOkAsync("api/external-methods", new { name = "scripted", commandTemplate = ExternalScript.Template(script), timeoutSeconds = 120 });
        var methods = await admin.Http.GetFromJsonAsync<JsonElement>("api/render-methods");
        Assert.Contains(methods.EnumerateArray(), m => m.GetProperty("name").GetString() == "scripted" && m.GetProperty("external").GetBoolean());

        var (_, token) = await portal.RegisterWorkerAsync("script-box", ["scripted"]);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await using var hub = await HubClient.ConnectAsync(admin, portal.BaseAddress, timeout.Token);
        Assert.Null(await hub.InvokeAsync("JoinProject", [portal.ProjectId], timeout.Token));
        var id = (await JobPortalFixture.StartRenderAsync(admin, portal.PairId, new { }, "scripted")).GetProperty("id").GetInt32();

        await using var worker = WorkerProcess.Start(portal.BaseAddress, token, "script-1");
        // The script's progress lines reach viewers as the job's progress.
        var percents = new List<double>();
        while (true)
        {
            var update = await hub.NextAsync("job", timeout.Token);
            if (update.GetProperty("id").GetInt32() != id) continue;
            if (update.GetProperty("stage").GetString() == "external") percents.Add(update.GetProperty("percent").GetDouble());
            if (update.GetProperty("state").GetString() is "succeeded" or "failed") break;
        }
        var job = await portal.WaitForJobAsync(id, j => j.State == JobState.Succeeded, "succeeded", 5);
        Assert.Contains(percents, p => p > 10 && p < 97);
        Assert.Equal("external command python3 on " + Environment.MachineName + " on worker script-box", job.Device);
        Assert.Contains("frames written", job.Log);
        Assert.Contains("a warning on stderr", job.Log);
        Assert.Contains("progress 1.000", job.Log);
        await using (var db = portal.OpenDb())
        {
            var output = await db.Assets.SingleAsync(a => a.Id == job.AssetId);
            Assert.Equal("scripted", output.MethodName);
            Assert.Equal("video/mp4", output.MediaType);
        }
        await portal.WaitForScoreAsync(job.AssetId!.Value, TimeSpan.FromSeconds(90));

        // Ctrl-C: the worker stops cleanly and gives back a job it holds.
        var second = (await JobPortalFixture.StartRenderAsync(admin, portal.PairId, new { }, "scripted")).GetProperty("id").GetInt32();
        await portal.WaitForJobAsync(second, j => j.State == JobState.Running, "running", 60);
        Assert.Equal(0, await worker.InterruptAsync());
        var released = await portal.WaitForJobAsync(second, j => j.State == JobState.Queued, "queued again", 10);
        Assert.Null(released.LeaseOwner);
        Assert.Equal(0, released.Attempts);
        Assert.True(worker.Said($"job {second}: given back to the queue"), string.Join('\n', worker.Lines));
    }
}

/// <summary>Two portal processes on one PostgreSQL database and one Redis, renders left to two worker processes.</summary>
[Collection(JobsCollection.Name)]
public sealed class WorkerScaleOutTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("camreview-scale-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task ARenderStartedOnOneInstanceRunsOnAWorkerIsWatchedOnTheOtherAndSurvivesAKilledWorker()
    {
        var database = await CamReview.Tests.TestServers.NewPostgresDatabaseAsync();
        var redis = await CamReview.Tests.TestServers.RedisAsync();
        var data = Directory.CreateDirectory(Path.Combine(_dir, "data")).FullName;
        string[] args = [.. PortalFixture.PostgresArgs(database), $"--CamReview:Redis={redis}", .. JobPortalFixture.JobArgs(maxConcurrency: 1, frameDelayMs: 0),
            "--CamReview:Jobs:LocalRenders=false"];
        await using var a = await PortalProcess.StartAsync(data, args);
        await using var b = await PortalProcess.StartAsync(data, args);

        using var onA = await PortalClient.SignInAsync(a.BaseAddress, PortalFixture.AdminEmail, PortalFixture.AdminPassword);
        using var onB = await PortalClient.SignInAsync(b.BaseAddress, PortalFixture.AdminEmail, PortalFixture.AdminPassword);
        var teamId = (await onA.Http.GetFromJsonAsync<JsonElement>("api/teams")).EnumerateArray().First().GetProperty("id").GetInt32();
        var (project, _, _, pair) = await JobPortalFixture.MakePairAsync(onA, teamId, "Scale-out");
        var script = ExternalScript.Write(_dir, steps: 16, secondsPerStep: 0.4);
        await onA.PostJsonOkAsync("api/external-methods", new { name = "slow", commandTemplate = ExternalScript.Template(script), timeoutSeconds = 120 });
        var token = (await onA.PostJsonOkAsync("api/render-workers", new { name = "cpu", kinds = new[] { "slow" } })).GetProperty("token").GetString()!;

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(180));
        await using var hub = await HubClient.ConnectAsync(onB, b.BaseAddress, timeout.Token);
        Assert.Null(await hub.InvokeAsync("JoinProject", [project], timeout.Token));
        await using var w1 = WorkerProcess.Start(a.BaseAddress, token, "w1");
        await using var w2 = WorkerProcess.Start(b.BaseAddress, token, "w2");

        var id = (await JobPortalFixture.StartRenderAsync(onA, pair, new { }, "slow")).GetProperty("id").GetInt32();
        // The viewer on B sees the worker's progress live (through Redis from whichever instance took the heartbeat).
        await NextProgressAsync(hub, id, above: 15, timeout.Token);
        var first = w1.Said($"job {id} leased") ? w1 : w2;
        var other = first == w1 ? w2 : w1;
        first.Kill();

        // The lease (3 s) runs out, the other worker takes the job and finishes it; B's viewer sees that too.
        while (true)
        {
            var update = await hub.NextAsync("job", timeout.Token);
            if (update.GetProperty("id").GetInt32() == id && update.GetProperty("state").GetString() is "succeeded" or "failed") break;
        }
        var job = await onB.Http.GetFromJsonAsync<JsonElement>($"api/jobs/{id}");
        Assert.True(job.GetProperty("state").GetString() == "succeeded", $"{job}\n{string.Join('\n', other.Lines)}");
        Assert.Equal(2, job.GetProperty("attempts").GetInt32());
        Assert.True(other.Said($"job {id} leased") && await other.SaysAsync($"job {id} done"), string.Join('\n', other.Lines));

        var options = new DbContextOptionsBuilder<CamReviewDb>();
        options.UseCamReview(DatabaseTarget.Postgres(database));
        await using var db = new CamReviewDb(options.Options);
        var output = await db.Assets.SingleAsync(x => x.Id == job.GetProperty("assetId").GetInt32());
        Assert.Equal("slow", output.MethodName);
        Assert.Equal(pair, output.PairId);
    }

    [Fact]
    public async Task OneDataFolderServesBothInstances()
    {
        var database = await CamReview.Tests.TestServers.NewPostgresDatabaseAsync();
        var data = Directory.CreateDirectory(Path.Combine(_dir, "data")).FullName;
        await using var a = await PortalProcess.StartAsync(data, PortalFixture.PostgresArgs(database));
        await using var b = await PortalProcess.StartAsync(data, PortalFixture.PostgresArgs(database));
        Uri OnB(string path) => new(b.BaseAddress, path);

        // Signed in on A only: the cookie, and the antiforgery token of A's page that the client sends, work on B
        // (cookies are kept per host, so this client sends A's cookies to B's port).
        using var onA = await PortalClient.SignInAsync(a.BaseAddress, PortalFixture.AdminEmail, PortalFixture.AdminPassword);
        using var stranger = PortalClient.Anonymous(b.BaseAddress);
        Assert.Equal(HttpStatusCode.Unauthorized, (await stranger.Http.GetAsync("api/teams")).StatusCode);
        var teams = await onA.Http.GetFromJsonAsync<JsonElement>(OnB("api/teams"));
        var teamId = teams.EnumerateArray().First().GetProperty("id").GetInt32();
        using (var created = await onA.Http.PostAsJsonAsync(OnB("api/projects"), new { teamId, name = "Made on B" }))
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        using (var noToken = new HttpRequestMessage(HttpMethod.Post, OnB("api/projects")) { Content = JsonContent.Create(new { teamId, name = "No token" }) })
        {
            noToken.Options.Set(PortalClient.WithoutToken, true);
            using var refused = await onA.Http.SendAsync(noToken);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }

        // Media uploaded through A are served by B, and the same content uploaded on both at once is stored once, as one file.
        var (_, reference, _, pair) = await JobPortalFixture.MakePairAsync(onA, teamId, "Shared folder");
        Assert.Equal(TestMedia.TexturedReference, await onA.Http.GetByteArrayAsync(OnB($"media/{reference}/original")));
        var first = (await onA.PostJsonOkAsync("api/projects", new { teamId, name = "First" })).GetProperty("id").GetInt32();
        var second = (await onA.PostJsonOkAsync("api/projects", new { teamId, name = "Second" })).GetProperty("id").GetInt32();
        using var onB = await PortalClient.SignInAsync(b.BaseAddress, PortalFixture.AdminEmail, PortalFixture.AdminPassword);
        var image = TestMedia.UniqueImage(seed: 41);
        var both = await Task.WhenAll(onA.UploadOkAsync(first, "target-image", image, "a.png"), onB.UploadOkAsync(second, "target-image", image, "b.png"));
        var sha = both[0].GetProperty("sha256").GetString()!;
        Assert.Equal(sha, both[1].GetProperty("sha256").GetString());
        Assert.Equal([$"{sha}.png", $"{sha}.poster.jpg", $"{sha}.thumb.jpg"],
            Directory.EnumerateFiles(Path.Combine(data, "media", sha[..2]), $"{sha}*").Select(Path.GetFileName).Order(StringComparer.Ordinal));

        // A passphrase link made on A, unlocked on B with the form A served: B's unlock cookie opens it on A too.
        var url = (await onA.PostJsonOkAsync($"api/pairs/{pair}/share-links", new { label = "both", expiresInDays = 1, passphrase = "open sesame" }))
            .GetProperty("url").GetString()!;
        using var guest = PortalClient.Anonymous(a.BaseAddress);
        Assert.Equal(HttpStatusCode.Unauthorized, (await guest.Http.GetAsync(url)).StatusCode);
        using (var unlocked = await guest.PostFormAsync(url, "", new() { ["passphrase"] = "open sesame" }, action: OnB($"{url}/unlock").ToString()))
            Assert.Equal(HttpStatusCode.Redirect, unlocked.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await guest.Http.GetAsync(url)).StatusCode);
        Assert.Equal(TestMedia.TexturedReference, await guest.Http.GetByteArrayAsync(OnB($"{url}/media/{reference}/original")));

        // Each instance has its own temporary folder, held while it runs.
        var instances = Directory.GetDirectories(Path.Combine(data, "tmp", "uploads"));
        Assert.Equal(2, instances.Length);
        Assert.All(instances, folder => Assert.True(File.Exists(Path.Combine(folder, "owner.lock"))));
    }

    private static async Task NextProgressAsync(HubClient hub, int jobId, double above, CancellationToken ct)
    {
        while (true)
        {
            var update = await hub.NextAsync("job", ct);
            if (update.GetProperty("id").GetInt32() == jobId && update.GetProperty("percent").GetDouble() > above) return;
        }
    }
}
