using CamReview.Data.Entities;
using CamReview.Web.Accounts;
using Microsoft.AspNetCore.Authorization;

namespace CamReview.Web.Authorization;

/// <summary>The resource every team permission is checked against: a user's membership of the team that owns
/// what is being accessed (the team itself, or a project, asset or pair of it).</summary>
public sealed record Membership(int UserId, int TeamId, string TeamName, TeamRole Role, int? ProjectId = null, string? ProjectName = null);

public sealed class PermissionRequirement(Permission permission) : IAuthorizationRequirement
{
    public Permission Permission { get; } = permission;
}

/// <summary>Grants a permission when the membership is the signed-in user's own and their role is high enough.</summary>
public sealed class TeamRoleHandler : AuthorizationHandler<PermissionRequirement, Membership>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, PermissionRequirement requirement, Membership membership)
    {
        if (context.User.UserId() == membership.UserId && membership.Role.Allows(requirement.Permission))
            context.Succeed(requirement);
        return Task.CompletedTask;
    }
}
