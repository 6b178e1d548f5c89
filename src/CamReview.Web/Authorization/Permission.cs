using CamReview.Data.Entities;

namespace CamReview.Web.Authorization;

/// <summary>Everything a team member may do to a team or its projects. Which role each needs is decided in one
/// table, <see cref="Permissions"/>, and checked in one place, <see cref="TeamRoleHandler"/>.</summary>
public enum Permission
{
    /// <summary>See a project: its assets, pairs, media files, outputs and comparisons.</summary>
    ViewProject,
    /// <summary>Upload reference videos, target images, depth maps and imported outputs.</summary>
    UploadAsset,
    CreatePair,
    /// <summary>Start a render (for the render service).</summary>
    StartRender,
    /// <summary>Comment on a comparison at a time code.</summary>
    Comment,
    /// <summary>Set an output's review status (pending, approved, retake).</summary>
    Review,
    /// <summary>Create and revoke read-only share links of a comparison.</summary>
    Share,
    /// <summary>Delete an asset (with what depends on it, after confirmation).</summary>
    DeleteAsset,
    DeleteProject,
    /// <summary>See a team: its members and projects.</summary>
    ViewTeam,
    CreateProject,
    /// <summary>Invite members (and revoke invitations), change their roles, remove them.</summary>
    ManageMembers,
    /// <summary>Build preference studies over a project's outputs; open, pause and close them.</summary>
    ManageStudies,
}

public static class Permissions
{
    /// <summary>The least role that grants each permission.</summary>
    public static TeamRole MinimumRole(Permission permission) => permission switch
    {
        Permission.ViewProject or Permission.ViewTeam => TeamRole.Viewer,
        Permission.UploadAsset or Permission.CreatePair or Permission.StartRender or Permission.Comment
            or Permission.Review or Permission.Share or Permission.ManageStudies => TeamRole.Reviewer,
        Permission.DeleteAsset or Permission.DeleteProject or Permission.CreateProject or Permission.ManageMembers => TeamRole.Owner,
        _ => throw new ArgumentOutOfRangeException(nameof(permission), permission, null),
    };

    public static bool Allows(this TeamRole role, Permission permission) => role >= MinimumRole(permission);

    /// <summary>What the permission lets someone do, for messages ("uploading files needs ...").</summary>
    public static string Describe(Permission permission) => permission switch
    {
        Permission.ViewProject => "seeing this project",
        Permission.UploadAsset => "uploading files",
        Permission.CreatePair => "creating pairs",
        Permission.StartRender => "starting renders",
        Permission.Comment => "commenting",
        Permission.Review => "setting review statuses",
        Permission.Share => "sharing comparisons",
        Permission.DeleteAsset => "deleting files",
        Permission.DeleteProject => "deleting projects",
        Permission.ViewTeam => "seeing this team",
        Permission.CreateProject => "creating projects",
        Permission.ManageMembers => "managing members",
        Permission.ManageStudies => "building and running studies",
        _ => permission.ToString(),
    };

    /// <summary>The message of a 403: what the user's role is, and which role the action needs.</summary>
    public static string DeniedMessage(Permission permission, TeamRole role, string teamName)
    {
        var needed = MinimumRole(permission);
        var roles = needed == TeamRole.Owner ? "the Owner role" : $"the {needed} or Owner role";
        return $"You are a {role} in team \"{teamName}\": {Describe(permission)} needs {roles}.";
    }
}
