using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CamReview.Core.Statistics;
using Microsoft.EntityFrameworkCore;

namespace CamReview.Web.Tests;

/// <summary>The study world with the portal's own participant limits (30 joins a minute per address, 120 votes a
/// minute per participant, 1200 reads a minute per address).</summary>
public sealed class DefaultLimitsStudyWorld : StudyWorld
{
    protected override IEnumerable<string> Limits => [];
}

/// <summary>
/// The bot test: a study whose true ranking is known (ZebraWarp-91 over QuokkaFlow-37 over NarwhalCam-58) is answered
/// by scripted honest people, then by scripts that try to lift the weakest method to the top with what a browser can
/// see. The published ranking (the results after exclusions) must not move. Each bot below says what it tried and what
/// stopped it.
/// </summary>
public sealed class StudyBotTests(DefaultLimitsStudyWorld world, Xunit.Abstractions.ITestOutputHelper output) : IClassFixture<DefaultLimitsStudyWorld>
{
    private static readonly string[] TrueRanking = ["ZebraWarp-91", "QuokkaFlow-37", "NarwhalCam-58"];
    private const string Target = "NarwhalCam-58";

    /// <summary>Longer than the test clips (1.25 s the outputs, 2 s the reference): an honest pace.</summary>
    private static readonly TimeSpan Watch = TimeSpan.FromMilliseconds(1400);

    private static object Settings(string admission) => new
    {
        admission, repeatedTrials = 1, flagFastAnswers = true, sharedAddressLimit = 3, panelIdParameter = "PROLIFIC_PID",
    };

