using System.Text.Json;
using System.Text.Json.Serialization;
using Plotly.Blazor;
using Plotly.Blazor.LayoutLib;

namespace CamReview.Web.Components.Shared;

/// <summary>A Plotly figure as the C# figure code builds it: typed traces and a typed layout. Interactive pages hand
/// them to Plotly.Blazor's chart; static pages carry them as <see cref="Json"/> for the same plotly.js.</summary>
public sealed record PlotFigure(IList<ITrace> Data, Plotly.Blazor.Layout Layout)
{
    // Plotly.Blazor's types carry plotly's own property names; what is unset stays out, as plotly expects.
    private static readonly JsonSerializerOptions Options = new() { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    /// <summary>{"data": [...], "layout": {...}}; each trace written as its own type (an <see cref="ITrace"/> alone
    /// would carry only its "type"). System.Text.Json escapes &lt;, &gt; and &amp;, so the JSON can sit in a script element.</summary>
    public string Json() => JsonSerializer.Serialize(new { data = Data.Cast<object>(), layout = Layout }, Options);

    /// <summary>A y axis with the settings of an x axis (plotly's axes share these attributes; Plotly.Blazor types them apart).</summary>
    public static YAxis AsYAxis(XAxis axis) => JsonSerializer.Deserialize<YAxis>(JsonSerializer.Serialize(axis, Options), Options)!;
}
