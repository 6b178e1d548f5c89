using CamReview.Core.Statistics;

namespace CamReview.Core.Tests;

public sealed class StatisticsDistributionTests
{
    private static void Relative(double expected, double actual, double tol)
    {
        Assert.True(Math.Abs(actual - expected) <= tol * Math.Abs(expected),
            $"expected {expected:R}, got {actual:R} (relative {Math.Abs(actual - expected) / Math.Abs(expected):G3} > {tol:G3})");
    }

    [Theory]
    // Reference values: Python statistics.NormalDist().inv_cdf (also AS241) / R qnorm.
    [InlineData(0.975, 1.959963984540054)]
    [InlineData(0.5, 0.0)]
    [InlineData(0.9, 1.2815515655446004)]
    [InlineData(0.025, -1.959963984540054)]
    [InlineData(0.995, 2.5758293035489004)]
    [InlineData(1e-10, -6.361340902404056)]
    [InlineData(1e-300, -37.0470962993612)]
    public void InverseNormalMatchesReferenceValues(double p, double expected)
    {
        TestUtil.Near(expected, NormalDistribution.InverseCdf(p), 1e-12 * Math.Max(1, Math.Abs(expected)));
    }

    [Fact]
    public void InverseNormalAt0975Is1959964AndRejectsNonProbabilities()
    {
        Assert.Equal(1.959964, Math.Round(NormalDistribution.InverseCdf(0.975), 6));
        Assert.Equal(1.959964, Math.Round(NormalDistribution.TwoSidedCritical(0.95), 6));
        Assert.Equal(double.NegativeInfinity, NormalDistribution.InverseCdf(0));
        Assert.Equal(double.PositiveInfinity, NormalDistribution.InverseCdf(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => NormalDistribution.InverseCdf(1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => NormalDistribution.InverseCdf(double.NaN));
    }

    [Fact]
    public void Wilson70Of100()
    {
        var ci = Wilson.Interval(70, 100)!.Value;
        Assert.Equal(0.6042, Math.Round(ci.Low, 4));
        Assert.Equal(0.7811, Math.Round(ci.High, 4));
    }

    [Fact]
    public void WilsonHandCheckedCases()
    {
        // Hand formula with z = 1.959963984540054: 0/10 -> [0, z²/(n+z²)] = [0, 0.27753].
        var zero = Wilson.Interval(0, 10)!.Value;
        Assert.Equal(0, zero.Low);
        TestUtil.Near(0.2775328, zero.High, 1e-6);
        var all = Wilson.Interval(10, 10)!.Value;
        Assert.Equal(1, all.High);
        TestUtil.Near(1 - 0.2775328, all.Low, 1e-6);
        // Symmetric about 1/2 at 50%, and wider at 99% than at 95%.
        var half = Wilson.Interval(50, 100)!.Value;
        TestUtil.Near(1, half.Low + half.High, 1e-12);
        Assert.True(Wilson.Interval(50, 100, 0.99)!.Value.Width > half.Width);
        // 99% interval for 70/100 (z = 2.5758): [0.5726, 0.8025].
        var ci99 = Wilson.Interval(70, 100, 0.99)!.Value;
        Assert.Equal(0.5726, Math.Round(ci99.Low, 4));
        Assert.Equal(0.8025, Math.Round(ci99.High, 4));
    }

    [Fact]
    public void WilsonWithNoTrialsIsNullAndBadCountsThrow()
    {
        Assert.Null(Wilson.Interval(0, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Wilson.Interval(5, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => Wilson.Interval(-1, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => Wilson.Interval(1, 4, 1.0));
    }

    [Fact]
    public void ExactBinomialTestMatchesR()
    {
        Relative(7.85e-5, Binomial.TwoSidedPValue(70, 100), 1e-3);
        Relative(7.85013964559367e-05, Binomial.TwoSidedPValue(70, 100), 1e-9);
        Relative(7.85013964559367e-05, Binomial.TwoSidedPValue(30, 100), 1e-9);
        Assert.Equal(1.0, Binomial.TwoSidedPValue(50, 100));
        Relative(2 * Math.Pow(0.5, 10), Binomial.TwoSidedPValue(0, 10), 1e-12);
        Relative(2 * Math.Pow(0.5, 10), Binomial.TwoSidedPValue(10, 10), 1e-12);
        Assert.Equal(1.0, Binomial.TwoSidedPValue(100000, 200000));
        Assert.Equal(1.0, Binomial.TwoSidedPValue(0, 0));
    }

    [Theory]
    // Exact rational sums of the "minlike" definition (Python fractions), i.e. R's binom.test(x, n, p).
    [InlineData(3, 20, 0.3, 0.2204182673807094)]
    [InlineData(9, 20, 0.3, 0.1488145951754471)]
    [InlineData(7, 10, 0.2, 0.0008643584)]
    [InlineData(2, 10, 0.2, 1.0)]
    [InlineData(1, 4, 0.25, 1.0)]
    [InlineData(10, 30, 1.0 / 3, 1.0)]
    [InlineData(520, 1000, 0.5, 0.21744829320414094)]
    public void ExactBinomialTestWithGeneralP(long x, long n, double p, double expected)
    {
        Relative(expected, Binomial.TwoSidedPValue(x, n, p), 1e-9);
    }

    [Theory]
    // Reference: brute-force sum over all 1e6 + 1 outcomes with lgamma (Python, math.fsum).
    [InlineData(501000, 0.5, 0.04560829983684556)]
    [InlineData(498000, 0.5, 6.36093374655335e-05)]
    [InlineData(299000, 0.3, 0.02909631901480251)]
    public void ExactBinomialTestScalesToAMillionTrials(long x, double p, double expected)
    {
        Relative(expected, Binomial.TwoSidedPValue(x, 1_000_000, p), 1e-6);
    }

    [Fact]
    public void ExtremeBinomialTailsUnderflowToZeroNotNaN()
    {
        double p = Binomial.TwoSidedPValue(1_000_000, 1_000_000);
        Assert.Equal(0, p);
        Assert.True(Binomial.TwoSidedPValue(900, 1000) is > 0 and < 1e-100);
    }

    [Fact]
    public void LogPmfAndLogFactorialAreAccurate()
    {
        TestUtil.Near(Math.Log(0.2460937500), Binomial.LogPmf(5, 10, 0.5), 1e-14); // C(10,5)/1024
        TestUtil.Near(42.335616460753485, Binomial.LogFactorial(20), 1e-13);       // log(20!)
        TestUtil.Near(12815518.384658169, Binomial.LogFactorial(1_000_000), 1e-7);
        Assert.Equal(0, Binomial.LogFactorial(0));
        // The pmf sums to 1.
        double total = 0;
        for (int k = 0; k <= 1000; k++) total += Math.Exp(Binomial.LogPmf(k, 1000, 0.37));
        TestUtil.Near(1, total, 1e-12);
        Assert.Equal(double.NegativeInfinity, Binomial.LogPmf(11, 10, 0.5));
    }

    [Fact]
    public void HolmAdjustmentMatchesR()
    {
        // R: p.adjust(c(0.01, 0.04, 0.03, 0.005), "holm") = 0.03 0.06 0.06 0.02
        var adjusted = MultipleTesting.Holm([0.01, 0.04, 0.03, 0.005]);
        Assert.Equal([0.03, 0.06, 0.06, 0.02], adjusted.Select(a => Math.Round(a, 12)));
        Assert.Equal([1.0], MultipleTesting.Holm([1.0]));
    }
}
