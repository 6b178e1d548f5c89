using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CamReview.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace CamReview.Web.Tests;

/// <summary>Two teams with content: "Lab" (the administrator owns it; Rita reviews, Vic views) and "Elsewhere"
/// (Otto owns it, and is in no other team).</summary>
public sealed class AuthorizationWorld : PortalFixture
{
    public const string Password = "same-password-for-all";

    public int LabId, ProjectId, VideoId, ImageId, SecondImageId, PairId, VicId, JobId, OutputId, ShareLinkId;

    /// <summary>Jobs are queued but never run here: what the matrix changes stays put while it is checked.</summary>
    protected override IEnumerable<string> ExtraArgs => [.. base.ExtraArgs, "--CamReview:Jobs:MaxConcurrency=0"];
    public int ElsewhereProjectId, ElsewhereAssetId;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        LabId = await TeamIdAsync(AdminTeam);
        await CreateUserAsync("rita@camreview.test", "Rita Reviewer", Password, LabId, TeamRole.Reviewer);
        VicId = (await CreateUserAsync("vic@camreview.test", "Vic Viewer", Password, LabId, TeamRole.Viewer)).Id;
        await CreateUserAsync("otto@camreview.test", "Otto Outsider", Password);

        using var admin = await ClientAsync();
        ProjectId = (await admin.PostJsonOkAsync("api/projects", new { teamId = LabId, name = "Pans" })).GetProperty("id").GetInt32();
        VideoId = (await admin.UploadOkAsync(ProjectId, "reference-video", TestMedia.ReferenceVideo, "pan.mp4")).GetProperty("id").GetInt32();
        ImageId = (await admin.UploadOkAsync(ProjectId, "target-image", TestMedia.TargetImage, "statue.png")).GetProperty("id").GetInt32();
        SecondImageId = (await admin.UploadOkAsync(ProjectId, "target-image", TestMedia.DepthMap, "tree.png")).GetProperty("id").GetInt32();
        PairId = (await admin.PostJsonOkAsync($"api/projects/{ProjectId}/pairs", new { referenceAssetId = VideoId, targetAssetId = ImageId }))
            .GetProperty("id").GetInt32();
        JobId = (await admin.PostJsonOkAsync($"api/pairs/{PairId}/renders", new { method = "homography", parameters = new { motion = "pan-left", frames = 12 } }))
            .GetProperty("id").GetInt32();
        OutputId = (await admin.UploadOkAsync(ProjectId, "output", TestMedia.AnotherVideo, "cammimic.mp4",
            new() { ["methodName"] = "CamMimic", ["pairId"] = PairId.ToString() })).GetProperty("id").GetInt32();
        ShareLinkId = (await admin.PostJsonOkAsync($"api/pairs/{PairId}/share-links", new { label = "for the reviewers", expiresInDays = 7 }))
            .GetProperty("id").GetInt32();

        using var otto = await ClientAsync("otto@camreview.test", Password);
        var elsewhere = (await otto.PostJsonOkAsync("api/teams", new { name = "Elsewhere" })).GetProperty("id").GetInt32();
        ElsewhereProjectId = (await otto.PostJsonOkAsync("api/projects", new { teamId = elsewhere, name = "Pans" })).GetProperty("id").GetInt32();
        ElsewhereAssetId = (await otto.UploadOkAsync(ElsewhereProjectId, "target-image", TestMedia.DepthMap, "otto.png")).GetProperty("id").GetInt32();
    }
}

/// <summary>Every page and endpoint, tried anonymously, as a Viewer, as a Reviewer and as a member of another team.</summary>
public sealed class AuthorizationMatrixTests(AuthorizationWorld world) : IClassFixture<AuthorizationWorld>
{
    private enum Surface { Page, Api }

    private sealed record Probe(string Name, Surface Surface, HttpMethod Method, string Path, TeamRole Needs, Func<object?>? Body = null, bool Upload = false,
        HttpStatusCode? Success = null);

