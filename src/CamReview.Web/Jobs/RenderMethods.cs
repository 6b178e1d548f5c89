using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using CamReview.Core;
using CamReview.Pipeline.Analyze;
using CamReview.Pipeline.Render;
using CamReview.Web.Services;

namespace CamReview.Web.Jobs;

/// <summary>What a user asks to render: a method by name and its parameters (JSON; each method validates its own).</summary>
public sealed record RenderRequest(string? Method, JsonElement? Parameters);

/// <summary>A validated render: the parameters as they will run (defaults filled in) and the label the output gets.</summary>
public sealed record RenderPlan(string Method, string ParametersJson, string MethodName);

/// <summary>Everything a renderer gets for one job.</summary>
public sealed record RenderInputs(
    string ReferencePath, string TargetPath, string? DepthPath, string OutputPath, string ParametersJson, IAnalysisCache Cache, JobContext Context);

/// <summary>What a render reports besides its file.</summary>
public sealed record RenderOutcome(string Device, IReadOnlyDictionary<string, double> Timings);

/// <summary>A built-in renderer the portal can run. Chosen by <see cref="Name"/> ("homography" or "parallax"),
/// configured by JSON parameters it validates itself.</summary>
public interface IRenderMethod
{
    string Name { get; }
    string Description { get; }
    Result<RenderPlan> Validate(JsonElement? parameters, JobOptions limits);
    Task<RenderOutcome> RenderAsync(RenderInputs inputs, CancellationToken ct);
}

/// <summary>The renderers, by name.</summary>
public sealed class RenderMethods(IEnumerable<IRenderMethod> methods)
{
    private readonly Dictionary<string, IRenderMethod> _byName = methods.ToDictionary(m => m.Name, StringComparer.OrdinalIgnoreCase);

    public IReadOnlyCollection<IRenderMethod> All => _byName.Values;

    public IRenderMethod? Find(string? name) => name is not null && _byName.TryGetValue(name.Trim(), out var m) ? m : null;

    public Result<RenderPlan> Validate(RenderRequest request, JobOptions limits)
    {
        if (Find(request.Method) is not { } method)
            return Result<RenderPlan>.Fail($"Choose a render method: {string.Join(", ", _byName.Keys.Order())}.");
        return method.Validate(request.Parameters, limits);
    }
}

/// <summary>Parameters of <see cref="HomographyRenderMethod"/>.</summary>
public sealed record HomographyParameters
{
    /// <summary>"reference" (the pair's reference clip's camera move) or a trajectory preset (pan-left, pan-right,
    /// tilt-up, tilt-down, roll-cw, roll-ccw, zoom-in, zoom-out).</summary>
    public string Motion { get; init; } = Reference;

    /// <summary>Presets: degrees per frame (pan/tilt/roll, default 0.5) or scale per frame (zoom, default 1.01).</summary>
    public double? Speed { get; init; }

    /// <summary>Output frames: presets default to 49; from the reference, default all of its frames (sampled when fewer).</summary>
    public int? Frames { get; init; }

    /// <summary>black, reflect, inpaint or safe-crop.</summary>
    public string Border { get; init; } = "black";

    /// <summary>Output size (both or neither; default the target's size).</summary>
    public int? Width { get; init; }
    public int? Height { get; init; }

    public double? Fps { get; init; }

    public const string Reference = "reference";
}

/// <summary>CamMimic's homography transfer: the target warped by the reference's (or a preset trajectory's)
/// cumulative homographies, with a border policy.</summary>
public sealed class HomographyRenderMethod : IRenderMethod
{
    public const string MethodKey = "homography";
    public const int DefaultPresetFrames = 49;

    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public string Name => MethodKey;
    public string Description => "Homography transfer (CamMimic's baseline): the target follows the reference's camera move as a plane would.";

