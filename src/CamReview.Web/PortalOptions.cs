using CamReview.Data;

namespace CamReview.Web;

/// <summary>Portal settings: section "CamReview" of configuration (appsettings, CAMREVIEW__* environment
/// variables, command line), plus the short aliases <c>--data</c> and <c>--webroot</c>.</summary>
public sealed class PortalOptions
{
    public const string Section = "CamReview";

    /// <summary>Where the SQLite database and uploaded/rendered media live. Relative paths are taken from
    /// the current directory.</summary>
    public string DataDir { get; set; } = "data";

    /// <summary>The folder of static files (css, JS modules, lib/ from npm). Empty: found automatically.</summary>
    public string? WebRoot { get; set; }

    /// <summary>What an upload may be (<c>CamReview:Uploads:*</c>).</summary>
    public UploadLimits Uploads { get; set; } = new();

    /// <summary>Sign-in sessions (<c>CamReview:Auth:*</c>).</summary>
    public AuthOptions Auth { get; set; } = new();

    /// <summary>The background job service (<c>CamReview:Jobs:*</c>).</summary>
    public JobOptions Jobs { get; set; } = new();

    /// <summary>Demo content made on first start (<c>CamReview:Demo:*</c>).</summary>
    public DemoOptions Demo { get; set; } = new();

    /// <summary>Optional ONNX models the jobs use (<c>CamReview:Models:*</c>).</summary>
    public ModelOptions Models { get; set; } = new();

    /// <summary>Reverse proxies whose forwarded headers are believed (<c>CamReview:ForwardedHeaders:*</c>).</summary>
    public Security.ForwardedHeadersSettings ForwardedHeaders { get; set; } = new();

    /// <summary>How often /health re-reads everything (<c>CamReview:Health:*</c>).</summary>
    public HealthOptions Health { get; set; } = new();

    /// <summary>The database engine (<c>CamReview:Database:Provider</c>: sqlite or postgres).</summary>
    public DatabaseOptions Database { get; set; } = new();

    /// <summary>A Redis connection string (<c>CamReview:Redis</c>): hub messages then reach the viewers connected to
    /// every portal instance sharing that Redis. Unset: one instance, messages stay in this process.</summary>
    public string? Redis { get; set; }

    /// <summary>Where the database is, from <see cref="Database"/> and <c>ConnectionStrings:CamReview</c>.</summary>
    public DatabaseTarget DatabaseTarget { get; private set; } = null!;

    public static PortalOptions From(IConfiguration configuration)
    {
        var options = configuration.GetSection(Section).Get<PortalOptions>() ?? new PortalOptions();
        options.DataDir = Path.GetFullPath(configuration["data"] ?? options.DataDir);
        options.WebRoot = configuration["webroot"] ?? options.WebRoot;
        options.WebRoot = Path.GetFullPath(string.IsNullOrWhiteSpace(options.WebRoot) ? LocateWebRoot() : options.WebRoot);
        options.Models.Normalize();
        options.Uploads.Validate();
        options.Auth.Validate();
        options.Jobs.Validate();
        options.ForwardedHeaders.Validate();
        options.Health.Validate();
        options.DatabaseTarget = options.Database.Target(configuration.GetConnectionString("CamReview"), options.DataDir);
        return options;
    }

    /// <summary>The top-level wwwroot/ of a source checkout (running from a build output inside it), else the
    /// wwwroot/ beside the executable (a published or container install).</summary>
    private static string LocateWebRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CamReview.sln")))
                return Path.Combine(dir.FullName, "wwwroot");
        }
        return Path.Combine(AppContext.BaseDirectory, "wwwroot");
    }
}

/// <summary>Which database the portal uses. SQLite keeps it in the data folder (no connection string); PostgreSQL
/// needs <c>ConnectionStrings:CamReview</c> (<c>ConnectionStrings__CamReview</c>).</summary>
public sealed class DatabaseOptions
{
    public string Provider { get; set; } = "sqlite";

    internal DatabaseTarget Target(string? connectionString, string dataDir)
    {
        if (DatabaseTarget.ParseProvider(Provider) == DatabaseProvider.Sqlite) return DatabaseTarget.Sqlite(dataDir);
        if (string.IsNullOrWhiteSpace(connectionString))
            throw new InvalidOperationException("CamReview:Database:Provider is postgres but ConnectionStrings:CamReview is not set (ConnectionStrings__CamReview).");
        return DatabaseTarget.Postgres(connectionString);
    }
}

/// <summary>Limits every upload is checked against before anything is kept.</summary>
public sealed class UploadLimits
{
    /// <summary>Largest file accepted, in bytes (enforced while the body streams in: 413 past it).</summary>
    public long MaxBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>Largest image, in pixels, checked from the file header before decoding (stops decompression bombs).</summary>
    public long MaxImagePixels { get; set; } = 50_000_000;

    /// <summary>Largest video frame, in pixels.</summary>
    public long MaxVideoPixels { get; set; } = 4096L * 2304;

    /// <summary>Most frames a video may have.</summary>
    public int MaxVideoFrames { get; set; } = 18_000;

    /// <summary>Longest video, in seconds (frames / frame rate).</summary>
    public double MaxVideoSeconds { get; set; } = 600;

    /// <summary>The most work one uploaded video may cause, in pixel-frames (width x height x frames): what decoding
    /// it to validate it, and every analysis and score of it, cost grows with. The default is 1920x1080 for 900
    /// frames (30 s at 30 fps); a 4096x2304 video may then have 197 frames. Checked from the container header
    /// before any frame is decoded, and again while decoding (a header may lie).</summary>
    public long MaxVideoWork { get; set; } = DefaultMaxVideoWork;

