using System.Net;
using CamReview.Web.Accounts;
using CamReview.Web.Compare;

namespace CamReview.Web.Tests;

/// <summary>A portal behind a proxy on the loopback address (so that each test client can say which address it comes
/// from, in X-Forwarded-For), with a pair whose share links the tests make.</summary>
public sealed class GuessLimitWorld : PortalFixture
{
    public int PairId;

    protected override IEnumerable<string> ExtraArgs => [.. base.ExtraArgs, "--CamReview:ForwardedHeaders:KnownProxies:0=127.0.0.1", "--CamReview:Jobs:MaxConcurrency=0"];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        using var admin = await ClientAsync();
        var projectId = (await admin.PostJsonOkAsync("api/projects", new { teamId = await TeamIdAsync(AdminTeam), name = "Guesses" })).GetProperty("id").GetInt32();
        var video = (await admin.UploadOkAsync(projectId, "reference-video", TestMedia.ReferenceVideo, "pan.mp4")).GetProperty("id").GetInt32();
        var image = (await admin.UploadOkAsync(projectId, "target-image", TestMedia.TargetImage, "statue.png")).GetProperty("id").GetInt32();
        PairId = (await admin.PostJsonOkAsync($"api/projects/{projectId}/pairs", new { referenceAssetId = video, targetAssetId = image })).GetProperty("id").GetInt32();
    }

    /// <summary>A new share link with this passphrase (each test its own, so that their counts do not meet).</summary>
    public async Task<string> LockedLinkAsync(string passphrase)
    {
        using var admin = await ClientAsync();
        return (await admin.PostJsonOkAsync($"api/pairs/{PairId}/share-links", new { label = "guessed", expiresInDays = 7, passphrase }))
            .GetProperty("url").GetString()!;
    }

    /// <summary>An anonymous browser-like session from this client address.</summary>
    public PortalClient From(string address)
    {
        var client = PortalClient.Anonymous(BaseAddress);
        client.Http.DefaultRequestHeaders.Add("X-Forwarded-For", address);
        return client;
    }
}

public sealed class GuessLimitTests(GuessLimitWorld world) : IClassFixture<GuessLimitWorld>
{
    private const string Passphrase = "the right phrase";

