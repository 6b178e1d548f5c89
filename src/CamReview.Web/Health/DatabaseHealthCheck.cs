using CamReview.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CamReview.Web.Health;

/// <summary>The SQLite database answers, is fully migrated and runs in WAL mode.</summary>
public sealed class DatabaseHealthCheck(IDbContextFactory<CamReviewDb> dbs, PortalOptions options, StorageHealth storage) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            await using var db = await dbs.CreateDbContextAsync(ct);
            var pending = (await db.Database.GetPendingMigrationsAsync(ct)).ToList();
            var data = new Dictionary<string, object>
            {
                ["file"] = Path.Combine(options.DataDir, Database.FileName),
                ["journalMode"] = await Database.JournalModeAsync(db, ct),
                ["appliedMigrations"] = (await db.Database.GetAppliedMigrationsAsync(ct)).Count(),
                ["pendingMigrations"] = pending.Count,
            };
            return pending.Count == 0
                ? HealthCheckResult.Healthy("SQLite", data)
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