    /// <summary>Everything that concerns the Lab's project, its assets, pair and team.</summary>
    private IEnumerable<Probe> LabProbes()
    {
        var w = world;
        yield return new("project page", Surface.Page, HttpMethod.Get, $"projects/{w.ProjectId}", TeamRole.Viewer);
        yield return new("pair page", Surface.Page, HttpMethod.Get, $"projects/{w.ProjectId}/pairs/{w.PairId}", TeamRole.Viewer);
        yield return new("pair", Surface.Api, HttpMethod.Get, $"api/pairs/{w.PairId}", TeamRole.Viewer);
        yield return new("jobs", Surface.Api, HttpMethod.Get, $"api/projects/{w.ProjectId}/jobs", TeamRole.Viewer);
        yield return new("job", Surface.Api, HttpMethod.Get, $"api/jobs/{w.JobId}", TeamRole.Viewer);
        yield return new("start render", Surface.Api, HttpMethod.Post, $"api/pairs/{w.PairId}/renders", TeamRole.Reviewer,
            () => new { method = "homography", parameters = new { motion = "tilt-up", frames = 12 } });
        yield return new("cancel job", Surface.Api, HttpMethod.Post, $"api/jobs/{w.JobId}/cancel", TeamRole.Reviewer, Success: HttpStatusCode.OK);
        yield return new("retry job", Surface.Api, HttpMethod.Post, $"api/jobs/{w.JobId}/retry", TeamRole.Reviewer, Success: HttpStatusCode.OK);
        yield return new("compare page", Surface.Page, HttpMethod.Get, $"projects/{w.ProjectId}/pairs/{w.PairId}/compare", TeamRole.Viewer);
        yield return new("metrics csv", Surface.Api, HttpMethod.Get, $"api/pairs/{w.PairId}/metrics.csv", TeamRole.Viewer);
        yield return new("metrics json", Surface.Api, HttpMethod.Get, $"api/pairs/{w.PairId}/metrics.json", TeamRole.Viewer);
        yield return new("comments", Surface.Api, HttpMethod.Get, $"api/pairs/{w.PairId}/comments", TeamRole.Viewer);
        yield return new("add comment", Surface.Api, HttpMethod.Post, $"api/pairs/{w.PairId}/comments", TeamRole.Reviewer,
            () => new { timeSeconds = 0.25, body = "the pan starts late" });
        yield return new("set review", Surface.Api, HttpMethod.Put, $"api/outputs/{w.OutputId}/review", TeamRole.Reviewer, () => new { status = "retake" });
        yield return new("share links", Surface.Api, HttpMethod.Get, $"api/pairs/{w.PairId}/share-links", TeamRole.Reviewer);
        yield return new("create share link", Surface.Api, HttpMethod.Post, $"api/pairs/{w.PairId}/share-links", TeamRole.Reviewer,
            () => new { label = "external", expiresInDays = 1 });
        yield return new("revoke share link", Surface.Api, HttpMethod.Post, $"api/share-links/{w.ShareLinkId}/revoke", TeamRole.Reviewer, Success: HttpStatusCode.OK);
        yield return new("team page", Surface.Page, HttpMethod.Get, $"teams/{w.LabId}", TeamRole.Viewer);
        yield return new("project", Surface.Api, HttpMethod.Get, $"api/projects/{w.ProjectId}", TeamRole.Viewer);
        yield return new("assets", Surface.Api, HttpMethod.Get, $"api/projects/{w.ProjectId}/assets", TeamRole.Viewer);
        yield return new("pairs", Surface.Api, HttpMethod.Get, $"api/projects/{w.ProjectId}/pairs", TeamRole.Viewer);
        yield return new("dependents", Surface.Api, HttpMethod.Get, $"api/assets/{w.ImageId}/dependents", TeamRole.Viewer);
        yield return new("team", Surface.Api, HttpMethod.Get, $"api/teams/{w.LabId}", TeamRole.Viewer);
        yield return new("video", Surface.Api, HttpMethod.Get, $"media/{w.VideoId}/original", TeamRole.Viewer);
        yield return new("video playback", Surface.Api, HttpMethod.Get, $"media/{w.VideoId}/playback", TeamRole.Viewer);
        yield return new("poster", Surface.Api, HttpMethod.Get, $"media/{w.VideoId}/poster", TeamRole.Viewer);
        yield return new("thumbnail", Surface.Api, HttpMethod.Get, $"media/{w.ImageId}/thumb", TeamRole.Viewer);
        yield return new("upload", Surface.Api, HttpMethod.Post, $"api/projects/{w.ProjectId}/assets", TeamRole.Reviewer, Upload: true);
        yield return new("create pair", Surface.Api, HttpMethod.Post, $"api/projects/{w.ProjectId}/pairs", TeamRole.Reviewer,
            () => new { name = $"pair {Guid.NewGuid():N}", referenceAssetId = w.VideoId, targetAssetId = w.SecondImageId });
        yield return new("delete asset", Surface.Api, HttpMethod.Delete, $"api/assets/{w.ImageId}?confirm=p{w.PairId}", TeamRole.Owner);
        yield return new("delete project", Surface.Api, HttpMethod.Delete, $"api/projects/{w.ProjectId}", TeamRole.Owner);
        yield return new("create project", Surface.Api, HttpMethod.Post, "api/projects", TeamRole.Owner,
            () => new { teamId = w.LabId, name = $"project {Guid.NewGuid():N}" });
        yield return new("invite", Surface.Api, HttpMethod.Post, $"api/teams/{w.LabId}/invitations", TeamRole.Owner,
            () => new { email = $"{Guid.NewGuid():N}@camreview.test", role = "viewer" });
        yield return new("invitations", Surface.Api, HttpMethod.Get, $"api/teams/{w.LabId}/invitations", TeamRole.Owner);
        yield return new("revoke invitation", Surface.Api, HttpMethod.Delete, $"api/teams/{w.LabId}/invitations/1", TeamRole.Owner);
        yield return new("change role", Surface.Api, HttpMethod.Put, $"api/teams/{w.LabId}/members/{w.VicId}", TeamRole.Owner, () => new { role = "owner" });
        yield return new("remove member", Surface.Api, HttpMethod.Delete, $"api/teams/{w.LabId}/members/{w.VicId}", TeamRole.Owner);
    }

