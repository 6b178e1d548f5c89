using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using CamReview.Data.Entities;
using CamReview.Web.Api;
using Microsoft.EntityFrameworkCore;

namespace CamReview.Web.Tests;

/// <summary>A portal that leaves renders to workers (LocalRenders=false, short leases); analyses and scores run here.</summary>
public sealed class WorkerPortalFixture : JobPortalFixture
{
    protected override IEnumerable<string> ExtraArgs => [.. base.ExtraArgs, "--CamReview:Jobs:LocalRenders=false"];

    /// <summary>Registers a worker through the API as the administrator: its token.</summary>
    public async Task<(int Id, string Token)> RegisterWorkerAsync(string name, string[] kinds, int? teamId = null)
    {
        using var admin = await ClientAsync();
        var created = await admin.PostJsonOkAsync("api/render-workers", new { name, kinds, teamId });
        return (created.GetProperty("worker").GetProperty("id").GetInt32(), created.GetProperty("token").GetString()!);
    }

    /// <summary>A client of the worker API: the token as a bearer, no cookies.</summary>
    public HttpClient WorkerClient(string token, string instance)
    {
        var http = new HttpClient(new HttpClientHandler { UseCookies = false, AllowAutoRedirect = false }) { BaseAddress = BaseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        http.DefaultRequestHeaders.Add(WorkerApi.InstanceHeader, instance);
        return http;
    }
}

[Collection(JobsCollection.Name)]
public sealed class WorkerApiTests(WorkerPortalFixture portal) : IClassFixture<WorkerPortalFixture>
{
    private static async Task<JsonElement?> LeaseAsync(HttpClient worker, params string[] kinds)
    {
        using var response = await worker.PostAsJsonAsync("api/workers/lease", new { kinds });
        if (response.StatusCode == HttpStatusCode.NoContent) return null;
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"lease: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static Task<HttpResponseMessage> HeartbeatAsync(HttpClient worker, int jobId, string stage, double percent) =>
        worker.PostAsJsonAsync($"api/workers/jobs/{jobId}/heartbeat", new { stage, percent });

    private static Task<HttpResponseMessage> UploadAsync(HttpClient worker, int jobId, byte[] body) =>
        worker.PostAsync($"api/workers/jobs/{jobId}/result?device=cpu", new ByteArrayContent(body));

    /// <summary>Every job of the project left queued by a test is canceled, so the next test's lease sees only its own.</summary>
    private async Task CancelQueuedAsync()
    {
        await using var db = portal.OpenDb();
        await db.Jobs.Where(j => j.Kind == JobKind.Render && (j.State == JobState.Queued || j.State == JobState.Running))
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.State, JobState.Canceled).SetProperty(j => j.LeaseOwner, (string?)null));
    }

