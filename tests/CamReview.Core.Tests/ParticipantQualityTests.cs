using CamReview.Core.Statistics;

namespace CamReview.Core.Tests;

public sealed class ParticipantQualityTests
{
    private static readonly DateTime Start = new(2026, 12, 3, 12, 0, 0, DateTimeKind.Utc);

    /// <summary>A participant who answers each trial <paramref name="seconds"/> after the previous one (as the server
    /// sees it), reporting <paramref name="reported"/> ms (null: the server's time), with 2 s clips.</summary>
    private static QualityParticipant Person(string id, double seconds, string? address = null, double? reported = null,
        params (QualityTrialKind Kind, string[] Options, string Answer, int? RepeatOf)[] trials)
    {
        var list = new List<QualityTrial>();
        var t = Start;
        for (int i = 0; i < trials.Length; i++)
        {
            t = t.AddSeconds(seconds);
            var (kind, options, answer, repeatOf) = trials[i];
            list.Add(new QualityTrial(i + 1, kind, options, new Dictionary<string, string> { ["overall"] = answer }, 2000, reported, t, t, repeatOf));
        }
        return new QualityParticipant(id, Start, address, list);
    }

    private static (QualityTrialKind, string[], string, int?) Comparison(string a, string b, string answer) => (QualityTrialKind.Comparison, [a, b], answer, null);

    private static (QualityTrialKind, string[], string, int?) Check(string shown, string answer) => (QualityTrialKind.AttentionCheck, [shown, shown], answer, null);

    private static (QualityTrialKind, string[], string, int?) Repeat(int of, string a, string b, string answer) => (QualityTrialKind.Repeat, [a, b], answer, of);

    private static readonly (QualityTrialKind, string[], string, int?)[] Honest =
        [Comparison("A", "B", "A"), Comparison("B", "C", "B"), Check("C", "tie"), Comparison("A", "C", "A"), Repeat(1, "B", "A", "A"), Repeat(2, "C", "B", "B")];

    [Fact]
    public void HonestParticipantsHaveNoFlags()
    {
        var people = Enumerable.Range(0, 6).Select(i => Person($"h{i}", 5 + i, $"addr{i}", trials: Honest)).ToList();
        var flags = ParticipantQuality.Assess(people, new QualityRules { SharedAddressLimit = 3 });
        Assert.All(people, p => Assert.Empty(flags[p.Participant]));
    }

    [Fact]
    public void EachRuleFlagsWhatItDescribesWithItsReason()
    {
        var people = Enumerable.Range(0, 6).Select(i => Person($"h{i}", 9, $"addr{i}", trials: Honest)).ToList();
        // Picks a side where both videos are the same (and "both bad" there is no fault).
        people.Add(Person("check", 9, "x1", trials: [Comparison("A", "B", "A"), Check("C", "bothbad"), Check("B", "B")]));
        // Reports 8 s per trial but the server saw the answers 0.3 s apart: under the 2 s clips.
        people.Add(Person("script", 0.3, "x2", reported: 8000, trials: Honest));
        // Watches each clip once (2.5 s) where the others take 9 s: under a third of the study's median.
        people.Add(Person("hasty", 2.5, "x3", trials: Honest));
        // Always the left side: the mirrored repeats disagree.
        people.Add(Person("left", 9, "x4", trials: [Comparison("A", "B", "A"), Comparison("B", "C", "B"), Repeat(1, "B", "A", "B"), Repeat(2, "C", "B", "C")]));
        // Four from one address, over a limit of 3.
        var crowd = Enumerable.Range(0, 4).Select(i => Person($"crowd{i}", 9, "shared", trials: Honest)).ToList();
        people.AddRange(crowd);

        var flags = ParticipantQuality.Assess(people, new QualityRules { SharedAddressLimit = 3 });
        Assert.Equal([ParticipantQuality.AttentionCheck], flags["check"].Select(f => f.Code));
        Assert.Equal("picked a side in 1 of 2 attention checks (identical videos; trial 3)", flags["check"][0].Reason);
        Assert.Equal([ParticipantQuality.TooFast, ParticipantQuality.FastOutlier], flags["script"].Select(f => f.Code));
        Assert.StartsWith("answered 6 of 6 trials before their videos could have played once (trial 1 in 0.3 s, its clips last 2.0 s)", flags["script"][0].Reason);
        Assert.Equal([ParticipantQuality.FastOutlier], flags["hasty"].Select(f => f.Code));
        Assert.Equal("median answer time 2.5 s, below a third of the study's median of 9.0 s", flags["hasty"][0].Reason);
        Assert.Equal([ParticipantQuality.Inconsistent], flags["left"].Select(f => f.Code));
        Assert.Equal("picked another method on 2 of 2 answers to repeated comparisons (sides mirrored)", flags["left"][0].Reason);
        Assert.All(crowd, c => Assert.Equal("one of 4 participants who joined from the same client address (more than 3 are flagged)", Assert.Single(flags[c.Participant]).Reason));
        Assert.All(Enumerable.Range(0, 6), i => Assert.Empty(flags[$"h{i}"]));

        // Each rule can be turned off: the answer-time rules together, the address rule by a limit of 0.
        var relaxed = ParticipantQuality.Assess(people, new QualityRules { FastAnswers = false, SharedAddressLimit = 0 });
        Assert.Empty(relaxed["script"]);
        Assert.Empty(relaxed["hasty"]);
        Assert.All(crowd, c => Assert.Empty(relaxed[c.Participant]));
        Assert.Single(relaxed["check"]);
        Assert.Single(relaxed["left"]);
    }

