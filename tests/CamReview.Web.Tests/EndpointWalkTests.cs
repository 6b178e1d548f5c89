using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using CamReview.Data.Entities;
using CamReview.Web.Studies;
using Microsoft.AspNetCore.Components.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.AspNetCore.Routing.Template;
using Microsoft.AspNetCore.StaticAssets;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CamReview.Web.Tests;

/// <summary>Everything the endpoint walk needs a concrete address for: the study world's Lab (Olga owns it besides the
/// administrator, Rita reviews, Vic views; Otto is in another team), a render job, a comment, two share links (an
/// open one to revoke, one with a passphrase that only the guest has unlocked), and an open study whose participant
/// has joined, and a render worker of the Lab.</summary>
public sealed class EndpointWalkWorld : StudyWorld
{
    public const string Passphrase = "the guest knows this";
    public Dictionary<string, string> Ids { get; } = [];
    public string ParticipantKey = "", ParticipantMediaCookie = "", GuestCookie = "";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        await CreateUserAsync("olga@camreview.test", "Olga Owner", Password, LabId, TeamRole.Owner);
        using var admin = await ClientAsync();
        await using (var db = OpenDb())
        {
            var assets = await db.Assets.Where(a => a.ProjectId == ProjectId).ToListAsync();
            Ids["video"] = assets.First(a => a.Kind == AssetKind.ReferenceVideo).Id.ToString();
            Ids["image"] = assets.First(a => a.Kind == AssetKind.TargetImage).Id.ToString();
            Ids["output"] = assets.First(a => a.Kind == AssetKind.Output).Id.ToString();
            Ids["vic"] = (await db.Users.SingleAsync(u => u.Email == "vic@camreview.test")).Id.ToString();
        }
        Ids["team"] = LabId.ToString();
        Ids["project"] = ProjectId.ToString();
        Ids["pair"] = PairId.ToString();
        Ids["spare"] = Id(await admin.UploadOkAsync(ProjectId, "target-image", TestMedia.DepthMap, "spare.png"));
        Ids["job"] = Id(await admin.PostJsonOkAsync($"api/pairs/{PairId}/renders", new { method = "homography", parameters = new { motion = "pan-left", frames = 12 } }));
        Ids["worker"] = Id((await admin.PostJsonOkAsync("api/render-workers", new { name = "walked worker", kinds = new[] { "homography" }, teamId = LabId }))
            .GetProperty("worker"));
        Ids["comment"] = Id(await admin.PostJsonOkAsync($"api/pairs/{PairId}/comments", new { timeSeconds = 0.1, body = "first look" }));
        Ids["invitation"] = Id((await admin.PostJsonOkAsync($"api/teams/{LabId}/invitations", new { email = "invitee@camreview.test", role = "viewer" }))
            .GetProperty("invitation"));
        Ids["link"] = Id(await admin.PostJsonOkAsync($"api/pairs/{PairId}/share-links", new { label = "open", expiresInDays = 7 }));
        var locked = await admin.PostJsonOkAsync($"api/pairs/{PairId}/share-links", new { label = "locked", expiresInDays = 7, passphrase = Passphrase });
        Ids["share"] = locked.GetProperty("url").GetString()!.TrimEnd('/').Split('/')[^1];

        var (studyId, token) = await OpenStudyAsync("walked", attentionChecks: 0);
        Ids["study"] = studyId.ToString();
        Ids["ptoken"] = token;
        using var participant = new Participant(BaseAddress, token);
        await participant.JoinOkAsync();
        ParticipantKey = participant.Key!;
        ParticipantMediaCookie = participant.MediaCookie;
        var trial = participant.Session.GetProperty("trials")[0];
        Ids["trial"] = trial.GetProperty("trial").GetInt32().ToString();
        Ids["mediakey"] = trial.GetProperty("reference").GetString()!.TrimEnd('/').Split('/')[^1];
        Ids["participant"] = participant.Session.GetProperty("participant").GetString()!;
        Ids["code"] = (await admin.PostJsonOkAsync($"api/studies/{studyId}/invitations", new { count = 1 })).GetProperty("codes")[0].GetString()!;
        Ids["inclusion"] = Id(await admin.PostJsonOkAsync($"api/studies/{studyId}/inclusions", new { flag = "too-fast" }));

