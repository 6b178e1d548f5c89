using System.Globalization;

namespace CamReview.Vision;

/// <summary>What <see cref="FfmpegTranscoder.ToBrowserMp4Async"/> made.</summary>
public sealed record BrowserMp4(string Path, double Fps, long SizeBytes);

/// <summary>The one picture size, frame rate and constant bitrate every video of a blind study is encoded to
/// (<see cref="FfmpegTranscoder.ToUniformMp4Async"/>).</summary>
public sealed record UniformVideoProfile(int Width, int Height, double Fps, int Bitrate)
{
    public void Validate()
    {
        if (Width <= 0 || Height <= 0 || Width % 2 != 0 || Height % 2 != 0)
            throw new ArgumentException($"H.264/yuv420p needs positive even dimensions, got {Width}x{Height}");
        if (!double.IsFinite(Fps) || Fps <= 0 || Fps > 1000) throw new ArgumentException($"FPS must be in (0, 1000], got {Fps}");
        if (Bitrate < 10_000) throw new ArgumentException($"A bitrate of {Bitrate} bits/s is too low to encode video");
    }
}

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

    /// <summary>Re-encodes a video into <paramref name="profile"/>, so that nothing but its pixels tells it from another
    /// video of the profile: the frames timed by <paramref name="sourceFps"/> (every decoded frame once, as in
    /// <see cref="ToBrowserMp4Async"/>, so a variable-frame-rate file plays at its average speed) and resampled to the
    /// profile's rate (frames repeated or dropped by time, not sped up); scaled to fit the profile's size and centred on
    /// black (letterbox); a fixed 1-LSB noise pattern drawn from <paramref name="noiseSeed"/> over every frame, which
    /// nobody sees and which makes two encodes of one video with different seeds different files; x264 at a constant
    /// bitrate with filler (sizes follow the length, not the content); no metadata, no encoder tags, no x264 SEI; the
    /// sample description's compressor name blanked (<see cref="UniformFiles.BlankCompressorName"/>).</summary>
    public static async Task ToUniformMp4Async(string inputPath, string outputPath, double sourceFps, UniformVideoProfile profile, int noiseSeed,
        string preset, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(inputPath);
        ArgumentNullException.ThrowIfNull(outputPath);
        ArgumentNullException.ThrowIfNull(profile);
        if (!File.Exists(inputPath)) throw new FileNotFoundException($"No video at '{inputPath}'", inputPath);
        if (!double.IsFinite(sourceFps) || sourceFps <= 0 || sourceFps > 1000) throw new ArgumentOutOfRangeException(nameof(sourceFps), $"FPS must be in (0, 1000], got {sourceFps}");
        if (noiseSeed < 0) throw new ArgumentOutOfRangeException(nameof(noiseSeed), "The noise seed is not negative");
        profile.Validate();
        outputPath = Path.GetFullPath(outputPath);
        var source = sourceFps.ToString("R", CultureInfo.InvariantCulture);
        var rate = profile.Fps.ToString("R", CultureInfo.InvariantCulture);
        var (w, h) = (profile.Width, profile.Height);
        string[] filters =
        [
            "-map", "0:v:0", "-an", "-sn", "-dn", "-map_metadata", "-1", "-map_chapters", "-1",
            "-vf", $"setpts=N/({source}*TB),fps={rate},scale={w}:{h}:force_original_aspect_ratio=decrease:force_divisible_by=2,"
                + $"pad={w}:{h}:(ow-iw)/2:(oh-ih)/2:black,setsar=1,format=yuv420p,noise=alls=1:all_seed={noiseSeed}",
            "-fps_mode", "cfr", "-r", rate,
            "-bsf:v", "filter_units=remove_types=6", "-fflags", "+bitexact", "-flags:v", "+bitexact",
        ];
        var options = new FfmpegEncodeOptions { Preset = preset, ConstantBitrate = profile.Bitrate };
        var ffmpeg = FfmpegProcess.Start(options, outputPath, ["-i", inputPath], filters, pipeInput: false);
        await ffmpeg.WaitForExitAsync(ct);
        ffmpeg.Complete();
        UniformFiles.BlankCompressorName(outputPath);
    }

    /// <summary>The first frame of a video as a JPEG of the video's size, without metadata.</summary>
    public static async Task PosterJpegAsync(string videoPath, string outputPath, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(videoPath);
        ArgumentNullException.ThrowIfNull(outputPath);
        if (!File.Exists(videoPath)) throw new FileNotFoundException($"No video at '{videoPath}'", videoPath);
        outputPath = Path.GetFullPath(outputPath);
        string[] filters = ["-map", "0:v:0", "-frames:v", "1", "-map_metadata", "-1", "-fflags", "+bitexact", "-flags:v", "+bitexact"];
        string[] output = ["-c:v", "mjpeg", "-q:v", "3", "-pix_fmt", "yuvj420p", "-f", "image2"];
        var ffmpeg = FfmpegProcess.Start(new FfmpegEncodeOptions(), outputPath, ["-i", videoPath], filters, pipeInput: false, output);
        await ffmpeg.WaitForExitAsync(ct);
        ffmpeg.Complete();
    }
}
