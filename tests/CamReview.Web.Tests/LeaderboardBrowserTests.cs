using CamReview.Web.Demo;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace CamReview.Web.Tests;

/// <summary>The demo project's leaderboard in Chromium: linked from the project page, sorted by a metric, and its LaTeX
/// table downloaded.</summary>
public sealed partial class DemoContentTests
{
    [Fact]
    public async Task TheDemoLeaderboardSortsByAMetricAndDownloadsItsLatexTable()
    {
        var (projectId, _, _) = await DemoScoredAsync();
        List<(string Method, double? CameraScore)> stored;
        await using (var db = portal.OpenDb())
            stored = (await db.OutputScores.Where(s => s.Asset.ProjectId == projectId)
                .Select(s => new { Method = s.Asset.MethodName ?? s.Asset.DisplayName, s.CameraScore }).ToListAsync())
                .Select(s => (s.Method, s.CameraScore)).ToList();

        var page = await portal.SignedInPageAsync();
        await page.GotoLiveAsync($"projects/{projectId}");
        await Assertions.Expect(page.GetByTestId("leaderboard-link")).ToHaveAttributeAsync("href", $"projects/{projectId}/leaderboard");
        await page.GotoLiveAsync($"projects/{projectId}/leaderboard");
        await Assertions.Expect(page.GetByTestId("leaderboard-title")).ToHaveTextAsync("Leaderboard");
        var rows = page.GetByTestId("leaderboard-row");
        await Assertions.Expect(rows).ToHaveCountAsync(DemoContent.Renders.Length);
        async Task<string[]> MethodsShownAsync() => [.. await rows.EvaluateAllAsync<string[]>("cells => cells.map(c => c.dataset.method)")];
        Assert.Equal(stored.Select(s => s.Method).Order(StringComparer.Ordinal), await MethodsShownAsync());

        // CameraScore improves downwards: sorted ascending, the best comes first.
        await page.Locator("[data-sort=cameraScore]").ClickAsync();
        var best = stored.OrderBy(s => s.CameraScore ?? double.PositiveInfinity).Select(s => s.Method).ToArray();
        // (The demo's best by CameraScore is also first by name: the second row tells the sorted table.)
        Assert.NotEqual(stored.Select(s => s.Method).Order(StringComparer.Ordinal), best);
        await Assertions.Expect(rows.Nth(1)).ToHaveAttributeAsync("data-method", best[1]);
        Assert.Equal(best, await MethodsShownAsync());
        await page.Locator("[data-sort=cameraScore]").ClickAsync();
        await Assertions.Expect(rows.First).ToHaveAttributeAsync("data-method", best[^1]);

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("export-leaderboard-latex").ClickAsync());
        Assert.Equal($"leaderboard-project-{projectId}.tex", download.SuggestedFilename);
        var tex = await File.ReadAllTextAsync(await download.PathAsync());
        Assert.Contains("\\toprule", tex);
        Assert.Contains("\\bottomrule", tex);
        Assert.All(stored, s => Assert.Contains(Pipeline.Score.LeaderboardTables.LatexText(s.Method) + " & 1 &", tex));
    }
}
