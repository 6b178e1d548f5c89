using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using CamReview.Core.Statistics;
using CamReview.Data.Entities;
using CamReview.Web.Studies;
using Microsoft.EntityFrameworkCore;

namespace CamReview.Web.Tests;

public sealed class StudyTests(StudyWorld world) : IClassFixture<StudyWorld>
{
    private long Votes(int studyId) =>
        world.CountRows("StudyVotes", $"\"ParticipantId\" IN (SELECT \"Id\" FROM \"StudyParticipants\" WHERE \"StudyId\" = {studyId})");

    [Fact]
    public async Task VotesAreStoredOnceResubmissionsAreIdempotentAndChangesRefused()
    {
        var (id, token) = await world.OpenStudyAsync("integrity");
        using var p = new Participant(world.BaseAddress, token);
        await p.JoinOkAsync();
        Assert.Equal(4, p.Trials.Count()); // 3 comparisons + 1 attention check

        using (var first = await p.VoteAsync(1, "overall", "0"))
        {
            Assert.Equal(HttpStatusCode.Created, first.StatusCode);
            var receipt = await first.Content.ReadFromJsonAsync<JsonElement>();
            Assert.False(receipt.GetProperty("duplicate").GetBoolean());
        }
        using (var again = await p.VoteAsync(1, "overall", "0", responseMs: 999))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            var receipt = await again.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(receipt.GetProperty("duplicate").GetBoolean());
            Assert.Equal("0", receipt.GetProperty("choice").GetString());
        }
        using (var changed = await p.VoteAsync(1, "overall", "1"))
        {
            Assert.Equal(HttpStatusCode.Conflict, changed.StatusCode);
            Assert.Contains("already answered (0); an answer cannot be changed", await PortalClient.ErrorOf(changed));
        }
        Assert.Equal(1, Votes(id));
        await using (var db = world.OpenDb())
        {
            var stored = await db.StudyVotes.SingleAsync(v => v.Participant.StudyId == id);
            Assert.Equal((VoteAnswer.Pick, 0, 1234.0), (stored.Answer, stored.ChosenPosition, stored.ResponseMs));
        }

