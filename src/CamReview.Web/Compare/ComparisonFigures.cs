using CamReview.Pipeline.Score;
using CamReview.Web.Components.Shared;

namespace CamReview.Web.Compare;

/// <summary>The compare page's Plotly figures, built from stored data (the browser only draws them): motion curves
/// of the reference against each output, per-pair CameraScore, and the project's CameraScore / scene preservation
/// trade-off per method (as in CamMimic's Figures 4 and 5).</summary>
public static class ComparisonFigures
{
    /// <summary>Colours of the outputs, in order (the reference is drawn in black).</summary>
    public static readonly string[] Palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2", "#bcbd22", "#7f7f7f"];

    public static string ColourOf(int index) => Palette[index % Palette.Length];

    private static readonly (string Title, Func<MotionCurve, IReadOnlyList<double?>> Values)[] MotionPanels =
    [
        ("x shift (normalized)", c => c.Dx),
        ("y shift (normalized)", c => c.Dy),
        ("zoom (scale per frame)", c => c.Zoom),
        ("roll (° per frame)", c => c.Roll),
    ];

    /// <summary>Four stacked panels (x shift, y shift, zoom, roll per frame); null when no output has curves.</summary>
    public static object? Motion(Comparison comparison)
    {
        var withCurves = comparison.Outputs.Select((o, i) => (Output: o, Index: i)).Where(x => x.Output.Motion is not null).ToList();
        if (withCurves.Count == 0) return null;
        var reference = withCurves[0].Output.Motion!.Reference;
        var data = new List<object>();
        for (var panel = 0; panel < MotionPanels.Count(); panel++)
        {
            var axis = panel == 0 ? "" : (panel + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            var values = MotionPanels[panel].Values;
            data.Add(Line("reference", reference.Frames, values(reference), "#000000", "dash", axis, panel == 0));
            foreach (var (output, index) in withCurves)
                data.Add(Line(output.Method, output.Motion!.Output.Frames, values(output.Motion.Output), ColourOf(index), "solid", axis, panel == 0));
        }
        var layout = new Dictionary<string, object>
        {
            ["grid"] = new { rows = MotionPanels.Length, columns = 1, pattern = "independent", roworder = "top to bottom" },
            ["showlegend"] = true,
            ["legend"] = new { orientation = "h", y = 1.06 },
            ["height"] = 620,
        };
        for (var panel = 0; panel < MotionPanels.Length; panel++)
        {
            var n = panel == 0 ? "" : (panel + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            layout["yaxis" + n] = new { title = new { text = MotionPanels[panel].Title, font = new { size = 11 } }, zeroline = true };
            layout["xaxis" + n] = panel == MotionPanels.Length - 1 ? new { title = new { text = "frame" } } : new { title = new { text = "" } };
        }
        return new { data, layout };
    }

    /// <summary>||H_R - H_G||² of every compared pair, one line per scored output; null when nothing is scored.</summary>
    public static object? PerPairCameraScore(Comparison comparison)
    {
        var data = new List<object>();
        foreach (var (output, index) in comparison.Outputs.Select((o, i) => (o, i)))
        {
            if (output.Score is null) continue;
            var pairs = output.Score.Stored.Result.PerPair;
            data.Add(new
            {
                type = "scatter", mode = "lines+markers", name = PlotText.Plain(output.Method),
                x = pairs.Select(p => p.Index), y = pairs.Select(p => p.Value),
                line = new { color = ColourOf(index), width = 1.5 }, marker = new { size = 4 }, connectgaps = false,
            });
        }
        if (data.Count == 0) return null;
        return new
        {
            data,
            layout = new
            {
                xaxis = new { title = new { text = "compared pair (frame i → i+1)" } },
                yaxis = new { title = new { text = $"‖H_R − H_G‖²_F per pair, {MetricCatalogue.CameraScore.AxisTitle}" }, rangemode = "tozero" },
                legend = BelowThePlot, margin = new { l = 64, r = 16, t = 16, b = 120 },
            },
        };
    }

    /// <summary>Every scored output of the project as a point (CameraScore, scene preservation), one colour per method,
    /// and each method's mean as a larger diamond; null when fewer than one output has both numbers.</summary>
    public static object? Tradeoff(Comparison comparison)
    {
        var points = comparison.ProjectPoints.Where(p => p.CameraScore is not null && p.SceneSimilarity is not null).ToList();
        if (points.Count == 0) return null;
        var methods = points.Select(p => p.Method).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var data = new List<object>();
        foreach (var (method, index) in methods.Select((m, i) => (m, i)))
        {
            var mine = points.Where(p => p.Method == method).ToList();
            var colour = ColourOf(index);
            var label = PlotText.Plain(method);
            // The hover box names the trace through %{fullData.name}: user text never goes into a template, where
            // Plotly would also expand %{...} in it.
            data.Add(new
            {
                type = "scatter", mode = "markers", name = label, legendgroup = label,
                x = mine.Select(p => p.CameraScore), y = mine.Select(p => p.SceneSimilarity),
                text = PlotText.Plain(mine.Select(p => p.PairName)), hovertemplate = "%{text}" + PointHover + "%{fullData.name}</extra>",
                marker = new { color = colour, size = 8, opacity = 0.6 },
            });
            data.Add(new
            {
                type = "scatter", mode = "markers", name = label + " (mean)", legendgroup = label, showlegend = false,
                x = new[] { mine.Average(p => p.CameraScore!.Value) }, y = new[] { mine.Average(p => p.SceneSimilarity!.Value) },
                hovertemplate = "mean over " + mine.Count + " output(s)" + PointHover + "%{fullData.name}</extra>",
                marker = new { color = colour, size = 15, symbol = "diamond", line = new { color = "#000", width = 1 } },
            });
        }
        var logX = points.All(p => p.CameraScore > 0);
        return new
        {
            data,
            layout = new
            {
                xaxis = new { title = new { text = MetricCatalogue.CameraScore.AxisTitle }, type = logX ? "log" : "linear" },
                yaxis = new { title = new { text = MetricCatalogue.SceneSimilarity.AxisTitle } },
                legend = BelowThePlot, margin = new { l = 64, r = 16, t = 16, b = 120 },
            },
        };
    }

    private static readonly string PointHover =
        $"<br>{MetricCatalogue.CameraScore.Label} %{{x:.4g}}<br>{MetricCatalogue.SceneSimilarity.Label} %{{y:.4f}}<extra>";

    /// <summary>A legend under the x axis: above the plot it would hide the points nearest the top.</summary>
    private static readonly object BelowThePlot = new { orientation = "h", x = 0, y = -0.28, yanchor = "top" };

    private static object Line(string name, IReadOnlyList<int> x, IReadOnlyList<double?> y, string colour, string dash, string axis, bool legend) => new
    {
        type = "scatter", mode = "lines", name = PlotText.Plain(name), legendgroup = PlotText.Plain(name), showlegend = legend, x, y, connectgaps = false,
        line = new { color = colour, dash, width = dash == "dash" ? 2 : 1.5 },
        xaxis = "x" + axis, yaxis = "y" + axis,
    };
}
