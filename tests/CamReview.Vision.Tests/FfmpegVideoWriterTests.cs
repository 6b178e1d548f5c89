using System.Text.Json;

namespace CamReview.Vision.Tests;

public class FfmpegVideoWriterTests
{
    private static Image Frame(int i, int w = 320, int h = 240)
    {
        // A moving gradient: content changes every frame, like a real render.
        var px = new byte[w * h * 3];
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
        {
            int k = (y * w + x) * 3;
            px[k] = (byte)(x + i * 4);
            px[k + 1] = (byte)y;
            px[k + 2] = (byte)(128 + i);
        }
        return Image.FromBgr(px, w, h);
    }

    [Fact]
    public void Writes_browser_playable_h264_with_exact_frame_count()
    {
        using var dir = new TempDir();
        string output = dir.File("out.mp4");
        using (var writer = new FfmpegVideoWriter(output, 320, 240, 25))
        {
            for (int i = 0; i < 25; i++)
            {
                using Image f = Frame(i);
                writer.Write(f);
            }
            Assert.False(File.Exists(output)); // nothing visible until Complete
            writer.Complete();
            Assert.Equal(25, writer.FramesWritten);
        }

        Assert.Equal(["out.mp4"], Directory.GetFiles(dir.Path).Select(Path.GetFileName));

        using (VideoReader reader = VideoReader.Open(output))
        {
            Assert.Equal(25, reader.Fps, 3);
            int n = 0;
            foreach (Image frame in reader.Frames())
            {
                using (frame) Assert.Equal((320, 240, 3), (frame.Width, frame.Height, frame.Channels));
                n++;
            }
            Assert.Equal(25, n);
        }
        Assert.Equal(25, VideoReader.CountFrames(output));

        using JsonDocument probe = JsonDocument.Parse(Tools.Run("ffprobe", "-v", "error", "-show_streams", "-of", "json", output));
        JsonElement stream = probe.RootElement.GetProperty("streams").EnumerateArray().Single();
        Assert.Equal("h264", stream.GetProperty("codec_name").GetString());
        Assert.Equal("yuv420p", stream.GetProperty("pix_fmt").GetString());
        Assert.Equal(320, stream.GetProperty("width").GetInt32());
        Assert.Equal(240, stream.GetProperty("height").GetInt32());

        List<string> boxes = Tools.Mp4TopLevelBoxes(output);
        Assert.Contains("moov", boxes);
        Assert.Contains("mdat", boxes);
        Assert.True(boxes.IndexOf("moov") < boxes.IndexOf("mdat"), "faststart: moov must precede mdat, got " + string.Join(",", boxes));
    }

    [Fact]
    public void Channel_order_survives_the_encode()
    {
        using var dir = new TempDir();
        string output = dir.File("red.mp4");
        byte[] red = new byte[64 * 48 * 3];
        for (int i = 0; i < red.Length; i += 3) red[i + 2] = 255; // BGR: pure red
        using (var writer = new FfmpegVideoWriter(output, 64, 48, 10, new FfmpegEncodeOptions { Crf = 10, Preset = "ultrafast" }))
        {
            for (int i = 0; i < 3; i++) writer.Write(red);
            writer.Complete();
        }
        using VideoReader reader = VideoReader.Open(output);
        Assert.True(reader.Read(out Image? frame));
        using (frame)
        {
            byte[] px = frame.CopyBytes();
            int mid = (24 * 64 + 32) * 3;
            Assert.InRange(px[mid], 0, 20);      // B
            Assert.InRange(px[mid + 1], 0, 20);  // G
            Assert.InRange(px[mid + 2], 235, 255); // R
        }
    }

    [Fact]
    public void Odd_dimensions_are_rejected_before_anything_is_written()
    {
        using var dir = new TempDir();
        var ex = Assert.Throws<ArgumentException>(() => new FfmpegVideoWriter(dir.File("odd.mp4"), 321, 240, 25));
        Assert.Contains("321x240", ex.Message);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void An_encode_ffmpeg_rejects_leaves_no_file_and_reports_ffmpegs_message()
    {
        using var dir = new TempDir();
        string output = dir.File("bad.mp4");
        var ex = Assert.Throws<FfmpegException>(() =>
        {
            using var writer = new FfmpegVideoWriter(output, 320, 240, 25, new FfmpegEncodeOptions { Preset = "no-such-preset" });
            for (int i = 0; i < 25; i++)
            {
                using Image f = Frame(i);
                writer.Write(f); // may already fail here once ffmpeg has quit
            }
            writer.Complete();
        });
        Assert.Contains("no-such-preset", ex.Message);
        Assert.NotEqual(0, ex.ExitCode);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void An_existing_output_is_kept_when_the_new_encode_fails()
    {
        using var dir = new TempDir();
        string output = dir.File("keep.mp4");
        File.WriteAllText(output, "previous");
        Assert.Throws<FfmpegException>(() =>
        {
            using var writer = new FfmpegVideoWriter(output, 64, 48, 25, new FfmpegEncodeOptions { Preset = "bogus" });
            writer.Write(new byte[64 * 48 * 3]);
            writer.Complete();
        });
        Assert.Equal("previous", File.ReadAllText(output));
        Assert.Single(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void Dispose_without_complete_aborts_and_leaves_nothing()
    {
        using var dir = new TempDir();
        using (var writer = new FfmpegVideoWriter(dir.File("abandoned.mp4"), 64, 48, 25))
            for (int i = 0; i < 5; i++) writer.Write(new byte[64 * 48 * 3]);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void Wrong_frame_shape_and_missing_ffmpeg_are_clear()
    {
        using var dir = new TempDir();
        using (var writer = new FfmpegVideoWriter(dir.File("a.mp4"), 64, 48, 25))
        {
            using Image gray = Image.Filled(64, 48, 1, 0);
            Assert.Throws<ArgumentException>(() => writer.Write(gray));
            Assert.Throws<ArgumentException>(() => writer.Write(new byte[10]));
        }
        var ex = Assert.Throws<FfmpegException>(() => new FfmpegVideoWriter(dir.File("b.mp4"), 64, 48, 25, new FfmpegEncodeOptions { FfmpegPath = "/nonexistent/ffmpeg" }));
        Assert.Contains("/nonexistent/ffmpeg", ex.Message);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }
}