        // The guest opens the locked link with its passphrase in a browser-like session and keeps the unlock cookie.
        using var guest = PortalClient.Anonymous(BaseAddress);
        using var unlocked = await guest.PostFormAsync($"share/{Ids["share"]}", "unlock", new() { ["passphrase"] = Passphrase }, $"share/{Ids["share"]}/unlock");
        GuestCookie = guest.Cookies.GetCookieHeader(new Uri(BaseAddress, $"share/{Ids["share"]}/"));
        if (!GuestCookie.Contains("CamReview.Share", StringComparison.Ordinal))
            throw new InvalidOperationException($"the guest did not unlock the share link: {unlocked.StatusCode} {GuestCookie}");
    }

    private static string Id(JsonElement created) => created.GetProperty("id").GetInt32().ToString();
}

/// <summary>
/// The security suite's walk: every endpoint the portal maps has a rule in <see cref="Rules"/> (who may call it), and
/// every rule is tried with a real address by every kind of caller: anonymous, a study participant, a share-link
/// guest, a Viewer, a Reviewer and an Owner of the team, and the member of another team. A new endpoint without a
/// rule fails <see cref="EveryEndpointHasARuleAndEveryRuleAnEndpoint"/>; a rule that does not hold fails
/// <see cref="EveryCallerGetsWhatTheRulesSay"/>. The table is what docs/security.md points to.
/// </summary>
public sealed class EndpointWalkTests(EndpointWalkWorld world) : IClassFixture<EndpointWalkWorld>
{
    public enum Caller { Anonymous, Participant, Guest, OtherTeam, Viewer, Reviewer, Owner }

    /// <summary>Who may call an endpoint.</summary>
    public enum Access
    {
        /// <summary>Anyone: the sign-in form, error pages, health, the framework's files.</summary>
        Public,
        /// <summary>Not found for everyone: the not-found page, and the first administrator's set-up form once there is one.</summary>
        NotFound,
        /// <summary>Any account; what it lists is the caller's own.</summary>
        SignedIn,
        /// <summary>A member of the team the address belongs to, with at least this role.</summary>
        Viewer, Reviewer, Owner,
        /// <summary>The administrator (who creates accounts); every other account is refused with 403.</summary>
        Administrator,
        /// <summary>The person an invitation is for: for everyone else it does not exist.</summary>
        Invitee,
        /// <summary>Anyone with the study's participant link (the link is the capability).</summary>
        StudyLink,
        /// <summary>The participant whose key is sent with the request.</summary>
        ParticipantKey,
        /// <summary>The participant whose media cookie (set when they joined) is sent with the request, as a video
        /// element sends it: their media keys open nothing for anyone else.</summary>
        ParticipantMedia,
        /// <summary>Whoever unlocked the share link with its passphrase in this browser.</summary>
        UnlockedShare,
        /// <summary>A render worker with its bearer token: no account, guest or participant holds one, so every
        /// caller here gets 401 (a worker's own jobs only: WorkerApiTests).</summary>
        WorkerToken,
    }

    /// <summary>An endpoint (method and route as mapped) with its rule and a real address to try it at; {name}
    /// stands for an id of the world. Rules that change or remove things come last, so that what they act on stays
    /// until every caller has tried everything else.</summary>
    public sealed record Rule(string Method, string Route, Access Access, string Address, object? Body = null)
    {
        public override string ToString() => $"{Method} {Route}";
    }

