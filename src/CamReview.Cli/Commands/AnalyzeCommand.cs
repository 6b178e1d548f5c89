using System.CommandLine;
using CamReview.Pipeline.Analyze;

namespace CamReview.Cli.Commands;

/// <summary><c>camreview analyze VIDEO</c>: per-pair homographies, flags, motion summary and class.</summary>
internal static class AnalyzeCommand
{
    public static Command Create()
    {
        var video = new Argument<string>("VIDEO") { Description = "Video file (MP4, MOV, AVI, MKV, WebM)." };
        var frames = CommonOptions.Frames("Analyse this many frames sampled uniformly (default: every frame).");
        var (json, features, method, maxSide) = (CommonOptions.Json(), CommonOptions.Features(), CommonOptions.Method(), CommonOptions.MaxSide());
        var allowTruncated = new Option<bool>("--allow-truncated") { Description = "Analyse what decodes of a truncated file instead of refusing it." };
        var (fov, focal) = (CommonOptions.Fov(), CommonOptions.Focal());
        var command = new Command("analyze", "Measure a clip's camera motion: homographies between consecutive frames, flags, motion class.")
        {
            video, frames, json, features, method, maxSide, allowTruncated, fov, focal,
        };
        command.SetAction((parse, ct) =>
        {
            var options = CommonOptions.Analysis(parse, features, method, maxSide) with
            {
                Frames = parse.GetValue(frames),
                AllowTruncated = parse.GetValue(allowTruncated),
                HorizontalFovDegrees = parse.GetValue(fov),
                FocalLengthPixels = parse.GetValue(focal),
            };
            options.Validate();
            var analysis = new ClipAnalyzer(options).Analyze(parse.GetValue(video)!, cancellationToken: ct);
            if (parse.GetValue(json)) JsonOutput.Write(analysis);
            else Print(analysis);
            return Task.FromResult(0);
        });
        return command;
    }

    private static void Print(ClipAnalysis analysis)
    {
        var source = analysis.Source;
        Console.WriteLine($"{source.Path}: {source.Width}x{source.Height}, {source.Fps:0.###} fps, {source.FramesDecoded} frames decoded, {source.AnalysedFrames.Count} analysed at {source.AnalysisWidth}x{source.AnalysisHeight}");
        Console.WriteLine($"motion: {analysis.Motion.Class ?? "unknown"}{(analysis.Motion.Reason is { } r ? $" ({r})" : "")}");
        Console.WriteLine($"pairs: {analysis.Motion.PairsUsed} used, {analysis.Motion.PairsFlagged} flagged");
        foreach (var pair in analysis.Pairs.Where(p => !p.Ok))
            Console.WriteLine($"  flagged {pair.FromFrame}->{pair.ToFrame}: {pair.Reason}");
        foreach (var warning in source.Warnings) Console.WriteLine($"warning: {warning}");
    }
}