        // Bad requests change nothing and say why.
        foreach (var (trial, question, choice, status, message) in new[]
                 {
                     (99, "overall", "0", HttpStatusCode.NotFound, "There is no trial 99 in this session."),
                     (2, "beauty", "0", HttpStatusCode.NotFound, "This study has no question \"beauty\"."),
                     (2, "overall", "2", HttpStatusCode.BadRequest, "is not an answer of this trial (answers: 0, 1, tie, bothbad)"),
                     (2, "overall", "left", HttpStatusCode.BadRequest, "is not an answer of this trial"),
                 })
        {
            using var response = await p.VoteAsync(trial, question, choice);
            Assert.Equal(status, response.StatusCode);
            Assert.Contains(message, await PortalClient.ErrorOf(response));
        }
        using (var negative = await p.VoteAsync(2, "overall", "0", responseMs: -5))
            Assert.Equal(HttpStatusCode.BadRequest, negative.StatusCode);
        using (var stranger = new Participant(world.BaseAddress, token))
        using (var noKey = await stranger.VoteAsync(1, "overall", "0"))
            Assert.Equal(HttpStatusCode.Unauthorized, noKey.StatusCode);
        Assert.Equal(1, Votes(id));
    }

    [Fact]
    public async Task PausedAndClosedStudiesRefuseVotesAndParticipantsAndChangeNothing()
    {
        var (id, token) = await world.OpenStudyAsync("paused then closed");
        using var p = new Participant(world.BaseAddress, token);
        await p.JoinOkAsync();
        using (var ok = await p.VoteAsync(1, "scene", "1")) Assert.Equal(HttpStatusCode.Created, ok.StatusCode);
        using var admin = await world.ClientAsync();

        await admin.PostJsonOkAsync($"api/studies/{id}/state", new { state = "paused" });
        var participantsBefore = world.CountRows("StudyParticipants");
        using (var paused = await p.VoteAsync(1, "motion", "1"))
        {
            Assert.Equal(HttpStatusCode.Conflict, paused.StatusCode);
            Assert.Contains("This study is paused", await PortalClient.ErrorOf(paused));
        }
        using (var newcomer = new Participant(world.BaseAddress, token))
        using (var join = await newcomer.JoinAsync())
        {
            Assert.Equal(HttpStatusCode.Conflict, join.StatusCode);
            Assert.Contains("This study is paused", await PortalClient.ErrorOf(join));
        }
        var session = await p.SessionAsync();
        Assert.Equal("paused", session.GetProperty("state").GetString());
        Assert.Equal("1", session.GetProperty("trials")[0].GetProperty("answers").GetProperty("scene").GetString());

        await admin.PostJsonOkAsync($"api/studies/{id}/state", new { state = "closed" });
        using (var closed = await p.VoteAsync(1, "motion", "1"))
        {
            Assert.Equal(HttpStatusCode.Conflict, closed.StatusCode);
            Assert.Contains("This study is closed", await PortalClient.ErrorOf(closed));
        }
        using (var reopen = await admin.Http.PostAsJsonAsync($"api/studies/{id}/state", new { state = "open" }))
        {
            Assert.Equal(HttpStatusCode.Conflict, reopen.StatusCode);
            Assert.Contains("closed: it cannot be opened again", await PortalClient.ErrorOf(reopen));
        }
        Assert.Equal(1, Votes(id));
        Assert.Equal(participantsBefore, world.CountRows("StudyParticipants"));

        using var unknown = new Participant(world.BaseAddress, "no-such-study");
        using (var join = await unknown.JoinAsync()) Assert.Equal(HttpStatusCode.NotFound, join.StatusCode);
        using (var page = await world.Http.GetAsync("p/no-such-study"))
        {
            Assert.Equal(HttpStatusCode.NotFound, page.StatusCode);
            Assert.Contains("This study link is not valid", await page.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task TheBuilderKeepsItsRules()
    {
        using var rita = await world.ClientAsync("rita@camreview.test", StudyWorld.Password);
        object Draft(string name, bool allowTie = true, int checks = 1, string instructions = "Watch closely.", string[]? methods = null) => new
        {
            projectId = world.ProjectId,
            study = new
            {
                name, design = "pairwise", allowTie, allowBothBad = false, trialsPerParticipant = 3, attentionChecks = checks, instructions,
                pairIds = new[] { world.PairId }, methods = methods ?? StudyWorld.Methods,
                questions = new[] { new { key = "overall", text = "Which do you prefer?" } },
            },
        };
        var before = world.CountRows("Studies");
        foreach (var (draft, message) in new[]
                 {
                     (Draft("no tie", allowTie: false), "offer that answer, or use no attention checks"),
                     (Draft("leaky", instructions: "One of them is quokkaflow-37."), "the instructions name \"quokkaflow-37\" (the method \"QuokkaFlow-37\")"),
                     (Draft("hinted", instructions: "Hint: one of them is a zebra warp."), "the instructions name \"zebra warp\" (the method \"ZebraWarp-91\", by \"zebrawarp\")"),
                     (Draft("one method", methods: ["ZebraWarp-91"]), "Choose at least 2 methods"),
                     (Draft("unknown", methods: ["ZebraWarp-91", "Nobody"]), "No chosen pair has an output of the method \"Nobody\""),
                 })
        {
            using var response = await rita.Http.PostAsJsonAsync("api/studies", draft);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains(message, await PortalClient.ErrorOf(response));
        }
        Assert.Equal(before, world.CountRows("Studies"));

        // Common words, the words of what is on the screen and parts too short to tell are not method names.
        var created = await rita.PostJsonOkAsync("api/studies", Draft("by rita", instructions: "Watch the camera move: the image may warp at the borders (91 frames)."));
        var id = created.GetProperty("id").GetInt32();
        Assert.Equal(3, created.GetProperty("comparisons").GetInt32());
        await rita.PostJsonOkAsync($"api/studies/{id}/state", new { state = "open" });

        // Once open, the wording may change, the design may not.
        var stored = created.GetProperty("draft");
        var reworded = JsonSerializer.Deserialize<Dictionary<string, object>>(stored.GetRawText())!;
        reworded["questions"] = new[] { new { key = "overall", text = "Is the Narwhal one better?" } };
        using (var leaky = await rita.Http.PutAsJsonAsync($"api/studies/{id}", reworded))
        {
            Assert.Equal(HttpStatusCode.BadRequest, leaky.StatusCode);
            Assert.Contains("the question \"overall\" names \"Narwhal\" (the method \"NarwhalCam-58\"", await PortalClient.ErrorOf(leaky));
        }
        reworded["questions"] = new[] { new { key = "overall", text = "Which one do you like more?" } };
        using (var ok = await rita.Http.PutAsJsonAsync($"api/studies/{id}", reworded)) Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        reworded["trialsPerParticipant"] = 2;
        using (var refused = await rita.Http.PutAsJsonAsync($"api/studies/{id}", reworded))
        {
            Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
            Assert.Contains("only its name, instructions, consent text and the wording", await PortalClient.ErrorOf(refused));
        }
        await using var db = world.OpenDb();
        var study = await db.Studies.Include(s => s.Questions).SingleAsync(s => s.Id == id);
        Assert.Equal((3, "Which one do you like more?"), (study.TrialsPerParticipant, study.Questions.Single().Text));
    }

    [Fact]
    public async Task TheTargetImageComesWithTheQuestionsThatShowItUnderAKeyOfItsOwnAsTheJpegThePortalWrote()
    {
        // The draft leaves showTarget out: the scene question shows the target image, the others do not.
        var (_, token) = await world.OpenStudyAsync("target shown", trials: 3, attentionChecks: 1);
        using var participant = new Participant(world.BaseAddress, token);
        await participant.JoinOkAsync();
        var shows = participant.Session.GetProperty("questions").EnumerateArray()
            .ToDictionary(q => q.GetProperty("key").GetString()!, q => q.GetProperty("showTarget").GetBoolean());
        Assert.Equal(new Dictionary<string, bool> { ["scene"] = true, ["motion"] = false, ["overall"] = false }, shows);
        // Every trial has a key of its own for the one target image, as for its videos.
        var targets = participant.Trials.Select(t => t.GetProperty("target").GetString()!).ToList();
        Assert.Equal(participant.Trials.Count(), targets.Distinct().Count());
        Assert.All(targets, target => Assert.Matches($"^p/{token}/media/[A-Za-z0-9_-]{{16,}}$", target));
        var videos = participant.Trials.SelectMany(t => t.GetProperty("candidates").EnumerateArray().Select(c => c.GetString()).Append(t.GetProperty("reference").GetString()));
        Assert.Empty(targets.Intersect(videos));

        // Sent as the poster the portal wrote from the upload (a JPEG without the file's tags), with no name.
        using var response = await participant.Http.GetAsync(targets[0]);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("image/jpeg", response.Content.Headers.ContentType?.MediaType);
        Assert.Null(response.Content.Headers.ContentDisposition);
        string sha;
        await using (var db = world.OpenDb())
            sha = await db.Pairs.Where(p => p.Id == world.PairId).Select(p => p.TargetAsset.Sha256).SingleAsync();
        Assert.Equal(await File.ReadAllBytesAsync(Data.MediaFiles.Poster(world.DataDir, sha)), await response.Content.ReadAsByteArrayAsync());

        // Without a question that shows it, the session names no target image; showTarget can turn the default off.
        using var admin = await world.ClientAsync();
        var draft = JsonSerializer.SerializeToNode(world.Draft("no target", trials: 2, attentionChecks: 0))!;
        draft["questions"]![0]!["showTarget"] = false;
        var created = await admin.PostJsonOkAsync("api/studies", new { projectId = world.ProjectId, study = draft });
        await admin.PostJsonOkAsync($"api/studies/{created.GetProperty("id").GetInt32()}/state", new { state = "open" });
        await StudyWorld.MediaReadyAsync(admin, created.GetProperty("id").GetInt32());
        using var other = new Participant(world.BaseAddress, created.GetProperty("token").GetString()!);
        await other.JoinOkAsync();
        Assert.All(other.Trials, t => Assert.False(t.TryGetProperty("target", out _), "no target image")); // nulls are left out of the JSON
        Assert.All(other.Session.GetProperty("questions").EnumerateArray(), q => Assert.False(q.GetProperty("showTarget").GetBoolean()));
    }

    [Fact]
    public async Task OrderAndPlacementAreBalancedAcrossParticipants()
    {
        // 3 comparisons, 3 trials each: over 6 participants every comparison is at every position twice and has each
        // of its methods on the left 3 times.
        var (id, token) = await world.OpenStudyAsync("balance", trials: 3, attentionChecks: 0);
        for (int i = 0; i < 6; i++)
        {
            using var p = new Participant(world.BaseAddress, token);
            await p.JoinOkAsync();
        }
        await using var db = world.OpenDb();
        var methods = await db.StudyMedia.Where(m => m.StudyId == id && m.MethodName != null).ToDictionaryAsync(m => m.Id, m => m.MethodName!);
        var trials = await db.StudyTrials.Where(t => t.Participant.StudyId == id).Select(t => new { t.Participant.Ordinal, t.Position, t.CandidateMediaIds }).ToListAsync();
        Assert.Equal(18, trials.Count);
        var shown = trials.Select(t =>
        {
            var sides = StudyDesigner.Split(t.CandidateMediaIds).Select(m => methods[m]).ToArray();
            return (t.Ordinal, t.Position, Comparison: string.Join(" vs ", sides.Order(StringComparer.Ordinal)), Left: sides[0]);
        }).ToList();
        Assert.Equal(3, shown.Select(s => s.Comparison).Distinct().Count());
        foreach (var group in shown.GroupBy(s => (s.Comparison, s.Position))) Assert.Equal(2, group.Count());
        foreach (var group in shown.GroupBy(s => (s.Comparison, s.Left))) Assert.Equal(3, group.Count());
        // Every participant sees each comparison once.
        foreach (var group in shown.GroupBy(s => s.Ordinal)) Assert.Equal(3, group.Select(s => s.Comparison).Distinct().Count());
    }

    [Fact]
    public async Task ThePortalsVoteExportGivesTheSameNumbersInCamreviewStats()
    {
        var (id, token) = await world.OpenStudyAsync("round trip", trials: 6, attentionChecks: 1);
        var random = new Random(7);
        for (int i = 0; i < 8; i++)
        {
            using var p = new Participant(world.BaseAddress, token);
            await p.JoinOkAsync();
            var shown = await world.MethodsShownAsync(id, p);
            foreach (var trial in p.Trials)
            {
                var identical = shown[trial.GetProperty("trial").GetInt32()].Distinct().Count() == 1;
                foreach (var q in p.Questions)
                {
                    // Participant 3 picks a side in the attention check (and is excluded); the others answer "tie" there.
                    var choice = identical ? (i == 3 ? "1" : "tie") : random.Next(10) switch { 0 => "tie", 1 => "bothbad", < 6 => "0", _ => "1" };
                    using var vote = await p.VoteAsync(trial.GetProperty("trial").GetInt32(), q, choice, random.Next(500, 5000));
                    Assert.Equal(HttpStatusCode.Created, vote.StatusCode);
                }
            }
            Assert.NotNull((await p.SessionAsync()).GetProperty("completionCode").GetString());
        }

        using var vic = await world.ClientAsync("vic@camreview.test", StudyWorld.Password);
        var csv = await vic.Http.GetStringAsync($"api/studies/{id}/export/votes.csv");
        Assert.StartsWith("participant,trial,question,options,choice,response_ms,panel_id,excluded,included_anyway\n", csv);
        Assert.Equal(8 * 6 * 3, csv.Trim().Split('\n').Length - 1); // attention checks are not comparisons
        var results = await vic.Http.GetFromJsonAsync<JsonElement>($"api/studies/{id}/results");
        var excluded = results.GetProperty("excluded").EnumerateArray().Select(e => e.GetString()!).ToList();
        Assert.Single(excluded);

        var file = Path.Combine(world.DataDir, "exported-votes.csv");
        await File.WriteAllTextAsync(file, csv);
        var stats = await CliProcess.RunOkAsync("stats", file, "--json", "--exclude", string.Join(",", excluded));
        var cli = JsonDocument.Parse(stats).RootElement;
        var portal = results.GetProperty("analysis");
        Assert.Equal(portal.GetProperty("votes").GetInt32(), cli.GetProperty("votes").GetInt32());
        Assert.Equal(1, cli.GetProperty("excludedParticipants").GetInt32());
        var portalQuestions = portal.GetProperty("questions").EnumerateArray().ToList();
        var cliQuestions = cli.GetProperty("questions").EnumerateArray().ToList();
        Assert.Equal(3, cliQuestions.Count);
        foreach (var (pq, cq) in portalQuestions.Zip(cliQuestions))
        {
            Assert.Equal(pq.GetProperty("question").GetString(), cq.GetProperty("question").GetString());
            foreach (var (pp, cp) in pq.GetProperty("pairs").EnumerateArray().Zip(cq.GetProperty("pairs").EnumerateArray()))
                foreach (var field in new[] { "a", "b", "aWins", "bWins", "ties", "bothBad", "winRateA", "wilsonA", "pValue", "pValueHolm" })
                    Assert.Equal(Text(cp, field), Text(pp, field));
            Assert.Equal(3, cq.GetProperty("bradleyTerry").GetArrayLength());
            foreach (var (ps, cs) in pq.GetProperty("bradleyTerry").EnumerateArray().Zip(cq.GetProperty("bradleyTerry").EnumerateArray()))
                foreach (var field in new[] { "method", "score", "ci", "rank", "rankCi", "comparisons" })
                    Assert.Equal(Text(cs, field), Text(ps, field));
        }

        // And the results page shows those numbers.
        var page = WebUtility.HtmlDecode(await vic.Http.GetStringAsync($"studies/{id}"));
        var overall = cliQuestions.Single(q => q.GetProperty("question").GetString() == "overall");
        foreach (var pair in overall.GetProperty("pairs").EnumerateArray())
            Assert.Contains(StatisticsFormat.Number(pair.GetProperty("winRateA").GetDouble()), page);
        foreach (var score in overall.GetProperty("bradleyTerry").EnumerateArray())
            Assert.Contains($"data-testid=\"bt-score\">{StatisticsFormat.Score(score.GetProperty("score").GetDouble())}<", page);
        Assert.Contains($"--exclude {excluded[0]}", page);
    }

    [Fact]
    public async Task BestOfNStudiesRotateTheCandidatesAndReportChoiceShares()
    {
        var (id, token) = await world.OpenStudyAsync("best of three", trials: 3, attentionChecks: 1, design: "best-of-n", candidates: 3, questions: ["overall"]);
        using var p = new Participant(world.BaseAddress, token);
        await p.JoinOkAsync();
        var shown = await world.MethodsShownAsync(id, p);
        var comparisons = shown.Values.Where(methods => methods.Distinct().Count() == 3).ToList();
        Assert.Equal(3, comparisons.Count);
        // The one comparison of three methods is shown three times, each method once in each place.
        for (int place = 0; place < 3; place++) Assert.Equal(3, comparisons.Select(c => c[place]).Distinct().Count());
        foreach (var trial in p.Trials)
        {
            using var vote = await p.VoteAsync(trial.GetProperty("trial").GetInt32(), "overall", "tie");
            Assert.Equal(HttpStatusCode.Created, vote.StatusCode);
        }
        using var second = new Participant(world.BaseAddress, token);
        await second.JoinOkAsync();
        foreach (var trial in second.Trials)
        {
            using var vote = await second.VoteAsync(trial.GetProperty("trial").GetInt32(), "overall", "2");
            Assert.Equal(HttpStatusCode.Created, vote.StatusCode);
        }

        using var admin = await world.ClientAsync();
        var results = await admin.Http.GetFromJsonAsync<JsonElement>($"api/studies/{id}/results");
        // The second participant picked a side in the attention check: only the first one's ties count.
        Assert.Equal([results.GetProperty("participants")[1].GetProperty("participant").GetString()],
            results.GetProperty("excluded").EnumerateArray().Select(e => e.GetString()));
        var shares = results.GetProperty("analysis").GetProperty("questions")[0].GetProperty("bestOfN").EnumerateArray().ToList();
        Assert.Equal(3, shares.Count);
        Assert.All(shares, c => Assert.Equal((3, 0, 3), (c.GetProperty("shown").GetInt32(), c.GetProperty("chosen").GetInt32(), c.GetProperty("ties").GetInt32())));
        var csv = await admin.Http.GetStringAsync($"api/studies/{id}/export/best-of-n.csv");
        Assert.StartsWith("question,method,shown,chosen,ties,both_bad,share,ci_low,ci_high,chance,p\n", csv);
        Assert.Equal(4, csv.Trim().Split('\n').Length);
    }

    [Fact]
    public async Task DeletingAnOutputKeepsTheResultsAndDeletingTheProjectWaitsForItsStudiesToCloseThenDeletesThem()
    {
        using var admin = await world.ClientAsync();
        var project = (await admin.PostJsonOkAsync("api/projects", new { teamId = world.LabId, name = "Short-lived" })).GetProperty("id").GetInt32();
        var video = (await admin.UploadOkAsync(project, "reference-video", TestMedia.UniqueVideo(40), "ref.mp4")).GetProperty("id").GetInt32();
        var image = (await admin.UploadOkAsync(project, "target-image", TestMedia.UniqueImage(41), "target.png")).GetProperty("id").GetInt32();
        var pair = (await admin.PostJsonOkAsync($"api/projects/{project}/pairs", new { referenceAssetId = video, targetAssetId = image })).GetProperty("id").GetInt32();
        var outputs = new List<int>();
        foreach (var (method, phase) in new[] { ("Alpha", 42), ("Beta", 43) })
            outputs.Add((await admin.UploadOkAsync(project, "output", TestMedia.UniqueVideo(phase), $"{method}.mp4",
                new() { ["methodName"] = method, ["pairId"] = pair.ToString() })).GetProperty("id").GetInt32());
        async Task<int> CreateAsync(string name) => (await admin.PostJsonOkAsync("api/studies", new
        {
            projectId = project,
            // Its participant answers at once: the answer-time rules are off.
            study = new { name, design = "pairwise", trialsPerParticipant = 1, pairIds = new[] { pair }, methods = new[] { "Alpha", "Beta" },
                questions = new[] { new { key = "overall", text = "Which?" } }, flagFastAnswers = false },
        })).GetProperty("id").GetInt32();
        var study = await CreateAsync("doomed");
        var sketch = await CreateAsync("sketch"); // stays a draft
        await admin.PostJsonOkAsync($"api/studies/{study}/state", new { state = "open" });
        await StudyWorld.MediaReadyAsync(admin, study);
        var token = (await admin.Http.GetFromJsonAsync<JsonElement>($"api/studies/{study}")).GetProperty("token").GetString()!;
        using var p = new Participant(world.BaseAddress, token);
        await p.JoinOkAsync();
        using (var vote = await p.VoteAsync(1, "overall", "1")) Assert.Equal(HttpStatusCode.Created, vote.StatusCode);

        // While the study is open or paused, none of its videos can be deleted, even when confirmed; the answer names it.
        foreach (var state in new[] { "open", "paused" })
        {
            if (state == "paused") await admin.PostJsonOkAsync($"api/studies/{study}/state", new { state });
            var shown = await admin.Http.GetFromJsonAsync<JsonElement>($"api/assets/{outputs[0]}/dependents");
            Assert.Equal([("doomed", state), ("sketch", "draft")], shown.GetProperty("studies").EnumerateArray()
                .Select(s => (s.GetProperty("name").GetString(), s.GetProperty("state").GetString())));
            foreach (var asset in new[] { outputs[0], video })
            {
                var dependents = await admin.Http.GetFromJsonAsync<JsonElement>($"api/assets/{asset}/dependents");
                using var refused = await admin.Http.DeleteAsync($"api/assets/{asset}?confirm={dependents.GetProperty("token").GetString()}");
                Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
                Assert.Contains($"the study \"doomed\" ({state}) shows it to participants. Close the study first", await PortalClient.ErrorOf(refused));
            }
            using var projectRefused = await admin.Http.DeleteAsync($"api/projects/{project}");
            Assert.Equal(HttpStatusCode.Conflict, projectRefused.StatusCode);
            Assert.Equal($"Project \"Short-lived\" cannot be deleted: the study \"doomed\" ({state}) takes participants. Close it first.",
                await PortalClient.ErrorOf(projectRefused));
        }
        Assert.Equal(2, world.CountRows("Assets", $"\"ProjectId\" = {project} AND \"MethodName\" IS NOT NULL"));

        // Closed, it keeps its results; the draft loses the video, with a confirmation that names it.
        await admin.PostJsonOkAsync($"api/studies/{study}/state", new { state = "closed" });
        string confirm;
        using (var unconfirmed = await admin.Http.DeleteAsync($"api/assets/{outputs[0]}"))
        {
            Assert.Equal(HttpStatusCode.Conflict, unconfirmed.StatusCode);
            Assert.Contains("The draft study \"sketch\" loses the videos that go.", await PortalClient.ErrorOf(unconfirmed));
            confirm = (await admin.Http.GetFromJsonAsync<JsonElement>($"api/assets/{outputs[0]}/dependents")).GetProperty("token").GetString()!;
        }
        using (var deleted = await admin.Http.DeleteAsync($"api/assets/{outputs[0]}?confirm={confirm}")) Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        var draft = (await admin.Http.GetFromJsonAsync<JsonElement>($"api/studies/{sketch}")).GetProperty("draft");
        Assert.Equal(["Beta"], draft.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        var results = await admin.Http.GetFromJsonAsync<JsonElement>($"api/studies/{study}/results");
        var pairResult = results.GetProperty("analysis").GetProperty("questions")[0].GetProperty("pairs")[0];
        Assert.Equal(("Alpha", "Beta", 1), (pairResult.GetProperty("a").GetString(), pairResult.GetProperty("b").GetString(),
            pairResult.GetProperty("aWins").GetInt32() + pairResult.GetProperty("bWins").GetInt32()));

        Assert.True(Directory.Exists(Data.MediaFiles.StudyFolder(world.DataDir, study)), "a closed study keeps its participants' videos");
        using (var deleted = await admin.Http.DeleteAsync($"api/projects/{project}")) Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        Assert.False(Directory.Exists(Data.MediaFiles.StudyFolder(world.DataDir, study)), "they go with the study");
        Assert.Equal(0, world.CountRows("Studies", $"\"Id\" = {study}"));
        Assert.Equal(0, world.CountRows("StudyMedia", $"\"StudyId\" = {study}"));
        Assert.Equal(0, world.CountRows("StudyParticipants", $"\"StudyId\" = {study}"));
        Assert.Equal(0, world.CountRows("StudyVotes", $"\"ParticipantId\" NOT IN (SELECT \"Id\" FROM \"StudyParticipants\")"));
    }

    [Fact]
    public async Task FormulaLikeMethodNamesAreDefusedInEveryExportAndComeBackThroughCamreviewStats()
    {
        string[] names = ["=HYPERLINK(\"http://x\",\"y\")", "+cmd", "-1+2", "@SUM(A1)"];
        using var admin = await world.ClientAsync();
        var project = (await admin.PostJsonOkAsync("api/projects", new { teamId = world.LabId, name = "Formulas" })).GetProperty("id").GetInt32();
        var video = (await admin.UploadOkAsync(project, "reference-video", TestMedia.UniqueVideo(60), "ref.mp4")).GetProperty("id").GetInt32();
        var image = (await admin.UploadOkAsync(project, "target-image", TestMedia.UniqueImage(61), "target.png")).GetProperty("id").GetInt32();
        var pair = (await admin.PostJsonOkAsync($"api/projects/{project}/pairs", new { referenceAssetId = video, targetAssetId = image })).GetProperty("id").GetInt32();
        for (int i = 0; i < names.Length; i++)
            await admin.UploadOkAsync(project, "output", TestMedia.UniqueVideo(62 + i), $"out{i}.mp4", new() { ["methodName"] = names[i], ["pairId"] = pair.ToString() });

        async Task<int> OpenAsync(string name, string design, int candidates, int trials, string choice, int participants)
        {
            var id = (await admin.PostJsonOkAsync("api/studies", new
            {
                projectId = project,
                study = new { name, design, candidatesPerTrial = candidates, trialsPerParticipant = trials, attentionChecks = 0, pairIds = new[] { pair }, methods = names,
                    questions = new[] { new { key = "overall", text = "Which?" } }, flagFastAnswers = false },
            })).GetProperty("id").GetInt32();
            await admin.PostJsonOkAsync($"api/studies/{id}/state", new { state = "open" });
            await StudyWorld.MediaReadyAsync(admin, id);
            var token = (await admin.Http.GetFromJsonAsync<JsonElement>($"api/studies/{id}")).GetProperty("token").GetString()!;
            for (int i = 0; i < participants; i++)
            {
                using var p = new Participant(world.BaseAddress, token);
                await p.JoinOkAsync();
                foreach (var trial in p.Trials)
                    using (var vote = await p.VoteAsync(trial.GetProperty("trial").GetInt32(), "overall", choice)) Assert.Equal(HttpStatusCode.Created, vote.StatusCode);
            }
            return id;
        }
        var pairwise = await OpenAsync("formulas pairwise", "pairwise", 2, 6, "0", 2);
        var bestOf = await OpenAsync("formulas best of four", "best-of-n", 4, 4, "2", 1);

        var exports = new Dictionary<string, string>();
        foreach (var table in StudyResults.Exports)
            exports[table] = await admin.Http.GetStringAsync($"api/studies/{(table == "best-of-n" ? bestOf : pairwise)}/export/{table}.csv");
        exports["metrics"] = await admin.Http.GetStringAsync($"api/pairs/{pair}/metrics.csv");
        foreach (var (table, csv) in exports)
        {
            var rows = ParseCsv(csv);
            Assert.True(rows.Count > 1, table);
            foreach (var field in rows.SelectMany(r => r))
                Assert.False(field.Length > 0 && field[0] is '=' or '+' or '-' or '@' && !double.TryParse(field, System.Globalization.CultureInfo.InvariantCulture, out _),
                    $"{table}.csv has the undefused field {field}");
            // Every method appears, defused, and reads back as its name.
            var read = rows.Skip(1).SelectMany(r => r).SelectMany(f => CamReview.Core.Text.CsvField.Read(f).Split(';')).ToHashSet();
            if (table != "participants") foreach (var name in names) Assert.True(read.Contains(name), $"{table}.csv lacks {name}");
        }

        var file = Path.Combine(world.DataDir, "formula-votes.csv");
        await File.WriteAllTextAsync(file, exports["votes"]);
        var cli = JsonDocument.Parse(await CliProcess.RunOkAsync("stats", file, "--json")).RootElement;
        var results = await admin.Http.GetFromJsonAsync<JsonElement>($"api/studies/{pairwise}/results");
        var portalScores = results.GetProperty("analysis").GetProperty("questions")[0].GetProperty("bradleyTerry").EnumerateArray().ToList();
        var cliScores = cli.GetProperty("questions")[0].GetProperty("bradleyTerry").EnumerateArray().ToList();
        Assert.Equal(names.Order(StringComparer.Ordinal), cliScores.Select(s => s.GetProperty("method").GetString()!).Order(StringComparer.Ordinal));
        foreach (var ps in portalScores)
        {
            var cs = cliScores.Single(s => s.GetProperty("method").GetString() == ps.GetProperty("method").GetString());
            foreach (var field in new[] { "score", "comparisons" }) Assert.Equal(Text(ps, field), Text(cs, field));
        }
    }

    /// <summary>The fields of an RFC 4180 text (quotes undone, nothing else).</summary>
    private static List<List<string>> ParseCsv(string csv)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var field = new System.Text.StringBuilder();
        bool quoted = false;
        for (int i = 0; i < csv.Length; i++)
        {
            char c = csv[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < csv.Length && csv[i + 1] == '"') { field.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else field.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { row.Add(field.ToString()); field.Clear(); }
            else if (c == '\n') { row.Add(field.ToString()); field.Clear(); rows.Add(row); row = []; }
            else field.Append(c);
        }
        return rows;
    }

    private static string Text(JsonElement e, string field) => e.TryGetProperty(field, out var v) && v.ValueKind != JsonValueKind.Null ? v.GetRawText() : "null";

    [Fact]
    public async Task StudiesAreSeenByTheTeamAndChangedByReviewersOnly()
    {
        var (id, _) = await world.OpenStudyAsync("authorization");
        var probes = new (string Name, HttpMethod Method, string Path, object? Body, TeamRole Needs)[]
        {
            ("study", HttpMethod.Get, $"api/studies/{id}", null, TeamRole.Viewer),
            ("results", HttpMethod.Get, $"api/studies/{id}/results", null, TeamRole.Viewer),
            ("votes export", HttpMethod.Get, $"api/studies/{id}/export/votes.csv", null, TeamRole.Viewer),
            ("summary export", HttpMethod.Get, $"api/studies/{id}/export/bradley-terry.csv", null, TeamRole.Viewer),
            ("choices", HttpMethod.Get, $"api/projects/{world.ProjectId}/study-choices", null, TeamRole.Reviewer),
            ("pause", HttpMethod.Post, $"api/studies/{id}/state", new { state = "paused" }, TeamRole.Reviewer),
            ("create", HttpMethod.Post, "api/studies", new
            {
                projectId = world.ProjectId,
                study = new { name = $"s {Guid.NewGuid():N}", design = "pairwise", trialsPerParticipant = 1, pairIds = new[] { world.PairId }, methods = StudyWorld.Methods,
                    questions = new[] { new { key = "overall", text = "Which?" } } },
            }, TeamRole.Reviewer),
        };
        async Task<HttpResponseMessage> Send(PortalClient client, (string Name, HttpMethod Method, string Path, object? Body, TeamRole Needs) probe)
        {
            using var request = new HttpRequestMessage(probe.Method, probe.Path) { Content = probe.Body is null ? null : JsonContent.Create(probe.Body) };
            return await client.Http.SendAsync(request);
        }
        var studiesBefore = world.CountRows("Studies");

        using var anonymous = PortalClient.Anonymous(world.BaseAddress);
        foreach (var probe in probes)
        {
            using var response = await Send(anonymous, probe);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{probe.Name}: {response.StatusCode}");
        }
        foreach (var page in new[] { "studies", $"studies/{id}", $"studies/{id}/edit", $"studies/new/{world.ProjectId}" })
        {
            using var response = await anonymous.Http.GetAsync(page);
            Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"{page}: {response.StatusCode}");
        }

        using var otto = await world.ClientAsync("otto@camreview.test", StudyWorld.Password);
        foreach (var probe in probes)
        {
            using var response = await Send(otto, probe);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{probe.Name}: {response.StatusCode}");
        }
        var ottoPage = await otto.Http.GetAsync($"studies/{id}");
        var ottoHtml = await ottoPage.Content.ReadAsStringAsync();
        Assert.Contains("data-testid=\"not-found\"", ottoHtml);
        Assert.DoesNotContain("ZebraWarp-91", ottoHtml);
        Assert.Equal(0, (await otto.Http.GetFromJsonAsync<JsonElement>("api/studies")).GetArrayLength());

        using var vic = await world.ClientAsync("vic@camreview.test", StudyWorld.Password);
        foreach (var probe in probes)
        {
            using var response = await Send(vic, probe);
            if (probe.Needs == TeamRole.Viewer)
            {
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{probe.Name}: {response.StatusCode}");
                continue;
            }
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{probe.Name}: {response.StatusCode}");
            Assert.Contains("building and running studies needs the Reviewer or Owner role", await PortalClient.ErrorOf(response));
        }
        var vicPage = await vic.Http.GetStringAsync($"studies/{id}");
        Assert.Contains("data-testid=\"study-title\"", vicPage);
        Assert.DoesNotContain("data-testid=\"pause-study\"", vicPage);
        Assert.Equal(studiesBefore, world.CountRows("Studies"));
        await using var db = world.OpenDb();
        Assert.Equal(StudyState.Open, (await db.Studies.SingleAsync(s => s.Id == id)).State);

        using var rita = await world.ClientAsync("rita@camreview.test", StudyWorld.Password);
        foreach (var probe in probes)
        {
            using var response = await Send(rita, probe);
            Assert.True(response.IsSuccessStatusCode, $"{probe.Name}: {response.StatusCode}");
        }
        // Rita paused it: her page offers to open it again.
        Assert.Contains("data-testid=\"open-study\"", await rita.Http.GetStringAsync($"studies/{id}"));
    }
}

/// <summary>The participant side's rate limits.</summary>
public sealed class StudyRateLimitTests(RateLimitedStudyWorld world) : IClassFixture<RateLimitedStudyWorld>
{
    [Fact]
    public async Task JoinsAndVotesBeyondTheLimitAreRefusedWithoutBeingStored()
    {
        var (_, token) = await world.OpenStudyAsync("limited", trials: 3, attentionChecks: 0);
        var participants = Enumerable.Range(0, 4).Select(_ => new Participant(world.BaseAddress, token)).ToList();
        var statuses = new List<HttpStatusCode>();
        foreach (var p in participants)
        {
            using var response = await p.JoinAsync();
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests) Assert.Contains("Too many requests", await PortalClient.ErrorOf(response));
        }
        Assert.Equal([HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.Created, HttpStatusCode.TooManyRequests], statuses);
        Assert.Equal(3, world.CountRows("StudyParticipants"));

        // Votes are limited per participant: the first participant's sixth vote is refused, the second's first is not.
        var first = participants[0];
        var answers = first.Trials.SelectMany(t => first.Questions.Select(q => (t.GetProperty("trial").GetInt32(), q))).Take(6).ToList();
        var codes = new List<HttpStatusCode>();
        foreach (var (trial, q) in answers)
        {
            using var response = await first.VoteAsync(trial, q, "0");
            codes.Add(response.StatusCode);
        }
        Assert.Equal([.. Enumerable.Repeat(HttpStatusCode.Created, 5), HttpStatusCode.TooManyRequests], codes);
        using (var other = await participants[1].VoteAsync(1, "overall", "1")) Assert.Equal(HttpStatusCode.Created, other.StatusCode);
        Assert.Equal(6, world.CountRows("StudyVotes"));
        participants.ForEach(p => p.Dispose());
    }
}
