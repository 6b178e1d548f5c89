using CamReview.Data.Entities;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CamReview.Data.Tests;

public sealed class MigrationTests : IDisposable
{
    private readonly TempDataDir _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task ModelHasNoPendingChanges()
    {
        await using var db = _data.OpenDb();
        // Fails when an entity changed without a hand-written migration and snapshot update.
        Assert.False(db.Database.HasPendingModelChanges(),
            "The model has changes that no migration covers: add a migration in migrations/ and update the snapshot.");
    }

    [Fact]
    public async Task MigrateCreatesTheDatabaseInWalModeAndIsRepeatable()
    {
        await using (var db = _data.OpenDb())
        {
            await Database.MigrateAsync(db);
            Assert.Equal("wal", await Database.JournalModeAsync(db));
            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
            Assert.Contains("20261121000000_Initial", await db.Database.GetAppliedMigrationsAsync());
            db.Projects.Add(new Project { Name = "Dolly shots", CreatedUtc = DateTime.UtcNow });
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
    public async Task ProjectNamesAreUniqueAndBounded()
    {
        await using var db = _data.OpenDb();
        await Database.MigrateAsync(db);
        db.Projects.Add(new Project { Name = "Orbit", CreatedUtc = DateTime.UtcNow });
        await db.SaveChangesAsync();
        db.Projects.Add(new Project { Name = "Orbit", CreatedUtc = DateTime.UtcNow });
        var ex = await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
        Assert.Contains("UNIQUE", ex.InnerException!.Message);
    }

    [Fact]
    public async Task TheSchemaHasTheMigratedColumns()
    {
        await using var db = _data.OpenDb();
        await Database.MigrateAsync(db);
        await using var connection = new SqliteConnection(Database.ConnectionString(_data.Path));
        await connection.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT name FROM pragma_table_info('Projects') ORDER BY cid";
        var columns = new List<string>();
        await using (var reader = await cmd.ExecuteReaderAsync())
            while (await reader.ReadAsync()) columns.Add(reader.GetString(0));
        Assert.Equal(["Id", "Name", "Description", "CreatedUtc"], columns);
    }
}