    [Fact]
    public async Task AWrongPassphraseStormFromOtherAddressesDoesNotLockTheRightOneOutOfAFreshAddress()
    {
        var url = await world.LockedLinkAsync(Passphrase);
        // Six addresses, six wrong guesses each: more than the link's whole allowance before it slows down.
        var statuses = new List<HttpStatusCode>();
        for (var a = 1; a <= 6; a++)
        {
            using var guesser = world.From($"10.20.0.{a}");
            for (var i = 0; i < 6; i++)
            {
                using var response = await UnlockAsync(guesser, url, $"guess {a}.{i}");
                statuses.Add(response.StatusCode);
            }
        }
        Assert.Equal(ShareLinkService.LinkGuessesBeforeSlowdown + ShareLinkService.GuessesPerClientUnderAttack, statuses.Count(s => s == HttpStatusCode.Redirect));
        // Past the thirty the link is being guessed at from many places: the sixth address has three tries, then is refused.
        Assert.Equal(HttpStatusCode.TooManyRequests, statuses[^1]);

        // The real viewer, from an address of their own, still opens it with the right passphrase.
        using var viewer = world.From("10.20.1.1");
        using (var unlocked = await UnlockAsync(viewer, url, Passphrase))
        {
            Assert.Equal(HttpStatusCode.Redirect, unlocked.StatusCode);
            Assert.DoesNotContain("error=", unlocked.Headers.Location!.OriginalString);
        }
        using var page = await viewer.Http.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Fact]
    public async Task OneAddressIsThrottledOnAPassphraseWithRetryAfterAndOthersAreNot()
    {
        var url = await world.LockedLinkAsync(Passphrase);
        using var guesser = world.From("10.30.0.1");
        for (var i = 0; i < ShareLinkService.GuessesPerClient; i++)
        {
            using var wrong = await UnlockAsync(guesser, url, $"wrong {i}");
            Assert.Equal(HttpStatusCode.Redirect, wrong.StatusCode);
            Assert.Contains("error=", wrong.Headers.Location!.OriginalString);
        }
        // Over its allowance: not even the right passphrase is checked, and the answer says when to try again.
        using (var refused = await UnlockAsync(guesser, url, Passphrase))
        {
            var body = await refused.Content.ReadAsStringAsync();
            Assert.True(refused.StatusCode == HttpStatusCode.TooManyRequests, $"{(int)refused.StatusCode}: {body}");
            var retryAfter = refused.Headers.RetryAfter?.Delta;
            Assert.True(retryAfter is { } wait && wait > TimeSpan.Zero && wait <= ShareLinkService.GuessWindow, $"Retry-After: {refused.Headers.RetryAfter}");
            Assert.Equal("text/html", refused.Content.Headers.ContentType?.MediaType);
            Assert.Contains("Too many wrong passphrases for this link from your address: try again in 15 minutes.", body);
        }
        using var guessersPage = await guesser.Http.GetAsync(url);
        Assert.Equal(HttpStatusCode.Unauthorized, guessersPage.StatusCode);

        // Another address is not concerned.
        using var viewer = world.From("10.30.0.2");
        using (var unlocked = await UnlockAsync(viewer, url, Passphrase)) Assert.Equal(HttpStatusCode.Redirect, unlocked.StatusCode);
        using var page = await viewer.Http.GetAsync(url);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Fact]
    public async Task FiftyGuessesAtOneAccountFromFiveAddressesAreThrottledPerAccount()
    {
        const string email = "guessed@camreview.test", password = "the-real-password-77";
        await world.CreateUserAsync(email, "Guessed", password);
        // The owner signed in from their usual browser earlier: it has the known-browser cookie.
        using var owner = world.From("10.40.9.9");
        using (var first = await SignInAsync(owner, email, password)) Assert.Equal(HttpStatusCode.Redirect, first.StatusCode);

        var statuses = new List<HttpStatusCode>();
        for (var a = 1; a <= 5; a++)
        {
            using var guesser = world.From($"10.40.0.{a}");
            for (var i = 0; i < 10; i++)
            {
                using var response = await SignInAsync(guesser, email, $"guess-{a}-{i}-wrong");
                statuses.Add(response.StatusCode);
                if (response.StatusCode == HttpStatusCode.TooManyRequests)
                {
                    Assert.True(response.Headers.RetryAfter?.Delta is { } wait && wait > TimeSpan.Zero && wait <= AccountService.GuessWindow);
                    Assert.Contains("Too many wrong passwords for this account, from several places", await response.Content.ReadAsStringAsync());
                }
            }
        }
        // Each address stayed within its own ten, yet only the account's twenty were checked.
        Assert.Equal(AccountService.GuessesPerAccount, statuses.Count(s => s == HttpStatusCode.BadRequest));
        Assert.Equal(50 - AccountService.GuessesPerAccount, statuses.Count(s => s == HttpStatusCode.TooManyRequests));

        // The right password from a new browser waits the quarter out; from the owner's usual browser it works.
        using (var stranger = world.From("10.40.1.1"))
        using (var paused = await SignInAsync(stranger, email, password))
            Assert.Equal(HttpStatusCode.TooManyRequests, paused.StatusCode);
        using (var again = await SignInAsync(owner, email, password)) Assert.Equal(HttpStatusCode.Redirect, again.StatusCode);
        // A known-browser cookie is for its own account only.
        using (var otherAccount = await SignInAsync(owner, PortalFixture.AdminEmail, "not the admin's password"))
            Assert.Equal(HttpStatusCode.BadRequest, otherAccount.StatusCode);
    }

    [Fact]
    public async Task OneAddressTryingManyAccountsIsThrottledPerAddress()
    {
        using var sprayer = world.From("10.50.0.1");
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < AccountService.GuessesPerAddress + 2; i++)
        {
            using var response = await SignInAsync(sprayer, $"user{i}@camreview.test", "Spring2026!spring");
            statuses.Add(response.StatusCode);
        }
        Assert.Equal(AccountService.GuessesPerAddress, statuses.Count(s => s == HttpStatusCode.BadRequest));
        Assert.Equal([HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses[^2..]);
        // Another address signs in.
        using var elsewhere = world.From("10.50.0.2");
        using var signedIn = await SignInAsync(elsewhere, PortalFixture.AdminEmail, PortalFixture.AdminPassword);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
    }

    private static Task<HttpResponseMessage> SignInAsync(PortalClient client, string email, string password) =>
        client.PostFormAsync("account/login", "login", new() { ["Input.Email"] = email, ["Input.Password"] = password });

    private static async Task<HttpResponseMessage> UnlockAsync(PortalClient client, string url, string passphrase)
    {
        using var locked = await client.Http.GetAsync(url);
        var page = await locked.Content.ReadAsStringAsync();
        return await client.Http.PostAsync($"{url}/unlock", new FormUrlEncodedContent(
            [new("passphrase", passphrase), new("__RequestVerificationToken", PortalClient.HiddenToken(page))]));
    }
}
