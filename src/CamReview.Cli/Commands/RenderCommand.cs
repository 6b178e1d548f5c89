using System.CommandLine;
using System.CommandLine.Parsing;
using CamReview.Core;
using CamReview.Pipeline.Render;

namespace CamReview.Cli.Commands;

/// <summary><c>camreview render</c>: put a reference clip's camera move (or a preset trajectory) onto a target image.
/// The flags become a <see cref="RenderRequest"/> (checked and defaulted there, as for the portal's render jobs) and
/// <see cref="RenderService"/> renders it.</summary>
internal static class RenderCommand
{
    public const string DepthModelVariable = "CAMREVIEW_DEPTH_MODEL";

    /// <summary>The CLI reads trajectory files; frames are not capped.</summary>
    public static readonly RenderLimits Limits = new() { TrajectoryFiles = true };

    public static Command Create()
    {
        var reference = new Option<string>("--reference") { Description = "Reference video whose camera motion is transferred." };
        var trajectory = new Option<string>("--trajectory") { Description = $"A preset camera move instead of a reference: {string.Join(", ", TrajectoryPresetLabels.All)}; with --method parallax also {string.Join(", ", CameraMovePresets.All)}, or a trajectory JSON file." };
        var target = new Option<string>("--target") { Description = "The target image the motion is put onto.", Required = true };
        var method = CommonOptions.Choice("--method", "Renderer: homography transfer, or parallax (depth-based, forward-splatted).", RenderMethod.Homography.ToLabel(), [.. RenderMethodLabels.All]);
        var depthMap = new Option<string>("--depth") { Description = "Parallax: depth (or disparity) map of the target, 8- or 16-bit PNG; 0 = unknown." };
        var depthKind = CommonOptions.Choice("--depth-kind", "How --depth values are read: depth Z (bright = far), or disparity d with Z = 1/d (bright = near; also for inverse-depth PNGs such as Depth-Anything/MiDaS exports). 0 = unknown.", "depth", "depth", "disparity");
        var depthModel = new Option<string>("--depth-model") { Description = $"Parallax: ONNX relative-inverse-depth model (Depth-Anything/MiDaS style) used when no --depth is given (default: ${DepthModelVariable}). Without either, planar depth." };
        var output = new Option<string>("--out") { Description = "Output MP4 (H.264, yuv420p, faststart).", Required = true };
        var pngDir = new Option<string>("--png-dir") { Description = "Also write lossless PNG frames frame_0000.png ... into this folder." };
        var frames = CommonOptions.Frames($"Reference: render this many frames sampled uniformly (default all). Trajectory: its length (default {RenderRequest.DefaultPresetFrames}).");
        var fps = new Option<double?>("--fps") { Description = "Output frame rate (default: the reference's, or 24 for a trajectory)." };
        var speed = new Option<double?>("--speed") { Description = $"Trajectory speed: degrees per frame for pan/tilt/roll (default {RenderRequest.DefaultRotationSpeed}), scale per frame for zoom (default {RenderRequest.DefaultZoomSpeed})." };
        var border = CommonOptions.Choice("--border", "What fills regions the target does not cover.", "black", [.. BorderPolicyLabels.All]);
        var size = CommonOptions.Choice("--size", "Output size when --width/--height are not given.", "target", "target", "reference");
        var width = new Option<int?>("--width") { Description = "Output width (even)." };
        var height = new Option<int?>("--height") { Description = "Output height (even)." };
        var fov = new Option<double?>("--fov") { Description = "Horizontal field of view in degrees: the reference camera's (the output gets the same), or the output's for a preset or a trajectory without intrinsics (default 60)." };
        var focal = new Option<double?>("--focal") { Description = "Focal length in pixels of the reference's frames (the output gets the same field of view), or of the output's frames for a preset; instead of --fov." };
        var json = CommonOptions.Json();
        var command = new Command("render", "Render a target image moved by a reference clip's camera motion or a preset trajectory.")
        {
            reference, trajectory, target, method, depthMap, depthKind, depthModel, output, pngDir, frames, fps, speed, border, size, width, height, fov, focal, json,
        };
        // Which flags go together; what their values may be is the request's to check.
        command.Validators.Add(result =>
        {
            if ((result.GetResult(reference) is null) == (result.GetResult(trajectory) is null)) result.AddError("give exactly one of --reference and --trajectory");
            var parallax = RenderMethodLabels.TryParse(result.GetValue(method), out var m) && m == RenderMethod.Parallax;
            if (!parallax && (result.GetResult(depthMap) is not null || result.GetResult(depthModel) is not null))
                result.AddError("--depth and --depth-model apply to --method parallax only");
            if (result.GetResult(depthMap) is not null && result.GetResult(depthModel) is not null) result.AddError("give --depth or --depth-model, not both");
        });
        command.SetAction(async (parse, ct) =>
        {
            var request = ToRequest(parse);
            RenderOutcome outcome;
            try
            {
                outcome = await new RenderService().RenderAsync(request, cancellationToken: ct);
            }
            catch (InvalidOperationException e)
            {
                // The renderer refuses motions it cannot honour (e.g. a safe crop beyond its zoom limit).
                throw new CliException(e.Message);
            }
            if (parse.GetValue(json))
            {
                // The homography renderer's result as it is; the parallax renderer's with its depth and parallax report.
                if (outcome.Parallax is { } p) JsonOutput.Write(p);
                else JsonOutput.Write(outcome.Render);
            }
            else Describe(outcome);
            return 0;
        });
        return command;
    }

