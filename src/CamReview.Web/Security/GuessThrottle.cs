using System.Collections.Concurrent;

namespace CamReview.Web.Security;

/// <summary>Counts wrong guesses per key in a fixed window that starts with the first wrong guess: after
/// <see cref="MaxFailures"/> of them the key is refused until the window has passed (at most <see cref="Window"/>);
/// a right guess clears it. Kept in memory: a restart forgets it. Expired keys are dropped once there are many, so a
/// guesser with many addresses or names cannot grow it without bound.</summary>
public sealed class GuessThrottle<TKey>(int maxFailures, TimeSpan window, TimeProvider? clock = null) where TKey : notnull
{
    private const int PruneAbove = 10_000;

    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly ConcurrentDictionary<TKey, (int Count, DateTime Since)> _failures = new();

    public int MaxFailures => maxFailures;
    public TimeSpan Window => window;

    private DateTime Now => _clock.GetUtcNow().UtcDateTime;

    public bool IsLocked(TKey key) => LockedFor(key) is not null;

    /// <summary>How long the key stays refused, or null when it is not: it is once its wrong guesses in the current
    /// window reach <paramref name="allowance"/> (by default <see cref="MaxFailures"/>).</summary>
    public TimeSpan? LockedFor(TKey key, int? allowance = null)
    {
        if (!_failures.TryGetValue(key, out var f)) return null;
        var left = f.Since + window - Now;
        return left > TimeSpan.Zero && f.Count >= Math.Min(allowance ?? maxFailures, maxFailures) ? left : null;
    }

    /// <summary>Wrong guesses for the key in its current window.</summary>
    public int Failures(TKey key) => _failures.TryGetValue(key, out var f) && Now - f.Since < window ? f.Count : 0;

    public void Failed(TKey key)
    {
        var now = Now;
        _failures.AddOrUpdate(key, _ => (1, now), (_, old) => now - old.Since >= window ? (1, now) : (old.Count + 1, old.Since));
        if (_failures.Count > PruneAbove)
            foreach (var (k, f) in _failures)
                if (now - f.Since >= window) _failures.TryRemove(k, out _);
    }

    public void Succeeded(TKey key) => _failures.TryRemove(key, out _);
}

/// <summary>Why a guess was not even checked: the message for the user and when to try again (the Retry-After of the 429).</summary>
public sealed record GuessRefusal(string Message, TimeSpan RetryAfter)
{
    /// <summary>Whole seconds, at least 1.</summary>
    public string RetryAfterSeconds => Math.Max(1, (int)Math.Ceiling(RetryAfter.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>"1 minute", "12 minutes".</summary>
    public static string Minutes(TimeSpan wait)
    {
        var minutes = Math.Max(1, (int)Math.Ceiling(wait.TotalMinutes));
        return minutes == 1 ? "1 minute" : $"{minutes} minutes";
    }
}

/// <summary>The client a guess is counted against: its address (the one a known proxy forwarded, see
/// <see cref="ForwardedHeadersSettings"/>); an IPv6 client by its /64 network, which one machine usually has whole.</summary>
public static class ClientAddress
{
    public static string Of(HttpContext http)
    {
        var address = http.Connection.RemoteIpAddress;
        if (address is null) return "unknown";
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6) return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new System.Net.IPAddress(bytes) + "/64";
    }
}
