using System.Collections.Concurrent;
using System.Text;
using CamReview.Core;
using CamReview.Pipeline.Render;
using CamReview.Vision;
using static CamReview.Pipeline.Tests.RenderTestSupport;

namespace CamReview.Pipeline.Tests;

/// <summary>The MP4 container, PNG directory, progress, bad inputs and cancellation.</summary>
public sealed class RenderOutputTests
{
    private static readonly HomographyTransferRenderer Renderer = new();
    private static readonly FfmpegEncodeOptions Fast = new() { Preset = "ultrafast" };

    private static MotionSource Pan(int frames) =>
        MotionSource.FromNormalizedCumulative(Enumerable.Range(0, frames).Select(i => Mat3.Translation(0.01 * i, 0.005 * i)).ToArray(), fps: 12);

    [Fact]
    public async Task Mp4_IsH264Yuv420pFaststart_WithEvenSizeAndTheRightFrameCount_ForAnOddTarget()
    {
        using var dir = new RenderTempDir();
        string target = SavePng(dir.File("target.png"), Texture(101, 75), 101, 75);
        var opts = new HomographyRenderOptions { TargetPath = target, OutputPath = dir.File("out.mp4"), Encode = Fast };
        var result = await Renderer.RenderAsync(Pan(7), opts);

        Assert.Equal((100, 74), (result.Width, result.Height));
        Assert.Equal(7, result.Frames);
        Assert.Equal(12, result.Fps);
        Assert.Equal("cpu", result.Device);
        Assert.Null(result.PngDirectory);
        Assert.Null(result.SafeCropScale);
        Assert.Equal(Path.GetFullPath(opts.OutputPath), result.OutputPath);
        Assert.True(result.Timings.TotalSeconds > 0 && result.Timings.WarpSeconds > 0 && result.Timings.EncodeSeconds > 0);

        var (probe, code) = Run("ffprobe", "-v", "error", "-select_streams", "v:0",
            "-show_entries", "stream=codec_name,pix_fmt,width,height", "-of", "default=noprint_wrappers=1", result.OutputPath);
        Assert.Equal(0, code);
        Assert.Contains("codec_name=h264", probe);
        Assert.Contains("pix_fmt=yuv420p", probe);
        Assert.Contains("width=100", probe);
        Assert.Contains("height=74", probe);
        Assert.Equal(7, VideoReader.CountFrames(result.OutputPath));
        // +faststart: the moov atom comes before the media data.
        string bytes = Encoding.Latin1.GetString(File.ReadAllBytes(result.OutputPath));
        Assert.True(bytes.IndexOf("moov", StringComparison.Ordinal) < bytes.IndexOf("mdat", StringComparison.Ordinal));
        Assert.Equal(2, Directory.EnumerateFileSystemEntries(dir.Path).Count()); // target + mp4, no temp files
    }

    [Fact]
    public async Task ExplicitSize_FramesSampling_FpsOverride_AndReferenceSize()
    {
        using var dir = new RenderTempDir();
        string target = SavePng(dir.File("target.png"), Texture(120, 60), 120, 60);
        var motion = MotionSource.FromNormalizedConsecutive(
            Enumerable.Repeat<Mat3?>(Mat3.Translation(0.01, 0), 8).ToArray(), fps: 30, referenceWidth: 81, referenceHeight: 45);

        var a = await Renderer.RenderAsync(motion, new HomographyRenderOptions
        {
            TargetPath = target, OutputPath = dir.File("a.mp4"), PngDirectory = dir.File("a"),
            Width = 64, Height = 48, Frames = 5, Fps = 10, Encode = Fast,
        });
        Assert.Equal((64, 48, 5, 10.0), (a.Width, a.Height, a.Frames, a.Fps));
        Assert.Equal(5, PngFrames(a.PngDirectory!).Length);
        Assert.Equal(5, VideoReader.CountFrames(a.OutputPath));
        // Frame 4 of the sample is frame 8 of the motion: shifted by 8 * 0.01 * 32 px = 2.56 px.
        // Check through the fitted target: the 120x60 target is centre-cropped to 80x60 then resized to 64x48.
        var (f0, _, _) = LoadPng(PngFrames(a.PngDirectory!)[0]);
        var (f4, _, _) = LoadPng(PngFrames(a.PngDirectory!)[4]);
        var (expected, valid) = ReferenceWarp(f0, 64, 48, Mat3.Translation(8 * 0.01 * 32, 0), margin: 0.05);
        double sum = 0; int n = 0;
        for (int p = 0; p < 64 * 48; p++)
            if (valid[p]) for (int c = 0; c < 3; c++) { sum += Math.Abs(f4[3 * p + c] - expected[3 * p + c]); n++; }
        Assert.True(sum / n < 1.5, $"mean abs error {sum / n:F2}");

        var b = await Renderer.RenderAsync(motion, new HomographyRenderOptions
        {
            TargetPath = target, OutputPath = dir.File("b.mp4"), SizeMode = OutputSizeMode.Reference, Encode = Fast,
        });
        Assert.Equal((80, 44, 9, 30.0), (b.Width, b.Height, b.Frames, b.Fps)); // 81x45 made even
    }

