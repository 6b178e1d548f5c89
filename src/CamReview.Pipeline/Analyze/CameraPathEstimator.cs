using System.Numerics;
using CamReview.Core;
using CamReview.Vision;

namespace CamReview.Pipeline.Analyze;

/// <summary>
/// The camera path of a whole clip from its feature tracks (<see cref="PointTrackBuilder"/>), estimated over wide
/// baselines rather than between consecutive frames. All pixel quantities are at the ANALYSIS size.
/// <para>The clip is cut into stretches at the pairs the homography analysis flagged (cuts, black frames); each
/// stretch is estimated on its own:</para>
/// <list type="number">
/// <item><b>Keyframes</b>: the stretch's first frame, then each frame where the tracks shared with the last keyframe
/// have moved by a median of <see cref="KeyframeDisplacement"/> x the longer side, or fewer than
/// <see cref="KeyframeSurvival"/> of them remain; and the stretch's last frame.</item>
/// <item><b>Model selection</b> on every pair of consecutive keyframes by GRIC (<see cref="Gric"/>): a homography
/// (MAGSAC++) against an essential matrix (MAGSAC++) on all shared tracks, the noise level measured from the
/// essential matrix's residuals. A keyframe interval is translating when the essential matrix wins; otherwise the
/// camera only turns and/or zooms there.</item>
/// <item><b>Rotation-only stretch</b> (no translating interval): every frame's rotation and focal ratio from the
/// homography between it and its keyframe, chained from the stretch's first frame; no translation.</item>
/// <item><b>Otherwise structure from motion</b>: the translating interval that GRIC favours most is the start
/// (essential matrix, cheirality, triangulation, two-view bundle adjustment); the other keyframes are registered
/// outwards from it (cv::solvePnPRansac on the triangulated tracks, then a robust pose refinement), new tracks
/// triangulated (<see cref="MinTriangulationAngleDegrees"/>), and a bundle adjustment of the registered keyframes
/// after each. A keyframe after a rotation-only interval keeps the centre of the keyframe before it (a shared centre
/// variable), so no translation is invented. Then a bundle adjustment of all keyframes with the observations off by
/// more than <see cref="OutlierPixels"/> dropped, every other frame registered (PnP and refinement; centre shared in
/// rotation-only intervals), and, for stretches of at most <see cref="FullBundleMaxFrames"/> frames, a bundle
/// adjustment of every frame and point.</item>
/// <item><b>One scale</b>: poses relative to the stretch's first frame, lengths in units of the median depth of the
/// points seen in that frame.</item>
/// <item>Per pair: the rotation, the translation direction and the parallax number
/// Pi_k = |C_k+1 - C_k| / median depth (in camera k) of the points seen in frame k; parallax-free (0) where the
/// pair lies in a rotation-only interval.</item>
/// </list>
/// A stretch or frame that cannot be posed (too few shared tracks, no model, too few triangulated points) gives
/// unusable pairs with the reason; nothing is invented.
/// </summary>
public static class CameraPathEstimator
{
    public const double KeyframeDisplacement = 0.04;
    public const double KeyframeSurvival = 0.6;
    public const int MaxKeyframeGap = 8;
    public const int MinSharedTracks = 30;
    public const int MinPosePoints = 15;
    public const double MinTriangulationAngleDegrees = 0.1;
    public const double HomographyThresholdPixels = 2.0;
    public const double EssentialThresholdPixels = 1.0;
    public const double PnpThresholdPixels = 2.0;
    public const double MaxTriangulationErrorPixels = 2.0;
    public const double OutlierPixels = 2.0;
    public const double RobustScalePixels = 1.0;
    /// <summary>
    /// The noise level of the model selection is at least this, and at least <see cref="DriftShare"/> of the median
    /// distance the interval's tracks moved: tracks drift as the picture changes, even when anchored (measured on the
    /// posed test clips: 0.03-0.045 px per frame under a 1% per frame zoom, where they move 2-3 px per frame), and a
    /// homography must not lose to an essential matrix that absorbs that drift.
    /// </summary>
    public const double MinNoisePixels = 0.1;

    /// <inheritdoc cref="MinNoisePixels"/>
    public const double DriftShare = 0.015;
    public const int FullBundleMaxFrames = 120;
    public const int LocalBundleWindow = 6;

