using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Text.Json;
using CamReview.Data;
using CamReview.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace CamReview.Web.Jobs;

/// <summary>The jobs table and its state machine:
/// <code>
///   Queued --claim--> Running --ok--> Succeeded
///     ^                 |  |--error--> Failed   --retry (attempts left)--> Queued
///     |                 |  '--cancel--> Canceled --retry (attempts left)--> Queued
///     '--shutdown / lease expired (process died): claimed again--'
/// </code>
/// A claim is one conditional UPDATE (state Queued, or Running with an expired lease) that only one worker can win;
/// the winner holds the lease (owner + expiry) and renews it with heartbeats. Every later write of a running job
/// is conditional on still holding the lease, so a worker that lost its lease never overwrites its successor.</summary>
public sealed class JobStore(IDbContextFactory<CamReviewDb> dbs, JobEvents events, PortalOptions options, ILogger<JobStore> log)
{
    private readonly ConcurrentDictionary<int, CancellationTokenSource> _local = new();
    private TaskCompletionSource _signal = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public JobOptions Options => options.Jobs;

    /// <summary>Completes when a job is queued in this process (the runner then looks at once instead of at its next poll).</summary>
    public Task QueuedSignal => Volatile.Read(ref _signal).Task;

    private void Wake() => Interlocked.Exchange(ref _signal, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <param name="method">Render jobs: the renderer (a built-in method's label or an external method's name).</param>
    public async Task<JobView> EnqueueAsync(JobKind kind, int projectId, int? pairId, int? assetId, string? methodName, string parametersJson, int? userId,
        CancellationToken ct = default, string? method = null)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var job = new Job
        {
            Kind = kind, State = JobState.Queued, ProjectId = projectId, PairId = pairId, AssetId = assetId, MethodName = methodName, Method = method,
            ParametersJson = parametersJson, MaxAttempts = options.Jobs.MaxAttempts, CreatedByUserId = userId, CreatedUtc = DateTime.UtcNow,
            ProgressStage = "queued",
        };
        db.Jobs.Add(job);
        await db.SaveChangesAsync(ct);
        var view = await ViewAsync(db, job.Id, ct);
        events.Publish(view!, force: true);
        Wake();
        log.LogInformation("Job {Id} ({Kind}) queued for project {Project}", job.Id, kind, projectId);
        return view!;
    }