    public static readonly Rule[] Rules =
    [
        // Pages
        new("GET", "/", Access.SignedIn, ""),
        new("GET", "/projects", Access.SignedIn, "projects"),
        new("GET", "/projects/{Id:int}", Access.Viewer, "projects/{project}"),
        new("GET", "/projects/{ProjectId:int}/pairs/{PairId:int}", Access.Viewer, "projects/{project}/pairs/{pair}"),
        new("GET", "/projects/{ProjectId:int}/pairs/{PairId:int}/compare", Access.Viewer, "projects/{project}/pairs/{pair}/compare"),
        new("GET", "/projects/{ProjectId:int}/leaderboard", Access.Viewer, "projects/{project}/leaderboard"),
        new("GET", "/compare", Access.SignedIn, "compare"),
        new("GET", "/teams", Access.SignedIn, "teams"),
        new("GET", "/teams/{Id:int}", Access.Viewer, "teams/{team}"),
        new("GET", "/studies", Access.SignedIn, "studies"),
        new("GET", "/studies/{StudyId:int}", Access.Viewer, "studies/{study}"),
        new("GET", "/studies/new/{ProjectId:int}", Access.Reviewer, "studies/new/{project}"),
        new("GET", "/studies/{StudyId:int}/edit", Access.Reviewer, "studies/{study}/edit"),
        // Lists the workers of the caller's own teams (all for the administrator).
        new("GET", "/workers", Access.SignedIn, "workers"),
        new("GET", "/account/password", Access.SignedIn, "account/password"),
        new("GET", "/account/login", Access.Public, "account/login"),
        new("GET", "/setup", Access.NotFound, "setup"),
        new("GET", "/error", Access.Public, "error"),
        // The metric reference: the metric help of share pages links here, for readers without an account.
        new("GET", "/help/metrics", Access.Public, "help/metrics"),
        new("GET", "/not-found", Access.NotFound, "not-found"),
        // With a passphrase, the share page asks for it (401) until this browser has unlocked it.
        new("GET", "/share/{Token}", Access.UnlockedShare, "share/{share}"),

        // Portal API
        new("GET", "/api/projects", Access.SignedIn, "api/projects"),
        new("POST", "/api/projects", Access.Owner, "api/projects", new { teamId = "{team}", name = "walked project" }),
        new("GET", "/api/projects/{projectId:int}", Access.Viewer, "api/projects/{project}"),
        new("GET", "/api/projects/{projectId:int}/assets", Access.Viewer, "api/projects/{project}/assets"),
        new("POST", "/api/projects/{projectId:int}/assets", Access.Reviewer, "api/projects/{project}/assets"),
        new("GET", "/api/assets/{assetId:int}/dependents", Access.Viewer, "api/assets/{image}/dependents"),
        new("GET", "/api/projects/{projectId:int}/pairs", Access.Viewer, "api/projects/{project}/pairs"),
        new("POST", "/api/projects/{projectId:int}/pairs", Access.Reviewer, "api/projects/{project}/pairs",
            new { referenceAssetId = "{video}", targetAssetId = "{spare}" }),
        new("GET", "/api/pairs/{pairId:int}", Access.Viewer, "api/pairs/{pair}"),
        new("GET", "/api/render-methods", Access.SignedIn, "api/render-methods"),
        new("POST", "/api/pairs/{pairId:int}/renders", Access.Reviewer, "api/pairs/{pair}/renders",
            new { method = "homography", parameters = new { motion = "tilt-up", frames = 12 } }),
        new("GET", "/api/projects/{projectId:int}/jobs", Access.Viewer, "api/projects/{project}/jobs"),
        new("GET", "/api/jobs/{jobId:int}", Access.Viewer, "api/jobs/{job}"),
        new("GET", "/api/jobs/{jobId:int}/log", Access.Viewer, "api/jobs/{job}/log"),
        new("POST", "/api/jobs/{jobId:int}/cancel", Access.Reviewer, "api/jobs/{job}/cancel"),
        new("POST", "/api/jobs/{jobId:int}/retry", Access.Reviewer, "api/jobs/{job}/retry"),
        // Workers of the teams the caller owns; an Owner registers one for their team, the administrator defines methods.
        new("GET", "/api/render-workers", Access.SignedIn, "api/render-workers"),
        new("POST", "/api/render-workers", Access.Owner, "api/render-workers", new { name = "walked by an owner", kinds = new[] { "homography" }, teamId = "{team}" }),
        new("GET", "/api/external-methods", Access.SignedIn, "api/external-methods"),
        new("POST", "/api/external-methods", Access.Administrator, "api/external-methods",
            new { name = "walked-method", commandTemplate = "cp {reference} {output}", timeoutSeconds = 60 }),
        new("GET", "/api/teams", Access.SignedIn, "api/teams"),
        new("POST", "/api/teams", Access.SignedIn, "api/teams", new { name = "walked team" }),
        new("GET", "/api/teams/{teamId:int}", Access.Viewer, "api/teams/{team}"),
        new("POST", "/api/accounts", Access.Administrator, "api/accounts",
            new { email = "newcomer@camreview.test", displayName = "Newcomer", temporaryPassword = "a-temporary-password" }),
        new("POST", "/api/teams/{teamId:int}/invitations", Access.Owner, "api/teams/{team}/invitations", new { email = "another@camreview.test", role = "viewer" }),
        new("GET", "/api/teams/{teamId:int}/invitations", Access.Owner, "api/teams/{team}/invitations"),
        new("GET", "/api/invitations", Access.SignedIn, "api/invitations"),
        // Only the invitee answers an invitation (none of the callers is the invitee here).
        new("POST", "/api/invitations/{invitationId:int}/accept", Access.Invitee, "api/invitations/{invitation}/accept"),
        new("POST", "/api/invitations/{invitationId:int}/decline", Access.Invitee, "api/invitations/{invitation}/decline"),
        new("GET", "/media/{assetId:int}/{variant}", Access.Viewer, "media/{video}/poster"),

        // Compare API
        new("GET", "/api/pairs/{pairId:int}/metrics.{format:regex(^(csv|json)$)}", Access.Viewer, "api/pairs/{pair}/metrics.json"),
        new("GET", "/api/projects/{projectId:int}/leaderboard.{format:regex(^(csv|tex)$)}", Access.Viewer, "api/projects/{project}/leaderboard.tex"),
        new("GET", "/api/pairs/{pairId:int}/comments", Access.Viewer, "api/pairs/{pair}/comments"),
        new("POST", "/api/pairs/{pairId:int}/comments", Access.Reviewer, "api/pairs/{pair}/comments", new { timeSeconds = 0.2, body = "walked" }),
        new("PUT", "/api/comments/{commentId:int}/resolved", Access.Reviewer, "api/comments/{comment}/resolved", new { resolved = true }),
        new("PUT", "/api/outputs/{assetId:int}/review", Access.Reviewer, "api/outputs/{output}/review", new { status = "approved" }),
        new("GET", "/api/pairs/{pairId:int}/share-links", Access.Reviewer, "api/pairs/{pair}/share-links"),
        new("POST", "/api/pairs/{pairId:int}/share-links", Access.Reviewer, "api/pairs/{pair}/share-links", new { label = "walked", expiresInDays = 1 }),

        // Share addresses: the token and, with a passphrase, this browser's unlock cookie.
        new("GET", "/share/{token}/media/{assetId:int}/{variant}", Access.UnlockedShare, "share/{share}/media/{output}/poster"),
        new("GET", "/share/{token}/metrics.{format:regex(^(csv|json)$)}", Access.UnlockedShare, "share/{share}/metrics.json"),

        // Studies
        new("GET", "/api/studies", Access.SignedIn, "api/studies"),
        new("GET", "/api/projects/{projectId:int}/study-choices", Access.Reviewer, "api/projects/{project}/study-choices"),
        new("POST", "/api/studies", Access.Reviewer, "api/studies", new { projectId = "{project}", study = "{draft}" }),
        new("GET", "/api/studies/{studyId:int}", Access.Viewer, "api/studies/{study}"),
        new("GET", "/api/studies/{studyId:int}/results", Access.Viewer, "api/studies/{study}/results"),
        new("GET", "/api/studies/{studyId:int}/export/{table}.csv", Access.Viewer, "api/studies/{study}/export/votes.csv"),
        new("GET", "/api/studies/{studyId:int}/report.html", Access.Viewer, "api/studies/{study}/report.html"),
        new("GET", "/api/studies/{studyId:int}/report.pdf", Access.Viewer, "api/studies/{study}/report.pdf"),
        new("GET", "/p/{token}/", Access.StudyLink, "p/{ptoken}"),
        new("GET", "/p/{token}/media/{key}", Access.ParticipantMedia, "p/{ptoken}/media/{mediakey}"),
        new("GET", "/p/{token}/media/{key}/poster", Access.ParticipantMedia, "p/{ptoken}/media/{mediakey}/poster"),
        new("GET", "/p/{token}/api/session", Access.ParticipantKey, "p/{ptoken}/api/session"),
        new("POST", "/p/{token}/api/votes", Access.ParticipantKey, "p/{ptoken}/api/votes", new { trial = "{trial}", question = "overall", choice = "0", responseMs = 900 }),
        new("POST", "/p/{token}/api/participants", Access.StudyLink, "p/{ptoken}/api/participants"),
        new("POST", "/api/studies/{studyId:int}/invitations", Access.Reviewer, "api/studies/{study}/invitations", new { count = 2 }),
        new("GET", "/api/studies/{studyId:int}/invitations.csv", Access.Reviewer, "api/studies/{study}/invitations.csv"),
        new("POST", "/api/studies/{studyId:int}/inclusions", Access.Reviewer, "api/studies/{study}/inclusions", new { participant = "{participant}" }),

        // The render workers' API (bearer token only).
        new("POST", "/api/workers/lease", Access.WorkerToken, "api/workers/lease", new { kinds = new[] { "homography" } }),
        new("GET", "/api/workers/jobs/{jobId:int}/inputs/{input}", Access.WorkerToken, "api/workers/jobs/{job}/inputs/reference"),
        new("POST", "/api/workers/jobs/{jobId:int}/heartbeat", Access.WorkerToken, "api/workers/jobs/{job}/heartbeat", new { stage = "walked", percent = 10 }),
        new("PUT", "/api/workers/jobs/{jobId:int}/log", Access.WorkerToken, "api/workers/jobs/{job}/log"),
        new("POST", "/api/workers/jobs/{jobId:int}/result", Access.WorkerToken, "api/workers/jobs/{job}/result"),
        new("POST", "/api/workers/jobs/{jobId:int}/failure", Access.WorkerToken, "api/workers/jobs/{job}/failure", new { error = "walked" }),
        new("POST", "/api/workers/jobs/{jobId:int}/release", Access.WorkerToken, "api/workers/jobs/{job}/release"),

        // Changes and removals, last.
        new("PUT", "/api/studies/{studyId:int}", Access.Reviewer, "api/studies/{study}", "{draft}"),
        new("POST", "/api/studies/{studyId:int}/state", Access.Reviewer, "api/studies/{study}/state", new { state = "paused" }),
        new("DELETE", "/api/studies/{studyId:int}/invitations/{code}", Access.Reviewer, "api/studies/{study}/invitations/{code}"),
        new("POST", "/api/studies/{studyId:int}/invitations/revoke-unused", Access.Reviewer, "api/studies/{study}/invitations/revoke-unused"),
        new("DELETE", "/api/studies/{studyId:int}/inclusions/{inclusionId:int}", Access.Reviewer, "api/studies/{study}/inclusions/{inclusion}"),
        new("POST", "/api/render-workers/{workerId:int}/revoke", Access.Owner, "api/render-workers/{worker}/revoke"),
        new("POST", "/api/share-links/{linkId:int}/revoke", Access.Reviewer, "api/share-links/{link}/revoke"),
        // A comment is deleted by its author or an Owner; this one is the administrator's.
        new("DELETE", "/api/comments/{commentId:int}", Access.Owner, "api/comments/{comment}"),
        new("PUT", "/api/teams/{teamId:int}/members/{userId:int}", Access.Owner, "api/teams/{team}/members/{vic}", new { role = "reviewer" }),
        new("DELETE", "/api/teams/{teamId:int}/members/{userId:int}", Access.Owner, "api/teams/{team}/members/{vic}"),
        new("DELETE", "/api/teams/{teamId:int}/invitations/{invitationId:int}", Access.Owner, "api/teams/{team}/invitations/{invitation}"),
        new("DELETE", "/api/assets/{assetId:int}", Access.Owner, "api/assets/{spare}"),
        new("DELETE", "/api/projects/{projectId:int}", Access.Owner, "api/projects/{project}"),
    ];

