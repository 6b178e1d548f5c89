using CamReview.Core.Statistics;
using CamReview.Data;
using CamReview.Data.Entities;
using CamReview.Web.Studies;
using Microsoft.EntityFrameworkCore;

namespace CamReview.Web.Demo;

/// <summary>The demo's preference study: once the demo pair's outputs are rendered and scored, an open pairwise study
/// over them, answered by <see cref="Participants"/> simulated participants through the ordinary participant service, so
/// that a new user sees results (and can take part through the link) on first start. The simulation is seeded: the
/// same outputs give the same votes. Simulated taste follows CameraScore (a lower score is preferred more often), with
/// some "no preference" and "both bad" answers, and two inattentive participants who fail the attention check.</summary>
public sealed class DemoStudy(IDbContextFactory<CamReviewDb> dbs, StudyService studies, ParticipantService participants, ILogger<DemoStudy> log)
{
    public const string StudyName = "Demo: which transfer looks right?";
    public const int Participants = 24;
    public const int Seed = 20261121;
    private static readonly int[] Inattentive = [5, 17];

    /// <summary>Waits (up to <paramref name="timeout"/>) until the pair has <paramref name="outputs"/> scored outputs,
    /// then makes the study; does nothing when a render failed.</summary>
    public async Task CreateWhenScoredAsync(int projectId, int pairId, int outputs, int? ownerId, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + timeout;
        Dictionary<string, double> scores;
        while (true)
        {
            await using (var db = await dbs.CreateDbContextAsync(ct))
            {
                scores = await (from a in db.Assets
                                join s in db.OutputScores on a.Id equals s.AssetId
                                where a.PairId == pairId && a.Kind == AssetKind.Output && s.CameraScore != null
                                select new { a.MethodName, s.CameraScore })
                    .ToDictionaryAsync(x => x.MethodName!, x => x.CameraScore!.Value, ct);
                if (scores.Count >= outputs) break;
                if (await db.Jobs.AnyAsync(j => j.PairId == pairId && j.State == JobState.Failed, ct) || DateTime.UtcNow > deadline)
                {
                    log.LogWarning("Demo: no study, the demo outputs were not all rendered and scored ({Count} of {Outputs})", scores.Count, outputs);
                    return;
                }
            }
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }

        var draft = StudyDraft.Default(StudyName) with
        {
            TrialsPerParticipant = scores.Count * (scores.Count - 1), // every comparison twice, sides swapped
            PairIds = [pairId],
            Methods = [.. scores.Keys],
            // The simulated participants answer at once: the answer-time rules would flag every one of them.
            FlagFastAnswers = false,
        };
        var created = await studies.CreateInProjectAsync(projectId, ownerId, draft, ct);
        if (!created.Succeeded) throw new InvalidOperationException($"demo study refused: {created.Error}");
        var opened = await studies.MoveAsync(created.Value, StudyState.Open, ct);
        if (!opened.Succeeded) throw new InvalidOperationException($"demo study not opened: {opened.Error}");
        // Participants join once the study's videos are encoded for them (a job queued by the opening).
        while (true)
        {
            await using (var db = await dbs.CreateDbContextAsync(ct))
            {
                var media = await db.Studies.Where(s => s.Id == created.Value).Select(s => new { s.MediaReadyUtc, s.MediaJobId }).SingleAsync(ct);
                if (media.MediaReadyUtc is not null) break;
                if (await db.Jobs.AnyAsync(j => j.Id == media.MediaJobId && (j.State == JobState.Failed || j.State == JobState.Canceled), ct) || DateTime.UtcNow > deadline)
                {
                    log.LogWarning("Demo: the study's videos were not prepared, so it has no simulated participants");
                    return;
                }
            }
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }
        await SimulateAsync(created.Value, scores, ct);
        log.LogInformation("Demo: study {Study} with {Participants} simulated participants", created.Value, Participants);
    }

    private async Task SimulateAsync(int studyId, Dictionary<string, double> scores, CancellationToken ct)
    {
        string token;
        Dictionary<int, string> methodOf;
        await using (var db = await dbs.CreateDbContextAsync(ct))
        {
            token = await db.Studies.Where(s => s.Id == studyId).Select(s => s.Token).SingleAsync(ct);
            methodOf = await db.StudyMedia.Where(m => m.StudyId == studyId && m.MethodName != null).ToDictionaryAsync(m => m.Id, m => m.MethodName!, ct);
        }
        // Strength by CameraScore rank: the best-scored output is preferred to the worst about 4 times in 5 (per step 0.7).
        var ranked = scores.OrderBy(s => s.Value).Select(s => s.Key).ToList();
        var strength = ranked.Select((m, i) => (m, 0.7 * ((ranked.Count - 1) / 2.0 - i))).ToDictionary(x => x.m, x => x.Item2);
        var random = new Random(Seed);
        for (int p = 0; p < Participants; p++)
        {
            var joined = await participants.JoinAsync(token, ct: ct);
            if (!joined.Succeeded) throw new InvalidOperationException($"demo participant refused: {joined.Error}");
            var (key, session) = joined.Value!;
            // Media addresses are the participant's own; the methods come from their trials.
            Dictionary<int, string[]> methodsOfTrial;
            await using (var db = await dbs.CreateDbContextAsync(ct))
                methodsOfTrial = (await db.StudyTrials.Where(t => t.Participant.StudyId == studyId && t.Participant.PublicId == session.Participant)
                    .Select(t => new { t.Position, t.CandidateMediaIds }).ToListAsync(ct))
                    .ToDictionary(t => t.Position, t => StudyDesigner.Split(t.CandidateMediaIds).Select(id => methodOf[id]).ToArray());
            foreach (var trial in session.Trials)
            {
                var methods = methodsOfTrial[trial.Trial];
                bool check = methods.Distinct().Count() == 1;
                foreach (var question in session.Questions)
                {
                    string choice;
                    if (check) choice = Inattentive.Contains(p) ? "0" : VoteChoice.Tie;
                    else
                    {
                        var u = random.NextDouble();
                        if (u < 0.08) choice = VoteChoice.Tie;
                        else if (u < 0.12) choice = VoteChoice.BothBad;
                        else
                        {
                            var left = 1 / (1 + Math.Exp(strength[methods[1]] - strength[methods[0]]));
                            choice = random.NextDouble() < left ? "0" : "1";
                        }
                    }
                    var vote = await participants.VoteAsync(token, key, new VoteRequest(trial.Trial, question.Key, choice, 2000 + random.Next(6000)), ct);
                    if (!vote.Succeeded) throw new InvalidOperationException($"demo vote refused: {vote.Error}");
                }
            }
        }
    }
}
