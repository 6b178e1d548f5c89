using System.Numerics;
using CamReview.Core;
using CamReview.Vision;

namespace CamReview.Pipeline.Analyze;

/// <summary>
/// Camera motion of one frame pair from the SAME ratio-test matches and homography the analyzer already has (no
/// second matching pass). All pixel quantities are at the ANALYSIS size (the matches' pixels, OpenCV convention).
/// <list type="number">
/// <item>Intrinsics: <see cref="AnalysisOptions.ResolveIntrinsics"/> (default 60° horizontal field of view, as the
/// renderers), expressed at the analysis size in OpenCV's pixel convention (principal point (W-1)/2, (H-1)/2).</item>
/// <item>Model selection (parallax-free recognition), against the analyzer's homography H: a match is an H inlier
/// when its transfer error is at most <see cref="HomographyThresholdPixels"/>. Parallax-free when H explains at least
/// <see cref="HomographyDominance"/> of the matches explained by either model AND fewer than
/// max(<see cref="MinInliers"/>, <see cref="MinStrongParallaxShare"/> of them) are E inliers that H misses by more than
/// <see cref="StrongParallaxFactor"/> x its threshold. When H alone explains that much of ALL (descriptor) matches,
/// neither the tracking below nor E is needed.</item>
/// <item>Otherwise the matches are tracked to sub-pixel accuracy (<see cref="TrackSubPixel"/>, on the analysis-size
/// frames) before E and the model selection: ORB's grid-bound keypoints otherwise leave a per-pair yaw /
/// sideways-translation trade-off worth up to ~14% of the parallax number.</item>
/// <item>Parallax-free: Pi = 0, rotation and focal ratio from K^-1 H K
/// (<see cref="TwoViewMath.DecomposeRotationHomography"/>). Pure rotations, focal-length zooms, homography transfers of
/// a picture, and a scene that is one plane, are all parallax-free by this rule.</item>
/// <item>The essential matrix: <see cref="EssentialStarts"/> RANSAC starts with K, each on its own spread
/// subset of at most <see cref="MaxRansacPoints"/> matches (<see cref="EssentialThresholdPixels"/>,
/// <see cref="EssentialConfidence"/>, <see cref="EssentialMaxIterations"/>; cv::recoverPose for the cheirality), each
/// polished by a Cauchy-robust Levenberg-Marquardt fit of (R, t) on the Sampson distance of at most
/// <see cref="MaxRefinementPoints"/> of its inliers among all matches (<see cref="EssentialRefinement"/>), then its
/// inliers re-selected. Small per-frame motions have more than one basin; the start with the lowest robust cost over
/// all matches wins among those with at least <see cref="MinPositiveDepthShare"/> of the points in front of the
/// camera (if none has, the pair is ambiguous) and is polished once more on its re-selected inliers.</item>
/// <item>Pi = median inverse depth of the inliers in camera k with |t| = 1 (<see cref="TwoViewMath.InverseDepth"/>,
/// skipping points within <see cref="MinBaselineSine"/> of the epipole) = 1 / median depth = ||Delta T|| / Zbar.
/// Below <see cref="MinParallaxPixels"/> / f the pair is parallax-free with E's rotation, if H agrees within
/// <see cref="MaxRotationDisagreementDegrees"/>.</item>
/// <item>Unusable (null, with a reason; never invented): flagged pairs, fewer than <see cref="MinInliers"/> matches /
/// E inliers / depth samples, no model, an ambiguous or non-finite result.</item>
/// </list>
/// Cost: see docs/camera-motion.md and BENCHMARKS.md (the tracking and the RANSAC starts are the main terms).
/// Stateless and thread-safe.
/// </summary>
public static class CameraPathEstimator
{
    /// <summary>Robust-fit threshold of the essential matrix (pixels at analysis size; OpenCV's epipolar distance).</summary>
    public const double EssentialThresholdPixels = 1.5;


    /// <summary>RANSAC confidence and iteration cap of the essential-matrix fit (the polish below does the fine work).</summary>
    public const double EssentialConfidence = 0.99;

    /// <summary>See <see cref="EssentialConfidence"/>.</summary>
    public const int EssentialMaxIterations = 300;

