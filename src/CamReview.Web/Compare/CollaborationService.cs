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
/// about its output (<see cref="TimeSeconds"/> and <see cref="AssetId"/> are then not read). <see cref="Drawing"/>: shapes
/// drawn on the frame at <see cref="TimeSeconds"/>, over the output's picture (the reference's when about the comparison).</summary>
public sealed record NewComment(double TimeSeconds, string? Body, int? AssetId, int? ReplyTo = null, Drawing? Drawing = null);

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
        return await StoreCommentAsync(pairId, request, new Authorship(user.UserId(), null, null), ct);
    }

    /// <summary>A guest's comment (or reply) through a share link that allows it, under the name they give: 1 to
    /// <see cref="CamReviewDb.GuestNameMaxLength"/> characters once trimmed, no control characters. A closed link
    /// (revoked, expired) or one without guest comments is refused (403) and nothing is stored; guests do not draw. How
    /// often guests may post is limited before this is called (<see cref="GuestCommentLimits"/>).</summary>
    public async Task<Result<CommentView>> AddGuestCommentAsync(SharedAccess shared, string? name, NewComment request, CancellationToken ct = default)
    {
        if (shared.Refusal is not null) return Result<CommentView>.Fail(shared.Refusal, ResultStatus.Forbidden);
        if (!shared.GuestsMayComment) return Result<CommentView>.Fail("This share link does not take comments from guests.", ResultStatus.Forbidden);
        var guest = name?.Trim() ?? "";
        if (guest.Length == 0) return Result<CommentView>.Fail("Give your name: guests comment under a name.");
        if (guest.Length > CamReviewDb.GuestNameMaxLength || guest.Any(char.IsControl))
            return Result<CommentView>.Fail($"A name has at most {CamReviewDb.GuestNameMaxLength} characters and no control characters.");
        if (request.Drawing is not null) return Result<CommentView>.Fail("Guests cannot draw on a frame: write what you see instead.");
        return await StoreCommentAsync(shared.PairId, request, new Authorship(null, guest, shared.LinkId), ct);
    }

    /// <summary>Who wrote a comment: a member (<see cref="UserId"/>), or a guest by name through a share link.</summary>
    private sealed record Authorship(int? UserId, string? GuestName, int? ShareLinkId);

    private async Task<Result<CommentView>> StoreCommentAsync(int pairId, NewComment request, Authorship author, CancellationToken ct)
    {
        var body = request.Body?.Trim() ?? "";
        if (body.Length == 0) return Result<CommentView>.Fail("Write something first: the comment is empty.");
        if (body.Length > CamReviewDb.CommentMaxLength) return Result<CommentView>.Fail($"A comment has at most {CamReviewDb.CommentMaxLength} characters.");
        if (body.Any(c => char.IsControl(c) && c is not '\n' and not '\r' and not '\t')) return Result<CommentView>.Fail("A comment cannot contain control characters.");

        string? drawing = null;
        if (request.Drawing is { } shapes)
        {
            if (request.ReplyTo is not null) return Result<CommentView>.Fail("A reply cannot carry a drawing: draw in a new comment.");
            if (shapes.Problem() is { } problem) return Result<CommentView>.Fail(problem);
            drawing = shapes.ToJson();
            if (drawing.Length > CamReviewDb.DrawingMaxLength) return Result<CommentView>.Fail("The drawing is too large: use fewer or shorter lines.");
        }

        await using var db = await dbs.CreateDbContextAsync(ct);
        var comment = new Comment
        {
            PairId = pairId, Body = body, AuthorUserId = author.UserId, GuestName = author.GuestName, ShareLinkId = author.ShareLinkId,
            CreatedUtc = _clock.GetUtcNow().UtcDateTime,
        };
        if (request.ReplyTo is { } replyTo)
        {
            var answered = await db.Comments.AsNoTracking().Where(c => c.Id == replyTo && c.PairId == pairId)
                .Select(c => new { c.Id, c.ParentCommentId, c.TimeSeconds, c.AssetId }).SingleOrDefaultAsync(ct);
            if (answered is null) return Result<CommentView>.Fail("The reply answers a comment that is not on this comparison.");
            comment.ParentCommentId = answered.ParentCommentId ?? answered.Id;
            comment.AssetId = answered.AssetId;
            comment.TimeSeconds = answered.TimeSeconds;
        }
        else
        {
            if (!double.IsFinite(request.TimeSeconds) || request.TimeSeconds < 0 || request.TimeSeconds > 24 * 3600)
                return Result<CommentView>.Fail("The time code must be a number of seconds from the start.");
            if (request.AssetId is { } assetId && !await db.Assets.AnyAsync(a => a.Id == assetId && a.PairId == pairId && a.Kind == AssetKind.Output, ct))
                return Result<CommentView>.Fail("The comment is about an output that is not part of this comparison.");
            comment.AssetId = request.AssetId;
            comment.TimeSeconds = Math.Round(request.TimeSeconds, 3);
            comment.DrawingJson = drawing;
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

    /// <summary>Deletes a comment (a thread's first comment with its replies): its author or an Owner of the team, and a
    /// guest's comment anyone who may comment (guests cannot delete, so members keep the comparison clean).</summary>
    public async Task<Result<bool>> DeleteCommentAsync(ClaimsPrincipal user, int commentId, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var comment = await db.Comments.SingleOrDefaultAsync(c => c.Id == commentId, ct);
        if (comment is null) return Result<bool>.NotFound();
        var allowed = await access.PairAsync(user, comment.PairId, Permission.Comment, ct);
        if (!allowed.Allowed) return allowed.Deny<bool>();
        if (comment.GuestName is null && comment.AuthorUserId != user.UserId() && allowed.Membership!.Role != TeamRole.Owner)
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
