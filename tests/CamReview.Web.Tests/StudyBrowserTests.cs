using System.Text.Json;
using System.Collections.Concurrent;
using CamReview.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace CamReview.Web.Tests;

public sealed class StudyBrowserTests(StudyWorld world) : IClassFixture<StudyWorld>
{
    private sealed record Received(string Url, int Status, IReadOnlyDictionary<string, string> Headers, string? Body);

    [Fact]
    public async Task APhoneParticipantResumesAfterAReloadGetsACompletionCodeAndNeverReceivesAMethodName()
    {
        const string studyName = "Internal name Okapi-4711";
        var (id, token) = await world.OpenStudyAsync(studyName, trials: 3, attentionChecks: 1);
        var page = await world.NewPageAsync();
        await page.SetViewportSizeAsync(390, 844);

        // Everything the browser receives: addresses, headers and the text of pages, scripts, styles and JSON.
        var received = new ConcurrentBag<Received>();
        var reading = new ConcurrentBag<Task>();
        page.Response += (_, response) => reading.Add(Task.Run(async () =>
        {
            var headers = await response.AllHeadersAsync();
            string? body = null;
            var type = headers.GetValueOrDefault("content-type", "");
            if (type.Contains("html") || type.Contains("javascript") || type.Contains("json") || type.Contains("css") || type.StartsWith("text/"))
            {
                try { body = await response.TextAsync(); }
                catch (PlaywrightException) { body = ""; } // a redirect has no body
            }
            received.Add(new Received(response.Url, response.Status, headers, body));
        }));

        await page.GotoAsync($"p/{token}");
        await Assertions.Expect(page.GetByTestId("instructions")).ToContainTextAsync("Compare the videos.");
        await Assertions.Expect(page.GetByTestId("start")).ToBeDisabledAsync();
        await page.GetByTestId("consent-check").CheckAsync();
        await page.GetByTestId("start").ClickAsync();

        for (int trial = 1; trial <= 4; trial++)
        {
            await Assertions.Expect(page.GetByTestId("progress-text")).ToHaveTextAsync($"Trial {trial} of 4");
            if (trial == 3)
            {
                // A reload resumes at the first unanswered trial.
                await page.ReloadAsync();
                await Assertions.Expect(page.GetByTestId("progress-text")).ToHaveTextAsync("Trial 3 of 4");
            }
            await Assertions.Expect(page.GetByTestId("candidate")).ToHaveCountAsync(2);
            Assert.True(await page.EvaluateAsync<bool>("document.documentElement.scrollWidth <= window.innerWidth"), "the page fits a phone's width");
            await page.GetByTestId("answer-scene-0").ClickAsync();
            await page.GetByTestId("answer-motion-1").ClickAsync();
            await page.GetByTestId("answer-overall-tie").ClickAsync();
            await page.GetByTestId("next").ClickAsync();
        }
        var code = page.GetByTestId("completion-code");
        await Assertions.Expect(code).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^[A-Z2-9]{4}-[A-Z2-9]{4}$"));
        var completionCode = await code.TextContentAsync();
        await using (var db = world.OpenDb())
        {
            var participant = await db.StudyParticipants.SingleAsync(p => p.StudyId == id);
            Assert.Equal(participant.CompletionCode, completionCode);
            Assert.Equal(12, await db.StudyVotes.CountAsync(v => v.ParticipantId == participant.Id));
        }
        // Reloading the finished study shows the code again.
        await page.ReloadAsync();
        await Assertions.Expect(page.GetByTestId("completion-code")).ToHaveTextAsync(completionCode!);

        await Task.WhenAll(reading);
        var all = received.ToList();
        Assert.Contains(all, r => r.Url.EndsWith($"/p/{token}") && r.Body!.Contains("js/participant.js"));
        Assert.Contains(all, r => r.Url.EndsWith("js/participant.js") && r.Body!.Length > 1000);
        Assert.Contains(all, r => r.Url.Contains("/api/session") && r.Body!.Contains("\"trials\""));
        Assert.Contains(all, r => r.Url.Contains("/api/votes") && r.Status == 201);
        Assert.Contains(all, r => r.Url.Contains($"/p/{token}/media/"));
        foreach (var secret in StudyWorld.Methods.Append(studyName))
            foreach (var r in all)
            {
                Assert.DoesNotContain(secret, r.Url, StringComparison.OrdinalIgnoreCase);
                Assert.All(r.Headers, h => Assert.DoesNotContain(secret, $"{h.Key}: {h.Value}", StringComparison.OrdinalIgnoreCase));
                if (r.Body is not null) Assert.DoesNotContain(secret, r.Body, StringComparison.OrdinalIgnoreCase);
            }
        Assert.DoesNotContain(all, r => r.Headers.ContainsKey("content-disposition"));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task WithWatchOnceTheAnswersUnlockWhenTheClipsHaveEnded()
    {
        var (_, token) = await world.OpenStudyAsync("watch first", trials: 2, attentionChecks: 0, questions: ["overall"], watchBeforeVoting: true);
        var page = await world.NewPageAsync();
        await page.GotoAsync($"p/{token}");
        await page.GetByTestId("consent-check").CheckAsync();
        await page.GetByTestId("start").ClickAsync();
        for (int trial = 1; trial <= 2; trial++)
        {
            await Assertions.Expect(page.GetByTestId("progress-text")).ToHaveTextAsync($"Trial {trial} of 2");
            // Locked while the clips play for the first time (the test clips last about a second).
            var answer = page.Locator("#q-overall-0");
            await Assertions.Expect(answer).ToBeDisabledAsync();
            await Assertions.Expect(page.Locator("#watch-note")).ToBeVisibleAsync();
            if (trial == 1)
            {
                // From the keyboard: Enter enlarges a candidate, Escape returns to the trial.
                var tile = page.GetByTestId("candidate-tile").First;
                await tile.FocusAsync();
                await page.Keyboard.PressAsync("Enter");
                await Assertions.Expect(page.GetByTestId("enlarged-bar")).ToBeVisibleAsync();
                await page.Keyboard.PressAsync("Escape");
                await Assertions.Expect(page.GetByTestId("enlarged-bar")).ToBeHiddenAsync();
                await Assertions.Expect(page.GetByTestId("progress-text")).ToHaveTextAsync("Trial 1 of 2");
            }
            await Assertions.Expect(answer).ToBeEnabledAsync(new() { Timeout = 30_000 });
            await Assertions.Expect(page.Locator("#watch-note")).ToBeHiddenAsync();
            await page.GetByTestId("answer-overall-0").ClickAsync();
            await Assertions.Expect(page.GetByTestId("next")).ToBeEnabledAsync();
            await page.GetByTestId("next").ClickAsync();
        }
        await Assertions.Expect(page.GetByTestId("completion-code")).ToBeVisibleAsync();
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task TheResultsPageUpdatesLiveAsVotesArrive()
    {
        var (id, token) = await world.OpenStudyAsync("live results", trials: 3, attentionChecks: 0, questions: ["overall"]);
        var page = await world.SignedInPageAsync();
        await page.GotoLiveAsync($"studies/{id}");
        await Assertions.Expect(page.GetByTestId("no-votes")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("vote-count")).ToHaveTextAsync("0");
        await Assertions.Expect(page.GetByTestId("pause-study")).ToBeEnabledAsync(); // the page is live (interactive)

        using var participant = new Participant(world.BaseAddress, token);
        await participant.JoinOkAsync();
        foreach (var trial in participant.Trials)
        {
            using var vote = await participant.VoteAsync(trial.GetProperty("trial").GetInt32(), "overall", "0");
            Assert.True(vote.IsSuccessStatusCode);
        }
        // No reload: the open page shows the new votes, the ranking and its plots.
        await Assertions.Expect(page.GetByTestId("vote-count")).ToHaveTextAsync("3", new() { Timeout = 15_000 });
        await Assertions.Expect(page.GetByTestId("bt-row")).ToHaveCountAsync(3);
        await Assertions.Expect(page.Locator("[data-plot$='-bradley-terry'] .js-plotly-plot .main-svg").First).ToBeAttachedAsync();
        await Assertions.Expect(page.Locator("[data-plot$='-heatmap'] .js-plotly-plot .main-svg").First).ToBeAttachedAsync();
        // Each bar in its method's colour, the one the compare page gives it.
        var colours = new CamReview.Web.Compare.MethodColours(StudyWorld.Methods);
        var bars = (await page.TracesAsync($"study-{id}-overall-bradley-terry"))[0];
        var methods = bars.GetProperty("x").EnumerateArray().Select(x => x.GetString()!).ToList();
        Assert.Equal(StudyWorld.Methods.Order(), methods.Order());
        Assert.Equal(methods.Select(colours.Of), bars.GetProperty("colour").EnumerateArray().Select(c => c.GetString()));
        // The heatmap's SVG export holds every method name whole, inside the picture.
        var download = await page.RunAndWaitForDownloadAsync(() => page.Locator("[data-plot$='-heatmap'] [data-action='export'][data-format='svg']").ClickAsync());
        var svg = await File.ReadAllTextAsync(await download.PathAsync());
        Assert.StartsWith("<svg", svg);
        var drawn = await page.Context.NewPageAsync();
        await drawn.SetContentAsync(svg);
        var labels = await drawn.EvaluateAsync<JsonElement>("""
            () => { const svg = document.querySelector('svg'), box = svg.getBoundingClientRect();
                    return [...svg.querySelectorAll('.xtick text, .ytick text')].map(t => { const r = t.getBoundingClientRect();
                        return { text: t.textContent, inside: r.left >= box.left && r.right <= box.right && r.top >= box.top && r.bottom <= box.bottom }; }); }
            """);
        foreach (var method in StudyWorld.Methods)
        {
            var shown = labels.EnumerateArray().Where(l => l.GetProperty("text").GetString() == method).ToList();
            Assert.Equal(2, shown.Count); // a row and a column
            Assert.All(shown, l => Assert.True(l.GetProperty("inside").GetBoolean(), $"{method} is cut"));
        }
        await drawn.CloseAsync();
        await Assertions.Expect(page.GetByTestId("participant-row")).ToHaveCountAsync(1);

        // Pausing from the page stops the participant's next vote.
        await page.GetByTestId("pause-study").ClickAsync();
        await Assertions.Expect(page.GetByTestId("study-state")).ToHaveTextAsync("paused");
        await using var db = world.OpenDb();
        Assert.Equal(StudyState.Paused, (await db.Studies.SingleAsync(s => s.Id == id)).State);

        // Closing is final, so the page asks first: cancelled, the study stays paused; confirmed, it is closed.
        await page.GetByTestId("close-study").ClickAsync();
        var dialog = page.ConfirmDialog("close-study-dialog");
        await Assertions.Expect(dialog).ToContainTextAsync("cannot be opened again");
        await dialog.GetByTestId("close-study-dialog-cancel").ClickAsync();
        await Assertions.Expect(dialog).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("study-state")).ToHaveTextAsync("paused");
        await page.GetByTestId("close-study").ClickAsync();
        await page.ConfirmDialog("close-study-dialog").GetByTestId("close-study-dialog-confirm").ClickAsync();
        await Assertions.Expect(page.GetByTestId("study-state")).ToHaveTextAsync("closed");
        await Assertions.Expect(page.GetByTestId("close-study")).ToHaveCountAsync(0);
        await using var after = world.OpenDb();
        Assert.Equal(StudyState.Closed, (await after.Studies.SingleAsync(s => s.Id == id)).State);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task AViewerIsToldBeforeFillingInTheBuilder()
    {
        var (id, _) = await world.OpenStudyAsync("Seen by a viewer");
        var page = await world.SignedInPageAsync("vic@camreview.test", StudyWorld.Password);
        var response = await page.GotoAsync($"studies/new/{world.ProjectId}");
        Assert.Equal(403, response!.Status);
        await Assertions.Expect(page.GetByTestId("refused")).ToContainTextAsync("You are a Viewer");
        await Assertions.Expect(page.GetByTestId("study-name")).ToHaveCountAsync(0);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "camreview-builder-viewer.png") });

