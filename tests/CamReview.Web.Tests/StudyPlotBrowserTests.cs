using Microsoft.Playwright;

namespace CamReview.Web.Tests;

/// <summary>The demo study's result plots in Chromium: no axis title or tick label is cut by the figure's edge (the
/// PNG and SVG exports are drawn at the on-screen size, so what fits on screen fits in them).</summary>
public sealed partial class DemoContentTests
{
    [Fact]
    public async Task TheStudyPlotsKeepEveryAxisTitleAndMethodLabelInsideTheFigure()
    {
        await DemoScoredAsync();
        var (studyId, _) = await DemoStudyVotedAsync();
        var page = await portal.SignedInPageAsync();
        await page.GotoLiveAsync($"studies/{studyId}");
        await Assertions.Expect(page.GetByTestId("question-results").First).ToBeVisibleAsync();
        await page.WaitForFunctionAsync("() => { const p = [...document.querySelectorAll('.js-plotly-plot')]; return p.length > 0 && p.every(e => e.querySelector('.main-svg .g-ytitle')); }");

        // Every text of every figure's axes (titles, tick labels) against the figure's own box, in screen pixels.
        var cut = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('.js-plotly-plot')].flatMap(plot => {
                const box = plot.querySelector('.main-svg').getBoundingClientRect();
                const name = plot.closest('[data-plot]').dataset.plot;
                return [...plot.querySelectorAll('.g-xtitle text, .g-ytitle text, .xtick text, .ytick text')]
                    .filter(t => t.textContent.trim().length > 0)
                    .map(t => [t, t.getBoundingClientRect()])
                    .filter(([, r]) => r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1)
                    .map(([t, r]) => `${name}: "${t.textContent}" at ${Math.round(r.left - box.left)},${Math.round(r.top - box.top)} `
                                     + `(${Math.round(r.width)}x${Math.round(r.height)}) in ${Math.round(box.width)}x${Math.round(box.height)}`);
            })
            """);
        Assert.True(cut.Length == 0, string.Join("\n", cut));
        // And the check saw the plots: three per question of the demo's pairwise study.
        Assert.True(await page.Locator(".js-plotly-plot").CountAsync() >= 3);
        await page.Context.CloseAsync();
    }
}
