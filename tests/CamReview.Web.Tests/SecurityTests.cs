using System.Net;
using System.Net.Http.Json;
using CamReview.Web.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace CamReview.Web.Tests;

/// <summary>A project with a pair, an imported output and two share links (one with a passphrase), for the tests of
/// error pages, response headers and what reaches the browser.</summary>
public sealed class SecurityWorld : PortalFixture
{
    public int ProjectId, PairId, OutputId;
    public string OpenShareUrl = "", LockedShareUrl = "";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        using var admin = await ClientAsync();
        var teamId = await TeamIdAsync(AdminTeam);
        ProjectId = (await admin.PostJsonOkAsync("api/projects", new { teamId, name = "Security" })).GetProperty("id").GetInt32();
        var video = (await admin.UploadOkAsync(ProjectId, "reference-video", TestMedia.ReferenceVideo, "pan.mp4")).GetProperty("id").GetInt32();
        var image = (await admin.UploadOkAsync(ProjectId, "target-image", TestMedia.TargetImage, "statue.png")).GetProperty("id").GetInt32();
        PairId = (await admin.PostJsonOkAsync($"api/projects/{ProjectId}/pairs", new { referenceAssetId = video, targetAssetId = image })).GetProperty("id").GetInt32();
        OutputId = (await admin.UploadOkAsync(ProjectId, "output", TestMedia.AnotherVideo, "out.mp4",
            new() { ["methodName"] = "Method A", ["pairId"] = PairId.ToString() })).GetProperty("id").GetInt32();
        OpenShareUrl = (await admin.PostJsonOkAsync($"api/pairs/{PairId}/share-links", new { label = "open", expiresInDays = 7 })).GetProperty("url").GetString()!;
        LockedShareUrl = (await admin.PostJsonOkAsync($"api/pairs/{PairId}/share-links", new { label = "locked", expiresInDays = 7, passphrase = "open sesame" }))
            .GetProperty("url").GetString()!;
    }

    /// <summary>Waits until an imported output (by default the first) is scored (its motion curves and CameraScore exist, so the plots do).</summary>
    public Task ScoredAsync() => ScoredAsync(OutputId);

    public async Task ScoredAsync(int outputId)
    {
        var deadline = DateTime.UtcNow.AddSeconds(120);
        while (true)
        {
            await using (var db = OpenDb())
                if (await db.OutputScores.AnyAsync(s => s.AssetId == outputId && s.MotionJson != null)) return;
            Assert.True(DateTime.UtcNow < deadline, "the output was not scored in time");
            await Task.Delay(250);
        }
    }
}

/// <summary>A portal behind a reverse proxy on the loopback address, whose forwarded headers it believes.</summary>
public sealed class ProxiedPortalFixture : PortalFixture
{
    protected override IEnumerable<string> ExtraArgs => [.. base.ExtraArgs, "--CamReview:ForwardedHeaders:KnownProxies:0=127.0.0.1"];
}

public sealed class ForwardedHeaderTests(ProxiedPortalFixture portal) : IClassFixture<ProxiedPortalFixture>
{
    [Fact]
    public async Task AKnownProxysHttpsIsBelievedHstsAndSecureCookiesFollow()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "account/login");
        request.Headers.Add("X-Forwarded-Proto", "https");
        using var response = await portal.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(SecurityHeaders.StrictTransportSecurity, Assert.Single(response.Headers.GetValues("Strict-Transport-Security")));
        var antiforgery = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("CamReview.Antiforgery=", StringComparison.Ordinal));
        Assert.Contains("secure", antiforgery, StringComparison.OrdinalIgnoreCase);

        // Plain HTTP through the same proxy: no HSTS, no Secure flag.
        using var plain = await portal.Http.GetAsync("account/login");
        Assert.False(plain.Headers.Contains("Strict-Transport-Security"));
        Assert.DoesNotContain("secure", plain.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("CamReview.Antiforgery=", StringComparison.Ordinal)),
            StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AKnownProxysClientAddressIsBelieved()
    {
        // Wrong passwords lock an account per client address: the address is the one the proxy forwarded.
        await portal.CreateUserAsync("fwd@camreview.test", "Fwd", "forwarded-password");
        for (var i = 0; i < 10; i++) Assert.Equal(HttpStatusCode.BadRequest, (await SignInFromAsync("10.1.1.1", $"guess-{i}-wrong")).StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await SignInFromAsync("10.1.1.1", "forwarded-password")).StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, (await SignInFromAsync("10.2.2.2", "forwarded-password")).StatusCode);
    }

    private async Task<HttpResponseMessage> SignInFromAsync(string client, string password)
    {
        using var session = PortalClient.Anonymous(portal.BaseAddress);
        session.Http.DefaultRequestHeaders.Add("X-Forwarded-For", client);
        return await session.PostFormAsync("account/login", "login", new() { ["Input.Email"] = "fwd@camreview.test", ["Input.Password"] = password });
    }
}

