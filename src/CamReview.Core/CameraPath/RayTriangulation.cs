namespace CamReview.Core;

/// <summary>One ray of a scene point: camera rotation (scene into camera axes), centre, and the normalized image point.</summary>
public readonly record struct PointRay(Mat3 Rotation, Vec3 Centre, double X, double Y);

/// <summary>
/// Multi-view triangulation by least squares on the rays (the point nearest to every ray, the midpoint for two),
/// with the widest angle between any two of its rays: the depth of a point seen under a small angle is poorly
/// determined, which is what <see cref="MaxAngleDegrees"/> lets callers refuse.
/// </summary>
public static class RayTriangulation
{
    /// <summary>The point nearest to all rays, or null when they are (nearly) parallel.</summary>
    public static Vec3? Nearest(IReadOnlyList<PointRay> rays)
    {
        ArgumentNullException.ThrowIfNull(rays);
        if (rays.Count < 2) return null;
        double a00 = 0, a01 = 0, a02 = 0, a11 = 0, a12 = 0, a22 = 0, b0 = 0, b1 = 0, b2 = 0;
        foreach (var r in rays)
        {
            Vec3 d = Direction(r);
            // A = I - d d^T; sum A X = sum A C
            double m00 = 1 - d.X * d.X, m01 = -d.X * d.Y, m02 = -d.X * d.Z, m11 = 1 - d.Y * d.Y, m12 = -d.Y * d.Z, m22 = 1 - d.Z * d.Z;
            a00 += m00; a01 += m01; a02 += m02; a11 += m11; a12 += m12; a22 += m22;
            Vec3 c = r.Centre;
            b0 += m00 * c.X + m01 * c.Y + m02 * c.Z;
            b1 += m01 * c.X + m11 * c.Y + m12 * c.Z;
            b2 += m02 * c.X + m12 * c.Y + m22 * c.Z;
        }
        var a = new Mat3(a00, a01, a02, a01, a11, a12, a02, a12, a22);
        if (!a.TryInverse(out var inv)) return null;
        Vec3 x = inv * new Vec3(b0, b1, b2);
        return x.IsFinite ? x : null;
    }

    /// <summary>Widest angle (degrees) between two of the rays.</summary>
    public static double MaxAngleDegrees(IReadOnlyList<PointRay> rays)
    {
        ArgumentNullException.ThrowIfNull(rays);
        double minCos = 1;
        var dirs = rays.Select(Direction).ToArray();
        for (int i = 0; i < dirs.Length; i++)
        for (int j = i + 1; j < dirs.Length; j++)
            minCos = Math.Min(minCos, dirs[i].Dot(dirs[j]));
        return Math.Acos(Math.Clamp(minCos, -1, 1)) * 180 / Math.PI;
    }

    /// <summary>Unit direction of the ray in scene axes: R^T (x, y, 1).</summary>
    public static Vec3 Direction(PointRay r) => (r.Rotation.Transpose() * new Vec3(r.X, r.Y, 1)).Normalized();
}
