using CamReview.Data.Entities;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace CamReview.Data.Tests;

public sealed class MigrationTests : IDisposable
{
    private const string Initial = "20261121000000_Initial";
    private const string AccountsAndAssets = "20261121010000_AccountsAndAssets";
    private const string Jobs = "20261121020000_Jobs";
    private const string Sharing = "20261121030000_Sharing";
    private const string Studies = "20261121040000_Studies";
    private const string UserSessions = "20261203150155_UserSessions";
    private const string TeamInvitations = "20261203150832_TeamInvitations";
    private const string PlaybackProxies = "20261203161733_PlaybackProxies";
    private const string StudyTargetImages = "20261203173935_StudyTargetImages";
    private const string StudyAdmission = "20261203181738_StudyAdmission";
    private const string StudyMediaPreparation = "20261203190206_StudyMediaPreparation";
    private const string CommentThreads = "20261205135138_CommentThreads";
    private const string CommentDrawings = "20261205151547_CommentDrawings";
    private const string GuestComments = "20261207145957_GuestComments";
    private const string RenderWorkers = "20261207150002_RenderWorkers";

    private readonly TempDataDir _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task ModelHasNoPendingChanges()
    {
        await using var db = _data.OpenDb();
        // Fails when an entity changed without a migration (scripts/test.sh also asks dotnet ef the same).
        Assert.False(db.Database.HasPendingModelChanges(),
            "The model has changes that no migration covers: add one with dotnet ef migrations add (migrations/CamReview.Migrations/README.md).");
    }

    [Fact]
    public async Task TimesAreReadBackAsUtc()
    {
        var created = new DateTime(2026, 11, 21, 9, 30, 0, DateTimeKind.Utc);
        await using (var db = _data.OpenDb())
        {
            await Database.MigrateAsync(db);
            db.Projects.Add(new Project { Name = "Times", CreatedUtc = created, Team = new Team { Name = "Lab", CreatedUtc = created.ToLocalTime() } });
            await db.SaveChangesAsync();
        }
        await using (var db = _data.OpenDb())
        {
            var project = await db.Projects.Include(p => p.Team).SingleAsync();
            Assert.Equal(DateTimeKind.Utc, project.CreatedUtc.Kind);
            Assert.Equal(created, project.CreatedUtc);
            Assert.Equal(created, project.Team!.CreatedUtc); // a local time is stored as the UTC it is
            Assert.EndsWith("Z", System.Text.Json.JsonSerializer.Serialize(project.CreatedUtc).Trim('"'));
            Assert.Equal(1, await db.Projects.CountAsync(p => p.CreatedUtc >= created.AddMinutes(-1)));
        }
    }

    [Fact]
    public async Task MigrateCreatesTheDatabaseInWalModeAndIsRepeatable()
    {
        await using (var db = _data.OpenDb())
        {
            await Database.MigrateAsync(db);
            Assert.Equal("wal", await Database.JournalModeAsync(db));
            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
            Assert.Equal([Initial, AccountsAndAssets, Jobs, Sharing, Studies, UserSessions, TeamInvitations, PlaybackProxies, StudyTargetImages, StudyAdmission, StudyMediaPreparation, CommentThreads, CommentDrawings, GuestComments, RenderWorkers], await db.Database.GetAppliedMigrationsAsync());
            db.Projects.Add(new Project { Name = "Dolly shots", CreatedUtc = DateTime.UtcNow, Team = new Team { Name = "Lab" } });
            await db.SaveChangesAsync();
        }
        Assert.True(File.Exists(Path.Combine(_data.Path, Database.FileName)));

        // A second start migrates nothing and keeps what users stored.
        await using (var db = _data.OpenDb())
        {
            await Database.MigrateAsync(db);
            Assert.Equal("Dolly shots", (await db.Projects.SingleAsync()).Name);
        }
    }

    [Fact]
    public async Task ATeamHasAtMostOnePendingInvitationPerAddress()
    {
        await using var db = _data.OpenDb();
        await Database.MigrateAsync(db);
        var lab = new Team { Name = "Lab" };
        TeamInvitation Invitation(InvitationState state) => new()
        {
            Team = lab, Email = "ann@camreview.test", Role = TeamRole.Viewer, State = state,
            CreatedUtc = DateTime.UtcNow, ExpiresUtc = DateTime.UtcNow.AddDays(14),
        };
        // Answered invitations stay beside a new pending one.
        db.TeamInvitations.AddRange(Invitation(InvitationState.Declined), Invitation(InvitationState.Revoked), Invitation(InvitationState.Pending));
        await db.SaveChangesAsync();
        db.TeamInvitations.Add(Invitation(InvitationState.Pending));
        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
    }