    /// <summary>The pose polish uses at most this many inliers (evenly strided), which bounds its cost.</summary>
    public const int MaxRefinementPoints = 400;

    /// <summary>Homography transfer error (pixels at analysis size) under which a match counts as explained by H in the model selection.</summary>
    public const double HomographyThresholdPixels = 3.0;

    /// <summary>Parallax-free when this fraction of the explained matches (E or H inliers) are H inliers.</summary>
    public const double HomographyDominance = 0.97;

    /// <summary>
    /// ... unless at least max(<see cref="MinInliers"/>, this share of the explained matches) are E inliers that the
    /// homography misses by more than <see cref="StrongParallaxFactor"/> x its threshold: a small foreground moving
    /// clearly against a dominant background plane is parallax, not noise.
    /// </summary>
    public const double MinStrongParallaxShare = 0.02;

    /// <summary>See <see cref="MinStrongParallaxShare"/>.</summary>
    public const double StrongParallaxFactor = 3.0;

    /// <summary>Scale of the Cauchy loss in the pose polish (pixels at analysis size).</summary>
    public const double RobustScalePixels = 1.0;

    /// <summary>Parallax-free when f x Pi (the image motion of a point at the median depth per unit of sideways translation) is below this many pixels.</summary>
    public const double MinParallaxPixels = 0.3;

    /// <summary>Points whose ray is within asin(0.02) ≈ 1.1° of the translation (the epipole) carry no depth and are skipped.</summary>
    public const double MinBaselineSine = 0.02;

    /// <summary>When E sees no parallax, its rotation and the homography's must agree within this many degrees.</summary>
    public const double MaxRotationDisagreementDegrees = 0.5;

    /// <summary>
    /// Share of the inlier points that must triangulate in front of the camera (positive inverse depth) for an
    /// essential-matrix solution to be trusted; distinguishes the true solution from the reversed-depth basin.
    /// </summary>
    public const double MinPositiveDepthShare = 0.90;

    /// <summary>Each RANSAC start fits a spread subset of at most this many matches (its cost grows with the count; the polish uses all inliers).</summary>
    public const int MaxRansacPoints = 150;

    /// <summary>Polished RANSAC starts per pair (see the remarks in the estimate); at most the length of the start strides.</summary>
    public const int EssentialStarts = 3;

    /// <summary>Minimum matches, E inliers and depth samples for a usable camera path.</summary>
    public const int MinInliers = 15;

    /// <summary>Window side (pixels at analysis size) of the sub-pixel tracking of the matches (<see cref="TrackSubPixel"/>).</summary>
    public const int TrackWindowPixels = 21;

    /// <summary>Pyramid levels above the analysis size used by the tracking: none, as it starts at the descriptor match (within a few pixels).</summary>
    public const int TrackPyramidLevels = 0;

    /// <summary>A tracked point must come back within this many pixels of where it started when tracked backwards.</summary>
    public const double MaxForwardBackwardPixels = 0.5;

    /// <summary>A tracked point farther than this many pixels from its descriptor match tracked something else: dropped.</summary>
    public const double MaxTrackShiftPixels = 3.0;

