using System.CommandLine;
using CamReview.Web;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CamReview.Cli.Commands;

/// <summary><c>camreview serve</c>: the review portal on its embedded default (SQLite in a data folder).</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var urls = new Option<string>("--urls") { Description = $"Where to listen, semicolon-separated (default {Portal.DefaultUrls})." };
        var data = new Option<string>("--data") { Description = "Data folder: database and media (default ./data)." };
        var webRoot = new Option<string>("--webroot") { Description = "Static files folder (default: found automatically)." };
        var command = new Command("serve", "Run the review portal.") { urls, data, webRoot };
        command.SetAction(async (parse, ct) =>
        {
            // Only what was given goes on: the rest comes from configuration (appsettings, environment).
            var args = new List<string>();
            foreach (var (option, name) in new[] { (urls, "--urls"), (data, "--data"), (webRoot, "--webroot") })
                if (parse.GetValue(option) is { } value) args.AddRange([name, value]);
            await using var app = Portal.Build([.. args]);
            await app.StartAsync(ct);
            var options = app.Services.GetRequiredService<PortalOptions>();
            foreach (var address in app.Urls)
                Console.WriteLine($"CamReview is running at {address} (data folder: {options.DataDir}). Press Ctrl+C to stop.");
            await app.WaitForShutdownAsync(ct);
            return 0;
        });
        return command;
    }
}
