namespace CamReview.Core;

/// <summary>
/// Closed-form two-view helpers for the camera path (pure math, no I/O). Relative poses here use OpenCV's
/// convention x2 = R x1 + t (a point in camera-1 coordinates into camera 2); <see cref="ToCameraMotion"/> converts
/// to CamReview's pose convention (camera 2's orientation and centre in camera-1 coordinates).
/// </summary>
public static class TwoViewMath
{
    /// <summary>
    /// Inverse z-depth rho = 1/Z1 of a correspondence in camera 1, with |t| = 1 (so Z1 is in units of the baseline).
    /// <paramref name="ray1"/>, <paramref name="ray2"/>: normalized image points (x, y, 1) = K^-1 (u, v, 1).
    /// From Z1 (R x1) + t parallel to x2: a + rho b = 0 with a = x2 x (R x1), b = x2 x t, solved in least squares for
    /// rho = -(a.b)/(b.b). Unlike solving for Z1, this stays finite and near 0 for distant points and pure rotations
    /// (a -&gt; 0), so noise makes far points slightly negative rather than flipping them to huge depths.
    /// <paramref name="baselineSine"/> = |b| / |x2| (sine of the angle between the ray and the translation): near 0
    /// close to the epipole, where depth is not observable.
    /// </summary>
    public static double InverseDepth(Vec3 ray1, Vec3 ray2, Mat3 rotation, Vec3 translation, out double baselineSine)
    {
        Vec3 a = ray2.Cross(rotation * ray1);
        Vec3 b = ray2.Cross(translation);
        double bb = b.Dot(b);
        baselineSine = Math.Sqrt(bb) / (ray2.Norm * Math.Max(translation.Norm, double.Epsilon));
        return bb > 0 ? -a.Dot(b) / bb : double.NaN;
    }

    /// <summary>
    /// OpenCV relative pose (x2 = R x1 + t) as camera 2's orientation in camera-1 coordinates (R^T) and the unit
    /// direction of camera 2's centre in camera-1 coordinates (-R^T t, normalized).
    /// </summary>
    public static (Mat3 Orientation, Vec3 CentreDirection) ToCameraMotion(Mat3 rotation, Vec3 translation)
    {
        Mat3 rt = rotation.Transpose();
        return (rt, (-(rt * translation)).Normalized());
    }

    /// <summary>
    /// Decomposes a parallax-free homography (pixels of frame 1 into frame 2; H = K diag(s, s, 1) R^T K^-1 with
    /// R = camera 2's orientation in camera-1 coordinates and s its focal-length ratio, docs/motion-classes.md) into R
    /// and s: M = K^-1 H K (scaled to det 1 then to rows of D R^T), s = mean length of rows 0 and 1 over row 2,
    /// R^T = nearest rotation to D^-1 M. Null when H is singular, non-finite, or mirrors.
    /// </summary>
    public static (Mat3 Orientation, double FocalScale)? DecomposeRotationHomography(Mat3 homography, Intrinsics k)
    {
        Mat3 m = k.InverseMatrix * homography * k.Matrix;
        if (!m.IsFinite) return null;
        double det = m.Determinant();
        if (!(det > 0) || !double.IsFinite(det)) return null;
        m = m * (1 / Math.Cbrt(det));
        double r0 = RowNorm(m, 0), r1 = RowNorm(m, 1), r2 = RowNorm(m, 2);
        if (!(r2 > 0)) return null;
        double s = (r0 + r1) / 2 / r2;
        Mat3 rt = Mat3.Diagonal(1 / s, 1 / s, 1) * m;
        var rotT = NearestRotation(rt);
        if (rotT is null) return null;
        return (rotT.Value.Transpose(), s);
    }

    /// <summary>
    /// The rotation nearest to <paramref name="m"/> (orthogonal polar factor) by Newton's iteration
    /// X &lt;- (X + X^-T) / 2, which converges quadratically for det &gt; 0. Null for det &lt;= 0 or no convergence.
    /// </summary>
    public static Mat3? NearestRotation(Mat3 m)
    {
        if (!(m.Determinant() > 0)) return null;
        Mat3 x = m;
        for (int i = 0; i < 50; i++)
        {
            if (!x.TryInverse(out var inv)) return null;
            Mat3 next = 0.5 * (x + inv.Transpose());
            double change = next.MaxAbsDifference(x);
            x = next;
            if (change < 1e-14) break;
        }
        return x.IsFinite ? x : null;
    }

    /// <summary>Median of the values (mean of the two middle ones for an even count); NaN for none. Sorts a copy.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var a = values.ToArray();
        if (a.Length == 0) return double.NaN;
        Array.Sort(a);
        int h = a.Length / 2;
        return a.Length % 2 == 1 ? a[h] : (a[h - 1] + a[h]) / 2;
    }

    private static double RowNorm(Mat3 m, int r) => Math.Sqrt(m[r, 0] * m[r, 0] + m[r, 1] * m[r, 1] + m[r, 2] * m[r, 2]);
}
