using CamReview.Data.Entities;

namespace CamReview.Web.Studies;

/// <summary>One comparison a study can show: a reference and candidates (media ids) of the same pair, in a fixed
/// order (by method name).</summary>
public sealed record ComparisonItem(int ReferenceMediaId, IReadOnlyList<int> CandidateMediaIds);

/// <summary>A trial as assigned to a participant (before it is stored).</summary>
public sealed record PlannedTrial(int Position, TrialKind Kind, int ReferenceMediaId, IReadOnlyList<int> CandidateMediaIds, int? RepeatOf = null);

/// <summary>
/// Decides which trials a participant sees, in which order and with which candidate on which side. Deterministic
/// (a study's seed and the participant's ordinal decide everything), and balanced across participants:
/// <list type="bullet">
/// <item>coverage: the comparisons, shuffled once with the study's seed, are dealt round-robin (participant i gets
/// slots i·T … i·T + T - 1 of the endless list), so every comparison is shown equally often (±1);</item>
/// <item>placement: the k-th showing of a comparison rotates its candidates by k places, so each candidate is on each
/// side equally often (pairwise: left/right alternate);</item>
/// <item>order: participant i shows their j-th comparison at position (j - i) mod T, a Latin square, so over T
/// consecutive participants each slot of the list is shown at each position once;</item>
/// <item>attention checks (identical candidates) go to positions drawn with the seed and the ordinal;</item>
/// <item>repeats: comparisons drawn from the participant's own are shown once more, candidates in mirrored order, at a
/// later position (not right after the first showing when there is room), for the consistency check.</item>
/// </list>
/// </summary>
public static class StudyDesigner
{
    /// <summary>Every comparison of the design: per reference, each combination of <paramref name="perTrial"/> of its
    /// candidates. <paramref name="candidatesByReference"/> maps a reference media id to its candidates (media id and
    /// method name).</summary>
    public static IReadOnlyList<ComparisonItem> Comparisons(
        IEnumerable<(int ReferenceMediaId, IReadOnlyList<(int MediaId, string Method)> Candidates)> candidatesByReference, int perTrial)
    {
        var items = new List<ComparisonItem>();
        foreach (var (reference, candidates) in candidatesByReference.OrderBy(r => r.ReferenceMediaId))
        {
            var ordered = candidates.OrderBy(c => c.Method, StringComparer.Ordinal).Select(c => c.MediaId).ToArray();
            foreach (var combination in Combinations(ordered.Length, perTrial))
                items.Add(new ComparisonItem(reference, combination.Select(i => ordered[i]).ToArray()));
        }
        return items;
    }

    /// <summary>The study's list of comparisons in its seeded order (the same for every participant).</summary>
    public static IReadOnlyList<ComparisonItem> Deal(IReadOnlyList<ComparisonItem> comparisons, int seed)
    {
        var list = comparisons.ToArray();
        new Random(seed).Shuffle(list);
        return list;
    }

    /// <summary>The trials of participant <paramref name="ordinal"/> (0-based, in joining order).</summary>
    public static IReadOnlyList<PlannedTrial> Plan(IReadOnlyList<ComparisonItem> dealt, int ordinal, int trials, int attentionChecks, int seed, int repeats = 0)
    {
        if (dealt.Count == 0) throw new ArgumentException("a study needs at least one comparison", nameof(dealt));
        int m = dealt.Count;
        var comparisons = new PlannedTrial[trials];
        for (int j = 0; j < trials; j++)
        {
            long slot = (long)ordinal * trials + j;
            var item = dealt[(int)(slot % m)];
            int showing = (int)(slot / m);
            comparisons[Mod(j - ordinal, trials)] = new PlannedTrial(0, TrialKind.Comparison, item.ReferenceMediaId, Rotate(item.CandidateMediaIds, showing));
        }

        var random = new Random(HashCode.Combine(seed, ordinal, 0x5eed));
        int total = trials + attentionChecks;
        var checkPositions = Enumerable.Range(0, total).ToArray();
        random.Shuffle(checkPositions);
        var isCheck = new bool[total];
        foreach (var p in checkPositions.Take(attentionChecks)) isCheck[p] = true;

        var plan = new List<PlannedTrial>(total);
        int next = 0, check = 0;
        for (int p = 0; p < total; p++)
        {
            if (isCheck[p])
            {
                // The same candidate on every side: one drawn from the comparisons this participant sees.
                var source = comparisons[(check++ * 7 + ordinal) % trials];
                var shown = source.CandidateMediaIds[random.Next(source.CandidateMediaIds.Count)];
                plan.Add(new PlannedTrial(p + 1, TrialKind.AttentionCheck, source.ReferenceMediaId,
                    Enumerable.Repeat(shown, source.CandidateMediaIds.Count).ToArray()));
            }
            else plan.Add(comparisons[next++] with { Position = p + 1 });
        }
        return repeats > 0 ? WithRepeats(plan, repeats, new Random(HashCode.Combine(seed, ordinal, 0x2e9ea7))) : plan;
    }

    /// <summary>The plan with <paramref name="repeats"/> of its comparisons shown again, mirrored, each after its first
    /// showing; positions renumbered. A random of its own, so a study without repeats keeps the plan it always had.</summary>
    private static IReadOnlyList<PlannedTrial> WithRepeats(List<PlannedTrial> plan, int repeats, Random random)
    {
        var sources = plan.Where(t => t.Kind == TrialKind.Comparison).ToArray();
        random.Shuffle(sources);
        var order = new List<PlannedTrial>(plan);
        var original = new Dictionary<PlannedTrial, PlannedTrial>(ReferenceEqualityComparer.Instance);
        foreach (var source in sources.Take(repeats))
        {
            var mirrored = new PlannedTrial(0, TrialKind.Repeat, source.ReferenceMediaId, source.CandidateMediaIds.Reverse().ToArray());
            int after = order.FindIndex(t => ReferenceEquals(t, source)) + 1;
            order.Insert(random.Next(Math.Min(after + 1, order.Count), order.Count + 1), mirrored);
            original[mirrored] = source;
        }
        var position = new Dictionary<PlannedTrial, int>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < order.Count; i++) position[order[i]] = i + 1;
        return order.Select((t, i) => t with { Position = i + 1, RepeatOf = original.TryGetValue(t, out var o) ? position[o] : null }).ToList();
    }

    public static string Join(IEnumerable<int> mediaIds) => string.Join(';', mediaIds);

    public static int[] Split(string mediaIds) => mediaIds.Split(';').Select(int.Parse).ToArray();

    private static int[] Rotate(IReadOnlyList<int> candidates, int by)
    {
        int n = candidates.Count;
        return Enumerable.Range(0, n).Select(i => candidates[(i + by) % n]).ToArray();
    }

    private static int Mod(int a, int m) => ((a % m) + m) % m;

    private static IEnumerable<int[]> Combinations(int n, int k)
    {
        if (k > n) yield break;
        var index = Enumerable.Range(0, k).ToArray();
        while (true)
        {
            yield return (int[])index.Clone();
            int i = k - 1;
            while (i >= 0 && index[i] == n - k + i) i--;
            if (i < 0) yield break;
            index[i]++;
            for (int j = i + 1; j < k; j++) index[j] = index[j - 1] + 1;
        }
    }
}
