namespace CamReview.Core;

/// <summary>
/// Torr's Geometric Robust Information Criterion (GRIC, "An assessment of information criteria for motion model
/// selection", 1997): which of two models, a homography (rotation and/or zoom, or a single plane) or an essential
/// matrix (translation with parallax), explains a set of two-view correspondences with the fewest bits, weighing
/// residuals against model complexity:
/// <c>GRIC = sum_i min(e_i^2 / sigma^2, lambda3 (r - d)) + lambda1 d n + lambda2 k</c> with r = 4 (two image points),
/// d the model's manifold dimension (2 for H, 3 for E), k its parameters (8 for H, 5 for E), lambda1 = ln r,
/// lambda2 = ln(r n), lambda3 = 2. The lower score wins. For a pure rotation both models fit to the noise, and H's
/// smaller dimension wins by about (ln 4 - 1) per point; translation parallax inflates H's residuals only. A dominant
/// plane therefore does not hide the parallax of the rest of the scene, unlike a share-of-matches rule.
/// </summary>
public static class Gric
{
    /// <summary>Dimension of a two-view correspondence (x1, y1, x2, y2).</summary>
    public const int DataDimension = 4;

    /// <summary>Manifold dimension and parameter count of a homography.</summary>
    public const int HomographyDimension = 2, HomographyParameters = 8;

    /// <summary>Manifold dimension and parameter count of a calibrated essential matrix.</summary>
    public const int EssentialDimension = 3, EssentialParameters = 5;

    /// <summary>
    /// GRIC of a model with manifold dimension <paramref name="modelDimension"/> and <paramref name="parameters"/>
    /// parameters, from the squared geometric residuals of every correspondence (pixels^2) and the noise standard
    /// deviation <paramref name="sigma"/> (pixels). With the rival model's residuals (<paramref name="rival"/>, its
    /// dimension <paramref name="rivalDimension"/>), a correspondence the rival explains (within its own cap) is not
    /// an outlier and pays its full residual rather than the cap, up to <see cref="RivalCapFactor"/> times the cap:
    /// the far wall behind a near plane is parallax against the plane's homography, not a gross mismatch, however few
    /// of the tracks it holds; the bound keeps a few mismatched tracks that happen to lie on an epipolar line (a
    /// mirrored border, a reflection) from deciding alone.
    /// </summary>
    public static double Score(IReadOnlyList<double> squaredResiduals, double sigma, int modelDimension, int parameters,
        IReadOnlyList<double>? rival = null, int rivalDimension = 0)
    {
        ArgumentNullException.ThrowIfNull(squaredResiduals);
        if (!(sigma > 0) || !double.IsFinite(sigma)) throw new ArgumentOutOfRangeException(nameof(sigma), sigma, "noise level must be positive");
        if (modelDimension is < 1 or >= DataDimension) throw new ArgumentOutOfRangeException(nameof(modelDimension));
        if (rival is not null && (rival.Count != squaredResiduals.Count || rivalDimension is < 1 or >= DataDimension))
            throw new ArgumentException("the rival model needs one residual per correspondence and its dimension");
        int n = squaredResiduals.Count;
        double cap = Cap(modelDimension), s2 = sigma * sigma, sum = 0;
        for (int i = 0; i < n; i++)
        {
            double e2 = squaredResiduals[i] / s2;
            bool explainedByRival = rival is not null && rival[i] / s2 <= Cap(rivalDimension);
            sum += !double.IsFinite(e2) ? cap : Math.Min(e2, explainedByRival ? RivalCapFactor * cap : cap);
        }
        return sum + Math.Log(DataDimension) * modelDimension * n + Math.Log(DataDimension * Math.Max(n, 1)) * parameters;
    }

    /// <summary>See <see cref="Score"/>.</summary>
    public const double RivalCapFactor = 10;

    /// <summary>Torr's cap lambda3 (r - d) on a correspondence's cost: beyond it, an outlier.</summary>
    public static double Cap(int modelDimension) => 2.0 * (DataDimension - modelDimension);

    /// <summary>
    /// The noise level (pixels) for <see cref="Score"/>: the larger of the two models' robust scales (the median of a
    /// squared residual with k degrees of freedom is about k - 2/3 sigma^2: 1.386 sigma^2 for the homography's two,
    /// 0.455 sigma^2 for the essential matrix's one), at least <paramref name="floor"/>. The larger, because the more
    /// general model also absorbs part of the noise (a zoom's tracks drift radially, along the epipolar lines of a
    /// forward move), which would otherwise make the noise look smaller than the homography's fit shows it is.
    /// </summary>
    public static double NoiseLevel(IReadOnlyList<double> homographyResiduals, IReadOnlyList<double> essentialResiduals, double floor)
    {
        ArgumentNullException.ThrowIfNull(homographyResiduals);
        ArgumentNullException.ThrowIfNull(essentialResiduals);
        double h = Math.Sqrt(TwoViewMath.Median(homographyResiduals.Where(double.IsFinite)) / 1.386);
        double e = Math.Sqrt(TwoViewMath.Median(essentialResiduals.Where(double.IsFinite)) / 0.455);
        double best = Math.Max(double.IsFinite(h) ? h : 0, double.IsFinite(e) ? e : 0);
        return Math.Max(best, floor);
    }

    /// <summary>
    /// Squared geometric residual (pixels^2) of a correspondence under a homography <paramref name="h"/> (pixels of
    /// image 1 into image 2): half the squared transfer error, the first-order distance to H's manifold when both
    /// points carry the same noise.
    /// </summary>
    public static double HomographyResidual(Mat3 h, Point2 a, Point2 b)
    {
        double w = h.M20 * a.X + h.M21 * a.Y + h.M22;
        if (!(Math.Abs(w) > 1e-12)) return double.PositiveInfinity;
        double x = (h.M00 * a.X + h.M01 * a.Y + h.M02) / w - b.X;
        double y = (h.M10 * a.X + h.M11 * a.Y + h.M12) / w - b.Y;
        return (x * x + y * y) / 2;
    }

    /// <summary>
    /// Squared Sampson distance (pixels^2) of a correspondence under the essential matrix <paramref name="e"/>
    /// (normalized rays x1, x2 = K^-1 (u, v, 1)), converted to pixels with the focal length <paramref name="focal"/>.
    /// </summary>
    public static double EssentialResidual(Mat3 e, Vec3 x1, Vec3 x2, double focal)
    {
        Vec3 ex1 = e * x1;
        Vec3 etx2 = e.Transpose() * x2;
        double num = x2.Dot(ex1);
        double den = ex1.X * ex1.X + ex1.Y * ex1.Y + etx2.X * etx2.X + etx2.Y * etx2.Y;
        return den > 0 ? num * num / den * focal * focal : 0;
    }
}
