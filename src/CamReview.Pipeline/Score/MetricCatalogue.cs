using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using CamReview.Core.Statistics;
using CamReview.Pipeline.Analyze;

namespace CamReview.Pipeline.Score;

/// <summary>Which way a metric improves.</summary>
public enum Better { Lower, Higher }

/// <summary>A metric of one score: its number, or null with the reason; a note on how it was obtained where that
/// matters (e.g. a classical fallback instead of a learned encoder); and its 95% interval where the scorer gives one
/// (a moving-block bootstrap over the clip's pairs or frames).</summary>
public readonly record struct MetricReading(double? Value, string? Reason, string? Note)
{
    public ConfidenceInterval? Interval { get; init; }
}

/// <summary>One metric the scorer emits.</summary>
/// <param name="Key">Its name in the score's JSON, the export's column and the JSON export's key.</param>
/// <param name="Label">How people read it ("CameraScore", "Scene preservation").</param>
/// <param name="Unit">The unit of its value, where it has one ("°").</param>
/// <param name="Better">Which way it improves.</param>
/// <param name="Description">One sentence for tooltips and the metric help.</param>
/// <param name="Decimals">Digits shown after the point (of the mantissa when <paramref name="Scientific"/>): every value of
/// a metric is written alike, in tables, hover boxes and exports meant for reading.</param>
/// <param name="Scientific">Values span decades (CameraScore): written as mantissa and exponent, 1.785e-6.</param>
public sealed record MetricDefinition(string Key, string Label, string? Unit, Better Better, string Description, int Decimals, bool Scientific = false)
{
    /// <summary>The value as tables show it: "1.785e-6", "0.851", "6.23" (and an exact 0 of a scientific one as "0").</summary>
    public string Format(double value) => value == 0 && Scientific ? "0" :
        value.ToString(Scientific ? $"0.{new string('0', Decimals)}e+0" : $"0.{new string('0', Decimals)}", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>For a metric summed over frames (RotErr, TransErr): the same per compared frame, by which clips of
    /// different lengths are compared and ranked (a sum grows with the clip's length); null for the others.</summary>
    public MetricDefinition? PerFrame { get; init; }

    /// <summary>The same format for plotly's hover boxes (d3-format).</summary>
    public string D3Format => $".{Decimals}{(Scientific ? "e" : "f")}";

    /// <summary>How it is computed, in Unicode (the metric reference page and exports' documentation).</summary>
    public string Formula { get; init; } = "";

    /// <summary>"lower is better" / "higher is better".</summary>
    public string Direction => Better == Better.Lower ? "lower is better" : "higher is better";

    /// <summary>The label with its unit: "RotErr (°)".</summary>
    public string Heading => Unit is null ? Label : $"{Label} ({Unit})";

    /// <summary>A plot axis: "CameraScore (lower is better)".</summary>
    public string AxisTitle => $"{Heading} ({Direction})";

    internal Func<ScoreResult, MetricReading> Reader { get; init; } = _ => default;

    /// <summary>This metric of a score; "not computed" with the scorer's reason when it has no value.</summary>
    public MetricReading Read(StoredScore score)
    {
        if (!score.Has(Key)) return new MetricReading(null, MetricCatalogue.NotInThisVersion, null);
        var reading = Reader(score.Result);
        return reading.Value is null ? reading with { Reason = reading.Reason ?? "not computed" } : reading with { Reason = null };
    }
}

/// <summary>A score as it was stored (<see cref="ScoreResult"/> as JSON), read once into the typed result, with the
/// top-level fields the scorer that wrote it knew: a row from an older scorer lacks the newer metrics, and that is
/// reported as such rather than as a zero.</summary>
public sealed record StoredScore(ScoreResult Result, IReadOnlySet<string> Fields)
{
    /// <summary>Stored scores are read leniently: rows written before a field became required, or by hand, lack it.</summary>
    private static readonly JsonSerializerOptions Lenient = new(FolderAnalysisCache.JsonOptions)
    {
        TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { info => { foreach (var p in info.Properties) p.IsRequired = false; } } },
    };

    public bool Has(string field) => Fields.Contains(field);

    /// <summary>Compared pairs usable on both sides, where the score says.</summary>
    public int? PairsUsed => Has("pairsUsed") ? Result.PairsUsed : null;

