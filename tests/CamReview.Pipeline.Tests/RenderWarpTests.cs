using CamReview.Core;
using CamReview.Pipeline.Render;
using CamReview.Vision;
using static CamReview.Pipeline.Tests.RenderTestSupport;

namespace CamReview.Pipeline.Tests;

/// <summary>Rendered frames against known truth: an independent warp, zero motion, and trajectory presets measured on the frames.</summary>
public sealed class RenderWarpTests
{
    private static readonly HomographyTransferRenderer Renderer = new();

    private static HomographyRenderOptions Options(RenderTempDir dir, string target, BorderPolicy border = BorderPolicy.Black) => new()
    {
        TargetPath = target,
        OutputPath = dir.File("out.mp4"),
        PngDirectory = dir.File("png"),
        Border = border,
        Encode = new FfmpegEncodeOptions { Preset = "ultrafast" },
    };

    [Fact]
    public async Task KnownHomographies_PngFramesMatchAnIndependentBilinearWarp()
    {
        const int w = 96, h = 64;
        using var dir = new RenderTempDir();
        byte[] tex = Texture(w, h);
        string target = SavePng(dir.File("target.png"), tex, w, h);
        // Normalized cumulative homographies: identity, shift, rotation+zoom, 2x zoom (about the centre: catches
        // a half-pixel convention slip, which would shift it by 0.5 px), perspective.
        Mat3[] hn =
        [
            Mat3.Identity,
            Mat3.Translation(0.05, -0.03),
            Mat3.Rotation2D(5) * Mat3.Scaling(1.1, 1.1),
            Mat3.Scaling(2, 2),
            new Mat3(1.02, 0.01, 0.02, -0.01, 0.98, 0.01, 0.08, -0.05, 1),
        ];
        var result = await Renderer.RenderAsync(MotionSource.FromNormalizedCumulative(hn), Options(dir, target));

        var frames = PngFrames(result.PngDirectory!);
        Assert.Equal(hn.Length, frames.Length);
        var report = new List<string>();
        bool ok = true;
        for (int i = 0; i < hn.Length; i++)
        {
            var (got, gw, gh) = LoadPng(frames[i]);
            Assert.Equal((w, h), (gw, gh));
            var hp = NormalizedCoordinates.Denormalize(hn[i], w, h);
            var (expected, valid) = ReferenceWarp(tex, w, h, hp, margin: 0.05);
            double sum = 0, max = 0;
            int n = 0, blackWhereFarOutside = 0, farOutside = 0;
            var (_, validWide) = ReferenceWarp(tex, w, h, hp, margin: -1.5); // within 1.5 px outside the source: blended band
            for (int p = 0; p < w * h; p++)
            {
                if (valid[p])
                {
                    for (int c = 0; c < 3; c++)
                    {
                        double d = Math.Abs(got[3 * p + c] - expected[3 * p + c]);
                        sum += d; max = Math.Max(max, d);
                    }
                    n++;
                }
                else if (!validWide[p])
                {
                    farOutside++;
                    if (got[3 * p] == 0 && got[3 * p + 1] == 0 && got[3 * p + 2] == 0) blackWhereFarOutside++;
                }
            }
            double mae = sum / (3.0 * n);
            report.Add($"frame {i}: MAE {mae:F3}, max {max:F0} on {n} valid px; black {blackWhereFarOutside}/{farOutside} outside");
            ok &= n > w * h / 4 && mae < 0.5 && max <= 2; // measured: MAE <= 0.27, max <= 1 (OpenCV rounds positions to 1/32 px)
            ok &= farOutside == blackWhereFarOutside; // black policy: outside the target is exactly black
        }
        Assert.True(ok, string.Join("\n", report));
    }

    [Theory]
    [InlineData(64, 48)]
    [InlineData(65, 49)] // odd: the output is 64x48 and the last column/row is dropped
    public async Task ZeroMotion_EveryFrameEqualsTheFittedTarget(int tw, int th)
    {
        using var dir = new RenderTempDir();
        byte[] tex = Texture(tw, th);
        string target = SavePng(dir.File("target.png"), tex, tw, th);
        var motion = MotionSource.FromNormalizedCumulative(Enumerable.Repeat(Mat3.Identity, 4).ToArray());

        foreach (var interp in new[] { Interpolation.Linear, Interpolation.Cubic })
        {
            var result = await Renderer.RenderAsync(motion, Options(dir, target) with { Interpolation = interp });
            Assert.Equal((64, 48), (result.Width, result.Height));
            foreach (string f in PngFrames(result.PngDirectory!))
            {
                var (got, _, _) = LoadPng(f);
                int maxDiff = 0;
                for (int y = 0; y < 48; y++)
                for (int x = 0; x < 64; x++)
                for (int c = 0; c < 3; c++)
                    maxDiff = Math.Max(maxDiff, Math.Abs(got[3 * (y * 64 + x) + c] - tex[3 * (y * tw + x) + c]));
                Assert.True(maxDiff <= 1, $"{interp}: {Path.GetFileName(f)} differs from the target by {maxDiff}");
            }
        }
    }

