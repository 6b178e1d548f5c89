namespace CamReview.Core;

/// <summary>
/// Levenberg-Marquardt refinement of a relative pose (OpenCV form x2 = R x1 + t, |t| = 1) on correspondences in
/// normalized image coordinates, minimizing the sum of squared Sampson distances of E = [t]x R. A robust fit's
/// model comes from a minimal sample; polishing it on all inliers removes most of the rotation/translation
/// trade-off (bas-relief ambiguity) that small per-frame motions suffer from. Parameters: a rotation increment
/// (R = exp([w]x) R0) and two tangent coordinates of t on the unit sphere; numeric Jacobian (5 columns, forward differences).
/// </summary>
public static class EssentialRefinement
{
    /// <summary>Sampson distance (normalized units) of a correspondence under E.</summary>
    public static double Sampson(Mat3 e, Vec3 x1, Vec3 x2)
    {
        Vec3 ex1 = e * x1;
        Vec3 etx2 = e.Transpose() * x2;
        double num = x2.Dot(ex1);
        double den = ex1.X * ex1.X + ex1.Y * ex1.Y + etx2.X * etx2.X + etx2.Y * etx2.Y;
        return den > 0 ? num / Math.Sqrt(den) : 0;
    }

    /// <summary>E = [t]x R.</summary>
    public static Mat3 Essential(Mat3 r, Vec3 t) => new Mat3(0, -t.Z, t.Y, t.Z, 0, -t.X, -t.Y, t.X, 0) * r;

    /// <summary>
    /// Refined (R, t) and the final RMS Sampson distance; returns the input when it cannot improve it.
    /// <paramref name="cauchyScale"/> &gt; 0 makes the cost robust (Cauchy: s^2 ln(1 + r^2 / s^2), normalized units;
    /// solved by iteratively reweighted least squares); 0 = plain least squares.
    /// </summary>
    public static (Mat3 Rotation, Vec3 Translation, double Rms) Refine(Mat3 rotation, Vec3 translation, IReadOnlyList<Vec3> x1, IReadOnlyList<Vec3> x2,
        int maxIterations = 15, double cauchyScale = 0)
    {
        ArgumentNullException.ThrowIfNull(x1);
        ArgumentNullException.ThrowIfNull(x2);
        int n = x1.Count;
        Mat3 r = rotation;
        Vec3 t = translation.Normalized();
        var res = new double[n];
        double s2 = cauchyScale * cauchyScale;
        double cost = Cost(r, t, x1, x2, res, s2);
        if (n < 6 || !double.IsFinite(cost)) return (r, t, Math.Sqrt(cost / Math.Max(n, 1)));
        double lambda = 1e-3;
        var jac = new double[n * 5];
        var trial = new double[n];
        for (int it = 0; it < maxIterations; it++)
        {
            // Forward differences from the residuals at the current pose (half the cost of central ones; at this
            // step the truncation error is far below the noise of the correspondences).
            const double h = 1e-7;
            for (int p = 0; p < 5; p++)
            {
                var (rp, tp) = Apply(r, t, p, h);
                Mat3 ep = Essential(rp, tp);
                for (int i = 0; i < n; i++) jac[i * 5 + p] = (Sampson(ep, x1[i], x2[i]) - res[i]) / h;
            }
            // Normal equations J^T J d = -J^T r
            var jtj = new double[25];
            var jtr = new double[5];
            for (int i = 0; i < n; i++)
            {
                double w = s2 > 0 ? 1 / (1 + res[i] * res[i] / s2) : 1;
                for (int a = 0; a < 5; a++)
                {
                    double ja = jac[i * 5 + a] * w;
                    jtr[a] += ja * res[i];
                    for (int b = 0; b < 5; b++) jtj[a * 5 + b] += ja * jac[i * 5 + b];
                }
            }
            bool improved = false;
            for (int attempt = 0; attempt < 8 && !improved; attempt++)
            {
                var m = (double[])jtj.Clone();
                for (int a = 0; a < 5; a++) m[a * 5 + a] += lambda * Math.Max(jtj[a * 5 + a], 1e-12);
                var rhs = jtr.Select(v => -v).ToArray();
                if (!Solve5(m, rhs)) { lambda *= 10; continue; }
                var (rn, tn) = (r, t);
                for (int p = 0; p < 5; p++) (rn, tn) = Apply(rn, tn, p, rhs[p]);
                double c = Cost(rn, tn, x1, x2, trial, s2);
                if (c < cost)
                {
                    bool converged = cost - c < 1e-6 * cost;
                    (r, t, cost) = (rn, tn, c);
                    Array.Copy(trial, res, n);
                    lambda = Math.Max(lambda / 10, 1e-9);
                    improved = true;
                    if (converged) return (Orthonormal(r), t, Math.Sqrt(cost / n));
                }
                else lambda *= 10;
            }
            if (!improved) break;
        }
        return (Orthonormal(r), t, Math.Sqrt(cost / n));
    }

