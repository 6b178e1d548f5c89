using CamReview.Web.Security;

namespace CamReview.Web.Tests;

public sealed class GuessThrottleTests
{
    private sealed class Clock : TimeProvider
    {
        public DateTimeOffset Now = new(2026, 11, 21, 12, 0, 0, TimeSpan.Zero);
        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public void AKeyIsLockedAfterTheLastAllowedFailureUntilTheWindowHasPassed()
    {
        var clock = new Clock();
        var throttle = new GuessThrottle<string>(3, TimeSpan.FromMinutes(15), clock);
        throttle.Failed("a");
        throttle.Failed("a");
        Assert.False(throttle.IsLocked("a"));
        throttle.Failed("a");
        Assert.True(throttle.IsLocked("a"));
        Assert.False(throttle.IsLocked("b"));
        clock.Now += TimeSpan.FromMinutes(14);
        Assert.True(throttle.IsLocked("a"));
        clock.Now += TimeSpan.FromMinutes(1);
        Assert.False(throttle.IsLocked("a"));
        // A failure after the window starts a new count.
        throttle.Failed("a");
        Assert.False(throttle.IsLocked("a"));
    }

    [Fact]
    public void LockedForSaysHowLongIsLeftAndALowerAllowanceLocksSooner()
    {
        var clock = new Clock();
        var throttle = new GuessThrottle<string>(10, TimeSpan.FromMinutes(15), clock);
        for (var i = 0; i < 3; i++) throttle.Failed("a");
        Assert.Null(throttle.LockedFor("a"));
        clock.Now += TimeSpan.FromMinutes(5);
        Assert.Equal(3, throttle.Failures("a"));
        Assert.Equal(TimeSpan.FromMinutes(10), throttle.LockedFor("a", allowance: 3));
        clock.Now += TimeSpan.FromMinutes(10);
        Assert.Null(throttle.LockedFor("a", allowance: 3));
        Assert.Equal(0, throttle.Failures("a"));
    }

    [Fact]
    public void ASuccessClearsTheCount()
    {
        var throttle = new GuessThrottle<int>(2, TimeSpan.FromMinutes(15));
        throttle.Failed(7);
        throttle.Succeeded(7);
        throttle.Failed(7);
        Assert.False(throttle.IsLocked(7));
    }
}
