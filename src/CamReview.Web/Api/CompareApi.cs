using System.Text;
using CamReview.Data.Entities;
using CamReview.Pipeline.Score;
using CamReview.Web.Compare;
using CamReview.Web.Components.Layout;
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

    /// <summary>The share page's guest comment form, as posted: the fields are read as text and parsed here, so that an
    /// empty choice ("about the comparison", "a new comment") is not a binding error. <see cref="Time"/> is the players'
    /// time in seconds (set by the page's script; 0 without it).</summary>
    public sealed class GuestCommentForm
    {
        public const string NameCookie = "CamReview.GuestName";

        public string? Name { get; set; }
        public string? Body { get; set; }
        public string? Time { get; set; }
        public string? About { get; set; }
        public string? ReplyTo { get; set; }

        public NewComment Comment() => new(
            double.TryParse(Time, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var time) ? time : 0,
            Body, Number(About), Number(ReplyTo));

        private static int? Number(string? text) => int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : null;
    }

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
                return Results.Content(MessagePage("Too many tries", refused.Message, ShareAddress(token), "Back to the passphrase", "passphrase-throttled", PortalTheme.IsDark(http)),
                    "text/html; charset=utf-8", statusCode: StatusCodes.Status429TooManyRequests);
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
        // A guest's comment from the share page's form (antiforgery-checked, as every form): stored and shown to the
        // comparison's open pages, then back to the share page; a link that does not take guest comments, or is closed,
        // answers 403 and stores nothing; too many posts answer 429 (GuestCommentLimits).
        share.MapPost("/{token}/comments", async (string token, [FromForm] GuestCommentForm form, HttpContext http, ShareLinkService links,
            CollaborationService collaboration, CancellationToken ct) =>
        {
            http.Response.Headers["Referrer-Policy"] = "no-referrer";
            IResult Refused(int status, string message) => Results.Content(MessagePage("Comment not posted", message, ShareAddress(token), "Back to the comparison",
                "guest-comment-refused", PortalTheme.IsDark(http)), "text/html; charset=utf-8", statusCode: status);
            var shared = await links.ResolveAsync(token, countOpen: false, ct);
            if (shared is null) return Refused(StatusCodes.Status404NotFound, "This share link does not exist. Check that the address was copied whole.");
            if (shared.Refusal is null && !links.IsOpen(shared, http)) return Refused(StatusCodes.Status403Forbidden, "Open the share link with its passphrase first.");
            var result = await collaboration.AddGuestCommentAsync(shared, form.Name, form.Comment(), ct);
            if (result.Status == ResultStatus.Forbidden) return Refused(StatusCodes.Status403Forbidden, result.Error!);
            if (!result.Succeeded)
                return Results.Redirect($"{ShareLinkService.PathPrefix}{token}?commentError={Uri.EscapeDataString(result.Error!)}#guest-comment");
            // The name is offered again next time, in this browser and on this link only.
            http.Response.Cookies.Append(GuestCommentForm.NameCookie, form.Name!.Trim(), new CookieOptions
            {
                HttpOnly = true, SameSite = SameSiteMode.Lax, Secure = http.Request.IsHttps, IsEssential = true,
                Path = ShareLinkService.PathPrefix + token, Expires = shared.ExpiresUtc,
            });
            return Results.Redirect($"{ShareLinkService.PathPrefix}{token}?commented={result.Value!.Id}#guest-comment");
        }).WithMetadata(GuestCommentLimits.Limited.Instance);
    }

    private static async Task<SharedAccess?> OpenAsync(string token, HttpContext http, ShareLinkService links, CancellationToken ct)
    {
        http.Response.Headers["Referrer-Policy"] = "no-referrer";
        http.Response.Headers["X-Robots-Tag"] = "noindex";
        var shared = await links.ResolveAsync(token, countOpen: false, ct);
        return shared is not null && links.IsOpen(shared, http) ? shared : null;
    }

    /// <summary>An answer of its own to a form of the share page that was not taken (a passphrase guess not checked, a
    /// guest comment refused): a small page with the message and the way back (<paramref name="back"/>, relative).</summary>
    internal static string MessagePage(string title, string message, string back, string backLabel, string testId, bool dark)
    {
        static string Html(string text) => System.Net.WebUtility.HtmlEncode(text);
        return $"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="robots" content="noindex"><base href="/"><title>{Html(title)} · CamReview</title>
            {PortalTheme.StaticHead(dark)}</head>
            <body><main class="static-main"><div class="static-alert static-alert-warning" role="alert" data-testid="{Html(testId)}">
            <h1>{Html(title)}</h1><p>{Html(message)}</p>
            <a class="static-button" href="{Html(back)}">{Html(backLabel)}</a></div></main></body></html>
            """;
    }

    /// <summary>The share page of a token, relative to the portal (for a link back to it).</summary>
    internal static string ShareAddress(string token) => ShareLinkService.PathPrefix.TrimStart('/') + Uri.EscapeDataString(token);

    private static IResult Closed() =>
        ApiResults.Error(ResultStatus.NotFound, "This share link does not exist, was revoked, has expired, or needs its passphrase.");

    /// <summary>The metric table as a CSV download or as JSON.</summary>
    private static IResult Metrics(Comparison comparison, string format) => format == "csv"
        ? Results.File(Encoding.UTF8.GetBytes(ComparisonService.MetricsCsv(comparison)), "text/csv; charset=utf-8", $"metrics-pair-{comparison.Pair.Id}.csv")
        : Results.Json(ComparisonService.MetricsJson(comparison));
}
