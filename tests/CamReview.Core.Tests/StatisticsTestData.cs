using CamReview.Core.Statistics;

namespace CamReview.Core.Tests;

/// <summary>Vote lists for the statistics tests: hand-made, and simulated from known Bradley–Terry strengths.</summary>
internal static class StatisticsTestData
{
    private static int _trial;

    /// <summary>A pairwise vote with a fresh trial id.</summary>
    public static Vote Pair(string participant, string a, string b, string choice, string question = "overall", double? rt = null) =>
        new(participant, $"t{Interlocked.Increment(ref _trial)}", question, [a, b], choice, rt);

    /// <summary><paramref name="count"/> identical pairwise votes, spread over participants p0..p{participants-1}.</summary>
    public static IEnumerable<Vote> Repeat(int count, string a, string b, string choice, int participants = 10, string question = "overall") =>
        Enumerable.Range(0, count).Select(i => Pair($"p{i % participants}", a, b, choice, question));

    /// <summary>
    /// Votes from the Bradley–Terry model with log-strengths <paramref name="strengths"/> (methods m0, m1, ...):
    /// each participant casts <paramref name="votesPerParticipant"/> votes on uniformly random pairs, shown in random
    /// order; with probability <paramref name="tieRate"/> the answer is a tie. <paramref name="participantSpread"/>
    /// adds a per-participant N(0, spread²) offset to each method's strength (raters who disagree).
    /// </summary>
    public static List<Vote> Simulate(double[] strengths, int participants, int votesPerParticipant, int seed,
        double tieRate = 0, double participantSpread = 0, string question = "overall")
    {
        var rng = new Random(seed);
        var votes = new List<Vote>(participants * votesPerParticipant);
        int k = strengths.Length;
        for (int p = 0; p < participants; p++)
        {
            var own = strengths.Select(s => s + participantSpread * Gaussian(rng)).ToArray();
            for (int t = 0; t < votesPerParticipant; t++)
            {
                int i = rng.Next(k), j = rng.Next(k - 1);
                if (j >= i) j++;
                string choice;
                if (rng.NextDouble() < tieRate) choice = VoteChoice.Tie;
                else choice = rng.NextDouble() < 1 / (1 + Math.Exp(own[j] - own[i])) ? $"m{i}" : $"m{j}";
                votes.Add(new Vote($"p{p}", $"t{t}", question, [$"m{i}", $"m{j}"], choice));
            }
        }
        return votes;
    }

    private static double Gaussian(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
