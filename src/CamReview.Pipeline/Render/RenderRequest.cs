using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using CamReview.Core;
using CamReview.Pipeline.Depth;

namespace CamReview.Pipeline.Render;

/// <summary>The built-in renderers.</summary>
public enum RenderMethod
{
    /// <summary>CamMimic's homography transfer: the target follows the camera move as a plane would.</summary>
    Homography,

    /// <summary>ParaScale-style parallax transfer: the target moves in 3-D with its depth.</summary>
    Parallax,
}

public static class RenderMethodLabels
{
    private static readonly (RenderMethod Method, string Label, string Description)[] Table =
    [
        (RenderMethod.Homography, "homography", "Homography transfer (CamMimic's baseline): the target follows the reference's camera move as a plane would."),
        (RenderMethod.Parallax, "parallax", "Parallax transfer (ParaScale-style): the target moves in 3-D with depth from the pair's depth map, a depth model, or planar."),
    ];

    public static IReadOnlyList<string> All { get; } = Table.Select(t => t.Label).ToArray();

    public static string ToLabel(this RenderMethod m) => Table.First(t => t.Method == m).Label;

    public static string Description(this RenderMethod m) => Table.First(t => t.Method == m).Description;

    /// <summary>Other names a renderer goes by (the methods its descriptions cite): "cammimic" for homography,
    /// "parascale" for parallax. Participant texts of a study with its outputs may not use them either.</summary>
    public static IReadOnlyList<string> Aliases(this RenderMethod m) => m switch
    {
        RenderMethod.Homography => ["CamMimic"],
        RenderMethod.Parallax => ["ParaScale"],
        _ => [],
    };

    public static bool TryParse(string? label, out RenderMethod method)
    {
        foreach (var (m, l, _) in Table)
        {
            if (string.Equals(l, label?.Trim(), StringComparison.OrdinalIgnoreCase)) { method = m; return true; }
        }
        method = default;
        return false;
    }
}

/// <summary>What moves the camera: the reference clip's move, a rotation/zoom preset, a 6-DoF camera move (parallax
/// only) or a trajectory JSON file (parallax only, where the caller allows files).</summary>
public enum RenderMotionKind { Reference, RotationPreset, CameraMove, TrajectoryFile }

/// <param name="Kind">Which kind of motion.</param>
/// <param name="Rotation">The preset, for <see cref="RenderMotionKind.RotationPreset"/>.</param>
/// <param name="Move">The camera move, for <see cref="RenderMotionKind.CameraMove"/>.</param>
/// <param name="TrajectoryFile">The file, for <see cref="RenderMotionKind.TrajectoryFile"/>.</param>
public sealed record RenderMotion(RenderMotionKind Kind, TrajectoryPreset Rotation = default, CameraMovePreset Move = default, string? TrajectoryFile = null)
{
    public const string ReferenceLabel = "reference";

    public static RenderMotion Reference { get; } = new(RenderMotionKind.Reference);

    public bool IsPreset => Kind is RenderMotionKind.RotationPreset or RenderMotionKind.CameraMove;

    /// <summary>How the motion is written in parameters: "reference", a preset's label, or the file's path.</summary>
    public string Label => Kind switch
    {
        RenderMotionKind.Reference => ReferenceLabel,
        RenderMotionKind.RotationPreset => Rotation.ToLabel(),
        RenderMotionKind.CameraMove => Move.ToLabel(),
        _ => TrajectoryFile!,
    };
}

/// <summary>A render's parameters as a user gives them: the JSON object a render job stores (and the API takes), or
/// the CLI's flags. Only <see cref="RenderRequest.TryParse"/> reads them.</summary>
public sealed record RenderParameters
{
    /// <summary>"reference", a preset (<see cref="RenderRequest.Presets"/>) or, where allowed, a trajectory JSON file.</summary>
    public string? Motion { get; init; }

    /// <summary>Presets: degrees per frame (pan/tilt/roll/arc), scale per frame (zoom), fraction of the median depth per
    /// frame (dolly/truck/pedestal).</summary>
    public double? Speed { get; init; }

    /// <summary>Output frames: presets default to <see cref="RenderRequest.DefaultPresetFrames"/>, a reference or a
    /// trajectory file to all of its frames (sampled uniformly when fewer).</summary>
    public int? Frames { get; init; }

    /// <summary>black (default), reflect, inpaint or safe-crop.</summary>
    public string? Border { get; init; }

