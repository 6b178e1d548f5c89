namespace CamReview.Data.Entities;

/// <summary>A local account. The e-mail address is stored normalised (trimmed, lower case) and is the sign-in name.</summary>
public sealed class User
{
    public int Id { get; set; }
    public required string Email { get; set; }
    public required string DisplayName { get; set; }

    /// <summary>ASP.NET Core's <c>PasswordHasher&lt;User&gt;</c> format (PBKDF2, salted, versioned).</summary>
    public required string PasswordHash { get; set; }

    /// <summary>Changes whenever the password changes: signs out every other session of the account.</summary>
    public required string SecurityStamp { get; set; }

    /// <summary>The first account, created by the setup page or from configuration.</summary>
    public bool IsAdministrator { get; set; }

    /// <summary>Set when a team owner created the account with a temporary password: the user must choose
    /// their own before doing anything else.</summary>
    public bool MustChangePassword { get; set; }

    public DateTime CreatedUtc { get; set; }
    public DateTime? LastSignInUtc { get; set; }

    public List<TeamMember> Memberships { get; set; } = [];
}
