using System.CommandLine;
using CamReview.Pipeline.Analyze;

namespace CamReview.Cli.Commands;

/// <summary><c>camreview homography A B</c>: the homography mapping image A's pixels into image B.</summary>
internal static class HomographyCommand
{
    public static Command Create()
    {
        var a = new Argument<string>("A") { Description = "First image (its pixels are mapped)." };
        var b = new Argument<string>("B") { Description = "Second image." };
        var (json, features, method, maxSide) = (CommonOptions.Json(), CommonOptions.Features(), CommonOptions.Method(), CommonOptions.MaxSide());
        var noRefine = new Option<bool>("--no-refine")
        {
            Description = "Keep the feature fit at the analysis size: skip the full-size refinement (corners tracked into B warped by the fit, refitted).",
        };
        var command = new Command("homography", "Estimate the homography that maps A's pixels into B (h[2][2] = 1).") { a, b, json, features, method, maxSide, noRefine };
        command.SetAction(parse =>
        {
            var options = CommonOptions.Analysis(parse, features, method, maxSide);
            options.Validate();
            var result = new ClipAnalyzer(options).HomographyBetween(parse.GetValue(a)!, parse.GetValue(b)!, !parse.GetValue(noRefine));
            var refinement = result.Refinement is { } r
                ? new { r.Points, r.Inliers, medianResidualPx = r.MedianResidual, r.Rounds }
                : null;
            if (parse.GetValue(json))
            {
                JsonOutput.Write(new { h = result.H, result.Inliers, result.Matches, result.Ok, result.Reason, refinement });
                return 0;
            }
            if (result.H is not { } h)
            {
                Console.WriteLine($"no homography: {result.Reason} ({result.Matches} matches, {result.Inliers} inliers)");
                return 0;
            }
            Console.WriteLine($"{result.Inliers} inliers of {result.Matches} matches");
            Console.WriteLine(refinement is null
                ? "not refined at full size" + (parse.GetValue(noRefine) ? " (--no-refine)" : ": too few corners tracked reliably")
                : $"refined at full size: {refinement.Inliers} of {refinement.Points} tracked corners, median residual {refinement.medianResidualPx:F3} px");
            foreach (var row in h.ToJagged()) Console.WriteLine(string.Join("  ", row.Select(v => v.ToString("G8").PadLeft(16))));
            return 0;
        });
        return command;
    }
}
