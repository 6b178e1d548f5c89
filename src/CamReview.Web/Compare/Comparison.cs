using CamReview.Core.Statistics;
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
/// a thread's first comment once the thread is resolved. <see cref="IsGuest"/>: posted through a share link by someone
/// without an account; <see cref="Author"/> is then the name they gave, followed by " (guest)".</summary>
public sealed record CommentView(int Id, int PairId, int? AssetId, string? MethodName, double TimeSeconds, string Body, string Author, DateTime CreatedUtc,
    [property: System.Text.Json.Serialization.JsonIgnore] int? AuthorId = null, int? ReplyTo = null, string? ResolvedBy = null, DateTime? ResolvedUtc = null,
    Drawing? Drawing = null, bool IsGuest = false)
{
    /// <summary>What follows a guest's name wherever their comment appears.</summary>
    public const string GuestSuffix = " (guest)";

    public bool IsResolved => ResolvedUtc is not null;

    /// <summary>m:ss.s, as players show time.</summary>
    public string TimeCode => $"{(int)(TimeSeconds / 60)}:{TimeSeconds % 60:00.0}";
}

/// <summary>One scored output of the project, a point of the CameraScore / scene preservation trade-off.</summary>
public sealed record ProjectPoint(int PairId, string PairName, int AssetId, string Method, double? CameraScore, double? SceneSimilarity);

/// <summary>A value, or none with its reason; <see cref="Footnote"/> numbers the reason (or the note on how the value
/// was obtained) among the table's <see cref="MetricTable.Footnotes"/>: a reason that every output of a column shares
/// is written once under the table, not in every cell. <see cref="Interval"/> is the value's 95% interval, and
/// <see cref="PerFrame"/> the per-frame value of a metric summed over frames (what its best mark compares).</summary>
public sealed record MetricCell(double? Value, string? Reason, string? Note, bool IsBest, int? Footnote = null)
{
    public ConfidenceInterval? Interval { get; init; }

    public double? PerFrame { get; init; }
}

/// <summary>An output whose timing differs from the reference's (another frame rate or duration): what was compared.</summary>
public sealed record TimeNotice(string Method, string Text);

public sealed record MetricRow(ComparedOutput Output, string Colour, IReadOnlyList<MetricCell> Cells);

/// <summary>The metric table: a column per compared metric of <see cref="MetricCatalogue"/>, a row per output;
/// <see cref="Footnotes"/> are the distinct reasons of missing values and notes of present ones, in the order they first
/// appear; <see cref="TimeNotices"/> the outputs compared over another duration or frame rate than the reference's.
/// <para>A column's best value is marked only where it is distinguishable: the best value's 95% interval lies clear of
/// every other output's (where both have one). A metric summed over frames is compared by its per-frame value, so an
/// output shorter than the others does not win by its length.</para></summary>
public sealed record MetricTable(IReadOnlyList<MetricDefinition> Columns, IReadOnlyList<MetricRow> Rows, IReadOnlyList<string> Footnotes)
{
    public IReadOnlyList<TimeNotice> TimeNotices { get; init; } = [];

    public static readonly MetricDefinition[] AllColumns = [.. MetricCatalogue.Compared];

    public static MetricTable Of(IReadOnlyList<ComparedOutput> outputs, MethodColours? colours = null)
    {
        colours ??= new MethodColours(outputs.Select(o => o.Method));
        MetricReading Read(ComparedOutput o, MetricDefinition c) => o.Score?.Read(c) ?? new MetricReading(null, "not scored yet", null);
        var values = outputs.Select(o => AllColumns.Select(c => Read(o, c)).ToArray()).ToArray();
        // What a column's best mark compares: the per-frame reading of a summed metric, the reading itself otherwise.
        var ranked = outputs.Select(o => AllColumns.Select(c => c.PerFrame is { } perFrame ? Read(o, perFrame) : Read(o, c)).ToArray()).ToArray();
        var best = AllColumns.Select((c, i) => BestRow(c, ranked.Select(v => v[i]).ToArray())).ToArray();
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
            return new MetricCell(value, reason, note, value is not null && best[i] == r, FootnoteOf(footnote))
            {
                Interval = values[r][i].Interval,
                PerFrame = AllColumns[i].PerFrame is null ? null : ranked[r][i].Value,
            };
        }).ToArray())).ToArray();
        var notices = outputs.Select(o => o.Score?.Stored.Result.TimeBase?.Warning is { } w ? new TimeNotice(o.Method, w) : null).OfType<TimeNotice>().ToArray();
        return new MetricTable(AllColumns, rows, footnotes) { TimeNotices = notices };
    }

    /// <summary>The row of a column's best reading, or null: two values at least, not all the same, and the best one's
    /// interval clear of every other's (readings without an interval are compared by value alone).</summary>
    private static int? BestRow(MetricDefinition column, MetricReading[] readings)
    {
        var present = readings.Select((m, row) => (m, row)).Where(x => x.m.Value is not null).ToList();
        if (present.Count < 2) return null;
        var ordered = column.Better == Better.Lower ? present.OrderBy(x => x.m.Value) : present.OrderByDescending(x => x.m.Value);
        var (top, row) = ordered.First();
        if (present.All(x => x.m.Value == top.Value)) return null;
        bool separated = present.Where(x => x.row != row).All(x => x.m.Value != top.Value &&
            (top.Interval is not { } a || x.m.Interval is not { } b || (column.Better == Better.Lower ? a.High < b.Low : a.Low > b.High)));
        return separated ? row : null;
    }
}
