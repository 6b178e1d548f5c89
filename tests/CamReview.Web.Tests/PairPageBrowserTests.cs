using System.Diagnostics;
using System.Text.RegularExpressions;
using CamReview.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace CamReview.Web.Tests;

/// <summary>The pair page in Chromium: a Reviewer starts a render and, like a Viewer watching in another browser,
/// sees its progress live until the output appears with its CameraScore, without reloading.</summary>
[Collection(JobsCollection.Name)]
public sealed class PairPageBrowserTests(PairPageBrowserTests.WatchablePortal portal, ITestOutputHelper output) : IClassFixture<PairPageBrowserTests.WatchablePortal>
{
    /// <summary>Renders slow enough (150 ms a frame) that a browser sees progress climb even when the first event
    /// comes late (a cold process analyses the reference first).</summary>
    public sealed class WatchablePortal : JobPortalFixture
    {
        protected override int FrameDelay => 150;
    }

    [Fact]
    public async Task AReviewersRenderShowsLiveProgressToEveryViewerThenTheScoredOutput()
    {
        var path = $"projects/{portal.ProjectId}/pairs/{portal.PairId}";
        var rita = await portal.SignedInPageAsync("rita@camreview.test", JobPortalFixture.Password);
        var vic = await portal.SignedInPageAsync("vic@camreview.test", JobPortalFixture.Password);
        await rita.GotoLiveAsync(path);
        await vic.GotoLiveAsync(path);
        await Assertions.Expect(rita.GetByTestId("pair-title")).ToHaveTextAsync("pan → tiles");
        await Assertions.Expect(vic.GetByTestId("pair-title")).ToHaveTextAsync("pan → tiles");
        await Assertions.Expect(vic.GetByTestId("render-card")).ToHaveCountAsync(0); // a Viewer cannot render
        await Assertions.Expect(rita.GetByTestId("start-render")).ToBeEnabledAsync();
        await Assertions.Expect(rita.GetByTestId("compare-link")).ToHaveAttributeAsync("href", new Regex($"pairs/{portal.PairId}/compare$"));
        // Both pages are live circuits (wait until the viewer's is, too) and must never reload.
        await vic.WaitForFunctionAsync("() => window.Blazor !== undefined");
        foreach (var page in new[] { rita, vic }) await page.EvaluateAsync("() => window.__sameDocument = true");
        await Task.Delay(300);

        await rita.Locator("#render-motion").SelectOptionAsync("pan-right");
        await rita.Locator("#render-speed").FillAsync("0.6");
        await rita.Locator("#render-frames").FillAsync("25");
        await rita.Locator("#render-border").SelectOptionAsync("reflect");
        await rita.Locator("#render-width").FillAsync("160");
        await rita.Locator("#render-height").FillAsync("120");
        await rita.Locator("#render-fps").FillAsync("12");
        var clock = Stopwatch.StartNew();
        await rita.GetByTestId("start-render").ClickAsync();

        // Resolves with the first progress value above 0 that a page shows (polled every 20 ms).
        const string progressed = """() => [...document.querySelectorAll('[data-testid=job]')].map(r => Number(r.querySelector('[data-testid=job-progress]').getAttribute('aria-valuenow'))).find(v => v > 0) ?? false""";
        async Task<(TimeSpan At, double Value)> FirstProgressAsync(IPage page)
        {
            var handle = await page.WaitForFunctionAsync(progressed, null, new() { PollingInterval = 20 });
            return (clock.Elapsed, await handle.JsonValueAsync<double>());
        }
        var ritaFirst = Task.Run(() => FirstProgressAsync(rita));
        var vicFirst = Task.Run(() => FirstProgressAsync(vic));
        var ((ritaSees, _), (vicSees, vicValue)) = (await ritaFirst, await vicFirst);
        // How fast is measured, not asserted: timings on a shared machine vary.
        output.WriteLine($"first progress on the page: reviewer {ritaSees.TotalMilliseconds:0} ms, other viewer {vicSees.TotalMilliseconds:0} ms after the click");

        // Progress climbs on both pages while the job runs.
        var seen = new HashSet<string> { vicValue.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        var row = vic.Locator("[data-testid=job][data-kind=render]", new() { HasText = "pan-right" }).First;
        while (clock.Elapsed < TimeSpan.FromSeconds(60))
        {
            var state = await row.GetAttributeAsync("data-state");
            seen.Add(await row.GetByTestId("job-progress").GetAttributeAsync("aria-valuenow") ?? "");
            if (state is "succeeded" or "failed") break;
            await Task.Delay(50);
        }
        output.WriteLine($"progress values seen by the viewer: {string.Join(", ", seen)}");
        // Live progress reached the other viewer while the job ran: a value strictly between 0 and 100. (How many
        // distinct values arrive depends on the machine's load, so that count is not asserted.)
        Assert.Contains(seen, v => double.TryParse(v, System.Globalization.CultureInfo.InvariantCulture, out var p) && p is > 0 and < 100);

        foreach (var page in new[] { rita, vic })
        {
            var job = page.Locator("[data-testid=job][data-kind=render]", new() { HasText = "pan-right" }).First;
            await Assertions.Expect(job).ToHaveAttributeAsync("data-state", "succeeded", new() { Timeout = 60_000 });
            await Assertions.Expect(job.GetByTestId("job-progress")).ToHaveAttributeAsync("aria-valuenow", "100");
            await Assertions.Expect(job.GetByTestId("job-timings")).ToContainTextAsync("cpu");
            await Assertions.Expect(job.GetByTestId("job-timings")).ToContainTextAsync("render");
            var card = page.Locator("[data-testid=output]", new() { HasText = "pan-right" });
            await Assertions.Expect(card).ToHaveCountAsync(1, new() { Timeout = 60_000 });
            await Assertions.Expect(card.GetByTestId("camera-score")).ToHaveTextAsync(new Regex(@"^\s*\d[\d.e+-]*\s*$"), new() { Timeout = 60_000 });
            await Assertions.Expect(card.GetByTestId("output-player")).ToHaveAttributeAsync("poster", new Regex("media/\\d+/poster"));
            // Metrics the scorer does not compute (yet) show a dash with the reason, never a number made up.
            await Assertions.Expect(card.GetByTestId("metric-pce")).ToHaveTextAsync(new Regex(@"^\s*(\d|— \S)"));
            Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "the page was reloaded");
        }
        output.WriteLine($"render done and scored on both pages {clock.Elapsed.TotalSeconds:0.0} s after the click");

        await using (var db = portal.OpenDb())
        {
            var job = await db.Jobs.Include(j => j.CreatedBy).SingleAsync(j => j.Kind == JobKind.Render && j.MethodName!.Contains("pan-right 0.6"));
            Assert.Equal(("Rita Reviewer", JobState.Succeeded), (job.CreatedBy!.DisplayName, job.State));
            // The size and frame rate chosen in the form are the output's.
            var rendered = await db.Assets.SingleAsync(a => a.Id == job.AssetId);
            Assert.Equal((160, 120, 12.0, 25), (rendered.Width, rendered.Height, rendered.Fps, rendered.FrameCount));
        }
        await rita.Context.CloseAsync();
        await vic.Context.CloseAsync();
    }

