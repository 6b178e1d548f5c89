using System.Globalization;
using CamReview.Web.Services;

namespace CamReview.Web.Components.Shared;

/// <summary>How sizes, durations and media facts read on the pages.</summary>
public static class Format
{
    public static string Bytes(long bytes) => Media.UploadReceiver.FormatBytes(bytes);

    /// <summary>"1 file", "3 files", "2 studies".</summary>
    public static string Count(int n, string one, string? many = null) =>
        n == 1 ? $"1 {one}" : $"{n.ToString(CultureInfo.InvariantCulture)} {many ?? one + "s"}";

    public static string Fps(double? fps) => fps?.ToString("0.##", CultureInfo.InvariantCulture) ?? "";

    public static string Facts(AssetView a)
    {
        var parts = new List<string> { $"{a.Width}×{a.Height}" };
        if (a.FrameCount is { } frames) parts.Add($"{frames} frames");
        if (a.Fps is { } fps) parts.Add($"{Fps(fps)} fps");
        if (a.DurationSeconds is { } seconds) parts.Add($"{seconds.ToString("0.0#", CultureInfo.InvariantCulture)} s");
        parts.Add(Bytes(a.SizeBytes));
        return string.Join(" · ", parts);
    }
}
