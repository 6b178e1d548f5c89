namespace CamReview.Core.Statistics;

/// <summary>The Wilson score interval for a binomial proportion.</summary>
public static class Wilson
{
    /// <summary>
    /// Wilson score interval for <paramref name="successes"/> of <paramref name="trials"/> at the given two-sided
    /// <paramref name="confidence"/> (z = Φ⁻¹((1 + confidence) / 2), 1.959964 for 0.95):
    /// (p̂ + z²/2n ± z √(p̂(1-p̂)/n + z²/4n²)) / (1 + z²/n). The bounds are clamped to [0, 1], and are exactly 0
    /// when there are no successes and exactly 1 when all trials succeed. Example: 70 of 100 → [0.6042, 0.7811].
    /// Returns <c>null</c> when <paramref name="trials"/> is 0 (no information: there is no interval).
    /// </summary>
    public static ConfidenceInterval? Interval(long successes, long trials, double confidence = 0.95)
    {
        if (trials < 0) throw new ArgumentOutOfRangeException(nameof(trials), trials, "trials must be >= 0");
        if (successes < 0 || successes > trials)
            throw new ArgumentOutOfRangeException(nameof(successes), successes, $"successes must be in [0, trials = {trials}]");
        double z = NormalDistribution.TwoSidedCritical(confidence);
        if (trials == 0) return null;
        double n = trials, p = successes / n, z2 = z * z;
        double denominator = 1 + z2 / n;
        double centre = (p + z2 / (2 * n)) / denominator;
        double half = z / denominator * Math.Sqrt(p * (1 - p) / n + z2 / (4 * n * n));
        double low = successes == 0 ? 0 : Math.Max(0, centre - half);
        double high = successes == trials ? 1 : Math.Min(1, centre + half);
        return new ConfidenceInterval(low, high);
    }
}
