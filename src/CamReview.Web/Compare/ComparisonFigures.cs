using System.Globalization;
using CamReview.Core.Statistics;
using CamReview.Pipeline.Score;
using CamReview.Web.Components.Shared;
using Plotly.Blazor;
using Plotly.Blazor.LayoutLib;
using Plotly.Blazor.Traces;
using Plotly.Blazor.Traces.ScatterLib;
using AxisTitle = Plotly.Blazor.LayoutLib.XAxisLib.Title;
using AxisType = Plotly.Blazor.LayoutLib.XAxisLib.TypeEnum;
using AutoMargin = Plotly.Blazor.LayoutLib.XAxisLib.AutoMarginFlag;
using ExponentFormat = Plotly.Blazor.LayoutLib.XAxisLib.ExponentFormatEnum;
using Symbol = Plotly.Blazor.Traces.ScatterLib.MarkerLib.SymbolEnum;
using ErrorX = Plotly.Blazor.Traces.ScatterLib.ErrorX;
using ErrorXType = Plotly.Blazor.Traces.ScatterLib.ErrorXLib.TypeEnum;
using ErrorY = Plotly.Blazor.Traces.ScatterLib.ErrorY;
using ErrorYType = Plotly.Blazor.Traces.ScatterLib.ErrorYLib.TypeEnum;

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
    public static PlotFigure? Motion(Comparison comparison)
    {
        var withCurves = comparison.Outputs.Where(o => o.Motion is not null).ToList();
        if (withCurves.Count == 0) return null;
        var reference = withCurves[0].Motion!.Reference;
        var data = new List<ITrace>();
        var layout = new Layout
        {
            Grid = new Grid { Rows = MotionPanels.Length, Columns = 1, Pattern = Plotly.Blazor.LayoutLib.GridLib.PatternEnum.Independent, RowOrder = Plotly.Blazor.LayoutLib.GridLib.RowOrderEnum.TopToBottom, YGap = 0.25m },
            ShowLegend = true,
            Legend = [new Legend { Orientation = Plotly.Blazor.LayoutLib.LegendLib.OrientationEnum.H, X = 0, Y = 1.02m, YAnchor = Plotly.Blazor.LayoutLib.LegendLib.YAnchorEnum.Bottom }],
            Height = 680, AutoSize = true,
            Margin = new Margin { L = 72, R = 16, T = 40, B = 48 },
            XAxis = [], YAxis = [],
        };
        for (var panel = 0; panel < MotionPanels.Length; panel++)
        {
            var axis = panel == 0 ? "" : (panel + 1).ToString(CultureInfo.InvariantCulture);
            var values = MotionPanels[panel].Values;
            foreach (var output in withCurves)
                data.Add(Line(output.Method, output.Motion!.Output.Frames, values(output.Motion.Output), comparison.Colours.Of(output.Method), "solid", axis, panel == 0, rank: 2));
            // Last, so it is drawn over an output that follows it exactly; first in the legend all the same.
            data.Add(Line("reference", reference.Frames, values(reference), MethodColours.Reference, "dash", axis, panel == 0, rank: 1));
            layout.YAxis.Add(PlotFigure.AsYAxis(new XAxis
            {
                Title = new AxisTitle { Text = MotionPanels[panel].Title, Font = new Plotly.Blazor.LayoutLib.XAxisLib.TitleLib.Font { Size = 11 } },
                ZeroLine = true, AutoMargin = AutoMargin.True, ExponentFormat = ExponentFormat.Power,
            }));
            layout.XAxis.Add(new XAxis { Title = new AxisTitle { Text = panel == MotionPanels.Length - 1 ? "frame" : "" }, AutoMargin = AutoMargin.True });
        }
        return new PlotFigure(data, layout);
    }

    /// <summary>The CameraScore of every compared frame pair, one line per scored output; null when nothing is scored.</summary>
    public static PlotFigure? PerPairCameraScore(Comparison comparison)
    {
        var data = new List<ITrace>();
        foreach (var output in comparison.Outputs)
        {
            if (output.Score is null) continue;
            var pairs = output.Score.Stored.Result.PerPair;
            data.Add(new Scatter
            {
                Mode = ModeFlag.Lines | ModeFlag.Markers, Name = PlotText.Plain(output.Method),
                X = pairs.Select(p => (object)p.Index).ToList(), Y = pairs.Select(p => (object?)p.Value).ToList()!,
                HoverTemplate = $"frames %{{x}} → %{{x}}+1<br>CameraScore %{{y:{MetricCatalogue.CameraScore.D3Format}}}<extra>%{{fullData.name}}</extra>",
                Line = new Line { Color = comparison.Colours.Of(output.Method), Width = 1.5m }, Marker = new Marker { Size = 5, Symbol = Symbol.Circle }, ConnectGaps = false,
            });
        }
        if (data.Count == 0) return null;
        var values = comparison.Outputs.Where(o => o.Score is not null).SelectMany(o => o.Score!.Stored.Result.PerPair).Select(p => p.Value).OfType<double>().ToList();
        // Values that span decades (a near-perfect output beside a poor one) read only on a log axis.
        var log = values.Count > 0 && values.All(v => v > 0) && values.Max() / values.Min() > 100;
        return new PlotFigure(data, new Layout
        {
            XAxis = [new XAxis { Title = new AxisTitle { Text = "frame pair (frame i to i + 1)" }, AutoMargin = AutoMargin.True }],
            YAxis = [PlotFigure.AsYAxis(LogOrLinear(MetricCatalogue.CameraScore.AxisTitle, log, values))],
            Legend = [BelowThePlot()], Margin = new Margin { L = 72, R = 16, T = 16, B = 120 }, AutoSize = true,
        });
    }

    /// <summary>Every scored output of the trade-off's scope as a point (CameraScore, scene preservation), one colour per
    /// method, and each method's mean as a larger diamond; null when no output has both numbers.</summary>
    public static PlotFigure? Tradeoff(Comparison comparison)
    {
        var points = comparison.ProjectPoints.Where(p => p.CameraScore is not null && p.SceneSimilarity is not null).ToList();
        if (points.Count == 0) return null;
        var methods = points.Select(p => p.Method).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var data = new List<ITrace>();
        foreach (var method in methods)
        {
            var mine = points.Where(p => p.Method == method).ToList();
            var colour = comparison.Colours.Of(method);
            var label = PlotText.Plain(method);
            // The hover box names the trace through %{fullData.name}: user text never goes into a template, where
            // Plotly would also expand %{...} in it. The legend shows the mean's diamond, the mark to read.
            data.Add(new Scatter
            {
                Mode = ModeFlag.Markers, Name = label, LegendGroup = label, ShowLegend = false,
                X = mine.Select(p => (object)p.CameraScore!.Value).ToList(), Y = mine.Select(p => (object)p.SceneSimilarity!.Value).ToList(),
                TextArray = PlotText.Plain(mine.Select(p => p.PairName)), HoverTemplate = "%{text}" + PointHover + "%{fullData.name}</extra>",
                Marker = new Marker { Color = colour, Size = 8, Opacity = 0.55m, Symbol = Symbol.Circle },
            });
            // The mean with its 95% Student-t interval over the outputs, as the leaderboard gives it: bars in both
            // directions, so a reader sees which methods the plot cannot tell apart (none from a single output).
            var x = MetricSummary.Of([.. mine.Select(p => p.CameraScore!.Value)], 0.95);
            var y = MetricSummary.Of([.. mine.Select(p => p.SceneSimilarity!.Value)], 0.95);
            data.Add(new Scatter
            {
                Mode = ModeFlag.Markers, Name = label, LegendGroup = label,
                X = [x.Mean], Y = [y.Mean],
                HoverTemplate = "mean over " + mine.Count + " output(s)" + PointHover + "%{fullData.name}</extra>",
                Marker = new Marker { Color = colour, Size = 15, Symbol = Symbol.Diamond, Line = new Plotly.Blazor.Traces.ScatterLib.MarkerLib.Line { Color = "#000", Width = 1 } },
                ErrorX = x.Interval is { } xi ? new ErrorX { Type = ErrorXType.Data, Symmetric = false, Array = [xi.High - x.Mean], ArrayMinus = [x.Mean - xi.Low], Color = colour, Thickness = 1.5m, Width = 6 } : null,
                ErrorY = y.Interval is { } yi ? new ErrorY { Type = ErrorYType.Data, Symmetric = false, Array = [yi.High - y.Mean], ArrayMinus = [y.Mean - yi.Low], Color = colour, Thickness = 1.5m, Width = 6 } : null,
            });
        }
        var xs = points.Select(p => p.CameraScore!.Value).ToList();
        return new PlotFigure(data, new Layout
        {
            XAxis = [LogOrLinear(MetricCatalogue.CameraScore.AxisTitle, xs.All(v => v > 0), xs)],
            YAxis = [PlotFigure.AsYAxis(new XAxis { Title = new AxisTitle { Text = MetricCatalogue.SceneSimilarity.AxisTitle }, AutoMargin = AutoMargin.True })],
            Legend = [BelowThePlot()], Margin = new Margin { L = 72, R = 16, T = 16, B = 120 }, AutoSize = true,
        });
    }

    /// <summary>An axis with its title; on a log scale only the powers of ten are labelled (10⁻⁶, 10⁻⁵), unless the
    /// values span less than two decades, when plotly's own ticks are kept so the axis has more than one label.</summary>
    private static XAxis LogOrLinear(string title, bool log, IReadOnlyList<double> values)
    {
        var axis = new XAxis { Title = new AxisTitle { Text = title }, AutoMargin = AutoMargin.True, ExponentFormat = ExponentFormat.Power };
        if (!log)
        {
            axis.RangeMode = Plotly.Blazor.LayoutLib.XAxisLib.RangeModeEnum.ToZero;
            return axis;
        }
        var decades = values.Count == 0 ? 0 : Math.Log10(values.Max()) - Math.Log10(values.Min());
        axis.Type = AxisType.Log;
        axis.DTick = decades >= 2 ? 1 : "D2";
        return axis;
    }

    private static readonly string PointHover =
        $"<br>{MetricCatalogue.CameraScore.Label} %{{x:{MetricCatalogue.CameraScore.D3Format}}}<br>{MetricCatalogue.SceneSimilarity.Label} %{{y:{MetricCatalogue.SceneSimilarity.D3Format}}}<extra>";

    /// <summary>A legend under the x axis title: above the plot it would hide the points nearest the top.</summary>
    private static Legend BelowThePlot() => new() { Orientation = Plotly.Blazor.LayoutLib.LegendLib.OrientationEnum.H, X = 0, Y = -0.28m, YAnchor = Plotly.Blazor.LayoutLib.LegendLib.YAnchorEnum.Top };

    private static Scatter Line(string name, IReadOnlyList<int> x, IReadOnlyList<double?> y, string colour, string dash, string axis, bool legend, int rank) => new()
    {
        Mode = ModeFlag.Lines, Name = PlotText.Plain(name), LegendGroup = PlotText.Plain(name), LegendRank = rank, ShowLegend = legend,
        X = x.Select(v => (object)v).ToList(), Y = y.Select(v => (object?)v).ToList()!, ConnectGaps = false,
        Line = new Line { Color = colour, Dash = dash, Width = dash == "dash" ? 2.5m : 1.5m },
        XAxis = "x" + axis, YAxis = "y" + axis,
    };
}
