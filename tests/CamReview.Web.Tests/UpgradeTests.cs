using System.Net.Http.Json;
using System.Text.Json;
using CamReview.Data;
using CamReview.Data.Entities;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace CamReview.Web.Tests;

/// <summary>A data folder from before accounts existed (the Initial schema, with a project in it), started with an
/// administrator from configuration: the project is kept, in "Default team", which the administrator owns.</summary>
public sealed class UpgradedPortalFixture : PortalFixture
{
    public override async Task InitializeAsync()
    {
        await using (var db = new CamReviewDb(Database.Options(DataDir)))
        {
            Directory.CreateDirectory(DataDir);
            await db.GetService<IMigrator>().MigrateAsync("20261121000000_Initial");
        }
        await using (var connection = new SqliteConnection(Database.ConnectionString(DataDir)))
        {
            await connection.OpenAsync();
            await using var insert = connection.CreateCommand();
            insert.CommandText = """INSERT INTO "Projects" ("Name", "Description", "CreatedUtc") VALUES ('Old dolly shots', 'from before teams', '2026-11-01 09:00:00')""";
            await insert.ExecuteNonQueryAsync();
        }
        SqliteConnection.ClearAllPools();
        await base.InitializeAsync();
    }
}

public sealed class UpgradeTests(UpgradedPortalFixture portal) : IClassFixture<UpgradedPortalFixture>
{
    [Fact]
    public async Task ProjectsFromBeforeAccountsBelongToTheAdministratorsDefaultTeam()
    {
        using var admin = await portal.ClientAsync();
        var projects = await admin.Http.GetFromJsonAsync<JsonElement>("api/projects");
        var project = Assert.Single(projects.EnumerateArray());
        Assert.Equal("Old dolly shots", project.GetProperty("name").GetString());
        Assert.Equal("from before teams", project.GetProperty("description").GetString());
        Assert.Equal("Default team", project.GetProperty("teamName").GetString());
        Assert.Equal("owner", project.GetProperty("role").GetString());

        await using var db = portal.OpenDb();
        // The administrator joined the team that held the old projects instead of getting a new one.
        Assert.Equal(["Default team"], await db.Teams.Select(t => t.Name).ToListAsync());
        Assert.Equal(TeamRole.Owner, (await db.TeamMembers.SingleAsync()).Role);
    }
}

/// <summary>The data folder of a user of the previous release (its database only: see
/// tests/CamReview.Data.Tests/Fixtures/README.md), started by today's portal.</summary>
public sealed class ReleasePortalFixture : PortalFixture
{
    public const string ReleaseAdminEmail = "admin@example.org";
    public const string ReleaseAdminPassword = "Fixture-Passw0rd!";

    public override async Task InitializeAsync()
    {
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Fixtures", "release-2b58a73.db"), Path.Combine(DataDir, Database.FileName));
        await base.InitializeAsync();
    }
}

public sealed class ReleaseUpgradeTests(ReleasePortalFixture portal) : IClassFixture<ReleasePortalFixture>
{
    [Fact]
    public async Task ThePortalStartsOnTheReleasesDatabaseAndShowsItsData()
    {
        // The release's administrator signs in with the password set then; the configured one is not created.
        using var admin = await portal.ClientAsync(ReleasePortalFixture.ReleaseAdminEmail, ReleasePortalFixture.ReleaseAdminPassword);
        using (var health = await admin.Http.GetAsync("health"))
        {
            var report = await health.Content.ReadFromJsonAsync<JsonElement>();
            Assert.True(health.IsSuccessStatusCode, report.ToString());
            var database = report.GetProperty("entries").GetProperty("database").GetProperty("data");
            Assert.Equal(0, database.GetProperty("pendingMigrations").GetInt32());
            Assert.Equal("wal", database.GetProperty("journalMode").GetString());
        }

        var project = Assert.Single((await admin.Http.GetFromJsonAsync<JsonElement>("api/projects")).EnumerateArray());
        Assert.Equal("Demo: camera-motion transfer", project.GetProperty("name").GetString());
        Assert.Equal("Demo", project.GetProperty("teamName").GetString());
        Assert.Equal("owner", project.GetProperty("role").GetString());

        await using (var db = portal.OpenDb())
        {
            Assert.Equal([ReleasePortalFixture.ReleaseAdminEmail], await db.Users.Select(u => u.Email).ToListAsync());
            var pairId = await db.Pairs.Select(p => p.Id).SingleAsync();
            var pair = await admin.Http.GetStringAsync($"api/pairs/{pairId}");
            Assert.Contains("homography (black)", pair);
            var studyId = await db.Studies.Select(s => s.Id).SingleAsync();
            var results = await admin.Http.GetFromJsonAsync<JsonElement>($"api/studies/{studyId}/results");
            Assert.Equal(24, results.GetProperty("participants").GetArrayLength());
        }
    }
}

/// <summary>A data folder whose video was stored before browser proxies existed: its asset row has no proxy recorded
/// (the PlaybackProxies migration adds the columns empty) and the media folder holds only its original.</summary>
public sealed class ProxylessVideoPortalFixture : PortalFixture
{
    public int AssetId;
    public string Sha256 = "";

    public override async Task InitializeAsync()
    {
        var video = TestMedia.UniqueVideo(95);
        Sha256 = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(video));
        Directory.CreateDirectory(DataDir);
        await using (var db = new CamReviewDb(Database.Options(DataDir)))
        {
            await db.Database.MigrateAsync();
            var created = new DateTime(2026, 11, 30, 9, 0, 0, DateTimeKind.Utc);
            var project = new Project { Name = "Stored before proxies", CreatedUtc = created, Team = new Team { Name = "Old team", CreatedUtc = created } };
            var asset = new Asset
            {
                Project = project, Kind = AssetKind.ReferenceVideo, DisplayName = "old.mp4", Sha256 = Sha256, SizeBytes = video.Length, MediaType = "video/mp4",
                Width = 64, Height = 48, FrameCount = 10, Fps = 8, DurationSeconds = 1.25, CreatedUtc = created,
            };
            db.Assets.Add(asset);
            await db.SaveChangesAsync();
            AssetId = asset.Id;
        }
        var original = MediaFiles.Original(DataDir, Sha256, "video/mp4");
        Directory.CreateDirectory(Path.GetDirectoryName(original)!);
        await File.WriteAllBytesAsync(original, video);
        SqliteConnection.ClearAllPools();
        await base.InitializeAsync();
    }
}

public sealed class ProxyUpgradeTests(ProxylessVideoPortalFixture portal) : IClassFixture<ProxylessVideoPortalFixture>
{
    [Fact]
    public async Task AVideoStoredBeforeProxiesGetsOneAtStartWithoutAnyRequest()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        Asset asset;
        while (true)
        {
            await using (var db = portal.OpenDb()) asset = await db.Assets.AsNoTracking().SingleAsync(a => a.Id == portal.AssetId);
            if (asset.PlaybackSizeBytes is not null || asset.PlaybackError is not null || DateTime.UtcNow > deadline) break;
            await Task.Delay(100);
        }
        Assert.Null(asset.PlaybackError);
        Assert.Equal(8, asset.PlaybackFps);
        var proxy = MediaFiles.Playback(portal.DataDir, portal.Sha256);
        Assert.True(File.Exists(proxy), "the proxy is stored beside the original");
        Assert.Equal(new FileInfo(proxy).Length, asset.PlaybackSizeBytes);
        Assert.Equal([$"media/{portal.Sha256[..2]}/{portal.Sha256}.playback.mp4"], portal.PlaybackFiles());
    }
}