    /// <summary>
    /// Where the rest of a stretch translates, an interval counts as rotation-only only when the homography wins by at
    /// least this much GRIC per track (a pure pan wins by about 1 per track): a camera that slows down between two
    /// moves is not a camera that stopped.
    /// </summary>
    public const double MinRotationMarginPerTrack = 0.5;

    /// <summary>A GRIC comparison of one keyframe interval, and the model the stretch's rule gave it.</summary>
    public sealed record IntervalModel(int From, int To, int Tracks, double GricHomography, double GricEssential, double NoisePixels)
    {
        /// <summary>True when the camera centre moves in this interval (the essential matrix wins, or the stretch moves elsewhere and the homography does not win clearly).</summary>
        public bool Translating { get; init; } = GricEssential < GricHomography;
    }

    /// <summary>The estimate: per-pair motions, per-frame poses (CamReview convention, relative to frame 0, held over unusable pairs), the keyframes and their models.</summary>
    public sealed record Result(PairCameraMotion[] Pairs, CameraPose[] Poses, IReadOnlyList<int> Keyframes, IReadOnlyList<IntervalModel> Intervals);

    /// <summary>
    /// Estimates the camera path. <paramref name="frames"/>: tracks per analysed frame; <paramref name="k"/>:
    /// intrinsics at the analysis size (continuous convention); <paramref name="pairProblems"/>[i]: why pair i
    /// (frames i, i+1) cannot be used, or null.
    /// </summary>
    public static Result Estimate(IReadOnlyList<FrameTracks> frames, Intrinsics k, IReadOnlyList<string?> pairProblems, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(frames);
        ArgumentNullException.ThrowIfNull(pairProblems);
        int n = frames.Count;
        if (pairProblems.Count != Math.Max(0, n - 1)) throw new ArgumentException("one entry per pair");
        var pairs = new PairCameraMotion[Math.Max(0, n - 1)];
        var local = new CameraPose?[n];
        var keyframes = new List<int>();
        var intervals = new List<IntervalModel>();
        var ctx = new Context(frames, k with { Cx = k.Cx - 0.5, Cy = k.Cy - 0.5 }, width, height);
        int s = 0;
        while (s < n)
        {
            int e = s;
            while (e + 1 < n && pairProblems[e] is null) e++;
            if (e > s) new Stretch(ctx, s, e, pairs, local, keyframes, intervals).Run();
            if (e + 1 < n) pairs[e] = PairCameraMotion.Unusable("pair flagged: " + pairProblems[e]);
            s = e + 1;
        }
        // Chain the stretches: each starts where the previous one's last posed frame was (flagged pairs are held).
        var poses = new CameraPose[n];
        CameraPose anchor = CameraPose.Origin;
        for (int f = 0; f < n; f++)
        {
            bool starts = f == 0 || pairProblems[f - 1] is not null;
            if (starts && f > 0) anchor = poses[f - 1];
            poses[f] = local[f] is { } p
                ? new CameraPose(anchor.Rotation * p.Rotation, anchor.Centre + anchor.Rotation * p.Centre)
                : f > 0 ? poses[f - 1] : anchor;
        }
        return new Result(pairs, poses, keyframes, intervals);
    }

    /// <summary>Shared, read-only inputs: tracks by frame (id -&gt; pixel), intrinsics in OpenCV's pixel convention.</summary>
    private sealed class Context(IReadOnlyList<FrameTracks> frames, Intrinsics kcv, int width, int height)
    {
        public Intrinsics K { get; } = kcv;
        public int Width { get; } = width;
        public int Height { get; } = height;
        public int LongSide { get; } = Math.Max(width, height);
        public Dictionary<int, Vector2>[] ById { get; } = frames.Select(f =>
        {
            var d = new Dictionary<int, Vector2>(f.Ids.Length);
            for (int i = 0; i < f.Ids.Length; i++) d[f.Ids[i]] = f.Points[i];
            return d;
        }).ToArray();

        public (double X, double Y) Ray(Vector2 p) => ((p.X - K.Cx) / K.Fx, (p.Y - K.Cy) / K.Fy);

        /// <summary>Tracks seen in both frames: ids and positions.</summary>
        public (int[] Ids, Vector2[] A, Vector2[] B) Shared(int a, int b)
        {
            var ids = new List<int>();
            var pa = new List<Vector2>();
            var pb = new List<Vector2>();
            var db = ById[b];
            foreach (var (id, p) in ById[a])
            {
                if (!db.TryGetValue(id, out var q)) continue;
                ids.Add(id);
                pa.Add(p);
                pb.Add(q);
            }
            return ([.. ids], [.. pa], [.. pb]);
        }
    }

