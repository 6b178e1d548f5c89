using CamReview.Data;
using Microsoft.EntityFrameworkCore;

namespace CamReview.Web.Health;

/// <summary>The two checks of /health that read everything: the database file's integrity (<c>PRAGMA quick_check</c>,
/// <c>foreign_key_check</c>) and the media files of every asset row. Both cost time proportional to the data, so
/// each runs at most once per <see cref="HealthOptions.CheckMinutes"/> whatever the traffic (concurrent requests wait
/// for the same run) and /health answers from the last result; an administrator asks for a fresh run with
/// <c>/health?refresh=true</c>. A request that fails on a damaged database marks the integrity result stale, so the
/// next /health looks again at once.</summary>
public sealed class StorageHealth(IDbContextFactory<CamReviewDb> dbs, PortalOptions options, ILogger<StorageHealth> log, TimeProvider? clock = null)
{
    private readonly TimeProvider time = clock ?? TimeProvider.System;

    public sealed record Checked<T>(T Value, DateTimeOffset CheckedAt);

    private readonly Cached<IntegrityReport> _integrity = new();
    private readonly Cached<MediaScan> _media = new();

    public Task<Checked<IntegrityReport>> IntegrityAsync(bool refresh, CancellationToken ct) =>
        _integrity.GetAsync(refresh, Fresh, async () =>
        {
            var report = await DataFolderCheck.IntegrityAsync(options.DataDir, full: false, ct);
            if (!report.Ok) log.LogError("The database {File} failed its check: {Problems}", DatabaseFile, Summary(report));
            return report;
        }, time);

    public Task<Checked<MediaScan>> MediaAsync(bool refresh, CancellationToken ct) =>
        _media.GetAsync(refresh, Fresh, async () =>
        {
            await using var db = await dbs.CreateDbContextAsync(ct);
            var scan = await DataFolderCheck.MediaAsync(db, options.DataDir, ct: ct);
            if (scan.Missing > 0) log.LogWarning("{Missing} of {Assets} assets have files missing from {MediaFolder}", scan.Missing, scan.Assets, MediaFiles.MediaRoot(options.DataDir));
            return scan;
        }, time);

    /// <summary>A request failed on a damaged database: the next integrity check runs at once.</summary>
    public void CorruptionSeen() => _integrity.Invalidate();

    public string DatabaseFile => Path.Combine(options.DataDir, Database.FileName);

    private TimeSpan Fresh => TimeSpan.FromMinutes(options.Health.CheckMinutes);

    public static string Summary(IntegrityReport report) =>
        report.Error ?? string.Join("; ", report.Problems.Concat(report.ForeignKeyProblems));

    /// <summary>A value computed at most once per period, by one caller at a time.</summary>
    private sealed class Cached<T>
    {
        private readonly SemaphoreSlim _lock = new(1, 1);
        private Checked<T>? _last;
        private bool _stale;

        public void Invalidate() => _stale = true;

        public async Task<Checked<T>> GetAsync(bool refresh, TimeSpan fresh, Func<Task<T>> compute, TimeProvider time)
        {
            var requested = time.GetUtcNow();
            if (!refresh && IsFresh(_last, fresh, time)) return _last!;
            await _lock.WaitAsync();
            try
            {
                // Someone else ran it while this caller waited: that result is as new as asked for.
                if (_last is { } last && (last.CheckedAt >= requested || !refresh && IsFresh(last, fresh, time))) return last;
                _stale = false;
                return _last = new Checked<T>(await compute(), time.GetUtcNow());
            }
            finally
            {
                _lock.Release();
            }
        }

        private bool IsFresh(Checked<T>? last, TimeSpan fresh, TimeProvider time) =>
            last is not null && !_stale && time.GetUtcNow() - last.CheckedAt < fresh;
    }
}