    /// <summary>The render the flags ask for: the flags become <see cref="RenderParameters"/> under the names a render job
    /// stores, so both are read by the same <see cref="RenderRequest.TryParse"/>; then the files are attached.</summary>
    internal static RenderRequest ToRequest(ParseResult parse)
    {
        var reference = parse.GetValue<string>("--reference");
        var parameters = new RenderParameters
        {
            Motion = reference is null ? parse.GetValue<string>("--trajectory") : RenderMotion.ReferenceLabel,
            Speed = parse.GetValue<double?>("--speed"),
            Frames = parse.GetValue<int?>("--frames"),
            Border = parse.GetValue<string>("--border"),
            // Only a given --depth-kind: its default is the request's too, and the request refuses it for homography.
            DepthKind = parse.GetResult("--depth-kind") is OptionResult { Implicit: false } ? parse.GetValue<string>("--depth-kind") : null,
            Width = parse.GetValue<int?>("--width"),
            Height = parse.GetValue<int?>("--height"),
            Size = parse.GetValue<string>("--size"),
            Fps = parse.GetValue<double?>("--fps"),
            Fov = parse.GetValue<double?>("--fov"),
            Focal = parse.GetValue<double?>("--focal"),
        };
        if (!RenderRequest.TryParse(parse.GetValue<string>("--method"), parameters, Limits, out var request, out var error)) throw new CliException(error);
        var depthMap = parse.GetValue<string>("--depth");
        return request with
        {
            ReferencePath = reference,
            TargetPath = parse.GetValue<string>("--target")!,
            OutputPath = parse.GetValue<string>("--out")!,
            PngDirectory = parse.GetValue<string>("--png-dir"),
            DepthPath = depthMap,
            DepthModelPath = request.Method == RenderMethod.Parallax && depthMap is null
                ? parse.GetValue<string>("--depth-model") ?? NullIfEmpty(Environment.GetEnvironmentVariable(DepthModelVariable))
                : null,
        };
    }

    private static void Describe(RenderOutcome outcome)
    {
        var r = outcome.Render;
        Console.WriteLine($"{r.OutputPath}: {r.Frames} frames {r.Width}x{r.Height} at {r.Fps:0.###} fps ({r.Motion}, border {r.Border.ToLabel()}{(r.SafeCropScale is { } s ? $", safe-crop zoom {s:0.###}" : "")})");
        if (outcome.Parallax is { } p)
            Console.WriteLine($"max parallax {p.MaxParallax:0.####}, disoccluded {p.DisoccludedFraction:P1}; depth on {p.DepthDevice}{(p.DepthProvider is { } provider ? $" ({provider})" : "")}" +
                              (p.DepthProviderFallbackReason is { } reason ? $"; CUDA not used: {reason}" : ""));
        if (r.HeldPairs > 0) Console.WriteLine($"held {r.HeldPairs} unusable reference pair(s) as no motion");
        Console.WriteLine($"{r.Timings.TotalSeconds:0.00} s on {r.Device}");
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrWhiteSpace(s) ? null : s;
}