    /// <summary>One stretch of frames s..e joined by usable pairs.</summary>
    private sealed class Stretch(Context ctx, int s, int e, PairCameraMotion[] pairs, CameraPose?[] local, List<int> allKeyframes, List<IntervalModel> allIntervals)
    {
        // Cameras: rotation (scene into camera axes) and a centre variable; scene points by track id.
        private readonly Dictionary<int, Mat3> _rot = [];
        private readonly Dictionary<int, int> _centreOf = [];
        private readonly List<Vec3> _centres = [];
        private readonly Dictionary<int, Vec3> _points = [];
        private readonly HashSet<(int Frame, int Track)> _outliers = [];
        private readonly Dictionary<int, string> _failed = [];

        public void Run()
        {
            var kfs = ChooseKeyframes();
            allKeyframes.AddRange(kfs);
            var models = new IntervalModel?[kfs.Count - 1];
            for (int i = 0; i + 1 < kfs.Count; i++)
            {
                models[i] = SelectModel(kfs[i], kfs[i + 1]);
                if (models[i] is { } m) allIntervals.Add(m);
            }
            if (models.Any(m => m is null))
            {
                // A keyframe interval without enough shared tracks cannot be posed; neither can what depends on it.
                int bad = Array.FindIndex(models, m => m is null);
                Fail(s, e, $"cannot be posed: fewer than {MinSharedTracks} tracks shared between frames {kfs[bad]} and {kfs[bad + 1]}");
                return;
            }
            if (models.All(m => !m!.Translating)) RotationOnly(kfs);
            else
            {
                var decided = models.Select(m => m! with { Translating = m.Translating || (m.GricHomography - m.GricEssential) / m.Tracks > -MinRotationMarginPerTrack }).ToArray();
                allIntervals.RemoveRange(allIntervals.Count - decided.Length, decided.Length);
                allIntervals.AddRange(decided);
                Structure(kfs, decided);
            }
        }

        private void Fail(int from, int to, string why)
        {
            for (int f = from; f < to; f++) pairs[f] = PairCameraMotion.Unusable(why);
        }

        private List<int> ChooseKeyframes()
        {
            var kfs = new List<int> { s };
            for (int f = s + 1; f <= e; f++)
            {
                int last = kfs[^1];
                var (ids, a, b) = ctx.Shared(last, f);
                double moved = ids.Length > 0 ? TwoViewMath.Median(a.Select((p, i) => (double)Vector2.Distance(p, b[i]))) : double.PositiveInfinity;
                bool key = moved >= KeyframeDisplacement * ctx.LongSide || ids.Length < KeyframeSurvival * ctx.ById[last].Count
                           || f - last >= MaxKeyframeGap;
                if (!key) continue;
                // A frame that shares too few tracks is too far: the frame before it is the keyframe.
                if (ids.Length < 2 * MinSharedTracks && f - 1 > last) kfs.Add(f - 1);
                else kfs.Add(f);
            }
            // The last interval ends at the stretch's last frame; a short one (little baseline) joins the one before.
            if (kfs[^1] != e)
            {
                if (kfs.Count > 1 && e - kfs[^1] < MaxKeyframeGap / 2 && ctx.Shared(kfs[^2], e).Ids.Length >= 2 * MinSharedTracks) kfs[^1] = e;
                else kfs.Add(e);
            }
            return kfs;
        }

