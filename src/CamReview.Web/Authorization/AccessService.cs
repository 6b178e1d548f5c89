using System.Security.Claims;
using CamReview.Data;
using CamReview.Data.Entities;
using CamReview.Web.Accounts;
using CamReview.Web.Services;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;

namespace CamReview.Web.Authorization;

public enum AccessStatus { Allowed, Unauthenticated, NotFound, Forbidden }

/// <summary>The answer to "may this user do this to that": allowed (with the membership it rests on), or why not.</summary>
public sealed record Access(AccessStatus Status, Membership? Membership, string? Message)
{
    public bool Allowed => Status == AccessStatus.Allowed;

    /// <summary>The failure as a result for the caller (only for denied access).</summary>
    public Result<T> Deny<T>() => Status switch
    {
        AccessStatus.Unauthenticated => Result<T>.Fail("Sign in first.", ResultStatus.Unauthenticated),
        AccessStatus.NotFound => Result<T>.NotFound(),
        AccessStatus.Forbidden => Result<T>.Fail(Message!, ResultStatus.Forbidden),
        _ => throw new InvalidOperationException("Access was allowed"),
    };
}

/// <summary>The one place that decides access to teams and everything in them, for every page, endpoint and hub
/// method. It resolves the user's role in the team that owns the thing asked for, then asks ASP.NET Core's
/// <see cref="IAuthorizationService"/> (the <see cref="TeamRoleHandler"/>) whether that role grants the permission.
/// Things that do not exist and things of teams the user is not in are both "not found", so ids of other teams
/// reveal nothing; a member whose role is too low is "forbidden" with a message saying which role is needed.</summary>
public sealed class AccessService(IDbContextFactory<CamReviewDb> dbs, IAuthorizationService authorization)
{
    public async Task<Access> TeamAsync(ClaimsPrincipal user, int teamId, Permission permission, CancellationToken ct = default)
    {
        if (user.UserId() is not { } userId) return Unauthenticated;
        await using var db = await dbs.CreateDbContextAsync(ct);
        var membership = await db.TeamMembers.AsNoTracking()
            .Where(m => m.TeamId == teamId && m.UserId == userId)
            .Select(m => new Membership(userId, m.TeamId, m.Team.Name, m.Role, null, null))
            .SingleOrDefaultAsync(ct);
        return await DecideAsync(user, membership, permission);
    }

    public async Task<Access> ProjectAsync(ClaimsPrincipal user, int projectId, Permission permission, CancellationToken ct = default)
    {
        if (user.UserId() is not { } userId) return Unauthenticated;
        await using var db = await dbs.CreateDbContextAsync(ct);
        var membership = await MembershipOf(db.Projects.Where(p => p.Id == projectId), userId).SingleOrDefaultAsync(ct);
        return await DecideAsync(user, membership, permission);
    }

    public async Task<Access> AssetAsync(ClaimsPrincipal user, int assetId, Permission permission, CancellationToken ct = default)
    {
        if (user.UserId() is not { } userId) return Unauthenticated;
        await using var db = await dbs.CreateDbContextAsync(ct);
        var membership = await MembershipOf(db.Assets.Where(a => a.Id == assetId).Select(a => a.Project), userId).SingleOrDefaultAsync(ct);
        return await DecideAsync(user, membership, permission);
    }

    public async Task<Access> PairAsync(ClaimsPrincipal user, int pairId, Permission permission, CancellationToken ct = default)
    {
        if (user.UserId() is not { } userId) return Unauthenticated;
        await using var db = await dbs.CreateDbContextAsync(ct);
        var membership = await MembershipOf(db.Pairs.Where(p => p.Id == pairId).Select(p => p.Project), userId).SingleOrDefaultAsync(ct);
        return await DecideAsync(user, membership, permission);
    }

    private static IQueryable<Membership> MembershipOf(IQueryable<Project> projects, int userId) =>
        from p in projects
        from m in p.Team.Members
        where m.UserId == userId
        select new Membership(userId, p.TeamId, p.Team.Name, m.Role, p.Id, p.Name);

    private static readonly Access Unauthenticated = new(AccessStatus.Unauthenticated, null, "Sign in first.");
    private static readonly Access NotFound = new(AccessStatus.NotFound, null, "Not found.");

    private async Task<Access> DecideAsync(ClaimsPrincipal user, Membership? membership, Permission permission)
    {
        if (membership is null) return NotFound;
        var outcome = await authorization.AuthorizeAsync(user, membership, new PermissionRequirement(permission));
        return outcome.Succeeded
            ? new Access(AccessStatus.Allowed, membership, null)
            : new Access(AccessStatus.Forbidden, membership, Permissions.DeniedMessage(permission, membership.Role, membership.TeamName));
    }
}
