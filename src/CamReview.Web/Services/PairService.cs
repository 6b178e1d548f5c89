using System.Linq.Expressions;
using System.Security.Claims;
using CamReview.Data;
using CamReview.Data.Entities;
using CamReview.Web.Accounts;
using CamReview.Web.Authorization;
using Microsoft.EntityFrameworkCore;

namespace CamReview.Web.Services;

/// <summary>Pairs of a project: a reference video and a target image (and optionally a depth map), the unit that is
/// rendered, scored and compared.</summary>
public sealed class PairService(IDbContextFactory<CamReviewDb> dbs, AccessService access, TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    internal static readonly Expression<Func<Pair, PairView>> ToView = p => new PairView(
        p.Id, p.ProjectId, p.Name, p.ReferenceAssetId, p.ReferenceAsset.DisplayName, p.TargetAssetId, p.TargetAsset.DisplayName,
        p.DepthAssetId, p.DepthAsset != null ? p.DepthAsset.DisplayName : null, p.CreatedBy != null ? p.CreatedBy.DisplayName : null,
        p.CreatedUtc, p.Outputs.Count);

    public async Task<Result<IReadOnlyList<PairView>>> ListAsync(ClaimsPrincipal user, int projectId, CancellationToken ct = default)
    {
        var allowed = await access.ProjectAsync(user, projectId, Permission.ViewProject, ct);
        if (!allowed.Allowed) return allowed.Deny<IReadOnlyList<PairView>>();
        await using var db = await dbs.CreateDbContextAsync(ct);
        var pairs = await db.Pairs.AsNoTracking().Where(p => p.ProjectId == projectId).OrderByDescending(p => p.CreatedUtc).ThenByDescending(p => p.Id)
            .Select(ToView).ToListAsync(ct);
        return Result<IReadOnlyList<PairView>>.Ok(pairs);
    }

    /// <summary>A pair with its media and its outputs (rendered or imported), each with its stored metrics.</summary>
    public async Task<Result<PairDetails>> GetDetailsAsync(ClaimsPrincipal user, int pairId, CancellationToken ct = default)
    {
        var allowed = await access.PairAsync(user, pairId, Permission.ViewProject, ct);
        if (!allowed.Allowed) return allowed.Deny<PairDetails>();
        await using var db = await dbs.CreateDbContextAsync(ct);
        var pair = await db.Pairs.AsNoTracking().Where(p => p.Id == pairId).Select(ToView).SingleOrDefaultAsync(ct);
        if (pair is null) return Result<PairDetails>.NotFound();
        var ids = new[] { pair.ReferenceAssetId, pair.TargetAssetId, pair.DepthAssetId ?? 0 };
        var media = await db.Assets.AsNoTracking().Where(a => ids.Contains(a.Id)).Select(AssetService.ToView).ToDictionaryAsync(a => a.Id, ct);
        var outputs = await db.Assets.AsNoTracking().Where(a => a.PairId == pairId && a.Kind == AssetKind.Output)
            .OrderByDescending(a => a.Id).Select(AssetService.ToView).ToListAsync(ct);
        var outputIds = outputs.Select(o => o.Id).ToList();
        var scores = await db.OutputScores.AsNoTracking().Where(s => outputIds.Contains(s.AssetId))
            .Select(s => new Jobs.ScoreView(s.AssetId, s.ReferenceAssetId, s.CameraScore, s.CameraScoreReason, s.ResultJson, s.Device, s.ScoredUtc))
            .ToDictionaryAsync(s => s.AssetId, ct);
        // Rendered here: a render job of the portal made it; every other output was imported (uploaded).
        var rendered = (await db.Jobs.AsNoTracking().Where(j => j.Kind == JobKind.Render && j.AssetId != null && outputIds.Contains(j.AssetId.Value))
            .Select(j => j.AssetId!.Value).ToListAsync(ct)).ToHashSet();
        return Result<PairDetails>.Ok(new PairDetails(pair, allowed.Membership!.ProjectName ?? "", allowed.Membership.Role, media[pair.ReferenceAssetId], media[pair.TargetAssetId],
            pair.DepthAssetId is { } d ? media[d] : null,
            outputs.Select(o => new OutputView(o, scores.GetValueOrDefault(o.Id), rendered.Contains(o.Id))).ToList()));
    }

    /// <summary>Creates a pair from assets of the project. Without a name it is named after its reference and target.</summary>
    public async Task<Result<PairView>> CreateAsync(ClaimsPrincipal user, int projectId, NewPair request, CancellationToken ct = default)
    {
        var allowed = await access.ProjectAsync(user, projectId, Permission.CreatePair, ct);
        if (!allowed.Allowed) return allowed.Deny<PairView>();

        await using var db = await dbs.CreateDbContextAsync(ct);
        var ids = new[] { request.ReferenceAssetId, request.TargetAssetId, request.DepthAssetId ?? 0 };
        var assets = await db.Assets.AsNoTracking().Where(a => a.ProjectId == projectId && ids.Contains(a.Id)).ToDictionaryAsync(a => a.Id, ct);
        if (!assets.TryGetValue(request.ReferenceAssetId, out var reference) || reference.Kind != AssetKind.ReferenceVideo)
            return Result<PairView>.Fail("Choose a reference video of this project.");
        if (!assets.TryGetValue(request.TargetAssetId, out var target) || target.Kind != AssetKind.TargetImage)
            return Result<PairView>.Fail("Choose a target image of this project.");
        Asset? depth = null;
        if (request.DepthAssetId is { } depthId && (!assets.TryGetValue(depthId, out depth) || depth.Kind != AssetKind.DepthMap))
            return Result<PairView>.Fail("The depth map must be a depth map of this project.");

        var name = string.IsNullOrWhiteSpace(request.Name) ? DefaultName(reference, target) : request.Name.Trim();
        if (name.Length > CamReviewDb.NameMaxLength) return Result<PairView>.Fail($"A pair name has at most {CamReviewDb.NameMaxLength} characters.");
        if (name.Any(char.IsControl)) return Result<PairView>.Fail("A pair name cannot contain control characters.");

        var same = await db.Pairs.AsNoTracking()
            .Where(p => p.ProjectId == projectId && p.ReferenceAssetId == reference.Id && p.TargetAssetId == target.Id && p.DepthAssetId == request.DepthAssetId)
            .Select(p => p.Name).FirstOrDefaultAsync(ct);
        if (same is not null) return Result<PairView>.Fail($"This reference and target already make the pair \"{same}\".", ResultStatus.Conflict);
        if (await db.Pairs.AnyAsync(p => p.ProjectId == projectId && p.Name == name, ct))
            return Result<PairView>.Fail($"A pair named \"{name}\" already exists in this project.", ResultStatus.Conflict);

        var pair = new Pair
        {
            ProjectId = projectId, Name = name, ReferenceAssetId = reference.Id, TargetAssetId = target.Id, DepthAssetId = depth?.Id,
            CreatedByUserId = user.UserId(), CreatedUtc = _clock.GetUtcNow().UtcDateTime,
        };
        db.Pairs.Add(pair);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException e) when (e.InnerException?.Message.Contains("UNIQUE") == true)
        {
            return Result<PairView>.Fail($"A pair named \"{name}\" already exists in this project.", ResultStatus.Conflict);
        }
        catch (DbUpdateException e) when (e.InnerException?.Message.Contains("FOREIGN KEY") == true)
        {
            return Result<PairView>.Fail("One of the assets was deleted meanwhile.", ResultStatus.Conflict);
        }
        return Result<PairView>.Ok(await db.Pairs.AsNoTracking().Where(p => p.Id == pair.Id).Select(ToView).SingleAsync(ct));
    }

    private static string DefaultName(Asset reference, Asset target)
    {
        var name = $"{Path.GetFileNameWithoutExtension(reference.DisplayName)} → {Path.GetFileNameWithoutExtension(target.DisplayName)}";
        return name.Length <= CamReviewDb.NameMaxLength ? name : name[..CamReviewDb.NameMaxLength];
    }
}

public sealed record NewPair(string? Name, int ReferenceAssetId, int TargetAssetId, int? DepthAssetId);

/// <summary>A pair as its page shows it.</summary>
public sealed record PairDetails(PairView Pair, string ProjectName, TeamRole Role, AssetView Reference, AssetView Target, AssetView? Depth, IReadOnlyList<OutputView> Outputs);

/// <summary>An output and its metrics (null until it is scored); <paramref name="Rendered"/>: made by a render job of the
/// portal rather than imported.</summary>
public sealed record OutputView(AssetView Asset, Jobs.ScoreView? Score, bool Rendered);
