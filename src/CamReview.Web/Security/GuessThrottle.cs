using System.Collections.Concurrent;

namespace CamReview.Web.Security;

/// <summary>Slows down password guessing: after <see cref="MaxFailures"/> wrong guesses for one key within
/// <see cref="Window"/>, the key is refused until the window has passed; a right guess clears it. Kept in memory:
/// a restart forgets it, which costs a guesser a restart per ten tries.</summary>
public sealed class GuessThrottle<TKey>(int maxFailures, TimeSpan window, TimeProvider? clock = null) where TKey : notnull
{
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;
    private readonly ConcurrentDictionary<TKey, (int Count, DateTime Since)> _failures = new();

    public int MaxFailures => maxFailures;
    public TimeSpan Window => window;

    private DateTime Now => _clock.GetUtcNow().UtcDateTime;

    public bool IsLocked(TKey key) =>
        _failures.TryGetValue(key, out var f) && f.Count >= maxFailures && Now - f.Since < window;

    public void Failed(TKey key) =>
        _failures.AddOrUpdate(key, _ => (1, Now), (_, old) => Now - old.Since >= window ? (1, Now) : (old.Count + 1, old.Since));

    public void Succeeded(TKey key) => _failures.TryRemove(key, out _);
}
