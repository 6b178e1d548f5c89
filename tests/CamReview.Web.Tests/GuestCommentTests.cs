using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CamReview.Data.Entities;
using CamReview.Web.Api;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace CamReview.Web.Tests;

/// <summary>A pair with an output and share links with and without guest comments, on a portal that believes the
/// loopback proxy's X-Forwarded-For, so that each test comments from client addresses of its own (the limits count
/// per address).</summary>
public class GuestCommentWorld : PortalFixture
{
    public int ProjectId, PairId, OutputId, TeamId;
    public string GuestsUrl = "", NoGuestsUrl = "", LockedUrl = "";

    protected override IEnumerable<string> ExtraArgs => [.. base.ExtraArgs, "--CamReview:ForwardedHeaders:KnownProxies:0=127.0.0.1"];

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        using var admin = await ClientAsync();
        TeamId = await TeamIdAsync(AdminTeam);
        ProjectId = (await admin.PostJsonOkAsync("api/projects", new { teamId = TeamId, name = "Guests" })).GetProperty("id").GetInt32();
        var video = (await admin.UploadOkAsync(ProjectId, "reference-video", TestMedia.ReferenceVideo, "pan.mp4")).GetProperty("id").GetInt32();
        var image = (await admin.UploadOkAsync(ProjectId, "target-image", TestMedia.TargetImage, "statue.png")).GetProperty("id").GetInt32();
        PairId = (await admin.PostJsonOkAsync($"api/projects/{ProjectId}/pairs", new { referenceAssetId = video, targetAssetId = image })).GetProperty("id").GetInt32();
        OutputId = (await admin.UploadOkAsync(ProjectId, "output", TestMedia.AnotherVideo, "out.mp4",
            new() { ["methodName"] = "Method A", ["pairId"] = PairId.ToString() })).GetProperty("id").GetInt32();
        GuestsUrl = await LinkAsync(admin, "guests", guests: true);
        NoGuestsUrl = await LinkAsync(admin, "no guests", guests: false);
        LockedUrl = await LinkAsync(admin, "locked", guests: true, passphrase: "open sesame");
    }

    public async Task<string> LinkAsync(PortalClient admin, string label, bool guests, string? passphrase = null) =>
        (await admin.PostJsonOkAsync($"api/pairs/{PairId}/share-links", new { label, expiresInDays = 7, passphrase, guestsMayComment = guests }))
        .GetProperty("url").GetString()!;

    /// <summary>A browser-like client without an account, seen by the portal as coming from <paramref name="address"/>.</summary>
    public PortalClient Guest(string address)
    {
        var guest = PortalClient.Anonymous(BaseAddress);
        guest.Http.DefaultRequestHeaders.Add("X-Forwarded-For", address);
        return guest;
    }

    public async Task<int> CommentCountAsync()
    {
        await using var db = OpenDb();
        return await db.Comments.CountAsync();
    }
}

/// <summary>The same on PostgreSQL.</summary>
public sealed class PostgresGuestCommentWorld : GuestCommentWorld
{
    protected override bool OnPostgres => true;
}

public sealed class GuestCommentTests(GuestCommentWorld world) : GuestCommentCases(world), IClassFixture<GuestCommentWorld>;

public sealed class PostgresGuestCommentTests(PostgresGuestCommentWorld world) : GuestCommentCases(world), IClassFixture<PostgresGuestCommentWorld>;

/// <summary>Guests commenting through share links, on either database.</summary>
public abstract class GuestCommentCases(GuestCommentWorld world)
{
    /// <summary>The form's antiforgery token on the share page, for this client's cookies (the page sets them).</summary>
    private static async Task<string> FormTokenAsync(PortalClient guest, string shareUrl)
    {
        using var page = await guest.Http.GetAsync(shareUrl);
        return PortalClient.HiddenToken(await page.Content.ReadAsStringAsync());
    }

    private static async Task<HttpResponseMessage> PostAsync(PortalClient guest, string shareUrl, string? token, Dictionary<string, string> fields)
    {
        var form = new Dictionary<string, string>(fields);
        if (token is not null) form["__RequestVerificationToken"] = token;
        return await guest.Http.PostAsync(shareUrl + "/comments", new FormUrlEncodedContent(form));
    }