    /// <summary>Claims the oldest job that is queued or whose lease expired, for <paramref name="owner"/>; with a
    /// <paramref name="filter"/>, only among the jobs it accepts (the kinds and methods the claimer runs).</summary>
    public async Task<Job?> TryClaimAsync(string owner, CancellationToken ct, Expression<Func<Job, bool>>? filter = null)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var jobs = filter is null ? db.Jobs : db.Jobs.Where(filter);
        for (var tries = 0; tries < 5; tries++)
        {
            var now = DateTime.UtcNow;
            var candidate = await jobs.AsNoTracking()
                .Where(j => j.State == JobState.Queued || (j.State == JobState.Running && j.LeaseExpiresUtc < now))
                .OrderBy(j => j.Id).Select(j => (int?)j.Id).FirstOrDefaultAsync(ct);
            if (candidate is not { } id) return null;
            var expires = now.AddSeconds(options.Jobs.LeaseSeconds);
            // Compare-and-set: only one worker's UPDATE matches.
            var won = await jobs
                .Where(j => j.Id == id && (j.State == JobState.Queued || (j.State == JobState.Running && j.LeaseExpiresUtc < now)))
                .ExecuteUpdateAsync(s => s
                    .SetProperty(j => j.State, JobState.Running)
                    .SetProperty(j => j.LeaseOwner, owner)
                    .SetProperty(j => j.LeaseExpiresUtc, expires)
                    .SetProperty(j => j.HeartbeatUtc, now)
                    .SetProperty(j => j.Attempts, j => j.Attempts + 1)
                    .SetProperty(j => j.StartedUtc, j => j.StartedUtc ?? now)
                    .SetProperty(j => j.ProgressStage, "starting")
                    .SetProperty(j => j.Error, (string?)null), ct);
            if (won == 1) return await db.Jobs.AsNoTracking().SingleAsync(j => j.Id == id, ct);
        }
        return null;
    }

    /// <summary>Renews the lease and saves the progress. Returns whether the lease is still held and whether a
    /// cancel was asked for.</summary>
    public async Task<(bool StillMine, bool CancelRequested)> HeartbeatAsync(int jobId, string owner, string? stage, double percent, double? eta, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var now = DateTime.UtcNow;
        var expires = now.AddSeconds(options.Jobs.LeaseSeconds);
        var updated = await db.Jobs.Where(j => j.Id == jobId && j.LeaseOwner == owner && j.State == JobState.Running)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.HeartbeatUtc, now).SetProperty(j => j.LeaseExpiresUtc, expires)
                .SetProperty(j => j.ProgressStage, stage).SetProperty(j => j.ProgressPercent, percent).SetProperty(j => j.EtaSeconds, eta), ct);
        if (updated == 0) return (false, false);
        var cancel = await db.Jobs.Where(j => j.Id == jobId).Select(j => j.CancelRequested).SingleAsync(ct);
        return (true, cancel);
    }

    /// <summary>Ends a running job this worker holds: succeeded, failed or canceled. False when the lease was lost.</summary>
    /// <param name="log">The end of the run's log (kept with the job, cut to its last <see cref="CamReviewDb.JobLogMaxLength"/> characters).</param>
    public async Task<bool> FinishAsync(int jobId, string owner, JobState state, string? error, int? assetId, string? device,
        IReadOnlyDictionary<string, double>? timings, string? log = null)
    {
        await using var db = await dbs.CreateDbContextAsync();
        var now = DateTime.UtcNow;
        var timingsJson = timings is null || timings.Count == 0 ? null : JsonSerializer.Serialize(timings);
        if (error is { Length: > CamReviewDb.ErrorMaxLength }) error = error[..(CamReviewDb.ErrorMaxLength - 1)] + "…";
        if (log is { Length: > CamReviewDb.JobLogMaxLength }) log = "…" + log[^(CamReviewDb.JobLogMaxLength - 1)..];
        var stage = state switch { JobState.Succeeded => "done", JobState.Failed => "failed", _ => "canceled" };
        if (assetId is { } id && !await db.Assets.AnyAsync(a => a.Id == id)) assetId = null; // deleted meanwhile
        int updated;
        try
        {
            updated = await Finish(db, jobId, owner, state, error, assetId, device, timingsJson, log, stage, now);
        }
        catch (Exception e) when (assetId is not null && DatabaseErrors.IsForeignKeyViolation(e))
        {
            updated = await Finish(db, jobId, owner, state, error, null, device, timingsJson, log, stage, now); // deleted just now
        }
        await PublishAsync(db, jobId);
        return updated == 1;
    }

    private static Task<int> Finish(CamReviewDb db, int jobId, string owner, JobState state, string? error, int? assetId, string? device,
        string? timingsJson, string? log, string stage, DateTime now) =>
        db.Jobs.Where(j => j.Id == jobId && j.LeaseOwner == owner && j.State == JobState.Running)
            .ExecuteUpdateAsync(s => s
                .SetProperty(j => j.State, state)
                .SetProperty(j => j.Error, error)
                .SetProperty(j => j.AssetId, j => assetId ?? j.AssetId)
                .SetProperty(j => j.Device, j => device ?? j.Device)
                .SetProperty(j => j.TimingsJson, j => timingsJson ?? j.TimingsJson)
                .SetProperty(j => j.Log, j => log ?? j.Log)
                .SetProperty(j => j.ProgressStage, stage)
                .SetProperty(j => j.ProgressPercent, j => state == JobState.Succeeded ? 100 : j.ProgressPercent)
                .SetProperty(j => j.EtaSeconds, (double?)null)
                .SetProperty(j => j.LeaseOwner, (string?)null)
                .SetProperty(j => j.LeaseExpiresUtc, (DateTime?)null)
                .SetProperty(j => j.FinishedUtc, now));

    /// <summary>Keeps the end of a running job's log (a worker's external command). False when the lease was lost.</summary>
    public async Task<bool> SaveLogAsync(int jobId, string owner, string log, CancellationToken ct)
    {
        if (log.Length > CamReviewDb.JobLogMaxLength) log = "…" + log[^(CamReviewDb.JobLogMaxLength - 1)..];
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.Jobs.Where(j => j.Id == jobId && j.LeaseOwner == owner && j.State == JobState.Running)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.Log, log), ct) == 1;
    }

    /// <summary>Sends a running job's progress to its viewers (a remote worker's heartbeat; local jobs report through
    /// their <see cref="JobContext"/>).</summary>
    public async Task PublishRunningAsync(int jobId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        if (await ViewAsync(db, jobId, ct) is { State: JobState.Running } view) events.Publish(view);
    }

    /// <summary>Gives a running job back to the queue (this process is stopping): the next worker, here after a
    /// restart or elsewhere, starts it again. The interrupted attempt is not counted.
    /// False when <paramref name="owner"/> no longer held it.</summary>
    public async Task<bool> ReleaseAsync(int jobId, string owner)
    {
        await using var db = await dbs.CreateDbContextAsync();
        var released = await db.Jobs.Where(j => j.Id == jobId && j.LeaseOwner == owner && j.State == JobState.Running)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.State, JobState.Queued).SetProperty(j => j.LeaseOwner, (string?)null)
                .SetProperty(j => j.LeaseExpiresUtc, (DateTime?)null).SetProperty(j => j.Attempts, j => j.Attempts - 1)
                .SetProperty(j => j.ProgressStage, "interrupted").SetProperty(j => j.EtaSeconds, (double?)null));
        if (released == 1)
        {
            await PublishAsync(db, jobId);
            Wake();
        }
        return released == 1;
    }

    /// <summary>Asks a job to stop: a queued one is canceled at once; a running one is told (in this process at once,
    /// in another at its next heartbeat). Null when the job is already finished.</summary>
    public async Task<JobView?> RequestCancelAsync(int jobId, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var now = DateTime.UtcNow;
        var canceledQueued = await db.Jobs.Where(j => j.Id == jobId && j.State == JobState.Queued)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.State, JobState.Canceled).SetProperty(j => j.CancelRequested, true)
                .SetProperty(j => j.ProgressStage, "canceled").SetProperty(j => j.FinishedUtc, now), ct);
        if (canceledQueued == 0)
        {
            var marked = await db.Jobs.Where(j => j.Id == jobId && j.State == JobState.Running)
                .ExecuteUpdateAsync(s => s.SetProperty(j => j.CancelRequested, true), ct);
            if (marked == 0) return null;
            if (_local.TryGetValue(jobId, out var cts))
            {
                try { cts.Cancel(); } catch (ObjectDisposedException) { }
            }
        }
        return await PublishAsync(db, jobId);
    }

    /// <summary>Puts a failed or canceled job back in the queue while it has attempts left. Null when it cannot be retried.</summary>
    public async Task<JobView?> RetryAsync(int jobId, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var updated = await db.Jobs
            .Where(j => j.Id == jobId && (j.State == JobState.Failed || j.State == JobState.Canceled) && j.Attempts < j.MaxAttempts)
            .ExecuteUpdateAsync(s => s.SetProperty(j => j.State, JobState.Queued).SetProperty(j => j.CancelRequested, false)
                .SetProperty(j => j.Error, (string?)null).SetProperty(j => j.ProgressStage, "queued").SetProperty(j => j.ProgressPercent, 0)
                .SetProperty(j => j.EtaSeconds, (double?)null).SetProperty(j => j.FinishedUtc, (DateTime?)null), ct);
        if (updated == 0) return null;
        var view = await PublishAsync(db, jobId);
        Wake();
        return view;
    }

    public void RegisterLocal(int jobId, CancellationTokenSource cts) => _local[jobId] = cts;
    public void UnregisterLocal(int jobId) => _local.TryRemove(jobId, out _);

    public async Task<JobView?> GetAsync(int jobId, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await ViewAsync(db, jobId, ct);
    }

    private async Task<JobView?> PublishAsync(CamReviewDb db, int jobId)
    {
        var view = await ViewAsync(db, jobId, CancellationToken.None);
        if (view is not null) events.Publish(view, force: true);
        return view;
    }

    private static Task<JobView?> ViewAsync(CamReviewDb db, int jobId, CancellationToken ct) =>
        db.Jobs.AsNoTracking().Where(j => j.Id == jobId).Select(JobView.FromEntity).SingleOrDefaultAsync(ct);
}
