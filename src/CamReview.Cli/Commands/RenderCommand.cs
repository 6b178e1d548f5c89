using System.CommandLine;
using CamReview.Core;
using CamReview.Pipeline.Analyze;
using CamReview.Pipeline.Depth;
using CamReview.Pipeline.Render;

namespace CamReview.Cli.Commands;

/// <summary><c>camreview render</c>: put a reference clip's camera move (or a preset trajectory) onto a target image.</summary>
internal static class RenderCommand
{
    public const int DefaultTrajectoryFrames = 49;
    public const double DefaultRotationSpeed = 0.5;   // degrees per frame
    public const double DefaultZoomSpeed = 1.01;      // scale factor per frame
    public const string DepthModelVariable = "CAMREVIEW_DEPTH_MODEL";

    public static Command Create()
    {
        var reference = new Option<string>("--reference") { Description = "Reference video whose camera motion is transferred." };
        var trajectory = new Option<string>("--trajectory") { Description = $"A preset camera move instead of a reference: {string.Join(", ", TrajectoryPresetLabels.All)}; with --method parallax also {string.Join(", ", CameraMovePresets.All)}, or a trajectory JSON file." };
        var target = new Option<string>("--target") { Description = "The target image the motion is put onto.", Required = true };
        var method = CommonOptions.Choice("--method", "Renderer: homography transfer, or parallax (depth-based, forward-splatted).", "homography", "homography", "parallax");
        var depthMap = new Option<string>("--depth") { Description = "Parallax: depth (or disparity) map of the target, 8- or 16-bit PNG; 0 = unknown." };
        var depthKind = CommonOptions.Choice("--depth-kind", "How --depth values are read: depth Z (bright = far), or disparity d with Z = 1/d (bright = near; also for inverse-depth PNGs such as Depth-Anything/MiDaS exports). 0 = unknown.", "depth", "depth", "disparity");
        var depthModel = new Option<string>("--depth-model") { Description = $"Parallax: ONNX relative-inverse-depth model (Depth-Anything/MiDaS style) used when no --depth is given (default: ${DepthModelVariable}). Without either, planar depth." };
        var output = new Option<string>("--out") { Description = "Output MP4 (H.264, yuv420p, faststart).", Required = true };
        var pngDir = new Option<string>("--png-dir") { Description = "Also write lossless PNG frames frame_0000.png ... into this folder." };
        var frames = CommonOptions.Frames($"Reference: render this many frames sampled uniformly (default all). Trajectory: its length (default {DefaultTrajectoryFrames}).");
        var fps = new Option<double?>("--fps") { Description = "Output frame rate (default: the reference's, or 24 for a trajectory)." };
        var speed = new Option<double?>("--speed") { Description = $"Trajectory speed: degrees per frame for pan/tilt/roll (default {DefaultRotationSpeed}), scale per frame for zoom (default {DefaultZoomSpeed})." };
        var border = CommonOptions.Choice("--border", "What fills regions the target does not cover.", "black", [.. BorderPolicyLabels.All]);
        var size = CommonOptions.Choice("--size", "Output size when --width/--height are not given.", "target", "target", "reference");
        var width = new Option<int?>("--width") { Description = "Output width (even)." };
        var height = new Option<int?>("--height") { Description = "Output height (even)." };
        var json = CommonOptions.Json();
        var command = new Command("render", "Render a target image moved by a reference clip's camera motion or a preset trajectory.")
        {
            reference, trajectory, target, method, depthMap, depthKind, depthModel, output, pngDir, frames, fps, speed, border, size, width, height, json,
        };
        command.Validators.Add(result =>
        {
            var hasReference = result.GetResult(reference) is not null;
            var hasTrajectory = result.GetResult(trajectory) is not null;
            if (hasReference == hasTrajectory) result.AddError("give exactly one of --reference and --trajectory");
            if ((result.GetResult(width) is null) != (result.GetResult(height) is null)) result.AddError("give --width and --height together");
            if (hasReference && result.GetResult(speed) is not null) result.AddError("--speed applies to --trajectory only");
            bool parallax = string.Equals(result.GetValue(method), "parallax", StringComparison.OrdinalIgnoreCase);
            if (!parallax && (result.GetResult(depthMap) is not null || result.GetResult(depthModel) is not null || result.GetResult(depthKind) is { Implicit: false }))
                result.AddError("--depth, --depth-kind and --depth-model apply to --method parallax only");
            if (result.GetResult(depthMap) is not null && result.GetResult(depthModel) is not null) result.AddError("give --depth or --depth-model, not both");
        });
        command.SetAction(async (parse, ct) =>
        {
            BorderPolicyLabels.TryParse(parse.GetValue(border), out var borderPolicy);
            var options = new HomographyRenderOptions
            {
                TargetPath = parse.GetValue(target)!,
                OutputPath = parse.GetValue(output)!,
                PngDirectory = parse.GetValue(pngDir),
                Width = parse.GetValue(width),
                Height = parse.GetValue(height),
                SizeMode = parse.GetValue(size) == "reference" ? OutputSizeMode.Reference : OutputSizeMode.Target,
                Fps = parse.GetValue(fps),
                Border = borderPolicy,
            };
            MediaInput.RequireFile(options.TargetPath, "Target image");
            if (string.Equals(parse.GetValue(method), "parallax", StringComparison.OrdinalIgnoreCase))
                return await RunParallaxAsync(parse, options, reference, trajectory, depthMap, depthKind, depthModel, frames, speed, json, ct);
            var renderer = new HomographyTransferRenderer();
            RenderResult result;
            try
            {
                if (parse.GetValue(reference) is { } referencePath)
                {
                    // Homography transfer needs the homographies only, not the camera path.
                    var analysis = new ClipAnalyzer(new AnalysisOptions { CameraPath = false }).Analyze(referencePath, cancellationToken: ct);
                    var motion = MotionSource.FromNormalizedConsecutive([.. analysis.Pairs.Select(p => p.Ok ? p.Hn : null)],
                        analysis.Source.Fps > 0 ? analysis.Source.Fps : MotionSource.DefaultTrajectoryFps,
                        analysis.Source.Width, analysis.Source.Height);
                    result = await renderer.RenderAsync(motion, options with { Frames = parse.GetValue(frames) }, ct);
                }
                else
                {
                    if (!TrajectoryPresetLabels.TryParse(parse.GetValue(trajectory), out var preset))
                    {
                        if (CameraMovePresets.TryParse(parse.GetValue(trajectory), out _) || IsTrajectoryFile(parse.GetValue(trajectory)))
                            throw new CliException($"trajectory '{parse.GetValue(trajectory)}' moves the camera: use --method parallax");
                        throw new CliException($"unknown trajectory '{parse.GetValue(trajectory)}': use one of {string.Join(", ", TrajectoryPresetLabels.All)}");
                    }
                    var presetSpeed = parse.GetValue(speed) ?? (preset.IsZoom() ? DefaultZoomSpeed : DefaultRotationSpeed);
                    result = await renderer.RenderPresetAsync(preset, presetSpeed, parse.GetValue(frames) ?? DefaultTrajectoryFrames, options, cancellationToken: ct);
                }
            }
            catch (InvalidOperationException e)
            {
                // The renderer refuses motions it cannot honour (e.g. a safe crop beyond its zoom limit).
                throw new CliException(e.Message);
            }
            if (parse.GetValue(json)) JsonOutput.Write(result);
            else
            {
                Console.WriteLine($"{result.OutputPath}: {result.Frames} frames {result.Width}x{result.Height} at {result.Fps:0.###} fps ({result.Motion}, border {result.Border.ToLabel()}{(result.SafeCropScale is { } s ? $", safe-crop zoom {s:0.###}" : "")})");
                if (result.HeldPairs > 0) Console.WriteLine($"held {result.HeldPairs} flagged reference pair(s) as no motion");
                Console.WriteLine($"{result.Timings.TotalSeconds:0.00} s on {result.Device}");
            }
            return 0;
        });
        return command;
    }

    private static bool IsTrajectoryFile(string? value) =>
        value is not null && (value.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || File.Exists(value));

    /// <summary><c>--method parallax</c>: depth from --depth, --depth-model/$CAMREVIEW_DEPTH_MODEL, else planar; motion from a preset or a trajectory file.</summary>
    private static async Task<int> RunParallaxAsync(ParseResult parse, HomographyRenderOptions options, Option<string> reference, Option<string> trajectory,
        Option<string> depthMap, Option<string> depthKind, Option<string> depthModel, Option<int?> frames, Option<double?> speed, Option<bool> json,
        CancellationToken ct)
    {
        var kind = string.Equals(parse.GetValue(depthKind), "disparity", StringComparison.OrdinalIgnoreCase) ? DepthKind.Disparity : DepthKind.Depth;
        DepthSource depth;
        if (parse.GetValue(depthMap) is { } mapPath)
        {
            MediaInput.RequireFile(mapPath, kind == DepthKind.Disparity ? "Disparity map" : "Depth map");
            depth = DepthSource.File(mapPath, kind);
        }
        else if ((parse.GetValue(depthModel) ?? NullIfEmpty(Environment.GetEnvironmentVariable(DepthModelVariable))) is { } modelPath)
        {
            MediaInput.RequireFile(modelPath, "Depth model");
            depth = DepthSource.Model(modelPath);
        }
        else depth = DepthSource.Planar;

        var renderer = new ParallaxRenderer();
        if (parse.GetValue(reference) is { } referencePath)
        {
            // ParaScale transfer: the reference's camera path (rotation, translation direction, parallax number per pair),
            // translation per frame = Pi_R,i x Zbar_target.
            var analysis = new ClipAnalyzer().Analyze(referencePath, cancellationToken: ct);
            var fps = options.Fps ?? (analysis.Source.Fps > 0 ? analysis.Source.Fps : MotionSource.DefaultTrajectoryFps);
            ParallaxRenderResult fromReference;
            try
            {
                fromReference = await renderer.RenderCameraPathAsync(analysis.ToPairCameraMotions(), depth,
                    options with { Frames = parse.GetValue(frames), Fps = fps }, referenceSize: (analysis.Source.Width, analysis.Source.Height), cancellationToken: ct);
            }
            catch (InvalidOperationException e)
            {
                throw new CliException(e.Message);
            }
            WriteParallax(fromReference, parse.GetValue(json));
            return 0;
        }
        string value = parse.GetValue(trajectory)!;
        int length = parse.GetValue(frames) ?? DefaultTrajectoryFrames;
        ParallaxRenderResult result;
        try
        {
            if (CameraMovePresets.TryParse(value, out var move))
            {
                result = await renderer.RenderPresetAsync(move, parse.GetValue(speed) ?? move.DefaultSpeed(), length, depth, options, cancellationToken: ct);
            }
            else if (TrajectoryPresetLabels.TryParse(value, out var preset))
            {
                var presetSpeed = parse.GetValue(speed) ?? (preset.IsZoom() ? DefaultZoomSpeed : DefaultRotationSpeed);
                // Rotation/zoom presets: only the aspect ratio matters for the intrinsics, so build them at the output size below.
                result = await renderer.RenderAsync(RotationPreset(preset, presetSpeed, length, options), depth, options, cancellationToken: ct);
            }
            else if (IsTrajectoryFile(value))
            {
                if (parse.GetValue(speed) is not null) throw new CliException("--speed does not apply to a trajectory file");
                MediaInput.RequireFile(value, "Trajectory file");
                CameraTrajectory file;
                try { file = CameraTrajectory.ParseJson(File.ReadAllText(value), $"trajectory {Path.GetFileName(value)}"); }
                catch (FormatException e) { throw new CliException($"{value}: {e.Message}"); }
                result = await renderer.RenderAsync(file, depth, options with { Frames = parse.GetValue(frames) }, cancellationToken: ct);
            }
            else
            {
                throw new CliException($"unknown trajectory '{value}': use one of {string.Join(", ", CameraMovePresets.All.Concat(TrajectoryPresetLabels.All))}, or a trajectory JSON file");
            }
        }
        catch (InvalidOperationException e)
        {
            throw new CliException(e.Message);
        }
        WriteParallax(result, parse.GetValue(json));
        return 0;
    }

    private static void WriteParallax(ParallaxRenderResult result, bool json)
    {
        if (json) JsonOutput.Write(result);
        else
        {
            var r = result.Render;
            Console.WriteLine($"{r.OutputPath}: {r.Frames} frames {r.Width}x{r.Height} at {r.Fps:0.###} fps ({r.Motion}, border {r.Border.ToLabel()}{(r.SafeCropScale is { } s ? $", safe-crop zoom {s:0.###}" : "")})");
            Console.WriteLine($"max parallax {result.MaxParallax:0.####}, disoccluded {result.DisoccludedFraction:P1}; depth on {result.DepthDevice}{(result.DepthProvider is { } p ? $" ({p})" : "")}" +
                              (result.DepthProviderFallbackReason is { } reason ? $"; CUDA not used: {reason}" : ""));
            if (r.HeldPairs > 0) Console.WriteLine($"held {r.HeldPairs} unusable reference pair(s) as no motion");
            Console.WriteLine($"{r.Timings.TotalSeconds:0.00} s on {r.Device}");
        }
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;

    /// <summary>A pan/tilt/roll/zoom preset as a 6-DoF trajectory (intrinsics left to the renderer's default for the output size).</summary>
    private static CameraTrajectory RotationPreset(TrajectoryPreset preset, double speed, int frames, HomographyRenderOptions options)
    {
        // The rotations and focal scales do not depend on the image size; any valid size gives the same poses.
        var t = TrajectoryPresets.Create(preset, 2, 2, speed, frames);
        return new CameraTrajectory(Enumerable.Range(0, t.Frames).Select(i => new CameraPose(t.CameraRotations[i], Vec3.Zero)).ToArray(),
            null, $"trajectory {preset.ToLabel()} {speed:G4}{(preset.IsZoom() ? "x" : "°")}/frame", t.FocalScales);
    }
}
