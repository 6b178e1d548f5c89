using CamReview.Data;

namespace CamReview.Web.Media;

/// <summary>Where the portal keeps media files: originals and their previews by content hash, browser proxies, a
/// study's participant videos, and temporary files of uploads and renders. Everything else in the portal reaches
/// files through this interface, so another store (e.g. an object store with a local cache) can replace
/// <see cref="FolderMediaStore"/>. Paths it returns are local files the caller may read (OpenCV and FFmpeg need
/// them); only the store creates, moves and deletes stored files.</summary>
public interface IMediaStore
{
    /// <summary>An asset's stored file.</summary>
    string Original(string sha256, string mediaType);

    /// <summary>An asset's poster (at most <see cref="MediaFiles.PosterMaxSide"/> pixels a side, JPEG).</summary>
    string Poster(string sha256);

    /// <summary>An asset's thumbnail (at most <see cref="MediaFiles.ThumbMaxSide"/> pixels a side, JPEG).</summary>
    string Thumb(string sha256);

    /// <summary>A video's browser proxy.</summary>
    string Playback(string sha256);

    /// <summary>The folder of the videos a study shows its participants.</summary>
    string StudyFolder(int studyId);

    /// <summary>Whether an asset's stored file is there (pages show a notice instead of an empty player).</summary>
    bool HasOriginal(string sha256, string mediaType);

    /// <summary>A fresh path for a temporary file of this portal instance (nothing is created).</summary>
    string NewTempPath(string suffix);

    /// <summary>Removes what interrupted uploads and renders of stopped instances left (at start).</summary>
    void CleanTemp();

    /// <summary>Excludes every other change to the set of stored files, in this process and in every other instance
    /// sharing the store, until disposed.</summary>
    Task<IDisposable> LockAsync(CancellationToken ct);

    /// <summary>Moves a validated upload and its previews to their content-hash names. An identical file already
    /// there is kept (and the new copy dropped). Returns whether the original file is new, i.e. whether undoing the
    /// placement must delete it. Call under <see cref="LockAsync"/>.</summary>
    bool Place(string sha256, string mediaType, string tempOriginal, string tempPoster, string tempThumb);

    /// <summary>Deletes the stored files of each hash no asset uses any more. Call under <see cref="LockAsync"/>,
    /// after the rows were deleted.</summary>
    Task DeleteUnreferencedAsync(CamReviewDb db, IEnumerable<(string Sha256, string MediaType)> files, CancellationToken ct);

    /// <summary>Deletes the videos a study's participants got, when the study goes.</summary>
    void DeleteStudyMedia(int studyId);

    /// <summary>Deletes a file, logging (not throwing) when it cannot.</summary>
    void TryDelete(string path);
}
