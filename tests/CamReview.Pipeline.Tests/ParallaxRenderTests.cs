using CamReview.Core;
using CamReview.Pipeline.Depth;
using CamReview.Pipeline.Render;
using CamReview.Vision;
using CamReview.Testing.Onnx;
using Xunit.Abstractions;

namespace CamReview.Pipeline.Tests;

public sealed class ParallaxRenderTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("camreview-parallax-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Sub(string name) => Path.Combine(_dir, name);

    [Fact]
    public async Task TranslatedCamerasMatchAnIndependentRayCaster()
    {
        const int w = 256, h = 256;
        var scene = new ParallaxTestScene(w, h);
        var (target, depth, _) = scene.Render(Vec3.Zero);
        Vec3[] centres = [Vec3.Zero, new(0.3, 0, 0), new(-0.2, -0.15, 0), new(0.1, 0.05, 0.8)];
        var trajectory = new CameraTrajectory(centres.Select(c => new CameraPose(Mat3.Identity, c)).ToArray());
        var (result, frames) = await ParallaxTestScene.RenderFramesAsync(Sub("ray"), target, w, h,
            (r, o) => r.RenderAsync(trajectory, DepthSource.Map(DepthMap.FromDepth(depth, w, h)), o));
        Assert.Equal(centres.Length, result.Render.Frames);
        // Zbar is the grid median (the camera path's statistic): the median of the 8 x 5 cells' median depths.
        var cellMedians = Enumerable.Range(0, 40).Select(c => depth.Where((_, i) => (int)((i % w + 0.5) * 8 / w) == c % 8 && (int)((i / w + 0.5) * 5 / h) == c / 8).Select(z => (double)z).Order().ToArray())
            .Select(v => v.Length % 2 == 1 ? v[v.Length / 2] : 0.5 * (v[v.Length / 2 - 1] + v[v.Length / 2])).Order().ToArray();
        Assert.Equal(0.5 * (cellMedians[19] + cellMedians[20]), result.MedianDepth, 6);
        for (int i = 0; i < centres.Length; i++)
        {
            var (truth, _, _) = scene.Render(centres[i]);
            var valid = scene.ValidMask(centres[i]);
            double psnr = ParallaxTestScene.Psnr(frames[i], truth, valid);
            output.WriteLine($"pose {i} C={centres[i]}: PSNR {psnr:0.00} dB over {valid.Count(v => v)} valid pixels");
            Assert.True(psnr > 28, $"pose {i}: PSNR {psnr:0.00} dB <= 28");
        }
        Assert.True(result.DisoccludedFraction > 0, "a translated camera over planes at different depths must disocclude something");
    }

    [Fact]
    public async Task ScalingDepthAndTranslationTogetherGivesTheSameRender()
    {
        const int w = 128, h = 96;
        var scene = new ParallaxTestScene(w, h);
        var (target, depth, _) = scene.Render(Vec3.Zero);
        var map = DepthMap.FromDepth(depth, w, h);
        var t = new CameraTrajectory([CameraPose.Origin, new CameraPose(Rotations.AboutY(1), new Vec3(0.2, -0.1, 0.3))]);
        var (_, a) = await ParallaxTestScene.RenderFramesAsync(Sub("s1"), target, w, h, (r, o) => r.RenderAsync(t, DepthSource.Map(map), o));
        var (_, b) = await ParallaxTestScene.RenderFramesAsync(Sub("s10"), target, w, h,
            (r, o) => r.RenderAsync(t.ScaledTranslation(10), DepthSource.Map(map.Scaled(10)), o));
        int maxDiff = 0;
        for (int i = 0; i < a[1].Length; i++) maxDiff = Math.Max(maxDiff, Math.Abs(a[1][i] - b[1][i]));
        output.WriteLine($"max difference between scale 1 and scale 10: {maxDiff} levels");
        Assert.True(maxDiff <= 1, $"max difference {maxDiff}");

        // Presets are calibrated by the median depth: scaling the depth alone changes nothing either.
        var (_, c) = await ParallaxTestScene.RenderFramesAsync(Sub("p1"), target, w, h,
            (r, o) => r.RenderPresetAsync(CameraMovePreset.TruckRight, 0.02, 3, DepthSource.Map(map), o));
        var (_, d) = await ParallaxTestScene.RenderFramesAsync(Sub("p10"), target, w, h,
            (r, o) => r.RenderPresetAsync(CameraMovePreset.TruckRight, 0.02, 3, DepthSource.Map(map.Scaled(10)), o));
        Assert.True(c[2].Zip(d[2]).All(p => Math.Abs(p.First - p.Second) <= 1));
    }

    /// <summary>
    /// A reference path without parallax (rotation and zoom only) rendered by the parallax renderer over a NON-planar
    /// depth equals the homography transfer of the same motion (zero translation = rotation homography).
    /// </summary>
    [Theory]
    [InlineData(BorderPolicy.Black)]
    [InlineData(BorderPolicy.Reflect)]
    public async Task ParallaxFreeMotionEqualsHomographyTransfer(BorderPolicy border)
    {
        const int w = 160, h = 120;
        var scene = new ParallaxTestScene(w, h);
        var (target, depth, _) = scene.Render(Vec3.Zero);
        var pairs = Enumerable.Range(0, 6).Select(i => PairCameraMotion.ParallaxFree(Rotations.AboutY(0.6) * Rotations.AboutX(-0.3), 1.01)).ToArray();
        var (result, parallax) = await ParallaxTestScene.RenderFramesAsync(Sub("pf" + border), target, w, h,
            (r, o) => r.RenderCameraPathAsync(pairs, DepthSource.Map(DepthMap.FromDepth(depth, w, h)), o), border);

        var rotations = new Mat3[pairs.Length + 1];
        var scales = new double[pairs.Length + 1];
        rotations[0] = Mat3.Identity; scales[0] = 1;
        for (int i = 0; i < pairs.Length; i++) { rotations[i + 1] = rotations[i] * pairs[i].Rotation!.Value; scales[i + 1] = scales[i] * 1.01; }
        var motion = MotionSource.FromTrajectory(TrajectoryPresets.FromPoses(w, h, rotations, scales));
        Directory.CreateDirectory(Sub("hg" + border));
        string targetPath = RenderTestSupport.SavePng(Sub("hg" + border + "/t.png"), target, w, h);
        await new HomographyTransferRenderer().RenderAsync(motion, new HomographyRenderOptions
        {
            TargetPath = targetPath, OutputPath = Sub("hg" + border + "/o.mp4"), PngDirectory = Sub("hg" + border + "/f"), Border = border,
        });
        for (int i = 0; i < motion.Frames; i++)
        {
            var homography = RenderTestSupport.LoadPng(Sub($"hg{border}/f/frame_{i:D4}.png")).Bgr;
            var index = WarpGeometry.ToIndexConvention(motion.PixelCumulative(i, w, h));
            var invalid = new byte[w * h];
            WarpGeometry.InvalidMask(index, w, h, Interpolation.Linear, invalid);
            double sum = 0; int n = 0, large = 0;
            for (int k = 0; k < w * h; k++)
            {
                int x = k % w, y = k / w;
                // Compare everywhere for reflect; for black skip a 1-pixel ring around the uncovered region (coverage rounding).
                if (border == BorderPolicy.Black && NearInvalid(invalid, x, y, w, h)) continue;
                for (int c = 0; c < 3; c++)
                {
                    int d = Math.Abs(parallax[i][3 * k + c] - homography[3 * k + c]);
                    sum += d; n++;
                    if (d > 3) large++;
                }
            }
            double mean = sum / n;
            output.WriteLine($"{border} frame {i}: mean |parallax - homography| = {mean:0.000} levels, {large} samples > 3");
            Assert.True(mean < 0.5, $"frame {i}: mean difference {mean}");
            Assert.True(large <= n / 500, $"frame {i}: {large} of {n} samples differ by more than 3 levels");
        }
        Assert.Equal(0, result.MaxParallax);
    }

    private static bool NearInvalid(byte[] invalid, int x, int y, int w, int h)
    {
        for (int dy = -1; dy <= 1; dy++)
        for (int dx = -1; dx <= 1; dx++)
        {
            int xx = x + dx, yy = y + dy;
            if (xx < 0 || yy < 0 || xx >= w || yy >= h || invalid[yy * w + xx] != 0) return true;
        }
        return false;
    }

    [Fact]
    public async Task PlanarFallbackWithTranslationEqualsThePlaneHomography()
    {
        // Planar depth + dolly: the scene is the plane Z = Zbar, so the render is the plane-induced homography.
        const int w = 128, h = 96;
        var target = RenderTestSupport.Texture(w, h);
        var (result, frames) = await ParallaxTestScene.RenderFramesAsync(Sub("planar"), target, w, h,
            (r, o) => r.RenderPresetAsync(CameraMovePreset.DollyIn, 0.05, 3, DepthSource.Planar, o));
        Assert.Equal("planar", result.DepthSource);
        // Dolly in by 0.1 Zbar toward a plane at Zbar: pure zoom by 1 / 0.9 about the centre.
        var zoom = SafeCrop.Zoom(1 / 0.9, w, h);
        var (expected, valid) = RenderTestSupport.ReferenceWarp(target, w, h, zoom, 0.5);
        double sum = 0; int n = 0;
        for (int k = 0; k < w * h; k++)
        {
            if (!valid[k]) continue;
            for (int c = 0; c < 3; c++) { sum += Math.Abs(frames[2][3 * k + c] - expected[3 * k + c]); n++; }
        }
        Assert.True(sum / n < 0.6, $"mean difference {sum / n}");
    }

    [Fact]
    public async Task InpaintFillsDisocclusionsAndSafeCropReportsItsZoom()
    {
        const int w = 128, h = 96;
        var scene = new ParallaxTestScene(w, h);
        var (target, depth, _) = scene.Render(Vec3.Zero);
        var map = DepthSource.Map(DepthMap.FromDepth(depth, w, h));
        var (inpaint, frames) = await ParallaxTestScene.RenderFramesAsync(Sub("inp"), target, w, h,
            (r, o) => r.RenderPresetAsync(CameraMovePreset.TruckLeft, 0.01, 5, map, o), BorderPolicy.Inpaint);
        Assert.True(inpaint.DisoccludedFraction > 0);
        for (int k = 0; k < w * h; k++)
            Assert.False(frames[4][3 * k] == 0 && frames[4][3 * k + 1] == 0 && frames[4][3 * k + 2] == 0, $"black pixel {k} left after inpaint");
        var (crop, _) = await ParallaxTestScene.RenderFramesAsync(Sub("crop"), target, w, h,
            (r, o) => r.RenderPresetAsync(CameraMovePreset.TruckLeft, 0.01, 5, map, o), BorderPolicy.SafeCrop);
        Assert.NotNull(crop.Render.SafeCropScale);
        Assert.True(crop.Render.SafeCropScale > 1);
    }

    [Fact]
    public async Task BadDepthIsRefusedBeforeAnyOutput()
    {
        const int w = 64, h = 48;
        var target = RenderTestSupport.Texture(w, h);
        string targetPath = RenderTestSupport.SavePng(Sub("t.png"), target, w, h);
        string depthPath = Sub("d.png");
        DepthPng.WriteGray(depthPath, new ushort[40 * 40].Select(_ => (ushort)1000).ToArray(), 40, 40, 16);
        var o = new HomographyRenderOptions { TargetPath = targetPath, OutputPath = Sub("o.mp4"), PngDirectory = Sub("f") };
        var e = await Assert.ThrowsAsync<InvalidDataException>(() =>
            new ParallaxRenderer().RenderPresetAsync(CameraMovePreset.DollyIn, 0.01, 3, DepthSource.File(depthPath), o));
        Assert.Contains("aspect", e.Message);
        Assert.False(File.Exists(Sub("o.mp4")));
        Assert.False(Directory.Exists(Sub("f")));
        await Assert.ThrowsAsync<FileNotFoundException>(() =>
            new ParallaxRenderer().RenderPresetAsync(CameraMovePreset.DollyIn, 0.01, 3, DepthSource.File(Sub("missing.png")), o));
        Assert.False(File.Exists(Sub("o.mp4")));
    }

    [Fact]
    public async Task AnOnnxDepthModelDrivesARenderAndIsRecorded()
    {
        string model = new OnnxModelBuilder()
            .Input("image", 1, 3, -1, -1)
            .Node("ReduceMean", ["image"], ["inverse_depth"], OnnxAttribute.Ints("axes", 1), OnnxAttribute.Int("keepdims", 0))
            .Output("inverse_depth", 1, -1, -1)
            .Save(Sub("depth.onnx"));
        const int w = 96, h = 64;
        var (result, frames) = await ParallaxTestScene.RenderFramesAsync(Sub("onnx"), RenderTestSupport.Texture(w, h), w, h,
            (r, o) => r.RenderPresetAsync(CameraMovePreset.TruckRight, 0.02, 3,
                DepthSource.Model(Sub("depth.onnx"), new OnnxDepthOptions { InputSize = 56, Device = Inference.DevicePreference.Cpu }), o));
        Assert.Equal(3, frames.Count);
        Assert.Equal("model", result.DepthSource);
        Assert.Equal(Inference.ExecutionProviders.Cpu, result.DepthProvider);
        Assert.Contains("depth.onnx", result.DepthDescription);
        Assert.True(result.DepthLoadSeconds > 0 && result.DepthInferenceSeconds > 0);
        Assert.InRange(result.MedianDepth, 1, 10);
    }

    [Fact]
    public async Task CancellationLeavesNoOutput()
    {
        const int w = 96, h = 64;
        string targetPath = RenderTestSupport.SavePng(Sub("c.png"), RenderTestSupport.Texture(w, h), w, h);
        using var cts = new CancellationTokenSource();
        var progress = new SyncProgress(p => { if (p.Stage == RenderStage.Render && p.Done >= 3) cts.Cancel(); });
        var o = new HomographyRenderOptions { TargetPath = targetPath, OutputPath = Sub("c.mp4"), PngDirectory = Sub("cf"), Progress = progress };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            new ParallaxRenderer().RenderPresetAsync(CameraMovePreset.ArcLeft, 0.5, 30, DepthSource.Planar, o, cancellationToken: cts.Token));
        Assert.False(File.Exists(Sub("c.mp4")));
        Assert.False(Directory.Exists(Sub("cf")));
        Assert.Empty(Directory.GetFileSystemEntries(_dir, "*.partial"));
    }

    private sealed class SyncProgress(Action<RenderProgress> report) : IProgress<RenderProgress>
    {
        public void Report(RenderProgress value) => report(value);
    }
}
