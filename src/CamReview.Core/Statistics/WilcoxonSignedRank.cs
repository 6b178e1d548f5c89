namespace CamReview.Core.Statistics;

/// <summary>The Wilcoxon signed-rank test of paired differences (H0: symmetric about 0), two-sided.</summary>
public static class WilcoxonSignedRank
{
    /// <summary>Up to this many non-zero differences the p-value is exact; above, the normal approximation.</summary>
    public const int ExactUpTo = 200;

    /// <summary>
    /// The two-sided p-value of the differences: zeros are dropped (Wilcoxon's rule), |d| ranked with average ranks
    /// for ties, W⁺ the sum of the positive differences' ranks. Up to <see cref="ExactUpTo"/> differences the p-value
    /// is exact, 2·min(P(W⁺ ≤ w), P(W⁺ ≥ w)) capped at 1, from the distribution of W⁺ over all 2ⁿ sign assignments of
    /// these very ranks (so ties are exact too); above, the normal approximation with the tie-corrected variance and
    /// a continuity correction. 1 without a non-zero difference. Example: differences 1..5 all positive → 0.0625.
    /// </summary>
    public static double TwoSidedPValue(IReadOnlyList<double> differences)
    {
        ArgumentNullException.ThrowIfNull(differences);
        var nonZero = differences.Where(d => d != 0).ToArray();
        int n = nonZero.Length;
        if (n == 0) return 1;
        var magnitudes = nonZero.Select(Math.Abs).ToArray();
        var doubledRanks = DoubledRanks(magnitudes);
        long wPlus2 = 0;
        for (int i = 0; i < n; i++) if (nonZero[i] > 0) wPlus2 += doubledRanks[i];
        if (n <= ExactUpTo) return ExactPValue(doubledRanks, wPlus2);

        double mean = n * (n + 1) / 4.0;
        double ties = magnitudes.GroupBy(m => m).Sum(g => (double)g.Count() * g.Count() * g.Count() - g.Count());
        double sd = Math.Sqrt(n * (n + 1) * (2 * n + 1) / 24.0 - ties / 48);
        double deviation = wPlus2 / 2.0 - mean;
        double z = (Math.Abs(deviation) - 0.5) / sd;
        return z <= 0 ? 1 : Math.Min(1, 2 * NormalDistribution.UpperTail(z));
    }

    /// <summary>Twice each value's average rank (1-based), an integer even where values tie.</summary>
    private static long[] DoubledRanks(double[] values)
    {
        var order = Enumerable.Range(0, values.Length).OrderBy(i => values[i]).ToArray();
        var ranks = new long[values.Length];
        for (int start = 0; start < order.Length;)
        {
            int end = start;
            while (end + 1 < order.Length && values[order[end + 1]] == values[order[start]]) end++;
            // Ranks start+1 .. end+1 share their mean; doubled: start + end + 2.
            for (int k = start; k <= end; k++) ranks[order[k]] = start + end + 2;
            start = end + 1;
        }
        return ranks;
    }

    private static double ExactPValue(long[] doubledRanks, long observed)
    {
        long total = doubledRanks.Sum();
        // probability[s]: P(the doubled W⁺ = s) when each rank's sign is + or − with probability ½.
        var probability = new double[total + 1];
        probability[0] = 1;
        long reach = 0;
        foreach (var rank in doubledRanks)
        {
            reach += rank;
            for (long s = reach; s >= 0; s--)
                probability[s] = 0.5 * probability[s] + (s >= rank ? 0.5 * probability[s - rank] : 0);
        }
        double lower = 0, upper = 0;
        for (long s = 0; s <= total; s++)
        {
            if (s <= observed) lower += probability[s];
            if (s >= observed) upper += probability[s];
        }
        return Math.Min(1, 2 * Math.Min(lower, upper));
    }
}
