namespace CamReview.Core.Statistics;

/// <summary>The binomial distribution and the exact binomial test, computed in log space so they stay accurate
/// for n up to (and beyond) 1e6.</summary>
public static class Binomial
{
    private const double LnSqrt2Pi = 0.918938533204672741780329736406; // log(sqrt(2 pi))
    private const double Ln2Pi = 1.837877066409345483560659472811;     // log(2 pi)
    private const double DblMin = 2.2250738585072014e-308;
    private static readonly double LogRelErr = Math.Log(1 + 1e-7);

    /// <summary>
    /// log P(X = k) for X ~ Binomial(n, p), by Loader's saddle-point method ("Fast and accurate computation of
    /// binomial probabilities", 2000; the algorithm of R's <c>dbinom</c>): no cancellation between large
    /// log-factorials, so relative accuracy stays near machine precision for large n. -∞ outside [0, n].
    /// </summary>
    public static double LogPmf(long k, long n, double p)
    {
        CheckNp(n, p);
        return LogPmfRaw(k, n, p, 1 - p);
    }

    /// <summary>
    /// Exact two-sided binomial test of H0: success probability = <paramref name="p"/>, with R's
    /// <c>binom.test</c> definition ("minlike"): the p-value is the total probability of all outcomes i whose
    /// probability is at most that of the observed outcome, P(i) &lt;= P(x)·(1 + 1e-7) (the relative tolerance
    /// R uses so outcomes of equal probability are counted despite rounding); 1 when x equals n·p. The two tails
    /// are located by bisection (the pmf is unimodal) and summed term by term, so the cost is O(√n) rather than
    /// O(n). Examples: 70 of 100 at 0.5 → 7.85e-5; 50 of 100 → 1; 0 of 10 → 2·0.5¹⁰; n = 0 → 1.
    /// </summary>
    public static double TwoSidedPValue(long successes, long trials, double p = 0.5)
    {
        CheckNp(trials, p);
        if (successes < 0 || successes > trials)
            throw new ArgumentOutOfRangeException(nameof(successes), successes, $"successes must be in [0, trials = {trials}]");
        long x = successes, n = trials;
        if (n == 0) return 1;
        double q = 1 - p;
        if (p == 0) return x == 0 ? 1 : 0;
        if (q == 0) return x == n ? 1 : 0;
        double m = n * p;
        if (x == m) return 1;
        double threshold = LogPmfRaw(x, n, p, q) + LogRelErr;
        double total;
        if (x < m)
        {
            // On [ceil(m), n] the pmf is non-increasing: the qualifying outcomes there are a suffix [first, n].
            long lo = (long)Math.Ceiling(m), hi = n + 1; // answer in [lo, n + 1]; n + 1 = none qualifies
            while (lo < hi)
            {
                long mid = lo + (hi - lo) / 2;
                if (LogPmfRaw(mid, n, p, q) <= threshold) hi = mid; else lo = mid + 1;
            }
            total = LowerTail(x, n, p, q) + UpperTail(lo, n, p, q);
        }
        else
        {
            // On [0, floor(m)] the pmf is non-decreasing: the qualifying outcomes there are a prefix [0, last].
            long lo = -1, hi = (long)Math.Floor(m); // answer in [-1, floor(m)]; -1 = none qualifies
            while (lo < hi)
            {
                long mid = hi - (hi - lo) / 2;
                if (LogPmfRaw(mid, n, p, q) <= threshold) lo = mid; else hi = mid - 1;
            }
            total = LowerTail(lo, n, p, q) + UpperTail(x, n, p, q);
        }
        return Math.Min(1, total);
    }

    /// <summary>P(X &lt;= k) for X ~ Binomial(n, p), summed over the short side of the mode (the other side as
    /// 1 minus its tail), so the cost is O(√n) terms.</summary>
    public static double LowerTailProbability(long k, long n, double p)
    {
        CheckNp(n, p);
        if (k < 0) return 0;
        if (k >= n) return 1;
        return k < n * p ? LowerTail(k, n, p, 1 - p) : Math.Max(0, 1 - UpperTail(k + 1, n, p, 1 - p));
    }

    /// <summary>P(X &gt;= k) for X ~ Binomial(n, p), like <see cref="LowerTailProbability"/>.</summary>
    public static double UpperTailProbability(long k, long n, double p)
    {
        CheckNp(n, p);
        if (k <= 0) return 1;
        if (k > n) return 0;
        return k > n * p ? UpperTail(k, n, p, 1 - p) : Math.Max(0, 1 - LowerTail(k - 1, n, p, 1 - p));
    }

