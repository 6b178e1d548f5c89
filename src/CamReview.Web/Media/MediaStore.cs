using CamReview.Data;
using Microsoft.EntityFrameworkCore;

namespace CamReview.Web.Media;

/// <summary>The media files in the data folder (layout in <see cref="MediaFiles"/>). Every change to the set of
/// stored files (placing an upload and inserting its row; deleting rows and then unreferenced files) happens under
/// one lock, so a file is never removed while an upload of the same content is being committed.</summary>
public sealed class MediaStore
{
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly ILogger<MediaStore> _log;

    public MediaStore(PortalOptions options, ILogger<MediaStore> log)
    {
        _log = log;
        DataDir = options.DataDir;
        Directory.CreateDirectory(MediaFiles.MediaRoot(DataDir));
        Directory.CreateDirectory(TempRoot);
    }

    public string DataDir { get; }
    public string TempRoot => MediaFiles.TempRoot(DataDir);

    /// <summary>Whether an asset's stored file is in the media folder (pages show a notice instead of an empty player).</summary>
    public bool HasOriginal(string sha256, string mediaType) => File.Exists(MediaFiles.Original(DataDir, sha256, mediaType));

    /// <summary>A fresh path in the temporary folder (nothing is created).</summary>
    public string NewTempPath(string suffix) => Path.Combine(TempRoot, $"{Guid.NewGuid():N}{suffix}");

    /// <summary>Removes what interrupted uploads left in the temporary folder (at start, when none is running).</summary>
    public void CleanTemp()
    {
        foreach (var file in Directory.EnumerateFiles(TempRoot))
        {
            TryDelete(file);
        }
    }

    public async Task<IDisposable> LockAsync(CancellationToken ct)
    {
        await _lock.WaitAsync(ct);
        return new Releaser(_lock);
    }

    /// <summary>Moves a validated upload and its previews to their content-hash names. An identical file already
    /// there is kept (and the new copy dropped). Returns whether the original file is new, i.e. whether undoing
    /// the placement must delete it. Call under <see cref="LockAsync"/>.</summary>
    public bool Place(string sha256, string mediaType, string tempOriginal, string tempPoster, string tempThumb)
    {
        Directory.CreateDirectory(MediaFiles.Folder(DataDir, sha256));
        var created = MoveUnlessPresent(tempOriginal, MediaFiles.Original(DataDir, sha256, mediaType));
        MoveUnlessPresent(tempPoster, MediaFiles.Poster(DataDir, sha256));
        MoveUnlessPresent(tempThumb, MediaFiles.Thumb(DataDir, sha256));
        return created;
    }

    /// <summary>Deletes the stored files of a hash when no asset uses it any more. Call under
    /// <see cref="LockAsync"/>, after the rows were deleted.</summary>
    public async Task DeleteUnreferencedAsync(CamReviewDb db, IEnumerable<(string Sha256, string MediaType)> files, CancellationToken ct)
    {
        foreach (var (sha, mediaType) in files.Distinct())
        {
            if (await db.Assets.AnyAsync(a => a.Sha256 == sha, ct)) continue;
            DeleteFiles(sha, mediaType);
        }
    }

    public void DeleteFiles(string sha256, string mediaType)
    {
        TryDelete(MediaFiles.Original(DataDir, sha256, mediaType));
        TryDelete(MediaFiles.Poster(DataDir, sha256));
        TryDelete(MediaFiles.Thumb(DataDir, sha256));
        TryDelete(MediaFiles.Playback(DataDir, sha256));
        var folder = MediaFiles.Folder(DataDir, sha256);
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

    /// <summary>Deletes the videos a study's participants got (<see cref="MediaFiles.StudyFolder"/>), when the study goes.</summary>
    public void DeleteStudyMedia(int studyId)
    {
        var folder = MediaFiles.StudyFolder(DataDir, studyId);
        try
        {
            if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _log.LogWarning(e, "Could not delete {Path}", folder);
        }
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

    private sealed class Releaser(SemaphoreSlim semaphore) : IDisposable
    {
        private int _released;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) semaphore.Release();
        }
    }
}
