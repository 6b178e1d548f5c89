using System.Security.Claims;
using CamReview.Data;
using CamReview.Data.Entities;
using CamReview.Web.Accounts;
using CamReview.Web.Authorization;
using Microsoft.EntityFrameworkCore;

namespace CamReview.Web.Services;

/// <summary>Teams, their members and roles. Anyone signed in may create a team (and owns it); owners invite people
/// (<see cref="InvitationService"/>: they become members when they accept), change roles and remove members.
/// A team always keeps at least one owner.</summary>
public sealed class TeamService(IDbContextFactory<CamReviewDb> dbs, AccessService access, InvitationService invitations, TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    public async Task<IReadOnlyList<TeamSummary>> ListMineAsync(ClaimsPrincipal user, CancellationToken ct = default)
    {
        if (user.UserId() is not { } userId) return [];
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.TeamMembers.AsNoTracking().Where(m => m.UserId == userId)
            .OrderBy(m => m.Team.Name)
            .Select(m => new TeamSummary(m.TeamId, m.Team.Name, m.Role, m.Team.Members.Count, m.Team.Projects.Count))
            .ToListAsync(ct);
    }

    public async Task<Result<TeamDetails>> GetAsync(ClaimsPrincipal user, int teamId, CancellationToken ct = default)
    {
        var allowed = await access.TeamAsync(user, teamId, Permission.ViewTeam, ct);
        if (!allowed.Allowed) return allowed.Deny<TeamDetails>();
        await using var db = await dbs.CreateDbContextAsync(ct);
        var members = await db.TeamMembers.AsNoTracking().Where(m => m.TeamId == teamId)
            .OrderBy(m => m.User.DisplayName).ThenBy(m => m.UserId)
            .Select(m => new MemberView(m.UserId, m.User.Email, m.User.DisplayName, m.Role, m.AddedUtc, m.User.MustChangePassword))
            .ToListAsync(ct);
        var role = allowed.Membership!.Role;
        var projects = await db.Projects.AsNoTracking().Where(p => p.TeamId == teamId).OrderBy(p => p.Name)
            .Select(p => new ProjectSummary(p.Id, p.Name, p.Description, p.CreatedUtc, p.TeamId, p.Team.Name, role, p.Assets.Count, p.Pairs.Count))
            .ToListAsync(ct);
        var invited = role.Allows(Permission.ManageMembers) ? await invitations.PendingOfTeamAsync(db, teamId, ct) : [];
        return Result<TeamDetails>.Ok(new TeamDetails(teamId, allowed.Membership.TeamName, role, members, projects, invited));
    }

    public async Task<Result<TeamSummary>> CreateAsync(ClaimsPrincipal user, string? name, CancellationToken ct = default)
    {
        if (user.UserId() is not { } userId) return Result<TeamSummary>.Fail("Sign in first.", ResultStatus.Unauthenticated);
        name = name?.Trim();
        if (string.IsNullOrEmpty(name)) return Result<TeamSummary>.Fail("A team needs a name.");
        if (name.Length > CamReviewDb.NameMaxLength) return Result<TeamSummary>.Fail($"A team name has at most {CamReviewDb.NameMaxLength} characters.");
        if (name.Any(char.IsControl)) return Result<TeamSummary>.Fail("A team name cannot contain control characters.");
        await using var db = await dbs.CreateDbContextAsync(ct);
        var exists = $"A team named \"{name}\" already exists: ask one of its owners to invite you.";
        if (await db.Teams.AnyAsync(t => t.Name == name, ct)) return Result<TeamSummary>.Fail(exists, ResultStatus.Conflict);
        var now = _clock.GetUtcNow().UtcDateTime;
        var team = new Team { Name = name, CreatedUtc = now };
        team.Members.Add(new TeamMember { UserId = userId, Role = TeamRole.Owner, AddedUtc = now });
        db.Teams.Add(team);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException?.Message.Contains("UNIQUE") == true)
        {
            return Result<TeamSummary>.Fail(exists, ResultStatus.Conflict);
        }
        return Result<TeamSummary>.Ok(new TeamSummary(team.Id, team.Name, TeamRole.Owner, 1, 0));
    }

    public async Task<Result<MemberView>> ChangeRoleAsync(ClaimsPrincipal user, int teamId, int memberUserId, TeamRole role, CancellationToken ct = default)
    {
        var allowed = await access.TeamAsync(user, teamId, Permission.ManageMembers, ct);
        if (!allowed.Allowed) return allowed.Deny<MemberView>();
        if (!Enum.IsDefined(role)) return Result<MemberView>.Fail("Choose a role: Owner, Reviewer or Viewer.");
        await using var db = await dbs.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var member = await db.TeamMembers.Include(m => m.User).SingleOrDefaultAsync(m => m.TeamId == teamId && m.UserId == memberUserId, ct);
        if (member is null) return Result<MemberView>.NotFound();
        if (member.Role == TeamRole.Owner && role != TeamRole.Owner && await IsLastOwnerAsync(db, teamId, ct))
            return Result<MemberView>.Fail("A team needs at least one owner: make someone else owner first.", ResultStatus.Conflict);
        member.Role = role;
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return Result<MemberView>.Ok(new MemberView(member.UserId, member.User.Email, member.User.DisplayName, role, member.AddedUtc, member.User.MustChangePassword));
    }

    public async Task<Result<MemberView>> RemoveMemberAsync(ClaimsPrincipal user, int teamId, int memberUserId, CancellationToken ct = default)
    {
        var allowed = await access.TeamAsync(user, teamId, Permission.ManageMembers, ct);
        if (!allowed.Allowed) return allowed.Deny<MemberView>();
        await using var db = await dbs.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var member = await db.TeamMembers.Include(m => m.User).SingleOrDefaultAsync(m => m.TeamId == teamId && m.UserId == memberUserId, ct);
        if (member is null) return Result<MemberView>.NotFound();
        if (member.Role == TeamRole.Owner && await IsLastOwnerAsync(db, teamId, ct))
            return Result<MemberView>.Fail("A team needs at least one owner: make someone else owner first.", ResultStatus.Conflict);
        db.TeamMembers.Remove(member);
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        return Result<MemberView>.Ok(new MemberView(member.UserId, member.User.Email, member.User.DisplayName, member.Role, member.AddedUtc, member.User.MustChangePassword));
    }

    private static async Task<bool> IsLastOwnerAsync(CamReviewDb db, int teamId, CancellationToken ct) =>
        await db.TeamMembers.CountAsync(m => m.TeamId == teamId && m.Role == TeamRole.Owner, ct) <= 1;
}
