using System.Text;
using CamReview.Data.Entities;
using CamReview.Pipeline.Score;
using CamReview.Web.Compare;
using CamReview.Web.Services;
using Microsoft.AspNetCore.Mvc;

namespace CamReview.Web.Api;

/// <summary>Comparisons over HTTP: metric exports, comments, review statuses and share links for team members (under
/// /api), and the read-only share addresses (under /share/{token}) that need no account.</summary>
public static class CompareApi
{
    public sealed record ReviewRequest(ReviewStatus Status);

    /// <summary>A comment thread resolved (true) or open again (false).</summary>
    public sealed record ResolvedRequest(bool Resolved);

    public static void MapCompareApi(this WebApplication app)
    {
        var api = app.MapGroup("/api").RequireAuthorization().AddEndpointFilter<SameOriginFilter>();

        api.MapGet("/pairs/{pairId:int}/metrics.{format:regex(^(csv|json)$)}", async (int pairId, string format, HttpContext http, ComparisonService comparisons, CancellationToken ct) =>
        {
            var result = await comparisons.GetAsync(http.User, pairId, ct);
            return result.Succeeded ? Metrics(result.Value.Comparison, format) : ApiResults.From(result);
        });

        api.MapGet("/projects/{projectId:int}/leaderboard.{format:regex(^(csv|tex)$)}", async (int projectId, string format, string? pairs, HttpContext http,
            LeaderboardService leaderboards, CancellationToken ct) =>
        {
            var result = await leaderboards.GetAsync(http.User, projectId, LeaderboardService.ParseSelection(pairs), ct);
            if (!result.Succeeded) return ApiResults.From(result);
            return format == "csv"
                ? Results.File(Encoding.UTF8.GetBytes(LeaderboardTables.Csv(result.Value!.Board)), "text/csv; charset=utf-8", $"leaderboard-project-{projectId}.csv")
                : Results.File(Encoding.UTF8.GetBytes(LeaderboardService.Latex(result.Value!)), "application/x-tex; charset=utf-8", $"leaderboard-project-{projectId}.tex");
        });

        api.MapGet("/pairs/{pairId:int}/comments", async (int pairId, HttpContext http, CollaborationService collaboration, CancellationToken ct) =>
            ApiResults.From(await collaboration.ListCommentsAsync(http.User, pairId, ct)));
        api.MapPost("/pairs/{pairId:int}/comments", async (int pairId, NewComment body, HttpContext http, CollaborationService collaboration, CancellationToken ct) =>
            ApiResults.From(await collaboration.AddCommentAsync(http.User, pairId, body, ct), c => Results.Created($"/api/comments/{c.Id}", c)));
        api.MapDelete("/comments/{commentId:int}", async (int commentId, HttpContext http, CollaborationService collaboration, CancellationToken ct) =>
            ApiResults.From(await collaboration.DeleteCommentAsync(http.User, commentId, ct)));
        api.MapPut("/comments/{commentId:int}/resolved", async (int commentId, ResolvedRequest body, HttpContext http, CollaborationService collaboration, CancellationToken ct) =>
            ApiResults.From(await collaboration.SetResolvedAsync(http.User, commentId, body.Resolved, ct)));

        api.MapPut("/outputs/{assetId:int}/review", async (int assetId, ReviewRequest body, HttpContext http, CollaborationService collaboration, CancellationToken ct) =>
            ApiResults.From(await collaboration.SetReviewAsync(http.User, assetId, body.Status, ct)));

        api.MapGet("/pairs/{pairId:int}/share-links", async (int pairId, HttpContext http, ShareLinkService links, CancellationToken ct) =>
            ApiResults.From(await links.ListAsync(http.User, pairId, ct)));
        api.MapPost("/pairs/{pairId:int}/share-links", async (int pairId, NewShareLink body, HttpContext http, ShareLinkService links, CancellationToken ct) =>
            ApiResults.From(await links.CreateAsync(http.User, pairId, body, ct), l => Results.Created($"/api/share-links/{l.Id}", l)));
        api.MapPost("/share-links/{linkId:int}/revoke", async (int linkId, HttpContext http, ShareLinkService links, CancellationToken ct) =>
            ApiResults.From(await links.RevokeAsync(http.User, linkId, ct)));

        // The share addresses: a valid token (and, with a passphrase, the unlock cookie) is the whole authorization.
        var share = app.MapGroup(ShareLinkService.PathPrefix.TrimEnd('/')).AllowAnonymous();
        share.MapGet("/{token}/media/{assetId:int}/{variant}", async (string token, int assetId, string variant, HttpContext http,
            ShareLinkService links, AssetService assets, CancellationToken ct) =>
        {
            var shared = await OpenAsync(token, http, links, ct);
            return shared is null ? Closed() : PortalApi.MediaResult(http, await assets.GetSharedFileAsync(shared.PairId, assetId, variant, ct), variant);
        });
        share.MapGet("/{token}/metrics.{format:regex(^(csv|json)$)}", async (string token, string format, HttpContext http, ShareLinkService links,
            ComparisonService comparisons, CancellationToken ct) =>
            await OpenAsync(token, http, links, ct) is { } shared && await comparisons.GetSharedAsync(shared.PairId, ct) is { } c ? Metrics(c, format) : Closed());
        share.MapPost("/{token}/unlock", async (string token, [FromForm] string? passphrase, HttpContext http, ShareLinkService links, CancellationToken ct) =>
        {
            var shared = await links.ResolveAsync(token, countOpen: false, ct);
            if (shared is null || shared.Refusal is not null) return Results.Redirect(ShareLinkService.PathPrefix + Uri.EscapeDataString(token));
            var unlock = await links.UnlockAsync(shared, passphrase, Security.ClientAddress.Of(http), ct);
            if (unlock.Refused is { } refused)
            {
                http.Response.Headers.RetryAfter = refused.RetryAfterSeconds;
                return Results.Content(TooManyGuessesPage(token, refused.Message), "text/html; charset=utf-8", statusCode: StatusCodes.Status429TooManyRequests);
            }
            if (unlock.Cookie is { } cookie)
                http.Response.Cookies.Append(ShareLinkService.UnlockCookieName(shared.LinkId), cookie, new CookieOptions
                {
                    HttpOnly = true, SameSite = SameSiteMode.Lax, Secure = http.Request.IsHttps, IsEssential = true,
                    Path = ShareLinkService.PathPrefix + token,
                });
            var query = unlock.Error is null ? "" : "?error=" + Uri.EscapeDataString(unlock.Error);
            return Results.Redirect(ShareLinkService.PathPrefix + token + query);
        });
    }

