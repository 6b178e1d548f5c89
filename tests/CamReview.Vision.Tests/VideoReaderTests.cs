using System.Runtime.InteropServices;
using Xunit.Abstractions;

namespace CamReview.Vision.Tests;

public class VideoReaderTests(ITestOutputHelper output)
{
    [Fact]
    public void Counts_frames_by_reading()
    {
        using var dir = new TempDir();
        string clip = dir.File("t.mp4");
        Tools.MakeClip(clip, 40, 160, 120);

        Assert.Equal(40, VideoReader.CountFrames(clip));
        using VideoReader reader = VideoReader.Open(clip);
        Assert.Equal((160, 120), (reader.Width, reader.Height));
        Assert.Equal(25, reader.Fps, 3);
        List<Image> frames = reader.ReadAll();
        try
        {
            Assert.Equal(40, frames.Count);
            Assert.Equal(40, reader.FramesRead);
            Assert.All(frames, f => Assert.Equal((160, 120, 3), (f.Width, f.Height, f.Channels)));
            Assert.False(reader.Read(out _)); // stays at the end
            Assert.True(Image.MeanAbsDiffGray(frames[0], frames[39]) > 1); // testsrc moves: real, distinct frames
        }
        finally
        {
            frames.ForEach(f => f.Dispose());
        }
    }

    [Theory]
    [InlineData("clip.mp4", "-c:v libx264 -pix_fmt yuv420p")]
    [InlineData("clip.mov", "-c:v libx264 -pix_fmt yuv420p")]
    [InlineData("clip.avi", "-c:v mpeg4")]
    [InlineData("clip.mkv", "-c:v libx264 -pix_fmt yuv420p")]
    [InlineData("clip.webm", "-c:v libvpx -b:v 200k")]
    public void Opens_common_containers(string name, string codecArgs)
    {
        using var dir = new TempDir();
        string clip = dir.File(name);
        Tools.MakeClip(clip, 12, 96, 64, codecArgs);
        using VideoReader reader = VideoReader.Open(clip);
        int n = 0;
        while (reader.Read(out Image? frame))
        {
            using (frame) Assert.Equal((96, 64), (frame.Width, frame.Height));
            n++;
        }
        Assert.Equal(12, n);
    }

    [Fact]
    public void Truncated_mp4_without_leading_index_fails_on_open()
    {
        using var dir = new TempDir();
        string clip = dir.File("cut.mp4");
        Tools.MakeClip(clip, 50, 160, 120); // default muxing: moov at the end
        Assert.Equal("moov", Tools.Mp4TopLevelBoxes(clip).Last());
        Cut(clip, 0.3);
        var ex = Assert.Throws<VisionException>(() => VideoReader.Open(clip));
        Assert.Contains(clip, ex.Message);
    }

    [Fact]
    public void Truncated_faststart_mp4_reads_fewer_frames_without_error()
    {
        using var dir = new TempDir();
        string clip = dir.File("cut-fs.mp4");
        // All-intra so frame sizes are even and 30% of the bytes hold roughly 30% of the frames.
        Tools.MakeClip(clip, 100, 320, 240, "-c:v libx264 -pix_fmt yuv420p -g 1", faststart: true);
        Cut(clip, 0.3);
        using VideoReader reader = VideoReader.Open(clip);
        Assert.Equal(100, reader.ReportedFrameCount); // the index still claims everything...
        int n = 0;
        while (reader.Read(out Image? frame)) { frame.Dispose(); n++; }
        output.WriteLine($"decoded {n} of 100 frames from the cut file");
        Assert.InRange(n, 1, 35); // ...but decoding stops at the cut, after the surviving prefix
        Assert.Equal(n, VideoReader.CountFrames(clip));
    }

    [Fact]
    public void Non_video_files_fail_clearly()
    {
        using var dir = new TempDir();
        string text = dir.File("notes.mp4");
        File.WriteAllText(text, "this is not a video\n");
        var ex = Assert.Throws<VisionException>(() => VideoReader.Open(text));
        Assert.Contains(text, ex.Message);
        Assert.Contains("could not open", ex.Message);

        string noise = dir.File("noise.mkv");
        var bytes = new byte[20000];
        new Random(3).NextBytes(bytes);
        File.WriteAllBytes(noise, bytes);
        Assert.Throws<VisionException>(() => VideoReader.Open(noise));

        string missing = dir.File("missing.mp4");
        var miss = Assert.Throws<VisionException>(() => VideoReader.Open(missing));
        Assert.Contains("not found", miss.Message);
    }

    [Theory]
    [InlineData("OPENCV_FFMPEG_LOGLEVEL", "-8")] // FFmpeg's decode messages: damaged files get our one-line errors instead
    [InlineData("OPENCV_IPP", "disabled")] // IPP costs more CPU than it saves on these machines
    public unsafe void OpenCv_settings_reach_the_native_environment_unless_the_user_chose_them(string variable, string value)
    {
        using var dir = new TempDir();
        string clip = dir.File("q.mp4");
        Tools.MakeClip(clip, 2);
        using (VideoReader.Open(clip)) { }
        // OpenCV reads the variable with getenv, so look where it looks (not at .NET's copy of the environment).
        IntPtr getenv = NativeLibrary.GetExport(NativeLibrary.GetMainProgramHandle(), "getenv");
        byte[] name = System.Text.Encoding.UTF8.GetBytes(variable + "\0");
        fixed (byte* n = name)
        {
            byte* found = ((delegate* unmanaged<byte*, byte*>)getenv)(n);
            string? native = found == null ? null : Marshal.PtrToStringUTF8((IntPtr)found);
            Assert.Equal(Environment.GetEnvironmentVariable(variable) ?? value, native);
        }
    }

    private static void Cut(string path, double fraction)
    {
        byte[] full = File.ReadAllBytes(path);
        File.WriteAllBytes(path, full[..(int)(full.Length * fraction)]);
    }
}
