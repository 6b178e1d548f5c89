using CamReview.Data;
using CamReview.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;

namespace CamReview.Web.Tests;

/// <summary>What <c>camreview db copy</c> refuses: each refusal exits 1 with a message that says why, and leaves the
/// target as it was (and a target database that did not exist is not created).</summary>
public sealed class DatabaseCopyRefusalTests : IAsyncLifetime
{
    /// <summary>A portal's data folder at this release's schema, with a team and its owner.</summary>
    private readonly string _source = Directory.CreateTempSubdirectory("camreview-copy-source-").FullName;

    public async Task InitializeAsync()
    {
        await using var db = new CamReviewDb(Database.Options(_source));
        await Database.MigrateAsync(db);
        var team = new Team { Name = "Lab", CreatedUtc = DateTime.UtcNow };
        var user = new User { Email = "ada@camreview.test", DisplayName = "Ada", PasswordHash = "x", SecurityStamp = "s", CreatedUtc = DateTime.UtcNow };
        db.TeamMembers.Add(new TeamMember { Team = team, User = user, Role = TeamRole.Owner, AddedUtc = DateTime.UtcNow });
        await db.SaveChangesAsync();
    }

    public Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_source, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task AnUnreachableServerIsNamed()
    {
        var port = CamReview.Tests.TestServers.FreePort();
        await RefusedAsync($"sqlite:{_source}", $"postgres:Host=127.0.0.1;Port={port};Database=nowhere;Username=postgres",
            $"cannot reach the PostgreSQL server of the target (127.0.0.1:{port}/nowhere): Connection refused");

        var (server, name) = await AbsentDatabaseAsync();
        var stranger = new NpgsqlConnectionStringBuilder(server) { Username = "nobody", Database = name };
        await RefusedAsync($"sqlite:{_source}", $"postgres:{stranger}", "the PostgreSQL server of the target", "refused the connection: role \"nobody\" does not exist");
        Assert.False(await ExistsAsync(server, name));
    }

    [Fact]
    public async Task ARowTheTargetCannotHoldRollsTheWholeCopyBack()
    {
        // SQLite does not enforce lengths; PostgreSQL's varchar(200) does.
        await using (var db = new CamReviewDb(Database.Options(_source)))
            await db.Database.ExecuteSqlAsync($"INSERT INTO \"Teams\" (\"Name\", \"CreatedUtc\") VALUES ({new string('x', CamReviewDb.NameMaxLength + 1)}, '2026-12-01 10:00:00')");
        var target = await CamReview.Tests.TestServers.NewPostgresDatabaseAsync();
        await RefusedAsync($"sqlite:{_source}", $"postgres:{target}", "the copy failed at table Teams and was rolled back, the target holds no copied row", "character varying(200)");
        var tables = await TablesAsync(target);
        Assert.Contains("Users: 0", tables);
        Assert.All(tables.Where(t => !t.StartsWith("__EFMigrations", StringComparison.Ordinal)), t => Assert.EndsWith(": 0", t));
    }

    [Fact]
    public async Task AMalformedConnectionStringIsRefusedWithoutRepeatingIt()
    {
        var stderr = await RefusedAsync($"sqlite:{_source}", "postgres:Host=127.0.0.1;Password=hunter2;Colour=blue", "the PostgreSQL connection string cannot be read");
        Assert.DoesNotContain("hunter2", stderr);
        await RefusedAsync($"sqlite:{_source}", "postgres:Database=camreview", "the PostgreSQL connection string names no server");
    }

    [Fact]
    public async Task AMissingSourceIsRefusedAndNoTargetIsCreated()
    {
        var (server, name) = await AbsentDatabaseAsync();
        var missing = Path.Combine(_source, "no-such-folder");
        await RefusedAsync($"sqlite:{missing}", $"postgres:{server};Database={name}", $"there is no data folder {missing}");
        var empty = Directory.CreateTempSubdirectory("camreview-copy-empty-").FullName;
        await RefusedAsync($"sqlite:{empty}", $"postgres:{server};Database={name}", $"there is no portal database in {empty} (camreview.db not found)");
        Assert.False(File.Exists(Path.Combine(empty, Database.FileName)));
        Directory.Delete(empty);
        Assert.False(await ExistsAsync(server, name));
    }

    [Fact]
    public async Task ASourceAtAnOlderSchemaIsRefused()
    {
        var old = Directory.CreateTempSubdirectory("camreview-copy-old-").FullName;
        await using (var db = new CamReviewDb(Database.Options(old)))
            await db.GetService<IMigrator>().MigrateAsync(db.Database.GetMigrations().First());
        var target = await CamReview.Tests.TestServers.NewPostgresDatabaseAsync();
        await RefusedAsync($"sqlite:{old}", $"postgres:{target}", "the source database", "migration(s) of this release", "start the portal on it once");
        Assert.Empty(await TablesAsync(target));
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(old, recursive: true);
    }

    [Fact]
    public async Task ATargetWithRowsIsRefusedUnchangedAtAnySchema()
    {
        // At this release's schema, one row in one table.
        var current = await CamReview.Tests.TestServers.NewPostgresDatabaseAsync();
        await using (var db = new CamReviewDb(Database.Options(DatabaseTarget.Postgres(current))))
        {
            await Database.MigrateAsync(db);
            db.Teams.Add(new Team { Name = "Already here", CreatedUtc = DateTime.UtcNow });
            await db.SaveChangesAsync();
        }
        var before = await TablesAsync(current);
        await RefusedAsync($"sqlite:{_source}", $"postgres:{current}", "is not empty (table Teams has 1 row(s))", "it was not changed");
        Assert.Equal(before, await TablesAsync(current));

        // At the first migration: refused before it is migrated.
        var older = await CamReview.Tests.TestServers.NewPostgresDatabaseAsync();
        await using (var db = new CamReviewDb(Database.Options(DatabaseTarget.Postgres(older))))
        {
            await db.GetService<IMigrator>().MigrateAsync(db.Database.GetMigrations().First());
            await db.Database.ExecuteSqlRawAsync("INSERT INTO \"Teams\" (\"Name\", \"CreatedUtc\") VALUES ('Older', now())");
        }
        before = await TablesAsync(older);
        await RefusedAsync($"sqlite:{_source}", $"postgres:{older}", "is not empty (table Teams has 1 row(s))");
        Assert.Equal(before, await TablesAsync(older));
    }

