using System.Globalization;
using System.Text.Json;
using CamReview.Core;
using CamReview.Pipeline.Analyze;
using CamReview.Pipeline.Depth;
using CamReview.Pipeline.Render;
using CamReview.Web.Services;

namespace CamReview.Web.Jobs;

/// <summary>Parameters of <see cref="ParallaxRenderMethod"/>.</summary>
public sealed record ParallaxParameters
{
    /// <summary>"reference" (the reference clip's camera path), a camera move (dolly-in, dolly-out, truck-left,
    /// truck-right, pedestal-up, pedestal-down, arc-left, arc-right) or a rotation/zoom preset (pan-left, ..., zoom-out).</summary>
    public string Motion { get; init; } = HomographyParameters.Reference;

    /// <summary>Camera moves: fraction of the median depth per frame (default 0.005), arcs: degrees per frame (0.5);
    /// rotation presets: degrees per frame (0.5), zoom: scale per frame (1.01).</summary>
    public double? Speed { get; init; }

    /// <summary>Output frames: presets default to 49; from the reference, default all of its frames.</summary>
    public int? Frames { get; init; }

    /// <summary>black, reflect, inpaint or safe-crop.</summary>
    public string Border { get; init; } = "black";

    /// <summary>How the pair's depth asset encodes depth: "depth" (default) or "disparity".</summary>
    public string? DepthKind { get; init; }

    public int? Width { get; init; }
    public int? Height { get; init; }
    public double? Fps { get; init; }
}

/// <summary>Parallax transfer (ParaScale-style, <see cref="ParallaxRenderer"/>): the target's pixels moved in 3-D by
/// the reference's camera path (or a 6-DoF preset). Depth: the pair's depth map when it has one, else the configured
/// depth model (<c>CamReview:Models:Depth</c>), else planar (then it equals the homography transfer).</summary>
public sealed class ParallaxRenderMethod(PortalOptions portal) : IRenderMethod
{
    public const string MethodKey = "parallax";
    public const int DefaultPresetFrames = HomographyRenderMethod.DefaultPresetFrames;

    /// <summary>Every motion this method takes besides "reference": the 6-DoF camera moves, then the rotation/zoom presets.</summary>
    public static IReadOnlyList<string> Presets { get; } = [.. CameraMovePresets.All, .. TrajectoryPresetLabels.All];

    public string Name => MethodKey;
    public string Description => "Parallax transfer (ParaScale-style): the target moves in 3-D with depth from the pair's depth map, a depth model, or planar.";

    public Result<RenderPlan> Validate(JsonElement? parameters, JobOptions limits)
    {
        ParallaxParameters p;
        try
        {
            p = parameters is { ValueKind: JsonValueKind.Object } json ? json.Deserialize<ParallaxParameters>(HomographyRenderMethod.Json) ?? new() : new();
        }
        catch (JsonException e)
        {
            return Result<RenderPlan>.Fail($"The parameters are not valid: {e.Message}");
        }
        if (parameters is { ValueKind: not (JsonValueKind.Object or JsonValueKind.Null or JsonValueKind.Undefined) })
            return Result<RenderPlan>.Fail("The parameters must be a JSON object.");

        var motion = (p.Motion ?? "").Trim().ToLowerInvariant();
        var fromReference = motion == HomographyParameters.Reference;
        CameraMovePreset move = default;
        TrajectoryPreset rotation = default;
        var isMove = !fromReference && CameraMovePresets.TryParse(motion, out move);
        var isRotation = !fromReference && !isMove && TrajectoryPresetLabels.TryParse(motion, out rotation);
        if (!fromReference && !isMove && !isRotation)
            return Result<RenderPlan>.Fail($"motion must be \"reference\" or a preset: {string.Join(", ", Presets)}.");
        if (!BorderPolicyLabels.TryParse(p.Border, out var border))
            return Result<RenderPlan>.Fail($"border must be one of {string.Join(", ", BorderPolicyLabels.All)}.");
        var depthKind = (p.DepthKind ?? "depth").Trim().ToLowerInvariant();
        if (depthKind is not ("depth" or "disparity")) return Result<RenderPlan>.Fail("depthKind must be \"depth\" or \"disparity\".");

        double? speed = null;
        if (isMove)
        {
            speed = p.Speed ?? move.DefaultSpeed();
            if (move.IsArc() ? !(speed is > 0 and <= 10) : !(speed is > 0 and <= 0.1))
                return Result<RenderPlan>.Fail(move.IsArc()
                    ? "An arc's speed is in degrees per frame, above 0 and at most 10."
                    : "A dolly, truck or pedestal's speed is a fraction of the median depth per frame, above 0 and at most 0.1.");
        }
        else if (isRotation)
        {
            if (RenderChecks.PresetSpeed(rotation, p.Speed, out var presetSpeed) is { } error) return Result<RenderPlan>.Fail(error);
            speed = presetSpeed;
        }
        else if (p.Speed is not null)
        {
            return Result<RenderPlan>.Fail("speed applies to presets only (the reference sets its own speed).");
        }
        if (RenderChecks.Output(p.Frames, fromReference, p.Width, p.Height, p.Fps, limits.MaxRenderFrames, out var frames) is { } outputError)
            return Result<RenderPlan>.Fail(outputError);

        var normalized = p with { Motion = motion, Border = border.ToLabel(), Speed = speed, Frames = frames, DepthKind = depthKind == "depth" ? null : depthKind };
        var label = fromReference
            ? $"parallax ({border.ToLabel()})"
            : isMove
                ? string.Create(CultureInfo.InvariantCulture, $"parallax {move.ToLabel()} {speed:G4}{(move.IsArc() ? "°" : "×Z")}/f ({border.ToLabel()})")
                : string.Create(CultureInfo.InvariantCulture, $"parallax {rotation.ToLabel()} {speed:G4}{(rotation.IsZoom() ? "x" : "°")}/f ({border.ToLabel()})");
        return Result<RenderPlan>.Ok(new RenderPlan(MethodKey, JsonSerializer.Serialize(normalized, HomographyRenderMethod.Json), label));
    }

