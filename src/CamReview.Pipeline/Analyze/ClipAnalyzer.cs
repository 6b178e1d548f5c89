using System.Buffers;
using System.Collections.Concurrent;
using System.Diagnostics;
using CamReview.Core;
using CamReview.Vision;

namespace CamReview.Pipeline.Analyze;

/// <summary>Progress of one clip analysis.</summary>
public readonly record struct AnalysisProgress(int FramesDecoded, int PairsDone);

/// <summary>
/// Per-pair camera motion of a clip (frame-to-frame homographies, flags, motion class) and the homography
/// between two images.
/// <para>How a clip is processed:</para>
/// <list type="number">
/// <item>Frames are decoded once, sequentially, on the calling thread (with <see cref="AnalysisOptions.Frames"/>,
/// a counting pass comes first so the uniform sample is known; unsampled frames are skipped, not converted).</item>
/// <item>Each decoded frame goes through a bounded queue to worker threads (one per core): grayscale, shrink to
/// the analysis size (longest side <see cref="AnalysisOptions.MaxSide"/>, see <see cref="MediaInput.ShrinkInterpolation"/>), appearance
/// signature (<see cref="FrameSignature"/>), then ORB/SIFT features — ONCE per frame.</item>
/// <item>As soon as both frames of a pair have features, the worker that completed the second one matches the
/// pair (2-NN + ratio test) and fits the homography (MAGSAC++ by default), then applies
/// <see cref="PairReliability"/>. A frame's features are released as soon as both of its pairs are done, so
/// memory stays bounded (a few frames in flight) whatever the clip length; the full-resolution frame is
/// released right after it is shrunk.</item>
/// <item>With the camera path on, each analysis-size gray frame also goes, in frame order, to the feature tracker
/// (<see cref="PointTrackBuilder"/>, which keeps only its anchor frames); once every frame is in,
/// <see cref="CameraPathEstimator"/> poses the clip from the tracks and gives every pair its camera motion.</item>
/// <item>Pixel homographies are converted from the analysis size to the original resolution
/// (<see cref="MediaInput.PixelScale"/>), checked with <see cref="HomographyCheck"/>, normalized, and
/// summarized (<see cref="MotionSummary"/>, <see cref="MotionClassifier"/>).</item>
/// </list>
/// Results do not depend on the number of threads (OpenCV's robust fits use fixed seeds).
/// An instance holds only settings and may be used from several threads.
/// </summary>
public sealed class ClipAnalyzer
{
    /// <summary>Bumped whenever a change here (thresholds, method details) changes results; part of the cache key.</summary>
    public const int AlgorithmVersion = 5; // 2: camera path (essential matrix, parallax numbers) per pair; 3: its matches tracked to sub-pixel accuracy; 4: camera path from tracks, keyframes, GRIC and bundle adjustment; 5: frame timestamps, scores on the reference's time base with intervals

    private readonly FeatureExtractor _extractor;

    public ClipAnalyzer(AnalysisOptions? options = null)
    {
        Options = options ?? AnalysisOptions.Default;
        Options.Validate();
        _extractor = new FeatureExtractor(Options.Features, Options.MaxFeatures);
    }

    public AnalysisOptions Options { get; }

    private int Workers => Options.MaxDegreeOfParallelism ?? Environment.ProcessorCount;

