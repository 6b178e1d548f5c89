using System.CommandLine;
using CamReview.Cli.Workers;

namespace CamReview.Cli.Commands;

/// <summary><c>camreview worker --portal URL --token T [--kinds ...] [--concurrency N]</c>: leases render jobs from a
/// portal over its worker API and runs them here (built-in renderers, external methods), until Ctrl-C, which gives the
/// jobs it holds back to the queue.</summary>
internal static class WorkerCommand
{
    public const string TokenVariable = "CAMREVIEW_WORKER_TOKEN";

    public static Command Create()
    {
        var portal = new Option<string>("--portal") { Description = "The portal's address, e.g. https://camreview.example.org/.", Required = true };
        var token = new Option<string>("--token") { Description = $"The worker's token (shown once when it was registered; default: ${TokenVariable})." };
        var kinds = new Option<string[]>("--kinds")
        {
            Description = "Render methods to take, among those the worker is registered for (default: all of them).", AllowMultipleArgumentsPerToken = true,
        };
        var concurrency = new Option<int>("--concurrency") { Description = "Jobs run at once.", DefaultValueFactory = _ => 1 };
        var name = new Option<string>("--name") { Description = "This process's name on its leases (default: host name and process id)." };
        var depthModel = new Option<string>("--depth-model")
        {
            Description = $"Parallax renders of pairs without a depth map: ONNX depth model (default: ${RenderCommand.DepthModelVariable}); without one, planar depth.",
        };
        var poll = new Option<double>("--poll") { Description = "Seconds between looks for work while idle.", DefaultValueFactory = _ => 1 };
        var command = new Command("worker", "Lease render jobs from a portal and run them here.") { portal, token, kinds, concurrency, name, depthModel, poll };
        command.SetAction(async (parse, ct) =>
        {
            var secret = parse.GetValue(token) ?? Environment.GetEnvironmentVariable(TokenVariable);
            if (string.IsNullOrWhiteSpace(secret)) throw new CliException($"give --token or set {TokenVariable}");
            if (!Uri.TryCreate(parse.GetValue(portal), UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https"))
                throw new CliException("--portal must be an http(s) address");
            var n = parse.GetValue(concurrency);
            if (n is < 1 or > 64) throw new CliException("--concurrency must be between 1 and 64");
            var seconds = parse.GetValue(poll);
            if (!(seconds is > 0 and <= 3600)) throw new CliException("--poll must be above 0 and at most 3600 seconds");
            var instance = parse.GetValue(name) ?? $"{Environment.MachineName}-{Environment.ProcessId}";
            var options = new WorkerOptions(address, secret.Trim(), parse.GetValue(kinds) ?? [], n, WorkerOptions.Sanitize(instance),
                parse.GetValue(depthModel) ?? (Environment.GetEnvironmentVariable(RenderCommand.DepthModelVariable) is { Length: > 0 } m ? m : null),
                TimeSpan.FromSeconds(seconds));
            await new RenderWorkerLoop(options, Console.Out).RunAsync(ct);
            return 0;
        });
        return command;
    }
}
