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

/// <summary>Cookie sign-in for local accounts: HttpOnly, SameSite=Lax, Secure over HTTPS, sliding expiry. The cookie
/// names a server-side session (<see cref="SessionStore"/>); every request checks that the session has not ended and
/// that the account still exists with the same security stamp, so signing out ends the session for good and a
/// password change ends the other sessions. Open interactive pages re-check now and then. Pages send anonymous
/// visitors to the sign-in page; the API, media and hubs answer 401/403 with JSON.</summary>
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
        services.AddSingleton<SessionStore>();
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
        services.AddScoped<AuthenticationStateProvider, SessionStateProvider>();
        return services;
    }

    /// <summary>Starts a server-side session for the account and issues its cookie (sign-in, first-run setup).</summary>
    public static async Task SignInAsync(HttpContext http, User user, bool persistent = false)
    {
        var sessions = http.RequestServices.GetRequiredService<SessionStore>();
        var sessionId = await sessions.StartAsync(user.Id, http.Request.Headers.UserAgent.ToString(),
            http.Connection.RemoteIpAddress?.ToString(), http.RequestAborted);
        await http.SignInAsync(Scheme, CamReviewClaims.CreatePrincipal(user, sessionId, Scheme), new AuthenticationProperties { IsPersistent = persistent });
    }

    /// <summary>A new cookie for the request's own session, after its account changed (a new password's security stamp).</summary>
    public static Task RenewAsync(HttpContext http, User user) =>
        http.SignInAsync(Scheme, CamReviewClaims.CreatePrincipal(user, http.User.SessionId()!, Scheme));

    /// <summary>Ends the request's session on the server and removes its cookie.</summary>
    public static async Task SignOutAsync(HttpContext http)
    {
        await http.RequestServices.GetRequiredService<SessionStore>().EndAsync(http.User.SessionId(), SessionStore.SignedOut, http.RequestAborted);
        await http.SignOutAsync(Scheme);
    }

    internal static Task<User?> SessionUserAsync(SessionStore sessions, ClaimsPrincipal? principal, CancellationToken ct) =>
        principal?.UserId() is { } userId
            ? sessions.ValidateAsync(principal.FindFirstValue(CamReviewClaims.Session), userId, principal.FindFirstValue(CamReviewClaims.SecurityStamp), ct)
            : Task.FromResult<User?>(null);

    private static async Task ValidatePrincipalAsync(CookieValidatePrincipalContext context)
    {
        // The error page for a request that failed on the database is shown to nobody in particular: looking the session
        // up would fail again and leave a blank 500 instead. The cookie is kept.
        if (CamReview.Data.DatabaseErrors.IsDatabaseFailure(context.HttpContext.Features.Get<IExceptionHandlerFeature>()?.Error))
        {
            context.RejectPrincipal();
            return;
        }
        var principal = context.Principal;
        var sessions = context.HttpContext.RequestServices.GetRequiredService<SessionStore>();
        // Cookies without a session (made before sessions were kept on the server) are refused too: sign in again.
        if (await SessionUserAsync(sessions, principal, context.HttpContext.RequestAborted) is not { } user)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(Scheme);
            return;
        }
        // Keep the name and the must-change flag current (an owner may have reset them).
        if (user.DisplayName != principal!.Identity!.Name || user.MustChangePassword != principal.MustChangePasswordNow())
        {
            context.ReplacePrincipal(CamReviewClaims.CreatePrincipal(user, principal.SessionId()!, Scheme));
            context.ShouldRenew = true;
        }
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
}

/// <summary>Interactive pages keep the authentication state of the request that opened them (a reconnecting or
/// new circuit is a new request, checked like any other). A session ended on this process (signed out elsewhere,
/// ended by a password change) turns its open pages anonymous at once, and they go to the sign-in page; every
/// <see cref="AuthOptions.RevalidateSeconds"/> an open page also re-checks its session, for sessions ended by
/// another process sharing the database.</summary>
public sealed class SessionStateProvider : RevalidatingServerAuthenticationStateProvider
{
    private static readonly AuthenticationState Anonymous = new(new ClaimsPrincipal(new ClaimsIdentity()));
    private readonly SessionStore _sessions;
    private readonly PortalOptions _options;

    public SessionStateProvider(ILoggerFactory loggers, SessionStore sessions, PortalOptions options) : base(loggers)
    {
        _sessions = sessions;
        _options = options;
        _sessions.Ended += OnEnded;
    }

    protected override TimeSpan RevalidationInterval => TimeSpan.FromSeconds(_options.Auth.RevalidateSeconds);

    /// <summary>The page's session ended while it was open (rather than the page never having had one).</summary>
    public bool SessionEnded { get; private set; }

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState state, CancellationToken ct)
    {
        var valid = await PortalAuthentication.SessionUserAsync(_sessions, state.User, ct) is not null;
        SessionEnded |= !valid;
        return valid;
    }

    private async void OnEnded(SessionsEnded ended)
    {
        try
        {
            if (!ended.Includes((await GetAuthenticationStateAsync()).User)) return;
            SessionEnded = true;
            SetAuthenticationState(Task.FromResult(Anonymous));
        }
        catch (InvalidOperationException)
        {
            // No state yet (the circuit is still starting): its first request was checked anyway.
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) _sessions.Ended -= OnEnded;
        base.Dispose(disposing);
    }
}
