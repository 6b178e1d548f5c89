using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Microsoft.Extensions.DependencyInjection;

namespace CamReview.Web.Tests;

public sealed class PortalShellTests(PortalFixture portal) : IClassFixture<PortalFixture>
{
    [Fact]
    public async Task HealthReportsDatabaseAndNativeLibrariesToAdministrators()
    {
        // The details are for administrators only (anonymous callers get the status: HealthTests).
        using var admin = await portal.ClientAsync();
        using var response = await admin.Http.GetAsync("health");
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        using var json = JsonDocument.Parse(body);
        var entries = json.RootElement.GetProperty("entries");
        Assert.Equal("Healthy", json.RootElement.GetProperty("status").GetString());
        var database = entries.GetProperty("database").GetProperty("data");
        Assert.Equal("wal", database.GetProperty("journalMode").GetString());
        Assert.Equal(0, database.GetProperty("pendingMigrations").GetInt32());
        Assert.StartsWith(portal.DataDir, database.GetProperty("file").GetString());
        var native = entries.GetProperty("native").GetProperty("data");
        Assert.StartsWith("4.", native.GetProperty("opencv").GetString());
        Assert.Equal("1.32.0", native.GetProperty("onnxruntime").GetString());
        Assert.Contains("CPUExecutionProvider", native.GetProperty("onnxProviders").EnumerateArray().Select(p => p.GetString()));
        var session = native.GetProperty("onnxSession");
        if (session.GetProperty("executionProvider").GetString() != "CUDAExecutionProvider")
            Assert.StartsWith("CUDA not used (Auto requested), running on CPU: ", session.GetProperty("note").GetString());
    }

    /// <summary>Static files the anonymous pages (sign-in, share, participant) need, with their content types.</summary>
    public static TheoryData<string, string> StaticFiles => new()
    {
        { "css/static.css", "text/css" },
        { "_content/Plotly.Blazor/plotly-3.7.0.min.js", "text/javascript" },
        { "css/app.css", "text/css" },
        { "js/participant.js", "text/javascript" },
        { "_framework/blazor.web.js", "text/javascript" },
        { "CamReview.Web.styles.css", "text/css" },
        { "_content/MudBlazor/MudBlazor.min.css", "text/css" },
        { "_content/MudBlazor/MudBlazor.min.js", "text/javascript" },
    };

    [Theory]
    [MemberData(nameof(StaticFiles))]
    public Task StaticAssetsAreServed(string path, string contentType) => AssertServedAnonymouslyAsync(portal.Http, path, contentType);

    internal static async Task AssertServedAnonymouslyAsync(HttpClient anonymous, string path, string contentType)
    {
        using var response = await anonymous.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(contentType, response.Content.Headers.ContentType?.MediaType);
        Assert.True((await response.Content.ReadAsByteArrayAsync()).Length > 100, $"{path} is (nearly) empty");
    }