        private IntervalModel? SelectModel(int a, int b)
        {
            var (ids, pa, pb) = ctx.Shared(a, b);
            if (ids.Length < MinSharedTracks) return null;
            var kk = ctx.K;
            var h = HomographyFit.Fit(pa, pb, HomographyMethod.Ransac, HomographyThresholdPixels);
            var ep = TwoViewGeometry.EssentialPose(pa, pb, kk.Fx, kk.Fy, kk.Cx, kk.Cy, EssentialMethod.Magsac, EssentialThresholdPixels, 0.999);
            if (h is null && ep is null) return null;
            var e2h = new double[ids.Length];
            var e2e = new double[ids.Length];
            Mat3 hm = h is null ? default : Mat3.FromArray(h.Matrix);
            Mat3 em = ep is null ? default : Mat3.FromArray(ep.Essential);
            for (int i = 0; i < ids.Length; i++)
            {
                e2h[i] = h is null ? double.PositiveInfinity : Gric.HomographyResidual(hm, new Point2(pa[i].X, pa[i].Y), new Point2(pb[i].X, pb[i].Y));
                var (x1, y1) = ctx.Ray(pa[i]);
                var (x2, y2) = ctx.Ray(pb[i]);
                e2e[i] = ep is null ? double.PositiveInfinity : Gric.EssentialResidual(em, new Vec3(x1, y1, 1), new Vec3(x2, y2, 1), (kk.Fx + kk.Fy) / 2);
            }
            double moved = TwoViewMath.Median(pa.Select((p, i) => (double)Vector2.Distance(p, pb[i])));
            double sigma = Gric.NoiseLevel(e2h, e2e, Math.Max(MinNoisePixels, DriftShare * moved));
            double gh = Gric.Score(e2h, sigma, Gric.HomographyDimension, Gric.HomographyParameters, e2e, Gric.EssentialDimension);
            double ge = Gric.Score(e2e, sigma, Gric.EssentialDimension, Gric.EssentialParameters, e2h, Gric.HomographyDimension);
            return new IntervalModel(a, b, ids.Length, gh, ge, sigma);
        }

        // ---------------- rotation-only stretch ----------------

        private void RotationOnly(List<int> kfs)
        {
            var hs = new Mat3?[e - s + 1];
            hs[0] = Mat3.Identity;
            for (int i = 0; i + 1 < kfs.Count; i++)
            {
                int a = kfs[i];
                for (int f = a + 1; f <= kfs[i + 1]; f++)
                {
                    var (ids, pa, pb) = ctx.Shared(a, f);
                    var h = ids.Length >= MinSharedTracks ? HomographyFit.Fit(pa, pb, HomographyMethod.Ransac, HomographyThresholdPixels) : null;
                    hs[f - s] = h is not null && hs[a - s] is { } ha ? Mat3.FromArray(h.Matrix) * ha : null;
                }
            }
            var orient = new (Mat3 R, double Focal)?[hs.Length];
            for (int i = 0; i < hs.Length; i++)
                orient[i] = hs[i] is { } h ? TwoViewMath.DecomposeRotationHomography(h, ctx.K) : null;
            for (int f = s; f < e; f++)
            {
                if (orient[f - s] is not { } o0 || orient[f + 1 - s] is not { } o1)
                {
                    pairs[f] = PairCameraMotion.Unusable("cannot be posed: no rotation/zoom homography to the stretch's first frame");
                    continue;
                }
                pairs[f] = PairCameraMotion.ParallaxFree(o0.R.Transpose() * o1.R, o1.Focal / o0.Focal);
            }
            for (int f = s; f <= e; f++)
                local[f] = orient[f - s] is { } o ? new CameraPose(o.R, Vec3.Zero) : null;
        }

        // ---------------- structure from motion ----------------

        private void Structure(List<int> kfs, IntervalModel[] models)
        {
            int start = Enumerable.Range(0, models.Length).Where(i => models[i].Translating)
                .MaxBy(i => (models[i].GricHomography - models[i].GricEssential) / models[i].Tracks);
            if (!Initialise(kfs[start], kfs[start + 1]))
            {
                Fail(s, e, $"cannot be posed: the first two views (frames {kfs[start]}, {kfs[start + 1]}) give too few scene points");
                return;
            }
            // Outwards from the start: right, then left; each keyframe next to a registered one.
            var order = new List<(int Frame, int Neighbour, bool RotationOnly)>();
            for (int i = start + 2; i < kfs.Count; i++) order.Add((kfs[i], kfs[i - 1], !models[i - 1].Translating));
            for (int i = start - 1; i >= 0; i--) order.Add((kfs[i], kfs[i + 1], !models[i].Translating));
            var registered = new List<int> { kfs[start], kfs[start + 1] };
            foreach (var (f, nb, rotOnly) in order)
            {
                if (!_rot.ContainsKey(nb) || !Register(f, nb, rotOnly)) continue;
                registered.Add(f);
                TriangulateNew(registered);
                Bundle(registered.Skip(Math.Max(0, registered.Count - LocalBundleWindow)).ToHashSet(), registered, kfs[start], 10);
            }
            Bundle(registered.ToHashSet(), registered, kfs[start], 30);
            DropOutliers(registered);
            Bundle(registered.ToHashSet(), registered, kfs[start], 20);

            // Every other frame, on the points of the keyframes.
            var all = new List<int>(registered);
            for (int i = 0; i + 1 < kfs.Count; i++)
            {
                int a = kfs[i], b = kfs[i + 1];
                for (int f = a + 1; f < b; f++)
                {
                    int nb = _rot.ContainsKey(a) ? a : b;
                    if (_rot.ContainsKey(nb) && Register(f, nb, !models[i].Translating)) all.Add(f);
                }
            }
            if (e - s + 1 <= FullBundleMaxFrames)
            {
                TriangulateNew(all);
                Bundle(all.ToHashSet(), all, kfs[start], 20);
            }
            Report(kfs, models);
        }

