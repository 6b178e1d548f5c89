using System.Globalization;
using CamReview.Pipeline.Score;
using CamReview.Web.Components.Shared;

namespace CamReview.Web.Compare;

/// <summary>The compare page's Plotly figures, built from stored data (the browser only draws them): motion curves
/// of the reference against each output, per-pair CameraScore, and the CameraScore / scene preservation trade-off per
/// method (as in CamMimic's Figures 4 and 5). Made to be printed: one colour per method (<see cref="MethodColours"/>),
/// the reference drawn over the outputs, axis titles in words with their units, powers of ten written as such, and
/// margins that grow to fit every label.</summary>
public static class ComparisonFigures
{
    private static readonly (string Title, Func<MotionCurve, IReadOnlyList<double?>> Values)[] MotionPanels =
    [
        ("x shift (image widths)", c => c.Dx),
        ("y shift (image heights)", c => c.Dy),
        ("zoom (scale per frame)", c => c.Zoom),
        ("roll (° per frame)", c => c.Roll),
    ];

    /// <summary>Four stacked panels (x shift, y shift, zoom, roll per frame); null when no output has curves.</summary>
    public static object? Motion(Comparison comparison)
    {
        var withCurves = comparison.Outputs.Where(o => o.Motion is not null).ToList();
        if (withCurves.Count == 0) return null;
        var reference = withCurves[0].Motion!.Reference;
        var data = new List<object>();
        for (var panel = 0; panel < MotionPanels.Length; panel++)
        {
            var axis = panel == 0 ? "" : (panel + 1).ToString(CultureInfo.InvariantCulture);
            var values = MotionPanels[panel].Values;
            foreach (var output in withCurves)
                data.Add(Line(output.Method, output.Motion!.Output.Frames, values(output.Motion.Output), comparison.Colours.Of(output.Method), "solid", axis, panel == 0, rank: 2));
            // Last, so it is drawn over an output that follows it exactly; first in the legend all the same.
            data.Add(Line("reference", reference.Frames, values(reference), MethodColours.Reference, "dash", axis, panel == 0, rank: 1));
        }
        var layout = new Dictionary<string, object>
        {
            ["grid"] = new { rows = MotionPanels.Length, columns = 1, pattern = "independent", roworder = "top to bottom", ygap = 0.25 },
            ["showlegend"] = true,
            ["legend"] = new { orientation = "h", x = 0, y = 1.02, yanchor = "bottom" },
            ["height"] = 680,
            ["margin"] = new { l = 72, r = 16, t = 40, b = 48 },
        };
        for (var panel = 0; panel < MotionPanels.Length; panel++)
        {
            var n = panel == 0 ? "" : (panel + 1).ToString(CultureInfo.InvariantCulture);
            layout["yaxis" + n] = new { title = new { text = MotionPanels[panel].Title, font = new { size = 11 } }, zeroline = true, automargin = true, exponentformat = "power" };
            layout["xaxis" + n] = new { title = new { text = panel == MotionPanels.Length - 1 ? "frame" : "" }, automargin = true };
        }
        return new { data, layout };
    }

    /// <summary>The CameraScore of every compared frame pair, one line per scored output; null when nothing is scored.</summary>
    public static object? PerPairCameraScore(Comparison comparison)
    {
        var data = new List<object>();
        foreach (var output in comparison.Outputs)
        {
            if (output.Score is null) continue;
            var pairs = output.Score.Stored.Result.PerPair;
            data.Add(new
            {
                type = "scatter", mode = "lines+markers", name = PlotText.Plain(output.Method),
                x = pairs.Select(p => p.Index), y = pairs.Select(p => p.Value),
                hovertemplate = $"frames %{{x}} → %{{x}}+1<br>CameraScore %{{y:{MetricCatalogue.CameraScore.D3Format}}}<extra>%{{fullData.name}}</extra>",
                line = new { color = comparison.Colours.Of(output.Method), width = 1.5 }, marker = new { size = 5, symbol = "circle" }, connectgaps = false,
            });
        }
        if (data.Count == 0) return null;
        var values = comparison.Outputs.Where(o => o.Score is not null).SelectMany(o => o.Score!.Stored.Result.PerPair).Select(p => p.Value).OfType<double>().ToList();
        // Values that span decades (a near-perfect output beside a poor one) read only on a log axis.
        var log = values.Count > 0 && values.All(v => v > 0) && values.Max() / values.Min() > 100;
        return new
        {
            data,
            layout = new
            {
                xaxis = new { title = new { text = "frame pair (frame i to i + 1)" }, automargin = true },
                yaxis = LogOrLinear(MetricCatalogue.CameraScore.AxisTitle, log, values),
                legend = BelowThePlot, margin = new { l = 72, r = 16, t = 16, b = 120 },
            },
        };
    }

