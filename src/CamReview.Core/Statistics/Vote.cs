namespace CamReview.Core.Statistics;

/// <summary>
/// One answer of one participant to one question of one trial. <see cref="Options"/> are the methods shown
/// (in presentation order; the order does not matter to the analysis): two for a pairwise (2AFC) trial, three or
/// more for best-of-N. <see cref="Choice"/> is one of the options, or <see cref="VoteChoice.Tie"/> ("no
/// preference"), or <see cref="VoteChoice.BothBad"/> ("none is acceptable"); the two words are case-insensitive
/// and therefore cannot be method names. <see cref="ResponseTimeMs"/> is optional and only feeds the
/// per-participant table.
/// </summary>
public sealed record Vote(
    string Participant,
    string Trial,
    string Question,
    IReadOnlyList<string> Options,
    string Choice,
    double? ResponseTimeMs = null)
{
    /// <summary>True for a pairwise trial (two options), false for best-of-N.</summary>
    public bool IsPairwise => Options.Count == 2;
}

/// <summary>The non-method answers.</summary>
public static class VoteChoice
{
    /// <summary>"No preference": in pairwise statistics half a win to each side in Bradley–Terry.</summary>
    public const string Tie = "tie";

    /// <summary>"Both (all) bad": excluded from win rates and from Bradley–Terry, reported as a count.</summary>
    public const string BothBad = "bothbad";

    public static bool IsTie(string choice) => string.Equals(choice, Tie, StringComparison.OrdinalIgnoreCase);

    public static bool IsBothBad(string choice) => string.Equals(choice, BothBad, StringComparison.OrdinalIgnoreCase);

    /// <summary>True for "tie" and "bothbad" in any letter case: such names cannot be methods.</summary>
    public static bool IsReserved(string name) => IsTie(name) || IsBothBad(name);
}

/// <summary>A vote that cannot be analysed. <see cref="Index"/> is its 0-based position in the input list;
/// <see cref="FirstIndex"/> is the earlier vote it duplicates, if that is the problem.</summary>
public sealed class VoteValidationException(int index, string reason, int? firstIndex = null)
    : Exception($"vote {index + 1}: {reason}" + (firstIndex is { } f ? $" (first answered in vote {f + 1})" : ""))
{
    public int Index { get; } = index;
    public string Reason { get; } = reason;
    public int? FirstIndex { get; } = firstIndex;
}

/// <summary>Checks a vote list before analysis; the first problem is thrown as a <see cref="VoteValidationException"/>.</summary>
public static class VoteValidation
{
    /// <summary>
    /// Rules, checked vote by vote in input order: participant, trial and question are not blank; at least two
    /// options, none blank, none listed twice, none named "tie" or "bothbad" (any case); the choice is one of the
    /// options (exact, case-sensitive) or "tie"/"bothbad" (any case); the response time, when given, is finite and
    /// &gt;= 0; and no participant answers the same question of the same trial twice (duplicates are an error, not
    /// silently merged: in an export they mean a bug or a double submission that someone should look at).
    /// </summary>
    public static void Validate(IReadOnlyList<Vote> votes)
    {
        ArgumentNullException.ThrowIfNull(votes);
        var seen = new Dictionary<(string, string, string), int>();
        for (int i = 0; i < votes.Count; i++)
        {
            var v = votes[i] ?? throw new VoteValidationException(i, "the vote is missing (null)");
            if (string.IsNullOrWhiteSpace(v.Participant)) throw new VoteValidationException(i, "participant is empty");
            if (string.IsNullOrWhiteSpace(v.Trial)) throw new VoteValidationException(i, "trial is empty");
            if (string.IsNullOrWhiteSpace(v.Question)) throw new VoteValidationException(i, "question is empty");
            if (v.Options is null || v.Options.Count < 2)
                throw new VoteValidationException(i, $"a trial needs at least 2 options, got {v.Options?.Count ?? 0}");
            for (int k = 0; k < v.Options.Count; k++)
            {
                var option = v.Options[k];
                if (string.IsNullOrWhiteSpace(option)) throw new VoteValidationException(i, $"option {k + 1} is empty");
                if (VoteChoice.IsReserved(option))
                    throw new VoteValidationException(i, $"'{option}' cannot be a method name (tie and bothbad are answers)");
                for (int j = 0; j < k; j++)
                    if (string.Equals(v.Options[j], option, StringComparison.Ordinal))
                        throw new VoteValidationException(i, $"option '{option}' is listed twice");
            }
            if (string.IsNullOrWhiteSpace(v.Choice)) throw new VoteValidationException(i, "choice is empty");
            if (!VoteChoice.IsReserved(v.Choice) && !v.Options.Contains(v.Choice, StringComparer.Ordinal))
                throw new VoteValidationException(i,
                    $"choice '{v.Choice}' is not one of the options ({string.Join("; ", v.Options)}), tie or bothbad");
            if (v.ResponseTimeMs is { } rt && !(double.IsFinite(rt) && rt >= 0))
                throw new VoteValidationException(i, $"response time {rt} is not a finite number >= 0");
            if (!seen.TryAdd((v.Participant, v.Trial, v.Question), i))
                throw new VoteValidationException(i,
                    $"participant '{v.Participant}' answered question '{v.Question}' of trial '{v.Trial}' twice",
                    seen[(v.Participant, v.Trial, v.Question)]);
        }
    }
}
