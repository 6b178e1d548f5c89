using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using CamReview.Core.Statistics;
using CamReview.Data.Entities;

namespace CamReview.Web.Studies;

/// <summary>A study's results as one self-contained HTML file: design, participants and exclusions, per-question
/// statistics and charts (inline SVG). No script, no style sheet or font to fetch, no address of anything: it opens
/// offline, and prints. Its own Content-Security-Policy forbids scripts and fetching anything, wherever it is opened. Every text that came from users (names, questions, methods, pairs) is HTML-encoded.</summary>
public static class StudyReportHtml
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Render(StudyReport report, IReadOnlyList<string> pairNames)
    {
        var study = report.Study;
        var design = study.Draft;
        var analysis = report.Analysis;
        var html = new StringBuilder();
        html.Append($$"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8" />
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'" />
            <meta name="viewport" content="width=device-width, initial-scale=1" />
            <title>{{E(study.Name)}}: study results</title>
            <style>
            body { font-family: {{SvgCharts.FontFamily}}; color: #212529; margin: 2rem auto; max-width: 960px; padding: 0 1rem; line-height: 1.4; }
            h1 { font-size: 1.6rem; margin-bottom: .25rem; } h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid #dee2e6; }
            h3 { font-size: 1.05rem; margin-top: 1.5rem; } .muted { color: #6c757d; font-size: .9rem; }
            table { border-collapse: collapse; margin: .5rem 0 1rem; font-size: .875rem; } th, td { border-bottom: 1px solid #dee2e6; padding: .25rem .5rem; text-align: left; vertical-align: top; }
            td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; } dl { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; }
            dt { font-weight: bold; } dd { margin: 0; } .chart { max-width: 100%; height: auto; display: block; margin: .5rem 0 1rem; }
            .scroll { overflow-x: auto; } @media print { h2 { break-after: avoid; } .chart, table { break-inside: avoid; } }
            </style>
            </head>
            <body>
            <h1>{{E(study.Name)}}</h1>
            <p class="muted">Project {{E(study.ProjectName)}} · {{E(study.State.ToString().ToLowerInvariant())}} · results computed {{report.ComputedUtc.ToString("yyyy-MM-dd HH:mm:ss", Inv)}} UTC by CamReview</p>
            """);

        html.Append("<h2>Design</h2><dl>");
        Item(html, "Design", StudyLabels.Design(design.Design) + (design.Design == StudyDesign.BestOfN ? $" (N = {design.CandidatesPerTrial})" : ""));
        Item(html, $"Methods ({design.Methods.Count})", string.Join(", ", design.Methods));
        Item(html, $"Pairs ({pairNames.Count})", pairNames.Count == 0 ? "none left (deleted)" : string.Join(", ", pairNames));
        Item(html, "Comparisons", study.Comparisons.ToString(Inv));
        Item(html, "Trials per participant", $"{design.TrialsPerParticipant} comparison trial{(design.TrialsPerParticipant == 1 ? "" : "s")} + {design.AttentionChecks} attention check{(design.AttentionChecks == 1 ? "" : "s")} (the same video on every side; the right answer is \"no preference\")"
            + (design.RepeatedTrials > 0 ? $" + {design.RepeatedTrials} repeated comparison{(design.RepeatedTrials == 1 ? "" : "s")} (sides mirrored, for the consistency check only)" : ""));
        Item(html, "Admission", design.Admission == StudyAdmission.Invitation ? "by invitation only (one participant per code)" : "anyone with the participant link");
        Item(html, "Quality rules", string.Join("; ", new[] { "attention checks", "inconsistent repeated comparisons" }
            .Concat(design.FlagFastAnswers ? ["answers before the videos could have played", "answer times below a third of the study's median"] : [])
            .Concat(design.SharedAddressLimit > 0 ? [$"more than {design.SharedAddressLimit} participants from one client address"] : [])));
        Item(html, "Answers offered", string.Join(", ", new[] { "a candidate" }.Concat(design.AllowTie ? ["no preference"] : []).Concat(design.AllowBothBad ? ["both bad / none acceptable"] : [])));
        Item(html, "Watch once before answering", design.WatchBeforeVoting ? "yes: the answers open when the videos have played to the end" : "no");
        Item(html, "Opened / closed", $"{Time(study.OpenedUtc)} / {Time(study.ClosedUtc)}");
        html.Append("</dl><h3>Questions</h3><table><thead><tr><th>short name</th><th>wording</th><th>target image shown</th></tr></thead><tbody>");
        foreach (var q in design.Questions)
            html.Append($"<tr><td>{E(q.Key)}</td><td>{E(q.Text)}</td><td>{(q.ShowTarget == true ? "yes" : "no")}</td></tr>");
        html.Append("</tbody></table>");

        var participants = report.Participants;
        var excluded = participants.Where(p => p.Excluded).ToList();
        html.Append($"""
            <h2>Participants</h2>
            <p>{participants.Count} joined, {participants.Count(p => p.CompletionCode is not null)} completed, {excluded.Count} excluded
            ({analysis.ExcludedVotes} of their votes left out); {analysis.Votes} votes of {analysis.Participants} participants are analysed.</p>
            <p>{E(report.Summary)}.</p>
            """);
        if (excluded.Count > 0)
        {
            html.Append("<table><thead><tr><th>participant</th><th>reason</th><th class=\"n\">answered</th></tr></thead><tbody>");
            foreach (var p in excluded)
                html.Append($"<tr><td>{E(p.Participant)}</td><td>{E(p.ExcludedBecause!)}</td><td class=\"n\">{p.Answered} / {p.Expected}</td></tr>");
            html.Append("</tbody></table>");
        }
        var kept = participants.Where(p => p.IncludedAnyway is not null).ToList();
        if (kept.Count > 0)
        {
            html.Append("<p>Flagged but included by the team:</p><table><thead><tr><th>participant</th><th>flags</th><th>included by</th></tr></thead><tbody>");
            foreach (var p in kept)
                html.Append($"<tr><td>{E(p.Participant)}</td><td>{E(string.Join("; ", p.Flags.Select(f => f.Reason)))}</td><td>{E(p.IncludedAnyway!)}</td></tr>");
            html.Append("</tbody></table>");
        }

        html.Append("<h2>Results</h2>");
        if (analysis.Questions.Count == 0) html.Append("<p>No votes yet.</p>");
        var order = design.Questions.Select(q => q.Key).ToList();
        foreach (var q in analysis.Questions.OrderBy(q => order.IndexOf(q.Question)))
            Question(html, q, design.Questions.FirstOrDefault(d => d.Key == q.Question)?.Text ?? q.Question);

        html.Append($"""
            <h2>How the numbers are made</h2>
            <p class="muted">Pairwise win rates leave ties and both-bad answers out; their intervals are Wilson 95% intervals; p is the exact
            two-sided binomial test against 0.5, Holm-adjusted over the pairs of a question. Best-of-N shares are tested against the
            chance share 1/N. Bradley-Terry scores are maximum-likelihood log-strengths (a tie is half a win each, both-bad is left out),
            centred on 0, with {E(analysis.Bootstrap.Unit)}-bootstrap {analysis.Bootstrap.Confidence.ToString("0%", Inv)} intervals
            ({analysis.Bootstrap.Resamples} resamples, seed {analysis.Bootstrap.Seed}). Votes are treated as independent.
            The same numbers come from <code>camreview stats</code> on the study's vote export.</p>
            </body>
            </html>
            """);
        return html.ToString();
    }

    private static void Question(StringBuilder html, QuestionResult q, string text)
    {
        html.Append($"<h3>{E(text)} <span class=\"muted\">({E(q.Question)} · {q.Votes} votes)</span></h3>");
        if (q.Pairs.Count > 0)
        {
            html.Append("<div class=\"scroll\"><table><thead><tr><th>A</th><th>B</th><th class=\"n\">A wins</th><th class=\"n\">B wins</th><th class=\"n\">ties</th><th class=\"n\">both bad</th>"
                + "<th class=\"n\">A win rate</th><th>95% Wilson</th><th class=\"n\">p</th><th class=\"n\">p (Holm)</th></tr></thead><tbody>");
            foreach (var p in q.Pairs)
                html.Append($"<tr><td>{E(p.A)}</td><td>{E(p.B)}</td><td class=\"n\">{p.AWins}</td><td class=\"n\">{p.BWins}</td><td class=\"n\">{p.Ties}</td><td class=\"n\">{p.BothBad}</td>"
                    + $"<td class=\"n\">{StatisticsFormat.Number(p.WinRateA)}</td><td>{StatisticsFormat.Interval(p.WilsonA)}</td><td class=\"n\">{StatisticsFormat.PValue(p.PValue)}</td><td class=\"n\">{StatisticsFormat.PValue(p.PValueHolm)}</td></tr>");
            html.Append("</tbody></table></div>");
            var rows = q.Pairs.Where(p => p.WinRateA is not null).Select(p => new IntervalRow($"{p.A} vs {p.B}", p.WinRateA!.Value, p.WilsonA?.Low, p.WilsonA?.High)).ToList();
            if (rows.Count > 0) html.Append(SvgCharts.Intervals("Win rate of A over B, 95% Wilson intervals", rows, 0, 1, 0.5, "win rate of the first method"));
        }
        if (q.BestOfN.Count > 0)
        {
            html.Append("<div class=\"scroll\"><table><thead><tr><th>method</th><th class=\"n\">shown</th><th class=\"n\">chosen</th><th class=\"n\">no preference</th><th class=\"n\">none acceptable</th>"
                + "<th class=\"n\">share</th><th>95% Wilson</th><th class=\"n\">chance</th><th class=\"n\">p</th></tr></thead><tbody>");
            foreach (var c in q.BestOfN)
                html.Append($"<tr><td>{E(c.Method)}</td><td class=\"n\">{c.Shown}</td><td class=\"n\">{c.Chosen}</td><td class=\"n\">{c.Ties}</td><td class=\"n\">{c.BothBad}</td>"
                    + $"<td class=\"n\">{StatisticsFormat.Number(c.Share)}</td><td>{StatisticsFormat.Interval(c.Wilson)}</td><td class=\"n\">{StatisticsFormat.Number(c.Chance)}</td><td class=\"n\">{StatisticsFormat.PValue(c.PValue)}</td></tr>");
            html.Append("</tbody></table></div>");
            var rows = q.BestOfN.Where(c => c.Share is not null).Select(c => new IntervalRow(c.Method, c.Share!.Value, c.Wilson?.Low, c.Wilson?.High)).ToList();
            if (rows.Count > 0) html.Append(SvgCharts.Intervals("Share chosen, 95% Wilson intervals", rows, 0, 1,
                q.BestOfN.FirstOrDefault(c => c.Chance is not null)?.Chance ?? 0, "share of decisive trials (dotted: chance)"));
        }
        if (q.BradleyTerry.Count > 0)
        {
            html.Append("<div class=\"scroll\"><table><thead><tr><th class=\"n\">rank</th><th>method</th><th class=\"n\">score</th><th>95% bootstrap</th><th>rank range</th><th class=\"n\">comparisons</th></tr></thead><tbody>");
            foreach (var s in q.BradleyTerry)
                html.Append($"<tr><td class=\"n\">{s.Rank}</td><td>{E(s.Method)}</td><td class=\"n\">{StatisticsFormat.Score(s.Score)}</td><td>{StatisticsFormat.Interval(s.Ci)}</td>"
                    + $"<td>{StatisticsFormat.RankRange(s.RankCi)}</td><td class=\"n\">{s.Comparisons}</td></tr>");
            html.Append("</tbody></table></div>");
            if (q.ComparisonComponents > 1)
                html.Append($"<p class=\"muted\">The methods fall into {q.ComparisonComponents} groups never compared with each other: scores compare only within a group.</p>");
            var rows = q.BradleyTerry.Select(s => new IntervalRow(s.Method, s.Score, s.Ci?.Low, s.Ci?.High)).ToList();
            var values = rows.SelectMany(r => new[] { r.Value, r.Low ?? r.Value, r.High ?? r.Value }).ToList();
            double reach = Math.Max(0.5, Math.Ceiling(values.Max(Math.Abs) * 2) / 2);
            html.Append(SvgCharts.Intervals("Bradley-Terry scores, 95% bootstrap intervals", rows, -reach, reach, 0, "score (log-strength; a difference of 1 is odds of 2.7 to 1)"));
        }
    }

    private static void Item(StringBuilder html, string term, string value) => html.Append($"<dt>{E(term)}</dt><dd>{E(value)}</dd>");

    private static string Time(DateTime? utc) => utc is { } t ? t.ToString("yyyy-MM-dd HH:mm", Inv) + " UTC" : "-";

    private static string E(string text) => HtmlEncoder.Default.Encode(text);
}
