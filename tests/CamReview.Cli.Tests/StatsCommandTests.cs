using System.Text;
using System.Text.Json;

namespace CamReview.Cli.Tests;

public sealed class StatsCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("camreview-stats-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text, new UTF8Encoding(false));
        return path;
    }

    /// <summary>A votes file: A beats B 7:3 per participant (p1..p4) plus ties and both-bad, a best-of-3 question,
    /// and a bot participant who always picks B.</summary>
    private string StudyCsv()
    {
        var sb = new StringBuilder("participant,trial,question,options,choice\n");
        for (int p = 1; p <= 4; p++)
        {
            for (int t = 0; t < 10; t++)
                sb.Append($"p{p},t{t},overall,{(t % 2 == 0 ? "A;B" : "B;A")},{(t < 7 ? "A" : "B")}\n");
            sb.Append($"p{p},t10,overall,A;B,tie\n");
            sb.Append($"p{p},t11,overall,B;A,bothbad\n");
            sb.Append($"p{p},t12,look,A;B;C,{(p <= 2 ? "C" : "A")}\n");
        }
        for (int t = 0; t < 10; t++) sb.Append($"bot,t{t},overall,A;B,B\n");
        return Write("votes.csv", sb.ToString());
    }

    private static void AssertOneLineError(Cli.Result result, string contains)
    {
        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Stdout);
        var line = Assert.Single(result.Stderr.Trim().Split('\n'));
        Assert.StartsWith("camreview: ", line);
        Assert.Contains(contains, line);
    }

    [Fact]
    public async Task JsonHasTheAgreedFields()
    {
        var result = await Cli.RunAsync("stats", StudyCsv(), "--json", "--resamples", "300", "--seed", "5", "--exclude", "bot");
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal("", result.Stderr);
        Assert.Single(result.Stdout.Trim().Split('\n'));
        Assert.DoesNotContain("NaN", result.Stdout);
        var json = result.Json();
        Assert.Equal(4, json.GetProperty("participants").GetInt32());
        Assert.Equal(4 * 13, json.GetProperty("votes").GetInt32());
        Assert.Equal(1, json.GetProperty("excludedParticipants").GetInt32());

        var questions = json.GetProperty("questions").EnumerateArray().ToList();
        Assert.Equal(["look", "overall"], questions.Select(q => q.GetProperty("question").GetString()));

        var overall = questions[1];
        var pair = Assert.Single(overall.GetProperty("pairs").EnumerateArray());
        Assert.Equal("A", pair.GetProperty("a").GetString());
        Assert.Equal("B", pair.GetProperty("b").GetString());
        Assert.Equal(28, pair.GetProperty("aWins").GetInt32());
        Assert.Equal(12, pair.GetProperty("bWins").GetInt32());
        Assert.Equal(4, pair.GetProperty("ties").GetInt32());
        Assert.Equal(4, pair.GetProperty("bothBad").GetInt32());
        Assert.Equal(0.7, pair.GetProperty("winRateA").GetDouble(), 12);
        var wilson = pair.GetProperty("wilsonA").EnumerateArray().Select(x => x.GetDouble()).ToArray();
        Assert.Equal(2, wilson.Length);
        Assert.True(wilson[0] < 0.7 && 0.7 < wilson[1]);
        Assert.InRange(pair.GetProperty("pValue").GetDouble(), 0.01, 0.02); // binom.test(28, 40): 0.01659

        var bt = overall.GetProperty("bradleyTerry").EnumerateArray().ToList();
        Assert.Equal(["A", "B"], bt.Select(s => s.GetProperty("method").GetString()));
        Assert.Equal([1, 2], bt.Select(s => s.GetProperty("rank").GetInt32()));
        // (28 + 4/2) : (12 + 4/2) = 30 : 14, centred.
        Assert.Equal(Math.Log(30.0 / 14) / 2, bt[0].GetProperty("score").GetDouble(), 9);
        Assert.Equal(2, bt[0].GetProperty("ci").GetArrayLength());

        var look = questions[0];
        Assert.Empty(look.GetProperty("pairs").EnumerateArray());
        var shares = look.GetProperty("bestOfN").EnumerateArray().ToList();
        Assert.Equal(["A", "C", "B"], shares.Select(s => s.GetProperty("method").GetString()));
        Assert.Equal(0.5, shares[0].GetProperty("share").GetDouble());
        Assert.Empty(look.GetProperty("bradleyTerry").EnumerateArray());

        var table = json.GetProperty("participantTable").EnumerateArray().ToList();
        Assert.True(table.Single(p => p.GetProperty("participant").GetString() == "bot").GetProperty("excluded").GetBoolean());
    }

    [Fact]
    public async Task TheSameSeedGivesTheSameOutputAndExclusionChangesIt()
    {
        var csv = StudyCsv();
        var first = await Cli.RunAsync("stats", csv, "--json", "--resamples", "200", "--seed", "9");
        var again = await Cli.RunAsync("stats", csv, "--json", "--resamples", "200", "--seed", "9");
        var excluded = await Cli.RunAsync("stats", csv, "--json", "--resamples", "200", "--seed", "9", "--exclude", "bot");
        Assert.Equal(first.Stdout, again.Stdout);
        int BWins(Cli.Result r) => r.Json().GetProperty("questions")[1].GetProperty("pairs")[0].GetProperty("bWins").GetInt32();
        Assert.Equal(22, BWins(first));
        Assert.Equal(12, BWins(excluded));
    }

    [Fact]
    public async Task QuotedFieldsMayHoldCommasQuotesAndLineBreaks()
    {
        var csv = Write("quoted.csv",
            "\uFEFFParticipant,Trial,Question,Options,Choice,response_ms\r\n" +
            "\"p,1\",t1,\"overall, \"\"fair\"\"\",\"cam,ctrl;base\",\"cam,ctrl\",1200\r\n" +
            "\"p,1\",t2,\"overall, \"\"fair\"\"\",\"base;cam,ctrl\",tie,\r\n" +
            "p2,t1,\"overall, \"\"fair\"\"\",\"cam,ctrl;base\",\"cam,ctrl\",800.5\r\n" +
            "p2,\"t\n2\",\"overall, \"\"fair\"\"\",\"base; cam,ctrl \",base,\r\n" +
            "\r\n");
        var result = await Cli.RunAsync("stats", csv, "--json", "--resamples", "50");
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal(4, result.Json().GetProperty("votes").GetInt32());
        var q = result.Json().GetProperty("questions")[0];
        Assert.Equal("overall, \"fair\"", q.GetProperty("question").GetString());
        var pair = q.GetProperty("pairs")[0];
        Assert.Equal(("base", "cam,ctrl"), (pair.GetProperty("a").GetString(), pair.GetProperty("b").GetString()));
        Assert.Equal((1, 2, 1), (pair.GetProperty("aWins").GetInt32(), pair.GetProperty("bWins").GetInt32(), pair.GetProperty("ties").GetInt32()));
        var people = result.Json().GetProperty("participantTable").EnumerateArray().ToList();
        Assert.Equal(["p,1", "p2"], people.Select(p => p.GetProperty("participant").GetString()));
        Assert.Equal(1200, people[0].GetProperty("medianResponseMs").GetDouble());
        Assert.Equal(800.5, people[1].GetProperty("medianResponseMs").GetDouble());
    }

    [Fact]
    public async Task DefusedFormulaLikeNamesAreReadBackAsTheOriginalNames()
    {
        // As the portal's export writes them: a leading apostrophe before text a spreadsheet would run.
        var csv = Write("defused.csv",
            "participant,trial,question,options,choice\n" +
            "p1,t1,overall,\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\");+cmd\",'+cmd\n" +
            "p1,t2,overall,'-1+2;@SUM(A1),'-1+2\n" +
            "p2,t1,overall,\"'+cmd;=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"\n" +
            "p2,t2,overall,'@SUM(A1);-1+2,'@SUM(A1)\n");
        var result = await Cli.RunAsync("stats", csv, "--json", "--resamples", "50");
        Assert.True(result.ExitCode == 0, result.Stderr);
        var q = result.Json().GetProperty("questions")[0];
        Assert.Equal(["+cmd", "-1+2", "=HYPERLINK(\"http://x\",\"y\")", "@SUM(A1)"],
            q.GetProperty("bradleyTerry").EnumerateArray().Select(s => s.GetProperty("method").GetString()).Order(StringComparer.Ordinal));
        Assert.All(q.GetProperty("pairs").EnumerateArray(), p => Assert.Equal(2, p.GetProperty("aWins").GetInt32() + p.GetProperty("bWins").GetInt32()));
    }

    [Fact]
    public async Task WithoutJsonPrintsATablePerQuestion()
    {
        var result = await Cli.RunAsync("stats", StudyCsv(), "--resamples", "100");
        Assert.True(result.ExitCode == 0, result.Stderr);
        Assert.Equal("", result.Stderr);
        Assert.Contains("Question \"overall\"", result.Stdout);
        Assert.Contains("Question \"look\"", result.Stdout);
        Assert.Contains("Bradley-Terry", result.Stdout);
        Assert.Contains("Best-of-N", result.Stdout);
        Assert.Matches(@"(?m)^\s+A\s+B\s+28\s+22\s+4\s+4\s+0\.560", result.Stdout);
    }

    [Theory]
    [InlineData("participant,trial,question,options\np1,t1,q,A;B\n", "votes.csv line 1: missing column 'choice'")]
    [InlineData("participant,trial,question,options,choice,extra\np1,t1,q,A;B,A,x\n", "votes.csv line 1: unknown column 'extra'")]
    [InlineData("participant,trial,question,options,choice\np1,t1,q,A;B,A\np1,t2,q,A;B,A,x\n", "votes.csv line 3: expected 5 fields, found 6")]
    [InlineData("participant,trial,question,options,choice\np1,t1,q,A;B,A\np1,t2,q,A;B,C\n", "votes.csv line 3: choice 'C' is not one of the options (A; B), tie or bothbad")]
    [InlineData("participant,trial,question,options,choice\np1,t1,q,A;B,A\n\np1,t1,q,B;A,B\n", "votes.csv line 4: participant 'p1' answered question 'q' of trial 't1' twice (first on line 2)")]
    [InlineData("participant,trial,question,options,choice\np1,t1,q,A,A\n", "votes.csv line 2: a trial needs at least 2 options, got 1")]
    [InlineData("participant,trial,question,options,choice\np1,t1,q,A;tie,A\n", "votes.csv line 2: 'tie' cannot be a method name")]
    [InlineData("participant,trial,question,options,choice\np1,t1,q,\"A;B,A\n", "votes.csv line 2: a quoted field is not closed")]
    [InlineData("participant,trial,question,options,choice\np1,t1,q,A;B,A\np1,\"t\n2\",q,A;B,A,x\n", "votes.csv line 3: expected 5 fields, found 6")]
    [InlineData("participant,trial,question,options,choice\np1,\"t\n1\",q,A;B,A\np1,t2,q,\"A;B\"x,A\n", "votes.csv line 4: unexpected text after a closing quote")]
    [InlineData("participant,trial,question,options,choice\np1,t1,q,A;B,A\"x\n", "votes.csv line 2: a quote inside an unquoted field")]
    [InlineData("participant,trial,question,options,choice,response_ms\np1,t1,q,A;B,A,fast\n", "votes.csv line 2: response_ms 'fast' is not a number")]
    [InlineData("participant,trial,question,options,choice\n", "votes.csv has no votes")]
    [InlineData("", "votes.csv is empty")]
    public async Task BadCsvExitsWithOneLine(string text, string message)
    {
        var result = await Cli.RunAsync("stats", Write("votes.csv", text), "--json");
        AssertOneLineError(result, message);
    }

    [Fact]
    public async Task MissingFileAndUnknownExclusionExitWithOneLine()
    {
        AssertOneLineError(await Cli.RunAsync("stats", Path.Combine(_dir, "nope.csv")), "nope.csv: no such file");
        AssertOneLineError(await Cli.RunAsync("stats", StudyCsv(), "--exclude", "p1, ghost"), "--exclude: participant 'ghost' has no votes in votes.csv");
    }

    [Theory]
    [InlineData("--resamples", "-1")]
    [InlineData("--confidence", "1.5")]
    [InlineData("--bootstrap", "trial")]
    public async Task BadOptionsAreUsageErrors(string option, string value)
    {
        var result = await Cli.RunAsync("stats", StudyCsv(), option, value);
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.StartsWith("camreview: ", Assert.Single(result.Stderr.Trim().Split('\n')));
    }
}
