using System.Threading.RateLimiting;
using CamReview.Data.Entities;
using CamReview.Web.Api;
using CamReview.Web.Components.Layout;
using CamReview.Web.Demo;
using CamReview.Web.Media;
using CamReview.Web.Services;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace CamReview.Web.Studies;

/// <summary>Preference studies in the portal: the team's API under /api/studies (signed in, through
/// <see cref="Authorization.AccessService"/>), and the anonymous participant side under /p/{token}: a static page, its
/// JSON API and the media, each rate-limited.</summary>
public static class StudyEndpoints
{
    public const string JoinPolicy = "study-join";
    public const string VotePolicy = "study-vote";
    public const string ReadPolicy = "study-read";

    public sealed record NewStudyRequest(int ProjectId, StudyDraft Study);
    public sealed record StateRequest(StudyState State);
    public sealed record InvitationsRequest(int Count);
    public sealed record InclusionRequest(string? Participant, string? Flag);

    public static IServiceCollection AddStudies(this IServiceCollection services)
    {
        services.AddOptions<StudyOptions>().BindConfiguration(StudyOptions.Section).PostConfigure(o => o.Validate());
        services.AddSingleton<StudyEvents>();
        services.AddSingleton<StudyWriteLock>();
        services.AddSingleton<StudyWriter>();
        services.AddSingleton<StudyMediaPreparation>();
        services.AddHostedService(provider => provider.GetRequiredService<StudyMediaPreparation>());
        services.AddSingleton<Jobs.IJobExecutor, StudyMediaJobExecutor>();
        services.AddSingleton<StudyService>();
        services.AddSingleton<ParticipantAddresses>();
        services.AddSingleton<ParticipantService>();
        services.AddSingleton<StudyInvitations>();
        services.AddSingleton<StudyResults>();
        services.AddSingleton<ReportPrinter>();
        services.AddSingleton<DemoStudy>();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<StudyOptions>>((limiter, studyOptions) =>
        {
            var limits = studyOptions.Value;
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = (context, ct) =>
            {
                context.HttpContext.Response.Headers.RetryAfter = "60";
                return new ValueTask(context.HttpContext.Response.WriteAsJsonAsync(
                    new ApiResults.ApiError("Too many requests from here: wait a minute, then try again (your answers so far are kept)."), ct));
            };
            limiter.AddPolicy(JoinPolicy, http => PerMinute($"join:{Address(http)}", limits.JoinsPerMinute));
            limiter.AddPolicy(VotePolicy, http =>
            {
                var key = http.Request.Headers[ParticipantService.KeyHeader].ToString();
                return PerMinute(key.Length > 0 ? $"vote:{key}" : $"vote-address:{Address(http)}", limits.VotesPerMinute);
            });
            limiter.AddPolicy(ReadPolicy, http => PerMinute($"read:{Address(http)}", limits.ReadsPerMinute));
        });
        return services;
    }

    private static string Address(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static RateLimitPartition<string> PerMinute(string partition, int permits) => permits == 0
        ? RateLimitPartition.GetNoLimiter(partition)
        : RateLimitPartition.GetFixedWindowLimiter(partition, _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0, AutoReplenishment = true,
        });