    [Fact]
    public async Task ScriptsThatExploitWhatABrowserSeesDoNotMoveThePublishedRanking()
    {
        var (openId, openToken) = await world.OpenStudyAsync("bots on an open link", trials: 3, attentionChecks: 1, questions: ["overall"], admission: Settings("link"));
        var openTarget = await TargetKeyAsync(openId);

        // Twelve people, each from an address of their own, who watch the clips and mostly prefer the better method.
        await Task.WhenAll(Enumerable.Range(0, 12).Select(i => HonestAsync(openId, openToken, IPAddress.Parse($"127.0.0.{10 + i}"), seed: i)));
        Assert.Equal(TrueRanking, await PublishedRankingAsync(openId));
        var honestCount = world.CountRows("StudyParticipants", $"\"StudyId\" = {openId}");

        var tried = new ConcurrentDictionary<string, ConcurrentBag<string>>();
        await Task.WhenAll(
            // 1. Sprinters: answer at once for the target, claim 9 s per answer, "no preference" where both sides have the same
            //    address. Stopped by the answer-time rule: the server times the answers itself (joining to first answer,
            //    answer to answer), and they come faster than the clips play.
            Task.WhenAll(Enumerable.Range(0, 6).Select(i => BotAsync(openToken, openTarget, IPAddress.Parse($"127.0.1.{i + 1}"), "sprinter", tried, pace: false))),
            // 2. "No preference" on everything, at an honest pace: passes every attention check, but a tie is half a win to
            //    each side, so it lifts nobody over anybody.
            Task.WhenAll(Enumerable.Range(0, 4).Select(i => BotAsync(openToken, openTarget, IPAddress.Parse($"127.0.2.{i + 1}"), "tie", tried, alwaysTie: true))),
            // 3. A crowd from one machine: 40 joins from one address at an honest pace, each claiming another address in
            //    X-Forwarded-For. Stopped twice: the joins beyond 30 a minute are refused (429), X-Forwarded-For is believed
            //    only from configured proxies, and everyone beyond 3 participants from one address is flagged.
            Task.WhenAll(Enumerable.Range(0, 40).Select(i => BotAsync(openToken, openTarget, IPAddress.Parse("127.0.0.200"), "crowd", tried, forwardedFor: $"198.51.100.{i + 1}"))),
            // 4. A replayer: votes for the target, then sends every vote again, tries to change it, joins again with its
            //    panel id to get a fresh session, and votes for trials it was never given. Stopped by the unique vote per
            //    participant, trial and question (replays are duplicates, changes 409), and by the panel id resuming the
            //    same participant rather than making a new one.
            ReplayAsync(openToken, openTarget, IPAddress.Parse("127.0.3.1"), tried));

        var open = await ResultsAsync(openId);
        var rows = open.GetProperty("participants").EnumerateArray().ToList();
        var flagsOf = rows.ToDictionary(r => r.GetProperty("participant").GetString()!, r => r.GetProperty("flags").EnumerateArray().Select(f => f.GetProperty("code").GetString()!).ToList());
        var excluded = open.GetProperty("excluded").EnumerateArray().Select(e => e.GetString()!).ToHashSet();
        Assert.All(tried["sprinter"], p => Assert.Contains(ParticipantQuality.TooFast, flagsOf[p]));
        Assert.All(tried["crowd"], p => Assert.Contains(ParticipantQuality.SharedAddress, flagsOf[p]));
        Assert.InRange(tried["crowd"].Count, 1, 39); // some joins were refused by the join limit
        Assert.All(tried["sprinter"].Concat(tried["crowd"]), p => Assert.Contains(p, excluded));
        // The replayer stored one answer per question of each trial it was given, and is one participant.
        var replayer = Assert.Single(tried["replayer"]);
        Assert.Equal(5, rows.Single(r => r.GetProperty("participant").GetString() == replayer).GetProperty("answered").GetInt32());
        // Nobody honest was caught.
        Assert.Equal(honestCount, rows.Count(r => !tried.Values.Any(b => b.Contains(r.GetProperty("participant").GetString()!)) && flagsOf[r.GetProperty("participant").GetString()!].Count == 0));
        Assert.Equal(TrueRanking, Ranking(open));

        // 5. Careful scripts with leaked invitations: they tell attention checks apart by identical media addresses or
        //    identical byte sizes (a range request gives a file's size), answer repeated comparisons consistently, vote for
        //    the target by the address or the size of its video (a rival knows their own output), at an honest pace and
        //    from addresses of their own. Study media defeat both tricks: every place of every trial has an address of its
        //    own (no address repeats, the study's own name for a video opens nothing) and every video has one size (so
        //    the size rule takes every trial for a check, and they answer "no preference" throughout). What bounds their
        //    number is admission: a study by invitation admits one participant per code, a code used again resumes its
        //    participant, and codes cannot be guessed. They hold 3 codes, use them again and guess 8 more.
        var (closedId, closedToken) = await world.OpenStudyAsync("bots by invitation", trials: 3, attentionChecks: 1, questions: ["overall"],
            admission: Settings("invitation"));
        var closedTarget = await TargetKeyAsync(closedId);
        using var admin = await world.ClientAsync();
        var codes = (await admin.PostJsonOkAsync($"api/studies/{closedId}/invitations", new { count = 15 })).GetProperty("codes").EnumerateArray().Select(c => c.GetString()!).ToList();
        await Task.WhenAll(Enumerable.Range(0, 12).Select(i => HonestAsync(closedId, closedToken, IPAddress.Parse($"127.0.0.{30 + i}"), seed: 100 + i, code: codes[i])));
        Assert.Equal(TrueRanking, await PublishedRankingAsync(closedId));
        var leaked = codes.Skip(12).ToList();
        Assert.All(await Task.WhenAll(leaked.Select((code, i) => BotAsync(closedToken, closedTarget, IPAddress.Parse($"127.0.4.{i + 1}"), "detector", tried, code: code))),
            Assert.True);
        // The leaked codes used again resume the bots that used them (finished, nothing left to answer); guessed codes admit nobody.
        foreach (var code in leaked.Concat(leaked))
        {
            using var reused = new Participant(world.BaseAddress, closedToken, IPAddress.Parse("127.0.4.50"));
            await reused.JoinOkAsync(code: code);
            Assert.Contains(reused.Session.GetProperty("participant").GetString(), tried["detector"]);
            Assert.NotNull(reused.Session.GetProperty("completionCode").GetString());
        }
        for (int i = 0; i < 8; i++)
        {
            using var guesser = new Participant(world.BaseAddress, closedToken, IPAddress.Parse("127.0.4.60"));
            using var refused = await guesser.JoinAsync(code: CamReview.Web.Studies.StudyInvitations.NewCode());
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        }
        Assert.Equal(12 + 3, world.CountRows("StudyParticipants", $"\"StudyId\" = {closedId}"));
        Assert.Equal(TrueRanking, await PublishedRankingAsync(closedId));

        // What each bot ended up with, for the record.
        var closed = await ResultsAsync(closedId);
        foreach (var (kind, ids) in tried.OrderBy(t => t.Key))
            foreach (var participant in ids.Distinct())
            {
                var row = open.GetProperty("participants").EnumerateArray().Concat(closed.GetProperty("participants").EnumerateArray())
                    .Single(r => r.GetProperty("participant").GetString() == participant);
                output.WriteLine($"{kind} {participant}: {string.Join(", ", row.GetProperty("flags").EnumerateArray().Select(f => f.GetProperty("code").GetString()))}");
            }
        output.WriteLine($"open link: {open.GetProperty("summary").GetString()}");
        output.WriteLine($"by invitation: {closed.GetProperty("summary").GetString()}");
    }

