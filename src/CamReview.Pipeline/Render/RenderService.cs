using System.Diagnostics;
using CamReview.Core;
using CamReview.Pipeline.Analyze;
using CamReview.Pipeline.Depth;

namespace CamReview.Pipeline.Render;

/// <summary>The steps of a render, in order. <see cref="Analyze"/> happens only for a reference motion.</summary>
public enum RenderStep { Analyze, Prepare, Render, Encode }

/// <param name="Step">What is happening.</param>
/// <param name="Done">Analyze: frame pairs analysed; Render: frames encoded.</param>
/// <param name="Total">Render: frames to render; 0 where unknown (analysis).</param>
public readonly record struct RenderStepProgress(RenderStep Step, int Done, int Total)
{
    public double Fraction => Total <= 0 ? 0 : (double)Done / Total;
}

/// <summary>How a render runs (not what it renders).</summary>
public sealed record RenderRunOptions
{
    /// <summary>Where the reference's analysis is looked up and kept (the portal's shared cache); null = analysed here.</summary>
    public IAnalysisCache? Cache { get; init; }

    /// <summary>Progress, reported synchronously from the working thread; keep it cheap.</summary>
    public IProgress<RenderStepProgress>? Progress { get; init; }
}

/// <param name="Request">What was rendered.</param>
/// <param name="Render">The video written.</param>
/// <param name="Parallax">The parallax renderer's own report (depth, parallax, disocclusion); null for homography.</param>
/// <param name="Device">Where it ran: "cpu", or "cpu; depth model (cuda, CUDAExecutionProvider)" for parallax.</param>
/// <param name="Timings">Seconds per stage (analyze, prepare, warp, encode, render, depthLoad, depthInference), and the
/// render's numbers the pair page shows beside them (safeCropScale, maxParallax, disoccluded).</param>
public sealed record RenderOutcome(
    RenderRequest Request, RenderResult Render, ParallaxRenderResult? Parallax, string Device, IReadOnlyDictionary<string, double> Timings);

/// <summary>Runs a <see cref="RenderRequest"/>: analyses the reference (when the motion comes from one), picks the
/// depth, renders with the method's renderer, encodes, and reports progress, device and timings. The CLI and the
/// portal's render jobs both render through it.</summary>
public sealed class RenderService
{
    public async Task<RenderOutcome> RenderAsync(RenderRequest request, RenderRunOptions? run = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        run ??= new RenderRunOptions();
        MediaInput.RequireFile(request.TargetPath, "Target image");
        if (string.IsNullOrWhiteSpace(request.OutputPath)) throw new ArgumentException("a render needs an output path", nameof(request));
        var timings = new Dictionary<string, double>();
        var options = new HomographyRenderOptions
        {
            TargetPath = request.TargetPath, OutputPath = request.OutputPath, PngDirectory = request.PngDirectory,
            Width = request.Width, Height = request.Height, SizeMode = request.Size, Fps = request.Fps, Border = request.Border,
            Progress = RendererProgress(run.Progress),
        };
        var analysis = request.Motion.Kind == RenderMotionKind.Reference ? await AnalyzeReferenceAsync(request, run, timings, cancellationToken) : null;

        RenderOutcome outcome;
        if (request.Method == RenderMethod.Homography)
        {
            var result = await RenderHomographyAsync(request, analysis, options, cancellationToken);
            outcome = new RenderOutcome(request, result, null, result.Device, timings);
        }
        else
        {
            var result = await RenderParallaxAsync(request, analysis, options, cancellationToken);
            timings["depthLoad"] = result.DepthLoadSeconds;
            timings["depthInference"] = result.DepthInferenceSeconds;
            timings["maxParallax"] = result.MaxParallax;
            timings["disoccluded"] = result.DisoccludedFraction;
            outcome = new RenderOutcome(request, result.Render, result, DeviceLabel(result), timings);
        }
        var t = outcome.Render.Timings;
        timings["prepare"] = t.PrepareSeconds;
        timings["warp"] = t.WarpSeconds;
        timings["encode"] = t.EncodeSeconds;
        timings["render"] = t.TotalSeconds;
        if (outcome.Render.SafeCropScale is { } s) timings["safeCropScale"] = s;
        return outcome;
    }

