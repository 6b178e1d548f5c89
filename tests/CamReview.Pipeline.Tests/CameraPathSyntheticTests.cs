using CamReview.Core;
using CamReview.Pipeline.Analyze;
using CamReview.Pipeline.Render;
using CamReview.Pipeline.Score;
using Xunit.Abstractions;

namespace CamReview.Pipeline.Tests;

/// <summary>Clips rendered once per test run by <see cref="Synthetic3DScene"/> and the homography renderer, with their true poses.</summary>
public sealed class CameraPathClips : IDisposable
{
    public const int W = 480, H = 270, Frames = 6;
    public const double PanDegreesPerFrame = 0.3;
    /// <summary>Camera step per frame (sideways and forward; with the pan, a strong-parallax move: Pi about 0.03 per frame).</summary>
    public static readonly Vec3 StepPerFrame = new(0.25, 0.0, 0.08);

    public string Dir { get; } = Directory.CreateTempSubdirectory("camreview-campath-").FullName;

    public static IReadOnlyList<(Mat3 R, Vec3 C)> Poses(double scale) =>
        Enumerable.Range(0, Frames).Select(i => (Rotations.AboutY(PanDegreesPerFrame * i), scale * i * StepPerFrame)).ToArray();

    private readonly Dictionary<string, (string Path, IReadOnlyList<double[]> Depths)> _clips = [];
    private readonly object _gate = new();
    private readonly Dictionary<string, ClipAnalysis> _analyses = [];

    /// <summary>The translating clip at a scene scale (and texture seed).</summary>
    public (string Path, IReadOnlyList<double[]> Depths) Parallax(double scale = 1, int seed = 1)
    {
        lock (_gate)
        {
            string key = $"parallax-{scale}-{seed}";
            if (!_clips.TryGetValue(key, out var clip))
            {
                var scene = new Synthetic3DScene(scale, seed);
                string path = Path.Combine(Dir, key + ".mp4");
                clip = (path, scene.WriteClip(path, W, H, Poses(scale)));
                _clips[key] = clip;
            }
            return clip;
        }
    }

    /// <summary>A preset (rotation/zoom) rendered by the homography renderer over frame 0 of the 3D scene.</summary>
    public string Preset(TrajectoryPreset preset, double speed, int frames = Frames)
    {
        lock (_gate)
        {
            string key = $"{preset}-{speed}";
            if (_clips.TryGetValue(key, out var c)) return c.Path;
            string target = TargetPng();
            string path = Path.Combine(Dir, key + ".mp4");
            new HomographyTransferRenderer().RenderPresetAsync(preset, speed, frames,
                new HomographyRenderOptions { TargetPath = target, OutputPath = path, Encode = new Vision.FfmpegEncodeOptions { Crf = 12, Preset = "veryfast" } })
                .GetAwaiter().GetResult();
            _clips[key] = (path, []);
            return path;
        }
    }

    /// <summary>The parallax clip flattened: its own analysed homographies applied to its frame 0 (CamMimic's homography baseline).</summary>
    public string Flattened()
    {
        lock (_gate)
        {
            if (_clips.TryGetValue("flat", out var c)) return c.Path;
            var reference = Analyze(Parallax().Path);
            string path = Path.Combine(Dir, "flat.mp4");
            new HomographyTransferRenderer().RenderAsync(MotionSource.FromPairs(reference.ToPairHomographies(), 24),
                new HomographyRenderOptions { TargetPath = TargetPng(), OutputPath = path, Encode = new Vision.FfmpegEncodeOptions { Crf = 12, Preset = "veryfast" } })
                .GetAwaiter().GetResult();
            _clips["flat"] = (path, []);
            return path;
        }
    }

    private string TargetPng()
    {
        string target = Path.Combine(Dir, "target.png");
        if (!File.Exists(target))
        {
            var (bgr, _) = new Synthetic3DScene().Render(W, H, Mat3.Identity, Vec3.Zero);
            using var img = Vision.Image.FromBgr(bgr, W, H);
            img.Save(target);
        }
        return target;
    }

    public ClipAnalysis Analyze(string path)
    {
        lock (_analyses)
        {
            if (!_analyses.TryGetValue(path, out var a)) _analyses[path] = a = new ClipAnalyzer().Analyze(path);
            return a;
        }
    }

    public void Dispose()
    {
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { }
    }
}