    [Fact]
    public async Task ProjectNamesAreUniqueWithinATeamAndBounded()
    {
        await using var db = _data.OpenDb();
        await Database.MigrateAsync(db);
        var lab = new Team { Name = "Lab" };
        var studio = new Team { Name = "Studio" };
        db.Projects.Add(new Project { Name = "Orbit", CreatedUtc = DateTime.UtcNow, Team = lab });
        db.Projects.Add(new Project { Name = "Orbit", CreatedUtc = DateTime.UtcNow, Team = studio });
        await db.SaveChangesAsync();
        db.Projects.Add(new Project { Name = "Orbit", CreatedUtc = DateTime.UtcNow, Team = lab });
        var ex = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
        Assert.Contains("UNIQUE", ex.InnerException!.Message);
    }

    [Fact]
    public async Task TheSchemaHasTheMigratedColumns()
    {
        await using var db = _data.OpenDb();
        await Database.MigrateAsync(db);
        Assert.Equal(["Id", "Name", "Description", "CreatedUtc", "TeamId"], await ColumnsAsync("Projects"));
        Assert.Equal(["TeamId", "UserId", "Role", "AddedUtc"], await ColumnsAsync("TeamMembers"));
        Assert.Contains("Sha256", await ColumnsAsync("Assets"));
        Assert.Contains("DepthAssetId", await ColumnsAsync("Pairs"));
        // The foreign keys are in the database, not only in the model.
        Assert.Equal(["Teams"], await _data.ScalarsAsync("SELECT \"table\" FROM pragma_foreign_key_list('Projects')"));
        Assert.Equal(["Assets", "Assets", "Assets", "Projects", "Users"],
            (await _data.ScalarsAsync("SELECT \"table\" FROM pragma_foreign_key_list('Pairs')")).Order());
    }

    [Fact]
    public async Task ProjectsStoredBeforeTeamsExistedSurviveInADefaultTeam()
    {
        await using (var db = _data.OpenDb())
        {
            await db.GetService<IMigrator>().MigrateAsync(Initial);
            Assert.Equal([Initial], await db.Database.GetAppliedMigrationsAsync());
        }
        // Rows as the Initial schema had them (the current model has a TeamId it did not have).
        await ExecuteAsync("""
            INSERT INTO "Projects" ("Name", "Description", "CreatedUtc") VALUES
              ('Dolly shots', 'Forward moves', '2026-11-01 10:00:00'),
              ('Orbits', NULL, '2026-11-02 11:30:00');
            """);

        await using (var db = _data.OpenDb())
        {
            await Database.MigrateAsync(db);
            var projects = await db.Projects.Include(p => p.Team).OrderBy(p => p.Id).ToListAsync();
            Assert.Equal(["Dolly shots", "Orbits"], projects.Select(p => p.Name));
            Assert.Equal("Forward moves", projects[0].Description);
            Assert.Equal(new DateTime(2026, 11, 2, 11, 30, 0), projects[1].CreatedUtc);
            var team = Assert.Single(await db.Teams.ToListAsync());
            Assert.Equal("Default team", team.Name);
            Assert.All(projects, p => Assert.Equal(team.Id, p.TeamId));
            Assert.True(team.CreatedUtc > DateTime.UtcNow.AddDays(-1));
        }
        Assert.Empty(await _data.ScalarsAsync("SELECT * FROM pragma_foreign_key_check"));

        // And back down: the projects stay; names unique only within a team become unique again.
        await using (var db = _data.OpenDb())
        {
            var studio = new Team { Name = "Studio" };
            db.Projects.Add(new Project { Name = "Orbits", CreatedUtc = DateTime.UtcNow, Team = studio });
            await db.SaveChangesAsync();
            await db.GetService<IMigrator>().MigrateAsync(Initial);
        }
        Assert.Equal(["Dolly shots", "Orbits", "Orbits (3)"], await _data.ScalarsAsync("SELECT \"Name\" FROM \"Projects\" ORDER BY \"Id\""));
        Assert.DoesNotContain("Teams", await _data.ScalarsAsync("SELECT name FROM sqlite_master WHERE type = 'table'"));
    }

    [Fact]
    public async Task AnEmptyDatabaseGetsNoDefaultTeam()
    {
        await using var db = _data.OpenDb();
        await Database.MigrateAsync(db);
        Assert.Empty(await db.Teams.ToListAsync());
    }

