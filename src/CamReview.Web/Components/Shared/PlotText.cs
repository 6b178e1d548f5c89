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
}
