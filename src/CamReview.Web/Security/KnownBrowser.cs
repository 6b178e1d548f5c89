using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace CamReview.Web.Security;

/// <summary>A browser that has signed in to an account before: after each successful sign-in the portal gives it a
/// cookie naming the account (encrypted and signed with the data-protection keys, for 180 days, sent only to the
/// sign-in page). With it, sign-in to that account is held only to the limit per account and address, not to the
/// limits that many addresses guessing at the account (or one busy address) trigger; see
/// <see cref="Accounts.AccountService.SignInRefusal"/>. It grants nothing else: the password is still checked.</summary>
public static class KnownBrowser
{
    public const string CookieName = "CamReview.KnownBrowser";
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(180);

    private static ITimeLimitedDataProtector Protector(HttpContext http) =>
        http.RequestServices.GetRequiredService<IDataProtectionProvider>().CreateProtector("CamReview.KnownBrowser").ToTimeLimitedDataProtector();

    /// <summary>Whether this browser has signed in to the account with this (normalized) e-mail before.</summary>
    public static bool IsKnown(HttpContext http, string? normalizedEmail)
    {
        if (normalizedEmail is null || http.Request.Cookies[CookieName] is not { Length: > 0 } cookie) return false;
        try
        {
            return Protector(http).Unprotect(cookie) == normalizedEmail;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    public static void Remember(HttpContext http, string normalizedEmail) =>
        http.Response.Cookies.Append(CookieName, Protector(http).Protect(normalizedEmail, Lifetime), new CookieOptions
        {
            HttpOnly = true, SameSite = SameSiteMode.Strict, Secure = http.Request.IsHttps, IsEssential = true,
            Path = Accounts.PortalAuthentication.LoginPath, MaxAge = Lifetime,
        });
}
