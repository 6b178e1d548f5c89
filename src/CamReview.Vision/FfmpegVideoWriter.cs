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

    // Constant bitrate in bits per second (x264's CBR with filler data, nal-hrd=cbr): every file of that rate and length
    // has about the same size whatever it shows. Null = quality-based (Crf).
    public int? ConstantBitrate { get; init; }
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
    private readonly FfmpegProcess _ffmpeg;
    private readonly Stream _stdin;
    private byte[]? _frameBuffer;

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
        (Width, Height, Fps) = (width, height, fps);
        string[] input =
        [
            "-f", "rawvideo", "-pix_fmt", "bgr24", "-s", $"{Width}x{Height}",
            "-r", Fps.ToString("R", CultureInfo.InvariantCulture), "-i", "-",
        ];
        _ffmpeg = FfmpegProcess.Start(options, OutputPath, input, [], pipeInput: true);
        _stdin = _ffmpeg.StandardInput;
    }

    // Packed BGR frame, Width * Height * 3 bytes.
    public void Write(ReadOnlySpan<byte> bgr)
    {
        ObjectDisposedException.ThrowIf(_ffmpeg.Finished, this);
        int expected = Width * Height * 3;
        if (bgr.Length != expected) throw new ArgumentException($"Expected {expected} bytes ({Width}x{Height} BGR), got {bgr.Length}", nameof(bgr));
        try
        {
            _stdin.Write(bgr);
        }
        catch (IOException ex)
        {
            // ffmpeg closed its input: it failed; report why.
            throw _ffmpeg.Fail($"ffmpeg stopped accepting frames after {FramesWritten} frame(s)", ex);
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
        ObjectDisposedException.ThrowIf(_ffmpeg.Finished, this);
        if (FramesWritten == 0)
        {
            _ffmpeg.Abort(killNow: true);
            throw new InvalidOperationException("No frames were written; refusing to produce an empty video");
        }
        try
        {
            _stdin.Close();
        }
        catch (IOException ex)
        {
            throw _ffmpeg.Fail("ffmpeg failed while finishing the encode", ex);
        }
        _ffmpeg.WaitForExit(); // also drains stderr
        _ffmpeg.Complete();
    }

    public void Dispose() => _ffmpeg.Abort(killNow: true);
}

/// <summary>One ffmpeg run that writes a browser-playable H.264 MP4 (libx264, yuv420p, moov atom first) to a hidden
/// temp file beside the target and moves it into place only when ffmpeg succeeded: the encoding arguments, the
/// process, its captured error output and the clean-up that <see cref="FfmpegVideoWriter"/> (frames piped in) and
/// <see cref="FfmpegTranscoder"/> (a file in) share.</summary>
internal sealed class FfmpegProcess
{
    private const int MaxStderrChars = 32 * 1024;

    private readonly Process _process;
    private readonly StringBuilder _stderr = new();
    private readonly string _tempPath;
    private readonly string _outputPath;

    public bool Finished { get; private set; }

    public Stream StandardInput => _process.StandardInput.BaseStream;

    private FfmpegProcess(Process process, string outputPath, string tempPath)
    {
        (_process, _outputPath, _tempPath) = (process, outputPath, tempPath);
    }

    /// <summary>Starts ffmpeg: <paramref name="input"/> (the input options and -i), then <paramref name="filters"/>
    /// (mapping, filters, metadata), then the H.264 MP4 output into the temp file (or, with <paramref name="output"/>,
    /// those output options before the temp file).</summary>
    public static FfmpegProcess Start(FfmpegEncodeOptions options, string outputPath, IEnumerable<string> input, IEnumerable<string> filters, bool pipeInput,
        IEnumerable<string>? output = null)
    {
        string dir = Path.GetDirectoryName(outputPath)!;
        if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"Output directory does not exist: '{dir}'");
        string tempPath = Path.Combine(dir, $".{Path.GetFileName(outputPath)}.{Guid.NewGuid():N}.partial");

