// How soon a render's progress reaches a viewer: starts renders of a pair through the API (POST
// /api/pairs/{id}/renders) and times, from just before each request, the "job" updates the review hub sends to the
// project's viewers. One render at a time, each once the project has no job queued or running (a render's output
// queues a score job).
// Usage: FirstProgress BASE_URL PROJECT_ID PAIR_ID RENDERS PARAMETERS_JSON, with the session's cookies in PORTAL_COOKIE
// and its antiforgery token (which every unsafe API request carries) in PORTAL_ANTIFORGERY.
// Prints one tab-separated line per render, times in ms from the request: the API's answer, the "queued" update, the
// first "running" update (the worker's "starting"), the first update past 0 % (and its stage), the "succeeded"
// update (100 %), and the job's own total from its timings (s).
// Or: FirstProgress --watch BASE_URL PROJECT_ID JOBS (same variables) starts nothing and only watches, for
// bench/scale-out-benchmark.sh, whose renders are started elsewhere and leased by workers that log their own times:
// prints a header line once it has joined the project's group, then one line for each of the next JOBS render jobs
// to report progress past 0 %: the job, when that update arrived (wall clock, Unix ms, to compare with other
// processes' logs), and its stage.
using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

var watch = args is ["--watch", _, _, _];
if (!watch && args.Length != 5 || Environment.GetEnvironmentVariable("PORTAL_COOKIE") is not { Length: > 0 } cookie
    || Environment.GetEnvironmentVariable("PORTAL_ANTIFORGERY") is not { Length: > 0 } antiforgery)
{
    Console.Error.WriteLine("usage: FirstProgress BASE_URL PROJECT_ID PAIR_ID RENDERS PARAMETERS_JSON, or FirstProgress --watch BASE_URL PROJECT_ID JOBS"
        + " (cookies in PORTAL_COOKIE, token in PORTAL_ANTIFORGERY)");
    return 2;
}
if (watch) args = args[1..];
var baseAddress = new Uri(args[0].TrimEnd('/') + "/");
var projectId = int.Parse(args[1]);

var clock = Stopwatch.StartNew();
var clockStartUnixMs = (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).TotalMilliseconds;
using var http = new HttpClient { BaseAddress = baseAddress };
http.DefaultRequestHeaders.Add("Cookie", cookie);
http.DefaultRequestHeaders.Add("RequestVerificationToken", antiforgery);
await using var hub = await ReviewHub.ConnectAsync(http, baseAddress, cookie, clock);
await hub.InvokeAsync("JoinProject", projectId);

if (watch)
{
    var jobs = int.Parse(args[2]);
    var seen = new HashSet<int>();
    Console.WriteLine("job\tfirst_percent_unix_ms\tfirst_percent_stage");
    using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10));
    while (seen.Count < jobs)
    {
        var (at, job) = await hub.Updates.ReadAsync(timeout.Token);
        if (job.GetProperty("state").GetString() != "running" || job.GetProperty("percent").GetDouble() <= 0 || !seen.Add(job.GetProperty("id").GetInt32())) continue;
        Console.WriteLine(string.Join('\t', job.GetProperty("id").GetInt32(), Ms(clockStartUnixMs + at.TotalMilliseconds), job.GetProperty("stage").GetString()));
    }
    return 0;
}

var (pairId, renders) = (int.Parse(args[2]), int.Parse(args[3]));
var body = $$"""{"method": "homography", "parameters": {{args[4]}}}""";
Console.WriteLine("render\tanswer\tqueued\trunning\tfirst_percent\tfirst_percent_stage\tsucceeded\tjob_total_s");
for (var i = 1; i <= renders; i++)
{
    await WaitIdleAsync();
    var start = clock.Elapsed;
    using var response = await http.PostAsync($"api/pairs/{pairId}/renders", new StringContent(body, Encoding.UTF8, "application/json"));
    var answer = clock.Elapsed - start;
    var text = await response.Content.ReadAsStringAsync();
    if ((int)response.StatusCode != 201) throw new InvalidOperationException($"render: {(int)response.StatusCode} {text}");
    var jobId = JsonDocument.Parse(text).RootElement.GetProperty("id").GetInt32();

    double? queued = null, running = null, moved = null;
    string? movedStage = null;
    using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
    while (true)
    {
        var (at, job) = await hub.Updates.ReadAsync(timeout.Token);
        if (job.GetProperty("id").GetInt32() != jobId) continue; // another job of the project (a score) or an earlier one
        var ms = (at - start).TotalMilliseconds;
        var state = job.GetProperty("state").GetString();
        if (state == "queued") queued ??= ms;
        if (state == "running")
        {
            running ??= ms;
            if (moved is null && job.GetProperty("percent").GetDouble() > 0) (moved, movedStage) = (ms, job.GetProperty("stage").GetString());
        }
        if (state is "succeeded" or "failed" or "canceled")
        {
            if (state != "succeeded") throw new InvalidOperationException($"render job {jobId} {state}: {job.GetProperty("error")}");
            var total = JsonSerializer.Deserialize<Dictionary<string, double>>(job.GetProperty("timingsJson").GetString()!)!["total"];
            Console.WriteLine(string.Join('\t', i, Ms(answer.TotalMilliseconds), Ms(queued), Ms(running), Ms(moved), movedStage ?? "-", Ms(ms), total));
            break;
        }
    }
}
return 0;