    /// <summary>
    /// Analyses a video file. Throws <see cref="MediaInputException"/> for a missing, unreadable, still-image,
    /// too-short (&lt; 2 frames) or truncated input (see <see cref="MediaInput"/>).
    /// </summary>
    public ClipAnalysis Analyze(string videoPath, IProgress<AnalysisProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(videoPath);
        var clock = Stopwatch.StartNew();
        var warnings = new List<string>();
        int[]? sample = null;
        int? countedFrames = null;
        if (Options.Frames is int wanted)
        {
            (int count, double reported) = MediaInput.CountFramesWithClaim(videoPath);
            if (MediaInput.CheckDecodedCount(videoPath, count, reported, Options.AllowTruncated) is { } w) warnings.Add(w);
            countedFrames = count;
            if (wanted < count) sample = UniformSampling.Indices(count, wanted);
            else if (wanted > count) warnings.Add($"--frames {wanted} exceeds the {count} frames that decode; every frame was analysed");
        }

        using VideoReader reader = MediaInput.OpenVideo(videoPath);
        var run = new ClipRun(this, videoPath, sample, progress);
        run.Execute(reader, cancellationToken);

        int decoded = countedFrames ?? run.FramesRead;
        if (countedFrames is null && MediaInput.CheckDecodedCount(videoPath, decoded, reader.ReportedFrameCount, Options.AllowTruncated) is { } warning)
            warnings.Add(warning);
        if (sample is not null && run.Analysed.Count != sample.Length)
            throw new MediaInputException(videoPath, MediaProblem.NotMedia,
                $"'{videoPath}': the second decoding pass ended after {run.FramesRead} frames, the first counted {decoded}");

        var pairs = run.Pairs;
        CameraPathEstimator.Result? path = null;
        if (Options.CameraPath && run.Width > 0)
        {
            long start = Stopwatch.GetTimestamp();
            path = CameraPathEstimator.Estimate(run.Tracks, Options.ResolveIntrinsics(run.AnalysisWidth, run.AnalysisHeight, run.Width),
                pairs.Select(p => p.Ok ? null : p.Reason ?? "flagged").ToArray(), run.AnalysisWidth, run.AnalysisHeight);
            run.AddCameraPathTime(Stopwatch.GetTimestamp() - start);
            pairs = pairs.Select((p, i) => p.WithCameraMotion(path.Pairs[i])).ToArray();
        }
        var homographies = pairs.Select(p => p.Ok && p.H is { } h
            ? PairHomography.Valid(h, run.Width, run.Height)
            : PairHomography.Flagged(p.Reason ?? "flagged", run.Width, run.Height)).ToArray();
        var motion = MotionReport.From(MotionSummary.Summarize(homographies), MotionClassifier.Classify(homographies));
        progress?.Report(new AnalysisProgress(run.FramesRead, pairs.Count));
        return new ClipAnalysis
        {
            Source = new ClipSource(videoPath, run.Width, run.Height, reader.Fps, decoded, reader.ReportedFrameCount,
                run.Analysed, run.AnalysisWidth, run.AnalysisHeight, warnings) { FrameTimesMs = run.AnalysedTimesMs },
            Settings = Options,
            Pairs = pairs,
            Motion = motion,
            CameraPath = path is null ? null
                : ClipCameraPath.From(pairs, path.Poses, path.Keyframes, path.Intervals, run.Analysed, Options.ResolveIntrinsics(run.Width, run.Height, run.Width),
                    Options.FocalLengthPixels is not null || Options.HorizontalFovDegrees is not null, run.Width, run.CameraPathMs),
            ElapsedMs = clock.Elapsed.TotalMilliseconds,
        };
    }

    /// <summary>
    /// The homography mapping pixels of image A into image B (original resolutions, which may differ; OpenCV
    /// pixel convention; H[2,2] = 1), fitted at the analysis size with the same features, matcher, robust fit and
    /// support rule (<see cref="PairReliability.HasSupport"/>) as clip pairs, then converted:
    /// H = S_B(analysis-&gt;original) H_analysis S_A(original-&gt;analysis). Instead of <see cref="HomographyCheck"/>
    /// (meant for consecutive frames) the result must keep A's corners in front (w &gt; 0) and map them to a
    /// convex quadrilateral of the same orientation. When unreliable, H is null with a reason.
    /// </summary>
    public ImageHomography HomographyBetween(string imageA, string imageB, bool refine = true)
    {
        using Image a = MediaInput.LoadImage(imageA);
        using Image b = MediaInput.LoadImage(imageB);
        return HomographyBetween(a, b, refine);
    }

