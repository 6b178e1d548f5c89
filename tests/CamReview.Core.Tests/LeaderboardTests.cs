using CamReview.Core.Statistics;

namespace CamReview.Core.Tests;

/// <summary>The leaderboard's statistics against values worked out by hand (and R's qt / wilcox.test where they exist).</summary>
public sealed class LeaderboardTests
{
    private static readonly LeaderboardMetric Error = new("error", HigherIsBetter: false);
    private static readonly LeaderboardMetric Quality = new("quality", HigherIsBetter: true);

    private static IEnumerable<PairValue> Values(string method, string metric, params double[] values) =>
        values.Select((v, i) => new PairValue($"p{i + 1}", method, metric, v));

    [Theory]
    // R: qt(0.975, df)
    [InlineData(1, 12.706204736174698)]
    [InlineData(2, 4.302652729749464)]
    [InlineData(4, 2.7764451051977934)]
    [InlineData(9, 2.2621571628540993)]
    [InlineData(29, 2.045229642132703)]
    [InlineData(1000, 1.9623390808264074)]
    public void StudentTCriticalValuesMatchR(int df, double expected) =>
        TestUtil.Near(expected, StudentT.TwoSidedCritical(0.95, df), 1e-9 * expected);

    [Fact]
    public void StudentTCdfIsSymmetricAndHalfAtZero()
    {
        Assert.Equal(0.5, StudentT.Cdf(0, 3), 12);
        TestUtil.Near(1 - StudentT.Cdf(-1.3, 5), StudentT.Cdf(1.3, 5), 1e-14);
        // One degree of freedom is the Cauchy distribution: F(1) = 3/4.
        TestUtil.Near(0.75, StudentT.Cdf(1, 1), 1e-12);
    }

    [Fact]
    public void WilcoxonExactPValuesWorkedOutByHand()
    {
        // Five positive differences: W+ = 15 is the largest of 32 equally likely sums, 2 · 1/32 (R: 0.0625).
        Assert.Equal(0.0625, WilcoxonSignedRank.TwoSidedPValue([1, 2, 3, 4, 5]), 12);
        // |d| ranks 3,1,4,5,2,6 with the negatives on ranks 1 and 2: W+ = 18 of 21; sums >= 18 are the complements of
        // sums <= 3 ({}, {1}, {2}, {3}, {1,2}): 5 of 64, two-sided 10/64 (R: 0.15625).
        Assert.Equal(0.15625, WilcoxonSignedRank.TwoSidedPValue([1.5, -0.5, 2, 3, -1, 4]), 12);
        // Ties: |1|, |1|, |-1| share rank 2, and 2 has rank 4; W+ = 2 + 2 + 4 = 8 of 10. Over the 16 sign assignments
        // W+ >= 8 happens for 2+2+4 (3 ways) and 2+2+2+4 (1): 4/16, two-sided 0.5.
        Assert.Equal(0.5, WilcoxonSignedRank.TwoSidedPValue([1, 1, -1, 2]), 12);
        // Zeros are dropped; nothing left is no evidence.
        Assert.Equal(0.0625, WilcoxonSignedRank.TwoSidedPValue([0, 1, 2, 0, 3, 4, 5]), 12);
        Assert.Equal(1, WilcoxonSignedRank.TwoSidedPValue([0, 0]));
    }

    [Fact]
    public void WilcoxonNormalApproximationAgreesWithTheExactTestAboveItsLimit()
    {
        // 201 differences (beyond the exact limit) and the same 200 of them (exact) must give nearly the same p.
        var random = new Random(7);
        var differences = Enumerable.Range(0, 201).Select(_ => random.NextDouble() - 0.4).ToArray();
        double approximate = WilcoxonSignedRank.TwoSidedPValue(differences);
        double exact = WilcoxonSignedRank.TwoSidedPValue(differences[..200]);
        Assert.InRange(approximate, 0, 0.05);
        Assert.InRange(approximate / exact, 0.5, 2);
        TestUtil.Near(0.025, NormalDistribution.UpperTail(1.959963984540054), 2e-8);
        TestUtil.Near(0.975, NormalDistribution.UpperTail(-1.959963984540054), 2e-8);
    }

    [Fact]
    public void MeansAndIntervalsOverPairsWithTheBestMarkedWhereIntervalsSeparate()
    {
        var board = Leaderboard.Build([.. Values("a", "error", 1, 2, 3), .. Values("b", "error", 10, 11, 12)], [Error]);
        var (a, b) = (board.Rows[0].Cells[0], board.Rows[1].Cells[0]);
        // Mean 2, standard deviation 1, half-width qt(0.975, 2) / sqrt(3) = 2.4841377.
        Assert.Equal(["a", "b"], board.Rows.Select(r => r.Method));
        Assert.Equal((3, 2.0, 1.0), (a.Summary!.Pairs, a.Summary.Mean, a.Summary.StandardDeviation!.Value));
        TestUtil.Near(4.302652729749464 / Math.Sqrt(3), a.Summary.HalfWidth!.Value, 1e-9);
        TestUtil.Near(11 - 4.302652729749464 / Math.Sqrt(3), b.Summary!.Interval!.Value.Low, 1e-9);
        Assert.True(a.IsBest);
        Assert.False(b.IsBest);
        Assert.Equal(["p1", "p2", "p3"], board.Pairs);
    }