    public const long DefaultMaxVideoWork = 1920L * 1080 * 900;

    internal void Validate()
    {
        if (MaxBytes <= 0 || MaxImagePixels <= 0 || MaxVideoPixels <= 0 || MaxVideoFrames < 2 || !(MaxVideoSeconds > 0) || MaxVideoWork <= 0)
            throw new InvalidOperationException("CamReview:Uploads limits must be positive (MaxVideoFrames at least 2).");
    }
}

public sealed class AuthOptions
{
    /// <summary>A session ends after this many hours without a request (sliding expiry).</summary>
    public double SessionHours { get; set; } = 12;

    /// <summary>How often an open interactive page re-checks that its session has not ended (signed out elsewhere,
    /// password changed); a request, a new page or a reconnecting page checks at once.</summary>
    public double RevalidateSeconds { get; set; } = 60;

    internal void Validate()
    {
        if (!(SessionHours > 0) || !(RevalidateSeconds > 0))
            throw new InvalidOperationException("CamReview:Auth:SessionHours and RevalidateSeconds must be positive.");
    }
}

/// <summary>How background jobs (renders, analyses, scores) run in this process.</summary>
public sealed class JobOptions
{
    /// <summary>Jobs this process runs at once (<c>CamReview:Jobs:MaxConcurrency</c>). Default: 1 on machines with up
    /// to 4 cores, else 2 (every render and score already uses all cores). 0: this process runs no jobs (it only
    /// queues them, for another process to run).</summary>
    public int MaxConcurrency { get; set; } = Environment.ProcessorCount <= 4 ? 1 : 2;

    /// <summary>Whether this process runs render jobs itself (<c>CamReview:Jobs:LocalRenders</c>, default true). False:
    /// renders wait for a render worker (<c>camreview worker</c>); analyses, scores and study media still run here.
    /// Renders of external methods run on workers only, whatever this says.</summary>
    public bool LocalRenders { get; set; } = true;

    /// <summary>Largest result a render worker may upload, in bytes (<c>CamReview:Jobs:MaxResultBytes</c>; 413 past it).</summary>
    public long MaxResultBytes { get; set; } = 1024L * 1024 * 1024;

    /// <summary>How long a claimed job stays leased without a heartbeat; after that another worker (or this one after
    /// a restart) takes it over.</summary>
    public double LeaseSeconds { get; set; } = 30;

    /// <summary>How often a running job renews its lease, saves its progress and looks for a cancel.</summary>
    public double HeartbeatSeconds { get; set; } = 2;

    /// <summary>How often an idle worker looks for work queued by another process (work queued here wakes it at once).</summary>
    public double PollSeconds { get; set; } = 2;

    /// <summary>How many times a job may be claimed (first run, runs after a crash, retries) before it stays failed.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>Largest render a user may ask for (frames).</summary>
    public int MaxRenderFrames { get; set; } = 600;

    /// <summary>What a render job may ask for: at most <see cref="MaxRenderFrames"/>, no trajectory files (a path on the server is not the user's).</summary>
    public Pipeline.Render.RenderLimits RenderLimits => new() { MaxFrames = MaxRenderFrames };

    /// <summary>Slows every rendered frame by this many milliseconds (0 = off): for demonstrations and tests of
    /// progress, cancel and restart, which need a render that lasts.</summary>
    public int FrameDelayMs { get; set; }

    internal void Validate()
    {
        if (MaxConcurrency < 0 || !(LeaseSeconds > 0) || !(HeartbeatSeconds > 0) || HeartbeatSeconds >= LeaseSeconds || !(PollSeconds > 0) ||
            MaxAttempts < 1 || MaxRenderFrames < 2 || FrameDelayMs < 0 || MaxResultBytes <= 0)
            throw new InvalidOperationException(
                "CamReview:Jobs: MaxConcurrency must be 0 or more, LeaseSeconds, HeartbeatSeconds and PollSeconds positive with HeartbeatSeconds below LeaseSeconds, MaxAttempts at least 1.");
    }
}

/// <summary>The checks of /health that read the whole database or media folder.</summary>
public sealed class HealthOptions
{
    /// <summary>Minutes a result of the database integrity check and of the media-file check is reused for
    /// (<c>CamReview:Health:CheckMinutes</c>); 0 runs them on every /health request.</summary>
    public double CheckMinutes { get; set; } = 10;

    internal void Validate()
    {
        if (!(CheckMinutes >= 0)) throw new InvalidOperationException("CamReview:Health:CheckMinutes must be 0 or more.");
    }
}

public sealed class DemoOptions
{
    /// <summary>Make the demo team, project, pair and rendered outputs when the data folder is new (<c>CamReview:Demo:Enabled</c>).</summary>
    public bool Enabled { get; set; } = true;
}

/// <summary>Optional models (paths to ONNX files; relative paths are taken from the current directory). Unset: the
/// portal falls back (planar depth, the classical scene encoder).</summary>
public sealed class ModelOptions
{
    /// <summary>Relative-inverse-depth model for parallax renders of pairs without a depth map (<c>CamReview:Models:Depth</c>).</summary>
    public string? Depth { get; set; }

    /// <summary>Image encoder (e.g. DINOv2) for the scene metrics of scores (<c>CamReview:Models:SceneEncoder</c>);
    /// unset: the classical fallback encoder.</summary>
    public string? SceneEncoder { get; set; }

    internal void Normalize()
    {
        Depth = string.IsNullOrWhiteSpace(Depth) ? null : Path.GetFullPath(Depth);
        SceneEncoder = string.IsNullOrWhiteSpace(SceneEncoder) ? null : Path.GetFullPath(SceneEncoder);
    }
}
