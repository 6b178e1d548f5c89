using CamReview.Web.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace CamReview.Web.Hubs;

/// <summary>Live updates for everyone looking at a project (render progress, comments, new outputs).
/// Browser pages join the group of the project they show; only members of the project's team may.</summary>
public sealed class ReviewHub(AccessService access, HubSessions sessions) : Hub
{
    public const string Path = "/hubs/review";

    public override Task OnConnectedAsync()
    {
        sessions.Opened(Context);
        return base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        sessions.Closed(Context);
        return base.OnDisconnectedAsync(exception);
    }

    public static string ProjectGroup(int projectId) => $"project-{projectId}";

    public async Task JoinProject(int projectId)
    {
        var allowed = await access.ProjectAsync(Context.User!, projectId, Permission.ViewProject, Context.ConnectionAborted);
        if (!allowed.Allowed) throw new HubException("Not found.");
        await Groups.AddToGroupAsync(Context.ConnectionId, ProjectGroup(projectId));
    }

    public Task LeaveProject(int projectId) => Groups.RemoveFromGroupAsync(Context.ConnectionId, ProjectGroup(projectId));
}
