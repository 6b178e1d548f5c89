using System.Net;
using CamReview.Web.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace CamReview.Web.Tests;

/// <summary>A portal whose open pages re-check their session only every ten minutes: an open page or hub connection
/// that stops within seconds of its session ending was stopped by the ending itself, not by a periodic check.</summary>
public sealed class SlowRevalidationPortalFixture : PortalFixture
{
    protected override IEnumerable<string> ExtraArgs => [.. base.ExtraArgs, "--CamReview:Auth:RevalidateSeconds=600"];
}

/// <summary>Sessions are kept on the server: a sign-in cookie is only as good as the session it names. Signing out
/// ends that session, so the cookie captured before is refused afterwards (by the API, the pages and open circuits).</summary>
public sealed class SessionSecurityTests(SlowRevalidationPortalFixture portal) : IClassFixture<SlowRevalidationPortalFixture>
{
    [Fact]
    public async Task ACookieCapturedBeforeSignOutIsRefusedAfterIt()
    {
        await portal.CreateUserAsync("ron@camreview.test", "Ron", "rons-password-1");
        using var ron = await portal.ClientAsync("ron@camreview.test", "rons-password-1");
        var captured = SessionCookie(ron);
        using (var before = await Replay(captured, "api/projects")) Assert.Equal(HttpStatusCode.OK, before.StatusCode);

        await SignOutAsync(ron);

        using (var api = await Replay(captured, "api/projects"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
            Assert.Equal("Sign in first.", await PortalClient.ErrorOf(api));
        }
        using (var page = await Replay(captured, "projects"))
        {
            Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
            Assert.StartsWith("/account/login", page.Headers.Location!.IsAbsoluteUri ? page.Headers.Location.PathAndQuery : page.Headers.Location.OriginalString);
        }
        using (var media = await Replay(captured, "media/1/original")) Assert.Equal(HttpStatusCode.Unauthorized, media.StatusCode);

        await using var db = portal.OpenDb();
        var session = await db.UserSessions.SingleAsync(s => s.User.Email == "ron@camreview.test");
        Assert.NotNull(session.EndedUtc);
        Assert.Equal(SessionStore.SignedOut, session.EndReason);
    }

    [Fact]
    public async Task SigningOutEndsOnlyThatSession()
    {
        await portal.CreateUserAsync("una@camreview.test", "Una", "unas-password-1");
        using var laptop = await portal.ClientAsync("una@camreview.test", "unas-password-1");
        using var phone = await portal.ClientAsync("una@camreview.test", "unas-password-1");
        var laptopCookie = SessionCookie(laptop);

        await SignOutAsync(laptop);

        using (var gone = await Replay(laptopCookie, "api/teams")) Assert.Equal(HttpStatusCode.Unauthorized, gone.StatusCode);
        using (var kept = await phone.Http.GetAsync("api/teams")) Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
        // Signing in again makes a new session that works.
        using var again = await portal.ClientAsync("una@camreview.test", "unas-password-1");
        using (var fresh = await again.Http.GetAsync("api/projects")) Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
        await using var db = portal.OpenDb();
        Assert.Equal(2, await db.UserSessions.CountAsync(s => s.User.Email == "una@camreview.test" && s.EndedUtc == null));
    }

    [Fact]
    public async Task APasswordChangeEndsEveryOtherSessionEvenItsCapturedCookies()
    {
        await portal.CreateUserAsync("val@camreview.test", "Val", "vals-password-1");
        using var laptop = await portal.ClientAsync("val@camreview.test", "vals-password-1");
        using var phone = await portal.ClientAsync("val@camreview.test", "vals-password-1");
        var phoneCookie = SessionCookie(phone);

        using (var changed = await laptop.PostFormAsync("account/password", "password",
                   new() { ["Input.Current"] = "vals-password-1", ["Input.New"] = "vals-new-password", ["Input.Confirm"] = "vals-new-password" }))
            Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);

        using (var ended = await Replay(phoneCookie, "api/teams")) Assert.Equal(HttpStatusCode.Unauthorized, ended.StatusCode);
        using (var kept = await laptop.Http.GetAsync("api/teams")) Assert.Equal(HttpStatusCode.OK, kept.StatusCode);
        await using var db = portal.OpenDb();
        var sessions = await db.UserSessions.Where(s => s.User.Email == "val@camreview.test").ToListAsync();
        Assert.Equal([SessionStore.PasswordChanged], sessions.Where(s => s.EndedUtc is not null).Select(s => s.EndReason));
        Assert.Single(sessions, s => s.EndedUtc is null);
    }

    [Fact]
    public async Task AnOpenPageOfASessionSignedOutElsewhereGoesToTheSignInPage()
    {
        await portal.CreateUserAsync("wes@camreview.test", "Wes", "wess-password-1");
        var page = await portal.SignedInPageAsync("wes@camreview.test", "wess-password-1");
        await page.GotoAsync("teams");
        await Assertions.Expect(page.GetByTestId("create-team")).ToBeEnabledAsync();

        // The browser's cookie, captured, signs out from somewhere else: the open circuit notices within seconds.
        var cookie = (await page.Context.CookiesAsync()).Single(c => c.Name == PortalAuthentication.CookieName);
        using var thief = PortalClient.Anonymous(portal.BaseAddress);
        thief.Cookies.Add(portal.BaseAddress, new System.Net.Cookie(cookie.Name, cookie.Value));
        await SignOutAsync(thief);

        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/account/login$"), new() { Timeout = 10_000 });
        await Assertions.Expect(page.Locator("#login-email")).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task AHubConnectionClosesWhenItsSessionIsSignedOut()
    {
        await portal.CreateUserAsync("hugo@camreview.test", "Hugo", "hugos-password-1");
        using var hugo = await portal.ClientAsync("hugo@camreview.test", "hugos-password-1");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await using var hub = await HubClient.ConnectAsync(hugo, portal.BaseAddress, timeout.Token);
        Assert.Null(await hub.InvokeAsync("LeaveProject", [1], timeout.Token)); // open and answering

        await SignOutAsync(hugo);
        await hub.ClosedByServerAsync(timeout.Token);
    }

    private static string SessionCookie(PortalClient client) =>
        client.Cookies.GetAllCookies().Single(c => c.Name == PortalAuthentication.CookieName).Value;

    /// <summary>A request from elsewhere carrying only the captured cookie.</summary>
    private Task<HttpResponseMessage> Replay(string cookie, string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", $"{PortalAuthentication.CookieName}={cookie}");
        return portal.Http.SendAsync(request);
    }

    private static async Task SignOutAsync(PortalClient client)
    {
        using var signedOut = await client.Http.PostAsync("account/logout",
            new FormUrlEncodedContent([new("__RequestVerificationToken", await client.AntiforgeryTokenAsync())]));
        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        Assert.Equal("/account/login", signedOut.Headers.Location!.OriginalString);
    }
}