    /// <summary>log(n!) for n &gt;= 0: exact for n &lt;= 15, Stirling's series with Loader's error term above.</summary>
    public static double LogFactorial(long n)
    {
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), n, "n must be >= 0");
        if (n <= 15) return SmallLogFactorial[n];
        return StirlingError(n) + (n + 0.5) * Math.Log(n) - n + LnSqrt2Pi;
    }

    private static void CheckNp(long n, double p)
    {
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), n, "trials must be >= 0");
        if (!(p >= 0 && p <= 1)) throw new ArgumentOutOfRangeException(nameof(p), p, "p must be in [0, 1]");
    }

    /// <summary>P(X &lt;= k), summed from k downwards (terms decrease there because k is left of the mode).</summary>
    private static double LowerTail(long k, long n, double p, double q)
    {
        if (k < 0) return 0;
        double first = LogPmfRaw(k, n, p, q), sum = 0;
        for (long i = k; i >= 0; i--)
        {
            double term = Math.Exp(LogPmfRaw(i, n, p, q) - first);
            sum += term;
            if (term < 1e-20 * sum) break;
        }
        return Math.Exp(first) * sum;
    }

    /// <summary>P(X &gt;= k), summed from k upwards (terms decrease there because k is right of the mode).</summary>
    private static double UpperTail(long k, long n, double p, double q)
    {
        if (k > n) return 0;
        double first = LogPmfRaw(k, n, p, q), sum = 0;
        for (long i = k; i <= n; i++)
        {
            double term = Math.Exp(LogPmfRaw(i, n, p, q) - first);
            sum += term;
            if (term < 1e-20 * sum) break;
        }
        return Math.Exp(first) * sum;
    }

    private static double LogPmfRaw(long x, long n, double p, double q)
    {
        if (x < 0 || x > n) return double.NegativeInfinity;
        if (p == 0) return x == 0 ? 0 : double.NegativeInfinity;
        if (q == 0) return x == n ? 0 : double.NegativeInfinity;
        if (x == 0)
        {
            if (n == 0) return 0;
            return p < 0.1 ? -DevianceTerm(n, n * q) - n * p : n * Math.Log(q);
        }
        if (x == n) return q < 0.1 ? -DevianceTerm(n, n * p) - n * q : n * Math.Log(p);
        long y = n - x;
        double lc = StirlingError(n) - StirlingError(x) - StirlingError(y) - DevianceTerm(x, n * p) - DevianceTerm(y, n * q);
        // log(2 pi x (n - x) / n), i.e. log(2 pi) + log(x) + log1p(-x/n).
        double lf = Ln2Pi + Math.Log(x) + Math.Log(y) - Math.Log(n);
        return lc - 0.5 * lf;
    }

    /// <summary>bd0(x, np) = x log(x / np) + np - x, by a series when x is close to np (Loader 2000).</summary>
    private static double DevianceTerm(double x, double np)
    {
        if (Math.Abs(x - np) < 0.1 * (x + np))
        {
            double v = (x - np) / (x + np);
            double s = (x - np) * v;
            if (Math.Abs(s) < DblMin) return s;
            double ej = 2 * x * v;
            v *= v;
            for (int j = 1; j < 1000; j++)
            {
                ej *= v;
                double s1 = s + ej / (2 * j + 1);
                if (s1 == s) return s1;
                s = s1;
            }
        }
        return x * Math.Log(x / np) + np - x;
    }

    /// <summary>Stirling's error log(n!) - [(n + 1/2) log n - n + log √(2π)] for integer n &gt;= 0.</summary>
    private static double StirlingError(long n)
    {
        if (n <= 15) return SmallStirlingError[n];
        const double s0 = 1.0 / 12, s1 = 1.0 / 360, s2 = 1.0 / 1260, s3 = 1.0 / 1680, s4 = 1.0 / 1188;
        double nn = (double)n * n;
        if (n > 500) return (s0 - s1 / nn) / n;
        if (n > 80) return (s0 - (s1 - s2 / nn) / nn) / n;
        if (n > 35) return (s0 - (s1 - (s2 - s3 / nn) / nn) / nn) / n;
        return (s0 - (s1 - (s2 - (s3 - s4 / nn) / nn) / nn) / nn) / n;
    }

    // n! is exact in a double for n <= 15 (15! < 2^53), so these tables are correctly rounded logs.
    private static readonly double[] SmallLogFactorial = Enumerable.Range(0, 16).Select(n =>
    {
        double f = 1;
        for (int i = 2; i <= n; i++) f *= i;
        return Math.Log(f);
    }).ToArray();

    private static readonly double[] SmallStirlingError = Enumerable.Range(0, 16)
        .Select(n => n == 0 ? 0 : SmallLogFactorial[n] - ((n + 0.5) * Math.Log(n) - n + LnSqrt2Pi)).ToArray();
}
