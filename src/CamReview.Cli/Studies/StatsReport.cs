using System.Globalization;
using System.Text;
using CamReview.Core.Statistics;

namespace CamReview.Cli.Studies;

/// <summary>The human-readable output of <c>camreview stats</c>: one block of tables per question.</summary>
public static class StatsReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Format(StudyResult result)
    {
        var sb = new StringBuilder();
        int pct = (int)Math.Round(result.Bootstrap.Confidence * 100);
        var excluded = result.ExcludedParticipants > 0
            ? $" ({result.ExcludedParticipants} excluded, {result.ExcludedVotes} of their votes left out)"
            : "";
        sb.AppendLine(Inv, $"{result.Votes} votes from {result.Participants} participants{excluded}");
        foreach (var q in result.Questions)
        {
            sb.AppendLine();
            sb.AppendLine(Inv, $"Question \"{q.Question}\": {q.Votes} votes ({q.PairwiseVotes} pairwise, {q.BestOfNVotes} best-of-N)");
            if (q.Pairs.Count > 0)
            {
                sb.AppendLine();
                sb.AppendLine(Inv, $"  Pairwise (win rate of A over B; ties and both-bad not counted; {pct}% Wilson interval; exact binomial p, Holm-adjusted)");
                Table(sb, ["A", "B", "A wins", "B wins", "ties", "both bad", "A win rate", $"{pct}% CI", "p", "p (Holm)"],
                    q.Pairs.Select(p => new[]
                    {
                        p.A, p.B, N(p.AWins), N(p.BWins), N(p.Ties), N(p.BothBad), F(p.WinRateA), Ci(p.WilsonA), P(p.PValue), P(p.PValueHolm),
                    }), rightFrom: 2);
            }
            if (q.BestOfN.Count > 0)
            {
                sb.AppendLine();
                sb.AppendLine(Inv, $"  Best-of-N (share chosen when shown; no-choice answers not counted; {pct}% Wilson interval; p against chance)");
                Table(sb, ["method", "shown", "chosen", "ties", "both bad", "share", $"{pct}% CI", "chance", "p"],
                    q.BestOfN.Select(c => new[]
                    {
                        c.Method, N(c.Shown), N(c.Chosen), N(c.Ties), N(c.BothBad), F(c.Share), Ci(c.Wilson), F(c.Chance), P(c.PValue),
                    }), rightFrom: 1);
            }
            if (q.BradleyTerry.Count > 0)
            {
                sb.AppendLine();
                var interval = result.Bootstrap.Resamples > 0
                    ? $"{pct}% {result.Bootstrap.Unit} bootstrap, {result.Bootstrap.Resamples} resamples, seed {result.Bootstrap.Seed}"
                    : "no bootstrap";
                sb.AppendLine(Inv, $"  Bradley-Terry (log-strength, mean 0; score difference = log-odds of winning; {interval})");
                bool split = q.ComparisonComponents > 1;
                var header = new List<string> { "rank", "method", "score", $"{pct}% CI", "rank range", "comparisons" };
                if (split) header.Add("group");
                Table(sb, [.. header], q.BradleyTerry.Select(s =>
                {
                    var row = new List<string>
                    {
                        N(s.Rank), s.Method, StatisticsFormat.Score(s.Score), Ci(s.Ci), StatisticsFormat.RankRange(s.RankCi), N(s.Comparisons),
                    };
                    if (split) row.Add(N(s.Component));
                    return row.ToArray();
                }), rightFrom: 2);
                if (split)
                    sb.AppendLine(Inv, $"  Note: the methods fall into {q.ComparisonComponents} groups never compared with each other; scores and ranks are only comparable within a group.");
                if (q.BradleyTerryRegularized)
                    sb.AppendLine("  Note: a method never won (or never lost) within its group, so a small pseudo-count prior was added; its score is a bound, not an estimate.");
            }
        }
        return sb.ToString();
    }

    private static string N(int n) => n.ToString(Inv);

    private static string F(double? x) => StatisticsFormat.Number(x);

    private static string Ci(ConfidenceInterval? ci) => StatisticsFormat.Interval(ci);

    private static string P(double? p) => StatisticsFormat.PValue(p);

    private static void Table(StringBuilder sb, string[] header, IEnumerable<string[]> rows, int rightFrom)
    {
        var all = new List<string[]> { header };
        all.AddRange(rows);
        var widths = Enumerable.Range(0, header.Length).Select(c => all.Max(r => r[c].Length)).ToArray();
        foreach (var row in all)
        {
            sb.Append("  ");
            for (int c = 0; c < row.Length; c++)
            {
                if (c > 0) sb.Append("  ");
                sb.Append(c >= rightFrom ? row[c].PadLeft(widths[c]) : row[c].PadRight(widths[c]));
            }
            sb.Length = sb.ToString().TrimEnd().Length;
            sb.AppendLine();
        }
    }
}