    public Result<RenderPlan> Validate(JsonElement? parameters, JobOptions limits)
    {
        HomographyParameters p;
        try
        {
            p = parameters is { ValueKind: JsonValueKind.Object } json ? json.Deserialize<HomographyParameters>(Json) ?? new() : new();
        }
        catch (JsonException e)
        {
            return Result<RenderPlan>.Fail($"The parameters are not valid: {e.Message}");
        }
        if (parameters is { ValueKind: not (JsonValueKind.Object or JsonValueKind.Null or JsonValueKind.Undefined) })
            return Result<RenderPlan>.Fail("The parameters must be a JSON object.");

        var motion = (p.Motion ?? "").Trim().ToLowerInvariant();
        TrajectoryPreset preset = default;
        var fromReference = motion == HomographyParameters.Reference;
        if (!fromReference && !TrajectoryPresetLabels.TryParse(motion, out preset))
            return Result<RenderPlan>.Fail($"motion must be \"reference\" or a preset: {string.Join(", ", TrajectoryPresetLabels.All)}.");
        if (!BorderPolicyLabels.TryParse(p.Border, out var border))
            return Result<RenderPlan>.Fail($"border must be one of {string.Join(", ", BorderPolicyLabels.All)}.");
        double? speed = null;
        if (!fromReference)
        {
            if (RenderChecks.PresetSpeed(preset, p.Speed, out var presetSpeed) is { } error) return Result<RenderPlan>.Fail(error);
            speed = presetSpeed;
        }
        else if (p.Speed is not null)
        {
            return Result<RenderPlan>.Fail("speed applies to trajectory presets only (the reference sets its own speed).");
        }
        if (RenderChecks.Output(p.Frames, fromReference, p.Width, p.Height, p.Fps, limits.MaxRenderFrames, out var frames) is { } outputError)
            return Result<RenderPlan>.Fail(outputError);

        var normalized = p with { Motion = motion, Border = border.ToLabel(), Speed = speed, Frames = frames };
        var label = fromReference
            ? $"homography ({border.ToLabel()})"
            : string.Create(CultureInfo.InvariantCulture, $"homography {preset.ToLabel()} {speed:G4}{(preset.IsZoom() ? "x" : "°")}/f ({border.ToLabel()})");
        return Result<RenderPlan>.Ok(new RenderPlan(MethodKey, JsonSerializer.Serialize(normalized, Json), label));
    }

    public async Task<RenderOutcome> RenderAsync(RenderInputs inputs, CancellationToken ct)
    {
        var p = JsonSerializer.Deserialize<HomographyParameters>(inputs.ParametersJson, Json)!;
        var context = inputs.Context;
        var timings = new Dictionary<string, double>();
        var renderer = new HomographyTransferRenderer();
        var fromReference = p.Motion == HomographyParameters.Reference;
        var progress = RenderJobSteps.Progress(context, fromReference);
        BorderPolicyLabels.TryParse(p.Border, out var border);
        var options = new HomographyRenderOptions
        {
            TargetPath = inputs.TargetPath, OutputPath = inputs.OutputPath, Width = p.Width, Height = p.Height, Border = border,
            Fps = p.Fps, Progress = progress, Frames = fromReference ? p.Frames : null,
        };

        RenderResult result;
        if (fromReference)
        {
            var analysis = await RenderJobSteps.AnalyzeReferenceAsync(inputs, timings, ct);
            var fps = analysis.Source.Fps is > 0 and < 1000 ? analysis.Source.Fps : MotionSource.DefaultTrajectoryFps;
            var motion = MotionSource.FromNormalizedConsecutive(analysis.Pairs.Select(a => a.Ok ? a.Hn : null).ToList(), fps,
                analysis.Source.Width, analysis.Source.Height);
            if (p.Frames is { } n && n > motion.Frames) options = options with { Frames = null };
            result = await renderer.RenderAsync(motion, options, ct);
        }
        else
        {
            TrajectoryPresetLabels.TryParse(p.Motion, out var preset);
            result = await renderer.RenderPresetAsync(preset, p.Speed!.Value, p.Frames ?? DefaultPresetFrames, options, cancellationToken: ct);
        }
        var t = result.Timings;
        RenderJobSteps.RecordTimings(timings, t);
        if (result.SafeCropScale is { } s) timings["safeCropScale"] = s;
        return new RenderOutcome(result.Device, timings);
    }
}

