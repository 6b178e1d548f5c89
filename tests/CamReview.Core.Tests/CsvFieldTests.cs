using CamReview.Core.Statistics;
using CamReview.Core.Text;

namespace CamReview.Core.Tests;

public sealed class CsvFieldTests
{
    public static readonly string[] FormulaNames = ["=HYPERLINK(\"http://x\",\"y\")", "+cmd", "-1+2", "@SUM(A1)"];

    [Theory]
    [InlineData("=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"")]
    [InlineData("+cmd", "'+cmd")]
    [InlineData("-1+2", "'-1+2")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\tx", "'\tx")]
    [InlineData("'=x", "''=x")] // an apostrophe already there is kept: reading takes off exactly one
    [InlineData("'plain", "'plain")]
    [InlineData("a=b", "a=b")]
    [InlineData("plain, with comma", "\"plain, with comma\"")]
    [InlineData("-0.25", "-0.25")] // numbers stay numbers
    [InlineData("+3", "+3")]
    [InlineData("-1e-5", "-1e-5")]
    [InlineData("", "")]
    public void FormulaLikeTextIsDefusedAndNumbersAreNot(string value, string written) => Assert.Equal(written, CsvField.Write(value));

    [Theory]
    [InlineData("=HYPERLINK(\"http://x\",\"y\")")]
    [InlineData("+cmd")]
    [InlineData("-1+2")]
    [InlineData("@SUM(A1)")]
    [InlineData("'=x")]
    [InlineData("''@x")]
    [InlineData("'plain")]
    [InlineData("-0.25")]
    [InlineData("tie")]
    public void ReadingGivesBackTheOriginalText(string value)
    {
        var written = CsvField.Write(value);
        var unquoted = written.StartsWith('"') ? written[1..^1].Replace("\"\"", "\"") : written;
        Assert.Equal(value, CsvField.Read(unquoted));
    }

    [Fact]
    public void VotesWithFormulaLikeNamesAreWrittenDefusedAndReadBackIntact()
    {
        var votes = new List<Vote>
        {
            new("=p1", "t1", "@question", [FormulaNames[0], FormulaNames[1]], FormulaNames[0], 1200),
            new("=p1", "t2", "@question", [FormulaNames[2], FormulaNames[3]], FormulaNames[3], null),
            new("p2", "t1", "@question", [FormulaNames[3], FormulaNames[0]], "tie", -0.0),
        };
        var writer = new StringWriter();
        VoteCsv.Write(writer, votes);
        var text = writer.ToString();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1))
            foreach (var field in line.Split(','))
                Assert.False(field.TrimStart('"').Length > 0 && field.TrimStart('"')[0] is '=' or '+' or '@' or '-' && field != "-0", line);
        Assert.Contains("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\");+cmd\"", text);
        Assert.Contains("'-1+2;@SUM(A1),'@SUM(A1)", text);

        var read = VoteCsv.Read(text, "votes.csv").Votes;
        Assert.Equal(votes.Select(v => (v.Participant, v.Question, string.Join("|", v.Options), v.Choice)),
            read.Select(v => (v.Participant, v.Question, string.Join("|", v.Options), v.Choice)));
    }
}
