using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CamReview.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace CamReview.Web.Tests;

/// <summary>People join a team by accepting an owner's invitation; inviting tells the owner nothing about which
/// addresses have accounts.</summary>
public sealed class TeamInvitationTests(PortalFixture portal) : IClassFixture<PortalFixture>
{
    private const string Password = "invitee-password-1";

    [Fact]
    public async Task InvitingAnAddressWithAnAccountAndOneWithoutAnswersAlike()
    {
        var teamId = await portal.TeamIdAsync(PortalFixture.AdminTeam);
        await portal.CreateUserAsync("known@camreview.test", "Known Person", Password);
        using var admin = await portal.ClientAsync();

        using var known = await admin.Http.PostAsJsonAsync($"api/teams/{teamId}/invitations", new { email = "Known@camreview.test ", role = "reviewer" });
        using var unknown = await admin.Http.PostAsJsonAsync($"api/teams/{teamId}/invitations", new { email = "nobody-yet@camreview.test", role = "reviewer" });
        Assert.Equal(HttpStatusCode.Accepted, known.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, unknown.StatusCode);
        var knownBody = await known.Content.ReadAsStringAsync();
        var unknownBody = await unknown.Content.ReadAsStringAsync();
        Assert.Equal(Shape(knownBody), Shape(unknownBody));
        Assert.Equal(Anonymised(knownBody, "known@camreview.test"), Anonymised(unknownBody, "nobody-yet@camreview.test"));
        Assert.DoesNotContain("Known Person", knownBody);
        Assert.Contains("Invitation recorded for known@camreview.test as Reviewer", knownBody);

        await using var db = portal.OpenDb();
        // Nobody joined, and no account was made.
        Assert.False(await db.TeamMembers.AnyAsync(m => m.TeamId == teamId && m.User.Email == "known@camreview.test"));
        Assert.False(await db.Users.AnyAsync(u => u.Email == "nobody-yet@camreview.test"));
        Assert.Equal(2, await db.TeamInvitations.CountAsync(i => i.TeamId == teamId && i.State == InvitationState.Pending
                                                                   && (i.Email == "known@camreview.test" || i.Email == "nobody-yet@camreview.test")));

        // Inviting again renews the pending invitation (with the new role) instead of adding another.
        using (var again = await admin.Http.PostAsJsonAsync($"api/teams/{teamId}/invitations", new { email = "known@camreview.test", role = "viewer" }))
            Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        var pending = await db.TeamInvitations.SingleAsync(i => i.TeamId == teamId && i.Email == "known@camreview.test");
        Assert.Equal(TeamRole.Viewer, pending.Role);
    }