    [Fact]
    public async Task AnEmptyTargetAtAnOlderSchemaIsMigratedAndCopiedInto()
    {
        var older = await CamReview.Tests.TestServers.NewPostgresDatabaseAsync();
        await using (var db = new CamReviewDb(Database.Options(DatabaseTarget.Postgres(older))))
            await db.GetService<IMigrator>().MigrateAsync(db.Database.GetMigrations().First());
        await CliProcess.RunOkAsync("db", "copy", "--from", $"sqlite:{_source}", "--to", $"postgres:{older}");
        await using var copy = new CamReviewDb(Database.Options(DatabaseTarget.Postgres(older)));
        Assert.Empty(await copy.Database.GetPendingMigrationsAsync());
        var member = await copy.TeamMembers.Include(m => m.Team).Include(m => m.User).SingleAsync();
        Assert.Equal(("Lab", "ada@camreview.test", TeamRole.Owner), (member.Team.Name, member.User.Email, member.Role));
    }

    [Fact]
    public async Task ATargetOfAnotherReleaseOrApplicationIsRefusedUnchanged()
    {
        var newer = await CamReview.Tests.TestServers.NewPostgresDatabaseAsync();
        await using (var db = new CamReviewDb(Database.Options(DatabaseTarget.Postgres(newer))))
        {
            await Database.MigrateAsync(db);
            await db.Database.ExecuteSqlRawAsync("INSERT INTO \"__EFMigrationsHistory\" VALUES ('29990101000000_FromTheFuture', '99.0.0')");
        }
        var before = await TablesAsync(newer);
        await RefusedAsync($"sqlite:{_source}", $"postgres:{newer}", "has migration(s) this release does not know (29990101000000_FromTheFuture)");
        Assert.Equal(before, await TablesAsync(newer));

        var foreign = await CamReview.Tests.TestServers.NewPostgresDatabaseAsync();
        await using (var connection = new NpgsqlConnection(foreign))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand("CREATE TABLE notes (id integer)", connection);
            await create.ExecuteNonQueryAsync();
        }
        await RefusedAsync($"sqlite:{_source}", $"postgres:{foreign}", "holds tables that are not a CamReview portal's (notes, ...)");
        Assert.Equal(["notes: 0"], await TablesAsync(foreign));
    }

    [Fact]
    public async Task TheSameDatabaseAsSourceAndTargetIsRefused()
    {
        var file = Path.Combine(_source, Database.FileName);
        var before = await File.ReadAllBytesAsync(file);
        await RefusedAsync($"sqlite:{_source}", $"sqlite:{_source}{Path.DirectorySeparatorChar}", "the source and the target are the same database");
        Assert.Equal(before, await File.ReadAllBytesAsync(file));

        var target = await CamReview.Tests.TestServers.NewPostgresDatabaseAsync();
        var builder = new NpgsqlConnectionStringBuilder(target) { ApplicationName = "another spelling" };
        await RefusedAsync($"postgres:{target}", $"postgres:{builder}", "the source and the target are the same database");
    }

    /// <summary>Runs the copy; asserts it exits 1 with all of <paramref name="expected"/> in its one line on stderr, and
    /// prints nothing on stdout. The whole line, for more checks.</summary>
    private static async Task<string> RefusedAsync(string from, string to, params string[] expected)
    {
        var result = await CliProcess.RunAsync("db", "copy", "--from", from, "--to", to);
        Assert.True(result.ExitCode == 1, $"exit {result.ExitCode}: {result.Stderr}{result.Stdout}");
        Assert.Equal("", result.Stdout);
        Assert.StartsWith("camreview: ", result.Stderr);
        foreach (var text in expected) Assert.Contains(text, result.Stderr);
        return result.Stderr;
    }

    /// <summary>The database's tables with their row counts, sorted ("Teams: 1").</summary>
    private static async Task<List<string>> TablesAsync(string connectionString)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        var names = new List<string>();
        await using (var list = new NpgsqlCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name", connection))
        await using (var reader = await list.ExecuteReaderAsync())
            while (await reader.ReadAsync()) names.Add(reader.GetString(0));
        var tables = new List<string>();
        foreach (var name in names)
        {
            await using var count = new NpgsqlCommand($"SELECT COUNT(*) FROM \"{name}\"", connection);
            tables.Add($"{name}: {await count.ExecuteScalarAsync()}");
        }
        return tables;
    }

    /// <summary>The test server's connection string without a database, and a database name it does not have.</summary>
    private static async Task<(string Server, string Name)> AbsentDatabaseAsync()
    {
        var existing = new NpgsqlConnectionStringBuilder(await CamReview.Tests.TestServers.NewPostgresDatabaseAsync()) { Database = null };
        return (existing.ToString(), $"camreview_absent_{Guid.NewGuid():N}");
    }

    private static async Task<bool> ExistsAsync(string server, string name)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(server) { Database = "postgres" }.ToString());
        await connection.OpenAsync();
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = @name", connection) { Parameters = { new("name", name) } };
        return await exists.ExecuteScalarAsync() is not null;
    }
}