    [Fact]
    public async Task CancelFromThePageStopsTheRender()
    {
        var rita = await portal.SignedInPageAsync("rita@camreview.test", JobPortalFixture.Password);
        await rita.GotoLiveAsync($"projects/{portal.ProjectId}/pairs/{portal.PairId}");
        await Assertions.Expect(rita.GetByTestId("start-render")).ToBeEnabledAsync();
        await rita.Locator("#render-motion").SelectOptionAsync("roll-cw");
        await rita.Locator("#render-frames").FillAsync("300");
        await rita.GetByTestId("start-render").ClickAsync();
        var job = rita.Locator("[data-testid=job][data-kind=render]", new() { HasText = "roll-cw" }).First;
        await Assertions.Expect(job).ToHaveAttributeAsync("data-state", "running");
        await job.GetByTestId("cancel-job").ClickAsync();
        // Cancelling asks first; the job runs on until the question is confirmed.
        await Assertions.Expect(rita.Locator("#cancel-job-dialog-title")).ToContainTextAsync("roll-cw");
        await Assertions.Expect(job).ToHaveAttributeAsync("data-state", "running");
        await rita.GetByTestId("cancel-job-dialog-confirm").ClickAsync();
        await Assertions.Expect(job).ToHaveAttributeAsync("data-state", "canceled", new() { Timeout = 10_000 });
        await Assertions.Expect(rita.Locator(".mud-snackbar", new() { HasText = "cancelled" })).ToBeVisibleAsync();
        await Assertions.Expect(job.GetByTestId("retry-job")).ToBeVisibleAsync();
        await Assertions.Expect(rita.Locator("[data-testid=output]", new() { HasText = "roll-cw" })).ToHaveCountAsync(0);
        await rita.Context.CloseAsync();
    }

    [Fact]
    public async Task RenderedOutputsAreListedApartFromImportedOnesUnderTheirWholeNames()
    {
        using var client = await portal.ClientAsync("rita@camreview.test", JobPortalFixture.Password);
        var render = await JobPortalFixture.StartRenderAsync(client, portal.PairId, new { motion = "pan-left", frames = 12, speed = 0.5 });
        var job = await portal.WaitForJobAsync(render.GetProperty("id").GetInt32(), j => j.State == JobState.Succeeded, "succeeded", 90);
        var imported = (await client.UploadOkAsync(portal.ProjectId, "output", TestMedia.UniqueVideo(5), "elsewhere.mp4",
            new() { ["methodName"] = "Elsewhere/v2", ["pairId"] = portal.PairId.ToString() })).GetProperty("id").GetInt32();

        var page = await portal.SignedInPageAsync("rita@camreview.test", JobPortalFixture.Password);
        await page.GotoLiveAsync($"projects/{portal.ProjectId}/pairs/{portal.PairId}");
        var rendered = page.GetByTestId("rendered-outputs");
        var importedList = page.GetByTestId("imported-outputs");
        var renderedCard = rendered.Locator($"[data-testid=output][data-asset-id='{job.AssetId}']");
        await Assertions.Expect(renderedCard).ToHaveCountAsync(1);
        await Assertions.Expect(importedList.Locator($"[data-testid=output][data-asset-id='{job.AssetId}']")).ToHaveCountAsync(0);
        await Assertions.Expect(importedList.Locator($"[data-testid=output][data-asset-id='{imported}']")).ToHaveCountAsync(1);
        await Assertions.Expect(rendered.Locator($"[data-testid=output][data-asset-id='{imported}']")).ToHaveCountAsync(0);
        // The preset's "°/f" stays in the rendered file's name (a look-alike slash, not a folder that cuts it off).
        Assert.Contains("/", job.MethodName);
        await Assertions.Expect(renderedCard.GetByTestId("output-file")).ToHaveTextAsync($"{job.MethodName!.Replace('/', '\u2215')} · pan → tiles.mp4");
        await page.Context.CloseAsync();
    }
}
