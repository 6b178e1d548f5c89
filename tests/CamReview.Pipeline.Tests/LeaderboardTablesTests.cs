using System.Text.Json;
using CamReview.Core;
using CamReview.Pipeline.Analyze;
using CamReview.Pipeline.Score;

namespace CamReview.Pipeline.Tests;

/// <summary>The leaderboard built from stored scores (per-frame RotErr and TransErr) and its CSV and LaTeX exports.</summary>
public sealed class LeaderboardTablesTests
{
    private static StoredScore Score(double cameraScore, double rotErrDegrees, int pathPairsUsed, double flicker) =>
        StoredScore.Parse(JsonSerializer.Serialize(new ScoreResult
        {
            Reference = null!, Generated = null!,
            CameraScore = cameraScore, RotErr = AngleError.FromRadians(rotErrDegrees * Math.PI / 180), PathPairsUsed = pathPairsUsed,
            TransErrReason = "no translation",
            Flicker = FlickerResult.NotComputed("") with { Value = flicker, Reason = null },
        }, FolderAnalysisCache.JsonOptions));

    /// <summary>Two methods on three pairs; "ours_v2 & co" is far better on CameraScore; the pairs differ in length.</summary>
    private static ScoredOutput[] Outputs() =>
    [
        new("short", "ours_v2 & co", Score(1.0e-6, 9, 9, 0.95)), new("short", "base#1 100%", Score(9.0e-6, 10, 9, 0.96)),
        new("long", "ours_v2 & co", Score(1.2e-6, 90, 99, 0.96)), new("long", "base#1 100%", Score(9.5e-6, 110, 99, 0.95)),
        new("mid", "ours_v2 & co", Score(1.1e-6, 45, 49, 0.94)), new("mid", "base#1 100%", Score(9.2e-6, 48, 49, 0.97)),
    ];

    [Fact]
    public void RotErrIsRankedPerFrameSoLongClipsDoNotDominate()
    {
        var board = LeaderboardTables.Build(Outputs());
        int rot = board.Metrics.ToList().FindIndex(m => m.Key == MetricCatalogue.RotErrPerFrame.Key);
        var ours = board.Rows.Single(r => r.Method == "ours_v2 & co");
        // 9/10, 90/100 and 45/50 degrees per frame: 0.9 each, although the sums are 9, 90 and 45.
        Assert.Equal(0.9, ours.Cells[rot].Summary!.Mean, 12);
        Assert.Equal(0, ours.Cells[rot].Summary!.StandardDeviation!.Value, 12);
        Assert.DoesNotContain(board.Metrics, m => m.Key == MetricCatalogue.RotErr.Key);
        // TransErr is missing everywhere (no translation): no summary, no best.
        int trans = board.Metrics.ToList().FindIndex(m => m.Key == MetricCatalogue.TransErrPerFrame.Key);
        Assert.All(board.Rows, r => Assert.Null(r.Cells[trans].Summary));
        Assert.Equal(3, board.Pairs.Count);
    }

    [Fact]
    public void TheLatexTableEscapesNamesPutsUnitsInTheHeaderAndTheEstablishedBestInBold()
    {
        var tex = LeaderboardTables.Latex(LeaderboardTables.Build(Outputs()), "Camera motion_transfer on 3 pairs.");
        Assert.Contains("\\toprule", tex);
        Assert.Contains("\\midrule", tex);
        Assert.Contains("\\bottomrule", tex);
        Assert.Contains("ours\\_v2 \\& co & 3", tex);
        Assert.Contains("base\\#1 100\\% & 3", tex);
        Assert.Contains("motion\\_transfer", tex);
        // Labels on the first header row; units, the column's power of ten and the direction on the second.
        Assert.Contains("Method & $n$ & CameraScore & PCE & RotErr per frame & TransErr per frame & Scene preservation & Flicker \\\\", tex);
        Assert.Contains(" & & ($\\times 10^{-6}$) $\\downarrow$ & $\\downarrow$ & ($^{\\circ}$) $\\downarrow$ & $\\downarrow$ & $\\uparrow$ & $\\uparrow$ \\\\", tex);
        // CameraScore: ours 1.1e-6 ± t(2)·0.1e-6/√3 = 0.248e-6, in units of the column's 1e-6, in bold (base is near 9.2e-6).
        Assert.Contains("$\\mathbf{1.100 \\pm 0.248}$", tex);
        Assert.Contains("$9.233 \\pm 0.625$", tex);
        // Flicker intervals overlap: neither bold. TransErr has no values: "--".
        var oursRow = tex.Split('\n').Single(l => l.StartsWith("ours", StringComparison.Ordinal));
        Assert.Equal(2, oursRow.Split("\\mathbf").Length);
        Assert.Contains("--", oursRow);
        Assert.Equal(tex.Count(c => c == '{'), tex.Count(c => c == '}'));
    }

    [Fact]
    public void TheCsvHasAMeanIntervalCountAndBestPerMetric()
    {
        var csv = LeaderboardTables.Csv(LeaderboardTables.Build(Outputs())).Split('\n');
        Assert.StartsWith("method,pairs,cameraScore_mean,cameraScore_low,cameraScore_high,cameraScore_n,cameraScore_best,pce_mean", csv[0]);
        var ours = csv.Single(l => l.StartsWith("ours", StringComparison.Ordinal)).Split(',');
        Assert.Equal(("3", "3", "true"), (ours[1], ours[5], ours[6]));
        Assert.Equal(1.1e-6, double.Parse(ours[2], System.Globalization.CultureInfo.InvariantCulture), 15);
        Assert.Contains(csv, l => l.StartsWith("base#1 100%,3,", StringComparison.Ordinal));
    }

    [Fact]
    public void PerFrameMetricsReadFromStoredScoresAndFromRowsOfOlderScorers()
    {
        var stored = Score(1e-6, 18, 8, 0.9);
        Assert.Equal(2.0, MetricCatalogue.RotErrPerFrame.Read(stored).Value!.Value, 12);
        Assert.Equal("no translation", MetricCatalogue.TransErrPerFrame.Read(stored).Reason);
        var old = StoredScore.Parse("""{"cameraScore": 0.1, "rotErr": {"radians": 0.1, "degrees": 5.7}}""");
        Assert.Equal(MetricCatalogue.NotInThisVersion, MetricCatalogue.RotErrPerFrame.Read(old).Reason);
        Assert.Same(MetricCatalogue.RotErrPerFrame, MetricCatalogue.Find("rotErrPerFrameDegrees"));
    }
}
