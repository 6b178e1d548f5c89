using System.Linq.Expressions;
using System.Security.Claims;
using CamReview.Data;
using CamReview.Data.Entities;
using CamReview.Web.Accounts;
using CamReview.Web.Authorization;
using CamReview.Web.Media;
using Microsoft.EntityFrameworkCore;

namespace CamReview.Web.Services;

/// <summary>Assets of a project: accepting uploads (sniffed, decoded, stored by content hash), listing them, their
/// media files, and deleting them with what depends on them.</summary>
public sealed class AssetService(
    IDbContextFactory<CamReviewDb> dbs, AccessService access, IMediaStore store, PortalOptions options, ILogger<AssetService> log,
    Jobs.OutputScoring scoring, Jobs.JobStore jobs, PlaybackProxies proxies, TimeProvider? clock = null)
{
    // Decoding is CPU-bound native work: at most one per core, the rest wait.
    private static readonly SemaphoreSlim Decoders = new(Math.Max(1, Environment.ProcessorCount), Math.Max(1, Environment.ProcessorCount));

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    internal static readonly Expression<Func<Asset, AssetView>> ToView = a => new AssetView(
        a.Id, a.ProjectId, a.Kind, a.DisplayName, a.Sha256, a.SizeBytes, a.MediaType, a.Width, a.Height, a.FrameCount, a.Fps,
        a.DurationSeconds, a.MethodName, a.PairId, a.CreatedBy != null ? a.CreatedBy.DisplayName : null, a.CreatedUtc,
        a.PlaybackSizeBytes, a.PlaybackFps, a.PlaybackError);

    public async Task<Result<IReadOnlyList<AssetView>>> ListAsync(ClaimsPrincipal user, int projectId, CancellationToken ct = default)
    {
        var allowed = await access.ProjectAsync(user, projectId, Permission.ViewProject, ct);
        if (!allowed.Allowed) return allowed.Deny<IReadOnlyList<AssetView>>();
        await using var db = await dbs.CreateDbContextAsync(ct);
        var assets = await db.Assets.AsNoTracking().Where(a => a.ProjectId == projectId)
            .OrderBy(a => a.Kind).ThenByDescending(a => a.CreatedUtc).ThenByDescending(a => a.Id).Select(ToView).ToListAsync(ct);
        return Result<IReadOnlyList<AssetView>>.Ok(assets);
    }

    /// <summary>Checks what can be checked before the file's bytes arrive: the user may upload here, the kind is
    /// known, an output has a method name, the pair is this project's.</summary>
    public async Task<Result<UploadRequest>> CheckUploadAsync(ClaimsPrincipal user, int projectId, IReadOnlyDictionary<string, string> fields, CancellationToken ct = default)
    {
        var allowed = await access.ProjectAsync(user, projectId, Permission.UploadAsset, ct);
        if (!allowed.Allowed) return allowed.Deny<UploadRequest>();

        fields.TryGetValue("kind", out var kindText);
        if (AssetKinds.Parse(kindText) is not { } kind)
            return Result<UploadRequest>.Fail($"Say what the file is (a form field \"kind\" before the file): one of {string.Join(", ", AssetKinds.All.Select(k => k.Slug()))}.");

        string? method = null;
        int? pairId = null;
        if (kind == AssetKind.Output)
        {
            fields.TryGetValue("methodName", out method);
            method = method?.Trim();
            if (string.IsNullOrEmpty(method)) return Result<UploadRequest>.Fail("An imported output needs the name of the method that made it.");
            if (method.Length > CamReviewDb.MethodNameMaxLength) return Result<UploadRequest>.Fail($"A method name has at most {CamReviewDb.MethodNameMaxLength} characters.");
            if (method.Any(char.IsControl)) return Result<UploadRequest>.Fail("A method name cannot contain control characters.");
            if (fields.TryGetValue("pairId", out var pairText) && !string.IsNullOrWhiteSpace(pairText))
            {
                if (!int.TryParse(pairText, out var id)) return Result<UploadRequest>.Fail("pairId is not a number.");
                await using var db = await dbs.CreateDbContextAsync(ct);
                if (!await db.Pairs.AnyAsync(p => p.Id == id && p.ProjectId == projectId, ct))
                    return Result<UploadRequest>.Fail("There is no such pair in this project.");
                pairId = id;
            }
        }
        return Result<UploadRequest>.Ok(new UploadRequest(projectId, kind, method, pairId));
    }

    /// <summary>What the first bytes of a file say it is, and whether that fits the kind it is uploaded as (checked
    /// as soon as those bytes arrive, and again before the file is kept). Also the name it will be shown under.</summary>
    public static Result<(MediaFormat Format, string DisplayName)> Sniff(UploadRequest request, ReadOnlySpan<byte> head, string? fileName)
    {
        var (format, problem) = MediaSniffer.Sniff(head);
        var displayName = DisplayNames.ForUpload(fileName, format);
        if (format is null)
            return Result<(MediaFormat, string)>.Fail($"\"{displayName}\" is {problem}. Accepted: {MediaSniffer.Accepted}.", ResultStatus.UnsupportedMediaType);
        if (format.Value.IsVideo() != request.Kind.IsVideo())
            return Result<(MediaFormat, string)>.Fail(
                $"\"{displayName}\" is {format.Value.Describe()}, but a {request.Kind.Label().ToLowerInvariant()} must be {(request.Kind.IsVideo() ? "a video" : "an image")}.",
                ResultStatus.UnsupportedMediaType);
        return Result<(MediaFormat, string)>.Ok((format.Value, displayName));
    }

    /// <summary>Validates a received file and, when it passes, stores it and adds the asset. The file is sniffed
    /// (its type must match the kind), decoded completely within the limits, and only then moved to its content-hash
    /// name; whatever is refused leaves no file and no row. The same content of the same kind in the project is
    /// answered with a conflict naming the asset already there.</summary>
    public async Task<Result<AssetView>> AddUploadAsync(ClaimsPrincipal user, UploadRequest request, ReceivedUpload upload, CancellationToken ct = default)
    {
        var sniffed = Sniff(request, upload.Head.AsSpan(), upload.FileName);
        if (!sniffed.Succeeded) return sniffed.Cast<AssetView>();
        var (format, displayName) = sniffed.Value;

        if (await FindDuplicateAsync(request, upload.Sha256, ct) is { } existing) return Duplicate(displayName, existing);

        var poster = store.NewTempPath(".poster.jpg");
        var thumb = store.NewTempPath(".thumb.jpg");
        try
        {
            MediaInfo info;
            await Decoders.WaitAsync(ct);
            try
            {
                info = await Task.Run(() => MediaInspector.Inspect(upload.TempPath, format, options.Uploads, poster, thumb, ct), ct);
            }
            catch (MediaRejectedException e)
            {
                return Result<AssetView>.Fail($"\"{displayName}\" was not accepted. {e.Message}", ResultStatus.Unprocessable);
            }
            finally
            {
                Decoders.Release();
            }

            using (await store.LockAsync(ct))
            {
                // Access and duplicates again: both may have changed while the file streamed in and decoded.
                var allowed = await access.ProjectAsync(user, request.ProjectId, Permission.UploadAsset, ct);
                if (!allowed.Allowed) return allowed.Deny<AssetView>();
                if (await FindDuplicateAsync(request, upload.Sha256, ct) is { } raced) return Duplicate(displayName, raced);

                var mediaType = format.MediaType();
                var placedNew = store.Place(upload.Sha256, mediaType, upload.TempPath, poster, thumb);
                try
                {
                    await using var db = await dbs.CreateDbContextAsync(ct);
                    var asset = new Asset
                    {
                        ProjectId = request.ProjectId, Kind = request.Kind, DisplayName = displayName, Sha256 = upload.Sha256,
                        SizeBytes = upload.Length, MediaType = mediaType, Width = info.Width, Height = info.Height,
                        FrameCount = info.FrameCount, Fps = info.Fps, DurationSeconds = info.DurationSeconds,
                        MethodName = request.MethodName, PairId = request.PairId, CreatedByUserId = user.UserId(),
                        CreatedUtc = _clock.GetUtcNow().UtcDateTime,
                    };
                    db.Assets.Add(asset);
                    await db.SaveChangesAsync(CancellationToken.None);
                    log.LogInformation("Asset {Id} ({Kind}, {Sha}) added to project {Project}", asset.Id, asset.Kind, asset.Sha256, asset.ProjectId);
                    if (format.IsVideo()) proxies.Queue(asset.Sha256);
                    await QueueFollowUpAsync(asset, CancellationToken.None);
                    return Result<AssetView>.Ok((await GetViewAsync(db, asset.Id, ct))!);
                }
                catch
                {
                    if (placedNew)
                    {
                        await using var db = await dbs.CreateDbContextAsync(CancellationToken.None);
                        await store.DeleteUnreferencedAsync(db, [(upload.Sha256, mediaType)], CancellationToken.None);
                    }
                    throw;
                }
            }
        }
        finally
        {
            store.TryDelete(poster);
            store.TryDelete(thumb);
        }
    }

    /// <summary>What every new asset sets off: an imported output of a pair is scored; a reference video is analysed
    /// (its camera motion cached for renders and scores).</summary>
    private async Task QueueFollowUpAsync(Asset asset, CancellationToken ct)
    {
        try
        {
            if (asset.Kind == AssetKind.Output && asset.PairId is not null) await scoring.QueueAsync(asset.Id, asset.CreatedByUserId, ct);
            else if (asset.Kind == AssetKind.ReferenceVideo)
                await jobs.EnqueueAsync(Data.Entities.JobKind.Analyze, asset.ProjectId, null, asset.Id, null, "{}", asset.CreatedByUserId, ct);
        }
        catch (Exception e)
        {
            log.LogWarning(e, "Could not queue the follow-up jobs of asset {Id}", asset.Id);
        }
    }

    /// <summary>Stores a file the portal made itself (a render, the demo's media) as an asset: sniffed, decoded, moved to
    /// its content-hash name, with poster and thumbnail. The same content of the same kind already in the project is
    /// answered with a conflict carrying that asset. The temporary file is moved (or deleted). It is shown as
    /// <paramref name="name"/> with the extension of its sniffed content.</summary>
    public async Task<Result<AssetView>> AddGeneratedAsync(int projectId, AssetKind kind, string tempPath, string name, string? methodName,
        int? pairId, int? userId, CancellationToken ct = default)
    {
        byte[] head;
        string sha;
        long length;
        await using (var file = File.OpenRead(tempPath))
        {
            length = file.Length;
            head = new byte[Math.Min(MediaSniffer.HeadLength, length)];
            await file.ReadExactlyAsync(head, ct);
            file.Position = 0;
            sha = Convert.ToHexStringLower(await System.Security.Cryptography.SHA256.HashDataAsync(file, ct));
        }
        var (format, problem) = MediaSniffer.Sniff(head);
        if (format is not { } f || f.IsVideo() != kind.IsVideo()) return Result<AssetView>.Fail($"The generated file is {problem ?? "of the wrong kind"}.", ResultStatus.Unprocessable);
        var displayName = DisplayNames.ForLabel(name, f);
        var request = new UploadRequest(projectId, kind, methodName, pairId);
        if (await FindDuplicateAsync(request, sha, ct) is { } existing) return Duplicate(displayName, existing);

        var poster = store.NewTempPath(".poster.jpg");
        var thumb = store.NewTempPath(".thumb.jpg");
        try
        {
            MediaInfo info;
            await Decoders.WaitAsync(ct);
            try
            {
                info = await Task.Run(() => MediaInspector.Inspect(tempPath, f, options.Uploads, poster, thumb, ct, workBudget: false), ct);
            }
            catch (MediaRejectedException e)
            {
                return Result<AssetView>.Fail(e.Message, ResultStatus.Unprocessable);
            }
            finally
            {
                Decoders.Release();
            }
            using (await store.LockAsync(ct))
            {
                if (await FindDuplicateAsync(request, sha, ct) is { } raced) return Duplicate(displayName, raced);
                var mediaType = f.MediaType();
                var placedNew = store.Place(sha, mediaType, tempPath, poster, thumb);
                try
                {
                    await using var db = await dbs.CreateDbContextAsync(ct);
                    var asset = new Asset
                    {
                        ProjectId = projectId, Kind = kind, DisplayName = displayName, Sha256 = sha, SizeBytes = length, MediaType = mediaType,
                        Width = info.Width, Height = info.Height, FrameCount = info.FrameCount, Fps = info.Fps, DurationSeconds = info.DurationSeconds,
                        MethodName = methodName, PairId = pairId, CreatedByUserId = userId, CreatedUtc = _clock.GetUtcNow().UtcDateTime,
                    };
                    db.Assets.Add(asset);
                    await db.SaveChangesAsync(CancellationToken.None);
                    log.LogInformation("Asset {Id} ({Kind}, {Sha}) made in project {Project}", asset.Id, kind, sha, projectId);
                    if (f.IsVideo()) proxies.Queue(sha);
                    return Result<AssetView>.Ok((await GetViewAsync(db, asset.Id, CancellationToken.None))!);
                }
                catch
                {
                    if (placedNew)
                    {
                        await using var db = await dbs.CreateDbContextAsync(CancellationToken.None);
                        await store.DeleteUnreferencedAsync(db, [(sha, mediaType)], CancellationToken.None);
                    }
                    throw;
                }
            }
        }
        finally
        {
            store.TryDelete(poster);
            store.TryDelete(thumb);
        }
    }

    /// <summary>The stored file of an asset: "original", "playback" (a video's browser proxy), "poster" (first frame or
    /// the image, JPEG) or "thumb".</summary>
    public async Task<Result<MediaFile>> GetFileAsync(ClaimsPrincipal user, int assetId, string variant, CancellationToken ct = default)
    {
        var allowed = await access.AssetAsync(user, assetId, Permission.ViewProject, ct);
        if (!allowed.Allowed) return allowed.Deny<MediaFile>();
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await FileOfAsync(await db.Assets.AsNoTracking().SingleAsync(a => a.Id == assetId, ct), variant, ct);
    }

    /// <summary>A media file of a shared comparison: the pair's reference, target or one of its outputs, nothing else.</summary>
    public async Task<Result<MediaFile>> GetSharedFileAsync(int pairId, int assetId, string variant, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var asset = await db.Assets.AsNoTracking().SingleOrDefaultAsync(a => a.Id == assetId &&
            (a.PairId == pairId && a.Kind == AssetKind.Output || db.Pairs.Any(p => p.Id == pairId && (p.ReferenceAssetId == a.Id || p.TargetAssetId == a.Id))), ct);
        return asset is null ? Result<MediaFile>.NotFound() : await FileOfAsync(asset, variant, ct);
    }

    private async Task<Result<MediaFile>> FileOfAsync(Asset asset, string variant, CancellationToken ct)
    {
        if (variant == "playback")
        {
            if (!asset.MediaType.StartsWith("video/", StringComparison.Ordinal)) return Result<MediaFile>.NotFound();
            // Made now when it is not there yet (an asset stored before proxies existed, or one still queued).
            return await proxies.PathAsync(asset.Sha256, ct) is { } proxy
                ? Result<MediaFile>.Ok(new MediaFile(proxy, "video/mp4", asset.Sha256))
                : Result<MediaFile>.NotFound();
        }
        (string Path, string ContentType)? file = variant switch
        {
            "original" => (store.Original(asset.Sha256, asset.MediaType), asset.MediaType),
            "poster" => (store.Poster(asset.Sha256), "image/jpeg"),
            "thumb" => (store.Thumb(asset.Sha256), "image/jpeg"),
            _ => null,
        };
        if (file is not { } found || !File.Exists(found.Path)) return Result<MediaFile>.NotFound();
        return Result<MediaFile>.Ok(new MediaFile(found.Path, found.ContentType, asset.Sha256));
    }

    /// <summary>What deleting the asset would delete with it: the pairs that use it and the outputs of those pairs.</summary>
    public async Task<Result<AssetDependents>> GetDependentsAsync(ClaimsPrincipal user, int assetId, CancellationToken ct = default)
    {
        var allowed = await access.AssetAsync(user, assetId, Permission.ViewProject, ct);
        if (!allowed.Allowed) return allowed.Deny<AssetDependents>();
        await using var db = await dbs.CreateDbContextAsync(ct);
        return Result<AssetDependents>.Ok(await DependentsAsync(db, assetId, ct));
    }

    /// <summary>Deletes an asset. When pairs or outputs depend on it, <paramref name="confirmToken"/> must be the
    /// <see cref="AssetDependents.Token"/> the user was shown: they are deleted with it. Otherwise (or when the
    /// dependents changed meanwhile) nothing is deleted and the answer is a conflict listing them. Stored files are
    /// removed only when no asset of any project uses them any more.</summary>
    public async Task<Result<AssetDependents>> DeleteAsync(ClaimsPrincipal user, int assetId, string? confirmToken, CancellationToken ct = default)
    {
        var allowed = await access.AssetAsync(user, assetId, Permission.DeleteAsset, ct);
        if (!allowed.Allowed) return allowed.Deny<AssetDependents>();

        using (await store.LockAsync(ct))
        {
            await using var db = await dbs.CreateDbContextAsync(ct);
            // One write transaction from reading the dependents to deleting them: nothing can be added in between.
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            if (!await db.Assets.AnyAsync(a => a.Id == assetId, ct)) return Result<AssetDependents>.NotFound();
            var dependents = await DependentsAsync(db, assetId, ct);
            if (dependents.IsBlocked)
                return Result<AssetDependents>.Fail(BlockedMessage(dependents), ResultStatus.Conflict, dependents);
            if (dependents.Any && confirmToken != dependents.Token)
            {
                var message = string.IsNullOrEmpty(confirmToken)
                    ? ConfirmMessage(dependents)
                    : $"What depends on \"{dependents.Asset.DisplayName}\" changed meanwhile ({Describe(dependents)} now): review and confirm again.";
                return Result<AssetDependents>.Fail(message, ResultStatus.Conflict, dependents);
            }
            // Draft studies drop the videos that go (their selection stays what they can show); the other studies
            // keep their rows, the ids cleared, so closed results keep their method names.
            var assetIds = dependents.Outputs.Select(o => o.Id).Append(assetId).ToList();
            var pairIds = dependents.Pairs.Select(p => p.Id).ToList();
            var draftIds = dependents.Drafts.Select(s => s.Id).ToList();
            await db.StudyMedia.Where(m => draftIds.Contains(m.StudyId)
                    && ((m.AssetId != null && assetIds.Contains(m.AssetId.Value)) || (m.PairId != null && pairIds.Contains(m.PairId.Value))))
                .ExecuteDeleteAsync(ct);
            var files = await DeleteRowsAsync(db, assetIds, pairIds, ct);
            await tx.CommitAsync(ct);
            await store.DeleteUnreferencedAsync(db, files, CancellationToken.None);
            log.LogInformation("Asset {Id} deleted by user {User} with {Pairs} pair(s) and {Outputs} output(s); {Drafts} draft study(ies) changed",
                assetId, user.UserId(), dependents.Pairs.Count, dependents.Outputs.Count, draftIds.Count);
            return Result<AssetDependents>.Ok(dependents);
        }
    }

    /// <summary>Deletes asset and pair rows (inside the caller's transaction) and returns the stored files they used;
    /// the caller commits, then deletes the files nothing uses any more (under the media store's lock).</summary>
    internal static async Task<List<(string Sha256, string MediaType)>> DeleteRowsAsync(
        CamReviewDb db, IReadOnlyCollection<int> assetIds, IReadOnlyCollection<int> pairIds, CancellationToken ct)
    {
        var files = await db.Assets.Where(a => assetIds.Contains(a.Id)).Select(a => new { a.Sha256, a.MediaType }).ToListAsync(ct);
        // Outputs of the pairs that go are detached first (they are in assetIds when they go too).
        await db.Assets.Where(a => a.PairId != null && pairIds.Contains(a.PairId.Value)).ExecuteUpdateAsync(s => s.SetProperty(a => a.PairId, (int?)null), ct);
        await db.Pairs.Where(p => pairIds.Contains(p.Id)).ExecuteDeleteAsync(ct);
        await db.Assets.Where(a => assetIds.Contains(a.Id)).ExecuteDeleteAsync(ct);
        return files.Select(f => (f.Sha256, f.MediaType)).ToList();
    }

    private static async Task<AssetDependents> DependentsAsync(CamReviewDb db, int assetId, CancellationToken ct)
    {
        var asset = await db.Assets.AsNoTracking().Where(a => a.Id == assetId).Select(ToView).SingleAsync(ct);
        var pairs = await db.Pairs.AsNoTracking()
            .Where(p => p.ReferenceAssetId == assetId || p.TargetAssetId == assetId || p.DepthAssetId == assetId)
            .OrderBy(p => p.Id).Select(PairService.ToView).ToListAsync(ct);
        var pairIds = pairs.Select(p => p.Id).ToList();
        var outputs = await db.Assets.AsNoTracking()
            .Where(a => a.Id != assetId && a.PairId != null && pairIds.Contains(a.PairId.Value))
            .OrderBy(a => a.Id).Select(ToView).ToListAsync(ct);
        // The studies that show the asset itself, an output deleted with it, or any video of a pair deleted with it.
        var assetIds = outputs.Select(o => o.Id).Append(assetId).ToList();
        var studies = await db.Studies.AsNoTracking()
            .Where(s => s.Media.Any(m => (m.AssetId != null && assetIds.Contains(m.AssetId.Value)) || (m.PairId != null && pairIds.Contains(m.PairId.Value))))
            .OrderBy(s => s.Id).Select(s => new StudyUse(s.Id, s.Name, s.State)).ToListAsync(ct);
        var token = string.Join(".", pairs.Select(p => $"p{p.Id}").Concat(outputs.Select(o => $"a{o.Id}"))
            .Concat(studies.Where(s => s.State == StudyState.Draft).Select(s => $"s{s.Id}")));
        return new AssetDependents(asset, pairs, outputs, studies, token);
    }

    private static string ConfirmMessage(AssetDependents d)
    {
        var drafts = d.Drafts.ToList();
        var deleted = d.Pairs.Count > 0 || d.Outputs.Count > 0
            ? $"{Describe(d with { Studies = [] })} use \"{d.Asset.DisplayName}\": confirm to delete them with it." : $"Confirm to delete \"{d.Asset.DisplayName}\".";
        return drafts.Count == 0 ? deleted
            : $"{deleted} {(drafts.Count == 1 ? "The draft study" : "The draft studies")} {string.Join(", ", drafts.Select(s => $"\"{s.Name}\""))} "
              + $"{(drafts.Count == 1 ? "loses" : "lose")} the videos that go.";
    }

    /// <summary>Why an asset shown in an open or paused study cannot be deleted, naming the studies.</summary>
    internal static string BlockedMessage(AssetDependents d)
    {
        var blocking = d.Blocking.ToList();
        var names = string.Join(", ", blocking.Select(s => $"\"{s.Name}\" ({s.State.ToString().ToLowerInvariant()})"));
        return $"\"{d.Asset.DisplayName}\" cannot be deleted: {(blocking.Count == 1 ? "the study" : "the studies")} {names} "
            + $"{(blocking.Count == 1 ? "shows" : "show")} it to participants. Close {(blocking.Count == 1 ? "the study" : "them")} first; a closed study keeps its results.";
    }

    private static string Describe(AssetDependents d)
    {
        var parts = new List<string>();
        if (d.Pairs.Count > 0) parts.Add(d.Pairs.Count == 1 ? "1 pair" : $"{d.Pairs.Count} pairs");
        if (d.Outputs.Count > 0) parts.Add(d.Outputs.Count == 1 ? "1 output" : $"{d.Outputs.Count} outputs");
        var drafts = d.Drafts.Count();
        if (drafts > 0) parts.Add(drafts == 1 ? "1 draft study" : $"{drafts} draft studies");
        return string.Join(" and ", parts);
    }

    private async Task<AssetView?> FindDuplicateAsync(UploadRequest request, string sha256, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.Assets.AsNoTracking()
            .Where(a => a.ProjectId == request.ProjectId && a.Kind == request.Kind && a.Sha256 == sha256).Select(ToView).FirstOrDefaultAsync(ct);
    }

    private static Result<AssetView> Duplicate(string displayName, AssetView existing) =>
        Result<AssetView>.Fail(
            existing.DisplayName == displayName
                ? $"\"{displayName}\" is already uploaded to this project as a {existing.Kind.Label().ToLowerInvariant()}."
                : $"\"{displayName}\" is already uploaded to this project as a {existing.Kind.Label().ToLowerInvariant()}, named \"{existing.DisplayName}\".",
            ResultStatus.Conflict, existing);

    private static Task<AssetView?> GetViewAsync(CamReviewDb db, int id, CancellationToken ct) =>
        db.Assets.AsNoTracking().Where(a => a.Id == id).Select(ToView).SingleOrDefaultAsync(ct);
}

/// <summary>A stored file to send.</summary>
public sealed record MediaFile(string Path, string ContentType, string Sha256);

/// <summary>An upload's fields, checked before its file is read.</summary>
public sealed record UploadRequest(int ProjectId, AssetKind Kind, string? MethodName, int? PairId);
