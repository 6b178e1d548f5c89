using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using CamReview.Data;
using CamReview.Data.Entities;
using Microsoft.EntityFrameworkCore;

namespace CamReview.Web.Accounts;

/// <summary>Sign-in sessions kept on the server (table UserSessions). The sign-in cookie carries a session's id;
/// a cookie whose session has ended is refused even though the cookie itself is still well-formed and unexpired, so
/// signing out really ends a session and a captured cookie is worth nothing afterwards.
/// <para>A valid session is remembered for <see cref="CacheFor"/> to spare the database on bursts of requests
/// (media ranges, page assets). Ending a session on this process forgets it at once, so revocation is immediate
/// here; another process sharing the database notices within <see cref="CacheFor"/>.</para></summary>
public sealed class SessionStore(IDbContextFactory<CamReviewDb> dbs, ILogger<SessionStore> log, TimeProvider? clock = null)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(15);

    /// <summary>The last-seen time is written at most this often per session.</summary>
    public static readonly TimeSpan SeenEvery = TimeSpan.FromMinutes(1);

    /// <summary>Ended sessions (and sessions nobody used for this long) are deleted when their account signs in again.</summary>
    public static readonly TimeSpan KeepFor = TimeSpan.FromDays(30);

    public const string SignedOut = "signed-out";
    public const string PasswordChanged = "password-changed";

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly ConcurrentDictionary<string, Cached> _cache = new(StringComparer.Ordinal);

    // Counts endings: a check that read the database while a session was being ended does not cache what it read.
    private long _endings;

    private sealed record Cached(User User, DateTime CheckedUtc, DateTime LastSeenUtc);

    /// <summary>Raised when sessions end on this process, so that what is open on them (interactive pages, hub
    /// connections) stops at once rather than at its next check.</summary>
    public event Action<SessionsEnded>? Ended;

    /// <summary>Records a new session for the account and returns its id (for the cookie).</summary>
    public async Task<string> StartAsync(int userId, string? userAgent, string? clientAddress, CancellationToken ct = default)
    {
        var now = _clock.GetUtcNow().UtcDateTime;
        var id = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        await using var db = await dbs.CreateDbContextAsync(ct);
        var old = now - KeepFor;
        await db.UserSessions.Where(s => s.UserId == userId && (s.EndedUtc < old || s.LastSeenUtc < old)).ExecuteDeleteAsync(ct);
        db.UserSessions.Add(new UserSession
        {
            Id = id, UserId = userId, CreatedUtc = now, LastSeenUtc = now,
            UserAgent = Shorten(userAgent, CamReviewDb.UserAgentMaxLength), ClientAddress = Shorten(clientAddress, 64),
        });
        await db.SaveChangesAsync(ct);
        return id;
    }

    /// <summary>The account of a session that has not ended, belongs to <paramref name="userId"/> and was made with
    /// the account's current security stamp; otherwise null.</summary>
    public async Task<User?> ValidateAsync(string? sessionId, int userId, string? stamp, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(sessionId) || sessionId.Length > 32) return null;
        var now = _clock.GetUtcNow().UtcDateTime;
        if (_cache.TryGetValue(sessionId, out var cached) && now - cached.CheckedUtc < CacheFor)
            return cached.User.Id == userId && cached.User.SecurityStamp == stamp ? cached.User : null;

        var endings = Interlocked.Read(ref _endings);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var found = await db.UserSessions.AsNoTracking()
            .Where(s => s.Id == sessionId && s.EndedUtc == null)
            .Select(s => new { s.LastSeenUtc, s.User })
            .SingleOrDefaultAsync(ct);
        if (found is null)
        {
            _cache.TryRemove(sessionId, out _);
            return null;
        }
        var lastSeen = found.LastSeenUtc;
        if (now - lastSeen >= SeenEvery)
        {
            await db.UserSessions.Where(s => s.Id == sessionId).ExecuteUpdateAsync(u => u.SetProperty(s => s.LastSeenUtc, now), ct);
            lastSeen = now;
        }
        if (Interlocked.Read(ref _endings) == endings) _cache[sessionId] = new Cached(found.User, now, lastSeen);
        return found.User.Id == userId && found.User.SecurityStamp == stamp ? found.User : null;
    }

    /// <summary>Ends one session (signing out). Ending an ended or unknown session does nothing.</summary>
    public async Task EndAsync(string? sessionId, string reason, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(sessionId)) return;
        var now = _clock.GetUtcNow().UtcDateTime;
        await using var db = await dbs.CreateDbContextAsync(ct);
        await db.UserSessions.Where(s => s.Id == sessionId && s.EndedUtc == null)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.EndedUtc, now).SetProperty(s => s.EndReason, reason), ct);
        Interlocked.Increment(ref _endings);
        _cache.TryRemove(sessionId, out _);
        Ended?.Invoke(new SessionsEnded(sessionId, null, null));
    }

    /// <summary>Ends every session of the account except <paramref name="keep"/>; returns how many ended.</summary>
    public async Task<int> EndAllAsync(int userId, string? keep, string reason, CancellationToken ct = default)
    {
        var now = _clock.GetUtcNow().UtcDateTime;
        await using var db = await dbs.CreateDbContextAsync(ct);
        var ended = await db.UserSessions.Where(s => s.UserId == userId && s.EndedUtc == null && s.Id != keep)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.EndedUtc, now).SetProperty(s => s.EndReason, reason), ct);
        Interlocked.Increment(ref _endings);
        // Forget the account's cached sessions, the kept one too: its account (security stamp) has just changed.
        foreach (var (id, entry) in _cache)
            if (entry.User.Id == userId) _cache.TryRemove(id, out _);
        if (ended > 0) log.LogInformation("Ended {Count} session(s) of account {UserId}: {Reason}", ended, userId, reason);
        Ended?.Invoke(new SessionsEnded(null, userId, keep));
        return ended;
    }

    private static string? Shorten(string? text, int max) =>
        string.IsNullOrWhiteSpace(text) ? null : text.Length <= max ? text : text[..max];
}

/// <summary>Sessions that ended: one (<see cref="SessionId"/>) or every one of an account but <see cref="Keep"/>.</summary>
public sealed record SessionsEnded(string? SessionId, int? UserId, string? Keep)
{
    public bool Includes(ClaimsPrincipal user) =>
        user.SessionId() is { } session
        && (SessionId is not null ? session == SessionId : user.UserId() == UserId && session != Keep);
}
