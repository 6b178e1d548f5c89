using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace CamReview.Web.Tests;

/// <summary>The compare page's review tools on the demo comparison, in Chromium: comment threads (reply, resolve) live
/// across two browsers, the in/out play range, zoom and pan on every player, full screen.</summary>
public sealed partial class DemoContentTests
{
    [Fact]
    public async Task RepliesAndResolvingReachTheOtherViewerLive()
    {
        var (projectId, pairId, _) = await DemoScoredAsync();
        var writer = await ComparePageAsync(projectId, pairId);
        var reader = await ComparePageAsync(projectId, pairId);
        var markersBefore = await reader.GetByTestId("comment-marker").CountAsync();

        await writer.Keyboard.PressAsync("Home");
        for (var i = 0; i < 3; i++) await writer.Keyboard.PressAsync("ArrowRight");
        await writer.GetByTestId("comment-input").FillAsync("The horizon tilts in the second half.");
        await writer.GetByTestId("add-comment").ClickAsync();

        var readerThread = reader.GetByTestId("comment-thread").Filter(new() { HasText = "horizon tilts" });
        await Assertions.Expect(readerThread).ToHaveCountAsync(1);
        await readerThread.GetByTestId("reply").ClickAsync();
        await readerThread.GetByTestId("reply-input").FillAsync("Agreed: about two degrees by the end.");
        await readerThread.GetByTestId("post-reply").ClickAsync();

        // The reply is in the thread on the other page, without a time code or a marker of its own.
        var writerThread = writer.GetByTestId("comment-thread").Filter(new() { HasText = "horizon tilts" });
        await Assertions.Expect(writerThread.GetByTestId("comment")).ToHaveCountAsync(2);
        await Assertions.Expect(writerThread.GetByTestId("comment").Nth(1)).ToContainTextAsync("about two degrees");
        await Assertions.Expect(writerThread.GetByTestId("comment-time")).ToHaveCountAsync(1);
        await Assertions.Expect(writer.GetByTestId("comment-marker")).ToHaveCountAsync(markersBefore + 1);

        // Resolved on one page: marked on the other, its marker drawn hollow, and hidden on request.
        await writerThread.GetByTestId("resolve").ClickAsync();
        await Assertions.Expect(readerThread).ToHaveAttributeAsync("data-resolved", "true");
        await Assertions.Expect(readerThread.GetByTestId("resolved-by")).ToContainTextAsync($"resolved by {PortalFixture.AdminName}");
        await Assertions.Expect(reader.Locator("[data-testid=comment-marker][data-frame='3']")).ToHaveClassAsync(new Regex("viewer-marker-resolved"));
        await reader.GetByTestId("hide-resolved").Locator("xpath=descendant-or-self::input").CheckAsync();
        await Assertions.Expect(readerThread).ToHaveCountAsync(0);
        await reader.GetByTestId("hide-resolved").Locator("xpath=descendant-or-self::input").UncheckAsync();
        await Assertions.Expect(readerThread).ToHaveCountAsync(1);

        await readerThread.GetByTestId("reopen").ClickAsync();
        await Assertions.Expect(writerThread).ToHaveAttributeAsync("data-resolved", "false");
        await writer.Context.CloseAsync();
        await reader.Context.CloseAsync();
    }

