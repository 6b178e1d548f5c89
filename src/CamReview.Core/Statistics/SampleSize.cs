namespace CamReview.Core.Statistics;

/// <summary>What a pairwise study needs to show that one method is preferred to another (see
/// <see cref="SampleSize.Plan"/>). <see cref="DecisiveVotes"/> is the smallest number of decisive votes (one method
/// chosen) at which the exact two-sided binomial test at level <see cref="Alpha"/> rejects "no preference" (0.5) with
/// probability at least <see cref="Power"/> when the true win rate is <see cref="WinRate"/>; <see cref="AchievedPower"/>
/// is that probability, <see cref="CriticalCount"/> the largest count of the losing side that rejects (c: the test
/// rejects with at most c or at least n - c wins). <see cref="Votes"/> adds the answers that are not decisive
/// (<see cref="TieRate"/>); <see cref="Participants"/> is how many people give that many votes on the pair of methods
/// when each gives <see cref="VotesPerParticipant"/> of them on average.</summary>
public sealed record SampleSizePlan(
    double WinRate, double Power, double Alpha, double TieRate, int DecisiveVotes, double AchievedPower, int CriticalCount,
    int Votes, double VotesPerParticipant, int Participants);

/// <summary>Sample sizes for pairwise preference studies from the exact binomial test, the test the results use
/// (<see cref="Binomial.TwoSidedPValue"/>).</summary>
public static class SampleSize
{
    /// <summary>The largest number of decisive votes searched: a true win rate so close to 0.5 that it needs more is
    /// refused.</summary>
    public const int MaxDecisiveVotes = 100_000;

