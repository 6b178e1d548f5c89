using System.Text.Json;
using CamReview.Data.Entities;
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

public enum Better { Lower, Higher }

/// <summary>A column of the metric table: the stored metric's JSON name, how it reads, and which way is better.</summary>
public sealed record MetricColumn(string Key, string Label, Better Better, string Description);

public sealed record MetricCell(double? Value, string? Reason, string? Note, bool IsBest);

public sealed record MetricRow(ComparedOutput Output, IReadOnlyList<MetricCell> Cells);

public sealed record MetricTable(IReadOnlyList<MetricColumn> Columns, IReadOnlyList<MetricRow> Rows)
{
    public static readonly MetricColumn[] AllColumns =
    [
        new("cameraScore", "CameraScore", Better.Lower, "CamMimic CameraScore on normalized homographies: 0 = the reference's motion"),
        new("pce", "PCE", Better.Lower, "Parallax consistency error: mean |log ratio| of parallax numbers, 0 = the same parallax"),
        new("rotErr", "RotErr (°)", Better.Lower, "CamI2V rotation error: summed geodesic angle between camera orientations"),
        new("transErr", "TransErr", Better.Lower, "CamI2V translation error between scale-normalised camera centres"),
        new("sceneSimilarity", "Scene preservation", Better.Higher, "Mean cosine similarity of the target image and each frame's embedding"),
        new("flicker", "Flicker", Better.Higher, "VBench temporal flickering: 1 = no change between frames, higher is steadier"),
    ];

    public static MetricTable Of(IReadOnlyList<ComparedOutput> outputs)
    {
        var values = outputs.Select(o => AllColumns.Select(c => Read(o.Score, c.Key)).ToArray()).ToArray();
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

    private static (double? Value, string? Reason, string? Note) Read(ScoreView? score, string key) =>
        score is null ? (null, "not scored yet", null)
        : key == "cameraScore" ? (score.CameraScore, score.CameraScoreReason, null)
        : score.Metric(key);
}

/// <summary>The per-pair CameraScore values stored with a score ("perPair": [{"index", "value", "reason"}]).</summary>
public static class StoredScores
{
    public static IReadOnlyList<(int Index, double? Value)> PerPair(ScoreView score)
    {
        using var doc = JsonDocument.Parse(score.ResultJson);
        if (!doc.RootElement.TryGetProperty("perPair", out var list) || list.ValueKind != JsonValueKind.Array) return [];
        return list.EnumerateArray().Select(p => (
            p.GetProperty("index").GetInt32(),
            p.TryGetProperty("value", out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : (double?)null)).ToArray();
    }
}
