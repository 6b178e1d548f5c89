namespace CamReview.Core;

/// <summary>
/// Composition of frame-to-frame homographies. Convention throughout CamReview: the consecutive
/// homography H_i maps (pixel or normalized) coordinates of frame i into frame i+1, so content at p in
/// frame i is at H_i p in frame i+1. Then the homography from frame a to frame b (a &lt;= b) is
/// <c>H_{b-1} ... H_{a+1} H_a</c> (later factors on the left), and the cumulative one is
/// <c>H_0-&gt;i = H_{i-1} ... H_0</c>.
/// Results are scaled to [2,2] = 1 when possible; when the product's [2,2] is (near) zero, it is instead
/// scaled to unit Frobenius norm (still the same homography, just not in the canonical scale).
/// </summary>
public static class HomographyChain
{
    /// <summary>H_{to-1} ... H_from: maps frame <paramref name="from"/> into frame <paramref name="to"/>; identity when equal.</summary>
    public static Mat3 Chain(IReadOnlyList<Mat3> consecutive, int from, int to)
    {
        ArgumentNullException.ThrowIfNull(consecutive);
        if (from < 0 || from > consecutive.Count) throw new ArgumentOutOfRangeException(nameof(from));
        if (to < from || to > consecutive.Count)
            throw new ArgumentOutOfRangeException(nameof(to), "need from <= to <= number of consecutive homographies");
        var product = Mat3.Identity;
        for (int k = from; k < to; k++) product = Canonical(consecutive[k] * product);
        return product;
    }

    /// <summary>
    /// Cumulative homographies from consecutive ones: element i is H_0-&gt;i = H_{i-1} ... H_0, element 0 the
    /// identity; n consecutive give n + 1 cumulative (one per frame).
    /// </summary>
    public static IReadOnlyList<Mat3> Cumulative(IReadOnlyList<Mat3> consecutive)
    {
        ArgumentNullException.ThrowIfNull(consecutive);
        var result = new Mat3[consecutive.Count + 1];
        result[0] = Mat3.Identity;
        for (int i = 0; i < consecutive.Count; i++) result[i + 1] = Canonical(consecutive[i] * result[i]);
        return result;
    }

    /// <summary>
    /// Consecutive homographies from cumulative ones (inverse of <see cref="Cumulative"/>):
    /// H_i = H_0-&gt;(i+1) (H_0-&gt;i)^-1. Element 0 of the input need not be the identity.
    /// Throws <see cref="InvalidOperationException"/> if a cumulative homography is singular.
    /// </summary>
    public static IReadOnlyList<Mat3> Consecutive(IReadOnlyList<Mat3> cumulative)
    {
        ArgumentNullException.ThrowIfNull(cumulative);
        if (cumulative.Count == 0) return [];
        var result = new Mat3[cumulative.Count - 1];
        for (int i = 0; i < result.Length; i++) result[i] = Canonical(cumulative[i + 1] * cumulative[i].Inverse());
        return result;
    }

    /// <summary>Scale to [2,2] = 1 when possible, else to unit Frobenius norm (keeps long chains from over/underflowing).</summary>
    internal static Mat3 Canonical(Mat3 h)
    {
        if (h.TryScaleToUnitCorner(out var s)) return s;
        double f = h.FrobeniusNorm();
        return f > 0 && double.IsFinite(f) ? (1 / f) * h : h;
    }
}
