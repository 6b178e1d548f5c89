namespace CamReview.Core;

/// <summary>One image observation of a scene point: camera index, point index, normalized ray coordinates K^-1 (u, v, 1).</summary>
public readonly record struct BundleObservation(int Camera, int Point, double X, double Y);

/// <summary>
/// A bundle-adjustment problem. Camera c maps a scene point X to camera coordinates R_c (X - C_{CentreOf[c]})
/// (R_c: scene axes into camera axes); several cameras may share one centre variable, which is how a
/// rotation-only stretch keeps its translation at exactly zero. The gauge (origin, axes) is fixed by the cameras
/// and centres marked fixed; the scale is left free and kept by the damping (callers rescale afterwards).
/// </summary>
public sealed class BundleProblem
{
    public required Mat3[] Rotations { get; init; }
    public required Vec3[] Centres { get; init; }
    public required int[] CentreOf { get; init; }
    public required bool[] RotationFixed { get; init; }
    public required bool[] CentreFixed { get; init; }
    public required Vec3[] Points { get; init; }
    public required IReadOnlyList<BundleObservation> Observations { get; init; }

    /// <summary>True to hold every point where it is and refine the cameras only (registration of a frame on known points).</summary>
    public bool PointsFixed { get; init; }

    /// <summary>Focal lengths (pixels) that turn normalized residuals into pixels.</summary>
    public required double Fx { get; init; }

    /// <inheritdoc cref="Fx"/>
    public required double Fy { get; init; }
}

/// <summary>Outcome of <see cref="BundleAdjustment.Solve"/>: iterations run and the robust cost before and after (pixels^2).</summary>
public readonly record struct BundleResult(int Iterations, double InitialCost, double FinalCost);

/// <summary>
/// Levenberg-Marquardt bundle adjustment of cameras (rotation increments R &lt;- exp([w]x) R, centres) and points
/// with a Cauchy loss on the pixel reprojection residuals (iteratively reweighted), exploiting the sparse structure:
/// the 3x3 point blocks are eliminated with the Schur complement and the reduced camera system is solved densely
/// by Cholesky (its size is 3 x (free rotations + free centres), small for the keyframes of a clip).
/// </summary>
public static class BundleAdjustment
{
    /// <summary>Projection of scene point <paramref name="x"/> by camera (r, c) in normalized coordinates; false behind the camera.</summary>
    public static bool Project(Mat3 r, Vec3 c, Vec3 x, out double u, out double v)
    {
        Vec3 p = r * (x - c);
        if (!(p.Z > 1e-9)) { u = v = double.NaN; return false; }
        u = p.X / p.Z;
        v = p.Y / p.Z;
        return true;
    }

    /// <summary>exp([w]x) for a small rotation vector w (radians).</summary>
    public static Mat3 Exp(double wx, double wy, double wz)
    {
        double deg = 180.0 / Math.PI;
        return CamReview.Core.Rotations.FromRotationVectorDegrees(wx * deg, wy * deg, wz * deg);
    }

    /// <summary>Cauchy cost of one squared pixel residual with scale s: s^2 ln(1 + r^2 / s^2).</summary>
    private static double Rho(double r2, double s2) => s2 * Math.Log(1 + r2 / s2);

    /// <summary>Robust cost of the whole problem (pixels^2).</summary>
    public static double Cost(BundleProblem p, double robustScalePixels)
    {
        double s2 = robustScalePixels * robustScalePixels, cost = 0;
        foreach (var o in p.Observations)
            cost += Residual(p, o, out _, out _) is double r2 ? Rho(r2, s2) : 0;
        return cost;
    }

    private static double? Residual(BundleProblem p, BundleObservation o, out double ex, out double ey)
    {
        if (!Project(p.Rotations[o.Camera], p.Centres[p.CentreOf[o.Camera]], p.Points[o.Point], out double u, out double v))
        {
            ex = ey = 0;
            return null;
        }
        ex = (u - o.X) * p.Fx;
        ey = (v - o.Y) * p.Fy;
        return ex * ex + ey * ey;
    }