    private static Dictionary<string, string> Fields(string name, string body, string? time = null, int? about = null, int? replyTo = null)
    {
        var fields = new Dictionary<string, string> { ["name"] = name, ["body"] = body, ["time"] = time ?? "0", ["about"] = about?.ToString() ?? "" };
        if (replyTo is not null) fields["replyTo"] = replyTo.Value.ToString();
        return fields;
    }

    private static int PostedId(HttpResponseMessage response)
    {
        Assert.True(response.StatusCode == HttpStatusCode.Redirect,
            $"{(int)response.StatusCode}: {response.Content.ReadAsStringAsync().GetAwaiter().GetResult()}");
        var location = response.Headers.Location!.OriginalString;
        var marker = "?commented=";
        Assert.Contains(marker, location);
        return int.Parse(location[(location.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..location.IndexOf('#')]);
    }

    [Fact]
    public async Task AGuestCommentsAndRepliesUnderTheirNameShownAsAGuestEverywhere()
    {
        using var guest = world.Guest("10.10.0.1");
        var token = await FormTokenAsync(guest, world.GuestsUrl);
        using var posted = await PostAsync(guest, world.GuestsUrl, token, Fields("  Grace Hopper  ", "The pan stutters after the cut.", "2.5", world.OutputId));
        var id = PostedId(posted);
        using var reply = await PostAsync(guest, world.GuestsUrl, token, Fields("Grace Hopper", "Also at the end.", "9", replyTo: id));
        var replyId = PostedId(reply);

        await using (var db = world.OpenDb())
        {
            var stored = await db.Comments.SingleAsync(c => c.Id == id);
            Assert.Equal("Grace Hopper", stored.GuestName);
            Assert.Null(stored.AuthorUserId);
            Assert.Equal(world.OutputId, stored.AssetId);
            Assert.Equal(2.5, stored.TimeSeconds);
            var link = await db.ShareLinks.SingleAsync(l => l.Label == "guests");
            Assert.Equal(link.Id, stored.ShareLinkId);
            var answer = await db.Comments.SingleAsync(c => c.Id == replyId);
            Assert.Equal(id, answer.ParentCommentId);
            Assert.Equal(2.5, answer.TimeSeconds);
        }

        // The API shows the name as a guest's.
        using var admin = await world.ClientAsync();
        var listed = await admin.Http.GetFromJsonAsync<JsonElement>($"api/pairs/{world.PairId}/comments");
        var first = listed.EnumerateArray().Single(c => c.GetProperty("id").GetInt32() == id);
        Assert.Equal("Grace Hopper (guest)", first.GetProperty("author").GetString());
        Assert.True(first.GetProperty("isGuest").GetBoolean());

        // The share page lists it under that name and offers the name again in this browser.
        var page = await guest.Http.GetStringAsync(world.GuestsUrl + $"?commented={id}");
        Assert.Contains("Grace Hopper (guest)", page);
        Assert.Contains("data-testid=\"guest-comment-posted\"", page);
        Assert.Contains("value=\"Grace Hopper\"", page);
        // A link without the option has no form.
        using var other = world.Guest("10.10.0.2");
        Assert.DoesNotContain("data-guest-comment", await other.Http.GetStringAsync(world.NoGuestsUrl));

        // Guests cannot resolve or delete (the API needs an account) ...
        using (var resolve = await guest.Http.PutAsJsonAsync($"api/comments/{id}/resolved", new { resolved = true }))
            Assert.Equal(HttpStatusCode.Unauthorized, resolve.StatusCode);
        using (var delete = await guest.Http.DeleteAsync($"api/comments/{id}"))
            Assert.Equal(HttpStatusCode.Unauthorized, delete.StatusCode);
        // ... and a member who is not an Owner may delete a guest's comment, though not another member's.
        var mine = (await admin.PostJsonOkAsync($"api/pairs/{world.PairId}/comments", new { timeSeconds = 1.0, body = "An Owner's remark." })).GetProperty("id").GetInt32();
        await world.CreateUserAsync("rita@camreview.test", "Rita Reviewer", "reviewer-password", world.TeamId, TeamRole.Reviewer);
        using var reviewer = await world.ClientAsync("rita@camreview.test", "reviewer-password");
        using (var refused = await reviewer.Http.DeleteAsync($"api/comments/{mine}"))
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        using (var deleted = await reviewer.Http.DeleteAsync($"api/comments/{id}"))
            Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        await using var after = world.OpenDb();
        Assert.False(await after.Comments.AnyAsync(c => c.Id == id || c.Id == replyId));
    }

    [Fact]
    public async Task ALinkWithoutTheOptionARevokedOrExpiredOrLockedLinkAnswers403AndStoresNothing()
    {
        using var admin = await world.ClientAsync();
        var revokedUrl = await world.LinkAsync(admin, "to revoke", guests: true);
        var expiredUrl = await world.LinkAsync(admin, "to expire", guests: true);
        using var guest = world.Guest("10.20.0.1");
        // The tokens of pages opened while the links were open.
        var revokedToken = await FormTokenAsync(guest, revokedUrl);
        var expiredToken = await FormTokenAsync(guest, expiredUrl);
        await using (var db = world.OpenDb())
        {
            var revoked = await db.ShareLinks.SingleAsync(l => l.Label == "to revoke");
            await admin.PostJsonOkAsync($"api/share-links/{revoked.Id}/revoke", new { });
            var expired = await db.ShareLinks.SingleAsync(l => l.Label == "to expire");
            expired.ExpiresUtc = DateTime.UtcNow.AddMinutes(-1);
            await db.SaveChangesAsync();
        }
        var before = await world.CommentCountAsync();

        async Task RefusedAsync(string url, string token, string reason)
        {
            using var response = await PostAsync(guest, url, token, Fields("Grace", "Should not be stored."));
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.Forbidden, $"{url}: {(int)response.StatusCode} {body}");
            Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("data-testid=\"guest-comment-refused\"", body);
            Assert.Contains(reason, body);
        }
        // (A page without the form has no token: this client's token from another page serves.)
        await RefusedAsync(world.NoGuestsUrl, await FormTokenAsync(guest, world.GuestsUrl), "does not take comments from guests");
        await RefusedAsync(revokedUrl, revokedToken, "revoked");
        await RefusedAsync(expiredUrl, expiredToken, "expired");
        // A passphrase link allows guests, but only once it is unlocked in that browser.
        await RefusedAsync(world.LockedUrl, await FormTokenAsync(guest, world.LockedUrl), "passphrase");
        Assert.Equal(before, await world.CommentCountAsync());

        // Unlocked, the same browser may comment.
        using (var unlock = await guest.Http.PostAsync(world.LockedUrl + "/unlock", new FormUrlEncodedContent(
                   [new("passphrase", "open sesame"), new("__RequestVerificationToken", await FormTokenAsync(guest, world.LockedUrl))])))
            Assert.Equal(HttpStatusCode.Redirect, unlock.StatusCode);
        using var posted = await PostAsync(guest, world.LockedUrl, await FormTokenAsync(guest, world.LockedUrl), Fields("Grace", "Behind the passphrase."));
        PostedId(posted);

        // An address that is no link at all.
        using var unknown = await PostAsync(guest, "share/" + new string('A', 43), revokedToken, Fields("Grace", "Nowhere."));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(before + 1, await world.CommentCountAsync());
    }

