namespace CamReview.Core.Statistics;

/// <summary>What a bootstrap resample draws with replacement.</summary>
public enum BootstrapUnit
{
    /// <summary>Whole participants with all their votes of the question (a cluster bootstrap; the default). Honest
    /// when a participant's votes are correlated (rater taste, fatigue), which they usually are; the intervals
    /// are wider than vote resampling whenever participants disagree.</summary>
    Participant,

    /// <summary>Individual pairwise votes, as if every vote came from a different person. Narrower; only right when
    /// votes are independent (or with a single rater).</summary>
    Vote,
}

/// <summary>Options of <see cref="StudyAnalysis.Analyze"/>.</summary>
public sealed record StudyAnalysisOptions
{
    /// <summary>Participants to leave out (e.g. failed attention checks; the portal decides). Ids absent from the
    /// votes are ignored.</summary>
    public IReadOnlyCollection<string> ExcludedParticipants { get; init; } = [];

    /// <summary>Bootstrap resamples for the Bradley–Terry intervals; 0 = no intervals.</summary>
    public int Resamples { get; init; } = 1000;

    /// <summary>Seed of the <see cref="System.Random"/> behind the bootstrap: the same seed and votes give the same
    /// intervals. Each question uses a fresh <c>new Random(Seed)</c>, so a question's intervals do not depend on
    /// which other questions exist.</summary>
    public int Seed { get; init; } = 1;

    /// <summary>Confidence of every interval (Wilson and bootstrap), in (0, 1).</summary>
    public double Confidence { get; init; } = 0.95;

    public BootstrapUnit BootstrapUnit { get; init; } = BootstrapUnit.Participant;

    /// <summary>Bradley–Terry pseudo-count, used only when the MLE does not exist (see <see cref="BradleyTerry"/>).</summary>
    public double PseudoCount { get; init; } = BradleyTerry.DefaultPseudoCount;
}

/// <summary>
/// The statistics of a blinded preference study, per question: pairwise win counts, win rates with Wilson
/// intervals and exact binomial tests; best-of-N choice shares; and a Bradley–Terry ranking of the methods with
/// bootstrap intervals. Pure computation: no I/O.
/// </summary>
public static class StudyAnalysis
{
    /// <summary>
    /// Validates the votes (<see cref="VoteValidation.Validate"/>; throws <see cref="VoteValidationException"/>),
    /// drops the votes of excluded participants, and analyses each question (ordinal order) that has votes left.
    /// <para>Bradley–Terry uses the pairwise votes only (best-of-N votes do not enter it): a win is a win, a tie
    /// is half a win to each side, both-bad is left out. Methods with no such vote in a question are absent from
    /// its ranking. Intervals: <see cref="StudyAnalysisOptions.Resamples"/> bootstrap resamples of participants
    /// (or votes, see <see cref="BootstrapUnit"/>) each refitted from scratch, percentile intervals
    /// (R's quantile type 7 for scores; the inverse empirical CDF for ranks, so they are whole numbers). A resample
    /// in which the MLE does not exist (e.g. a method drawn without any win) is fitted with the pseudo-count on the
    /// pairs compared in the full data, so a method missing from a resample still gets a (shrunk) score.</para>
    /// </summary>
    public static StudyResult Analyze(IReadOnlyList<Vote> votes, StudyAnalysisOptions? options = null)
    {
        options ??= new StudyAnalysisOptions();
        if (options.Resamples < 0)
            throw new ArgumentOutOfRangeException(nameof(options), options.Resamples, "Resamples must be >= 0");
        if (!(options.Confidence > 0 && options.Confidence < 1))
            throw new ArgumentOutOfRangeException(nameof(options), options.Confidence, "Confidence must be in (0, 1)");
        if (!(double.IsFinite(options.PseudoCount) && options.PseudoCount > 0))
            throw new ArgumentOutOfRangeException(nameof(options), options.PseudoCount, "PseudoCount must be > 0");
        VoteValidation.Validate(votes);

        var excludedIds = new HashSet<string>(options.ExcludedParticipants ?? [], StringComparer.Ordinal);
        var included = new List<Vote>(votes.Count);
        var byParticipant = new SortedDictionary<string, List<Vote>>(StringComparer.Ordinal);
        foreach (var v in votes)
        {
            if (!byParticipant.TryGetValue(v.Participant, out var list)) byParticipant[v.Participant] = list = [];
            list.Add(v);
            if (!excludedIds.Contains(v.Participant)) included.Add(v);
        }
        var table = byParticipant.Select(p => new ParticipantSummary(p.Key, p.Value.Count, excludedIds.Contains(p.Key),
            Median(p.Value.Where(v => v.ResponseTimeMs.HasValue).Select(v => v.ResponseTimeMs!.Value)))).ToList();

        var questions = included.GroupBy(v => v.Question, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => AnalyzeQuestion(g.Key, [.. g], options))
            .ToList();

        int excludedParticipants = table.Count(p => p.Excluded);
        return new StudyResult(
            questions,
            Participants: table.Count - excludedParticipants,
            Votes: included.Count,
            ExcludedParticipants: excludedParticipants,
            ExcludedVotes: votes.Count - included.Count,
            ParticipantTable: table,
            Bootstrap: new BootstrapSettings(options.BootstrapUnit == BootstrapUnit.Participant ? "participant" : "vote",
                options.Resamples, options.Seed, options.Confidence));
    }