    [Fact]
    public async Task UnknownPathIsNotFound()
    {
        // Anonymous visitors are asked to sign in first, whatever the address; signed in, it is a plain 404.
        using (var anonymous = await portal.Http.GetAsync("no/such/page"))
        {
            Assert.Equal(HttpStatusCode.Redirect, anonymous.StatusCode);
            Assert.StartsWith("/account/login", anonymous.Headers.Location!.OriginalString.Replace(portal.BaseAddress.ToString(), "/"));
        }
        using var client = await portal.ClientAsync();
        using var response = await client.Http.GetAsync("no/such/page");
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Not found", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task ThePagesLinkNoBootstrapAndNoneIsServed()
    {
        // The look is MudBlazor's alone: neither the interactive pages nor the static ones (sign-in, account forms)
        // link Bootstrap's styles, icons or script, or set its theme attribute.
        using var client = await portal.ClientAsync();
        using (var signIn = await portal.Http.GetAsync("account/login"))
            Assert.DoesNotMatch("lib/bootstrap|bootstrap-icons|data-bs-theme", await signIn.Content.ReadAsStringAsync());
        foreach (var path in new[] { "projects", "teams", "help/metrics", "account/password" })
        {
            var html = await client.Http.GetStringAsync(path);
            Assert.Contains("MudBlazor.min.css", html);
            Assert.DoesNotMatch("lib/bootstrap|bootstrap-icons|data-bs-theme", html);
        }
        using var css = await client.Http.GetAsync("lib/bootstrap/bootstrap.min.css");
        Assert.Equal(HttpStatusCode.NotFound, css.StatusCode);
    }

    [Fact]
    public async Task ReviewHubNegotiatesForSignedInUsersOnly()
    {
        using (var anonymous = await portal.Http.PostAsync("hubs/review/negotiate?negotiateVersion=1", null))
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);

        using var client = await portal.ClientAsync();
        using var response = await client.Http.PostAsync("hubs/review/negotiate?negotiateVersion=1", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("connectionToken").GetString()));
        Assert.Contains(json.RootElement.GetProperty("availableTransports").EnumerateArray(),
            t => t.GetProperty("transport").GetString() == "WebSockets");
    }

    [Fact]
    public async Task NavigationShowsTheFlow()
    {
        var page = await portal.SignedInPageAsync();
        await page.GotoLiveAsync("");
        foreach (var name in new[] { "Projects", "Compare", "Studies" })
            await Assertions.Expect(page.Locator("nav").GetByRole(AriaRole.Link, new() { Name = name })).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("health-link")).ToBeVisibleAsync(); // an administrator's
        await page.Locator("nav").GetByRole(AriaRole.Link, new() { Name = "Studies" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Studies" })).ToBeVisibleAsync();
        await page.Context.CloseAsync();

        // Everyone else gets only the status from /health: no link to it.
        await portal.CreateUserAsync("nav-viewer@camreview.test", "Nav Viewer", "a-long-viewer-password");
        var viewer = await portal.SignedInPageAsync("nav-viewer@camreview.test", "a-long-viewer-password");
        await viewer.GotoLiveAsync("");
        await Assertions.Expect(viewer.Locator("nav").GetByRole(AriaRole.Link, new() { Name = "Projects" })).ToBeVisibleAsync();
        await Assertions.Expect(viewer.GetByTestId("health-link")).ToHaveCountAsync(0);
        await viewer.Context.CloseAsync();
    }

    [Fact]
    public async Task CreatingAProjectOverTheCircuitStoresItAndShowsIt()
    {
        var page = await portal.SignedInPageAsync();
        await page.GotoLiveAsync("projects");
        await WaitForCircuitAsync(page);
        var name = $"Orbit study {Guid.NewGuid():N}"[..20];

        // The administrator owns the team made at first start; it is the one offered.
        await Assertions.Expect(page.Locator("#project-team option:checked")).ToHaveTextAsync(PortalFixture.AdminTeam);
        await page.Locator("#project-name").FillAsync(name);
        await page.Locator("#project-description").FillAsync("Arc shots around a statue");
        await page.GetByTestId("create-project").ClickAsync();

        // The new project opens, ready for its uploads, and is on the list.
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = name })).ToBeVisibleAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/projects/\d+$"));
        await page.GotoLiveAsync("projects");
        await WaitForCircuitAsync(page);
        await Assertions.Expect(page.GetByTestId("project-list")).ToContainTextAsync(name);
        await using (var db = portal.OpenDb())
        {
            var stored = await db.Projects.Include(p => p.Team).SingleAsync(p => p.Name == name);
            Assert.Equal("Arc shots around a statue", stored.Description);
            Assert.Equal(PortalFixture.AdminTeam, stored.Team.Name);
        }

        // The same name again: refused with a message, and nothing else stored.
        await page.Locator("#project-name").FillAsync(name);
        await page.GetByTestId("create-project").ClickAsync();
        await Assertions.Expect(page.GetByTestId("project-error")).ToContainTextAsync("already has a project named");
        await using (var db = portal.OpenDb())
            Assert.Equal(1, await db.Projects.CountAsync(p => p.Name == name));
        await page.Context.CloseAsync();
    }

    /// <summary>The prerendered page keeps its submit button disabled until the circuit is interactive.</summary>
    private static async Task WaitForCircuitAsync(IPage page) =>
        await Assertions.Expect(page.GetByTestId("create-project")).ToBeEnabledAsync();
}

/// <summary>`serve --webroot DIR` also makes DIR the host's web root: the anonymous pages (sign-in, share, participant)
/// still need their static files without a sign-in.</summary>
public sealed class ExplicitWebRootTests(ExplicitWebRootPortalFixture portal) : IClassFixture<ExplicitWebRootPortalFixture>
{
    [Theory]
    [MemberData(nameof(PortalShellTests.StaticFiles), MemberType = typeof(PortalShellTests))]
    public Task StaticFilesArePublic(string path, string contentType) =>
        PortalShellTests.AssertServedAnonymouslyAsync(portal.Http, path, contentType);

    [Fact]
    public async Task AMissingFileIsNoWayPastTheSignIn()
    {
        using var response = await portal.Http.GetAsync("css/no-such-file.css");
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
    }
}
