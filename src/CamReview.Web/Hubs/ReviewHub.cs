using Microsoft.AspNetCore.SignalR;

namespace CamReview.Web.Hubs;

/// <summary>Live updates for everyone looking at a project (render progress, comments, new outputs).
/// Browser pages join the group of the project they show.</summary>
public sealed class ReviewHub : Hub
{
    public const string Path = "/hubs/review";

    public static string ProjectGroup(int projectId) => $"project-{projectId}";

    public Task JoinProject(int projectId) => Groups.AddToGroupAsync(Context.ConnectionId, ProjectGroup(projectId));

    public Task LeaveProject(int projectId) => Groups.RemoveFromGroupAsync(Context.ConnectionId, ProjectGroup(projectId));
}
