using CamReview.Web.Services;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.Extensions.Options;

namespace CamReview.Web.Api;

/// <summary>The API's answers: the value on success; on failure <c>{"error": "...", "detail": ...}</c> with the status
/// of <see cref="ResultStatus"/> (detail: what explains the failure, e.g. the asset an upload duplicates).</summary>
public static class ApiResults
{
    public sealed record ApiError(string Error, object? Detail = null);

    public static IResult From<T>(Result<T> result, Func<T, IResult>? ok = null) =>
        result.Succeeded ? ok?.Invoke(result.Value!) ?? Results.Ok(result.Value) : Error(result.Status, result.Error!, result.Value);

    public static IResult Error(ResultStatus status, string message, object? detail = null) =>
        Results.Json(new ApiError(message, detail), statusCode: StatusCode(status));

    public static int StatusCode(ResultStatus status) => status switch
    {
        ResultStatus.Ok => StatusCodes.Status200OK,
        ResultStatus.Invalid => StatusCodes.Status400BadRequest,
        ResultStatus.Unauthenticated => StatusCodes.Status401Unauthorized,
        ResultStatus.Forbidden => StatusCodes.Status403Forbidden,
        ResultStatus.NotFound => StatusCodes.Status404NotFound,
        ResultStatus.Conflict => StatusCodes.Status409Conflict,
        ResultStatus.TooLarge => StatusCodes.Status413PayloadTooLarge,
        ResultStatus.UnsupportedMediaType => StatusCodes.Status415UnsupportedMediaType,
        ResultStatus.Unprocessable => StatusCodes.Status422UnprocessableEntity,
        ResultStatus.Unavailable => StatusCodes.Status503ServiceUnavailable,
        _ => StatusCodes.Status500InternalServerError,
    };
}

/// <summary>Refuses state-changing API requests that a browser marks as coming from another site (Sec-Fetch-Site,
/// Origin). Clients that send neither header (scripts, older browsers, some proxies strip them) pass this filter:
/// on the signed-in API it is <see cref="ApiAntiforgery"/> that makes sure such a request came from the
/// portal's own pages; on the participant API the key in a header (never a cookie) does.</summary>
public sealed class SameOriginFilter : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        if (HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method) || HttpMethods.IsOptions(request.Method) || IsSameOrigin(request))
            return next(context);
        return ValueTask.FromResult<object?>(ApiResults.Error(ResultStatus.Forbidden, "Requests from other sites are refused."));
    }

    public static bool IsSameOrigin(HttpRequest request)
    {
        var site = request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0 && site is not ("same-origin" or "none")) return false;
        var origin = request.Headers.Origin.ToString();
        if (origin.Length == 0) return true;
        return Uri.TryCreate(origin, UriKind.Absolute, out var uri) &&
               string.Equals(uri.Scheme, request.Scheme, StringComparison.OrdinalIgnoreCase) &&
               string.Equals(uri.Authority, request.Host.Value, StringComparison.OrdinalIgnoreCase);
    }
}

/// <summary>Every unsafe request (POST, PUT, PATCH, DELETE) to the signed-in API under /api must carry the session's
/// antiforgery token in the <c>RequestVerificationToken</c> header, whatever else it sends: the API is authenticated
/// by the session cookie alone, which a browser attaches to requests that other sites make it send, while the token is
/// only in the portal's own pages. Missing or not this session's: 400 with a JSON error. A middleware after
/// authorization (so for every /api endpoint, whichever group maps it), before the endpoint reads its body; the header
/// is the only place looked at, so an upload's form is never buffered to look for the token. The API has no other
/// means of authentication (no bearer or API tokens) that would be exempt; the participant API under /p/{token}/api
/// has no cookie to forge (its key travels in a header).</summary>
public static class ApiAntiforgery
{
    public static void UseApiAntiforgery(this WebApplication app) => app.Use(async (http, next) =>
    {
        if (!http.Request.Path.StartsWithSegments("/api") || !IsUnsafe(http.Request.Method) || http.User.Identity?.IsAuthenticated != true)
        {
            await next(http);
            return;
        }
        var headerName = http.RequestServices.GetRequiredService<IOptions<AntiforgeryOptions>>().Value.HeaderName!;
        var valid = !Microsoft.Extensions.Primitives.StringValues.IsNullOrEmpty(http.Request.Headers[headerName]);
        if (valid)
        {
            try { await http.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(http); }
            catch (AntiforgeryValidationException) { valid = false; }
        }
        if (valid) await next(http);
        else await ApiResults.Error(ResultStatus.Invalid,
            $"The request has no valid antiforgery token (header {headerName}): reload the page and try again.").ExecuteAsync(http);
    });

    public static bool IsUnsafe(string method) =>
        !(HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method) || HttpMethods.IsTrace(method));
}