    [Theory]
    [InlineData("", "Give your name")]
    [InlineData("   ", "Give your name")]
    [InlineData("A name that is longer than sixty characters, which is the limit.", "at most 60 characters")]
    [InlineData("Bell\u0007Name", "no control characters")]
    [InlineData("Tab\tName", "no control characters")]
    public async Task ABadNameIsRefusedWithItsReasonAndStoresNothing(string name, string reason)
    {
        using var guest = world.Guest($"10.30.{name.Length}.{(int)name.LastOrDefault() % 250}");
        var before = await world.CommentCountAsync();
        using var response = await PostAsync(guest, world.GuestsUrl, await FormTokenAsync(guest, world.GuestsUrl), Fields(name, "A fine remark."));
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.OriginalString;
        Assert.Contains("commentError=", location);
        // Shown on the share page, next to the form.
        var page = await guest.Http.GetStringAsync(location.TrimStart('/'));
        Assert.Contains("data-testid=\"guest-comment-error\"", page);
        Assert.Contains(reason, WebUtility.HtmlDecode(page));
        Assert.Equal(before, await world.CommentCountAsync());
    }

    [Fact]
    public async Task AnEmptyOrTooLongCommentIsRefusedAndSixtyCharactersOfNameAreEnough()
    {
        using var guest = world.Guest("10.40.0.1");
        var token = await FormTokenAsync(guest, world.GuestsUrl);
        var before = await world.CommentCountAsync();
        foreach (var (body, reason) in new[] { ("  ", "the comment is empty"), (new string('x', 2001), "at most 2000 characters") })
        {
            using var response = await PostAsync(guest, world.GuestsUrl, token, Fields("Grace", body));
            Assert.Contains(Uri.EscapeDataString(reason), response.Headers.Location!.OriginalString);
        }
        Assert.Equal(before, await world.CommentCountAsync());

        var sixty = new string('n', 60);
        using var accepted = await PostAsync(guest, world.GuestsUrl, token, Fields($" {sixty} ", new string('y', 2000)));
        var id = PostedId(accepted);
        await using var db = world.OpenDb();
        Assert.Equal(sixty, (await db.Comments.SingleAsync(c => c.Id == id)).GuestName);
    }