/// <summary>The steps every built-in render method shares, so the job's progress and timings read the same
/// whichever renderer ran.</summary>
internal static class RenderJobSteps
{
    /// <summary>Render progress mapped onto the job's percent: analysis (when from a reference) takes 0-29%, rendering
    /// runs up to 97%, encoding finishes. Applies the configured per-frame delay (tests, demos).</summary>
    public static IProgress<RenderProgress> Progress(JobContext context, bool fromReference)
    {
        var renderStart = fromReference ? 30.0 : 2.0;
        var delay = context.FrameDelayMs;
        return new SyncProgress<RenderProgress>(r =>
        {
            switch (r.Stage)
            {
                case RenderStage.Prepare: context.Report("prepare", renderStart); break;
                case RenderStage.Render:
                    if (r.Done > 0 && delay > 0) Thread.Sleep(delay);
                    context.Report("render", renderStart + (97 - renderStart) * r.Fraction, r.Done, r.Total);
                    break;
                case RenderStage.Finalize: context.Report("encode", 97); break;
            }
        });
    }

    /// <summary>The reference's analysis through the shared cache, reporting "analyze" progress and its time.</summary>
    public static async Task<ClipAnalysis> AnalyzeReferenceAsync(RenderInputs inputs, Dictionary<string, double> timings, CancellationToken ct)
    {
        var context = inputs.Context;
        context.Report("analyze", 0);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var analyzer = new ClipAnalyzer();
        var analysis = await Task.Run(() => inputs.Cache.GetOrAnalyze(analyzer, inputs.ReferencePath, out _,
            new SyncProgress<AnalysisProgress>(a => context.Report("analyze", Math.Min(29, 29.0 * a.PairsDone / Math.Max(1, context.ExpectedFrames - 1)))), ct), ct);
        timings["analyze"] = clock.Elapsed.TotalSeconds;
        return analysis;
    }

    /// <summary>The renderer's stage times, under the names the pair page shows.</summary>
    public static void RecordTimings(Dictionary<string, double> timings, RenderTimings t)
    {
        timings["prepare"] = t.PrepareSeconds;
        timings["warp"] = t.WarpSeconds;
        timings["encode"] = t.EncodeSeconds;
        timings["render"] = t.TotalSeconds;
    }
}

/// <summary>An <see cref="IProgress{T}"/> that calls back on the reporting thread (Progress&lt;T&gt; would post).</summary>
public sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}

/// <summary>The parameter checks both built-in render methods share.</summary>
internal static class RenderChecks
{
    /// <summary>A rotation or zoom preset's speed (its default when not given), or why it is refused.</summary>
    public static string? PresetSpeed(TrajectoryPreset preset, double? given, out double speed)
    {
        speed = given ?? (preset.IsZoom() ? 1.01 : 0.5);
        if (preset.IsZoom() ? !(speed is >= 0.8 and <= 1.25) || speed == 1 : !(speed is > 0 and <= 10))
            return preset.IsZoom()
                ? "A zoom's speed is a scale per frame between 0.8 and 1.25 (not 1)."
                : "A pan, tilt or roll's speed is in degrees per frame, above 0 and at most 10.";
        return null;
    }

    /// <summary>The output's frames (presets default to <see cref="HomographyRenderMethod.DefaultPresetFrames"/>, the
    /// reference to all of its own), size and frame rate, or why they are refused.</summary>
    public static string? Output(int? given, bool fromReference, int? width, int? height, double? fps, int maxFrames, out int? frames)
    {
        frames = given ?? (fromReference ? null : HomographyRenderMethod.DefaultPresetFrames);
        if (frames is { } n && (n < 2 || n > maxFrames)) return $"frames must be between 2 and {maxFrames}.";
        if ((width is null) != (height is null)) return "Give both width and height, or neither.";
        if (width is { } w && (w < 16 || w > 3840 || height < 16 || height > 2160)) return "width and height must be between 16x16 and 3840x2160.";
        if (fps is { } f && !(f is > 0 and <= 120)) return "fps must be above 0 and at most 120.";
        return null;
    }
}
