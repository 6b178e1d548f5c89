using CamReview.Core;
using CamReview.Pipeline.Render;
using CamReview.Vision;
using static CamReview.Pipeline.Tests.RenderTestSupport;

namespace CamReview.Pipeline.Tests;

/// <summary>Out-of-frame handling: black, reflect, inpaint and safe-crop.</summary>
public sealed class RenderBorderPolicyTests
{
    private const int W = 96, H = 64;
    private static readonly HomographyTransferRenderer Renderer = new();

    private static HomographyRenderOptions Options(RenderTempDir dir, string target, BorderPolicy border, string name) => new()
    {
        TargetPath = target,
        OutputPath = dir.File(name + ".mp4"),
        PngDirectory = dir.File(name),
        Border = border,
        Encode = new FfmpegEncodeOptions { Preset = "ultrafast" },
    };

    private static bool IsBlack(byte[] img, int p) => img[3 * p] < 8 && img[3 * p + 1] < 8 && img[3 * p + 2] < 8;

    [Fact]
    public async Task BlackReflectInpaint_BlackShowsHoles_TheOthersFillThem()
    {
        using var dir = new RenderTempDir();
        string target = SavePng(dir.File("target.png"), Texture(W, H), W, H);
        // Camera pans left 3°/frame and zooms out a little: content moves right and shrinks, exposing the left
        // side and the top/bottom edges.
        var traj = TrajectoryPresets.FromPoses(W, H,
            Enumerable.Range(0, 5).Select(i => Rotations.AboutY(-3.0 * i)).ToArray(),
            Enumerable.Range(0, 5).Select(i => Math.Pow(0.97, i)).ToArray());
        var motion = MotionSource.FromTrajectory(traj);

        var black = await Renderer.RenderAsync(motion, Options(dir, target, BorderPolicy.Black, "black"));
        var blackFrames = PngFrames(black.PngDirectory!).Select(f => LoadPng(f).Bgr).ToArray();
        var holes = Enumerable.Range(0, W * H).Where(p => IsBlack(blackFrames[^1], p)).ToArray();
        Assert.True(holes.Length > W * H / 20, $"the pan should expose a black region, found {holes.Length} px");
        Assert.All(Enumerable.Range(0, H), y => Assert.True(IsBlack(blackFrames[^1], y * W))); // left column
        Assert.All(Enumerable.Range(0, W * H), p => Assert.False(IsBlack(blackFrames[0], p)));  // frame 0 is the target

        foreach (var policy in new[] { BorderPolicy.Reflect, BorderPolicy.Inpaint })
        {
            var r = await Renderer.RenderAsync(motion, Options(dir, target, policy, policy.ToLabel()));
            Assert.Equal(policy, r.Border);
            var frames = PngFrames(r.PngDirectory!).Select(f => LoadPng(f).Bgr).ToArray();
            for (int i = 0; i < frames.Length; i++)
            {
                int blackLeft = Enumerable.Range(0, W * H).Count(p => IsBlack(frames[i], p));
                Assert.True(blackLeft == 0, $"{policy.ToLabel()} frame {i}: {blackLeft} black pixels remain");
            }
            // Where the target is visible (well inside), the fill policy does not alter the warp.
            var last = frames[^1];
            int far = 0, changed = 0;
            var hp = motion.PixelCumulative(4, W, H);
            var (_, inside) = ReferenceWarp(Texture(W, H), W, H, hp, margin: 2);
            for (int p = 0; p < W * H; p++)
            {
                if (!inside[p]) continue;
                far++;
                if (Math.Abs(last[3 * p] - blackFrames[^1][3 * p]) > 1) changed++;
            }
            Assert.True(far > 0 && changed == 0, $"{policy.ToLabel()}: {changed} of {far} interior pixels differ from the black render");
        }
    }

    [Fact]
    public async Task SafeCrop_HidesEveryInvalidPixel_WithTheAnalyticScale()
    {
        using var dir = new RenderTempDir();
        string target = SavePng(dir.File("target.png"), Texture(W, H), W, H);
        // Pure translation to the right by up to t = 6 px: the left 6 px would be exposed.
        // Window corner (pixel centre 0.5) pulled back: c - (c - 0.5)/s - t >= 0.5  =>  s = (c - 0.5) / (c - 0.5 - t).
        const double t = 6;
        double tn = t / (W / 2.0);
        var hn = Enumerable.Range(0, 4).Select(i => Mat3.Translation(tn * i / 3.0, 0)).ToArray();
        var result = await Renderer.RenderAsync(MotionSource.FromNormalizedCumulative(hn), Options(dir, target, BorderPolicy.SafeCrop, "safe"));

        double expected = (W / 2.0 - 0.5) / (W / 2.0 - 0.5 - t);
        Assert.NotNull(result.SafeCropScale);
        Assert.InRange(result.SafeCropScale!.Value, expected - 1e-6, expected + 1e-6);
        Assert.True(result.SafeCropScale > 1);
        foreach (string f in PngFrames(result.PngDirectory!))
        {
            var (img, _, _) = LoadPng(f);
            int dark = Enumerable.Range(0, W * H).Count(p => img[3 * p] < 30 || img[3 * p + 1] < 30 || img[3 * p + 2] < 30);
            Assert.True(dark == 0, $"{Path.GetFileName(f)}: {dark} pixels darker than the texture ever is (border leaked in)");
        }
    }

    [Fact]
    public async Task SafeCrop_OnAPanThatExposesBorders_NoBlackInAnyFrame_AndScaleAboveOne()
    {
        using var dir = new RenderTempDir();
        string target = SavePng(dir.File("target.png"), Texture(W, H), W, H);
        var opts = Options(dir, target, BorderPolicy.SafeCrop, "pan") with { Interpolation = Interpolation.Cubic };
        var result = await Renderer.RenderPresetAsync(TrajectoryPreset.PanRight, 2, 6, opts);
        Assert.True(result.SafeCropScale > 1.1, $"scale {result.SafeCropScale}");
        Assert.Equal(Interpolation.Cubic, result.Interpolation);
        foreach (string f in PngFrames(result.PngDirectory!))
        {
            var (img, _, _) = LoadPng(f);
            int dark = Enumerable.Range(0, W * H).Count(p => img[3 * p] < 30 || img[3 * p + 1] < 30 || img[3 * p + 2] < 30);
            Assert.True(dark == 0, $"{Path.GetFileName(f)}: {dark} dark pixels");
        }
    }

    [Fact]
    public async Task SafeCrop_WhenTheTargetLeavesTheFrame_FailsClearly_WithoutOutput()
    {
        using var dir = new RenderTempDir();
        string target = SavePng(dir.File("target.png"), Texture(W, H), W, H);
        var hn = new[] { Mat3.Identity, Mat3.Translation(1.5, 0) }; // the target moves entirely out of view
        var opts = Options(dir, target, BorderPolicy.SafeCrop, "gone");
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => Renderer.RenderAsync(MotionSource.FromNormalizedCumulative(hn), opts));
        Assert.Contains("safe-crop", ex.Message);
        Assert.False(File.Exists(opts.OutputPath));
        Assert.False(Directory.Exists(opts.PngDirectory));
        Assert.Single(Directory.EnumerateFileSystemEntries(dir.Path)); // only the target
    }
}
