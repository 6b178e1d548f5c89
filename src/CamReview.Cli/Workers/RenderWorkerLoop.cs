using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using CamReview.Pipeline.Render;
using CamReview.Web.Api;
using CamReview.Web.Jobs;
using CamReview.Web.Media;

namespace CamReview.Cli.Workers;

/// <param name="Portal">The portal's address.</param>
/// <param name="Token">The worker's bearer token.</param>
/// <param name="Kinds">Methods to take (empty: all the worker is registered for).</param>
/// <param name="Concurrency">Jobs at once.</param>
/// <param name="Instance">This process's name on its leases.</param>
/// <param name="DepthModel">ONNX depth model for parallax renders of pairs without a depth map.</param>
/// <param name="Poll">How long an idle slot waits before it asks again.</param>
public sealed partial record WorkerOptions(Uri Portal, string Token, IReadOnlyList<string> Kinds, int Concurrency, string Instance, string? DepthModel, TimeSpan Poll)
{
    /// <summary>A name the portal accepts as an instance: letters, digits, '.', '_' and '-', at most 40.</summary>
    public static string Sanitize(string name)
    {
        var clean = Unsafe().Replace(name, "-");
        return clean.Length == 0 ? "worker" : clean.Length > 40 ? clean[..40] : clean;
    }

    [GeneratedRegex("[^A-Za-z0-9._-]")]
    private static partial Regex Unsafe();
}

/// <summary>A job that cannot succeed here: reported to the portal as failed with this message.</summary>
public sealed class WorkerJobFailure(string message) : Exception(message);

/// <summary>The worker's loop: <see cref="WorkerOptions.Concurrency"/> slots, each leasing a job, running it (built-in
/// renderer through <see cref="RenderJobRun"/>, the same call the portal's render jobs make; or an external method's
/// command), heartbeating its progress and uploading the video or reporting the failure. Stopping (Ctrl-C) gives the
/// jobs it holds back to the queue.</summary>
public sealed class RenderWorkerLoop(WorkerOptions options, TextWriter output)
{
    private readonly HttpClient _http = CreateClient(options);
    private readonly object _print = new();

    public async Task RunAsync(CancellationToken stop)
    {
        Print($"worker {options.Instance}: {options.Concurrency} slot(s) on {options.Portal}{(options.Kinds.Count > 0 ? $", methods {string.Join(", ", options.Kinds)}" : "")}");
        await Task.WhenAll(Enumerable.Range(0, options.Concurrency).Select(_ => Task.Run(() => SlotAsync(stop), CancellationToken.None)));
        Print($"worker {options.Instance}: stopped");
    }

