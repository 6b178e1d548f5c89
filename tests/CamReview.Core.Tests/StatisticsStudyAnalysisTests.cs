using System.Text.Json;
using System.Text.Json.Serialization;
using CamReview.Core.Statistics;
using static CamReview.Core.Tests.StatisticsTestData;

namespace CamReview.Core.Tests;

public sealed class StatisticsStudyAnalysisTests
{
    // The same settings as the CLI's --json output.
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Hand-made: A vs B shown both ways round, with ties and both-bad; B vs C; C vs A only both-bad.</summary>
    private static List<Vote> HandMade() =>
    [
        Pair("p1", "A", "B", "A"),
        Pair("p1", "B", "A", "A"),
        Pair("p2", "B", "A", "B"),
        Pair("p2", "A", "B", "A"),
        Pair("p3", "A", "B", "tie"),
        Pair("p3", "B", "A", "bothbad"),
        Pair("p3", "A", "B", "BothBad"),
        Pair("p1", "C", "B", "C"),
        Pair("p2", "B", "C", "C"),
        Pair("p3", "C", "B", "B"),
        Pair("p1", "C", "A", "bothbad"),
    ];

    [Fact]
    public void PairwiseCountsExcludeTiesAndBothBadFromTheRate()
    {
        var result = StudyAnalysis.Analyze(HandMade(), new() { Resamples = 0 });
        var q = Assert.Single(result.Questions);
        Assert.Equal("overall", q.Question);
        Assert.Equal(11, q.Votes);
        Assert.Equal([("A", "B"), ("A", "C"), ("B", "C")], q.Pairs.Select(p => (p.A, p.B)));

        var ab = q.Pairs[0];
        Assert.Equal((3, 1, 1, 2), (ab.AWins, ab.BWins, ab.Ties, ab.BothBad));
        Assert.Equal(0.75, ab.WinRateA);
        Assert.Equal(Wilson.Interval(3, 4), ab.WilsonA);
        Assert.Equal(0.625, ab.PValue!.Value, 12); // binom.test(3, 4): P(X<=1) + P(X>=3) = 10/16

        var ac = q.Pairs[1];
        Assert.Equal((0, 0, 0, 1), (ac.AWins, ac.BWins, ac.Ties, ac.BothBad));
        Assert.Null(ac.WinRateA);
        Assert.Null(ac.WilsonA);
        Assert.Null(ac.PValue);
        Assert.Null(ac.PValueHolm);

        var bc = q.Pairs[2];
        Assert.Equal((1, 2, 0, 0), (bc.AWins, bc.BWins, bc.Ties, bc.BothBad));
        Assert.Equal(1.0 / 3, bc.WinRateA!.Value, 12);
        Assert.Equal(1.0, bc.PValue);

        // Holm over the two tested pairs: min(1, 2 * 0.625) = 1.
        Assert.Equal(1.0, ab.PValueHolm);
        Assert.Equal(1.0, bc.PValueHolm);

        // Bradley–Terry: A–C has only both-bad, so A and C are linked only through B; comparisons exclude both-bad.
        Assert.Equal(new Dictionary<string, int> { ["A"] = 5, ["B"] = 8, ["C"] = 3 },
            q.BradleyTerry.ToDictionary(s => s.Method, s => s.Comparisons));
        Assert.Equal(1, q.ComparisonComponents);
        Assert.Empty(q.BestOfN);
    }

