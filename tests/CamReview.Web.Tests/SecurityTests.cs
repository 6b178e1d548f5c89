using System.Net;
using System.Net.Http.Json;

namespace CamReview.Web.Tests;

/// <summary>A project with a pair, an imported output and two share links (one with a passphrase), for the tests of
/// error pages, response headers and what reaches the browser.</summary>
public sealed class SecurityWorld : PortalFixture
{
    public int ProjectId, PairId, OutputId;
    public string OpenShareUrl = "", LockedShareUrl = "";

    protected override IEnumerable<string> ExtraArgs => [.. base.ExtraArgs, "--CamReview:Jobs:MaxConcurrency=0"];

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
