using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CamReview.Core.Statistics;
using CamReview.Web.Studies;
using Microsoft.EntityFrameworkCore;

namespace CamReview.Web.Tests;

/// <summary>Who may join a study (invitation codes, panel ids), where they go when done, and the quality flags that
/// leave participants out of the results until the team includes them.</summary>
public sealed class StudyAdmissionTests(StudyWorld world) : IClassFixture<StudyWorld>
{
    [Fact]
    public async Task InvitationCodesAdmitOneParticipantEachResumeThemAndCanBeWithdrawn()
    {
        var (id, token) = await world.OpenStudyAsync("by invitation", admission: new { admission = "invitation" });
        using var admin = await world.ClientAsync();

        // Without a code, or with a code that is not one, nobody gets in and nothing is stored.
        var participantsBefore = world.CountRows("StudyParticipants");
        using (var nobody = new Participant(world.BaseAddress, token))
        {
            using var refused = await nobody.JoinAsync();
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal(ParticipantService.InvitationNeeded, await PortalClient.ErrorOf(refused));
            using var malformed = await nobody.JoinAsync(code: "not a code");
            Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
            Assert.Contains("An invitation code is 12 letters and digits", await PortalClient.ErrorOf(malformed));
            using var unknown = await nobody.JoinAsync(code: StudyInvitations.NewCode());
            Assert.Equal(HttpStatusCode.Forbidden, unknown.StatusCode);
            Assert.Equal(StudyWriter.UnknownCode, await PortalClient.ErrorOf(unknown));
        }
        Assert.Equal(participantsBefore, world.CountRows("StudyParticipants"));

        // 200 at once, exported with their links for a recruiting panel.
        var made = await admin.PostJsonOkAsync($"api/studies/{id}/invitations", new { count = 200 });
        var codes = made.GetProperty("codes").EnumerateArray().Select(c => c.GetString()!).ToList();
        Assert.Equal(200, codes.Distinct().Count());
        Assert.All(codes, c => Assert.Matches("^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$", c));
        Assert.Equal(200, made.GetProperty("counts").GetProperty("unused").GetInt32());
        var csv = (await admin.Http.GetStringAsync($"api/studies/{id}/invitations.csv")).Trim().Split('\n');
        Assert.Equal("code,link,state,participant,created_utc", csv[0]);
        Assert.Equal(201, csv.Length);
        Assert.StartsWith($"{codes[0]},{world.BaseAddress}p/{token}?code={codes[0]},unused,,", csv[1]);
        using (var tooMany = await admin.Http.PostAsJsonAsync($"api/studies/{id}/invitations", new { count = 1001 }))
            Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);

        // A code joins one participant; opened again (another browser, typed in lower case), it resumes that participant
        // with a new key, and the old key stops working.
        using var first = new Participant(world.BaseAddress, token);
        await first.JoinOkAsync(code: codes[0]);
        using (var vote = await first.VoteAsync(1, "overall", "0")) Assert.Equal(HttpStatusCode.Created, vote.StatusCode);
        using var again = new Participant(world.BaseAddress, token);
        await again.JoinOkAsync(code: codes[0].ToLowerInvariant().Replace("-", " "));
        Assert.Equal(first.Session.GetProperty("participant").GetString(), again.Session.GetProperty("participant").GetString());
        Assert.Equal("0", again.Session.GetProperty("trials")[0].GetProperty("answers").GetProperty("overall").GetString());
        using (var stale = await first.VoteAsync(1, "scene", "0")) Assert.Equal(HttpStatusCode.NotFound, stale.StatusCode);
        using (var resumed = await again.VoteAsync(1, "scene", "1")) Assert.Equal(HttpStatusCode.Created, resumed.StatusCode);
        Assert.Equal(participantsBefore + 1, world.CountRows("StudyParticipants"));