    /// <summary>The study's own key of the target's video: what a rival who has seen their output once under that key
    /// would know of it.</summary>
    private async Task<string> TargetKeyAsync(int studyId)
    {
        await using var db = world.OpenDb();
        return await db.StudyMedia.Where(m => m.StudyId == studyId && m.MethodName == Target).Select(m => m.Key).SingleAsync();
    }

    private static string KeyOf(string mediaPath) => mediaPath.TrimEnd('/').Split('/')[^1];

    private static bool IsCheck(JsonElement trial) => trial.GetProperty("candidates").EnumerateArray().Select(c => c.GetString()).Distinct().Count() == 1;

    /// <summary>A person: watches each trial (what it shows is read from the database, as a person sees it on the
    /// screen), answers "no preference" where both videos are the same, and prefers the better method of the true
    /// ranking 9 times in 10.</summary>
    private async Task HonestAsync(int studyId, string token, IPAddress from, int seed, string? code = null)
    {
        var random = new Random(seed);
        using var p = new Participant(world.BaseAddress, token, from);
        await p.JoinOkAsync(code: code);
        var shown = await world.MethodsShownAsync(studyId, p);
        foreach (var trial in p.Trials)
        {
            await Task.Delay(Watch + TimeSpan.FromMilliseconds(random.Next(1000)));
            var sides = shown[trial.GetProperty("trial").GetInt32()];
            var better = Array.IndexOf(TrueRanking, sides[0]) < Array.IndexOf(TrueRanking, sides[1]) ? 0 : 1;
            var choice = sides[0] == sides[1] ? "tie" : (random.NextDouble() < 0.9 ? better : 1 - better).ToString();
            using var vote = await p.VoteAsync(trial.GetProperty("trial").GetInt32(), "overall", choice, random.Next(1500, 4000));
            Assert.Equal(HttpStatusCode.Created, vote.StatusCode);
        }
    }