    /// <summary>Endpoints with a rule of their own outside the table, each said where it is proved.</summary>
    private static readonly Dictionary<string, string> ProvedElsewhere = new()
    {
        ["POST /account/logout"] = "a form post with the antiforgery token: SecurityTests and the sign-out tests",
        ["POST /share/{token}/unlock"] = "the passphrase form: CompareBrowserTests and the share-link guess-limit tests",
        ["POST /share/{token}/comments"] = "the guest comment form (antiforgery, 403 unless the link allows guests, 429): GuestCommentTests",
        ["* /hubs/review"] = "any account; joining a project's group checks membership: AuthorizationMatrixTests.OnlyMembersJoinAProjectsLiveUpdates",
        ["* /hubs/review/negotiate"] = "as /hubs/review",
        ["* /health"] = "anyone; what it tells whom: the health tests",
    };

    /// <summary>The framework's own endpoints: the circuit (any caller may start one; pages decide what it shows),
    /// its script, the static files, and the fallback that answers the addresses of files that do not exist.</summary>
    private static bool IsFramework(RouteEndpoint endpoint) =>
        endpoint.RoutePattern.RawText!.TrimStart('/') is var route
        && (route.StartsWith("_blazor", StringComparison.Ordinal) || route.StartsWith("_framework/", StringComparison.Ordinal)
            || endpoint.Metadata.GetMetadata<StaticAssetDescriptor>() is not null || endpoint.DisplayName?.StartsWith("Fallback ", StringComparison.Ordinal) == true);