    /// <summary>The pair's depth map, else the configured model, else planar.</summary>
    internal DepthSource DepthFor(RenderInputs inputs, ParallaxParameters p)
    {
        if (inputs.DepthPath is { } map)
            return DepthSource.File(map, p.DepthKind == "disparity" ? DepthKind.Disparity : DepthKind.Depth);
        if (portal.Models.Depth is { } model)
        {
            if (!File.Exists(model)) throw new FileNotFoundException($"The configured depth model (CamReview:Models:Depth) is not there: '{model}'.", model);
            return DepthSource.Model(model);
        }
        return DepthSource.Planar;
    }

    public async Task<RenderOutcome> RenderAsync(RenderInputs inputs, CancellationToken ct)
    {
        var p = JsonSerializer.Deserialize<ParallaxParameters>(inputs.ParametersJson, HomographyRenderMethod.Json)!;
        var context = inputs.Context;
        var timings = new Dictionary<string, double>();
        var renderer = new ParallaxRenderer();
        var fromReference = p.Motion == HomographyParameters.Reference;
        var progress = RenderJobSteps.Progress(context, fromReference);
        BorderPolicyLabels.TryParse(p.Border, out var border);
        var options = new HomographyRenderOptions
        {
            TargetPath = inputs.TargetPath, OutputPath = inputs.OutputPath, Width = p.Width, Height = p.Height, Border = border,
            Fps = p.Fps, Progress = progress,
        };
        var depth = DepthFor(inputs, p);

        ParallaxRenderResult result;
        if (fromReference)
        {
            var analysis = await RenderJobSteps.AnalyzeReferenceAsync(inputs, timings, ct);
            var fps = p.Fps ?? (analysis.Source.Fps is > 0 and < 1000 ? analysis.Source.Fps : MotionSource.DefaultTrajectoryFps);
            var pairs = analysis.ToPairCameraMotions();
            var frames = p.Frames is { } n && n <= pairs.Count + 1 ? n : (int?)null;
            result = await renderer.RenderCameraPathAsync(pairs, depth, options with { Frames = frames, Fps = fps },
                referenceSize: (analysis.Source.Width, analysis.Source.Height), cancellationToken: ct);
        }
        else if (CameraMovePresets.TryParse(p.Motion, out var move))
        {
            result = await renderer.RenderPresetAsync(move, p.Speed!.Value, p.Frames ?? DefaultPresetFrames, depth, options, cancellationToken: ct);
        }
        else
        {
            TrajectoryPresetLabels.TryParse(p.Motion, out var preset);
            result = await renderer.RenderAsync(RotationPreset(preset, p.Speed!.Value, p.Frames ?? DefaultPresetFrames), depth, options, cancellationToken: ct);
        }
        var t = result.Render.Timings;
        timings["depthLoad"] = result.DepthLoadSeconds;
        timings["depthInference"] = result.DepthInferenceSeconds;
        RenderJobSteps.RecordTimings(timings, t);
        timings["maxParallax"] = result.MaxParallax;
        timings["disoccluded"] = result.DisoccludedFraction;
        if (result.Render.SafeCropScale is { } s) timings["safeCropScale"] = s;
        return new RenderOutcome(DeviceLabel(result), timings);
    }

    /// <summary>
    /// "cpu; depth file (cpu)", "cpu; depth model (cuda, CUDAExecutionProvider)", "cpu; depth planar", and for a model
    /// that was meant for CUDA but runs on the CPU, "cpu; depth model (cpu, CPUExecutionProvider; CUDA not used: reason)".
    /// </summary>
    internal static string DeviceLabel(ParallaxRenderResult r)
    {
        var label = r.DepthSource == "planar"
            ? $"{r.Render.Device}; depth planar"
            : $"{r.Render.Device}; depth {r.DepthSource} ({r.DepthDevice}{(r.DepthProvider is { } provider ? $", {provider}" : "")}" +
              $"{(r.DepthProviderFallbackReason is { } reason ? $"; CUDA not used: {reason}" : "")})";
        return JobLabels.Fit(label);
    }

    /// <summary>A pan/tilt/roll/zoom preset as a 6-DoF trajectory (as the CLI's parallax render makes it).</summary>
    private static CameraTrajectory RotationPreset(TrajectoryPreset preset, double speed, int frames)
    {
        var t = TrajectoryPresets.Create(preset, 2, 2, speed, frames);
        return new CameraTrajectory(Enumerable.Range(0, t.Frames).Select(i => new CameraPose(t.CameraRotations[i], Vec3.Zero)).ToArray(),
            null, $"trajectory {preset.ToLabel()} {speed:G4}{(preset.IsZoom() ? "x" : "°")}/frame", t.FocalScales);
    }
}
