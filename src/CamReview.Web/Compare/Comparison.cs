using CamReview.Data.Entities;
using CamReview.Pipeline.Score;
using CamReview.Web.Jobs;
using CamReview.Web.Services;

namespace CamReview.Web.Compare;

/// <summary>Everything the compare page shows of a pair: its media, its outputs with their metrics, review decisions
/// and motion curves, the project's other scored outputs (for the trade-off plot) and the comments.</summary>
public sealed record Comparison(
    int ProjectId, string ProjectName, PairView Pair, AssetView Reference, AssetView Target,
    IReadOnlyList<ComparedOutput> Outputs, IReadOnlyList<ProjectPoint> ProjectPoints, IReadOnlyList<CommentView> Comments)
{
    /// <summary>The metric table: one row per output, the best value of each column marked.</summary>
    public MetricTable Metrics { get; } = MetricTable.Of(Outputs);
}

public sealed record ComparedOutput(AssetView Asset, ScoreView? Score, ReviewView Review, StoredMotion? Motion)
{
    public string Method => Asset.MethodName ?? Asset.DisplayName;
}

public sealed record ReviewView(ReviewStatus Status, string? Reviewer, DateTime? UpdatedUtc)
{
    public static readonly ReviewView Pending = new(ReviewStatus.Pending, null, null);
}

public sealed record CommentView(int Id, int PairId, int? AssetId, string? MethodName, double TimeSeconds, string Body, string Author, DateTime CreatedUtc)
{
    /// <summary>m:ss.s, as players show time.</summary>
    public string TimeCode => $"{(int)(TimeSeconds / 60)}:{TimeSeconds % 60:00.0}";
}

/// <summary>One scored output of the project, a point of the CameraScore / scene preservation trade-off.</summary>
public sealed record ProjectPoint(int PairId, string PairName, int AssetId, string Method, double? CameraScore, double? SceneSimilarity);

public sealed record MetricCell(double? Value, string? Reason, string? Note, bool IsBest);

public sealed record MetricRow(ComparedOutput Output, IReadOnlyList<MetricCell> Cells);

/// <summary>The metric table: a column per compared metric of <see cref="MetricCatalogue"/>, a row per output.</summary>
public sealed record MetricTable(IReadOnlyList<MetricDefinition> Columns, IReadOnlyList<MetricRow> Rows)
{
    public static readonly MetricDefinition[] AllColumns = [.. MetricCatalogue.Compared];

    public static MetricTable Of(IReadOnlyList<ComparedOutput> outputs)
    {
        var values = outputs.Select(o => AllColumns.Select(c => o.Score?.Read(c) ?? new MetricReading(null, "not scored yet", null)).ToArray()).ToArray();
        var best = AllColumns.Select((c, i) =>
        {
            var present = values.Select(v => v[i].Value).OfType<double>().ToList();
            // A best is only marked where there is a choice: two values at least, and not all the same.
            if (present.Count < 2 || present.Min() == present.Max()) return (double?)null;
            return c.Better == Better.Lower ? present.Min() : present.Max();
        }).ToArray();
        var rows = outputs.Select((o, r) => new MetricRow(o, AllColumns.Select((_, i) =>
        {
            var (value, reason, note) = values[r][i];
            return new MetricCell(value, reason, note, value is { } v && best[i] is { } b && v == b);
        }).ToArray())).ToArray();
        return new MetricTable(AllColumns, rows);
    }
}
