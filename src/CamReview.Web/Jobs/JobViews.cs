using System.Linq.Expressions;
using System.Text.Json;
using CamReview.Data.Entities;

namespace CamReview.Web.Jobs;

/// <summary>What pages, the API and live updates show of a job.</summary>
public sealed record JobView(
    int Id, JobKind Kind, JobState State, int ProjectId, int? PairId, int? AssetId, string? MethodName, string ParametersJson,
    int Attempts, int MaxAttempts, bool CancelRequested, string? Stage, double Percent, double? EtaSeconds, string? Error,
    string? TimingsJson, string? Device, string? CreatedBy, DateTime CreatedUtc, DateTime? StartedUtc, DateTime? FinishedUtc)
{
    public bool IsFinished => State is JobState.Succeeded or JobState.Failed or JobState.Canceled;
    public bool CanCancel => State is JobState.Queued or JobState.Running && !CancelRequested;
    public bool CanRetry => State is JobState.Failed or JobState.Canceled && Attempts < MaxAttempts;

    /// <summary>Seconds per stage (render: analyze, prepare, warp, encode, store, total; score: analyze, score, total).</summary>
    public IReadOnlyDictionary<string, double> Timings =>
        string.IsNullOrEmpty(TimingsJson) ? new Dictionary<string, double>() :
        JsonSerializer.Deserialize<Dictionary<string, double>>(TimingsJson) ?? new Dictionary<string, double>();

    public string KindLabel => Kind switch
    {
        JobKind.Render => "render",
        JobKind.Analyze => "analyze",
        JobKind.ScoreOutput => "score-output",
        _ => Kind.ToString(),
    };

    internal static readonly Expression<Func<Job, JobView>> FromEntity = j => new JobView(
        j.Id, j.Kind, j.State, j.ProjectId, j.PairId, j.AssetId, j.MethodName, j.ParametersJson, j.Attempts, j.MaxAttempts, j.CancelRequested,
        j.ProgressStage, j.ProgressPercent, j.EtaSeconds, j.Error, j.TimingsJson, j.Device,
        j.CreatedBy != null ? j.CreatedBy.DisplayName : null, j.CreatedUtc, j.StartedUtc, j.FinishedUtc);
}

/// <summary>The stored metrics of an output (the whole score as JSON; CameraScore also as a number).</summary>
public sealed record ScoreView(int AssetId, int ReferenceAssetId, double? CameraScore, string? CameraScoreReason, string ResultJson, string? Device, DateTime ScoredUtc)
{
    /// <summary>A metric of the stored score by its JSON name ("pce", "rotErr", "sceneSimilarity", "flicker", ...): the
    /// number (an object's "value", or an angle's "degrees"), or null with the reason the scorer gave ("reason" inside,
    /// or "{name}Reason" beside it), or "not computed" when the scorer that made it had no such metric. Note: how the
    /// value was obtained when that matters (e.g. a classical fallback instead of a learned encoder).</summary>
    public (double? Value, string? Reason, string? Note) Metric(string name)
    {
        using var doc = JsonDocument.Parse(ResultJson);
        var root = doc.RootElement;
        if (!root.TryGetProperty(name, out var value)) return (null, "not computed by this version of the scorer", null);
        string? note = null;
        if (value.ValueKind == JsonValueKind.Object)
        {
            if (value.TryGetProperty("encoder", out var encoder) && encoder.ValueKind == JsonValueKind.String)
                note = encoder.GetString()!.StartsWith("classical", StringComparison.OrdinalIgnoreCase)
                    ? $"classical fallback ({encoder.GetString()})"
                    : $"encoder {encoder.GetString()}";
            foreach (var key in new[] { "value", "degrees" })
                if (value.TryGetProperty(key, out var inner) && inner.ValueKind == JsonValueKind.Number)
                    return (inner.GetDouble(), null, key == "degrees" ? "degrees" : note);
        }
        if (value.ValueKind == JsonValueKind.Number) return (value.GetDouble(), null, note);
        var reason = value.ValueKind == JsonValueKind.Object && value.TryGetProperty("reason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString()
            : root.TryGetProperty(name + "Reason", out var r2) && r2.ValueKind == JsonValueKind.String ? r2.GetString()
            : "not computed";
        return (null, reason, note);
    }

    /// <summary>Integers of the stored score (pairsUsed, pairsFlagged, ...), null when absent.</summary>
    public int? Int(string name)
    {
        using var doc = JsonDocument.Parse(ResultJson);
        return doc.RootElement.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetInt32() : null;
    }
}

/// <summary>A change to a job, sent to every viewer of its project (in-process to Blazor circuits, and over the
/// review hub as "job" to other clients).</summary>
public sealed record JobUpdate(JobView Job)
{
    public int ProjectId => Job.ProjectId;
}
