using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Text.Json;
using CamReview.Core.Statistics;
using CamReview.Core.Text;
using CamReview.Data;
using CamReview.Data.Entities;
using CamReview.Pipeline.Analyze;
using CamReview.Pipeline.Score;
using CamReview.Web.Authorization;
using CamReview.Web.Jobs;
using CamReview.Web.Services;
using Microsoft.EntityFrameworkCore;

namespace CamReview.Web.Compare;

/// <summary>Reads comparisons: for a team member (through <see cref="AccessService"/>) or for a share link (which the
/// caller has already resolved), and exports their metrics as CSV and JSON.</summary>
public sealed class ComparisonService(IDbContextFactory<CamReviewDb> dbs, AccessService access)
{
    public async Task<Result<(Comparison Comparison, TeamRole Role)>> GetAsync(ClaimsPrincipal user, int pairId, CancellationToken ct = default)
    {
        var allowed = await access.PairAsync(user, pairId, Permission.ViewProject, ct);
        if (!allowed.Allowed) return allowed.Deny<(Comparison, TeamRole)>();
        var comparison = await LoadAsync(pairId, shared: false, ct);
        return comparison is null ? Result<(Comparison, TeamRole)>.NotFound() : Result<(Comparison, TeamRole)>.Ok((comparison, allowed.Membership!.Role));
    }

    /// <summary>The comparison a valid share link points at (the link is checked by <see cref="ShareLinkService"/>): its
    /// pair only, nothing of the rest of the project, not even its name.</summary>
    public Task<Comparison?> GetSharedAsync(int pairId, CancellationToken ct = default) => LoadAsync(pairId, shared: true, ct);

    private async Task<Comparison?> LoadAsync(int pairId, bool shared, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var pair = await db.Pairs.AsNoTracking().Where(p => p.Id == pairId).Select(PairService.ToView).SingleOrDefaultAsync(ct);
        if (pair is null) return null;
        var projectName = shared ? null : await db.Projects.Where(p => p.Id == pair.ProjectId).Select(p => p.Name).SingleAsync(ct);
        var media = await db.Assets.AsNoTracking().Where(a => a.Id == pair.ReferenceAssetId || a.Id == pair.TargetAssetId)
            .Select(AssetService.ToView).ToDictionaryAsync(a => a.Id, ct);
        var outputs = await db.Assets.AsNoTracking().Where(a => a.PairId == pairId && a.Kind == AssetKind.Output)
            .OrderBy(a => a.Id).Select(AssetService.ToView).ToListAsync(ct);
        var ids = outputs.Select(o => o.Id).ToList();
        var scores = await db.OutputScores.AsNoTracking().Where(s => ids.Contains(s.AssetId))
            .Select(s => new { View = new ScoreView(s.AssetId, s.ReferenceAssetId, s.CameraScore, s.CameraScoreReason, s.ResultJson, s.Device, s.ScoredUtc), s.MotionJson })
            .ToDictionaryAsync(s => s.View.AssetId, ct);
        var reviews = await db.OutputReviews.AsNoTracking().Where(r => ids.Contains(r.AssetId))
            .Select(r => new { r.AssetId, View = new ReviewView(r.Status, r.Reviewer != null ? r.Reviewer.DisplayName : null, r.UpdatedUtc) })
            .ToDictionaryAsync(r => r.AssetId, r => r.View, ct);
        var compared = outputs.Select(o =>
        {
            var score = scores.GetValueOrDefault(o.Id);
            var motion = score?.MotionJson is { } json ? JsonSerializer.Deserialize<StoredMotion>(json, FolderAnalysisCache.JsonOptions) : null;
            return new ComparedOutput(o, score?.View, reviews.GetValueOrDefault(o.Id) ?? ReviewView.Pending, motion);
        }).ToList();

        var points = await db.OutputScores.AsNoTracking()
            .Where(s => s.Asset.ProjectId == pair.ProjectId && s.Asset.PairId != null && (!shared || s.Asset.PairId == pairId))
            .Select(s => new { s.AssetId, PairId = s.Asset.PairId!.Value, PairName = s.Asset.Pair!.Name, s.Asset.MethodName, s.Asset.DisplayName, s.CameraScore, s.ResultJson })
            .ToListAsync(ct);
        var projectPoints = points.Select(p => new ProjectPoint(p.PairId, p.PairName, p.AssetId, p.MethodName ?? p.DisplayName, p.CameraScore,
            new ScoreView(p.AssetId, 0, p.CameraScore, null, p.ResultJson, null, default).Read(MetricCatalogue.SceneSimilarity).Value)).ToList();

        var comments = await CommentQuery(db, pairId).ToListAsync(ct);
        return new Comparison(pair.ProjectId, projectName, pair, media[pair.ReferenceAssetId], media[pair.TargetAssetId], compared, projectPoints, comments);
    }