    /// <summary>
    /// Refines the problem in place. Observations behind their camera are ignored in that iteration. Stops after
    /// <paramref name="maxIterations"/> accepted or rejected steps, or when the cost changes by less than 1e-7 of itself.
    /// </summary>
    public static BundleResult Solve(BundleProblem p, int maxIterations = 30, double robustScalePixels = 1.0)
    {
        ArgumentNullException.ThrowIfNull(p);
        int nc = p.Rotations.Length, nv = p.Centres.Length, np = p.Points.Length;
        // Parameter layout of the reduced (camera) system: 3 per free rotation, then 3 per free centre.
        var rotIndex = new int[nc];
        var centreIndex = new int[nv];
        int size = 0;
        for (int c = 0; c < nc; c++) rotIndex[c] = p.RotationFixed[c] ? -1 : (size += 3) - 3;
        for (int v = 0; v < nv; v++) centreIndex[v] = p.CentreFixed[v] ? -1 : (size += 3) - 3;
        var byPoint = new List<int>[np];
        for (int j = 0; j < np; j++) byPoint[j] = [];
        for (int i = 0; i < p.Observations.Count; i++) byPoint[p.Observations[i].Point].Add(i);

        double s2 = robustScalePixels * robustScalePixels;
        double cost = Cost(p, robustScalePixels), initial = cost, lambda = 1e-4;
        int nObs = p.Observations.Count;
        var jc = new double[nObs * 12];   // 2 x 6 camera Jacobian (rotation, centre) per observation
        var jp = new double[nObs * 6];    // 2 x 3 point Jacobian
        var res = new double[nObs * 2];
        var wts = new double[nObs];
        var u = new double[size * size];
        var g = new double[size];
        var vBlocks = new double[np * 9];
        var gp = new double[np * 3];
        var wBlocks = new double[nObs * 18]; // 6 x 3 per observation: w Jc^T Jp
        Span<int> idx = stackalloc int[6];
        Span<int> ia = stackalloc int[6];
        Span<int> ib = stackalloc int[6];
        Span<double> vd = stackalloc double[9];
        Span<double> vg = stackalloc double[3];
        Span<double> wv = stackalloc double[18];
        Span<double> t = stackalloc double[3];
        int it = 0;
        for (; it < maxIterations; it++)
        {
            Linearize(p, s2, jc, jp, res, wts);
            Array.Clear(u);
            Array.Clear(g);
            Array.Clear(vBlocks);
            Array.Clear(gp);
            for (int i = 0; i < nObs; i++)
            {
                double w = wts[i];
                if (w == 0) continue;
                var o = p.Observations[i];
                Indices(rotIndex[o.Camera], centreIndex[p.CentreOf[o.Camera]], idx);
                for (int a = 0; a < 6; a++)
                {
                    if (idx[a] < 0) continue;
                    double ga = 0;
                    for (int r = 0; r < 2; r++) ga += jc[i * 12 + r * 6 + a] * res[i * 2 + r];
                    g[idx[a]] -= w * ga;
                    for (int b = 0; b < 6; b++)
                    {
                        if (idx[b] < 0) continue;
                        double s = 0;
                        for (int r = 0; r < 2; r++) s += jc[i * 12 + r * 6 + a] * jc[i * 12 + r * 6 + b];
                        u[idx[a] * size + idx[b]] += w * s;
                    }
                    for (int b = 0; b < 3; b++)
                    {
                        double s = 0;
                        for (int r = 0; r < 2; r++) s += jc[i * 12 + r * 6 + a] * jp[i * 6 + r * 3 + b];
                        wBlocks[i * 18 + a * 3 + b] = w * s;
                    }
                }
                int j = o.Point;
                for (int a = 0; a < 3; a++)
                {
                    double ga = 0;
                    for (int r = 0; r < 2; r++) ga += jp[i * 6 + r * 3 + a] * res[i * 2 + r];
                    gp[j * 3 + a] -= w * ga;
                    for (int b = 0; b < 3; b++)
                    {
                        double s = 0;
                        for (int r = 0; r < 2; r++) s += jp[i * 6 + r * 3 + a] * jp[i * 6 + r * 3 + b];
                        vBlocks[j * 9 + a * 3 + b] += w * s;
                    }
                }
            }

            // Damped Schur complement: S = U* - sum_j W_j V*_j^-1 W_j^T, rhs = g - sum_j W_j V*_j^-1 gp_j.
            var schur = new double[size * size];
            var rhs = (double[])g.Clone();
            for (int k = 0; k < size * size; k++) schur[k] = u[k];
            for (int k = 0; k < size; k++) schur[k * size + k] += lambda * Math.Max(u[k * size + k], 1e-9);
            var vInv = new double[np * 9];
            var okPoint = new bool[np];
            for (int j = 0; j < np && !p.PointsFixed; j++)
            {
                for (int k = 0; k < 9; k++) vd[k] = vBlocks[j * 9 + k];
                for (int k = 0; k < 3; k++) vd[k * 4] += lambda * Math.Max(vBlocks[j * 9 + k * 4], 1e-9) + 1e-12;
                if (!Invert3(vd, vInv.AsSpan(j * 9, 9))) continue;
                okPoint[j] = true;
                var obs = byPoint[j];
                Mul3(vInv.AsSpan(j * 9, 9), gp.AsSpan(j * 3, 3), vg);
                foreach (int oa in obs)
                {
                    if (wts[oa] == 0) continue;
                    var a = p.Observations[oa];
                    Indices(rotIndex[a.Camera], centreIndex[p.CentreOf[a.Camera]], ia);
                    // Wa V^-1 (6 x 3)
                    for (int r = 0; r < 6; r++)
                    for (int c = 0; c < 3; c++)
                    {
                        double acc = 0;
                        for (int k = 0; k < 3; k++) acc += wBlocks[oa * 18 + r * 3 + k] * vInv[j * 9 + k * 3 + c];
                        wv[r * 3 + c] = acc;
                    }
                    for (int r = 0; r < 6; r++)
                    {
                        if (ia[r] < 0) continue;
                        rhs[ia[r]] -= wBlocks[oa * 18 + r * 3] * vg[0] + wBlocks[oa * 18 + r * 3 + 1] * vg[1] + wBlocks[oa * 18 + r * 3 + 2] * vg[2];
                    }
                    foreach (int ob in obs)
                    {
                        if (wts[ob] == 0) continue;
                        var b = p.Observations[ob];
                        Indices(rotIndex[b.Camera], centreIndex[p.CentreOf[b.Camera]], ib);
                        for (int r = 0; r < 6; r++)
                        {
                            if (ia[r] < 0) continue;
                            for (int c = 0; c < 6; c++)
                            {
                                if (ib[c] < 0) continue;
                                double acc = wv[r * 3] * wBlocks[ob * 18 + c * 3] + wv[r * 3 + 1] * wBlocks[ob * 18 + c * 3 + 1] + wv[r * 3 + 2] * wBlocks[ob * 18 + c * 3 + 2];
                                schur[ia[r] * size + ib[c]] -= acc;
                            }
                        }
                    }
                }
            }
            var dc = new double[size];
            if (size > 0 && !DenseCholesky.Solve(schur, rhs, dc, size))
            {
                lambda *= 10;
                if (lambda > 1e8) break;
                continue;
            }
            // Back-substitution for the points: dp_j = V*_j^-1 (gp_j - sum W_a^T dc_a).
            var dp = new double[np * 3];
            for (int j = 0; j < np && !p.PointsFixed; j++)
            {
                if (!okPoint[j]) continue;
                for (int k = 0; k < 3; k++) t[k] = gp[j * 3 + k];
                foreach (int oa in byPoint[j])
                {
                    if (wts[oa] == 0) continue;
                    var a = p.Observations[oa];
                    Indices(rotIndex[a.Camera], centreIndex[p.CentreOf[a.Camera]], ia);
                    for (int r = 0; r < 6; r++)
                    {
                        if (ia[r] < 0) continue;
                        for (int k = 0; k < 3; k++) t[k] -= wBlocks[oa * 18 + r * 3 + k] * dc[ia[r]];
                    }
                }
                Mul3(vInv.AsSpan(j * 9, 9), t, dp.AsSpan(j * 3, 3));
            }
            var saved = (Rotations: (Mat3[])p.Rotations.Clone(), Centres: (Vec3[])p.Centres.Clone(), Points: (Vec3[])p.Points.Clone());
            for (int c = 0; c < nc; c++)
                if (rotIndex[c] >= 0)
                {
                    int o = rotIndex[c];
                    p.Rotations[c] = Exp(dc[o], dc[o + 1], dc[o + 2]) * p.Rotations[c];
                }
            for (int v = 0; v < nv; v++)
                if (centreIndex[v] >= 0)
                {
                    int o = centreIndex[v];
                    p.Centres[v] += new Vec3(dc[o], dc[o + 1], dc[o + 2]);
                }
            for (int j = 0; j < np; j++) p.Points[j] += new Vec3(dp[j * 3], dp[j * 3 + 1], dp[j * 3 + 2]);
            double next = Cost(p, robustScalePixels);
            if (double.IsFinite(next) && next < cost)
            {
                bool converged = cost - next < 1e-7 * cost;
                cost = next;
                lambda = Math.Max(lambda / 10, 1e-9);
                if (converged) { it++; break; }
            }
            else
            {
                saved.Rotations.CopyTo(p.Rotations, 0);
                saved.Centres.CopyTo(p.Centres, 0);
                saved.Points.CopyTo(p.Points, 0);
                lambda *= 10;
                if (lambda > 1e8) break;
            }
        }
        return new BundleResult(it, initial, cost);
    }

