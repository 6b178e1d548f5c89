using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CamReview.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace CamReview.Web.Tests;

/// <summary>Sign-in, sessions and passwords over HTTP, through the same forms a browser posts.</summary>
public sealed class AccountTests(PortalFixture portal) : IClassFixture<PortalFixture>
{
    [Fact]
    public async Task SignInGoesBackOnlyToAddressesOnThisSite()
    {
        await portal.CreateUserAsync("sam@camreview.test", "Sam", "sams-password");
        foreach (var (returnUrl, expected) in new[] { ("/teams", "/teams"), ("//evil.example/x", "/"), ("https://evil.example/", "/"), ("/\\evil.example", "/") })
        {
            using var client = PortalClient.Anonymous(portal.BaseAddress);
            using var response = await client.PostFormAsync($"account/login?returnUrl={Uri.EscapeDataString(returnUrl)}", "login",
                new() { ["Input.Email"] = "SAM@camreview.test ", ["Input.Password"] = "sams-password" });
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal(expected, response.Headers.Location!.IsAbsoluteUri ? response.Headers.Location.PathAndQuery : response.Headers.Location.OriginalString);
        }
    }

    [Fact]
    public async Task AWrongPasswordAndAnUnknownAccountGetTheSameAnswer()
    {
        await portal.CreateUserAsync("kim@camreview.test", "Kim", "kims-password");
        using var client = PortalClient.Anonymous(portal.BaseAddress);
        using var wrong = await client.PostFormAsync("account/login", "login", new() { ["Input.Email"] = "kim@camreview.test", ["Input.Password"] = "guess" });
        using var unknown = await client.PostFormAsync("account/login", "login", new() { ["Input.Email"] = "nobody@camreview.test", ["Input.Password"] = "guess" });
        Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("The e-mail address or the password is not right.", await wrong.Content.ReadAsStringAsync());
        Assert.Contains("The e-mail address or the password is not right.", await unknown.Content.ReadAsStringAsync());
        Assert.DoesNotContain(client.Cookies.GetAllCookies(), c => c.Name == "CamReview.Session");
    }

    [Fact]
    public async Task TenWrongPasswordsLockTheAccountFromThatAddressEvenForTheRightOne()
    {
        await portal.CreateUserAsync("gus@camreview.test", "Gus", "guss-password");
        using var client = PortalClient.Anonymous(portal.BaseAddress);
        Task<HttpResponseMessage> Try(string password) =>
            client.PostFormAsync("account/login", "login", new() { ["Input.Email"] = "gus@camreview.test", ["Input.Password"] = password });
        for (var i = 0; i < 10; i++)
        {
            using var wrong = await Try($"guess-{i}");
            Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
        }
        using var locked = await Try("guss-password");
        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        Assert.Contains("Too many wrong passwords", await locked.Content.ReadAsStringAsync());
        Assert.DoesNotContain(client.Cookies.GetAllCookies(), c => c.Name == "CamReview.Session");
        // Another account is not affected.
        await portal.CreateUserAsync("hal@camreview.test", "Hal", "hals-password");
        using var other = await portal.ClientAsync("hal@camreview.test", "hals-password");
    }

    [Fact]
    public async Task ChangingThePasswordEndsTheOtherSessions()
    {
        await portal.CreateUserAsync("lee@camreview.test", "Lee", "lees-password");
        using var laptop = await portal.ClientAsync("lee@camreview.test", "lees-password");
        using var phone = await portal.ClientAsync("lee@camreview.test", "lees-password");
        using (var ok = await phone.Http.GetAsync("api/teams")) Assert.Equal(HttpStatusCode.OK, ok.StatusCode);

        using (var changed = await laptop.PostFormAsync("account/password", "password",
                   new() { ["Input.Current"] = "lees-password", ["Input.New"] = "lees-new-password", ["Input.Confirm"] = "lees-new-password" }))
            Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);

