using CamReview.Data;
using Microsoft.EntityFrameworkCore;

namespace CamReview.Web.Compare;

/// <summary>One colour per method, the same in a comparison's table, players, curves and scatter plots: the methods
/// (of the project, or of what a share link shows) in name order take the palette's colours in turn. The reference is
/// always black.</summary>
public sealed class MethodColours
{
    /// <summary>Tableau 10: distinct for up to ten methods, and readable on white and dark backgrounds.</summary>
    public static readonly string[] Palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#bcbd22", "#7f7f7f"];

    public const string Reference = "#000000";

    private readonly Dictionary<string, string> _colours;

    public MethodColours(IEnumerable<string> methods) =>
        _colours = methods.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)
            .Select((m, i) => (m, Palette[i % Palette.Length])).ToDictionary(x => x.m, x => x.Item2, StringComparer.Ordinal);

    /// <summary>The colours of a project's compare pages (the methods of its scored outputs, as the trade-off plot has
    /// them) with <paramref name="also"/> among them, for the project's other plots (its studies).</summary>
    public static async Task<MethodColours> OfProjectAsync(CamReviewDb db, int projectId, IEnumerable<string> also, CancellationToken ct = default)
    {
        var scored = await db.OutputScores.AsNoTracking().Where(s => s.Asset.ProjectId == projectId && s.Asset.PairId != null)
            .Select(s => s.Asset.MethodName ?? s.Asset.DisplayName).Distinct().ToListAsync(ct);
        return new MethodColours(scored.Concat(also));
    }

    /// <summary>The method's colour; a method not among those given takes the palette's last.</summary>
    public string Of(string method) => _colours.GetValueOrDefault(method, Palette[^1]);
}
