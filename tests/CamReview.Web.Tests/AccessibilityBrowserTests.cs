using CamReview.Web.Components.Layout;
using CamReview.Web.Demo;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace CamReview.Web.Tests;

/// <summary>The main pages on the demo content checked by axe-core (Deque.AxeCore.Playwright) in Chromium, in the
/// dark and the light theme: signed in, the projects, the pair, the compare page, the leaderboard and the study
/// results; without an account, the share page and the participant page.</summary>
public sealed partial class DemoContentTests
{
    [Fact]
    public async Task TheMainPagesHaveNoSeriousOrCriticalAccessibilityViolationsInEitherTheme()
    {
        var (projectId, pairId, _) = await DemoScoredAsync();
        var (studyId, studyToken) = await DemoStudyVotedAsync();
        var compare = await ComparePageAsync(projectId, pairId);
        var share = await compare.GetByTestId("share-url").First.InputValueAsync();
        await compare.Context.CloseAsync();

        (string Name, string Url, bool SignedIn, string Shown)[] pages =
        [
            ("projects", "projects", true, "project-list"),
            ("pair", $"projects/{projectId}/pairs/{pairId}", true, "camera-score"),
            ("compare", $"projects/{projectId}/pairs/{pairId}/compare", true, "metric-table"),
            ("leaderboard", $"projects/{projectId}/leaderboard", true, "leaderboard-table"),
            ("study results", $"studies/{studyId}", true, "question-results"),
            ("share", share, false, "share-title"),
            ("participant", $"p/{studyToken}", false, "consent"),
        ];
        var found = new List<string>();
        foreach (var theme in new[] { "dark", "light" })
        {
            foreach (var signedIn in new[] { true, false })
            {
                var page = await portal.NewPageAsync();
                await page.Context.AddCookiesAsync([new Cookie { Name = PortalTheme.CookieName, Value = theme, Url = portal.BaseAddress.ToString() }]);
                if (signedIn) await PortalFixture.SignInAsync(page, PortalFixture.AdminEmail, PortalFixture.AdminPassword);
                foreach (var (name, url, _, shown) in pages.Where(p => p.SignedIn == signedIn))
                {
                    await page.GotoAsync(url);
                    if (signedIn) await Assertions.Expect(page.Locator("main[data-circuit=live]")).ToBeAttachedAsync(new() { Timeout = 30_000 });
                    await Assertions.Expect(page.GetByTestId(shown).First).ToBeVisibleAsync();
                    // The plots are drawn by plotly.js after the page is up: checked once they are there.
                    await page.WaitForFunctionAsync("() => [...document.querySelectorAll('.js-plotly-plot')].every(p => p.querySelector('.main-svg'))");
                    var result = await page.RunAxe();
                    found.AddRange(result.Violations
                        .Where(v => v.Impact is "serious" or "critical")
                        .Select(v => $"{name} ({theme}): {v.Id} [{v.Impact}] {v.Help}: "
                                     + string.Join(" | ", v.Nodes.Take(4).Select(n => $"{n.Target} {n.Html} {string.Join("; ", n.Any.Concat(n.All).Concat(n.None).Select(c => c.Message))}"))));
                }
                await page.Context.CloseAsync();
            }
        }
        Assert.True(found.Count == 0, string.Join("\n", found));
    }

    /// <summary>The demo study's id and participant token, once its simulated participants have all voted.</summary>
    private async Task<(int Id, string Token)> DemoStudyVotedAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(240);
        while (true)
        {
            await using var db = portal.OpenDb();
            var study = await db.Studies.Where(s => s.Name == DemoStudy.StudyName)
                .Select(s => new { s.Id, s.Token, Done = s.Participants.Count(p => p.CompletionCode != null) }).SingleOrDefaultAsync();
            if (study?.Done == DemoStudy.Participants) return (study.Id, study.Token);
            Assert.True(DateTime.UtcNow < deadline, "the demo study's simulated participants did not all vote in time");
            await Task.Delay(500);
        }
    }
}
