using System.Globalization;
using System.Text.Json.Serialization;

namespace CamReview.Core;

/// <summary>A point in the image plane (pixels or normalized units, depending on context).</summary>
public readonly record struct Point2(double X, double Y);

/// <summary>
/// Immutable 3x3 matrix of doubles, row-major (<c>M01</c> is row 0, column 1).
/// Used for homographies, intrinsics and rotations. Hand-written rather than MathNet because every
/// operation here is closed-form for 3x3 and a value type avoids allocation in per-frame loops.
/// JSON (System.Text.Json): rows <c>[[a,b,c],[d,e,f],[g,h,i]]</c> via <see cref="Mat3JsonConverter"/>.
/// </summary>
[JsonConverter(typeof(Mat3JsonConverter))]
public readonly struct Mat3 : IEquatable<Mat3>
{
    /// <summary>
    /// <see cref="ScaledToUnitCorner"/> refuses when |[2,2]| is at most this times the Frobenius norm:
    /// the matrix then sends the origin (near) to infinity, and dividing by [2,2] would only amplify noise.
    /// Relative, so that pixel homographies with large translation entries are not rejected.
    /// </summary>
    public const double UnitCornerRelativeEpsilon = 1e-10;

    /// <summary>Determinants at most this (relative to the cube of the Frobenius norm) count as singular.</summary>
    public const double SingularRelativeEpsilon = 1e-14;

    public readonly double M00, M01, M02, M10, M11, M12, M20, M21, M22;

    public Mat3(double m00, double m01, double m02,
                double m10, double m11, double m12,
                double m20, double m21, double m22)
    {
        M00 = m00; M01 = m01; M02 = m02;
        M10 = m10; M11 = m11; M12 = m12;
        M20 = m20; M21 = m21; M22 = m22;
    }

    public static Mat3 Identity { get; } = new(1, 0, 0, 0, 1, 0, 0, 0, 1);
    public static Mat3 Zero { get; } = default;

    /// <summary>Element access, row then column, both 0..2.</summary>
    public double this[int row, int col] => (row * 3 + col) switch
    {
        0 => M00, 1 => M01, 2 => M02,
        3 => M10, 4 => M11, 5 => M12,
        6 => M20, 7 => M21, 8 => M22,
        _ => throw new ArgumentOutOfRangeException(row is < 0 or > 2 ? nameof(row) : nameof(col)),
    };

    // ---------- construction helpers ----------

    public static Mat3 Diagonal(double a, double b, double c) => new(a, 0, 0, 0, b, 0, 0, 0, c);
    public static Mat3 Translation(double tx, double ty) => new(1, 0, tx, 0, 1, ty, 0, 0, 1);
    public static Mat3 Scaling(double sx, double sy) => new(sx, 0, 0, 0, sy, 0, 0, 0, 1);

    /// <summary>
    /// In-plane rotation by <paramref name="degrees"/> about the origin, as the matrix [[c,-s,0],[s,c,0],[0,0,1]].
    /// With image axes (x right, y down) a positive angle turns content clockwise on screen.
    /// </summary>
    public static Mat3 Rotation2D(double degrees)
    {
        double a = degrees * Math.PI / 180.0, c = Math.Cos(a), s = Math.Sin(a);
        return new(c, -s, 0, s, c, 0, 0, 0, 1);
    }

    /// <summary>From 9 values in row-major order.</summary>
    public static Mat3 FromArray(ReadOnlySpan<double> v)
    {
        if (v.Length != 9) throw new ArgumentException($"expected 9 values, got {v.Length}", nameof(v));
        return new(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8]);
    }

    /// <summary>From 9 values in row-major order.</summary>
    public static Mat3 FromArray(double[] v) => FromArray((ReadOnlySpan<double>)(v ?? throw new ArgumentNullException(nameof(v))));

    /// <summary>From rows <c>[[a,b,c],[d,e,f],[g,h,i]]</c> (the JSON shape used by the CLI and API).</summary>
    public static Mat3 FromJagged(double[][] rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        if (rows.Length != 3 || rows.Any(r => r is null || r.Length != 3))
            throw new ArgumentException("expected 3 rows of 3 values", nameof(rows));
        return new(rows[0][0], rows[0][1], rows[0][2],
                   rows[1][0], rows[1][1], rows[1][2],
                   rows[2][0], rows[2][1], rows[2][2]);
    }

    /// <summary>9 values in row-major order.</summary>
    public double[] ToArray() => [M00, M01, M02, M10, M11, M12, M20, M21, M22];

    /// <summary>Rows <c>[[a,b,c],[d,e,f],[g,h,i]]</c>, ready for JSON serialization.</summary>
    public double[][] ToJagged() => [[M00, M01, M02], [M10, M11, M12], [M20, M21, M22]];

    // ---------- algebra ----------

    public static Mat3 operator *(Mat3 a, Mat3 b) => new(
        a.M00 * b.M00 + a.M01 * b.M10 + a.M02 * b.M20,
        a.M00 * b.M01 + a.M01 * b.M11 + a.M02 * b.M21,
        a.M00 * b.M02 + a.M01 * b.M12 + a.M02 * b.M22,
        a.M10 * b.M00 + a.M11 * b.M10 + a.M12 * b.M20,
        a.M10 * b.M01 + a.M11 * b.M11 + a.M12 * b.M21,
        a.M10 * b.M02 + a.M11 * b.M12 + a.M12 * b.M22,
        a.M20 * b.M00 + a.M21 * b.M10 + a.M22 * b.M20,
        a.M20 * b.M01 + a.M21 * b.M11 + a.M22 * b.M21,
        a.M20 * b.M02 + a.M21 * b.M12 + a.M22 * b.M22);

    public static Mat3 operator *(double k, Mat3 a) => new(
        k * a.M00, k * a.M01, k * a.M02, k * a.M10, k * a.M11, k * a.M12, k * a.M20, k * a.M21, k * a.M22);

    public static Mat3 operator *(Mat3 a, double k) => k * a;

    public static Mat3 operator +(Mat3 a, Mat3 b) => new(
        a.M00 + b.M00, a.M01 + b.M01, a.M02 + b.M02,
        a.M10 + b.M10, a.M11 + b.M11, a.M12 + b.M12,
        a.M20 + b.M20, a.M21 + b.M21, a.M22 + b.M22);

    public static Mat3 operator -(Mat3 a, Mat3 b) => a + (-1.0 * b);

    public Mat3 Multiply(Mat3 other) => this * other;

    public Mat3 Transpose() => new(M00, M10, M20, M01, M11, M21, M02, M12, M22);

    public double Trace => M00 + M11 + M22;

    public double Determinant() =>
        M00 * (M11 * M22 - M12 * M21)
        - M01 * (M10 * M22 - M12 * M20)
        + M02 * (M10 * M21 - M11 * M20);

    /// <summary>Inverse via the adjugate; false when the matrix is (numerically) singular or not finite.</summary>
    public bool TryInverse(out Mat3 inverse)
    {
        inverse = default;
        if (!IsFinite) return false;
        double det = Determinant();
        double f = FrobeniusNorm();
        // Scale-aware singularity test: det scales with the cube of the entries.
        if (f == 0 || Math.Abs(det) <= SingularRelativeEpsilon * f * f * f) return false;
        double k = 1.0 / det;
        inverse = new Mat3(
            (M11 * M22 - M12 * M21) * k, (M02 * M21 - M01 * M22) * k, (M01 * M12 - M02 * M11) * k,
            (M12 * M20 - M10 * M22) * k, (M00 * M22 - M02 * M20) * k, (M02 * M10 - M00 * M12) * k,
            (M10 * M21 - M11 * M20) * k, (M01 * M20 - M00 * M21) * k, (M00 * M11 - M01 * M10) * k);
        return true;
    }

    /// <summary>Inverse; throws <see cref="InvalidOperationException"/> when singular.</summary>
    public Mat3 Inverse() =>
        TryInverse(out var inv) ? inv : throw new InvalidOperationException("matrix is singular or not finite");

    public double FrobeniusNorm() => Math.Sqrt(FrobeniusNormSquared());

    public double FrobeniusNormSquared() =>
        M00 * M00 + M01 * M01 + M02 * M02 + M10 * M10 + M11 * M11 + M12 * M12 + M20 * M20 + M21 * M21 + M22 * M22;

    /// <summary>||a - b||_F.</summary>
    public static double FrobeniusDistance(Mat3 a, Mat3 b) => Math.Sqrt(FrobeniusDistanceSquared(a, b));

    /// <summary>||a - b||_F^2, the per-pair term of CameraScore.</summary>
    public static double FrobeniusDistanceSquared(Mat3 a, Mat3 b) => (a - b).FrobeniusNormSquared();

    public bool IsFinite =>
        double.IsFinite(M00) && double.IsFinite(M01) && double.IsFinite(M02) &&
        double.IsFinite(M10) && double.IsFinite(M11) && double.IsFinite(M12) &&
        double.IsFinite(M20) && double.IsFinite(M21) && double.IsFinite(M22);

    // ---------- homography helpers ----------

    /// <summary>
    /// Divides by [2,2] so that [2,2] = 1, the canonical scale of a homography (CamMimic compares
    /// homographies entry-wise, so both sides must share this scale). False when |[2,2]| is tiny relative
    /// to the matrix (<see cref="UnitCornerRelativeEpsilon"/>) or the matrix is not finite.
    /// </summary>
    public bool TryScaleToUnitCorner(out Mat3 scaled)
    {
        scaled = default;
        if (!IsFinite) return false;
        double f = FrobeniusNorm();
        if (f == 0 || Math.Abs(M22) <= UnitCornerRelativeEpsilon * f) return false;
        scaled = (1.0 / M22) * this;
        return true;
    }

    /// <summary>As <see cref="TryScaleToUnitCorner"/>, throwing <see cref="InvalidOperationException"/> on failure.</summary>
    public Mat3 ScaledToUnitCorner() =>
        TryScaleToUnitCorner(out var s)
            ? s
            : throw new InvalidOperationException($"cannot scale to [2,2]=1: |h22|={Math.Abs(M22):G3} is too small or the matrix is not finite");

    /// <summary>
    /// Applies the matrix to (x, y, 1) and divides by the third coordinate. When that coordinate is 0
    /// the point maps to infinity and the result is non-finite (callers check <see cref="double.IsFinite"/>).
    /// </summary>
    public Point2 Transform(double x, double y)
    {
        double w = M20 * x + M21 * y + M22;
        return new Point2((M00 * x + M01 * y + M02) / w, (M10 * x + M11 * y + M12) / w);
    }

    public Point2 Transform(Point2 p) => Transform(p.X, p.Y);

    /// <summary>The homogeneous third coordinate of the image of (x, y, 1); its sign tells which side of the horizon a point lands on.</summary>
    public double HomogeneousW(double x, double y) => M20 * x + M21 * y + M22;

    /// <summary>Largest absolute entry-wise difference, for tolerant comparisons.</summary>
    public double MaxAbsDifference(Mat3 other)
    {
        var a = ToArray();
        var b = other.ToArray();
        double m = 0;
        for (int i = 0; i < 9; i++) m = Math.Max(m, Math.Abs(a[i] - b[i]));
        return m;
    }

    public bool ApproximatelyEquals(Mat3 other, double tolerance) => MaxAbsDifference(other) <= tolerance;

    public bool Equals(Mat3 other) =>
        M00.Equals(other.M00) && M01.Equals(other.M01) && M02.Equals(other.M02) &&
        M10.Equals(other.M10) && M11.Equals(other.M11) && M12.Equals(other.M12) &&
        M20.Equals(other.M20) && M21.Equals(other.M21) && M22.Equals(other.M22);

    public override bool Equals(object? obj) => obj is Mat3 m && Equals(m);

    public override int GetHashCode() =>
        HashCode.Combine(HashCode.Combine(M00, M01, M02, M10, M11), HashCode.Combine(M12, M20, M21, M22));

    public static bool operator ==(Mat3 a, Mat3 b) => a.Equals(b);
    public static bool operator !=(Mat3 a, Mat3 b) => !a.Equals(b);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"[[{M00:G6}, {M01:G6}, {M02:G6}], [{M10:G6}, {M11:G6}, {M12:G6}], [{M20:G6}, {M21:G6}, {M22:G6}]]");
}
