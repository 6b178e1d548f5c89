using CamReview.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CamReview.Web.Health;

/// <summary>The database answers and is fully migrated; it names its provider (and, on SQLite, its file and journal
/// mode: WAL once migrated).</summary>
public sealed class DatabaseHealthCheck(IDbContextFactory<CamReviewDb> dbs, DatabaseTarget target, StorageHealth storage) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            await using var db = await dbs.CreateDbContextAsync(ct);
            var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
            var data = new Dictionary<string, object>
            {
                ["provider"] = target.ProviderName,
                ["appliedMigrations"] = (await db.Database.GetAppliedMigrationsAsync(ct)).Count(),
                ["pendingMigrations"] = pending.Count,
            };
            if (target.Provider == DatabaseProvider.Sqlite)
            {
                data["file"] = target.Describe();
                data["journalMode"] = await Database.JournalModeAsync(db, ct);
            }
            else data["server"] = target.Describe();
            return pending.Count == 0
                ? HealthCheckResult.Healthy(target.Provider == DatabaseProvider.Sqlite ? "SQLite" : "PostgreSQL", data)
                : HealthCheckResult.Unhealthy($"pending migrations: {string.Join(", ", pending)}", data: data);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The integrity check's last result may predate the damage: it looks again on the next request.
            if (DataFolderCheck.IsCorruption(e)) storage.CorruptionSeen();
            return HealthCheckResult.Unhealthy(e is Microsoft.Data.Sqlite.SqliteException sqlite ? DataFolderCheck.Describe(sqlite) : e.Message, e);
        }
    }
}