        private bool Initialise(int a, int b)
        {
            var (ids, pa, pb) = ctx.Shared(a, b);
            var kk = ctx.K;
            var ep = TwoViewGeometry.EssentialPose(pa, pb, kk.Fx, kk.Fy, kk.Cx, kk.Cy, EssentialMethod.Magsac, EssentialThresholdPixels, 0.999);
            if (ep is null || ep.PoseInliers < MinPosePoints) return false;
            Mat3 r = Mat3.FromArray(ep.Rotation);
            Vec3 t = Vec3.FromArray(ep.Translation).Normalized();
            AddCamera(a, Mat3.Identity, null, Vec3.Zero);
            AddCamera(b, r, null, -(r.Transpose() * t));
            for (int i = 0; i < ids.Length; i++)
                if (ep.PoseMask[i]) TryTriangulate(ids[i], [a, b]);
            if (_points.Count < MinPosePoints) return false;
            Bundle([b], [a, b], a, 20);
            return _points.Count >= MinPosePoints;
        }

        private void AddCamera(int f, Mat3 r, int? shareCentreWith, Vec3 centre)
        {
            _rot[f] = r;
            if (shareCentreWith is int g) _centreOf[f] = _centreOf[g];
            else
            {
                _centreOf[f] = _centres.Count;
                _centres.Add(centre);
            }
        }

        private Vec3 CentreOf(int f) => _centres[_centreOf[f]];

        /// <summary>Registers frame f by PnP on the triangulated tracks it sees, then a robust pose refinement.</summary>
        private bool Register(int f, int neighbour, bool rotationOnly)
        {
            var ids = new List<int>();
            var xyz = new List<double>();
            var px = new List<Vector2>();
            foreach (var (id, p) in ctx.ById[f])
            {
                if (!_points.TryGetValue(id, out var x)) continue;
                ids.Add(id);
                xyz.AddRange([x.X, x.Y, x.Z]);
                px.Add(p);
            }
            if (ids.Count < MinPosePoints)
            {
                _failed[f] = $"cannot be posed: only {ids.Count} triangulated scene points visible in frame {f} (need {MinPosePoints})";
                return false;
            }
            var kk = ctx.K;
            Mat3 r = _rot[neighbour];
            Vec3 c = CentreOf(neighbour);
            bool[] inliers = Enumerable.Repeat(true, ids.Count).ToArray();
            var pnp = TwoViewGeometry.PoseFromPoints(xyz.ToArray(), px.ToArray(), kk.Fx, kk.Fy, kk.Cx, kk.Cy, PnpThresholdPixels);
            if (pnp is { } found && found.Inliers.Count(x => x) >= MinPosePoints)
            {
                inliers = found.Inliers;
                if (!rotationOnly)
                {
                    r = Mat3.FromArray(found.Rotation);
                    c = -(r.Transpose() * Vec3.FromArray(found.Translation));
                }
                // Rotation only: PnP's rotation is still the better start, its centre is not used.
                else r = Mat3.FromArray(found.Rotation);
            }
            if (rotationOnly) AddCamera(f, r, neighbour, default);
            else AddCamera(f, r, null, c);
            for (int i = 0; i < ids.Count; i++) if (!inliers[i]) _outliers.Add((f, ids[i]));
            RefinePose(f, rotationOnly);
            return true;
        }

