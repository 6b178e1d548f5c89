using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Playwright;

namespace CamReview.Web.Tests;

/// <summary>The results report: one HTML file with the design, participants and exclusions, every question's statistics
/// and inline SVG charts, that opens offline and shows every method label whole; user texts in it are inert.</summary>
public sealed class StudyReportTests(StudyWorld world) : IClassFixture<StudyWorld>
{
    [Fact]
    public async Task TheReportIsOneFileThatOpensOfflineWithWholeLabelsAndEveryUserTextEscaped()
    {
        // Names that would be markup if they were not escaped, and a long one for the label widths.
        string[] methods = ["<img src=x onerror=alert(1)>", "Ünïcode 名前 & \"quoted\" motion transfer, long edition 2026", "Plain-7"];
        const string studyName = "</title><script>alert('study')</script>";
        using var admin = await world.ClientAsync();
        var project = (await admin.PostJsonOkAsync("api/projects", new { teamId = world.LabId, name = "Report <b>project</b>" })).GetProperty("id").GetInt32();
        var video = (await admin.UploadOkAsync(project, "reference-video", TestMedia.UniqueVideo(90), "ref.mp4")).GetProperty("id").GetInt32();
        var image = (await admin.UploadOkAsync(project, "target-image", TestMedia.UniqueImage(91), "target.png")).GetProperty("id").GetInt32();
        var pair = (await admin.PostJsonOkAsync($"api/projects/{project}/pairs", new { referenceAssetId = video, targetAssetId = image, name = "pair <i>one</i>" }))
            .GetProperty("id").GetInt32();
        for (int i = 0; i < methods.Length; i++)
            await admin.UploadOkAsync(project, "output", TestMedia.UniqueVideo(92 + i), $"out-{i}.mp4", new() { ["methodName"] = methods[i], ["pairId"] = pair.ToString() });
        var study = await admin.PostJsonOkAsync("api/studies", new
        {
            projectId = project,
            study = new
            {
                name = studyName, design = "pairwise", candidatesPerTrial = 2, allowTie = true, allowBothBad = false, trialsPerParticipant = 3,
                attentionChecks = 1, watchBeforeVoting = true, instructions = "Compare.", consentText = "Anonymous.", pairIds = new[] { pair }, methods,
                questions = new[] { new { key = "overall", text = "Which <u>one</u> do you prefer?" } },
                flagFastAnswers = false, sharedAddressLimit = 0, // the scripted participants answer at once, all from this machine
            },
        });
        var id = study.GetProperty("id").GetInt32();
        await admin.PostJsonOkAsync($"api/studies/{id}/state", new { state = "open" });
        await StudyWorld.MediaReadyAsync(admin, id);

        // Four participants: three pass the attention check, one picks a side in it and is excluded.
        var token = study.GetProperty("token").GetString()!;
        for (int p = 0; p < 4; p++)
        {
            using var participant = new Participant(world.BaseAddress, token);
            await participant.JoinOkAsync();
            var shown = await world.MethodsShownAsync(id, participant);
            foreach (var trial in participant.Trials)
            {
                var check = shown[trial.GetProperty("trial").GetInt32()].Distinct().Count() == 1;
                using var vote = await participant.VoteAsync(trial.GetProperty("trial").GetInt32(), "overall", check && p > 0 ? "tie" : "0");
                Assert.True(vote.IsSuccessStatusCode);
            }
        }

        using var response = await admin.Http.GetAsync($"api/studies/{id}/report.html");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"study-{id}-report.html", response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName);
        var html = await response.Content.ReadAsStringAsync();

        // Nothing to run and nothing to fetch (the file's own policy forbids both); the user texts only as text.
        Assert.Contains("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\" />", html);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(new Regex("https?:", RegexOptions.IgnoreCase), html);
        var style = Regex.Match(html, "<style>(.*?)</style>", RegexOptions.Singleline).Groups[1].Value;
        Assert.DoesNotMatch(new Regex(@"url\(|@import|@font-face", RegexOptions.IgnoreCase), style);
        Assert.DoesNotContain("<u>", html);
        Assert.DoesNotContain("<b>project", html);
        Assert.DoesNotContain("<i>one", html);
        Assert.Contains($"<title>{System.Text.Encodings.Web.HtmlEncoder.Default.Encode(studyName)}: study results</title>", html);

