using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using CamReview.Data.Entities;
using CamReview.Web.Studies;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace CamReview.Web.Tests;

/// <summary>Votes acknowledged by the portal survive the portal being killed (SIGKILL, no shutdown of any kind) in the
/// middle of a load: the portal runs as a process of its own, its data folder is kept and a new process is started on it.</summary>
public sealed class VoteDurabilityTests(ITestOutputHelper output)
{
    private sealed record Ack(string Participant, int Trial, string Question, string Choice, HttpStatusCode Status);

    [Fact]
    public async Task EveryAcknowledgedVoteIsStoredExactlyOnceAfterTheVotingPortalIsKilled()
    {
        const int clients = 24, killAfter = 600;
        var data = Directory.CreateTempSubdirectory("camreview-kill-").FullName;
        try
        {
            string token;
            var acknowledged = new ConcurrentBag<Ack>();
            var keys = new ConcurrentDictionary<string, string>(); // participant → key
            int sent = 0, lost = 0;
            await using (var portal = await PortalProcess.StartAsync(data))
            {
                token = await OpenStudyAsync(portal.BaseAddress);
                using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients }) { BaseAddress = portal.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
                var killed = new TaskCompletionSource();
                var load = Enumerable.Range(0, clients).Select(async c =>
                {
                    var random = new Random(c);
                    try
                    {
                        // One participant after another, every question of every trial, now and then the same vote twice.
                        for (int round = 0; round < 50 && !killed.Task.IsCompleted; round++)
                        {
                            using var join = await http.PostAsync($"p/{token}/api/participants", null);
                            Assert.Equal(HttpStatusCode.Created, join.StatusCode);
                            var joined = await join.Content.ReadFromJsonAsync<JsonElement>();
                            var key = joined.GetProperty("key").GetString()!;
                            var session = joined.GetProperty("session");
                            var participant = session.GetProperty("participant").GetString()!;
                            keys[participant] = key;
                            var questions = session.GetProperty("questions").EnumerateArray().Select(q => q.GetProperty("key").GetString()!).ToList();
                            foreach (var trial in session.GetProperty("trials").EnumerateArray().Select(t => t.GetProperty("trial").GetInt32()))
                                foreach (var question in questions)
                                {
                                    var choice = random.Next(3) switch { 0 => "0", 1 => "1", _ => "tie" };
                                    for (int copy = random.Next(5) == 0 ? 2 : 1; copy > 0; copy--)
                                    {
                                        using var request = new HttpRequestMessage(HttpMethod.Post, $"p/{token}/api/votes")
                                        {
                                            Content = JsonContent.Create(new { trial, question, choice, responseMs = 1000 }),
                                        };
                                        request.Headers.Add(ParticipantService.KeyHeader, key);
                                        Interlocked.Increment(ref sent);
                                        HttpResponseMessage response;
                                        try
                                        {
                                            response = await http.SendAsync(request);
                                        }
                                        catch (Exception e) when (killed.Task.IsCompleted && Cut(e))
                                        {
                                            Interlocked.Increment(ref lost); // in flight when the portal died: no answer, stored or not
                                            return;
                                        }
                                        using (response)
                                        {
                                            Assert.True(response.StatusCode is HttpStatusCode.Created or HttpStatusCode.OK, $"vote: {response.StatusCode}");
                                            acknowledged.Add(new Ack(participant, trial, question, choice, response.StatusCode));
                                        }
                                        if (acknowledged.Count >= killAfter && killed.TrySetResult())
                                            portal.Kill();
                                    }
                                }
                        }
                    }
                    catch (Exception e) when (killed.Task.IsCompleted && Cut(e))
                    {
                        // The portal died before this client's next join was answered.
                    }
                }).ToList();
                await Task.WhenAll(load);
                Assert.True(killed.Task.IsCompleted, "the portal was killed during the load");
                Assert.Equal(PortalProcess.SigKillExitCode, await portal.ExitCodeAsync());
            }

            var acks = acknowledged.ToList();
            var votes = acks.GroupBy(a => (a.Participant, a.Trial, a.Question)).ToList();
            Assert.All(votes, v => Assert.Single(v.Select(a => a.Choice).Distinct()));

            // A new portal on the same data folder: it starts, and the database holds every acknowledged vote once.
            await using (var portal = await PortalProcess.StartAsync(data))
            {
                var stored = ReadVotes(data, token);
                var storedOnce = stored.GroupBy(s => (s.Participant, s.Trial, s.Question)).ToDictionary(g => g.Key, g => g.ToList());
                int missing = votes.Count(v => !storedOnce.ContainsKey(v.Key));
                output.WriteLine($"vote requests sent {sent}; acknowledged {acks.Count} ({acks.Count(a => a.Status == HttpStatusCode.Created)} stored, " +
                                 $"{acks.Count(a => a.Status == HttpStatusCode.OK)} duplicates) = {votes.Count} distinct votes; in flight at the kill {lost}; " +
                                 $"stored after the restart {stored.Count}, of them acknowledged {votes.Count - missing}, not acknowledged {stored.Count - (votes.Count - missing)}; " +
                                 $"acknowledged but missing {missing}");
                Assert.Equal(0, missing);
                Assert.All(storedOnce.Values, rows => Assert.Single(rows));
                foreach (var vote in votes) Assert.Equal(vote.First().Choice, storedOnce[vote.Key].Single().Choice);
                // Stored but never acknowledged: at most the votes whose answer the kill cut off.
                Assert.InRange(stored.Count - votes.Count, 0, lost);

                // The restarted portal knows them: the same vote again is a duplicate, another answer is refused.
                using var http = new HttpClient { BaseAddress = portal.BaseAddress };
                foreach (var vote in votes.Take(20))
                {
                    var (participant, trial, question) = vote.Key;
                    var choice = vote.First().Choice;
                    foreach (var (sentChoice, status) in new[] { (choice, HttpStatusCode.OK), (choice == "0" ? "1" : "0", HttpStatusCode.Conflict) })
                    {
                        using var request = new HttpRequestMessage(HttpMethod.Post, $"p/{token}/api/votes") { Content = JsonContent.Create(new { trial, question, choice = sentChoice }) };
                        request.Headers.Add(ParticipantService.KeyHeader, keys[participant]);
                        using var response = await http.SendAsync(request);
                        Assert.Equal(status, response.StatusCode);
                    }
                }
            }
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(data, recursive: true);
        }
    }

    /// <summary>What a request the kill cut off throws.</summary>
    private static bool Cut(Exception e) => e is HttpRequestException or IOException or TaskCanceledException;

    /// <summary>A team, a project with a pair and two outputs, and an open pairwise study over them (6 trials and an
    /// attention check, 3 questions: 21 votes per participant), made through the API as a user would.</summary>
    private static async Task<string> OpenStudyAsync(Uri baseAddress)
    {
        using var admin = await PortalClient.SignInAsync(baseAddress, PortalFixture.AdminEmail, PortalFixture.AdminPassword);
        var teams = await admin.Http.GetFromJsonAsync<JsonElement>("api/teams");
        var team = teams.EnumerateArray().First().GetProperty("id").GetInt32();
        var project = (await admin.PostJsonOkAsync("api/projects", new { teamId = team, name = "Durable votes" })).GetProperty("id").GetInt32();
        var video = (await admin.UploadOkAsync(project, "reference-video", TestMedia.UniqueVideo(70), "ref.mp4")).GetProperty("id").GetInt32();
        var image = (await admin.UploadOkAsync(project, "target-image", TestMedia.UniqueImage(71), "target.png")).GetProperty("id").GetInt32();
        var pair = (await admin.PostJsonOkAsync($"api/projects/{project}/pairs", new { referenceAssetId = video, targetAssetId = image })).GetProperty("id").GetInt32();
        foreach (var (method, phase) in new[] { ("Alpha", 72), ("Beta", 73) })
            await admin.UploadOkAsync(project, "output", TestMedia.UniqueVideo(phase), $"{method}.mp4", new() { ["methodName"] = method, ["pairId"] = pair.ToString() });
        var study = await admin.PostJsonOkAsync("api/studies", new
        {
            projectId = project,
            study = new
            {
                name = "killed mid-load", design = "pairwise", candidatesPerTrial = 2, allowTie = true, allowBothBad = true, trialsPerParticipant = 6,
                attentionChecks = 1, pairIds = new[] { pair }, methods = new[] { "Alpha", "Beta" },
                questions = new[] { "scene", "motion", "overall" }.Select(q => new { key = q, text = $"Which is best for {q}?" }).ToArray(),
            },
        });
        await admin.PostJsonOkAsync($"api/studies/{study.GetProperty("id").GetInt32()}/state", new { state = "open" });
        await StudyWorld.MediaReadyAsync(admin, study.GetProperty("id").GetInt32());
        return study.GetProperty("token").GetString()!;
    }

    private sealed record StoredVote(string Participant, int Trial, string Question, string Choice);

    /// <summary>The study's votes as the database file holds them (a read-only connection of its own).</summary>
    private static List<StoredVote> ReadVotes(string data, string token)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(data, Data.Database.FileName)};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT p."PublicId", t."Position", q."Key", v."Answer", v."ChosenPosition"
            FROM "StudyVotes" v JOIN "StudyParticipants" p ON p."Id" = v."ParticipantId" JOIN "StudyTrials" t ON t."Id" = v."TrialId"
                JOIN "StudyQuestions" q ON q."Id" = v."QuestionId" JOIN "Studies" s ON s."Id" = p."StudyId"
            WHERE s."Token" = $token
            """;
        command.Parameters.AddWithValue("$token", token);
        using var reader = command.ExecuteReader();
        var votes = new List<StoredVote>();
        while (reader.Read())
            votes.Add(new StoredVote(reader.GetString(0), reader.GetInt32(1), reader.GetString(2),
                ParticipantService.ChoiceText(Enum.Parse<VoteAnswer>(reader.GetString(3)), reader.IsDBNull(4) ? null : reader.GetInt32(4))));
        return votes;
    }
}

/// <summary>The portal (the web project's own executable, as built with these tests) as a process of its own on a free
/// loopback port, with the administrator of <see cref="PortalFixture"/>, no demo, no jobs and no participant limits
/// (<see cref="StartAsync"/> takes more configuration).</summary>
public sealed partial class PortalProcess : IAsyncDisposable
{
    /// <summary>What a process killed by SIGKILL exits with, as .NET reports it (128 + 9).</summary>
    public const int SigKillExitCode = 137;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _log = new();

    private PortalProcess(Process process) => _process = process;

    public Uri BaseAddress { get; private set; } = null!;

    public static async Task<PortalProcess> StartAsync(string dataDir, IEnumerable<string>? args = null)
    {
        var info = new ProcessStartInfo(CliProcess.Built("CamReview.Web", "CamReview.Web"))
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var arg in (string[])["--urls", "http://127.0.0.1:0", "--data", dataDir, "--environment", "Production", .. PortalFixture.AdminArgs, .. PortalFixture.NoDemo,
                     "--CamReview:Jobs:PollSeconds=0.5", "--CamReview:Studies:JoinsPerMinute=0", "--CamReview:Studies:VotesPerMinute=0", "--CamReview:Studies:ReadsPerMinute=0",
                     "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information", .. args ?? []])
            info.ArgumentList.Add(arg);
        var portal = new PortalProcess(Process.Start(info)!);
        var listening = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        void Line(string? line)
        {
            if (line is null) return;
            portal._log.Enqueue(line);
            while (portal._log.Count > 200) portal._log.TryDequeue(out _);
            if (Listening().Match(line) is { Success: true } match) listening.TrySetResult(match.Groups[1].Value);
        }
        portal._process.OutputDataReceived += (_, e) => Line(e.Data);
        portal._process.ErrorDataReceived += (_, e) => Line(e.Data);
        portal._process.BeginOutputReadLine();
        portal._process.BeginErrorReadLine();
        var exited = portal._process.WaitForExitAsync();
        var first = await Task.WhenAny(listening.Task, exited, Task.Delay(TimeSpan.FromSeconds(120)));
        if (first != listening.Task)
        {
            await portal.DisposeAsync();
            throw new InvalidOperationException($"the portal did not start: {string.Join('\n', portal._log)}");
        }
        var address = await listening.Task;
        portal.BaseAddress = new Uri(address.EndsWith('/') ? address : address + "/");
        return portal;
    }

    /// <summary>SIGKILL: the process ends at once, without running any of its own code.</summary>
    public void Kill() => _process.Kill();

    public async Task<int> ExitCodeAsync()
    {
        await _process.WaitForExitAsync();
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex Listening();
}