        // A study's edit page too refuses before showing a field.
        response = await page.GotoAsync($"studies/{id}/edit");
        Assert.Equal(403, response!.Status);
        await Assertions.Expect(page.GetByTestId("refused")).ToContainTextAsync("You are a Viewer");
        await Assertions.Expect(page.Locator("main input:not([type=hidden]), main textarea")).ToHaveCountAsync(0);

        // The list offers no builder, and the study page says up front that it is read-only, with no button that changes the study.
        await page.GotoLiveAsync("studies");
        await Assertions.Expect(page.GetByTestId("cannot-create-study")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("new-study")).ToHaveCountAsync(0);
        await page.GotoLiveAsync($"studies/{id}");
        await Assertions.Expect(page.GetByTestId("read-only")).ToContainTextAsync("You are a Viewer");
        await Assertions.Expect(page.GetByTestId("study-state")).ToHaveTextAsync("open");
        foreach (var action in new[] { "edit-study", "pause-study", "close-study", "make-codes", "revoke", "revoke-unused" })
            await Assertions.Expect(page.GetByTestId(action)).ToHaveCountAsync(0);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "camreview-study-viewer.png"), FullPage = true });
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task TheStudyListCountsTheVotesTheStudyPageDoes()
    {
        // One participant picks a side on the attention check (excluded), the other answers "no preference" throughout:
        // 8 answers, of which 6 on comparisons, 3 of those excluded.
        var (id, token) = await world.OpenStudyAsync("Counted alike", trials: 3, attentionChecks: 1, questions: ["overall"]);
        foreach (var choice in new[] { "0", "tie" })
        {
            using var participant = new Participant(world.BaseAddress, token);
            await participant.JoinOkAsync();
            foreach (var trial in participant.Trials)
            {
                using var vote = await participant.VoteAsync(trial.GetProperty("trial").GetInt32(), "overall", choice);
                Assert.True(vote.IsSuccessStatusCode);
            }
        }
        await using (var db = world.OpenDb())
            Assert.Equal(8, await db.StudyVotes.CountAsync(v => v.Participant.StudyId == id));

        var page = await world.SignedInPageAsync();
        await page.GotoLiveAsync("studies");
        var listed = page.Locator($"tr:has([data-testid=study][data-study-id='{id}']) [data-testid=study-votes]");
        await Assertions.Expect(listed).ToHaveTextAsync("6");
        await Assertions.Expect(page.GetByTestId("study-list")).ToContainTextAsync("Comparison votes");
        await page.GotoLiveAsync($"studies/{id}");
        await Assertions.Expect(page.GetByTestId("vote-count")).ToHaveTextAsync("6");
        await Assertions.Expect(page.GetByTestId("study-counts")).ToContainTextAsync("6 comparison votes");
        await Assertions.Expect(page.GetByTestId("excluded-count")).ToContainTextAsync("1 excluded by quality flags (3 of their votes left out)");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task AReviewerBuildsAStudyInTheBuilderAndOpensIt()
    {
        var page = await world.SignedInPageAsync("rita@camreview.test", StudyWorld.Password);
        await page.GotoLiveAsync("studies");
        await page.GetByTestId("new-study").ClickAsync();
        await Assertions.Expect(page.GetByTestId("save-study")).ToBeEnabledAsync();
        // A new study starts with every pair and method of the project, and the default questions.
        await Assertions.Expect(page.GetByTestId("method-choice")).ToHaveCountAsync(3);
        await Assertions.Expect(page.GetByTestId("comparison-count")).ToHaveTextAsync("3");
        await Assertions.Expect(page.GetByTestId("question")).ToHaveCountAsync(3);

        // Dropping a method leaves one comparison; the wording of a question is the author's.
        await page.Locator("[data-testid=method-choice][data-method='NarwhalCam-58']").UncheckAsync();
        await Assertions.Expect(page.GetByTestId("comparison-count")).ToHaveTextAsync("1");
        await page.GetByTestId("study-name").FillAsync("Built in the browser");
        await page.GetByTestId("question-text").Nth(2).FillAsync("Which one would you keep?");
        await page.GetByTestId("save-study").ClickAsync();

        await Assertions.Expect(page.GetByTestId("study-title")).ToContainTextAsync("Built in the browser");
        await Assertions.Expect(page.GetByTestId("study-state")).ToHaveTextAsync("draft");
        await page.GetByTestId("open-study").ClickAsync();
        await Assertions.Expect(page.GetByTestId("study-state")).ToHaveTextAsync("open");
        var link = await page.GetByTestId("participant-link").InputValueAsync();
        Assert.StartsWith($"{world.BaseAddress}p/", link);

        await using var db = world.OpenDb();
        var study = await db.Studies.Include(s => s.Questions).Include(s => s.Media).SingleAsync(s => s.Name == "Built in the browser");
        Assert.Equal(["NarwhalCam-58"], StudyWorld.Methods.Except(study.Media.Where(m => m.MethodName != null).Select(m => m.MethodName!)));
        Assert.Equal("Which one would you keep?", study.Questions.Single(q => q.Key == "overall").Text);
        Assert.Equal(StudyState.Open, study.State);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task TheMethodListFollowsTheChosenPairsAndAClickLandsOnTheRowClicked()
    {
        // Two pairs: "Shared" is an output of both, the others of one only.
        using var admin = await world.ClientAsync();
        var project = (await admin.PostJsonOkAsync("api/projects", new { teamId = world.LabId, name = "Two pairs" })).GetProperty("id").GetInt32();
        var video = (await admin.UploadOkAsync(project, "reference-video", TestMedia.UniqueVideo(80), "walk.mp4")).GetProperty("id").GetInt32();
        var pairs = new List<int>();
        foreach (var (image, name) in new[] { (81, "left.png"), (82, "right.png") })
        {
            var target = (await admin.UploadOkAsync(project, "target-image", TestMedia.UniqueImage(image), name)).GetProperty("id").GetInt32();
            pairs.Add((await admin.PostJsonOkAsync($"api/projects/{project}/pairs", new { referenceAssetId = video, targetAssetId = target })).GetProperty("id").GetInt32());
        }
        var phase = 83;
        foreach (var (pair, method) in new[] { (0, "Shared"), (0, "AlphaOnly"), (0, "BetaOnly"), (1, "Shared"), (1, "GammaOnly") })
            await admin.UploadOkAsync(project, "output", TestMedia.UniqueVideo(phase++), $"{method}-{pair}.mp4",
                new() { ["methodName"] = method, ["pairId"] = pairs[pair].ToString() });

        var page = await world.SignedInPageAsync("rita@camreview.test", StudyWorld.Password);
        await page.GotoLiveAsync($"studies/new/{project}");
        var methods = page.GetByTestId("method-choice");
        async Task ExpectMethodsAsync(params (string Method, bool Chosen)[] expected)
        {
            await Assertions.Expect(methods).ToHaveCountAsync(expected.Length);
            for (int i = 0; i < expected.Length; i++)
            {
                await Assertions.Expect(methods.Nth(i)).ToHaveAttributeAsync("data-method", expected[i].Method);
                if (expected[i].Chosen) await Assertions.Expect(methods.Nth(i)).ToBeCheckedAsync();
                else await Assertions.Expect(methods.Nth(i)).Not.ToBeCheckedAsync();
            }
        }
        ILocator Method(string name) => page.Locator($"[data-testid=method-choice][data-method='{name}']");
        await ExpectMethodsAsync(("AlphaOnly", true), ("BetaOnly", true), ("GammaOnly", true), ("Shared", true));
        await Assertions.Expect(page.GetByTestId("comparison-count")).ToHaveTextAsync("4"); // 3 in the first pair, 1 in the second

        // Unticking the first pair takes its own methods away; the shared one stays.
        await page.Locator($"#pair-{pairs[0]}").UncheckAsync();
        await ExpectMethodsAsync(("GammaOnly", true), ("Shared", true));
        await Assertions.Expect(page.GetByTestId("comparison-count")).ToHaveTextAsync("1");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "camreview-builder-pair-unticked.png"), FullPage = true });

        // A click right after the redraw lands on its row: the second row is "Shared" now.
        await methods.Nth(1).ClickAsync();
        await ExpectMethodsAsync(("GammaOnly", true), ("Shared", false));

        // Ticking the pair again brings its methods back, chosen; "Shared" keeps the choice made.
        await page.Locator($"#pair-{pairs[0]}").CheckAsync();
        await ExpectMethodsAsync(("AlphaOnly", true), ("BetaOnly", true), ("GammaOnly", true), ("Shared", false));
        await Method("BetaOnly").UncheckAsync();
        await ExpectMethodsAsync(("AlphaOnly", true), ("BetaOnly", false), ("GammaOnly", true), ("Shared", false));
        await Method("Shared").CheckAsync();
        await ExpectMethodsAsync(("AlphaOnly", true), ("BetaOnly", false), ("GammaOnly", true), ("Shared", true));
        // Labels follow their rows too.
        await page.GetByText("AlphaOnly", new() { Exact = true }).ClickAsync();
        await ExpectMethodsAsync(("AlphaOnly", false), ("BetaOnly", false), ("GammaOnly", true), ("Shared", true));
        await page.GetByText("AlphaOnly", new() { Exact = true }).ClickAsync();

        await page.GetByTestId("study-name").FillAsync("Follows the pairs");
        await page.GetByTestId("save-study").ClickAsync();
        await Assertions.Expect(page.GetByTestId("study-state")).ToHaveTextAsync("draft");
        await using var db = world.OpenDb();
        var study = await db.Studies.Include(s => s.Media).SingleAsync(s => s.Name == "Follows the pairs");
        Assert.Equal(["AlphaOnly", "GammaOnly", "Shared"], study.Media.Where(m => m.MethodName != null).Select(m => m.MethodName!).Distinct().Order(StringComparer.Ordinal));
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task TheBuilderShowsWholeQuestionsChoosesWhichShowTheTargetAndPlansTheSampleSize()
    {
        var page = await world.SignedInPageAsync("rita@camreview.test", StudyWorld.Password);
        await page.SetViewportSizeAsync(1280, 900);
        await page.GotoLiveAsync($"studies/new/{world.ProjectId}");
        var wordings = page.GetByTestId("question-text");
        await Assertions.Expect(wordings).ToHaveCountAsync(3);
        // Multi-line fields that show all of their wording, the default scene question showing the target image.
        Assert.Equal("TEXTAREA", await wordings.First.EvaluateAsync<string>("e => e.tagName"));
        var longer = "Overall, taking the camera move, the scene and any flicker or smearing into account, which of the two videos would you rather keep?";
        await wordings.Nth(2).FillAsync(longer);
        foreach (var wording in await wordings.AllAsync())
            Assert.True(await wording.EvaluateAsync<bool>("e => e.scrollHeight <= e.clientHeight + 2"), $"all of \"{await wording.InputValueAsync()}\" shows");
        var showTarget = page.GetByTestId("question-show-target");
        await Assertions.Expect(showTarget.Nth(0)).ToBeCheckedAsync();
        await Assertions.Expect(showTarget.Nth(1)).Not.ToBeCheckedAsync();
        await Assertions.Expect(showTarget.Nth(2)).Not.ToBeCheckedAsync();
        await showTarget.Nth(2).CheckAsync();

        // The planner: 0.6 against 0.5, power 0.8, alpha 0.05, a fifth of ties: 199 decisive votes, 249 votes; 3 trials
        // over 3 comparisons give each pair of methods 1 vote per participant.
        var participants = page.GetByTestId("plan-participants");
        await Assertions.Expect(participants).ToHaveTextAsync("249 participants");
        await Assertions.Expect(page.GetByTestId("plan-decisive")).ToHaveTextAsync("199");
        await page.GetByTestId("study-trials").FillAsync("6");
        await page.GetByTestId("study-trials").BlurAsync();
        await Assertions.Expect(participants).ToHaveTextAsync("125 participants");
        await page.GetByTestId("plan-bonferroni").CheckAsync();
        await Assertions.Expect(page.GetByTestId("plan-decisive")).Not.ToHaveTextAsync("199");
        await page.GetByTestId("plan-bonferroni").UncheckAsync();
        await page.GetByTestId("plan-win-rate").FillAsync("0.5");
        await Assertions.Expect(page.GetByTestId("plan-result")).ToContainTextAsync("Cannot plan: the true win rate must be between 0 and 1 and not 0.5.");
        await page.GetByTestId("plan-win-rate").FillAsync("0.7");
        await Assertions.Expect(page.GetByTestId("plan-decisive")).ToHaveTextAsync("49");
        await page.GetByTestId("planner").ScrollIntoViewIfNeededAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "camreview-builder-planner.png"), FullPage = true });

        await page.GetByTestId("study-name").FillAsync("Planned");
        await page.GetByTestId("save-study").ClickAsync();
        await Assertions.Expect(page.GetByTestId("study-state")).ToHaveTextAsync("draft");
        await using var db = world.OpenDb();
        var study = await db.Studies.Include(s => s.Questions).SingleAsync(s => s.Name == "Planned");
        Assert.Equal(["scene", "overall"], study.Questions.OrderBy(q => q.Position).Where(q => q.ShowTarget).Select(q => q.Key));
        Assert.Equal(longer, study.Questions.Single(q => q.Key == "overall").Text);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task TheBuilderShowsTheWordsThatNameAMethodAndWhere()
    {
        var page = await world.SignedInPageAsync("rita@camreview.test", StudyWorld.Password);
        await page.GotoLiveAsync($"studies/new/{world.ProjectId}");
        await page.GetByTestId("study-name").FillAsync("Leaky wording");
        await Assertions.Expect(page.GetByTestId("refused-words")).ToHaveCountAsync(0);
        await page.GetByTestId("study-instructions").FillAsync("Hint: one of them is a Zebra warp, the camera may move.");
        await page.GetByTestId("question-text").Nth(2).FillAsync("Is the quokka one better?");

        var refused = page.GetByTestId("refused-words");
        await Assertions.Expect(page.GetByTestId("refused-field")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("[data-testid=refused-field][data-field=instructions] [data-testid=refused-word]")).ToHaveTextAsync("Zebra warp");
        await Assertions.Expect(page.Locator("[data-testid=refused-field][data-field='question \"overall\"'] [data-testid=refused-word]")).ToHaveTextAsync("quokka");
        await Assertions.Expect(page.Locator("#study-instructions")).ToHaveAttributeAsync("aria-invalid", "true");
        await Assertions.Expect(page.Locator("#study-consent")).ToHaveAttributeAsync("aria-invalid", "false");
        await page.GetByTestId("save-study").ClickAsync();
        await Assertions.Expect(page.GetByTestId("study-error")).ToContainTextAsync("the instructions name \"Zebra warp\" (the method \"ZebraWarp-91\"");
        await refused.ScrollIntoViewIfNeededAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "camreview-builder-refused-words.png"), FullPage = true });

        // Reworded, the notice goes and the study is saved.
        await page.GetByTestId("study-instructions").FillAsync("Watch the camera move.");
        await page.GetByTestId("question-text").Nth(2).FillAsync("Which one is better?");
        await Assertions.Expect(refused).ToHaveCountAsync(0);
        await page.GetByTestId("save-study").ClickAsync();
        await Assertions.Expect(page.GetByTestId("study-state")).ToHaveTextAsync("draft");
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task TheDeleteDialogsNameTheOpenStudyThatShowsTheAssetAndOfferOnlyCancel()
    {
        var (id, _) = await world.OpenStudyAsync("Shown right now");
        var page = await world.SignedInPageAsync();
        await page.GotoLiveAsync($"projects/{world.ProjectId}");
        await page.GetByTestId("delete-asset").First.ClickAsync();
        var dialog = page.ConfirmDialog("delete-asset-dialog");
        await Assertions.Expect(dialog.GetByTestId("blocking-studies")).ToContainTextAsync("Shown right now");
        await Assertions.Expect(dialog.Locator($"a[href='studies/{id}']")).ToHaveCountAsync(1);
        await Assertions.Expect(dialog.GetByTestId("delete-asset-dialog-confirm")).ToHaveCountAsync(0);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "camreview-delete-blocked.png") });
        await dialog.GetByTestId("delete-asset-dialog-cancel").ClickAsync();
        await Assertions.Expect(dialog).ToHaveCountAsync(0);

        // The project that holds it cannot be deleted either, and says why.
        await page.GetByTestId("delete-project").ClickAsync();
        var projectDialog = page.ConfirmDialog("delete-project-dialog");
        await Assertions.Expect(projectDialog.GetByTestId("blocking-studies")).ToContainTextAsync("Shown right now");
        await Assertions.Expect(projectDialog.Locator($"a[href='studies/{id}']")).ToHaveCountAsync(1);
        await Assertions.Expect(projectDialog.GetByTestId("delete-project-dialog-confirm")).ToHaveCountAsync(0);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "camreview-delete-project-blocked.png") });
        await projectDialog.GetByTestId("delete-project-dialog-cancel").ClickAsync();
        await Assertions.Expect(projectDialog).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }
}