    /// <summary>
    /// The ratio-test matches with each destination refined to sub-pixel accuracy: the patch around the source point
    /// of frame k is tracked into frame k+1 (Lucas-Kanade, <see cref="TrackWindowPixels"/> window) starting at
    /// its descriptor match, then back. A match is kept when the track succeeds, returns within
    /// <see cref="MaxForwardBackwardPixels"/> of its start and stays within <see cref="MaxTrackShiftPixels"/> of the
    /// descriptor match. Why: ORB keypoints lie on the pixel grid of their pyramid level (up to ~3.6 px apart at the
    /// top level), and that localisation noise (about 0.3 px at the true pose on clean renders) leaves a per-pair
    /// yaw / sideways-translation trade-off of 0.1-0.3°, i.e. up to ~14% of parallax at Pi ~ 0.03; tracked points cut
    /// it to a few hundredths of a degree. <paramref name="frameA"/>, <paramref name="frameB"/>: the analysis-size
    /// grayscale frames the matches were found in.
    /// </summary>
    private static FeatureMatches TrackSubPixel(FeatureMatches matches, Image frameA, Image frameB)
    {
        ArgumentNullException.ThrowIfNull(matches);
        int n = matches.Count;
        if (n == 0) return matches;
        var forward = PointTracker.Track(frameA, frameB, matches.Source, matches.Destination, TrackWindowPixels, TrackPyramidLevels);
        var backward = PointTracker.Track(frameB, frameA, forward.Positions, matches.Source, TrackWindowPixels, TrackPyramidLevels);
        var keep = new List<int>(n);
        for (int i = 0; i < n; i++)
        {
            if (forward.Tracked[i] && backward.Tracked[i]
                && Vector2.Distance(backward.Positions[i], matches.Source[i]) <= MaxForwardBackwardPixels
                && Vector2.Distance(forward.Positions[i], matches.Destination[i]) <= MaxTrackShiftPixels)
                keep.Add(i);
        }
        return new FeatureMatches(keep.Select(i => matches.Source[i]).ToArray(), keep.Select(i => forward.Positions[i]).ToArray(),
            keep.Select(i => matches.SourceIndices[i]).ToArray(), keep.Select(i => matches.DestinationIndices[i]).ToArray());
    }

    /// <summary>Camera motion of one pair. <paramref name="homography"/>: the analyzer's fit (analysis pixels, frame k into k+1), or null.</summary>
    /// <remarks>
    /// <paramref name="frameA"/>, <paramref name="frameB"/>: the analysis-size grayscale frames the matches come from;
    /// when given, the matches are tracked to sub-pixel accuracy (<see cref="TrackSubPixel"/>) unless the homography
    /// shortcut already settles the pair (most pairs of rotation-only footage), which saves the tracking there.
    /// </remarks>
    public static PairCameraMotion Estimate(FeatureMatches matches, Mat3? homography, Intrinsics k, Image? frameA = null, Image? frameB = null)
    {
        var (motion, share) = EstimateCore(matches, homography, k, frameA, frameB);
        return motion with { HomographyShare = share };
    }

