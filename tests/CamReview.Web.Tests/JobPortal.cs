using System.Net.Http.Json;
using System.Text.Json;
using CamReview.Data;
using CamReview.Data.Entities;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CamReview.Web.Tests;

/// <summary>Test classes that run renders share the two cores one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class JobsCollection
{
    public const string Name = "jobs";
}

/// <summary>A portal that runs jobs (two at once, short leases, a small delay per rendered frame so that renders last
/// long enough to watch, cancel and interrupt), with a project holding a textured reference clip, a target image and
/// their pair; Rita reviews and Vic views in the administrator's team.</summary>
public class JobPortalFixture : PortalFixture
{
    public const string Password = "same-password-for-all";
    public const int FrameDelayMs = 30;

    public int TeamId, ProjectId, ReferenceId, TargetId, PairId;

    /// <summary>Delay per rendered frame; a fixture for watching progress in a browser uses a longer one.</summary>
    protected virtual int FrameDelay => FrameDelayMs;

    protected override IEnumerable<string> ExtraArgs => [.. base.ExtraArgs, .. JobArgs(maxConcurrency: 2, FrameDelay)];

    public static string[] JobArgs(int maxConcurrency, int frameDelayMs = FrameDelayMs) =>
    [
        $"--CamReview:Jobs:MaxConcurrency={maxConcurrency}", "--CamReview:Jobs:LeaseSeconds=3", "--CamReview:Jobs:HeartbeatSeconds=0.5",
        "--CamReview:Jobs:PollSeconds=0.5", $"--CamReview:Jobs:FrameDelayMs={frameDelayMs}",
    ];

    /// <summary>The stored score of an output, once its score job has run; fails early when that job failed.</summary>
    public async Task<OutputScore> WaitForScoreAsync(int assetId, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            await using var db = OpenDb();
            if (await db.OutputScores.AsNoTracking().SingleOrDefaultAsync(s => s.AssetId == assetId) is { } score) return score;
            var failed = await db.Jobs.Where(j => j.AssetId == assetId && j.Kind == JobKind.ScoreOutput && j.State == JobState.Failed).Select(j => j.Error).FirstOrDefaultAsync();
            Assert.True(failed is null, $"scoring failed: {failed}");
            await Task.Delay(100);
        }
        throw new Xunit.Sdk.XunitException($"output {assetId} was never scored");
    }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        TeamId = await TeamIdAsync(AdminTeam);
        await CreateUserAsync("rita@camreview.test", "Rita Reviewer", Password, TeamId, TeamRole.Reviewer);
        await CreateUserAsync("vic@camreview.test", "Vic Viewer", Password, TeamId, TeamRole.Viewer);
        using var admin = await ClientAsync();
        (ProjectId, ReferenceId, TargetId, PairId) = await MakePairAsync(admin, TeamId, "Renders");
    }

    /// <summary>A project with a textured reference, a target and their pair, made through the API.</summary>
    public static async Task<(int Project, int Reference, int Target, int Pair)> MakePairAsync(PortalClient admin, int teamId, string name)
    {
        var project = (await admin.PostJsonOkAsync("api/projects", new { teamId, name })).GetProperty("id").GetInt32();
        var reference = (await admin.UploadOkAsync(project, "reference-video", TestMedia.TexturedReference, "pan.mp4")).GetProperty("id").GetInt32();
        var target = (await admin.UploadOkAsync(project, "target-image", TestMedia.TexturedTarget, "tiles.png")).GetProperty("id").GetInt32();
        var pair = (await admin.PostJsonOkAsync($"api/projects/{project}/pairs", new { referenceAssetId = reference, targetAssetId = target, name = "pan → tiles" }))
            .GetProperty("id").GetInt32();
        return (project, reference, target, pair);
    }

    public static async Task<Job> WaitForJobAsync(Func<CamReviewDb> open, int jobId, Func<Job, bool> until, string what, double seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        Job? job = null;
        while (DateTime.UtcNow < deadline)
        {
            await using (var db = open()) job = await db.Jobs.AsNoTracking().SingleOrDefaultAsync(j => j.Id == jobId);
            if (job is not null && until(job)) return job;
            await Task.Delay(50);
        }
        throw new Xunit.Sdk.XunitException($"job {jobId} never became {what}: {job?.State} {job?.ProgressStage} {job?.ProgressPercent}% {job?.Error}");
    }

    public Task<Job> WaitForJobAsync(int jobId, Func<Job, bool> until, string what, double seconds = 60) => WaitForJobAsync(OpenDb, jobId, until, what, seconds);

    public static async Task<JsonElement> StartRenderAsync(PortalClient client, int pairId, object parameters, string method = "homography")
    {
        using var response = await client.Http.PostAsJsonAsync($"api/pairs/{pairId}/renders", new { method, parameters });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == System.Net.HttpStatusCode.Created, $"render: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}

/// <summary>A portal started (and stopped) by a test itself, on a data folder it chooses: for restarts.</summary>
public sealed class TestPortal : IAsyncDisposable
{
    private TestPortal(WebApplication app, Uri baseAddress) => (App, BaseAddress) = (app, baseAddress);

    public WebApplication App { get; }
    public Uri BaseAddress { get; }
    public CamReviewDb OpenDb() => App.Services.GetRequiredService<IDbContextFactory<CamReviewDb>>().CreateDbContext();

    public static async Task<TestPortal> StartAsync(string dataDir, IEnumerable<string> args)
    {
        var app = Portal.Build(["--urls", "http://127.0.0.1:0", "--data", dataDir, "--environment", "Production", .. args]);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new TestPortal(app, new Uri(address.EndsWith('/') ? address : address + "/"));
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
    }
}