    public static void MapStudies(this WebApplication app)
    {
        var api = app.MapGroup("/api").RequireAuthorization().AddEndpointFilter<SameOriginFilter>();
        api.MapGet("/studies", async (HttpContext http, StudyService studies, CancellationToken ct) => Results.Ok(await studies.ListAsync(http.User, ct)));
        api.MapGet("/projects/{projectId:int}/study-choices", async (int projectId, HttpContext http, StudyService studies, CancellationToken ct) =>
            ApiResults.From(await studies.ChoicesAsync(http.User, projectId, ct)));
        api.MapPost("/studies", async (NewStudyRequest body, HttpContext http, StudyService studies, CancellationToken ct) =>
            ApiResults.From(await studies.CreateAsync(http.User, body.ProjectId, body.Study, ct), s => Results.Created($"/api/studies/{s.Id}", s)));
        api.MapGet("/studies/{studyId:int}", async (int studyId, HttpContext http, StudyService studies, CancellationToken ct) =>
            ApiResults.From(await studies.GetAsync(http.User, studyId, ct)));
        api.MapPut("/studies/{studyId:int}", async (int studyId, StudyDraft body, HttpContext http, StudyService studies, CancellationToken ct) =>
            ApiResults.From(await studies.UpdateAsync(http.User, studyId, body, ct)));
        api.MapPost("/studies/{studyId:int}/state", async (int studyId, StateRequest body, HttpContext http, StudyService studies, CancellationToken ct) =>
            ApiResults.From(await studies.SetStateAsync(http.User, studyId, body.State, ct)));
        api.MapGet("/studies/{studyId:int}/results", async (int studyId, HttpContext http, StudyResults results, CancellationToken ct) =>
            ApiResults.From(await results.ReportAsync(http.User, studyId, ct)));
        api.MapGet("/studies/{studyId:int}/report.html", async (int studyId, HttpContext http, StudyResults results, CancellationToken ct) =>
            ApiResults.From(await results.ReportHtmlAsync(http.User, studyId, ct),
                html => Results.File(System.Text.Encoding.UTF8.GetBytes(html), "text/html; charset=utf-8", $"study-{studyId}-report.html")));
        api.MapGet("/studies/{studyId:int}/report.pdf", async (int studyId, HttpContext http, StudyResults results, ReportPrinter printer, CancellationToken ct) =>
        {
            var html = await results.ReportHtmlAsync(http.User, studyId, ct);
            if (!html.Succeeded) return ApiResults.From(html);
            return ApiResults.From(await printer.PdfAsync(html.Value!, ct), pdf => Results.File(pdf, "application/pdf", $"study-{studyId}-report.pdf"));
        });
        api.MapGet("/studies/{studyId:int}/export/{table}.csv", async (int studyId, string table, HttpContext http, StudyResults results, CancellationToken ct) =>
            ApiResults.From(await results.ExportAsync(http.User, studyId, table, ct),
                csv => Results.File(System.Text.Encoding.UTF8.GetBytes(csv), "text/csv; charset=utf-8", $"study-{studyId}-{table}.csv")));
        api.MapPost("/studies/{studyId:int}/invitations", async (int studyId, InvitationsRequest body, HttpContext http, StudyInvitations invitations, CancellationToken ct) =>
            ApiResults.From(await invitations.CreateAsync(http.User, studyId, body.Count, ct), created => Results.Json(created, statusCode: StatusCodes.Status201Created)));
        api.MapGet("/studies/{studyId:int}/invitations.csv", async (int studyId, HttpContext http, StudyInvitations invitations, CancellationToken ct) =>
            ApiResults.From(await invitations.ExportAsync(http.User, studyId, PortalUri(http), ct),
                csv => Results.File(System.Text.Encoding.UTF8.GetBytes(csv), "text/csv; charset=utf-8", $"study-{studyId}-invitations.csv")));
        api.MapDelete("/studies/{studyId:int}/invitations/{code}", async (int studyId, string code, HttpContext http, StudyInvitations invitations, CancellationToken ct) =>
            ApiResults.From(await invitations.RevokeAsync(http.User, studyId, code, ct)));
        api.MapPost("/studies/{studyId:int}/invitations/revoke-unused", async (int studyId, HttpContext http, StudyInvitations invitations, CancellationToken ct) =>
            ApiResults.From(await invitations.RevokeUnusedAsync(http.User, studyId, ct)));
        api.MapPost("/studies/{studyId:int}/inclusions", async (int studyId, InclusionRequest body, HttpContext http, StudyResults results, CancellationToken ct) =>
            ApiResults.From(await results.IncludeAsync(http.User, studyId, body.Participant, body.Flag, ct)));
        api.MapDelete("/studies/{studyId:int}/inclusions/{inclusionId:int}", async (int studyId, int inclusionId, HttpContext http, StudyResults results, CancellationToken ct) =>
            ApiResults.From(await results.WithdrawAsync(http.User, studyId, inclusionId, ct)));

        // The participant side: anonymous (no account), so exempt from the fallback policy. Unsafe requests still need
        // to come from this site (SameOriginFilter); they carry the participant key in a header, never in a cookie, so
        // another site cannot vote in a participant's name.
        var participant = app.MapGroup("/p/{token}").AllowAnonymous();
        participant.MapGet("", async (string token, HttpContext http, ParticipantService participants, CancellationToken ct) =>
        {
            NoStore(http);
            var info = await participants.PageAsync(token, ct);
            return info is not null
                ? Results.Content(ParticipantPage.Render(token, info, PortalTheme.IsDark(http)), "text/html; charset=utf-8")
                : Results.Content(ParticipantPage.NotFound(PortalTheme.IsDark(http)), "text/html; charset=utf-8", statusCode: StatusCodes.Status404NotFound);
        }).RequireRateLimiting(ReadPolicy);

        var participantApi = participant.MapGroup("/api").AddEndpointFilter<SameOriginFilter>();
        participantApi.MapPost("/participants", async (string token, JoinRequest? body, HttpContext http, ParticipantService participants, CancellationToken ct) =>
        {
            NoStore(http);
            // The address the forwarded-headers middleware settled on (a known proxy's client, else the peer).
            var joined = await participants.JoinAsync(token, body, http.Connection.RemoteIpAddress, ct);
            if (joined.Succeeded) SetMediaCookie(http, token, joined.Value!.Session);
            return ApiResults.From(joined, j => Results.Json(j, statusCode: StatusCodes.Status201Created));
        }).RequireRateLimiting(JoinPolicy);
        participantApi.MapGet("/session", async (string token, HttpContext http, ParticipantService participants, CancellationToken ct) =>
        {
            NoStore(http);
            var session = await participants.SessionAsync(token, http.Request.Headers[ParticipantService.KeyHeader].ToString(), ct);
            if (session.Succeeded) SetMediaCookie(http, token, session.Value!);
            return ApiResults.From(session);
        }).RequireRateLimiting(ReadPolicy);
        participantApi.MapPost("/votes", async (string token, VoteRequest body, HttpContext http, ParticipantService participants, CancellationToken ct) =>
        {
            NoStore(http);
            return ApiResults.From(await participants.VoteAsync(token, http.Request.Headers[ParticipantService.KeyHeader].ToString(), body, ct),
                r => Results.Json(r, statusCode: r.Duplicate ? StatusCodes.Status200OK : StatusCodes.Status201Created));
        }).RequireRateLimiting(VotePolicy);

        participant.MapGet("/media/{key}", (string token, string key, HttpContext http, ParticipantService participants, CancellationToken ct) =>
            MediaAsync(token, key, poster: false, http, participants, ct)).RequireRateLimiting(ReadPolicy);
        participant.MapGet("/media/{key}/poster", (string token, string key, HttpContext http, ParticipantService participants, CancellationToken ct) =>
            MediaAsync(token, key, poster: true, http, participants, ct)).RequireRateLimiting(ReadPolicy);
    }

