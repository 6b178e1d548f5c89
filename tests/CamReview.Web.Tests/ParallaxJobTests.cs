using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using CamReview.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace CamReview.Web.Tests;

/// <summary>Parallax renders through the API (depth from the pair's depth map, else planar without a depth model) and
/// the scene metrics of their scores (classical encoder without a configured model).</summary>
[Collection(JobsCollection.Name)]
public sealed class ParallaxJobTests(JobPortalFixture portal) : IClassFixture<JobPortalFixture>
{
    [Fact]
    public async Task AParallaxRenderStoresAnOutputScoredWithSceneMetrics()
    {
        using var rita = await portal.ClientAsync("rita@camreview.test", JobPortalFixture.Password);
        var job = await JobPortalFixture.StartRenderAsync(rita, portal.PairId, new { motion = "reference", border = "black", frames = 12 }, method: "parallax");
        Assert.Equal("parallax (black)", job.GetProperty("methodName").GetString());

        var done = await portal.WaitForJobAsync(job.GetProperty("id").GetInt32(), j => j.State is JobState.Succeeded or JobState.Failed, "finished", seconds: 120);
        Assert.True(done.State == JobState.Succeeded, done.Error);
        Assert.Equal("cpu; depth planar", done.Device); // no depth map, no depth model configured
        var timings = JsonSerializer.Deserialize<Dictionary<string, double>>(done.TimingsJson!)!;
        Assert.Contains("render", timings.Keys);
        Assert.Contains("depthLoad", timings.Keys);

        await using (var db = portal.OpenDb())
        {
            var output = await db.Assets.SingleAsync(a => a.Id == done.AssetId);
            Assert.Equal((AssetKind.Output, "parallax (black)", portal.PairId, 12), (output.Kind, output.MethodName, output.PairId, output.FrameCount));
        }

        var score = await portal.WaitForScoreAsync(done.AssetId!.Value, TimeSpan.FromSeconds(90));
        using var json = JsonDocument.Parse(score.ResultJson);
        var similarity = json.RootElement.GetProperty("sceneSimilarity");
        Assert.StartsWith("classical", similarity.GetProperty("encoder").GetString());
        Assert.Equal(JsonValueKind.Number, similarity.GetProperty("value").ValueKind);
        Assert.Equal(JsonValueKind.Number, json.RootElement.GetProperty("flicker").GetProperty("value").ValueKind);
        Assert.DoesNotContain(portal.DataDir, score.ResultJson); // no server paths, the target's included
    }

    [Fact]
    public async Task AParallaxRenderUsesThePairsDepthMap()
    {
        using var admin = await portal.ClientAsync();
        var depth = (await admin.UploadOkAsync(portal.ProjectId, "depth-map", TestMedia.DepthMap, "tiles-depth.png")).GetProperty("id").GetInt32();
        var pair = (await admin.PostJsonOkAsync($"api/projects/{portal.ProjectId}/pairs",
            new { referenceAssetId = portal.ReferenceId, targetAssetId = portal.TargetId, depthAssetId = depth, name = "pan → tiles with depth" })).GetProperty("id").GetInt32();

        var job = await JobPortalFixture.StartRenderAsync(admin, pair, new { motion = "truck-right", frames = 12, width = 320, height = 240 }, method: "parallax");
        Assert.Equal("parallax truck-right 0.005×Z/f (black)", job.GetProperty("methodName").GetString());
        var done = await portal.WaitForJobAsync(job.GetProperty("id").GetInt32(), j => j.State is JobState.Succeeded or JobState.Failed, "finished", seconds: 120);
        Assert.True(done.State == JobState.Succeeded, done.Error);
        Assert.StartsWith("cpu; depth file", done.Device);
        await using var db = portal.OpenDb();
        var output = await db.Assets.SingleAsync(a => a.Id == done.AssetId);
        Assert.Equal((pair, 12), (output.PairId!.Value, output.FrameCount));
    }

    [Fact]
    public async Task ParallaxParametersAreValidated()
    {
        using var rita = await portal.ClientAsync("rita@camreview.test", JobPortalFixture.Password);
        foreach (var parameters in new object[]
                 {
                     new { motion = "sideways" }, new { motion = "dolly-in", speed = 0.5 }, new { motion = "reference", speed = 0.01 },
                     new { motion = "arc-left", frames = 1 }, new { motion = "reference", depthKind = "height" },
                 })
        {
            using var response = await rita.Http.PostAsJsonAsync($"api/pairs/{portal.PairId}/renders", new { method = "parallax", parameters });
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{JsonSerializer.Serialize(parameters)}: {(int)response.StatusCode}");
        }
        // The homography method does not take camera moves.
        using var homography = await rita.Http.PostAsJsonAsync($"api/pairs/{portal.PairId}/renders", new { method = "homography", parameters = new { motion = "dolly-in" } });
        Assert.Equal(HttpStatusCode.BadRequest, homography.StatusCode);
    }

    [Fact]
    public async Task ThePairPageOffersParallaxWithCameraMovesAndShowsTheSceneMetrics()
    {
        var page = await portal.SignedInPageAsync("rita@camreview.test", JobPortalFixture.Password);
        await page.GotoLiveAsync($"projects/{portal.ProjectId}/pairs/{portal.PairId}");
        await Assertions.Expect(page.GetByTestId("start-render")).ToBeEnabledAsync();
        await Assertions.Expect(page.Locator("#render-motion option[value=dolly-in]")).ToHaveCountAsync(0); // homography: no camera moves
        await page.Locator("#render-method").SelectOptionAsync("parallax");
        await Assertions.Expect(page.Locator("#render-motion option[value=dolly-in]")).ToHaveCountAsync(1);
        await page.Locator("#render-motion").SelectOptionAsync("dolly-in");
        await page.Locator("#render-frames").FillAsync("12");
        await page.GetByTestId("start-render").ClickAsync();

        var card = page.Locator("[data-testid=output]", new() { HasText = "parallax dolly-in" });
        await Assertions.Expect(card).ToHaveCountAsync(1, new() { Timeout = 90_000 });
        await Assertions.Expect(card.GetByTestId("metric-sceneSimilarity")).ToContainTextAsync("classical", new() { Timeout = 90_000 });
        await Assertions.Expect(card.GetByTestId("metric-flicker")).ToHaveTextAsync(new Regex(@"^\s*\d"));
        await page.Context.CloseAsync();
    }
}
