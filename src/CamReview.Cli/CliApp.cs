using System.CommandLine;
using CamReview.Cli.Commands;

namespace CamReview.Cli;

/// <summary>The command line: the same code as the portal, for batch evaluation and scripting.
/// Contract: every command takes --json (one JSON object on stdout); bad input exits non-zero with one line
/// on stderr.</summary>
public static class CliApp
{
    public const int ExitBadInput = 1;
    public const int ExitUsage = 2;

    /// <summary>The data folder is not usable: <c>serve</c> did not start, <c>db check</c> found problems.</summary>
    public const int ExitDataProblem = CamReview.Web.PortalStartupException.ExitCode;

    public static RootCommand CreateRoot()
    {
        var root = new RootCommand("CamReview: measure, render and compare camera-motion transfer.");
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(HomographyCommand.Create());
        root.Subcommands.Add(AnalyzeCommand.Create());
        root.Subcommands.Add(ScoreCommand.Create());
        root.Subcommands.Add(RenderCommand.Create());
        root.Subcommands.Add(InfoCommand.Create());
        root.Subcommands.Add(StatsCommand.Create());
        root.Subcommands.Add(EvalCommand.Create());
        root.Subcommands.Add(DbCommand.Create());
        root.Subcommands.Add(WorkerCommand.Create());
        return root;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var parse = CreateRoot().Parse(args);
        if (parse.Errors.Count > 0)
        {
            // One line, as scripts expect; --help shows the whole usage.
            var command = parse.CommandResult.Command;
            var usage = command is RootCommand ? "camreview --help" : $"camreview {command.Name} --help";
            Console.Error.WriteLine($"camreview: {CliErrors.OneLine(parse.Errors[0].Message)} (see {usage})");
            return ExitUsage;
        }
        try
        {
            return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (CamReview.Web.PortalStartupException e)
        {
            // Logged by the portal already; the one line for scripts, no stack trace.
            Console.Error.WriteLine($"camreview: {CliErrors.OneLine(e)}");
            return ExitDataProblem;
        }
        catch (Exception e) when (CliErrors.IsUserFacing(e))
        {
            Console.Error.WriteLine($"camreview: {CliErrors.OneLine(e)}");
            return ExitBadInput;
        }
    }
}
