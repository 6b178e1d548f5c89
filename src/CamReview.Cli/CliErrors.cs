using CamReview.Inference;
using CamReview.Vision;

namespace CamReview.Cli;

/// <summary>An error a command reports to the user (bad input, missing file), as opposed to a bug.</summary>
public sealed class CliException(string message) : Exception(message);

internal static class CliErrors
{
    // ArgumentException: option values the pipeline refuses (e.g. --frames beyond the clip's length).
    public static bool IsUserFacing(Exception e) => e is CliException or ArgumentException or FileNotFoundException or DirectoryNotFoundException
        or InvalidDataException or UnauthorizedAccessException or VisionException or FfmpegException or OnnxRuntimeException
        or IOException;

    public static string OneLine(Exception e) => OneLine(e.Message);

    public static string OneLine(string message) => string.Join(' ', message.Split((char[])['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
}
