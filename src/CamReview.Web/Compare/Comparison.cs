using CamReview.Data.Entities;
using CamReview.Pipeline.Score;
using CamReview.Web.Jobs;
using CamReview.Web.Services;

namespace CamReview.Web.Compare;

/// <summary>Everything the compare page shows of a pair: its media, its outputs with their metrics, review decisions
/// and motion curves, the scored outputs of the trade-off plot and the comments. For team members
/// <see cref="ProjectPoints"/> are the project's scored outputs and <see cref="ProjectName"/> is set; through a share
/// link (<see cref="IsShared"/>) the comparison shows only its own pair: the points are its outputs and the project
/// stays unnamed.</summary>
public sealed record Comparison(
    int ProjectId, string? ProjectName, PairView Pair, AssetView Reference, AssetView Target,
    IReadOnlyList<ComparedOutput> Outputs, IReadOnlyList<ProjectPoint> ProjectPoints, IReadOnlyList<CommentView> Comments)
{
    public bool IsShared => ProjectName is null;

    /// <summary>One colour per method across everything the comparison draws (the project's methods, so a method keeps
    /// its colour from pair to pair).</summary>
    public MethodColours Colours { get; } = new(ProjectPoints.Select(p => p.Method).Concat(Outputs.Select(o => o.Method)));

    /// <summary>The metric table: one row per output, the best value of each column marked (made on first use, with
    /// <see cref="Colours"/>).</summary>
    public MetricTable Metrics => _metrics ??= MetricTable.Of(Outputs, Colours);

    private MetricTable? _metrics;
}

public sealed record ComparedOutput(AssetView Asset, ScoreView? Score, ReviewView Review, StoredMotion? Motion)
{
    public string Method => Asset.MethodName ?? Asset.DisplayName;
}

public sealed record ReviewView(ReviewStatus Status, string? Reviewer, DateTime? UpdatedUtc)
{
    public static readonly ReviewView Pending = new(ReviewStatus.Pending, null, null);
}

/// <summary>A comment as pages show it; <see cref="AuthorId"/> only decides who may delete it and is never sent out.
/// <see cref="ReplyTo"/>: the thread's first comment, for a reply. <see cref="ResolvedBy"/>/<see cref="ResolvedUtc"/>: on
/// a thread's first comment once the thread is resolved.</summary>
public sealed record CommentView(int Id, int PairId, int? AssetId, string? MethodName, double TimeSeconds, string Body, string Author, DateTime CreatedUtc,
    [property: System.Text.Json.Serialization.JsonIgnore] int? AuthorId = null, int? ReplyTo = null, string? ResolvedBy = null, DateTime? ResolvedUtc = null)
{
    public bool IsResolved => ResolvedUtc is not null;

    /// <summary>m:ss.s, as players show time.</summary>
    public string TimeCode => $"{(int)(TimeSeconds / 60)}:{TimeSeconds % 60:00.0}";
}

/// <summary>One scored output of the project, a point of the CameraScore / scene preservation trade-off.</summary>
public sealed record ProjectPoint(int PairId, string PairName, int AssetId, string Method, double? CameraScore, double? SceneSimilarity);

/// <summary>A value, or none with its reason; <see cref="Footnote"/> numbers the reason (or the note on how the value
/// was obtained) among the table's <see cref="MetricTable.Footnotes"/>: a reason that every output of a column shares
/// is written once under the table, not in every cell.</summary>
public sealed record MetricCell(double? Value, string? Reason, string? Note, bool IsBest, int? Footnote = null);

public sealed record MetricRow(ComparedOutput Output, string Colour, IReadOnlyList<MetricCell> Cells);

/// <summary>The metric table: a column per compared metric of <see cref="MetricCatalogue"/>, a row per output;
/// <see cref="Footnotes"/> are the distinct reasons of missing values and notes of present ones, in the order they first
/// appear.</summary>
public sealed record MetricTable(IReadOnlyList<MetricDefinition> Columns, IReadOnlyList<MetricRow> Rows, IReadOnlyList<string> Footnotes)
{
    public static readonly MetricDefinition[] AllColumns = [.. MetricCatalogue.Compared];

    public static MetricTable Of(IReadOnlyList<ComparedOutput> outputs, MethodColours? colours = null)
    {
        colours ??= new MethodColours(outputs.Select(o => o.Method));
        var values = outputs.Select(o => AllColumns.Select(c => o.Score?.Read(c) ?? new MetricReading(null, "not scored yet", null)).ToArray()).ToArray();
        var best = AllColumns.Select((c, i) =>
        {
            var present = values.Select(v => v[i].Value).OfType<double>().ToList();
            // A best is only marked where there is a choice: two values at least, and not all the same.
            if (present.Count < 2 || present.Min() == present.Max()) return (double?)null;
            return c.Better == Better.Lower ? present.Min() : present.Max();
        }).ToArray();
        var footnotes = new List<string>();
        int? FootnoteOf(string? text)
        {
            if (text is null) return null;
            var at = footnotes.IndexOf(text);
            if (at < 0) { footnotes.Add(text); at = footnotes.Count - 1; }
            return at + 1;
        }
        var rows = outputs.Select((o, r) => new MetricRow(o, colours.Of(o.Method), AllColumns.Select((_, i) =>
        {
            var (value, reason, note) = values[r][i];
            // A note on how a value was obtained (a classical fallback) is footnoted like a reason; "degrees" is a unit.
            var footnote = value is null ? reason : note is "degrees" ? null : note;
            return new MetricCell(value, reason, note, value is { } v && best[i] is { } b && v == b, FootnoteOf(footnote));
        }).ToArray())).ToArray();
        return new MetricTable(AllColumns, rows, footnotes);
    }
}
