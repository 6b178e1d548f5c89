using System.CommandLine;
using System.Globalization;
using CamReview.Core;
using CamReview.Core.Statistics;
using CamReview.Pipeline.Score;

namespace CamReview.Cli.Commands;

/// <summary>
/// <c>camreview score --reference R --generated G [--target T] [--encoder MODEL.onnx]</c>: CameraScore of a generated
/// clip against its reference, plus the scene metrics of the generated clip (scene similarity to the target image,
/// flicker, subject consistency with a learned encoder).
/// </summary>
internal static class ScoreCommand
{
    public static Command Create()
    {
        var reference = new Option<string>("--reference") { Description = "The reference video (the camera move to follow).", Required = true };
        var generated = new Option<string>("--generated") { Description = "The generated video to score.", Required = true };
        var frames = CommonOptions.Frames("Sample both clips uniformly to this many frames (default: pair by pair, or the shorter clip's count).");
        var space = CommonOptions.Choice("--space", "Compare normalized (resolution independent) or pixel homographies.", "normalized", "normalized", "pixel");
        var (json, features, maxSide) = (CommonOptions.Json(), CommonOptions.Features(), CommonOptions.MaxSide());
        var (fov, focal) = (CommonOptions.Fov(), new Option<double?>("--focal") { Description = "The reference camera's focal length in pixels of the reference's frames (overrides --fov); the generated clip gets the same field of view." });
        var target = new Option<string>("--target") { Description = "The target image the clip was made from: enables sceneSimilarity." };
        var encoder = new Option<string>("--encoder")
        {
            Description = $"ONNX image encoder for sceneSimilarity and subjectConsistency (e.g. a DINO/DINOv2 export; default: " +
                          $"${SceneMetricsOptions.EncoderVariable}, else a classical colour/gradient-histogram fallback, labelled as such).",
        };
        var encoderOutput = new Option<string>("--encoder-output") { Description = "Encoder output holding the embedding (default: the first [1,D] or [1,T,D] output; token 0 of [1,T,D])." };
        var encoderFrames = new Option<int>("--encoder-frames")
        {
            Description = $"Encode at most this many frames of the generated clip, sampled uniformly (default {SceneMetricsOptions.DefaultMaxEncodedFrames}).",
            DefaultValueFactory = _ => SceneMetricsOptions.DefaultMaxEncodedFrames,
        };
        encoderFrames.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 2) r.AddError("--encoder-frames must be at least 2");
        });
        var metrics = CommonOptions.Choice("--metrics",
            $"all: {string.Join(", ", MetricCatalogue.All.Select(m => m.Key))}; camera-score: {MetricCatalogue.CameraScore.Key} only (no camera path, no extra decode; about half the time).",
            "all", "all", "camera-score");
        var command = new Command("score", "Score how well a generated clip follows a reference clip's camera motion (CameraScore, lower is better), " +
                                           "and the generated clip's scene preservation and temporal stability.")
        {
            reference, generated, frames, space, json, features, maxSide, fov, focal, target, encoder, encoderOutput, encoderFrames, metrics,
        };
        command.SetAction((parse, ct) =>
        {
            string? encoderPath = parse.GetValue(encoder);
            if (string.IsNullOrWhiteSpace(encoderPath)) encoderPath = Environment.GetEnvironmentVariable(SceneMetricsOptions.EncoderVariable);
            var options = new ScoreOptions
            {
                Frames = parse.GetValue(frames),
                Space = parse.GetValue(space)!.Equals("pixel", StringComparison.OrdinalIgnoreCase) ? HomographySpace.Pixel : HomographySpace.Normalized,
                Features = CommonOptions.ToFeatureKind(parse.GetValue(features)!),
                MaxSide = parse.GetValue(maxSide),
                HorizontalFovDegrees = parse.GetValue(fov),
                FocalLengthPixels = parse.GetValue(focal),
                Scene = new SceneMetricsOptions
                {
                    TargetPath = parse.GetValue(target),
                    EncoderPath = string.IsNullOrWhiteSpace(encoderPath) ? null : encoderPath,
                    EncoderOutput = parse.GetValue(encoderOutput),
                    MaxEncodedFrames = parse.GetValue(encoderFrames),
                },
            };
            if (parse.GetValue(metrics) == "camera-score")
                options = options with { Scene = null, Analysis = options.ToAnalysisOptions() with { CameraPath = false } };
            options.ToAnalysisOptions().Validate();
            var result = new ClipScorer().Score(parse.GetValue(reference)!, parse.GetValue(generated)!, options, ct);
            if (parse.GetValue(json))
            {
                JsonOutput.Write(result);
                return Task.FromResult(0);
            }
            Console.WriteLine(result.CameraScore is { } score
                ? $"{MetricCatalogue.CameraScore.Label} ({options.Space.ToString().ToLowerInvariant()}): {score:G6}{Interval(result.CameraScoreInterval, "G4")}"
                : NotComputed(MetricCatalogue.CameraScore, result.CameraScoreReason));
            Console.WriteLine($"pairs: {result.PairsUsed} used of {result.PairCount}, {result.PairsFlagged} flagged; frames compared: {result.FramesCompared}");
            if (result.TimeBase is { } timing)
                Console.WriteLine(timing.Warning is { } mismatch ? $"time base: {mismatch}"
                    : $"time base: both {timing.Reference.DurationSeconds:F2} s at {timing.Reference.FrameRate:0.##} fps");
            if (options.ToAnalysisOptions().CameraPath)
            {
                Console.WriteLine(result.Pce is { } pce ? $"{MetricCatalogue.Pce.Label}: {pce:F4}{Interval(result.PceInterval, "F4")} over {result.PcePairsUsed} pairs" : NotComputed(MetricCatalogue.Pce, result.PceReason));
                string deleted = result.PathPairsExcluded.Count == 0 ? "" : $"; pairs {string.Join(", ", result.PathPairsExcluded)} unusable on a side, deleted from both paths";
                Console.WriteLine(result.RotErr is { } rot
                    ? $"{MetricCatalogue.RotErr.Label}: {rot.Degrees:F3}{MetricCatalogue.RotErr.Unit}{Interval(result.RotErrIntervalDegrees, "F3")} over {result.PathPairsUsed} pairs{deleted}; "
                      + $"{result.RotErrPerFrameDegrees:F4}{MetricCatalogue.RotErr.Unit}{Interval(result.RotErrPerFrameIntervalDegrees, "F4")} per frame"
                    : NotComputed(MetricCatalogue.RotErr, result.RotErrReason));
                Console.WriteLine(result.TransErr is { } trans
                    ? $"{MetricCatalogue.TransErr.Label}: {trans:F4}{Interval(result.TransErrInterval, "F4")}; {result.TransErrPerFrame:F5}{Interval(result.TransErrPerFrameInterval, "F5")} per frame" : NotComputed(MetricCatalogue.TransErr, result.TransErrReason));
            }
            if (result.SceneSimilarity is { } scene)
                Console.WriteLine(scene.Value is { } s
                    ? $"{MetricCatalogue.SceneSimilarity.Label} ({scene.Encoder}): {s:F4} over {scene.PerFrame.Count} frames"
                    : NotComputed(MetricCatalogue.SceneSimilarity, scene.Reason));
            if (result.Flicker is { } flicker)
                Console.WriteLine(flicker.Value is { } f
                    ? $"{MetricCatalogue.Flicker.Label} (temporal stability): {f:F4} (mean |frame difference| {flicker.MeanAbsDiff:F2} over {flicker.Pairs} pairs)"
                    : NotComputed(MetricCatalogue.Flicker, flicker.Reason));
            if (result.SubjectConsistency is { } consistency)
                Console.WriteLine(consistency.Value is { } c
                    ? $"{MetricCatalogue.SubjectConsistency.Label} ({consistency.Encoder}): {c:F4}"
                    : NotComputed(MetricCatalogue.SubjectConsistency, consistency.Reason));
            if (result.SceneEncoder is { Images: > 0 } info)
                Console.WriteLine($"scene encoder: {info.Kind} {info.Name} on {info.Provider} ({info.Device}), {info.PerImageMs:F1} ms/image" +
                                  (info.ProviderFallbackReason is { } reason ? $"; CUDA not used: {reason}" : "") +
                                  (info.Note is null ? "" : $"; {info.Note}"));
            return Task.FromResult(0);
        });
        return command;
    }

    /// <summary>" [low, high]" (the 95% interval), or nothing without one.</summary>
    private static string Interval(ConfidenceInterval? interval, string format) => interval is { } i
        ? string.Create(CultureInfo.InvariantCulture, $" [{i.Low.ToString(format, CultureInfo.InvariantCulture)}, {i.High.ToString(format, CultureInfo.InvariantCulture)}]") : "";

    private static string NotComputed(MetricDefinition metric, string? reason) => $"{metric.Label}: not computed ({reason})";
}
