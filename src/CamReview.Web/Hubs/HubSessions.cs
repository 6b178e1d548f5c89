using System.Collections.Concurrent;
using CamReview.Web.Accounts;
using Microsoft.AspNetCore.SignalR;

namespace CamReview.Web.Hubs;

/// <summary>The open connections of the review hub by session: a connection is authenticated once, when it opens,
/// so when its session ends (signed out, a password change) it is closed here instead of receiving updates until
/// the page reloads.</summary>
public sealed class HubSessions
{
    private readonly ConcurrentDictionary<string, HubCallerContext> _open = new(StringComparer.Ordinal);

    public HubSessions(SessionStore sessions) => sessions.Ended += OnEnded;

    public void Opened(HubCallerContext connection) => _open[connection.ConnectionId] = connection;

    public void Closed(HubCallerContext connection) => _open.TryRemove(connection.ConnectionId, out _);

    private void OnEnded(SessionsEnded ended)
    {
        foreach (var connection in _open.Values)
            if (connection.User is { } user && ended.Includes(user)) connection.Abort();
    }
}
