using System.Globalization;

namespace CamReview.Core.Statistics;

/// <summary>What a trial was for: a comparison between methods, an attention check (the same video on every side) or a
/// repeat of an earlier comparison with its sides mirrored.</summary>
public enum QualityTrialKind
{
    Comparison,
    AttentionCheck,
    Repeat,
}

/// <summary>One trial of a participant as the quality rules read it. <see cref="Options"/> are the methods shown, left
/// to right; <see cref="Answers"/> maps a question to the method chosen, <see cref="VoteChoice.Tie"/> or
/// <see cref="VoteChoice.BothBad"/>. <see cref="ClipMs"/> is how long its shortest video plays (null: unknown).
/// <see cref="ReportedMs"/> is the answer time the participant's browser measured; <see cref="FirstAnswerUtc"/> and
/// <see cref="LastAnswerUtc"/> are when the server stored the trial's first and last answers.</summary>
public sealed record QualityTrial(
    int Position, QualityTrialKind Kind, IReadOnlyList<string> Options, IReadOnlyDictionary<string, string> Answers, double? ClipMs,
    double? ReportedMs, DateTime? FirstAnswerUtc, DateTime? LastAnswerUtc, int? RepeatOf = null);

/// <summary>A participant: when they joined, a keyed hash of their client address (null: unknown) and their trials.</summary>
public sealed record QualityParticipant(string Participant, DateTime JoinedUtc, string? AddressHash, IReadOnlyList<QualityTrial> Trials);

/// <summary>A reason to leave a participant out of the results: <see cref="Code"/> (one of the
/// <see cref="ParticipantQuality"/> constants) and a sentence for the team.</summary>
public sealed record QualityFlag(string Code, string Reason);

/// <summary>Settings of <see cref="ParticipantQuality.Assess"/>.</summary>
public sealed record QualityRules
{
    /// <summary>Apply the answer-time rules: <see cref="ParticipantQuality.TooFast"/> and <see cref="ParticipantQuality.FastOutlier"/>.</summary>
    public bool FastAnswers { get; init; } = true;

    /// <summary>Flag every participant of an address more than this many participants joined from; 0: never.</summary>
    public int SharedAddressLimit { get; init; }

    /// <summary>A participant whose median answer time is below this fraction of the study's median is an outlier.</summary>
    public double OutlierFraction { get; init; } = 1.0 / 3;

    /// <summary>The study's median needs at least this many participants (unflagged, with answer times).</summary>
    public int OutlierMinimumParticipants { get; init; } = 5;
}

/// <summary>
/// Quality flags of a study's participants, computed from what is stored (pure: no I/O). The rules:
/// <list type="bullet">
/// <item><see cref="AttentionCheck"/>: a side picked in an attention check (the same video on every side, where the
/// right answer is "no preference"; "both bad" is not wrong either).</item>
/// <item><see cref="TooFast"/>: a trial answered in less time than its shortest video plays. A trial's answer time is
/// the smaller of what the browser reported and what the server saw: from the participant's previous answer (or their
/// joining) to the trial's first stored answer, so a script that claims long times but answers at once is still seen.</item>
/// <item><see cref="FastOutlier"/>: a median answer time below <see cref="QualityRules.OutlierFraction"/> (a third) of
/// the study's median, the median of the medians of the participants with no attention-check, too-fast or address flag
/// (so a flood of fast scripts does not drag the yardstick down), once at least <see cref="QualityRules.OutlierMinimumParticipants"/> (5) of them have times.</item>
/// <item><see cref="Inconsistent"/>: on repeated comparisons (sides mirrored), more than half of the answers where both
/// showings picked a method pick different methods, out of at least 2 such answers. A script that always picks the same
/// side disagrees on every one.</item>
/// <item><see cref="SharedAddress"/>: more participants than <see cref="QualityRules.SharedAddressLimit"/> joined from
/// one client address: all of them are flagged (the team may include a lab's shared address).</item>
/// </list>
/// </summary>
public static class ParticipantQuality
{
    public const string AttentionCheck = "attention-check";
    public const string TooFast = "too-fast";
    public const string FastOutlier = "fast-outlier";
    public const string Inconsistent = "inconsistent";
    public const string SharedAddress = "shared-address";

    /// <summary>Every flag with a short title, in the order the rules are listed.</summary>
    public static readonly IReadOnlyList<(string Code, string Title)> Flags =
    [
        (AttentionCheck, "failed an attention check"),
        (TooFast, "answered before the videos could have played"),
        (FastOutlier, "answer times far below the study's"),
        (Inconsistent, "inconsistent on repeated comparisons"),
        (SharedAddress, "many participants from one address"),
    ];

    public static string Title(string code) => Flags.FirstOrDefault(f => f.Code == code).Title ?? code;

