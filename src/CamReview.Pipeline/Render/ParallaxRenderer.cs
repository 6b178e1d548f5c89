using System.Collections.Concurrent;
using System.Diagnostics;
using CamReview.Core;
using CamReview.Pipeline.Depth;
using CamReview.Vision;

namespace CamReview.Pipeline.Render;

/// <summary>Where the target's depth comes from (<see cref="ParallaxRenderer"/>).</summary>
public sealed class DepthSource
{
    private readonly Func<Image, DepthEstimate> _estimate;

    private DepthSource(Func<Image, DepthEstimate> estimate, string label)
    {
        _estimate = estimate;
        Label = label;
    }

    public string Label { get; }

    /// <summary>An uploaded depth or disparity map (<see cref="DepthMapFile"/>), checked against the target's size (<see cref="DepthMap.ForTarget"/>).</summary>
    public static DepthSource File(string path, DepthKind kind = DepthKind.Depth)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string what = kind == DepthKind.Disparity ? "Disparity map" : "Depth map";
        return new(img =>
        {
            if (!System.IO.File.Exists(path)) throw new FileNotFoundException($"{what} not found: '{path}'", path);
            return DepthEstimate.FromFile(path, kind, img.Width, img.Height);
        }, "file");
    }

    /// <summary>An ONNX relative-inverse-depth model (<see cref="OnnxDepthEstimator"/>), loaded for this render.</summary>
    public static DepthSource Model(string modelPath, OnnxDepthOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        return new(img =>
        {
            using var estimator = new OnnxDepthEstimator(modelPath, options);
            return estimator.Estimate(img);
        }, "model");
    }

    /// <summary>A map already in memory (target-sized, or same aspect ratio).</summary>
    public static DepthSource Map(DepthMap map, string description = "depth map")
    {
        ArgumentNullException.ThrowIfNull(map);
        return new(img => new DepthEstimate(map.ForTarget(img.Width, img.Height), "map", description, "cpu", null, null, 0, 0), "map");
    }

    /// <summary>Constant depth: the parallax render reduces to the homography transfer.</summary>
    public static DepthSource Planar { get; } = new(img => DepthEstimate.PlanarFor(img.Width, img.Height), "planar");

    internal DepthEstimate Estimate(Image target) => _estimate(target);
}

/// <summary>Settings specific to the parallax renderer.</summary>
public sealed record ParallaxSettings
{
    /// <summary>
    /// Mesh triangles whose vertex depths differ by more than this ratio (max/min - 1) are cut: a depth edge becomes a
    /// hole (a disocclusion, filled by the border policy) instead of a stretched "rubber sheet".
    /// </summary>
    public double DiscontinuityThreshold { get; init; } = 0.05;

    /// <summary>The output camera's lens for trajectories without intrinsics (default: the analyzer's 60°; a focal
    /// length is in pixels of the output).</summary>
    public Lens Lens { get; init; }
}

/// <param name="Render">Output, border, per-stage timings (WarpSeconds = splatting and shading, summed over workers).</param>
/// <param name="DepthSource">"file", "model", "map" or "planar".</param>
/// <param name="DepthDescription">Where the depth came from.</param>
/// <param name="DepthDevice">Where depth was computed ("cpu"/"cuda").</param>
/// <param name="DepthProvider">ONNX Runtime execution provider for a model, else null.</param>
/// <param name="DepthProviderNote">Why CUDA was not used, when relevant.</param>
/// <param name="DepthLoadSeconds">Reading the map or loading the model.</param>
/// <param name="DepthInferenceSeconds">Running the model and converting its output.</param>
/// <param name="MedianDepth">Zbar of the target (output crop), in the map's units.</param>
/// <param name="InvalidDepthPixels">Invalid map pixels that were filled.</param>
/// <param name="MaxParallax">Largest |C_i| / Zbar over the frames (ParaScale's number for the whole move).</param>
/// <param name="DisoccludedFraction">Mean fraction of output pixels not covered by the splatted target (filled by the border policy).</param>
public sealed record ParallaxRenderResult(
    RenderResult Render,
    string DepthSource,
    string DepthDescription,
    string DepthDevice,
    string? DepthProvider,
    string? DepthProviderNote,
    double DepthLoadSeconds,
    double DepthInferenceSeconds,
    double MedianDepth,
    int InvalidDepthPixels,
    double MaxParallax,
    double DisoccludedFraction)
{
    /// <summary>The short form of <see cref="DepthProviderNote"/> (ONNX Runtime's reason alone), for one-line labels.</summary>
    public string? DepthProviderFallbackReason { get; init; }
}

