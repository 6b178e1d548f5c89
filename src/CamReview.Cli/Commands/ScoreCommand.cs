using System.CommandLine;
using CamReview.Core;
using CamReview.Pipeline.Score;

namespace CamReview.Cli.Commands;

/// <summary><c>camreview score --reference R --generated G</c>: CameraScore of a generated clip against its reference.</summary>
internal static class ScoreCommand
{
    public static Command Create()
    {
        var reference = new Option<string>("--reference") { Description = "The reference video (the camera move to follow).", Required = true };
        var generated = new Option<string>("--generated") { Description = "The generated video to score.", Required = true };
        var frames = CommonOptions.Frames("Sample both clips uniformly to this many frames (default: pair by pair, or the shorter clip's count).");
        var space = CommonOptions.Choice("--space", "Compare normalized (resolution independent) or pixel homographies.", "normalized", "normalized", "pixel");
        var (json, features, maxSide) = (CommonOptions.Json(), CommonOptions.Features(), CommonOptions.MaxSide());
        var command = new Command("score", "Score how well a generated clip follows a reference clip's camera motion (CameraScore, lower is better).")
        {
            reference, generated, frames, space, json, features, maxSide,
        };
        command.SetAction((parse, ct) =>
        {
            var options = new ScoreOptions
            {
                Frames = parse.GetValue(frames),
                Space = parse.GetValue(space)!.Equals("pixel", StringComparison.OrdinalIgnoreCase) ? HomographySpace.Pixel : HomographySpace.Normalized,
                Features = CommonOptions.ToFeatureKind(parse.GetValue(features)!),
                MaxSide = parse.GetValue(maxSide),
            };
            options.ToAnalysisOptions().Validate();
            var result = new ClipScorer().Score(parse.GetValue(reference)!, parse.GetValue(generated)!, options, ct);
            if (parse.GetValue(json))
            {
                JsonOutput.Write(result);
                return Task.FromResult(0);
            }
            Console.WriteLine(result.CameraScore is { } score
                ? $"CameraScore ({options.Space.ToString().ToLowerInvariant()}): {score:G6}"
                : $"CameraScore: not computed ({result.CameraScoreReason})");
            Console.WriteLine($"pairs: {result.PairsUsed} used of {result.PairCount}, {result.PairsFlagged} flagged; frames compared: {result.FramesCompared}");
            return Task.FromResult(0);
        });
        return command;
    }
}
