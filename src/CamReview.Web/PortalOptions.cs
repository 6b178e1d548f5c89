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

    public static PortalOptions From(IConfiguration configuration)
    {
        var options = configuration.GetSection(Section).Get<PortalOptions>() ?? new PortalOptions();
        options.DataDir = Path.GetFullPath(configuration["data"] ?? options.DataDir);
        options.WebRoot = configuration["webroot"] ?? options.WebRoot;
        options.WebRoot = Path.GetFullPath(string.IsNullOrWhiteSpace(options.WebRoot) ? LocateWebRoot() : options.WebRoot);
        options.Uploads.Validate();
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

    internal void Validate()
    {
        if (MaxBytes <= 0 || MaxImagePixels <= 0 || MaxVideoPixels <= 0 || MaxVideoFrames < 2 || !(MaxVideoSeconds > 0))
            throw new InvalidOperationException("CamReview:Uploads limits must be positive (MaxVideoFrames at least 2).");
    }
}

public sealed class AuthOptions
{
    /// <summary>A session ends after this many hours without a request (sliding expiry).</summary>
    public double SessionHours { get; set; } = 12;
}