public sealed class SecurityTests(SecurityWorld world) : IClassFixture<SecurityWorld>
{
    [Fact]
    public async Task UnlockingAShareLinkWithoutTheFormsTokenAnswersAClear400Page()
    {
        using var guest = PortalClient.Anonymous(world.BaseAddress);
        using var response = await guest.Http.PostAsync(world.LockedShareUrl.TrimStart('/') + "/unlock",
            new FormUrlEncodedContent([new("passphrase", "open sesame")]));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("This request was not accepted", body);
        Assert.Contains("expired", body);
        // Not unlocked.
        using var still = await guest.Http.GetAsync(world.LockedShareUrl.TrimStart('/'));
        Assert.Equal(HttpStatusCode.Unauthorized, still.StatusCode);
    }

    [Fact]
    public async Task AnUnsafeApiRequestNeedsTheAntiforgeryTokenEvenWithoutOriginOrSecFetchSite()
    {
        using var admin = await world.ClientAsync();
        var teamId = await world.TeamIdAsync(PortalFixture.AdminTeam);
        HttpRequestMessage Request(HttpMethod method, string path, object? body, string? token)
        {
            var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
            if (token is null) request.Options.Set(PortalClient.WithoutToken, true);
            else request.Headers.Add(PortalClient.AntiforgeryHeader, token);
            return request;
        }
        var writes = new (HttpMethod Method, string Path, object? Body)[]
        {
            (HttpMethod.Post, "api/projects", new { teamId, name = "riding the cookie" }),
            (HttpMethod.Put, $"api/outputs/{world.OutputId}/review", new { status = "rejected" }),
            (HttpMethod.Post, $"api/pairs/{world.PairId}/share-links", new { label = "riding", expiresInDays = 7 }),
            (HttpMethod.Delete, $"api/projects/{world.ProjectId}", null),
            (HttpMethod.Post, $"api/pairs/{world.PairId}/comments", new { timeSeconds = 0.5, body = "riding" }),
        };
        int Projects() { using var db = world.OpenDb(); return db.Projects.Count(); }
        int Links() { using var db = world.OpenDb(); return db.ShareLinks.Count(); }
        var (projects, links) = (Projects(), Links());

        // Neither Origin nor Sec-Fetch-Site (what a script, or a browser that sends neither, sends): without the token,
        // or with one that is not this session's, every write is refused with a JSON error and changes nothing.
        foreach (var token in new[] { null, "not-a-token" })
        foreach (var (method, path, body) in writes)
        {
            using var request = Request(method, path, body, token);
            using var response = await admin.Http.SendAsync(request);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{method} {path} ({token ?? "no token"}): {(int)response.StatusCode}");
            Assert.Contains("no valid antiforgery token (header RequestVerificationToken)", await PortalClient.ErrorOf(response));
        }
        Assert.Equal((projects, links), (Projects(), Links()));

        // Reads need no token.
        using (var read = Request(HttpMethod.Get, "api/projects", null, null))
        using (var response = await admin.Http.SendAsync(read)) Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // With the session's token (as the portal's pages send it) the same write works.
        var own = await admin.AntiforgeryTokenAsync();
        using (var request = Request(HttpMethod.Post, "api/projects", new { teamId, name = "with the token" }, own))
        using (var response = await admin.Http.SendAsync(request)) Assert.Equal(HttpStatusCode.Created, response.StatusCode);

        // From another site it is refused even with the token.
        using (var request = Request(HttpMethod.Post, "api/projects", new { teamId, name = "from evil" }, own))
        {
            request.Headers.Add("Origin", "https://evil.example");
            using var response = await admin.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Contains("other sites", await PortalClient.ErrorOf(response));
        }
        Assert.Equal(projects + 1, Projects());
    }

    [Fact]
    public async Task AFormPostedWithoutItsTokenAnswersA400PageNotAnError()
    {
        // A page's form (sign-in) posted without the antiforgery token, e.g. from another site or after the token expired.
        using var guest = PortalClient.Anonymous(world.BaseAddress);
        using var response = await guest.Http.PostAsync("account/login",
            new FormUrlEncodedContent([new("_handler", "login"), new("Input.Email", PortalFixture.AdminEmail), new("Input.Password", PortalFixture.AdminPassword)]));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("This request was not accepted", body);
        Assert.DoesNotContain(guest.Cookies.GetAllCookies(), c => c.Name == "CamReview.Session");
    }

