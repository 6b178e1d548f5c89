using System.Net.Http.Json;
using System.Text.Json;
using CamReview.Data;
using CamReview.Data.Entities;
using CamReview.Web.Demo;
using CamReview.Web.Jobs;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace CamReview.Web.Tests;

/// <summary>A portal on a new PostgreSQL database with the demo on (the default), as a first start makes it.</summary>
public sealed class PostgresDemoPortalFixture : PortalFixture
{
    protected override bool OnPostgres => true;

    protected override IEnumerable<string> ExtraArgs =>
        [.. AdminArgs, "--CamReview:Jobs:PollSeconds=0.5", "--CamReview:Jobs:HeartbeatSeconds=0.5", "--CamReview:Jobs:LeaseSeconds=5"];
}

[Collection(JobsCollection.Name)]
public sealed class PostgresPortalTests(PostgresDemoPortalFixture portal) : IClassFixture<PostgresDemoPortalFixture>
{
    [Fact]
    public async Task APortalOnPostgresMakesAndServesTheDemoAndNamesItsProvider()
    {
        // The demo's renders and scores ran as jobs leased from PostgreSQL; its study's simulated votes went through the study writer.
        var deadline = DateTime.UtcNow.AddSeconds(180);
        while (true)
        {
            await using var db = portal.OpenDb();
            var scored = await db.OutputScores.CountAsync(s => s.CameraScore != null);
            var votes = await db.StudyVotes.CountAsync();
            // The simulated participants join one after another: compare the pages with the database once all are in.
            var participants = await db.StudyParticipants.CountAsync();
            if (scored >= DemoContent.Renders.Length && votes > 0 && participants >= DemoStudy.Participants) break;
            Assert.False(await db.Jobs.AnyAsync(j => j.State == JobState.Failed),
                string.Join("; ", await db.Jobs.Where(j => j.State == JobState.Failed).Select(j => j.Error).ToListAsync()));
            Assert.True(DateTime.UtcNow < deadline, $"the demo was not made in 180 s: {scored} scored outputs, {votes} votes");
            await Task.Delay(250);
        }

        using var admin = await portal.ClientAsync();
        var health = await admin.Http.GetFromJsonAsync<JsonElement>("health");
        Assert.Equal("Healthy", health.GetProperty("status").GetString());
        var database = health.GetProperty("entries").GetProperty("database");
        Assert.Equal("PostgreSQL", database.GetProperty("description").GetString());
        Assert.Equal("postgres", database.GetProperty("data").GetProperty("provider").GetString());
        Assert.Equal(0, database.GetProperty("data").GetProperty("pendingMigrations").GetInt32());
        Assert.Equal("Healthy", health.GetProperty("entries").GetProperty("media").GetProperty("status").GetString());

        // What the pages and the API read comes from PostgreSQL: the demo study's results and the demo project's outputs.
        await using (var db = portal.OpenDb())
        {
            var study = await db.Studies.SingleAsync();
            var results = await admin.Http.GetFromJsonAsync<JsonElement>($"api/studies/{study.Id}/results");
            Assert.Equal(await db.StudyParticipants.CountAsync(), results.GetProperty("participants").GetArrayLength());
            var project = await db.Projects.SingleAsync(p => p.Name == DemoContent.ProjectName);
            var page = await admin.Http.GetStringAsync($"projects/{project.Id}");
            Assert.Contains(DemoContent.ProjectName, page);
        }
    }
}

/// <summary>A portal that runs no jobs itself (<c>MaxConcurrency=0</c>): its queue is leased by the test's own claimers.</summary>
public class LeasePortalFixture : PortalFixture
{
    protected override IEnumerable<string> ExtraArgs => [.. base.ExtraArgs, "--CamReview:Jobs:MaxConcurrency=0", "--CamReview:Jobs:LeaseSeconds=2", "--CamReview:Jobs:HeartbeatSeconds=0.5"];
}

public sealed class PostgresLeasePortalFixture : LeasePortalFixture
{
    protected override bool OnPostgres => true;
}