    [Fact]
    public async Task TheFormNeedsItsOwnBrowsersAntiforgeryTokenAndAForgedPostDoesNotCount()
    {
        using var guest = world.Guest("10.50.0.1");
        using var other = world.Guest("10.50.0.1");
        var othersToken = await FormTokenAsync(other, world.GuestsUrl);
        var token = await FormTokenAsync(guest, world.GuestsUrl);
        var before = await world.CommentCountAsync();

        foreach (var forged in new[] { null, "CfDJ8forged-token-that-the-portal-never-made", othersToken })
        {
            using var response = await PostAsync(guest, world.GuestsUrl, forged, Fields("Mallory", "Forged."));
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{forged ?? "no token"}: {(int)response.StatusCode} {body}");
            Assert.Contains("This request was not accepted", body);
        }
        // Replayed many times more than the address's allowance: refused before it is counted.
        for (var i = 0; i < GuestCommentLimits.PerClient + 2; i++)
        {
            using var replay = await PostAsync(guest, world.GuestsUrl, othersToken, Fields("Mallory", "Forged again."));
            Assert.Equal(HttpStatusCode.BadRequest, replay.StatusCode);
        }
        Assert.Equal(before, await world.CommentCountAsync());

        using var real = await PostAsync(guest, world.GuestsUrl, token, Fields("Grace", "With the right token."));
        PostedId(real);
    }

    [Fact]
    public async Task GuestCommentsAreLimitedPerAddressAndPerLinkWithAClear429()
    {
        using var admin = await world.ClientAsync();
        var busyUrl = await world.LinkAsync(admin, "busy", guests: true);
        var quietUrl = await world.LinkAsync(admin, "quiet", guests: true);

        // One address: its allowance, then 429 with when to try again, on every link.
        using var eager = world.Guest("10.60.0.1");
        var token = await FormTokenAsync(eager, quietUrl);
        for (var i = 0; i < GuestCommentLimits.PerClient; i++)
        {
            using var ok = await PostAsync(eager, quietUrl, token, Fields("Eager", $"Remark {i}."));
            PostedId(ok);
        }
        var before = await world.CommentCountAsync();
        using (var refused = await PostAsync(eager, quietUrl, token, Fields("Eager", "One too many.")))
        {
            var body = await refused.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.Equal("text/html", refused.Content.Headers.ContentType?.MediaType);
            Assert.Contains("data-testid=\"guest-comment-throttled\"", body);
            Assert.Contains("Too many guest comments", body);
            var retry = refused.Headers.RetryAfter!.Delta!.Value;
            Assert.InRange(retry, TimeSpan.FromSeconds(1), GuestCommentLimits.ClientWindow);
        }
        Assert.Equal(before, await world.CommentCountAsync());
        // Another address is not held back by it.
        using (var calm = world.Guest("10.60.0.2"))
            PostedId(await PostAsync(calm, quietUrl, await FormTokenAsync(calm, quietUrl), Fields("Calm", "Still welcome.")));

        // One link: its allowance from many addresses together, then 429 for every address on that link only.
        for (var a = 0; a < GuestCommentLimits.PerLink / GuestCommentLimits.PerClient; a++)
        {
            using var crowd = world.Guest($"10.61.{a}.1");
            var crowdToken = await FormTokenAsync(crowd, busyUrl);
            for (var i = 0; i < GuestCommentLimits.PerClient; i++)
                PostedId(await PostAsync(crowd, busyUrl, crowdToken, Fields($"Crowd {a}", $"Remark {i}.")));
        }
        using var late = world.Guest("10.62.0.1");
        using (var full = await PostAsync(late, busyUrl, await FormTokenAsync(late, busyUrl), Fields("Late", "The link is full.")))
            Assert.Equal(HttpStatusCode.TooManyRequests, full.StatusCode);
        PostedId(await PostAsync(late, quietUrl, await FormTokenAsync(late, quietUrl), Fields("Late", "Another link takes it.")));
    }

