using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CamReview.Data.Entities;
using CamReview.Web.Demo;
using Microsoft.EntityFrameworkCore;

namespace CamReview.Web.Tests;

[Collection(JobsCollection.Name)]
public sealed class DemoStudyTests(DemoPortalFixture portal) : IClassFixture<DemoPortalFixture>
{
    [Fact]
    public async Task ANewDataFolderGetsAnOpenDemoStudyWithSimulatedVotesAndResults()
    {
        var deadline = DateTime.UtcNow.AddSeconds(240);
        Study? study = null;
        while (DateTime.UtcNow < deadline)
        {
            await using var db = portal.OpenDb();
            study = await db.Studies.Include(s => s.Participants).SingleOrDefaultAsync(s => s.Name == DemoStudy.StudyName);
            if (study?.Participants.Count == DemoStudy.Participants && study.Participants.All(p => p.CompletionCode is not null)) break;
            await Task.Delay(500);
        }
        Assert.NotNull(study);
        Assert.Equal(StudyState.Open, study!.State);
        Assert.Equal(DemoStudy.Participants, study.Participants.Count(p => p.CompletionCode is not null));

        using var admin = await portal.ClientAsync();
        var results = await admin.Http.GetFromJsonAsync<JsonElement>($"api/studies/{study.Id}/results");
        var analysis = results.GetProperty("analysis");
        // 24 participants answer every comparison of the demo's methods twice (sides swapped) and 1 attention check,
        // 3 questions each; two fail the check.
        var methods = DemoContent.Renders.Length;
        Assert.Equal(2, analysis.GetProperty("excludedParticipants").GetInt32());
        Assert.Equal(22 * methods * (methods - 1) * 3, analysis.GetProperty("votes").GetInt32());
        // The study list counts what the study page does: every comparison vote, the excluded participants' too
        // (attention checks are not comparisons).
        var listed = (await admin.Http.GetFromJsonAsync<JsonElement>("api/studies")).EnumerateArray().Single(s => s.GetProperty("id").GetInt32() == study.Id);
        Assert.Equal(analysis.GetProperty("votes").GetInt32() + analysis.GetProperty("excludedVotes").GetInt32(), listed.GetProperty("votes").GetInt32());
        var questions = analysis.GetProperty("questions").EnumerateArray().ToList();
        Assert.Equal(["motion", "overall", "scene"], questions.Select(q => q.GetProperty("question").GetString()));
        Assert.All(questions, q =>
        {
            Assert.Equal(methods, q.GetProperty("bradleyTerry").GetArrayLength());
            Assert.Equal(methods * (methods - 1) / 2, q.GetProperty("pairs").GetArrayLength());
            Assert.All(q.GetProperty("bradleyTerry").EnumerateArray(), s => Assert.Equal(2, s.GetProperty("ci").GetArrayLength()));
        });

        // The same seed and outputs give the same votes: the study's numbers are those of its simulation, not of chance.
        await using (var db = portal.OpenDb())
        {
            var answers = await db.StudyVotes.Where(v => v.Participant.StudyId == study.Id).GroupBy(v => v.Answer).Select(g => new { g.Key, Count = g.Count() }).ToListAsync();
            Assert.Equal(24 * (methods * (methods - 1) + 1) * 3, answers.Sum(a => a.Count));
            Assert.True(answers.Single(a => a.Key == VoteAnswer.Pick).Count > answers.Where(a => a.Key != VoteAnswer.Pick).Sum(a => a.Count));
        }

        // The study is on the studies page, and its participant link works.
        Assert.Contains(DemoStudy.StudyName, WebUtility.HtmlDecode(await admin.Http.GetStringAsync("studies")));
        using var link = await portal.Http.GetAsync($"p/{study.Token}");
        Assert.Equal(HttpStatusCode.OK, link.StatusCode);
    }
}
