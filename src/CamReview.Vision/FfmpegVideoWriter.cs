using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace CamReview.Vision;

public sealed class FfmpegException : Exception
{
    public FfmpegException(string message, int? exitCode = null, string standardError = "", Exception? inner = null)
        : base(string.IsNullOrWhiteSpace(standardError) ? message : $"{message}\nffmpeg said:\n{standardError.Trim()}", inner)
    {
        ExitCode = exitCode;
        StandardError = standardError;
    }

    public int? ExitCode { get; }
    public string StandardError { get; }
}

public sealed record FfmpegEncodeOptions
{
    public string FfmpegPath { get; init; } = "ffmpeg";

    // libx264 quality (0 = lossless .. 51); null = x264's default (23). ffmpeg validates it.
    public int? Crf { get; init; }

    // libx264 preset (ultrafast .. veryslow); null = "medium". ffmpeg validates it.
    public string? Preset { get; init; }
}

// Encodes browser-playable H.264 MP4 (yuv420p, moov atom first) by piping raw BGR frames into ffmpeg.
// OpenCV's VideoWriter is not used: its mp4v output does not play in browsers.
//
// Output is atomic: ffmpeg writes a hidden temp file next to the target, renamed over it only when Complete()
// succeeds. Dispose() without Complete() aborts (kills ffmpeg, deletes the temp file), so a failed or abandoned
// render never leaves a partial video behind.
//
// Frame size must be even in both dimensions (yuv420p halves chroma resolution); odd sizes are rejected up front
// rather than silently padded or cropped — resize or pad the frames yourself.
public sealed class FfmpegVideoWriter : IDisposable
{
    private const int MaxStderrChars = 32 * 1024;

    private readonly Process _process;
    private readonly Stream _stdin;
    private readonly StringBuilder _stderr = new();
    private readonly string _tempPath;
    private byte[]? _frameBuffer;
    private bool _finished;

    public string OutputPath { get; }
    public int Width { get; }
    public int Height { get; }
    public double Fps { get; }
    public int FramesWritten { get; private set; }

    public FfmpegVideoWriter(string outputPath, int width, int height, double fps, FfmpegEncodeOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(outputPath);
        if (width <= 0 || height <= 0 || width % 2 != 0 || height % 2 != 0)
            throw new ArgumentException($"H.264/yuv420p needs positive even frame dimensions, got {width}x{height}; resize or pad the frames first");
        if (!double.IsFinite(fps) || fps <= 0) throw new ArgumentOutOfRangeException(nameof(fps), $"FPS must be positive, got {fps}");
        options ??= new FfmpegEncodeOptions();

        OutputPath = Path.GetFullPath(outputPath);
        string dir = Path.GetDirectoryName(OutputPath)!;
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"Output directory does not exist: '{dir}'");
        (Width, Height, Fps) = (width, height, fps);
        _tempPath = Path.Combine(dir, $".{Path.GetFileName(OutputPath)}.{Guid.NewGuid():N}.partial");

        var psi = new ProcessStartInfo(options.FfmpegPath)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardError = true,
        };
        foreach (string arg in BuildArguments(options)) psi.ArgumentList.Add(arg);

        _process = new Process { StartInfo = psi };
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (_stderr)
            {
                if (_stderr.Length < MaxStderrChars) _stderr.AppendLine(e.Data);
            }
        };
        try
        {
            _process.Start();
        }
        catch (Win32Exception ex)
        {
            _process.Dispose();
            throw new FfmpegException($"Could not start '{options.FfmpegPath}': is ffmpeg installed and on PATH?", inner: ex);
        }
        _process.BeginErrorReadLine();
        _stdin = _process.StandardInput.BaseStream;
    }

    private IEnumerable<string> BuildArguments(FfmpegEncodeOptions options)
    {
        string[] head =
        [
            "-hide_banner", "-nostats", "-loglevel", "error", "-y",
            "-f", "rawvideo", "-pix_fmt", "bgr24", "-s", $"{Width}x{Height}",
            "-r", Fps.ToString("R", CultureInfo.InvariantCulture), "-i", "-",
            "-c:v", "libx264", "-pix_fmt", "yuv420p",
        ];
        foreach (string a in head) yield return a;
        if (options.Crf is int crf) { yield return "-crf"; yield return crf.ToString(CultureInfo.InvariantCulture); }
        if (options.Preset is string preset) { yield return "-preset"; yield return preset; }
        // The temp name has no .mp4 extension, so name the muxer explicitly.
        foreach (string a in new[] { "-movflags", "+faststart", "-f", "mp4", _tempPath }) yield return a;
    }

    // Packed BGR frame, Width * Height * 3 bytes.
    public void Write(ReadOnlySpan<byte> bgr)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        int expected = Width * Height * 3;
        if (bgr.Length != expected) throw new ArgumentException($"Expected {expected} bytes ({Width}x{Height} BGR), got {bgr.Length}", nameof(bgr));
        try
        {
            _stdin.Write(bgr);
        }
        catch (IOException ex)
        {
            // ffmpeg closed its input: it failed; report why.
            throw Fail($"ffmpeg stopped accepting frames after {FramesWritten} frame(s)", ex);
        }
        FramesWritten++;
    }

    public void Write(Image frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (frame.Width != Width || frame.Height != Height || frame.Channels != 3)
            throw new ArgumentException($"Frame is {frame.Width}x{frame.Height}x{frame.Channels}, writer expects {Width}x{Height} BGR");
        _frameBuffer ??= new byte[Width * Height * 3];
        frame.CopyTo(_frameBuffer);
        Write(_frameBuffer);
    }

    // Finishes encoding and moves the file into place. Throws FfmpegException (and leaves no file) on failure.
    public void Complete()
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        if (FramesWritten == 0)
        {
            Abort(killNow: true);
            throw new InvalidOperationException("No frames were written; refusing to produce an empty video");
        }
        try
        {
            _stdin.Close();
        }
        catch (IOException ex)
        {
            throw Fail("ffmpeg failed while finishing the encode", ex);
        }
        _process.WaitForExit(); // also drains stderr
        int exitCode = _process.ExitCode;
        if (exitCode != 0) throw Fail($"ffmpeg exited with code {exitCode}", null);
        if (!File.Exists(_tempPath) || new FileInfo(_tempPath).Length == 0) throw Fail("ffmpeg produced no output", null);
        File.Move(_tempPath, OutputPath, overwrite: true);
        _finished = true;
        _process.Dispose();
    }

    private FfmpegException Fail(string message, Exception? inner)
    {
        int? exitCode = Abort(killNow: false);
        string stderr;
        lock (_stderr) stderr = _stderr.ToString();
        return new FfmpegException($"Encoding '{OutputPath}' failed: {message}", exitCode, stderr, inner);
    }

    // Stops ffmpeg, removes the temp file, returns ffmpeg's exit code. killNow = false gives an ffmpeg that is
    // already failing a moment to exit by itself, so its own exit code and message are kept.
    private int? Abort(bool killNow)
    {
        if (_finished) return null;
        _finished = true;
        int? exitCode = null;
        try
        {
            if (killNow || !_process.WaitForExit(TimeSpan.FromSeconds(2)))
            {
                try { _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } // already gone
            }
            try { _stdin.Close(); } catch (IOException) { }
            _process.WaitForExit();
            exitCode = _process.ExitCode;
        }
        catch (InvalidOperationException) { } // process never started
        finally
        {
            _process.Dispose();
            TryDelete(_tempPath);
        }
        return exitCode;
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    public void Dispose() => Abort(killNow: true);
}
