using System.Text.RegularExpressions;
using CamReview.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace CamReview.Web.Tests;

/// <summary>The project page in Chromium: uploads through the file input with progress, thumbnails, pairs, deletes
/// with their confirmation, and what each role sees.</summary>
public sealed class ProjectPageBrowserTests(PortalFixture portal) : IClassFixture<PortalFixture>
{
    [Fact]
    public async Task UploadingThroughThePageShowsProgressAndThumbnailsThenAPairIsMadeAndTheProjectDeleted()
    {
        var page = await portal.SignedInPageAsync();
        var projectId = await CreateProjectThroughThePageAsync(page, "Dolly shots");
        await Assertions.Expect(page.GetByTestId("project-team")).ToHaveTextAsync(PortalFixture.AdminTeam);
        await Assertions.Expect(page.GetByTestId("role-badge").First).ToHaveTextAsync("Owner");
        await WaitForUploaderAsync(page);

        // A reference video through the file picker.
        await page.Locator("#upload-kind").SelectOptionAsync("reference-video");
        await page.GetByTestId("upload-input").SetInputFilesAsync(TestMedia.File("dolly.mp4", TestMedia.ReferenceVideo));
        await ExpectUploadedAsync(page);
        var videos = page.GetByTestId("assets-reference-video");
        await Assertions.Expect(videos.GetByTestId("asset-name")).ToHaveTextAsync("dolly.mp4");
        await Assertions.Expect(videos.GetByTestId("asset")).ToContainTextAsync("16 frames");
        await Assertions.Expect(videos.GetByTestId("asset-thumb")).ToHaveJSPropertyAsync("naturalWidth", 64);

        // A target image.
        await page.Locator("#upload-kind").SelectOptionAsync("target-image");
        await page.GetByTestId("upload-input").SetInputFilesAsync(TestMedia.File("statue.png", TestMedia.TargetImage));
        await ExpectUploadedAsync(page);
        var images = page.GetByTestId("assets-target-image");
        await Assertions.Expect(images.GetByTestId("asset-name")).ToHaveTextAsync("statue.png");
        await Assertions.Expect(images.GetByTestId("asset-thumb")).ToHaveJSPropertyAsync("naturalWidth", 80);

        // A depth map dropped onto the drop zone.
        await page.Locator("#upload-kind").SelectOptionAsync("depth-map");
        var dropped = await page.EvaluateHandleAsync("""
            bytes => {
                const transfer = new DataTransfer();
                transfer.items.add(new File([new Uint8Array(bytes)], 'statue-depth.png', { type: 'image/png' }));
                return transfer;
            }
            """, TestMedia.DepthMap.Select(b => (int)b).ToArray());
        await page.GetByTestId("drop-zone").DispatchEventAsync("dragover", new Dictionary<string, object> { ["dataTransfer"] = dropped });
        await Assertions.Expect(page.GetByTestId("drop-zone")).ToHaveClassAsync(new Regex("drag-over"));
        await page.GetByTestId("drop-zone").DispatchEventAsync("drop", new Dictionary<string, object> { ["dataTransfer"] = dropped });
        await ExpectUploadedAsync(page);
        await Assertions.Expect(page.GetByTestId("assets-depth-map").GetByTestId("asset-name")).ToHaveTextAsync("statue-depth.png");

        // A file that is not what it claims: refused, with the server's message on the page.
        await page.Locator("#upload-kind").SelectOptionAsync("reference-video");
        await page.GetByTestId("upload-input").SetInputFilesAsync(TestMedia.File("notes.mp4", "just some text, not a video\n"u8.ToArray()));
        await Assertions.Expect(page.GetByTestId("upload-error").First).ToContainTextAsync("not a recognised image or video");
        await Assertions.Expect(page.GetByTestId("upload-status").First).ToHaveTextAsync("Not accepted");
        await Assertions.Expect(videos.GetByTestId("asset")).ToHaveCountAsync(1);

        // A pair from the two.
        await page.Locator("#pair-reference").SelectOptionAsync(new SelectOptionValue { Label = "dolly.mp4" });
        await page.Locator("#pair-target").SelectOptionAsync(new SelectOptionValue { Label = "statue.png" });
        await page.GetByTestId("create-pair").ClickAsync();
        await Assertions.Expect(page.GetByTestId("pair-name")).ToHaveTextAsync("dolly → statue");

        await using (var db = portal.OpenDb())
        {
            var pair = await db.Pairs.Include(p => p.ReferenceAsset).Include(p => p.TargetAsset).SingleAsync(p => p.ProjectId == projectId);
            Assert.Equal(("dolly.mp4", "statue.png"), (pair.ReferenceAsset.DisplayName, pair.TargetAsset.DisplayName));
            Assert.Equal(16, pair.ReferenceAsset.FrameCount);
        }

        // Deleting the image says that the pair goes with it; cancelling keeps both, confirming deletes both.
        await images.GetByTestId("delete-asset").ClickAsync();
        var dialog = page.ConfirmDialog("delete-asset-dialog");
        await Assertions.Expect(dialog.GetByTestId("dependents")).ToContainTextAsync("dolly → statue");
        await Assertions.Expect(dialog.GetByTestId("dependents")).ToContainTextAsync(PortalFixture.AdminName);
        await Assertions.Expect(dialog.GetByTestId("delete-asset-dialog-error")).ToHaveCountAsync(0);
        await dialog.GetByTestId("delete-asset-dialog-cancel").ClickAsync();
        await Assertions.Expect(dialog).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("pair")).ToHaveCountAsync(1);