    [Fact]
    public void EveryEndpointHasARuleAndEveryRuleAnEndpoint()
    {
        var mapped = MappedEndpoints();
        var ruled = Rules.Select(r => r.ToString()).ToHashSet();
        Assert.Equal(Rules.Length, ruled.Count); // one rule per endpoint
        var withoutRule = mapped.Keys.Where(e => !ruled.Contains(e) && !ProvedElsewhere.ContainsKey(e)).Order().ToList();
        Assert.True(withoutRule.Count == 0, "endpoints without a rule in EndpointWalkTests.Rules: " + string.Join(", ", withoutRule));
        var stale = ruled.Concat(ProvedElsewhere.Keys).Where(r => !mapped.ContainsKey(r)).Order().ToList();
        Assert.True(stale.Count == 0, "rules for endpoints that are not mapped: " + string.Join(", ", stale));
    }

    [Fact]
    public void EveryRulesAddressReachesItsOwnEndpoint()
    {
        var mapped = MappedEndpoints();
        foreach (var rule in Rules)
        {
            var path = "/" + Fill(rule.Address).Split('?')[0];
            var matches = mapped.Where(m => m.Key.StartsWith(rule.Method + " ", StringComparison.Ordinal) && Matches(m.Value, path)).Select(m => m.Key).ToList();
            Assert.True(matches.Contains(rule.ToString()), $"{rule}: {path} reaches {string.Join(", ", matches)}");
        }
    }