    [Fact]
    public void AFloodOfFastScriptsDoesNotMoveTheYardstickOfTheOutlierRule()
    {
        // Twenty scripts at 0.5 s outnumber five people at 6 s; the scripts are flagged too fast, so the study's median
        // is the people's: the scripts are outliers as well, and nobody honest is.
        var people = Enumerable.Range(0, 5).Select(i => Person($"h{i}", 6, trials: Honest))
            .Concat(Enumerable.Range(0, 20).Select(i => Person($"s{i}", 0.5, trials: Honest))).ToList();
        var flags = ParticipantQuality.Assess(people);
        Assert.All(Enumerable.Range(0, 5), i => Assert.Empty(flags[$"h{i}"]));
        Assert.All(Enumerable.Range(0, 20), i => Assert.Equal([ParticipantQuality.TooFast, ParticipantQuality.FastOutlier], flags[$"s{i}"].Select(f => f.Code)));
        // With fewer than five unflagged people there is no yardstick.
        var few = ParticipantQuality.Assess(people.Skip(1).ToList());
        Assert.All(Enumerable.Range(0, 20), i => Assert.Equal([ParticipantQuality.TooFast], few[$"s{i}"].Select(f => f.Code)));
    }

    [Fact]
    public void AnswerTimesAreTheSmallerOfTheBrowsersAndTheServersMeasure()
    {
        var trials = new List<QualityTrial>
        {
            // The second trial's questions were answered over 2 s; the third starts from its last answer.
            new(1, QualityTrialKind.Comparison, ["A", "B"], new Dictionary<string, string> { ["q"] = "A" }, 1000, 4000, Start.AddSeconds(5), Start.AddSeconds(5)),
            new(2, QualityTrialKind.Comparison, ["A", "B"], new Dictionary<string, string> { ["q"] = "A" }, 1000, 1500, Start.AddSeconds(9), Start.AddSeconds(11)),
            new(3, QualityTrialKind.Comparison, ["A", "B"], new Dictionary<string, string> { ["q"] = "A" }, 1000, null, Start.AddSeconds(14), Start.AddSeconds(14)),
            new(4, QualityTrialKind.Comparison, ["A", "B"], new Dictionary<string, string>(), 1000, null, null, null),
        };
        var times = ParticipantQuality.AnswerTimes(new QualityParticipant("p", Start, null, trials));
        Assert.Equal(new Dictionary<int, double> { [1] = 4000, [2] = 1500, [3] = 3000 }, times);
    }
}