        private void RefinePose(int f, bool centreFixed)
        {
            var cams = new[] { f };
            var pts = new List<Vec3>();
            var obs = new List<BundleObservation>();
            foreach (var (id, p) in ctx.ById[f])
            {
                if (!_points.TryGetValue(id, out var x) || _outliers.Contains((f, id))) continue;
                var (u, v) = ctx.Ray(p);
                obs.Add(new BundleObservation(0, pts.Count, u, v));
                pts.Add(x);
            }
            var problem = new BundleProblem
            {
                Rotations = [_rot[f]],
                Centres = [CentreOf(f)],
                CentreOf = [0],
                RotationFixed = [false],
                CentreFixed = [centreFixed],
                Points = [.. pts],
                Observations = obs,
                PointsFixed = true,
                Fx = ctx.K.Fx,
                Fy = ctx.K.Fy,
            };
            BundleAdjustment.Solve(problem, 20, RobustScalePixels);
            _rot[f] = problem.Rotations[0];
            if (!centreFixed) _centres[_centreOf[f]] = problem.Centres[0];
        }

        private void TriangulateNew(List<int> cameras)
        {
            var seen = new Dictionary<int, List<int>>();
            foreach (int f in cameras)
                foreach (int id in ctx.ById[f].Keys)
                {
                    if (_points.ContainsKey(id)) continue;
                    if (!seen.TryGetValue(id, out var l)) seen[id] = l = [];
                    l.Add(f);
                }
            foreach (var (id, fs) in seen)
                if (fs.Count >= 2) TryTriangulate(id, fs);
        }

        private void TryTriangulate(int id, List<int> cameras)
        {
            var rays = new List<PointRay>(cameras.Count);
            foreach (int f in cameras)
            {
                if (_outliers.Contains((f, id))) continue;
                var (u, v) = ctx.Ray(ctx.ById[f][id]);
                rays.Add(new PointRay(_rot[f], CentreOf(f), u, v));
            }
            if (rays.Count < 2 || RayTriangulation.MaxAngleDegrees(rays) < MinTriangulationAngleDegrees) return;
            if (RayTriangulation.Nearest(rays) is not { } x) return;
            foreach (var r in rays)
            {
                if (!BundleAdjustment.Project(r.Rotation, r.Centre, x, out double u, out double v)) return;
                double du = (u - r.X) * ctx.K.Fx, dv = (v - r.Y) * ctx.K.Fy;
                if (du * du + dv * dv > MaxTriangulationErrorPixels * MaxTriangulationErrorPixels) return;
            }
            _points[id] = x;
        }

        /// <summary>
        /// Bundle adjustment of the cameras in <paramref name="free"/> and every point they see (other cameras that see
        /// those points held); <paramref name="gauge"/> is never moved.
        /// </summary>
        private void Bundle(HashSet<int> free, List<int> cameras, int gauge, int iterations)
        {
            var camIndex = new Dictionary<int, int>();
            var camList = new List<int>();
            var pointIndex = new Dictionary<int, int>();
            var pointList = new List<int>();
            foreach (int f in free)
                foreach (int id in ctx.ById[f].Keys)
                    if (_points.ContainsKey(id) && !pointIndex.ContainsKey(id)) { pointIndex[id] = pointList.Count; pointList.Add(id); }
            var obs = new List<BundleObservation>();
            foreach (int f in cameras)
            {
                foreach (var (id, p) in ctx.ById[f])
                {
                    if (!pointIndex.TryGetValue(id, out int j) || _outliers.Contains((f, id))) continue;
                    if (!camIndex.TryGetValue(f, out int ci)) { ci = camIndex[f] = camList.Count; camList.Add(f); }
                    var (u, v) = ctx.Ray(p);
                    obs.Add(new BundleObservation(ci, j, u, v));
                }
            }
            if (obs.Count == 0) return;
            // Centre variables in use, and whether any free camera owns them.
            var centreIndex = new Dictionary<int, int>();
            var centreVars = new List<int>();
            foreach (int f in camList)
                if (!centreIndex.ContainsKey(_centreOf[f])) { centreIndex[_centreOf[f]] = centreVars.Count; centreVars.Add(_centreOf[f]); }
            var centreFree = new bool[centreVars.Count];
            foreach (int f in camList)
                if (free.Contains(f) && f != gauge) centreFree[centreIndex[_centreOf[f]]] = true;
            if (camList.Contains(gauge)) centreFree[centreIndex[_centreOf[gauge]]] = false;
            var problem = new BundleProblem
            {
                Rotations = camList.Select(f => _rot[f]).ToArray(),
                Centres = centreVars.Select(v => _centres[v]).ToArray(),
                CentreOf = camList.Select(f => centreIndex[_centreOf[f]]).ToArray(),
                RotationFixed = camList.Select(f => !free.Contains(f) || f == gauge).ToArray(),
                CentreFixed = centreFree.Select(x => !x).ToArray(),
                Points = pointList.Select(id => _points[id]).ToArray(),
                Observations = obs,
                Fx = ctx.K.Fx,
                Fy = ctx.K.Fy,
            };
            BundleAdjustment.Solve(problem, iterations, RobustScalePixels);
            for (int i = 0; i < camList.Count; i++) _rot[camList[i]] = problem.Rotations[i];
            for (int i = 0; i < centreVars.Count; i++) _centres[centreVars[i]] = problem.Centres[i];
            for (int j = 0; j < pointList.Count; j++) _points[pointList[j]] = problem.Points[j];
        }

