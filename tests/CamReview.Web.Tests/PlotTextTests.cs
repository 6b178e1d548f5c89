using System.Text.Encodings.Web;
using System.Text.Json;
using CamReview.Core.Statistics;
using CamReview.Web.Compare;
using CamReview.Web.Components.Shared;
using CamReview.Web.Studies;

namespace CamReview.Web.Tests;

/// <summary>Labels reaching Plotly figures are plain text: Plotly would draw tags in them (a link, bold text).</summary>
public sealed class PlotTextTests
{
    private const string Evil = "<a href='https://evil.example/'>Evil</a> & <b>co</b>";
    private const string Shown = "&lt;a href='https://evil.example/'&gt;Evil&lt;/a&gt; &amp; &lt;b&gt;co&lt;/b&gt;";

    // As the browser receives it, after JSON decoding (no \u003C escapes to hide a tag from the assertions).
    private static string Json(PlotFigure figure) =>
        JsonSerializer.Serialize(JsonDocument.Parse(figure.Json()).RootElement, new JsonSerializerOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("a < b > c", "a &lt; b &gt; c")]
    [InlineData("&lt;", "&amp;lt;")]
    [InlineData(null, "")]
    public void PlainEscapesWhatPlotlyInterprets(string? text, string expected) => Assert.Equal(expected, PlotText.Plain(text));

    [Fact]
    public void StudyFiguresShowMethodNamesAsText()
    {
        var question = new QuestionResult("overall", 4, 4, 0,
            [new PairSummary(Evil, "B", 3, 1, 0, 0, 0.75, new ConfidenceInterval(0.3, 0.95), 0.6, 0.6)],
            [new ChoiceShare(Evil, 4, 3, 0, 0, 0.75, new ConfidenceInterval(0.3, 0.95), 0.5, 0.6)],
            [new BradleyTerryScore(Evil, 0.5, null, 1, null, 4, 1), new BradleyTerryScore("B", -0.5, null, 2, null, 4, 1)], 1, false);
        var colours = new MethodColours([Evil, "B"]);
        foreach (var figure in new[] { StudyFigures.BradleyTerry(question, colours), StudyFigures.WinRates(question, colours), StudyFigures.BestOfN(question, colours), StudyFigures.WinHeatmap(question, [Evil, "B"]) })
        {
            var json = Json(figure);
            Assert.DoesNotContain("<a", json);
            Assert.DoesNotContain("<b>", json);
            // Long labels are broken into lines by Plotly's own <br>, the only tag the figures add.
            Assert.Contains(Shown, json.Replace("<br>", " ", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void LongLabelsAreBrokenAtSpacesIntoShortLines()
    {
        Assert.Equal(["homography (black) vs", "weak: homography", "pan-right 1.2°/f", "(black)"],
            PlotText.Lines("homography (black) vs weak: homography pan-right 1.2°/f (black)", 22));
        Assert.Equal(["a-very-long-single-word-label"], PlotText.Lines("a-very-long-single-word-label", 10));
        Assert.Equal(["&lt;b&gt; and<br>more"], PlotText.Wrapped(["<b> and more"], 9));
        // The figure is tall enough for its longest line standing upright under the plot and for the axis title.
        Assert.Equal(320, StudyFigures.Height(["A", "B"]));
        Assert.Equal(280 + 7 * 21, StudyFigures.Height(["homography (black) vs weak: homography pan-right 1.2°/f (black)"]));
    }

    [Fact]
    public void AStaticPageFigureCarriesPlotlysOwnNamesAndNoScriptEnd()
    {
        var comparison = new Comparison(1, "project", null!, null!, null!, [],
            [new ProjectPoint(1, "</script><script>alert(1)</script>", 10, "A", 0.001, 0.9), new ProjectPoint(2, "pair two", 11, "B", 0.2, 0.8)], []);
        var json = ComparisonFigures.Tradeoff(comparison)!.Json();
        Assert.DoesNotContain("</script", json, StringComparison.OrdinalIgnoreCase);
        var figure = JsonDocument.Parse(json).RootElement;
        var mean = figure.GetProperty("data")[1];
        Assert.Equal("scatter", mean.GetProperty("type").GetString());
        Assert.Equal("markers", mean.GetProperty("mode").GetString());
        Assert.Equal("diamond", mean.GetProperty("marker").GetProperty("symbol").GetString());
        Assert.Equal(comparison.Colours.Of("A"), mean.GetProperty("marker").GetProperty("color").GetString());
        var x = figure.GetProperty("layout").GetProperty("xaxis");
        Assert.Equal("log", x.GetProperty("type").GetString());
        Assert.Equal("power", x.GetProperty("exponentformat").GetString());
        Assert.True(figure.GetProperty("layout").GetProperty("yaxis").GetProperty("automargin").GetBoolean());
        Assert.False(mean.TryGetProperty("xaxis", out _)); // unset stays out
    }

    [Fact]
    public void TheTradeoffMeansCarryTheir95PercentIntervalsAsErrorBars()
    {
        var comparison = new Comparison(1, "project", null!, null!, null!, [],
        [
            new ProjectPoint(1, "one", 10, "A", 0.001, 0.80), new ProjectPoint(2, "two", 11, "A", 0.002, 0.85), new ProjectPoint(3, "three", 12, "A", 0.003, 0.90),
            new ProjectPoint(1, "one", 13, "B", 0.004, 0.70),
        ], []);
        var data = JsonDocument.Parse(ComparisonFigures.Tradeoff(comparison)!.Json()).RootElement.GetProperty("data");
        // A: 3 outputs, mean 0.002 and 0.85, standard deviations 0.001 and 0.05; t(0.975, 2 degrees of freedom) = 4.3027.
        var a = data[1];
        Assert.Equal(0.002, a.GetProperty("x")[0].GetDouble(), 12);
        foreach (var (axis, sd) in new[] { ("error_x", 0.001), ("error_y", 0.05) })
        {
            var bars = a.GetProperty(axis);
            Assert.Equal("data", bars.GetProperty("type").GetString());
            Assert.False(bars.GetProperty("symmetric").GetBoolean());
            Assert.Equal(4.302653 * sd / Math.Sqrt(3), bars.GetProperty("array")[0].GetDouble(), 6);
            Assert.Equal(4.302653 * sd / Math.Sqrt(3), bars.GetProperty("arrayminus")[0].GetDouble(), 6);
        }
        // B: one output, no interval to draw.
        Assert.False(data[3].TryGetProperty("error_x", out _));
        Assert.False(data[3].TryGetProperty("error_y", out _));
    }

    [Fact]
    public void TheTradeoffShowsMethodAndPairNamesAsText()
    {
        var comparison = new Comparison(1, "project", null!, null!, null!, [],
            [new ProjectPoint(1, "<i>pair</i>", 10, Evil, 0.1, 0.9), new ProjectPoint(2, "pair two", 11, "B", 0.2, 0.8)], []);
        var json = Json(ComparisonFigures.Tradeoff(comparison)!);
        Assert.DoesNotContain("<a", json);
        Assert.DoesNotContain("<i>", json);
        Assert.Contains(Shown, json);
        Assert.Contains("&lt;i&gt;pair&lt;/i&gt;", json);
    }
}
