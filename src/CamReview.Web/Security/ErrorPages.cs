using CamReview.Web.Accounts;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Diagnostics;

namespace CamReview.Web.Security;

/// <summary>How failed requests are answered in the browser: an unexpected exception with the /error page, a status code
/// without a body (404, 400, 405) with the status page (/not-found), and a form posted without a valid antiforgery token
/// with a 400 and that page, whatever endpoint it was posted to (pages, the share unlock form, sign-out).</summary>
public static class ErrorPages
{
    public const string ErrorPath = "/error";
    public const string StatusPath = "/not-found";

    /// <summary>The error handlers; registered first, so that they see every failure.</summary>
    public static void UseErrorPages(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment()) app.UseExceptionHandler(ErrorPath, createScopeForErrors: true);
        // A new scope for the re-executed page: the one that set 404 already initialised the request's
        // NavigationManager, and rendering the status page in that scope fails (.NET 10).
        app.UseStatusCodePagesWithReExecute(StatusPath, createScopeForStatusCodePages: true);
        app.Use((context, next) =>
        {
            // The error and status pages are pages to look at: re-executed for a POST they would be treated as a
            // posted form (and fail on its missing token), so they are rendered as for a GET.
            if (context.Features.Get<IExceptionHandlerFeature>() is not null || context.Features.Get<IStatusCodeReExecuteFeature>() is not null)
                context.Request.Method = HttpMethods.Get;
            return next(context);
        });
    }

    /// <summary>After the antiforgery middleware: a browser form whose token is missing or wrong gets a 400 page at once,
    /// before the endpoint reads the form (which throws for an invalid token) or renders an empty answer.</summary>
    public static void UseFormTokenRefusal(this WebApplication app) => app.Use((context, next) =>
    {
        if (context.Features.Get<IAntiforgeryValidationFeature>() is { IsValid: false } && !HttpMethods.IsGet(context.Request.Method)
            && !PortalAuthentication.IsMachinePath(context.Request.Path))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return Task.CompletedTask;
        }
        return next(context);
    });
}
