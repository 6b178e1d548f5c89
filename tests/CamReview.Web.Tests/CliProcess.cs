using System.Diagnostics;
using System.Reflection;

namespace CamReview.Web.Tests;

/// <summary>The built <c>camreview</c> executable of this configuration, run to its end.</summary>
public static class CliProcess
{
    public sealed record Result(int ExitCode, string Stdout, string Stderr);

    /// <summary>The executable <paramref name="name"/> that the solution's project <paramref name="project"/> (under
    /// src/) builds in the configuration these tests were built in.</summary>
    public static string Built(string project, string name)
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "CamReview.sln"))) root = Path.GetDirectoryName(root)!;
        var configuration = typeof(CliProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration;
        return Path.Combine(root, "src", project, "bin", configuration, "net10.0", name);
    }

    /// <summary>The <c>camreview</c> executable.</summary>
    public static string Executable => Built("CamReview.Cli", "camreview");

    public static async Task<Result> RunAsync(params string[] args)
    {
        var info = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Its standard output, once it has exited with 0.</summary>
    public static async Task<string> RunOkAsync(params string[] args)
    {
        var result = await RunAsync(args);
        Assert.True(result.ExitCode == 0, $"camreview {string.Join(' ', args)} exited with {result.ExitCode}: {result.Stderr}");
        return result.Stdout;
    }
}