    [Fact]
    public void BestOfNSharesLeaveNoChoiceAnswersOutOfTheDenominator()
    {
        string[] abc = ["A", "B", "C"];
        var votes = new List<Vote>
        {
            new("p1", "t1", "overall", abc, "A"),
            new("p1", "t2", "overall", ["C", "B", "A"], "A"),
            new("p2", "t1", "overall", abc, "B"),
            new("p2", "t2", "overall", abc, "tie"),
            new("p3", "t1", "overall", abc, "bothbad"),
            new("p3", "t2", "overall", ["A", "B", "D"], "D"),
        };
        var q = StudyAnalysis.Analyze(votes, new() { Resamples = 0 }).Questions.Single();
        Assert.Equal(6, q.BestOfNVotes);
        Assert.Empty(q.Pairs);
        Assert.Empty(q.BradleyTerry);
        Assert.Equal(["D", "A", "B", "C"], q.BestOfN.Select(c => c.Method)); // by share, highest first

        var a = q.BestOfN[1];
        Assert.Equal((6, 2, 1, 1), (a.Shown, a.Chosen, a.Ties, a.BothBad));
        Assert.Equal(0.5, a.Share);
        Assert.Equal(Wilson.Interval(2, 4), a.Wilson);
        Assert.Equal(1.0 / 3, a.Chance!.Value, 12);
        Assert.Equal(Binomial.TwoSidedPValue(2, 4, 1.0 / 3), a.PValue);

        var d = q.BestOfN[0];
        Assert.Equal((1, 1, 1.0), (d.Shown, d.Chosen, d.Share!.Value));

        var b = q.BestOfN[2];
        Assert.Equal((6, 1, 0.25), (b.Shown, b.Chosen, b.Share!.Value));
        var c = q.BestOfN[3];
        Assert.Equal((5, 0, 0.0), (c.Shown, c.Chosen, c.Share!.Value));
    }

    [Fact]
    public void BestOfNWithMixedSetSizesHasChanceButNoPValue()
    {
        var votes = new List<Vote>
        {
            new("p1", "t1", "q", ["A", "B", "C"], "A"),
            new("p1", "t2", "q", ["A", "B", "C", "D"], "B"),
        };
        var a = StudyAnalysis.Analyze(votes, new() { Resamples = 0 }).Questions.Single().BestOfN.Single(s => s.Method == "A");
        Assert.Equal((1.0 / 3 + 1.0 / 4) / 2, a.Chance!.Value, 12);
        Assert.Null(a.PValue);
    }

    [Fact]
    public void ExclusionsRemoveTheParticipantsVotesAndAreCounted()
    {
        // p0..p4 prefer A 8:2; the "bot" clicks B every time.
        var votes = Enumerable.Range(0, 5).SelectMany(p => Enumerable.Range(0, 10)
                .Select(t => new Vote($"p{p}", $"t{t}", "overall", ["A", "B"], t < 8 ? "A" : "B", 1000 + 100 * t)))
            .Concat(Enumerable.Range(0, 30).Select(t => new Vote("bot", $"t{t}", "overall", ["A", "B"], "B", 200)))
            .ToList();

        var all = StudyAnalysis.Analyze(votes, new() { Resamples = 0 });
        Assert.Equal((40, 40), (all.Questions[0].Pairs[0].AWins, all.Questions[0].Pairs[0].BWins));
        Assert.Equal((6, 80, 0, 0), (all.Participants, all.Votes, all.ExcludedParticipants, all.ExcludedVotes));

        var clean = StudyAnalysis.Analyze(votes, new() { Resamples = 0, ExcludedParticipants = ["bot", "nobody"] });
        var pair = clean.Questions[0].Pairs[0];
        Assert.Equal((40, 10), (pair.AWins, pair.BWins));
        Assert.Equal(0.8, pair.WinRateA);
        Assert.Equal((5, 50, 1, 30), (clean.Participants, clean.Votes, clean.ExcludedParticipants, clean.ExcludedVotes));
        TestUtil.Near(Math.Log(40.0 / 10), clean.Questions[0].BradleyTerry[0].Score * 2, 1e-9);

        Assert.Equal(["bot", "p0", "p1", "p2", "p3", "p4"], clean.ParticipantTable.Select(p => p.Participant));
        var bot = clean.ParticipantTable[0];
        Assert.Equal((30, true, 200.0), (bot.Votes, bot.Excluded, bot.MedianResponseMs));
        var p0 = clean.ParticipantTable[1];
        Assert.Equal((10, false, 1450.0), (p0.Votes, p0.Excluded, p0.MedianResponseMs)); // median of 1000..1900
    }

