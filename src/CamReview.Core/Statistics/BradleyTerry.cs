namespace CamReview.Core.Statistics;

/// <summary>
/// A Bradley–Terry fit. <see cref="Scores"/>[i] is method i's log-strength θᵢ, centred to mean 0 within its
/// connected component, so θᵢ - θⱼ is the log-odds that i beats j (P(i beats j) = 1 / (1 + e^-(θᵢ-θⱼ))).
/// <see cref="Components"/>[i] is the 0-based component of method i in the comparison graph (methods joined when
/// they were compared at least once); scores of different components are not comparable.
/// <see cref="Regularized"/> says the pseudo-count prior was needed (the maximum-likelihood estimate does not
/// exist: some method never won, or never lost, within its component).
/// </summary>
public sealed record BradleyTerryFit(
    IReadOnlyList<double> Scores,
    IReadOnlyList<int> Components,
    int ComponentCount,
    bool Regularized,
    bool Converged);

/// <summary>
/// Maximum-likelihood Bradley–Terry model, fitted by Newton's method on the log-strengths (one anchor per
/// component, Cholesky solve, step halving so the likelihood never decreases; converges in a handful of
/// iterations, to about 1e-12).
/// <para>Input: <c>wins[i, j]</c> = number of times i beat j; a tie should be entered as 0.5 to each side.</para>
/// <para>Regularisation: the MLE exists only when, in every connected component, every method can be reached from
/// every other along "beat" edges (Zermelo/Ford). When that holds the plain MLE is returned (e.g. 70 wins to 30
/// gives θ₁ - θ₂ = ln(70/30) exactly). When it does not (typically a method with zero wins) a symmetric
/// pseudo-count <c>pseudoCount</c> (default 0.1 wins) is added in both directions to every compared pair of that
/// component — a minimal prior that shrinks only towards "equal", e.g. 10-0 gives ln(10.1/0.1) = 4.6.</para>
/// </summary>
public static class BradleyTerry
{
    /// <summary>The default pseudo-count, in wins per direction per compared pair, used only when needed.</summary>
    public const double DefaultPseudoCount = 0.1;

    /// <summary>Fits the model to a square matrix of wins (diagonal ignored). See the class remarks.</summary>
    public static BradleyTerryFit Fit(double[,] wins, double pseudoCount = DefaultPseudoCount)
    {
        ArgumentNullException.ThrowIfNull(wins);
        int k = wins.GetLength(0);
        if (wins.GetLength(1) != k) throw new ArgumentException("the wins matrix must be square", nameof(wins));
        var flat = new double[k * k];
        for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++)
            {
                double w = i == j ? 0 : wins[i, j];
                if (!(double.IsFinite(w) && w >= 0))
                    throw new ArgumentException($"wins[{i}, {j}] = {w} is not a finite number >= 0", nameof(wins));
                flat[i * k + j] = w;
            }
        var model = new BradleyTerryModel(flat, k, pseudoCount);
        var scores = new double[k];
        var (regularized, converged) = model.Fit(flat, scores);
        return new BradleyTerryFit(scores, model.Component, model.ComponentCount, regularized, converged);
    }
}

/// <summary>The fitting engine, set up once per comparison graph and reused for every bootstrap resample.
/// Not thread-safe (scratch buffers are reused).</summary>
internal sealed class BradleyTerryModel
{
    private const int MaxIterations = 100;
    private readonly int _k;
    private readonly double _pseudoCount;
    private readonly bool[] _compared;      // original comparison graph, k*k
    private readonly int[][] _members;      // members of each component, ascending
    private readonly int[] _free;           // non-anchor methods (all but the first of each component)
    private readonly int[] _freeIndex;      // method -> position in _free, or -1
    private readonly double[] _effective, _hessian, _gradient, _step, _trial;
    private readonly int[] _queue;
    private readonly bool[] _seen;