/// <summary>Job leasing with several claimers racing on one queue, each with job stores and database contexts of its
/// own (as portal processes and, later, workers do): every job is leased exactly once, an expired lease goes to
/// another claimer, and the one that lost it can no longer write the job.</summary>
public abstract class JobLeaseCases(LeasePortalFixture portal)
{
    private JobStore NewStore() => new(portal.Services.GetRequiredService<IDbContextFactory<CamReviewDb>>(), portal.Services.GetRequiredService<JobEvents>(),
        portal.Services.GetRequiredService<PortalOptions>(), NullLogger<JobStore>.Instance);

    private async Task<List<int>> QueueAsync(int count)
    {
        using var admin = await portal.ClientAsync();
        var project = (await admin.PostJsonOkAsync("api/projects", new { teamId = await portal.TeamIdAsync(PortalFixture.AdminTeam), name = $"Leases {Guid.NewGuid():N}" }))
            .GetProperty("id").GetInt32();
        var store = NewStore();
        var ids = new List<int>();
        for (var i = 0; i < count; i++) ids.Add((await store.EnqueueAsync(JobKind.Analyze, project, null, null, null, "{}", null)).Id);
        return ids;
    }

    [Fact]
    public async Task ClaimersRacingOnOneQueueLeaseEveryJobExactlyOnce()
    {
        var queued = await QueueAsync(40);
        var claimed = new System.Collections.Concurrent.ConcurrentBag<(string Owner, int Job)>();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var claimers = Enumerable.Range(0, 6).Select(n => Task.Run(async () =>
        {
            var store = NewStore();
            var owner = $"claimer-{n}";
            await start.Task;
            while (await store.TryClaimAsync(owner, CancellationToken.None) is { } job)
                if (queued.Contains(job.Id)) claimed.Add((owner, job.Id));
        })).ToList();
        start.SetResult();
        await Task.WhenAll(claimers);

        Assert.Equal(queued.Order(), claimed.Select(c => c.Job).Order());
        await using var db = portal.OpenDb();
        var rows = await db.Jobs.AsNoTracking().Where(j => queued.Contains(j.Id)).ToListAsync();
        Assert.All(rows, j => Assert.Equal((JobState.Running, 1), (j.State, j.Attempts)));
        Assert.All(rows, j => Assert.Equal(claimed.Single(c => c.Job == j.Id).Owner, j.LeaseOwner));

        // Each ended by its holder, so no expired lease of this test is left for another to claim.
        var finisher = NewStore();
        foreach (var (owner, job) in claimed) Assert.True(await finisher.FinishAsync(job, owner, JobState.Canceled, null, null, null, null));
    }

    [Fact]
    public async Task AnExpiredLeaseGoesToAnotherClaimerAndTheFirstCanNoLongerWriteTheJob()
    {
        var id = Assert.Single(await QueueAsync(1));
        var first = NewStore();
        var second = NewStore();
        var job = await first.TryClaimAsync("first", CancellationToken.None);
        Assert.Equal(id, job?.Id);
        Assert.Null(await second.TryClaimAsync("second", CancellationToken.None)); // held

        await Task.Delay(TimeSpan.FromSeconds(first.Options.LeaseSeconds + 0.5));
        Assert.Equal(id, (await second.TryClaimAsync("second", CancellationToken.None))?.Id);
        Assert.Equal((false, false), await first.HeartbeatAsync(id, "first", "rendering", 50, null, CancellationToken.None));
        Assert.False(await first.FinishAsync(id, "first", JobState.Succeeded, null, null, null, null));
        Assert.True(await second.FinishAsync(id, "second", JobState.Succeeded, null, null, "cpu", null));
        await using var db = portal.OpenDb();
        var row = await db.Jobs.AsNoTracking().SingleAsync(j => j.Id == id);
        Assert.Equal((JobState.Succeeded, 2, "cpu"), (row.State, row.Attempts, row.Device));
    }
}

public sealed class JobLeaseTests(LeasePortalFixture portal) : JobLeaseCases(portal), IClassFixture<LeasePortalFixture>;

public sealed class PostgresJobLeaseTests(PostgresLeasePortalFixture portal) : JobLeaseCases(portal), IClassFixture<PostgresLeasePortalFixture>;
