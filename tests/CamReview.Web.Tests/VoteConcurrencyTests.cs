using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CamReview.Web.Studies;
using Microsoft.EntityFrameworkCore;

namespace CamReview.Web.Tests;

public sealed class VoteConcurrencyTests(StudyWorld world) : IClassFixture<StudyWorld>
{
    private sealed record Sent(string Participant, int Trial, string Question, string Choice, HttpStatusCode Status, string? Acknowledged);

    [Fact]
    public async Task EveryAcknowledgedVoteIsStoredExactlyOnceUnderConcurrentDuplicatesAndConflicts()
    {
        const int participants = 40;
        var (id, token) = await world.OpenStudyAsync("many at once", trials: 6, attentionChecks: 1);
        var clients = Enumerable.Range(0, participants).Select(_ => new Participant(world.BaseAddress, token)).ToList();
        await Task.WhenAll(clients.Select(c => c.JoinOkAsync()));
        Assert.Equal(participants, clients.Select(c => c.Session.GetProperty("participant").GetString()).Distinct().Count());

        var sent = new ConcurrentBag<Sent>();
        int conflictingSends = 0;
        await Task.WhenAll(clients.Select(async (client, i) =>
        {
            var random = new Random(i);
            var publicId = client.Session.GetProperty("participant").GetString()!;
            var requests = new List<Task>();
            foreach (var trial in client.Trials.Select(t => t.GetProperty("trial").GetInt32()))
                foreach (var question in client.Questions)
                {
                    var choice = random.Next(3) switch { 0 => "0", 1 => "1", _ => "tie" };
                    // The same vote sent up to three times at once, and now and then a different answer racing it.
                    var copies = Enumerable.Repeat(choice, 1 + random.Next(3)).ToList();
                    if (random.Next(4) == 0)
                    {
                        copies.Insert(random.Next(copies.Count + 1), choice == "0" ? "1" : "0");
                        Interlocked.Increment(ref conflictingSends);
                    }
                    requests.AddRange(copies.Select(async c =>
                    {
                        using var response = await client.VoteAsync(trial, question, c);
                        string? acknowledged = null;
                        if (response.IsSuccessStatusCode)
                            acknowledged = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("choice").GetString();
                        sent.Add(new Sent(publicId, trial, question, c, response.StatusCode, acknowledged));
                    }));
                }
            await Task.WhenAll(requests);
        }));

        // Only these answers: stored (201), already stored alike (200), or a refused change (409).
        Assert.All(sent, s => Assert.Contains(s.Status, new[] { HttpStatusCode.Created, HttpStatusCode.OK, HttpStatusCode.Conflict }));
        var byVote = sent.GroupBy(s => (s.Participant, s.Trial, s.Question)).ToList();
        Assert.Equal(participants * 7 * 3, byVote.Count);
        foreach (var vote in byVote)
        {
            Assert.Single(vote, s => s.Status == HttpStatusCode.Created);
            // Every acknowledgement names the same answer: the stored one.
            var acknowledged = Assert.Single(vote.Where(s => s.Acknowledged is not null).Select(s => s.Acknowledged).Distinct());
            Assert.All(vote.Where(s => s.Status != HttpStatusCode.Conflict), s => Assert.Equal(acknowledged, s.Choice));
            Assert.All(vote.Where(s => s.Status == HttpStatusCode.Conflict), s => Assert.NotEqual(acknowledged, s.Choice));
        }
        Assert.True(sent.Count(s => s.Status == HttpStatusCode.OK) > 0, "some duplicates were answered as already stored");
        // Every racing different answer was either refused, or stored first (and then the original copies were refused).
        Assert.True(conflictingSends > 0 && sent.Count(s => s.Status == HttpStatusCode.Conflict) >= conflictingSends);

        // The database file holds exactly the acknowledged votes, with the acknowledged answers.
        Assert.Equal(byVote.Count, world.CountRows("StudyVotes", $"\"ParticipantId\" IN (SELECT \"Id\" FROM \"StudyParticipants\" WHERE \"StudyId\" = {id})"));
        await using var db = world.OpenDb();
        var stored = await db.StudyVotes.Where(v => v.Participant.StudyId == id)
            .Select(v => new { v.Participant.PublicId, v.Trial.Position, v.Question.Key, v.Answer, v.ChosenPosition }).ToListAsync();
        var expected = byVote.ToDictionary(v => v.Key, v => v.First(s => s.Acknowledged is not null).Acknowledged);
        Assert.All(stored, v => Assert.Equal(expected[(v.PublicId, v.Position, v.Key)], ParticipantService.ChoiceText(v.Answer, v.ChosenPosition)));
        clients.ForEach(c => c.Dispose());
    }
}
