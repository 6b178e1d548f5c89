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

    public static PortalOptions From(IConfiguration configuration)
    {
        var options = configuration.GetSection(Section).Get<PortalOptions>() ?? new PortalOptions();
        options.DataDir = Path.GetFullPath(configuration["data"] ?? options.DataDir);
        options.WebRoot = configuration["webroot"] ?? options.WebRoot;
        options.WebRoot = Path.GetFullPath(string.IsNullOrWhiteSpace(options.WebRoot) ? LocateWebRoot() : options.WebRoot);
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
