namespace CamReview.Data;

/// <summary>Where media files live in the data folder. Files are named by the SHA-256 of their content:
/// <c>media/{sha256[0..2]}/{sha256}.{ext}</c>, with the poster (first frame or the image, at most
/// <see cref="PosterMaxSide"/> pixels) and the thumbnail (at most <see cref="ThumbMaxSide"/>) beside it as
/// <c>{sha256}.poster.jpg</c> and <c>{sha256}.thumb.jpg</c>, and for videos the browser proxy
/// <c>{sha256}.playback.mp4</c>. A file is shared by every asset with that hash and
/// removed only when none is left.</summary>
public static class MediaFiles
{
    public const string MediaFolder = "media";
    public const string TempFolder = "tmp";
    public const int PosterMaxSide = 1280;
    public const int ThumbMaxSide = 320;

    /// <summary>The media types uploads may have, with the extension their stored file gets.</summary>
    public static IReadOnlyDictionary<string, string> Extensions { get; } = new Dictionary<string, string>
    {
        ["image/png"] = "png",
        ["image/jpeg"] = "jpg",
        ["image/webp"] = "webp",
        ["video/mp4"] = "mp4",
        ["video/quicktime"] = "mov",
        ["video/webm"] = "webm",
        ["video/x-matroska"] = "mkv",
        ["video/x-msvideo"] = "avi",
    };

    public static string MediaRoot(string dataDir) => Path.Combine(dataDir, MediaFolder);

    /// <summary>Where uploads are streamed before they are validated; emptied at start.</summary>
    public static string TempRoot(string dataDir) => Path.Combine(dataDir, TempFolder, "uploads");

    public static string Original(string dataDir, string sha256, string mediaType) =>
        Path.Combine(Folder(dataDir, sha256), $"{sha256}.{Extension(mediaType)}");

    public static string Poster(string dataDir, string sha256) => Path.Combine(Folder(dataDir, sha256), $"{sha256}.poster.jpg");

    public static string Thumb(string dataDir, string sha256) => Path.Combine(Folder(dataDir, sha256), $"{sha256}.thumb.jpg");

    /// <summary>A video's browser proxy (H.264 MP4, no metadata, constant frame rate), made from the original: served to
    /// every player, while the original stays for analysis and download.</summary>
    public static string Playback(string dataDir, string sha256) => Path.Combine(Folder(dataDir, sha256), $"{sha256}.playback.mp4");

    /// <summary>The videos and posters a study shows its participants, encoded to one profile when it opened
    /// (<c>media/studies/{id}/{key}-{variant}.mp4</c> and <c>.jpg</c>).</summary>
    public static string StudyFolder(string dataDir, int studyId) => Path.Combine(MediaRoot(dataDir), "studies", studyId.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public static string Folder(string dataDir, string sha256) => Path.Combine(MediaRoot(dataDir), CheckHash(sha256)[..2]);

    public static string Extension(string mediaType) =>
        Extensions.TryGetValue(mediaType, out var ext) ? ext : throw new ArgumentException($"Not a stored media type: {mediaType}", nameof(mediaType));

    /// <summary>A hash is 64 lower-case hex digits; anything else never reaches a path.</summary>
    public static string CheckHash(string sha256)
    {
        if (sha256.Length != 64 || !sha256.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f'))
            throw new ArgumentException("Not a lower-case hex SHA-256", nameof(sha256));
        return sha256;
    }
}
