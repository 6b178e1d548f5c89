using System.Diagnostics;
using CamReview.Data;
using CamReview.Web.Health;
using Microsoft.AspNetCore.WebUtilities;

namespace CamReview.Web.Security;

/// <summary>How the API fails: an unhandled exception, or an error status without a body (a route that does not exist,
/// a request body that cannot be read), on <c>/api/*</c>, <c>/media/*</c> or an address ending in <c>.json</c> is
/// answered with an RFC 9457 problem (<c>application/problem+json</c>: type, title, status, detail, instance and the
/// request's <c>traceId</c>, which the log names too), never with the HTML error page and never with a stack trace.
/// A damaged database answers 503. Errors the endpoints report themselves keep their own JSON
/// (<c>{"error": ...}</c>, see <see cref="Api.ApiResults"/>).</summary>
public sealed class ApiProblems(RequestDelegate next, ILogger<ApiProblems> log, StorageHealth storage)
{
    public static bool Applies(PathString path) =>
        path.StartsWithSegments("/api") || path.StartsWithSegments("/media") || path.Value?.EndsWith(".json", StringComparison.OrdinalIgnoreCase) == true;

    public async Task InvokeAsync(HttpContext context)
    {
        if (!Applies(context.Request.Path))
        {
            await next(context);
            return;
        }
        try
        {
            await next(context);
        }
        catch (Exception e) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            var damaged = DataFolderCheck.IsCorruption(e);
            if (damaged) storage.CorruptionSeen();
            log.LogError(e, "{Method} {Path} failed (trace id {TraceId})", context.Request.Method, context.Request.Path, TraceId(context));
            context.Response.Clear();
            await WriteAsync(context, damaged ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status500InternalServerError, damaged
                ? "The portal's database cannot be read; an administrator has to restore it. Nothing was changed."
                : "The request could not be completed. Nothing was changed.");
            return;
        }
        var response = context.Response;
        if (response.StatusCode >= 400 && !response.HasStarted && response.ContentLength is null && string.IsNullOrEmpty(response.ContentType))
            await WriteAsync(context, response.StatusCode, null);
    }

    public static string TraceId(HttpContext context) => Activity.Current?.Id ?? context.TraceIdentifier;

    private static Task WriteAsync(HttpContext context, int status, string? detail) =>
        Results.Problem(detail: detail, instance: context.Request.Path, statusCode: status, title: ReasonPhrases.GetReasonPhrase(status),
            extensions: new Dictionary<string, object?> { ["traceId"] = TraceId(context) }).ExecuteAsync(context);
}
