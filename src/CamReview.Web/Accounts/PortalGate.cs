namespace CamReview.Web.Accounts;

/// <summary>Two states in which the portal serves almost nothing: before the first account exists (everything
/// goes to /setup) and while a signed-in user still has the temporary password an owner gave them (everything
/// goes to /account/password). Static files, the framework's scripts and /health always pass.</summary>
public sealed class PortalGate(RequestDelegate next)
{
    public const string SetupPath = "/setup";
    public const string ChangePasswordPath = "/account/password";

    private static readonly string[] AlwaysOpen = ["/health", "/_framework", "/_content", "/not-found", "/error"];
    private static readonly string[] StaticExtensions = [".css", ".js", ".mjs", ".map", ".svg", ".ico", ".woff", ".woff2"];

    public async Task InvokeAsync(HttpContext context, AccountService accounts)
    {
        var path = context.Request.Path;
        if (AlwaysOpen.Any(p => path.StartsWithSegments(p)) || IsStaticAsset(path))
        {
            await next(context);
            return;
        }

        if (!await accounts.HasUsersAsync(context.RequestAborted))
        {
            if (path.StartsWithSegments(SetupPath)) await next(context);
            else await Refuse(context, SetupPath, StatusCodes.Status503ServiceUnavailable, "CamReview has no administrator yet: open /setup to create one.");
            return;
        }
        if (path.StartsWithSegments(SetupPath))
        {
            // Set up already: the page is gone.
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        if (context.User.MustChangePasswordNow() && !path.StartsWithSegments("/account"))
        {
            await Refuse(context, $"{ChangePasswordPath}?returnUrl={Uri.EscapeDataString(path + context.Request.QueryString)}",
                StatusCodes.Status403Forbidden, "Choose your own password first (your account has a temporary one): open /account/password.");
            return;
        }
        await next(context);
    }

    /// <summary>Framework and component assets served by endpoints (scoped CSS bundles, fingerprinted scripts).</summary>
    private static bool IsStaticAsset(PathString path) =>
        !PortalAuthentication.IsMachinePath(path) && StaticExtensions.Contains(Path.GetExtension(path.Value ?? ""), StringComparer.OrdinalIgnoreCase);

    private static Task Refuse(HttpContext context, string redirectTo, int status, string message)
    {
        if (!PortalAuthentication.IsMachinePath(context.Request.Path) && HttpMethods.IsGet(context.Request.Method))
        {
            context.Response.Redirect(redirectTo);
            return Task.CompletedTask;
        }
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new { error = message });
    }
}
