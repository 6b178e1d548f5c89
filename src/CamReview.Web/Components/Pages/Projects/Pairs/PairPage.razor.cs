using CamReview.Web.Authorization;
using CamReview.Web.Jobs;
using CamReview.Web.Media;
using CamReview.Web.Services;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace CamReview.Web.Components.Pages.Projects.Pairs;

public sealed partial class PairPage : IDisposable
{
    [Inject] private PairService Pairs { get; set; } = default!;
    [Inject] private JobService Jobs { get; set; } = default!;
    [Inject] private JobEvents Events { get; set; } = default!;
    [Inject] private PlaybackProxies Proxies { get; set; } = default!;
    [Inject] private IMediaStore Store { get; set; } = default!;

    [Parameter] public int ProjectId { get; set; }
    [Parameter] public int PairId { get; set; }
    [CascadingParameter] private Task<AuthenticationState> AuthState { get; set; } = default!;

    private PairDetails? _details;
    private List<JobView> _jobs = [];
    private bool _notFound;
    private bool _subscribed;

    private bool Missing(AssetView asset) => !Store.HasOriginal(asset.Sha256, asset.MediaType);

    private bool CanRender => _details?.Role.Allows(Permission.StartRender) == true;

    protected override async Task OnParametersSetAsync()
    {
        if (RendererInfo.IsInteractive && !_subscribed)
        {
            // Subscribed before loading: nothing that happens in between is missed.
            Events.Changed += OnJobChanged;
            Proxies.Changed += OnPlaybackChanged;
            _subscribed = true;
        }
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        var user = (await AuthState).User;
        var details = await Pairs.GetDetailsAsync(user, PairId);
        if (!details.Succeeded || details.Value!.Pair.ProjectId != ProjectId)
        {
            _notFound = true;
            _details = null;
            return;
        }
        var jobs = await Jobs.ListAsync(user, ProjectId, PairId);
        _details = details.Value;
        _jobs = jobs.Value?.ToList() ?? [];
    }

    private void OnJobChanged(JobUpdate update)
    {
        if (update.ProjectId != ProjectId || update.Job.PairId != PairId) return;
        _ = InvokeAsync(async () =>
        {
            var job = update.Job;
            var index = _jobs.FindIndex(j => j.Id == job.Id);
            // A late progress report never overwrites a finished state.
            if (index >= 0 && _jobs[index].IsFinished && !job.IsFinished && job.State == Data.Entities.JobState.Running) return;
            if (index >= 0) _jobs[index] = job;
            else _jobs.Insert(0, job);
            if (job.IsFinished) await LoadAsync();
            StateHasChanged();
        });
    }

    /// <summary>A proxy of a video on the page was made: the page shows it ready (its player loads it by itself).</summary>
    private void OnPlaybackChanged(string sha256)
    {
        if (_details is not { } d || (d.Reference.Sha256 != sha256 && d.Outputs.All(o => o.Asset.Sha256 != sha256))) return;
        _ = InvokeAsync(async () =>
        {
            await LoadAsync();
            StateHasChanged();
        });
    }

    /// <summary>A render just queued; its live updates may have arrived first.</summary>
    private void AddJob(JobView job)
    {
        if (_jobs.All(j => j.Id != job.Id)) _jobs.Insert(0, job);
    }

    /// <summary>A job cancelled or retried from the list: its state as the answer gave it.</summary>
    private void ReplaceJob(JobView job)
    {
        var index = _jobs.FindIndex(j => j.Id == job.Id);
        if (index >= 0) _jobs[index] = job;
    }

    public void Dispose()
    {
        if (!_subscribed) return;
        Events.Changed -= OnJobChanged;
        Proxies.Changed -= OnPlaybackChanged;
    }
}