static string Ms(double? ms) => ms is { } v ? v.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture) : "-";

async Task WaitIdleAsync()
{
    while (true)
    {
        var jobs = JsonDocument.Parse(await http.GetStringAsync($"api/projects/{projectId}/jobs")).RootElement;
        if (!jobs.EnumerateArray().Any(j => j.GetProperty("state").GetString() is "queued" or "running")) return;
        await Task.Delay(200);
    }
}

/// <summary>The review hub over SignalR's JSON protocol on a WebSocket: invocations the server makes on this client
/// ("job") are timestamped the moment they arrive, before any parsing.</summary>
sealed class ReviewHub : IAsyncDisposable
{
    private const char Separator = '\u001e';
    private readonly ClientWebSocket _socket = new();
    private readonly Stopwatch _clock;
    private readonly Channel<(TimeSpan At, JsonElement Job)> _updates = Channel.CreateUnbounded<(TimeSpan, JsonElement)>();
    private readonly Dictionary<string, TaskCompletionSource<JsonElement>> _calls = [];
    private readonly CancellationTokenSource _stop = new();
    private Task? _receiving, _pinging;
    private int _invocation;

    private ReviewHub(Stopwatch clock) => _clock = clock;

    public ChannelReader<(TimeSpan At, JsonElement Job)> Updates => _updates.Reader;

    public static async Task<ReviewHub> ConnectAsync(HttpClient http, Uri baseAddress, string cookie, Stopwatch clock)
    {
        using var negotiate = await http.PostAsync("hubs/review/negotiate?negotiateVersion=1", null);
        negotiate.EnsureSuccessStatusCode();
        var token = JsonDocument.Parse(await negotiate.Content.ReadAsStringAsync()).RootElement.GetProperty("connectionToken").GetString();
        var hub = new ReviewHub(clock);
        hub._socket.Options.SetRequestHeader("Cookie", cookie);
        await hub._socket.ConnectAsync(new UriBuilder(baseAddress) { Scheme = "ws", Path = "hubs/review", Query = $"id={token}" }.Uri, CancellationToken.None);
        await hub.SendAsync(new { protocol = "json", version = 1 });
        var handshake = await hub.ReceiveTextAsync();
        if (handshake.Contains("\"error\"")) throw new InvalidOperationException($"hub handshake: {handshake}");
        hub._receiving = hub.ReceiveLoopAsync();
        hub._pinging = hub.PingLoopAsync();
        return hub;
    }

    public async Task InvokeAsync(string method, params object[] arguments)
    {
        var id = (++_invocation).ToString();
        var done = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_calls) _calls[id] = done;
        await SendAsync(new { type = 1, invocationId = id, target = method, arguments });
        var completion = await done.Task.WaitAsync(TimeSpan.FromSeconds(30));
        if (completion.TryGetProperty("error", out var error)) throw new InvalidOperationException($"{method}: {error.GetString()}");
    }

    private async Task ReceiveLoopAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            string text;
            try { text = await ReceiveTextAsync(); }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException) { break; }
            var at = _clock.Elapsed;
            foreach (var part in text.Split(Separator, StringSplitOptions.RemoveEmptyEntries))
            {
                var message = JsonDocument.Parse(part).RootElement.Clone();
                switch (message.GetProperty("type").GetInt32())
                {
                    case 1 when message.GetProperty("target").GetString() == "job":
                        _updates.Writer.TryWrite((at, message.GetProperty("arguments")[0]));
                        break;
                    case 3:
                        lock (_calls)
                            if (_calls.Remove(message.GetProperty("invocationId").GetString()!, out var call)) call.TrySetResult(message);
                        break;
                    case 7:
                        _updates.Writer.TryComplete(new InvalidOperationException($"the hub closed the connection: {part}"));
                        return;
                }
            }
        }
        _updates.Writer.TryComplete(new InvalidOperationException("the hub connection ended"));
    }

    // The server drops a client it has not heard from for 30 s.
    private async Task PingLoopAsync()
    {
        try
        {
            while (true)
            {
                await Task.Delay(TimeSpan.FromSeconds(10), _stop.Token);
                await SendAsync(new { type = 6 });
            }
        }
        catch (OperationCanceledException) { }
    }

    private readonly SemaphoreSlim _sending = new(1, 1);

    private async Task SendAsync(object message)
    {
        await _sending.WaitAsync();
        try { await _socket.SendAsync(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(message) + Separator), WebSocketMessageType.Text, true, _stop.Token); }
        finally { _sending.Release(); }
    }

    private async Task<string> ReceiveTextAsync()
    {
        var buffer = new byte[64 * 1024];
        using var text = new MemoryStream();
        WebSocketReceiveResult result;
        do
        {
            result = await _socket.ReceiveAsync(buffer, _stop.Token);
            if (result.MessageType == WebSocketMessageType.Close) throw new WebSocketException("closed by the server");
            text.Write(buffer, 0, result.Count);
        } while (!result.EndOfMessage);
        return Encoding.UTF8.GetString(text.ToArray());
    }

    public async ValueTask DisposeAsync()
    {
        try { await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None); } catch (WebSocketException) { }
        _stop.Cancel();
        await Task.WhenAll(_receiving ?? Task.CompletedTask, _pinging ?? Task.CompletedTask);
        _socket.Dispose();
    }
}
