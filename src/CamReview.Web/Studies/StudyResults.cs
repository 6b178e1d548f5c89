using System.Globalization;
using System.Security.Claims;
using CamReview.Core.Statistics;
using CamReview.Core.Text;
using CamReview.Data;
using CamReview.Data.Entities;
using CamReview.Web.Authorization;
using CamReview.Web.Services;
using Microsoft.EntityFrameworkCore;

namespace CamReview.Web.Studies;

/// <summary>A participant as the results show them: progress, attention checks and whether they are left out.</summary>
public sealed record ParticipantRow(
    string Participant, DateTime JoinedUtc, int Trials, int Answered, int Expected, string? CompletionCode, int ChecksPassed, int ChecksFailed,
    bool Excluded, double? MedianResponseMs);

/// <summary>A study's votes as the statistics read them (comparison trials only: method names in the order shown), and
/// who is excluded: participants who picked a side in an attention check (identical candidates).</summary>
public sealed record StudyVoteSet(IReadOnlyList<Vote> Votes, IReadOnlyList<ParticipantRow> Participants, IReadOnlyList<string> Excluded);

/// <summary>Everything the results page shows: the analysis of <see cref="StudyAnalysis"/> with the portal's exclusions.</summary>
public sealed record StudyReport(StudyDetails Study, StudyResult Analysis, IReadOnlyList<ParticipantRow> Participants, IReadOnlyList<string> Excluded,
    IReadOnlyList<string> Methods, DateTime ComputedUtc)
{
    /// <summary>The <c>--exclude</c> argument that makes <c>camreview stats</c> on the vote export give these numbers.</summary>
    public IReadOnlyList<string> ExcludedWithVotes => Excluded.Where(id => Participants.Any(p => p.Participant == id && p.Answered > 0)).ToList();
}

/// <summary>Results of a study, computed by the same statistics as <c>camreview stats</c> (<see cref="StudyAnalysis"/> with
/// its default options: 1000 participant-bootstrap resamples, seed 1, 95%), and its CSV exports.</summary>
public sealed class StudyResults(IDbContextFactory<CamReviewDb> dbs, StudyService studies, TimeProvider? clock = null)
{
    public static readonly string[] Exports = ["votes", "pairs", "bradley-terry", "best-of-n", "participants"];
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    public async Task<Result<StudyReport>> ReportAsync(ClaimsPrincipal user, int studyId, CancellationToken ct = default)
    {
        var details = await studies.GetAsync(user, studyId, ct);
        if (!details.Succeeded) return details.Cast<StudyReport>();
        var set = await LoadAsync(studyId, ct);
        var analysis = StudyAnalysis.Analyze(set.Votes, new StudyAnalysisOptions { ExcludedParticipants = set.Excluded });
        // Median response times as the statistics compute them (over the comparison votes).
        var medians = analysis.ParticipantTable.ToDictionary(p => p.Participant, p => p.MedianResponseMs);
        var participants = set.Participants.Select(p => p with { MedianResponseMs = medians.GetValueOrDefault(p.Participant) }).ToList();
        return Result<StudyReport>.Ok(new StudyReport(details.Value!, analysis, participants, set.Excluded, details.Value!.Draft.Methods, _clock.GetUtcNow().UtcDateTime));
    }

    /// <summary>The results as one self-contained HTML file (<see cref="StudyReportHtml"/>).</summary>
    public async Task<Result<string>> ReportHtmlAsync(ClaimsPrincipal user, int studyId, CancellationToken ct = default)
    {
        var report = await ReportAsync(user, studyId, ct);
        if (!report.Succeeded) return report.Cast<string>();
        var pairIds = report.Value!.Study.Draft.PairIds;
        await using var db = await dbs.CreateDbContextAsync(ct);
        var pairNames = await db.Pairs.AsNoTracking().Where(p => pairIds.Contains(p.Id)).OrderBy(p => p.Name).Select(p => p.Name).ToListAsync(ct);
        return Result<string>.Ok(StudyReportHtml.Render(report.Value, pairNames));
    }

