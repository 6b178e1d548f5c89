using System.Text.Json;

namespace CamReview.Vision.Tests;

public class FfmpegTranscoderTests
{
    [Fact]
    public async Task An_avi_becomes_an_even_sized_h264_mp4_of_every_frame_without_tags()
    {
        using var dir = new TempDir();
        string input = dir.File("in.avi");
        Tools.Run("ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=33x25:rate=12", "-frames:v", "12",
            "-c:v", "mjpeg", "-metadata", "title=SecretMethod", input);
        string output = dir.File("out.mp4");

        BrowserMp4 made = await FfmpegTranscoder.ToBrowserMp4Async(input, output, 12);

        Assert.Equal((output, 12.0, new FileInfo(output).Length), (made.Path, made.Fps, made.SizeBytes));
        Assert.Equal(["in.avi", "out.mp4"], Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order());
        using JsonDocument probe = JsonDocument.Parse(Tools.Run("ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", output));
        JsonElement stream = probe.RootElement.GetProperty("streams").EnumerateArray().Single();
        Assert.Equal(("h264", "yuv420p", 32, 24, "12", "12/1"), (stream.GetProperty("codec_name").GetString(), stream.GetProperty("pix_fmt").GetString(),
            stream.GetProperty("width").GetInt32(), stream.GetProperty("height").GetInt32(), stream.GetProperty("nb_frames").GetString(),
            stream.GetProperty("avg_frame_rate").GetString()));
        Assert.False(probe.RootElement.GetProperty("format").GetProperty("tags").TryGetProperty("title", out _));
        Assert.DoesNotContain("SecretMethod", File.ReadAllText(output));
        List<string> boxes = Tools.Mp4TopLevelBoxes(output);
        Assert.True(boxes.IndexOf("moov") < boxes.IndexOf("mdat"), "faststart: moov must precede mdat, got " + string.Join(",", boxes));
    }

    [Fact]
    public async Task A_file_ffmpeg_cannot_decode_fails_with_its_message_and_leaves_no_output()
    {
        using var dir = new TempDir();
        string input = dir.File("not-a-video.avi");
        await File.WriteAllBytesAsync(input, new byte[4096]);

        var ex = await Assert.ThrowsAsync<FfmpegException>(() => FfmpegTranscoder.ToBrowserMp4Async(input, dir.File("out.mp4"), 24));

        Assert.NotEqual(0, ex.ExitCode);
        Assert.False(string.IsNullOrWhiteSpace(ex.StandardError));
        Assert.Equal(["not-a-video.avi"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));
    }
}
