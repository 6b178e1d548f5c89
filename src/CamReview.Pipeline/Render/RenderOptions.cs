using CamReview.Vision;

namespace CamReview.Pipeline.Render;

/// <summary>
/// How pixels that the warped target does not cover (out-of-frame regions) are filled.
/// Labels: black, reflect, inpaint, safe-crop.
/// </summary>
public enum BorderPolicy
{
    /// <summary>Constant 0 (black). Fastest; shows exactly what the homography exposes.</summary>
    Black,

    /// <summary>Mirror the target at its edges (OpenCV BORDER_REFLECT, "fedcba|abcdef").</summary>
    Reflect,

    /// <summary>
    /// Warp, find the pixels not interpolated purely from the target (analytic validity mask, conservative by
    /// the interpolation kernel's reach), fill them by Telea inpainting at reduced resolution (longer side at
    /// most <see cref="HomographyRenderOptions.InpaintMaxSide"/>), upscale the fill and composite it under the
    /// valid pixels. Each frame is inpainted on its own (no temporal coherence: a baseline, not a method).
    /// </summary>
    Inpaint,

    /// <summary>
    /// Zoom every frame about the centre by the smallest s &gt;= 1 such that, in every frame, the visible window
    /// lies entirely inside the warped target (so no invalid pixel ever shows); s is reported. The zoom is
    /// prepended to every frame's homography (frame 0 is then the target zoomed by s). Fails with an
    /// exception when no s up to <see cref="SafeCrop.MaxScale"/> works (e.g. the target leaves the frame).
    /// </summary>
    SafeCrop,
}

public static class BorderPolicyLabels
{
    private static readonly (BorderPolicy Policy, string Label)[] Table =
    [
        (BorderPolicy.Black, "black"), (BorderPolicy.Reflect, "reflect"),
        (BorderPolicy.Inpaint, "inpaint"), (BorderPolicy.SafeCrop, "safe-crop"),
    ];

    public static IReadOnlyList<string> All { get; } = Table.Select(t => t.Label).ToArray();

    public static string ToLabel(this BorderPolicy p) => Table.First(t => t.Policy == p).Label;

    public static bool TryParse(string? label, out BorderPolicy policy)
    {
        foreach (var (p, l) in Table)
        {
            if (string.Equals(l, label?.Trim(), StringComparison.OrdinalIgnoreCase)) { policy = p; return true; }
        }
        policy = default;
        return false;
    }
}

/// <summary>Which size the output has when <see cref="HomographyRenderOptions.Width"/>/<see cref="HomographyRenderOptions.Height"/> are not given.</summary>
public enum OutputSizeMode
{
    /// <summary>The target image's size (rounded down to even).</summary>
    Target,

    /// <summary>The motion source's reference size (rounded down to even); an error when the source has none.</summary>
    Reference,
}

/// <summary>Stage names reported through <see cref="RenderProgress"/>.</summary>
public enum RenderStage
{
    /// <summary>Loading and fitting the target, preparing the motion (and the safe-crop scale).</summary>
    Prepare,

    /// <summary>Warping and encoding frames; Done counts frames handed to the encoder.</summary>
    Render,

    /// <summary>Finishing the encode and moving outputs into place.</summary>
    Finalize,

    /// <summary>All outputs are in place.</summary>
    Done,
}

/// <param name="Stage">What is happening.</param>
/// <param name="Done">Frames encoded so far (Render), else 0 or Total.</param>
/// <param name="Total">Frames to render.</param>
public readonly record struct RenderProgress(RenderStage Stage, int Done, int Total)
{
    public double Fraction => Total <= 0 ? 0 : (double)Done / Total;
}

/// <summary>Options of <see cref="HomographyTransferRenderer"/>.</summary>
public sealed record HomographyRenderOptions
{
    /// <summary>Target image (any format OpenCV decodes; loaded as 8-bit BGR).</summary>
    public required string TargetPath { get; init; }

    /// <summary>Output MP4 (H.264, yuv420p, faststart). Its directory must exist. Written atomically.</summary>
    public required string OutputPath { get; init; }

    /// <summary>Optional directory for lossless PNG frames frame_0000.png ...; created if missing.</summary>
    public string? PngDirectory { get; init; }

    /// <summary>Output width; with <see cref="Height"/> overrides <see cref="SizeMode"/>. Rounded down to even.</summary>
    public int? Width { get; init; }

    /// <summary>Output height; see <see cref="Width"/>.</summary>
    public int? Height { get; init; }

    public OutputSizeMode SizeMode { get; init; } = OutputSizeMode.Target;

    /// <summary>Number of output frames, sampled uniformly over the motion source; null = all of its frames.</summary>
    public int? Frames { get; init; }

    /// <summary>Output frame rate; null = the motion source's (reference fps, 24 for trajectories).</summary>
    public double? Fps { get; init; }

    public BorderPolicy Border { get; init; } = BorderPolicy.Black;

    /// <summary>
    /// Warp interpolation: Linear (default), Cubic or Nearest. Linear is the default because OpenCV's cubic warp
    /// costs 2-4x more per frame on the CPU for little visible gain on a baseline (see the renderer notes).
    /// </summary>
    public Interpolation Interpolation { get; init; } = Interpolation.Linear;

    /// <summary>Longer side of the reduced-resolution image the <see cref="BorderPolicy.Inpaint"/> fill is computed at.</summary>
    public int InpaintMaxSide { get; init; } = 320;

    /// <summary>Telea radius, in pixels of the reduced-resolution image.</summary>
    public double InpaintRadius { get; init; } = 3;

    /// <summary>ffmpeg path, CRF and preset; null = defaults (ffmpeg on PATH, CRF 23, preset medium).</summary>
    public FfmpegEncodeOptions? Encode { get; init; }

    /// <summary>Frames warped ahead of the encoder (bounded queue); null = processor count + 1.</summary>
    public int? PipelineDepth { get; init; }

    /// <summary>
    /// Progress, reported synchronously from a thread-pool thread (the encoder loop) after every frame; keep it
    /// cheap (the portal forwards it to viewers). Cancelling from inside the callback is fine.
    /// </summary>
    public IProgress<RenderProgress>? Progress { get; init; }
}