    /// <summary>The largest c &lt; n/2 whose two-sided p-value (c or n - c wins of n against 0.5) is at most
    /// <paramref name="alpha"/>; -1 when no outcome of n votes is significant (e.g. n &lt; 6 at 0.05).</summary>
    public static int CriticalCount(int n, double alpha)
    {
        CheckAlpha(alpha);
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), n, "the number of votes must be 0 or more");
        // The p-value grows from c = 0 towards n/2: bisection for the last one at most alpha.
        int lo = -1, hi = (n - 1) / 2;
        while (lo < hi)
        {
            int mid = hi - (hi - lo) / 2;
            if (Binomial.TwoSidedPValue(mid, n) <= alpha) lo = mid; else hi = mid - 1;
        }
        return lo;
    }

    /// <summary>The power of the exact two-sided binomial test at level <paramref name="alpha"/> with n decisive
    /// votes when the true win rate is <paramref name="winRate"/>: the binomial probability of the rejection region,
    /// P(X &lt;= c) + P(X &gt;= n - c) for X ~ Binomial(n, winRate) and c = <see cref="CriticalCount"/>.</summary>
    public static double PowerOf(int n, double winRate, double alpha)
    {
        CheckWinRate(winRate);
        return PowerAt(n, CriticalCount(n, alpha), winRate);
    }

    /// <summary>The plan for one pair of methods and one question.</summary>
    /// <param name="winRate">the true share of decisive votes one method wins, to be detected (not 0.5), e.g. 0.6</param>
    /// <param name="power">the chance of detecting it, e.g. 0.8</param>
    /// <param name="alpha">the test's level (two-sided), e.g. 0.05; divide it by the number of pairs compared for
    /// every pair of a question at once (Bonferroni; Holm never needs more)</param>
    /// <param name="tieRate">the expected share of answers that are not decisive ("no preference", "both bad"); 0 when
    /// the study does not offer them</param>
    /// <param name="trialsPerParticipant">comparison trials per participant (attention checks not counted)</param>
    /// <param name="comparisons">the distinct comparisons of the design (each is shown equally often)</param>
    /// <param name="comparisonsOfPair">how many of them show this pair of methods (one per study pair that has both)</param>
    public static SampleSizePlan Plan(double winRate, double power, double alpha, double tieRate, int trialsPerParticipant, int comparisons,
        int comparisonsOfPair)
    {
        CheckWinRate(winRate);
        CheckAlpha(alpha);
        if (!(power > alpha && power < 1)) throw new ArgumentOutOfRangeException(nameof(power), power, $"the power must be between alpha ({alpha}) and 1");
        if (!(tieRate >= 0 && tieRate < 1)) throw new ArgumentOutOfRangeException(nameof(tieRate), tieRate, "the share of ties must be at least 0 and below 1");
        if (trialsPerParticipant < 1) throw new ArgumentOutOfRangeException(nameof(trialsPerParticipant), trialsPerParticipant, "each participant needs at least one trial");
        if (comparisons < 1) throw new ArgumentOutOfRangeException(nameof(comparisons), comparisons, "the design needs at least one comparison");
        if (comparisonsOfPair < 1 || comparisonsOfPair > comparisons)
            throw new ArgumentOutOfRangeException(nameof(comparisonsOfPair), comparisonsOfPair, $"the pair of methods is in 1 to {comparisons} comparisons");

        var (n, achieved, c) = DecisiveVotesFor(winRate, power, alpha);
        int votes = (int)Math.Ceiling(n / (1 - tieRate) - 1e-9);
        double perParticipant = (double)trialsPerParticipant * comparisonsOfPair / comparisons;
        int participants = (int)Math.Ceiling(votes / perParticipant - 1e-9);
        return new SampleSizePlan(winRate, power, alpha, tieRate, n, achieved, c, votes, perParticipant, participants);
    }

    /// <summary>The smallest n with power at least <paramref name="power"/>. Power is not monotone in n (the rejection
    /// region grows in steps), so a slightly larger n can have less power, and n is searched upwards one by one, from
    /// <see cref="LowerBound"/> (below which no test of level alpha has the power).</summary>
    private static (int N, double Power, int Critical) DecisiveVotesFor(double winRate, double power, double alpha)
    {
        int from = LowerBound(winRate, power, alpha);
        int c = CriticalCount(from - 1, alpha);
        for (int n = from; n <= MaxDecisiveVotes; n++)
        {
            // The critical count never falls as n grows (P(X <= c) under 0.5 only shrinks): walk it up from the last one.
            while (c + 1 < n / 2.0 && Binomial.TwoSidedPValue(c + 1, n) <= alpha) c++;
            if (c < 0) continue;
            var achieved = PowerAt(n, c, winRate);
            if (achieved >= power) return (n, achieved, c);
        }
        throw new ArgumentOutOfRangeException(nameof(winRate), winRate,
            $"a true win rate of {winRate} needs more than {MaxDecisiveVotes:N0} decisive votes for this power: choose one further from 0.5");
    }

    /// <summary>The smallest n at which the most powerful test of level alpha against this win rate, the one-sided
    /// randomised binomial test (Neyman-Pearson), reaches the power: no test of level alpha, the exact two-sided one
    /// included, has the power with fewer votes. Its power never falls as n grows, so n is found by bisection.</summary>
    private static int LowerBound(double winRate, double power, double alpha)
    {
        double p = Math.Max(winRate, 1 - winRate); // the two-sided test's power is the same on both sides of 0.5
        if (MostPowerful(MaxDecisiveVotes, p, alpha) < power) return MaxDecisiveVotes + 1;
        int lo = 1, hi = MaxDecisiveVotes;
        while (lo < hi)
        {
            int mid = lo + (hi - lo) / 2;
            if (MostPowerful(mid, p, alpha) >= power) hi = mid; else lo = mid + 1;
        }
        return lo;
    }

    /// <summary>The power of the one-sided randomised test of size alpha with n votes: reject above k, and at k with
    /// the probability that makes the size exactly alpha.</summary>
    private static double MostPowerful(int n, double p, double alpha)
    {
        // k: the smallest count with P0(X > k) <= alpha.
        int lo = 0, hi = n;
        while (lo < hi)
        {
            int mid = lo + (hi - lo) / 2;
            if (Binomial.UpperTailProbability(mid + 1, n, 0.5) <= alpha) hi = mid; else lo = mid + 1;
        }
        int k = lo;
        double above = Binomial.UpperTailProbability(k + 1, n, 0.5);
        double atK = Math.Exp(Binomial.LogPmf(k, n, 0.5));
        double gamma = atK > 0 ? Math.Clamp((alpha - above) / atK, 0, 1) : 0;
        return Binomial.UpperTailProbability(k + 1, n, p) + gamma * Math.Exp(Binomial.LogPmf(k, n, p));
    }

    private static double PowerAt(int n, int c, double winRate) => c < 0 ? 0
        : Math.Min(1, Binomial.LowerTailProbability(c, n, winRate) + Binomial.UpperTailProbability(n - c, n, winRate));

    private static void CheckWinRate(double winRate)
    {
        if (!(winRate > 0 && winRate < 1) || winRate == 0.5)
            throw new ArgumentOutOfRangeException(nameof(winRate), winRate, "the true win rate must be between 0 and 1 and not 0.5");
    }

    private static void CheckAlpha(double alpha)
    {
        if (!(alpha > 0 && alpha < 0.5)) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "alpha must be between 0 and 0.5");
    }
}
