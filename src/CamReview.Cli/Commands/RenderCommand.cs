using System.CommandLine;
using CamReview.Core;
using CamReview.Pipeline.Analyze;
using CamReview.Pipeline.Render;

namespace CamReview.Cli.Commands;

/// <summary><c>camreview render</c>: put a reference clip's camera move (or a preset trajectory) onto a target image.</summary>
internal static class RenderCommand
{
    public const int DefaultTrajectoryFrames = 49;
    public const double DefaultRotationSpeed = 0.5;   // degrees per frame
    public const double DefaultZoomSpeed = 1.01;      // scale factor per frame

    public static Command Create()
    {
        var reference = new Option<string>("--reference") { Description = "Reference video whose camera motion is transferred." };
        var trajectory = new Option<string>("--trajectory") { Description = $"A preset camera move instead of a reference: {string.Join(", ", TrajectoryPresetLabels.All)}." };
        var target = new Option<string>("--target") { Description = "The target image the motion is put onto.", Required = true };
        var method = CommonOptions.Choice("--method", "Renderer.", "homography", "homography");
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
            reference, trajectory, target, method, output, pngDir, frames, fps, speed, border, size, width, height, json,
        };
        command.Validators.Add(result =>
        {
            var hasReference = result.GetResult(reference) is not null;
            var hasTrajectory = result.GetResult(trajectory) is not null;
            if (hasReference == hasTrajectory) result.AddError("give exactly one of --reference and --trajectory");
            if ((result.GetResult(width) is null) != (result.GetResult(height) is null)) result.AddError("give --width and --height together");
            if (hasReference && result.GetResult(speed) is not null) result.AddError("--speed applies to --trajectory only");
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
            var renderer = new HomographyTransferRenderer();
            RenderResult result;
            try
            {
                if (parse.GetValue(reference) is { } referencePath)
                {
                    var analysis = new ClipAnalyzer().Analyze(referencePath, cancellationToken: ct);
                    var motion = MotionSource.FromNormalizedConsecutive([.. analysis.Pairs.Select(p => p.Ok ? p.Hn : null)],
                        analysis.Source.Fps > 0 ? analysis.Source.Fps : MotionSource.DefaultTrajectoryFps,
                        analysis.Source.Width, analysis.Source.Height);
                    result = await renderer.RenderAsync(motion, options with { Frames = parse.GetValue(frames) }, ct);
                }
                else
                {
                    if (!TrajectoryPresetLabels.TryParse(parse.GetValue(trajectory), out var preset))
                        throw new CliException($"unknown trajectory '{parse.GetValue(trajectory)}': use one of {string.Join(", ", TrajectoryPresetLabels.All)}");
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
}
