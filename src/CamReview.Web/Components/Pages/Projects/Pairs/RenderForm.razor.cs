using System.Globalization;
using System.Text.Json;
using CamReview.Core;
using CamReview.Pipeline.Render;
using CamReview.Web.Jobs;
using CamReview.Web.Services;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace CamReview.Web.Components.Pages.Projects.Pairs;

public sealed partial class RenderForm
{
    private sealed class Fields
    {
        public string Method { get; set; } = RenderMethod.Homography.ToLabel();
        public string Motion { get; set; } = RenderMotion.ReferenceLabel;
        public double? Speed { get; set; }
        public int? Frames { get; set; }
        public string Border { get; set; } = "black";

        /// <summary>Output size and frame rate; empty: the target's size, the reference's rate (24 for presets).</summary>
        public int? Width { get; set; }
        public int? Height { get; set; }
        public double? Fps { get; set; }
    }

    [Inject] private JobService Jobs { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private WorkerRegistry Workers { get; set; } = default!;

    [Parameter, EditorRequired] public int PairId { get; set; }
    [Parameter, EditorRequired] public AssetView Reference { get; set; } = default!;
    [Parameter, EditorRequired] public AssetView Target { get; set; } = default!;
    /// <summary>The render was queued: its job.</summary>
    [Parameter] public EventCallback<JobView> OnStarted { get; set; }
    [CascadingParameter] private Task<AuthenticationState> AuthState { get; set; } = default!;

    private readonly Fields _form = new();
    private bool _busy;
    private string? _error;

    private IReadOnlyList<ExternalMethodView> _external = [];

    protected override async Task OnInitializedAsync() => _external = await Workers.ListMethodsAsync();

    private bool IsExternal => _external.Any(m => m.Name == _form.Method);

    private bool IsParallax => RenderMethodLabels.TryParse(_form.Method, out var m) && m == RenderMethod.Parallax;

    /// <summary>Dolly, truck, pedestal and arc move the camera: parallax renders only.</summary>
    private bool IsCameraMove => CameraMovePresets.TryParse(_form.Motion, out _);

    private string SpeedUnit => CameraMovePresets.TryParse(_form.Motion, out var move)
        ? (move.IsArc() ? "°/frame" : "× median depth/frame")
        : _form.Motion.StartsWith("zoom", StringComparison.Ordinal) ? "×/frame" : "°/frame";

    /// <summary>The speed the render gets when none is typed (the request's default for the chosen preset).</summary>
    private string SpeedPlaceholder =>
        RenderRequest.TryParse(_form.Method, new RenderParameters { Motion = _form.Motion }, new RenderLimits(), out var request, out _) && request.Speed is { } speed
            ? speed.ToString(CultureInfo.InvariantCulture)
            : "";

    /// <summary>A camera move chosen for parallax goes back to the reference's move when the method cannot do it.</summary>
    private void OnMethodChanged()
    {
        if (!IsParallax && IsCameraMove) _form.Motion = RenderMotion.ReferenceLabel;
    }

    private async Task StartAsync()
    {
        _busy = true;
        _error = null;
        JsonElement? parameters = IsExternal ? null : JsonSerializer.SerializeToElement(new RenderParameters
        {
            Motion = _form.Motion, Border = _form.Border, Frames = _form.Frames, Width = _form.Width, Height = _form.Height, Fps = _form.Fps,
            Speed = _form.Motion == RenderMotion.ReferenceLabel ? null : _form.Speed,
        }, RenderRequest.Json);
        var result = await Jobs.StartRenderAsync((await AuthState).User, PairId, new RenderJobRequest(_form.Method, parameters));
        _busy = false;
        if (!result.Succeeded)
        {
            // Shown beside the form: it names the field to change.
            _error = result.Error;
            return;
        }
        Snackbar.Add($"Render queued: {result.Value!.MethodName}", Severity.Success);
        await OnStarted.InvokeAsync(result.Value);
    }
}
