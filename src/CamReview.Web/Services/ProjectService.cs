using System.Security.Claims;
using CamReview.Data;
using CamReview.Data.Entities;
using CamReview.Web.Accounts;
using CamReview.Web.Authorization;
using CamReview.Web.Media;
using Microsoft.EntityFrameworkCore;

namespace CamReview.Web.Services;

/// <summary>Projects of the user's teams: listing, creating (team owners), deleting (team owners).</summary>
public sealed class ProjectService(IDbContextFactory<CamReviewDb> dbs, AccessService access, IMediaStore store, TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>The projects of every team the user is in, newest first.</summary>
    public async Task<IReadOnlyList<ProjectSummary>> ListAsync(ClaimsPrincipal user, CancellationToken ct = default)
    {
        if (user.UserId() is not { } userId) return [];
        await using var db = await dbs.CreateDbContextAsync(ct);
        var projects = await Summaries(db, userId, db.Projects).ToListAsync(ct);
        return projects.OrderByDescending(p => p.CreatedUtc).ThenByDescending(p => p.Id).ToList();
    }

    public async Task<Result<ProjectSummary>> GetAsync(ClaimsPrincipal user, int projectId, CancellationToken ct = default)
    {
        var allowed = await access.ProjectAsync(user, projectId, Permission.ViewProject, ct);
        if (!allowed.Allowed) return allowed.Deny<ProjectSummary>();
        await using var db = await dbs.CreateDbContextAsync(ct);
        var project = await Summaries(db, user.UserId()!.Value, db.Projects.Where(p => p.Id == projectId)).SingleOrDefaultAsync(ct);
        return project is null ? Result<ProjectSummary>.NotFound() : Result<ProjectSummary>.Ok(project);
    }

    /// <summary>Creates a project in a team (its owners may); a blank, overlong or duplicate name is refused with a
    /// message for the user.</summary>
    public async Task<Result<ProjectSummary>> CreateAsync(ClaimsPrincipal user, int teamId, string? name, string? description, CancellationToken ct = default)
    {
        var allowed = await access.TeamAsync(user, teamId, Permission.CreateProject, ct);
        if (!allowed.Allowed) return allowed.Deny<ProjectSummary>();

        name = name?.Trim();
        description = string.IsNullOrWhiteSpace(description) ? null : description.Trim();
        if (string.IsNullOrEmpty(name)) return Result<ProjectSummary>.Fail("A project needs a name.");
        if (name.Length > CamReviewDb.NameMaxLength) return Result<ProjectSummary>.Fail($"A project name has at most {CamReviewDb.NameMaxLength} characters.");
        if (name.Any(char.IsControl)) return Result<ProjectSummary>.Fail("A project name cannot contain control characters.");
        if (description?.Length > CamReviewDb.DescriptionMaxLength) return Result<ProjectSummary>.Fail($"A description has at most {CamReviewDb.DescriptionMaxLength} characters.");

        await using var db = await dbs.CreateDbContextAsync(ct);
        var exists = $"Team \"{allowed.Membership!.TeamName}\" already has a project named \"{name}\".";
        if (await db.Projects.AnyAsync(p => p.TeamId == teamId && p.Name == name, ct)) return Result<ProjectSummary>.Fail(exists, ResultStatus.Conflict);
        var project = new Project { Name = name, Description = description, TeamId = teamId, CreatedUtc = _clock.GetUtcNow().UtcDateTime };
        db.Projects.Add(project);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException?.Message.Contains("UNIQUE") == true)
        {
            // Someone else created the same name between our check and our insert.
            return Result<ProjectSummary>.Fail(exists, ResultStatus.Conflict);
        }
        return Result<ProjectSummary>.Ok(await Summaries(db, user.UserId()!.Value, db.Projects.Where(p => p.Id == project.Id)).SingleAsync(ct));
    }

    /// <summary>The project's studies, for the delete dialog (owners only, like deleting).</summary>
    public async Task<Result<IReadOnlyList<StudyUse>>> StudiesAsync(ClaimsPrincipal user, int projectId, CancellationToken ct = default)
    {
        var allowed = await access.ProjectAsync(user, projectId, Permission.DeleteProject, ct);
        if (!allowed.Allowed) return allowed.Deny<IReadOnlyList<StudyUse>>();
        await using var db = await dbs.CreateDbContextAsync(ct);
        return Result<IReadOnlyList<StudyUse>>.Ok(await StudiesOf(db, projectId).ToListAsync(ct));
    }

    /// <summary>Deletes a project with its pairs, assets and studies (owners only; the page asks for confirmation,
    /// showing what it holds). Refused while one of its studies is open or paused: participants may be taking it,
    /// and deleting it would drop their answers. Media files shared with other projects stay.</summary>
    public async Task<Result<ProjectSummary>> DeleteAsync(ClaimsPrincipal user, int projectId, CancellationToken ct = default)
    {
        var allowed = await access.ProjectAsync(user, projectId, Permission.DeleteProject, ct);
        if (!allowed.Allowed) return allowed.Deny<ProjectSummary>();
        using (await store.LockAsync(ct))
        {
            await using var db = await dbs.CreateDbContextAsync(ct);
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            var summary = await Summaries(db, user.UserId()!.Value, db.Projects.Where(p => p.Id == projectId)).SingleOrDefaultAsync(ct);
            if (summary is null) return Result<ProjectSummary>.NotFound();
            var studies = await StudiesOf(db, projectId).ToListAsync(ct);
            var running = studies.Where(s => s.IsRunning).ToList();
            if (running.Count > 0) return Result<ProjectSummary>.Fail(BlockedMessage(summary.Name, running), ResultStatus.Conflict);
            var assetIds = await db.Assets.Where(a => a.ProjectId == projectId).Select(a => a.Id).ToListAsync(ct);
            var pairIds = await db.Pairs.Where(p => p.ProjectId == projectId).Select(p => p.Id).ToListAsync(ct);
            var files = await AssetService.DeleteRowsAsync(db, assetIds, pairIds, ct);
            await db.Projects.Where(p => p.Id == projectId).ExecuteDeleteAsync(ct);
            await tx.CommitAsync(ct);
            await store.DeleteUnreferencedAsync(db, files, CancellationToken.None);
            foreach (var study in studies) store.DeleteStudyMedia(study.Id);
            return Result<ProjectSummary>.Ok(summary);
        }
    }

    private static IQueryable<StudyUse> StudiesOf(CamReviewDb db, int projectId) =>
        db.Studies.AsNoTracking().Where(s => s.ProjectId == projectId).OrderBy(s => s.Id).Select(s => new StudyUse(s.Id, s.Name, s.State));

    internal static string BlockedMessage(string project, IReadOnlyList<StudyUse> running) =>
        $"Project \"{project}\" cannot be deleted: {(running.Count == 1 ? "the study" : "the studies")} "
        + $"{string.Join(", ", running.Select(s => $"\"{s.Name}\" ({s.State.ToString().ToLowerInvariant()})"))} "
        + $"{(running.Count == 1 ? "takes" : "take")} participants. Close {(running.Count == 1 ? "it" : "them")} first.";

    private static IQueryable<ProjectSummary> Summaries(CamReviewDb db, int userId, IQueryable<Project> projects) =>
        from p in projects.AsNoTracking()
        from m in p.Team.Members
        where m.UserId == userId
        select new ProjectSummary(p.Id, p.Name, p.Description, p.CreatedUtc, p.TeamId, p.Team.Name, m.Role, p.Assets.Count, p.Pairs.Count);
}
