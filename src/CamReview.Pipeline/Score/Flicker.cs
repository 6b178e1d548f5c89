using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using CamReview.Vision;

namespace CamReview.Pipeline.Score;

/// <summary>
/// VBench temporal flickering of a clip (<c>flicker</c> in the JSON): <c>(255 - mean_i MAD_i) / 255</c>, where
/// MAD_i is the mean absolute difference between decoded frames i and i+1 over ALL pixels and ALL THREE colour
/// channels, 8-bit, at the decoded resolution (VBench: <c>np.mean(cv2.absdiff(f1, f2))</c> on the colour frames;
/// the channel order does not matter for the mean). Every consecutive pair of the clip is used. 1 = no change at
/// all between frames; higher is steadier.
/// </summary>
/// <param name="Value">The score, or null when not computable (see <paramref name="Reason"/>).</param>
/// <param name="Reason">Why <paramref name="Value"/> is null; null otherwise.</param>
/// <param name="MeanAbsDiff">Mean over pairs of MAD_i, 0..255.</param>
/// <param name="Pairs">Consecutive pairs measured.</param>
/// <param name="Pixels">What was compared: <c>bgr8-all-channels</c> at the decoded size.</param>
/// <param name="PerPair">MAD_i of every pair (gray levels), in order.</param>
public sealed record FlickerResult(
    double? Value,
    string? Reason,
    double? MeanAbsDiff,
    int Pairs,
    string Pixels,
    IReadOnlyList<double> PerPair)
{
    public const string PixelsCompared = "bgr8-all-channels";

    public static FlickerResult NotComputed(string reason) => new(null, reason, null, 0, PixelsCompared, []);
}

/// <summary>Streaming flicker: feed the frames in order, read <see cref="Result"/> at the end. Not thread-safe.</summary>
public sealed class FlickerMeter
{
    private byte[] _previous = [];
    private byte[] _current = [];
    private int _width, _height, _channels;
    private readonly List<double> _perPair = [];
    private string? _problem;

    public int Frames { get; private set; }

    /// <summary>Adds the next frame (8-bit BGR, or gray — gray frames are compared as they are).</summary>
    public void Add(Image frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        if (_problem is not null) { Frames++; return; }
        if (Frames > 0 && (frame.Width != _width || frame.Height != _height || frame.Channels != _channels))
        {
            _problem = $"frame size changed at frame {Frames} ({_width}x{_height}x{_channels} -> {frame.Width}x{frame.Height}x{frame.Channels})";
            Frames++;
            return;
        }
        (_width, _height, _channels) = (frame.Width, frame.Height, frame.Channels);
        if (_current.Length != frame.ByteCount) (_current, _previous) = (new byte[frame.ByteCount], new byte[frame.ByteCount]);
        frame.CopyTo(_current);
        if (Frames > 0) _perPair.Add(MeanAbsDiff(_previous, _current));
        (_previous, _current) = (_current, _previous);
        Frames++;
    }

    public FlickerResult Result()
    {
        if (_problem is not null) return FlickerResult.NotComputed(_problem);
        if (_perPair.Count == 0) return FlickerResult.NotComputed($"needs at least 2 frames, the clip has {Frames}");
        double mad = _perPair.Average();
        return new FlickerResult(Score(mad), null, mad, _perPair.Count, FlickerResult.PixelsCompared, _perPair.ToArray());
    }

    /// <summary><c>(255 - meanAbsDiff) / 255</c>.</summary>
    public static double Score(double meanAbsDiff) => (255 - meanAbsDiff) / 255;

    /// <summary>Mean of |a[i] - b[i]| over all bytes (0..255).</summary>
    public static double MeanAbsDiff(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b)
    {
        if (a.Length != b.Length) throw new ArgumentException($"buffers differ in length: {a.Length} vs {b.Length}");
        if (a.Length == 0) throw new ArgumentException("empty buffers");
        ulong sum = 0;
        int i = 0;
        if (Sse2.IsSupported)
        {
            for (; i + 16 <= a.Length; i += 16)
            {
                var sad = Sse2.SumAbsoluteDifferences(Vector128.Create(a.Slice(i, 16)), Vector128.Create(b.Slice(i, 16))).AsUInt64();
                sum += sad.GetElement(0) + sad.GetElement(1);
            }
        }
        for (; i < a.Length; i++) sum += (ulong)Math.Abs(a[i] - b[i]);
        return (double)sum / a.Length;
    }
}
