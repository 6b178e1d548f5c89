using System.Security.Claims;
using System.Text.Json;
using CamReview.Data;
using CamReview.Data.Entities;
using CamReview.Pipeline.Render;
using CamReview.Web.Accounts;
using CamReview.Web.Authorization;
using CamReview.Web.Services;
using Microsoft.EntityFrameworkCore;

namespace CamReview.Web.Jobs;

/// <summary>What the API takes to start a render: a method by name and its parameters (a JSON object; see
/// <see cref="RenderParameters"/>). <see cref="RenderRequest.TryParseJson"/> reads it.</summary>
public sealed record RenderJobRequest(string? Method, JsonElement? Parameters);

/// <summary>What users do with jobs: start renders of a pair (Reviewer+), list a project's or pair's jobs (Viewer+),
/// cancel and retry (Reviewer+). Access goes through <see cref="AccessService"/> like everything else: a job of a team
/// the user is not in is "not found".</summary>
public sealed class JobService(IDbContextFactory<CamReviewDb> dbs, AccessService access, JobStore store, PortalOptions options)
{
    /// <summary>Queues a render of the pair; the job stores the request's parameters (<see cref="RenderRequest.ToJobJson"/>)
    /// and is named by its label.</summary>
    public async Task<Result<JobView>> StartRenderAsync(ClaimsPrincipal user, int pairId, RenderJobRequest body, CancellationToken ct = default)
    {
        var allowed = await access.PairAsync(user, pairId, Permission.StartRender, ct);
        if (!allowed.Allowed) return allowed.Deny<JobView>();
        if (!RenderRequest.TryParseJson(body.Method, body.Parameters, options.Jobs.RenderLimits, out var request, out var error))
            return Result<JobView>.Fail(error);
        int projectId;
        await using (var db = await dbs.CreateDbContextAsync(ct))
        {
            projectId = await db.Pairs.Where(p => p.Id == pairId).Select(p => p.ProjectId).SingleAsync(ct);
        }
        return Result<JobView>.Ok(await store.EnqueueAsync(JobKind.Render, projectId, pairId, null, request.Label, request.ToJobJson(), user.UserId(), ct));
    }

    public async Task<Result<IReadOnlyList<JobView>>> ListAsync(ClaimsPrincipal user, int projectId, int? pairId = null, CancellationToken ct = default)
    {
        var allowed = await access.ProjectAsync(user, projectId, Permission.ViewProject, ct);
        if (!allowed.Allowed) return allowed.Deny<IReadOnlyList<JobView>>();
        await using var db = await dbs.CreateDbContextAsync(ct);
        var query = db.Jobs.AsNoTracking().Where(j => j.ProjectId == projectId);
        if (pairId is { } id) query = query.Where(j => j.PairId == id);
        var jobs = await query.OrderByDescending(j => j.Id).Take(200).Select(JobView.FromEntity).ToListAsync(ct);
        return Result<IReadOnlyList<JobView>>.Ok(jobs);
    }

    public async Task<Result<JobView>> GetAsync(ClaimsPrincipal user, int jobId, CancellationToken ct = default)
    {
        var allowed = await AccessJobAsync(user, jobId, Permission.ViewProject, ct);
        if (!allowed.Allowed) return allowed.Deny<JobView>();
        return await store.GetAsync(jobId, ct) is { } job ? Result<JobView>.Ok(job) : Result<JobView>.NotFound();
    }

    public async Task<Result<JobView>> CancelAsync(ClaimsPrincipal user, int jobId, CancellationToken ct = default)
    {
        var allowed = await AccessJobAsync(user, jobId, Permission.StartRender, ct);
        if (!allowed.Allowed) return allowed.Deny<JobView>();
        if (await store.RequestCancelAsync(jobId, ct) is { } job) return Result<JobView>.Ok(job);
        return Result<JobView>.Fail("The job has finished already: there is nothing to cancel.", ResultStatus.Conflict, await store.GetAsync(jobId, ct));
    }

    public async Task<Result<JobView>> RetryAsync(ClaimsPrincipal user, int jobId, CancellationToken ct = default)
    {
        var allowed = await AccessJobAsync(user, jobId, Permission.StartRender, ct);
        if (!allowed.Allowed) return allowed.Deny<JobView>();
        if (await store.RetryAsync(jobId, ct) is { } job) return Result<JobView>.Ok(job);
        var current = await store.GetAsync(jobId, ct);
        var message = current is { State: JobState.Failed or JobState.Canceled }
            ? $"The job was tried {current.Attempts} times, the most allowed ({current.MaxAttempts}): start a new one instead."
            : "Only a failed or canceled job can be retried.";
        return Result<JobView>.Fail(message, ResultStatus.Conflict, current);
    }

    private async Task<Access> AccessJobAsync(ClaimsPrincipal user, int jobId, Permission permission, CancellationToken ct)
    {
        int? projectId;
        await using (var db = await dbs.CreateDbContextAsync(ct))
        {
            projectId = await db.Jobs.Where(j => j.Id == jobId).Select(j => (int?)j.ProjectId).SingleOrDefaultAsync(ct);
        }
        // An unknown job is answered like another team's project: not found.
        return await access.ProjectAsync(user, projectId ?? 0, permission, ct);
    }
}