    /// <summary>The flags of every participant (each in the order of <see cref="Flags"/>; none: an empty list).</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<QualityFlag>> Assess(IReadOnlyList<QualityParticipant> participants, QualityRules? rules = null)
    {
        ArgumentNullException.ThrowIfNull(participants);
        rules ??= new QualityRules();
        var flags = participants.ToDictionary(p => p.Participant, _ => new List<QualityFlag>(), StringComparer.Ordinal);
        var times = participants.ToDictionary(p => p.Participant, AnswerTimes, StringComparer.Ordinal);

        foreach (var p in participants)
        {
            if (AttentionFlag(p) is { } attention) flags[p.Participant].Add(attention);
            if (rules.FastAnswers && TooFastFlag(p, times[p.Participant]) is { } fast) flags[p.Participant].Add(fast);
        }
        if (rules.SharedAddressLimit > 0)
            foreach (var group in participants.Where(p => p.AddressHash is not null).GroupBy(p => p.AddressHash).Where(g => g.Count() > rules.SharedAddressLimit))
                foreach (var p in group)
                    flags[p.Participant].Add(new QualityFlag(SharedAddress,
                        $"one of {group.Count()} participants who joined from the same client address (more than {rules.SharedAddressLimit} are flagged)"));

        var medians = participants.Select(p => (p.Participant, Median: Median(times[p.Participant].Values))).Where(m => m.Median is not null)
            .ToDictionary(m => m.Participant, m => m.Median!.Value, StringComparer.Ordinal);
        var yardstick = medians.Where(m => flags[m.Key].Count == 0).Select(m => m.Value).ToList();
        if (rules.FastAnswers && yardstick.Count >= rules.OutlierMinimumParticipants && Median(yardstick) is { } studyMedian)
            foreach (var (participant, median) in medians)
                if (median < studyMedian * rules.OutlierFraction)
                    flags[participant].Add(new QualityFlag(FastOutlier,
                        $"median answer time {Seconds(median)}, below {Fraction(rules.OutlierFraction)} of the study's median of {Seconds(studyMedian)}"));

        foreach (var p in participants)
            if (InconsistentFlag(p) is { } inconsistent) flags[p.Participant].Add(inconsistent);

        return flags.ToDictionary(f => f.Key, f => (IReadOnlyList<QualityFlag>)f.Value.OrderBy(x => Order(x.Code)).ToList(), StringComparer.Ordinal);
    }

    /// <summary>Each answered trial's answer time (position → milliseconds): the smaller of the browser's measure and the
    /// server's, from the previous answer (or joining) to the trial's first answer.</summary>
    public static IReadOnlyDictionary<int, double> AnswerTimes(QualityParticipant participant)
    {
        var times = new Dictionary<int, double>();
        var previous = participant.JoinedUtc;
        foreach (var t in participant.Trials.Where(t => t.FirstAnswerUtc is not null).OrderBy(t => t.FirstAnswerUtc))
        {
            var server = Math.Max(0, (t.FirstAnswerUtc!.Value - previous).TotalMilliseconds);
            times[t.Position] = t.ReportedMs is { } reported ? Math.Min(reported, server) : server;
            if (t.LastAnswerUtc > previous) previous = t.LastAnswerUtc.Value;
        }
        return times;
    }

    private static QualityFlag? AttentionFlag(QualityParticipant p)
    {
        var checks = p.Trials.Where(t => t.Kind == QualityTrialKind.AttentionCheck && t.Answers.Count > 0).ToList();
        var failed = checks.Where(t => t.Answers.Values.Any(a => !VoteChoice.IsReserved(a))).Select(t => t.Position).Order().ToList();
        return failed.Count == 0 ? null
            : new QualityFlag(AttentionCheck, $"picked a side in {failed.Count} of {checks.Count} attention checks (identical videos; trial {string.Join(", ", failed)})");
    }

    private static QualityFlag? TooFastFlag(QualityParticipant p, IReadOnlyDictionary<int, double> times)
    {
        var fast = p.Trials.Where(t => t.ClipMs is > 0 && times.TryGetValue(t.Position, out var ms) && ms < t.ClipMs).ToList();
        if (fast.Count == 0) return null;
        var fastest = fast.MinBy(t => times[t.Position] / t.ClipMs!.Value)!;
        return new QualityFlag(TooFast, $"answered {fast.Count} of {times.Count} trials before their videos could have played once " +
            $"(trial {fastest.Position} in {Seconds(times[fastest.Position])}, its clips last {Seconds(fastest.ClipMs!.Value)})");
    }

    private static QualityFlag? InconsistentFlag(QualityParticipant p)
    {
        var byPosition = p.Trials.ToDictionary(t => t.Position);
        int compared = 0, disagreed = 0;
        foreach (var repeat in p.Trials.Where(t => t.Kind == QualityTrialKind.Repeat && t.RepeatOf is not null))
        {
            if (!byPosition.TryGetValue(repeat.RepeatOf!.Value, out var original)) continue;
            foreach (var (question, answer) in repeat.Answers)
            {
                if (!original.Answers.TryGetValue(question, out var first) || VoteChoice.IsReserved(answer) || VoteChoice.IsReserved(first)) continue;
                compared++;
                if (!string.Equals(first, answer, StringComparison.Ordinal)) disagreed++;
            }
        }
        return compared >= 2 && disagreed * 2 > compared
            ? new QualityFlag(Inconsistent, $"picked another method on {disagreed} of {compared} answers to repeated comparisons (sides mirrored)")
            : null;
    }

    private static int Order(string code)
    {
        for (int i = 0; i < Flags.Count; i++) if (Flags[i].Code == code) return i;
        return Flags.Count;
    }

    private static double? Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0) return null;
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static string Seconds(double ms) => (ms / 1000).ToString("0.0", CultureInfo.InvariantCulture) + " s";

    private static string Fraction(double f) => Math.Abs(f - 1.0 / 3) < 1e-9 ? "a third" : (f * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";
}
