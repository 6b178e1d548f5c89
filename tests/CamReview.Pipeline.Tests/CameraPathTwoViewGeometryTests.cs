using System.Numerics;
using CamReview.Core;
using CamReview.Pipeline.Analyze;
using CamReview.Vision;

namespace CamReview.Pipeline.Tests;

/// <summary>The native two-view and pose wrappers on exact projections of known 3D points, and the estimator's refusal.</summary>
public sealed class CameraPathTwoViewGeometryTests
{
    private static (Vector2[] A, Vector2[] B, Vec3[] X) Project(Intrinsics k, Mat3 rc, Vec3 c, int n, int seed)
    {
        var rng = new Random(seed);
        var a = new List<Vector2>();
        var b = new List<Vector2>();
        var xs = new List<Vec3>();
        Mat3 rt = rc.Transpose();
        while (a.Count < n)
        {
            var x = new Vec3(rng.NextDouble() * 8 - 4, rng.NextDouble() * 4 - 2, 3 + rng.NextDouble() * 9);
            Vec3 y = rt * (x - c); // camera-2 coordinates
            if (y.Z <= 0.5) continue;
            var pa = new Vector2((float)(k.Fx * x.X / x.Z + k.Cx), (float)(k.Fy * x.Y / x.Z + k.Cy));
            var pb = new Vector2((float)(k.Fx * y.X / y.Z + k.Cx), (float)(k.Fy * y.Y / y.Z + k.Cy));
            if (pa.X < 0 || pa.X > 640 || pa.Y < 0 || pa.Y > 360 || pb.X < 0 || pb.X > 640 || pb.Y < 0 || pb.Y > 360) continue;
            a.Add(pa);
            b.Add(pb);
            xs.Add(x);
        }
        return (a.ToArray(), b.ToArray(), xs.ToArray());
    }

    [Fact]
    public void Essential_pose_and_triangulation_recover_a_known_motion()
    {
        var k = Intrinsics.FromHorizontalFov(640, 360);
        var rc = Rotations.FromRotationVectorDegrees(0.3, 1.5, -0.2);
        var c = new Vec3(0.3, 0.05, 0.1);
        var (a, b, xs) = Project(k, rc, c, 300, 7);
        var pose = TwoViewGeometry.EssentialPose(a, b, k.Fx, k.Fy, k.Cx, k.Cy);
        Assert.NotNull(pose);
        Assert.True(pose!.PoseInliers > 280);
        var (orientation, dir) = TwoViewMath.ToCameraMotion(Mat3.FromArray(pose.Rotation), Vec3.FromArray(pose.Translation));
        Assert.True(Rotations.GeodesicAngleDegrees(orientation, rc) < 0.05);
        Assert.True((dir - c.Normalized()).Norm < 0.01);

        // Triangulation with P1 = K[I|0], P2 = K[R|t] (OpenCV convention) gives the points up to the scale |c|.
        Mat3 r = Mat3.FromArray(pose.Rotation);
        var t = Vec3.FromArray(pose.Translation);
        double[] p1 = [k.Fx, 0, k.Cx, 0, 0, k.Fy, k.Cy, 0, 0, 0, 1, 0];
        Mat3 kr = k.Matrix * r;
        Vec3 kt = k.Matrix * t;
        double[] p2 = [kr.M00, kr.M01, kr.M02, kt.X, kr.M10, kr.M11, kr.M12, kt.Y, kr.M20, kr.M21, kr.M22, kt.Z];
        double[] h = TwoViewGeometry.Triangulate(p1, p2, a, b);
        double scale = c.Norm;
        for (int i = 0; i < xs.Length; i += 37)
        {
            double z = h[4 * i + 2] / h[4 * i + 3] * scale;
            Assert.InRange(z, xs[i].Z * 0.97, xs[i].Z * 1.03);
        }

        // PnP on the points (camera-1 coordinates) and camera 2's pixels gives camera 2's pose (x2 = R x1 + t).
        var pnp = TwoViewGeometry.PoseFromPoints(xs.SelectMany(x => new[] { x.X, x.Y, x.Z }).ToArray(), b, k.Fx, k.Fy, k.Cx, k.Cy, 2.0);
        Assert.NotNull(pnp);
        Assert.True(pnp!.Value.Inliers.Count(x => x) > 290);
        Assert.True(Rotations.GeodesicAngleDegrees(Mat3.FromArray(pnp.Value.Rotation).Transpose(), rc) < 0.01);
        Vec3 centre = -(Mat3.FromArray(pnp.Value.Rotation).Transpose() * Vec3.FromArray(pnp.Value.Translation));
        Assert.True((centre - c).Norm < 1e-3, $"centre {centre} vs {c}");
    }

    [Fact]
    public void Too_few_shared_tracks_leave_the_pairs_unusable_with_a_reason()
    {
        var k = Intrinsics.FromHorizontalFov(640, 360);
        var (a, b, _) = Project(k, Mat3.Identity, new Vec3(0.2, 0, 0), 8, 3);
        var ids = Enumerable.Range(0, 8).ToArray();
        var r = CameraPathEstimator.Estimate([new FrameTracks(ids, a), new FrameTracks(ids, b)], k, [null], 640, 360);
        var m = Assert.Single(r.Pairs);
        Assert.Equal(CameraPairModel.Unusable, m.Model);
        Assert.Null(m.Parallax);
        Assert.Contains("fewer than 30 tracks", m.Reason);
        Assert.Null(TwoViewGeometry.EssentialPose(a.AsSpan(0, 4), b.AsSpan(0, 4), k.Fx, k.Fy, k.Cx, k.Cy));
        Assert.Null(TwoViewGeometry.PoseFromPoints(new double[15], a.AsSpan(0, 5), k.Fx, k.Fy, k.Cx, k.Cy, 2.0));
    }
}
