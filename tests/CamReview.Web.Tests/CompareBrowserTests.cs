using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using CamReview.Data.Entities;
using CamReview.Pipeline.Score;
using CamReview.Web.Demo;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace CamReview.Web.Tests;

/// <summary>The compare page, comments, review status and share links, on the demo comparison (reference + four
/// scored outputs), in Chromium.</summary>
public sealed partial class DemoContentTests
{
    private const string GridVideos = "[...document.querySelectorAll('.viewer-grid video[data-source]')]";

    private async Task<(int ProjectId, int PairId, double Fps)> DemoScoredAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(180);
        while (true)
        {
            await using var db = portal.OpenDb();
            var pair = await db.Pairs.Include(p => p.ReferenceAsset).SingleOrDefaultAsync(p => p.Project.Name == DemoContent.ProjectName);
            if (pair is not null && await db.OutputScores.CountAsync(s => s.Asset.PairId == pair.Id && s.MotionJson != null) == DemoContent.Renders.Length)
                return (pair.ProjectId, pair.Id, pair.ReferenceAsset.Fps ?? 24);
            Assert.True(DateTime.UtcNow < deadline, "the demo outputs were not all scored in time");
            await Task.Delay(250);
        }
    }

    private async Task<IPage> ComparePageAsync(int projectId, int pairId)
    {
        var page = await portal.SignedInPageAsync();
        await page.GotoLiveAsync($"projects/{projectId}/pairs/{pairId}/compare");
        await Assertions.Expect(page.GetByTestId("player")).ToHaveCountAsync(1 + DemoContent.Renders.Length);
        // Interactive (the circuit is up) and every video can play.
        await Assertions.Expect(page.GetByTestId("add-comment")).ToBeEnabledAsync();
        await page.WaitForFunctionAsync($"() => {GridVideos}.every(v => v.readyState >= 3)");
        return page;
    }

    private static Task<double[]> TimesAsync(IPage page) => page.EvaluateAsync<double[]>($"() => {GridVideos}.map(v => v.currentTime)");

    [Fact]
    public async Task TheComparePagePlaysEveryVideoInSyncWithinOneFrame()
    {
        var (projectId, pairId, fps) = await DemoScoredAsync();
        var page = await ComparePageAsync(projectId, pairId);
        var frame = 1 / fps;

        await page.GetByTestId("play").ClickAsync();
        // Measured once playing has settled: on a loaded machine the first few milliseconds after the click can
        // catch one video a little behind before the viewer pulls it back.
        await Assertions.Expect(page.Locator(".comparison-viewer")).ToHaveAttributeAsync("data-playing", "true");
        await Assertions.Expect(page.GetByTestId("play")).ToHaveAccessibleNameAsync("Pause");
        await Task.Delay(150);
        var spreads = new List<double>();
        var seen = new HashSet<double>();
        for (var i = 0; i < 30; i++)
        {
            await Task.Delay(70);
            var times = await TimesAsync(page);
            spreads.Add(times.Max() - times.Min());
            seen.Add(Math.Round(times[0], 2));
        }
        Assert.True(seen.Count >= 5, $"the videos did not play: reference times {string.Join(", ", seen)}");
        Assert.True(spreads.Max() <= frame, $"largest spread {spreads.Max():F4} s > one frame {frame:F4} s; spreads: {string.Join(", ", spreads.Select(s => s.ToString("F3")))}");

        // Pause, then step frame by frame with the keyboard: every video shows the same frame.
        await page.Keyboard.PressAsync(" ");
        await Assertions.Expect(page.Locator(".comparison-viewer")).ToHaveAttributeAsync("data-playing", "false");
        await Assertions.Expect(page.GetByTestId("play")).ToHaveAccessibleNameAsync("Play");
        await page.Keyboard.PressAsync("Home");
        for (var i = 0; i < 5; i++) await page.Keyboard.PressAsync("ArrowRight");
        await Assertions.Expect(page.GetByTestId("time")).ToContainTextAsync("frame 5");
        var stepped = await TimesAsync(page);
        Assert.All(stepped, t => Assert.InRange(t, 5 * frame, 6 * frame));

        // The wipe and the difference view show A against B; the difference is drawn from the two videos.
        await page.Keyboard.PressAsync("w");
        await Assertions.Expect(page.GetByTestId("wipe")).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("d");
        await Assertions.Expect(page.Locator(".comparison-viewer")).ToHaveAttributeAsync("data-layout", "difference");
        await page.WaitForFunctionAsync("() => document.querySelector('.difference-canvas').width > 0");
        // Two outputs at first (sources 1 and 2: the reference is another scene); A never shows what B shows.
        var sideA = page.Locator("[data-action='source-a']");
        var sideB = page.Locator("[data-action='source-b']");
        await Assertions.Expect(sideA).ToHaveValueAsync("1");
        await Assertions.Expect(sideB).ToHaveValueAsync("2");
        await page.Keyboard.PressAsync("b");
        await Assertions.Expect(sideB).ToHaveValueAsync("3");
        await page.Keyboard.PressAsync("a");
        await page.Keyboard.PressAsync("a");
        await Assertions.Expect(sideA).ToHaveValueAsync("4");
        for (var i = 0; i < 2 * DemoContent.Renders.Length + 2; i++)
        {
            await page.Keyboard.PressAsync(i % 2 == 0 ? "a" : "b");
            Assert.NotEqual(await sideA.InputValueAsync(), await sideB.InputValueAsync());
        }
        await Assertions.Expect(sideB.Locator($"option[value='{await sideA.InputValueAsync()}']")).ToHaveJSPropertyAsync("disabled", true);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task TheMetricTableMarksTheBestAndThePlotsAndExportsHaveEveryOutput()
    {
        var (projectId, pairId, _) = await DemoScoredAsync();
        var page = await ComparePageAsync(projectId, pairId);
        var rows = page.GetByTestId("metric-row");
        await Assertions.Expect(rows).ToHaveCountAsync(DemoContent.Renders.Length);
        // One best CameraScore, and it is not the weak method's.
        var best = page.Locator("td[data-metric='cameraScore'].metric-best");
        await Assertions.Expect(best).ToHaveCountAsync(1);
        var weakRow = rows.Filter(new() { HasText = "weak:" });
        await Assertions.Expect(weakRow.Locator("td[data-metric='cameraScore']")).Not.ToHaveClassAsync(new Regex("metric-best"));

        // Motion curves: four panels of the reference and each output; per-pair CameraScore: one line per output.
        Assert.Equal(4 * (1 + DemoContent.Renders.Length), (await page.TracesAsync("motion")).GetArrayLength());
        Assert.Equal(DemoContent.Renders.Length, (await page.TracesAsync("camera-score")).GetArrayLength());
        Assert.True((await page.TracesAsync("tradeoff")).GetArrayLength() > 0);

        if (Environment.GetEnvironmentVariable("CAMREVIEW_COMPARE_SCREENSHOT") is { Length: > 0 } shot)
            await page.ScreenshotAsync(new() { Path = shot, FullPage = true });
        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("figure[data-plot^='tradeoff'] [data-action='export'][data-format='png']").ClickAsync());
        var png = await File.ReadAllBytesAsync(await download.PathAsync());
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], png[..4]);
        var svgDownload = await page.RunAndWaitForDownloadAsync(() => page.Locator("figure[data-plot^='tradeoff'] [data-action='export'][data-format='svg']").ClickAsync());
        var svg = await File.ReadAllTextAsync(await svgDownload.PathAsync());
        Assert.StartsWith("<svg", svg);
        Assert.Contains("Scene preservation (higher is better)", svg);

        // One colour per method: the table's swatch is the colour of the method's curve and of its trade-off diamond.
        var figures = new Dictionary<string, JsonElement>();
        foreach (var figure in new[] { "motion", "camera-score", "tradeoff" }) figures[figure] = await page.TracesAsync(figure);
        foreach (var row in await rows.AllAsync())
        {
            var method = (await row.Locator("th").InnerTextAsync()).Trim();
            var swatch = await row.GetByTestId("method-colour").EvaluateAsync<string>("e => e.style.background");
            foreach (var figure in figures.Values)
            {
                var colours = figure.EnumerateArray().Where(t => t.GetProperty("name").GetString() == method).Select(t => t.GetProperty("colour").GetString()).Distinct().ToList();
                Assert.Equal([HexToRgb(Assert.Single(colours)!)], [swatch]);
            }
        }
        // A reason every output shares is written once, as a footnote, not in every cell; the metrics are explained on the page.
        var footnotes = page.GetByTestId("metric-footnotes").Locator("li");
        var texts = await footnotes.AllInnerTextsAsync();
        Assert.Equal(texts.Distinct().Count(), texts.Count);
        await Assertions.Expect(page.GetByTestId("metric-reason").First).ToHaveTextAsync("—");
        await page.GetByTestId("metric-help").Locator("summary").ClickAsync();
        await Assertions.Expect(page.GetByTestId("metric-help")).ToContainTextAsync("RotErr (°) · lower is better");

        var csv = await page.APIRequest.GetAsync($"api/pairs/{pairId}/metrics.csv");
        var lines = (await csv.TextAsync()).TrimEnd('\n').Split('\n');
        Assert.StartsWith("pair,output_id,method,review_status,pairs_used,pairs_flagged,cameraScore,cameraScore_low95,cameraScore_high95,cameraScore_reason,pce,", lines[0]);
        Assert.Contains(",rotErr,rotErr_low95,rotErr_high95,rotErr_per_frame,rotErr_reason,", lines[0]);
        Assert.Equal(1 + DemoContent.Renders.Length, lines.Length);
        var json = JsonDocument.Parse(await (await page.APIRequest.GetAsync($"api/pairs/{pairId}/metrics.json")).TextAsync()).RootElement;
        var outputs = json.GetProperty("outputs").EnumerateArray().ToList();
        Assert.Equal(DemoContent.Renders.Length, outputs.Count);
        Assert.All(outputs, o =>
        {
            // Every CameraScore with its 95% interval around it, as the table shows them.
            var cameraScore = o.GetProperty("metrics").GetProperty("cameraScore");
            var (value, interval) = (cameraScore.GetProperty("value").GetDouble(), cameraScore.GetProperty("interval95"));
            Assert.True(value >= 0);
            Assert.True(interval[0].GetDouble() <= value && value <= interval[1].GetDouble(), cameraScore.ToString());
        });
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task TheMotionPlotIsDrawnWithMethodColoursTheReferenceOnTopAndWordAxisTitles()
    {
        var (projectId, pairId, _) = await DemoScoredAsync();
        var page = await ComparePageAsync(projectId, pairId);
        var traces = (await page.TracesAsync("motion")).EnumerateArray().ToList();
        var rows = await page.GetByTestId("metric-row").AllAsync();
        var swatches = new Dictionary<string, string>();
        foreach (var row in rows)
            swatches[(await row.Locator("th").InnerTextAsync()).Trim()] = await row.GetByTestId("method-colour").EvaluateAsync<string>("e => e.style.background");
        foreach (var panel in new[] { "y", "y2", "y3", "y4" })
        {
            var mine = traces.Where(t => t.GetProperty("yaxis").GetString() == panel).ToList();
            Assert.Equal(1 + DemoContent.Renders.Length, mine.Count);
            // The reference comes last, so it is drawn over an output that follows it exactly, in black.
            Assert.Equal("reference", mine[^1].GetProperty("name").GetString());
            Assert.Equal("#000000", mine[^1].GetProperty("colour").GetString());
            foreach (var output in mine.SkipLast(1))
                Assert.Equal(swatches[output.GetProperty("name").GetString()!], HexToRgb(output.GetProperty("colour").GetString()!));
        }
        // Drawn in that order: the top panel's last line is the reference's black dashes.
        var last = page.Locator("figure[data-plot^='motion'] .subplot.xy .scatterlayer .trace").Last.Locator("path.js-line");
        Assert.Equal("rgb(0, 0, 0)", await last.EvaluateAsync<string>("e => getComputedStyle(e).stroke"));
        Assert.NotEqual("none", await last.EvaluateAsync<string>("e => getComputedStyle(e).strokeDasharray"));
        var titles = await page.AxisTitlesAsync("motion");
        Assert.Equal("x shift (image widths)", titles["y"]);
        Assert.Equal("roll (° per frame)", titles["y4"]);
        Assert.Equal("frame", titles["x4"]);
        Assert.Equal(MetricCatalogue.CameraScore.AxisTitle, (await page.AxisTitlesAsync("camera-score"))["y"]);
        await page.Context.CloseAsync();
    }

    private static string HexToRgb(string hex) =>
        $"rgb({Convert.ToInt32(hex[1..3], 16)}, {Convert.ToInt32(hex[3..5], 16)}, {Convert.ToInt32(hex[5..7], 16)})";

    [Fact]
    public async Task CommentsAppearLiveForOtherViewersAndSeekTheirPlayers()
    {
        var (projectId, pairId, _) = await DemoScoredAsync();
        var writer = await ComparePageAsync(projectId, pairId);
        var reader = await ComparePageAsync(projectId, pairId);
        var before = await reader.GetByTestId("comment").CountAsync();

        await writer.Keyboard.PressAsync("Home");
        for (var i = 0; i < 7; i++) await writer.Keyboard.PressAsync("ArrowRight");
        await writer.GetByTestId("comment-input").FillAsync("The parallax output wobbles here.");
        await writer.GetByTestId("add-comment").ClickAsync();

        var comment = reader.GetByTestId("comment").Filter(new() { HasText = "wobbles here" });
        await Assertions.Expect(comment).ToHaveCountAsync(1);
        await Assertions.Expect(reader.GetByTestId("comment")).ToHaveCountAsync(before + 1);
        await comment.GetByTestId("comment-time").ClickAsync();
        await Assertions.Expect(reader.GetByTestId("time")).ToContainTextAsync("frame 7");

        // The comment is also a marker on the timeline, named with its time and frame; clicking it seeks there.
        var marker = reader.Locator("[data-testid=comment-marker][data-frame='7']");
        await Assertions.Expect(marker).ToHaveCountAsync(1);
        await Assertions.Expect(marker).ToHaveAttributeAsync("aria-label", new Regex(@"^Comment at 0:\d\d\.\d, frame 7, by "));
        await reader.Keyboard.PressAsync("Home");
        await Assertions.Expect(reader.GetByTestId("time")).ToContainTextAsync("frame 0");
        await marker.ClickAsync();
        await Assertions.Expect(reader.GetByTestId("time")).ToContainTextAsync("frame 7");

        // A review status set on one page shows on the other.
        var select = writer.GetByTestId("metric-row").First.GetByTestId("review-select");
        await select.SelectOptionAsync("Approved");
        await Assertions.Expect(reader.GetByTestId("review-badge")).ToHaveTextAsync("approved");
        await writer.Context.CloseAsync();
        await reader.Context.CloseAsync();
    }

    [Fact]
    public async Task AShareLinkOpensLoggedOutAndStopsWorkingWhenRevoked()
    {
        var (projectId, pairId, _) = await DemoScoredAsync();
        var page = await ComparePageAsync(projectId, pairId);
        // The demo shares its comparison already.
        await Assertions.Expect(page.GetByTestId("share-link").Filter(new() { HasText = DemoContent.ShareLabel })).ToHaveCountAsync(1);

        await page.Locator("#share-label").FillAsync("for the paper's reviewers");
        await page.GetByTestId("create-share-link").ClickAsync();
        var row = page.GetByTestId("share-link").Filter(new() { HasText = "for the paper's reviewers" });
        await Assertions.Expect(row).ToHaveAttributeAsync("data-state", "active");
        var url = await row.GetByTestId("share-url").InputValueAsync();
        var token = url[(url.LastIndexOf('/') + 1)..];
        Assert.Matches("^[A-Za-z0-9_-]{43}$", token);

        // Someone without an account: the comparison, its media and its metrics, read-only.
        var guest = await portal.NewPageAsync();
        await guest.GotoAsync(url);
        await Assertions.Expect(guest.GetByTestId("share-title")).ToHaveTextAsync(DemoContent.PairName);
        await Assertions.Expect(guest.GetByTestId("player")).ToHaveCountAsync(1 + DemoContent.Renders.Length);
        await guest.WaitForFunctionAsync($"() => {GridVideos}.every(v => v.readyState >= 2)");
        Assert.Equal(4 * (1 + DemoContent.Renders.Length), (await guest.TracesAsync("motion")).GetArrayLength());
        // Only this comparison: neither the project's name nor the project-wide trade-off of its other pairs.
        await Assertions.Expect(guest.Locator("main")).Not.ToContainTextAsync(DemoContent.ProjectName);
        await Assertions.Expect(guest.Locator("figure[data-plot^='tradeoff-pair-'] figcaption")).ToHaveTextAsync(new Regex("^Trade-off of these outputs"));
        var sharedJson = JsonDocument.Parse(await (await guest.APIRequest.GetAsync($"share/{token}/metrics.json")).TextAsync()).RootElement;
        Assert.False(sharedJson.GetProperty("pair").TryGetProperty("project", out _));
        // The metric help reaches the metric reference, open without an account, with every metric of the catalogue.
        await guest.GetByTestId("metric-help").Locator("summary").ClickAsync();
        var reference = await guest.Context.RunAndWaitForPageAsync(() => guest.GetByTestId("metric-help").Locator("a[href='help/metrics#rotErr']").ClickAsync());
        await Assertions.Expect(reference.GetByTestId("metric-reference")).ToHaveCountAsync(MetricCatalogue.Documented.Count);
        await Assertions.Expect(reference.Locator("#rotErr")).ToContainTextAsync("A sum: clips of different lengths are compared by RotErr per frame.");
        await reference.CloseAsync();
        await Assertions.Expect(guest.GetByTestId("add-comment")).ToHaveCountAsync(0);
        await Assertions.Expect(guest.GetByTestId("review-select")).ToHaveCountAsync(0);
        var mediaUrl = await guest.GetByTestId("player").First.GetAttributeAsync("src");
        Assert.Equal(200, (await guest.APIRequest.GetAsync(mediaUrl!)).Status);
        Assert.Equal(404, (await guest.APIRequest.GetAsync(mediaUrl!.Replace("/media/", "/media/9999"))).Status);

        await row.GetByTestId("revoke-share-link").ClickAsync();
        await Assertions.Expect(row).ToHaveAttributeAsync("data-state", "revoked");
        var gone = await guest.GotoAsync(url);
        Assert.Equal(410, gone!.Status);
        await Assertions.Expect(guest.GetByTestId("share-refused")).ToContainTextAsync("revoked");
        Assert.Equal(404, (await guest.APIRequest.GetAsync(mediaUrl)).Status);
        Assert.Equal(404, (await guest.APIRequest.GetAsync($"share/{token}/metrics.csv")).Status);
        await guest.Context.CloseAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task APassphraseLinkOpensOnlyWithItsPassphraseAndNotAfterItExpires()
    {
        var (_, pairId, _) = await DemoScoredAsync();
        using var admin = await portal.ClientAsync();
        var link = await admin.PostJsonOkAsync($"api/pairs/{pairId}/share-links", new { label = "locked", expiresInDays = 1, passphrase = "open sesame" });
        var url = link.GetProperty("url").GetString()!;

        var guest = await portal.NewPageAsync();
        var locked = await guest.GotoAsync(url);
        Assert.Equal(401, locked!.Status);
        await Assertions.Expect(guest.GetByTestId("passphrase-form")).ToBeVisibleAsync();
        var outputId = await portal.OpenDb().Assets.Where(a => a.PairId == pairId).Select(a => a.Id).FirstAsync();
        Assert.Equal(404, (await guest.APIRequest.GetAsync($"{url}/media/{outputId}/original")).Status);

        await guest.Locator("#share-passphrase").FillAsync("open says me");
        await guest.GetByTestId("unlock").ClickAsync();
        await Assertions.Expect(guest.GetByTestId("passphrase-error")).ToContainTextAsync("not right");
        await guest.Locator("#share-passphrase").FillAsync("open sesame");
        await guest.GetByTestId("unlock").ClickAsync();
        await Assertions.Expect(guest.GetByTestId("share-title")).ToBeVisibleAsync();
        Assert.Equal(200, (await guest.APIRequest.GetAsync($"{url}/media/{outputId}/original")).Status);

        // Another browser without the passphrase is still asked for it.
        using var anonymous = PortalClient.Anonymous(portal.BaseAddress);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.Http.GetAsync(url)).StatusCode);

        await using (var db = portal.OpenDb())
        {
            var row = await db.ShareLinks.SingleAsync(l => l.Label == "locked");
            row.ExpiresUtc = DateTime.UtcNow.AddMinutes(-1);
            await db.SaveChangesAsync();
        }
        var expired = await guest.GotoAsync(url);
        Assert.Equal(410, expired!.Status);
        await Assertions.Expect(guest.GetByTestId("share-refused")).ToContainTextAsync("expired");
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.Http.GetAsync("share/" + new string('A', 43))).StatusCode);
        await guest.Context.CloseAsync();
    }
}
