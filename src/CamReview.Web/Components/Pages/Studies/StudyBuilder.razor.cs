using CamReview.Data.Entities;
using CamReview.Web.Components.Pages.Studies.Builder;
using CamReview.Web.Services;
using CamReview.Web.Studies;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace CamReview.Web.Components.Pages.Studies;

/// <summary>The study builder: a new study of a project, or a study's edit page. Its sections edit one
/// <see cref="BuilderState"/>; any change re-renders them all, so every count follows the choices.</summary>
public sealed partial class StudyBuilder
{
    [Inject] private StudyService Studies { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    [Parameter] public int? ProjectId { get; set; }
    [Parameter] public int? StudyId { get; set; }
    [CascadingParameter] private Task<AuthenticationState> Auth { get; set; } = default!;

    private BuilderState? _state;
    private bool _busy, _notFound;
    private string? _refusal;
    private string? _error;

    protected override async Task OnParametersSetAsync()
    {
        var user = (await Auth).User;
        int projectId;
        BuilderForm form;
        var locked = false;
        if (StudyId is { } id)
        {
            var study = await Studies.GetAsync(user, id);
            if (!study.Succeeded) { _notFound = true; return; }
            projectId = study.Value!.ProjectId;
            form = BuilderForm.From(study.Value.Draft);
            locked = study.Value.State != StudyState.Draft;
        }
        else
        {
            projectId = ProjectId!.Value;
            form = BuilderForm.From(StudyDraft.Default(""));
        }
        var choices = await Studies.ChoicesAsync(user, projectId);
        // Refused here (the choices need the right to build studies), not after the form is filled in.
        if (!choices.Succeeded)
        {
            if (choices.Status == ResultStatus.Forbidden) _refusal = choices.Error;
            else _notFound = true;
            return;
        }
        _state = new BuilderState(form, choices.Value!, locked);
        if (StudyId is null)
        {
            // A new study starts with every pair that has outputs and all their methods chosen.
            form.PairIds = _state.Choices.Pairs.Select(p => p.Id).ToList();
            form.Methods = _state.Choices.Pairs.SelectMany(p => p.Methods).Distinct().Order(StringComparer.Ordinal).ToList();
            form.TrialsPerParticipant = Math.Max(1, _state.ComparisonCount);
        }
    }

    private async Task SaveAsync()
    {
        _busy = true;
        _error = null;
        try
        {
            var user = (await Auth).User;
            var draft = _state!.Form.ToDraft();
            var saved = StudyId is { } id ? await Studies.UpdateAsync(user, id, draft) : await Studies.CreateAsync(user, _state.Choices.ProjectId, draft);
            if (saved.Succeeded)
            {
                Snackbar.Add(StudyId is null ? $"The study \"{draft.Name}\" is created, as a draft." : "The study is saved.", Severity.Success);
                Navigation.NavigateTo(PortalUrls.Study(saved.Value!.Id));
            }
            else _error = saved.Error;
        }
        finally
        {
            _busy = false;
        }
    }
}