    private static (PairCameraMotion, double?) EstimateCore(FeatureMatches matches, Mat3? homography, Intrinsics k, Image? frameA, Image? frameB)
    {
        ArgumentNullException.ThrowIfNull(matches);
        if ((frameA is null) != (frameB is null)) throw new ArgumentException("give both frames or neither");
        double? share = null;
        int n = matches.Count;
        if (n < MinInliers) return (PairCameraMotion.Unusable($"too few matches for a camera path: {n} (need {MinInliers})"), share);
        // OpenCV pixel convention: pixel centres at integers, so the continuous centre W/2 is at index W/2 - 0.5.
        var kcv = k with { Cx = k.Cx - 0.5, Cy = k.Cy - 0.5 };
        var src = matches.Source;
        var dst = matches.Destination;

        // Shortcut: when the homography alone explains nearly every match, the union test below cannot fail, so the
        // essential matrix is not needed (rotation-only and zoom pairs skip it).
        if (homography is { } h0)
        {
            int in0 = 0;
            for (int i = 0; i < n; i++) if (TransferError(h0, src[i], dst[i]) <= HomographyThresholdPixels) in0++;
            if (in0 >= MinInliers && in0 >= HomographyDominance * n && n - in0 < Math.Max(MinInliers, MinStrongParallaxShare * n))
                return (ParallaxFree(h0, kcv, $"homography explains {in0} of {n} matches"), (double)in0 / n);
        }
        if (frameA is not null)
        {
            matches = TrackSubPixel(matches, frameA, frameB!);
            n = matches.Count;
            if (n < MinInliers) return (PairCameraMotion.Unusable($"too few matches tracked for a camera path: {n} (need {MinInliers})"), share);
            src = matches.Source;
            dst = matches.Destination;
        }
        Mat3 kinv = kcv.InverseMatrix;
        var all1 = new Vec3[n];
        var all2 = new Vec3[n];
        for (int i = 0; i < n; i++)
        {
            all1[i] = kinv * new Vec3(src[i].X, src[i].Y, 1);
            all2[i] = kinv * new Vec3(dst[i].X, dst[i].Y, 1);
        }
        Start? pose = FitEssential(src, dst, all1, all2, kcv, start: 0);

        // Model selection: does the homography explain (nearly) everything E explains?
        int hIn = 0, union = 0, strongOff = 0;
        if (homography is { } h)
        {
            for (int i = 0; i < n; i++)
            {
                bool inH = TransferError(h, src[i], dst[i]) <= HomographyThresholdPixels;
                bool inE = pose is not null && pose.Inliers[i];
                if (inH) hIn++;
                if (inH || inE) union++;
                if (inE && !inH && TransferError(h, src[i], dst[i]) > StrongParallaxFactor * HomographyThresholdPixels) strongOff++;
            }
        }
        if (union > 0) share = (double)hIn / union;
        bool homographyExplains = homography is not null && hIn >= MinInliers && hIn >= HomographyDominance * union
                                  && strongOff < Math.Max(MinInliers, MinStrongParallaxShare * union);
        if (homographyExplains) return (ParallaxFree(homography!.Value, kcv, $"homography explains {hIn} of {union} matches"), share);

        if (pose is null || pose.InlierCount < MinInliers)
            return (PairCameraMotion.Unusable(pose is null
                ? "no essential matrix found"
                : $"too few essential-matrix inliers: {pose.InlierCount} (need {MinInliers})"), share);

        // Small per-frame motions leave more than one nearly equivalent basin (translation sideways one way with a
        // small turn, or another way with a larger turn, sometimes with the depth order reversed). RANSAC stops after a
        // few samples when nearly every match is an inlier, so which basin its model lands in is close to chance
        // (measured: about 1 start in 10 on tracked matches of the synthetic scenes, 3 in 10 on untracked ones).
        // Several starts (the matches in different orders change RANSAC's samples) are polished and the lowest robust
        // cost over all matches wins among those with the points in front of the camera.
        var candidates = new List<Candidate>(EssentialStarts);
        string? why = null;
        for (int start = 0; start < EssentialStarts; start++)
        {
            var fit = start == 0 ? pose : FitEssential(src, dst, all1, all2, kcv, start);
            if (fit is null || fit.InlierCount < MinInliers) continue;
            var (rays1, rays2) = Select(all1, all2, fit.Inliers);
            if (Polish(fit.R, fit.T, rays1, rays2, all1, all2, kcv, reselect: true, out var c, out string? failed)) candidates.Add(c);
            else why ??= failed;
        }
        if (candidates.Count == 0) return (PairCameraMotion.Unusable(why ?? "no essential matrix found"), share);
        var inFront = candidates.Where(c => c.PositiveShare >= MinPositiveDepthShare).ToList();
        if (inFront.Count == 0)
            return (PairCameraMotion.Unusable($"ambiguous essential matrix: at most {candidates.Max(c => c.PositiveShare):P0} of the points in front of the camera (need {MinPositiveDepthShare:P0})"), share);
        // Only the winner gets the second round, on the inliers its first round re-selected.
        var first = inFront.MinBy(c => c.Cost)!;
        if (!Polish(first.R, first.T, first.Rays1, first.Rays2, all1, all2, kcv, reselect: false, out var best, out why))
            return (PairCameraMotion.Unusable(why!), share);
        if (best.PositiveShare < MinPositiveDepthShare)
            return (PairCameraMotion.Unusable($"ambiguous essential matrix: only {best.PositiveShare:P0} of the points in front of the camera after refinement (need {MinPositiveDepthShare:P0})"), share);
        Mat3 r = best.R;
        Vec3 t = best.T;
        var rho = best.Rho;
        double pi = TwoViewMath.Median(rho);
        if (!double.IsFinite(pi)) return (PairCameraMotion.Unusable("degenerate essential matrix: non-finite parallax"), share);
        if (pi * kcv.Fx < MinParallaxPixels)
        {
            // No measurable translation (pure rotation seen by E, or parallax below feature noise).
            // E found no measurable translation. Its rotation is then the motion, provided the homography (which
            // did not dominate) is not telling a different story: for a true rotation both agree.
            var (orientation0, _) = TwoViewMath.ToCameraMotion(r, t);
            if (homography is { } hh && TwoViewMath.DecomposeRotationHomography(hh, kcv) is { } fromH &&
                Rotations.GeodesicAngleDegrees(fromH.Orientation, orientation0) > MaxRotationDisagreementDegrees)
                return (PairCameraMotion.Unusable("essential matrix finds no parallax but the homography is not a rotation: ambiguous"), share);
            return (PairCameraMotion.ParallaxFree(orientation0, 1.0), share);
        }
        var (orientation, direction) = TwoViewMath.ToCameraMotion(r, t);
        return (PairCameraMotion.WithParallax(orientation, direction, pi), share);
    }