    /// <summary>A script: joins (false when refused), finds attention checks and repeats by identical media addresses
    /// or sizes, and votes for the target (by its address or its size) or "no preference".</summary>
    private async Task<bool> BotAsync(string token, string targetKey, IPAddress from, string kind, ConcurrentDictionary<string, ConcurrentBag<string>> tried,
        bool pace = true, bool alwaysTie = false, string? forwardedFor = null, string? code = null)
    {
        using var p = new Participant(world.BaseAddress, token, from);
        if (forwardedFor is not null) p.Http.DefaultRequestHeaders.Add("X-Forwarded-For", forwardedFor);
        using (var join = await p.JoinAsync(code: code))
            if (join.StatusCode != HttpStatusCode.Created) return false;
        tried.GetOrAdd(kind, _ => []).Add(p.Session.GetProperty("participant").GetString()!);
        // The rival's own output, by the study's name for it and the size that name gives (none: it opens nothing).
        var sizes = new Dictionary<string, long>();
        async Task<long> SizeAsync(string path)
        {
            if (sizes.TryGetValue(path, out var known)) return known;
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(0, 0);
            using var response = await p.Http.SendAsync(request);
            return sizes[path] = response.Content.Headers.ContentRange?.Length ?? -1;
        }
        var targetSize = await SizeAsync($"p/{token}/media/{targetKey}");
        var seen = new Dictionary<string, string>();
        foreach (var trial in p.Trials)
        {
            if (pace) await Task.Delay(Watch);
            var candidates = trial.GetProperty("candidates").EnumerateArray().Select(c => c.GetString()!).ToList();
            var candidateSizes = new List<long>();
            foreach (var c in candidates) candidateSizes.Add(await SizeAsync(c));
            string choice;
            if (alwaysTie || candidates.Distinct().Count() == 1 || candidateSizes.Distinct().Count() == 1) choice = "tie";
            else
            {
                var pick = candidates.FindIndex(c => KeyOf(c) == targetKey);
                if (pick < 0) pick = candidateSizes.IndexOf(targetSize);
                // A comparison shown before (sides mirrored): the same video as then, so the answers agree.
                var pairKey = string.Join("|", candidates.Order(StringComparer.Ordinal));
                if (pick < 0 && seen.TryGetValue(pairKey, out var before)) pick = candidates.IndexOf(before);
                choice = pick < 0 ? "0" : pick.ToString();
                seen[pairKey] = candidates[int.Parse(choice)];
            }
            using var vote = await p.VoteAsync(trial.GetProperty("trial").GetInt32(), "overall", choice, responseMs: 9000);
            Assert.Equal(HttpStatusCode.Created, vote.StatusCode);
        }
        return true;
    }

    /// <summary>Bot 4 (see the test).</summary>
    private async Task ReplayAsync(string token, string targetKey, IPAddress from, ConcurrentDictionary<string, ConcurrentBag<string>> tried)
    {
        using var p = new Participant(world.BaseAddress, token, from);
        await p.JoinOkAsync(panelId: "5f3c2a9e8b7d6c5b4a392817");
        var id = p.Session.GetProperty("participant").GetString()!;
        tried.GetOrAdd("replayer", _ => []).Add(id);
        var answers = new List<(int Trial, string Choice)>();
        foreach (var trial in p.Trials)
        {
            await Task.Delay(Watch);
            var pick = trial.GetProperty("candidates").EnumerateArray().Select(c => KeyOf(c.GetString()!)).ToList().IndexOf(targetKey);
            var choice = IsCheck(trial) ? "tie" : pick < 0 ? "0" : pick.ToString();
            using var vote = await p.VoteAsync(trial.GetProperty("trial").GetInt32(), "overall", choice, responseMs: 3000);
            Assert.Equal(HttpStatusCode.Created, vote.StatusCode);
            answers.Add((trial.GetProperty("trial").GetInt32(), choice));
        }
        // A fresh session under the same panel id is the same participant, with the same answers.
        using var again = new Participant(world.BaseAddress, token, from);
        await again.JoinOkAsync(panelId: "5f3c2a9e8b7d6c5b4a392817");
        Assert.Equal(id, again.Session.GetProperty("participant").GetString());
        foreach (var (trial, choice) in answers)
        {
            for (int i = 0; i < 10; i++)
                using (var replay = await again.VoteAsync(trial, "overall", choice)) Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
            using (var changed = await again.VoteAsync(trial, "overall", choice == "tie" ? "1" : "tie")) Assert.Equal(HttpStatusCode.Conflict, changed.StatusCode);
        }
        using (var foreign = await again.VoteAsync(99, "overall", "0")) Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
    }

    private async Task<JsonElement> ResultsAsync(int studyId)
    {
        using var admin = await world.ClientAsync();
        return await admin.Http.GetFromJsonAsync<JsonElement>($"api/studies/{studyId}/results");
    }

    private async Task<IReadOnlyList<string>> PublishedRankingAsync(int studyId) => Ranking(await ResultsAsync(studyId));

    /// <summary>The methods of the Bradley-Terry ranking of the results (after exclusions), best first.</summary>
    private static IReadOnlyList<string> Ranking(JsonElement results) => results.GetProperty("analysis").GetProperty("questions")[0].GetProperty("bradleyTerry")
        .EnumerateArray().OrderByDescending(s => s.GetProperty("score").GetDouble()).Select(s => s.GetProperty("method").GetString()!).ToList();
}
