using Microsoft.Playwright;

namespace CamReview.Web.Tests;

/// <summary>Inviting and answering invitations in Chromium, with screenshots of both Teams pages (in
/// CAMREVIEW_SCREENSHOTS, default /tmp/shots-sessions) to look at.</summary>
public sealed class TeamInvitationBrowserTests(PortalFixture portal) : IClassFixture<PortalFixture>
{
    private static readonly string Shots = Environment.GetEnvironmentVariable("CAMREVIEW_SCREENSHOTS") is { Length: > 0 } dir ? dir : "/tmp/shots-sessions";

    [Fact]
    public async Task AnOwnerInvitesAndTheInviteeAcceptsOneInvitationAndDeclinesAnother()
    {
        Directory.CreateDirectory(Shots);
        var labId = await portal.TeamIdAsync(PortalFixture.AdminTeam);
        await portal.CreateUserAsync("iris@camreview.test", "Iris Invitee", "iris-password-1");
        using (var admin = await portal.ClientAsync())
        {
            // A second team, to be declined.
            var second = (await admin.PostJsonOkAsync("api/teams", new { name = "Motion study group" })).GetProperty("id").GetInt32();
            await admin.PostJsonOkAsync($"api/teams/{second}/invitations", new { email = "iris@camreview.test", role = "viewer" });
        }

        var owner = await portal.SignedInPageAsync();
        await owner.SetViewportSizeAsync(1280, 900);
        await owner.GotoAsync($"teams/{labId}");
        await Assertions.Expect(owner.GetByTestId("invite-submit")).ToBeEnabledAsync();
        await owner.Locator("#invite-email").FillAsync("iris@camreview.test");
        await owner.Locator("#invite-role").SelectOptionAsync("Reviewer");
        await owner.GetByTestId("invite-submit").ClickAsync();
        await Assertions.Expect(owner.GetByTestId("invite-done")).ToContainTextAsync("Tell them to sign in");
        // An address without an account is invited just the same.
        await owner.Locator("#invite-email").FillAsync("someone-new@camreview.test");
        await owner.GetByTestId("invite-submit").ClickAsync();
        await Assertions.Expect(owner.GetByTestId("invite-done")).ToContainTextAsync("someone-new@camreview.test");
        var pending = owner.GetByTestId("invitation");
        await Assertions.Expect(pending).ToHaveCountAsync(2);
        await Assertions.Expect(owner.Locator("[data-testid=invitation][data-email='iris@camreview.test']").GetByTestId("role-badge")).ToHaveTextAsync("Reviewer");
        await owner.ScreenshotAsync(new() { Path = Path.Combine(Shots, "team-page-pending-invitations.png"), FullPage = true });

        // The owner withdraws the second one.
        await owner.Locator("[data-testid=invitation][data-email='someone-new@camreview.test']").GetByTestId("revoke-invitation").ClickAsync();
        await Assertions.Expect(pending).ToHaveCountAsync(1);

        var iris = await portal.SignedInPageAsync("iris@camreview.test", "iris-password-1");
        await iris.SetViewportSizeAsync(1280, 900);
        await iris.GotoAsync("teams");
        var offers = iris.GetByTestId("my-invitation");
        await Assertions.Expect(offers).ToHaveCountAsync(2);
        await Assertions.Expect(iris.GetByTestId("no-teams")).ToBeVisibleAsync();
        await Assertions.Expect(iris.GetByTestId("accept-invitation").First).ToBeEnabledAsync();
        await iris.ScreenshotAsync(new() { Path = Path.Combine(Shots, "teams-page-invitations-for-you.png"), FullPage = true });
        await iris.SetViewportSizeAsync(390, 844);
        await iris.ScreenshotAsync(new() { Path = Path.Combine(Shots, "teams-page-invitations-for-you-narrow.png"), FullPage = true });
        await iris.SetViewportSizeAsync(1280, 900);

        await iris.Locator("[data-testid=my-invitation][data-team='Motion study group']").GetByTestId("decline-invitation").ClickAsync();
        await Assertions.Expect(iris.GetByTestId("invitation-answer")).ToHaveTextAsync("You declined the invitation to Motion study group.");
        await Assertions.Expect(offers).ToHaveCountAsync(1);
        await iris.Locator($"[data-testid=my-invitation][data-team='{PortalFixture.AdminTeam}']").GetByTestId("accept-invitation").ClickAsync();
        await Assertions.Expect(iris.GetByTestId("invitation-answer")).ToHaveTextAsync($"You are now a member of {PortalFixture.AdminTeam} as Reviewer.");
        await Assertions.Expect(iris.GetByTestId("my-invitations")).ToHaveCountAsync(0);
        await Assertions.Expect(iris.GetByTestId("team-list").GetByRole(AriaRole.Link, new() { Name = PortalFixture.AdminTeam })).ToBeVisibleAsync();
        await iris.ScreenshotAsync(new() { Path = Path.Combine(Shots, "teams-page-after-accepting.png"), FullPage = true });

        // The owner's page now lists her as a member, and nobody as invited.
        await owner.ReloadAsync();
        await Assertions.Expect(owner.Locator("[data-testid=member][data-email='iris@camreview.test']").GetByTestId("member-role")).ToHaveValueAsync("Reviewer");
        await Assertions.Expect(owner.GetByTestId("no-invitations")).ToBeVisibleAsync();
        await owner.ScreenshotAsync(new() { Path = Path.Combine(Shots, "team-page-after-accepting.png"), FullPage = true });
        // The administrator's Teams page, with the form that creates accounts.
        await owner.GotoAsync("teams");
        await Assertions.Expect(owner.GetByTestId("create-account")).ToBeEnabledAsync();
        await owner.ScreenshotAsync(new() { Path = Path.Combine(Shots, "teams-page-administrator.png"), FullPage = true });
        await owner.Context.CloseAsync();
        await iris.Context.CloseAsync();
    }
}
