using CamReview.Core.Text;
using CamReview.Data.Entities;
using CamReview.Web.Compare;
using CamReview.Web.Jobs;
using CamReview.Web.Services;

namespace CamReview.Web.Tests;

/// <summary>The metric table and its exports, from stored scores.</summary>
public sealed class MetricTableTests
{
    private static ComparedOutput Output(int id, string method, double? cameraScore, string json, ReviewStatus review = ReviewStatus.Pending) => new(
        new AssetView(id, 1, AssetKind.Output, $"{id}.mp4", "ab", 1, "video/mp4", 64, 48, 10, 24, 0.4, method, 7, null, DateTime.UtcNow),
        new ScoreView(id, 2, cameraScore, cameraScore is null ? "no usable pair" : null, json, "cpu", DateTime.UtcNow),
        review == ReviewStatus.Pending ? ReviewView.Pending : new ReviewView(review, "Rita", DateTime.UtcNow), null);

    private static Comparison ComparisonOf(params ComparedOutput[] outputs)
    {
        var media = outputs[0].Asset with { Id = 100, Kind = AssetKind.ReferenceVideo };
        return new Comparison(1, "Lab", new PairView(7, 1, "dolly", 100, "ref.mp4", 101, "t.png", null, null, null, DateTime.UtcNow, outputs.Length),
            media, media with { Id = 101 }, outputs, [], []);
    }

    [Fact]
    public void TheBestOfEachColumnIsMarkedOnlyWhereThereIsAChoice()
    {
        var table = MetricTable.Of([
            Output(1, "A", 0.010, """{"pce": 0.2, "sceneSimilarity": {"value": 0.9, "encoder": "classical:x"}, "flicker": {"value": 0.95}}"""),
            Output(2, "B", 0.002, """{"pce": 0.2, "sceneSimilarity": {"value": 0.7}, "flicker": {"value": null, "reason": "one frame"}}"""),
            Output(3, "C", null, """{"pce": null, "pceReason": "no camera path"}"""),
        ]);
        MetricCell Cell(int row, string key) => table.Rows[row].Cells[Array.FindIndex(MetricTable.AllColumns, c => c.Key == key)];

        // Lower CameraScore wins; higher scene preservation wins.
        Assert.True(Cell(1, "cameraScore").IsBest);
        Assert.False(Cell(0, "cameraScore").IsBest);
        Assert.True(Cell(0, "sceneSimilarity").IsBest);
        Assert.Equal("classical fallback (classical:x)", Cell(0, "sceneSimilarity").Note);
        // Equal values: no best; a single value: no best.
        Assert.False(Cell(0, "pce").IsBest || Cell(1, "pce").IsBest);
        Assert.False(Cell(0, "flicker").IsBest);
        // Missing values carry their reasons.
        Assert.Equal((null, "no usable pair"), (Cell(2, "cameraScore").Value, Cell(2, "cameraScore").Reason));
        Assert.Equal("no camera path", Cell(2, "pce").Reason);
        Assert.Equal("one frame", Cell(1, "flicker").Reason);
        Assert.Equal("not computed by this version of the scorer", Cell(2, "rotErr").Reason);
    }

    [Fact]
    public void AReasonSharedByEveryOutputIsOneFootnoteAndEachMethodKeepsOneColour()
    {
        const string noTranslation = "neither trajectory translates (rotation/zoom only): translations cannot be normalized by their largest norm";
        var json = $$$"""{"transErr": null, "transErrReason": "{{{noTranslation}}}", "sceneSimilarity": {"value": 0.8, "encoder": "classical:rgb"}}""";
        var comparison = ComparisonOf(Output(1, "beta", 0.01, json), Output(2, "alpha", 0.02, json), Output(3, "gamma", null, json));
        var table = comparison.Metrics;
        MetricCell Cell(int row, string key) => table.Rows[row].Cells[Array.FindIndex(MetricTable.AllColumns, c => c.Key == key)];

        // Each distinct text once, numbered in order of appearance; every cell that shares it points at the same number.
        Assert.Equal(table.Footnotes.Distinct().Count(), table.Footnotes.Count);
        var transErr = table.Footnotes.ToList().IndexOf(noTranslation) + 1;
        Assert.True(transErr > 0);
        Assert.All(table.Rows.Select((_, r) => Cell(r, "transErr")), c => Assert.Equal(transErr, c.Footnote));
        Assert.Equal(table.Footnotes.ToList().IndexOf("classical fallback (classical:rgb)") + 1, Cell(0, "sceneSimilarity").Footnote);
        Assert.Equal(table.Footnotes.ToList().IndexOf("no usable pair") + 1, Cell(2, "cameraScore").Footnote);
        Assert.Null(Cell(0, "cameraScore").Footnote);

        // Colours follow the method names in order, whatever the order of the outputs, and match the comparison's.
        Assert.Equal([MethodColours.Palette[1], MethodColours.Palette[0], MethodColours.Palette[2]], table.Rows.Select(r => r.Colour));
        Assert.All(table.Rows, r => Assert.Equal(comparison.Colours.Of(r.Output.Method), r.Colour));
    }

    [Theory]
    [InlineData("cameraScore", 1.785e-6, "1.785e-6")]
    [InlineData("cameraScore", 0.0002438, "2.438e-4")]
    [InlineData("cameraScore", 0, "0")]
    [InlineData("rotErr", 207.49, "207.49")]
    [InlineData("rotErr", 6.2344, "6.23")]
    [InlineData("pce", 0, "0.000")]
    [InlineData("sceneSimilarity", 0.85134, "0.851")]
    [InlineData("flicker", 0.93534, "0.9353")]
    public void EveryValueOfAMetricIsWrittenAlike(string key, double value, string written) =>
        Assert.Equal(written, CamReview.Pipeline.Score.MetricCatalogue.Find(key)!.Format(value));

    [Fact]
    public void TheCsvExportQuotesTextDefusesFormulasAndKeepsReasons()
    {
        var comparison = ComparisonOf(
            Output(1, "=HYPERLINK(\"x\")", 0.25, """{"pairsUsed": 9, "pairsFlagged": 1}""", ReviewStatus.Approved),
            Output(2, "plain, with comma", null, "{}"));
        var lines = ComparisonService.MetricsCsv(comparison).TrimEnd('\n').Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.StartsWith("dolly,1,\"'=HYPERLINK(\"\"x\"\")\",approved,9,1,0.25,,", lines[1]);
        Assert.StartsWith("dolly,2,\"plain, with comma\",pending,,,,,,no usable pair,", lines[2]);
        // Per metric: value, interval bounds, reason, and the per-frame value of summed metrics.
        Assert.Equal(lines[0].Split(',').Length, 6 + MetricTable.AllColumns.Sum(c => c.PerFrame is null ? 4 : 5));
        Assert.All(CsvField.Records(ComparisonService.MetricsCsv(comparison), "metrics.csv"), r => Assert.Equal(lines[0].Split(',').Length, r.Fields.Count));
    }
}