    /// <summary>The media cookie of a participant (<see cref="StudyMediaKeys"/>), for this study's media addresses only.</summary>
    private static void SetMediaCookie(HttpContext http, string token, ParticipantSession session) =>
        http.Response.Cookies.Append(StudyMediaKeys.CookieName, session.MediaCookie, new CookieOptions
        {
            HttpOnly = true, SameSite = Microsoft.AspNetCore.Http.SameSiteMode.Strict, Secure = http.Request.IsHttps, IsEssential = true,
            Path = $"{http.Request.PathBase}/p/{token}/media",
        });

    /// <summary>A study video (or poster) by the participant's key, encoded for participants when the study opened.
    /// Every such answer has the same headers but the ETag, which is made of the key: the same type, length (every
    /// file of a kind has one size), caching and no Last-Modified, file name or Content-Disposition; ranges work.</summary>
    private static async Task<IResult> MediaAsync(string token, string key, bool poster, HttpContext http, ParticipantService participants, CancellationToken ct)
    {
        var file = await participants.MediaAsync(token, key, http.Request.Cookies[StudyMediaKeys.CookieName], poster, ct);
        if (!file.Succeeded) return ApiResults.From(file);
        var (path, type) = file.Value!;
        http.Response.Headers.CacheControl = "private, max-age=86400";
        http.Response.Headers.XContentTypeOptions = "nosniff";
        // A stream, not a path: a file result would send the file's Last-Modified.
        return Results.File(File.OpenRead(path), type, enableRangeProcessing: true, entityTag: new EntityTagHeaderValue($"\"{key}{(poster ? "-poster" : "")}\""));
    }

    /// <summary>The portal's own address as this request reached it (for the links of invitation codes).</summary>
    private static Uri PortalUri(HttpContext http) => new($"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}/");

    private static void NoStore(HttpContext http)
    {
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.XContentTypeOptions = "nosniff";
        http.Response.Headers["Referrer-Policy"] = "no-referrer";
    }
}
