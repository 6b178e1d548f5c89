using CamReview.Data;
using CamReview.Web.Accounts;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CamReview.Web.Health;

/// <summary>Whether this /health request asks for fresh results: <c>?refresh=true</c> from a signed-in administrator
/// (anyone else gets the cached ones, so nobody can make the portal re-read everything on every request).</summary>
internal static class HealthRefresh
{
    public static bool Requested(IHttpContextAccessor http) =>
        http.HttpContext is { } context && HealthReportWriter.IsAdministrator(context) &&
        bool.TryParse(context.Request.Query["refresh"], out var refresh) && refresh;
}

/// <summary>The database file passes SQLite's <c>PRAGMA quick_check</c> (Unhealthy otherwise) and
/// <c>PRAGMA foreign_key_check</c> (Degraded otherwise). Cached, see <see cref="StorageHealth"/>. On PostgreSQL there is
/// no file of the portal's to check: the server enforces the foreign keys and looks after its own pages.</summary>
public sealed class IntegrityHealthCheck(StorageHealth storage, IHttpContextAccessor http, DatabaseTarget target) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        if (target.Provider != DatabaseProvider.Sqlite)
            return HealthCheckResult.Healthy("not applicable: the PostgreSQL server keeps its own integrity", new Dictionary<string, object> { ["check"] = "none" });
        var (report, checkedAt) = await storage.IntegrityAsync(HealthRefresh.Requested(http), ct);
        var data = new Dictionary<string, object> { ["check"] = "quick_check", ["checkedUtc"] = checkedAt.UtcDateTime };
        if (report.Problems.Count > 0) data["problems"] = report.Problems;
        if (report.ForeignKeyProblems.Count > 0) data["foreignKeyProblems"] = report.ForeignKeyProblems;
        if (report.Error is not null || report.Problems.Count > 0)
            return HealthCheckResult.Unhealthy($"{StorageHealth.Summary(report)}: restore the data folder from a backup; `camreview db check` reports the details", data: data);
        return report.ForeignKeyProblems.Count > 0
            ? HealthCheckResult.Degraded($"{report.ForeignKeyProblems.Count} row(s) refer to rows that do not exist", data: data)
            : HealthCheckResult.Healthy("ok", data);
    }
}

/// <summary>Every asset row has its file, poster and thumbnail in the media folder; Degraded with the count (and the
/// first few assets, by id and name) otherwise. Cached, see <see cref="StorageHealth"/>.</summary>
public sealed class MediaHealthCheck(StorageHealth storage, IHttpContextAccessor http) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        StorageHealth.Checked<MediaScan> result;
        try
        {
            result = await storage.MediaAsync(HealthRefresh.Requested(http), ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"the media files could not be checked: {e.Message}", e);
        }
        var (scan, checkedAt) = result;
        var data = new Dictionary<string, object> { ["assets"] = scan.Assets, ["missing"] = scan.Missing, ["checkedUtc"] = checkedAt.UtcDateTime };
        if (scan.Missing == 0) return HealthCheckResult.Healthy($"{scan.Assets} asset(s), every file present", data);
        data["firstMissing"] = scan.First.Select(m => new { m.AssetId, m.ProjectId, kind = m.Kind.ToString(), name = m.DisplayName, m.Files }).ToList();
        return HealthCheckResult.Degraded($"{scan.Missing} of {scan.Assets} asset(s) have files missing: restore the media folder from a backup, or delete those assets", data: data);
    }
}
