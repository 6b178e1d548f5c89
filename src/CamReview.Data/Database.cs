using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CamReview.Data;

/// <summary>How the portal, the CLI and the tests open the SQLite database in a data folder.</summary>
public static class Database
{
    public const string FileName = "camreview.db";
    public const string MigrationsAssembly = "CamReview.Migrations";

    public static string ConnectionString(string dataDir) => new SqliteConnectionStringBuilder
    {
        DataSource = Path.Combine(dataDir, FileName),
        Pooling = true,
        // Writers wait (rather than fail) while another connection holds the write lock.
        DefaultTimeout = 30,
    }.ToString();

    public static DbContextOptionsBuilder UseCamReviewSqlite(this DbContextOptionsBuilder options, string dataDir) =>
        options.UseSqlite(ConnectionString(dataDir), sqlite => sqlite.MigrationsAssembly(MigrationsAssembly));

    public static DbContextOptions<CamReviewDb> Options(string dataDir) =>
        ((DbContextOptionsBuilder<CamReviewDb>)new DbContextOptionsBuilder<CamReviewDb>().UseCamReviewSqlite(dataDir)).Options;

    /// <summary>Creates the data folder and database when absent, applies pending migrations, and turns on WAL
    /// so that readers (compare pages, results) never block the writers (jobs, votes).</summary>
    public static async Task MigrateAsync(CamReviewDb db, CancellationToken ct = default)
    {
        var source = new SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource;
        var dir = Path.GetDirectoryName(Path.GetFullPath(source));
        if (dir is not null) Directory.CreateDirectory(dir);
        await db.Database.MigrateAsync(ct);
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
    }

    /// <summary>The journal mode SQLite reports for this database ("wal" once migrated).</summary>
    public static async Task<string> JournalModeAsync(CamReviewDb db, CancellationToken ct = default)
    {
        var connection = db.Database.GetDbConnection();
        if (connection.State != System.Data.ConnectionState.Open) await connection.OpenAsync(ct);
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode;";
        return (string)(await cmd.ExecuteScalarAsync(ct))!;
    }
}