    private static QuestionResult AnalyzeQuestion(string question, List<Vote> votes, StudyAnalysisOptions options)
    {
        var pairwise = votes.Where(v => v.IsPairwise).ToList();
        var bestOfN = votes.Where(v => !v.IsPairwise).ToList();
        var (btScores, components, regularized) = BradleyTerryFor(pairwise, options);
        return new QuestionResult(question, votes.Count, pairwise.Count, bestOfN.Count,
            PairSummaries(pairwise, options.Confidence), BestOfNShares(bestOfN, options.Confidence),
            btScores, components, regularized);
    }

    private static List<PairSummary> PairSummaries(List<Vote> pairwise, double confidence)
    {
        var tallies = new SortedDictionary<(string A, string B), int[]>(PairComparer.Instance);
        foreach (var v in pairwise)
        {
            var (a, b) = string.CompareOrdinal(v.Options[0], v.Options[1]) < 0 ? (v.Options[0], v.Options[1]) : (v.Options[1], v.Options[0]);
            if (!tallies.TryGetValue((a, b), out var t)) tallies[(a, b)] = t = new int[4];
            if (VoteChoice.IsTie(v.Choice)) t[2]++;
            else if (VoteChoice.IsBothBad(v.Choice)) t[3]++;
            else if (v.Choice == a) t[0]++;
            else t[1]++;
        }
        var pairs = tallies.Select(kv =>
        {
            var t = kv.Value;
            int decisive = t[0] + t[1];
            return new PairSummary(kv.Key.A, kv.Key.B, t[0], t[1], t[2], t[3],
                decisive == 0 ? null : (double)t[0] / decisive,
                Wilson.Interval(t[0], decisive, confidence),
                decisive == 0 ? null : Binomial.TwoSidedPValue(t[0], decisive),
                null);
        }).ToList();
        var tested = pairs.Select((p, i) => (p, i)).Where(x => x.p.PValue.HasValue).ToList();
        var holm = MultipleTesting.Holm(tested.Select(x => x.p.PValue!.Value).ToList());
        for (int t = 0; t < tested.Count; t++) pairs[tested[t].i] = tested[t].p with { PValueHolm = holm[t] };
        return pairs;
    }

    private static List<ChoiceShare> BestOfNShares(List<Vote> bestOfN, double confidence)
    {
        var stats = new SortedDictionary<string, ChoiceTally>(StringComparer.Ordinal);
        foreach (var v in bestOfN)
        {
            bool tie = VoteChoice.IsTie(v.Choice), bad = VoteChoice.IsBothBad(v.Choice);
            foreach (var m in v.Options)
            {
                if (!stats.TryGetValue(m, out var s)) stats[m] = s = new ChoiceTally();
                s.Shown++;
                if (tie) s.Ties++;
                else if (bad) s.BothBad++;
                else
                {
                    if (v.Choice == m) s.Chosen++;
                    s.Chance += 1.0 / v.Options.Count;
                    s.Ns.Add(v.Options.Count);
                }
            }
        }
        return stats.Select(kv =>
            {
                var s = kv.Value;
                int decisive = s.Shown - s.Ties - s.BothBad;
                return new ChoiceShare(kv.Key, s.Shown, s.Chosen, s.Ties, s.BothBad,
                    decisive == 0 ? null : (double)s.Chosen / decisive,
                    Wilson.Interval(s.Chosen, decisive, confidence),
                    decisive == 0 ? null : s.Chance / decisive,
                    s.Ns.Count == 1 ? Binomial.TwoSidedPValue(s.Chosen, decisive, 1.0 / s.Ns.Single()) : null);
            })
            .OrderByDescending(c => c.Share ?? -1).ThenBy(c => c.Method, StringComparer.Ordinal)
            .ToList();
    }