    [Fact]
    public async Task Progress_IsReportedInOrder_AndPngDirectoryReplacesOldFramesOnly()
    {
        using var dir = new RenderTempDir();
        string target = SavePng(dir.File("target.png"), Texture(48, 32), 48, 32);
        string png = dir.File("frames");
        Directory.CreateDirectory(png);
        File.WriteAllText(Path.Combine(png, "frame_0009.png"), "stale");
        File.WriteAllText(Path.Combine(png, "notes.txt"), "keep me");
        var reports = new ConcurrentQueue<RenderProgress>();
        var result = await Renderer.RenderAsync(Pan(4), new HomographyRenderOptions
        {
            TargetPath = target, OutputPath = dir.File("out.mp4"), PngDirectory = png, Encode = Fast,
            Progress = new RenderSyncProgress<RenderProgress>(reports.Enqueue),
        });

        var list = reports.ToList();
        Assert.Equal(RenderStage.Prepare, list[0].Stage);
        Assert.Equal(new RenderProgress(RenderStage.Done, 4, 4), list[^1]);
        var renderDone = list.Where(r => r.Stage == RenderStage.Render).Select(r => r.Done).ToList();
        Assert.Equal([0, 1, 2, 3, 4], renderDone);
        Assert.Contains(list, r => r.Stage == RenderStage.Finalize);

        Assert.Equal(["frame_0000.png", "frame_0001.png", "frame_0002.png", "frame_0003.png"],
            PngFrames(result.PngDirectory!).Select(f => Path.GetFileName(f)).ToArray());
        Assert.True(File.Exists(Path.Combine(png, "notes.txt")));
        Assert.DoesNotContain(Directory.EnumerateDirectories(dir.Path), d => Path.GetFileName(d).StartsWith('.'));
    }

    [Fact]
    public async Task BadInputs_FailClearly_AndLeaveNoOutput()
    {
        using var dir = new RenderTempDir();
        string good = SavePng(dir.File("target.png"), Texture(32, 24), 32, 24);
        string notImage = dir.File("not-an-image.png");
        File.WriteAllText(notImage, "this is text, not a PNG");
        string mp4 = dir.File("out.mp4"), png = dir.File("frames");
        HomographyRenderOptions Opts(string target) => new() { TargetPath = target, OutputPath = mp4, PngDirectory = png, Encode = Fast };

        var missing = await Assert.ThrowsAsync<FileNotFoundException>(() => Renderer.RenderAsync(Pan(3), Opts(dir.File("nope.png"))));
        Assert.Contains("nope.png", missing.Message);

        var bad = await Assert.ThrowsAsync<InvalidDataException>(() => Renderer.RenderAsync(Pan(3), Opts(notImage)));
        Assert.Contains("not-an-image.png", bad.Message);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Renderer.RenderAsync(Pan(3), Opts(good) with { Frames = 0 }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Renderer.RenderPresetAsync(TrajectoryPreset.PanLeft, 1, 0, Opts(good)));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Renderer.RenderAsync(Pan(3), Opts(good) with { Frames = 4 }));
        await Assert.ThrowsAsync<DirectoryNotFoundException>(() => Renderer.RenderAsync(Pan(3), Opts(good) with { OutputPath = dir.File("no/such/dir/out.mp4") }));
        Assert.Throws<ArgumentException>(() => MotionSource.FromNormalizedCumulative([]));
        await Assert.ThrowsAsync<ArgumentException>(() => Renderer.RenderAsync(Pan(3), Opts(good) with { SizeMode = OutputSizeMode.Reference }));

        Assert.False(File.Exists(mp4));
        Assert.False(Directory.Exists(png));
        Assert.Equal(2, Directory.EnumerateFileSystemEntries(dir.Path).Count()); // the two inputs, nothing else
    }

    [Fact]
    public async Task CancellationMidRender_ThrowsOperationCanceled_AndLeavesNoOutput()
    {
        using var dir = new RenderTempDir();
        string target = SavePng(dir.File("target.png"), Texture(64, 48), 64, 48);
        using var cts = new CancellationTokenSource();
        int maxDone = 0;
        var opts = new HomographyRenderOptions
        {
            TargetPath = target, OutputPath = dir.File("out.mp4"), PngDirectory = dir.File("frames"), Encode = Fast,
            Progress = new RenderSyncProgress<RenderProgress>(p =>
            {
                if (p.Stage != RenderStage.Render) return;
                maxDone = Math.Max(maxDone, p.Done);
                if (p.Done == 3) cts.Cancel();
            }),
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Renderer.RenderAsync(Pan(40), opts, cts.Token));
        Assert.Equal(3, maxDone);
        Assert.False(File.Exists(opts.OutputPath));
        Assert.False(Directory.Exists(opts.PngDirectory));
        Assert.Single(Directory.EnumerateFileSystemEntries(dir.Path)); // only the target: no temp MP4, no staging dir
    }
}
