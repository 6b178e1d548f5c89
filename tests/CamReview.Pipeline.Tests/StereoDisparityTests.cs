using CamReview.Core;
using CamReview.Pipeline.Depth;
using CamReview.Pipeline.Render;
using Xunit.Abstractions;

namespace CamReview.Pipeline.Tests;

/// <summary>
/// A rectified stereo pair: the left image with its disparity d = fx B / Z (pixels), stored the KITTI way as a
/// 16-bit PNG of 256 d. With --depth-kind disparity the map's depth is Z' = 1 / (256 d) = Z / (256 fx B), so a
/// baseline of B scene units is B' = B / (256 fx B) = 1 / (256 fx) map units; moving the camera right by B' must
/// render the right view.
/// </summary>
public sealed class StereoDisparityTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("camreview-stereo-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task LeftImageAndDisparityMovedByTheBaselineGiveTheRightView()
    {
        const int w = 256, h = 192;
        const double baseline = 0.25;
        var scene = new ParallaxTestScene(w, h);
        var (left, depth, _) = scene.Render(Vec3.Zero);
        double fx = scene.K.Fx;
        var disparity = new ushort[w * h];
        for (int k = 0; k < disparity.Length; k++) disparity[k] = (ushort)Math.Round(256 * fx * baseline / depth[k]);
        // A few unknown pixels (0) in the map must not break anything.
        for (int k = 5000; k < 5010; k++) disparity[k] = 0;
        string mapPath = Path.Combine(_dir, "disparity.png");
        DepthPng.WriteGray(mapPath, disparity, w, h, 16);

        double b = 1 / (256 * fx);
        var trajectory = CameraTrajectory.ParseJson(
            $"{{\"poses\": [{{\"t\": [0, 0, 0], \"r\": [0, 0, 0]}}, {{\"t\": [{b:R}, 0, 0], \"r\": [0, 0, 0]}}]}}");
        var (result, frames) = await ParallaxTestScene.RenderFramesAsync(Path.Combine(_dir, "r"), left, w, h,
            (r, o) => r.RenderAsync(trajectory, DepthSource.File(mapPath, DepthKind.Disparity), o));
        Assert.Equal(10, result.InvalidDepthPixels);
        var centre = new Vec3(baseline, 0, 0);
        var (right, _, _) = scene.Render(centre);
        double psnr = ParallaxTestScene.Psnr(frames[1], right, scene.ValidMask(centre));
        output.WriteLine($"stereo right view PSNR {psnr:0.00} dB (baseline {baseline}, max disparity {disparity.Max() / 256.0:0.0} px)");
        Assert.True(psnr > 28, $"PSNR {psnr:0.00}");
    }
}
