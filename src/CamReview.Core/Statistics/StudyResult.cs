namespace CamReview.Core.Statistics;

/// <summary>
/// The analysis of a preference study (serialised camelCase, e.g. by the CLI's <c>--json</c>; no value is ever NaN
/// or infinite: "not computable" is <c>null</c>). <see cref="Participants"/> and <see cref="Votes"/> count what
/// was analysed, i.e. after leaving out the <see cref="ExcludedParticipants"/> (who cast
/// <see cref="ExcludedVotes"/> votes); <see cref="ParticipantTable"/> lists everyone, excluded or not.
/// </summary>
public sealed record StudyResult(
    IReadOnlyList<QuestionResult> Questions,
    int Participants,
    int Votes,
    int ExcludedParticipants,
    int ExcludedVotes,
    IReadOnlyList<ParticipantSummary> ParticipantTable,
    BootstrapSettings Bootstrap);

/// <summary>How the Bradley–Terry intervals were computed (so a run can be reproduced).</summary>
public sealed record BootstrapSettings(string Unit, int Resamples, int Seed, double Confidence);

/// <summary>
/// One question ("overall", "motion fidelity", ...). <see cref="Pairs"/> is ordered by (A, B) ordinal with A &lt; B;
/// <see cref="BestOfN"/> by share (highest first, none last), then method; <see cref="BradleyTerry"/> by
/// component, then rank, then method. <see cref="ComparisonComponents"/> is the number of connected components of
/// the pairwise comparison graph (1 = every method is linked to every other; more = scores of different
/// components are not comparable); <see cref="BradleyTerryRegularized"/> says the pseudo-count prior was needed
/// for the point estimate.
/// </summary>
public sealed record QuestionResult(
    string Question,
    int Votes,
    int PairwiseVotes,
    int BestOfNVotes,
    IReadOnlyList<PairSummary> Pairs,
    IReadOnlyList<ChoiceShare> BestOfN,
    IReadOnlyList<BradleyTerryScore> BradleyTerry,
    int ComparisonComponents,
    bool BradleyTerryRegularized);

/// <summary>
/// The pairwise votes of one question between methods A and B (A &lt; B ordinal, whatever side they were shown on).
/// <see cref="WinRateA"/> = AWins / (AWins + BWins): ties and both-bad are reported but excluded;
/// <see cref="WilsonA"/> its Wilson interval; <see cref="PValue"/> the exact two-sided binomial test of AWins out
/// of AWins + BWins against 1/2; <see cref="PValueHolm"/> the same, Holm-adjusted over the pairs of this question.
/// All four are null when there is no decisive vote. Votes are treated as independent here (no clustering).
/// </summary>
public sealed record PairSummary(
    string A,
    string B,
    int AWins,
    int BWins,
    int Ties,
    int BothBad,
    double? WinRateA,
    ConfidenceInterval? WilsonA,
    double? PValue,
    double? PValueHolm);

/// <summary>
/// A method's record in the best-of-N trials (three or more options) of one question. <see cref="Shown"/>
/// counts every such trial that showed it; of those, <see cref="Ties"/> and <see cref="BothBad"/> ended with no
/// method chosen ("no preference" / "none acceptable") and are left out of the share, like ties in pairwise
/// win rates. <see cref="Share"/> = Chosen / (Shown - Ties - BothBad), with its Wilson interval;
/// <see cref="Chance"/> the share expected with no preference (mean of 1/N over those decisive trials);
/// <see cref="PValue"/> the exact binomial test of Chosen against that chance when every such trial had the same
/// N (otherwise null). Null when the method was never shown in a decisive trial.
/// </summary>
public sealed record ChoiceShare(
    string Method,
    int Shown,
    int Chosen,
    int Ties,
    int BothBad,
    double? Share,
    ConfidenceInterval? Wilson,
    double? Chance,
    double? PValue);

/// <summary>
/// A method's Bradley–Terry log-strength (centred to mean 0 within its comparison component; the difference of two
/// scores is the log-odds that one beats the other). <see cref="Ci"/>: bootstrap percentile interval;
/// <see cref="Rank"/>: 1 = best within the component (equal scores share a rank); <see cref="RankCi"/>: the
/// bootstrap interval of the rank. Both intervals are null when no resampling was done.
/// <see cref="Comparisons"/>: pairwise votes (decisive or tie) involving the method.
/// <see cref="Component"/>: 1-based component of the comparison graph.
/// </summary>
public sealed record BradleyTerryScore(
    string Method,
    double Score,
    ConfidenceInterval? Ci,
    int Rank,
    ConfidenceInterval? RankCi,
    int Comparisons,
    int Component);

/// <summary>One participant: all their votes (every question), whether they were excluded, and the median of
/// their response times (null when none was given).</summary>
public sealed record ParticipantSummary(string Participant, int Votes, bool Excluded, double? MedianResponseMs);
