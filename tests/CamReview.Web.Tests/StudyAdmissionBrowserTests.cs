using System.Net;
using System.Text.RegularExpressions;
using CamReview.Core.Statistics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace CamReview.Web.Tests;

/// <summary>Admission and exclusions in Chromium: the builder's settings, the study page's codes and flagged
/// participants, and a participant who comes from a panel with an invitation link. Screenshots of each step go to the
/// temporary folder (camreview-admission-*.png).</summary>
public sealed class StudyAdmissionBrowserTests(StudyWorld world) : IClassFixture<StudyWorld>
{
    private static string Shot(string name) => Path.Combine(Path.GetTempPath(), $"camreview-admission-{name}.png");

    [Fact]
    public async Task ATeamBuildsAStudyByInvitationMakesCodesAndAPanelParticipantFinishesWithTheReturnButton()
    {
        var page = await world.SignedInPageAsync("rita@camreview.test", StudyWorld.Password);
        await page.SetViewportSizeAsync(1280, 900);
        await page.GotoLiveAsync($"studies/new/{world.ProjectId}");
        await page.GetByTestId("study-name").FillAsync("Panel study");
        await page.GetByTestId("admission-invitation").CheckAsync();
        await Assertions.Expect(page.GetByTestId("panel-parameter")).ToHaveValueAsync("PROLIFIC_PID");
        await page.GetByTestId("return-url").FillAsync("https://panel.example/complete?cc={code}");
        await page.GetByTestId("repeated-trials").FillAsync("1");
        await page.GetByTestId("admission-settings").ScrollIntoViewIfNeededAsync();
        await page.ScreenshotAsync(new() { Path = Shot("1-builder"), FullPage = true });
        await page.GetByTestId("save-study").ClickAsync();
        await Assertions.Expect(page.GetByTestId("admission-mode")).ToHaveTextAsync("by invitation only (one participant per code)");
        var id = int.Parse(Regex.Match(page.Url, @"studies/(\d+)").Groups[1].Value);

        // Open it, make 200 codes, export them.
        await page.GotoLiveAsync($"studies/{id}");
        await page.GetByTestId("open-study").ClickAsync();
        await Assertions.Expect(page.GetByTestId("study-state")).ToHaveTextAsync("open");
        await Assertions.Expect(page.GetByTestId("code-count")).ToHaveValueAsync("200");
        await page.GetByTestId("make-codes").ClickAsync();
        await Assertions.Expect(page.GetByTestId("codes-unused")).ToHaveTextAsync("200");
        await Assertions.Expect(page.GetByTestId("codes-made")).ToContainTextAsync("Made 200 codes");
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("export-codes").ClickAsync());
        var lines = (await File.ReadAllTextAsync(await download.PathAsync())).Trim().Split('\n');
        Assert.Equal(201, lines.Length);
        var (code, link) = (lines[1].Split(',')[0], lines[1].Split(',')[1]);
        Assert.EndsWith($"?code={code}", link);
        // Participants join once the study's videos are ready.
        await Assertions.Expect(page.GetByTestId("media-ready")).ToBeVisibleAsync(new() { Timeout = 180_000 });

        // Without a code the page asks for one; a wrong one is refused with the reason, and the right one typed in works.
        var participant = await world.NewPageAsync(new BrowserNewContextOptions { ViewportSize = new() { Width = 390, Height = 844 }, IsMobile = true, HasTouch = true });
        var token = link.Split("/p/")[1].Split('?')[0];
        await participant.GotoAsync($"p/{token}?PROLIFIC_PID=5f3c2a9e8b7d6c5b4a392817");
        await Assertions.Expect(participant.GetByTestId("invitation-code")).ToBeVisibleAsync();
        await participant.GetByTestId("consent-check").CheckAsync();
        await participant.GetByTestId("invitation-code").FillAsync("AAAA-BBBB-CCCC");
        await participant.GetByTestId("start").ClickAsync();
        await Assertions.Expect(participant.GetByTestId("join-error")).ToHaveTextAsync("This invitation code is not valid for this study: check it against the one you were given.");
        await participant.ScreenshotAsync(new() { Path = Shot("2-wrong-code"), FullPage = true });
        await participant.Context.CloseAsync();

