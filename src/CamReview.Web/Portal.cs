using CamReview.Data;
using CamReview.Web.Components;
using CamReview.Web.Health;
using CamReview.Web.Hubs;
using CamReview.Web.Services;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.FileProviders;

namespace CamReview.Web;

/// <summary>Builds the review portal. Used by <c>camreview serve</c>, by the web project's own entry point and
/// by the tests, so all three run the same application.</summary>
public static class Portal
{
    public static WebApplication Build(string[] args)
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
        var options = PortalOptions.From(builder.Configuration);
        builder.Services.AddSingleton(options);

        builder.Services.AddDbContextFactory<CamReviewDb>(db => db.UseCamReviewSqlite(options.DataDir));
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddSignalR();
        builder.Services.AddSingleton<ProjectService>();
        builder.Services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database")
            .AddCheck<NativeLibrariesHealthCheck>("native");

        var app = builder.Build();
        Migrate(app, options);

        if (!app.Environment.IsDevelopment()) app.UseExceptionHandler("/error", createScopeForErrors: true);
        app.UseStatusCodePagesWithReExecute("/not-found");
        app.UseStaticFiles(new StaticFileOptions { FileProvider = WebRootFiles(options.WebRoot!) });
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        app.MapHub<ReviewHub>(ReviewHub.Path);
        app.MapHealthChecks("/health", HealthReportWriter.Options);
        return app;
    }

    private static void Migrate(WebApplication app, PortalOptions options)
    {
        using var db = app.Services.GetRequiredService<IDbContextFactory<CamReviewDb>>().CreateDbContext();
        Database.MigrateAsync(db).GetAwaiter().GetResult();
        app.Logger.LogInformation("Data folder {DataDir}; database migrated", options.DataDir);
    }

    private static IFileProvider WebRootFiles(string webRoot)
    {
        if (!Directory.Exists(Path.Combine(webRoot, "lib")))
            throw new InvalidOperationException(
                $"The static files folder {webRoot} has no lib/ (front-end packages). Run scripts/setup.sh, or set CamReview:WebRoot.");
        return new PhysicalFileProvider(webRoot);
    }
}
