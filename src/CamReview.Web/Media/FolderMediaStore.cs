using CamReview.Data;
using Microsoft.EntityFrameworkCore;

namespace CamReview.Web.Media;

/// <summary>The media files in the data folder (layout in <see cref="MediaFiles"/>), which several portal instances
/// may share on a shared file system. Every change to the set of stored files (placing an upload and inserting its
/// row; deleting rows and then unreferenced files) happens under one lock, held across processes by an exclusive
/// lock on <c>tmp/media.lock</c>, so no instance removes a file while another commits an upload of the same content.
/// Each instance keeps its temporary files in its own folder under <c>tmp/uploads</c>, marked as live by a lock it
/// holds on the folder's <c>owner.lock</c>, so an instance starting never deletes the uploads another one is
/// receiving.</summary>
public sealed class FolderMediaStore : IMediaStore, IDisposable
{
    private const string OwnerFile = "owner.lock";

    /// <summary>How long an abandoned instance folder is left alone: one being created by an instance that has not yet
    /// taken its lock must not be mistaken for a dead one.</summary>
    private static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(1);

    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly ILogger<FolderMediaStore> _log;
    private readonly string _dataDir;
    private readonly string _lockFile;
    private readonly string _instanceTemp;
    private readonly FileStream _owner;

    public FolderMediaStore(PortalOptions options, ILogger<FolderMediaStore> log)
    {
        _log = log;
        _dataDir = options.DataDir;
        Directory.CreateDirectory(MediaFiles.MediaRoot(_dataDir));
        Directory.CreateDirectory(MediaFiles.TempRoot(_dataDir));
        _lockFile = Path.Combine(_dataDir, MediaFiles.TempFolder, "media.lock");
        _instanceTemp = Path.Combine(MediaFiles.TempRoot(_dataDir), Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_instanceTemp);
        _owner = Exclusive(Path.Combine(_instanceTemp, OwnerFile)) ?? throw new IOException($"Could not lock {_instanceTemp}");
    }

    public string Original(string sha256, string mediaType) => MediaFiles.Original(_dataDir, sha256, mediaType);
    public string Poster(string sha256) => MediaFiles.Poster(_dataDir, sha256);
    public string Thumb(string sha256) => MediaFiles.Thumb(_dataDir, sha256);
    public string Playback(string sha256) => MediaFiles.Playback(_dataDir, sha256);
    public string StudyFolder(int studyId) => MediaFiles.StudyFolder(_dataDir, studyId);

    public bool HasOriginal(string sha256, string mediaType) => File.Exists(Original(sha256, mediaType));

    public string NewTempPath(string suffix) => Path.Combine(_instanceTemp, $"{Guid.NewGuid():N}{suffix}");

    /// <summary>Deletes the folders of instances that stopped (their lock is free) and loose files of older releases.</summary>
    public void CleanTemp()
    {
        var root = MediaFiles.TempRoot(_dataDir);
        foreach (var file in Directory.EnumerateFiles(root)) TryDelete(file);
        foreach (var folder in Directory.EnumerateDirectories(root))
        {
            if (folder == _instanceTemp || DateTime.UtcNow - Directory.GetLastWriteTimeUtc(folder) < AbandonedAfter) continue;
            using (var owner = Exclusive(Path.Combine(folder, OwnerFile)))
                if (owner is null) continue; // its instance runs
            TryDeleteFolder(folder);
        }
    }

    public async Task<IDisposable> LockAsync(CancellationToken ct)
    {
        await _lock.WaitAsync(ct);
        try
        {
            // The file lock is taken by polling: .NET offers no blocking one, and the lock is held for milliseconds.
            while (true)
            {
                if (Exclusive(_lockFile) is { } file) return new Releaser(_lock, file);
                await Task.Delay(5, ct);
            }
        }
        catch
        {
            _lock.Release();
            throw;
        }
    }

    public bool Place(string sha256, string mediaType, string tempOriginal, string tempPoster, string tempThumb)
    {
        Directory.CreateDirectory(MediaFiles.Folder(_dataDir, sha256));
        var created = MoveUnlessPresent(tempOriginal, Original(sha256, mediaType));
        MoveUnlessPresent(tempPoster, Poster(sha256));
        MoveUnlessPresent(tempThumb, Thumb(sha256));
        return created;
    }

    public async Task DeleteUnreferencedAsync(CamReviewDb db, IEnumerable<(string Sha256, string MediaType)> files, CancellationToken ct)
    {
        foreach (var (sha, mediaType) in files.Distinct())
        {
            if (await db.Assets.AnyAsync(a => a.Sha256 == sha, ct)) continue;
            DeleteFiles(sha, mediaType);
        }
    }

    public void DeleteStudyMedia(int studyId)
    {
        var folder = StudyFolder(studyId);
        if (Directory.Exists(folder)) TryDeleteFolder(folder);
    }

    public void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _log.LogWarning(e, "Could not delete {Path}", path);
        }
    }

    public void Dispose()
    {
        _owner.Dispose();
        TryDeleteFolder(_instanceTemp);
    }

    /// <summary>Deletes a folder with everything in it, logging (not throwing) when it cannot.</summary>
    private void TryDeleteFolder(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _log.LogWarning(e, "Could not delete {Path}", folder);
        }
    }

    private void DeleteFiles(string sha256, string mediaType)
    {
        TryDelete(Original(sha256, mediaType));
        TryDelete(Poster(sha256));
        TryDelete(Thumb(sha256));
        TryDelete(Playback(sha256));
        var folder = MediaFiles.Folder(_dataDir, sha256);
        try
        {
            if (Directory.Exists(folder) && !Directory.EnumerateFileSystemEntries(folder).Any()) Directory.Delete(folder);
        }
        catch (IOException) { } // another file arrived meanwhile: the folder stays
    }

    private static bool MoveUnlessPresent(string from, string to)
    {
        if (File.Exists(to))
        {
            File.Delete(from);
            return false;
        }
        File.Move(from, to);
        return true;
    }

    /// <summary>The file opened with an exclusive lock (on Unix an advisory <c>flock</c>, which other processes
    /// honour), or null when another holder has it.</summary>
    private static FileStream? Exclusive(string path)
    {
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return null;
        }
    }

    private sealed class Releaser(SemaphoreSlim semaphore, FileStream file) : IDisposable
    {
        private int _released;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0) return;
            file.Dispose();
            semaphore.Release();
        }
    }
}