    /// <summary>Compared pairs flagged on either side, where the score says.</summary>
    public int? PairsFlagged => Has("pairsFlagged") ? Result.PairsFlagged : null;

    public static StoredScore Parse(string json)
    {
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw new JsonException("a stored score is a JSON object");
        var result = root.Deserialize<ScoreResult>(Lenient) ?? throw new JsonException("a stored score is a JSON object");
        return new StoredScore(result, root.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal));
    }
}

/// <summary>Every metric the scorer emits, in one place: the compare table's columns, tooltips and best-marking
/// direction, the plots' axes, the metric exports' column names and keys, and the CLI's names come from here.</summary>
public static class MetricCatalogue
{
    public const string NotInThisVersion = "not computed by this version of the scorer";

    public static readonly MetricDefinition CameraScore = new("cameraScore", "CameraScore", null, Better.Lower,
        "CamMimic CameraScore: mean squared Frobenius distance between the reference's and the output's normalized frame-to-frame homographies; 0 = the reference's motion",
        Decimals: 3, Scientific: true)
    {
        Formula = "CameraScore = (1/N) Σᵢ ‖H_R,i − H_G,i‖²_F over the N consecutive frame pairs of the reference R and the output G; "
            + "each homography in normalized image coordinates (centre 0, half the longer side 1) and scaled so that H₃₃ = 1. "
            + "The output is read at the reference's frame times (its motion between two of them interpolated), over the time both clips cover; "
            + "pairs unusable on either side (a cut, a black frame) are left out and counted. 95% interval: moving-block bootstrap over the pairs.",
        Reader = s => new(s.CameraScore, s.CameraScoreReason, null) { Interval = s.CameraScoreInterval },
    };

    public static readonly MetricDefinition Pce = new("pce", "PCE", null, Better.Lower,
        "Parallax consistency error: mean |log ratio| of the reference's and the output's parallax numbers; 0 = the same parallax",
        Decimals: 3)
    {
        Formula = "PCE = mean over frame pairs of |ln(max(Π_G, ε) / max(Π_R, ε))|, ε = 10⁻³, where Π is the parallax number of a frame pair "
            + "(how much near and far points move apart, from the estimated camera path), on the reference's time base. "
            + "95% interval: moving-block bootstrap over the pairs.",
        Reader = s => new(s.Pce, s.PceReason, null) { Interval = s.PceInterval },
    };

    public static readonly MetricDefinition RotErrPerFrame = new("rotErrPerFrameDegrees", "RotErr per frame", "°", Better.Lower,
        "RotErr divided by the frames it sums over: the mean rotation error of a frame, comparable between clips of different lengths",
        Decimals: 3)
    {
        Formula = "RotErr per frame = RotErr / (P + 1), with P the compared pairs whose motion entered RotErr (the paths span P + 1 of the reference's frames, "
            + "the output read at their times). Its 95% interval is RotErr's divided alike.",
        Reader = s => new(s.RotErrPerFrameDegrees, s.RotErrReason, null) { Interval = s.RotErrPerFrameIntervalDegrees },
    };

    public static readonly MetricDefinition TransErrPerFrame = new("transErrPerFrame", "TransErr per frame", null, Better.Lower,
        "TransErr divided by the frames it sums over: the mean camera-centre distance of a frame, comparable between clips of different lengths",
        Decimals: 4)
    {
        Formula = "TransErr per frame = TransErr / (P + 1), with P the compared pairs whose motion entered TransErr. Its 95% interval is TransErr's divided alike.",
        Reader = s => new(s.TransErrPerFrame, s.TransErrReason, null) { Interval = s.TransErrPerFrameInterval },
    };

    public static readonly MetricDefinition RotErr = new("rotErr", "RotErr", "°", Better.Lower,
        "CamI2V rotation error: geodesic angle between the reference's and the output's camera orientations, summed over frames",
        Decimals: 2)
    {
        Formula = "RotErr = Σ over frames of arccos((tr(R_Rᵀ R_G) − 1) / 2), with both camera paths relative to their first frame, in degrees. "
            + "A sum: clips of different lengths are compared by RotErr per frame. 95% interval: moving-block bootstrap over the frames.",
        Reader = s => s.RotErr is { } angle ? new(angle.Degrees, null, "degrees") { Interval = s.RotErrIntervalDegrees } : new(null, s.RotErrReason, null),
        PerFrame = RotErrPerFrame,
    };

