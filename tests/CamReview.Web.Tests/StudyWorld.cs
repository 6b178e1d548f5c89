using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CamReview.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace CamReview.Web.Tests;

/// <summary>A portal with a project whose pair has three imported outputs with distinctive method names (so that a
/// leak of any of them is unmistakable), Rita (Reviewer) and Vic (Viewer) in the administrator's team, and Otto in a
/// team of his own. Jobs run (an opened study's videos are prepared by one; the outputs are scored too) and the
/// participant rate limits are off, except in <see cref="RateLimitedStudyWorld"/>.</summary>
public class StudyWorld : PortalFixture
{
    public const string Password = "same-password-for-all";
    public static readonly string[] Methods = ["ZebraWarp-91", "QuokkaFlow-37", "NarwhalCam-58"];

    public int LabId, ProjectId, PairId;

    protected virtual IEnumerable<string> Limits =>
        ["--CamReview:Studies:JoinsPerMinute=0", "--CamReview:Studies:VotesPerMinute=0", "--CamReview:Studies:ReadsPerMinute=0"];

    protected override IEnumerable<string> ExtraArgs => [.. base.ExtraArgs, "--CamReview:Jobs:PollSeconds=0.5", "--CamReview:Jobs:HeartbeatSeconds=0.5", .. Limits];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        LabId = await TeamIdAsync(AdminTeam);
        await CreateUserAsync("rita@camreview.test", "Rita Reviewer", Password, LabId, TeamRole.Reviewer);
        await CreateUserAsync("vic@camreview.test", "Vic Viewer", Password, LabId, TeamRole.Viewer);
        await CreateUserAsync("otto@camreview.test", "Otto Outsider", Password);
        using (var otto = await ClientAsync("otto@camreview.test", Password))
            await otto.PostJsonOkAsync("api/teams", new { name = "Elsewhere" });

        using var admin = await ClientAsync();
        ProjectId = (await admin.PostJsonOkAsync("api/projects", new { teamId = LabId, name = "Transfers" })).GetProperty("id").GetInt32();
        var video = (await admin.UploadOkAsync(ProjectId, "reference-video", TestMedia.ReferenceVideo, "pan.mp4")).GetProperty("id").GetInt32();
        var image = (await admin.UploadOkAsync(ProjectId, "target-image", TestMedia.TargetImage, "statue.png")).GetProperty("id").GetInt32();
        PairId = (await admin.PostJsonOkAsync($"api/projects/{ProjectId}/pairs", new { referenceAssetId = video, targetAssetId = image })).GetProperty("id").GetInt32();
        for (int i = 0; i < Methods.Length; i++)
            await admin.UploadOkAsync(ProjectId, "output", TestMedia.UniqueVideo(i + 1), $"{Methods[i]}.mp4",
                new() { ["methodName"] = Methods[i], ["pairId"] = PairId.ToString() });
    }

    /// <summary>A study over all three methods (3 pairwise comparisons), created and opened by the administrator, once
    /// its participants' videos are ready.</summary>
    public async Task<(int Id, string Token)> OpenStudyAsync(string name, int trials = 3, int attentionChecks = 1, bool allowTie = true, bool allowBothBad = true,
        string design = "pairwise", int candidates = 2, string[]? questions = null, bool watchBeforeVoting = false, object? admission = null)
    {
        using var admin = await ClientAsync();
        var draft = Draft(name, trials, attentionChecks, allowTie, allowBothBad, design, candidates, questions, watchBeforeVoting);
        var study = await admin.PostJsonOkAsync("api/studies", new
        {
            projectId = ProjectId,
            study = admission is null ? draft : Merge(draft, admission),
        });
        var id = study.GetProperty("id").GetInt32();
        await admin.PostJsonOkAsync($"api/studies/{id}/state", new { state = "open" });
        await MediaReadyAsync(admin, id);
        return (id, study.GetProperty("token").GetString()!);
    }

    /// <summary>Waits until the study's participant videos are ready (their job fails the test if it fails).</summary>
    public static async Task<JsonElement> MediaReadyAsync(PortalClient client, int studyId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(180);
        while (true)
        {
            var study = await client.Http.GetFromJsonAsync<JsonElement>($"api/studies/{studyId}");
            if (study.TryGetProperty("media", out var media))
            {
                if (media.GetProperty("ready").GetBoolean()) return media;
                Assert.True(media.GetProperty("stage").GetString() is not ("failed" or "canceled"), $"the study's videos were not prepared: {media}");
            }
            Assert.True(DateTime.UtcNow < deadline, $"the study's videos were not ready in 180 s: {study}");
            await Task.Delay(200);
        }
    }

    /// <summary>A study over all three methods of the pair, as the builder sends it. Its scripted participants answer at
    /// once and all from this machine, so the answer-time and shared-address rules are off (the admission tests turn them on).</summary>
    public object Draft(string name, int trials = 3, int attentionChecks = 1, bool allowTie = true, bool allowBothBad = true,
        string design = "pairwise", int candidates = 2, string[]? questions = null, bool watchBeforeVoting = false) => new
    {
        name, design, candidatesPerTrial = candidates, allowTie, allowBothBad, trialsPerParticipant = trials, attentionChecks,
        watchBeforeVoting, instructions = "Compare the videos.", consentText = "Anonymous.", pairIds = new[] { PairId }, methods = Methods,
        questions = (questions ?? ["scene", "motion", "overall"]).Select(q => new { key = q, text = $"Which is best for {q}?" }).ToArray(),
        flagFastAnswers = false, sharedAddressLimit = 0,
    };

    /// <summary>What a participant's trials show, as only the database knows it (the participant's addresses tell
    /// nothing): trial number → methods left to right (an attention check names one method on every side).</summary>
    public async Task<Dictionary<int, string[]>> MethodsShownAsync(int studyId, Participant participant)
    {
        var publicId = participant.Session.GetProperty("participant").GetString()!;
        await using var db = OpenDb();
        var methods = await db.StudyMedia.Where(m => m.StudyId == studyId && m.MethodName != null).ToDictionaryAsync(m => m.Id, m => m.MethodName!);
        return (await db.StudyTrials.Where(t => t.Participant.StudyId == studyId && t.Participant.PublicId == publicId).ToListAsync())
            .ToDictionary(t => t.Position, t => Studies.StudyDesigner.Split(t.CandidateMediaIds).Select(id => methods[id]).ToArray());
    }

    /// <summary>A draft with some of its fields replaced (admission and quality settings, say).</summary>
    public static Dictionary<string, object?> Merge(object draft, object changes)
    {
        var merged = JsonSerializer.Deserialize<Dictionary<string, object?>>(JsonSerializer.Serialize(draft, JsonOptions))!;
        foreach (var (key, value) in JsonSerializer.Deserialize<Dictionary<string, object?>>(JsonSerializer.Serialize(changes, JsonOptions))!) merged[key] = value;
        return merged;
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    /// <summary>Rows of a table, counted by the database (SQL of the test's own, on a context of its own).</summary>
    public long CountRows(string table, string where = "1 = 1")
    {
        using var db = OpenDb();
        var sql = $"SELECT COUNT(*) AS \"Value\" FROM \"{table}\" WHERE {where}";
        return db.Database.SqlQueryRaw<long>(sql).AsEnumerable().Single();
    }
}

