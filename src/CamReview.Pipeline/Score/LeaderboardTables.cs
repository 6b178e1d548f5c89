using System.Globalization;
using System.Text;
using CamReview.Core.Statistics;
using CamReview.Core.Text;

namespace CamReview.Pipeline.Score;

/// <summary>One scored output as the leaderboard takes it: the pair it belongs to, its method and its score.</summary>
public sealed record ScoredOutput(string Pair, string Method, StoredScore Score);

/// <summary>
/// The leaderboard of scored outputs over <see cref="MetricCatalogue.Ranked"/> (the portal's and <c>camreview eval</c>'s
/// alike), and its exports: CSV, JSON and a LaTeX table for a paper.
/// </summary>
public static class LeaderboardTables
{
    /// <summary>The leaderboard's columns with their directions, in the catalogue's order.</summary>
    public static IReadOnlyList<LeaderboardMetric> Metrics { get; } =
        [.. MetricCatalogue.Ranked.Select(m => new LeaderboardMetric(m.Key, m.Better == Better.Higher))];

    public static Leaderboard Build(IEnumerable<ScoredOutput> outputs) =>
        Leaderboard.Build(outputs.SelectMany(o => MetricCatalogue.Ranked
            .Select(m => (m.Key, m.Read(o.Score).Value))
            .Where(x => x.Value is not null)
            .Select(x => new PairValue(o.Pair, o.Method, x.Key, x.Value!.Value))), Metrics);

    /// <summary>The catalogue's definition of a leaderboard column.</summary>
    public static MetricDefinition Definition(LeaderboardMetric metric) => MetricCatalogue.Ranked.Single(m => m.Key == metric.Key);

    /// <summary>"0.851 ± 0.012" (no "±" from a single pair), in the metric's format; "–" without a value.</summary>
    public static string Text(LeaderboardMetric metric, MetricSummary? summary)
    {
        if (summary is null) return "–";
        var definition = Definition(metric);
        return summary.HalfWidth is { } half ? $"{definition.Format(summary.Mean)} ± {definition.Format(half)}" : definition.Format(summary.Mean);
    }

    /// <summary>One row per method: its pairs, then per metric the mean, the interval's ends, the pairs it has a value on
    /// and whether it is the established best (columns named by the catalogue's keys: "pce_mean", "pce_low", ...).</summary>
    public static string Csv(Leaderboard board)
    {
        var csv = new StringWriter(CultureInfo.InvariantCulture);
        var header = new List<string?> { "method", "pairs" };
        foreach (var m in board.Metrics) header.AddRange([$"{m.Key}_mean", $"{m.Key}_low", $"{m.Key}_high", $"{m.Key}_n", $"{m.Key}_best"]);
        CsvField.WriteRow(csv, header);
        foreach (var row in board.Rows)
        {
            var fields = new List<string?> { row.Method, Number(row.Pairs) };
            foreach (var cell in row.Cells)
                fields.AddRange([Number(cell.Summary?.Mean), Number(cell.Summary?.Interval?.Low), Number(cell.Summary?.Interval?.High),
                    Number(cell.Summary?.Pairs ?? 0), cell.IsBest ? "true" : "false"]);
            CsvField.WriteRow(csv, fields);
        }
        return csv.ToString();
    }

    /// <summary>The leaderboard as JSON: the metrics with their directions, the pairs, and per method and metric the
    /// summary (null without a value) and the best mark.</summary>
    public static object Json(Leaderboard board) => new
    {
        confidence = board.Confidence,
        interval = "student-t",
        pairs = board.Pairs,
        metrics = board.Metrics.Select(m => new { key = m.Key, label = Definition(m).Label, unit = Definition(m).Unit, better = m.HigherIsBetter ? "higher" : "lower" }),
        methods = board.Rows.Select(row => new
        {
            method = row.Method,
            pairs = row.Pairs,
            metrics = board.Metrics.Zip(row.Cells).ToDictionary(x => x.First.Key, x => x.Second.Summary is { } s
                ? new { n = s.Pairs, mean = (double?)s.Mean, sd = s.StandardDeviation, interval = s.Interval, best = x.Second.IsBest }
                : new { n = 0, mean = (double?)null, sd = (double?)null, interval = (ConfidenceInterval?)null, best = false }),
        }),
    };

