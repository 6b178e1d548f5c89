using System.Net;
using System.Text.RegularExpressions;
using CamReview.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace CamReview.Web.Tests;

/// <summary>A portal started on an empty database: everything leads to /setup until the administrator exists.</summary>
public sealed class FirstRunTests(FreshPortalFixture portal) : IClassFixture<FreshPortalFixture>
{
    [Fact]
    public async Task SetupCreatesTheAdministratorAndTheirTeamThenSigningOutAndInWorks()
    {
        // Before setup: pages go to /setup, the API says why it cannot answer.
        using (var response = await portal.Http.GetAsync("projects"))
        {
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal("/setup", response.Headers.Location!.OriginalString);
        }
        using (var response = await portal.Http.GetAsync("api/projects"))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            Assert.Contains("/setup", await PortalClient.ErrorOf(response));
        }
        using (var health = await portal.Http.GetAsync("health")) Assert.Equal(HttpStatusCode.OK, health.StatusCode);

        // The password policy applies on setup: short, common, repeated and sequential passwords are refused.
        foreach (var (weak, why) in new[] { ("12345678", "at least 12 characters"), ("password", "at least 12 characters"), ("aaaaaaaa", "at least 12 characters"),
                     ("password1234", "most common passwords"), ("aaaaaaaaaaaa", "repeated"), ("abcdefghijkl", "sequence") })
        {
            using var anonymous = PortalClient.Anonymous(portal.BaseAddress);
            using var refused = await anonymous.PostFormAsync("setup", "setup", new()
            {
                ["Input.DisplayName"] = "Weak", ["Input.Email"] = "weak@example.org", ["Input.Password"] = weak, ["Input.Confirm"] = weak,
            });
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.Contains(why, await refused.Content.ReadAsStringAsync());
        }

        var page = await portal.NewPageAsync();
        await page.GotoAsync("");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/setup$"));
        await page.Locator("#setup-name").FillAsync("Grace Hopper");
        await page.Locator("#setup-email").FillAsync("Grace@Example.org");
        await page.Locator("#setup-password").FillAsync("cobol-1959-grace");
        await page.Locator("#setup-confirm").FillAsync("cobol-1960-grace");
        await page.Locator("#setup-team").FillAsync("Optics lab");
        await page.GetByTestId("create-admin").ClickAsync();
        await Assertions.Expect(page.GetByTestId("setup-error")).ToContainTextAsync("differ");
        await page.Locator("#setup-password").FillAsync("Password123!");
        await page.Locator("#setup-confirm").FillAsync("Password123!");
        await page.GetByTestId("create-admin").ClickAsync();
        await Assertions.Expect(page.GetByTestId("setup-error")).ToContainTextAsync("most common passwords");

        await page.Locator("#setup-password").FillAsync("cobol-1959-grace");
        await page.Locator("#setup-confirm").FillAsync("cobol-1959-grace");
        await page.GetByTestId("create-admin").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/projects$"));
        await Assertions.Expect(page.GetByTestId("current-user")).ToContainTextAsync("Grace Hopper");

        await using (var db = portal.OpenDb())
        {
            var admin = await db.Users.Include(u => u.Memberships).ThenInclude(m => m.Team).SingleAsync();
            Assert.Equal("grace@example.org", admin.Email);
            Assert.True(admin.IsAdministrator);
            Assert.DoesNotContain("cobol", admin.PasswordHash);
            var membership = Assert.Single(admin.Memberships);
            Assert.Equal(("Optics lab", TeamRole.Owner), (membership.Team.Name, membership.Role));
        }

        // The setup page is gone once there is an account.
        using (var response = await portal.Http.GetAsync("setup")) Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);

        // Signing out ends the session: pages ask to sign in again, and come back after.
        await page.GetByTestId("sign-out").ClickAsync();
        // The sign-in page without a page to come back to (whoever signs in next may be someone else), whether from
        // the sign-out's redirect or from the open page turning anonymous as its session ends.
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/account/login$"));
        await page.GotoAsync("teams");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/account/login\\?ReturnUrl=%2Fteams$"));
        await page.Locator("#login-email").FillAsync("grace@example.org");
        await page.Locator("#login-password").FillAsync("wrong password");
        await page.GetByTestId("sign-in").ClickAsync();
        await Assertions.Expect(page.GetByTestId("login-error")).ToContainTextAsync("not right");

        await page.Locator("#login-password").FillAsync("cobol-1959-grace");
        await page.GetByTestId("sign-in").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/teams$"));
        await Assertions.Expect(page.GetByTestId("team-list")).ToContainTextAsync("Optics lab");

        // The session cookie is HttpOnly and SameSite=Lax.
        var cookie = (await page.Context.CookiesAsync()).Single(c => c.Name == "CamReview.Session");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Lax, cookie.SameSite);
        await page.Context.CloseAsync();
    }
}
