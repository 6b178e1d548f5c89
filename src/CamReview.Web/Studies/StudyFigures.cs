using CamReview.Core.Statistics;
using CamReview.Web.Components.Shared;

namespace CamReview.Web.Studies;

/// <summary>Plotly figures ({data, layout}) of a question's results, for the shared Plot component. Dictionaries, so
/// Plotly's own property names (error_y, colorscale) go out exactly as written. Method names go through
/// <see cref="PlotText"/>.</summary>
public static class StudyFigures
{
    private static Dictionary<string, object?> Figure(IEnumerable<object> data, Dictionary<string, object?> layout) =>
        new() { ["data"] = data.ToArray(), ["layout"] = layout };

    private static Dictionary<string, object?> Errors(IEnumerable<double> values, IEnumerable<ConfidenceInterval?> intervals)
    {
        var pairs = values.Zip(intervals).ToList();
        return new()
        {
            ["type"] = "data", ["symmetric"] = false, ["visible"] = true,
            ["array"] = pairs.Select(p => p.Second is { } ci ? ci.High - p.First : 0).ToArray(),
            ["arrayminus"] = pairs.Select(p => p.Second is { } ci ? p.First - ci.Low : 0).ToArray(),
        };
    }

    /// <summary>Bradley–Terry log-strengths with their bootstrap intervals, best first.</summary>
    public static object BradleyTerry(QuestionResult q)
    {
        var scores = q.BradleyTerry;
        return Figure(
            [new Dictionary<string, object?>
            {
                ["type"] = "bar", ["x"] = PlotText.Plain(scores.Select(s => s.Method)), ["y"] = scores.Select(s => s.Score).ToArray(),
                ["error_y"] = Errors(scores.Select(s => s.Score), scores.Select(s => s.Ci)), ["marker"] = new Dictionary<string, object?> { ["color"] = "#0d6efd" },
                ["hovertemplate"] = "%{x}: %{y:.3f}<extra></extra>",
            }],
            new() { ["yaxis"] = new Dictionary<string, object?> { ["title"] = new Dictionary<string, object?> { ["text"] = "Bradley-Terry score (log-strength)" }, ["zeroline"] = true } });
    }

    /// <summary>Win rate of A over B for every compared pair, with Wilson intervals; 0.5 marked.</summary>
    public static object WinRates(QuestionResult q)
    {
        var pairs = q.Pairs.Where(p => p.WinRateA is not null).ToList();
        return Figure(
            [new Dictionary<string, object?>
            {
                ["type"] = "bar", ["x"] = PlotText.Plain(pairs.Select(p => $"{p.A} vs {p.B}")), ["y"] = pairs.Select(p => p.WinRateA!.Value).ToArray(),
                ["error_y"] = Errors(pairs.Select(p => p.WinRateA!.Value), pairs.Select(p => p.WilsonA)),
                ["marker"] = new Dictionary<string, object?> { ["color"] = "#198754" }, ["hovertemplate"] = "%{x}: %{y:.3f}<extra></extra>",
            }],
            new()
            {
                ["yaxis"] = new Dictionary<string, object?> { ["title"] = new Dictionary<string, object?> { ["text"] = "win rate of the first method" }, ["range"] = new[] { 0.0, 1.0 } },
                ["shapes"] = new[] { new Dictionary<string, object?> { ["type"] = "line", ["xref"] = "paper", ["x0"] = 0, ["x1"] = 1, ["y0"] = 0.5, ["y1"] = 0.5, ["line"] = new Dictionary<string, object?> { ["dash"] = "dot", ["color"] = "#6c757d" } } },
            });
    }

    /// <summary>Best-of-N: the share of decisive trials in which each method was chosen, with Wilson intervals.</summary>
    public static object BestOfN(QuestionResult q)
    {
        var shares = q.BestOfN.Where(c => c.Share is not null).ToList();
        return Figure(
            [new Dictionary<string, object?>
            {
                ["type"] = "bar", ["x"] = PlotText.Plain(shares.Select(c => c.Method)), ["y"] = shares.Select(c => c.Share!.Value).ToArray(),
                ["error_y"] = Errors(shares.Select(c => c.Share!.Value), shares.Select(c => c.Wilson)),
                ["marker"] = new Dictionary<string, object?> { ["color"] = "#6f42c1" }, ["hovertemplate"] = "%{x}: %{y:.3f}<extra></extra>",
            }],
            new() { ["yaxis"] = new Dictionary<string, object?> { ["title"] = new Dictionary<string, object?> { ["text"] = "share chosen" }, ["range"] = new[] { 0.0, 1.0 } } });
    }

    /// <summary>Row method's wins over the column method as a fraction of their decisive votes (empty: never compared).</summary>
    public static object WinHeatmap(QuestionResult q, IReadOnlyList<string> methods)
    {
        var z = methods.Select(row => methods.Select(column =>
        {
            var pair = q.Pairs.FirstOrDefault(p => (p.A == row && p.B == column) || (p.A == column && p.B == row));
            if (pair?.WinRateA is not { } rateA) return (double?)null;
            return pair.A == row ? rateA : 1 - rateA;
        }).ToArray()).ToArray();
        return Figure(
            [new Dictionary<string, object?>
            {
                ["type"] = "heatmap", ["x"] = PlotText.Plain(methods), ["y"] = PlotText.Plain(methods), ["z"] = z, ["zmin"] = 0, ["zmax"] = 1,
                ["colorscale"] = "RdBu", ["reversescale"] = false, ["texttemplate"] = "%{z:.2f}",
                ["hovertemplate"] = "%{y} beats %{x}: %{z:.3f}<extra></extra>",
            }],
            new()
            {
                ["xaxis"] = new Dictionary<string, object?> { ["title"] = new Dictionary<string, object?> { ["text"] = "against" } },
                ["yaxis"] = new Dictionary<string, object?> { ["autorange"] = "reversed" },
                ["margin"] = new Dictionary<string, object?> { ["l"] = 160, ["r"] = 16, ["t"] = 16, ["b"] = 96 },
            });
    }
}
