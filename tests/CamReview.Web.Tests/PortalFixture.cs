using CamReview.Data;
using CamReview.Data.Entities;
using CamReview.Web.Accounts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace CamReview.Web.Tests;

/// <summary>The real portal on a free loopback port with a data folder of its own, its administrator created from
/// configuration (CamReview:Admin:*), and Debian's Chromium driven by Playwright (started on first use). Shared by
/// the tests of one class; each test opens its own browser context.</summary>
public class PortalFixture : IAsyncLifetime
{
    // Debian's Chromium: never a downloaded browser. The flags keep it off the (closed) network.
    public const string ChromiumPath = "/usr/bin/chromium";
    private static readonly string[] ChromiumArgs =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic",
    ];

    public const string AdminEmail = "ada@camreview.test";
    public const string AdminPassword = "lovelace-1843";
    public const string AdminName = "Ada Admin";
    public const string AdminTeam = "Lab";

    private WebApplication? _app;
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private readonly SemaphoreSlim _browserLock = new(1, 1);

    public string DataDir { get; } = Directory.CreateTempSubdirectory("camreview-portal-").FullName;
    public Uri BaseAddress { get; private set; } = null!;
    public IServiceProvider Services => _app!.Services;

    /// <summary>An anonymous client (no cookies kept, redirects not followed).</summary>
    public HttpClient Http { get; private set; } = null!;

    /// <summary>Configuration on the command line besides the address and the data folder.</summary>
    protected virtual IEnumerable<string> ExtraArgs => [.. AdminArgs, .. NoDemo];

    public static readonly string[] AdminArgs =
    [
        $"--CamReview:Admin:Email={AdminEmail}", $"--CamReview:Admin:Password={AdminPassword}",
        $"--CamReview:Admin:DisplayName={AdminName}", $"--CamReview:Admin:Team={AdminTeam}",
    ];

    /// <summary>The portal's database is a new one on the test PostgreSQL server (<see cref="CamReview.Tests.TestServers"/>)
    /// instead of SQLite in the data folder.</summary>
    protected virtual bool OnPostgres => false;

    /// <summary>The configuration that puts a portal on a PostgreSQL database.</summary>
    public static string[] PostgresArgs(string connectionString) => ["--CamReview:Database:Provider=postgres", $"--ConnectionStrings:CamReview={connectionString}"];

    /// <summary>The demo content costs a few renders: only the tests about it turn it on.</summary>
    public static readonly string[] NoDemo = ["--CamReview:Demo:Enabled=false"];

    /// <summary>Changes to the portal's builder before it builds (e.g. a log provider of the test's own).</summary>
    protected virtual void Configure(WebApplicationBuilder builder) { }

    public virtual async Task InitializeAsync()
    {
        // What a page shows is waited for as long as actions are: a loaded machine connects circuits slowly.
        Assertions.SetDefaultExpectTimeout(20_000);
        string[] database = OnPostgres ? PostgresArgs(await CamReview.Tests.TestServers.NewPostgresDatabaseAsync()) : [];
        _app = Portal.Build(["--urls", "http://127.0.0.1:0", "--data", DataDir, "--environment", "Production", .. database, .. ExtraArgs], Configure);
        await _app.StartAsync();
        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        BaseAddress = new Uri(address.EndsWith('/') ? address : address + "/");
        Http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = BaseAddress };
    }

    /// <summary>A page in a browser context of its own (<paramref name="options"/>: a phone's viewport, touch, ...).</summary>
    public async Task<IPage> NewPageAsync(BrowserNewContextOptions? options = null)
    {
        options ??= new BrowserNewContextOptions();
        options.BaseURL = BaseAddress.ToString();
        var context = await (await BrowserAsync()).NewContextAsync(options);
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(20_000);
        return page;
    }

    /// <summary>A browser page signed in through the sign-in form.</summary>
    public async Task<IPage> SignedInPageAsync(string email = AdminEmail, string password = AdminPassword)
    {
        var page = await NewPageAsync();
        await SignInAsync(page, email, password);
        return page;
    }

    public static async Task SignInAsync(IPage page, string email, string password)
    {
        await page.GotoAsync("account/login");
        await page.Locator("#login-email").FillAsync(email);
        await page.Locator("#login-password").FillAsync(password);
        await page.GetByTestId("sign-in").ClickAsync();
        await Assertions.Expect(page.GetByTestId("current-user")).ToBeVisibleAsync();
    }

    /// <summary>An HTTP client with a session of its own, signed in through the sign-in form.</summary>
    public Task<PortalClient> ClientAsync(string email = AdminEmail, string password = AdminPassword) => PortalClient.SignInAsync(BaseAddress, email, password);

    public CamReviewDb OpenDb() => Services.GetRequiredService<IDbContextFactory<CamReviewDb>>().CreateDbContext();

    /// <summary>An account added directly (not through the pages), optionally as a member of a team.</summary>
    public async Task<User> CreateUserAsync(string email, string name, string password, int? teamId = null, TeamRole role = TeamRole.Viewer)
    {
        var accounts = Services.GetRequiredService<AccountService>();
        await using var db = OpenDb();
        var user = accounts.NewUser(email, name, password, mustChangePassword: false, DateTime.UtcNow);
        db.Users.Add(user);
        if (teamId is { } id) db.TeamMembers.Add(new TeamMember { TeamId = id, User = user, Role = role, AddedUtc = DateTime.UtcNow });
        await db.SaveChangesAsync();
        return user;
    }

    public async Task<int> TeamIdAsync(string name)
    {
        await using var db = OpenDb();
        return await db.Teams.Where(t => t.Name == name).Select(t => t.Id).SingleAsync();
    }

    /// <summary>Every file in the data folder except the database, the data-protection keys, the analysis cache and the
    /// videos' browser proxies (made in the background whenever a video is stored, with their temporary files: see
    /// <see cref="PlaybackFiles"/>), relative.</summary>
    public IReadOnlyList<string> StoredFiles() => AllFiles().Where(f => !IsPlayback(f)).ToList();

    /// <summary>The browser proxies in the data folder and the temporary files of those being made, relative.</summary>
    public IReadOnlyList<string> PlaybackFiles() => AllFiles().Where(IsPlayback).ToList();

    private static bool IsPlayback(string file) => Path.GetFileName(file).Contains(".playback.mp4", StringComparison.Ordinal);

    /// <summary>The temporary files in the data folder (uploads and renders in progress or left behind), relative.</summary>
    public IReadOnlyList<string> TempFiles() => AllFiles().Where(f => f.StartsWith(MediaFiles.TempFolder + Path.DirectorySeparatorChar, StringComparison.Ordinal)).ToList();

    /// <summary>The data folder's files without the database, keys, caches and the media store's lock files (which
    /// mark live instances and are not data).</summary>
    private IEnumerable<string> AllFiles() =>
        Directory.EnumerateFiles(DataDir, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(DataDir, f))
            .Where(f => !f.StartsWith(Database.FileName, StringComparison.Ordinal) && !f.StartsWith("keys" + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                        && !f.StartsWith("cache" + Path.DirectorySeparatorChar, StringComparison.Ordinal)
                        && !(f.StartsWith(MediaFiles.TempFolder + Path.DirectorySeparatorChar, StringComparison.Ordinal) && f.EndsWith(".lock", StringComparison.Ordinal)))
            .Order(StringComparer.Ordinal);

    private async Task<IBrowser> BrowserAsync()
    {
        await _browserLock.WaitAsync();
        try
        {
            if (_browser is not null) return _browser;
            _playwright = await Playwright.CreateAsync();
            return _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ChromiumPath,
                Headless = true,
                Args = ChromiumArgs,
            });
        }
        finally
        {
            _browserLock.Release();
        }
    }

    public async Task DisposeAsync()
    {
        Http?.Dispose();
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(DataDir, recursive: true);
    }
}

/// <summary>A portal whose database has no account yet: the first-run setup page is to be walked.</summary>
public sealed class FreshPortalFixture : PortalFixture
{
    protected override IEnumerable<string> ExtraArgs => NoDemo;
}

/// <summary>A portal that accepts uploads of at most 4 KB.</summary>
public sealed class TinyUploadLimitPortalFixture : PortalFixture
{
    public const long MaxBytes = 4096;
    protected override IEnumerable<string> ExtraArgs => [.. base.ExtraArgs, $"--CamReview:Uploads:MaxBytes={MaxBytes}"];
}

/// <summary>A portal given its static files folder on the command line (`--webroot`), as `camreview serve --webroot` does.</summary>
public sealed class ExplicitWebRootPortalFixture : PortalFixture
{
    protected override IEnumerable<string> ExtraArgs => [.. base.ExtraArgs, "--webroot", RepositoryWebRoot()];

    private static string RepositoryWebRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "CamReview.sln"))) return Path.Combine(dir.FullName, "wwwroot");
        throw new InvalidOperationException("The tests run inside a CamReview checkout.");
    }
}
