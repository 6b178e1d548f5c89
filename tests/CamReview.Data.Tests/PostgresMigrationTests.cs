using CamReview.Data.Entities;
using CamReview.Tests;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace CamReview.Data.Tests;

/// <summary>The PostgreSQL migrations (migrations/CamReview.Migrations.Postgres) against a real server
/// (<see cref="TestServers"/>): they cover the model, apply to an empty database, and the constraints the portal
/// relies on hold there as they do on SQLite.</summary>
public sealed class PostgresMigrationTests
{
    private const string Initial = "20261204180116_Initial";
    private const string CommentThreads = "20261205135140_CommentThreads";
    private const string CommentDrawings = "20261205151550_CommentDrawings";
    private const string GuestComments = "20261207150004_GuestComments";
    private const string RenderWorkers = "20261207150008_RenderWorkers";

    private static async Task<CamReviewDb> MigratedAsync()
    {
        var db = new CamReviewDb(Database.Options(DatabaseTarget.Postgres(await TestServers.NewPostgresDatabaseAsync())));
        await Database.MigrateAsync(db);
        return db;
    }

    [Fact]
    public async Task ModelHasNoPendingChanges()
    {
        await using var db = new CamReviewDb(Database.Options(DatabaseTarget.Postgres("Host=127.0.0.1;Database=unused")));
        Assert.False(db.Database.HasPendingModelChanges(),
            "The model has changes that no PostgreSQL migration covers: add one (migrations/CamReview.Migrations.Postgres/README.md).");
    }

    [Fact]
    public async Task MigrationsApplyToAnEmptyDatabaseAndAreRepeatable()
    {
        await using var db = await MigratedAsync();
        Assert.Equal([Initial, CommentThreads, CommentDrawings, GuestComments, RenderWorkers], await db.Database.GetAppliedMigrationsAsync());
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        var created = new DateTime(2026, 11, 21, 9, 30, 0, DateTimeKind.Utc);
        db.Projects.Add(new Project { Name = "Dolly shots", CreatedUtc = created, Team = new Team { Name = "Lab", CreatedUtc = created } });
        await db.SaveChangesAsync();

        await Database.MigrateAsync(db);
        db.ChangeTracker.Clear();
        var project = await db.Projects.SingleAsync();
        Assert.Equal("Dolly shots", project.Name);
        Assert.Equal(created, project.CreatedUtc);
        Assert.Equal(DateTimeKind.Utc, project.CreatedUtc.Kind);
    }

    [Fact]
    public async Task UniqueIndexesFiltersAndForeignKeysHold()
    {
        await using var db = await MigratedAsync();
        var project = new Project { Name = "Pans", CreatedUtc = DateTime.UtcNow, Team = new Team { Name = "Lab" } };
        var video = NewAsset(project, AssetKind.ReferenceVideo, new string('b', 64));
        var image = NewAsset(project, AssetKind.TargetImage, new string('c', 64));
        db.Pairs.Add(new Pair { Name = "pan on statue", Project = project, ReferenceAsset = video, TargetAsset = image, CreatedUtc = DateTime.UtcNow });
        await db.SaveChangesAsync();

        // The same content twice in one role: refused by the unique index.
        db.Assets.Add(NewAsset(project, AssetKind.TargetImage, new string('c', 64)));
        var duplicate = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
        Assert.Equal(PostgresErrorCodes.UniqueViolation, Assert.IsType<PostgresException>(duplicate.InnerException).SqlState);
        db.ChangeTracker.Clear();

        // An asset a pair uses cannot be deleted under it; the project takes both with it.
        var refused = await Assert.ThrowsAsync<PostgresException>(() => db.Database.ExecuteSqlRawAsync("DELETE FROM \"Assets\" WHERE \"Id\" = {0}", video.Id));
        Assert.True(DatabaseErrors.IsForeignKeyViolation(refused));
        await db.Database.ExecuteSqlRawAsync("DELETE FROM \"Projects\" WHERE \"Id\" = {0}", project.Id);
        Assert.Equal(0, await db.Assets.CountAsync());

        // At most one pending invitation per team and address (a filtered index), any number of answered ones.
        var team = await db.Teams.SingleAsync();
        db.TeamInvitations.Add(Invitation(team, InvitationState.Declined));
        db.TeamInvitations.Add(Invitation(team, InvitationState.Pending));
        await db.SaveChangesAsync();
        db.TeamInvitations.Add(Invitation(team, InvitationState.Pending));
        await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
    }

    private static TeamInvitation Invitation(Team team, InvitationState state) => new()
    {
        Team = team, Email = "grace@camreview.test", Role = TeamRole.Viewer, State = state, CreatedUtc = DateTime.UtcNow, ExpiresUtc = DateTime.UtcNow.AddDays(14),
    };

    private static Asset NewAsset(Project project, AssetKind kind, string hash) => new()
    {
        Project = project, Kind = kind, DisplayName = "x", Sha256 = hash, MediaType = "image/png", SizeBytes = 1,
        Width = 1, Height = 1, CreatedUtc = DateTime.UtcNow,
    };
}
