using System.Diagnostics;
using CamReview.Core.Statistics;
using Xunit.Abstractions;
using static CamReview.Core.Tests.StatisticsTestData;

namespace CamReview.Core.Tests;

public sealed class StatisticsBradleyTerryTests(ITestOutputHelper output)
{
    private static readonly double[] TrueStrengths = [0.9, 0.3, -0.2, -1.0];

    [Fact]
    public void TwoMethodsSeventyThirtyGiveLogOddsDifference()
    {
        var fit = BradleyTerry.Fit(new double[,] { { 0, 70 }, { 30, 0 } });
        TestUtil.Near(Math.Log(70.0 / 30), fit.Scores[0] - fit.Scores[1], 1e-9);
        TestUtil.Near(0, fit.Scores[0] + fit.Scores[1], 1e-12, "centred");
        Assert.False(fit.Regularized);
        Assert.True(fit.Converged);
        Assert.Equal(1, fit.ComponentCount);
    }

    [Fact]
    public void StudyWithSeventyThirtyVotesGivesCentredScores()
    {
        var votes = Repeat(70, "A", "B", "A").Concat(Repeat(30, "B", "A", "B")).ToList();
        var bt = StudyAnalysis.Analyze(votes, new() { Resamples = 200 }).Questions.Single().BradleyTerry;
        Assert.Equal(["A", "B"], bt.Select(s => s.Method));
        TestUtil.Near(Math.Log(70.0 / 30) / 2, bt[0].Score, 1e-6);
        TestUtil.Near(-Math.Log(70.0 / 30) / 2, bt[1].Score, 1e-6);
        Assert.Equal([1, 2], bt.Select(s => s.Rank));
        Assert.Equal([100, 100], bt.Select(s => s.Comparisons));
    }

    [Fact]
    public void TiesCountAsHalfAWinAndBothBadIsIgnored()
    {
        // 60 + 20/2 = 70 against 20 + 20/2 = 30.
        var votes = Repeat(60, "A", "B", "A").Concat(Repeat(20, "A", "B", "B"))
            .Concat(Repeat(20, "A", "B", "tie")).Concat(Repeat(15, "A", "B", "bothbad")).ToList();
        var q = StudyAnalysis.Analyze(votes, new() { Resamples = 0 }).Questions.Single();
        TestUtil.Near(Math.Log(70.0 / 30), q.BradleyTerry[0].Score - q.BradleyTerry[1].Score, 1e-9);
        Assert.Null(q.BradleyTerry[0].Ci);
        Assert.Equal(100, q.BradleyTerry[0].Comparisons);
    }

    [Fact]
    public void MaximumLikelihoodSatisfiesTheScoreEquations()
    {
        // At the MLE each method's expected wins equal its observed wins (ties as halves).
        double[,] wins = { { 0, 12, 7, 30 }, { 8, 0, 15, 9 }, { 3, 5, 0, 11 }, { 2, 6, 4, 0 } };
        var fit = BradleyTerry.Fit(wins);
        Assert.False(fit.Regularized);
        for (int i = 0; i < 4; i++)
        {
            double observed = 0, expected = 0;
            for (int j = 0; j < 4; j++)
            {
                if (i == j) continue;
                observed += wins[i, j];
                expected += (wins[i, j] + wins[j, i]) / (1 + Math.Exp(fit.Scores[j] - fit.Scores[i]));
            }
            TestUtil.Near(observed, expected, 1e-8, $"method {i}");
        }
        TestUtil.Near(0, fit.Scores.Sum(), 1e-12);
    }

    [Fact]
    public void AMethodWithoutWinsIsRegularisedMinimally()
    {
        var fit = BradleyTerry.Fit(new double[,] { { 0, 10 }, { 0, 0 } });
        Assert.True(fit.Regularized);
        TestUtil.Near(Math.Log(10.1 / 0.1), fit.Scores[0] - fit.Scores[1], 1e-9);

        // In a study: C never wins; A and B are untouched in order, C is last with a finite score and interval.
        var votes = Repeat(30, "A", "B", "A").Concat(Repeat(20, "A", "B", "B"))
            .Concat(Repeat(10, "A", "C", "A")).Concat(Repeat(10, "B", "C", "B")).ToList();
        var q = StudyAnalysis.Analyze(votes, new() { Resamples = 300 }).Questions.Single();
        Assert.True(q.BradleyTerryRegularized);
        Assert.Equal(["A", "B", "C"], q.BradleyTerry.Select(s => s.Method));
        Assert.All(q.BradleyTerry, s => Assert.True(double.IsFinite(s.Score) && double.IsFinite(s.Ci!.Value.Low)));
    }

    [Fact]
    public void AOneSidedChainKeepsItsOrderUnderTheMinimalPrior()
    {
        // A always beats B, B always beats C, C always beats D: no MLE; the prior keeps the order and finite scores.
        var votes = Repeat(8, "A", "B", "A").Concat(Repeat(8, "B", "C", "B")).Concat(Repeat(8, "C", "D", "C")).ToList();
        var q = StudyAnalysis.Analyze(votes, new() { Resamples = 200 }).Questions.Single();
        Assert.True(q.BradleyTerryRegularized);
        Assert.Equal(["A", "B", "C", "D"], q.BradleyTerry.Select(s => s.Method));
        Assert.Equal([1, 2, 3, 4], q.BradleyTerry.Select(s => s.Rank));
        Assert.All(q.BradleyTerry, s => Assert.True(double.IsFinite(s.Score) && s.Ci!.Value.Contains(s.Score)));
        var fit = BradleyTerry.Fit(new double[,] { { 0, 8, 0, 0 }, { 0, 0, 8, 0 }, { 0, 0, 0, 8 }, { 0, 0, 0, 0 } });
        Assert.True(fit.Converged);
    }

