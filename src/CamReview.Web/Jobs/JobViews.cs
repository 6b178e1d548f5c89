using System.Linq.Expressions;
using System.Text.Json;
using System.Text.Json.Serialization;
using CamReview.Data.Entities;
using CamReview.Pipeline.Score;

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
        JobKind.PrepareStudyMedia => "prepare-study-media",
        _ => Kind.ToString(),
    };

    internal static readonly Expression<Func<Job, JobView>> FromEntity = j => new JobView(
        j.Id, j.Kind, j.State, j.ProjectId, j.PairId, j.AssetId, j.MethodName, j.ParametersJson, j.Attempts, j.MaxAttempts, j.CancelRequested,
        j.ProgressStage, j.ProgressPercent, j.EtaSeconds, j.Error, j.TimingsJson, j.Device,
        j.CreatedBy != null ? j.CreatedBy.DisplayName : null, j.CreatedUtc, j.StartedUtc, j.FinishedUtc);
}

/// <summary>The stored metrics of an output: the whole score, read once into its typed result (<see cref="Stored"/>),
/// with CameraScore from its own column (the column is what queries sort and filter by).</summary>
public sealed record ScoreView(int AssetId, int ReferenceAssetId, double? CameraScore, string? CameraScoreReason, string ResultJson, string? Device, DateTime ScoredUtc)
{
    /// <summary>Not sent by the API: <see cref="ResultJson"/> is the same score.</summary>
    [JsonIgnore]
    public StoredScore Stored { get; } = WithCameraScore(StoredScore.Parse(ResultJson), CameraScore, CameraScoreReason);

    /// <summary>One metric of the score (see <see cref="MetricCatalogue"/>).</summary>
    public MetricReading Read(MetricDefinition metric) => metric.Read(Stored);

    private static StoredScore WithCameraScore(StoredScore stored, double? value, string? reason) => new(
        stored.Result with { CameraScore = value, CameraScoreReason = reason },
        new HashSet<string>(stored.Fields, StringComparer.Ordinal) { MetricCatalogue.CameraScore.Key });
}

/// <summary>A change to a job, sent to every viewer of its project (in-process to Blazor circuits, and over the
/// review hub as "job" to other clients).</summary>
public sealed record JobUpdate(JobView Job)
{
    public int ProjectId => Job.ProjectId;
}
