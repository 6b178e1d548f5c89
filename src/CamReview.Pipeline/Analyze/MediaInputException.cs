namespace CamReview.Pipeline.Analyze;

/// <summary>What is wrong with an input file (see <see cref="MediaInputException"/>).</summary>
public enum MediaProblem
{
    /// <summary>The path does not exist or is not a file.</summary>
    NotFound,

    /// <summary>The file has zero bytes.</summary>
    Empty,

    /// <summary>Neither a decodable video nor a decodable image (a text file named .mp4, an unsupported codec,
    /// a container whose index is missing because the file was cut).</summary>
    NotMedia,

    /// <summary>A still image where a video with at least two frames is required.</summary>
    StillImage,

    /// <summary>Fewer than two frames decode.</summary>
    TooFewFrames,

    /// <summary>The container's frame index lists clearly more frames than decode (a file cut short).</summary>
    Truncated,

    /// <summary>The frame size changes in the middle of the video.</summary>
    FrameSizeChanged,
}

/// <summary>
/// A bad input file: missing, not a video, a still image where a video is needed, too few decodable frames,
/// or truncated. The message is one line and names the file; <see cref="Problem"/> says which case it is.
/// Derives from <see cref="IOException"/> so front ends treat it as a user error (bad input), not a bug.
/// </summary>
public sealed class MediaInputException : IOException
{
    public MediaInputException(string path, MediaProblem problem, string message, Exception? inner = null)
        : base(message.ReplaceLineEndings(" ").Trim(), inner)
    {
        FilePath = path;
        Problem = problem;
    }

    /// <summary>The file the message is about.</summary>
    public string FilePath { get; }

    public MediaProblem Problem { get; }
}
