using System.Numerics;
using OpenCvSharp;
using OpenCvSharp.Features2D;

namespace CamReview.Vision;

public enum FeatureKind { Orb = 0, Sift = 1 }

// Keypoint detector + descriptor. Holds only settings (a native detector is created per call), so one instance
// can be shared by parallel workers.
public sealed class FeatureExtractor
{
    public FeatureExtractor(FeatureKind kind = FeatureKind.Orb, int maxFeatures = 2000)
    {
        if (!Enum.IsDefined(kind)) throw new ArgumentOutOfRangeException(nameof(kind));
        // SIFT accepts 0 = unlimited; ORB needs a positive budget.
        if (maxFeatures < 0 || (kind == FeatureKind.Orb && maxFeatures == 0))
            throw new ArgumentOutOfRangeException(nameof(maxFeatures), "ORB needs maxFeatures > 0 (SIFT accepts 0 = unlimited)");
        Kind = kind;
        MaxFeatures = maxFeatures;
    }

    public FeatureKind Kind { get; }
    public int MaxFeatures { get; }

    // Compute once per frame, then match against both neighbours.
    public Features Detect(Image image)
    {
        ArgumentNullException.ThrowIfNull(image);
        Mat img = image.Live;
        var descriptors = new Mat();
        try
        {
            KeyPoint[] keypoints = [];
            OpenCv.Run($"Could not detect {Kind} features", () =>
            {
                // OpenCV's defaults apart from the budget, as cv::ORB::create / cv::SIFT::create(maxFeatures).
                using Feature2D detector = Kind == FeatureKind.Orb ? ORB.Create(MaxFeatures) : SIFT.Create(MaxFeatures);
                detector.DetectAndCompute(img, null, out keypoints, descriptors);
            });
            GC.KeepAlive(image);
            return new Features(Kind, keypoints, descriptors);
        }
        catch
        {
            descriptors.Dispose();
            throw;
        }
    }
}

// Keypoints of one image: positions copied to managed memory; descriptors kept natively (SIFT is matched by
// OpenCV), ORB's 32-byte descriptors also copied to managed memory for the managed Hamming matcher.
// Immutable; may be matched from several threads at once.
public sealed unsafe class Features : IDisposable
{
    // Takes ownership of descriptors (also on failure).
    internal Features(FeatureKind kind, KeyPoint[] keypoints, Mat descriptors)
    {
        try
        {
            var points = new Vector2[keypoints.Length];
            for (int i = 0; i < points.Length; i++) points[i] = new Vector2(keypoints[i].Pt.X, keypoints[i].Pt.Y);
            _points = points;
            if (descriptors.Rows != 0 && descriptors.Rows != points.Length)
                throw new VisionException($"OpenCV returned {descriptors.Rows} descriptors for {points.Length} keypoints");
            if (kind == FeatureKind.Orb) _orbDescriptors = CopyOrbDescriptors(descriptors);
        }
        catch
        {
            descriptors.Dispose();
            throw;
        }
        Kind = kind;
        _descriptors = new Owned<Mat>(descriptors);
    }

    // ORB descriptors are 32 bytes = 4 ulongs per keypoint; matched in managed code (see FeatureMatcher).
    private static ulong[] CopyOrbDescriptors(Mat d)
    {
        if (d.Rows == 0) return [];
        if (d.Cols != 32 || d.Type() != MatType.CV_8UC1) throw new VisionException($"Unexpected ORB descriptor shape {d.Rows}x{d.Cols} (type {d.Type()})");
        var words = new ulong[d.Rows * 4];
        fixed (ulong* p = words) OpenCv.CopyBytes(d, new Span<byte>(p, words.Length * 8));
        return words;
    }

    private readonly ulong[]? _orbDescriptors;

    internal ReadOnlySpan<ulong> OrbDescriptors => _orbDescriptors ?? throw new InvalidOperationException("Not ORB features");

    private readonly Vector2[] _points;

    private readonly Owned<Mat> _descriptors;

    internal bool IsDisposed => _descriptors.IsDisposed;

    public FeatureKind Kind { get; }

    // Keypoint positions in pixels of the full-resolution image.
    public ReadOnlySpan<Vector2> Points => _points;

    public int Count => _points.Length;

    // The descriptor matrix (one row per keypoint; empty when there are none). Callers keep `this` reachable.
    internal Mat Descriptors
    {
        get
        {
            ObjectDisposedException.ThrowIf(_descriptors.IsDisposed, this);
            return _descriptors.Value;
        }
    }

    public void Dispose() => _descriptors.Dispose();
}

// Correspondences between two feature sets: Source[i] (in a) matches Destination[i] (in b).
public sealed record FeatureMatches(Vector2[] Source, Vector2[] Destination, int[] SourceIndices, int[] DestinationIndices)
{
    public int Count => Source.Length;
}

