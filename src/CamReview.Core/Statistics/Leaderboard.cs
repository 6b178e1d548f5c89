namespace CamReview.Core.Statistics;

/// <summary>A metric as the leaderboard ranks it: its key and which way it improves.</summary>
public sealed record LeaderboardMetric(string Key, bool HigherIsBetter);

/// <summary>One metric's value of one method on one pair (reference and target) of a benchmark.</summary>
public readonly record struct PairValue(string Pair, string Method, string Metric, double Value);

/// <summary>A method's values of one metric over the pairs it has them on: their number, mean, standard deviation and
/// the t-interval of the mean (no deviation and no interval from a single pair).</summary>
public sealed record MetricSummary(int Pairs, double Mean, double? StandardDeviation, ConfidenceInterval? Interval)
{
    /// <summary>Half the interval's width: the "± h" of a table.</summary>
    public double? HalfWidth => Interval is { } i ? i.Width / 2 : null;

    /// <summary>The mean, standard deviation and Student-t interval of the values (at least one).</summary>
    public static MetricSummary Of(IReadOnlyList<double> values, double confidence)
    {
        if (values.Count == 0) throw new ArgumentException("a summary needs a value", nameof(values));
        double mean = values.Average();
        if (values.Count < 2) return new MetricSummary(1, mean, null, null);
        double sd = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
        double half = StudentT.TwoSidedCritical(confidence, values.Count - 1) * sd / Math.Sqrt(values.Count);
        return new MetricSummary(values.Count, mean, sd, new ConfidenceInterval(mean - half, mean + half));
    }
}

/// <summary>A method's cell of one metric column: its summary (null when it has no value there) and whether it is
/// marked best.</summary>
public sealed record LeaderboardCell(MetricSummary? Summary, bool IsBest);

/// <summary>A method's row: the pairs it has any value on and a cell per metric, in the leaderboard's metric order.</summary>
public sealed record LeaderboardRow(string Method, int Pairs, IReadOnlyList<LeaderboardCell> Cells);

/// <summary>
/// Methods x metrics over the pairs of a benchmark: per cell the mean over pairs with the Student-t interval of the
/// mean. A t-interval rather than a bootstrap: benchmarks have few pairs (often 5 to 30), where percentile bootstrap
/// intervals are too narrow, while the t-interval widens with the small count, and it needs no random seed. A
/// method's several values on one pair (two outputs of one method) are averaged first, so every pair weighs once.
/// The best value of a column is marked only where it is established: its interval lies wholly on the better side of
/// every other method's interval (a method of a single pair has no interval, so no best is claimed beside it).
/// Overlapping intervals can still hide a real difference measured on the same pairs: <see cref="Compare"/> tests
/// that.
/// </summary>
public sealed class Leaderboard
{
    public const double DefaultConfidence = 0.95;

    private readonly Dictionary<(string Method, string Metric), Dictionary<string, double>> _values;

    private Leaderboard(IReadOnlyList<LeaderboardMetric> metrics, double confidence, Dictionary<(string, string), Dictionary<string, double>> values,
        IReadOnlyList<string> pairs, IReadOnlyList<LeaderboardRow> rows)
    {
        (Metrics, Confidence, _values, Pairs, Rows) = (metrics, confidence, values, pairs, rows);
    }

    public IReadOnlyList<LeaderboardMetric> Metrics { get; }

    /// <summary>The intervals' confidence level (0.95).</summary>
    public double Confidence { get; }

    /// <summary>Every pair that has a value, in name order.</summary>
    public IReadOnlyList<string> Pairs { get; }

    /// <summary>A row per method, in name order.</summary>
    public IReadOnlyList<LeaderboardRow> Rows { get; }