    /// <summary>A polished start: pose, the inliers its depths were measured on, their inverse depths, the share of them in front, robust cost over all matches.</summary>
    private sealed record Candidate(Mat3 R, Vec3 T, List<Vec3> Rays1, List<Vec3> Rays2, List<double> Rho, double PositiveShare, double Cost);

    private static (List<Vec3>, List<Vec3>) Select(Vec3[] all1, Vec3[] all2, bool[] keep)
    {
        var rays1 = new List<Vec3>(all1.Length);
        var rays2 = new List<Vec3>(all1.Length);
        for (int i = 0; i < all1.Length; i++)
        {
            if (!keep[i]) continue;
            rays1.Add(all1[i]);
            rays2.Add(all2[i]);
        }
        return (rays1, rays2);
    }

    /// <summary>
    /// One round of the pose polish: a Cauchy-robust Levenberg-Marquardt fit on the Sampson distance of (at most
    /// <see cref="MaxRefinementPoints"/> of) the given inliers; with <paramref name="reselect"/> the inliers are then
    /// re-selected among all matches with the polished model. Then the inverse depths of the inliers are measured.
    /// </summary>
    private static bool Polish(Mat3 r, Vec3 t, List<Vec3> rays1, List<Vec3> rays2, Vec3[] all1, Vec3[] all2, Intrinsics kcv, bool reselect,
        out Candidate result, out string? why)
    {
        result = null!;
        var (p1, p2) = Stride(rays1, rays2, MaxRefinementPoints);
        (r, t, _) = EssentialRefinement.Refine(r, t, p1, p2, maxIterations: 20, cauchyScale: RobustScalePixels / kcv.Fx);
        if (reselect)
        {
            Mat3 e = EssentialRefinement.Essential(r, t);
            double limit = EssentialThresholdPixels / ((kcv.Fx + kcv.Fy) / 2);
            (rays1, rays2) = Select(all1, all2, all1.Select((x, i) => Math.Abs(EssentialRefinement.Sampson(e, x, all2[i])) <= limit).ToArray());
            if (rays1.Count < MinInliers)
            {
                why = $"too few essential-matrix inliers after refinement: {rays1.Count} (need {MinInliers})";
                return false;
            }
        }
        var rho = new List<double>(rays1.Count);
        for (int i = 0; i < rays1.Count; i++)
        {
            double v = TwoViewMath.InverseDepth(rays1[i], rays2[i], r, t, out double sinBase);
            if (sinBase >= MinBaselineSine && double.IsFinite(v)) rho.Add(v);
        }
        if (rho.Count < MinInliers)
        {
            why = $"too few points away from the epipole to measure depth: {rho.Count} (need {MinInliers})";
            return false;
        }
        double positive = rho.Count(v => v > 0) / (double)rho.Count;
        result = new Candidate(r, t, rays1, rays2, rho, positive, RobustCost(r, t, all1, all2, kcv));
        why = null;
        return true;
    }

    /// <summary>Cauchy cost (scale <see cref="RobustScalePixels"/>) of the Sampson distances of ALL matches: comparable between starts.</summary>
    private static double RobustCost(Mat3 r, Vec3 t, Vec3[] all1, Vec3[] all2, Intrinsics kcv)
    {
        Mat3 e = EssentialRefinement.Essential(r, t);
        double scale = RobustScalePixels / kcv.Fx, cost = 0;
        for (int i = 0; i < all1.Length; i++)
        {
            double u = EssentialRefinement.Sampson(e, all1[i], all2[i]) / scale;
            cost += Math.Log(1 + u * u);
        }
        return cost;
    }