    [Fact]
    public async Task AWorkerLeasesOnlyItsMethodsReportsProgressAndItsUploadIsStoredAndScored()
    {
        await CancelQueuedAsync();
        var (_, token) = await portal.RegisterWorkerAsync("cpu-box", ["homography"]);
        using var worker = portal.WorkerClient(token, "box-1");
        using var rita = await portal.ClientAsync("rita@camreview.test", JobPortalFixture.Password);
        // The parallax render is older, but this worker does not offer parallax: it is never leased to it.
        var parallax = (await JobPortalFixture.StartRenderAsync(rita, portal.PairId, new { motion = "pan-right", frames = 4 }, "parallax")).GetProperty("id").GetInt32();
        var homography = (await JobPortalFixture.StartRenderAsync(rita, portal.PairId, new { frames = 4 })).GetProperty("id").GetInt32();

        var leased = (await LeaseAsync(worker))!.Value;
        Assert.Equal(homography, leased.GetProperty("id").GetInt32());
        Assert.Equal("homography", leased.GetProperty("method").GetString());
        var job = await portal.WaitForJobAsync(homography, j => j.State == JobState.Running, "running");
        Assert.Equal("worker", job.LeaseOwner!.Split(' ')[0]);
        Assert.EndsWith("cpu-box/box-1", job.LeaseOwner);
        Assert.Null(await LeaseAsync(worker)); // the parallax job is not for it
        Assert.Equal(JobState.Queued, (await portal.WaitForJobAsync(parallax, _ => true, "read")).State);

        // Its inputs are the pair's files.
        var reference = await worker.GetByteArrayAsync(leased.GetProperty("inputs").GetProperty("reference").GetString());
        Assert.Equal(TestMedia.TexturedReference, reference);
        Assert.Equal(TestMedia.TexturedTarget, await worker.GetByteArrayAsync(leased.GetProperty("inputs").GetProperty("target").GetString()));

        // A viewer of the project sees the worker's progress live.
        using var vic = await portal.ClientAsync("vic@camreview.test", JobPortalFixture.Password);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await using var hub = await HubClient.ConnectAsync(vic, portal.BaseAddress, timeout.Token);
        Assert.Null(await hub.InvokeAsync("JoinProject", [portal.ProjectId], timeout.Token));
        using (var beat = await HeartbeatAsync(worker, homography, "render", 42.5))
        {
            Assert.Equal(HttpStatusCode.OK, beat.StatusCode);
            Assert.False((await beat.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("cancelRequested").GetBoolean());
        }
        while (true)
        {
            var update = await hub.NextAsync("job", timeout.Token);
            if (update.GetProperty("id").GetInt32() == homography && update.GetProperty("percent").GetDouble() == 42.5)
            {
                Assert.Equal("render", update.GetProperty("stage").GetString());
                break;
            }
        }
        Assert.Equal(42.5, (await portal.WaitForJobAsync(homography, _ => true, "read")).ProgressPercent);

        // The upload is validated, stored as an output of the pair and scored like the portal's own renders.
        using (var upload = await UploadAsync(worker, homography, TestMedia.TexturedOutput))
            Assert.True(upload.StatusCode == HttpStatusCode.OK, await upload.Content.ReadAsStringAsync());
        job = await portal.WaitForJobAsync(homography, j => j.State == JobState.Succeeded, "succeeded");
        Assert.Equal("cpu on worker cpu-box", job.Device);
        await using (var db = portal.OpenDb())
        {
            var output = await db.Assets.SingleAsync(a => a.Id == job.AssetId);
            Assert.Equal(AssetKind.Output, output.Kind);
            Assert.Equal(portal.PairId, output.PairId);
            Assert.Equal(job.MethodName, output.MethodName);
        }
        await portal.WaitForScoreAsync(job.AssetId!.Value, TimeSpan.FromSeconds(90));
        // Finished: further calls about it are refused.
        using (var again = await HeartbeatAsync(worker, homography, "render", 50)) Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task AWorkerWhoseLeaseExpiredGets409AndCannotOverwriteItsSuccessor()
    {
        await CancelQueuedAsync();
        var (_, tokenA) = await portal.RegisterWorkerAsync("slow", ["homography"]);
        var (_, tokenB) = await portal.RegisterWorkerAsync("quick", ["homography"]);
        using var a = portal.WorkerClient(tokenA, "a");
        using var b = portal.WorkerClient(tokenB, "b");
        using var rita = await portal.ClientAsync("rita@camreview.test", JobPortalFixture.Password);
        var id = (await JobPortalFixture.StartRenderAsync(rita, portal.PairId, new { frames = 4 })).GetProperty("id").GetInt32();
        Assert.Equal(id, (await LeaseAsync(a))!.Value.GetProperty("id").GetInt32());
        using (var wrong = await HeartbeatAsync(b, id, "render", 10)) Assert.Equal(HttpStatusCode.Conflict, wrong.StatusCode); // not B's
        using (var unknown = await HeartbeatAsync(a, 987654, "render", 10)) Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

        // A stops heartbeating; after the lease (3 s) the job goes back to the queue and B takes it.
        JsonElement? second = null;
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (second is null && DateTime.UtcNow < deadline)
        {
            second = await LeaseAsync(b);
            if (second is null) await Task.Delay(200);
        }
        Assert.Equal(id, second!.Value.GetProperty("id").GetInt32());
        using (var late = await HeartbeatAsync(a, id, "render", 90)) Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        using (var lateUpload = await UploadAsync(a, id, TestMedia.TexturedOutput)) Assert.Equal(HttpStatusCode.Conflict, lateUpload.StatusCode);
        using (var lateFailure = await a.PostAsJsonAsync($"api/workers/jobs/{id}/failure", new { error = "A gave up" }))
            Assert.Equal(HttpStatusCode.Conflict, lateFailure.StatusCode);
        var job = await portal.WaitForJobAsync(id, _ => true, "read");
        Assert.Equal(JobState.Running, job.State);
        Assert.EndsWith("quick/b", job.LeaseOwner);
        Assert.Equal(2, job.Attempts);
        Assert.Null(job.AssetId);
        using (var release = await b.PostAsync($"api/workers/jobs/{id}/release", null)) Assert.Equal(HttpStatusCode.NoContent, release.StatusCode);
        Assert.Equal(JobState.Queued, (await portal.WaitForJobAsync(id, _ => true, "read")).State);
    }

    [Fact]
    public async Task ABadOrRevokedTokenIsRefusedAtOnce()
    {
        var (workerId, token) = await portal.RegisterWorkerAsync("revoked-soon", ["homography"]);
        using var worker = portal.WorkerClient(token, "r");
        await CancelQueuedAsync();
        Assert.Null(await LeaseAsync(worker));
        using (var bad = portal.WorkerClient(token[..^2] + "00", "r"))
        using (var refused = await bad.PostAsJsonAsync("api/workers/lease", new { }))
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        using (var anonymous = await portal.Http.PostAsJsonAsync("api/workers/lease", new { }))
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        // A reviewer may not register or revoke workers; the administrator revokes it.
        using var rita = await portal.ClientAsync("rita@camreview.test", JobPortalFixture.Password);
        using (var denied = await rita.Http.PostAsJsonAsync("api/render-workers", new { name = "mine", kinds = new[] { "homography" }, teamId = portal.TeamId }))
            Assert.Equal(HttpStatusCode.Forbidden, denied.StatusCode);
        using var admin = await portal.ClientAsync();
        using (var revoked = await admin.Http.PostAsync($"api/render-workers/{workerId}/revoke", null)) Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        using (var after = await worker.PostAsJsonAsync("api/workers/lease", new { })) Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
    }

    [Fact]
    public async Task AnUploadThatIsNotAVideoIsRefusedAndTheFailureIsRecordedWithItsLog()
    {
        await CancelQueuedAsync();
        var (_, token) = await portal.RegisterWorkerAsync("broken", ["homography"]);
        using var worker = portal.WorkerClient(token, "x");
        using var rita = await portal.ClientAsync("rita@camreview.test", JobPortalFixture.Password);
        var id = (await JobPortalFixture.StartRenderAsync(rita, portal.PairId, new { frames = 4 })).GetProperty("id").GetInt32();
        Assert.Equal(id, (await LeaseAsync(worker))!.Value.GetProperty("id").GetInt32());

        using (var image = await UploadAsync(worker, id, TestMedia.TexturedTarget))
        {
            Assert.Equal(HttpStatusCode.UnprocessableEntity, image.StatusCode);
            Assert.Contains("not stored", await PortalClient.ErrorOf(image));
        }
        using (var text = await UploadAsync(worker, id, "not a video at all"u8.ToArray())) Assert.Equal(HttpStatusCode.UnprocessableEntity, text.StatusCode);
        Assert.Equal(JobState.Running, (await portal.WaitForJobAsync(id, _ => true, "read")).State);

        using (var failed = await worker.PostAsJsonAsync($"api/workers/jobs/{id}/failure", new { error = "CUDA out of memory", log = "loading\nstep 3\nCUDA out of memory" }))
            Assert.Equal(HttpStatusCode.NoContent, failed.StatusCode);
        var job = await portal.WaitForJobAsync(id, j => j.State == JobState.Failed, "failed");
        Assert.Equal("CUDA out of memory (worker broken)", job.Error);
        Assert.Null(job.AssetId);
        Assert.Equal("loading\nstep 3\nCUDA out of memory", await rita.Http.GetStringAsync($"api/jobs/{id}/log"));
    }

    [Fact]
    public async Task TheWorkersPageRegistersAWorkerShowsItsTokenOnceAndRevokesIt()
    {
        var page = await portal.SignedInPageAsync();
        await page.GotoAsync("workers");
        // Typed once the page is interactive (what is typed into the prerendered page is not kept).
        await Microsoft.Playwright.Assertions.Expect(page.GetByTestId("register-worker")).ToBeEnabledAsync();
        await page.Locator("#worker-name").FillAsync("page-box");
        await page.GetByTestId("register-worker").ClickAsync();
        var token = await page.GetByTestId("worker-token").TextContentAsync();
        Assert.StartsWith("crw_", token);
        // The token works, and only its hash is stored.
        using (var worker = portal.WorkerClient(token!, "page"))
        using (var lease = await worker.PostAsJsonAsync("api/workers/lease", new { kinds = new[] { "homography" } }))
            Assert.True(lease.IsSuccessStatusCode, $"{(int)lease.StatusCode}");
        await using (var db = portal.OpenDb())
            Assert.Equal(Jobs.WorkerRegistry.Hash(token!), (await db.RenderWorkers.SingleAsync(w => w.Name == "page-box")).TokenHash);
        await page.ReloadAsync();
        Assert.Equal(0, await page.GetByTestId("worker-token").CountAsync()); // shown once
        var row = page.Locator("[data-testid=worker-row][data-worker=page-box]");
        await row.GetByTestId("revoke-worker").ClickAsync();
        await Microsoft.Playwright.Assertions.Expect(row.GetByTestId("worker-revoked")).ToBeVisibleAsync();
        using (var revoked = portal.WorkerClient(token!, "page"))
        using (var lease = await revoked.PostAsJsonAsync("api/workers/lease", new { }))
            Assert.Equal(HttpStatusCode.Unauthorized, lease.StatusCode);
        await CancelQueuedAsync();
    }
}