    /// <inheritdoc cref="HomographyBetween(string, string, bool)"/>
    public ImageHomography HomographyBetween(Image a, Image b, bool refine = true)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var (aw, ah) = MediaInput.AnalysisSize(a.Width, a.Height, Options.MaxSide);
        var (bw, bh) = MediaInput.AnalysisSize(b.Width, b.Height, Options.MaxSide);
        FrameFeatures? fa = null, fb = null;
        try
        {
            // The two detections are independent: B's runs on the pool while A's runs here.
            var detectB = Task.Run(() => DetectAtAnalysisSize(b, bw, bh));
            try
            {
                fa = DetectAtAnalysisSize(a, aw, ah);
            }
            finally
            {
                // Always wait for B (it owns native memory); when A failed too, A's error is the one reported.
                try { fb = detectB.GetAwaiter().GetResult(); }
                catch when (fa is null) { }
            }
            if (fa is null || fb is null) throw new InvalidOperationException("feature detection did not run");
            var fit = FitOutcome.Run(fa, fb, Options);
            ImageHomography Fail(string why) => new(null, fit.Inliers, fit.Matches, false, why, a.Width, a.Height, b.Width, b.Height, null);
            if (fit.Homography is not { } hs || !PairReliability.HasSupport(fit.Inliers, fit.Matches))
                return Fail(fit.Matches < 4
                    ? $"no homography: only {fit.Matches} matches"
                    : $"no reliable homography: {fit.Inliers} inliers of {fit.Matches} matches (need {PairReliability.MinInliers} and {PairReliability.MinInlierRatio:P0})");
            var full = MediaInput.PixelScale(bw, bh, b.Width, b.Height) * hs * MediaInput.PixelScale(a.Width, a.Height, aw, ah);
            if (!full.TryScaleToUnitCorner(out var h)) return Fail("degenerate fit: h22 ~ 0");
            if (CheckImagePair(h, a.Width, a.Height) is { } bad) return Fail("degenerate fit: " + bad);
            var refined = refine ? RefineAtFullSize(a, b, h) : null;
            return new ImageHomography(refined?.H ?? h, fit.Inliers, fit.Matches, true, null, a.Width, a.Height, b.Width, b.Height, refined);
        }
        finally
        {
            fa?.Dispose();
            fb?.Dispose();
        }
    }

    /// <summary>The full-size refinement of a two-still fit, or null when it did not hold (the fit is kept).</summary>
    private static RefinedHomography? RefineAtFullSize(Image a, Image b, Mat3 h)
    {
        using Image grayA = a.ToGray();
        using Image grayB = b.ToGray();
        if (HomographyRefinement.Refine(grayA, grayB, h) is not { } refined
            || !refined.H.TryScaleToUnitCorner(out var scaled)
            || CheckImagePair(scaled, a.Width, a.Height) is not null) return null;
        return refined with { H = scaled };
    }

    private FrameFeatures DetectAtAnalysisSize(Image image, int width, int height)
    {
        using Image gray = image.ToGray();
        if (gray.Width == width && gray.Height == height) return FrameFeatures.Detect(_extractor, gray);
        using Image small = gray.Resize(width, height, MediaInput.ShrinkInterpolation);
        return FrameFeatures.Detect(_extractor, small);
    }

    /// <summary>Null when H keeps image A's corners in front and maps them to a convex, same-orientation quad; else why not.</summary>
    private static string? CheckImagePair(Mat3 h, int width, int height)
    {
        if (!h.IsFinite) return "non-finite entries";
        Span<Point2> src = [new(0, 0), new(width - 1, 0), new(width - 1, height - 1), new(0, height - 1)];
        Span<Point2> dst = stackalloc Point2[4];
        for (int i = 0; i < 4; i++)
        {
            if (h.HomogeneousW(src[i].X, src[i].Y) <= 0) return "a corner of image A maps through infinity";
            dst[i] = h.Transform(src[i]);
        }
        for (int i = 0; i < 4; i++)
        {
            Point2 p = dst[i], q = dst[(i + 1) % 4], r = dst[(i + 2) % 4];
            double cross = (q.X - p.X) * (r.Y - q.Y) - (q.Y - p.Y) * (r.X - q.X);
            if (!(cross > 0)) return "image A's corners map to a flipped, collapsed or non-convex quadrilateral";
        }
        return null;
    }

    /// <summary>One clip's decode/feature/fit pipeline (see the type's remarks).</summary>
    private sealed class ClipRun(ClipAnalyzer owner, string path, int[]? sample, IProgress<AnalysisProgress>? progress)
    {
        private sealed class Slot(int frame, FrameSignature signature, FrameFeatures? features)
        {
            public int Frame { get; } = frame;
            public FrameSignature Signature { get; } = signature;
            public FrameFeatures? Features { get; private set; } = features;
            public int PendingPairs;

            public void Release()
            {
                Features?.Dispose();
                Features = null;
            }
        }

        // The camera path's tracks need the frames in order while workers finish them in any order: finished
        // analysis-size frames wait here until the next one in order arrives, and one worker at a time tracks them.
        private readonly PointTrackBuilder? _tracker = owner.Options.CameraPath ? new PointTrackBuilder() : null;
        private readonly Dictionary<int, Image> _waitingForTracking = [];
        private readonly object _trackingTurn = new();
        private int _nextToTrack;

        /// <summary>Tracks of every analysed frame (camera path only; empty otherwise).</summary>
        public IReadOnlyList<FrameTracks> Tracks => _tracker?.Frames ?? [];

        public void AddCameraPathTime(long ticks) => Interlocked.Add(ref _cameraPathTicks, ticks);

        private void Track(int k, Image gray)
        {
            lock (_waitingForTracking) _waitingForTracking[k] = gray;
            // Whoever holds the turn tracks everything that is ready; the others go on with their work.
            while (Monitor.TryEnter(_trackingTurn))
            {
                try
                {
                    while (true)
                    {
                        Image? next;
                        lock (_waitingForTracking)
                        {
                            if (!_waitingForTracking.Remove(_nextToTrack, out next)) break;
                        }
                        long start = Stopwatch.GetTimestamp();
                        _tracker!.Add(next);
                        AddCameraPathTime(Stopwatch.GetTimestamp() - start);
                        _nextToTrack++;
                    }
                }
                finally
                {
                    Monitor.Exit(_trackingTurn);
                }
                // A frame may have arrived after the last look and before the turn was given up.
                lock (_waitingForTracking)
                {
                    if (!_waitingForTracking.ContainsKey(_nextToTrack)) break;
                }
            }
        }

        private readonly object _gate = new();
        private readonly List<Slot?> _slots = [];
        private readonly Dictionary<int, int> _pairReadiness = [];
        private readonly ConcurrentDictionary<int, PairAnalysis> _pairs = new();
        private int _pairsDone;
        private long _cameraPathTicks;

        /// <summary>Time spent estimating camera paths, summed over workers (ms).</summary>
        public double CameraPathMs => Interlocked.Read(ref _cameraPathTicks) * 1000.0 / Stopwatch.Frequency;

        public int Width { get; private set; }
        public int Height { get; private set; }
        public int AnalysisWidth { get; private set; }
        public int AnalysisHeight { get; private set; }
        public int FramesRead { get; private set; }
        public List<int> Analysed { get; } = [];

        /// <summary>Container timestamp of every analysed frame, milliseconds (CAP_PROP_POS_MSEC after reading it).</summary>
        public List<double> AnalysedTimesMs { get; } = [];

        public IReadOnlyList<PairAnalysis> Pairs
        {
            get
            {
                var result = new PairAnalysis[Math.Max(0, Analysed.Count - 1)];
                for (int k = 0; k < result.Length; k++)
                    result[k] = _pairs.TryGetValue(k, out var p) ? p : throw new InvalidOperationException($"pair {k} was not analysed");
                return result;
            }
        }

        public void Execute(VideoReader reader, CancellationToken cancellationToken)
        {
            int workers = owner.Workers;
            using var queue = new BlockingCollection<(int K, int Frame, Image Bgr)>(boundedCapacity: 2 * workers);
            using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var failures = new ConcurrentQueue<Exception>();
            var tasks = new Task[workers];
            for (int i = 0; i < workers; i++)
                tasks[i] = Task.Factory.StartNew(() => Work(queue, cts, failures), CancellationToken.None,
                    TaskCreationOptions.LongRunning, TaskScheduler.Default);
            try
            {
                Produce(reader, queue, cts.Token);
            }
            catch (OperationCanceledException) when (cts.IsCancellationRequested)
            {
                // A worker failed (its exception is rethrown below) or the caller cancelled.
            }
            catch (Exception e)
            {
                failures.Enqueue(e);
                cts.Cancel();
            }
            finally
            {
                queue.CompleteAdding();
                Task.WaitAll(tasks);
                while (queue.TryTake(out var left)) left.Bgr.Dispose();
                lock (_gate)
                {
                    foreach (var slot in _slots) slot?.Release();
                }
                foreach (var left in _waitingForTracking.Values) left.Dispose();
                _waitingForTracking.Clear();
                _tracker?.Dispose();
            }
            if (!failures.IsEmpty)
            {
                var first = failures.ToArray()[0];
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(first).Throw();
            }
            cancellationToken.ThrowIfCancellationRequested();
        }

        private void Produce(VideoReader reader, BlockingCollection<(int K, int Frame, Image Bgr)> queue, CancellationToken token)
        {
            int frame = 0;
            while (true)
            {
                token.ThrowIfCancellationRequested();
                if (sample is not null)
                {
                    if (Analysed.Count == sample.Length) break;
                    if (frame < sample[Analysed.Count])
                    {
                        if (!Skip(reader)) break;
                        frame++;
                        continue;
                    }
                }
                if (!Read(reader, out Image? bgr)) break;
                try
                {
                    if (Analysed.Count == 0)
                    {
                        (Width, Height) = (bgr.Width, bgr.Height);
                        (AnalysisWidth, AnalysisHeight) = MediaInput.AnalysisSize(Width, Height, owner.Options.MaxSide);
                    }
                    else if (bgr.Width != Width || bgr.Height != Height)
                    {
                        throw new MediaInputException(path, MediaProblem.FrameSizeChanged,
                            $"'{path}': frame size changes from {Width}x{Height} to {bgr.Width}x{bgr.Height} at frame {frame}");
                    }
                    int k = Analysed.Count;
                    Analysed.Add(frame);
                    AnalysedTimesMs.Add(reader.PositionMs);
                    queue.Add((k, frame, bgr), token);
                    bgr = null; // the queue owns it now
                }
                finally
                {
                    bgr?.Dispose();
                }
                frame++;
                if (progress is not null && Analysed.Count % 10 == 0) progress.Report(new AnalysisProgress(FramesRead, Volatile.Read(ref _pairsDone)));
            }
        }

        private bool Skip(VideoReader reader) => Decode(reader, () => reader.Skip());

        private bool Read(VideoReader reader, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Image? frame)
        {
            Image? got = null;
            bool ok = Decode(reader, () => reader.Read(out got));
            frame = ok ? got! : null;
            return ok;
        }

        private bool Decode(VideoReader reader, Func<bool> step)
        {
            try
            {
                bool got = step();
                if (got) FramesRead++;
                return got;
            }
            catch (VisionException e)
            {
                throw new MediaInputException(path, MediaProblem.NotMedia, $"'{path}': decoding failed at frame {reader.FramesRead}", e);
            }
        }

        private void Work(BlockingCollection<(int K, int Frame, Image Bgr)> queue, CancellationTokenSource cts, ConcurrentQueue<Exception> failures)
        {
            Span<int> ready = stackalloc int[2];
            try
            {
                foreach (var (k, frame, bgr) in queue.GetConsumingEnumerable(cts.Token))
                {
                    Slot slot;
                    Image? gray;
                    try
                    {
                        (slot, gray) = Prepare(frame, bgr);
                    }
                    finally
                    {
                        bgr.Dispose();
                    }
                    if (gray is not null) Track(k, gray);
                    int nReady = 0;
                    lock (_gate)
                    {
                        while (_slots.Count <= k) _slots.Add(null);
                        _slots[k] = slot;
                        slot.PendingPairs = k == 0 ? 1 : 2; // the last frame's missing right pair is released in Execute
                        for (int j = k - 1; j <= k; j++)
                        {
                            if (j < 0) continue;
                            int n = _pairReadiness.GetValueOrDefault(j) + 1;
                            if (n == 2) { _pairReadiness.Remove(j); ready[nReady++] = j; }
                            else _pairReadiness[j] = n;
                        }
                    }
                    for (int i = 0; i < nReady; i++) RunPair(ready[i]);
                }
            }
            catch (OperationCanceledException) when (cts.IsCancellationRequested)
            {
            }
            catch (Exception e)
            {
                failures.Enqueue(e);
                cts.Cancel();
            }
        }

        /// <summary>The frame's slot, and its analysis-size grayscale image when the camera path needs it for tracking.</summary>
        private (Slot, Image?) Prepare(int frame, Image bgr)
        {
            int aw = AnalysisWidth, ah = AnalysisHeight;
            Image small = bgr.ToGray();
            if (small.Width != aw || small.Height != ah)
            {
                using Image gray = small;
                small = gray.Resize(aw, ah, MediaInput.ShrinkInterpolation);
            }
            bool keep = false;
            try
            {
                int n = aw * ah;
                byte[] buffer = ArrayPool<byte>.Shared.Rent(n);
                FrameSignature signature;
                try
                {
                    small.CopyTo(buffer.AsSpan(0, n));
                    signature = FrameSignature.Compute(buffer.AsSpan(0, n), aw, ah);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
                // A blank frame flags both its pairs without a fit: skip its features.
                FrameFeatures? features = PairReliability.IsBlank(signature) ? null : FrameFeatures.Detect(owner._extractor, small);
                keep = owner.Options.CameraPath;
                return (new Slot(frame, signature, features), keep ? small : null);
            }
            finally
            {
                if (!keep) small.Dispose();
            }
        }

        private void RunPair(int k)
        {
            Slot a, b;
            lock (_gate)
            {
                a = _slots[k]!;
                b = _slots[k + 1]!;
            }
            try
            {
                _pairs[k] = Estimate(k, a, b);
            }
            finally
            {
                lock (_gate)
                {
                    // Both pairs of a frame done: drop its features and signature (nothing reads the slot again).
                    if (--a.PendingPairs == 0) { a.Release(); _slots[k] = null; }
                    if (--b.PendingPairs == 0) { b.Release(); _slots[k + 1] = null; }
                }
                Interlocked.Increment(ref _pairsDone);
            }
        }

        private PairAnalysis Estimate(int k, Slot a, Slot b)
        {
            double hist = FrameSignature.HistogramDistance(a.Signature, b.Signature);
            double thumb = FrameSignature.ThumbnailDifference(a.Signature, b.Signature);
            PairAnalysis Flagged(PairFlag flag, string reason, int inliers, int matches) =>
                new PairAnalysis(k, a.Frame, b.Frame, false, flag, reason, null, null, inliers, matches, hist, thumb, null, null)
                    .WithCameraMotion(PairCameraMotion.Unusable("pair flagged: " + reason));

            if (PairReliability.BlankPair(a.Signature, a.Frame, b.Signature, b.Frame) is { } blank)
                return Flagged(blank.Flag, blank.Reason, 0, 0);

            var fit = FitOutcome.Run(a.Features!, b.Features!, owner.Options);
            if (fit.Homography is not { } hs || !PairReliability.HasSupport(fit.Inliers, fit.Matches))
            {
                var (flag, reason) = PairReliability.Unsupported(fit.Inliers, fit.Matches, hist, thumb);
                return Flagged(flag, reason, fit.Inliers, fit.Matches);
            }

            var full = MediaInput.PixelScale(AnalysisWidth, AnalysisHeight, Width, Height) * hs
                       * MediaInput.PixelScale(Width, Height, AnalysisWidth, AnalysisHeight);
            if (!full.TryScaleToUnitCorner(out var h))
                return Flagged(PairFlag.DegenerateFit, "degenerate fit: h22 ~ 0", fit.Inliers, fit.Matches);
            var verdict = HomographyCheck.Check(h, Width, Height);
            if (!verdict.Ok)
                return Flagged(PairFlag.DegenerateFit, "degenerate fit: " + verdict.Reason, fit.Inliers, fit.Matches);

            var hn = NormalizedCoordinates.Normalize(h, Width, Height);
            var motion = PairMotion.FromNormalized(hn);
            string cls = MotionClassifier.ClassifyPair(motion, Width, Height).ToLabel();
            var pair = new PairAnalysis(k, a.Frame, b.Frame, true, null, null, h, hn, fit.Inliers, fit.Matches, hist, thumb, motion, cls);
            // With the camera path on, the clip's tracks give every pair its camera motion once all frames are in.
            return owner.Options.CameraPath ? pair : pair.WithCameraMotion(PairCameraMotion.Unusable("camera path not computed (turned off)"));
        }
    }
}

/// <summary>
/// Result of <see cref="ClipAnalyzer.HomographyBetween(string, string, bool)"/>: <see cref="H"/> maps pixel coordinates
/// of image A into image B (original resolutions, H[2,2] = 1), or is null with a <see cref="Reason"/>.
/// <see cref="Refinement"/> says how the full-size refinement went when it ran and held (else H is the feature fit).
/// </summary>
public sealed record ImageHomography(
    Mat3? H,
    int Inliers,
    int Matches,
    bool Ok,
    string? Reason,
    int WidthA,
    int HeightA,
    int WidthB,
    int HeightB,
    RefinedHomography? Refinement);