    private static (List<BradleyTerryScore> Scores, int Components, bool Regularized) BradleyTerryFor(
        List<Vote> pairwise, StudyAnalysisOptions options)
    {
        var informative = pairwise.Where(v => !VoteChoice.IsBothBad(v.Choice)).ToList();
        var methods = informative.SelectMany(v => v.Options).Distinct().Order(StringComparer.Ordinal).ToArray();
        int k = methods.Length;
        if (k == 0) return ([], 0, false);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < k; i++) index[methods[i]] = i;

        // Pre-aggregate: a k*k wins matrix per participant, and the distinct vote outcomes with their counts.
        var perParticipant = new SortedDictionary<string, double[]>(StringComparer.Ordinal);
        var outcomes = new SortedDictionary<(int Winner, int Loser, bool Tie), int>();
        var comparisons = new int[k];
        foreach (var v in informative)
        {
            int x = index[v.Options[0]], y = index[v.Options[1]];
            comparisons[x]++;
            comparisons[y]++;
            if (!perParticipant.TryGetValue(v.Participant, out var w)) perParticipant[v.Participant] = w = new double[k * k];
            (int Winner, int Loser, bool Tie) key;
            if (VoteChoice.IsTie(v.Choice))
            {
                w[x * k + y] += 0.5;
                w[y * k + x] += 0.5;
                key = (Math.Min(x, y), Math.Max(x, y), true);
            }
            else
            {
                int winner = index[v.Choice], loser = winner == x ? y : x;
                w[winner * k + loser] += 1;
                key = (winner, loser, false);
            }
            outcomes[key] = outcomes.GetValueOrDefault(key) + 1;
        }
        var total = new double[k * k];
        foreach (var w in perParticipant.Values)
            for (int t = 0; t < total.Length; t++) total[t] += w[t];

        var model = new BradleyTerryModel(total, k, options.PseudoCount);
        var scores = new double[k];
        var (regularized, _) = model.Fit(total, scores);
        var ranks = new int[k];
        model.Ranks(scores, ranks);

        ConfidenceInterval?[] scoreCi = new ConfidenceInterval?[k], rankCi = new ConfidenceInterval?[k];
        if (options.Resamples > 0)
        {
            IResampler resampler = options.BootstrapUnit == BootstrapUnit.Participant
                ? new ParticipantResampler([.. perParticipant.Values], k)
                : new VoteResampler([.. outcomes], k);
            Bootstrap(model, resampler, scores, options, scoreCi, rankCi);
        }