    [Fact]
    public async Task APostToAnUnknownAddressAnswersTheNotFoundPage()
    {
        using var admin = await world.ClientAsync();
        using var response = await admin.Http.PostAsync("no/such/page", new FormUrlEncodedContent([new("x", "y")]));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.MethodNotAllowed, $"{(int)response.StatusCode}: {body}");
        Assert.Contains("Not found", body);
    }

    [Fact]
    public async Task EveryResponseCarriesTheSecurityHeaders()
    {
        using var admin = await world.ClientAsync();
        var paths = new (string Path, bool SignedIn, string MediaType)[]
        {
            ("account/login", false, "text/html"), ("health", false, "application/json"), ("css/app.css", false, "text/css"),
            ("_content/Plotly.Blazor/plotly-3.7.0.min.js", false, "text/javascript"), ("_framework/blazor.web.js", false, "text/javascript"),
            ("js/share.js", false, "text/javascript"), (world.OpenShareUrl.TrimStart('/'), false, "text/html"),
            (world.LockedShareUrl.TrimStart('/'), false, "text/html"), ($"{world.OpenShareUrl.TrimStart('/')}/metrics.json", false, "application/json"),
            ("p/no-such-study-link", false, "text/html"), ("no/such/page", true, "text/html"), ("projects", true, "text/html"),
            ("api/teams", true, "application/json"), ($"media/{world.OutputId}/original", true, "video/mp4"),
        };
        foreach (var (path, signedIn, mediaType) in paths)
        {
            using var response = await (signedIn ? admin.Http : world.Http).GetAsync(path);
            Assert.True(response.Content.Headers.ContentType?.MediaType == mediaType, $"{path}: {(int)response.StatusCode} {response.Content.Headers.ContentType}");
            Assert.True(response.Headers.TryGetValues("X-Content-Type-Options", out var nosniff) && nosniff.Single() == "nosniff", $"{path}: no nosniff");
            Assert.True(response.Headers.TryGetValues("Content-Security-Policy", out var csp), $"{path}: no CSP");
            var policy = csp.Single();
            Assert.Contains("frame-ancestors 'self'", policy);
            Assert.Contains("script-src 'self';", policy);
            Assert.Contains("connect-src 'self'", policy);
            Assert.False(response.Headers.Contains("Server"), $"{path}: Server: {string.Join(", ", response.Headers.Server)}");
            // Plain HTTP on loopback: no HSTS.
            Assert.False(response.Headers.Contains("Strict-Transport-Security"), path);
        }
    }

    [Fact]
    public async Task ForwardedHeadersFromAnUnknownProxyAreIgnored()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "account/login");
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-For", "10.9.9.9");
        using var response = await world.Http.SendAsync(request);
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
        Assert.DoesNotContain("secure", response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("CamReview.Antiforgery=", StringComparison.Ordinal)),
            StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task TheComparePageAndTheSharePageWorkUnderTheContentSecurityPolicy()
    {
        await world.ScoredAsync();
        var page = await world.SignedInPageAsync();
        await RecordViolationsAsync(page);
        var sockets = new List<string>();
        page.WebSocket += (_, socket) => sockets.Add(socket.Url);
        await page.GotoLiveAsync($"projects/{world.ProjectId}/pairs/{world.PairId}/compare");
        // blazor.web.js loaded and the circuit is up (over the websocket): the comment button turns on.
        await Assertions.Expect(page.GetByTestId("add-comment")).ToBeEnabledAsync();
        // Plotly.Blazor's module loaded its plotly.js and drew the plots.
        await Assertions.Expect(page.Locator(".plot-canvas.js-plotly-plot .main-svg").First).ToBeAttachedAsync();
        // The circuit runs over a websocket to the portal itself (connect-src 'self' lets it through).
        Assert.Contains(sockets, url => url.StartsWith(world.BaseAddress.ToString().Replace("http://", "ws://"), StringComparison.Ordinal) && url.Contains("/_blazor"));
        Assert.Empty(await ViolationsAsync(page));

        var guest = await world.NewPageAsync();
        await RecordViolationsAsync(guest);
        await guest.GotoAsync(world.OpenShareUrl.TrimStart('/'));
        await Assertions.Expect(guest.GetByTestId("share-title")).ToBeVisibleAsync();
        // The viewer's module (js/share.js, no inline script) wired the players and drew the plots.
        await Assertions.Expect(guest.Locator(".plot-canvas.js-plotly-plot .main-svg").First).ToBeAttachedAsync();
        Assert.Empty(await ViolationsAsync(guest));
        await guest.Context.CloseAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task AMethodNameWithHtmlIsPlainTextInThePlotsOfTheCompareAndSharePages()
    {
        const string evil = "<a href=\"https://evil.example/\">Evil</a> & co";
        using var admin = await world.ClientAsync();
        var output = (await admin.UploadOkAsync(world.ProjectId, "output", TestMedia.UniqueVideo(phase: 43), "evil.mp4",
            new() { ["methodName"] = evil, ["pairId"] = world.PairId.ToString() })).GetProperty("id").GetInt32();
        await world.ScoredAsync(output);

        var page = await world.SignedInPageAsync();
        await page.GotoLiveAsync($"projects/{world.ProjectId}/pairs/{world.PairId}/compare");
        await CheckPlotsAsync(page, evil);
        var guest = await world.NewPageAsync();
        await guest.GotoAsync(world.OpenShareUrl.TrimStart('/'));
        await CheckPlotsAsync(guest, evil);
        await guest.Context.CloseAsync();
        await page.Context.CloseAsync();
    }

    /// <summary>Every plot drew the method's legend entry as the text it is, with no link in any figure.</summary>
    private static async Task CheckPlotsAsync(IPage page, string method)
    {
        var legends = page.Locator(".plot-canvas .legend .legendtext");
        await Assertions.Expect(legends.Filter(new() { HasText = method }).First).ToBeAttachedAsync();
        Assert.Equal(0, await page.Locator(".plot-canvas svg a").CountAsync());
        Assert.Empty(await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('.plot-canvas [href]')].map(e => e.getAttribute('href'))"));
    }

    private static Task RecordViolationsAsync(IPage page) => page.AddInitScriptAsync(
        "window.__csp = []; document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile + ':' + e.lineNumber + ' ' + (e.target && e.target.outerHTML ? e.target.outerHTML.slice(0, 200) : '')));");

    private static Task<string[]> ViolationsAsync(IPage page) => page.EvaluateAsync<string[]>("() => window.__csp");

    [Fact]
    public async Task AnUploadIsShownWithTheExtensionOfItsContent()
    {
        using var admin = await world.ClientAsync();
        var asset = await admin.UploadOkAsync(world.ProjectId, "target-image", TestMedia.UniqueImage(seed: 41), "photo.exe");
        Assert.Equal("photo.png", asset.GetProperty("displayName").GetString());
        var output = await admin.UploadOkAsync(world.ProjectId, "output", TestMedia.UniqueVideo(phase: 41), "run.html",
            new() { ["methodName"] = "org/model" });
        Assert.Equal("run.mp4", output.GetProperty("displayName").GetString());
        Assert.Equal("org/model", output.GetProperty("methodName").GetString());
    }

    [Fact]
    public async Task ARenderedOutputsNameKeepsEveryPartOfItsLabels()
    {
        using var admin = await world.ClientAsync();
        var video = (await admin.UploadOkAsync(world.ProjectId, "reference-video", TestMedia.UniqueVideo(phase: 42), "ref.mp4")).GetProperty("id").GetInt32();
        var image = (await admin.UploadOkAsync(world.ProjectId, "target-image", TestMedia.UniqueImage(seed: 42), "t.png")).GetProperty("id").GetInt32();
        var pair = (await admin.PostJsonOkAsync($"api/projects/{world.ProjectId}/pairs", new { referenceAssetId = video, targetAssetId = image, name = "lab/pans\\left" }))
            .GetProperty("id").GetInt32();
        var job = await JobPortalFixture.StartRenderAsync(admin, pair, new { motion = "pan-left", frames = 6 });
        var done = await JobPortalFixture.WaitForJobAsync(world.OpenDb, job.GetProperty("id").GetInt32(),
            j => j.State is Data.Entities.JobState.Succeeded or Data.Entities.JobState.Failed, "finished", 120);
        Assert.True(done.State == Data.Entities.JobState.Succeeded, done.Error);
        await using var db = world.OpenDb();
        var output = await db.Assets.SingleAsync(a => a.Id == done.AssetId);
        // The method's label has a slash too ("… 0.5°/f …"): nothing before a slash is lost.
        Assert.Contains('/', output.MethodName!);
        Assert.Equal($"{output.MethodName!.Replace('/', '\u2215')} · lab\u2215pans\u2216left.mp4", output.DisplayName);
    }

    [Fact]
    public async Task TheErrorPageRendersForAPost()
    {
        using var guest = PortalClient.Anonymous(world.BaseAddress);
        using var response = await guest.Http.PostAsync("error", new FormUrlEncodedContent([new("x", "y")]));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.True(body.Contains("Something went wrong") || body.Contains("This request was not accepted"), body);
    }
}
