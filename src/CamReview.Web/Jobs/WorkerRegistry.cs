using System.Security.Claims;
using System.Security.Cryptography;
using CamReview.Data;
using CamReview.Data.Entities;
using CamReview.Pipeline.Render;
using CamReview.Web.Accounts;
using CamReview.Web.Authorization;
using CamReview.Web.Services;
using Microsoft.EntityFrameworkCore;

namespace CamReview.Web.Jobs;

/// <summary>A registered render worker as pages and the API show it (never its token).</summary>
public sealed record WorkerView(int Id, string Name, int? TeamId, string? TeamName, IReadOnlyList<string> Kinds, DateTime CreatedUtc,
    DateTime? LastSeenUtc, DateTime? RevokedUtc)
{
    public bool Revoked => RevokedUtc is not null;
}

/// <summary>A worker just registered: its token, shown this once.</summary>
public sealed record NewWorker(WorkerView Worker, string Token);

public sealed record ExternalMethodView(int Id, string Name, string CommandTemplate, string? Description, int TimeoutSeconds);

/// <summary>The worker a valid token belongs to (what the worker API knows of the caller).</summary>
public sealed record WorkerIdentity(int Id, string Name, int? TeamId, IReadOnlyList<string> Kinds);

/// <summary>Render workers and external methods. A team's Owner registers workers for the team's projects, the
/// administrator workers for every team; a worker gets a 256-bit random token shown once, of which only the SHA-256
/// is stored, and a revoked worker's token is refused at its next request. External methods (command templates) are
/// global and the administrator's to define: their commands run on the workers' hosts.</summary>
public sealed class WorkerRegistry(IDbContextFactory<CamReviewDb> dbs, AccessService access, AccountService accounts)
{
    public const string TokenPrefix = "crw_";
    public const int DefaultTimeoutSeconds = 3600;

    public async Task<Result<NewWorker>> RegisterAsync(ClaimsPrincipal user, string? name, IEnumerable<string>? kinds, int? teamId, CancellationToken ct = default)
    {
        if (await MayManageAsync(user, teamId, ct) is { } denied) return denied.Cast<NewWorker>();
        name = name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > CamReviewDb.WorkerNameMaxLength)
            return Result<NewWorker>.Fail($"Give the worker a name of at most {CamReviewDb.WorkerNameMaxLength} characters.");
        var offered = (kinds ?? []).Select(k => k.Trim()).Where(k => k.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (offered.Count == 0) return Result<NewWorker>.Fail("Choose the render methods the worker offers.");
        await using var db = await dbs.CreateDbContextAsync(ct);
        var known = RenderMethodLabels.All.Concat(await db.ExternalMethods.Select(m => m.Name).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        if (offered.FirstOrDefault(k => !known.Contains(k)) is { } unknown)
            return Result<NewWorker>.Fail($"\"{unknown}\" is not a render method here: {string.Join(", ", known.Order(StringComparer.Ordinal))}.");
        var token = TokenPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var worker = new RenderWorker
        {
            Name = name, TeamId = teamId, Kinds = string.Join(",", offered), TokenHash = Hash(token), CreatedByUserId = user.UserId(), CreatedUtc = DateTime.UtcNow,
        };
        db.RenderWorkers.Add(worker);
        await db.SaveChangesAsync(ct);
        return Result<NewWorker>.Ok(new NewWorker(await Views(db.RenderWorkers.Where(w => w.Id == worker.Id)).SingleAsync(ct), token));
    }

    /// <summary>The workers the user may manage: all for the administrator, else those of the teams they own.</summary>
    public async Task<IReadOnlyList<WorkerView>> ListAsync(ClaimsPrincipal user, CancellationToken ct = default)
    {
        if (user.UserId() is not { } userId) return [];
        var admin = await accounts.IsAdministratorAsync(user, ct);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var owned = db.TeamMembers.Where(m => m.UserId == userId && m.Role == TeamRole.Owner).Select(m => (int?)m.TeamId);
        var workers = db.RenderWorkers.AsNoTracking().Where(w => admin || owned.Contains(w.TeamId));
        return await Views(workers.OrderBy(w => w.Id)).ToListAsync(ct);
    }

    public async Task<Result<WorkerView>> RevokeAsync(ClaimsPrincipal user, int workerId, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var worker = await db.RenderWorkers.SingleOrDefaultAsync(w => w.Id == workerId, ct);
        if (worker is null) return Result<WorkerView>.NotFound();
        if (await MayManageAsync(user, worker.TeamId, ct) is { } denied) return denied.Cast<WorkerView>();
        worker.RevokedUtc ??= DateTime.UtcNow;
        await db.SaveChangesAsync(ct);
        return Result<WorkerView>.Ok(await Views(db.RenderWorkers.Where(w => w.Id == workerId)).SingleAsync(ct));
    }

    /// <summary>The worker a bearer token belongs to, when it is valid and not revoked (its last-seen time renewed).</summary>
    public async Task<WorkerIdentity?> AuthenticateAsync(string? token, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(token) || !token.StartsWith(TokenPrefix, StringComparison.Ordinal) || token.Length > 200) return null;
        var hash = Hash(token);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var worker = await db.RenderWorkers.AsNoTracking().SingleOrDefaultAsync(w => w.TokenHash == hash && w.RevokedUtc == null, ct);
        if (worker is null) return null;
        var now = DateTime.UtcNow;
        if (worker.LastSeenUtc is not { } seen || now - seen > TimeSpan.FromSeconds(30))
            await db.RenderWorkers.Where(w => w.Id == worker.Id).ExecuteUpdateAsync(s => s.SetProperty(w => w.LastSeenUtc, now), ct);
        return new WorkerIdentity(worker.Id, worker.Name, worker.TeamId, SplitKinds(worker.Kinds));
    }

