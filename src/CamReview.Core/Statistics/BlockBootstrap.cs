namespace CamReview.Core.Statistics;

/// <summary>
/// Moving-block bootstrap (Künsch 1989) of the mean of a series whose neighbouring values are correlated, as the
/// per-frame terms of a clip's metrics are (an error made at one frame carries into the next ones): resampling single
/// values would treat them as independent and give intervals too narrow.
/// <list type="bullet">
/// <item>Blocks of <see cref="BlockLength"/> = round(n^(1/3)) consecutive values (at least 1), starting anywhere in the
/// series (n - L + 1 blocks); a resample joins ceil(n / L) blocks drawn uniformly with replacement, cut to n values.</item>
/// <item><see cref="Resamples"/> resamples, a percentile interval (the 2.5% and 97.5% quantiles of the resampled means,
/// linear interpolation between order statistics).</item>
/// <item>A fixed <see cref="Seed"/> for <see cref="Random"/>: the same series always gives the same interval.</item>
/// </list>
/// </summary>
public static class BlockBootstrap
{
    public const int Resamples = 1000;

    public const int Seed = 20240611;

    /// <summary>round(n^(1/3)), at least 1: the block length that balances the bias and the variance of the variance estimate.</summary>
    public static int BlockLength(int n) => Math.Max(1, (int)Math.Round(Math.Cbrt(n)));

    /// <summary>
    /// The 95% (or <paramref name="level"/>) interval of the mean of <paramref name="values"/>; null for fewer than two
    /// values (nothing to resample). <paramref name="blockLength"/> overrides <see cref="BlockLength"/>.
    /// </summary>
    public static ConfidenceInterval? MeanInterval(IReadOnlyList<double> values, double level = 0.95, int? blockLength = null,
        int resamples = Resamples, int seed = Seed)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (!(level > 0 && level < 1)) throw new ArgumentOutOfRangeException(nameof(level), level, "level must be in (0, 1)");
        int n = values.Count;
        if (n < 2) return null;
        int length = Math.Clamp(blockLength ?? BlockLength(n), 1, n);
        if (resamples < 2) throw new ArgumentOutOfRangeException(nameof(resamples), resamples, "need at least 2 resamples");

        // Prefix sums: a block's sum in O(1).
        var prefix = new double[n + 1];
        for (int i = 0; i < n; i++) prefix[i + 1] = prefix[i] + values[i];
        int starts = n - length + 1, blocks = (n + length - 1) / length, lastLength = n - (blocks - 1) * length;
        var rng = new Random(seed);
        var means = new double[resamples];
        for (int r = 0; r < resamples; r++)
        {
            double sum = 0;
            for (int b = 0; b < blocks; b++)
            {
                int start = rng.Next(starts);
                int take = b == blocks - 1 ? lastLength : length;
                sum += prefix[start + take] - prefix[start];
            }
            means[r] = sum / n;
        }
        Array.Sort(means);
        double alpha = (1 - level) / 2;
        return new ConfidenceInterval(Quantile(means, alpha), Quantile(means, 1 - alpha));
    }

    private static double Quantile(double[] sorted, double q)
    {
        double h = q * (sorted.Length - 1);
        int lo = (int)Math.Floor(h);
        int hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }
}