    [Fact]
    public async Task AssetsAreUniquePerProjectKindAndContent()
    {
        await using var db = _data.OpenDb();
        await Database.MigrateAsync(db);
        var project = new Project { Name = "Pans", CreatedUtc = DateTime.UtcNow, Team = new Team { Name = "Lab" } };
        var hash = new string('a', 64);
        db.Assets.Add(NewAsset(project, AssetKind.TargetImage, hash));
        db.Assets.Add(NewAsset(project, AssetKind.DepthMap, hash)); // same file, another role: allowed
        await db.SaveChangesAsync();
        db.Assets.Add(NewAsset(project, AssetKind.TargetImage, hash));
        var ex = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
        Assert.Contains("UNIQUE", ex.InnerException!.Message);
    }

    [Fact]
    public async Task AnAssetUsedByAPairCannotBeDeletedUnderIt()
    {
        await using var db = _data.OpenDb();
        await Database.MigrateAsync(db);
        var project = new Project { Name = "Pans", CreatedUtc = DateTime.UtcNow, Team = new Team { Name = "Lab" } };
        var video = NewAsset(project, AssetKind.ReferenceVideo, new string('b', 64));
        var image = NewAsset(project, AssetKind.TargetImage, new string('c', 64));
        db.Pairs.Add(new Pair { Name = "pan on statue", Project = project, ReferenceAsset = video, TargetAsset = image, CreatedUtc = DateTime.UtcNow });
        await db.SaveChangesAsync();

        var deleted = await db.Database.ExecuteSqlRawAsync("DELETE FROM \"Assets\" WHERE \"Id\" = {0}", video.Id)
            .ContinueWith(t => t.Exception?.InnerException);
        Assert.IsType<SqliteException>(deleted);
        Assert.Contains("FOREIGN KEY", deleted!.Message);

        // Deleting the whole project removes its pairs and assets together.
        await db.Database.ExecuteSqlRawAsync("DELETE FROM \"Projects\" WHERE \"Id\" = {0}", project.Id);
        Assert.Equal(0, await db.Assets.CountAsync());
        Assert.Equal(0, await db.Pairs.CountAsync());
    }

    [Fact]
    public async Task JobsAndScoresGoWithTheirProjectPairAndOutput()
    {
        await using var db = _data.OpenDb();
        await Database.MigrateAsync(db);
        var project = new Project { Name = "Pans", CreatedUtc = DateTime.UtcNow, Team = new Team { Name = "Lab" } };
        var video = NewAsset(project, AssetKind.ReferenceVideo, new string('b', 64));
        var image = NewAsset(project, AssetKind.TargetImage, new string('c', 64));
        var output = NewAsset(project, AssetKind.Output, new string('d', 64));
        var pair = new Pair { Name = "pan", Project = project, ReferenceAsset = video, TargetAsset = image, CreatedUtc = DateTime.UtcNow };
        output.Pair = pair;
        db.Assets.Add(output);
        db.Jobs.Add(new Job { Kind = JobKind.Render, State = JobState.Succeeded, Project = project, Pair = pair, Asset = output, ParametersJson = "{}", MaxAttempts = 3, CreatedUtc = DateTime.UtcNow });
        db.Jobs.Add(new Job { Kind = JobKind.ScoreOutput, State = JobState.Queued, Project = project, Asset = video, ParametersJson = "{}", MaxAttempts = 3, CreatedUtc = DateTime.UtcNow });
        db.OutputScores.Add(new OutputScore { Asset = output, ReferenceAssetId = 0, CameraScore = 0.25, ResultJson = "{\"cameraScore\":0.25}", ScoredUtc = DateTime.UtcNow });
        await db.SaveChangesAsync();
        Assert.Equal(["Render", "ScoreOutput"], await _data.ScalarsAsync("SELECT \"Kind\" FROM \"Jobs\" ORDER BY \"Kind\""));

        // An output deleted: its score goes, the job that made it stays (without the link).
        await db.Database.ExecuteSqlRawAsync("DELETE FROM \"Assets\" WHERE \"Id\" = {0}", output.Id);
        Assert.Equal(0, await db.OutputScores.CountAsync());
        Assert.Equal([""], await _data.ScalarsAsync("SELECT \"AssetId\" FROM \"Jobs\" WHERE \"Kind\" = 'Render'"));
        // The pair deleted: its jobs go; the project deleted: all of them.
        await db.Database.ExecuteSqlRawAsync("DELETE FROM \"Pairs\" WHERE \"Id\" = {0}", pair.Id);
        Assert.Equal(1, await db.Jobs.CountAsync());
        await db.Database.ExecuteSqlRawAsync("DELETE FROM \"Projects\" WHERE \"Id\" = {0}", project.Id);
        Assert.Equal(0, await db.Jobs.CountAsync());
    }