    [Fact]
    public void DisconnectedComparisonGraphsAreReportedAndCentredPerComponent()
    {
        var votes = Repeat(70, "A", "B", "A").Concat(Repeat(30, "A", "B", "B"))
            .Concat(Repeat(40, "C", "D", "D")).Concat(Repeat(10, "C", "D", "C")).ToList();
        var q = StudyAnalysis.Analyze(votes, new() { Resamples = 100 }).Questions.Single();
        Assert.Equal(2, q.ComparisonComponents);
        Assert.Equal(["A", "B", "D", "C"], q.BradleyTerry.Select(s => s.Method));
        Assert.Equal([1, 1, 2, 2], q.BradleyTerry.Select(s => s.Component));
        Assert.Equal([1, 2, 1, 2], q.BradleyTerry.Select(s => s.Rank));
        TestUtil.Near(Math.Log(70.0 / 30) / 2, q.BradleyTerry[0].Score, 1e-9);
        TestUtil.Near(Math.Log(40.0 / 10) / 2, q.BradleyTerry[2].Score, 1e-9);
        Assert.False(q.BradleyTerryRegularized);
    }

    [Fact]
    public void SimulatedVotesRecoverTheTrueRanking()
    {
        var votes = Simulate(TrueStrengths, participants: 20, votesPerParticipant: 60, seed: 11, tieRate: 0.1);
        var bt = StudyAnalysis.Analyze(votes, new() { Resamples = 1000, Seed = 5 }).Questions.Single().BradleyTerry;
        Assert.Equal(["m0", "m1", "m2", "m3"], bt.Select(s => s.Method));
        Assert.Equal([1, 2, 3, 4], bt.Select(s => s.Rank));
        var centredTruth = TrueStrengths.Select(s => s - TrueStrengths.Average()).ToArray();
        for (int i = 0; i < 4; i++)
        {
            var s = bt[i];
            Assert.True(s.Ci!.Value.Contains(s.Score), $"{s.Method}: {s.Score} outside {s.Ci}");
            Assert.True(s.RankCi!.Value.Contains(s.Rank), $"{s.Method}: rank {s.Rank} outside {s.RankCi}");
            Assert.True(s.Ci.Value.Contains(centredTruth[i]), $"{s.Method}: truth {centredTruth[i]} outside {s.Ci}");
        }
    }

    [Fact]
    public void BootstrapIsReproducibleWithTheSameSeedAndDiffersWithAnother()
    {
        var votes = Simulate(TrueStrengths, 20, 60, seed: 3);
        var options = new StudyAnalysisOptions { Resamples = 1000, Seed = 42 };
        var first = StudyAnalysis.Analyze(votes, options).Questions.Single().BradleyTerry;
        var again = StudyAnalysis.Analyze(votes, options).Questions.Single().BradleyTerry;
        var other = StudyAnalysis.Analyze(votes, options with { Seed = 43 }).Questions.Single().BradleyTerry;
        Assert.Equal(first.Select(s => s.Ci), again.Select(s => s.Ci));
        Assert.NotEqual(first.Select(s => s.Ci), other.Select(s => s.Ci));
        Assert.Equal(first.Select(s => s.Score), other.Select(s => s.Score)); // the point estimate does not depend on the seed
    }

    [Fact]
    public void ParticipantBootstrapIsWiderThanVoteBootstrapWhenRatersDisagree()
    {
        var votes = Simulate(TrueStrengths, participants: 12, votesPerParticipant: 150, seed: 9, participantSpread: 1.0);
        var byParticipant = StudyAnalysis.Analyze(votes, new() { Seed = 1 }).Questions.Single().BradleyTerry;
        var byVote = StudyAnalysis.Analyze(votes, new() { Seed = 1, BootstrapUnit = BootstrapUnit.Vote }).Questions.Single().BradleyTerry;
        double Width(IReadOnlyList<BradleyTerryScore> s) => s.Average(x => x.Ci!.Value.Width);
        output.WriteLine($"mean CI width: participant {Width(byParticipant):F3}, vote {Width(byVote):F3}");
        Assert.True(Width(byParticipant) > 1.3 * Width(byVote));
    }

    [Fact]
    public void ThousandResamplesOfTwentyThousandVotesRankTheMethods()
    {
        var votes = Simulate([0.6, 0.3, 0.0, -0.3, -0.6], participants: 200, votesPerParticipant: 100, seed: 1, tieRate: 0.1);
        Assert.Equal(20_000, votes.Count);
        StudyAnalysis.Analyze(votes.Take(500).ToList(), new() { Resamples = 50 }); // warm up the JIT
        foreach (var unit in new[] { BootstrapUnit.Participant, BootstrapUnit.Vote })
        {
            var watch = Stopwatch.StartNew();
            var result = StudyAnalysis.Analyze(votes, new() { Resamples = 1000, BootstrapUnit = unit });
            watch.Stop();
            // The time is reported, not asserted: timings on a shared machine vary.
            output.WriteLine($"{unit}: 1000 resamples, 20000 votes, 5 methods: {watch.ElapsedMilliseconds} ms");
            Assert.Equal(["m0", "m1", "m2", "m3", "m4"], result.Questions.Single().BradleyTerry.Select(s => s.Method));
        }
    }
}