    /// <summary>Parallax: how the depth map encodes depth, "depth" (default) or "disparity".</summary>
    public string? DepthKind { get; init; }

    /// <summary>Output size (both or neither; default from <see cref="Size"/>).</summary>
    public int? Width { get; init; }
    public int? Height { get; init; }

    /// <summary>"target" (default) or "reference": whose size the output has when no width and height are given.</summary>
    public string? Size { get; init; }

    /// <summary>Output frame rate (default the reference's, or 24 for presets).</summary>
    public double? Fps { get; init; }

    /// <summary>Horizontal field of view in degrees: of the reference's camera (the output gets the same), or of the
    /// output's for a preset or a trajectory without intrinsics. Default 60. Not with <see cref="Focal"/>.</summary>
    public double? Fov { get; init; }

    /// <summary>Focal length in pixels: of the reference's frames (the output gets the same field of view), or of the
    /// output's frames for a preset or a trajectory without intrinsics.</summary>
    public double? Focal { get; init; }
}

/// <summary>What the caller allows beyond the request itself.</summary>
public sealed record RenderLimits
{
    /// <summary>Largest number of output frames.</summary>
    public int MaxFrames { get; init; } = int.MaxValue;

    /// <summary>Whether a motion may name a trajectory file (the CLI: yes; the portal: no, a server path is not the user's).</summary>
    public bool TrajectoryFiles { get; init; }
}

/// <summary>
/// One render, typed and validated: the method, the motion with its speed, the output's frames, size, frame rate and
/// border policy, the depth encoding, and the files it reads and writes. The CLI and the portal's render jobs both
/// make it through <see cref="TryParse"/> (the portal also through <see cref="TryParseJson"/> for the API and
/// <see cref="TryParseJob"/> for a stored job row), and <see cref="RenderService"/> runs it.
/// </summary>
public sealed record RenderRequest
{
    public const int DefaultPresetFrames = 49;
    /// <summary>Pan, tilt and roll presets: degrees per frame.</summary>
    public const double DefaultRotationSpeed = 0.5;
    /// <summary>Zoom presets: scale per frame.</summary>
    public const double DefaultZoomSpeed = 1.01;

    /// <summary>Every preset name: the 6-DoF camera moves (parallax only), then the rotation/zoom presets.</summary>
    public static IReadOnlyList<string> Presets { get; } = [.. CameraMovePresets.All, .. TrajectoryPresetLabels.All];

    /// <summary>How parameters are written in JSON (camelCase, nulls left out) and read (unknown names refused).</summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public RenderMethod Method { get; init; }
    public RenderMotion Motion { get; init; } = RenderMotion.Reference;

    /// <summary>The preset's speed (its default filled in); null for a reference or a trajectory file.</summary>
    public double? Speed { get; init; }

    /// <summary>Output frames; null = all of the reference's or the trajectory file's.</summary>
    public int? Frames { get; init; }

    public BorderPolicy Border { get; init; } = BorderPolicy.Black;
    public DepthKind DepthKind { get; init; } = DepthKind.Depth;
    public int? Width { get; init; }
    public int? Height { get; init; }
    public OutputSizeMode Size { get; init; } = OutputSizeMode.Target;
    public double? Fps { get; init; }

    /// <summary>The lens given (<see cref="RenderParameters.Fov"/> or <see cref="RenderParameters.Focal"/>), or the
    /// default. It is the reference's when the motion comes from one, else the output's.</summary>
    public Lens Lens { get; init; }

    // The files: not part of the parameters (a job stores the parameters and finds its files through its pair).

    /// <summary>The reference clip, for <see cref="RenderMotionKind.Reference"/>.</summary>
    public string? ReferencePath { get; init; }
    public string TargetPath { get; init; } = "";
    public string OutputPath { get; init; } = "";
    public string? PngDirectory { get; init; }

    /// <summary>Parallax: the target's depth (or disparity) map; without it the depth model, without that planar depth.</summary>
    public string? DepthPath { get; init; }
    public string? DepthModelPath { get; init; }

    /// <summary>How the output is named: "homography (black)", "parallax dolly-in 0.005×Z/f (inpaint)".</summary>
    public string Label
    {
        get
        {
            var border = Border.ToLabel();
            var method = Method.ToLabel();
            return Motion.Kind switch
            {
                RenderMotionKind.RotationPreset => string.Create(CultureInfo.InvariantCulture,
                    $"{method} {Motion.Rotation.ToLabel()} {Speed:G4}{(Motion.Rotation.IsZoom() ? "x" : "°")}/f ({border})"),
                RenderMotionKind.CameraMove => string.Create(CultureInfo.InvariantCulture,
                    $"{method} {Motion.Move.ToLabel()} {Speed:G4}{(Motion.Move.IsArc() ? "°" : "×Z")}/f ({border})"),
                RenderMotionKind.TrajectoryFile => $"{method} {Path.GetFileName(Motion.TrajectoryFile)} ({border})",
                _ => $"{method} ({border})",
            };
        }
    }