/// <summary>
/// Parallax transfer (ParaScale-style) and the 6-DoF trajectory renderer. For output frame i with camera pose
/// (R_i, C_i) relative to camera 0, focal scale f_i and intrinsics K_0 (trajectory's or the default 60° FOV of the
/// output width) and K_i = K_0 with focal f_i:
/// <list type="number">
/// <item>every target pixel centre p (continuous convention) with depth Z is unprojected, P = Z K_0^-1 p, moved into
/// camera i, X_i = R_i^T (P - C_i), and projected, q = K_i X_i; in one step <c>q = Z (K_i R_i^T K_0^-1) p - K_i R_i^T C_i</c>,
/// so with C_i = 0 it is exactly the rotation homography (zero translation = homography transfer);</item>
/// <item>the pixel grid is forward-splatted as a triangle MESH (two triangles per 2x2 block of pixel centres)
/// rasterised with a z-buffer (nearest wins): no cracks however the surface stretches; triangles across a depth
/// discontinuity (<see cref="ParallaxSettings.DiscontinuityThreshold"/>) are cut, leaving disocclusion holes;</item>
/// <item>each covered output pixel takes the target's colour bilinearly at the interpolated source position;</item>
/// <item>uncovered pixels (disocclusions, out of frame) follow the border policy: black; inpaint (the same Telea fill
/// as homography transfer); reflect (sampled through the plane at the median depth, H = K_i R_i^T (I - C_i n^T / Zbar) K_0^-1,
/// with mirrored taps: identical to homography transfer's reflect for a planar scene); safe-crop (zoom computed from
/// those median-depth plane homographies as in homography transfer, then any remaining hole, e.g. a disocclusion or a
/// near object leaving the frame, is filled like reflect).</item>
/// </list>
/// Colour sampling is always bilinear (<see cref="HomographyRenderOptions.Interpolation"/> is not used; results report Linear).
/// Frames are splatted in parallel on worker threads (per-worker buffers, no per-pixel allocation) and encoded
/// through the homography renderer's output pipeline (same MP4/PNG output, progress, cancellation and cleanup).
/// </summary>
public sealed class ParallaxRenderer
{
    /// <summary>Renders an explicit trajectory (translations in the units of the depth map).</summary>
    public Task<ParallaxRenderResult> RenderAsync(CameraTrajectory trajectory, DepthSource depth, HomographyRenderOptions options,
        ParallaxSettings? settings = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(trajectory);
        return RenderCoreAsync(_ => (trajectory, 0), depth, options, settings, null, cancellationToken);
    }

    /// <summary>Renders a preset (translations: <paramref name="speed"/> x median depth per frame; arcs: degrees per frame).</summary>
    public Task<ParallaxRenderResult> RenderPresetAsync(CameraMovePreset preset, double speed, int frames, DepthSource depth,
        HomographyRenderOptions options, ParallaxSettings? settings = null, CancellationToken cancellationToken = default)
    {
        if (frames < 1) throw new ArgumentOutOfRangeException(nameof(frames), frames, "a render needs at least one frame");
        return RenderCoreAsync(zbar => (CameraMovePresets.Create(preset, speed, frames, zbar), 0), depth, options, settings, null, cancellationToken);
    }

    /// <summary>
    /// Parallax transfer of a reference camera path (per-pair motions from the camera-path analysis):
    /// translation per frame = Pi_R,i x Zbar_target along the reference direction (<see cref="CameraTrajectory.FromCameraPath"/>).
    /// Unusable pairs are held (no motion) and counted in <see cref="RenderResult.HeldPairs"/>. The reference size is
    /// only used for <see cref="OutputSizeMode.Reference"/>.
    /// </summary>
    public Task<ParallaxRenderResult> RenderCameraPathAsync(IReadOnlyList<PairCameraMotion> pairs, DepthSource depth,
        HomographyRenderOptions options, ParallaxSettings? settings = null, (int Width, int Height)? referenceSize = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        return RenderCoreAsync(zbar =>
        {
            var t = CameraTrajectory.FromCameraPath(pairs, zbar, out int held, description: "reference");
            return (t, held);
        }, depth, options, settings, referenceSize, cancellationToken);
    }

    private static Task<ParallaxRenderResult> RenderCoreAsync(Func<double, (CameraTrajectory, int)> trajectoryFor, DepthSource depth,
        HomographyRenderOptions options, ParallaxSettings? settings, (int Width, int Height)? referenceSize, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(depth);
        ArgumentNullException.ThrowIfNull(options);
        HomographyTransferRenderer.ValidateOptions(options);
        if (options.SizeMode == OutputSizeMode.Reference && options.Width is null && referenceSize is null)
            throw new ArgumentException("output size 'reference' needs a reference clip; give Width and Height for a trajectory");
        settings ??= new ParallaxSettings();
        if (!(settings.DiscontinuityThreshold > 0)) throw new ArgumentOutOfRangeException(nameof(settings), "DiscontinuityThreshold must be positive");
        return Task.Run(() => RenderOnPoolAsync(trajectoryFor, depth, options, settings, referenceSize, ct), CancellationToken.None);
    }