/// <summary>The same world on PostgreSQL.</summary>
public sealed class PostgresStudyWorld : StudyWorld
{
    protected override bool OnPostgres => true;
}

/// <summary>The same world with small participant limits: 3 joins and 5 votes a minute.</summary>
public sealed class RateLimitedStudyWorld : StudyWorld
{
    protected override IEnumerable<string> Limits => ["--CamReview:Studies:JoinsPerMinute=3", "--CamReview:Studies:VotesPerMinute=5"];
}

/// <summary>An anonymous participant over HTTP, as the participant page talks to the portal: the key in a header, the
/// media cookie kept as a browser keeps it; from a loopback address of its own (<paramref name="from"/>, e.g.
/// 127.0.0.7) when given, as a separate machine would be.</summary>
public sealed class Participant : IDisposable
{
    private readonly string _token;
    private readonly CookieContainer _cookies = new();

    public Participant(Uri baseAddress, string token, IPAddress? from = null)
    {
        _token = token;
        Http = new HttpClient(Handler(from, _cookies)) { BaseAddress = baseAddress };
    }

    public HttpClient Http { get; }

    /// <summary>The Cookie header this participant's browser sends with the study's media requests.</summary>
    public string MediaCookie => _cookies.GetCookieHeader(new Uri(Http.BaseAddress!, $"p/{_token}/media/"));

    private static HttpMessageHandler Handler(IPAddress? from, CookieContainer cookies) => new SocketsHttpHandler
    {
        CookieContainer = cookies,
        AllowAutoRedirect = false,
        ConnectCallback = from is null ? null : async (context, ct) =>
        {
            var socket = new System.Net.Sockets.Socket(from.AddressFamily, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp) { NoDelay = true };
            try
            {
                socket.Bind(new IPEndPoint(from, 0));
                await socket.ConnectAsync(context.DnsEndPoint, ct);
                return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
    };
    public string? Key { get; private set; }
    public JsonElement Session { get; private set; }

    public async Task<HttpResponseMessage> JoinAsync(string? code = null, string? panelId = null)
    {
        var response = code is null && panelId is null
            ? await Http.PostAsync($"p/{_token}/api/participants", null)
            : await Http.PostAsJsonAsync($"p/{_token}/api/participants", new { code, panelId });
        if (response.StatusCode == HttpStatusCode.Created)
        {
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            Key = body.GetProperty("key").GetString();
            Session = body.GetProperty("session").Clone();
        }
        return response;
    }

    public async Task JoinOkAsync(string? code = null, string? panelId = null)
    {
        using var response = await JoinAsync(code, panelId);
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"join: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public Task<HttpResponseMessage> VoteAsync(int trial, string question, string choice, double? responseMs = 1234)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"p/{_token}/api/votes") { Content = JsonContent.Create(new { trial, question, choice, responseMs }) };
        if (Key is not null) request.Headers.Add("X-Participant-Key", Key);
        return Http.SendAsync(request);
    }

    public async Task<JsonElement> SessionAsync()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"p/{_token}/api/session");
        request.Headers.Add("X-Participant-Key", Key);
        using var response = await Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Session = (await response.Content.ReadFromJsonAsync<JsonElement>()).Clone();
    }

    public IEnumerable<JsonElement> Trials => Session.GetProperty("trials").EnumerateArray();

    public IEnumerable<string> Questions => Session.GetProperty("questions").EnumerateArray().Select(q => q.GetProperty("key").GetString()!);

    public void Dispose() => Http.Dispose();
}
