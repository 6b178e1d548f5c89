using CamReview.Vision;

namespace CamReview.Pipeline.Render;

/// <summary>
/// Time per stage, in seconds. Prepare and Finalize are wall time on the calling task. Warp and Png are summed
/// over the worker threads (they run in parallel with encoding, so they can exceed the wall time). Encode is the
/// wall time the encoder side spent writing frames into ffmpeg (blocked while ffmpeg is busy) plus finishing
/// the file; WaitForFrames is the wall time the encoder side waited for a warped frame (near 0 when encoding
/// dominates). Total is the wall time of the whole render.
/// </summary>
public sealed record RenderTimings(
    double PrepareSeconds,
    double WarpSeconds,
    double PngSeconds,
    double EncodeSeconds,
    double WaitForFramesSeconds,
    double FinalizeSeconds,
    double TotalSeconds);

/// <param name="OutputPath">The MP4 written (absolute).</param>
/// <param name="PngDirectory">The PNG directory written (absolute), or null.</param>
/// <param name="Frames">Frames written.</param>
/// <param name="Width">Output width (even).</param>
/// <param name="Height">Output height (even).</param>
/// <param name="Fps">Output frame rate.</param>
/// <param name="Border">Border policy used.</param>
/// <param name="Interpolation">Warp interpolation used.</param>
/// <param name="SafeCropScale">The zoom s of <see cref="BorderPolicy.SafeCrop"/>, else null.</param>
/// <param name="HeldPairs">Flagged reference pairs replaced by the identity (see <see cref="MotionSource"/>).</param>
/// <param name="Motion">Description of the motion source.</param>
/// <param name="Device">Where the work ran: always "cpu" for this renderer (OpenCV warps, libx264 encode).</param>
/// <param name="Timings">Per-stage times.</param>
public sealed record RenderResult(
    string OutputPath,
    string? PngDirectory,
    int Frames,
    int Width,
    int Height,
    double Fps,
    BorderPolicy Border,
    Interpolation Interpolation,
    double? SafeCropScale,
    int HeldPairs,
    string Motion,
    string Device,
    RenderTimings Timings);
