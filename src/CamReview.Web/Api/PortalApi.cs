using CamReview.Data.Entities;
using CamReview.Pipeline.Render;
using CamReview.Web.Accounts;
using CamReview.Web.Authorization;
using CamReview.Web.Media;
using CamReview.Web.Services;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Net.Http.Headers;

namespace CamReview.Web.Api;

/// <summary>The HTTP API under /api (JSON; 401 when not signed in), the media files under /media, and sign-out.
/// Every endpoint is a thin shell over a service, and every service asks <see cref="AccessService"/>.</summary>
public static class PortalApi
{
    public sealed record NewProjectRequest(int TeamId, string? Name, string? Description);
    public sealed record NewTeamRequest(string? Name);
    public sealed record RoleRequest(TeamRole Role);
    public sealed record NewWorkerRequest(string? Name, string[]? Kinds, int? TeamId);
    public sealed record NewExternalMethodRequest(string? Name, string? CommandTemplate, string? Description, int? TimeoutSeconds);
    public sealed record NewAccountRequest(string? Email, string? DisplayName, string? TemporaryPassword);

    public static void MapPortalApi(this WebApplication app)
    {
        var api = app.MapGroup("/api").RequireAuthorization().AddEndpointFilter<SameOriginFilter>();

        api.MapGet("/projects", async (HttpContext http, ProjectService projects, CancellationToken ct) => Results.Ok(await projects.ListAsync(http.User, ct)));
        api.MapPost("/projects", async (NewProjectRequest body, HttpContext http, ProjectService projects, CancellationToken ct) =>
            ApiResults.From(await projects.CreateAsync(http.User, body.TeamId, body.Name, body.Description, ct), p => Results.Created($"/api/projects/{p.Id}", p)));
        api.MapGet("/projects/{projectId:int}", async (int projectId, HttpContext http, ProjectService projects, CancellationToken ct) =>
            ApiResults.From(await projects.GetAsync(http.User, projectId, ct)));
        api.MapDelete("/projects/{projectId:int}", async (int projectId, HttpContext http, ProjectService projects, CancellationToken ct) =>
            ApiResults.From(await projects.DeleteAsync(http.User, projectId, ct)));

        api.MapGet("/projects/{projectId:int}/assets", async (int projectId, HttpContext http, AssetService assets, CancellationToken ct) =>
            ApiResults.From(await assets.ListAsync(http.User, projectId, ct)));
        api.MapPost("/projects/{projectId:int}/assets", UploadAsync);
        api.MapGet("/assets/{assetId:int}/dependents", async (int assetId, HttpContext http, AssetService assets, CancellationToken ct) =>
            ApiResults.From(await assets.GetDependentsAsync(http.User, assetId, ct)));
        api.MapDelete("/assets/{assetId:int}", async (int assetId, string? confirm, HttpContext http, AssetService assets, CancellationToken ct) =>
            ApiResults.From(await assets.DeleteAsync(http.User, assetId, confirm, ct)));

        api.MapGet("/projects/{projectId:int}/pairs", async (int projectId, HttpContext http, PairService pairs, CancellationToken ct) =>
            ApiResults.From(await pairs.ListAsync(http.User, projectId, ct)));
        api.MapPost("/projects/{projectId:int}/pairs", async (int projectId, NewPair body, HttpContext http, PairService pairs, CancellationToken ct) =>
            ApiResults.From(await pairs.CreateAsync(http.User, projectId, body, ct), p => Results.Created($"/api/pairs/{p.Id}", p)));

        api.MapGet("/pairs/{pairId:int}", async (int pairId, HttpContext http, PairService pairs, CancellationToken ct) =>
            ApiResults.From(await pairs.GetDetailsAsync(http.User, pairId, ct)));

        // Jobs: renders of a pair (Reviewer+), and every job's progress, cancel and retry.
        // Built-in methods, then the external ones (those run on render workers only).
        api.MapGet("/render-methods", async (Jobs.WorkerRegistry workers, CancellationToken ct) =>
            Results.Ok(Enum.GetValues<RenderMethod>().Select(m => new { name = m.ToLabel(), description = (string?)m.Description(), external = false })
                .OrderBy(m => m.name).Concat((await workers.ListMethodsAsync(ct)).Select(m => new { name = m.Name, description = m.Description, external = true }))));
        api.MapPost("/pairs/{pairId:int}/renders", async (int pairId, Jobs.RenderJobRequest body, HttpContext http, Jobs.JobService jobs, CancellationToken ct) =>
            ApiResults.From(await jobs.StartRenderAsync(http.User, pairId, body, ct), j => Results.Created($"/api/jobs/{j.Id}", j)));
        api.MapGet("/projects/{projectId:int}/jobs", async (int projectId, int? pairId, HttpContext http, Jobs.JobService jobs, CancellationToken ct) =>
            ApiResults.From(await jobs.ListAsync(http.User, projectId, pairId, ct)));
        api.MapGet("/jobs/{jobId:int}", async (int jobId, HttpContext http, Jobs.JobService jobs, CancellationToken ct) =>
            ApiResults.From(await jobs.GetAsync(http.User, jobId, ct)));
        api.MapGet("/jobs/{jobId:int}/log", async (int jobId, HttpContext http, Jobs.JobService jobs, CancellationToken ct) =>
            ApiResults.From(await jobs.GetLogAsync(http.User, jobId, ct), log => Results.Text(log, "text/plain; charset=utf-8")));
        api.MapPost("/jobs/{jobId:int}/cancel", async (int jobId, HttpContext http, Jobs.JobService jobs, CancellationToken ct) =>
            ApiResults.From(await jobs.CancelAsync(http.User, jobId, ct)));
        api.MapPost("/jobs/{jobId:int}/retry", async (int jobId, HttpContext http, Jobs.JobService jobs, CancellationToken ct) =>
            ApiResults.From(await jobs.RetryAsync(http.User, jobId, ct)));

        // Render workers (Owners for their team, the administrator for all) and external methods (the administrator).
        api.MapGet("/render-workers", async (HttpContext http, Jobs.WorkerRegistry workers, CancellationToken ct) => Results.Ok(await workers.ListAsync(http.User, ct)));
        api.MapPost("/render-workers", async (NewWorkerRequest body, HttpContext http, Jobs.WorkerRegistry workers, CancellationToken ct) =>
            ApiResults.From(await workers.RegisterAsync(http.User, body.Name, body.Kinds, body.TeamId, ct), w => Results.Created($"/api/render-workers/{w.Worker.Id}", w)));
        api.MapPost("/render-workers/{workerId:int}/revoke", async (int workerId, HttpContext http, Jobs.WorkerRegistry workers, CancellationToken ct) =>
            ApiResults.From(await workers.RevokeAsync(http.User, workerId, ct)));
        api.MapGet("/external-methods", async (Jobs.WorkerRegistry workers, CancellationToken ct) => Results.Ok(await workers.ListMethodsAsync(ct)));
        api.MapPost("/external-methods", async (NewExternalMethodRequest body, HttpContext http, Jobs.WorkerRegistry workers, CancellationToken ct) =>
            ApiResults.From(await workers.AddMethodAsync(http.User, body.Name, body.CommandTemplate, body.Description, body.TimeoutSeconds, ct),
                m => Results.Created($"/api/external-methods/{m.Id}", m)));

        // Accounts: the administrator creates them (with a temporary password their user replaces).
        api.MapPost("/accounts", async (NewAccountRequest body, HttpContext http, AccountService accounts, CancellationToken ct) =>
            ApiResults.From(await accounts.CreateAccountAsync(http.User, body.Email, body.DisplayName, body.TemporaryPassword, ct), a => Results.Created($"/api/accounts/{a.Id}", a)));

        api.MapGet("/teams", async (HttpContext http, TeamService teams, CancellationToken ct) => Results.Ok(await teams.ListMineAsync(http.User, ct)));
        api.MapPost("/teams", async (NewTeamRequest body, HttpContext http, TeamService teams, CancellationToken ct) =>
            ApiResults.From(await teams.CreateAsync(http.User, body.Name, ct), t => Results.Created($"/api/teams/{t.Id}", t)));
        api.MapGet("/teams/{teamId:int}", async (int teamId, HttpContext http, TeamService teams, CancellationToken ct) =>
            ApiResults.From(await teams.GetAsync(http.User, teamId, ct)));
        // People join a team by accepting an invitation: the answer to inviting is 202 and the same whether or not an
        // account uses the address.
        api.MapPost("/teams/{teamId:int}/invitations", async (int teamId, InviteRequest body, HttpContext http, InvitationService invitations, CancellationToken ct) =>
            ApiResults.From(await invitations.InviteAsync(http.User, teamId, body.Email, body.Role, ct), sent => Results.Accepted($"/api/teams/{teamId}/invitations", sent)));
        api.MapGet("/teams/{teamId:int}/invitations", async (int teamId, HttpContext http, InvitationService invitations, CancellationToken ct) =>
            ApiResults.From(await invitations.ListForTeamAsync(http.User, teamId, ct)));
        api.MapDelete("/teams/{teamId:int}/invitations/{invitationId:int}", async (int teamId, int invitationId, HttpContext http, InvitationService invitations, CancellationToken ct) =>
            ApiResults.From(await invitations.RevokeAsync(http.User, teamId, invitationId, ct)));
        api.MapGet("/invitations", async (HttpContext http, InvitationService invitations, CancellationToken ct) => Results.Ok(await invitations.ListMineAsync(http.User, ct)));
        api.MapPost("/invitations/{invitationId:int}/accept", async (int invitationId, HttpContext http, InvitationService invitations, CancellationToken ct) =>
            ApiResults.From(await invitations.AcceptAsync(http.User, invitationId, ct)));
        api.MapPost("/invitations/{invitationId:int}/decline", async (int invitationId, HttpContext http, InvitationService invitations, CancellationToken ct) =>
            ApiResults.From(await invitations.DeclineAsync(http.User, invitationId, ct)));
        api.MapPut("/teams/{teamId:int}/members/{userId:int}", async (int teamId, int userId, RoleRequest body, HttpContext http, TeamService teams, CancellationToken ct) =>
            ApiResults.From(await teams.ChangeRoleAsync(http.User, teamId, userId, body.Role, ct)));
        api.MapDelete("/teams/{teamId:int}/members/{userId:int}", async (int teamId, int userId, HttpContext http, TeamService teams, CancellationToken ct) =>
            ApiResults.From(await teams.RemoveMemberAsync(http.User, teamId, userId, ct)));

        // Media files: original, poster, thumb; range requests so that videos seek.
        app.MapGet("/media/{assetId:int}/{variant}", async (int assetId, string variant, HttpContext http, AssetService assets, CancellationToken ct) =>
            MediaResult(http, await assets.GetFileAsync(http.User, assetId, variant, ct), variant)).RequireAuthorization();

        // Sign-out: a form POST carrying the antiforgery token. The antiforgery middleware checks it (the metadata
        // asks it to) and records the verdict, which is enforced here: a forged form signs nobody out.
        app.MapPost("/account/logout", async (HttpContext http) =>
        {
            if (http.Features.Get<IAntiforgeryValidationFeature>() is not { IsValid: true })
                return Results.BadRequest("The sign-out form has expired: reload the page and try again.");
            await PortalAuthentication.SignOutAsync(http);
            return Results.LocalRedirect(PortalAuthentication.LoginPath);
        }).AllowAnonymous().WithMetadata(new RequireAntiforgeryTokenAttribute());
    }

