using System.Diagnostics;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace CamReview.Cli.Tests;

public sealed class GeneralCommandTests
{
    [Fact]
    public async Task InfoReportsTheNativeLibrariesAsJson()
    {
        var result = await Cli.RunAsync("info", "--json");
        Assert.Equal(0, result.ExitCode);
        var json = result.Json();
        Assert.StartsWith("4.", json.GetProperty("opencv").GetString());
        Assert.Equal("1.32.0", json.GetProperty("onnxruntime").GetString());
        Assert.Contains("CPUExecutionProvider", json.GetProperty("onnxProviders").EnumerateArray().Select(p => p.GetString()));
        // What a model session really gets: CUDA, or the CPU with ONNX Runtime's reason.
        var session = json.GetProperty("onnxSession");
        var provider = session.GetProperty("executionProvider").GetString();
        if (provider != "CUDAExecutionProvider")
        {
            Assert.Equal("CPUExecutionProvider", provider);
            Assert.StartsWith("CUDA not used (Auto requested), running on CPU: ", session.GetProperty("note").GetString());
            Assert.False(string.IsNullOrWhiteSpace(session.GetProperty("fallbackReason").GetString()));
        }
        Assert.Single(result.Stdout.Trim().Split('\n'));
        Assert.DoesNotContain("providers_cuda", result.Stderr); // the reason is reported, not also logged
    }

    [Theory]
    [InlineData("no-such-command")]
    [InlineData("info", "--no-such-option")]
    public async Task BadArgumentsExitNonZeroWithOneLine(params string[] args)
    {
        var result = await Cli.RunAsync(args);
        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stdout);
        var line = Assert.Single(result.Stderr.Trim().Split('\n'));
        Assert.StartsWith("camreview: ", line);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ServeStartsThePortalAtThePrintedUrlWithANewDatabase(bool dataFolderFromEnvironment)
    {
        var data = Directory.CreateTempSubdirectory("camreview-serve-").FullName;
        try
        {
            var start = Cli.StartInfo(dataFolderFromEnvironment
                ? ["serve", "--urls", "http://127.0.0.1:0"]
                : ["serve", "--urls", "http://127.0.0.1:0", "--data", data]);
            if (dataFolderFromEnvironment) start.Environment["CAMREVIEW__DATADIR"] = data;
            using var process = Process.Start(start)!;
            try
            {
                var (url, printedData) = await ReadPrintedUrlAsync(process);
                Assert.Equal(data, printedData);
                using var http = new HttpClient { BaseAddress = new Uri(url) };
                using var health = await http.GetAsync("health");
                Assert.Equal(HttpStatusCode.OK, health.StatusCode);
                using var report = JsonDocument.Parse(await health.Content.ReadAsStringAsync());
                Assert.Equal("Healthy", report.RootElement.GetProperty("status").GetString());
                Assert.True(File.Exists(Path.Combine(data, "camreview.db")));
                Assert.Contains("CamReview", await http.GetStringAsync("/"));
            }
            finally
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task<(string Url, string DataDir)> ReadPrintedUrlAsync(Process process)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
        {
            var match = Regex.Match(line, @"running at (http://\S+) \(data folder: (.+)\)\.");
            if (match.Success) return (match.Groups[1].Value, match.Groups[2].Value);
        }
        throw new InvalidOperationException($"serve exited without printing its URL: {await process.StandardError.ReadToEndAsync()}");
    }
}