    /// <summary>The parameters as a job stores them: motion, speed, frames and border with their defaults filled in;
    /// depth kind and size only when not the default (the shape job rows have always had).</summary>
    public RenderParameters ToParameters() => new()
    {
        Motion = Motion.Label, Speed = Speed, Frames = Frames, Border = Border.ToLabel(),
        DepthKind = DepthKind == DepthKind.Disparity ? "disparity" : null,
        Width = Width, Height = Height, Size = Size == OutputSizeMode.Reference ? "reference" : null, Fps = Fps,
        Fov = Lens.HorizontalFovDegrees, Focal = Lens.FocalLengthPixels,
    };

    /// <summary>A render job's stored parameters: <c>{"method": "...", "parameters": {...}}</c>.</summary>
    public string ToJobJson() => JsonSerializer.Serialize(new StoredRender(Method.ToLabel(), ToParameters()), Json);

    private sealed record StoredRender(string? Method, RenderParameters? Parameters);

    /// <summary>A stored render job's parameters (<see cref="ToJobJson"/>; also rows written before this type existed,
    /// which have the same shape).</summary>
    public static bool TryParseJob(string json, RenderLimits limits, [NotNullWhen(true)] out RenderRequest? request, [NotNullWhen(false)] out string? error)
    {
        request = null;
        StoredRender? stored;
        try
        {
            stored = JsonSerializer.Deserialize<StoredRender>(json, Json);
        }
        catch (JsonException e)
        {
            error = $"The job's render parameters are not valid: {e.Message}";
            return false;
        }
        if (stored is null)
        {
            error = "The job has no render parameters.";
            return false;
        }
        return TryParse(stored.Method, stored.Parameters ?? new RenderParameters(), limits, out request, out error);
    }

    /// <summary>Parameters given as JSON (the portal's API): an object, or nothing for all defaults.</summary>
    public static bool TryParseJson(string? method, JsonElement? parameters, RenderLimits limits,
        [NotNullWhen(true)] out RenderRequest? request, [NotNullWhen(false)] out string? error)
    {
        request = null;
        if (parameters is { ValueKind: not (JsonValueKind.Object or JsonValueKind.Null or JsonValueKind.Undefined) })
        {
            error = "The parameters must be a JSON object.";
            return false;
        }
        RenderParameters p;
        try
        {
            p = parameters is { ValueKind: JsonValueKind.Object } json ? json.Deserialize<RenderParameters>(Json) ?? new() : new();
        }
        catch (JsonException e)
        {
            error = $"The parameters are not valid: {e.Message}";
            return false;
        }
        return TryParse(method, p, limits, out request, out error);
    }

    /// <summary>The one place a render's parameters are checked and their defaults filled in.</summary>
    public static bool TryParse(string? method, RenderParameters p, RenderLimits limits,
        [NotNullWhen(true)] out RenderRequest? request, [NotNullWhen(false)] out string? error)
    {
        request = null;
        error = Check(method, p, limits, out var parsed);
        request = parsed;
        return error is null;
    }

