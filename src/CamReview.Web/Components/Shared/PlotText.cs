namespace CamReview.Web.Components.Shared;

/// <summary>Text for Plotly figures. Plotly draws trace names, category labels, hover text and titles as its own small
/// HTML (&lt;b&gt;, &lt;br&gt;, &lt;a href&gt; become bold text, line breaks and live links), so every label that comes
/// from users (method, pair and project names) goes through <see cref="Plain"/> to be shown as the characters it is.</summary>
public static class PlotText
{
    /// <summary>The text with <c>&amp;</c>, <c>&lt;</c> and <c>&gt;</c> as the entities Plotly decodes, so no tag or
    /// entity in it is interpreted.</summary>
    public static string Plain(string? text) =>
        string.IsNullOrEmpty(text) ? "" : text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    public static string[] Plain(IEnumerable<string> texts) => texts.Select(t => Plain(t)).ToArray();

    /// <summary>The text broken at spaces into lines of at most <paramref name="width"/> characters where it can be (a
    /// longer word keeps its own line).</summary>
    public static IReadOnlyList<string> Lines(string text, int width)
    {
        var lines = new List<string>();
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (lines.Count > 0 && lines[^1].Length + 1 + word.Length <= width) lines[^1] += " " + word;
            else lines.Add(word);
        }
        return lines;
    }

    /// <summary>Each text as <see cref="Plain"/> in <see cref="Lines"/> joined by Plotly's line breaks: category labels
    /// that stay short enough to sit under a bar or beside a heatmap row.</summary>
    public static string[] Wrapped(IEnumerable<string> texts, int width) =>
        texts.Select(t => string.Join("<br>", Lines(t, width).Select(Plain))).ToArray();
}