public sealed class CameraPathSyntheticTests(CameraPathClips clips, ITestOutputHelper output) : IClassFixture<CameraPathClips>
{
    [Theory]
    [InlineData(1.0, 1)]
    [InlineData(1.0, 3)]
    [InlineData(10.0, 2)]
    public void Translating_scene_rotation_within_half_a_degree_and_parallax_within_twenty_percent_per_pair(double scale, int seed)
    {
        var (path, depths) = clips.Parallax(scale, seed);
        var a = clips.Analyze(path);
        var poses = CameraPathClips.Poses(scale);
        var truths = new double[a.Pairs.Count];
        for (int k = 0; k < a.Pairs.Count; k++)
        {
            var p = a.Pairs[k];
            Vec3 trueStep = poses[k].R.Transpose() * (poses[k + 1].C - poses[k].C);
            truths[k] = Synthetic3DScene.TrueParallax(depths[k], CameraPathClips.W, CameraPathClips.H, trueStep.Norm);
            output.WriteLine($"pair {k}: model {p.CameraModel} Pi {p.Parallax:F5} (truth {truths[k]:F5}, error {(p.Parallax / truths[k] - 1) * 100:F1}%) rot {p.Rotation} dir {p.TranslationDirection} (truth {trueStep.Normalized()}) {p.CameraPathReason}");
        }
        // Every pair of this strong-parallax move is measurable: none may be flagged or explained away.
        Assert.Equal(a.Pairs.Count, a.CameraPath!.PairsWithParallax);
        Assert.Empty(a.CameraPath.HeldPairs);
        for (int k = 0; k < a.Pairs.Count; k++)
        {
            var p = a.Pairs[k];
            Mat3 trueRel = poses[k].R.Transpose() * poses[k + 1].R;
            Vec3 trueStep = poses[k].R.Transpose() * (poses[k + 1].C - poses[k].C);
            Assert.Equal(CameraPairModel.Essential, p.CameraModel);
            var m = p.ToCameraMotion();
            double rotErr = Rotations.GeodesicAngleDegrees(m.Rotation!.Value, trueRel);
            Assert.True(rotErr < 0.5, $"pair {k}: rotation off by {rotErr:F3}°");
            // Six frames of about 25 px per frame past boxes near the camera: its first two pairs measure 10-18% low
            // (the posed clips of CameraPathPosedClipTests hold the 10% over 36 frames).
            Assert.InRange(p.Parallax!.Value, truths[k] * 0.8, truths[k] * 1.2);
            double dirErr = Math.Acos(Math.Clamp(p.TranslationDirection!.Value.Dot(trueStep.Normalized()), -1, 1)) * 180 / Math.PI;
            Assert.True(dirErr < 5, $"pair {k}: translation direction off by {dirErr:F2}°");
        }
        double medianTruth = TwoViewMath.Median(truths);
        output.WriteLine($"clip median Pi {a.CameraPath.MedianParallax:F5}, truth {medianTruth:F5}");
        Assert.InRange(a.CameraPath.MedianParallax!.Value, medianTruth * 0.9, medianTruth * 1.1);
        output.WriteLine($"camera path: {a.Pairs.Count} pairs in {a.CameraPath.ElapsedMs:F1} ms (summed over workers); analysis {a.ElapsedMs:F0} ms");
    }

    [Fact]
    public void Camera_path_fields_serialize_camel_case_and_round_trip_through_the_cache_format()
    {
        var a = clips.Analyze(clips.Parallax().Path);
        string json = System.Text.Json.JsonSerializer.Serialize(a, FolderAnalysisCache.JsonOptions);
        using var doc = System.Text.Json.JsonDocument.Parse(json);
        var pair = doc.RootElement.GetProperty("pairs")[0];
        Assert.Equal("essential", pair.GetProperty("cameraModel").GetString());
        Assert.Equal(3, pair.GetProperty("rotation").GetArrayLength());
        Assert.Equal(3, pair.GetProperty("translationDirection").GetArrayLength());
        Assert.True(pair.GetProperty("parallax").GetDouble() > 0);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, pair.GetProperty("cameraPathReason").ValueKind);
        Assert.Equal("median-depth", doc.RootElement.GetProperty("cameraPath").GetProperty("translationUnit").GetString());

        var back = System.Text.Json.JsonSerializer.Deserialize<ClipAnalysis>(json, FolderAnalysisCache.JsonOptions)!;
        Assert.Equal(a.Pairs[1].Parallax, back.Pairs[1].Parallax);
        Assert.Equal(a.Pairs[1].TranslationDirection, back.Pairs[1].TranslationDirection);
        Assert.Equal(a.CameraPath!.Frames[^1].Centre, back.CameraPath!.Frames[^1].Centre);
        var s1 = ClipScorer.ScoreAnalyses(a, back);
        Assert.Equal(0.0, s1.Pce);