    /// <summary>A stored media file with range requests (so that videos seek) and a content-hash entity tag.</summary>
    public static IResult MediaResult(HttpContext http, Result<MediaFile> file, string variant)
    {
        if (!file.Succeeded) return ApiResults.From(file);
        var (path, contentType, sha) = file.Value!;
        http.Response.Headers.CacheControl = "private, max-age=86400";
        return Results.File(path, contentType, enableRangeProcessing: true,
            lastModified: File.GetLastWriteTimeUtc(path), entityTag: new EntityTagHeaderValue($"\"{sha[..32]}-{variant}\""));
    }

    /// <summary>POST /api/projects/{id}/assets, multipart/form-data: fields <c>kind</c> (reference-video,
    /// target-image, depth-map, output), for outputs <c>methodName</c> and optionally <c>pairId</c>, then one file.
    /// The antiforgery token goes in the RequestVerificationToken header (checked by ApiAntiforgery, from the header
    /// only: looking for it in the form would buffer the whole body). Access, token and fields are checked
    /// before the file's bytes are read; the file is streamed to a temporary file, validated, then stored.</summary>
    private static async Task<IResult> UploadAsync(
        int projectId, HttpContext http, AccessService access, AssetService assets, IMediaStore store, PortalOptions options, CancellationToken ct)
    {
        var allowed = await access.ProjectAsync(http.User, projectId, Permission.UploadAsset, ct);
        if (!allowed.Allowed) return ApiResults.From(allowed.Deny<object>());

        UploadRequest? request = null;
        ReceivedUpload upload;
        try
        {
            (_, upload) = await UploadReceiver.ReceiveAsync(http.Request, store.NewTempPath(".upload"), options.Uploads.MaxBytes, async fields =>
            {
                var check = await assets.CheckUploadAsync(http.User, projectId, fields, ct);
                if (!check.Succeeded) throw new UploadRefusedException(check.Status, check.Error!);
                request = check.Value;
            }, (head, fileName) =>
            {
                // A mismatch is refused from the first bytes, not after a 2 GB body has streamed in.
                var sniffed = AssetService.Sniff(request!, head.Span, fileName);
                if (!sniffed.Succeeded) throw new UploadRefusedException(sniffed.Status, sniffed.Error!);
            }, ct);
        }
        catch (UploadRefusedException e)
        {
            return ApiResults.Error(e.Status, e.Message);
        }
        using (upload)
        {
            return ApiResults.From(await assets.AddUploadAsync(http.User, request!, upload, ct), a => Results.Created($"/api/assets/{a.Id}", a));
        }
    }
}
