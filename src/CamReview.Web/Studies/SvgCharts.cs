using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace CamReview.Web.Studies;

/// <summary>One row of a <see cref="SvgCharts.Intervals"/> chart: a label, a value and its interval (null: none).</summary>
public sealed record IntervalRow(string Label, double Value, double? Low, double? High);

/// <summary>Charts as inline SVG, made here so that a report is one file that opens offline. Labels are measured with the
/// advance widths of DejaVu Sans, the font the charts ask for, and drawn with exactly that length (SVG's
/// <c>textLength</c>), so another font is fitted to the same width instead of running out of the picture.</summary>
public static class SvgCharts
{
    public const string FontFamily = "'DejaVu Sans', Verdana, sans-serif";
    public const double FontSize = 12;

    // Advance widths of DejaVu Sans (Book) for U+0020..U+007E, in em, read from the font's hmtx table.
    private static readonly double[] AsciiWidths =
    [
        0.318, 0.401, 0.46, 0.838, 0.636, 0.95, 0.78, 0.275, 0.39, 0.39, 0.5, 0.838, 0.318, 0.361, 0.318, 0.337, 0.636, 0.636,
        0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.636, 0.337, 0.337, 0.838, 0.838, 0.838, 0.531, 1.0, 0.684, 0.686, 0.698,
        0.77, 0.632, 0.575, 0.775, 0.752, 0.295, 0.295, 0.656, 0.557, 0.863, 0.748, 0.787, 0.603, 0.787, 0.695, 0.635, 0.611, 0.732,
        0.684, 0.989, 0.685, 0.611, 0.685, 0.39, 0.337, 0.39, 0.838, 0.5, 0.5, 0.613, 0.635, 0.55, 0.635, 0.615, 0.352, 0.635, 0.634,
        0.278, 0.278, 0.579, 0.278, 0.974, 0.634, 0.612, 0.635, 0.635, 0.411, 0.521, 0.392, 0.634, 0.592, 0.818, 0.592, 0.592, 0.525,
        0.636, 0.337, 0.636, 0.838,
    ];

    /// <summary>The width of a text at <see cref="FontSize"/>: DejaVu Sans for ASCII, a full em for any other character
    /// (wide enough for accented Latin and for CJK).</summary>
    public static double TextWidth(string text, double fontSize = FontSize)
    {
        double em = 0;
        foreach (var rune in text.EnumerateRunes())
            em += rune.Value is >= 0x20 and <= 0x7E ? AsciiWidths[rune.Value - 0x20] : 1.0;
        return em * fontSize;
    }

    /// <summary>A horizontal chart: one row per label, a dot at the value with its interval as a line, on an axis from
    /// <paramref name="min"/> to <paramref name="max"/> with a dotted reference line (0.5 for win rates, 0 for scores).</summary>
    public static string Intervals(string title, IReadOnlyList<IntervalRow> rows, double min, double max, double reference, string axisTitle)
    {
        const double plotWidth = 360, rowHeight = 22, top = 28, gap = 12, right = 16;
        var inv = CultureInfo.InvariantCulture;
        double labelWidth = rows.Count == 0 ? 0 : rows.Max(r => TextWidth(r.Label));
        double left = Math.Ceiling(labelWidth) + gap + 8;
        double plotTop = top, plotBottom = top + rows.Count * rowHeight;
        double width = Math.Max(left + plotWidth + right, Math.Ceiling(TextWidth(title)) + 4), height = plotBottom + 40;
        double X(double v) => left + (Math.Clamp(v, min, max) - min) / (max - min) * plotWidth;
        string F(double v) => v.ToString("0.##", inv);

        var svg = new StringBuilder();
        svg.Append(inv, $"""<svg class="chart" role="img" viewBox="0 0 {F(width)} {F(height)}" width="{F(width)}" height="{F(height)}" font-family="{FontFamily}" font-size="{F(FontSize)}">""");
        svg.Append(inv, $"""<title>{Encode(title)}</title>""");
        svg.Append(inv, $"""<text x="0" y="16" font-weight="bold"{Fit(title)}>{Encode(title)}</text>""");
        // Axis ticks at five even steps, the reference line dotted.
        for (int i = 0; i <= 4; i++)
        {
            double v = min + (max - min) * i / 4, x = X(v);
            svg.Append(inv, $"""<line x1="{F(x)}" y1="{F(plotTop)}" x2="{F(x)}" y2="{F(plotBottom)}" stroke="#dee2e6" />""");
            var tick = v.ToString("0.00", inv);
            svg.Append(inv, $"""<text x="{F(x)}" y="{F(plotBottom + 14)}" text-anchor="middle" fill="#495057"{Fit(tick)}>{tick}</text>""");
        }
        if (reference > min && reference < max)
            svg.Append(inv, $"""<line x1="{F(X(reference))}" y1="{F(plotTop - 4)}" x2="{F(X(reference))}" y2="{F(plotBottom)}" stroke="#6c757d" stroke-dasharray="3 3" />""");
        svg.Append(inv, $"""<text x="{F(left + plotWidth / 2)}" y="{F(plotBottom + 32)}" text-anchor="middle" fill="#495057"{Fit(axisTitle)}>{Encode(axisTitle)}</text>""");
        for (int i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            double y = plotTop + i * rowHeight + rowHeight / 2;
            svg.Append(inv, $"""<text class="label" x="{F(left - gap)}" y="{F(y + 4)}" text-anchor="end"{Fit(row.Label)}>{Encode(row.Label)}</text>""");
            if (row.Low is { } low && row.High is { } high)
                svg.Append(inv, $"""<line x1="{F(X(low))}" y1="{F(y)}" x2="{F(X(high))}" y2="{F(y)}" stroke="#0d6efd" stroke-width="2" />""");
            svg.Append(inv, $"""<circle cx="{F(X(row.Value))}" cy="{F(y)}" r="4" fill="#0d6efd" />""");
        }
        svg.Append("</svg>");
        return svg.ToString();
    }

    /// <summary>Pins a text to its measured width (see the class summary).</summary>
    private static string Fit(string text) =>
        text.Length == 0 ? "" : string.Create(CultureInfo.InvariantCulture, $" textLength=\"{TextWidth(text):0.##}\" lengthAdjust=\"spacingAndGlyphs\"");

    private static string Encode(string text) => HtmlEncoder.Default.Encode(text);
}