        private void DropOutliers(List<int> cameras)
        {
            foreach (int f in cameras)
                foreach (var (id, p) in ctx.ById[f])
                {
                    if (!_points.TryGetValue(id, out var x)) continue;
                    var (u0, v0) = ctx.Ray(p);
                    if (!BundleAdjustment.Project(_rot[f], CentreOf(f), x, out double u, out double v)
                        || Math.Pow((u - u0) * ctx.K.Fx, 2) + Math.Pow((v - v0) * ctx.K.Fy, 2) > OutlierPixels * OutlierPixels)
                        _outliers.Add((f, id));
                }
        }

        /// <summary>
        /// Zbar of frame f (<see cref="SceneDepth.GridMedian(IEnumerable{ValueTuple{double, double, double}}, int, int)"/>)
        /// over every scene point in front of camera f that projects into its picture, tracked there or not (a
        /// steadier set than the tracks of one frame, which come and go); NaN with too few.
        /// </summary>
        private double MedianDepth(int f)
        {
            var samples = new List<(double, double, double)>();
            var kk = ctx.K;
            Mat3 r = _rot[f];
            Vec3 c = CentreOf(f);
            foreach (var x in _points.Values)
            {
                Vec3 q = r * (x - c);
                if (!(q.Z > 0)) continue;
                double u = kk.Fx * q.X / q.Z + kk.Cx + 0.5, v = kk.Fy * q.Y / q.Z + kk.Cy + 0.5;
                if (u >= 0 && v >= 0 && u < ctx.Width && v < ctx.Height) samples.Add((u, v, q.Z));
            }
            return samples.Count >= MinPosePoints ? SceneDepth.GridMedian(samples, ctx.Width, ctx.Height) : double.NaN;
        }

        private void Report(List<int> kfs, IntervalModel[] models)
        {
            int origin = Enumerable.Range(s, e - s + 1).FirstOrDefault(f => _rot.ContainsKey(f), -1);
            if (origin < 0) { Fail(s, e, "cannot be posed"); return; }
            double unit = MedianDepth(origin);
            if (!(unit > 0)) { Fail(s, e, $"cannot be posed: too few scene points in front of frame {origin}"); return; }
            Mat3 r0 = _rot[origin];
            Vec3 c0 = CentreOf(origin);
            for (int f = s; f <= e; f++)
                if (_rot.TryGetValue(f, out var r))
                    local[f] = new CameraPose(r0 * r.Transpose(), r0 * (CentreOf(f) - c0) / unit);
            for (int f = s; f < e; f++)
            {
                if (!_rot.ContainsKey(f) || !_rot.ContainsKey(f + 1))
                {
                    int missing = _rot.ContainsKey(f) ? f + 1 : f;
                    pairs[f] = PairCameraMotion.Unusable(_failed.GetValueOrDefault(missing, $"cannot be posed: frame {missing} was not registered"));
                    continue;
                }
                Mat3 ra = _rot[f], rb = _rot[f + 1];
                Mat3 orientation = ra * rb.Transpose();
                if (_centreOf[f] == _centreOf[f + 1])
                {
                    pairs[f] = PairCameraMotion.ParallaxFree(orientation, 1.0);
                    continue;
                }
                Vec3 step = ra * (CentreOf(f + 1) - CentreOf(f));
                double depth = MedianDepth(f);
                if (!(depth > 0) || !(step.Norm > 0))
                {
                    pairs[f] = PairCameraMotion.Unusable($"cannot be posed: too few scene points in front of frame {f}");
                    continue;
                }
                pairs[f] = PairCameraMotion.WithParallax(orientation, step.Normalized(), step.Norm / depth);
            }
        }
    }
}
