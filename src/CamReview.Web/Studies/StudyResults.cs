using System.Globalization;
using System.Security.Claims;
using CamReview.Core.Statistics;
using CamReview.Core.Text;
using CamReview.Data;
using CamReview.Data.Entities;
using CamReview.Web.Accounts;
using CamReview.Web.Authorization;
using CamReview.Web.Compare;
using CamReview.Web.Services;
using Microsoft.EntityFrameworkCore;

namespace CamReview.Web.Studies;

/// <summary>A participant as the results show them: progress, attention checks, quality flags and whether they are
/// left out (<see cref="ExcludedBecause"/>: the reasons of the flags nobody chose to include; null: in the results).
/// <see cref="IncludedAnyway"/> says who kept a flagged participant in, and when.</summary>
public sealed record ParticipantRow(
    string Participant, DateTime JoinedUtc, int Trials, int Answered, int Expected, string? CompletionCode, int ChecksPassed, int ChecksFailed,
    bool Excluded, double? MedianResponseMs, string? PanelId, string? InvitationCode, IReadOnlyList<QualityFlag> Flags, IReadOnlyList<string> ExcludingFlags,
    string? IncludedAnyway)
{
    public string? ExcludedBecause => Excluded ? string.Join("; ", Flags.Where(f => ExcludingFlags.Contains(f.Code)).Select(f => f.Reason)) : null;
}

/// <summary>The team's choice to keep flagged participants: one participant or everyone with a flag.</summary>
public sealed record InclusionRow(int Id, string? Participant, string? Flag, string IncludedBy, DateTime IncludedUtc)
{
    public string Describe() => $"{IncludedBy}, {IncludedUtc.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC"
        + (Flag is null ? " (this participant)" : $" (everyone flagged {Flag})");
}

/// <summary>A study's votes as the statistics read them (comparison trials only: method names in the order shown), and
/// who is excluded: participants with a quality flag (<see cref="ParticipantQuality"/>) that the team has not chosen to include.</summary>
public sealed record StudyVoteSet(IReadOnlyList<Vote> Votes, IReadOnlyList<ParticipantRow> Participants, IReadOnlyList<string> Excluded, IReadOnlyList<InclusionRow> Inclusions);

/// <summary>Everything the results page shows: the analysis of <see cref="StudyAnalysis"/> with the portal's exclusions.</summary>
public sealed record StudyReport(StudyDetails Study, StudyResult Analysis, IReadOnlyList<ParticipantRow> Participants, IReadOnlyList<string> Excluded,
    IReadOnlyList<string> Methods, DateTime ComputedUtc, IReadOnlyList<InclusionRow> Inclusions, string Summary, MethodColours Colours)
{
    /// <summary>The <c>--exclude</c> argument that makes <c>camreview stats</c> on the vote export give these numbers.</summary>
    public IReadOnlyList<string> ExcludedWithVotes => Excluded.Where(id => Participants.Any(p => p.Participant == id && p.Answered > 0)).ToList();
}

