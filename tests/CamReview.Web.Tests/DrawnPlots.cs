using System.Text.Json;
using Microsoft.Playwright;

namespace CamReview.Web.Tests;

/// <summary>What plotly drew in a page's figures (<c>figure[data-plot]</c>), read from the drawn graph rather than from
/// what the server sent: the traces plotly holds, in drawing order, and the axis titles in its SVG.</summary>
public static class DrawnPlots
{
    /// <summary>Waits until the figure whose data-plot starts with <paramref name="name"/> is drawn, then returns its traces
    /// as [{name, colour, yaxis, x}] (colour: the line's, else the marker's, an array for bars coloured one by one; x only
    /// for bars, their categories).</summary>
    public static async Task<JsonElement> TracesAsync(this IPage page, string name)
    {
        var graph = Graph(name);
        await Assertions.Expect(page.Locator($"{graph} .main-svg").First).ToBeAttachedAsync(new() { Timeout = 30_000 });
        return await page.EvaluateAsync<JsonElement>(
            "s => document.querySelector(s).data.map(t => ({ name: t.name ?? null, colour: (t.line && t.line.color) || (t.marker && t.marker.color) || null, yaxis: t.yaxis ?? 'y', x: t.type === 'bar' ? t.x : null }))", graph);
    }

    /// <summary>The axis titles plotly wrote into the figure's SVG, by axis ("x", "y2", ...).</summary>
    public static Task<Dictionary<string, string>> AxisTitlesAsync(this IPage page, string name) => page.EvaluateAsync<Dictionary<string, string>>("""
        s => Object.fromEntries([...document.querySelectorAll(s + ' .infolayer text')]
            .map(t => [(t.getAttribute('class') || '').match(/^([xy]\d*)title$/), t.textContent])
            .filter(([m]) => m).map(([m, text]) => [m[1], text]))
        """, Graph(name));

    /// <summary>The graph element plotly draws into (the same on interactive and static pages).</summary>
    private static string Graph(string name) => $"figure[data-plot^='{name}'] .plot-canvas.js-plotly-plot";
}
