using CamReview.Core;
using CamReview.Pipeline.Analyze;
using CamReview.Vision;

namespace CamReview.Pipeline.Tests;

/// <summary>The documented thresholds and helpers, without video.</summary>
public class AnalyzerReliabilityTests
{
    [Fact]
    public void Blank_and_black_frames_are_recognized_by_their_spread()
    {
        var black = FrameSignature.Compute(new byte[320 * 240], 320, 240);
        Assert.True(PairReliability.IsBlack(black));
        var grey = FrameSignature.Compute(Enumerable.Repeat((byte)128, 320 * 240).ToArray(), 320, 240);
        Assert.True(PairReliability.IsBlank(grey));
        Assert.False(PairReliability.IsBlack(grey));
        // Sensor noise on black (std-dev ~3) is still black; a dim but textured frame is not.
        var rng = new Random(1);
        var noisy = Enumerable.Range(0, 320 * 240).Select(_ => (byte)rng.Next(4, 14)).ToArray();
        Assert.True(PairReliability.IsBlack(FrameSignature.Compute(noisy, 320, 240)));
        var dim = Enumerable.Range(0, 320 * 240).Select(i => (byte)((i / 8 + i / 320 / 8) % 2 == 0 ? 5 : 40)).ToArray();
        Assert.False(PairReliability.IsBlank(FrameSignature.Compute(dim, 320, 240)));

        var (flag, reason) = PairReliability.BlankPair(black, 6, FrameSignature.Compute(dim, 320, 240), 7)!.Value;
        Assert.Equal(PairFlag.BlackFrame, flag);
        Assert.Equal("black frame: frame 6 is black (gray mean 0, std-dev 0.0)", reason);
        Assert.Null(PairReliability.BlankPair(FrameSignature.Compute(dim, 320, 240), 1, FrameSignature.Compute(dim, 320, 240), 2));
    }

    [Fact]
    public void Signatures_measure_appearance_change()
    {
        using var tex = SyntheticClips.Texture(1);
        using var other = SyntheticClips.Texture(2);
        byte[] Gray(Image img) { using var g = img.Resize(640, 480).ToGray(); return g.CopyBytes(); }
        var a = FrameSignature.Compute(Gray(tex), 640, 480);
        var b = FrameSignature.Compute(Gray(other), 640, 480);
        Assert.Equal(0, FrameSignature.HistogramDistance(a, a));
        Assert.Equal(0, FrameSignature.ThumbnailDifference(a, a));
        Assert.True(FrameSignature.ThumbnailDifference(a, b) > PairReliability.CutMinThumbnailDifference);
        Assert.True(PairReliability.IsAbruptChange(0.0, PairReliability.CutMinThumbnailDifference));
        Assert.True(PairReliability.IsAbruptChange(PairReliability.CutMinHistogramDistance, 0));
        Assert.False(PairReliability.IsAbruptChange(0.1, 10));
    }

    [Fact]
    public void Support_needs_enough_inliers_and_a_high_enough_ratio()
    {
        Assert.True(PairReliability.HasSupport(15, 60));
        Assert.False(PairReliability.HasSupport(14, 20));  // too few
        Assert.False(PairReliability.HasSupport(20, 81));  // ratio below 25%
        Assert.False(PairReliability.HasSupport(0, 0));
    }

    [Fact]
    public void Content_sniffing_ignores_extensions()
    {
        using var dir = new SyntheticClips.TempFolder();
        string png = dir.File("x.mp4"), jpg = dir.File("y.avi"), text = dir.File("z.png");
        using (var img = SyntheticClips.Texture(1).Resize(64, 48)) { img.Save(dir.File("x.png")); img.Save(dir.File("y.jpg")); }
        File.Move(dir.File("x.png"), png);
        File.Move(dir.File("y.jpg"), jpg);
        File.WriteAllText(text, "hello");
        Assert.Equal(MediaKind.StillImage, MediaInput.Sniff(png));
        Assert.Equal(MediaKind.StillImage, MediaInput.Sniff(jpg));
        Assert.Equal(MediaKind.Video, MediaInput.Sniff(text));
        Assert.True(MediaInput.HasExactFrameIndex(StandardClips.Get("pan").Path));
        Assert.False(MediaInput.HasExactFrameIndex(text));
    }

    [Fact]
    public void Analysis_size_and_pixel_scaling_follow_cv_resize()
    {
        Assert.Equal((640, 360), MediaInput.AnalysisSize(1920, 1080, 640));
        Assert.Equal((640, 469), MediaInput.AnalysisSize(720, 528, 640));
        Assert.Equal((360, 640), MediaInput.AnalysisSize(1080, 1920, 640));
        Assert.Equal((320, 240), MediaInput.AnalysisSize(320, 240, 640)); // never upscaled
        Assert.Equal((1280, 720), MediaInput.AnalysisSize(1280, 720, 0)); // 0 = original size

        // cv::resize aligns pixel centres: the 2x2 block of pixels 0..1 becomes pixel 0 at half size.
        var down = MediaInput.PixelScale(1280, 720, 640, 360);
        Assert.Equal(new Point2(0, 0), down.Transform(0.5, 0.5));
        Assert.Equal(new Point2(639, 359), down.Transform(1278.5, 718.5));
        Assert.True((down * MediaInput.PixelScale(640, 360, 1280, 720)).ApproximatelyEquals(Mat3.Identity, 1e-12));

        // A pure shift of 4 px at 640x360 is a shift of 8 px at 1280x720.
        var h = MediaInput.PixelScale(640, 360, 1280, 720) * Mat3.Translation(4, -2) * down;
        Assert.True(h.ApproximatelyEquals(Mat3.Translation(8, -4), 1e-12));
    }
}
