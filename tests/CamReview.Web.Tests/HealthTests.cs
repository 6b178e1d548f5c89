using System.Net;
using System.Text.Json;
using CamReview.Data;
using CamReview.Data.Entities;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace CamReview.Web.Tests;

/// <summary>A portal with a project, a pair (reference video, target image) and two imported outputs, and a viewer
/// who is no administrator.</summary>
public class HealthWorld : PortalFixture
{
    public const string ViewerEmail = "vera@camreview.test";
    public const string ViewerPassword = "viewer-password-1";
    public int ProjectId, PairId, ReferenceId, TargetId, KeptOutputId, LostOutputId;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var lab = await TeamIdAsync(AdminTeam);
        await CreateUserAsync(ViewerEmail, "Vera Viewer", ViewerPassword, lab, TeamRole.Viewer);
        using var admin = await ClientAsync();
        ProjectId = (await admin.PostJsonOkAsync("api/projects", new { teamId = lab, name = "Dolly shots" })).GetProperty("id").GetInt32();
        ReferenceId = (await admin.UploadOkAsync(ProjectId, "reference-video", TestMedia.ReferenceVideo, "dolly.mp4")).GetProperty("id").GetInt32();
        TargetId = (await admin.UploadOkAsync(ProjectId, "target-image", TestMedia.TargetImage, "statue.png")).GetProperty("id").GetInt32();
        PairId = (await admin.PostJsonOkAsync($"api/projects/{ProjectId}/pairs", new { referenceAssetId = ReferenceId, targetAssetId = TargetId })).GetProperty("id").GetInt32();
        KeptOutputId = await OutputAsync(admin, "KeptWarp", 1);
        LostOutputId = await OutputAsync(admin, "LostWarp", 2);
    }

    private async Task<int> OutputAsync(PortalClient admin, string method, int phase) =>
        (await admin.UploadOkAsync(ProjectId, "output", TestMedia.UniqueVideo(phase), $"{method}.mp4",
            new() { ["methodName"] = method, ["pairId"] = PairId.ToString() })).GetProperty("id").GetInt32();

    /// <summary>Where an asset's original file is stored.</summary>
    public async Task<string> OriginalPathAsync(int assetId)
    {
        await using var db = OpenDb();
        var asset = await db.Assets.SingleAsync(a => a.Id == assetId);
        return MediaFiles.Original(DataDir, asset.Sha256, asset.MediaType);
    }

    public static async Task<(HttpStatusCode Status, JsonElement Json, string Body)> HealthAsync(HttpClient http, string query = "")
    {
        using var response = await http.GetAsync($"health{query}");
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return (response.StatusCode, JsonDocument.Parse(body).RootElement.Clone(), body);
    }
}

