namespace CamReview.Core;

/// <summary>
/// 3D rotations as <see cref="Mat3"/> in camera axes (x right, y down, z forward), right-handed.
/// Sign conventions that follow (for a camera ORIENTATION, i.e. camera i's axes expressed in camera 0's
/// frame, as in the trajectory JSON "r"):
/// <list type="bullet">
/// <item>+angle about y (which points down) turns the optical axis towards +x: the camera pans RIGHT.</item>
/// <item>+angle about x turns the optical axis towards -y: the camera tilts UP.</item>
/// <item>+angle about z turns the camera's x axis towards +y: the camera rolls CLOCKWISE as seen from behind it.</item>
/// </list>
/// </summary>
public static class Rotations
{
    private const double DegToRad = Math.PI / 180.0;

    public static Mat3 AboutX(double degrees)
    {
        double a = degrees * DegToRad, c = Math.Cos(a), s = Math.Sin(a);
        return new Mat3(1, 0, 0, 0, c, -s, 0, s, c);
    }

    public static Mat3 AboutY(double degrees)
    {
        double a = degrees * DegToRad, c = Math.Cos(a), s = Math.Sin(a);
        return new Mat3(c, 0, s, 0, 1, 0, -s, 0, c);
    }

    public static Mat3 AboutZ(double degrees)
    {
        double a = degrees * DegToRad, c = Math.Cos(a), s = Math.Sin(a);
        return new Mat3(c, -s, 0, s, c, 0, 0, 0, 1);
    }

    /// <summary>
    /// Rodrigues: rotation by |r| degrees about the axis r / |r|:
    /// R = I + sin θ [k]x + (1 - cos θ) [k]x^2.
    /// </summary>
    public static Mat3 FromRotationVectorDegrees(double rx, double ry, double rz)
    {
        double theta = Math.Sqrt(rx * rx + ry * ry + rz * rz) * DegToRad;
        if (theta == 0) return Mat3.Identity;
        double scale = DegToRad / theta;
        double kx = rx * scale, ky = ry * scale, kz = rz * scale;
        double s = Math.Sin(theta), c1 = 1 - Math.Cos(theta);
        var kCross = new Mat3(0, -kz, ky, kz, 0, -kx, -ky, kx, 0);
        return Mat3.Identity + s * kCross + c1 * (kCross * kCross);
    }

    /// <summary>Inverse of <see cref="FromRotationVectorDegrees"/> (angle in [0, 180]); assumes a proper rotation matrix.</summary>
    public static (double Rx, double Ry, double Rz) ToRotationVectorDegrees(Mat3 r)
    {
        double cos = Math.Clamp((r.Trace - 1) / 2, -1, 1);
        // vee(R - R^T) = 2 sin θ k
        double vx = r.M21 - r.M12, vy = r.M02 - r.M20, vz = r.M10 - r.M01;
        double sin2 = Math.Sqrt(vx * vx + vy * vy + vz * vz); // = 2 sin θ
        double theta = Math.Atan2(sin2 / 2, cos);
        if (theta < 1e-12) return (vx / 2 / DegToRad, vy / 2 / DegToRad, vz / 2 / DegToRad);
        double kx, ky, kz;
        if (Math.PI - theta > 1e-6)
        {
            kx = vx / sin2; ky = vy / sin2; kz = vz / sin2;
        }
        else
        {
            // Near 180° sin θ vanishes; the axis is the dominant column of (R + I) / 2 = k k^T.
            double xx = (r.M00 + 1) / 2, yy = (r.M11 + 1) / 2, zz = (r.M22 + 1) / 2;
            if (xx >= yy && xx >= zz) { kx = Math.Sqrt(xx); ky = (r.M01 + r.M10) / 4 / kx; kz = (r.M02 + r.M20) / 4 / kx; }
            else if (yy >= zz) { ky = Math.Sqrt(yy); kx = (r.M01 + r.M10) / 4 / ky; kz = (r.M12 + r.M21) / 4 / ky; }
            else { kz = Math.Sqrt(zz); kx = (r.M02 + r.M20) / 4 / kz; ky = (r.M12 + r.M21) / 4 / kz; }
            double n = Math.Sqrt(kx * kx + ky * ky + kz * kz);
            kx /= n; ky /= n; kz /= n;
        }
        double deg = theta / DegToRad;
        return (kx * deg, ky * deg, kz * deg);
    }

    /// <summary>
    /// Geodesic angle between two rotations, arccos((tr(R1^T R2) - 1) / 2) in radians, with the argument
    /// clamped to [-1, 1] so that slightly non-orthonormal estimates do not produce NaN (the CamI2V RotErr
    /// convention). Note arccos loses precision for angles below ~1e-7 rad.
    /// </summary>
    public static double GeodesicAngleRadians(Mat3 r1, Mat3 r2)
    {
        double cos = ((r1.Transpose() * r2).Trace - 1) / 2;
        return Math.Acos(Math.Clamp(cos, -1, 1));
    }

    public static double GeodesicAngleDegrees(Mat3 r1, Mat3 r2) => GeodesicAngleRadians(r1, r2) / DegToRad;
}