    /// <summary>Strides of the spread subsets the starts give RANSAC: primes above any match count, so index j -&gt; j x stride mod n visits distinct matches.</summary>
    private static readonly long[] StartStrides = [1299709, 15485863, 179424673, 373587883];

    /// <summary>A RANSAC start: the model of a minimal sample (OpenCV convention, |t| = 1) and its inliers among ALL matches.</summary>
    private sealed record Start(Mat3 R, Vec3 T, bool[] Inliers, int InlierCount);

    /// <summary>
    /// RANSAC essential matrix and cheirality (cv::findEssentialMat + cv::recoverPose) on a spread subset of at most
    /// <see cref="MaxRansacPoints"/> matches, different for each <paramref name="start"/> (which also changes RANSAC's
    /// samples); the inliers are then those of all matches within <see cref="EssentialThresholdPixels"/> (Sampson
    /// distance, as OpenCV measures it). Null when no model is found.
    /// </summary>
    private static Start? FitEssential(ReadOnlySpan<Vector2> src, ReadOnlySpan<Vector2> dst, Vec3[] all1, Vec3[] all2, Intrinsics kcv, int start)
    {
        int n = src.Length, m = Math.Min(n, MaxRansacPoints);
        long stride = StartStrides[start];
        var s = new Vector2[m];
        var d = new Vector2[m];
        for (int j = 0; j < m; j++)
        {
            int i = (int)((j * stride + start) % n);
            s[j] = src[i];
            d[j] = dst[i];
        }
        var pose = TwoViewGeometry.EssentialPose(s, d, kcv.Fx, kcv.Fy, kcv.Cx, kcv.Cy,
            EssentialMethod.Ransac, EssentialThresholdPixels, EssentialConfidence, EssentialMaxIterations);
        if (pose is null) return null;
        Mat3 r = Mat3.FromArray(pose.Rotation);
        Vec3 t = Vec3.FromArray(pose.Translation);
        if (!r.IsFinite || !t.IsFinite || !(t.Norm > 0)) return null;
        t = t.Normalized();
        Mat3 e = EssentialRefinement.Essential(r, t);
        double limit = EssentialThresholdPixels / ((kcv.Fx + kcv.Fy) / 2);
        var inliers = new bool[n];
        int count = 0;
        for (int i = 0; i < n; i++)
            if (inliers[i] = Math.Abs(EssentialRefinement.Sampson(e, all1[i], all2[i])) <= limit) count++;
        return new Start(r, t, inliers, count);
    }

    private static (List<Vec3>, List<Vec3>) Stride(List<Vec3> a, List<Vec3> b, int max)
    {
        if (a.Count <= max) return (a, b);
        var ra = new List<Vec3>(max);
        var rb = new List<Vec3>(max);
        for (int i = 0; i < max; i++)
        {
            int j = (int)((long)i * a.Count / max);
            ra.Add(a[j]);
            rb.Add(b[j]);
        }
        return (ra, rb);
    }

    private static PairCameraMotion ParallaxFree(Mat3 homography, Intrinsics kcv, string why)
    {
        var d = TwoViewMath.DecomposeRotationHomography(homography, kcv);
        return d is { } ok
            ? PairCameraMotion.ParallaxFree(ok.Orientation, ok.FocalScale)
            : PairCameraMotion.Unusable($"parallax-free ({why}) but the homography is not a rotation/zoom (mirrors or singular)");
    }

    private static double TransferError(Mat3 h, Vector2 a, Vector2 b)
    {
        double w = h.M20 * a.X + h.M21 * a.Y + h.M22;
        if (!(Math.Abs(w) > 1e-12)) return double.PositiveInfinity;
        double x = (h.M00 * a.X + h.M01 * a.Y + h.M02) / w - b.X;
        double y = (h.M10 * a.X + h.M11 * a.Y + h.M12) / w - b.Y;
        return Math.Sqrt(x * x + y * y);
    }
}