/// <summary>What /health tells whom.</summary>
public sealed class HealthTests(HealthWorld portal) : IClassFixture<HealthWorld>
{
    [Fact]
    public async Task AnonymousCallersGetTheStatusOnly()
    {
        var (status, json, body) = await HealthWorld.HealthAsync(portal.Http);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["status"], json.EnumerateObject().Select(p => p.Name));
        Assert.Equal("Healthy", json.GetProperty("status").GetString());
        // Nothing a stranger could use: no paths, no migrations, no library versions.
        foreach (var secret in new[] { portal.DataDir, "camreview.db", "igration", "opencv", "onnx", "4." })
            Assert.DoesNotContain(secret, body, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task SignedInUsersWhoAreNoAdministratorsGetTheStatusOnly()
    {
        using var viewer = await portal.ClientAsync(HealthWorld.ViewerEmail, HealthWorld.ViewerPassword);
        var (status, json, _) = await HealthWorld.HealthAsync(viewer.Http, "?refresh=true");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["status"], json.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task AdministratorsSeeTheIntegrityAndMediaChecks()
    {
        using var admin = await portal.ClientAsync();
        var (status, json, body) = await HealthWorld.HealthAsync(admin.Http, "?refresh=true");
        Assert.True(status == HttpStatusCode.OK, body);
        Assert.Equal("Healthy", json.GetProperty("status").GetString());
        var entries = json.GetProperty("entries");
        var integrity = entries.GetProperty("integrity");
        Assert.Equal("Healthy", integrity.GetProperty("status").GetString());
        Assert.Equal("ok", integrity.GetProperty("description").GetString());
        Assert.Equal("quick_check", integrity.GetProperty("data").GetProperty("check").GetString());
        var media = entries.GetProperty("media");
        Assert.Equal("Healthy", media.GetProperty("status").GetString());
        Assert.Equal(4, media.GetProperty("data").GetProperty("assets").GetInt32());
        Assert.Equal(0, media.GetProperty("data").GetProperty("missing").GetInt32());
    }
}

/// <summary>A stored file deleted behind the portal's back.</summary>
public sealed class MissingMediaTests(HealthWorld portal) : IClassFixture<HealthWorld>
{
    [Fact]
    public async Task AMissingFileMakesHealthDegradedAndThePagesSaySo()
    {
        using var admin = await portal.ClientAsync();
        Assert.Equal("Healthy", (await HealthWorld.HealthAsync(portal.Http)).Json.GetProperty("status").GetString());
        File.Delete(await portal.OriginalPathAsync(portal.LostOutputId));

        // The media check reads every row: its result is reused for a while, and a stranger cannot make it run again.
        Assert.Equal("Healthy", (await HealthWorld.HealthAsync(portal.Http, "?refresh=true")).Json.GetProperty("status").GetString());

        // An administrator can, and sees which asset lost what, by id and name, without a path.
        var (status, json, body) = await HealthWorld.HealthAsync(admin.Http, "?refresh=true");
        Assert.True(status == HttpStatusCode.OK, body); // Degraded still serves
        Assert.Equal("Degraded", json.GetProperty("status").GetString());
        var media = json.GetProperty("entries").GetProperty("media");
        Assert.Equal("Degraded", media.GetProperty("status").GetString());
        Assert.StartsWith("1 of 4 asset(s) have files missing", media.GetProperty("description").GetString());
        var data = media.GetProperty("data");
        Assert.Equal(1, data.GetProperty("missing").GetInt32());
        var lost = Assert.Single(data.GetProperty("firstMissing").EnumerateArray());
        Assert.Equal(portal.LostOutputId, lost.GetProperty("assetId").GetInt32());
        Assert.Equal(portal.ProjectId, lost.GetProperty("projectId").GetInt32());
        Assert.Equal("Output", lost.GetProperty("kind").GetString());
        Assert.Equal("LostWarp.mp4", lost.GetProperty("name").GetString());
        Assert.Equal(["original"], lost.GetProperty("files").EnumerateArray().Select(f => f.GetString()));
        Assert.DoesNotContain(portal.DataDir, media.GetRawText());

        // Everyone else now gets the new status.
        Assert.Equal("Degraded", (await HealthWorld.HealthAsync(portal.Http)).Json.GetProperty("status").GetString());

        var page = await portal.SignedInPageAsync();
        if (Environment.GetEnvironmentVariable("CAMREVIEW_HEALTH_SCREENSHOT") is { Length: > 0 } shot)
        {
            await page.GotoAsync("health");
            await page.ScreenshotAsync(new() { Path = shot, FullPage = true });
        }

        // The pair page says which output's file is gone instead of showing an empty player; the others still play.
        await page.GotoAsync($"projects/{portal.ProjectId}/pairs/{portal.PairId}");
        var notice = page.GetByTestId("missing-media");
        await Assertions.Expect(notice).ToHaveCountAsync(1);
        await Assertions.Expect(notice).ToHaveAttributeAsync("data-asset-id", portal.LostOutputId.ToString());
        await Assertions.Expect(notice).ToContainTextAsync("The file of LostWarp is missing");
        await Assertions.Expect(page.Locator($"[data-testid='output'][data-asset-id='{portal.KeptOutputId}'] [data-testid='output-player']")).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByTestId("reference-player")).ToHaveCountAsync(1);

        // So does the compare page, above the players and on the tile.
        await page.GotoAsync($"projects/{portal.ProjectId}/pairs/{portal.PairId}/compare");
        await Assertions.Expect(page.GetByTestId("missing-media-summary")).ToContainTextAsync("the output LostWarp");
        await Assertions.Expect(page.GetByTestId("tile").Filter(new() { HasText = "LostWarp" }).GetByTestId("missing-media")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("tile").Filter(new() { HasText = "KeptWarp" }).GetByTestId("missing-media")).ToHaveCountAsync(0);
        await page.Context.CloseAsync();
    }
}

/// <summary>The API's failures are RFC 9457 problems, never HTML.</summary>
public sealed class ApiProblemTests(PortalFixture portal) : IClassFixture<PortalFixture>
{
    [Fact]
    public async Task AnUnknownApiAddressIsAProblemNotAnEmptyPage()
    {
        using var admin = await portal.ClientAsync();
        using var response = await admin.Http.GetAsync("api/no-such-thing");
        var problem = await AssertProblemAsync(response, HttpStatusCode.NotFound);
        Assert.Equal("Not Found", problem.GetProperty("title").GetString());
        Assert.Equal("/api/no-such-thing", problem.GetProperty("instance").GetString());
    }