        // A flagged pair carries a reason and no invented numbers.
        var flagged = a.Pairs[0] with { Ok = false, Reason = "black frame" };
        var m = (flagged with { CameraModel = null }).ToCameraMotion();
        Assert.False(m.Usable);
        Assert.Contains("black frame", m.Reason);
    }

    [Fact]
    public void Scaling_depths_and_translations_by_ten_leaves_parallax_unchanged()
    {
        // Same texture pattern (texture coordinates scale with the scene): the whole chain is scale-free per pair.
        var a1 = clips.Analyze(clips.Parallax(1, seed: 1).Path);
        var a10 = clips.Analyze(clips.Parallax(10, seed: 1).Path);
        // Another texture as well: the estimate then differs by feature noise per pair, but the clip median holds.
        var b10 = clips.Analyze(clips.Parallax(10, seed: 2).Path);
        for (int k = 0; k < a1.Pairs.Count; k++)
            output.WriteLine($"pair {k}: Pi(scale 1) {a1.Pairs[k].Parallax:F5}  Pi(scale 10) {a10.Pairs[k].Parallax:F5}  Pi(scale 10, other texture) {b10.Pairs[k].Parallax:F5}");
        // The scale-10 render differs from the scale-1 one only by rounding, then H.264 and the tracking, so the same
        // texture is held to 5% per pair; another texture gives other tracks (measured: up to 11% apart per pair on
        // this six-frame clip), so 15% per pair; the clip medians to 5%.
        for (int k = 0; k < a1.Pairs.Count; k++)
        {
            Assert.InRange(a10.Pairs[k].Parallax!.Value / a1.Pairs[k].Parallax!.Value, 0.95, 1.05);
            Assert.InRange(b10.Pairs[k].Parallax!.Value / a1.Pairs[k].Parallax!.Value, 0.85, 1.15);
        }
        double m1 = a1.CameraPath!.MedianParallax!.Value, m10 = a10.CameraPath!.MedianParallax!.Value, n10 = b10.CameraPath!.MedianParallax!.Value;
        output.WriteLine($"clip median Pi: scale 1 {m1:F5}, scale 10 {m10:F5}, scale 10 other texture {n10:F5}");
        Assert.InRange(m10 / m1, 0.95, 1.05);
        Assert.InRange(n10 / m1, 0.95, 1.05);
    }

    [Theory]
    [InlineData(TrajectoryPreset.PanRight, 1.0)]
    [InlineData(TrajectoryPreset.TiltUp, 0.8)]
    [InlineData(TrajectoryPreset.ZoomIn, 1.02)]
    public void Rotation_only_and_zoom_presets_are_parallax_free_with_the_rotation_recovered(TrajectoryPreset preset, double speed)
    {
        var a = clips.Analyze(clips.Preset(preset, speed));
        var truth = TrajectoryPresets.Create(preset, CameraPathClips.W, CameraPathClips.H, speed, CameraPathClips.Frames);
        foreach (var p in a.Pairs)
        {
            output.WriteLine($"pair {p.Index}: model {p.CameraModel} Pi {p.Parallax} rot {p.Rotation} focal {p.FocalScale:F4} {p.CameraPathReason}");
            Assert.Equal(CameraPairModel.ParallaxFree, p.CameraModel);
            Assert.Equal(0.0, p.Parallax);
            Assert.Null(p.TranslationDirection);
            Mat3 trueRel = truth.CameraRotations[p.Index].Transpose() * truth.CameraRotations[p.Index + 1];
            double err = Rotations.GeodesicAngleDegrees(p.ToCameraMotion().Rotation!.Value, trueRel);
            Assert.True(err < 0.5, $"pair {p.Index}: rotation off by {err:F3}°");
            double trueFocal = truth.FocalScales[p.Index + 1] / truth.FocalScales[p.Index];
            Assert.InRange(p.FocalScale!.Value, trueFocal - 0.005, trueFocal + 0.005);
        }
        Assert.Equal(0, a.CameraPath!.PairsWithParallax);
    }

    [Fact]
    public void Pce_is_zero_for_the_same_clip_and_small_for_a_rerender_but_large_for_a_flattened_transfer()
    {
        var reference = clips.Analyze(clips.Parallax(1, 1).Path);
        var same = ClipScorer.ScoreAnalyses(reference, reference);
        Assert.Equal(0.0, same.Pce);
        Assert.Equal(0.0, same.RotErr!.Value.Radians, 6);
        Assert.Equal(0.0, same.TransErr!.Value, 9);

        var rerender = ClipScorer.ScoreAnalyses(reference, clips.Analyze(clips.Parallax(1, 3).Path));
        var flatAnalysis = clips.Analyze(clips.Flattened());
        foreach (var m in flatAnalysis.CameraPath!.Intervals) output.WriteLine($"flattened interval {m}");
        var flat = ClipScorer.ScoreAnalyses(reference, flatAnalysis);
        var pan = ClipScorer.ScoreAnalyses(reference, clips.Analyze(clips.Preset(TrajectoryPreset.PanRight, CameraPathClips.PanDegreesPerFrame)));
        output.WriteLine($"pce: same {same.Pce}, re-render {rerender.Pce:F4} (rotErr {rerender.RotErr?.Degrees:F3}°, transErr {rerender.TransErr:F4}), " +
                         $"flattened {flat.Pce:F3} ({flat.TransErrReason}), rotation-only {pan.Pce:F3}");
        Assert.True(rerender.Pce < 0.25, $"re-render pce {rerender.Pce}");
        Assert.True(flat.Pce > 2, $"flattened pce {flat.Pce}");
        Assert.True(pan.Pce > 2, $"rotation-only pce {pan.Pce}");
        Assert.True(rerender.RotErr!.Value.Degrees < 0.5 * CameraPathClips.Frames);
        Assert.True(rerender.TransErr < 0.1 * CameraPathClips.Frames);
        Assert.Null(flat.TransErr);
        Assert.NotNull(flat.TransErrReason);
    }
}