    private static HttpClient CreateClient(WorkerOptions options)
    {
        var address = options.Portal.ToString();
        var http = new HttpClient { BaseAddress = new Uri(address.EndsWith('/') ? address : address + "/"), Timeout = Timeout.InfiniteTimeSpan };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.Token);
        http.DefaultRequestHeaders.Add(WorkerApi.InstanceHeader, options.Instance);
        return http;
    }

    private async Task SlotAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            WorkerApi.LeasedJob? job;
            try
            {
                using var response = await _http.PostAsJsonAsync("api/workers/lease", new WorkerApi.LeaseRequest([.. options.Kinds]), stop);
                if (response.StatusCode == HttpStatusCode.Unauthorized) throw new CliException("the portal refused the worker token (wrong or revoked)");
                if (!response.IsSuccessStatusCode) throw new CliException($"the portal refused the lease: {(int)response.StatusCode} {await ErrorOf(response)}");
                job = response.StatusCode == HttpStatusCode.NoContent ? null : await response.Content.ReadFromJsonAsync<WorkerApi.LeasedJob>(Json, stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { return; }
            catch (HttpRequestException e)
            {
                Print($"portal unreachable ({e.Message}); trying again");
                job = null;
            }
            if (job is null)
            {
                try { await Task.Delay(options.Poll, stop); } catch (OperationCanceledException) { return; }
                continue;
            }
            await RunJobAsync(job, stop);
        }
    }

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>What a running job reports, read by its heartbeats.</summary>
    private sealed class JobProgress
    {
        private readonly object _gate = new();
        private (string Stage, double Percent) _now = ("starting", 0);

        public (string Stage, double Percent) Now { get { lock (_gate) return _now; } }

        public void Report(string stage, double percent, int done = 0, int total = 0)
        {
            lock (_gate) _now = (stage, Math.Max(_now.Percent, Math.Clamp(percent, 0, 100)));
        }

        public bool LeaseLost;
        public bool CancelRequested;
    }

    private async Task RunJobAsync(WorkerApi.LeasedJob job, CancellationToken stop)
    {
        Print($"job {job.Id} leased ({job.Method})");
        var clock = Stopwatch.StartNew();
        using var run = CancellationTokenSource.CreateLinkedTokenSource(stop);
        using var heartbeatStop = new CancellationTokenSource();
        var progress = new JobProgress();
        var heartbeat = HeartbeatAsync(job, progress, run, heartbeatStop.Token);
        var dir = Directory.CreateTempSubdirectory("camreview-worker-").FullName;
        var log = new LogTail(CamReview.Data.CamReviewDb.JobLogMaxLength);
        try
        {
            var inputs = new Dictionary<string, string>();
            foreach (var (name, path) in job.Inputs) inputs[name] = await DownloadAsync(path, Path.Combine(dir, name), run.Token);
            var outputPath = Path.Combine(dir, "output.mp4");
            var (device, timings) = job.External is { } external
                ? await ExternalMethodRun.RunAsync(external, inputs, outputPath, progress.Report, log, run.Token)
                : await RenderBuiltInAsync(job, inputs, outputPath, progress.Report, run.Token);
            timings["worker"] = clock.Elapsed.TotalSeconds;
            progress.Report("upload", 98);
            await StopAsync(heartbeatStop, heartbeat);
            if (progress.LeaseLost) throw new OperationCanceledException();
            if (job.External is not null) await SendLogAsync(job.Id, log.Text);
            await UploadAsync(job, outputPath, device, timings, log);
        }
        catch (OperationCanceledException) when (run.IsCancellationRequested || progress.LeaseLost)
        {
            await StopAsync(heartbeatStop, heartbeat);
            if (progress.LeaseLost) Print($"job {job.Id}: lease lost, stopped here");
            else if (progress.CancelRequested) await ReportFailureAsync(job.Id, "Canceled.", log.Text, canceled: true);
            else
            {
                using var released = await _http.PostAsync($"api/workers/jobs/{job.Id}/release", null, CancellationToken.None);
                Print($"job {job.Id}: given back to the queue ({(int)released.StatusCode})");
            }
        }
        catch (Exception e)
        {
            await StopAsync(heartbeatStop, heartbeat);
            var message = e is WorkerJobFailure or HttpRequestException || RenderJobRun.IsInputError(e) ? e.Message : $"{e.GetType().Name}: {e.Message}";
            await ReportFailureAsync(job.Id, message, log.Text, canceled: false);
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    private async Task<(string Device, Dictionary<string, double> Timings)> RenderBuiltInAsync(WorkerApi.LeasedJob job, Dictionary<string, string> inputs,
        string outputPath, Action<string, double, int, int> report, CancellationToken ct)
    {
        if (!RenderRequest.TryParseJob(job.ParametersJson, new RenderLimits(), out var request, out var error)) throw new WorkerJobFailure(error);
        var files = new RenderJobFiles(inputs["reference"], inputs["target"], inputs.GetValueOrDefault("depth"), options.DepthModel, outputPath);
        var outcome = await RenderJobRun.RenderAsync(request, files, cache: null, report, job.ReferenceFrames ?? 2, frameDelayMs: 0, ct);
        return (outcome.Device, new Dictionary<string, double>(outcome.Timings));
    }

    private async Task HeartbeatAsync(WorkerApi.LeasedJob job, JobProgress progress, CancellationTokenSource run, CancellationToken stop)
    {
        // Often enough that viewers see progress move, and well inside the lease.
        var period = TimeSpan.FromSeconds(Math.Min(job.HeartbeatSeconds, 0.5));
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var (stage, percent) = progress.Now;
                using var response = await _http.PostAsJsonAsync($"api/workers/jobs/{job.Id}/heartbeat", new WorkerApi.HeartbeatRequest(stage, percent), stop);
                if (response.StatusCode is HttpStatusCode.Conflict or HttpStatusCode.NotFound or HttpStatusCode.Unauthorized)
                {
                    progress.LeaseLost = true;
                    run.Cancel();
                    return;
                }
                if (response.IsSuccessStatusCode && (await response.Content.ReadFromJsonAsync<JsonElement>(stop)).GetProperty("cancelRequested").GetBoolean())
                {
                    progress.CancelRequested = true;
                    run.Cancel();
                    return;
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested) { return; }
            catch (HttpRequestException e)
            {
                Print($"job {job.Id}: heartbeat failed ({e.Message})");
            }
            try { await Task.Delay(period, stop); } catch (OperationCanceledException) { return; }
        }
    }

    private static async Task StopAsync(CancellationTokenSource stop, Task heartbeat)
    {
        if (!stop.IsCancellationRequested) stop.Cancel();
        await heartbeat;
    }

    private async Task<string> DownloadAsync(string path, string stem, CancellationToken ct)
    {
        using var response = await _http.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, ct);
        if (response.StatusCode == HttpStatusCode.Conflict) throw new OperationCanceledException("lease lost");
        if (!response.IsSuccessStatusCode) throw new WorkerJobFailure($"the input {Path.GetFileName(stem)} could not be downloaded: {(int)response.StatusCode} {await ErrorOf(response)}");
        var name = response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName?.Trim('"');
        var file = stem + Path.GetExtension(name ?? "");
        await using (var target = File.Create(file))
        {
            await response.Content.CopyToAsync(target, ct);
        }
        return file;
    }

    private async Task SendLogAsync(int jobId, string text)
    {
        using var response = await _http.PutAsync($"api/workers/jobs/{jobId}/log", new StringContent(text), CancellationToken.None);
    }

    private async Task UploadAsync(WorkerApi.LeasedJob job, string file, string device, Dictionary<string, double> timings, LogTail log)
    {
        await using var stream = File.OpenRead(file);
        using var content = new StreamContent(stream);
        content.Headers.ContentType = new MediaTypeHeaderValue("video/mp4");
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/workers/jobs/{job.Id}/result?device={Uri.EscapeDataString(device)}") { Content = content };
        request.Headers.Add(WorkerApi.TimingsHeader, JsonSerializer.Serialize(timings.ToDictionary(t => t.Key, t => Math.Round(t.Value, 3))));
        using var response = await _http.SendAsync(request, CancellationToken.None);
        if (response.IsSuccessStatusCode)
        {
            var asset = await response.Content.ReadFromJsonAsync<JsonElement>();
            Print($"job {job.Id} done: output {asset.GetProperty("id").GetInt32()} on {device}");
            return;
        }
        if (response.StatusCode == HttpStatusCode.Conflict)
        {
            Print($"job {job.Id}: lease lost before the upload was accepted");
            return;
        }
        // The portal refused the video (not a video, too large...): the job fails with its reason.
        await ReportFailureAsync(job.Id, $"The portal refused the result: {await ErrorOf(response)}", log.Text, canceled: false);
    }

    private async Task ReportFailureAsync(int jobId, string message, string log, bool canceled)
    {
        try
        {
            using var response = await _http.PostAsJsonAsync($"api/workers/jobs/{jobId}/failure",
                new WorkerApi.FailureRequest(message, log.Length > 0 ? log : null, canceled), CancellationToken.None);
            Print($"job {jobId} {(canceled ? "canceled" : $"failed: {CliErrors.OneLine(message)}")}{(response.IsSuccessStatusCode ? "" : $" (not recorded: {(int)response.StatusCode})")}");
        }
        catch (HttpRequestException e)
        {
            Print($"job {jobId} failed ({CliErrors.OneLine(message)}); the portal could not be told: {e.Message}");
        }
    }

    private static async Task<string> ErrorOf(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        try { return JsonDocument.Parse(text).RootElement.GetProperty("error").GetString() ?? text; }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException) { return text; }
    }

    private void Print(string line)
    {
        lock (_print)
        {
            output.WriteLine($"{DateTime.UtcNow:HH:mm:ss.fff} {line}");
            output.Flush();
        }
    }
}

/// <summary>The end of a log: lines appended, only the last <c>max</c> characters kept.</summary>
public sealed class LogTail(int max)
{
    private readonly System.Text.StringBuilder _text = new();

    public void Add(string line)
    {
        lock (_text)
        {
            _text.Append(line).Append('\n');
            if (_text.Length > 2 * max) _text.Remove(0, _text.Length - max);
        }
    }

    public string Text
    {
        get
        {
            lock (_text) return _text.Length > max ? _text.ToString(_text.Length - max, max) : _text.ToString();
        }
    }
}
