using System.CommandLine;
using CamReview.Web;
using Microsoft.Extensions.Hosting;

namespace CamReview.Cli.Commands;

/// <summary><c>camreview serve</c>: the review portal on its embedded default (SQLite in a data folder).</summary>
internal static class ServeCommand
{
    public const string DefaultUrls = "http://127.0.0.1:5080";

    public static Command Create()
    {
        var urls = new Option<string>("--urls") { Description = "Where to listen (semicolon-separated).", DefaultValueFactory = _ => DefaultUrls };
        var data = new Option<string>("--data") { Description = "Data folder: database and media.", DefaultValueFactory = _ => "data" };
        var command = new Command("serve", "Run the review portal.") { urls, data };
        command.SetAction(async (parse, ct) =>
        {
            var dataDir = Path.GetFullPath(parse.GetValue(data)!);
            await using var app = Portal.Build(["--urls", parse.GetValue(urls)!, "--data", dataDir]);
            await app.StartAsync(ct);
            foreach (var address in app.Urls)
                Console.WriteLine($"CamReview is running at {address} (data folder: {dataDir}). Press Ctrl+C to stop.");
            await app.WaitForShutdownAsync(ct);
            return 0;
        });
        return command;
    }
}