    [Fact]
    public void TheDirectionDecidesTheBest()
    {
        var board = Leaderboard.Build([.. Values("a", "quality", 1, 2, 3), .. Values("b", "quality", 10, 11, 12)], [Quality]);
        Assert.Equal([false, true], board.Rows.Select(r => r.Cells[0].IsBest));
    }

    [Fact]
    public void OverlappingIntervalsMarkNothingWhileThePairedComparisonStillFindsTheDifference()
    {
        // a: [-0.48, 4.48], b: 4, 5, 6 -> [2.52, 7.48]: they overlap, so no best; but b is exactly 3 worse on every pair.
        var board = Leaderboard.Build([.. Values("a", "error", 1, 2, 3), .. Values("b", "error", 4, 5, 6)], [Error]);
        Assert.All(board.Rows, r => Assert.False(r.Cells[0].IsBest));

        var paired = board.Compare("a", "b", "error");
        Assert.Equal((3, -3.0, 0.0), (paired.Pairs, paired.Difference!.Mean, paired.Difference.StandardDeviation!.Value));
        Assert.Equal((3, 0, 0), (paired.FirstBetter, paired.SecondBetter, paired.Ties));
        Assert.Equal("a", paired.Better);
        // Three negative differences: W+ = 0, the smallest of 8 equally likely sums: 2/8.
        Assert.Equal(0.25, paired.PValue!.Value, 12);
        Assert.Equal("a", board.Compare("b", "a", "error").Better);
    }

    [Fact]
    public void AMethodMissingOnSomePairsIsComparedOnThePairsBothHave()
    {
        var values = new List<PairValue>([.. Values("a", "error", 1, 2, 3, 4)]);
        values.Add(new PairValue("p1", "c", "error", 2));
        values.Add(new PairValue("p3", "c", "error", 5));
        var board = Leaderboard.Build(values, [Error]);
        var c = board.Rows.Single(r => r.Method == "c");
        Assert.Equal((2, 3.5), (c.Pairs, c.Cells[0].Summary!.Mean));
        var paired = board.Compare("a", "c", "error");
        // On p1 and p3: differences 1 - 2 = -1 and 3 - 5 = -2.
        Assert.Equal((2, -1.5), (paired.Pairs, paired.Difference!.Mean));
        TestUtil.Near(12.706204736174698 * Math.Sqrt(0.5) / Math.Sqrt(2), paired.Difference.HalfWidth!.Value, 1e-9);
        Assert.Null(paired.Better);
        Assert.Equal((2, 0), (paired.FirstBetter, paired.SecondBetter));
        var none = board.Compare("a", "nobody", "error");
        Assert.Equal((0, null, null), (none.Pairs, none.Difference, none.PValue));
    }

    [Fact]
    public void AMethodOfOnePairHasNoIntervalAndPreventsABest()
    {
        var board = Leaderboard.Build([.. Values("a", "error", 1, 2, 3), .. Values("b", "error", 10, 11, 12), new PairValue("p1", "c", "error", 50)], [Error]);
        var c = board.Rows.Single(r => r.Method == "c").Cells[0].Summary!;
        Assert.Equal((1, 50.0), (c.Pairs, c.Mean));
        Assert.Null(c.Interval);
        Assert.All(board.Rows, r => Assert.False(r.Cells[0].IsBest));
    }

    [Fact]
    public void TwoValuesOfAMethodOnOnePairWeighOnceAndUnknownOrNonFiniteValuesAreLeftOut()
    {
        var board = Leaderboard.Build(
        [
            new PairValue("p1", "a", "error", 1), new PairValue("p1", "a", "error", 3), new PairValue("p2", "a", "error", 5),
            new PairValue("p2", "a", "error", double.NaN), new PairValue("p3", "a", "other", 100),
        ], [Error, Quality]);
        var row = Assert.Single(board.Rows);
        // p1 averages to 2, p2 is 5: mean 3.5 over two pairs; "other" is no metric of this board; no quality values.
        Assert.Equal((2, 2, 3.5), (row.Pairs, row.Cells[0].Summary!.Pairs, row.Cells[0].Summary!.Mean));
        Assert.Null(row.Cells[1].Summary);
        Assert.Equal(["p1", "p2"], board.Pairs);
        Assert.Throws<ArgumentException>(() => board.Compare("a", "a", "other"));
    }
}
