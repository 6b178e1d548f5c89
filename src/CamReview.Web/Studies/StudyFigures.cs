using CamReview.Core.Statistics;
using CamReview.Web.Compare;
using CamReview.Web.Components.Shared;
using Plotly.Blazor;
using Plotly.Blazor.LayoutLib;
using Plotly.Blazor.Traces;
using AutoMargin = Plotly.Blazor.LayoutLib.XAxisLib.AutoMarginFlag;
using AxisTitle = Plotly.Blazor.LayoutLib.XAxisLib.Title;
using BarMarker = Plotly.Blazor.Traces.BarLib.Marker;
using ErrorY = Plotly.Blazor.Traces.BarLib.ErrorY;

namespace CamReview.Web.Studies;

/// <summary>The Plotly figures of a question's results, for the shared Plot component: each bar in its method's colour
/// (the compare page's, <see cref="MethodColours"/>), intervals as error bars, and axes whose margins grow to fit long
/// method names, on screen and in the exports. Method names go through <see cref="PlotText"/>.</summary>
public static class StudyFigures
{
    private static ErrorY Errors(IReadOnlyList<double> values, IEnumerable<ConfidenceInterval?> intervals)
    {
        var pairs = values.Zip(intervals).ToList();
        return new ErrorY
        {
            Type = Plotly.Blazor.Traces.BarLib.ErrorYLib.TypeEnum.Data, Symmetric = false, Visible = true,
            Array = pairs.Select(p => (object)(p.Second is { } ci ? ci.High - p.First : 0)).ToList(),
            ArrayMinus = pairs.Select(p => (object)(p.Second is { } ci ? p.First - ci.Low : 0)).ToList(),
        };
    }

    /// <summary>Bars over method labels, coloured by <paramref name="colourOf"/>'s method, with their intervals.</summary>
    private static PlotFigure Bars(IReadOnlyList<string> labels, IReadOnlyList<string> colourOf, IReadOnlyList<double> values,
        IEnumerable<ConfidenceInterval?> intervals, MethodColours colours, XAxis yAxis, params Shape[] shapes) => new(
        [new Bar
        {
            X = PlotText.Wrapped(labels, LabelWidth).Cast<object>().ToList(), Y = values.Cast<object>().ToList(), ErrorY = Errors(values, intervals),
            Marker = new BarMarker { ColorArray = colourOf.Select(m => (object)colours.Of(m)).ToList() },
            HoverTemplate = "%{x}: %{y:.3f}<extra></extra>",
        }],
        new Layout
        {
            XAxis = [new XAxis { AutoMargin = AutoMargin.True }], YAxis = [PlotFigure.AsYAxis(yAxis)], Shapes = shapes,
            Margin = new Margin { L = 64, R = 16, T = 16, B = 48 }, AutoSize = true,
        });

    /// <summary>Method names and pairs are broken into lines of at most this many characters under the bars and beside
    /// the heatmap's rows.</summary>
    private const int LabelWidth = 22;

    /// <summary>The height (CSS pixels) of a figure with these labels under it: where bars are narrow the labels stand
    /// upright and take their longest line off the plot's height, which must stay taller than its axis title, on
    /// screen and in the exports (drawn at the on-screen size).</summary>
    public static int Height(IEnumerable<string> labels) =>
        Math.Clamp(280 + 7 * labels.SelectMany(l => PlotText.Lines(l, LabelWidth)).Select(l => l.Length).DefaultIfEmpty(0).Max(), 320, 560);

    /// <summary>The labels under the win-rate bars: one per compared pair.</summary>
    public static IEnumerable<string> PairLabels(QuestionResult q) => q.Pairs.Where(p => p.WinRateA is not null).Select(p => $"{p.A} vs {p.B}");

    private static XAxis Titled(string title) => new() { Title = new AxisTitle { Text = title }, AutoMargin = AutoMargin.True };

    /// <summary>Bradley–Terry log-strengths with their bootstrap intervals, best first.</summary>
    public static PlotFigure BradleyTerry(QuestionResult q, MethodColours colours)
    {
        var scores = q.BradleyTerry;
        var methods = scores.Select(s => s.Method).ToList();
        var axis = Titled("Bradley-Terry score (log-strength)");
        axis.ZeroLine = true;
        return Bars(methods, methods, scores.Select(s => s.Score).ToList(), scores.Select(s => s.Ci), colours, axis);
    }

    /// <summary>Win rate of A over B for every compared pair, with Wilson intervals, each bar in A's colour; 0.5 marked.</summary>
    public static PlotFigure WinRates(QuestionResult q, MethodColours colours)
    {
        var pairs = q.Pairs.Where(p => p.WinRateA is not null).ToList();
        var axis = Titled("win rate of the first method");
        axis.Range = [0.0, 1.0];
        var even = new Shape
        {
            Type = Plotly.Blazor.LayoutLib.ShapeLib.TypeEnum.Line, XRef = "paper", X0 = 0, X1 = 1, Y0 = 0.5, Y1 = 0.5,
            Line = new Plotly.Blazor.LayoutLib.ShapeLib.Line { Dash = "dot", Color = "#6c757d" },
        };
        return Bars(PairLabels(q).ToList(), pairs.Select(p => p.A).ToList(), pairs.Select(p => p.WinRateA!.Value).ToList(),
            pairs.Select(p => p.WilsonA), colours, axis, even);
    }

    /// <summary>Best-of-N: the share of decisive trials in which each method was chosen, with Wilson intervals.</summary>
    public static PlotFigure BestOfN(QuestionResult q, MethodColours colours)
    {
        var shares = q.BestOfN.Where(c => c.Share is not null).ToList();
        var methods = shares.Select(c => c.Method).ToList();
        var axis = Titled("share chosen");
        axis.Range = [0.0, 1.0];
        return Bars(methods, methods, shares.Select(c => c.Share!.Value).ToList(), shares.Select(c => c.Wilson), colours, axis);
    }

    /// <summary>Row method's wins over the column method as a fraction of their decisive votes (empty: never compared).</summary>
    public static PlotFigure WinHeatmap(QuestionResult q, IReadOnlyList<string> methods)
    {
        var z = methods.Select(row => (object)methods.Select(column =>
        {
            var pair = q.Pairs.FirstOrDefault(p => (p.A == row && p.B == column) || (p.A == column && p.B == row));
            if (pair?.WinRateA is not { } rateA) return (double?)null;
            return pair.A == row ? rateA : 1 - rateA;
        }).ToArray()).ToList();
        var labels = PlotText.Wrapped(methods, LabelWidth).Cast<object>().ToList();
        var rows = Titled("wins");
        rows.AutoRange = Plotly.Blazor.LayoutLib.XAxisLib.AutoRangeEnum.Reversed;
        return new PlotFigure(
            [new HeatMap
            {
                X = labels, Y = labels, Z = z, ZMin = 0, ZMax = 1, ColorScale = "RdBu", ReverseScale = false, TextTemplate = "%{z:.2f}",
                HoverTemplate = "%{y} beats %{x}: %{z:.3f}<extra></extra>",
            }],
            new Layout
            {
                XAxis = [Titled("against")], YAxis = [PlotFigure.AsYAxis(rows)],
                Margin = new Margin { L = 64, R = 16, T = 16, B = 48 }, AutoSize = true,
            });
    }
}