        // The study page counts them; a used code cannot be withdrawn, an unused one can, and then admits nobody.
        var details = await admin.Http.GetFromJsonAsync<JsonElement>($"api/studies/{id}");
        Assert.Equal((200, 1, 0, 199), Counts(details.GetProperty("invitations")));
        using (var used = await admin.Http.DeleteAsync($"api/studies/{id}/invitations/{codes[0]}"))
        {
            Assert.Equal(HttpStatusCode.Conflict, used.StatusCode);
            Assert.Contains($"has been used by participant {first.Session.GetProperty("participant").GetString()}", await PortalClient.ErrorOf(used));
        }
        using (var withdrawn = await admin.Http.DeleteAsync($"api/studies/{id}/invitations/{codes[1]}")) Assert.Equal(HttpStatusCode.OK, withdrawn.StatusCode);
        using (var late = new Participant(world.BaseAddress, token))
        using (var refused = await late.JoinAsync(code: codes[1]))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Equal(StudyWriter.RevokedCode, await PortalClient.ErrorOf(refused));
        }
        var all = await admin.PostJsonOkAsync($"api/studies/{id}/invitations/revoke-unused", new { });
        Assert.Equal((200, 1, 199, 0), Counts(all));
        Assert.Equal(participantsBefore + 1, world.CountRows("StudyParticipants"));
        var exported = await admin.Http.GetStringAsync($"api/studies/{id}/export/participants.csv");
        Assert.Contains($",{codes[0]},", exported);

        // Codes are capabilities: Viewers see the counts but neither make nor export them.
        using var vic = await world.ClientAsync("vic@camreview.test", StudyWorld.Password);
        using (var make = await vic.Http.PostAsJsonAsync($"api/studies/{id}/invitations", new { count = 5 })) Assert.Equal(HttpStatusCode.Forbidden, make.StatusCode);
        using (var export = await vic.Http.GetAsync($"api/studies/{id}/invitations.csv")) Assert.Equal(HttpStatusCode.Forbidden, export.StatusCode);
        Assert.Equal(200, world.CountRows("StudyInvitations", $"\"StudyId\" = {id}"));
    }

    private static (int, int, int, int) Counts(JsonElement c) =>
        (c.GetProperty("total").GetInt32(), c.GetProperty("used").GetInt32(), c.GetProperty("revoked").GetInt32(), c.GetProperty("unused").GetInt32());

    [Fact]
    public async Task APanelIdIsValidatedStoredExportedAndResumesAndTheCompletionLinkCarriesTheCode()
    {
        const string template = "https://app.prolific.com/submissions/complete?cc={code}";
        var (id, token) = await world.OpenStudyAsync("panel", trials: 3, attentionChecks: 0, questions: ["overall"],
            admission: new { panelIdParameter = "workerId", returnUrl = template });
        var before = world.CountRows("StudyParticipants");
        using (var bad = new Participant(world.BaseAddress, token))
        using (var refused = await bad.JoinAsync(panelId: "A1<script>"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains("The panel's participant id must be 1 to 64 letters, digits", await PortalClient.ErrorOf(refused));
        }
        using (var bad = new Participant(world.BaseAddress, token))
        using (var refused = await bad.JoinAsync(panelId: new string('a', 65))) Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal(before, world.CountRows("StudyParticipants"));

        using var worker = new Participant(world.BaseAddress, token);
        await worker.JoinOkAsync(panelId: "A3KX7QZ9R1");
        using (var vote = await worker.VoteAsync(1, "overall", "0")) Assert.Equal(HttpStatusCode.Created, vote.StatusCode);
        // The same worker again (the panel's link opened on another device): resumed, not a second participant.
        using var back = new Participant(world.BaseAddress, token);
        await back.JoinOkAsync(panelId: "A3KX7QZ9R1");
        Assert.Equal(worker.Session.GetProperty("participant").GetString(), back.Session.GetProperty("participant").GetString());
        Assert.Equal(before + 1, world.CountRows("StudyParticipants"));
        string? code = null;
        foreach (var trial in back.Trials.Skip(1))
        {
            using var vote = await back.VoteAsync(trial.GetProperty("trial").GetInt32(), "overall", "1");
            Assert.Equal(HttpStatusCode.Created, vote.StatusCode);
            if ((await vote.Content.ReadFromJsonAsync<JsonElement>()).TryGetProperty("completionCode", out var given)) code = given.GetString();
        }
        var session = await back.SessionAsync();
        Assert.Equal(code, session.GetProperty("completionCode").GetString());
        Assert.Equal($"https://app.prolific.com/submissions/complete?cc={code}", session.GetProperty("returnUrl").GetString());

        using var admin = await world.ClientAsync();
        await using (var db = world.OpenDb())
            Assert.Equal("A3KX7QZ9R1", (await db.StudyParticipants.SingleAsync(p => p.StudyId == id)).PanelId);
        var participants = await admin.Http.GetStringAsync($"api/studies/{id}/export/participants.csv");
        Assert.StartsWith("participant,panel_id,invitation_code,joined_utc,", participants);
        Assert.Contains(",A3KX7QZ9R1,,", participants);
        var votes = (await admin.Http.GetStringAsync($"api/studies/{id}/export/votes.csv")).Trim().Split('\n');
        Assert.Equal("participant,trial,question,options,choice,response_ms,panel_id,excluded,included_anyway", votes[0]);
        Assert.All(votes.Skip(1), v => Assert.EndsWith(",A3KX7QZ9R1,,", v));

        // Completion links are whole http(s) addresses with no placeholder but {code}; the panel parameter a name.
        var draft = world.Draft("links");
        foreach (var (change, message) in new (object, string)[]
                 {
                     (new { returnUrl = "javascript:alert(1)" }, "The completion link must be a whole http:// or https:// address"),
                     (new { returnUrl = "ftp://panel.example/done?cc={code}" }, "The completion link must be a whole http:// or https:// address"),
                     (new { returnUrl = "https://panel.example/done?cc={code}&pid={pid}" }, "may hold only the placeholder {code}"),
                     (new { panelIdParameter = "worker id" }, "The panel id's parameter (\"worker id\") is a letter followed by"),
                     (new { panelIdParameter = "code" }, "not \"code\": that carries the invitation code"),
                     (new { repeatedTrials = 4 }, "Repeat 0 to 3 comparisons per participant"),
                     (new { sharedAddressLimit = -1 }, "or 0 for never"),
                 })
        {
            using var response = await admin.Http.PostAsJsonAsync("api/studies", new { projectId = world.ProjectId, study = StudyWorld.Merge(draft, change) });
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains(message, await PortalClient.ErrorOf(response));
        }
    }

    [Fact]
    public async Task RepeatedComparisonsComeLaterWithTheirSidesMirroredAndAreNotCountedAsVotes()
    {
        var (id, token) = await world.OpenStudyAsync("repeats", trials: 3, attentionChecks: 1, questions: ["overall"], admission: new { repeatedTrials = 2 });
        using var p = new Participant(world.BaseAddress, token);
        await p.JoinOkAsync();
        Assert.Equal(6, p.Trials.Count());
        await using (var db = world.OpenDb())
        {
            var trials = await db.StudyTrials.Where(t => t.Participant.StudyId == id).OrderBy(t => t.Position).ToListAsync();
            var repeats = trials.Where(t => t.Kind == Data.Entities.TrialKind.Repeat).ToList();
            Assert.Equal(2, repeats.Count);
            foreach (var repeat in repeats)
            {
                var original = trials.Single(t => t.Position == repeat.RepeatOf);
                Assert.Equal(Data.Entities.TrialKind.Comparison, original.Kind);
                Assert.True(repeat.Position > original.Position);
                Assert.Equal(StudyDesigner.Split(original.CandidateMediaIds).Reverse(), StudyDesigner.Split(repeat.CandidateMediaIds));
            }
        }
        // Always the left side: consistent with nothing, so flagged, and only the 3 comparisons are votes.
        var shown = await world.MethodsShownAsync(id, p);
        foreach (var trial in p.Trials)
            using (var vote = await p.VoteAsync(trial.GetProperty("trial").GetInt32(), "overall", shown[trial.GetProperty("trial").GetInt32()].Distinct().Count() == 1 ? "tie" : "0"))
                Assert.Equal(HttpStatusCode.Created, vote.StatusCode);
        using var admin = await world.ClientAsync();
        var results = await admin.Http.GetFromJsonAsync<JsonElement>($"api/studies/{id}/results");
        var row = results.GetProperty("participants")[0];
        Assert.Equal([ParticipantQuality.Inconsistent], row.GetProperty("flags").EnumerateArray().Select(f => f.GetProperty("code").GetString()));
        Assert.Equal(6, world.CountRows("StudyVotes", $"\"ParticipantId\" IN (SELECT \"Id\" FROM \"StudyParticipants\" WHERE \"StudyId\" = {id})"));
        var votes = (await admin.Http.GetStringAsync($"api/studies/{id}/export/votes.csv")).Trim().Split('\n');
        Assert.Equal(1 + 3, votes.Length);
    }

    [Fact]
    public async Task FlaggedParticipantsAreLeftOutWithTheirReasonsUntilTheTeamIncludesThemAndEveryExportSaysSo()
    {
        // The answer-time rules on; the clips last 1.25 s (the shortest of a trial).
        var (id, token) = await world.OpenStudyAsync("flags", trials: 3, attentionChecks: 1, questions: ["overall"], admission: new { flagFastAnswers = true });
        async Task<string> TakePart(bool hurry, bool failCheck)
        {
            using var p = new Participant(world.BaseAddress, token);
            await p.JoinOkAsync();
            var shown = await world.MethodsShownAsync(id, p);
            foreach (var trial in p.Trials)
            {
                if (!hurry) await Task.Delay(1500);
                var check = shown[trial.GetProperty("trial").GetInt32()].Distinct().Count() == 1;
                using var vote = await p.VoteAsync(trial.GetProperty("trial").GetInt32(), "overall", check && !failCheck ? "tie" : "0", responseMs: 4000);
                Assert.Equal(HttpStatusCode.Created, vote.StatusCode);
            }
            return p.Session.GetProperty("participant").GetString()!;
        }
        var people = await Task.WhenAll(TakePart(false, false), TakePart(false, false), TakePart(true, false), TakePart(false, true));
        var (honest, hurried, careless) = (people[0], people[2], people[3]);

        using var rita = await world.ClientAsync("rita@camreview.test", StudyWorld.Password);
        var results = await rita.Http.GetFromJsonAsync<JsonElement>($"api/studies/{id}/results");
        JsonElement Row(JsonElement r, string who) => r.GetProperty("participants").EnumerateArray().Single(p => p.GetProperty("participant").GetString() == who);
        Assert.Empty(Row(results, honest).GetProperty("flags").EnumerateArray());
        var fast = Row(results, hurried).GetProperty("flags")[0];
        Assert.Equal(ParticipantQuality.TooFast, fast.GetProperty("code").GetString());
        Assert.Contains("before their videos could have played once", fast.GetProperty("reason").GetString());
        Assert.Contains("its clips last ", fast.GetProperty("reason").GetString());
        Assert.Equal(ParticipantQuality.AttentionCheck, Row(results, careless).GetProperty("flags")[0].GetProperty("code").GetString());
        Assert.Equal(new[] { hurried, careless }.Order(), results.GetProperty("excluded").EnumerateArray().Select(e => e.GetString()!).Order());
        Assert.Equal(2 * 3, results.GetProperty("analysis").GetProperty("votes").GetInt32());
        Assert.StartsWith("4 participants, 2 excluded (failed an attention check: 1; answered before the videos could have played: 1)", results.GetProperty("summary").GetString());

        // Rita includes the hurried one, then everyone who failed a check: recorded with her name and the time.
        var included = await rita.PostJsonOkAsync($"api/studies/{id}/inclusions", new { participant = hurried });
        Assert.Equal("Rita Reviewer", included.GetProperty("includedBy").GetString());
        var byFlag = await rita.PostJsonOkAsync($"api/studies/{id}/inclusions", new { flag = ParticipantQuality.AttentionCheck });
        results = await rita.Http.GetFromJsonAsync<JsonElement>($"api/studies/{id}/results");
        Assert.Empty(results.GetProperty("excluded").EnumerateArray());
        Assert.Equal(4 * 3, results.GetProperty("analysis").GetProperty("votes").GetInt32());
        Assert.Contains("(this participant)", Row(results, hurried).GetProperty("includedAnyway").GetString());
        Assert.Contains($"(everyone flagged {ParticipantQuality.AttentionCheck})", Row(results, careless).GetProperty("includedAnyway").GetString());
        Assert.EndsWith("; 2 flagged but included by the team", results.GetProperty("summary").GetString());
        var participants = await rita.Http.GetStringAsync($"api/studies/{id}/export/participants.csv");
        Assert.Contains("Rita Reviewer", participants.Split('\n').Single(l => l.StartsWith(hurried)));
        var votes = (await rita.Http.GetStringAsync($"api/studies/{id}/export/votes.csv")).Split('\n');
        Assert.All(votes.Where(v => v.StartsWith(careless)), v => Assert.Contains("Rita Reviewer", v));

        // Bad requests change nothing; a Viewer may not choose.
        foreach (var body in new object[] { new { }, new { participant = hurried, flag = "too-fast" }, new { flag = "sleepy" } })
            using (var bad = await rita.Http.PostAsJsonAsync($"api/studies/{id}/inclusions", body)) Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        using (var vic = await world.ClientAsync("vic@camreview.test", StudyWorld.Password))
        using (var refused = await vic.Http.PostAsJsonAsync($"api/studies/{id}/inclusions", new { participant = honest }))
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Equal(2, world.CountRows("StudyInclusions", $"\"StudyId\" = {id}"));

        // Withdrawn, the flag excludes again, and the exports say why.
        using (var withdrawn = await rita.Http.DeleteAsync($"api/studies/{id}/inclusions/{byFlag.GetProperty("id").GetInt32()}"))
            Assert.Equal(HttpStatusCode.OK, withdrawn.StatusCode);
        results = await rita.Http.GetFromJsonAsync<JsonElement>($"api/studies/{id}/results");
        Assert.Equal([careless], results.GetProperty("excluded").EnumerateArray().Select(e => e.GetString()));
        votes = (await rita.Http.GetStringAsync($"api/studies/{id}/export/votes.csv")).Split('\n');
        Assert.All(votes.Where(v => v.StartsWith(careless)), v => Assert.Contains("picked a side in 1 of 1 attention checks", v));
        var page = WebUtility.HtmlDecode(await rita.Http.GetStringAsync($"studies/{id}"));
        Assert.Contains("4 participants, 1 excluded (failed an attention check: 1); 1 flagged but included by the team.", page);
        Assert.Contains($"--exclude {careless}", page);
    }
}