    /// <summary>Pages and endpoints that concern no particular team.</summary>
    private static readonly string[] GeneralPages = ["", "projects", "teams", "compare", "studies", "account/password"];
    private static readonly string[] GeneralApi = ["api/projects", "api/teams"];

    [Fact]
    public async Task AnonymousRequestsAreSentToSignInOrRefusedWith401()
    {
        using var anonymous = PortalClient.Anonymous(world.BaseAddress);
        foreach (var path in GeneralPages.Concat(LabProbes().Where(p => p.Surface == Surface.Page).Select(p => p.Path)))
        {
            using var response = await anonymous.Http.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"GET /{path}: {response.StatusCode}");
            Assert.StartsWith($"{world.BaseAddress}account/login?ReturnUrl=", response.Headers.Location!.ToString());
        }
        foreach (var probe in LabProbes().Where(p => p.Surface == Surface.Api))
        {
            using var response = await SendAsync(anonymous, probe);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{probe.Name}: {response.StatusCode}");
            Assert.Equal("Sign in first.", await PortalClient.ErrorOf(response));
        }
        foreach (var path in GeneralApi)
        {
            using var response = await anonymous.Http.GetAsync(path);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }
    }

    [Fact]
    public async Task AViewerReadsEverythingAndChangesNothing()
    {
        using var vic = await world.ClientAsync("vic@camreview.test", AuthorizationWorld.Password);
        var before = await CountsAsync();
        foreach (var probe in LabProbes())
        {
            using var response = await SendAsync(vic, probe);
            if (probe.Needs == TeamRole.Viewer)
            {
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{probe.Name}: {response.StatusCode}");
                continue;
            }
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{probe.Name}: {response.StatusCode}");
            var error = await PortalClient.ErrorOf(response);
            Assert.Contains($"You are a Viewer in team \"{PortalFixture.AdminTeam}\"", error);
            Assert.Contains(probe.Needs == TeamRole.Owner ? "needs the Owner role" : "needs the Reviewer or Owner role", error);
        }
        Assert.Equal(before, await CountsAsync());
        foreach (var path in GeneralPages)
        {
            using var response = await vic.Http.GetAsync(path);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /{path}: {response.StatusCode}");
        }
        // The page says what the role allows.
        var projectPage = await vic.Http.GetStringAsync($"projects/{world.ProjectId}");
        Assert.Contains("data-testid=\"read-only\"", projectPage);
        Assert.DoesNotContain("data-testid=\"upload-card\"", projectPage);
    }

    [Fact]
    public async Task AReviewerUploadsAndMakesPairsButDoesNotDeleteOrManage()
    {
        using var rita = await world.ClientAsync("rita@camreview.test", AuthorizationWorld.Password);
        var before = await CountsAsync();
        foreach (var probe in LabProbes())
        {
            using var response = await SendAsync(rita, probe);
            var expected = probe.Needs switch
            {
                TeamRole.Owner => HttpStatusCode.Forbidden,
                _ when probe.Success is { } success => success,
                _ when probe.Method == HttpMethod.Post => HttpStatusCode.Created,
                _ => HttpStatusCode.OK,
            };
            Assert.True(response.StatusCode == expected, $"{probe.Name}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            if (expected == HttpStatusCode.Forbidden) Assert.Contains("You are a Reviewer", await PortalClient.ErrorOf(response));
        }
        var after = await CountsAsync();
        Assert.Equal(before with
        {
            Assets = before.Assets + 1, Pairs = before.Pairs + 1, Comments = before.Comments + 1, ShareLinks = before.ShareLinks + 1,
            RevokedLinks = 1, Reviews = 1,
        }, after);
        await using var db = world.OpenDb();
        Assert.Equal("Rita Reviewer", (await db.Assets.Include(a => a.CreatedBy).OrderBy(a => a.Id).LastAsync()).CreatedBy!.DisplayName);
    }

    [Fact]
    public async Task AMemberOfAnotherTeamFindsNothingThere()
    {
        using var otto = await world.ClientAsync("otto@camreview.test", AuthorizationWorld.Password);
        var before = await CountsAsync();
        foreach (var probe in LabProbes())
        {
            using var response = await SendAsync(otto, probe);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{probe.Name}: {response.StatusCode}");
            var body = await response.Content.ReadAsStringAsync();
            if (probe.Surface == Surface.Page) Assert.Contains("data-testid=\"not-found\"", body);
            else Assert.Equal("Not found.", await PortalClient.ErrorOf(response));
            Assert.DoesNotContain("Pans", body); // not even the project's name
        }
        Assert.Equal(before, await CountsAsync());

        // Their own lists show only their own team's things.
        var projects = await otto.Http.GetFromJsonAsync<JsonElement>("api/projects");
        Assert.Equal([world.ElsewhereProjectId], projects.EnumerateArray().Select(p => p.GetProperty("id").GetInt32()));
        var teams = await otto.Http.GetFromJsonAsync<JsonElement>("api/teams");
        Assert.Equal(["Elsewhere"], teams.EnumerateArray().Select(t => t.GetProperty("name").GetString()));

        // A pair across teams cannot be made either way.
        using var admin = await world.ClientAsync();
        using var crossed = await admin.Http.PostAsJsonAsync($"api/projects/{world.ProjectId}/pairs",
            new { referenceAssetId = world.VideoId, targetAssetId = world.ElsewhereAssetId });
        Assert.Equal(HttpStatusCode.BadRequest, crossed.StatusCode);
        using var media = await admin.Http.GetAsync($"media/{world.ElsewhereAssetId}/original");
        Assert.Equal(HttpStatusCode.NotFound, media.StatusCode);
    }

    [Fact]
    public async Task UnknownIdsLookExactlyLikeOtherTeamsThings()
    {
        using var admin = await world.ClientAsync();
        using var otto = await world.ClientAsync("otto@camreview.test", AuthorizationWorld.Password);
        foreach (var path in new[] { "projects/{0}", "teams/{0}", "api/projects/{0}", "api/projects/{0}/assets", "api/assets/{0}/dependents", "media/{0}/thumb", "api/teams/{0}" })
        {
            using var unknown = await admin.Http.GetAsync(string.Format(path, 987654));
            using var foreign = await otto.Http.GetAsync(string.Format(path, path.Contains("teams") ? world.LabId : path.Contains("assets/") || path.StartsWith("media") ? world.ImageId : world.ProjectId));
            Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
            string unknownBody = await unknown.Content.ReadAsStringAsync(), foreignBody = await foreign.Content.ReadAsStringAsync();
            if (path.StartsWith("api") || path.StartsWith("media")) Assert.Equal(unknownBody, foreignBody);
            else Assert.All([unknownBody, foreignBody], body => Assert.Contains("data-testid=\"not-found\"", body));
        }
        using var deleteUnknown = await admin.Http.DeleteAsync("api/assets/987654");
        Assert.Equal(HttpStatusCode.NotFound, deleteUnknown.StatusCode);
        using var mediaKind = await admin.Http.GetAsync($"media/{world.ImageId}/../../camreview.db");
        Assert.NotEqual(HttpStatusCode.OK, mediaKind.StatusCode);
    }

    [Fact]
    public async Task CrossSiteWritesAndUploadsWithoutTheAntiforgeryTokenAreRefused()
    {
        using var admin = await world.ClientAsync();
        var before = await CountsAsync();
        using (var request = new HttpRequestMessage(HttpMethod.Post, "api/projects") { Content = JsonContent.Create(new { teamId = world.LabId, name = "from evil" }) })
        {
            request.Headers.Add("Origin", "https://evil.example");
            request.Headers.Add("Sec-Fetch-Site", "cross-site");
            using var response = await admin.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Contains("other sites", await PortalClient.ErrorOf(response));
        }
        using (var response = await admin.UploadAsync(world.ProjectId, "target-image", TestMedia.AnotherVideo, "x.png", withToken: false))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("antiforgery", await PortalClient.ErrorOf(response));
        }
        // Another session's token does not fit this session.
        using var rita = await world.ClientAsync("rita@camreview.test", AuthorizationWorld.Password);
        using (var form = new MultipartFormDataContent { { new StringContent("target-image"), "kind" }, { new ByteArrayContent(TestMedia.DepthMap), "file", "x.png" } })
        using (var request = new HttpRequestMessage(HttpMethod.Post, $"api/projects/{world.ProjectId}/assets") { Content = form })
        {
            request.Headers.Add(PortalClient.AntiforgeryHeader, await rita.AntiforgeryTokenAsync());
            using var response = await admin.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        }
        Assert.Equal(before, await CountsAsync());
    }

    [Fact]
    public async Task OnlyMembersJoinAProjectsLiveUpdates()
    {
        using var vic = await world.ClientAsync("vic@camreview.test", AuthorizationWorld.Password);
        using var otto = await world.ClientAsync("otto@camreview.test", AuthorizationWorld.Password);
        Assert.Null(await HubInvokeAsync(vic, "JoinProject", world.ProjectId));
        Assert.Contains("Not found.", await HubInvokeAsync(otto, "JoinProject", world.ProjectId));
        Assert.Contains("Not found.", await HubInvokeAsync(vic, "JoinProject", 987654));
    }

    /// <summary>Calls a ReviewHub method over SignalR's JSON protocol on a WebSocket with the client's session cookie;
    /// returns the error of the completion (null when the call succeeded).</summary>
    private async Task<string?> HubInvokeAsync(PortalClient client, string method, params object[] arguments)
    {
        const char separator = '\u001e';
        using var negotiate = await client.Http.PostAsync("hubs/review/negotiate?negotiateVersion=1", null);
        negotiate.EnsureSuccessStatusCode();
        var token = (await negotiate.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("connectionToken").GetString();
        using var socket = new System.Net.WebSockets.ClientWebSocket();
        socket.Options.SetRequestHeader("Cookie", client.Cookies.GetCookieHeader(world.BaseAddress));
        var ws = new UriBuilder(world.BaseAddress) { Scheme = "ws", Path = "hubs/review", Query = $"id={token}" }.Uri;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await socket.ConnectAsync(ws, timeout.Token);

        async Task SendAsync(string json) => await socket.SendAsync(System.Text.Encoding.UTF8.GetBytes(json + separator),
            System.Net.WebSockets.WebSocketMessageType.Text, true, timeout.Token);
        async Task<List<JsonElement>> ReceiveAsync()
        {
            var buffer = new byte[16 * 1024];
            var text = new System.Text.StringBuilder();
            System.Net.WebSockets.WebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer, timeout.Token);
                text.Append(System.Text.Encoding.UTF8.GetString(buffer, 0, result.Count));
            } while (!result.EndOfMessage);
            return text.ToString().Split(separator, StringSplitOptions.RemoveEmptyEntries).Select(m => JsonDocument.Parse(m).RootElement.Clone()).ToList();
        }

        await SendAsync("""{"protocol":"json","version":1}""");
        var handshake = await ReceiveAsync();
        Assert.False(handshake[0].TryGetProperty("error", out _), handshake[0].ToString());
        await SendAsync(JsonSerializer.Serialize(new { type = 1, invocationId = "1", target = method, arguments }));
        while (true)
        {
            foreach (var message in await ReceiveAsync())
            {
                if (message.GetProperty("type").GetInt32() != 3) continue; // pings and the like
                return message.TryGetProperty("error", out var error) ? error.GetString() : null;
            }
        }
    }

    private async Task<HttpResponseMessage> SendAsync(PortalClient client, Probe probe)
    {
        if (probe.Upload) return await client.UploadAsync(world.ProjectId, "depth-map", TestMedia.DepthMap, $"depth-{Guid.NewGuid():N}.png", withToken: client.Cookies.Count > 0);
        using var request = new HttpRequestMessage(probe.Method, probe.Path);
        if (probe.Body?.Invoke() is { } body) request.Content = JsonContent.Create(body);
        return await client.Http.SendAsync(request);
    }

    private sealed record Counts(int Users, int Members, int Projects, int Assets, int Pairs, int Files, int Comments, int ShareLinks, int RevokedLinks, int Reviews);

    private async Task<Counts> CountsAsync()
    {
        await using var db = world.OpenDb();
        return new Counts(await db.Users.CountAsync(), await db.TeamMembers.CountAsync(), await db.Projects.CountAsync(),
            await db.Assets.CountAsync(), await db.Pairs.CountAsync(), world.StoredFiles().Count, await db.Comments.CountAsync(),
            await db.ShareLinks.CountAsync(), await db.ShareLinks.CountAsync(l => l.RevokedUtc != null), await db.OutputReviews.CountAsync());
    }
}
