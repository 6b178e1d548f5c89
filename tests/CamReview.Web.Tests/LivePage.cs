using Microsoft.Playwright;

namespace CamReview.Web.Tests;

public static class LivePage
{
    /// <summary>
    /// Opens a portal page and waits until its circuit is up. Blazor follows a link clicked on the prerendered page
    /// with an enhanced navigation, and the circuit that starts afterwards renders the page it was started for, so a
    /// click before this point can land back where it came from.
    /// </summary>
    public static async Task GotoLiveAsync(this IPage page, string url)
    {
        await page.GotoAsync(url);
        await Assertions.Expect(page.Locator("main[data-circuit=live]")).ToBeAttachedAsync(new() { Timeout = 30_000 });
    }

    /// <summary>The open ConfirmDialog with this test id (a MudBlazor dialog, found by its title's id).</summary>
    public static ILocator ConfirmDialog(this IPage page, string testId) =>
        page.GetByRole(AriaRole.Dialog).Filter(new() { Has = page.Locator($"#{testId}-title") });
}