    [Fact]
    public async Task AGuestsCommentOnTheSharePageAppearsLiveOnAMembersComparePage()
    {
        var member = await world.SignedInPageAsync();
        await member.GotoLiveAsync($"projects/{world.ProjectId}/pairs/{world.PairId}/compare");
        await member.Locator("#share-label").FillAsync("for the guest reviewers");
        await member.GetByTestId("share-guests-comment").Locator("xpath=descendant-or-self::input").CheckAsync();
        await member.GetByTestId("create-share-link").ClickAsync();
        var row = member.GetByTestId("share-link").Filter(new() { HasText = "for the guest reviewers" });
        await Assertions.Expect(row.GetByTestId("share-guests")).ToBeVisibleAsync();
        var url = await row.GetByTestId("share-url").InputValueAsync();

        var guest = await world.NewPageAsync();
        await guest.GotoAsync(url);
        await Assertions.Expect(guest.GetByTestId("guest-comment")).ToBeVisibleAsync();
        // A few frames on: the form says at which time the comment goes (the page's script follows the players).
        var time = guest.GetByTestId("guest-time");
        for (var i = 0; i < 40 && await time.TextContentAsync() == "0:00.0"; i++)
        {
            await guest.Keyboard.PressAsync("ArrowRight");
            await Task.Delay(100);
        }
        var at = await time.TextContentAsync();
        Assert.NotEqual("0:00.0", at);
        await guest.GetByTestId("guest-name").FillAsync("Grace");
        await guest.GetByTestId("guest-body").FillAsync("The pan stutters after the cut.");
        await guest.GetByTestId("guest-about").SelectOptionAsync(world.OutputId.ToString());
        await guest.GetByTestId("guest-post").ClickAsync();
        await Assertions.Expect(guest.GetByTestId("guest-comment-posted")).ToBeVisibleAsync();
        var shared = guest.GetByTestId("comment").Filter(new() { HasText = "The pan stutters after the cut." });
        await Assertions.Expect(shared.GetByTestId("comment-author")).ToHaveTextAsync("Grace (guest)");
        await Assertions.Expect(shared.GetByTestId("comment-time")).ToHaveTextAsync(at!);
        await Assertions.Expect(guest.GetByTestId("guest-name")).ToHaveValueAsync("Grace");

        // On the member's open page, without a reload: the guest's name, the time code, and a delete button.
        var live = member.GetByTestId("comment").Filter(new() { HasText = "The pan stutters after the cut." });
        await Assertions.Expect(live.GetByTestId("comment-author")).ToHaveTextAsync("Grace (guest)");
        await Assertions.Expect(live.GetByTestId("comment-time")).ToHaveTextAsync(at!);
        await Assertions.Expect(live.GetByTestId("delete-comment")).ToBeVisibleAsync();
        await guest.Context.CloseAsync();
        await member.Context.CloseAsync();
    }
}