    private static string? Check(string? methodLabel, RenderParameters p, RenderLimits limits, out RenderRequest? request)
    {
        request = null;
        if (!RenderMethodLabels.TryParse(methodLabel, out var method))
            return $"Choose a render method: {string.Join(", ", RenderMethodLabels.All)}.";
        var parallax = method == RenderMethod.Parallax;

        var motionText = (p.Motion ?? RenderMotion.ReferenceLabel).Trim();
        var motionKey = motionText.ToLowerInvariant();
        RenderMotion motion;
        if (motionKey == RenderMotion.ReferenceLabel) motion = RenderMotion.Reference;
        else if (TrajectoryPresetLabels.TryParse(motionKey, out var rotation)) motion = new(RenderMotionKind.RotationPreset, Rotation: rotation);
        else if (CameraMovePresets.TryParse(motionKey, out var move)) motion = new(RenderMotionKind.CameraMove, Move: move);
        else if (limits.TrajectoryFiles && IsTrajectoryFile(motionText)) motion = new(RenderMotionKind.TrajectoryFile, TrajectoryFile: motionText);
        else
        {
            var presets = parallax ? Presets : TrajectoryPresetLabels.All;
            return $"motion must be \"reference\" or a preset: {string.Join(", ", presets)}{(limits.TrajectoryFiles && parallax ? ", or a trajectory JSON file" : "")}.";
        }
        if (!parallax && motion.Kind is RenderMotionKind.CameraMove or RenderMotionKind.TrajectoryFile)
            return $"motion \"{motionText}\" moves the camera: use the parallax method.";

        var border = BorderPolicy.Black;
        if (p.Border is not null && !BorderPolicyLabels.TryParse(p.Border, out border))
            return $"border must be one of {string.Join(", ", BorderPolicyLabels.All)}.";

        var depthKind = DepthKind.Depth;
        if (p.DepthKind is { } kindText)
        {
            if (!parallax) return "depthKind applies to the parallax method only.";
            switch (kindText.Trim().ToLowerInvariant())
            {
                case "depth": break;
                case "disparity": depthKind = DepthKind.Disparity; break;
                default: return "depthKind must be \"depth\" or \"disparity\".";
            }
        }

        if (SpeedError(motion, p.Speed, out var speed) is { } speedError) return speedError;

        var frames = p.Frames ?? (motion.IsPreset ? DefaultPresetFrames : null);
        if (frames is { } n && (n < 2 || n > limits.MaxFrames))
            return limits.MaxFrames == int.MaxValue ? "frames must be at least 2." : $"frames must be between 2 and {limits.MaxFrames}.";
        if ((p.Width is null) != (p.Height is null)) return "Give both width and height, or neither.";
        if (p.Width is { } w && (w < 16 || w > 3840 || p.Height < 16 || p.Height > 2160)) return "width and height must be between 16x16 and 3840x2160.";
        if (p.Fps is { } f && !(f is > 0 and <= 120)) return "fps must be above 0 and at most 120.";
        var lens = new Lens(p.Fov, p.Focal);
        if (lens.Problem() is { } lensProblem) return $"fov/focal: {lensProblem}.";

        var size = OutputSizeMode.Target;
        switch (p.Size?.Trim().ToLowerInvariant())
        {
            case null or "target": break;
            case "reference":
                if (motion.Kind != RenderMotionKind.Reference && p.Width is null)
                    return "size \"reference\" needs a reference clip; give width and height for a preset or trajectory.";
                size = OutputSizeMode.Reference;
                break;
            default: return "size must be \"target\" or \"reference\".";
        }

        request = new RenderRequest
        {
            Method = method, Motion = motion, Speed = speed, Frames = frames, Border = border, DepthKind = depthKind,
            Width = p.Width, Height = p.Height, Size = size, Fps = p.Fps, Lens = lens,
        };
        return null;
    }

    /// <summary>A preset's speed (its default when not given), or why it is refused. A rotation speed of 0 is allowed:
    /// it renders a still camera, the control clip of a motion test.</summary>
    private static string? SpeedError(RenderMotion motion, double? given, out double? speed)
    {
        speed = null;
        switch (motion.Kind)
        {
            case RenderMotionKind.RotationPreset when motion.Rotation.IsZoom():
                speed = given ?? DefaultZoomSpeed;
                return speed is >= 0.8 and <= 1.25 && speed != 1 ? null : "A zoom's speed is a scale per frame between 0.8 and 1.25 (not 1).";
            case RenderMotionKind.RotationPreset:
                speed = given ?? DefaultRotationSpeed;
                return speed is >= 0 and <= 10 ? null : "A pan, tilt or roll's speed is in degrees per frame, from 0 to 10.";
            case RenderMotionKind.CameraMove when motion.Move.IsArc():
                speed = given ?? motion.Move.DefaultSpeed();
                return speed is > 0 and <= 10 ? null : "An arc's speed is in degrees per frame, above 0 and at most 10.";
            case RenderMotionKind.CameraMove:
                speed = given ?? motion.Move.DefaultSpeed();
                return speed is > 0 and <= 0.1 ? null : "A dolly, truck or pedestal's speed is a fraction of the median depth per frame, above 0 and at most 0.1.";
            default:
                return given is null ? null : "speed applies to presets only (the reference or the trajectory file sets its own speed).";
        }
    }

    private static bool IsTrajectoryFile(string value) =>
        value.EndsWith(".json", StringComparison.OrdinalIgnoreCase) || File.Exists(value);
}