public static class FeatureMatcher
{
    // Brute force k = 2 nearest neighbours, kept when best < ratio * second best (Lowe's ratio test).
    // ORB (Hamming): matched here in C# with hardware popcount — about 6x faster than OpenCV 4.13's BFMatcher
    // (best of 9 on 2 cores: ~5 ms vs ~31 ms for 2000 x 2000, same matches). SIFT (L2): OpenCV's BFMatcher (the
    // Pipeline's SIMD FloatDescriptorMatcher is faster still and is what the analysis uses).
    public static FeatureMatches Match(Features a, Features b, double ratio = 0.75)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Kind != b.Kind) throw new ArgumentException($"Cannot match {a.Kind} features against {b.Kind} features");
        if (ratio is <= 0 or > 1) throw new ArgumentOutOfRangeException(nameof(ratio), "Ratio must be in (0, 1]");
        ObjectDisposedException.ThrowIf(a.IsDisposed, a);
        ObjectDisposedException.ThrowIf(b.IsDisposed, b);

        var query = new int[a.Count];
        var train = new int[a.Count];
        int count = a.Kind == FeatureKind.Orb
            ? MatchHamming(a.OrbDescriptors, b.OrbDescriptors, ratio, query, train)
            : MatchNative(a, b, ratio, query, train);
        return Build(a, b, query, train, count);
    }

    // OpenCV's BFMatcher for either kind: the reference the managed ORB path is tested against.
    internal static FeatureMatches MatchWithOpenCv(Features a, Features b, double ratio = 0.75)
    {
        var query = new int[a.Count];
        var train = new int[a.Count];
        int count = MatchNative(a, b, ratio, query, train);
        return Build(a, b, query, train, count);
    }

    private static int MatchNative(Features a, Features b, double ratio, int[] query, int[] train)
    {
        if (a.Kind != b.Kind) throw new ArgumentException($"Cannot match {a.Kind} features against {b.Kind} features");
        Mat da = a.Descriptors, db = b.Descriptors;
        if (da.Empty() || db.Empty()) return 0;
        int n = 0;
        OpenCv.Run("Could not match features", () =>
        {
            using var matcher = new BFMatcher(a.Kind == FeatureKind.Orb ? NormTypes.Hamming : NormTypes.L2, crossCheck: false);
            foreach (DMatch[] m in matcher.KnnMatch(da, db, 2))
            {
                if (m.Length < 2 || !(m[0].Distance < ratio * m[1].Distance)) continue;
                query[n] = m[0].QueryIdx;
                train[n] = m[0].TrainIdx;
                n++;
            }
        });
        GC.KeepAlive(a);
        GC.KeepAlive(b);
        return n;
    }

    // Same semantics as cv::BFMatcher(NORM_HAMMING).knnMatch(k = 2) + ratio test, ties included.
    // Pointers rather than spans: the inner loop runs count(a) * count(b) times and bounds checks cost ~3x.
    private static unsafe int MatchHamming(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, double ratio, int[] query, int[] train)
    {
        int na = a.Length / 4, nb = b.Length / 4, n = 0;
        if (nb < 2) return 0;
        fixed (ulong* pa = a, pb = b)
        {
            for (int i = 0; i < na; i++)
            {
                ulong a0 = pa[4 * i], a1 = pa[4 * i + 1], a2 = pa[4 * i + 2], a3 = pa[4 * i + 3];
                int best = int.MaxValue, second = int.MaxValue, bestJ = -1;
                ulong* d0 = pb;
                for (int j = 0; j < nb; j++, d0 += 4)
                {
                    int d = BitOperations.PopCount(a0 ^ d0[0]) + BitOperations.PopCount(a1 ^ d0[1])
                          + BitOperations.PopCount(a2 ^ d0[2]) + BitOperations.PopCount(a3 ^ d0[3]);
                    if (d < second)
                    {
                        if (d < best) { second = best; best = d; bestJ = j; }
                        else second = d;
                    }
                }
                if (best < ratio * second)
                {
                    query[n] = i;
                    train[n] = bestJ;
                    n++;
                }
            }
        }
        return n;
    }

    private static FeatureMatches Build(Features a, Features b, int[] query, int[] train, int count)
    {
        var src = new Vector2[count];
        var dst = new Vector2[count];
        ReadOnlySpan<Vector2> pa = a.Points, pb = b.Points;
        for (int i = 0; i < count; i++)
        {
            src[i] = pa[query[i]];
            dst[i] = pb[train[i]];
        }
        return new FeatureMatches(src, dst, query[..count], train[..count]);
    }
}
