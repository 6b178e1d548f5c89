using System.Globalization;

namespace CamReview.Vision;

/// <summary>What <see cref="FfmpegTranscoder.ToBrowserMp4Async"/> made.</summary>
public sealed record BrowserMp4(string Path, double Fps, long SizeBytes);

/// <summary>Re-encodes any video ffmpeg decodes (AVI, MOV, MKV, WebM, MP4 ...) into a browser-playable MP4 through the
/// same H.264 output as <see cref="FfmpegVideoWriter"/> (libx264, yuv420p, +faststart, atomic temp file):
/// <list type="bullet">
/// <item>the first video stream only: no audio, subtitles, data streams or chapters;</item>
/// <item>no metadata: global and stream tags dropped (<c>-map_metadata -1</c>), the muxer and encoder in bit-exact mode
/// (no "Lavf" version tag), x264's SEI message (its version and settings) removed from the bitstream, so that nothing
/// in the file tells which tool or method made the original;</item>
/// <item>a constant frame rate: every decoded frame once, in order, at <c>fps</c> (timestamps N / fps from 0), so
/// that frame N of the proxy is frame N of the original as OpenCV decodes it, also for variable-frame-rate files;</item>
/// <item>even dimensions (yuv420p halves chroma): an odd last column or row is cropped, nothing is resampled.</item>
/// </list></summary>
public static class FfmpegTranscoder
{
    public static async Task<BrowserMp4> ToBrowserMp4Async(string inputPath, string outputPath, double fps, FfmpegEncodeOptions? options = null,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(inputPath);
        ArgumentNullException.ThrowIfNull(outputPath);
        if (!File.Exists(inputPath)) throw new FileNotFoundException($"No video at '{inputPath}'", inputPath);
        if (!double.IsFinite(fps) || fps <= 0 || fps > 1000) throw new ArgumentOutOfRangeException(nameof(fps), $"FPS must be in (0, 1000], got {fps}");
        options ??= new FfmpegEncodeOptions();
        outputPath = Path.GetFullPath(outputPath);
        var rate = fps.ToString("R", CultureInfo.InvariantCulture);
        string[] input = ["-i", inputPath];
        string[] filters =
        [
            "-map", "0:v:0", "-an", "-sn", "-dn", "-map_metadata", "-1", "-map_chapters", "-1",
            "-vf", $"setpts=N/({rate}*TB),crop=trunc(iw/2)*2:trunc(ih/2)*2:0:0",
            "-fps_mode", "cfr", "-r", rate,
            "-bsf:v", "filter_units=remove_types=6", "-fflags", "+bitexact", "-flags:v", "+bitexact",
        ];
        var ffmpeg = FfmpegProcess.Start(options, outputPath, input, filters, pipeInput: false);
        await ffmpeg.WaitForExitAsync(ct);
        ffmpeg.Complete();
        return new BrowserMp4(outputPath, fps, new FileInfo(outputPath).Length);
    }
}
