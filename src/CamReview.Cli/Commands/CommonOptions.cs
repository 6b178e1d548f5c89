using System.CommandLine;
using CamReview.Pipeline.Analyze;
using CamReview.Vision;

namespace CamReview.Cli.Commands;

/// <summary>Options several commands share, spelled and validated the same way everywhere.</summary>
internal static class CommonOptions
{
    public static Option<bool> Json() => new("--json") { Description = "Print one JSON object on stdout." };

    public static Option<string> Features() => Choice("--features", "Feature detector: orb (fast) or sift (slower, more robust).", "orb", "orb", "sift");

    public static Option<string> Method() => Choice("--method", "Robust homography fit: magsac (MAGSAC++) or ransac.", "magsac", "magsac", "ransac");

    public static Option<int> MaxSide() => new("--max-side")
    {
        Description = $"Analyse frames shrunk to this longest side in pixels, 0 = original size (default {AnalysisOptions.DefaultMaxSide}).",
        DefaultValueFactory = _ => AnalysisOptions.DefaultMaxSide,
    };

    public static Option<double?> Fov() => new("--fov") { Description = "The camera's horizontal field of view in degrees (default: 60, or --focal)." };

    public static Option<double?> Focal() => new("--focal") { Description = "The camera's focal length in pixels of the original frames (overrides --fov)." };

    public static Option<int?> Frames(string description) => new("--frames") { Description = description };

    public static Option<string> Choice(string name, string description, string defaultValue, params string[] values)
    {
        var option = new Option<string>(name) { Description = $"{description} [{string.Join('|', values)}]", DefaultValueFactory = _ => defaultValue };
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<string>();
            if (!values.Contains(value, StringComparer.OrdinalIgnoreCase))
                result.AddError($"{name} must be one of {string.Join(", ", values)} (got '{value}')");
        });
        return option;
    }

    public static FeatureKind ToFeatureKind(string value) => value.Equals("sift", StringComparison.OrdinalIgnoreCase) ? FeatureKind.Sift : FeatureKind.Orb;

    public static HomographyMethod ToMethod(string value) => value.Equals("ransac", StringComparison.OrdinalIgnoreCase) ? HomographyMethod.Ransac : HomographyMethod.Magsac;

    /// <summary>The analysis settings the --features, --method and --max-side options describe.</summary>
    public static AnalysisOptions Analysis(ParseResult parse, Option<string> features, Option<string> method, Option<int> maxSide) => new()
    {
        Features = ToFeatureKind(parse.GetValue(features)!),
        Method = ToMethod(parse.GetValue(method)!),
        MaxSide = parse.GetValue(maxSide),
    };
}