    [Fact]
    public async Task EveryCallerGetsWhatTheRulesSay()
    {
        var wrong = new List<string>();
        var clients = new Dictionary<Caller, PortalClient>
        {
            [Caller.Anonymous] = PortalClient.Anonymous(world.BaseAddress),
            [Caller.Participant] = PortalClient.Anonymous(world.BaseAddress),
            [Caller.Guest] = PortalClient.Anonymous(world.BaseAddress),
            [Caller.OtherTeam] = await world.ClientAsync("otto@camreview.test", StudyWorld.Password),
            [Caller.Viewer] = await world.ClientAsync("vic@camreview.test", StudyWorld.Password),
            [Caller.Reviewer] = await world.ClientAsync("rita@camreview.test", StudyWorld.Password),
            [Caller.Owner] = await world.ClientAsync("olga@camreview.test", StudyWorld.Password),
        };
        try
        {
            // Callers in the order of Caller (the Owner last, as its changes and removals succeed), rules in table order.
            foreach (var (caller, client) in clients.OrderBy(c => c.Key))
                foreach (var rule in Rules)
                {
                    using var response = await SendAsync(caller, client, rule);
                    var expected = Expected(rule.Access, caller);
                    var got = Outcome(response);
                    if (got != expected)
                        wrong.Add($"{caller} {rule} ({Fill(rule.Address)}): expected {expected}, got {got} ({(int)response.StatusCode} {Snippet(await response.Content.ReadAsStringAsync())})");
                }
        }
        finally
        {
            foreach (var client in clients.Values) client.Dispose();
        }
        Assert.True(wrong.Count == 0, $"{wrong.Count} calls did not get what the rules say:\n" + string.Join("\n", wrong));
    }