    [Fact]
    public async Task TheInviteeBecomesAMemberOnlyByAccepting()
    {
        var teamId = await portal.TeamIdAsync(PortalFixture.AdminTeam);
        await portal.CreateUserAsync("amy@camreview.test", "Amy", Password);
        using var admin = await portal.ClientAsync();
        using var amy = await portal.ClientAsync("amy@camreview.test", Password);
        var invitationId = await InviteAsync(admin, teamId, "amy@camreview.test", "reviewer");

        using (var before = await amy.Http.GetAsync($"api/teams/{teamId}")) Assert.Equal(HttpStatusCode.NotFound, before.StatusCode);
        var mine = await amy.Http.GetFromJsonAsync<JsonElement>("api/invitations");
        var offered = Assert.Single(mine.EnumerateArray());
        Assert.Equal(invitationId, offered.GetProperty("id").GetInt32());
        Assert.Equal(PortalFixture.AdminTeam, offered.GetProperty("teamName").GetString());
        Assert.Equal("reviewer", offered.GetProperty("role").GetString());
        Assert.Equal(PortalFixture.AdminName, offered.GetProperty("invitedBy").GetString());
        // The owner sees it pending.
        var teamInvitations = await admin.Http.GetFromJsonAsync<JsonElement>($"api/teams/{teamId}/invitations");
        Assert.Contains(teamInvitations.EnumerateArray(), i => i.GetProperty("email").GetString() == "amy@camreview.test");

        var accepted = await amy.PostJsonOkAsync($"api/invitations/{invitationId}/accept", new { });
        Assert.Equal(teamId, accepted.GetProperty("id").GetInt32());
        Assert.Equal("reviewer", accepted.GetProperty("role").GetString());
        using (var after = await amy.Http.GetAsync($"api/teams/{teamId}")) Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Empty((await amy.Http.GetFromJsonAsync<JsonElement>("api/invitations")).EnumerateArray());
        await using var db = portal.OpenDb();
        Assert.Equal(TeamRole.Reviewer, (await db.TeamMembers.SingleAsync(m => m.TeamId == teamId && m.User.Email == "amy@camreview.test")).Role);
        Assert.Equal(InvitationState.Accepted, (await db.TeamInvitations.SingleAsync(i => i.Id == invitationId)).State);

        // Accepting twice finds nothing; inviting a member is refused (the owner sees the members anyway).
        using (var twice = await amy.Http.PostAsync($"api/invitations/{invitationId}/accept", null)) Assert.Equal(HttpStatusCode.NotFound, twice.StatusCode);
        using (var member = await admin.Http.PostAsJsonAsync($"api/teams/{teamId}/invitations", new { email = "amy@camreview.test", role = "owner" }))
            Assert.Equal(HttpStatusCode.Conflict, member.StatusCode);
    }

    [Fact]
    public async Task TheInviteeMayDecline()
    {
        var teamId = await portal.TeamIdAsync(PortalFixture.AdminTeam);
        await portal.CreateUserAsync("bob@camreview.test", "Bob", Password);
        using var admin = await portal.ClientAsync();
        using var bob = await portal.ClientAsync("bob@camreview.test", Password);
        var invitationId = await InviteAsync(admin, teamId, "bob@camreview.test", "viewer");

        await bob.PostJsonOkAsync($"api/invitations/{invitationId}/decline", new { });
        using (var accept = await bob.Http.PostAsync($"api/invitations/{invitationId}/accept", null)) Assert.Equal(HttpStatusCode.NotFound, accept.StatusCode);
        using (var team = await bob.Http.GetAsync($"api/teams/{teamId}")) Assert.Equal(HttpStatusCode.NotFound, team.StatusCode);
        Assert.Empty((await bob.Http.GetFromJsonAsync<JsonElement>("api/invitations")).EnumerateArray());
        Assert.DoesNotContain((await admin.Http.GetFromJsonAsync<JsonElement>($"api/teams/{teamId}/invitations")).EnumerateArray(),
            i => i.GetProperty("email").GetString() == "bob@camreview.test");
        await using var db = portal.OpenDb();
        Assert.Equal(InvitationState.Declined, (await db.TeamInvitations.SingleAsync(i => i.Id == invitationId)).State);
    }

    [Fact]
    public async Task AnOwnerRevokesAPendingInvitation()
    {
        var teamId = await portal.TeamIdAsync(PortalFixture.AdminTeam);
        await portal.CreateUserAsync("cyd@camreview.test", "Cyd", Password);
        using var admin = await portal.ClientAsync();
        using var cyd = await portal.ClientAsync("cyd@camreview.test", Password);
        var invitationId = await InviteAsync(admin, teamId, "cyd@camreview.test", "owner");

        using (var revoked = await admin.Http.DeleteAsync($"api/teams/{teamId}/invitations/{invitationId}")) Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        using (var again = await admin.Http.DeleteAsync($"api/teams/{teamId}/invitations/{invitationId}")) Assert.Equal(HttpStatusCode.NotFound, again.StatusCode);
        Assert.Empty((await cyd.Http.GetFromJsonAsync<JsonElement>("api/invitations")).EnumerateArray());
        using (var accept = await cyd.Http.PostAsync($"api/invitations/{invitationId}/accept", null)) Assert.Equal(HttpStatusCode.NotFound, accept.StatusCode);
        await using var db = portal.OpenDb();
        Assert.False(await db.TeamMembers.AnyAsync(m => m.TeamId == teamId && m.User.Email == "cyd@camreview.test"));
        Assert.Equal(InvitationState.Revoked, (await db.TeamInvitations.SingleAsync(i => i.Id == invitationId)).State);
    }

