using System.Text;
using System.Text.Json;

namespace CamReview.Vision.Tests;

/// <summary>The encoding of study videos to one profile (<see cref="FfmpegTranscoder.ToUniformMp4Async"/>), their
/// posters, and the padding that makes files of a kind one size (<see cref="UniformFiles"/>).</summary>
public class UniformMediaTests
{
    private static readonly UniformVideoProfile Profile = new(64, 40, 24, 200_000);

    [Fact]
    public async Task A_clip_becomes_the_profiles_size_and_rate_at_its_own_speed_without_tags_or_encoder_name()
    {
        using var dir = new TempDir();
        string input = dir.File("in.avi");
        // 4:3 at 12 fps, 12 frames (one second), tagged with its maker's name.
        Tools.Run("ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=40x30:rate=12", "-frames:v", "12",
            "-c:v", "mjpeg", "-metadata", "title=SecretMethod", input);
        string output = dir.File("out.mp4");

        await FfmpegTranscoder.ToUniformMp4Async(input, output, 12, Profile, noiseSeed: 1, "veryfast");

        using JsonDocument probe = JsonDocument.Parse(Tools.Run("ffprobe", "-v", "error", "-show_streams", "-show_format", "-of", "json", output));
        JsonElement stream = probe.RootElement.GetProperty("streams").EnumerateArray().Single();
        // Letterboxed into 64x40 and resampled to 24 fps by time: 24 frames, still one second.
        Assert.Equal(("h264", "yuv420p", 64, 40, "24/1", "24"), (stream.GetProperty("codec_name").GetString(), stream.GetProperty("pix_fmt").GetString(),
            stream.GetProperty("width").GetInt32(), stream.GetProperty("height").GetInt32(), stream.GetProperty("r_frame_rate").GetString(),
            stream.GetProperty("nb_frames").GetString()));
        Assert.Equal(1.0, double.Parse(stream.GetProperty("duration").GetString()!, System.Globalization.CultureInfo.InvariantCulture), 2);
        byte[] encoded = await File.ReadAllBytesAsync(output);
        string text = Encoding.Latin1.GetString(encoded);
        foreach (string word in new[] { "SecretMethod", "Lavf", "Lavc", "x264" }) Assert.DoesNotContain(word, text);
        Assert.Equal(1, UniformFiles.BlankCompressorName(output)); // one sample entry ...
        Assert.Equal(encoded, await File.ReadAllBytesAsync(output)); // ... whose name was blanked already
        Assert.Equal(["in.avi", "out.mp4"], Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order());
        List<string> boxes = Tools.Mp4TopLevelBoxes(output);
        Assert.True(boxes.IndexOf("moov") < boxes.IndexOf("mdat"), "faststart");
    }

    [Fact]
    public async Task Another_noise_seed_gives_another_file_and_the_same_seed_the_same()
    {
        using var dir = new TempDir();
        string input = dir.File("in.mp4");
        Tools.MakeClip(input, 12, 64, 40);
        async Task<byte[]> Encode(string name, int seed)
        {
            await FfmpegTranscoder.ToUniformMp4Async(input, dir.File(name), 25, Profile, seed, "veryfast");
            return await File.ReadAllBytesAsync(dir.File(name));
        }

        byte[] first = await Encode("a.mp4", 7), again = await Encode("b.mp4", 7), other = await Encode("c.mp4", 8);

        Assert.Equal(first, again);
        Assert.NotEqual(first, other);
    }

    [Fact]
    public async Task Padded_videos_and_posters_keep_playing_at_the_size_asked_for()
    {
        using var dir = new TempDir();
        string video = dir.File("v.mp4");
        Tools.MakeClip(video, 10, 64, 40, faststart: true);
        string poster = dir.File("v.jpg");
        await FfmpegTranscoder.PosterJpegAsync(video, poster);
        long videoSize = new FileInfo(video).Length, posterSize = new FileInfo(poster).Length;

        UniformFiles.PadMp4(video, videoSize + 1000);
        UniformFiles.PadJpeg(poster, posterSize + 70_000); // more than one comment segment holds

        Assert.Equal(videoSize + 1000, new FileInfo(video).Length);
        Assert.Equal("free", Tools.Mp4TopLevelBoxes(video)[^1]);
        Assert.Equal("10", Tools.Run("ffprobe", "-v", "error", "-count_frames", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", video).Trim());
        Assert.Equal(posterSize + 70_000, new FileInfo(poster).Length);
        Assert.Equal("64,40", Tools.Run("ffprobe", "-v", "error", "-show_entries", "stream=width,height", "-of", "csv=p=0", poster).Trim());
        Assert.Equal("1", Tools.Run("ffprobe", "-v", "error", "-count_frames", "-show_entries", "stream=nb_read_frames", "-of", "csv=p=0", poster).Trim());
        Assert.DoesNotContain("Lavc", Encoding.Latin1.GetString(await File.ReadAllBytesAsync(poster)));
    }

    [Fact]
    public void Padding_smaller_than_a_box_or_segment_is_refused_and_changes_nothing()
    {
        using var dir = new TempDir();
        string video = dir.File("v.mp4");
        Tools.MakeClip(video, 4, 32, 24);
        byte[] before = File.ReadAllBytes(video);

        Assert.Throws<ArgumentException>(() => UniformFiles.PadMp4(video, before.Length + UniformFiles.Mp4MinPadding - 1));
        Assert.Throws<InvalidDataException>(() => UniformFiles.PadJpeg(video, before.Length + 100));

        Assert.Equal(before, File.ReadAllBytes(video));
    }
}
