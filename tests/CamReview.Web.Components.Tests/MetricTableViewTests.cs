using CamReview.Data.Entities;
using CamReview.Pipeline.Score;
using CamReview.Web.Compare;
using CamReview.Web.Components.Pages.Compare;
using CamReview.Web.Components.Shared;
using CamReview.Web.Jobs;
using CamReview.Web.Services;

namespace CamReview.Web.Components.Tests;

/// <summary>The metric table as rendered: values in the catalogue's formats with their intervals, the best marked only
/// where the intervals separate, reasons as footnotes, and the metric help under it.</summary>
public sealed class MetricTableViewTests
{
    private static ComparedOutput Output(int id, string method, double? cameraScore, string json) => new(
        new AssetView(id, 1, AssetKind.Output, $"{id}.mp4", "ab", 1, "video/mp4", 64, 48, 10, 24, 0.4, method, 7, null, DateTime.UtcNow),
        new ScoreView(id, 2, cameraScore, cameraScore is null ? "no usable pair" : null, json, "cpu", DateTime.UtcNow), ReviewView.Pending, null);

    private static IRenderedComponent<MetricTableView> Render(BunitContext ctx, params ComparedOutput[] outputs) =>
        ctx.Render<MetricTableView>(p => p.Add(x => x.Table, MetricTable.Of(outputs)));

    private static AngleSharp.Dom.IElement Cell(IRenderedComponent<MetricTableView> cut, int assetId, string metric) =>
        cut.Find($"[data-testid=metric-row][data-asset-id='{assetId}'] td[data-metric={metric}]");

    [Fact]
    public async Task ValuesAndIntervalsAreWrittenInTheCataloguesFormats()
    {
        await using var ctx = ComponentContext.New(interactive: false);
        var cut = Render(ctx,
            Output(1, "homography", 0.0002438, """{"pce": 0.12345, "pceInterval": [0.1, 0.15]}"""),
            Output(2, "parallax", 0.0000017852, """{"pce": 0.5, "pceInterval": [0.4, 0.6]}"""));

        Assert.Equal("2.438e-4", Cell(cut, 1, "cameraScore").QuerySelector("[data-testid=metric-value]")!.TextContent);
        Assert.Equal("1.785e-6", Cell(cut, 2, "cameraScore").QuerySelector("[data-testid=metric-value]")!.TextContent);
        var pce = Cell(cut, 1, "pce");
        Assert.Equal("0.123", pce.QuerySelector("[data-testid=metric-value]")!.TextContent);
        Assert.Equal("[0.100, 0.150]", pce.QuerySelector("[data-testid=metric-interval]")!.TextContent);
        // Each row names its method beside the method's colour swatch.
        Assert.Equal(["homography", "parallax"], cut.FindAll("[data-testid=metric-row] th.metric-method").Select(h => h.TextContent.Trim()));
        Assert.Equal(2, cut.FindAll("[data-testid=method-colour]").Select(s => s.GetAttribute("style")).Distinct().Count());
    }

    [Fact]
    public async Task TheBestIsMarkedOnlyWhereItsIntervalIsClearOfTheOthers()
    {
        await using var ctx = ComponentContext.New(interactive: false);
        var cut = Render(ctx,
            // PCE: 0.1 [0.05, 0.15] against 0.5 [0.4, 0.6]: separated, the lower wins.
            Output(1, "A", 0.001, """{"pce": 0.1, "pceInterval": [0.05, 0.15], "flicker": {"value": 0.95}}"""),
            Output(2, "B", 0.002, """{"pce": 0.5, "pceInterval": [0.4, 0.6], "flicker": {"value": 0.93}}"""));

        Assert.True(Cell(cut, 1, "pce").ClassList.Contains("metric-best"));
        Assert.NotNull(Cell(cut, 1, "pce").QuerySelector("[data-testid=best]"));
        Assert.Null(Cell(cut, 2, "pce").QuerySelector("[data-testid=best]"));
        // CameraScore without intervals: by value alone, lower is better.
        Assert.NotNull(Cell(cut, 1, "cameraScore").QuerySelector("[data-testid=best]"));
        // Flicker, without intervals too: the higher value is marked.
        Assert.NotNull(Cell(cut, 1, "flicker").QuerySelector("[data-testid=best]"));

        var overlapping = Render(ctx,
            Output(3, "C", 0.001, """{"pce": 0.1, "pceInterval": [0.05, 0.45]}"""),
            Output(4, "D", 0.002, """{"pce": 0.5, "pceInterval": [0.4, 0.6]}"""));
        Assert.Empty(overlapping.FindAll("td[data-metric=pce] [data-testid=best]"));
        Assert.DoesNotContain(overlapping.FindAll("td[data-metric=pce]"), td => td.ClassList.Contains("metric-best"));
    }

    [Fact]
    public async Task AMissingValueIsADashWithItsReasonFootnotedOnce()
    {
        await using var ctx = ComponentContext.New(interactive: false);
        var cut = Render(ctx,
            Output(1, "A", null, """{"pce": null, "pceReason": "no camera path"}"""),
            Output(2, "B", null, """{"pce": null, "pceReason": "no camera path"}"""));

        var missing = Cell(cut, 1, "pce");
        Assert.Equal("—", missing.QuerySelector("[data-testid=metric-reason]")!.TextContent);
        Assert.Equal("no camera path", missing.QuerySelector("[data-testid=metric-reason]")!.GetAttribute("title"));
        var mark = missing.QuerySelector("[data-testid=footnote-mark]")!.TextContent;
        Assert.Equal(mark, Cell(cut, 2, "pce").QuerySelector("[data-testid=footnote-mark]")!.TextContent);
        var notes = cut.FindAll("[data-testid=metric-footnotes] li").Select(li => li.TextContent).ToList();
        Assert.Equal("no camera path", notes[int.Parse(mark) - 1]);
        Assert.Single(notes, n => n == "no camera path");
        Assert.Single(notes, n => n == "no usable pair");
    }

    [Fact]
    public async Task TheMetricHelpGivesEachMetricsDirectionAndLinksToItsReference()
    {
        await using var ctx = ComponentContext.New(interactive: false);
        var cut = ctx.Render<MetricHelp>(p => p.Add(x => x.Metrics, [MetricCatalogue.CameraScore, MetricCatalogue.SceneSimilarity]));

        var terms = cut.FindAll("dt").Select(t => t.TextContent.Trim()).ToList();
        Assert.Equal(["CameraScore · lower is better", "Scene preservation · higher is better"], terms);
        var links = cut.FindAll("dd a").Select(a => a.GetAttribute("href")).ToList();
        Assert.Equal([PortalUrls.Metric("cameraScore"), PortalUrls.Metric("sceneSimilarity")], links);
        Assert.StartsWith(MetricCatalogue.CameraScore.Description, cut.FindAll("dd")[0].TextContent.Trim());
        // A disclosure: it opens by tap as well as by click, with or without a circuit.
        Assert.Equal("DETAILS", cut.Find("[data-testid=metric-help]").TagName);
    }
}