    private static async Task<ClipAnalysis> AnalyzeReferenceAsync(RenderRequest request, RenderRunOptions run, Dictionary<string, double> timings, CancellationToken ct)
    {
        var path = request.ReferencePath ?? throw new ArgumentException("a render of the reference's motion needs a reference clip", nameof(request));
        MediaInput.RequireFile(path, "Reference video");
        run.Progress?.Report(new RenderStepProgress(RenderStep.Analyze, 0, 0));
        var progress = run.Progress is { } report ? new SyncProgress<AnalysisProgress>(a => report.Report(new RenderStepProgress(RenderStep.Analyze, a.PairsDone, 0))) : null;
        var clock = Stopwatch.StartNew();
        ClipAnalysis analysis;
        if (run.Cache is { } cache)
        {
            // A shared cache holds the full analysis (scores need the camera path too), so one entry serves both.
            analysis = await Task.Run(() => cache.GetOrAnalyze(new ClipAnalyzer(LensOptions(request.Lens)), path, out _, progress, ct), ct);
        }
        else
        {
            // Homography transfer needs the homographies only, not the camera path.
            var analyzer = new ClipAnalyzer(LensOptions(request.Lens) with { CameraPath = request.Method == RenderMethod.Parallax });
            analysis = await Task.Run(() => analyzer.Analyze(path, progress, ct), ct);
        }
        timings["analyze"] = clock.Elapsed.TotalSeconds;
        return analysis;
    }

    /// <summary>The reference is analysed with the lens given for it (its camera path depends on it).</summary>
    private static AnalysisOptions LensOptions(Lens lens) =>
        new() { HorizontalFovDegrees = lens.HorizontalFovDegrees, FocalLengthPixels = lens.FocalLengthPixels };

    private static double ReferenceFps(ClipAnalysis analysis) =>
        analysis.Source.Fps is > 0 and < 1000 ? analysis.Source.Fps : MotionSource.DefaultTrajectoryFps;

    /// <summary>The requested frames, refused when the reference has fewer (never silently fewer frames).</summary>
    private static int? ReferenceFrames(RenderRequest request, int available)
    {
        if (request.Frames is { } n && n > available)
            throw new ArgumentException($"frames {n} is more than the reference's {available}", nameof(request));
        return request.Frames;
    }

    private static async Task<RenderResult> RenderHomographyAsync(RenderRequest request, ClipAnalysis? analysis, HomographyRenderOptions options, CancellationToken ct)
    {
        var renderer = new HomographyTransferRenderer();
        if (analysis is not null)
        {
            var motion = MotionSource.FromNormalizedConsecutive([.. analysis.Pairs.Select(p => p.Ok ? p.Hn : null)], ReferenceFps(analysis),
                analysis.Source.Width, analysis.Source.Height);
            return await renderer.RenderAsync(motion, options with { Frames = ReferenceFrames(request, motion.Frames) }, ct);
        }
        return await renderer.RenderPresetAsync(request.Motion.Rotation, request.Speed!.Value, request.Frames!.Value, options, request.Lens, ct);
    }