    public int[] Component { get; }
    public int ComponentCount => _members.Length;
    public IReadOnlyList<int[]> Members => _members;

    public BradleyTerryModel(double[] wins, int k, double pseudoCount)
    {
        if (!(double.IsFinite(pseudoCount) && pseudoCount > 0))
            throw new ArgumentOutOfRangeException(nameof(pseudoCount), pseudoCount, "the pseudo-count must be > 0");
        _k = k;
        _pseudoCount = pseudoCount;
        _compared = new bool[k * k];
        for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++)
                _compared[i * k + j] = i != j && wins[i * k + j] + wins[j * k + i] > 0;
        Component = new int[k];
        Array.Fill(Component, -1);
        var members = new List<int[]>();
        var stack = new Stack<int>();
        for (int start = 0; start < k; start++)
        {
            if (Component[start] >= 0) continue;
            int c = members.Count;
            var list = new List<int>();
            Component[start] = c;
            stack.Push(start);
            while (stack.Count > 0)
            {
                int i = stack.Pop();
                list.Add(i);
                for (int j = 0; j < k; j++)
                    if (_compared[i * k + j] && Component[j] < 0) { Component[j] = c; stack.Push(j); }
            }
            list.Sort();
            members.Add([.. list]);
        }
        _members = [.. members];
        _freeIndex = new int[k];
        Array.Fill(_freeIndex, -1);
        var free = new List<int>();
        foreach (var m in _members)
            for (int t = 1; t < m.Length; t++) { _freeIndex[m[t]] = free.Count; free.Add(m[t]); }
        _free = [.. free];
        int f = _free.Length;
        _effective = new double[k * k];
        _hessian = new double[f * f];
        _gradient = new double[f];
        _step = new double[k];
        _trial = new double[k];
        _queue = new int[k];
        _seen = new bool[k];
    }

    /// <summary>Fits to <paramref name="wins"/> (k*k; pairs outside the original comparison graph must be 0).
    /// <paramref name="theta"/> holds the starting point on entry (zeros, or a previous fit as a warm start) and
    /// the centred log-strengths on return.</summary>
    public (bool Regularized, bool Converged) Fit(ReadOnlySpan<double> wins, Span<double> theta)
    {
        int k = _k;
        wins.CopyTo(_effective);
        bool regularized = false;
        foreach (var m in _members)
        {
            if (m.Length < 2 || StronglyConnected(wins, m)) continue;
            regularized = true;
            foreach (int i in m)
                foreach (int j in m)
                    if (_compared[i * k + j]) _effective[i * k + j] += _pseudoCount;
        }
        bool converged = Newton(theta);
        foreach (var m in _members)
        {
            double mean = 0;
            foreach (int i in m) mean += theta[i];
            mean /= m.Length;
            foreach (int i in m) theta[i] -= mean;
        }
        return (regularized, converged);
    }

    /// <summary>Competition ranks (1 = best; equal scores share a rank) within each component.</summary>
    public void Ranks(ReadOnlySpan<double> scores, Span<int> ranks)
    {
        foreach (var m in _members)
            foreach (int i in m)
            {
                int better = 0;
                foreach (int j in m)
                    if (scores[j] > scores[i] + 1e-9) better++;
                ranks[i] = better + 1;
            }
    }

    /// <summary>True when every member reaches every other along edges i→j with wins[i, j] &gt; 0.</summary>
    private bool StronglyConnected(ReadOnlySpan<double> wins, int[] members)
    {
        int k = _k;
        for (int direction = 0; direction < 2; direction++)
        {
            foreach (int i in members) _seen[i] = false;
            int head = 0, tail = 0, reached = 1;
            _queue[tail++] = members[0];
            _seen[members[0]] = true;
            while (head < tail)
            {
                int i = _queue[head++];
                foreach (int j in members)
                {
                    double w = direction == 0 ? wins[i * k + j] : wins[j * k + i];
                    if (!_seen[j] && w > 0) { _seen[j] = true; _queue[tail++] = j; reached++; }
                }
            }
            if (reached < members.Length) return false;
        }
        return true;
    }

    private bool Newton(Span<double> theta)
    {
        int k = _k, f = _free.Length;
        if (f == 0) return true;
        double ll = LogLikelihood(theta);
        for (int iteration = 0; iteration < MaxIterations; iteration++)
        {
            Array.Clear(_hessian);
            Array.Clear(_gradient);
            for (int i = 0; i < k; i++)
            {
                int fi = _freeIndex[i];
                if (fi < 0) continue;
                for (int j = 0; j < k; j++)
                {
                    double wij = _effective[i * k + j], wji = _effective[j * k + i], n = wij + wji;
                    if (n == 0) continue;
                    double s = Sigmoid(theta[i] - theta[j]);
                    double info = n * s * (1 - s);
                    _gradient[fi] += wij - n * s;
                    _hessian[fi * f + fi] += info;
                    int fj = _freeIndex[j];
                    if (fj >= 0) _hessian[fi * f + fj] -= info;
                }
            }
            if (!CholeskySolve(_hessian, _gradient, f)) return false;
            Array.Clear(_step);
            double maxStep = 0;
            for (int t = 0; t < f; t++)
            {
                _step[_free[t]] = _gradient[t];
                maxStep = Math.Max(maxStep, Math.Abs(_gradient[t]));
            }
            double scale = 1, trialLl = double.NegativeInfinity;
            for (int halving = 0; halving < 60; halving++, scale /= 2)
            {
                for (int i = 0; i < k; i++) _trial[i] = theta[i] + scale * _step[i];
                trialLl = LogLikelihood(_trial);
                // Accept an increase, or a change within rounding of the log-likelihood (near the optimum).
                if (trialLl >= ll - 1e-12 * Math.Abs(ll)) break;
            }
            _trial.AsSpan().CopyTo(theta);
            ll = trialLl;
            if (maxStep * scale < 1e-11) return true;
        }
        return false;
    }

    private double LogLikelihood(ReadOnlySpan<double> theta)
    {
        int k = _k;
        double ll = 0;
        for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++)
            {
                double w = _effective[i * k + j];
                if (w > 0) ll += w * LogSigmoid(theta[i] - theta[j]);
            }
        return ll;
    }

    private static double Sigmoid(double x) => x >= 0 ? 1 / (1 + Math.Exp(-x)) : Math.Exp(x) / (1 + Math.Exp(x));

    private static double LogSigmoid(double x) => x >= 0 ? -Math.Log(1 + Math.Exp(-x)) : x - Math.Log(1 + Math.Exp(x));

    /// <summary>Solves A x = b in place (b becomes x) for symmetric positive definite A (n*n, overwritten).</summary>
    private static bool CholeskySolve(double[] a, double[] b, int n)
    {
        for (int j = 0; j < n; j++)
        {
            double d = a[j * n + j];
            for (int t = 0; t < j; t++) d -= a[j * n + t] * a[j * n + t];
            if (!(d > 0)) return false;
            d = Math.Sqrt(d);
            a[j * n + j] = d;
            for (int i = j + 1; i < n; i++)
            {
                double s = a[i * n + j];
                for (int t = 0; t < j; t++) s -= a[i * n + t] * a[j * n + t];
                a[i * n + j] = s / d;
            }
        }
        for (int i = 0; i < n; i++)
        {
            double s = b[i];
            for (int t = 0; t < i; t++) s -= a[i * n + t] * b[t];
            b[i] = s / a[i * n + i];
        }
        for (int i = n - 1; i >= 0; i--)
        {
            double s = b[i];
            for (int t = i + 1; t < n; t++) s -= a[t * n + i] * b[t];
            b[i] = s / a[i * n + i];
        }
        return true;
    }
}