        // What the results page computes is what the report says.
        var results = await admin.Http.GetFromJsonAsync<JsonElement>($"api/studies/{id}/results");
        var analysis = results.GetProperty("analysis");
        Assert.Contains($"4 joined, 4 completed, 1 excluded", html);
        Assert.Contains("picked a side in 1 of 1 attention checks", html);
        Assert.Contains("4 participants, 1 excluded (failed an attention check: 1).", html);
        foreach (var p in analysis.GetProperty("questions")[0].GetProperty("pairs").EnumerateArray())
            if (p.GetProperty("winRateA").ValueKind == JsonValueKind.Number)
                Assert.Contains(p.GetProperty("winRateA").GetDouble().ToString("0.000", System.Globalization.CultureInfo.InvariantCulture), html);

        // Offline in Chromium: no request but the file itself, the study's name as text, every chart label inside its chart.
        var file = Path.Combine(Path.GetTempPath(), $"camreview-report-{id}.html");
        await File.WriteAllTextAsync(file, html);
        var page = await world.NewPageAsync(new BrowserNewContextOptions { Offline = true, ViewportSize = new() { Width = 1000, Height = 900 } });
        var requests = new List<string>();
        page.Request += (_, r) => requests.Add(r.Url);
        await page.GotoAsync(new Uri(file).AbsoluteUri);
        Assert.Equal([new Uri(file).AbsoluteUri], requests);
        Assert.Equal(studyName, await page.Locator("h1").TextContentAsync());
        Assert.Equal(0, await page.EvaluateAsync<int>("""
            () => document.scripts.length + document.images.length + document.querySelectorAll('[src], [href], link, iframe, object, embed').length
              + [...document.querySelectorAll('*')].filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length
            """));
        var charts = page.Locator("svg.chart");
        Assert.Equal(2, await charts.CountAsync()); // win rates and Bradley-Terry scores
        var cut = await page.EvaluateAsync<string[]>("""
            () => [...document.querySelectorAll('svg.chart text')].filter(t => {
              const box = t.getBBox(), view = t.ownerSVGElement.viewBox.baseVal;
              return box.x < view.x - 0.5 || box.x + box.width > view.x + view.width + 0.5 || box.y < view.y - 0.5;
            }).map(t => t.textContent)
            """);
        Assert.True(cut.Length == 0, $"labels outside their chart: {string.Join(" | ", cut)}");
        var labels = await page.Locator("svg.chart text.label").AllTextContentsAsync();
        foreach (var method in methods) Assert.Contains(labels, l => l.Contains(method, StringComparison.Ordinal));
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "camreview-study-report.png"), FullPage = true });
        await page.Context.CloseAsync();

        // The same report printed by Chromium.
        using var pdf = await admin.Http.GetAsync($"api/studies/{id}/report.pdf");
        Assert.Equal(HttpStatusCode.OK, pdf.StatusCode);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);
        var bytes = await pdf.Content.ReadAsByteArrayAsync();
        var text = System.Text.Encoding.Latin1.GetString(bytes);
        Assert.StartsWith("%PDF-", text);
        Assert.Matches(@"/Type\s*/Page\b", text);
        await File.WriteAllBytesAsync(Path.Combine(Path.GetTempPath(), "camreview-study-report.pdf"), bytes);
    }

    [Fact]
    public async Task TheStudyPageDownloadsTheReportAsHtmlAndPdf()
    {
        var (id, _) = await world.OpenStudyAsync("Downloaded report", trials: 3, attentionChecks: 0);
        var page = await world.SignedInPageAsync("vic@camreview.test", StudyWorld.Password); // a Viewer may download it
        await page.GotoLiveAsync($"studies/{id}");
        var html = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("export-report").ClickAsync());
        Assert.Equal($"study-{id}-report.html", html.SuggestedFilename);
        var text = await File.ReadAllTextAsync((await html.PathAsync())!);
        Assert.StartsWith("<!DOCTYPE html>", text);
        Assert.Contains("<h1>Downloaded report</h1>", text);
        var pdf = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("export-report-pdf").ClickAsync());
        Assert.Equal($"study-{id}-report.pdf", pdf.SuggestedFilename);
        Assert.StartsWith("%PDF-", System.Text.Encoding.Latin1.GetString(await File.ReadAllBytesAsync((await pdf.PathAsync())!)));
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "camreview-study-page-report-buttons.png") });
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task WithoutChromiumThePdfIsRefusedWithTheReason()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["CamReview:Reports:Chromium"] = "/nonexistent/chromium" }).Build();
        var printer = new Studies.ReportPrinter(configuration, Microsoft.Extensions.Logging.Abstractions.NullLogger<Studies.ReportPrinter>.Instance);
        var result = await printer.PdfAsync("<!DOCTYPE html><p>report</p>");
        Assert.Equal(Services.ResultStatus.Unavailable, result.Status);
        Assert.Contains("not installed at /nonexistent/chromium", result.Error);
    }
}