    private static async Task<ParallaxRenderResult> RenderParallaxAsync(RenderRequest request, ClipAnalysis? analysis, HomographyRenderOptions options, CancellationToken ct)
    {
        var depth = DepthFor(request);
        var renderer = new ParallaxRenderer();
        // The output's lens: the reference's field of view for a reference's move (a focal length is in its pixels),
        // else the lens given for the output.
        var settings = new ParallaxSettings
        {
            Lens = analysis is not null && request.Lens.IsGiven ? new Lens(request.Lens.HorizontalFovAt(analysis.Source.Width)) : request.Lens,
        };
        switch (request.Motion.Kind)
        {
            case RenderMotionKind.Reference:
                // ParaScale transfer: the reference's rotation and translation direction, translation per frame Pi_R,i x Zbar_target.
                var pairs = analysis!.ToPairCameraMotions();
                return await renderer.RenderCameraPathAsync(pairs, depth,
                    options with { Frames = ReferenceFrames(request, pairs.Count + 1), Fps = request.Fps ?? ReferenceFps(analysis) },
                    settings, (analysis.Source.Width, analysis.Source.Height), ct);
            case RenderMotionKind.CameraMove:
                return await renderer.RenderPresetAsync(request.Motion.Move, request.Speed!.Value, request.Frames!.Value, depth, options, settings, ct);
            case RenderMotionKind.RotationPreset:
                return await renderer.RenderAsync(RotationPreset(request.Motion.Rotation, request.Speed!.Value, request.Frames!.Value), depth, options,
                    settings, ct);
            default:
                var file = request.Motion.TrajectoryFile!;
                MediaInput.RequireFile(file, "Trajectory file");
                CameraTrajectory trajectory;
                try
                {
                    trajectory = CameraTrajectory.ParseJson(await File.ReadAllTextAsync(file, ct), $"trajectory {Path.GetFileName(file)}");
                }
                catch (FormatException e)
                {
                    throw new InvalidDataException($"{file}: {e.Message}", e);
                }
                return await renderer.RenderAsync(trajectory, depth, options with { Frames = request.Frames }, settings, ct);
        }
    }

    /// <summary>The request's depth map, else its depth model, else planar (which reduces to homography transfer).</summary>
    private static DepthSource DepthFor(RenderRequest request)
    {
        if (request.DepthPath is { } map)
        {
            MediaInput.RequireFile(map, request.DepthKind == DepthKind.Disparity ? "Disparity map" : "Depth map");
            return DepthSource.File(map, request.DepthKind);
        }
        if (request.DepthModelPath is { } model)
        {
            MediaInput.RequireFile(model, "Depth model");
            return DepthSource.Model(model);
        }
        return DepthSource.Planar;
    }

    /// <summary>A pan/tilt/roll/zoom preset as a 6-DoF trajectory. The rotations and focal scales do not depend on the
    /// image size, so any valid size gives the same poses; the renderer sets the intrinsics for the output.</summary>
    private static CameraTrajectory RotationPreset(TrajectoryPreset preset, double speed, int frames)
    {
        var t = TrajectoryPresets.Create(preset, 2, 2, speed, frames);
        return new CameraTrajectory(Enumerable.Range(0, t.Frames).Select(i => new CameraPose(t.CameraRotations[i], Vec3.Zero)).ToArray(),
            null, $"trajectory {preset.ToLabel()} {speed:G4}{(preset.IsZoom() ? "x" : "°")}/frame", t.FocalScales);
    }

    /// <summary>
    /// "cpu; depth file (cpu)", "cpu; depth model (cuda, CUDAExecutionProvider)", "cpu; depth planar", and for a model
    /// that was meant for CUDA but runs on the CPU, "cpu; depth model (cpu, CPUExecutionProvider; CUDA not used: reason)".
    /// </summary>
    private static string DeviceLabel(ParallaxRenderResult r) => r.DepthSource == "planar"
        ? $"{r.Render.Device}; depth planar"
        : $"{r.Render.Device}; depth {r.DepthSource} ({r.DepthDevice}{(r.DepthProvider is { } provider ? $", {provider}" : "")}" +
          $"{(r.DepthProviderFallbackReason is { } reason ? $"; CUDA not used: {reason}" : "")})";

    /// <summary>The renderer's stages as render steps.</summary>
    private static SyncProgress<RenderProgress>? RendererProgress(IProgress<RenderStepProgress>? report) => report is null ? null : new(r =>
    {
        switch (r.Stage)
        {
            case RenderStage.Prepare: report.Report(new RenderStepProgress(RenderStep.Prepare, 0, r.Total)); break;
            case RenderStage.Render: report.Report(new RenderStepProgress(RenderStep.Render, r.Done, r.Total)); break;
            case RenderStage.Finalize: report.Report(new RenderStepProgress(RenderStep.Encode, r.Total, r.Total)); break;
        }
    });
}

/// <summary>An <see cref="IProgress{T}"/> that calls back on the reporting thread (Progress&lt;T&gt; would post).</summary>
public sealed class SyncProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