        using (var still = await laptop.Http.GetAsync("api/teams")) Assert.Equal(HttpStatusCode.OK, still.StatusCode);
        using (var ended = await phone.Http.GetAsync("api/teams")) Assert.Equal(HttpStatusCode.Unauthorized, ended.StatusCode);
        using var again = await portal.ClientAsync("lee@camreview.test", "lees-new-password");
    }

    [Theory]
    [InlineData("12345678", "at least 12 characters")]
    [InlineData("password", "at least 12 characters")]
    [InlineData("aaaaaaaa", "at least 12 characters")]
    [InlineData("aaaaaaaaaaaa", "repeated")]
    [InlineData("abababababab", "repeated")]
    [InlineData("123456789012", "sequence")]
    [InlineData("qwertyuiopas", "sequence")]
    [InlineData("Password1234!", "most common passwords")]
    [InlineData("iloveyou2024", "most common passwords")]
    public async Task AWeakNewPasswordIsRefusedWithTheReason(string weak, string why)
    {
        var email = $"{Guid.NewGuid():N}@camreview.test";
        await portal.CreateUserAsync(email, "Weak", "a-fine-old-password");
        using var client = await portal.ClientAsync(email, "a-fine-old-password");
        using var refused = await client.PostFormAsync("account/password", "password",
            new() { ["Input.Current"] = "a-fine-old-password", ["Input.New"] = weak, ["Input.Confirm"] = weak });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains(why, await refused.Content.ReadAsStringAsync());
        // Nothing changed: the old password still signs in.
        using var again = await portal.ClientAsync(email, "a-fine-old-password");
    }

    [Fact]
    public async Task AWeakTemporaryPasswordIsRefused()
    {
        using var admin = await portal.ClientAsync();
        using var refused = await admin.Http.PostAsJsonAsync("api/accounts",
            new { email = "weak-temp@camreview.test", displayName = "Weak", temporaryPassword = "12345678" });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("at least 12 characters", await PortalClient.ErrorOf(refused));
    }

    [Fact]
    public void AWeakConfiguredAdministratorPasswordStopsTheStartWithTheReason()
    {
        var dataDir = Directory.CreateTempSubdirectory("camreview-weak-admin-").FullName;
        try
        {
            var error = Assert.Throws<InvalidOperationException>(() => Portal.Build(["--urls", "http://127.0.0.1:0", "--data", dataDir, "--environment", "Production",
                "--CamReview:Admin:Email=weak@camreview.test", "--CamReview:Admin:Password=password", .. PortalFixture.NoDemo]));
            Assert.Contains("CamReview:Admin", error.Message);
            Assert.Contains("at least 12 characters", error.Message);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task AnAccountWithATemporaryPasswordCanOnlyChangeIt()
    {
        using var admin = await portal.ClientAsync();
        var added = await admin.PostJsonOkAsync("api/accounts", new { email = "tia@camreview.test", displayName = "Tia" });
        var temporary = added.GetProperty("temporaryPassword").GetString()!;
        Assert.Equal(14, temporary.Length);

        using var tia = await portal.ClientAsync("tia@camreview.test", temporary);
        using (var page = await tia.Http.GetAsync("projects"))
        {
            Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
            Assert.Equal("/account/password?returnUrl=%2Fprojects", page.Headers.Location!.OriginalString);
        }
        using (var api = await tia.Http.GetAsync("api/projects"))
        {
            Assert.Equal(HttpStatusCode.Forbidden, api.StatusCode);
            Assert.Contains("temporary", await PortalClient.ErrorOf(api));
        }
        using (var changed = await tia.PostFormAsync("account/password", "password",
                   new() { ["Input.Current"] = temporary, ["Input.New"] = "tias-own-password", ["Input.Confirm"] = "tias-own-password" }))
            Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        using (var api = await tia.Http.GetAsync("api/projects")) Assert.Equal(HttpStatusCode.OK, api.StatusCode);

        // The administrator is told an address has an account already (nobody else creates accounts).
        using (var twice = await admin.Http.PostAsJsonAsync("api/accounts", new { email = "TIA@camreview.test", displayName = "Tia again" }))
            Assert.Equal(HttpStatusCode.Conflict, twice.StatusCode);
        await using var db = portal.OpenDb();
        Assert.Equal(1, await db.Users.CountAsync(u => u.Email == "tia@camreview.test"));
    }

    [Fact]
    public async Task OnlyTheAdministratorCreatesAccounts()
    {
        await portal.CreateUserAsync("ned@camreview.test", "Ned", "neds-password-1");
        using var ned = await portal.ClientAsync("ned@camreview.test", "neds-password-1");
        await ned.PostJsonOkAsync("api/teams", new { name = "Ned's team" });
        using var refused = await ned.Http.PostAsJsonAsync("api/accounts", new { email = "friend-of-ned@camreview.test", displayName = "Friend" });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("Only the administrator", await PortalClient.ErrorOf(refused));
        await using var db = portal.OpenDb();
        Assert.False(await db.Users.AnyAsync(u => u.Email == "friend-of-ned@camreview.test"));
    }

    [Fact]
    public async Task SigningOutNeedsTheFormsAntiforgeryToken()
    {
        await portal.CreateUserAsync("max@camreview.test", "Max", "maxs-password");
        using var max = await portal.ClientAsync("max@camreview.test", "maxs-password");
        // A cross-site form cannot sign anyone out: no token, no effect.
        using (var forged = await max.Http.PostAsync("account/logout", new FormUrlEncodedContent([])))
            Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        using (var still = await max.Http.GetAsync("api/teams")) Assert.Equal(HttpStatusCode.OK, still.StatusCode);

        using (var signedOut = await max.Http.PostAsync("account/logout",
                   new FormUrlEncodedContent([new("__RequestVerificationToken", await max.AntiforgeryTokenAsync())])))
        {
            Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
            Assert.Equal("/account/login", signedOut.Headers.Location!.OriginalString);
        }
        using (var gone = await max.Http.GetAsync("api/teams")) Assert.Equal(HttpStatusCode.Unauthorized, gone.StatusCode);
    }

    [Fact]
    public async Task ATeamKeepsAtLeastOneOwner()
    {
        using var admin = await portal.ClientAsync();
        var team = (await admin.PostJsonOkAsync("api/teams", new { name = "Solo" })).GetProperty("id").GetInt32();
        var adminId = (await portal.OpenDb().Users.SingleAsync(u => u.Email == PortalFixture.AdminEmail)).Id;
        using (var demote = await admin.Http.PutAsJsonAsync($"api/teams/{team}/members/{adminId}", new { role = "viewer" }))
        {
            Assert.Equal(HttpStatusCode.Conflict, demote.StatusCode);
            Assert.Contains("at least one owner", await PortalClient.ErrorOf(demote));
        }
        using (var leave = await admin.Http.DeleteAsync($"api/teams/{team}/members/{adminId}")) Assert.Equal(HttpStatusCode.Conflict, leave.StatusCode);
        var teams = await admin.Http.GetFromJsonAsync<JsonElement>($"api/teams/{team}");
        Assert.Equal("owner", teams.GetProperty("members")[0].GetProperty("role").GetString());
    }
}
