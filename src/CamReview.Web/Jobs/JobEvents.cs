using System.Collections.Concurrent;
using CamReview.Web.Hubs;
using Microsoft.AspNetCore.SignalR;

namespace CamReview.Web.Jobs;

/// <summary>Tells everyone looking at a project what its jobs are doing. Blazor circuits (which run in this process)
/// subscribe to <see cref="Changed"/>; every other client gets the same update over the review hub as "job" in the
/// project's group. Progress is sent at most every <see cref="ProgressInterval"/> per job; changes of state or stage
/// always go out at once.</summary>
public sealed class JobEvents(IHubContext<ReviewHub> hub, ILogger<JobEvents> log)
{
    public const string HubMethod = "job";
    public static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(150);

    private readonly ConcurrentDictionary<int, (DateTime At, string? Stage, Data.Entities.JobState State)> _last = new();

    /// <summary>Raised for every update that goes out (on the thread that reports it: handlers must not block).</summary>
    public event Action<JobUpdate>? Changed;

    public void Publish(JobView job, bool force = false)
    {
        var now = DateTime.UtcNow;
        if (!force && _last.TryGetValue(job.Id, out var last) && last.Stage == job.Stage && last.State == job.State && now - last.At < ProgressInterval)
            return;
        _last[job.Id] = (now, job.Stage, job.State);
        if (job.IsFinished) _last.TryRemove(job.Id, out _);
        var update = new JobUpdate(job);
        foreach (var handler in Changed?.GetInvocationList() ?? [])
        {
            try { ((Action<JobUpdate>)handler)(update); }
            catch (Exception e) { log.LogWarning(e, "A job update subscriber failed"); }
        }
        _ = BroadcastAsync(update);
    }

    private async Task BroadcastAsync(JobUpdate update)
    {
        try
        {
            await hub.Clients.Group(ReviewHub.ProjectGroup(update.ProjectId)).SendAsync(HubMethod, update.Job);
        }
        catch (Exception e)
        {
            log.LogDebug(e, "Broadcasting job {Id} failed", update.Job.Id);
        }
    }
}