    [Fact]
    public void ExcludingEveryoneInAQuestionDropsTheQuestion()
    {
        var votes = new List<Vote>
        {
            Pair("p1", "A", "B", "A", "overall"),
            Pair("p2", "A", "B", "B", "motion"),
        };
        var result = StudyAnalysis.Analyze(votes, new() { Resamples = 0, ExcludedParticipants = ["p2"] });
        Assert.Equal(["overall"], result.Questions.Select(q => q.Question));
        Assert.Null(result.ParticipantTable[0].MedianResponseMs);
    }

    [Fact]
    public void QuestionsAreAnalysedSeparatelyInOrdinalOrder()
    {
        var votes = Simulate([1, 0, -1], 6, 20, seed: 2, question: "overall")
            .Concat(Simulate([-1, 0, 1], 6, 20, seed: 3, question: "motion")).ToList();
        var result = StudyAnalysis.Analyze(votes, new() { Resamples = 100 });
        Assert.Equal(["motion", "overall"], result.Questions.Select(q => q.Question));
        Assert.Equal("m2", result.Questions[0].BradleyTerry[0].Method);
        Assert.Equal("m0", result.Questions[1].BradleyTerry[0].Method);
        Assert.Equal(6, result.Participants);
        Assert.Equal(240, result.Votes);
    }

    [Theory]
    [InlineData(1, "A", "vote 2: choice 'C' is not one of the options (A; B), tie or bothbad")]
    [InlineData(2, null, "vote 2: participant 'p1' answered question 'overall' of trial 't1' twice (first answered in vote 1)")]
    [InlineData(3, null, "vote 2: a trial needs at least 2 options, got 1")]
    [InlineData(4, null, "vote 2: 'Tie' cannot be a method name (tie and bothbad are answers)")]
    [InlineData(5, null, "vote 2: option 'A' is listed twice")]
    [InlineData(6, null, "vote 2: participant is empty")]
    [InlineData(7, null, "vote 2: response time -5 is not a finite number >= 0")]
    [InlineData(8, null, "vote 2: choice is empty")]
    public void InvalidVotesAreRejectedWithClearMessages(int rule, string? _, string message)
    {
        var first = new Vote("p1", "t1", "overall", ["A", "B"], "A");
        Vote bad = rule switch
        {
            1 => new Vote("p1", "t2", "overall", ["A", "B"], "C"),
            2 => new Vote("p1", "t1", "overall", ["B", "A"], "B"),
            3 => new Vote("p1", "t2", "overall", ["A"], "A"),
            4 => new Vote("p1", "t2", "overall", ["A", "Tie"], "A"),
            5 => new Vote("p1", "t2", "overall", ["A", "B", "A"], "A"),
            6 => new Vote(" ", "t2", "overall", ["A", "B"], "A"),
            7 => new Vote("p1", "t2", "overall", ["A", "B"], "A", -5),
            _ => new Vote("p1", "t2", "overall", ["A", "B"], ""),
        };
        var e = Assert.Throws<VoteValidationException>(() => StudyAnalysis.Analyze([first, bad]));
        Assert.Equal(message, e.Message);
        Assert.Equal(1, e.Index);
        Assert.Equal(rule == 2 ? 0 : null, e.FirstIndex);
    }

    [Fact]
    public void TheSameTrialMayBeAnsweredForSeveralQuestionsAndChoiceWordsAreCaseInsensitive()
    {
        var votes = new List<Vote>
        {
            new("p1", "t1", "overall", ["A", "B"], "TIE"),
            new("p1", "t1", "motion", ["A", "B"], "BothBad"),
        };
        var result = StudyAnalysis.Analyze(votes, new() { Resamples = 0 });
        Assert.Equal(1, result.Questions.Single(q => q.Question == "overall").Pairs[0].Ties);
        Assert.Equal(1, result.Questions.Single(q => q.Question == "motion").Pairs[0].BothBad);
    }