        // The panel's link: the code and the panel id in the address.
        participant = await world.NewPageAsync(new BrowserNewContextOptions { ViewportSize = new() { Width = 390, Height = 844 }, IsMobile = true, HasTouch = true });
        await participant.GotoAsync($"{link}&PROLIFIC_PID=5f3c2a9e8b7d6c5b4a392817");
        await Assertions.Expect(participant.GetByTestId("invitation-code")).ToBeHiddenAsync();
        await participant.GetByTestId("consent-check").CheckAsync();
        await participant.GetByTestId("start").ClickAsync();
        for (int trial = 1; trial <= 5; trial++)
        {
            await Assertions.Expect(participant.GetByTestId("progress-text")).ToHaveTextAsync($"Trial {trial} of 5");
            if (trial == 1) await participant.ScreenshotAsync(new() { Path = Shot("3-trial"), FullPage = true });
            foreach (var question in new[] { "scene", "motion", "overall" })
                await participant.GetByTestId($"answer-{question}-tie").ClickAsync();
            await participant.GetByTestId("next").ClickAsync();
        }
        await Assertions.Expect(participant.GetByTestId("completion-code")).ToHaveTextAsync(new Regex("^[A-Z2-9]{4}-[A-Z2-9]{4}$"));
        var completion = (await participant.GetByTestId("completion-code").TextContentAsync())!;
        await Assertions.Expect(participant.GetByTestId("return-link")).ToBeVisibleAsync();
        await Assertions.Expect(participant.GetByTestId("return-link")).ToHaveAttributeAsync("href", $"https://panel.example/complete?cc={completion}");
        await participant.ScreenshotAsync(new() { Path = Shot("4-done"), FullPage = true });
        await participant.Context.CloseAsync();
        await using (var db = world.OpenDb())
        {
            var stored = await db.StudyParticipants.SingleAsync(p => p.StudyId == id);
            Assert.Equal("5f3c2a9e8b7d6c5b4a392817", stored.PanelId);
            Assert.Equal(stored.Id, (await db.StudyInvitations.SingleAsync(i => i.StudyId == id && i.Code == code)).ParticipantId);
            Assert.NotNull(stored.AddressHash);
        }

        // The participant answered at once, faster than the clips play: flagged, listed with the reason, and included by hand.
        await Assertions.Expect(page.GetByTestId("codes-used")).ToHaveTextAsync("1", new() { Timeout = 15_000 });
        var row = page.GetByTestId("flagged-row");
        await Assertions.Expect(row).ToHaveCountAsync(1);
        await Assertions.Expect(row.GetByTestId("flag").First).ToHaveAttributeAsync("data-flag", ParticipantQuality.TooFast);
        await Assertions.Expect(row.GetByTestId("flagged-state")).ToHaveTextAsync("excluded");
        await Assertions.Expect(page.GetByTestId("results-summary")).ToHaveTextAsync(new Regex("^1 participant, 1 excluded \\(answered before the videos could have played: 1"));
        await page.GetByTestId("flagged").ScrollIntoViewIfNeededAsync();
        await page.ScreenshotAsync(new() { Path = Shot("5-flagged"), FullPage = true });
        await row.GetByTestId("include-participant").ClickAsync();
        await Assertions.Expect(row.GetByTestId("flagged-state")).ToHaveTextAsync(new Regex("^included by Rita Reviewer, .* UTC \\(this participant\\)$"));
        await Assertions.Expect(page.GetByTestId("results-summary")).ToHaveTextAsync("1 participant, 0 excluded; 1 flagged but included by the team.");
        await Assertions.Expect(page.GetByTestId("bt-row")).ToHaveCountAsync(3 * 3); // three methods, three questions
        await page.ScreenshotAsync(new() { Path = Shot("6-included"), FullPage = true });

        // A used code cannot be withdrawn (the dialog says why and stays); one unused code can, then all the others,
        // each after a question.
        await page.GetByTestId("revoke-code").FillAsync(code);
        await page.GetByTestId("revoke").ClickAsync();
        var revokeDialog = page.ConfirmDialog("revoke-code-dialog");
        await revokeDialog.GetByTestId("revoke-code-dialog-confirm").ClickAsync();
        await Assertions.Expect(revokeDialog.GetByTestId("revoke-code-dialog-error")).ToContainTextAsync($"The code {code} has been used by participant");
        await revokeDialog.GetByTestId("revoke-code-dialog-cancel").ClickAsync();
        await Assertions.Expect(revokeDialog).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("codes-revoked")).ToHaveTextAsync("0");
        await page.GetByTestId("revoke-code").FillAsync(lines[3].Split(',')[0].ToLowerInvariant());
        await page.GetByTestId("revoke").ClickAsync();
        await page.ConfirmDialog("revoke-code-dialog").GetByTestId("revoke-code-dialog-confirm").ClickAsync();
        await Assertions.Expect(page.GetByTestId("codes-revoked")).ToHaveTextAsync("1");
        await Assertions.Expect(page.GetByTestId("study-action-error")).ToHaveCountAsync(0);
        await page.GetByTestId("revoke-unused").ClickAsync();
        var unusedDialog = page.ConfirmDialog("revoke-unused-dialog");
        await Assertions.Expect(unusedDialog).ToContainTextAsync("the 198 unused codes");
        await unusedDialog.GetByTestId("revoke-unused-dialog-confirm").ClickAsync();
        await Assertions.Expect(page.GetByTestId("codes-revoked")).ToHaveTextAsync("199");
        await Assertions.Expect(page.GetByTestId("codes-unused")).ToHaveTextAsync("0");
        using (var late = new Participant(world.BaseAddress, token))
        using (var refused = await late.JoinAsync(code: lines[2].Split(',')[0]))
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        await page.Context.CloseAsync();
    }
}
