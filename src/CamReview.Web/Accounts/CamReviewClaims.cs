using System.Security.Claims;
using CamReview.Data.Entities;

namespace CamReview.Web.Accounts;

/// <summary>What the sign-in cookie says about a user. Roles are never in it: they are looked up for each
/// operation (a member removed from a team loses access at once).</summary>
public static class CamReviewClaims
{
    public const string SecurityStamp = "camreview:stamp";
    /// <summary>The id of the server-side session (<see cref="SessionStore"/>) this cookie belongs to.</summary>
    public const string Session = "camreview:session";
    public const string MustChangePassword = "camreview:must_change_password";
    public const string Administrator = "camreview:admin";

    public static ClaimsPrincipal CreatePrincipal(User user, string sessionId, string authenticationScheme)
    {
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, user.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new(ClaimTypes.Name, user.DisplayName),
            new(ClaimTypes.Email, user.Email),
            new(SecurityStamp, user.SecurityStamp),
            new(Session, sessionId),
        };
        if (user.MustChangePassword) claims.Add(new(MustChangePassword, "true"));
        if (user.IsAdministrator) claims.Add(new(Administrator, "true"));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, authenticationScheme, ClaimTypes.Name, ClaimTypes.Role));
    }

    /// <summary>The signed-in user's id, or null for anonymous requests.</summary>
    public static int? UserId(this ClaimsPrincipal principal) =>
        principal.Identity?.IsAuthenticated == true && int.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;

    /// <summary>The server-side session of a signed-in request, or null.</summary>
    public static string? SessionId(this ClaimsPrincipal principal) =>
        principal.Identity?.IsAuthenticated == true ? principal.FindFirstValue(Session) : null;

    public static bool MustChangePasswordNow(this ClaimsPrincipal principal) => principal.HasClaim(MustChangePassword, "true");
}
