using System.Security.Claims;
using CamReview.Data.Entities;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Identity;

namespace CamReview.Web.Accounts;

/// <summary>Cookie sign-in for local accounts: HttpOnly, SameSite=Lax, Secure over HTTPS, sliding expiry; every
/// request checks that the account still exists with the same security stamp (a password change ends other
/// sessions). Pages send anonymous visitors to the sign-in page; the API, media and hubs answer 401/403 with JSON.</summary>
public static class PortalAuthentication
{
    public const string Scheme = CookieAuthenticationDefaults.AuthenticationScheme;
    public const string LoginPath = "/account/login";
    public const string CookieName = "CamReview.Session";

    /// <summary>Paths answered with status codes rather than redirects (no browser page there to redirect).</summary>
    public static bool IsMachinePath(PathString path) =>
        path.StartsWithSegments("/api") || path.StartsWithSegments("/media") || path.StartsWithSegments("/hubs") || path.StartsWithSegments("/_blazor");

    public static IServiceCollection AddPortalAuthentication(this IServiceCollection services, PortalOptions options)
    {
        // Keys that protect the cookies live in the data folder, so sessions survive restarts and container rebuilds.
        services.AddDataProtection()
            .SetApplicationName("CamReview")
            .PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(options.DataDir, "keys")));
        services.AddSingleton<IPasswordHasher<User>, PasswordHasher<User>>();
        services.AddSingleton<AccountService>();

        services.AddAuthentication(Scheme).AddCookie(Scheme, cookie =>
        {
            cookie.Cookie.Name = CookieName;
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.ExpireTimeSpan = TimeSpan.FromHours(options.Auth.SessionHours);
            cookie.SlidingExpiration = true;
            cookie.LoginPath = LoginPath;
            cookie.LogoutPath = "/account/logout";
            cookie.AccessDeniedPath = "/not-found";
            cookie.Events = new CookieAuthenticationEvents
            {
                OnValidatePrincipal = ValidatePrincipalAsync,
                OnRedirectToLogin = context => MachineAnswerOr(context, StatusCodes.Status401Unauthorized, "Sign in first."),
                OnRedirectToAccessDenied = context => MachineAnswerOr(context, StatusCodes.Status403Forbidden, "You may not do this."),
            };
        });
        services.AddCascadingAuthenticationState();
        services.AddScoped<AuthenticationStateProvider, RevalidatingSessionStateProvider>();
        return services;
    }

    private static async Task ValidatePrincipalAsync(CookieValidatePrincipalContext context)
    {
        // The error page for a request that failed on the database is shown to nobody in particular: looking the session
        // up would fail again and leave a blank 500 instead. The cookie is kept.
        if (IsDatabaseFailure(context.HttpContext.Features.Get<IExceptionHandlerFeature>()?.Error))
        {
            context.RejectPrincipal();
            return;
        }
        var principal = context.Principal;
        var accounts = context.HttpContext.RequestServices.GetRequiredService<AccountService>();
        if (principal?.UserId() is not { } userId ||
            await accounts.FindSessionUserAsync(userId, principal.FindFirstValue(CamReviewClaims.SecurityStamp), context.HttpContext.RequestAborted) is not { } user)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(Scheme);
            return;
        }
        // Keep the name and the must-change flag current (an owner may have reset them).
        if (user.DisplayName != principal.Identity!.Name || user.MustChangePassword != principal.MustChangePasswordNow())
        {
            context.ReplacePrincipal(CamReviewClaims.CreatePrincipal(user, Scheme));
            context.ShouldRenew = true;
        }
    }

    private static bool IsDatabaseFailure(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
            if (e is Microsoft.Data.Sqlite.SqliteException) return true;
        return false;
    }

    private static Task MachineAnswerOr(RedirectContext<CookieAuthenticationOptions> context, int status, string message)
    {
        if (!IsMachinePath(context.Request.Path))
        {
            context.Response.Redirect(context.RedirectUri);
            return Task.CompletedTask;
        }
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new { error = message });
    }

    /// <summary>Interactive pages keep the authentication state of the request that opened them; this re-checks
    /// it every few minutes, so a circuit stops acting for an account whose password changed.</summary>
    private sealed class RevalidatingSessionStateProvider(ILoggerFactory loggers, AccountService accounts)
        : RevalidatingServerAuthenticationStateProvider(loggers)
    {
        protected override TimeSpan RevalidationInterval => TimeSpan.FromMinutes(5);

        protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState state, CancellationToken ct) =>
            state.User.UserId() is { } id && await accounts.FindSessionUserAsync(id, state.User.FindFirstValue(CamReviewClaims.SecurityStamp), ct) is not null;
    }
}
