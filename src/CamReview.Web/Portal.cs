using System.Text.Json;
using System.Text.Json.Serialization;
using CamReview.Data;
using CamReview.Web.Accounts;
using CamReview.Web.Api;
using CamReview.Web.Authorization;
using CamReview.Web.Compare;
using CamReview.Web.Components;
using CamReview.Data.Entities;
using Microsoft.AspNetCore.Identity;
using CamReview.Web.Demo;
using CamReview.Web.Health;
using CamReview.Web.Hubs;
using CamReview.Web.Jobs;
using CamReview.Web.Media;
using CamReview.Web.Security;
using CamReview.Web.Services;
using CamReview.Web.Studies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.FileProviders;
using MudBlazor.Services;

namespace CamReview.Web;

/// <summary>Builds the review portal. Used by <c>camreview serve</c>, by the web project's own entry point and
/// by the tests, so all three run the same application.</summary>
public static class Portal
{
    public const string DefaultUrls = "http://127.0.0.1:5080";

    /// <param name="configure">Last changes to the builder before it builds (the tests add a log provider here).</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            // Static web assets (scoped CSS, component JS modules) are described by manifests named after
            // this project, whichever executable hosts it.
            ApplicationName = typeof(Portal).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseStaticWebAssets();
        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey])) builder.WebHost.UseUrls(DefaultUrls);
        // No "Server: Kestrel": the software behind the portal is nobody's business.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.AddServerHeader = false);
        // Every SQL statement, and every request's start, routing and end, at Information level cost more than many
        // requests they describe (votes, progress): only their warnings by default, as in ASP.NET Core's own templates;
        // Logging:LogLevel:<category> brings them back.
        foreach (var category in (string[])["Microsoft.EntityFrameworkCore.Database.Command", "Microsoft.AspNetCore"])
            if (builder.Configuration[$"Logging:LogLevel:{category}"] is null) builder.Logging.AddFilter(category, LogLevel.Warning);
        var options = PortalOptions.From(builder.Configuration);
        builder.Services.AddSingleton(options);

        builder.Services.AddSingleton(options.DatabaseTarget);
        builder.Services.AddDbContextFactory<CamReviewDb>(db => db.UseCamReview(options.DatabaseTarget));
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddMudServices();
        // Hub messages read like the API's JSON (enums as kebab-case names).
        var signalR = builder.Services.AddSignalR().AddJsonProtocol(json =>
            json.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower)));
        // Several instances behind one address: a message sent on any of them goes through Redis to the connections of all.
        if (!string.IsNullOrWhiteSpace(options.Redis))
            signalR.AddStackExchangeRedis(options.Redis, redis => redis.Configuration.ChannelPrefix = StackExchange.Redis.RedisChannel.Literal("CamReview"));
        builder.Services.AddSingleton<HubSessions>();
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower));
            json.SerializerOptions.DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull;
        });

        // Accounts and authorization: a signed-in user is required everywhere (pages, API, media, hubs, and addresses
        // that do not exist) unless an endpoint says [AllowAnonymous]; what they may do in a team is decided by
        // AccessService (roles per team, via TeamRoleHandler).
        builder.Services.AddPortalAuthentication(options);
        builder.Services.AddAuthorization(auth => auth.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        builder.Services.AddSingleton<IAuthorizationHandler, TeamRoleHandler>();
        builder.Services.AddSingleton<AccessService>();
        builder.Services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = "CamReview.Antiforgery";
            antiforgery.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });

        builder.Services.AddSingleton<IMediaStore, FolderMediaStore>();
        builder.Services.AddSingleton<PlaybackProxies>();
        builder.Services.AddHostedService(services => services.GetRequiredService<PlaybackProxies>());
        builder.Services.AddSingleton<ProjectService>();
        builder.Services.AddSingleton<InvitationService>();
        builder.Services.AddSingleton<TeamService>();
        builder.Services.AddSingleton<AssetService>();
        builder.Services.AddSingleton<PairService>();

        // Compare, share, comment, review.
        builder.Services.AddSingleton<ComparisonEvents>();
        builder.Services.AddSingleton<ComparisonService>();
        builder.Services.AddSingleton<LeaderboardService>();
        builder.Services.AddSingleton<CollaborationService>();
        builder.Services.AddSingleton<IPasswordHasher<ShareLink>, PasswordHasher<ShareLink>>();
        builder.Services.AddSingleton<ShareLinkService>();
        builder.Services.AddGuestCommentLimits();

        // Jobs: renders, analyses and scores on a bounded background service, live progress to every viewer.
        builder.Services.AddSingleton<JobEvents>();
        builder.Services.AddSingleton<JobStore>();
        builder.Services.AddSingleton<JobService>();
        builder.Services.AddSingleton<OutputScoring>();
        builder.Services.AddSingleton<RenderOutputStore>();
        builder.Services.AddSingleton<WorkerRegistry>();
        builder.Services.AddSingleton<PortalAnalysisCache>();
        builder.Services.AddSingleton<IJobExecutor, RenderJobExecutor>();
        builder.Services.AddSingleton<IJobExecutor, ScoreJobExecutor>();
        builder.Services.AddSingleton<IJobExecutor, AnalyzeJobExecutor>();
        builder.Services.AddSingleton<JobRunner>();
        builder.Services.AddHostedService(services => services.GetRequiredService<JobRunner>());
        builder.Services.AddHostedService<DemoContent>();
        builder.Services.AddStudies();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton<StorageHealth>();
        builder.Services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database")
            .AddCheck<IntegrityHealthCheck>("integrity")
            .AddCheck<MediaHealthCheck>("media")
            .AddCheck<NativeLibrariesHealthCheck>("native");

        configure?.Invoke(builder);
        // Last: every logger, whichever provider it writes to, redacts the secrets of addresses (share and study links).
        builder.Services.AddLogRedaction();

        var app = builder.Build();
        try
        {
            Migrate(app, options);
            AdminBootstrap.RunAsync(app.Configuration, app.Services.GetRequiredService<AccountService>(), app.Logger).GetAwaiter().GetResult();
        }
        catch (SqliteException e)
        {
            var file = Path.Combine(options.DataDir, Database.FileName);
            throw Unusable(app, e,
                $"The database {file} cannot be used: {DataFolderCheck.Describe(e)}. The portal did not start and changed nothing. " +
                $"To recover, stop every process using the data folder and restore it (camreview.db with its -wal and -shm files, and media/) from a backup; " +
                $"`camreview db check --data {options.DataDir}` reports what is wrong with it. Moving the file aside starts a new, empty portal.");
        }
        catch (Npgsql.NpgsqlException e)
        {
            throw Unusable(app, e,
                $"The PostgreSQL database {options.DatabaseTarget.Describe()} cannot be used: {e.Message}. The portal did not start and changed nothing. " +
                "Check ConnectionStrings:CamReview, and that the server runs and lets this user in.");
        }
        app.Services.GetRequiredService<IMediaStore>().CleanTemp();

        app.UseSecurityHeaders(options);
        app.UseErrorPages();
        app.UseMiddleware<ApiProblems>();
        app.UseStaticFiles(new StaticFileOptions { FileProvider = WebRootFiles(options.WebRoot!) });
        // Routing after the static files: they are public and served before any endpoint is matched (otherwise the
        // static-assets fallback endpoint .NET 10 maps for the host's web root would match first and ask for a sign-in).
        app.UseRouting();
        app.Use((context, next) =>
        {
            // The API and media answer with JSON bodies of their own, never with the HTML "not found" page.
            if (PortalAuthentication.IsMachinePath(context.Request.Path) && context.Features.Get<IStatusCodePagesFeature>() is { } pages)
                pages.Enabled = false;
            return next(context);
        });
        app.UseAuthentication();
        app.UseMiddleware<PortalGate>();
        app.UseAuthorization();
        app.UseAntiforgery();
        app.UseFormTokenRefusal();
        app.UseApiAntiforgery();
        // The rate limits (the studies' policies, guest comments): after the token checks, so that a forged form is
        // refused before it counts against a guest's allowance.
        app.UseRateLimiter();
        app.MapStaticAssets().AllowAnonymous();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode().Add(endpoint =>
        {
            // The framework's script is needed by the sign-in and setup pages too.
            if (endpoint is RouteEndpointBuilder { RoutePattern.RawText: { } route } && route.TrimStart('/').StartsWith("_framework/", StringComparison.Ordinal))
                endpoint.Metadata.Add(new AllowAnonymousAttribute());
        });
        app.MapPortalApi();
        app.MapCompareApi();
        app.MapWorkerApi();
        app.MapStudies();
        app.MapHub<ReviewHub>(ReviewHub.Path).RequireAuthorization();
        app.MapHealthChecks("/health", HealthReportWriter.Options).AllowAnonymous();
        return app;
    }

    private static void Migrate(WebApplication app, PortalOptions options)
    {
        using var db = app.Services.GetRequiredService<IDbContextFactory<CamReviewDb>>().CreateDbContext();
        Database.MigrateAsync(db).GetAwaiter().GetResult();
        app.Logger.LogInformation("Data folder {DataDir}; {Provider} database {Database} migrated", options.DataDir, options.DatabaseTarget.ProviderName,
            options.DatabaseTarget.Describe());
    }

    /// <summary>The database cannot be opened or migrated: logged with what to do, the host disposed (which flushes the
    /// log), and the exception the entry points turn into a message and a non-zero exit.</summary>
    private static PortalStartupException Unusable(WebApplication app, Exception e, string message)
    {
        app.Logger.LogCritical("{Message}", message);
        app.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return new PortalStartupException(message, e);
    }

    private static IFileProvider WebRootFiles(string webRoot)
    {
        if (!File.Exists(Path.Combine(webRoot, "css", "app.css")))
            throw new InvalidOperationException(
                $"The static files folder {webRoot} has no css/app.css: set CamReview:WebRoot to the portal's wwwroot/.");
        return new PhysicalFileProvider(webRoot);
    }
}