    /// <summary>Comments of a pair (or just one of them), in time-code order; a thread's replies (same time code) come
    /// after their first comment, oldest first, since ids grow with time.</summary>
    internal static IQueryable<CommentView> CommentQuery(CamReviewDb db, int pairId, int? commentId = null) =>
        db.Comments.AsNoTracking().Where(c => c.PairId == pairId && (commentId == null || c.Id == commentId))
            .OrderBy(c => c.TimeSeconds).ThenBy(c => c.ParentCommentId ?? c.Id).ThenBy(c => c.Id)
            .Select(c => new CommentView(c.Id, c.PairId, c.AssetId, c.Asset != null ? c.Asset.MethodName : null, c.TimeSeconds, c.Body,
                c.GuestName != null ? c.GuestName + CommentView.GuestSuffix : c.Author != null ? c.Author.DisplayName : "a former member", c.CreatedUtc,
                c.AuthorUserId, c.ParentCommentId,
                c.ResolvedUtc == null ? null : c.ResolvedBy != null ? c.ResolvedBy.DisplayName : "a former member", c.ResolvedUtc,
                Drawing.Read(c.DrawingJson), c.GuestName != null));

    /// <summary>The metric table as CSV: one row per output, a value and a reason column per metric (named by the
    /// catalogue's keys: "pce", "pce_reason").</summary>
    public static string MetricsCsv(Comparison comparison)
    {
        var csv = new StringBuilder();
        csv.Append("pair,output_id,method,review_status,pairs_used,pairs_flagged");
        // Per metric: its value, the 95% interval's bounds, the value per compared frame for summed metrics, and the
        // reason it has no value.
        foreach (var c in MetricTable.AllColumns)
        {
            csv.Append(',').Append(c.Key).Append(',').Append(c.Key).Append("_low95,").Append(c.Key).Append("_high95");
            if (c.PerFrame is not null) csv.Append(',').Append(c.Key).Append("_per_frame");
            csv.Append(',').Append(c.Key).Append("_reason");
        }
        csv.Append('\n');
        foreach (var row in comparison.Metrics.Rows)
        {
            var o = row.Output;
            csv.Append(CsvField.Write(comparison.Pair.Name)).Append(',').Append(o.Asset.Id).Append(',').Append(CsvField.Write(o.Method)).Append(',')
                .Append(o.Review.Status.ToString().ToLowerInvariant()).Append(',')
                .Append(o.Score?.Stored.PairsUsed).Append(',').Append(o.Score?.Stored.PairsFlagged);
            foreach (var (cell, column) in row.Cells.Zip(MetricTable.AllColumns))
            {
                csv.Append(',').Append(Number(cell.Value)).Append(',').Append(Number(cell.Interval?.Low)).Append(',').Append(Number(cell.Interval?.High));
                if (column.PerFrame is not null) csv.Append(',').Append(Number(cell.PerFrame));
                csv.Append(',').Append(CsvField.Write(cell.Value is null ? cell.Reason : null));
            }
            csv.Append('\n');
        }
        return csv.ToString();

        static string? Number(double? value) => value?.ToString("R", CultureInfo.InvariantCulture);
    }

    /// <summary>The metric table as JSON: the pair, and per output its metrics, each a value or null with a reason.</summary>
    public static object MetricsJson(Comparison comparison) => new
    {
        pair = new { id = comparison.Pair.Id, name = comparison.Pair.Name, project = comparison.ProjectName, reference = comparison.Reference.DisplayName, target = comparison.Target.DisplayName },
        outputs = comparison.Metrics.Rows.Select(row => new
        {
            id = row.Output.Asset.Id,
            method = row.Output.Method,
            reviewStatus = row.Output.Review.Status.ToString().ToLowerInvariant(),
            pairsUsed = row.Output.Score?.Stored.PairsUsed,
            pairsFlagged = row.Output.Score?.Stored.PairsFlagged,
            metrics = MetricTable.AllColumns.Zip(row.Cells).ToDictionary(x => x.First.Key, x => new
            {
                value = x.Second.Value,
                interval95 = x.Second.Interval is { } ci ? new[] { ci.Low, ci.High } : null,
                perFrame = x.Second.PerFrame,
                reason = x.Second.Value is null ? x.Second.Reason : null,
                note = x.Second.Note,
                best = x.Second.IsBest,
            }),
        }),
    };
}