    [Fact]
    public async Task TheJobsMigrationGoesDownAndUpKeepingEverythingElse()
    {
        await using (var db = _data.OpenDb())
        {
            await Database.MigrateAsync(db);
            db.Projects.Add(new Project { Name = "Dolly shots", CreatedUtc = DateTime.UtcNow, Team = new Team { Name = "Lab" } });
            await db.SaveChangesAsync();
            await db.GetService<IMigrator>().MigrateAsync(AccountsAndAssets);
        }
        var tables = await _data.ScalarsAsync("SELECT name FROM sqlite_master WHERE type = 'table'");
        Assert.DoesNotContain("Jobs", tables);
        Assert.DoesNotContain("OutputScores", tables);
        await using (var db = _data.OpenDb())
        {
            await Database.MigrateAsync(db);
            Assert.Equal("Dolly shots", (await db.Projects.SingleAsync()).Name);
            Assert.Equal(0, await db.Jobs.CountAsync());
        }
    }

    [Fact]
    public async Task TheSharingMigrationGoesDownAndUpKeepingScores()
    {
        await using (var db = _data.OpenDb())
        {
            await Database.MigrateAsync(db);
            var project = new Project { Name = "Dolly shots", CreatedUtc = DateTime.UtcNow, Team = new Team { Name = "Lab" } };
            var output = NewAsset(project, AssetKind.Output, "o");
            db.OutputScores.Add(new OutputScore { Asset = output, CameraScore = 0.25, ResultJson = "{}", MotionJson = "{}", ScoredUtc = DateTime.UtcNow });
            await db.SaveChangesAsync();
            await db.GetService<IMigrator>().MigrateAsync(Jobs);
        }
        var tables = await _data.ScalarsAsync("SELECT name FROM sqlite_master WHERE type = 'table'");
        Assert.DoesNotContain("ShareLinks", tables);
        Assert.DoesNotContain("Comments", tables);
        Assert.DoesNotContain("MotionJson", await ColumnsAsync("OutputScores"));
        await using (var db = _data.OpenDb())
        {
            await Database.MigrateAsync(db);
            var score = await db.OutputScores.SingleAsync();
            Assert.Equal(0.25, score.CameraScore);
            Assert.Null(score.MotionJson);
        }
    }

    [Fact]
    public async Task ShareTokensAreUniqueAndLinksGoWithTheirPair()
    {
        await using var db = _data.OpenDb();
        await Database.MigrateAsync(db);
        var project = new Project { Name = "Dolly shots", CreatedUtc = DateTime.UtcNow, Team = new Team { Name = "Lab" } };
        var pair = new Pair { Project = project, Name = "p", ReferenceAsset = NewAsset(project, AssetKind.ReferenceVideo, "r"), TargetAsset = NewAsset(project, AssetKind.TargetImage, "t") };
        ShareLink Link() => new() { Pair = pair, Label = "l", TokenHash = "same", TokenProtected = "x", ExpiresUtc = DateTime.UtcNow, CreatedUtc = DateTime.UtcNow };
        db.ShareLinks.Add(Link());
        db.Comments.Add(new Comment { Pair = pair, Body = "shaky at 2 s", TimeSeconds = 2, CreatedUtc = DateTime.UtcNow });
        await db.SaveChangesAsync();
        db.ShareLinks.Add(Link());
        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
        db.ChangeTracker.Clear();
        await db.Database.ExecuteSqlRawAsync("DELETE FROM \"Pairs\"");
        Assert.Equal(0, await db.ShareLinks.CountAsync());
        Assert.Equal(0, await db.Comments.CountAsync());
    }

    private static Asset NewAsset(Project project, AssetKind kind, string hash) => new()
    {
        Project = project, Kind = kind, DisplayName = "x", Sha256 = hash, MediaType = "image/png", SizeBytes = 1,
        Width = 1, Height = 1, CreatedUtc = DateTime.UtcNow,
    };

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new SqliteConnection(Database.ConnectionString(_data.Path));
        await connection.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync();
    }


    private Task<List<string>> ColumnsAsync(string table) => _data.ScalarsAsync($"SELECT name FROM pragma_table_info('{table}') ORDER BY cid");
}
