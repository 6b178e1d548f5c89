namespace CamReview.Pipeline.Analyze;

/// <summary>
/// Cheap appearance summary of one analysis-size grayscale frame, computed in one pass over its pixels (every
/// other row and column of large frames, see <see cref="SubsampleFromPixels"/>):
/// mean and standard deviation of the intensity (blank/black detection), a <see cref="HistogramBins"/>-bin
/// intensity histogram, and a <see cref="ThumbnailSize"/> x <see cref="ThumbnailSize"/> grid of block means
/// (a tiny thumbnail, independent of the aspect ratio). Two signatures compare with
/// <see cref="HistogramDistance"/> and <see cref="ThumbnailDifference"/> (shot-cut detection).
/// </summary>
public sealed class FrameSignature
{
    public const int HistogramBins = 32;
    public const int ThumbnailSize = 32;

    /// <summary>Images with at least this many pixels are sampled on every other row and column.</summary>
    public const int SubsampleFromPixels = 160_000;

    private readonly float[] _histogram;
    private readonly float[] _thumbnail;

    private FrameSignature(double mean, double stdDev, float[] histogram, float[] thumbnail)
    {
        Mean = mean;
        StdDev = stdDev;
        _histogram = histogram;
        _thumbnail = thumbnail;
    }

    /// <summary>Mean gray level, 0..255.</summary>
    public double Mean { get; }

    /// <summary>Standard deviation of the gray level, 0..127.5.</summary>
    public double StdDev { get; }

    /// <summary>Signature of a packed 8-bit grayscale image.</summary>
    public static FrameSignature Compute(ReadOnlySpan<byte> gray, int width, int height)
    {
        if (width <= 0 || height <= 0 || gray.Length < (long)width * height)
            throw new ArgumentException($"need {width}x{height} gray bytes, got {gray.Length}");
        Span<long> hist = stackalloc long[256];
        hist.Clear();
        var cellSum = new long[ThumbnailSize * ThumbnailSize];
        var cellCount = new int[ThumbnailSize * ThumbnailSize];
        // Every other pixel of every other row above ~400x400: the statistics do not need more, and it is 4x cheaper.
        int step = (long)width * height >= SubsampleFromPixels ? 2 : 1;
        Span<int> cellOfX = width <= 4096 ? stackalloc int[width] : new int[width];
        for (int x = 0; x < width; x++) cellOfX[x] = (int)((long)x * ThumbnailSize / width);
        long samples = 0;
        for (int y = 0; y < height; y += step)
        {
            int rowCell = (int)((long)y * ThumbnailSize / height) * ThumbnailSize;
            ReadOnlySpan<byte> row = gray.Slice(y * width, width);
            for (int x = 0; x < row.Length; x += step)
            {
                byte v = row[x];
                hist[v]++;
                int cell = rowCell + cellOfX[x];
                cellSum[cell] += v;
                cellCount[cell]++;
            }
            samples += (width + step - 1) / step;
        }
        double n = samples, total = 0, totalSq = 0;
        var bins = new float[HistogramBins];
        for (int v = 0; v < 256; v++)
        {
            total += (double)v * hist[v];
            totalSq += (double)v * v * hist[v];
            bins[v * HistogramBins / 256] += hist[v];
        }
        for (int b = 0; b < HistogramBins; b++) bins[b] = (float)(bins[b] / n);
        double mean = total / n;
        double variance = Math.Max(0, totalSq / n - mean * mean);
        var thumb = new float[cellSum.Length];
        for (int i = 0; i < thumb.Length; i++) thumb[i] = cellCount[i] > 0 ? (float)cellSum[i] / cellCount[i] : 0;
        return new FrameSignature(mean, Math.Sqrt(variance), bins, thumb);
    }

    /// <summary>Total-variation distance of the two normalized histograms: 0 (identical) .. 1 (disjoint).</summary>
    public static double HistogramDistance(FrameSignature a, FrameSignature b)
    {
        double d = 0;
        for (int i = 0; i < HistogramBins; i++) d += Math.Abs(a._histogram[i] - b._histogram[i]);
        return d / 2;
    }

    /// <summary>Mean absolute difference of the two thumbnails, in gray levels 0..255.</summary>
    public static double ThumbnailDifference(FrameSignature a, FrameSignature b)
    {
        double d = 0;
        for (int i = 0; i < a._thumbnail.Length; i++) d += Math.Abs(a._thumbnail[i] - b._thumbnail[i]);
        return d / a._thumbnail.Length;
    }
}
