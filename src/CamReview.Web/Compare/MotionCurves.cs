using CamReview.Pipeline.Analyze;

namespace CamReview.Web.Compare;

/// <summary>A clip's camera motion per analysed pair of frames, for plotting: the shift in normalized units (a full
/// frame width is 2 on the longer side), the zoom factor and the roll in degrees. Null where the pair was flagged.</summary>
public sealed record MotionCurve(IReadOnlyList<int> Frames, IReadOnlyList<double?> Dx, IReadOnlyList<double?> Dy,
    IReadOnlyList<double?> Zoom, IReadOnlyList<double?> Roll)
{
    public static MotionCurve From(ClipAnalysis analysis)
    {
        var pairs = analysis.Pairs;
        double? Take(PairAnalysis p, Func<CamReview.Core.PairMotion, double> value) => p.Ok && p.Motion is { } m ? value(m) : null;
        return new MotionCurve(
            pairs.Select(p => p.FromFrame).ToArray(),
            pairs.Select(p => Take(p, m => m.Dx)).ToArray(),
            pairs.Select(p => Take(p, m => m.Dy)).ToArray(),
            pairs.Select(p => Take(p, m => m.Zoom)).ToArray(),
            pairs.Select(p => Take(p, m => m.RollDegrees)).ToArray());
    }
}

/// <summary>What is stored with an output's score: its motion and its reference's, from the analyses it was scored with.</summary>
public sealed record StoredMotion(MotionCurve Reference, MotionCurve Output);
