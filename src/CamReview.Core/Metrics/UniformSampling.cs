namespace CamReview.Core;

/// <summary>Uniform frame sampling, used to bring two clips of different lengths to the same number of frames.</summary>
public static class UniformSampling
{
    /// <summary>
    /// <paramref name="n"/> frame indices spread evenly over [0, frameCount - 1]: index k is
    /// round(k (frameCount - 1) / (n - 1)) with halves rounded up, computed in integers so the result is
    /// exact and platform-independent. Properties: the first is 0, the last is frameCount - 1, strictly
    /// increasing (the step is &gt;= 1 because n &lt;= frameCount), and n == frameCount gives 0, 1, ..., n - 1.
    /// Requires 2 &lt;= n &lt;= frameCount, or n == frameCount == 1.
    /// </summary>
    public static int[] Indices(int frameCount, int n)
    {
        if (frameCount < 1) throw new ArgumentOutOfRangeException(nameof(frameCount), frameCount, "need at least one frame");
        if (n == 1 && frameCount == 1) return [0];
        if (n < 2 || n > frameCount)
            throw new ArgumentOutOfRangeException(nameof(n), n, $"need 2 <= n <= frameCount ({frameCount})");
        var result = new int[n];
        long span = frameCount - 1, steps = n - 1;
        for (int k = 0; k < n; k++) result[k] = (int)((2L * k * span + steps) / (2 * steps));
        return result;
    }
}
