namespace CamReview.Data.Entities;

/// <summary>A read-only link to a pair's comparison that opens without an account. The token itself is never stored
/// in the clear: <see cref="TokenHash"/> (SHA-256) finds the link, <see cref="TokenProtected"/> (encrypted with the
/// portal's data-protection keys) lets its owners copy the address again.</summary>
public sealed class ShareLink
{
    public int Id { get; set; }
    public int PairId { get; set; }
    public Pair Pair { get; set; } = null!;

    /// <summary>What the people who made it call it ("for the reviewers of the paper").</summary>
    public required string Label { get; set; }

    public required string TokenHash { get; set; }
    public required string TokenProtected { get; set; }

    /// <summary>The framework's password hash of the optional passphrase; null when the link alone opens it.</summary>
    public string? PassphraseHash { get; set; }

    public DateTime ExpiresUtc { get; set; }
    public DateTime? RevokedUtc { get; set; }

    public int? CreatedByUserId { get; set; }
    public User? CreatedBy { get; set; }
    public DateTime CreatedUtc { get; set; }

    public int OpenCount { get; set; }
    public DateTime? LastOpenedUtc { get; set; }

    /// <summary>Whether people who open the link may comment on the comparison under a name of their choosing
    /// (guest comments); off unless whoever made the link turned it on.</summary>
    public bool GuestsMayComment { get; set; }
}

/// <summary>A remark on a comparison at a time code, optionally about one output; a reply belongs to the thread of
/// the comment it answers (one level: a reply to a reply joins the same thread), and a thread is resolved as a whole.
/// A member's comment has <see cref="AuthorUserId"/>; a guest's, posted through a share link, has no user but
/// <see cref="GuestName"/> and <see cref="ShareLinkId"/>.</summary>
public sealed class Comment
{
    public int Id { get; set; }
    public int PairId { get; set; }
    public Pair Pair { get; set; } = null!;

    /// <summary>The thread's first comment, for a reply; null for a thread's first comment.</summary>
    public int? ParentCommentId { get; set; }
    public Comment? Parent { get; set; }

    /// <summary>The output the remark is about; null for the comparison as a whole.</summary>
    public int? AssetId { get; set; }
    public Asset? Asset { get; set; }

    /// <summary>Seconds from the start of playback.</summary>
    public double TimeSeconds { get; set; }

    public required string Body { get; set; }

    public int? AuthorUserId { get; set; }
    public User? Author { get; set; }
    public DateTime CreatedUtc { get; set; }

    /// <summary>The name a guest gave, for a comment posted through a share link; null for a member's.</summary>
    public string? GuestName { get; set; }

    /// <summary>The share link a guest's comment came through; null for a member's.</summary>
    public int? ShareLinkId { get; set; }
    public ShareLink? ShareLink { get; set; }

    /// <summary>A drawing on the frame at <see cref="TimeSeconds"/>, over the output's picture (the reference's when the
    /// comment is about the comparison), as JSON (the portal's <c>Drawing</c>); null without one.</summary>
    public string? DrawingJson { get; set; }

    /// <summary>When the thread was marked resolved (on its first comment only); null while open.</summary>
    public DateTime? ResolvedUtc { get; set; }
    public int? ResolvedByUserId { get; set; }
    public User? ResolvedBy { get; set; }
}

public enum ReviewStatus
{
    Pending = 0,
    Approved = 1,
    Retake = 2,
}

/// <summary>The review decision on an output; an output without one is pending.</summary>
public sealed class OutputReview
{
    public int AssetId { get; set; }
    public Asset Asset { get; set; } = null!;
    public ReviewStatus Status { get; set; }

    public int? ReviewerUserId { get; set; }
    public User? Reviewer { get; set; }
    public DateTime UpdatedUtc { get; set; }
}