/// <summary>Results of a study, computed by the same statistics as <c>camreview stats</c> (<see cref="StudyAnalysis"/> with
/// its default options: 1000 participant-bootstrap resamples, seed 1, 95%), and its CSV exports.</summary>
public sealed class StudyResults(IDbContextFactory<CamReviewDb> dbs, StudyService studies, StudyEvents events, TimeProvider? clock = null)
{
    public static readonly string[] Exports = ["votes", "pairs", "bradley-terry", "best-of-n", "participants"];
    private static readonly string[] VoteExtraColumns = ["panel_id", "excluded", "included_anyway"];
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
        MethodColours colours;
        await using (var db = await dbs.CreateDbContextAsync(ct))
            colours = await MethodColours.OfProjectAsync(db, details.Value!.ProjectId, details.Value.Draft.Methods, ct);
        return Result<StudyReport>.Ok(new StudyReport(details.Value!, analysis, participants, set.Excluded, details.Value!.Draft.Methods, _clock.GetUtcNow().UtcDateTime,
            set.Inclusions, Summary(participants), colours));
    }

    /// <summary>"12 participants, 3 excluded (failed an attention check: 2; ...); 1 flagged but included".</summary>
    public static string Summary(IReadOnlyList<ParticipantRow> participants)
    {
        var excluded = participants.Where(p => p.Excluded).ToList();
        var text = $"{participants.Count} participant{(participants.Count == 1 ? "" : "s")}, {excluded.Count} excluded";
        if (excluded.Count > 0)
            text += " (" + string.Join("; ", ParticipantQuality.Flags.Select(f => (f.Title, Count: excluded.Count(p => p.ExcludingFlags.Contains(f.Code))))
                .Where(f => f.Count > 0).Select(f => $"{f.Title}: {f.Count}")) + ")";
        var included = participants.Count(p => p.IncludedAnyway is not null);
        if (included > 0) text += $"; {included} flagged but included by the team";
        return text;
    }

    /// <summary>Keeps a flagged participant (by public id), or everyone with a flag, in the results; recorded with who
    /// chose it and when. Choosing it again changes nothing.</summary>
    public async Task<Result<InclusionRow>> IncludeAsync(ClaimsPrincipal user, int studyId, string? participant, string? flag, CancellationToken ct = default)
    {
        var (allowed, _) = await studies.AccessAsync(user, studyId, Permission.ManageStudies, ct);
        if (!allowed.Allowed) return allowed.Deny<InclusionRow>();
        participant = string.IsNullOrWhiteSpace(participant) ? null : participant.Trim();
        flag = string.IsNullOrWhiteSpace(flag) ? null : flag.Trim();
        if ((participant is null) == (flag is null)) return Result<InclusionRow>.Fail("Include either one participant or everyone with one flag.");
        if (flag is not null && ParticipantQuality.Flags.All(f => f.Code != flag))
            return Result<InclusionRow>.Fail($"There is no flag \"{flag}\": the flags are {string.Join(", ", ParticipantQuality.Flags.Select(f => f.Code))}.");
        await using var db = await dbs.CreateDbContextAsync(ct);
        int? participantId = null;
        if (participant is not null)
        {
            participantId = await db.StudyParticipants.Where(p => p.StudyId == studyId && p.PublicId == participant).Select(p => (int?)p.Id).SingleOrDefaultAsync(ct);
            if (participantId is null) return Result<InclusionRow>.Fail($"This study has no participant {participant}.", ResultStatus.NotFound);
        }
        var existing = await db.StudyInclusions.Where(i => i.StudyId == studyId && i.ParticipantId == participantId && i.Flag == flag).Select(i => (int?)i.Id).FirstOrDefaultAsync(ct);
        if (existing is null)
        {
            var inclusion = new StudyInclusion { StudyId = studyId, ParticipantId = participantId, Flag = flag, IncludedByUserId = user.UserId(), IncludedUtc = _clock.GetUtcNow().UtcDateTime };
            db.StudyInclusions.Add(inclusion);
            await db.SaveChangesAsync(ct);
            existing = inclusion.Id;
            events.Raise(studyId);
        }
        return Result<InclusionRow>.Ok((await InclusionsAsync(db, studyId, ct)).Single(i => i.Id == existing));
    }

    /// <summary>Withdraws an inclusion: its participants are excluded again by their flags. One withdrawn before is no
    /// error (false: there was nothing left to withdraw).</summary>
    public async Task<Result<bool>> WithdrawAsync(ClaimsPrincipal user, int studyId, int inclusionId, CancellationToken ct = default)
    {
        var (allowed, _) = await studies.AccessAsync(user, studyId, Permission.ManageStudies, ct);
        if (!allowed.Allowed) return allowed.Deny<bool>();
        await using var db = await dbs.CreateDbContextAsync(ct);
        if (await db.StudyInclusions.Where(i => i.StudyId == studyId && i.Id == inclusionId).ExecuteDeleteAsync(ct) == 0) return Result<bool>.Ok(false);
        events.Raise(studyId);
        return Result<bool>.Ok(true);
    }

    private static async Task<List<InclusionRow>> InclusionsAsync(CamReviewDb db, int studyId, CancellationToken ct) =>
        await db.StudyInclusions.AsNoTracking().Where(i => i.StudyId == studyId).OrderBy(i => i.Id)
            .Select(i => new InclusionRow(i.Id, i.Participant == null ? null : i.Participant.PublicId, i.Flag, i.IncludedBy == null ? "(deleted account)" : i.IncludedBy.DisplayName, i.IncludedUtc))
            .ToListAsync(ct);

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
            var set = await LoadAsync(studyId, ct);
            var rows = set.Participants.ToDictionary(p => p.Participant);
            VoteCsv.Write(writer, set.Votes, VoteExtraColumns, v => rows[v.Participant] is var p ? [p.PanelId ?? "", p.ExcludedBecause ?? "", p.IncludedAnyway ?? ""] : []);
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
                CsvField.WriteRow(writer, ["participant", "panel_id", "invitation_code", "joined_utc", "trials", "answered", "expected", "completion_code",
                    "checks_passed", "checks_failed", "median_response_ms", "flags", "excluded", "included_anyway"]);
                foreach (var p in r.Participants)
                    CsvField.WriteRow(writer, [p.Participant, p.PanelId ?? "", p.InvitationCode ?? "", p.JoinedUtc.ToString("O", CultureInfo.InvariantCulture), I(p.Trials),
                        I(p.Answered), I(p.Expected), p.CompletionCode ?? "", I(p.ChecksPassed), I(p.ChecksFailed), N(p.MedianResponseMs),
                        string.Join(";", p.Flags.Select(f => f.Code)), p.ExcludedBecause ?? "", p.IncludedAnyway ?? ""]);
                break;
        }
        return Result<string>.Ok(writer.ToString());
    }

    /// <summary>The study's votes in the statistics' terms, the participants' quality flags and who is excluded. Access
    /// is the caller's business.</summary>
    internal async Task<StudyVoteSet> LoadAsync(int studyId, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var study = await db.Studies.AsNoTracking().Where(s => s.Id == studyId).Select(s => new { s.FlagFastAnswers, s.SharedAddressLimit }).SingleAsync(ct);
        var media = await db.StudyMedia.AsNoTracking().Where(m => m.StudyId == studyId).ToDictionaryAsync(m => m.Id, m => new { m.MethodName, m.DurationMs }, ct);
        var questionCount = await db.StudyQuestions.CountAsync(q => q.StudyId == studyId, ct);
        var participants = await db.StudyParticipants.AsNoTracking().Where(p => p.StudyId == studyId).OrderBy(p => p.Ordinal)
            .Select(p => new
            {
                p.Id, p.PublicId, p.CreatedUtc, p.CompletionCode, p.PanelId, p.AddressHash, Trials = p.Trials.Count,
                Code = db.StudyInvitations.Where(i => i.ParticipantId == p.Id).Select(i => i.Code).FirstOrDefault(),
            }).ToListAsync(ct);
        var trials = await db.StudyTrials.AsNoTracking().Where(t => t.Participant.StudyId == studyId)
            .Select(t => new { t.Id, t.ParticipantId, t.Position, t.Kind, t.ReferenceMediaId, t.CandidateMediaIds, t.RepeatOf }).ToListAsync(ct);
        var rows = await db.StudyVotes.AsNoTracking().Where(v => v.Participant.StudyId == studyId)
            .OrderBy(v => v.Participant.Ordinal).ThenBy(v => v.Trial.Position).ThenBy(v => v.Question.Position)
            .Select(v => new { v.ParticipantId, v.TrialId, v.Question.Key, v.Answer, v.ChosenPosition, v.ResponseMs, v.CreatedUtc })
            .ToListAsync(ct);
        var inclusions = await InclusionsAsync(db, studyId, ct);

        var trialById = trials.ToDictionary(t => t.Id);
        var publicIds = participants.ToDictionary(p => p.Id, p => p.PublicId);
        string[] Options(string candidates) => StudyDesigner.Split(candidates).Select(id => media[id].MethodName!).ToArray();
        string Choice(VoteAnswer answer, int? position, string[] options) => answer switch
        {
            VoteAnswer.Tie => VoteChoice.Tie,
            VoteAnswer.BothBad => VoteChoice.BothBad,
            _ => options[position!.Value],
        };

        // Only comparisons are votes between methods: checks show one output twice, and repeats would count a comparison twice.
        var votes = new List<Vote>(rows.Count);
        foreach (var v in rows)
        {
            var trial = trialById[v.TrialId];
            if (trial.Kind != TrialKind.Comparison) continue;
            var options = Options(trial.CandidateMediaIds);
            votes.Add(new Vote(publicIds[v.ParticipantId], $"t{trial.Position}", v.Key, options, Choice(v.Answer, v.ChosenPosition, options), v.ResponseMs));
        }

        var votesByTrial = rows.GroupBy(v => v.TrialId).ToDictionary(g => g.Key, g => g.ToList());
        // Looked up per participant: a study may have thousands of them.
        var trialsOf = trials.ToLookup(t => t.ParticipantId);
        var answeredBy = rows.GroupBy(r => r.ParticipantId).ToDictionary(g => g.Key, g => g.Count());
        var participantInclusions = inclusions.Where(i => i.Participant is not null).GroupBy(i => i.Participant!).ToDictionary(g => g.Key, g => g.Last());
        var flagInclusions = inclusions.Where(i => i.Flag is not null).GroupBy(i => i.Flag!).ToDictionary(g => g.Key, g => g.Last());
        var quality = participants.Select(p => new QualityParticipant(p.PublicId, p.CreatedUtc, p.AddressHash, trialsOf[p.Id].Select(t =>
        {
            var options = Options(t.CandidateMediaIds);
            var answers = votesByTrial.GetValueOrDefault(t.Id) ?? [];
            var clips = StudyDesigner.Split(t.CandidateMediaIds).Append(t.ReferenceMediaId).Select(id => media[id].DurationMs).Where(d => d is > 0).ToList();
            return new QualityTrial(t.Position, t.Kind switch { TrialKind.AttentionCheck => QualityTrialKind.AttentionCheck, TrialKind.Repeat => QualityTrialKind.Repeat, _ => QualityTrialKind.Comparison },
                options, answers.ToDictionary(a => a.Key, a => Choice(a.Answer, a.ChosenPosition, options), StringComparer.Ordinal), clips.Count > 0 ? clips.Min() : null,
                answers.Select(a => a.ResponseMs).Where(ms => ms is not null).Min(), answers.Count > 0 ? answers.Min(a => a.CreatedUtc) : null,
                answers.Count > 0 ? answers.Max(a => a.CreatedUtc) : null, t.RepeatOf);
        }).ToList())).ToList();
        var flags = ParticipantQuality.Assess(quality, new QualityRules { FastAnswers = study.FlagFastAnswers, SharedAddressLimit = study.SharedAddressLimit });

        var table = participants.Select(p =>
        {
            var own = trialsOf[p.Id].Where(t => t.Kind == TrialKind.AttentionCheck).Select(t => votesByTrial.GetValueOrDefault(t.Id) ?? []).Where(a => a.Count > 0).ToList();
            // A check with any side picked fails, even if another question of it was answered "no preference".
            int failed = own.Count(a => a.Any(v => v.Answer == VoteAnswer.Pick));
            var flagged = flags[p.PublicId];
            var byParticipant = participantInclusions.GetValueOrDefault(p.PublicId);
            var byFlag = flagged.Select(f => flagInclusions.GetValueOrDefault(f.Code)).ToList();
            var excluding = byParticipant is not null ? [] : flagged.Where((f, k) => byFlag[k] is null).Select(f => f.Code).ToList();
            var includer = flagged.Count == 0 || excluding.Count > 0 ? null : byParticipant ?? byFlag.MaxBy(i => i!.IncludedUtc);
            return new ParticipantRow(p.PublicId, p.CreatedUtc, p.Trials, answeredBy.GetValueOrDefault(p.Id), p.Trials * questionCount, p.CompletionCode,
                own.Count - failed, failed, excluding.Count > 0, null, p.PanelId, p.Code, flagged, excluding, includer?.Describe());
        }).ToList();
        return new StudyVoteSet(votes, table, table.Where(p => p.Excluded).Select(p => p.Participant).ToList(), inclusions);
    }
}