        // Components numbered 1.. in the order of their first method (ordinal), which is the model's order.
        var list = Enumerable.Range(0, k)
            .Select(i => new BradleyTerryScore(methods[i], scores[i], scoreCi[i], ranks[i], rankCi[i], comparisons[i], model.Component[i] + 1))
            .OrderBy(s => s.Component).ThenBy(s => s.Rank).ThenBy(s => s.Method, StringComparer.Ordinal)
            .ToList();
        return (list, model.ComponentCount, regularized);
    }

    private static void Bootstrap(BradleyTerryModel model, IResampler resampler, double[] estimate,
        StudyAnalysisOptions options, ConfidenceInterval?[] scoreCi, ConfidenceInterval?[] rankCi)
    {
        int k = estimate.Length, r = options.Resamples;
        var rng = new Random(options.Seed);
        var wins = new double[k * k];
        var theta = new double[k];
        var ranks = new int[k];
        var scores = new double[k][];
        var rankDraws = new double[k][];
        for (int i = 0; i < k; i++) { scores[i] = new double[r]; rankDraws[i] = new double[r]; }
        for (int b = 0; b < r; b++)
        {
            resampler.Draw(rng, wins);
            // Start from 0 like the point estimate (not warm): a resample equal to the data then gives bit for bit
            // the same scores, so degenerate bootstraps (all resamples alike) still contain the estimate.
            Array.Clear(theta);
            model.Fit(wins, theta);
            model.Ranks(theta, ranks);
            for (int i = 0; i < k; i++) { scores[i][b] = theta[i]; rankDraws[i][b] = ranks[i]; }
        }
        double alpha = 1 - options.Confidence;
        for (int i = 0; i < k; i++)
        {
            Array.Sort(scores[i]);
            Array.Sort(rankDraws[i]);
            scoreCi[i] = new ConfidenceInterval(Quantile7(scores[i], alpha / 2), Quantile7(scores[i], 1 - alpha / 2));
            rankCi[i] = new ConfidenceInterval(QuantileInverseCdf(rankDraws[i], alpha / 2), QuantileInverseCdf(rankDraws[i], 1 - alpha / 2));
        }
    }

    /// <summary>R's quantile type 7 (linear interpolation) of sorted data.</summary>
    internal static double Quantile7(double[] sorted, double q)
    {
        double h = (sorted.Length - 1) * q;
        int lo = (int)Math.Floor(h);
        if (lo >= sorted.Length - 1) return sorted[^1];
        return sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]);
    }

    /// <summary>R's quantile type 1 (inverse empirical CDF) of sorted data: always one of the data values.</summary>
    internal static double QuantileInverseCdf(double[] sorted, double q)
    {
        int i = (int)Math.Ceiling(sorted.Length * q - 1e-9) - 1;
        return sorted[Math.Clamp(i, 0, sorted.Length - 1)];
    }

    private static double? Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return null;
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private sealed class ChoiceTally
    {
        public int Shown, Chosen, Ties, BothBad;
        public double Chance; // sum of 1/N over the decisive trials
        public readonly HashSet<int> Ns = [];
    }

    private sealed class PairComparer : IComparer<(string A, string B)>
    {
        public static readonly PairComparer Instance = new();

        public int Compare((string A, string B) x, (string A, string B) y)
        {
            int c = string.CompareOrdinal(x.A, y.A);
            return c != 0 ? c : string.CompareOrdinal(x.B, y.B);
        }
    }

    private interface IResampler
    {
        /// <summary>Fills <paramref name="wins"/> (k*k) with the wins matrix of one resample.</summary>
        void Draw(Random rng, double[] wins);
    }

    /// <summary>Cluster bootstrap: draw P participants with replacement and add up their pre-aggregated matrices,
    /// so a resample costs P·k² additions however many votes there are.</summary>
    private sealed class ParticipantResampler(double[][] matrices, int k) : IResampler
    {
        public void Draw(Random rng, double[] wins)
        {
            Array.Clear(wins);
            var span = wins.AsSpan(0, k * k);
            for (int d = 0; d < matrices.Length; d++)
            {
                var m = matrices[rng.Next(matrices.Length)];
                for (int t = 0; t < span.Length; t++) span[t] += m[t];
            }
        }
    }

    /// <summary>Vote bootstrap: draw N votes with replacement (a multinomial draw over the distinct outcomes),
    /// each draw one table lookup of the outcome of vote u.</summary>
    private sealed class VoteResampler : IResampler
    {
        private readonly (int Winner, int Loser, bool Tie)[] _outcomes;
        private readonly int[] _outcomeOfVote;
        private readonly int[] _counts;
        private readonly int _k;

        public VoteResampler(KeyValuePair<(int Winner, int Loser, bool Tie), int>[] outcomes, int k)
        {
            _k = k;
            _outcomes = outcomes.Select(o => o.Key).ToArray();
            _counts = new int[outcomes.Length];
            _outcomeOfVote = new int[outcomes.Sum(o => o.Value)];
            for (int i = 0, v = 0; i < outcomes.Length; i++)
                for (int c = 0; c < outcomes[i].Value; c++) _outcomeOfVote[v++] = i;
        }

        public void Draw(Random rng, double[] wins)
        {
            Array.Clear(wins);
            Array.Clear(_counts);
            int n = _outcomeOfVote.Length;
            for (int d = 0; d < n; d++) _counts[_outcomeOfVote[rng.Next(n)]]++;
            for (int i = 0; i < _outcomes.Length; i++)
            {
                var (winner, loser, tie) = _outcomes[i];
                if (tie)
                {
                    wins[winner * _k + loser] += 0.5 * _counts[i];
                    wins[loser * _k + winner] += 0.5 * _counts[i];
                }
                else wins[winner * _k + loser] += _counts[i];
            }
        }
    }
}