    /// <summary>
    /// A <c>table*</c> float for a paper (needs <c>\usepackage{booktabs}</c>): a row per method with its pair count, a
    /// column per metric headed by its label and, below, its unit and direction arrow, each cell "mean ± half-width of
    /// the interval", the established best in bold, "--" without a value; method names escaped. A scientific metric's
    /// column shares one power of ten (that of its smallest mean), written in the header, as papers print CameraScore.
    /// </summary>
    public static string Latex(Leaderboard board, string caption)
    {
        var exponents = board.Metrics.Select((m, i) => Definition(m).Scientific ? ColumnExponent(board.Rows.Select(r => r.Cells[i].Summary)) : 0).ToArray();
        var tex = new StringBuilder();
        tex.Append("% Made by camreview: needs \\usepackage{booktabs}.\n");
        tex.Append("\\begin{table*}[t]\n\\centering\n\\footnotesize\n\\setlength{\\tabcolsep}{3pt}\n");
        tex.Append("\\caption{").Append(LatexText(caption)).Append(' ')
            .Append($"Mean $\\pm$ half-width of the {board.Confidence * 100:0}\\% Student-t interval over pairs; $n$: pairs scored. ")
            .Append("Bold: the best, where its interval separates from every other method's.}\n");
        tex.Append("\\begin{tabular}{lr").Append('c', board.Metrics.Count).Append("}\n\\toprule\n");
        tex.Append("Method & $n$");
        foreach (var m in board.Metrics) tex.Append(" & ").Append(LatexText(Definition(m).Label));
        tex.Append(" \\\\\n &");
        foreach (var (m, exponent) in board.Metrics.Zip(exponents))
        {
            var parts = new List<string>();
            if (Definition(m).Unit is { } unit) parts.Add(LatexText(unit));
            if (exponent != 0) parts.Add($"$\\times 10^{{{exponent}}}$");
            tex.Append(" & ").Append(parts.Count > 0 ? $"({string.Join(" ", parts)}) " : "").Append(m.HigherIsBetter ? "$\\uparrow$" : "$\\downarrow$");
        }
        tex.Append(" \\\\\n\\midrule\n");
        foreach (var row in board.Rows)
        {
            tex.Append(LatexText(row.Method)).Append(" & ").Append(row.Pairs.ToString(CultureInfo.InvariantCulture));
            for (int i = 0; i < board.Metrics.Count; i++)
                tex.Append(" & ").Append(row.Cells[i].Summary is { } s ? LatexNumber(Definition(board.Metrics[i]), s, exponents[i], row.Cells[i].IsBest) : "--");
            tex.Append(" \\\\\n");
        }
        tex.Append("\\bottomrule\n\\end{tabular}\n\\end{table*}\n");
        return tex.ToString();
    }

    /// <summary>The power of ten of the column's smallest non-zero mean (0 when there is none).</summary>
    private static int ColumnExponent(IEnumerable<MetricSummary?> cells)
    {
        var means = cells.OfType<MetricSummary>().Select(s => Math.Abs(s.Mean)).Where(v => v > 0).ToList();
        return means.Count == 0 ? 0 : (int)Math.Floor(Math.Log10(means.Min()));
    }

    /// <summary>Text for LaTeX: its special characters escaped, the degree sign as a math superscript.</summary>
    public static string LatexText(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (var c in text)
            escaped.Append(c switch
            {
                '\\' => "\\textbackslash{}",
                '&' or '%' or '$' or '#' or '_' or '{' or '}' => "\\" + c,
                '~' => "\\textasciitilde{}",
                '^' => "\\textasciicircum{}",
                '°' => "$^{\\circ}$",
                _ => c.ToString(),
            });
        return escaped.ToString();
    }

    private static string LatexNumber(MetricDefinition metric, MetricSummary summary, int exponent, bool bold)
    {
        double factor = Math.Pow(10, exponent);
        string Write(double v) => !metric.Scientific ? metric.Format(v) : (v / factor).ToString("F" + metric.Decimals, CultureInfo.InvariantCulture);
        var body = summary.HalfWidth is { } half ? $"{Write(summary.Mean)} \\pm {Write(half)}" : Write(summary.Mean);
        return bold ? $"$\\mathbf{{{body}}}$" : $"${body}$";
    }

    private static string Number(double? value) => value?.ToString("R", CultureInfo.InvariantCulture) ?? "";

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