    [Fact]
    public void BadOptionsAreRejected()
    {
        var votes = new List<Vote> { Pair("p", "A", "B", "A") };
        Assert.Throws<ArgumentOutOfRangeException>(() => StudyAnalysis.Analyze(votes, new() { Resamples = -1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => StudyAnalysis.Analyze(votes, new() { Confidence = 1 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => StudyAnalysis.Analyze(votes, new() { PseudoCount = 0 }));
    }

    [Fact]
    public void JsonHasTheAgreedShapeAndNeverNaN()
    {
        var votes = HandMade();
        votes.Add(new Vote("p4", "x1", "overall", ["A", "B", "C"], "bothbad")); // a best-of-N method entry with no share
        var text = JsonSerializer.Serialize(StudyAnalysis.Analyze(votes, new() { Resamples = 200, Seed = 7 }), Json);
        Assert.DoesNotContain("NaN", text);
        Assert.DoesNotContain("Infinity", text);
        var root = JsonDocument.Parse(text).RootElement;
        Assert.Equal(4, root.GetProperty("participants").GetInt32());
        Assert.Equal(12, root.GetProperty("votes").GetInt32());
        Assert.Equal(0, root.GetProperty("excludedParticipants").GetInt32());
        var q = root.GetProperty("questions")[0];
        Assert.Equal("overall", q.GetProperty("question").GetString());
        var ab = q.GetProperty("pairs")[0];
        Assert.Equal("A", ab.GetProperty("a").GetString());
        Assert.Equal("B", ab.GetProperty("b").GetString());
        Assert.Equal(3, ab.GetProperty("aWins").GetInt32());
        Assert.Equal(1, ab.GetProperty("bWins").GetInt32());
        Assert.Equal(1, ab.GetProperty("ties").GetInt32());
        Assert.Equal(2, ab.GetProperty("bothBad").GetInt32());
        Assert.Equal(0.75, ab.GetProperty("winRateA").GetDouble());
        Assert.Equal(2, ab.GetProperty("wilsonA").GetArrayLength());
        Assert.Equal(0.625, ab.GetProperty("pValue").GetDouble(), 12);
        var ac = q.GetProperty("pairs")[1];
        Assert.Equal(JsonValueKind.Null, ac.GetProperty("winRateA").ValueKind);
        Assert.Equal(JsonValueKind.Null, ac.GetProperty("wilsonA").ValueKind);
        Assert.Equal(JsonValueKind.Null, ac.GetProperty("pValue").ValueKind);
        var bestOfN = q.GetProperty("bestOfN");
        Assert.Equal(3, bestOfN.GetArrayLength());
        Assert.Equal(JsonValueKind.Null, bestOfN[0].GetProperty("share").ValueKind);
        var bt = q.GetProperty("bradleyTerry");
        Assert.Equal(3, bt.GetArrayLength());
        foreach (var s in bt.EnumerateArray())
        {
            Assert.Equal(JsonValueKind.String, s.GetProperty("method").ValueKind);
            Assert.Equal(JsonValueKind.Number, s.GetProperty("score").ValueKind);
            Assert.Equal(2, s.GetProperty("ci").GetArrayLength());
            Assert.Equal(JsonValueKind.Number, s.GetProperty("rank").ValueKind);
        }
        Assert.Equal([1, 2, 3], bt.EnumerateArray().Select(s => s.GetProperty("rank").GetInt32()));
        Assert.Equal("participant", root.GetProperty("bootstrap").GetProperty("unit").GetString());

        var back = JsonSerializer.Deserialize<ConfidenceInterval>("[0.25, 0.5]", Json);
        Assert.Equal(new ConfidenceInterval(0.25, 0.5), back);
    }
}
