using System.Diagnostics;
using System.Reflection;
using System.Text.Json;

namespace CamReview.Cli.Tests;

/// <summary>Runs the built <c>camreview</c> executable of the same configuration as these tests.</summary>
public static class Cli
{
    public static string RepoRoot { get; } = FindRepoRoot();

    public static string Executable { get; } = Path.Combine(RepoRoot, "src", "CamReview.Cli", "bin",
        typeof(Cli).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration, "net10.0", "camreview");

    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public JsonElement Json() => JsonDocument.Parse(Stdout).RootElement;
    }

    public static async Task<Result> RunAsync(params string[] args)
    {
        using var process = Process.Start(StartInfo(args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    public static ProcessStartInfo StartInfo(IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        return info;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "CamReview.sln"))) return dir.FullName;
        throw new InvalidOperationException("Tests must run from inside the repository.");
    }
}
