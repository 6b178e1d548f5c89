namespace CamReview.Data.Entities;

/// <summary>What a job does.</summary>
public enum JobKind
{
    /// <summary>Render an output of a pair with a built-in renderer (method name + JSON parameters).</summary>
    Render = 1,

    /// <summary>Analyse a clip's camera motion (fills the analysis cache).</summary>
    Analyze = 2,

    /// <summary>Score an output against its pair's reference (CameraScore and the other metrics).</summary>
    ScoreOutput = 3,

    /// <summary>Encode a study's videos to its one profile for participants (when it opens).</summary>
    PrepareStudyMedia = 4,
}

/// <summary>Where a job is in its life: Queued → Running → Succeeded | Failed | Canceled; Failed/Canceled → Queued
/// again by a retry (while attempts remain); a Running job whose lease expired (its process died) is claimed again
/// as if it were Queued.</summary>
public enum JobState
{
    Queued = 1,
    Running = 2,
    Succeeded = 3,
    Failed = 4,
    Canceled = 5,
}

/// <summary>A durable unit of background work. Claimed by one worker at a time through an atomic lease
/// (<see cref="LeaseOwner"/> until <see cref="LeaseExpiresUtc"/>), renewed by heartbeats while it runs.</summary>
public sealed class Job
{
    public int Id { get; set; }
    public JobKind Kind { get; set; }
    public JobState State { get; set; }

    public int ProjectId { get; set; }
    public Project Project { get; set; } = null!;

    /// <summary>The pair rendered or scored (deleted with it).</summary>
    public int? PairId { get; set; }
    public Pair? Pair { get; set; }

    /// <summary>Render: the output it produced. Score: the output scored. Analyze: the clip analysed.</summary>
    public int? AssetId { get; set; }
    public Asset? Asset { get; set; }

    /// <summary>Render: the method label the output gets (e.g. "homography (black)").</summary>
    public string? MethodName { get; set; }

    /// <summary>Render: the renderer that runs it ("homography", "parallax" or an external method's name): what workers
    /// lease by. Null for other kinds.</summary>
    public string? Method { get; set; }

    /// <summary>The job's parameters as JSON (render: {"method": ..., "parameters": {...}}).</summary>
    public required string ParametersJson { get; set; }

    /// <summary>How many times a worker has claimed the job.</summary>
    public int Attempts { get; set; }
    public int MaxAttempts { get; set; }

    public string? LeaseOwner { get; set; }
    public DateTime? LeaseExpiresUtc { get; set; }
    public DateTime? HeartbeatUtc { get; set; }

    /// <summary>Set by a cancel while the job runs; the worker that holds it stops cooperatively.</summary>
    public bool CancelRequested { get; set; }

    public string? ProgressStage { get; set; }
    public double ProgressPercent { get; set; }
    public double? EtaSeconds { get; set; }

    public string? Error { get; set; }

    /// <summary>The end of the log of the run that last reported one (a worker's external command), size-limited.</summary>
    public string? Log { get; set; }

    /// <summary>Seconds per stage, as a JSON object.</summary>
    public string? TimingsJson { get; set; }

    /// <summary>Where the work ran (e.g. "cpu", or an ONNX Runtime execution provider).</summary>
    public string? Device { get; set; }

    public int? CreatedByUserId { get; set; }
    public User? CreatedBy { get; set; }
    public DateTime CreatedUtc { get; set; }
    public DateTime? StartedUtc { get; set; }
    public DateTime? FinishedUtc { get; set; }
}

/// <summary>The metrics of one output against its pair's reference: the whole score as JSON (so metrics added to the
/// scorer appear without schema changes) and CameraScore in a column of its own, for sorting.</summary>
public sealed class OutputScore
{
    public int AssetId { get; set; }
    public Asset Asset { get; set; } = null!;

    /// <summary>The reference the output was scored against.</summary>
    public int ReferenceAssetId { get; set; }

    public double? CameraScore { get; set; }
    public string? CameraScoreReason { get; set; }

    public required string ResultJson { get; set; }

    /// <summary>Per-frame motion curves of the output and of its reference (shift, zoom, roll per analysed pair) as JSON;
    /// null for outputs scored before curves were recorded.</summary>
    public string? MotionJson { get; set; }
    public string? Device { get; set; }
    public DateTime ScoredUtc { get; set; }
}