        var psi = new ProcessStartInfo(options.FfmpegPath)
        {
            UseShellExecute = false,
            RedirectStandardInput = pipeInput,
            RedirectStandardError = true,
        };
        foreach (string arg in new[] { "-hide_banner", "-nostats", "-nostdin", "-loglevel", "error", "-y" }.Where(a => !pipeInput || a != "-nostdin"))
            psi.ArgumentList.Add(arg);
        foreach (string arg in input) psi.ArgumentList.Add(arg);
        foreach (string arg in filters) psi.ArgumentList.Add(arg);
        foreach (string arg in output is null ? H264Output(options, tempPath) : [.. output, tempPath]) psi.ArgumentList.Add(arg);

        var process = new Process { StartInfo = psi };
        var run = new FfmpegProcess(process, outputPath, tempPath);
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (run._stderr)
            {
                if (run._stderr.Length < MaxStderrChars) run._stderr.AppendLine(e.Data);
            }
        };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            process.Dispose();
            throw new FfmpegException($"Could not start '{options.FfmpegPath}': is ffmpeg installed and on PATH?", inner: ex);
        }
        process.BeginErrorReadLine();
        return run;
    }

    private static IEnumerable<string> H264Output(FfmpegEncodeOptions options, string tempPath)
    {
        yield return "-c:v"; yield return "libx264";
        yield return "-pix_fmt"; yield return "yuv420p";
        if (options.Crf is int crf) { yield return "-crf"; yield return crf.ToString(CultureInfo.InvariantCulture); }
        if (options.Preset is string preset) { yield return "-preset"; yield return preset; }
        if (options.ConstantBitrate is int bitrate)
        {
            var rate = bitrate.ToString(CultureInfo.InvariantCulture);
            foreach (string a in new[] { "-b:v", rate, "-minrate", rate, "-maxrate", rate, "-bufsize", rate, "-x264-params", "nal-hrd=cbr" }) yield return a;
        }
        // The temp name has no .mp4 extension, so name the muxer explicitly.
        foreach (string a in new[] { "-movflags", "+faststart", "-f", "mp4", tempPath }) yield return a;
    }

    /// <summary>Waits for ffmpeg to exit (draining its error output).</summary>
    public void WaitForExit() => _process.WaitForExit();

    /// <summary>Waits for ffmpeg to exit; a cancel kills it (and deletes its temp file) and throws.</summary>
    public async Task WaitForExitAsync(CancellationToken ct)
    {
        try
        {
            await _process.WaitForExitAsync(ct);
        }
        catch (OperationCanceledException)
        {
            Abort(killNow: true);
            throw;
        }
    }

    /// <summary>After ffmpeg exited: checks that it succeeded and moves the file into place (or throws, leaving none).</summary>
    public void Complete()
    {
        int exitCode = _process.ExitCode;
        if (exitCode != 0) throw Fail($"ffmpeg exited with code {exitCode}", null);
        if (!File.Exists(_tempPath) || new FileInfo(_tempPath).Length == 0) throw Fail("ffmpeg produced no output", null);
        File.Move(_tempPath, _outputPath, overwrite: true);
        Finished = true;
        _process.Dispose();
    }

    public FfmpegException Fail(string message, Exception? inner)
    {
        int? exitCode = Abort(killNow: false);
        string stderr;
        lock (_stderr) stderr = _stderr.ToString();
        return new FfmpegException($"Encoding '{_outputPath}' failed: {message}", exitCode, stderr, inner);
    }

    // Stops ffmpeg, removes the temp file, returns ffmpeg's exit code. killNow = false gives an ffmpeg that is
    // already failing a moment to exit by itself, so its own exit code and message are kept.
    public int? Abort(bool killNow)
    {
        lock (_stderr)
        {
            if (Finished) return null;
            Finished = true;
        }
        int? exitCode = null;
        try
        {
            if (killNow || !_process.WaitForExit(TimeSpan.FromSeconds(2)))
            {
                try { _process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } // already gone
            }
            if (_process.StartInfo.RedirectStandardInput)
            {
                try { _process.StandardInput.Close(); } catch (IOException) { }
            }
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
}
