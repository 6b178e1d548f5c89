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
/// <see cref="StrongParallaxFactor"/> x its threshold. When H alone explains that much of ALL matches, E is not even
/// fitted. Parallax-free: Pi = 0, rotation and focal ratio from K^-1 H K
/// (<see cref="TwoViewMath.DecomposeRotationHomography"/>). Pure rotations, focal-length zooms, homography transfers of
/// a picture, and a scene that is one plane, are all parallax-free by this rule.</item>
/// <item>Otherwise the essential matrix: RANSAC with K (<see cref="EssentialThresholdPixels"/>,
/// <see cref="EssentialConfidence"/>, <see cref="EssentialMaxIterations"/>), cv::recoverPose (cheirality), then
/// <see cref="RefinementRounds"/> rounds of a Cauchy-robust Levenberg-Marquardt polish of (R, t) on the Sampson
/// distance of at most <see cref="MaxRefinementPoints"/> inliers (<see cref="EssentialRefinement"/>) and inlier
/// re-selection. If fewer than <see cref="ConfidentPositiveDepthShare"/> of the points then lie in front of the camera,
/// a second RANSAC start (matches in reverse order) is polished too and the better one kept (small per-frame motions
/// have a second, reversed-depth basin). A solution with fewer than <see cref="MinPositiveDepthShare"/> points in
/// front is rejected as ambiguous.</item>
/// <item>Pi = median inverse depth of the inliers in camera k with |t| = 1 (<see cref="TwoViewMath.InverseDepth"/>,
/// skipping points within <see cref="MinBaselineSine"/> of the epipole) = 1 / median depth = ||Delta T|| / Zbar.
/// Below <see cref="MinParallaxPixels"/> / f the pair is parallax-free with E's rotation, if H agrees within
/// <see cref="MaxRotationDisagreementDegrees"/>.</item>
/// <item>Unusable (null, with a reason; never invented): flagged pairs, fewer than <see cref="MinInliers"/> matches /
/// E inliers / depth samples, no model, an ambiguous or non-finite result.</item>
/// </list>
/// Cost: about 25-35 ms of one core per pair on 720x528 footage (ORB 2000, 640 px analysis size), which roughly doubles
/// the analysis time (the LM polish and the RANSAC fit are the main terms).
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

    /// <summary>Rounds of (Levenberg-Marquardt polish on the inliers, re-selection of the inliers at <see cref="EssentialThresholdPixels"/>).</summary>
    public const int RefinementRounds = 2;

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

    /// <summary>A first solution with fewer points in front than this is checked against a second RANSAC start.</summary>
    public const double ConfidentPositiveDepthShare = 0.98;

    /// <summary>Minimum matches, E inliers and depth samples for a usable camera path.</summary>
    public const int MinInliers = 15;

    /// <summary>Camera motion of one pair. <paramref name="homography"/>: the analyzer's fit (analysis pixels, frame k into k+1), or null.</summary>
    public static PairCameraMotion Estimate(FeatureMatches matches, Mat3? homography, Intrinsics k)
    {
        var (motion, share) = EstimateCore(matches, homography, k);
        return motion with { HomographyShare = share };
    }

    private static (PairCameraMotion, double?) EstimateCore(FeatureMatches matches, Mat3? homography, Intrinsics k)
    {
        ArgumentNullException.ThrowIfNull(matches);
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
        Mat3 kinv = kcv.InverseMatrix;
        var all1 = new Vec3[n];
        var all2 = new Vec3[n];
        for (int i = 0; i < n; i++)
        {
            all1[i] = kinv * new Vec3(src[i].X, src[i].Y, 1);
            all2[i] = kinv * new Vec3(dst[i].X, dst[i].Y, 1);
        }
        EssentialPoseResult? pose = FitEssential(src, dst, kcv, reverse: false);

        // Model selection: does the homography explain (nearly) everything E explains?
        int hIn = 0, union = 0, strongOff = 0;
        if (homography is { } h)
        {
            for (int i = 0; i < n; i++)
            {
                bool inH = TransferError(h, src[i], dst[i]) <= HomographyThresholdPixels;
                bool inE = pose is not null && pose.EssentialMask[i];
                if (inH) hIn++;
                if (inH || inE) union++;
                if (inE && !inH && TransferError(h, src[i], dst[i]) > StrongParallaxFactor * HomographyThresholdPixels) strongOff++;
            }
        }
        if (union > 0) share = (double)hIn / union;
        bool homographyExplains = homography is not null && hIn >= MinInliers && hIn >= HomographyDominance * union
                                  && strongOff < Math.Max(MinInliers, MinStrongParallaxShare * union);
        if (homographyExplains) return (ParallaxFree(homography!.Value, kcv, $"homography explains {hIn} of {union} matches"), share);

        if (pose is null || pose.EssentialInliers < MinInliers)
            return (PairCameraMotion.Unusable(pose is null
                ? "no essential matrix found"
                : $"too few essential-matrix inliers: {pose.EssentialInliers} (need {MinInliers})"), share);

        // Small per-frame motions leave two nearly equivalent basins (translation sideways one way with a small turn,
        // or the other way with a larger turn and the depth order reversed). A second RANSAC run on the matches in
        // reverse order gives an independent start; both are polished and the one whose points lie in front of the
        // camera (positive inverse depth) wins, then the lower Sampson cost.
        var candidates = new List<Candidate>(2);
        string? why = null;
        if (Polish(pose, all1, all2, kcv, out var c1, out why)) candidates.Add(c1);
        // The second start only when the first is not clearly in front of the camera (it costs a second fit).
        if (!(candidates.Count == 1 && candidates[0].PositiveShare >= ConfidentPositiveDepthShare))
        {
            var poseR = FitEssential(src, dst, kcv, reverse: true);
            if (poseR is not null && poseR.EssentialInliers >= MinInliers)
            {
                if (Polish(poseR, all1, all2, kcv, out var c2, out string? why2)) candidates.Add(c2);
                else why ??= why2;
            }
        }
        if (candidates.Count == 0) return (PairCameraMotion.Unusable(why ?? "no essential matrix found"), share);
        var best = candidates.OrderByDescending(c => c.PositiveShare >= MinPositiveDepthShare).ThenBy(c => c.PositiveShare >= MinPositiveDepthShare ? c.Rms : -c.PositiveShare).First();
        if (best.PositiveShare < MinPositiveDepthShare)
            return (PairCameraMotion.Unusable($"ambiguous essential matrix: only {best.PositiveShare:P0} of the points in front of the camera (need {MinPositiveDepthShare:P0})"), share);
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

    private sealed record Candidate(Mat3 R, Vec3 T, List<double> Rho, double PositiveShare, double Rms);

    /// <summary>Polishes one robust fit (rounds of LM + inlier re-selection) and measures its inverse depths.</summary>
    private static bool Polish(EssentialPoseResult pose, Vec3[] all1, Vec3[] all2, Intrinsics kcv, out Candidate result, out string? why)
    {
        result = null!;
        int n = all1.Length;
        Mat3 r = Mat3.FromArray(pose.Rotation);
        Vec3 t = Vec3.FromArray(pose.Translation);
        if (!r.IsFinite || !t.IsFinite || !(t.Norm > 0)) { why = "degenerate essential matrix: non-finite pose"; return false; }
        t = t.Normalized();
        var rays1 = new List<Vec3>(pose.EssentialInliers);
        var rays2 = new List<Vec3>(pose.EssentialInliers);
        for (int i = 0; i < n; i++)
        {
            if (!pose.EssentialMask[i]) continue;
            rays1.Add(all1[i]);
            rays2.Add(all2[i]);
        }
        // Polish the minimal-sample model on all E inliers (Sampson distance, Levenberg-Marquardt), then re-select
        // the inliers with the polished model and polish again (RefinementRounds).
        double limit = EssentialThresholdPixels / kcv.Fx;
        double rms = 0;
        for (int round = 0; round < RefinementRounds; round++)
        {
            var (p1, p2) = Stride(rays1, rays2, MaxRefinementPoints);
            (r, t, rms) = EssentialRefinement.Refine(r, t, p1, p2, maxIterations: 20, cauchyScale: RobustScalePixels / kcv.Fx);
            if (round == RefinementRounds - 1) break;
            Mat3 e = EssentialRefinement.Essential(r, t);
            rays1.Clear();
            rays2.Clear();
            for (int i = 0; i < n; i++)
            {
                if (Math.Abs(EssentialRefinement.Sampson(e, all1[i], all2[i])) > limit) continue;
                rays1.Add(all1[i]);
                rays2.Add(all2[i]);
            }
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
        result = new Candidate(r, t, rho, positive, rms);
        why = null;
        return true;
    }

    /// <summary>
    /// RANSAC essential matrix and cheirality on all matches (in reverse order for the second start, which changes
    /// RANSAC's samples); masks refer to the original order.
    /// </summary>
    private static EssentialPoseResult? FitEssential(ReadOnlySpan<Vector2> src, ReadOnlySpan<Vector2> dst, Intrinsics kcv, bool reverse)
    {
        if (!reverse)
            return TwoViewGeometry.EssentialPose(src, dst, kcv.Fx, kcv.Fy, kcv.Cx, kcv.Cy,
                EssentialMethod.Ransac, EssentialThresholdPixels, EssentialConfidence, EssentialMaxIterations);
        int n = src.Length;
        var s = new Vector2[n];
        var d = new Vector2[n];
        for (int j = 0; j < n; j++) { s[j] = src[n - 1 - j]; d[j] = dst[n - 1 - j]; }
        var pose = TwoViewGeometry.EssentialPose(s, d, kcv.Fx, kcv.Fy, kcv.Cx, kcv.Cy,
            EssentialMethod.Ransac, EssentialThresholdPixels, EssentialConfidence, EssentialMaxIterations);
        if (pose is null) return null;
        var em = new bool[n];
        var pm = new bool[n];
        for (int j = 0; j < n; j++) { em[n - 1 - j] = pose.EssentialMask[j]; pm[n - 1 - j] = pose.PoseMask[j]; }
        return pose with { EssentialMask = em, PoseMask = pm };
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
