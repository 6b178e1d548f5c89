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
public sealed class JobService(IDbContextFactory<CamReviewDb> dbs, AccessService access, JobStore store, WorkerRegistry workers, PortalOptions options)
{
    /// <summary>Queues a render of the pair. A built-in method's job stores the request's parameters
    /// (<see cref="RenderRequest.ToJobJson"/>) and is named by its label; an external method's job (run by workers only)
    /// takes no parameters: it transfers the reference's camera move, and is named by the method.</summary>
    public async Task<Result<JobView>> StartRenderAsync(ClaimsPrincipal user, int pairId, RenderJobRequest body, CancellationToken ct = default)
    {
        var allowed = await access.PairAsync(user, pairId, Permission.StartRender, ct);
        if (!allowed.Allowed) return allowed.Deny<JobView>();
        int projectId;
        await using (var db = await dbs.CreateDbContextAsync(ct))
        {
            projectId = await db.Pairs.Where(p => p.Id == pairId).Select(p => p.ProjectId).SingleAsync(ct);
        }
        if (!RenderMethodLabels.TryParse(body.Method, out _) && await workers.FindMethodAsync(body.Method?.Trim(), ct) is { } external)
        {
            if (body.Parameters is { ValueKind: JsonValueKind.Object } p && p.EnumerateObject().Any())
                return Result<JobView>.Fail($"\"{external.Name}\" is an external method: it takes no parameters (it transfers the reference's camera move).");
            return Result<JobView>.Ok(await store.EnqueueAsync(JobKind.Render, projectId, pairId, null, external.Name,
                JsonSerializer.Serialize(new { method = external.Name }), user.UserId(), ct, method: external.Name));
        }
        if (!RenderRequest.TryParseJson(body.Method, body.Parameters, options.Jobs.RenderLimits, out var request, out var error))
            return Result<JobView>.Fail(error);
        return Result<JobView>.Ok(await store.EnqueueAsync(JobKind.Render, projectId, pairId, null, request.Label, request.ToJobJson(), user.UserId(), ct,
            method: request.Method.ToLabel()));
    }

    /// <summary>The end of a job's log (kept for runs of external methods on workers); empty when it has none.</summary>
    public async Task<Result<string>> GetLogAsync(ClaimsPrincipal user, int jobId, CancellationToken ct = default)
    {
        var allowed = await AccessJobAsync(user, jobId, Permission.ViewProject, ct);
        if (!allowed.Allowed) return allowed.Deny<string>();
        await using var db = await dbs.CreateDbContextAsync(ct);
        return Result<string>.Ok(await db.Jobs.Where(j => j.Id == jobId).Select(j => j.Log).SingleOrDefaultAsync(ct) ?? "");
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