        await images.GetByTestId("delete-asset").ClickAsync();
        await dialog.GetByTestId("delete-asset-dialog-confirm").ClickAsync();
        await Assertions.Expect(images.GetByTestId("asset")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("no-pairs")).ToBeVisibleAsync();
        await Assertions.Expect(videos.GetByTestId("asset")).ToHaveCountAsync(1);

        // Deleting the project says what goes with it, then leaves for the project list.
        await page.GetByTestId("delete-project").ClickAsync();
        var projectDialog = page.ConfirmDialog("delete-project-dialog");
        await Assertions.Expect(projectDialog).ToContainTextAsync($"Its 2 files and 0 pairs are deleted for everyone in team \"{PortalFixture.AdminTeam}\".");
        await projectDialog.GetByTestId("delete-project-dialog-confirm").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/projects$"));
        await Assertions.Expect(page.GetByTestId("project-list").GetByRole(AriaRole.Link, new() { Name = "Dolly shots" })).ToHaveCountAsync(0);
        await using (var db = portal.OpenDb()) Assert.False(await db.Projects.AnyAsync(p => p.Id == projectId));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task AnInvitedMemberAcceptsAndTheirRoleDecidesWhatTheProjectPageOffers()
    {
        var owner = await portal.SignedInPageAsync();
        var teamId = await portal.TeamIdAsync(PortalFixture.AdminTeam);
        var projectId = await CreateProjectThroughThePageAsync(owner, "Orbit around a statue");

        // The administrator creates an account for Vera with a temporary password, then invites her into the team as a Viewer.
        await owner.GotoLiveAsync("teams");
        await Assertions.Expect(owner.GetByTestId("create-account")).ToBeEnabledAsync();
        await owner.Locator("#account-email").FillAsync("vera@camreview.test");
        await owner.Locator("#account-name").FillAsync("Vera Viewer");
        await owner.Locator("#account-password").FillAsync("temporary-123");
        await owner.GetByTestId("create-account").ClickAsync();
        await Assertions.Expect(owner.GetByTestId("temporary-password")).ToHaveTextAsync("temporary-123");
        await owner.GotoLiveAsync($"teams/{teamId}");
        await Assertions.Expect(owner.GetByTestId("invite-submit")).ToBeEnabledAsync();
        await owner.Locator("#invite-email").FillAsync("vera@camreview.test");
        await owner.Locator("#invite-role").SelectOptionAsync("Viewer");
        await owner.GetByTestId("invite-submit").ClickAsync();
        await Assertions.Expect(owner.GetByTestId("invite-done")).ToContainTextAsync("Invitation recorded for vera@camreview.test");
        await Assertions.Expect(owner.Locator("[data-testid=invitation][data-email='vera@camreview.test']")).ToBeVisibleAsync();

        // Vera signs in with it and must choose her own password first; the project is not hers to see yet.
        var vera = await portal.NewPageAsync();
        await vera.GotoAsync($"projects/{projectId}");
        await Assertions.Expect(vera).ToHaveURLAsync(new Regex("/account/login"));
        await vera.Locator("#login-email").FillAsync("vera@camreview.test");
        await vera.Locator("#login-password").FillAsync("temporary-123");
        await vera.GetByTestId("sign-in").ClickAsync();
        await Assertions.Expect(vera.GetByTestId("must-change")).ToBeVisibleAsync();
        await vera.Locator("#password-current").FillAsync("temporary-123");
        await vera.Locator("#password-new").FillAsync("veras-own-secret");
        await vera.Locator("#password-confirm").FillAsync("veras-own-secret");
        await vera.GetByTestId("change-password").ClickAsync();
        await Assertions.Expect(vera).ToHaveURLAsync(new Regex($"/projects/{projectId}$"));
        await Assertions.Expect(vera.GetByTestId("not-found")).ToBeVisibleAsync();

        // She accepts the invitation on her Teams page, and is a Viewer of the team.
        await vera.GotoAsync("teams");
        var invitation = vera.Locator($"[data-testid=my-invitation][data-team='{PortalFixture.AdminTeam}']");
        await Assertions.Expect(invitation.GetByTestId("accept-invitation")).ToBeEnabledAsync();
        await invitation.GetByTestId("accept-invitation").ClickAsync();
        await Assertions.Expect(vera.GetByTestId("invitation-answer")).ToHaveTextAsync($"You are now a member of {PortalFixture.AdminTeam} as Viewer.");
        await Assertions.Expect(vera.GetByTestId("my-invitations")).ToHaveCountAsync(0);
        await owner.ReloadAsync();
        var veraRow = owner.Locator("[data-testid=member][data-email='vera@camreview.test']");
        await Assertions.Expect(veraRow.GetByTestId("member-role")).ToHaveValueAsync("Viewer");
        await Assertions.Expect(owner.GetByTestId("no-invitations")).ToBeVisibleAsync();
        await vera.GotoAsync($"projects/{projectId}");

        // As a Viewer she reads, and is offered no upload and no pair form.
        await Assertions.Expect(vera.GetByTestId("read-only")).ToBeVisibleAsync();
        await Assertions.Expect(vera.GetByTestId("role-badge").First).ToHaveTextAsync("Viewer");
        await Assertions.Expect(vera.GetByTestId("upload-card")).ToHaveCountAsync(0);
        await Assertions.Expect(vera.GetByTestId("new-pair")).ToHaveCountAsync(0);
        await Assertions.Expect(vera.GetByTestId("delete-project")).ToHaveCountAsync(0);

        // Made a Reviewer, she can upload (and still not delete).
        await veraRow.GetByTestId("member-role").SelectOptionAsync("Reviewer");
        await Assertions.Expect(veraRow.GetByTestId("member-role")).ToHaveValueAsync("Reviewer");
        await vera.ReloadAsync();
        await WaitForUploaderAsync(vera);
        await vera.Locator("#upload-kind").SelectOptionAsync("target-image");
        await vera.GetByTestId("upload-input").SetInputFilesAsync(TestMedia.File("vera.png", TestMedia.DepthMap));
        await ExpectUploadedAsync(vera);
        await Assertions.Expect(vera.GetByTestId("assets-target-image").GetByTestId("asset-name")).ToHaveTextAsync("vera.png");
        await Assertions.Expect(vera.GetByTestId("delete-asset")).ToHaveCountAsync(0);

        int pairId;
        await using (var db = portal.OpenDb())
        {
            var user = await db.Users.SingleAsync(u => u.Email == "vera@camreview.test");
            Assert.False(user.MustChangePassword);
            Assert.Equal(TeamRole.Reviewer, (await db.TeamMembers.SingleAsync(m => m.UserId == user.Id)).Role);

            // A pair of her image (its reference's file need not be there) with a comment of the owner's and one of hers.
            var image = await db.Assets.SingleAsync(a => a.ProjectId == projectId && a.DisplayName == "vera.png");
            var admin = await db.Users.SingleAsync(u => u.Email == PortalFixture.AdminEmail);
            var pair = new Pair { ProjectId = projectId, Name = "comments", ReferenceAssetId = image.Id, TargetAssetId = image.Id, CreatedUtc = DateTime.UtcNow };
            db.Pairs.Add(pair);
            await db.SaveChangesAsync();
            db.Comments.AddRange(
                new Comment { PairId = pair.Id, TimeSeconds = 0, Body = "the owner's note", AuthorUserId = admin.Id, CreatedUtc = DateTime.UtcNow },
                new Comment { PairId = pair.Id, TimeSeconds = 0.5, Body = "vera's note", AuthorUserId = user.Id, CreatedUtc = DateTime.UtcNow });
            await db.SaveChangesAsync();
            pairId = pair.Id;
        }

        // A Reviewer may delete her own comments, not others': only hers has a delete button; the owner sees both.
        await vera.GotoLiveAsync($"projects/{projectId}/pairs/{pairId}/compare");
        await Assertions.Expect(vera.GetByTestId("add-comment")).ToBeEnabledAsync();
        await Assertions.Expect(vera.GetByTestId("comment").Filter(new() { HasText = "vera's note" }).GetByTestId("delete-comment")).ToHaveCountAsync(1);
        await Assertions.Expect(vera.GetByTestId("comment").Filter(new() { HasText = "the owner's note" }).GetByTestId("delete-comment")).ToHaveCountAsync(0);
        await owner.GotoLiveAsync($"projects/{projectId}/pairs/{pairId}/compare");
        await Assertions.Expect(owner.GetByTestId("add-comment")).ToBeEnabledAsync();
        await Assertions.Expect(owner.GetByTestId("delete-comment")).ToHaveCountAsync(2);
        await owner.Context.CloseAsync();
        await vera.Context.CloseAsync();
    }

    private static async Task<int> CreateProjectThroughThePageAsync(IPage page, string name)
    {
        await page.GotoLiveAsync("projects");
        await Assertions.Expect(page.GetByTestId("create-project")).ToBeEnabledAsync();
        await page.Locator("#project-name").FillAsync(name);
        await page.GetByTestId("create-project").ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = name })).ToBeVisibleAsync();
        return int.Parse(new Uri(page.Url).Segments.Last());
    }

    /// <summary>The page is interactive and upload.js has taken over the drop zone.</summary>
    private static Task WaitForUploaderAsync(IPage page) =>
        Assertions.Expect(page.GetByTestId("drop-zone")).ToHaveAttributeAsync("data-upload-attached", "true");

    private static async Task ExpectUploadedAsync(IPage page)
    {
        var row = page.GetByTestId("upload-row").First;
        await Assertions.Expect(row.GetByTestId("upload-status")).ToHaveTextAsync("Uploaded");
        await Assertions.Expect(row.GetByTestId("upload-progress")).ToHaveAttributeAsync("aria-valuenow", "100");
    }
}