    [Fact]
    public async Task ThePlayRangeLoopsFromTheInFrameToTheOutFrame()
    {
        var (projectId, pairId, fps) = await DemoScoredAsync();
        var page = await ComparePageAsync(projectId, pairId);
        var frame = 1 / fps;
        var viewer = page.Locator(".comparison-viewer");

        await page.Keyboard.PressAsync("Home");
        for (var i = 0; i < 4; i++) await page.Keyboard.PressAsync("ArrowRight");
        await page.Keyboard.PressAsync("i");
        for (var i = 0; i < 6; i++) await page.Keyboard.PressAsync("ArrowRight");
        await page.GetByTestId("mark-out").ClickAsync();
        await Assertions.Expect(page.GetByTestId("loop-range")).ToContainTextAsync("frames 4–10");
        await Assertions.Expect(page.GetByTestId("range-band")).ToBeVisibleAsync();

        // Played from outside the range, it starts at the in frame and wraps before the frame after the out frame.
        await page.Keyboard.PressAsync("End");
        await page.GetByTestId("play").ClickAsync();
        await Assertions.Expect(viewer).ToHaveAttributeAsync("data-playing", "true");
        var times = new List<double>();
        for (var i = 0; i < 40; i++)
        {
            await Task.Delay(40);
            times.Add(await page.EvaluateAsync<double>("() => document.querySelector('video[data-source=\"0\"]').currentTime"));
        }
        await page.Keyboard.PressAsync(" ");
        // One frame of slack at the out point: the wrap happens at the first animation frame past it.
        Assert.All(times, t => Assert.InRange(t, 4 * frame - 1e-3, 12 * frame));
        Assert.True(times.Zip(times.Skip(1)).Count(p => p.Second < p.First - frame) >= 2,
            $"the range did not loop: {string.Join(", ", times.Select(t => t.ToString("F3")))}");

        await page.Keyboard.PressAsync("x");
        await Assertions.Expect(page.GetByTestId("loop-range")).ToHaveTextAsync("whole clip");
        await Assertions.Expect(page.GetByTestId("range-band")).ToBeHiddenAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task ZoomAndPanMoveEveryPlayerAlikeAndFullScreenShowsTheViewer()
    {
        var (projectId, pairId, _) = await DemoScoredAsync();
        var page = await ComparePageAsync(projectId, pairId);
        const string Transforms = $"() => [...document.querySelectorAll('.viewer-grid .viewer-video')].map(v => v.style.transform)";

        await page.GetByTestId("zoom-in").ClickAsync();
        await page.GetByTestId("zoom-in").ClickAsync();
        await Assertions.Expect(page.GetByTestId("zoom-level")).ToHaveTextAsync("225%");
        var zoomed = await page.EvaluateAsync<string[]>(Transforms);
        Assert.All(zoomed, t => Assert.Equal("scale(2.25) translate(0%, 0%)", t));

        // A drag on one player pans all of them by the same share of their size, and never past the picture's edge.
        var box = (await page.GetByTestId("player").Nth(1).BoundingBoxAsync())!;
        await page.Mouse.MoveAsync(box.X + box.Width / 2, box.Y + box.Height / 2);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(box.X + box.Width / 2 + 2000, box.Y + box.Height / 2, new() { Steps = 5 });
        await page.Mouse.UpAsync();
        var panned = await page.EvaluateAsync<string[]>(Transforms);
        Assert.Single(panned.Distinct());
        var pan = Regex.Match(panned[0], @"^scale\(2\.25\) translate\(([-0-9.]+)%, 0%\)$");
        Assert.True(pan.Success, panned[0]);
        Assert.Equal((1 - 1 / 2.25) / 2 * 100, double.Parse(pan.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), 3);

        await page.Keyboard.PressAsync("0");
        Assert.All(await page.EvaluateAsync<string[]>(Transforms), t => Assert.Equal("", t));
        await Assertions.Expect(page.GetByTestId("zoom-level")).ToHaveTextAsync("100%");

        await page.GetByTestId("fullscreen").ClickAsync();
        await page.WaitForFunctionAsync("() => document.fullscreenElement?.classList.contains('comparison-viewer')");
        await Assertions.Expect(page.GetByTestId("fullscreen")).ToHaveAttributeAsync("aria-pressed", "true");
        await page.Keyboard.PressAsync("f");
        await page.WaitForFunctionAsync("() => document.fullscreenElement === null");
        await Assertions.Expect(page.GetByTestId("fullscreen")).ToHaveAttributeAsync("aria-pressed", "false");
        await page.Context.CloseAsync();
    }
}