    public async Task<IReadOnlyList<ExternalMethodView>> ListMethodsAsync(CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.ExternalMethods.AsNoTracking().OrderBy(m => m.Name)
            .Select(m => new ExternalMethodView(m.Id, m.Name, m.CommandTemplate, m.Description, m.TimeoutSeconds)).ToListAsync(ct);
    }

    public async Task<ExternalMethodView?> FindMethodAsync(string? name, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.ExternalMethods.AsNoTracking().Where(m => m.Name == name)
            .Select(m => new ExternalMethodView(m.Id, m.Name, m.CommandTemplate, m.Description, m.TimeoutSeconds)).SingleOrDefaultAsync(ct);
    }

    /// <summary>Defines an external method (administrator only). The template is checked here: unknown placeholders,
    /// no {output}, unclosed quotes are refused.</summary>
    public async Task<Result<ExternalMethodView>> AddMethodAsync(ClaimsPrincipal user, string? name, string? template, string? description, int? timeoutSeconds,
        CancellationToken ct = default)
    {
        if (!await accounts.IsAdministratorAsync(user, ct))
            return Result<ExternalMethodView>.Fail("Only the administrator defines external methods: their commands run on the workers' hosts.", ResultStatus.Forbidden);
        name = name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > CamReviewDb.MethodNameMaxLength || name.Contains(','))
            return Result<ExternalMethodView>.Fail($"Give the method a name of at most {CamReviewDb.MethodNameMaxLength} characters, without commas.");
        if (RenderMethodLabels.TryParse(name, out _)) return Result<ExternalMethodView>.Fail($"\"{name}\" is a built-in method.", ResultStatus.Conflict);
        if (template is { Length: > CamReviewDb.CommandTemplateMaxLength }) return Result<ExternalMethodView>.Fail("The command is too long.");
        if (!CommandTemplate.TryParse(template, out _, out var error)) return Result<ExternalMethodView>.Fail(error);
        var timeout = timeoutSeconds ?? DefaultTimeoutSeconds;
        if (timeout is < 1 or > 7 * 24 * 3600) return Result<ExternalMethodView>.Fail("The time limit must be between 1 second and 7 days.");
        await using var db = await dbs.CreateDbContextAsync(ct);
        if (await db.ExternalMethods.AnyAsync(m => m.Name == name, ct)) return Result<ExternalMethodView>.Fail($"\"{name}\" exists already.", ResultStatus.Conflict);
        var method = new ExternalMethod
        {
            Name = name, CommandTemplate = template!.Trim(), Description = string.IsNullOrWhiteSpace(description) ? null : description.Trim(),
            TimeoutSeconds = timeout, CreatedUtc = DateTime.UtcNow,
        };
        db.ExternalMethods.Add(method);
        await db.SaveChangesAsync(ct);
        return Result<ExternalMethodView>.Ok(new ExternalMethodView(method.Id, method.Name, method.CommandTemplate, method.Description, method.TimeoutSeconds));
    }

    public static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)));

    public static IReadOnlyList<string> SplitKinds(string kinds) => kinds.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Null when the user may manage workers of <paramref name="teamId"/> (null: every team's, administrator only).</summary>
    private async Task<Result<object>?> MayManageAsync(ClaimsPrincipal user, int? teamId, CancellationToken ct)
    {
        if (user.UserId() is null) return Result<object>.Fail("Sign in first.", ResultStatus.Unauthenticated);
        if (await accounts.IsAdministratorAsync(user, ct)) return null;
        if (teamId is not { } id) return Result<object>.Fail("Only the administrator registers workers for every team: choose one of your teams.", ResultStatus.Forbidden);
        var allowed = await access.TeamAsync(user, id, Permission.ManageMembers, ct);
        return allowed.Allowed ? null : allowed.Deny<object>();
    }

    private static IQueryable<WorkerView> Views(IQueryable<RenderWorker> workers) =>
        workers.AsNoTracking().Select(w => new WorkerView(w.Id, w.Name, w.TeamId, w.Team != null ? w.Team.Name : null,
            w.Kinds.Split(',', StringSplitOptions.None), w.CreatedUtc, w.LastSeenUtc, w.RevokedUtc));
}