    [Theory]
    [InlineData("pan-right", -1, 0)] // camera turns right: content moves left
    [InlineData("pan-left", 1, 0)]
    [InlineData("tilt-up", 0, 1)]    // camera looks up: content moves down
    [InlineData("tilt-down", 0, -1)]
    public async Task PanAndTiltPresets_MoveTheCentreByFocalTimesTanTheta(string label, int sx, int sy)
    {
        const int w = 160, h = 120;
        const double speed = 2.0; // degrees per frame
        using var dir = new RenderTempDir();
        string target = SavePng(dir.File("target.png"), MarkerTarget(w, h, (w / 2.0, h / 2.0)), w, h);
        Assert.True(TrajectoryPresetLabels.TryParse(label, out var preset));

        var result = await Renderer.RenderPresetAsync(preset, speed, 6, Options(dir, target));

        double f = w / 2.0 / Math.Tan(Math.PI / 6); // 60° horizontal field of view
        var frames = PngFrames(result.PngDirectory!);
        Assert.Equal(6, frames.Length);
        for (int i = 0; i < frames.Length; i++)
        {
            var (img, _, _) = LoadPng(frames[i]);
            var (mx, my) = BrightCentroid(img, w, h);
            double shift = f * Math.Tan(speed * i * Math.PI / 180);
            Assert.InRange(mx, w / 2.0 + sx * shift - 0.3, w / 2.0 + sx * shift + 0.3);
            Assert.InRange(my, h / 2.0 + sy * shift - 0.3, h / 2.0 + sy * shift + 0.3);
        }
    }

    [Fact]
    public async Task ZoomInMagnifies_ZoomOutShrinks_RollCwTurnsContentCounterClockwise()
    {
        const int w = 160, h = 120;
        using var dir = new RenderTempDir();
        string target = SavePng(dir.File("target.png"), MarkerTarget(w, h, (w / 2.0 - 30, h / 2.0), (w / 2.0 + 30, h / 2.0)), w, h);

        foreach (var (preset, speed, expectedScale) in new[] { (TrajectoryPreset.ZoomIn, 1.05, 1.05), (TrajectoryPreset.ZoomOut, 1.05, 1 / 1.05) })
        {
            var result = await Renderer.RenderPresetAsync(preset, speed, 5, Options(dir, target));
            var frames = PngFrames(result.PngDirectory!);
            for (int i = 0; i < frames.Length; i++)
            {
                var (img, _, _) = LoadPng(frames[i]);
                double d = 30 * Math.Pow(expectedScale, i);
                var left = BrightCentroid(img, w, h, nearX: w / 2.0 - d, nearY: h / 2.0, radius: 12);
                var right = BrightCentroid(img, w, h, nearX: w / 2.0 + d, nearY: h / 2.0, radius: 12);
                Assert.InRange(right.X - left.X, 2 * d - 0.4, 2 * d + 0.4);
                Assert.InRange((right.X + left.X) / 2, w / 2.0 - 0.2, w / 2.0 + 0.2);
            }
        }

        // roll-cw (camera clockwise seen from behind) turns the content counter-clockwise on screen (y down):
        // the right marker moves up.
        var roll = await Renderer.RenderPresetAsync(TrajectoryPreset.RollCw, 10, 3, Options(dir, target));
        var (last, _, _) = LoadPng(PngFrames(roll.PngDirectory!)[2]);
        double a = 20 * Math.PI / 180;
        var r = BrightCentroid(last, w, h, nearX: w / 2.0 + 30 * Math.Cos(a), nearY: h / 2.0 - 30 * Math.Sin(a), radius: 12);
        Assert.InRange(r.X, w / 2.0 + 30 * Math.Cos(a) - 0.4, w / 2.0 + 30 * Math.Cos(a) + 0.4);
        Assert.InRange(r.Y, h / 2.0 - 30 * Math.Sin(a) - 0.4, h / 2.0 - 30 * Math.Sin(a) + 0.4);
    }
}
