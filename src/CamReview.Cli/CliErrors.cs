using CamReview.Inference;
using CamReview.Vision;

namespace CamReview.Cli;

/// <summary>An error a command reports to the user (bad input, missing file), as opposed to a bug.</summary>
public sealed class CliException(string message) : Exception(message);

internal static class CliErrors
{
    public static bool IsUserFacing(Exception e) => e is CliException or FileNotFoundException or DirectoryNotFoundException
        or InvalidDataException or UnauthorizedAccessException or VisionException or FfmpegException or OnnxRuntimeException
        or OnnxRuntimeLoadException or IOException;

    public static string OneLine(Exception e) => e.Message.ReplaceLineEndings(" ").Trim();
}
