using System.Diagnostics;
using CamReview.Data;
using CamReview.Web.Media;
using Microsoft.Extensions.Logging.Abstractions;

namespace CamReview.Web.Tests;

/// <summary>The media store when several portal instances share one data folder: one lock across processes, and
/// temporary files that belong to their instance.</summary>
public sealed class FolderMediaStoreTests : IDisposable
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), $"camreview-store-{Guid.NewGuid():N}");

    public void Dispose()
    {
        if (Directory.Exists(_dataDir)) Directory.Delete(_dataDir, recursive: true);
    }

    private FolderMediaStore New() => new(new PortalOptions { DataDir = _dataDir }, NullLogger<FolderMediaStore>.Instance);

    [Fact]
    public void AStartingInstanceKeepsTheUploadsOfARunningOneAndRemovesThoseOfAStoppedOne()
    {
        using var running = New();
        var upload = running.NewTempPath(".upload");
        File.WriteAllText(upload, "half an upload");

        // An instance that stopped without cleaning up: its folder's lock is free, and it is older than a minute.
        var stopped = Path.Combine(_dataDir, MediaFiles.TempFolder, "uploads", "0123456789abcdef0123456789abcdef");
        Directory.CreateDirectory(stopped);
        File.WriteAllText(Path.Combine(stopped, "owner.lock"), "");
        File.WriteAllText(Path.Combine(stopped, "x.upload"), "left behind");
        Directory.SetLastWriteTimeUtc(stopped, DateTime.UtcNow.AddMinutes(-2));
        // One that is just starting (not yet locked): too young to be judged.
        var young = Path.Combine(_dataDir, MediaFiles.TempFolder, "uploads", "fedcba9876543210fedcba9876543210");
        Directory.CreateDirectory(young);
        var loose = Path.Combine(_dataDir, MediaFiles.TempFolder, "uploads", "old-release.upload");
        File.WriteAllText(loose, "an older release's temporary file");

        using var starting = New();
        starting.CleanTemp();

        Assert.True(File.Exists(upload));
        Assert.False(Directory.Exists(stopped));
        Assert.True(Directory.Exists(young));
        Assert.False(File.Exists(loose));

        // A stopped instance removes its own folder.
        var own = Path.GetDirectoryName(starting.NewTempPath(".x"))!;
        starting.Dispose();
        Assert.False(Directory.Exists(own));
        Assert.True(File.Exists(upload));
    }

    [Fact]
    public async Task TwoInstancesOnOneFolderTakeTheMediaLockInTurn()
    {
        using var a = New();
        using var b = New();
        var held = await a.LockAsync(CancellationToken.None);
        var waiting = b.LockAsync(CancellationToken.None);
        await Task.Delay(300);
        Assert.False(waiting.IsCompleted);
        held.Dispose();
        using var second = await waiting.WaitAsync(TimeSpan.FromSeconds(5));

        // Cancelled while waiting: nothing stays held in that instance.
        using var cancel = new CancellationTokenSource(200);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => a.LockAsync(cancel.Token));
        second.Dispose();
        using var third = await a.LockAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task TheMediaLockIsAFileLockOtherProcessesHonour()
    {
        using var store = New();
        var lockFile = Path.Combine(_dataDir, MediaFiles.TempFolder, "media.lock");
        using (await store.LockAsync(CancellationToken.None))
            Assert.Equal(1, await FlockAsync("-n", lockFile, "true")); // util-linux flock: cannot take it while the store holds it
        Assert.Equal(0, await FlockAsync("-n", lockFile, "true"));

        // Another process holds it for a second: the store waits for it.
        using var other = Process.Start(new ProcessStartInfo("flock", ["-n", lockFile, "sh", "-c", "echo held; sleep 1"]) { RedirectStandardOutput = true })!;
        Assert.Equal("held", await other.StandardOutput.ReadLineAsync());
        var clock = Stopwatch.StartNew();
        using (await store.LockAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10)))
            Assert.True(clock.ElapsedMilliseconds >= 500, $"lock taken {clock.ElapsedMilliseconds} ms after the other process took it for a second");
        await other.WaitForExitAsync();
        Assert.Equal(0, other.ExitCode);
    }

    private static async Task<int> FlockAsync(params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo("flock", args))!;
        await process.WaitForExitAsync();
        return process.ExitCode;
    }
}