    // ServerError is never expected: a 5xx matches no rule, also not a refusal from a capability address.
    private enum Result { Allowed, SignIn, Forbidden, NotFound, Refused, ServerError }

    /// <summary>What a caller gets: the sign-in (a redirect for pages, 401 for the API) without an account; 404 for
    /// another team's things (as for unknown ids); 403 with the role the action needs for a member whose role is too
    /// low; 401/403/404 from a capability address without the capability.</summary>
    private static Result Expected(Access access, Caller caller)
    {
        var account = HasAccount(caller);
        static int Rank(Caller c) => c switch { Caller.Viewer => 1, Caller.Reviewer => 2, Caller.Owner => 3, _ => 0 };
        static int Needs(Access a) => a switch { Access.Viewer => 1, Access.Reviewer => 2, Access.Owner => 3, _ => throw new ArgumentOutOfRangeException(nameof(a)) };
        return access switch
        {
            Access.Public or Access.StudyLink => Result.Allowed,
            Access.NotFound => Result.NotFound,
            Access.SignedIn => account ? Result.Allowed : Result.SignIn,
            Access.ParticipantKey or Access.ParticipantMedia => caller == Caller.Participant ? Result.Allowed : Result.Refused,
            Access.UnlockedShare => caller == Caller.Guest ? Result.Allowed : Result.Refused,
            Access.Administrator => account ? Result.Forbidden : Result.SignIn,
            Access.WorkerToken => Result.SignIn,
            Access.Invitee => account ? Result.NotFound : Result.SignIn,
            _ when !account => Result.SignIn,
            _ when caller == Caller.OtherTeam => Result.NotFound,
            _ => Rank(caller) >= Needs(access) ? Result.Allowed : Result.Forbidden,
        };
    }

    private static bool HasAccount(Caller caller) => caller is Caller.OtherTeam or Caller.Viewer or Caller.Reviewer or Caller.Owner;

    private static Result Outcome(HttpResponseMessage response) => (int)response.StatusCode switch
    {
        401 => Result.SignIn,
        302 when response.Headers.Location?.ToString().Contains("account/login", StringComparison.Ordinal) == true => Result.SignIn,
        403 => Result.Forbidden,
        404 => Result.NotFound,
        410 => Result.Refused,
        >= 500 => Result.ServerError,
        _ => Result.Allowed,
    };