    private static void Indices(int rot, int centre, Span<int> idx)
    {
        for (int k = 0; k < 3; k++)
        {
            idx[k] = rot < 0 ? -1 : rot + k;
            idx[3 + k] = centre < 0 ? -1 : centre + k;
        }
    }

    /// <summary>Residuals, Jacobians and IRLS weights of every observation (weight 0 behind the camera).</summary>
    private static void Linearize(BundleProblem p, double s2, double[] jc, double[] jp, double[] res, double[] wts)
    {
        for (int i = 0; i < p.Observations.Count; i++)
        {
            var o = p.Observations[i];
            Mat3 r = p.Rotations[o.Camera];
            Vec3 x = r * (p.Points[o.Point] - p.Centres[p.CentreOf[o.Camera]]);
            if (!(x.Z > 1e-9)) { wts[i] = 0; continue; }
            double iz = 1 / x.Z;
            double ex = (x.X * iz - o.X) * p.Fx, ey = (x.Y * iz - o.Y) * p.Fy;
            res[i * 2] = ex;
            res[i * 2 + 1] = ey;
            wts[i] = 1 / (1 + (ex * ex + ey * ey) / s2);
            // d(pixel residual)/d(camera point): P (2 x 3)
            double p00 = p.Fx * iz, p02 = -p.Fx * x.X * iz * iz, p11 = p.Fy * iz, p12 = -p.Fy * x.Y * iz * iz;
            // rotation: dXc/dw = -[Xc]x = [[0, z, -y], [-z, 0, x], [y, -x, 0]]
            jc[i * 12 + 0] = p02 * x.Y;
            jc[i * 12 + 1] = p00 * x.Z - p02 * x.X;
            jc[i * 12 + 2] = -p00 * x.Y;
            jc[i * 12 + 6] = -p11 * x.Z + p12 * x.Y;
            jc[i * 12 + 7] = -p12 * x.X;
            jc[i * 12 + 8] = p11 * x.X;
            // point: P R; centre: -P R
            for (int c = 0; c < 3; c++)
            {
                double a = p00 * r[0, c] + p02 * r[2, c];
                double b = p11 * r[1, c] + p12 * r[2, c];
                jp[i * 6 + c] = a;
                jp[i * 6 + 3 + c] = b;
                jc[i * 12 + 3 + c] = -a;
                jc[i * 12 + 9 + c] = -b;
            }
        }
    }

