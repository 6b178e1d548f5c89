namespace CamReview.Data.Entities;

public enum AssetKind
{
    /// <summary>A video whose camera move is to be transferred.</summary>
    ReferenceVideo = 1,

    /// <summary>A still image the camera move is put onto.</summary>
    TargetImage = 2,

    /// <summary>A depth or disparity map for a target image (an image file).</summary>
    DepthMap = 3,

    /// <summary>An output video made elsewhere and imported, labelled with its <see cref="Asset.MethodName"/>.</summary>
    Output = 4,
}

/// <summary>An uploaded media file in a project. The file itself lives under a content-hash name
/// (<see cref="MediaFiles"/>), so identical uploads share one file; the row carries what was learnt by decoding it.</summary>
public sealed class Asset
{
    public int Id { get; set; }
    public int ProjectId { get; set; }
    public AssetKind Kind { get; set; }

    /// <summary>The uploader's file name, sanitised: for people only, never used as a path.</summary>
    public required string DisplayName { get; set; }

    /// <summary>SHA-256 of the file, lower-case hex: the stored file's name.</summary>
    public required string Sha256 { get; set; }

    public long SizeBytes { get; set; }

    /// <summary>Sniffed from the content (e.g. video/mp4, image/png), never taken from the request.</summary>
    public required string MediaType { get; set; }

    public int Width { get; set; }
    public int Height { get; set; }

    /// <summary>Decoded frames (videos); null for images.</summary>
    public int? FrameCount { get; set; }

    /// <summary>Frames per second (videos; null when the container reports none): the container's rate, or for a
    /// variable-frame-rate file the average rate of its decoded frames.</summary>
    public double? Fps { get; set; }

    /// <summary>FrameCount / Fps (videos with a frame rate).</summary>
    public double? DurationSeconds { get; set; }

    /// <summary>Videos: the size of the browser proxy (<see cref="MediaFiles.Playback"/>: H.264 MP4 without metadata,
    /// at a constant frame rate) once it is made; null while it is not (yet).</summary>
    public long? PlaybackSizeBytes { get; set; }

    /// <summary>Videos: the proxy's constant frame rate (every decoded frame once, so frame N of the proxy is frame N
    /// of the original).</summary>
    public double? PlaybackFps { get; set; }

    /// <summary>Videos: why no proxy could be made (ffmpeg's message), when it could not; pages offer the original.</summary>
    public string? PlaybackError { get; set; }

    /// <summary>For <see cref="AssetKind.Output"/>: the method that produced it (e.g. "CamMimic").</summary>
    public string? MethodName { get; set; }

    /// <summary>For <see cref="AssetKind.Output"/>: the pair it is an output of, when known.</summary>
    public int? PairId { get; set; }
    public Pair? Pair { get; set; }

    public int? CreatedByUserId { get; set; }
    public User? CreatedBy { get; set; }
    public DateTime CreatedUtc { get; set; }

    public Project Project { get; set; } = null!;
}