    private async Task<HttpResponseMessage> SendAsync(Caller caller, PortalClient client, Rule rule)
    {
        var path = Fill(rule.Address);
        if (rule.Route == "/api/projects/{projectId:int}/assets" && rule.Method == "POST")
            return await UploadAsync(client, caller, path);
        using var request = new HttpRequestMessage(new HttpMethod(rule.Method), path);
        if (rule.Body is not null) request.Content = new StringContent(FillJson(rule.Body), Encoding.UTF8, "application/json");
        if (caller == Caller.Participant)
        {
            request.Headers.Add(ParticipantService.KeyHeader, world.ParticipantKey);
            request.Headers.Add("Cookie", world.ParticipantMediaCookie);
        }
        if (caller == Caller.Guest) request.Headers.Add("Cookie", world.GuestCookie);
        if (HasAccount(caller) && rule.Method != "GET") request.Headers.Add(PortalClient.AntiforgeryHeader, await client.AntiforgeryTokenAsync());
        var response = await client.Http.SendAsync(request);
        // A refusal from a capability address: 401, 403 and 404 all say "not with what you hold".
        if (rule.Access is Access.ParticipantKey or Access.ParticipantMedia or Access.UnlockedShare && (int)response.StatusCode is 401 or 403 or 404)
            response.StatusCode = HttpStatusCode.Gone;
        return response;
    }

    private static async Task<HttpResponseMessage> UploadAsync(PortalClient client, Caller caller, string path)
    {
        using var form = new MultipartFormDataContent { { new StringContent("depth-map"), "kind" } };
        form.Add(new ByteArrayContent(TestMedia.DepthMap), "file", $"walked-{caller}.png");
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = form };
        if (HasAccount(caller)) request.Headers.Add(PortalClient.AntiforgeryHeader, await client.AntiforgeryTokenAsync());
        return await client.Http.SendAsync(request);
    }

    private string Fill(string template)
    {
        foreach (var (name, value) in world.Ids) template = template.Replace("{" + name + "}", value, StringComparison.Ordinal);
        return template;
    }

    /// <summary>A body with ids of the world: "{name}" strings become the id (a number where it is one), "{draft}" a study.</summary>
    private string FillJson(object body)
    {
        var json = JsonSerializer.Serialize(body, JsonSerializerOptions.Web);
        json = json.Replace("\"{draft}\"", JsonSerializer.Serialize(world.Draft($"walked {Guid.NewGuid():N}"), JsonSerializerOptions.Web), StringComparison.Ordinal);
        foreach (var (name, value) in world.Ids)
            json = json.Replace($"\"{{{name}}}\"", int.TryParse(value, out _) ? value : $"\"{value}\"", StringComparison.Ordinal);
        return json;
    }

    private static string Snippet(string body) => body.Length <= 160 ? body : body[..160] + "…";

    /// <summary>The portal's endpoints as "METHOD /route" (methods from their metadata, "*" for any), without the
    /// framework's own.</summary>
    private Dictionary<string, RoutePattern> MappedEndpoints()
    {
        var result = new Dictionary<string, RoutePattern>();
        foreach (var endpoint in world.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            if (IsFramework(endpoint)) continue;
            var route = "/" + endpoint.RoutePattern.RawText!.TrimStart('/');
            var methods = endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [];
            // A page answers GET; its POST is the form post, refused without the antiforgery token (SecurityTests).
            if (endpoint.Metadata.GetMetadata<ComponentTypeMetadata>() is not null) methods = ["GET"];
            foreach (var method in methods.Count == 0 ? ["*"] : methods) result[$"{method} {route}"] = endpoint.RoutePattern;
        }
        return result;
    }

    private static bool Matches(RoutePattern pattern, string path)
    {
        var values = new RouteValueDictionary();
        if (!new TemplateMatcher(TemplateParser.Parse(pattern.RawText!.TrimStart('/')), []).TryMatch(path, values)) return false;
        foreach (var parameter in pattern.Parameters)
            foreach (var policy in parameter.ParameterPolicies)
            {
                var value = values[parameter.Name]?.ToString() ?? "";
                if (policy.Content == "int" && !int.TryParse(value, out _)) return false;
                if (policy.Content?.StartsWith("regex(", StringComparison.Ordinal) == true
                    && !System.Text.RegularExpressions.Regex.IsMatch(value, policy.Content[6..^1])) return false;
            }
        return true;
    }
}
