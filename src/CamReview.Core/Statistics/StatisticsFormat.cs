using System.Globalization;

namespace CamReview.Core.Statistics;

/// <summary>How study statistics read as text, the same in <c>camreview stats</c> and on the portal's results page:
/// three decimals, p-values below 0.001 in scientific notation, "-" for "not computable".</summary>
public static class StatisticsFormat
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Number(double? x) => x is { } v ? v.ToString("0.000", Inv) : "-";

    public static string Interval(ConfidenceInterval? ci) => ci is { } c ? string.Create(Inv, $"[{c.Low:0.000}, {c.High:0.000}]") : "-";

    public static string PValue(double? p) => p switch
    {
        null => "-",
        >= 0.001 => p.Value.ToString("0.000", Inv),
        _ => p.Value.ToString("0.0e+0", Inv),
    };

    /// <summary>A Bradley–Terry score with its sign.</summary>
    public static string Score(double score) => score.ToString("+0.000;-0.000;0.000", Inv);

    /// <summary>A bootstrap rank interval: "2", or "1-3".</summary>
    public static string RankRange(ConfidenceInterval? ranks) =>
        ranks is { } r ? (r.Low == r.High ? r.Low.ToString("0", Inv) : string.Create(Inv, $"{r.Low:0}-{r.High:0}")) : "-";
}