    [Fact]
    public async Task AnUnreadableRequestBodyIsAProblem()
    {
        using var admin = await portal.ClientAsync();
        using var response = await admin.Http.PostAsync("api/projects", new StringContent("{not json", System.Text.Encoding.UTF8, "application/json"));
        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }

    /// <summary>An application/problem+json body with the status, a title and the request's trace id, and no stack trace.</summary>
    internal static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"{(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal((int)expected, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("traceId").GetString()));
        Assert.DoesNotContain("   at ", body);
        Assert.DoesNotContain("Exception", body);
        return problem;
    }
}

/// <summary>A database file overwritten while the portal runs (connections opened afterwards see the damage).</summary>
public sealed class DamagedDatabaseTests(HealthWorld portal) : IClassFixture<HealthWorld>
{
    [Fact]
    public async Task PagesShowTheMaintenancePageTheApiAnswersProblemsAndHealthIsUnhealthy()
    {
        using var admin = await portal.ClientAsync();
        Assert.Equal("Healthy", (await HealthWorld.HealthAsync(admin.Http, "?refresh=true")).Json.GetProperty("status").GetString());
        DatabaseDamage.Overwrite(Path.Combine(portal.DataDir, Database.FileName));

        var (status, json, _) = await HealthWorld.HealthAsync(portal.Http);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("Unhealthy", json.GetProperty("status").GetString());
        Assert.Equal(["status"], json.EnumerateObject().Select(p => p.Name));

        using (var response = await admin.Http.GetAsync("api/projects"))
        {
            var problem = await ApiProblemTests.AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable);
            Assert.Contains("database cannot be read", problem.GetProperty("detail").GetString());
        }
        using (var response = await admin.Http.GetAsync("projects"))
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
            Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains("CamReview needs maintenance", body);
            Assert.Contains("camreview db check", body);
            Assert.DoesNotContain("   at ", body);
        }
    }
}

/// <summary>Starting the portal on a data folder whose database is damaged.</summary>
public sealed class DamagedDatabaseStartTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ThePortalRefusesToStartWithAClearMessage(bool sqliteFileOverwritten)
    {
        var data = Directory.CreateTempSubdirectory("camreview-damaged-").FullName;
        try
        {
            var file = Path.Combine(data, Database.FileName);
            if (sqliteFileOverwritten)
            {
                await DatabaseDamage.CreateAsync(data);
                DatabaseDamage.Overwrite(file);
            }
            else await File.WriteAllTextAsync(file, "These are the minutes of the review meeting, not a database.\n");

            var e = Assert.Throws<PortalStartupException>(() =>
                Portal.Build(["--urls", "http://127.0.0.1:0", "--data", data, "--environment", "Production", .. PortalFixture.NoDemo]));
            Assert.Contains(file, e.Message);
            Assert.Contains("not a SQLite database", e.Message);
            Assert.Contains("backup", e.Message);
            Assert.Contains($"camreview db check --data {data}", e.Message);
            // Nothing was made of the file: it is still the damaged one.
            Assert.False(File.Exists(file + "-wal") && new FileInfo(file + "-wal").Length > 0);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(data, recursive: true);
        }
    }
}

/// <summary>Damaged database files for the tests.</summary>
public static class DatabaseDamage
{
    /// <summary>A new, migrated database in <paramref name="dataDir"/>, everything written into the main file.</summary>
    public static async Task CreateAsync(string dataDir)
    {
        await using (var db = new CamReviewDb(Database.Options(dataDir)))
            await Database.MigrateAsync(db);
        SqliteConnection.ClearAllPools();
    }

    /// <summary>Moves what the write-ahead log holds into the file, then overwrites the file's first 4 KiB (its header
    /// and schema) with garbage, and drops the idle pooled connections (as a restart of them would).</summary>
    public static void Overwrite(string file)
    {
        using (var connection = new SqliteConnection($"Data Source={file};Pooling=False"))
        {
            connection.Open();
            using var checkpoint = connection.CreateCommand();
            checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
            checkpoint.ExecuteNonQuery();
        }
        var garbage = new byte[4096];
        new Random(42).NextBytes(garbage);
        using (var stream = new FileStream(file, FileMode.Open, FileAccess.Write, FileShare.ReadWrite))
            stream.Write(garbage);
        SqliteConnection.ClearAllPools();
    }
}
