namespace CamReview.Core.Statistics;

/// <summary>Adjustments of p-values for testing several hypotheses at once.</summary>
public static class MultipleTesting
{
    /// <summary>
    /// Holm's step-down adjustment (as R's <c>p.adjust(p, "holm")</c>): with the m p-values sorted ascending,
    /// adjusted p₍ᵢ₎ = max over j ≤ i of min(1, (m - j + 1) p₍ⱼ₎). Controls the family-wise error rate without
    /// assumptions on dependence. Returns the adjusted values in the input order.
    /// </summary>
    public static double[] Holm(IReadOnlyList<double> pValues)
    {
        int m = pValues.Count;
        foreach (var p in pValues)
            if (!(p >= 0 && p <= 1)) throw new ArgumentOutOfRangeException(nameof(pValues), p, "p-values must be in [0, 1]");
        var order = Enumerable.Range(0, m).OrderBy(i => pValues[i]).ThenBy(i => i).ToArray();
        var adjusted = new double[m];
        double running = 0;
        for (int rank = 0; rank < m; rank++)
        {
            int i = order[rank];
            running = Math.Max(running, Math.Min(1, (m - rank) * pValues[i]));
            adjusted[i] = running;
        }
        return adjusted;
    }
}