    public static Leaderboard Build(IEnumerable<PairValue> values, IReadOnlyList<LeaderboardMetric> metrics, double confidence = DefaultConfidence)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(metrics);
        var keys = metrics.Select(m => m.Key).ToHashSet(StringComparer.Ordinal);
        var given = values.Where(v => keys.Contains(v.Metric) && double.IsFinite(v.Value)).ToList();
        var byCell = given.GroupBy(v => (v.Method, v.Metric))
            .ToDictionary(g => g.Key, g => g.GroupBy(v => v.Pair, StringComparer.Ordinal).ToDictionary(p => p.Key, p => p.Average(v => v.Value), StringComparer.Ordinal));
        var methods = given.Select(v => v.Method).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var summaries = methods.ToDictionary(m => m, m => metrics.Select(metric =>
            byCell.TryGetValue((m, metric.Key), out var pairs) ? MetricSummary.Of([.. pairs.Values], confidence) : null).ToArray(), StringComparer.Ordinal);
        var best = metrics.Select((metric, i) => Best(metric, methods.Select(m => (m, summaries[m][i])).Where(x => x.Item2 is not null).Select(x => (x.m, x.Item2!)).ToList())).ToArray();
        var rows = methods.Select(m => new LeaderboardRow(m,
            given.Where(v => v.Method == m).Select(v => v.Pair).Distinct(StringComparer.Ordinal).Count(),
            summaries[m].Select((s, i) => new LeaderboardCell(s, best[i] == m)).ToArray())).ToList();
        var pairNames = given.Select(v => v.Pair).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return new Leaderboard(metrics, confidence, byCell, pairNames, rows);
    }

    /// <summary>The method whose interval lies wholly on the better side of every other's, or null.</summary>
    private static string? Best(LeaderboardMetric metric, List<(string Method, MetricSummary Summary)> cells)
    {
        if (cells.Count < 2) return null;
        var leader = metric.HigherIsBetter ? cells.MaxBy(c => c.Summary.Mean) : cells.MinBy(c => c.Summary.Mean);
        if (leader.Summary.Interval is not { } ahead) return null;
        foreach (var (method, summary) in cells)
        {
            if (method == leader.Method) continue;
            if (summary.Interval is not { } other) return null;
            bool separate = metric.HigherIsBetter ? ahead.Low > other.High : ahead.High < other.Low;
            if (!separate) return null;
        }
        return leader.Method;
    }

    /// <summary>
    /// <paramref name="first"/> against <paramref name="second"/> on the pairs both have a value of the metric on: the
    /// mean paired difference (first − second) with its t-interval, how often each is better (by the metric's
    /// direction), and the Wilcoxon signed-rank p-value.
    /// </summary>
    public PairedComparison Compare(string first, string second, string metric)
    {
        var definition = Metrics.FirstOrDefault(m => m.Key == metric) ?? throw new ArgumentException($"'{metric}' is not a metric of this leaderboard", nameof(metric));
        var a = _values.GetValueOrDefault((first, metric)) ?? [];
        var b = _values.GetValueOrDefault((second, metric)) ?? [];
        var differences = a.Where(p => b.ContainsKey(p.Key)).OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Value - b[p.Key]).ToList();
        int firstBetter = differences.Count(d => definition.HigherIsBetter ? d > 0 : d < 0);
        int secondBetter = differences.Count(d => definition.HigherIsBetter ? d < 0 : d > 0);
        return new PairedComparison(first, second, definition, differences.Count,
            differences.Count == 0 ? null : MetricSummary.Of(differences, Confidence),
            firstBetter, secondBetter, differences.Count - firstBetter - secondBetter,
            differences.Count == 0 ? null : WilcoxonSignedRank.TwoSidedPValue(differences));
    }
}

/// <summary>Two methods on the pairs both have: <see cref="Difference"/> summarises first − second per pair (its
/// interval excluding 0 says the mean difference is established); <see cref="PValue"/> is the Wilcoxon signed-rank
/// test's, which does not assume normal differences.</summary>
public sealed record PairedComparison(string First, string Second, LeaderboardMetric Metric, int Pairs, MetricSummary? Difference,
    int FirstBetter, int SecondBetter, int Ties, double? PValue)
{
    /// <summary>The method the interval of the difference establishes as better, or null.</summary>
    public string? Better => Difference?.Interval is not { } i || i.Contains(0) ? null
        : (i.Low > 0) == Metric.HigherIsBetter ? First : Second;
}