    private static async Task<ParallaxRenderResult> RenderOnPoolAsync(Func<double, (CameraTrajectory, int)> trajectoryFor, DepthSource depthSource,
        HomographyRenderOptions o, ParallaxSettings settings, (int Width, int Height)? referenceSize, CancellationToken ct)
    {
        var total = Stopwatch.StartNew();
        ct.ThrowIfCancellationRequested();
        o.Progress?.Report(new RenderProgress(RenderStage.Prepare, 0, o.Frames ?? 0));
        var (outputPath, pngDir) = HomographyTransferRenderer.ValidatePaths(o);
        Image? fitted = null;
        try
        {
            DepthEstimate estimate;
            int width, height;
            using (Image target = HomographyTransferRenderer.LoadTarget(o))
            {
                (width, height) = HomographyTransferRenderer.ResolveOutputSize(target.Width, target.Height, o, referenceSize?.Width, referenceSize?.Height);
                estimate = depthSource.Estimate(target);
                fitted = TargetFit.Fit(target, width, height);
            }
            ct.ThrowIfCancellationRequested();
            var depth = estimate.Map.FitToOutput(width, height);
            double zbar = depth.Median;
            var (trajectory, held) = trajectoryFor(zbar);
            if (o.Frames is int n) trajectory = trajectory.Sample(n);
            var k0 = trajectory.IntrinsicsFor(width, height, settings.Lens.HorizontalFovAt(width));
            int frames = trajectory.Frames;
            var frameGeometry = new FrameGeometry[frames];
            for (int i = 0; i < frames; i++) frameGeometry[i] = FrameGeometry.Create(k0, trajectory.Poses[i], trajectory.FocalScales[i], zbar);
            double? safeScale = null;
            if (o.Border == BorderPolicy.SafeCrop)
            {
                double s = SafeCrop.ComputeScale(frameGeometry.Select(g => g.PlaneHomography), width, height, o.Interpolation);
                safeScale = s;
                var zoom = SafeCrop.Zoom(s, width, height);
                for (int i = 0; i < frames; i++) frameGeometry[i] = frameGeometry[i].Zoomed(zoom);
            }
            double maxParallax = trajectory.MaxTranslation / zbar;
            double prepareSeconds = total.Elapsed.TotalSeconds;
            var plan = new SplatPlan(fitted, depth, frameGeometry, settings.DiscontinuityThreshold, o, ct);
            double fps = o.Fps ?? MotionSource.DefaultTrajectoryFps;
            string description = $"{trajectory.Description}, depth {estimate.Description}";
            var render = await HomographyTransferRenderer.EncodeAsync(plan, outputPath, pngDir, fps, held, description, "cpu", safeScale,
                prepareSeconds, total, ct).ConfigureAwait(false);
            return new ParallaxRenderResult(render, estimate.Source, estimate.Description, estimate.Device, estimate.ExecutionProvider,
                estimate.ProviderNote, estimate.LoadSeconds, estimate.InferenceSeconds, zbar, estimate.Map.InvalidPixels, maxParallax,
                plan.UncoveredPixels / ((double)width * height * frames)) { DepthProviderFallbackReason = estimate.ProviderFallbackReason };
        }
        finally
        {
            fitted?.Dispose();
        }
    }

    /// <summary>Per-frame projection: q = Z (A p) - b for source pixel p (continuous), plus the median-depth plane homography.</summary>
    internal readonly record struct FrameGeometry(Mat3 A, Vec3 B, Mat3 PlaneHomography)
    {
        public static FrameGeometry Create(Intrinsics k0, CameraPose pose, double focalScale, double zbar)
        {
            var ki = k0.WithFocalScale(focalScale);
            var rt = pose.Rotation.Transpose();
            var a = ki.Matrix * rt * k0.InverseMatrix;
            var b = (ki.Matrix * rt) * pose.Centre;
            var c = pose.Centre;
            // I - C n^T / Zbar with n = (0, 0, 1)
            var plane = new Mat3(1, 0, -c.X / zbar, 0, 1, -c.Y / zbar, 0, 0, 1 - c.Z / zbar);
            var h = ki.Matrix * rt * plane * k0.InverseMatrix;
            return new FrameGeometry(a, b, h.TryScaleToUnitCorner(out var hs) ? hs : h);
        }

        public FrameGeometry Zoomed(Mat3 zoom) => new(zoom * A, zoom * B, zoom * PlaneHomography);
    }
}