    [Fact]
    public async Task NobodyAnswersAnotherPersonsInvitation()
    {
        var teamId = await portal.TeamIdAsync(PortalFixture.AdminTeam);
        await portal.CreateUserAsync("dee@camreview.test", "Dee", Password);
        await portal.CreateUserAsync("eve@camreview.test", "Eve", Password);
        using var admin = await portal.ClientAsync();
        using var eve = await portal.ClientAsync("eve@camreview.test", Password);
        var invitationId = await InviteAsync(admin, teamId, "dee@camreview.test", "owner");

        Assert.Empty((await eve.Http.GetFromJsonAsync<JsonElement>("api/invitations")).EnumerateArray());
        foreach (var answer in new[] { "accept", "decline" })
        {
            using var response = await eve.Http.PostAsync($"api/invitations/{invitationId}/{answer}", null);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
        using (var team = await eve.Http.GetAsync($"api/teams/{teamId}")) Assert.Equal(HttpStatusCode.NotFound, team.StatusCode);
        await using (var db = portal.OpenDb())
            Assert.Equal(InvitationState.Pending, (await db.TeamInvitations.SingleAsync(i => i.Id == invitationId)).State);

        // Dee still can.
        using var dee = await portal.ClientAsync("dee@camreview.test", Password);
        await dee.PostJsonOkAsync($"api/invitations/{invitationId}/accept", new { });
    }

    [Fact]
    public async Task ViewersAndReviewersCannotInviteAndOutsidersFindNoTeam()
    {
        var teamId = await portal.TeamIdAsync(PortalFixture.AdminTeam);
        await portal.CreateUserAsync("fay@camreview.test", "Fay", Password, teamId, TeamRole.Viewer);
        await portal.CreateUserAsync("gil@camreview.test", "Gil", Password, teamId, TeamRole.Reviewer);
        await portal.CreateUserAsync("hue@camreview.test", "Hue", Password);
        foreach (var (email, expected) in new[] { ("fay@camreview.test", HttpStatusCode.Forbidden), ("gil@camreview.test", HttpStatusCode.Forbidden), ("hue@camreview.test", HttpStatusCode.NotFound) })
        {
            using var client = await portal.ClientAsync(email, Password);
            using var invite = await client.Http.PostAsJsonAsync($"api/teams/{teamId}/invitations", new { email = "friend@camreview.test", role = "owner" });
            Assert.True(invite.StatusCode == expected, $"{email}: {invite.StatusCode}");
            using var list = await client.Http.GetAsync($"api/teams/{teamId}/invitations");
            Assert.Equal(expected, list.StatusCode);
            // Members who do not manage the team are not shown its invitations.
            if (expected == HttpStatusCode.Forbidden)
                Assert.Empty((await client.Http.GetFromJsonAsync<JsonElement>($"api/teams/{teamId}")).GetProperty("invitations").EnumerateArray());
        }
        await using var db = portal.OpenDb();
        Assert.False(await db.TeamInvitations.AnyAsync(i => i.Email == "friend@camreview.test"));
    }

    [Fact]
    public async Task AnInvitationWaitsForAnAccountMadeLaterAndExpires()
    {
        var teamId = await portal.TeamIdAsync(PortalFixture.AdminTeam);
        using var admin = await portal.ClientAsync();
        var invitationId = await InviteAsync(admin, teamId, "later@camreview.test", "reviewer");
        var expiringId = await InviteAsync(admin, (await admin.PostJsonOkAsync("api/teams", new { name = "Short-lived" })).GetProperty("id").GetInt32(),
            "later@camreview.test", "viewer");
        await using (var db = portal.OpenDb())
            await db.TeamInvitations.Where(i => i.Id == expiringId).ExecuteUpdateAsync(u => u.SetProperty(i => i.ExpiresUtc, DateTime.UtcNow.AddMinutes(-1)));

        // The administrator makes the account afterwards; its user sees the (unexpired) invitation once signed in.
        var created = await admin.PostJsonOkAsync("api/accounts", new { email = "later@camreview.test", displayName = "Later", temporaryPassword = "later-temporary-1" });
        using var later = await portal.ClientAsync("later@camreview.test", "later-temporary-1");
        using (var changed = await later.PostFormAsync("account/password", "password",
                   new() { ["Input.Current"] = "later-temporary-1", ["Input.New"] = Password, ["Input.Confirm"] = Password }))
            Assert.Equal(HttpStatusCode.Redirect, changed.StatusCode);
        var mine = (await later.Http.GetFromJsonAsync<JsonElement>("api/invitations")).EnumerateArray().Select(i => i.GetProperty("id").GetInt32()).ToList();
        Assert.Equal([invitationId], mine);
        using (var expired = await later.Http.PostAsync($"api/invitations/{expiringId}/accept", null)) Assert.Equal(HttpStatusCode.NotFound, expired.StatusCode);
        await later.PostJsonOkAsync($"api/invitations/{invitationId}/accept", new { });
        await using var check = portal.OpenDb();
        Assert.True(await check.TeamMembers.AnyAsync(m => m.TeamId == teamId && m.UserId == created.GetProperty("id").GetInt32()));
    }

    [Fact]
    public async Task TheOldDirectAddingOfMembersIsGone()
    {
        var teamId = await portal.TeamIdAsync(PortalFixture.AdminTeam);
        await portal.CreateUserAsync("ida@camreview.test", "Ida", Password);
        using var admin = await portal.ClientAsync();
        using var response = await admin.Http.PostAsJsonAsync($"api/teams/{teamId}/members", new { email = "ida@camreview.test", role = "viewer" });
        Assert.False(response.IsSuccessStatusCode, $"{response.StatusCode}");
        Assert.DoesNotContain("Ida", await response.Content.ReadAsStringAsync());
        await using var db = portal.OpenDb();
        Assert.False(await db.TeamMembers.AnyAsync(m => m.User.Email == "ida@camreview.test"));
    }

    private static async Task<int> InviteAsync(PortalClient owner, int teamId, string email, string role)
    {
        using var response = await owner.Http.PostAsJsonAsync($"api/teams/{teamId}/invitations", new { email, role });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"inviting {email}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("invitation").GetProperty("id").GetInt32();
    }

    /// <summary>The property names of a JSON document, nested, in order.</summary>
    private static string Shape(string json)
    {
        static IEnumerable<string> Walk(JsonElement e, string at) => e.ValueKind == JsonValueKind.Object
            ? e.EnumerateObject().SelectMany(p => Walk(p.Value, $"{at}.{p.Name}").Prepend($"{at}.{p.Name}:{p.Value.ValueKind}"))
            : [];
        return string.Join("\n", Walk(JsonDocument.Parse(json).RootElement, ""));
    }

    /// <summary>The answer with what differs by nature removed: the address, the id and the times.</summary>
    private static string Anonymised(string json, string email)
    {
        var root = JsonDocument.Parse(json).RootElement;
        var invitation = root.GetProperty("invitation");
        return string.Join("|", root.GetProperty("message").GetString()!.Replace(email, "ADDRESS"),
            invitation.GetProperty("teamId").GetInt32(), invitation.GetProperty("role").GetString(), invitation.GetProperty("invitedBy").GetString());
    }
}
