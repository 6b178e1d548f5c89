using CamReview.Core.Statistics;
using CamReview.Web.Components.Pages.Studies.Results;
using CamReview.Web.Jobs;
using CamReview.Web.Studies;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;

namespace CamReview.Web.Components.Pages.Studies;

/// <summary>A study's page: its state and link, invitations, live results, flagged participants and participants. The
/// sections act on the study themselves and report here, which reloads the results.</summary>
public sealed partial class StudyPage : IDisposable
{
    [Inject] private StudyResults Results { get; set; } = default!;
    [Inject] private StudyEvents Events { get; set; } = default!;
    [Inject] private JobEvents JobEvents { get; set; } = default!;

    [Parameter] public int StudyId { get; set; }
    [CascadingParameter] private Task<AuthenticationState> Auth { get; set; } = default!;

    private StudyReport? _report;
    private JobView? _job; // the preparation of the participant videos, as it reports
    private Dictionary<string, QuestionFigures> _figures = [];
    private bool _notFound;
    private string? _error;
    private int _refreshing; // 1 while a refresh is queued or running
    private int _pending; // 1: a change came that the results shown may not include

    protected override async Task OnParametersSetAsync()
    {
        // Listening first: a vote that lands while the results load is not missed.
        Events.Changed -= OnChanged;
        Events.Changed += OnChanged;
        JobEvents.Changed -= OnJob;
        JobEvents.Changed += OnJob;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        var report = await Results.ReportAsync((await Auth).User, StudyId);
        if (!report.Succeeded) { _notFound = true; return; }
        _report = report.Value;
        // Figures are rebuilt only with new results, so the plots redraw only then.
        var (methods, colours) = (_report!.Methods, _report.Colours);
        _figures = _report.Analysis.Questions.ToDictionary(q => q.Question, q => new QuestionFigures(
            StudyFigures.BradleyTerry(q, colours), StudyFigures.WinRates(q, colours), StudyFigures.WinHeatmap(q, methods), StudyFigures.BestOfN(q, colours),
            StudyFigures.Height(methods), StudyFigures.Height(StudyFigures.PairLabels(q))));
    }

    /// <summary>A section acted on the study: shows why it could not (null: it could), and the study as it is now.</summary>
    private async Task DoneAsync(string? error)
    {
        _error = error;
        await LoadAsync();
    }

    private IEnumerable<QuestionResult> OrderedQuestions(StudyResult analysis) =>
        analysis.Questions.OrderBy(q => _report!.Study.Draft.Questions.ToList().FindIndex(d => d.Key == q.Question));

    private string QuestionText(string key) => _report!.Study.Draft.Questions.FirstOrDefault(q => q.Key == key)?.Text ?? key;

    /// <summary>Votes may arrive thousands a second: <see cref="StudyEvents"/> tells at most a few times a second, and
    /// the page recomputes once per notice, never two at once; a notice that comes during a recompute brings one more
    /// afterwards, so the last vote always shows.</summary>
    private void OnChanged(int studyId)
    {
        if (studyId != StudyId) return;
        Volatile.Write(ref _pending, 1);
        if (Interlocked.CompareExchange(ref _refreshing, 1, 0) == 0) _ = InvokeAsync(RefreshAsync);
    }

    private async Task RefreshAsync()
    {
        try
        {
            while (Interlocked.Exchange(ref _pending, 0) == 1)
            {
                await LoadAsync();
                StateHasChanged();
            }
        }
        catch (ObjectDisposedException)
        {
            return; // The page was closed meanwhile.
        }
        finally
        {
            Volatile.Write(ref _refreshing, 0);
        }
        // A notice that came after the last look and before the flag was cleared.
        if (Volatile.Read(ref _pending) == 1 && Interlocked.CompareExchange(ref _refreshing, 1, 0) == 0) _ = InvokeAsync(RefreshAsync);
    }

    /// <summary>Progress of this study's video preparation, live (the study's own notice follows when it is ready).</summary>
    private void OnJob(JobUpdate update)
    {
        if (update.Job.Id == _report?.Study.Media?.JobId) _ = ShowJobAsync(update.Job);
    }

    private async Task ShowJobAsync(JobView job)
    {
        try
        {
            await InvokeAsync(async () =>
            {
                _job = job;
                if (job.IsFinished) await LoadAsync();
                StateHasChanged();
            });
        }
        catch (ObjectDisposedException)
        {
            // The page was closed meanwhile.
        }
    }

    public void Dispose()
    {
        Events.Changed -= OnChanged;
        JobEvents.Changed -= OnJob;
    }
}
