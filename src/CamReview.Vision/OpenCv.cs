using System.Runtime.InteropServices;
using OpenCvSharp;

namespace CamReview.Vision;

// One native OpenCV object owned by a wrapper of ours (Image, Features, VideoReader), counted in
// VisionNative.LiveObjectCount while it lives. Dispose frees it at once. If the owner is dropped undisposed, this
// finalizer only uncounts: the OpenCvSharp object became unreachable with it and its own safe handle frees the native
// memory in the same collection (freeing it from here could race a native call still using it).
internal sealed class Owned<T> where T : class, IDisposable
{
    private T? _value;

    internal Owned(T value)
    {
        _value = value;
        Interlocked.Increment(ref OpenCv.LiveObjects);
    }

    ~Owned()
    {
        if (Interlocked.Exchange(ref _value, null) is not null) Interlocked.Decrement(ref OpenCv.LiveObjects);
    }

    internal bool IsDisposed => Volatile.Read(ref _value) is null;

    // Callers check IsDisposed first (to name their own type in the ObjectDisposedException).
    internal T Value => Volatile.Read(ref _value) ?? throw new ObjectDisposedException(typeof(T).Name);

    internal void Dispose()
    {
        T? value = Interlocked.Exchange(ref _value, null);
        if (value is null) return;
        value.Dispose();
        Interlocked.Decrement(ref OpenCv.LiveObjects);
        GC.SuppressFinalize(this);
    }
}

internal static class OpenCv
{
    internal static long LiveObjects;

    // OpenCvSharp's OpenCVException carries only the bare message; rebuild cv::Exception::what() from its parts so
    // our errors read as before: "OpenCV(4.13.0) file:line: error: (-215:Assertion failed) cond in function 'f'".
    internal static VisionException Error(string context, OpenCVException e)
    {
        string func = string.IsNullOrEmpty(e.FuncName) ? "" : $" in function '{e.FuncName}'";
        string detail = $"OpenCV({Cv2.GetVersionString()}) {e.FileName}:{e.Line}: error: ({(int)e.Status}:{ErrorText(e.Status)}) {e.ErrMsg}{func}";
        return new VisionException(context, detail, fromOpenCv: true);
    }

    // For `catch (Exception e) when (OpenCv.Raised(e))`: the exceptions OpenCvSharp raises for OpenCV's errors.
    internal static bool Raised(Exception e) => e is OpenCVException or OpenCvSharpException;

    internal static VisionException Error(string context, Exception e) =>
        e is OpenCVException cv ? Error(context, cv) : new VisionException(context, e.Message);

    // cvErrorStr's wording for the codes OpenCV raises in practice.
    private static string ErrorText(ErrorCode code) => (int)code switch
    {
        -2 => "Unspecified error",
        -3 => "Internal error",
        -4 => "Insufficient memory",
        -5 => "Bad argument",
        -15 => "Bad number of channels",
        -17 => "Input image depth is not supported by function",
        -27 => "Null pointer",
        -201 => "Incorrect size of input array",
        -205 => "Formats of input arguments do not match",
        -206 => "Bad flag (parameter or structure field)",
        -209 => "Sizes of input arguments do not match",
        -210 => "Unsupported format or combination of formats",
        -211 => "One of the arguments' values is out of range",
        -213 => "The function/feature is not implemented",
        -215 => "Assertion failed",
        _ => code.ToString(),
    };

    // Runs op on a fresh output Mat and wraps it as an Image; the Mat is freed if anything fails.
    internal static Image Produce(string context, Action<Mat> op)
    {
        var dst = new Mat();
        try
        {
            Run(context, () => op(dst));
        }
        catch
        {
            dst.Dispose();
            throw;
        }
        return Image.Adopt(dst);
    }

    // Wraps the Mat op returns (a new one, owned by nobody else) as an Image.
    internal static Image Take(string context, Func<Mat> op)
    {
        Mat? mat = null;
        Run(context, () => mat = op());
        return Image.Adopt(mat!);
    }

    // Runs op, turning OpenCV's errors into a VisionException that says what we were doing.
    internal static void Run(string context, Action op)
    {
        try
        {
            op();
        }
        catch (Exception e) when (Raised(e))
        {
            throw Error(context, e);
        }
    }

    // n interleaved float points as an n x 1 two-channel Mat over the caller's pinned memory (no copy).
    internal static unsafe Mat Points(void* xy, int n) => Mat.FromPixelData(n, 1, MatType.CV_32FC2, (IntPtr)xy);

    // Packed row-major copy of a Mat's bytes (rows may be padded in a non-continuous Mat).
    internal static unsafe void CopyBytes(Mat m, Span<byte> destination)
    {
        int row = checked((int)(m.Cols * m.ElemSize()));
        int total = checked(row * m.Rows);
        if (destination.Length < total) throw new ArgumentException($"Need {total} bytes, got {destination.Length}", nameof(destination));
        if (m.IsContinuous())
        {
            new ReadOnlySpan<byte>((void*)m.Data, total).CopyTo(destination);
            return;
        }
        for (int y = 0, rows = m.Rows; y < rows; y++)
            new ReadOnlySpan<byte>((void*)m.Ptr(y), row).CopyTo(destination.Slice(y * row, row));
    }

    // CamReview reports damaged or unreadable media as its own one-line errors, so neither FFmpeg (inside OpenCV's video
    // backend) nor OpenCV itself may log about them to stderr (OpenCV 4.13 warns "backend is generally available but
    // can't be used to capture by name" for every file FFmpeg cannot open). Runs once, before our first OpenCV call
    // (VideoReader's static constructor triggers it before any capture opens). Levels the user chose are kept.
    static OpenCv()
    {
        SetNativeDefault("OPENCV_FFMPEG_LOGLEVEL\0"u8, "-8\0"u8);
        // Intel IPP inside the OpenCV build costs more than it saves here: with it, `analyze` of a 270-frame clip took
        // 10.6 s of CPU, without it 7.9 s, with identical results (most of the difference sits in IPP's CPU-dispatch
        // code on these virtual machines). OpenCV reads the switch when it first initialises IPP.
        SetNativeDefault("OPENCV_IPP\0"u8, "disabled\0"u8);
        // Errors still arrive as exceptions; only OpenCV's warnings and chatter are dropped.
        if (Environment.GetEnvironmentVariable("OPENCV_LOG_LEVEL") is null) Cv2.SetLogLevel(LogLevel.ERROR);
    }

    // Runs the static constructor above.
    internal static void Initialize() { }

    // OpenCV reads these variables from the native environment (getenv) when the part that uses them first initialises,
    // so they are set there (Environment.SetEnvironmentVariable only changes .NET's copy on Unix), never overwriting a
    // value the user set. setenv is looked up in the already loaded C library rather than bound by a library name that
    // differs across libcs. Both arguments are NUL-terminated UTF-8.
    private static unsafe void SetNativeDefault(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        if (OperatingSystem.IsWindows()) return;
        if (!NativeLibrary.TryGetExport(NativeLibrary.GetMainProgramHandle(), "setenv", out IntPtr setenv)) return;
        fixed (byte* n = name, v = value)
            ((delegate* unmanaged<byte*, byte*, int, int>)setenv)(n, v, 0);
    }
}