    private static void Mul3(ReadOnlySpan<double> m, ReadOnlySpan<double> v, Span<double> o)
    {
        for (int r = 0; r < 3; r++) o[r] = m[r * 3] * v[0] + m[r * 3 + 1] * v[1] + m[r * 3 + 2] * v[2];
    }

    private static bool Invert3(ReadOnlySpan<double> m, Span<double> inv)
    {
        double a = m[0], b = m[1], c = m[2], d = m[3], e = m[4], f = m[5], g = m[6], h = m[7], i = m[8];
        double det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g);
        if (!(Math.Abs(det) > 1e-300) || !double.IsFinite(det)) return false;
        double k = 1 / det;
        inv[0] = (e * i - f * h) * k; inv[1] = (c * h - b * i) * k; inv[2] = (b * f - c * e) * k;
        inv[3] = (f * g - d * i) * k; inv[4] = (a * i - c * g) * k; inv[5] = (c * d - a * f) * k;
        inv[6] = (d * h - e * g) * k; inv[7] = (b * g - a * h) * k; inv[8] = (a * e - b * d) * k;
        return true;
    }
}

/// <summary>Cholesky solve of a dense symmetric positive-definite system (row-major n x n).</summary>
public static class DenseCholesky
{
    /// <summary>Solves A x = b; false when A is not positive definite. A is left unchanged.</summary>
    public static bool Solve(double[] a, double[] b, double[] x, int n)
    {
        var l = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double s = a[i * n + j];
                for (int k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
                if (i == j)
                {
                    if (!(s > 0)) return false;
                    l[i * n + i] = Math.Sqrt(s);
                }
                else l[i * n + j] = s / l[j * n + j];
            }
        }
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            double s = b[i];
            for (int k = 0; k < i; k++) s -= l[i * n + k] * y[k];
            y[i] = s / l[i * n + i];
        }
        for (int i = n - 1; i >= 0; i--)
        {
            double s = y[i];
            for (int k = i + 1; k < n; k++) s -= l[k * n + i] * x[k];
            x[i] = s / l[i * n + i];
        }
        return true;
    }
}
