using System.Security.Claims;
using CamReview.Data;
using CamReview.Data.Entities;
using CamReview.Web.Accounts;
using CamReview.Web.Authorization;
using Microsoft.EntityFrameworkCore;

namespace CamReview.Web.Services;

/// <summary>How people join a team: an owner invites an e-mail address with a role; whoever signs in with an account
/// of that address sees the invitation (on the Teams page) and accepts or declines it; only accepting makes them a
/// member. The owner's answer is the same whether or not an account uses the address (nothing about accounts is
/// looked up), so inviting reveals nothing about who has an account. No mail is sent: the owner tells the invitee to
/// sign in; the invitation waits for the address until it expires, is answered or is revoked.</summary>
public sealed class InvitationService(IDbContextFactory<CamReviewDb> dbs, AccessService access, TimeProvider? clock = null)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(14);

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>Invites an address (Owner). Inviting an address that has a pending invitation renews it with the new role.</summary>
    public async Task<Result<InvitationSent>> InviteAsync(ClaimsPrincipal user, int teamId, string? email, TeamRole role, CancellationToken ct = default)
    {
        var allowed = await access.TeamAsync(user, teamId, Permission.ManageMembers, ct);
        if (!allowed.Allowed) return allowed.Deny<InvitationSent>();
        var (normalized, error) = AccountService.NormalizeEmail(email);
        if (error is not null) return Result<InvitationSent>.Fail(error);
        if (!Enum.IsDefined(role)) return Result<InvitationSent>.Fail("Choose a role: Owner, Reviewer or Viewer.");

        await using var db = await dbs.CreateDbContextAsync(ct);
        // The owner sees the team's members (with their addresses) anyway: saying so tells nothing new.
        if (await db.TeamMembers.AnyAsync(m => m.TeamId == teamId && m.User.Email == normalized, ct))
            return Result<InvitationSent>.Fail($"{normalized} is already a member of this team.", ResultStatus.Conflict);
        var now = _clock.GetUtcNow().UtcDateTime;
        var invitation = await db.TeamInvitations.SingleOrDefaultAsync(i => i.TeamId == teamId && i.Email == normalized && i.State == InvitationState.Pending, ct);
        if (invitation is null)
        {
            invitation = new TeamInvitation { TeamId = teamId, Email = normalized!, State = InvitationState.Pending };
            db.TeamInvitations.Add(invitation);
        }
        invitation.Role = role;
        invitation.InvitedByUserId = allowed.Membership!.UserId;
        invitation.CreatedUtc = now;
        invitation.ExpiresUtc = now + Lifetime;
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException?.Message.Contains("UNIQUE") == true)
        {
            return Result<InvitationSent>.Fail($"{normalized} was invited meanwhile; reload the team.", ResultStatus.Conflict);
        }
        var view = new InvitationView(invitation.Id, teamId, invitation.Email, role, user.Identity?.Name, now, invitation.ExpiresUtc);
        return Result<InvitationSent>.Ok(new InvitationSent(
            $"Invitation recorded for {view.Email} as {role}. Tell them to sign in to CamReview with this address and accept it on the Teams page " +
            $"(it waits until {view.ExpiresUtc:yyyy-MM-dd}); someone without an account yet asks the administrator for one.", view));
    }

    /// <summary>The team's pending invitations (Owner).</summary>
    public async Task<Result<IReadOnlyList<InvitationView>>> ListForTeamAsync(ClaimsPrincipal user, int teamId, CancellationToken ct = default)
    {
        var allowed = await access.TeamAsync(user, teamId, Permission.ManageMembers, ct);
        if (!allowed.Allowed) return allowed.Deny<IReadOnlyList<InvitationView>>();
        await using var db = await dbs.CreateDbContextAsync(ct);
        return Result<IReadOnlyList<InvitationView>>.Ok(await PendingOfTeamAsync(db, teamId, ct));
    }

    internal async Task<IReadOnlyList<InvitationView>> PendingOfTeamAsync(CamReviewDb db, int teamId, CancellationToken ct)
    {
        var now = _clock.GetUtcNow().UtcDateTime;
        return await db.TeamInvitations.AsNoTracking()
            .Where(i => i.TeamId == teamId && i.State == InvitationState.Pending && i.ExpiresUtc > now)
            .OrderBy(i => i.Email)
            .Select(i => new InvitationView(i.Id, i.TeamId, i.Email, i.Role, i.InvitedBy == null ? null : i.InvitedBy.DisplayName, i.CreatedUtc, i.ExpiresUtc))
            .ToListAsync(ct);
    }

    /// <summary>Withdraws a pending invitation (Owner).</summary>
    public async Task<Result<InvitationView>> RevokeAsync(ClaimsPrincipal user, int teamId, int invitationId, CancellationToken ct = default)
    {
        var allowed = await access.TeamAsync(user, teamId, Permission.ManageMembers, ct);
        if (!allowed.Allowed) return allowed.Deny<InvitationView>();
        await using var db = await dbs.CreateDbContextAsync(ct);
        var invitation = await db.TeamInvitations.Include(i => i.InvitedBy)
            .SingleOrDefaultAsync(i => i.Id == invitationId && i.TeamId == teamId && i.State == InvitationState.Pending, ct);
        if (invitation is null) return Result<InvitationView>.NotFound();
        invitation.State = InvitationState.Revoked;
        invitation.AnsweredUtc = _clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        return Result<InvitationView>.Ok(View(invitation));
    }

    /// <summary>The pending invitations of the signed-in user's own address.</summary>
    public async Task<IReadOnlyList<MyInvitation>> ListMineAsync(ClaimsPrincipal user, CancellationToken ct = default)
    {
        if (user.UserId() is not { } userId) return [];
        await using var db = await dbs.CreateDbContextAsync(ct);
        var now = _clock.GetUtcNow().UtcDateTime;
        var email = await db.Users.Where(u => u.Id == userId).Select(u => u.Email).SingleOrDefaultAsync(ct);
        return await db.TeamInvitations.AsNoTracking()
            .Where(i => i.Email == email && i.State == InvitationState.Pending && i.ExpiresUtc > now)
            .OrderBy(i => i.Team.Name)
            .Select(i => new MyInvitation(i.Id, i.TeamId, i.Team.Name, i.Role, i.InvitedBy == null ? null : i.InvitedBy.DisplayName, i.CreatedUtc, i.ExpiresUtc))
            .ToListAsync(ct);
    }

    /// <summary>Accepts an invitation of the signed-in user's own address: they become a member with its role (a
    /// member already keeps the role they have).</summary>
    public async Task<Result<TeamSummary>> AcceptAsync(ClaimsPrincipal user, int invitationId, CancellationToken ct = default)
    {
        if (user.UserId() is not { } userId) return Result<TeamSummary>.Fail("Sign in first.", ResultStatus.Unauthenticated);
        await using var db = await dbs.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var invitation = await FindOwnAsync(db, userId, invitationId, ct);
        if (invitation is null) return NoSuchInvitation<TeamSummary>();
        var now = _clock.GetUtcNow().UtcDateTime;
        invitation.State = InvitationState.Accepted;
        invitation.AnsweredUtc = now;
        var member = await db.TeamMembers.SingleOrDefaultAsync(m => m.TeamId == invitation.TeamId && m.UserId == userId, ct);
        if (member is null)
        {
            member = new TeamMember { TeamId = invitation.TeamId, UserId = userId, Role = invitation.Role, AddedUtc = now };
            db.TeamMembers.Add(member);
        }
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        var team = await db.Teams.AsNoTracking().Where(t => t.Id == invitation.TeamId)
            .Select(t => new TeamSummary(t.Id, t.Name, member.Role, t.Members.Count, t.Projects.Count)).SingleAsync(ct);
        return Result<TeamSummary>.Ok(team);
    }

    /// <summary>Declines an invitation of the signed-in user's own address.</summary>
    public async Task<Result<MyInvitation>> DeclineAsync(ClaimsPrincipal user, int invitationId, CancellationToken ct = default)
    {
        if (user.UserId() is not { } userId) return Result<MyInvitation>.Fail("Sign in first.", ResultStatus.Unauthenticated);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var invitation = await FindOwnAsync(db, userId, invitationId, ct);
        if (invitation is null) return NoSuchInvitation<MyInvitation>();
        invitation.State = InvitationState.Declined;
        invitation.AnsweredUtc = _clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        return Result<MyInvitation>.Ok(new MyInvitation(invitation.Id, invitation.TeamId, invitation.Team.Name, invitation.Role,
            invitation.InvitedBy?.DisplayName, invitation.CreatedUtc, invitation.ExpiresUtc));
    }

    /// <summary>A pending, unexpired invitation of the user's own address; someone else's is "not found", like an unknown id.</summary>
    private async Task<TeamInvitation?> FindOwnAsync(CamReviewDb db, int userId, int invitationId, CancellationToken ct)
    {
        var now = _clock.GetUtcNow().UtcDateTime;
        var email = await db.Users.Where(u => u.Id == userId).Select(u => u.Email).SingleOrDefaultAsync(ct);
        return await db.TeamInvitations.Include(i => i.Team).Include(i => i.InvitedBy)
            .SingleOrDefaultAsync(i => i.Id == invitationId && i.Email == email && i.State == InvitationState.Pending && i.ExpiresUtc > now, ct);
    }

    private static Result<T> NoSuchInvitation<T>() =>
        Result<T>.Fail("There is no such invitation for you (it may have been answered, withdrawn or have expired).", ResultStatus.NotFound);

    private static InvitationView View(TeamInvitation i) =>
        new(i.Id, i.TeamId, i.Email, i.Role, i.InvitedBy?.DisplayName, i.CreatedUtc, i.ExpiresUtc);
}

public sealed record InviteRequest(string? Email, TeamRole Role);
