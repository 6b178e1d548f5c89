// Load generator for bench/vote-benchmark.sh: CLIENTS concurrent clients, each acting as one participant after another
// (join through the study link, then answer every question of every trial), until VOTES votes have been acknowledged.
// Prints one JSON line: acknowledged votes, seconds, votes/s, p50/p99 latency of a vote request, participants, errors.
// Usage: VoteLoad BASE_URL STUDY_TOKEN VOTES CLIENTS
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;

if (args.Length != 4) { Console.Error.WriteLine("usage: VoteLoad BASE_URL STUDY_TOKEN VOTES CLIENTS"); return 2; }
var baseUrl = new Uri(args[0].TrimEnd('/') + "/");
var token = args[1];
int target = int.Parse(args[2]), clients = int.Parse(args[3]);

using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients, PooledConnectionLifetime = TimeSpan.FromMinutes(10) }) { BaseAddress = baseUrl };
int claimed = 0, acknowledged = 0, participants = 0, errors = 0;
var latencies = new List<double>[clients];
var clock = Stopwatch.StartNew();

await Task.WhenAll(Enumerable.Range(0, clients).Select(async c =>
{
    var mine = latencies[c] = new List<double>(target / clients + 64);
    while (Volatile.Read(ref claimed) < target)
    {
        using var join = await http.PostAsync($"p/{token}/api/participants", null);
        if (!join.IsSuccessStatusCode) { Interlocked.Increment(ref errors); continue; }
        Interlocked.Increment(ref participants);
        var joined = await join.Content.ReadFromJsonAsync<JsonElement>();
        var key = joined.GetProperty("key").GetString()!;
        var session = joined.GetProperty("session");
        var questions = session.GetProperty("questions").EnumerateArray().Select(q => q.GetProperty("key").GetString()!).ToArray();
        foreach (var trial in session.GetProperty("trials").EnumerateArray().Select(t => t.GetProperty("trial").GetInt32()))
            foreach (var question in questions)
            {
                if (Interlocked.Increment(ref claimed) > target) return;
                var choice = ((trial + question.Length) % 3) switch { 0 => "0", 1 => "1", _ => "tie" };
                using var request = new HttpRequestMessage(HttpMethod.Post, $"p/{token}/api/votes")
                {
                    Content = JsonContent.Create(new { trial, question, choice, responseMs = 1500 }),
                };
                request.Headers.Add("X-Participant-Key", key);
                var started = Stopwatch.GetTimestamp();
                using var response = await http.SendAsync(request);
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if ((int)response.StatusCode == 201) Interlocked.Increment(ref acknowledged);
                else Interlocked.Increment(ref errors);
            }
    }
}));

var seconds = clock.Elapsed.TotalSeconds;
var all = latencies.SelectMany(l => l).Order().ToArray();
double Percentile(double q) => all.Length == 0 ? 0 : all[Math.Min(all.Length - 1, (int)Math.Ceiling(q * all.Length) - 1)];
Console.WriteLine(JsonSerializer.Serialize(new
{
    acknowledged, seconds = Math.Round(seconds, 2), votesPerSecond = Math.Round(acknowledged / seconds, 1),
    p50Ms = Math.Round(Percentile(0.50), 2), p99Ms = Math.Round(Percentile(0.99), 2), participants, errors,
}));
return errors == 0 ? 0 : 1;