    public static readonly MetricDefinition TransErr = new("transErr", "TransErr", null, Better.Lower,
        "CamI2V translation error: distance between scale-normalised camera centres, summed over frames",
        Decimals: 3)
    {
        Formula = "TransErr = Σ over frames of ‖c_R − c_G‖, the camera centres of each path divided by that path's largest centre norm; "
            + "none when a path has no translation (rotation or zoom only). A sum: clips of different lengths are compared by TransErr per frame. "
            + "95% interval: moving-block bootstrap over the frames.",
        Reader = s => new(s.TransErr, s.TransErrReason, null) { Interval = s.TransErrInterval },
        PerFrame = TransErrPerFrame,
    };

    public static readonly MetricDefinition SceneSimilarity = new("sceneSimilarity", "Scene preservation", null, Better.Higher,
        "Mean cosine similarity of the target image's and each output frame's embedding; 1 = the target's scene throughout",
        Decimals: 3)
    {
        Formula = "Scene preservation = mean over up to 32 output frames of cos(e(target), e(frame)), with e the configured image encoder "
            + "(an ONNX model such as DINO); without one, a labelled classical fallback (colour and gradient histograms) whose values are not "
            + "comparable with an encoder's.",
        Reader = s => new(s.SceneSimilarity?.Value, s.SceneSimilarity?.Reason, EncoderNote(s.SceneSimilarity?.Encoder)),
    };

    public static readonly MetricDefinition Flicker = new("flicker", "Flicker", null, Better.Higher,
        "VBench temporal flickering: 1 = no change between frames, higher is steadier",
        Decimals: 4)
    {
        Formula = "Flicker = (255 − mean |frame_i+1 − frame_i|) / 255 over every pair of consecutive frames, all three channels, 8-bit.",
        Reader = s => new(s.Flicker?.Value, s.Flicker?.Reason, null),
    };

    public static readonly MetricDefinition SubjectConsistency = new("subjectConsistency", "Subject consistency", null, Better.Higher,
        "VBench subject consistency: mean cosine of each frame's embedding with the first and the previous frame's (learned encoder only)",
        Decimals: 3)
    {
        Formula = "Subject consistency = mean over frames i ≥ 1 of (max(0, cos(f_i, f_i−1)) + max(0, cos(f_i, f_0))) / 2 on the encoder's features.",
        Reader = s => new(s.SubjectConsistency?.Value, s.SubjectConsistency?.Reason, EncoderNote(s.SubjectConsistency?.Encoder)),
    };

    /// <summary>Every metric, in the order tables show them.</summary>
    public static IReadOnlyList<MetricDefinition> All { get; } = [CameraScore, Pce, RotErr, TransErr, SceneSimilarity, Flicker, SubjectConsistency];

    /// <summary>The metrics a comparison's table and its exports have as columns (the exports' column set is fixed:
    /// users' spreadsheets depend on it).</summary>
    public static IReadOnlyList<MetricDefinition> Compared { get; } = [CameraScore, Pce, RotErr, TransErr, SceneSimilarity, Flicker];

    /// <summary>The leaderboard's columns: the compared metrics, with RotErr and TransErr per frame, because their sums
    /// would rank clips of different lengths by their length.</summary>
    public static IReadOnlyList<MetricDefinition> Ranked { get; } = [CameraScore, Pce, RotErrPerFrame, TransErrPerFrame, SceneSimilarity, Flicker];

    /// <summary>Every metric the metric reference explains: the scorer's and the per-frame forms the leaderboard ranks by.</summary>
    public static IReadOnlyList<MetricDefinition> Documented { get; } = [.. All, RotErrPerFrame, TransErrPerFrame];

    public static MetricDefinition? Find(string key) => Documented.FirstOrDefault(m => m.Key == key);

    private static string? EncoderNote(string? encoder) => encoder is null ? null
        : encoder.StartsWith("classical", StringComparison.OrdinalIgnoreCase) ? $"classical fallback ({encoder})" : $"encoder {encoder}";
}
