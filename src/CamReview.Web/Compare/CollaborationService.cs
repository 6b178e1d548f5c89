using System.Security.Claims;
using CamReview.Data;
using CamReview.Data.Entities;
using CamReview.Web.Accounts;
using CamReview.Web.Authorization;
using CamReview.Web.Services;
using Microsoft.EntityFrameworkCore;

namespace CamReview.Web.Compare;

/// <summary>Something changed on a pair's comparison (a comment, a review status, a share link): every open compare
/// page of the pair reloads that part.</summary>
public sealed record ComparisonChange(int PairId, string What);

/// <summary>In-process notifications to the compare pages (Blazor circuits live in this process).</summary>
public sealed class ComparisonEvents
{
    public event Action<ComparisonChange>? Changed;

    public void Publish(ComparisonChange change) => Changed?.Invoke(change);
}

/// <summary>A comment to add; with <see cref="ReplyTo"/> a reply in that comment's thread, at the thread's time code and
/// about its output (<see cref="TimeSeconds"/> and <see cref="AssetId"/> are then not read).</summary>
public sealed record NewComment(double TimeSeconds, string? Body, int? AssetId, int? ReplyTo = null);

/// <summary>Comments at a time code and review decisions on outputs.</summary>
public sealed class CollaborationService(IDbContextFactory<CamReviewDb> dbs, AccessService access, ComparisonEvents events, TimeProvider? clock = null)
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    public async Task<Result<IReadOnlyList<CommentView>>> ListCommentsAsync(ClaimsPrincipal user, int pairId, CancellationToken ct = default)
    {
        var allowed = await access.PairAsync(user, pairId, Permission.ViewProject, ct);
        if (!allowed.Allowed) return allowed.Deny<IReadOnlyList<CommentView>>();
        await using var db = await dbs.CreateDbContextAsync(ct);
        return Result<IReadOnlyList<CommentView>>.Ok(await ComparisonService.CommentQuery(db, pairId).ToListAsync(ct));
    }

    public async Task<Result<CommentView>> AddCommentAsync(ClaimsPrincipal user, int pairId, NewComment request, CancellationToken ct = default)
    {
        var allowed = await access.PairAsync(user, pairId, Permission.Comment, ct);
        if (!allowed.Allowed) return allowed.Deny<CommentView>();
        var body = request.Body?.Trim() ?? "";
        if (body.Length == 0) return Result<CommentView>.Fail("Write something first: the comment is empty.");
        if (body.Length > CamReviewDb.CommentMaxLength) return Result<CommentView>.Fail($"A comment has at most {CamReviewDb.CommentMaxLength} characters.");
        if (body.Any(c => char.IsControl(c) && c is not '\n' and not '\r' and not '\t')) return Result<CommentView>.Fail("A comment cannot contain control characters.");

        await using var db = await dbs.CreateDbContextAsync(ct);
        Comment comment;
        if (request.ReplyTo is { } replyTo)
        {
            var answered = await db.Comments.AsNoTracking().Where(c => c.Id == replyTo && c.PairId == pairId)
                .Select(c => new { c.Id, c.ParentCommentId, c.TimeSeconds, c.AssetId }).SingleOrDefaultAsync(ct);
            if (answered is null) return Result<CommentView>.Fail("The reply answers a comment that is not on this comparison.");
            comment = new Comment
            {
                PairId = pairId, ParentCommentId = answered.ParentCommentId ?? answered.Id, AssetId = answered.AssetId, TimeSeconds = answered.TimeSeconds,
                Body = body, AuthorUserId = user.UserId(), CreatedUtc = _clock.GetUtcNow().UtcDateTime,
            };
        }
        else
        {
            if (!double.IsFinite(request.TimeSeconds) || request.TimeSeconds < 0 || request.TimeSeconds > 24 * 3600)
                return Result<CommentView>.Fail("The time code must be a number of seconds from the start.");
            if (request.AssetId is { } assetId && !await db.Assets.AnyAsync(a => a.Id == assetId && a.PairId == pairId && a.Kind == AssetKind.Output, ct))
                return Result<CommentView>.Fail("The comment is about an output that is not part of this comparison.");
            comment = new Comment
            {
                PairId = pairId, AssetId = request.AssetId, TimeSeconds = Math.Round(request.TimeSeconds, 3), Body = body,
                AuthorUserId = user.UserId(), CreatedUtc = _clock.GetUtcNow().UtcDateTime,
            };
        }
        db.Comments.Add(comment);
        await db.SaveChangesAsync(ct);
        events.Publish(new ComparisonChange(pairId, "comments"));
        return Result<CommentView>.Ok(await ComparisonService.CommentQuery(db, pairId, comment.Id).SingleAsync(ct));
    }

    /// <summary>Marks a thread resolved (or open again): anyone who may comment. Only a thread's first comment carries
    /// the state; setting it again to what it is changes nothing.</summary>
    public async Task<Result<CommentView>> SetResolvedAsync(ClaimsPrincipal user, int commentId, bool resolved, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var comment = await db.Comments.SingleOrDefaultAsync(c => c.Id == commentId, ct);
        if (comment is null) return Result<CommentView>.NotFound();
        var allowed = await access.PairAsync(user, comment.PairId, Permission.Comment, ct);
        if (!allowed.Allowed) return allowed.Deny<CommentView>();
        if (comment.ParentCommentId is not null) return Result<CommentView>.Fail("A reply is resolved with its thread: resolve the thread's first comment.");
        if (resolved != (comment.ResolvedUtc is not null))
        {
            comment.ResolvedUtc = resolved ? _clock.GetUtcNow().UtcDateTime : null;
            comment.ResolvedByUserId = resolved ? user.UserId() : null;
            await db.SaveChangesAsync(ct);
            events.Publish(new ComparisonChange(comment.PairId, "comments"));
        }
        return Result<CommentView>.Ok(await ComparisonService.CommentQuery(db, comment.PairId, comment.Id).SingleAsync(ct));
    }

    /// <summary>Deletes a comment (a thread's first comment with its replies): its author, or an Owner of the team.</summary>
    public async Task<Result<bool>> DeleteCommentAsync(ClaimsPrincipal user, int commentId, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var comment = await db.Comments.SingleOrDefaultAsync(c => c.Id == commentId, ct);
        if (comment is null) return Result<bool>.NotFound();
        var allowed = await access.PairAsync(user, comment.PairId, Permission.Comment, ct);
        if (!allowed.Allowed) return allowed.Deny<bool>();
        if (comment.AuthorUserId != user.UserId() && allowed.Membership!.Role != TeamRole.Owner)
            return Result<bool>.Fail("Only the comment's author or a team Owner can delete it.", ResultStatus.Forbidden);
        db.Comments.Remove(comment);
        await db.SaveChangesAsync(ct);
        events.Publish(new ComparisonChange(comment.PairId, "comments"));
        return Result<bool>.Ok(true);
    }

    public async Task<Result<ReviewView>> SetReviewAsync(ClaimsPrincipal user, int outputAssetId, ReviewStatus status, CancellationToken ct = default)
    {
        if (!Enum.IsDefined(status)) return Result<ReviewView>.Fail("The review status is pending, approved or retake.");
        var allowed = await access.AssetAsync(user, outputAssetId, Permission.Review, ct);
        if (!allowed.Allowed) return allowed.Deny<ReviewView>();
        await using var db = await dbs.CreateDbContextAsync(ct);
        var output = await db.Assets.Where(a => a.Id == outputAssetId).Select(a => new { a.Kind, a.PairId }).SingleOrDefaultAsync(ct);
        if (output is null) return Result<ReviewView>.NotFound();
        if (output.Kind != AssetKind.Output || output.PairId is not { } pairId) return Result<ReviewView>.Fail("Only outputs of a pair are reviewed.");
        var review = await db.OutputReviews.SingleOrDefaultAsync(r => r.AssetId == outputAssetId, ct);
        if (review is null) db.OutputReviews.Add(review = new OutputReview { AssetId = outputAssetId });
        review.Status = status;
        review.ReviewerUserId = user.UserId();
        review.UpdatedUtc = _clock.GetUtcNow().UtcDateTime;
        await db.SaveChangesAsync(ct);
        events.Publish(new ComparisonChange(pairId, "reviews"));
        return Result<ReviewView>.Ok(new ReviewView(status, user.Identity?.Name, review.UpdatedUtc));
    }
}
