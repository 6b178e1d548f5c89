namespace CamReview.Data.Entities;

/// <summary>One sign-in: the sign-in cookie carries its id, and every request (and every open page, now and then)
/// checks that it has not ended. Signing out ends it; a password change ends the account's other sessions.</summary>
public sealed class UserSession
{
    /// <summary>Random, 32 hex digits; never shown anywhere but in the (protected) cookie.</summary>
    public required string Id { get; set; }
    public int UserId { get; set; }
    public DateTime CreatedUtc { get; set; }

    /// <summary>The last request seen with it, recorded at most once a minute.</summary>
    public DateTime LastSeenUtc { get; set; }

    /// <summary>When it ended (signed out, password changed); null while it is valid.</summary>
    public DateTime? EndedUtc { get; set; }
    public string? EndReason { get; set; }

    /// <summary>What signed in, for the account's owner to recognise: the browser's User-Agent (shortened) and the client address.</summary>
    public string? UserAgent { get; set; }
    public string? ClientAddress { get; set; }

    public User User { get; set; } = null!;
}
