using System.Diagnostics;
using CamReview.Web.Services;
using CamReview.Web.Studies;
using Microsoft.Extensions.DependencyInjection;

namespace CamReview.Web.Tests;

/// <summary>Votes that land in the same batch of <see cref="StudyWriter"/>: the same question answered many times at
/// once, alike and differently, by the portal's own service (so that they queue together). Run on SQLite
/// (<see cref="VoteBatchTests"/>) and on PostgreSQL (<see cref="PostgresVoteBatchTests"/>).</summary>
public abstract class VoteBatchCases(StudyWorld world)
{
    [Fact]
    public async Task TheSameQuestionAnsweredManyTimesInOneBatchIsStoredOnceAndTheOthersAreDuplicatesOrRefused()
    {
        var (id, token) = await world.OpenStudyAsync("one batch", trials: 3, attentionChecks: 0, questions: ["overall"]);
        var participants = world.Services.GetRequiredService<ParticipantService>();
        var writer = world.Services.GetRequiredService<StudyWriter>();
        var joined = await participants.JoinAsync(token);
        Assert.True(joined.Succeeded, joined.Error);
        var key = joined.Value!.Key;

        var batchesBefore = writer.Batches;
        // Queued back to back: the writer takes them in one or two batches.
        var sent = Enumerable.Range(0, 40).Select(i => (Choice: i % 3 == 0 ? "1" : "0", Task: participants.VoteAsync(token, key, new VoteRequest(1, "overall", i % 3 == 0 ? "1" : "0", 1000)))).ToList();
        await Task.WhenAll(sent.Select(s => s.Task));
        Assert.True(writer.Batches - batchesBefore < sent.Count / 2, $"{sent.Count} votes took {writer.Batches - batchesBefore} batches");

        var results = sent.Select(s => (s.Choice, Result: s.Task.Result)).ToList();
        var stored = Assert.Single(results, r => r.Result.Succeeded && !r.Result.Value!.Duplicate);
        Assert.Same(sent[0].Task, sent.Single(s => s.Task.Result.Succeeded && !s.Task.Result.Value!.Duplicate).Task); // the first one queued
        Assert.All(results.Where(r => r.Choice == stored.Choice), r => Assert.True(r.Result.Succeeded && r.Result.Value!.Choice == stored.Choice));
        Assert.All(results.Where(r => r.Choice != stored.Choice), r =>
        {
            Assert.Equal(ResultStatus.Conflict, r.Result.Status);
            Assert.Contains($"already answered ({stored.Choice})", r.Result.Error);
        });
        Assert.Equal(sent.Count(s => s.Choice == stored.Choice) - 1, results.Count(r => r.Result.Succeeded && r.Result.Value!.Duplicate));
        Assert.Equal(1, world.CountRows("StudyVotes", $"\"ParticipantId\" IN (SELECT \"Id\" FROM \"StudyParticipants\" WHERE \"StudyId\" = {id})"));

        // The other two trials at once, each twice: the vote that completes the session gets the code, and so does every
        // copy answered in its batch or after; a copy stored in an earlier batch (on a loaded machine the four need not
        // share one) was answered before there was a code.
        var last = await Task.WhenAll(new[] { 2, 3, 2, 3 }.Select(trial => participants.VoteAsync(token, key, new VoteRequest(trial, "overall", "tie", 1000))));
        Assert.All(last, r => Assert.True(r.Succeeded, r.Error));
        var code = Assert.Single(last.Select(r => r.Value!.CompletionCode).Where(c => c is not null).Distinct());
        Assert.Matches("^[A-Z2-9]{4}-[A-Z2-9]{4}$", code!);
        Assert.Equal(code, world.OpenDb().StudyParticipants.Single(p => p.StudyId == id).CompletionCode);
        Assert.Equal(3, world.CountRows("StudyVotes", $"\"ParticipantId\" IN (SELECT \"Id\" FROM \"StudyParticipants\" WHERE \"StudyId\" = {id})"));
    }

}

public sealed class PostgresVoteBatchTests(PostgresStudyWorld world) : VoteBatchCases(world), IClassFixture<PostgresStudyWorld>;

public sealed class VoteBatchTests(StudyWorld world) : VoteBatchCases(world), IClassFixture<StudyWorld>
{
    [Fact]
    public async Task StudyEventsTellAtMostAFewTimesASecondAndOnceMoreAfterTheLastChange()
    {
        var events = new StudyEvents();
        var told = new List<(int Study, long At)>();
        events.Changed += study => { lock (told) told.Add((study, Stopwatch.GetTimestamp())); };

        var clock = Stopwatch.StartNew();
        long lastRaise = 0;
        int raised = 0;
        while (clock.Elapsed < TimeSpan.FromSeconds(1.2))
        {
            lastRaise = Stopwatch.GetTimestamp();
            events.Raise(7);
            raised++;
            await Task.Delay(1);
        }
        await Task.Delay(StudyEvents.Interval * 3);
        lock (told)
        {
            Assert.All(told, t => Assert.Equal(7, t.Study));
            // 1.2 s of changes at one interval apart: the first one at once, then about one per interval.
            var most = (int)Math.Ceiling(1.2 / StudyEvents.Interval.TotalSeconds) + 2;
            Assert.InRange(told.Count, 2, most);
            Assert.True(raised > 3 * told.Count, $"{raised} changes, told {told.Count} times");
            Assert.True(told[^1].At > lastRaise, "the last notice came after the last change");
        }
    }
}
