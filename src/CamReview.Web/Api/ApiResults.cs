using CamReview.Web.Services;

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
        _ => StatusCodes.Status500InternalServerError,
    };
}

/// <summary>Refuses state-changing API requests that a browser marks as coming from another site (Sec-Fetch-Site,
/// Origin). Together with SameSite=Lax cookies, JSON-only bodies and the antiforgery token on uploads, this keeps
/// other sites from acting with a user's session. Clients that send neither header (scripts, tests) pass.</summary>
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
