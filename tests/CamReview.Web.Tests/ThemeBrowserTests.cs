using CamReview.Web.Components.Layout;
using Microsoft.Playwright;

namespace CamReview.Web.Tests;

/// <summary>The theme switch in Chromium: dark by default, light at a click, the colours of the page really changing,
/// and the choice kept across a reload (the server paints the first frame in it) and on the pages without a circuit.</summary>
public sealed class ThemeBrowserTests(PortalFixture portal) : IClassFixture<PortalFixture>
{
    /// <summary>The colour behind the page's content (the first ancestor of main with a background of its own) and the
    /// colour of its heading, as the browser computes them.</summary>
    private const string Colours = """
        () => {
            let e = document.querySelector('main');
            while (e && ['rgba(0, 0, 0, 0)', 'transparent'].includes(getComputedStyle(e).backgroundColor)) e = e.parentElement;
            return [getComputedStyle(e ?? document.body).backgroundColor, getComputedStyle(document.querySelector('main h1')).color];
        }
        """;

    /// <summary>The relative luminance (WCAG) of a computed "rgb(r, g, b)" colour.</summary>
    private static double Luminance(string rgb)
    {
        var channels = rgb[(rgb.IndexOf('(') + 1)..rgb.IndexOf(')')].Split(',').Take(3)
            .Select(c => double.Parse(c, System.Globalization.CultureInfo.InvariantCulture) / 255)
            .Select(c => c <= 0.04045 ? c / 12.92 : Math.Pow((c + 0.055) / 1.055, 2.4)).ToArray();
        return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2];
    }

    [Fact]
    public async Task TheThemeSwitchChangesTheColoursAndTheChoiceOutlivesAReload()
    {
        var page = await portal.SignedInPageAsync();
        await page.GotoLiveAsync("projects");
        var toggle = page.GetByTestId("theme-switch");
        await Assertions.Expect(toggle).ToHaveAttributeAsync("data-theme", "dark");
        var dark = await page.EvaluateAsync<string[]>(Colours);
        Assert.True(Luminance(dark[0]) < 0.05 && Luminance(dark[1]) > 0.5, $"dark: background {dark[0]}, text {dark[1]}");

        await toggle.ClickAsync();
        await Assertions.Expect(toggle).ToHaveAttributeAsync("data-theme", "light");
        var light = await page.EvaluateAsync<string[]>(Colours);
        Assert.True(Luminance(light[0]) > 0.8 && Luminance(light[1]) < 0.05, $"light: background {light[0]}, text {light[1]}");

        // Kept in a cookie: a reload paints the light theme, from the server's first answer on.
        Assert.Contains(await page.Context.CookiesAsync(), c => c.Name == PortalTheme.CookieName && c.Value == "light");
        var response = await page.ReloadAsync();
        Assert.Contains("--mud-palette-background: rgba(244,245,247,1)", await response!.TextAsync());
        await Assertions.Expect(page.Locator("main[data-circuit=live]")).ToBeAttachedAsync();
        await Assertions.Expect(toggle).ToHaveAttributeAsync("data-theme", "light");
        Assert.Equal(light, await page.EvaluateAsync<string[]>(Colours));

        // The pages rendered without a circuit (the account forms) follow the same choice.
        await page.GotoAsync("account/password");
        await Assertions.Expect(page.Locator("main h1")).ToBeVisibleAsync();
        Assert.Equal(light, await page.EvaluateAsync<string[]>(Colours));

        // And back: dark again after the next reload (clicked once the page has loaded all it needs, as a user would).
        await page.GotoLiveAsync("projects");
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        await toggle.ClickAsync();
        await Assertions.Expect(toggle).ToHaveAttributeAsync("data-theme", "dark");
        await page.ReloadAsync();
        await Assertions.Expect(page.Locator("main[data-circuit=live]")).ToBeAttachedAsync();
        await Assertions.Expect(toggle).ToHaveAttributeAsync("data-theme", "dark");
        Assert.Equal(dark, await page.EvaluateAsync<string[]>(Colours));
        await page.Context.CloseAsync();
    }
}
