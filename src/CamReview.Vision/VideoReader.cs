using System.Diagnostics.CodeAnalysis;
using OpenCvSharp;

namespace CamReview.Vision;

// Decodes a video (MP4, MOV, AVI, MKV, WebM, ... whatever OpenCV's FFmpeg backend opens) frame by frame as BGR
// Images. Not thread-safe: one reader per thread.
//
// Truncated files: if the container index is gone (e.g. an MP4 cut before its trailing moov atom) Open throws a
// VisionException; if the index survives but the data is cut (faststart MP4), Read simply returns false at the
// last decodable frame. Either way no crash — callers that need completeness compare FramesRead with expectations.
public sealed class VideoReader : IDisposable
{
    // Before the first capture initialises OpenCV's FFmpeg backend (see OpenCv's static constructor).
    static VideoReader() => OpenCv.Initialize();

    private readonly Owned<VideoCapture> _capture;

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

    // The timestamp of the frame read (or skipped) last, in milliseconds from the stream's start (CAP_PROP_POS_MSEC):
    // for variable-frame-rate files the only way to tell where in time a frame is.
    public double PositionMs
    {
        get
        {
            VideoCapture capture = Live;
            double ms = 0;
            OpenCv.Run($"Could not read the position in '{Path}'", () => ms = capture.Get(VideoCaptureProperties.PosMsec));
            return ms;
        }
    }

    private VideoReader(string path, VideoCapture capture)
    {
        Path = path;
        double fps = 0, count = 0, width = 0, height = 0;
        try
        {
            OpenCv.Run($"Could not read video properties of '{path}'", () =>
                (fps, count, width, height) = (capture.Get(VideoCaptureProperties.Fps), capture.Get(VideoCaptureProperties.FrameCount),
                    capture.Get(VideoCaptureProperties.FrameWidth), capture.Get(VideoCaptureProperties.FrameHeight)));
        }
        catch
        {
            capture.Dispose();
            throw;
        }
        (Fps, ReportedFrameCount, Width, Height) = (fps, count, (int)width, (int)height);
        _capture = new Owned<VideoCapture>(capture);
    }

    public static VideoReader Open(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new VisionException($"Could not open video '{path}': file not found");
        string context = $"Could not open video '{path}' (missing index, unsupported codec, or not a video)";
        var capture = new VideoCapture();
        try
        {
            // Always FFmpeg: the same decoder (and frame counts) whatever else OpenCV was built with.
            OpenCv.Run(context, () =>
            {
                if (!capture.Open(path, VideoCaptureAPIs.FFMPEG) || !capture.IsOpened())
                    throw new VisionException(context, "OpenCV/FFmpeg could not open the file as a video");
            });
        }
        catch
        {
            capture.Dispose();
            throw;
        }
        return new VideoReader(path, capture);
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
        VideoCapture capture = Live;
        string context = $"Could not read frame {FramesRead} of '{Path}'";
        var mat = new Mat();
        bool got = false;
        try
        {
            OpenCv.Run(context, () => got = capture.Read(mat) && !mat.Empty());
        }
        catch
        {
            mat.Dispose();
            throw;
        }
        if (!got)
        {
            mat.Dispose();
            frame = null;
            return false;
        }
        frame = Image.Adopt(mat);
        FramesRead++;
        return true;
    }

    // Decodes and drops one frame (no colour conversion); cheaper than Read.
    public bool Skip()
    {
        VideoCapture capture = Live;
        bool got = false;
        OpenCv.Run($"Could not read frame {FramesRead} of '{Path}'", () => got = capture.Grab());
        if (!got) return false;
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

    private VideoCapture Live
    {
        get
        {
            ObjectDisposedException.ThrowIf(_capture.IsDisposed, this);
            return _capture.Value;
        }
    }

    public void Dispose() => _capture.Dispose();
}
