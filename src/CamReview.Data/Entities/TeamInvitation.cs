namespace CamReview.Data.Entities;

/// <summary>An owner's invitation of an e-mail address into a team with a role. Nobody becomes a member without
/// agreeing: the invitation waits for whoever signs in with that address, who accepts or declines it. Whether an
/// account uses the address is never told to the owner.</summary>
public sealed class TeamInvitation
{
    public int Id { get; set; }
    public int TeamId { get; set; }

    /// <summary>Normalised like account e-mail addresses (trimmed, lower case).</summary>
    public required string Email { get; set; }
    public TeamRole Role { get; set; }
    public int? InvitedByUserId { get; set; }
    public DateTime CreatedUtc { get; set; }
    public DateTime ExpiresUtc { get; set; }
    public InvitationState State { get; set; }

    /// <summary>When it was accepted, declined or revoked.</summary>
    public DateTime? AnsweredUtc { get; set; }

    public Team Team { get; set; } = null!;
    public User? InvitedBy { get; set; }
}

public enum InvitationState
{
    Pending = 1,
    Accepted = 2,
    Declined = 3,
    Revoked = 4,
}