    /// <summary>Every scored output of the trade-off's scope as a point (CameraScore, scene preservation), one colour per
    /// method, and each method's mean as a larger diamond; null when no output has both numbers.</summary>
    public static object? Tradeoff(Comparison comparison)
    {
        var points = comparison.ProjectPoints.Where(p => p.CameraScore is not null && p.SceneSimilarity is not null).ToList();
        if (points.Count == 0) return null;
        var methods = points.Select(p => p.Method).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var data = new List<object>();
        foreach (var method in methods)
        {
            var mine = points.Where(p => p.Method == method).ToList();
            var colour = comparison.Colours.Of(method);
            var label = PlotText.Plain(method);
            // The hover box names the trace through %{fullData.name}: user text never goes into a template, where
            // Plotly would also expand %{...} in it. The legend shows the mean's diamond, the mark to read.
            data.Add(new
            {
                type = "scatter", mode = "markers", name = label, legendgroup = label, showlegend = false,
                x = mine.Select(p => p.CameraScore), y = mine.Select(p => p.SceneSimilarity),
                text = PlotText.Plain(mine.Select(p => p.PairName)), hovertemplate = "%{text}" + PointHover + "%{fullData.name}</extra>",
                marker = new { color = colour, size = 8, opacity = 0.55, symbol = "circle" },
            });
            data.Add(new
            {
                type = "scatter", mode = "markers", name = label, legendgroup = label,
                x = new[] { mine.Average(p => p.CameraScore!.Value) }, y = new[] { mine.Average(p => p.SceneSimilarity!.Value) },
                hovertemplate = "mean over " + mine.Count + " output(s)" + PointHover + "%{fullData.name}</extra>",
                marker = new { color = colour, size = 15, symbol = "diamond", line = new { color = "#000", width = 1 } },
            });
        }
        var xs = points.Select(p => p.CameraScore!.Value).ToList();
        return new
        {
            data,
            layout = new
            {
                xaxis = LogOrLinear(MetricCatalogue.CameraScore.AxisTitle, xs.All(v => v > 0), xs),
                yaxis = new { title = new { text = MetricCatalogue.SceneSimilarity.AxisTitle }, automargin = true },
                legend = BelowThePlot, margin = new { l = 72, r = 16, t = 16, b = 120 },
            },
        };
    }

    /// <summary>An axis with its title; on a log scale only the powers of ten are labelled (10⁻⁶, 10⁻⁵), unless the
    /// values span less than two decades, when plotly's own ticks are kept so the axis has more than one label.</summary>
    private static object LogOrLinear(string title, bool log, IReadOnlyList<double> values)
    {
        if (!log) return new { title = new { text = title }, automargin = true, rangemode = "tozero", exponentformat = "power" };
        var decades = values.Count == 0 ? 0 : Math.Log10(values.Max()) - Math.Log10(values.Min());
        return new { title = new { text = title }, automargin = true, type = "log", dtick = decades >= 2 ? (object)1 : "D2", exponentformat = "power" };
    }

    private static readonly string PointHover =
        $"<br>{MetricCatalogue.CameraScore.Label} %{{x:{MetricCatalogue.CameraScore.D3Format}}}<br>{MetricCatalogue.SceneSimilarity.Label} %{{y:{MetricCatalogue.SceneSimilarity.D3Format}}}<extra>";

    /// <summary>A legend under the x axis title: above the plot it would hide the points nearest the top.</summary>
    private static readonly object BelowThePlot = new { orientation = "h", x = 0, y = -0.28, yanchor = "top" };

    private static object Line(string name, IReadOnlyList<int> x, IReadOnlyList<double?> y, string colour, string dash, string axis, bool legend, int rank) => new
    {
        type = "scatter", mode = "lines", name = PlotText.Plain(name), legendgroup = PlotText.Plain(name), legendrank = rank, showlegend = legend, x, y, connectgaps = false,
        line = new { color = colour, dash, width = dash == "dash" ? 2.5 : 1.5 },
        xaxis = "x" + axis, yaxis = "y" + axis,
    };
}
