using System.Diagnostics.CodeAnalysis;
using CamReview.Vision.Interop;

namespace CamReview.Vision;

// Decodes a video (MP4, MOV, AVI, MKV, WebM, ... whatever OpenCV's FFmpeg backend opens) frame by frame as BGR
// Images. Not thread-safe: one reader per thread.
//
// Truncated files: if the container index is gone (e.g. an MP4 cut before its trailing moov atom) Open throws a
// VisionException; if the index survives but the data is cut (faststart MP4), Read simply returns false at the
// last decodable frame. Either way no crash — callers that need completeness compare FramesRead with expectations.
public sealed class VideoReader : IDisposable
{
    private readonly VideoCaptureHandle _handle;

    public string Path { get; }

    // Container-reported; may be 0 or a rounded value for variable-frame-rate files.
    public double Fps { get; }

    // From the stream header (before any auto-rotation); decoded frames are authoritative.
    public int Width { get; }
    public int Height { get; }

    // What the container claims (CAP_PROP_FRAME_COUNT). Often wrong (estimated from duration * fps, or 0):
    // never use it for decisions; count by reading (CountFrames, or FramesRead after reading to the end).
    public double ReportedFrameCount { get; }

    // Frames successfully read (or skipped) so far.
    public int FramesRead { get; private set; }

    private VideoReader(string path, VideoCaptureHandle handle)
    {
        Path = path;
        _handle = handle;
        NativeMethods.Check(NativeMethods.cvr_video_props(handle, out double fps, out double count, out int w, out int h),
            $"Could not read video properties of '{path}'");
        (Fps, ReportedFrameCount, Width, Height) = (fps, count, w, h);
    }

    public static VideoReader Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new VisionException($"Could not open video '{path}': file not found");
        int status = NativeMethods.cvr_video_open(path, out VideoCaptureHandle handle);
        if (status != NativeMethods.StatusOk)
        {
            handle.Dispose();
            NativeMethods.Check(status, $"Could not open video '{path}' (missing index, unsupported codec, or not a video)");
        }
        try
        {
            return new VideoReader(path, handle);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    // Opens, decodes every frame (without colour conversion) and returns how many decoded.
    public static int CountFrames(string path)
    {
        using VideoReader reader = Open(path);
        while (reader.Skip()) { }
        return reader.FramesRead;
    }

    // False at the end of the stream (or at the first undecodable frame).
    public bool Read([NotNullWhen(true)] out Image? frame)
    {
        int status = NativeMethods.cvr_video_read(Live, out int got, out MatHandle mat);
        if (status != NativeMethods.StatusOk || got == 0)
        {
            mat.Dispose();
            NativeMethods.Check(status, $"Could not read frame {FramesRead} of '{Path}'");
            frame = null;
            return false;
        }
        frame = Image.FromNative(status, mat, $"Could not read frame {FramesRead} of '{Path}'");
        FramesRead++;
        return true;
    }

    // Decodes and drops one frame; cheaper than Read.
    public bool Skip()
    {
        NativeMethods.Check(NativeMethods.cvr_video_grab(Live, out int got), $"Could not read frame {FramesRead} of '{Path}'");
        if (got == 0) return false;
        FramesRead++;
        return true;
    }

    // Lazily yields the remaining frames; the caller owns (and disposes) each one.
    public IEnumerable<Image> Frames()
    {
        while (Read(out Image? frame)) yield return frame;
    }

    // All remaining frames in memory (about width*height*3 bytes each): for short clips only.
    public List<Image> ReadAll(int maxFrames = int.MaxValue)
    {
        var frames = new List<Image>();
        try
        {
            while (frames.Count < maxFrames && Read(out Image? frame)) frames.Add(frame);
            return frames;
        }
        catch
        {
            foreach (Image f in frames) f.Dispose();
            throw;
        }
    }

    private VideoCaptureHandle Live
    {
        get
        {
            ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
            return _handle;
        }
    }

    public void Dispose() => _handle.Dispose();
}
