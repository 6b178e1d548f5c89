using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using CamReview.Core;
using CamReview.Pipeline.Analyze;
using CamReview.Pipeline.Render;
using CamReview.Web.Api;
using CamReview.Web.Media;

namespace CamReview.Cli.Workers;

/// <summary>
/// Runs an external method's command for one job: the reference's camera path written as a trajectory JSON file
/// (the format <c>camreview render --trajectory</c> reads; translations in units of the reference's median depth),
/// the template's placeholders replaced by the files (each one argument, no shell), the program started in the
/// worker's current folder with a time limit. Lines <c>progress 0.42</c> on its standard output are its progress;
/// everything it prints is kept in the log tail. It must leave a video at {output}.
/// </summary>
public static partial class ExternalMethodRun
{
    /// <summary>Share of the job's percent the analysis of the reference takes; the command has the rest up to 97.</summary>
    private const double AnalyzeShare = 10;

    public static async Task<(string Device, Dictionary<string, double> Timings)> RunAsync(WorkerApi.ExternalCommand external,
        IReadOnlyDictionary<string, string> inputs, string outputPath, Action<string, double, int, int> report, LogTail log, CancellationToken ct)
    {
        if (!CommandTemplate.TryParse(external.CommandTemplate, out var template, out var error)) throw new WorkerJobFailure($"The method's command is not valid: {error}");
        var timings = new Dictionary<string, double>();
        var clock = Stopwatch.StartNew();
        var trajectoryPath = Path.Combine(Path.GetDirectoryName(outputPath)!, "trajectory.json");
        await WriteTrajectoryAsync(inputs["reference"], trajectoryPath, report, ct);
        timings["analyze"] = clock.Elapsed.TotalSeconds;

        var argv = template.Substitute(new Dictionary<string, string>
        {
            [CommandTemplate.Reference] = inputs["reference"], [CommandTemplate.Target] = inputs["target"],
            [CommandTemplate.TrajectoryJson] = trajectoryPath, [CommandTemplate.Output] = outputPath,
        });
        var info = new ProcessStartInfo(argv[0])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Environment.CurrentDirectory,
        };
        foreach (var arg in argv.Skip(1)) info.ArgumentList.Add(arg);
        report("external", AnalyzeShare, 0, 0);
        clock.Restart();
        Process process;
        try
        {
            process = Process.Start(info) ?? throw new WorkerJobFailure($"{argv[0]} did not start.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new WorkerJobFailure($"{argv[0]} could not be started: {e.Message}");
        }
        using (process)
        {
            process.OutputDataReceived += (_, e) =>
            {
                if (e.Data is not { } line) return;
                log.Add(line);
                if (ProgressLine().Match(line) is { Success: true } m && double.TryParse(m.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var f))
                    report("external", AnalyzeShare + (97 - AnalyzeShare) * Math.Clamp(f, 0, 1), 0, 0);
            };
            process.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is { } line) log.Add(line);
            };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
            limit.CancelAfter(TimeSpan.FromSeconds(external.TimeoutSeconds));
            try
            {
                await process.WaitForExitAsync(limit.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None);
                ct.ThrowIfCancellationRequested();
                throw new WorkerJobFailure($"The method ran longer than its limit of {external.TimeoutSeconds} s and was stopped.");
            }
            // The last lines of output are read before the exit is judged.
            process.WaitForExit();
            timings["external"] = clock.Elapsed.TotalSeconds;
            if (process.ExitCode != 0) throw new WorkerJobFailure($"The method's command exited with code {process.ExitCode} (see the job's log).");
        }
        if (!File.Exists(outputPath)) throw new WorkerJobFailure("The method's command wrote no file at {output}.");
        var head = new byte[MediaSniffer.HeadLength];
        int read;
        await using (var file = File.OpenRead(outputPath)) read = await file.ReadAtLeastAsync(head, head.Length, throwOnEndOfStream: false, ct);
        var (format, problem) = MediaSniffer.Sniff(head.AsSpan(0, read));
        if (format is not { } f) throw new WorkerJobFailure($"The method's output is not a video: {problem}.");
        if (!f.IsVideo()) throw new WorkerJobFailure($"The method's output is not a video: it is {f.Describe()}.");
        return ($"external command {Path.GetFileName(argv[0])} on {Environment.MachineName}", timings);
    }

    /// <summary>The reference's camera path (analysed here, as the portal's renders analyse it) as trajectory JSON.</summary>
    private static async Task WriteTrajectoryAsync(string reference, string path, Action<string, double, int, int> report, CancellationToken ct)
    {
        report("analyze", 0, 0, 0);
        var analysis = await Task.Run(() => new ClipAnalyzer().Analyze(reference,
            new SyncProgress<AnalysisProgress>(p => report("analyze", Math.Min(AnalyzeShare - 1, p.PairsDone * 0.5), 0, 0)), ct), ct);
        var trajectory = CameraTrajectory.FromCameraPath(analysis.ToPairCameraMotions(), targetMedianDepth: 1, out _);
        await File.WriteAllTextAsync(path, trajectory.ToJson(), ct);
    }

    [GeneratedRegex(@"^\s*progress\s+([0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)\s*$")]
    private static partial Regex ProgressLine();
}