    /// <summary>One of <see cref="Exports"/> as CSV text.</summary>
    public async Task<Result<string>> ExportAsync(ClaimsPrincipal user, int studyId, string table, CancellationToken ct = default)
    {
        if (!Exports.Contains(table)) return Result<string>.Fail($"No export \"{table}\": choose {string.Join(", ", Exports)}.", ResultStatus.NotFound);
        var writer = new StringWriter(CultureInfo.InvariantCulture);
        if (table == "votes")
        {
            var allowed = await studies.GetAsync(user, studyId, ct);
            if (!allowed.Succeeded) return allowed.Cast<string>();
            VoteCsv.Write(writer, (await LoadAsync(studyId, ct)).Votes);
            return Result<string>.Ok(writer.ToString());
        }
        var report = await ReportAsync(user, studyId, ct);
        if (!report.Succeeded) return report.Cast<string>();
        var r = report.Value!;
        static string N(double? x) => x?.ToString("R", CultureInfo.InvariantCulture) ?? "";
        static string I(int x) => x.ToString(CultureInfo.InvariantCulture);
        switch (table)
        {
            case "pairs":
                CsvField.WriteRow(writer, ["question", "a", "b", "a_wins", "b_wins", "ties", "both_bad", "win_rate_a", "ci_low", "ci_high", "p", "p_holm"]);
                foreach (var q in r.Analysis.Questions)
                    foreach (var p in q.Pairs)
                        CsvField.WriteRow(writer, [q.Question, p.A, p.B, I(p.AWins), I(p.BWins), I(p.Ties), I(p.BothBad), N(p.WinRateA), N(p.WilsonA?.Low), N(p.WilsonA?.High), N(p.PValue), N(p.PValueHolm)]);
                break;
            case "bradley-terry":
                CsvField.WriteRow(writer, ["question", "method", "score", "ci_low", "ci_high", "rank", "rank_low", "rank_high", "comparisons", "component"]);
                foreach (var q in r.Analysis.Questions)
                    foreach (var s in q.BradleyTerry)
                        CsvField.WriteRow(writer, [q.Question, s.Method, N(s.Score), N(s.Ci?.Low), N(s.Ci?.High), I(s.Rank), N(s.RankCi?.Low), N(s.RankCi?.High), I(s.Comparisons), I(s.Component)]);
                break;
            case "best-of-n":
                CsvField.WriteRow(writer, ["question", "method", "shown", "chosen", "ties", "both_bad", "share", "ci_low", "ci_high", "chance", "p"]);
                foreach (var q in r.Analysis.Questions)
                    foreach (var c in q.BestOfN)
                        CsvField.WriteRow(writer, [q.Question, c.Method, I(c.Shown), I(c.Chosen), I(c.Ties), I(c.BothBad), N(c.Share), N(c.Wilson?.Low), N(c.Wilson?.High), N(c.Chance), N(c.PValue)]);
                break;
            default:
                CsvField.WriteRow(writer, ["participant", "joined_utc", "trials", "answered", "expected", "completion_code", "checks_passed", "checks_failed", "excluded", "median_response_ms"]);
                foreach (var p in r.Participants)
                    CsvField.WriteRow(writer, [p.Participant, p.JoinedUtc.ToString("O", CultureInfo.InvariantCulture), I(p.Trials), I(p.Answered), I(p.Expected), p.CompletionCode ?? "",
                        I(p.ChecksPassed), I(p.ChecksFailed), p.Excluded ? "true" : "false", N(p.MedianResponseMs)]);
                break;
        }
        return Result<string>.Ok(writer.ToString());
    }

    /// <summary>The study's votes in the statistics' terms. Access is the caller's business.</summary>
    internal async Task<StudyVoteSet> LoadAsync(int studyId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var methods = await db.StudyMedia.AsNoTracking().Where(m => m.StudyId == studyId).ToDictionaryAsync(m => m.Id, m => m.MethodName, ct);
        var questionCount = await db.StudyQuestions.CountAsync(q => q.StudyId == studyId, ct);
        var participants = await db.StudyParticipants.AsNoTracking().Where(p => p.StudyId == studyId).OrderBy(p => p.Ordinal)
            .Select(p => new { p.Id, p.PublicId, p.CreatedUtc, p.CompletionCode, Trials = p.Trials.Count }).ToListAsync(ct);
        var rows = await db.StudyVotes.AsNoTracking().Where(v => v.Participant.StudyId == studyId)
            .OrderBy(v => v.Participant.Ordinal).ThenBy(v => v.Trial.Position).ThenBy(v => v.Question.Position)
            .Select(v => new { v.ParticipantId, v.Participant.PublicId, v.Trial.Position, v.Trial.Kind, v.Trial.CandidateMediaIds, v.Question.Key, v.Answer, v.ChosenPosition, v.ResponseMs })
            .ToListAsync(ct);

        var votes = new List<Vote>(rows.Count);
        var checks = new Dictionary<int, (HashSet<int> Passed, HashSet<int> Failed)>();
        foreach (var v in rows)
        {
            if (v.Kind == TrialKind.AttentionCheck)
            {
                // Identical candidates: choosing one of them means the participant did not look.
                if (!checks.TryGetValue(v.ParticipantId, out var c)) checks[v.ParticipantId] = c = ([], []);
                (v.Answer == VoteAnswer.Pick ? c.Failed : c.Passed).Add(v.Position);
                continue;
            }
            var options = StudyDesigner.Split(v.CandidateMediaIds).Select(id => methods[id]!).ToArray();
            var choice = v.Answer switch
            {
                VoteAnswer.Tie => VoteChoice.Tie,
                VoteAnswer.BothBad => VoteChoice.BothBad,
                _ => options[v.ChosenPosition!.Value],
            };
            votes.Add(new Vote(v.PublicId, $"t{v.Position}", v.Key, options, choice, v.ResponseMs));
        }

        var table = participants.Select(p =>
        {
            var (passed, failed) = checks.GetValueOrDefault(p.Id, ([], []));
            // A check with any side picked fails, even if another question of it was answered "no preference".
            passed.ExceptWith(failed);
            return new ParticipantRow(p.PublicId, p.CreatedUtc, p.Trials, rows.Count(r => r.ParticipantId == p.Id), p.Trials * questionCount, p.CompletionCode,
                passed.Count, failed.Count, failed.Count > 0, null);
        }).ToList();
        return new StudyVoteSet(votes, table, table.Where(p => p.Excluded).Select(p => p.Participant).ToList());
    }
}