    private static async Task<SharedAccess?> OpenAsync(string token, HttpContext http, ShareLinkService links, CancellationToken ct)
    {
        http.Response.Headers["Referrer-Policy"] = "no-referrer";
        http.Response.Headers["X-Robots-Tag"] = "noindex";
        var shared = await links.ResolveAsync(token, countOpen: false, ct);
        return shared is not null && links.IsOpen(shared, http) ? shared : null;
    }

    /// <summary>The answer to a passphrase guess that was not checked: a page of its own (the share page's form posts
    /// here), with the message and the way back to the form.</summary>
    private static string TooManyGuessesPage(string token, string message)
    {
        var back = System.Net.WebUtility.HtmlEncode(ShareLinkService.PathPrefix.TrimStart('/') + Uri.EscapeDataString(token));
        return $"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="robots" content="noindex"><base href="/"><title>Too many tries · CamReview</title>
            <link rel="stylesheet" href="lib/bootstrap/bootstrap.min.css"></head>
            <body><main class="container py-4"><div class="alert alert-warning" role="alert" data-testid="passphrase-throttled">
            <h1 class="h5">Too many tries</h1><p>{System.Net.WebUtility.HtmlEncode(message)}</p>
            <a class="btn btn-outline-secondary btn-sm" href="{back}">Back to the passphrase</a></div></main></body></html>
            """;
    }

    private static IResult Closed() =>
        ApiResults.Error(ResultStatus.NotFound, "This share link does not exist, was revoked, has expired, or needs its passphrase.");

    /// <summary>The metric table as a CSV download or as JSON.</summary>
    private static IResult Metrics(Comparison comparison, string format) => format == "csv"
        ? Results.File(Encoding.UTF8.GetBytes(ComparisonService.MetricsCsv(comparison)), "text/csv; charset=utf-8", $"metrics-pair-{comparison.Pair.Id}.csv")
        : Results.Json(ComparisonService.MetricsJson(comparison));
}