    private static Mat3 Orthonormal(Mat3 r) => TwoViewMath.NearestRotation(r) ?? r;

    private static double Cost(Mat3 r, Vec3 t, IReadOnlyList<Vec3> x1, IReadOnlyList<Vec3> x2, double[] res, double s2)
    {
        Mat3 e = Essential(r, t);
        double c = 0;
        for (int i = 0; i < x1.Count; i++)
        {
            res[i] = Sampson(e, x1[i], x2[i]);
            c += s2 > 0 ? s2 * Math.Log(1 + res[i] * res[i] / s2) : res[i] * res[i];
        }
        return c;
    }

    /// <summary>Parameter p (0..2: rotation about x/y/z applied on the left; 3..4: tangent moves of t) changed by delta.</summary>
    private static (Mat3, Vec3) Apply(Mat3 r, Vec3 t, int p, double delta)
    {
        if (p < 3)
        {
            double deg = delta * 180 / Math.PI;
            Mat3 dr = p == 0 ? Rotations.FromRotationVectorDegrees(deg, 0, 0) : p == 1 ? Rotations.FromRotationVectorDegrees(0, deg, 0) : Rotations.FromRotationVectorDegrees(0, 0, deg);
            return (dr * r, t);
        }
        // Tangent basis of t.
        Vec3 helper = Math.Abs(t.X) < 0.9 ? new Vec3(1, 0, 0) : new Vec3(0, 1, 0);
        Vec3 b1 = t.Cross(helper).Normalized();
        Vec3 b2 = t.Cross(b1).Normalized();
        return (r, (t + delta * (p == 3 ? b1 : b2)).Normalized());
    }

    /// <summary>Gaussian elimination with partial pivoting on a 5x5 system (in place; solution in b).</summary>
    private static bool Solve5(double[] a, double[] b)
    {
        const int n = 5;
        for (int c = 0; c < n; c++)
        {
            int piv = c;
            for (int r = c + 1; r < n; r++) if (Math.Abs(a[r * n + c]) > Math.Abs(a[piv * n + c])) piv = r;
            if (!(Math.Abs(a[piv * n + c]) > 1e-300)) return false;
            if (piv != c)
            {
                for (int k = 0; k < n; k++) (a[c * n + k], a[piv * n + k]) = (a[piv * n + k], a[c * n + k]);
                (b[c], b[piv]) = (b[piv], b[c]);
            }
            for (int r = c + 1; r < n; r++)
            {
                double f = a[r * n + c] / a[c * n + c];
                for (int k = c; k < n; k++) a[r * n + k] -= f * a[c * n + k];
                b[r] -= f * b[c];
            }
        }
        for (int r = n - 1; r >= 0; r--)
        {
            double s = b[r];
            for (int k = r + 1; k < n; k++) s -= a[r * n + k] * b[k];
            b[r] = s / a[r * n + r];
        }
        return b.All(double.IsFinite);
    }
}
