using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace CamReview.Web.Tests;

/// <summary>The participant page on a phone (390x844, touch): a watch-once study whose reference is OpenCV's
/// Megamind.avi (an AVI Chromium cannot play as uploaded) and whose candidates include tree.avi (variable frame
/// rate: 68 frames over 444 slots), from consent to the completion code. Screenshots of each step go to the temporary
/// folder (camreview-phone-*.png).</summary>
public sealed class ParticipantPhoneTests(StudyWorld world, ITestOutputHelper output) : IClassFixture<StudyWorld>
{
    private static string Shot(string name) => Path.Combine(Path.GetTempPath(), $"camreview-phone-{name}.png");

    [Fact]
    public async Task APhoneParticipantCompletesAWatchOnceStudyWithAnAviReferenceAndAVariableFrameRateClip()
    {
        string Sample(string name) => TestMedia.OpenCvSample(name)
            ?? throw new InvalidOperationException($"{name} is one of OpenCV's samples: install Debian's opencv-doc (apt-get install opencv-doc).");
        var megamind = Sample("Megamind.avi");
        using var admin = await world.ClientAsync();
        var project = (await admin.PostJsonOkAsync("api/projects", new { teamId = world.LabId, name = "On a phone" })).GetProperty("id").GetInt32();
        var reference = (await admin.UploadOkAsync(project, "reference-video", await File.ReadAllBytesAsync(megamind), "Megamind.avi")).GetProperty("id").GetInt32();
        var target = (await admin.UploadOkAsync(project, "target-image", await File.ReadAllBytesAsync(Sample("fruits.jpg")), "fruits.jpg")).GetProperty("id").GetInt32();
        var pair = (await admin.PostJsonOkAsync($"api/projects/{project}/pairs", new { referenceAssetId = reference, targetAssetId = target })).GetProperty("id").GetInt32();
        string[] methods = ["OrchardSweep-12", "MirrorGlide-34"];
        await admin.UploadOkAsync(project, "output", await File.ReadAllBytesAsync(Sample("tree.avi")), "tree.avi",
            new() { ["methodName"] = methods[0], ["pairId"] = pair.ToString() });
        // A second output: the reference mirrored, as an H.264 MP4 of 9 seconds.
        var mirrored = TestMedia.FromFfmpeg("mirrored.mp4", "-i", megamind, "-t", "9", "-an", "-vf", "hflip,scale=360:264", "-c:v", "libx264",
            "-preset", "ultrafast", "-pix_fmt", "yuv420p");
        await admin.UploadOkAsync(project, "output", mirrored, "mirrored.mp4", new() { ["methodName"] = methods[1], ["pairId"] = pair.ToString() });

        // The scene question shows the target image by default (showTarget left out); "overall" does not.
        var study = await admin.PostJsonOkAsync("api/studies", new
        {
            projectId = project,
            study = new
            {
                name = "Phone study", design = "pairwise", candidatesPerTrial = 2, allowTie = true, allowBothBad = true, trialsPerParticipant = 1,
                attentionChecks = 1, watchBeforeVoting = true, instructions = "Watch the videos on your phone.", consentText = "Anonymous.",
                pairIds = new[] { pair }, methods,
                questions = new object[]
                {
                    new { key = "scene", text = "Which video keeps the scene of the target image best (same place, objects and look)?" },
                    new { key = "overall", text = "Overall, which video do you prefer?" },
                },
            },
        });
        var studyId = study.GetProperty("id").GetInt32();
        await admin.PostJsonOkAsync($"api/studies/{studyId}/state", new { state = "open" });
        await StudyWorld.MediaReadyAsync(admin, studyId);
        var token = study.GetProperty("token").GetString()!;

        var page = await world.NewPageAsync(new BrowserNewContextOptions
        {
            ViewportSize = new() { Width = 390, Height = 844 }, IsMobile = true, HasTouch = true, DeviceScaleFactor = 2,
            Permissions = ["clipboard-read", "clipboard-write"],
        });
        await page.GotoAsync($"p/{token}");
        await Assertions.Expect(page.GetByTestId("instructions")).ToContainTextAsync("Watch the videos on your phone.");
        await page.ScreenshotAsync(new() { Path = Shot("1-consent") });
        await page.GetByTestId("consent-check").TapAsync();
        await page.GetByTestId("start").TapAsync();

        for (int trial = 1; trial <= 2; trial++)
        {
            await Assertions.Expect(page.GetByTestId("progress-text")).ToHaveTextAsync($"Trial {trial} of 2");
            await Assertions.Expect(page.GetByTestId("candidate")).ToHaveCountAsync(2);
            // Locked until the reference has played to its end once.
            var first = page.Locator("#q-scene-0");
            await Assertions.Expect(first).ToBeDisabledAsync();
            await Assertions.Expect(page.GetByTestId("watch-note")).ToBeVisibleAsync();

            // The target image is there, loaded, and beside the scene question only.
            await Assertions.Expect(page.GetByTestId("target-image")).ToBeVisibleAsync();
            Assert.True(await page.GetByTestId("target-image").EvaluateAsync<bool>("img => img.complete && img.naturalWidth > 0"), "the target image loaded");
            await Assertions.Expect(page.GetByTestId("question-target-scene")).ToBeVisibleAsync();
            await Assertions.Expect(page.GetByTestId("question-target-overall")).ToHaveCountAsync(0);

            // Every video plays real pictures (not a black tile): past Megamind's black first frame, each is sampled.
            foreach (var video in await page.Locator("video").AllAsync())
                await Assertions.Expect(video).ToHaveJSPropertyAsync("readyState", 4, new() { Timeout = 30_000 });
            await page.WaitForFunctionAsync("() => document.getElementById('reference').currentTime > 1.5", null, new() { Timeout = 30_000 });
            var brightness = await page.EvaluateAsync<double[]>("""
                () => [...document.querySelectorAll('video')].map(v => {
                  const c = document.createElement('canvas'); c.width = 32; c.height = 24;
                  const g = c.getContext('2d'); g.drawImage(v, 0, 0, 32, 24);
                  const d = g.getImageData(0, 0, 32, 24).data; let s = 0;
                  for (let i = 0; i < d.length; i += 4) s += d[i] + d[i + 1] + d[i + 2];
                  return s / (d.length / 4 * 3);
                })
                """);
            output.WriteLine($"trial {trial}: mean brightness of the videos {string.Join(", ", brightness.Select(b => b.ToString("0.0")))}");
            Assert.All(brightness, b => Assert.True(b > 10, $"a video shows a black picture (mean {b:0.0})"));
            if (trial == 1) await page.ScreenshotAsync(new() { Path = Shot("2-trial-locked"), FullPage = true });

            // A tap enlarges one candidate over the whole screen; it keeps playing, the answers stay locked, and Close
            // returns to the same trial.
            var tile = page.GetByTestId("candidate-tile").Nth(trial - 1);
            await tile.TapAsync();
            await Assertions.Expect(tile).ToHaveClassAsync(new Regex(@"\benlarged\b"));
            await Assertions.Expect(page.GetByTestId("enlarged-bar")).ToBeVisibleAsync();
            var box = (await tile.BoundingBoxAsync())!;
            Assert.True(box.Width >= 389 && box.Height >= 843, $"the enlarged tile covers the screen ({box.Width}x{box.Height})");
            var playing = await tile.Locator("video").EvaluateAsync<double>("v => v.currentTime");
            await page.WaitForFunctionAsync("t => document.querySelector('.tile.enlarged video').currentTime > t", playing);
            if (trial == 1) await page.ScreenshotAsync(new() { Path = Shot("3-enlarged") });
            if (trial == 1) await page.GetByTestId("close-enlarged").TapAsync();
            else await page.GoBackAsync(); // the phone's back button closes it too, without leaving the study
            await Assertions.Expect(page.GetByTestId("enlarged-bar")).ToBeHiddenAsync();
            await Assertions.Expect(tile).Not.ToHaveClassAsync(new Regex(@"\benlarged\b"));
            await Assertions.Expect(page.GetByTestId("progress-text")).ToHaveTextAsync($"Trial {trial} of 2");

            // The target image enlarges from its question too.
            await page.GetByTestId("question-target-scene").TapAsync();
            await Assertions.Expect(page.Locator("#target-tile")).ToHaveClassAsync(new Regex(@"\benlarged\b"));
            if (trial == 1) await page.ScreenshotAsync(new() { Path = Shot("4-target-enlarged") });
            await page.GetByTestId("close-enlarged").TapAsync();
            await Assertions.Expect(page.GetByTestId("enlarged-bar")).ToBeHiddenAsync();

            // Megamind lasts 11.3 s: the answers open when it ends.
            await Assertions.Expect(first).ToBeEnabledAsync(new() { Timeout = 40_000 });
            await Assertions.Expect(page.GetByTestId("watch-note")).ToBeHiddenAsync();
            await AssertNothingIsCutAsync(page);
            if (trial == 1) await page.ScreenshotAsync(new() { Path = Shot("5-trial-unlocked"), FullPage = true });
            await page.GetByTestId("answer-scene-tie").TapAsync();
            await page.GetByTestId("answer-overall-tie").TapAsync();
            await page.GetByTestId("next").TapAsync();
        }

        var code = page.GetByTestId("completion-code");
        await Assertions.Expect(code).ToHaveTextAsync(new Regex("^[A-Z2-9]{4}-[A-Z2-9]{4}$"));
        var completionCode = (await code.TextContentAsync())!;
        await page.GetByTestId("copy-code").TapAsync();
        await Assertions.Expect(page.GetByTestId("copy-status")).ToHaveTextAsync("Copied.");
        Assert.Equal(completionCode, await page.EvaluateAsync<string>("navigator.clipboard.readText()"));
        await AssertNothingIsCutAsync(page);
        await page.ScreenshotAsync(new() { Path = Shot("6-done") });

        // Without the clipboard API (a page not served over HTTPS), the code is selected for the phone's own copy.
        await page.EvaluateAsync("Object.defineProperty(navigator, 'clipboard', { value: undefined })");
        await page.EvaluateAsync("navigator.clipboard === undefined && window.getSelection().removeAllRanges()");
        await page.GetByTestId("copy-code").TapAsync();
        Assert.Equal(completionCode, await page.EvaluateAsync<string>("window.getSelection().toString()"));
        await Assertions.Expect(page.GetByTestId("copy-status")).ToHaveTextAsync(new Regex("^(Copied\\.|The code is selected: copy it with your device's copy command\\.)$"));

        await using var db = world.OpenDb();
        var participant = await db.StudyParticipants.SingleAsync(p => p.StudyId == studyId);
        Assert.Equal(completionCode, participant.CompletionCode);
        Assert.Equal(4, await db.StudyVotes.CountAsync(v => v.ParticipantId == participant.Id));
        await page.Context.CloseAsync();
    }

    /// <summary>The page is no wider than the phone, and no label, question or button is cut: each shows all its text
    /// inside the screen's width.</summary>
    private static async Task AssertNothingIsCutAsync(IPage page)
    {
        Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), "the page fits the phone's width");
        var cut = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('section:not([hidden]) :is(label, legend, figcaption, button, p, span, h1)')]
              .filter(e => e.offsetParent !== null)
              .filter(e => e.scrollWidth > e.clientWidth + 1 || e.getBoundingClientRect().right > window.innerWidth + 0.5 || e.getBoundingClientRect().left < -0.5)
              .map(e => `${e.tagName} "${e.textContent.trim().slice(0, 40)}"`)
            """);
        Assert.True(cut.Length == 0, $"cut: {string.Join("; ", cut)}");
    }
}
