using CamReview.Core;
using static CamReview.Core.Tests.TestUtil;

namespace CamReview.Core.Tests;

public class IntrinsicsAndRotationTests
{
    [Fact]
    public void DefaultIntrinsicsComeFromSixtyDegreeHorizontalFov()
    {
        Assert.Equal(60.0, Intrinsics.DefaultHorizontalFovDegrees);
        var k = Intrinsics.FromHorizontalFov(640, 360);
        Near(320 / Math.Tan(Math.PI / 6), k.Fx, 1e-12); // 554.256...
        Assert.Equal(k.Fx, k.Fy);
        Assert.Equal(320.0, k.Cx);
        Assert.Equal(180.0, k.Cy);
        Near(60, k.HorizontalFovDegrees(640), 1e-12);
        Near(Mat3.Identity, k.Matrix * k.InverseMatrix, 1e-15);
        Near(90, Intrinsics.FromHorizontalFov(640, 360, 90).HorizontalFovDegrees(640), 1e-12);
        Assert.Throws<ArgumentOutOfRangeException>(() => Intrinsics.FromHorizontalFov(640, 360, 180));
    }

    [Fact]
    public void RodriguesMatchesAxisRotations()
    {
        Near(Rotations.AboutX(25), Rotations.FromRotationVectorDegrees(25, 0, 0), 1e-15);
        Near(Rotations.AboutY(-40), Rotations.FromRotationVectorDegrees(0, -40, 0), 1e-15);
        Near(Rotations.AboutZ(170), Rotations.FromRotationVectorDegrees(0, 0, 170), 1e-15);
        Near(Mat3.Identity, Rotations.FromRotationVectorDegrees(0, 0, 0), 0);
        var r = Rotations.FromRotationVectorDegrees(10, -20, 30);
        Near(Mat3.Identity, r.Transpose() * r, 1e-15);
        Near(1, r.Determinant(), 1e-15);
    }

    [Fact]
    public void RotationAxisConventions()
    {
        // Optical axis of the rotated camera, in camera-0 coordinates = R * (0, 0, 1) = third column.
        var yaw = Rotations.AboutY(10);
        Assert.True(yaw.M02 > 0, "pan right: optical axis turns to +x");
        var pitch = Rotations.AboutX(10);
        Assert.True(pitch.M12 < 0, "tilt up: optical axis turns to -y (up)");
        var roll = Rotations.AboutZ(10);
        Assert.True(roll.M10 > 0, "roll cw: camera x axis turns to +y (down)");
    }

    [Theory]
    [InlineData(10, -20, 30)]
    [InlineData(0.001, 0, 0)]
    [InlineData(0, 179.9999, 0)]
    [InlineData(100, 100, 0)]
    [InlineData(-103.92, 103.92, 0)]
    [InlineData(0, 0, 180)]
    [InlineData(108, 144, 0)]
    public void RotationVectorRoundTrip(double rx, double ry, double rz)
    {
        var r = Rotations.FromRotationVectorDegrees(rx, ry, rz);
        var (bx, by, bz) = Rotations.ToRotationVectorDegrees(r);
        Near(r, Rotations.FromRotationVectorDegrees(bx, by, bz), 1e-9);
        double angle = Math.Sqrt(rx * rx + ry * ry + rz * rz);
        Near(angle, Math.Sqrt(bx * bx + by * by + bz * bz), 1e-6);
    }

    [Fact]
    public void GeodesicAngleOfKnownRotations()
    {
        Near(30, Rotations.GeodesicAngleDegrees(Mat3.Identity, Rotations.AboutY(30)), 1e-9);
        Near(30, Rotations.GeodesicAngleDegrees(Rotations.AboutX(10), Rotations.AboutX(-20)), 1e-9);
        Near(Math.PI / 2, Rotations.GeodesicAngleRadians(Rotations.AboutZ(45), Rotations.AboutZ(-45)), 1e-12);
        Near(Math.PI, Rotations.GeodesicAngleRadians(Mat3.Identity, Rotations.AboutZ(180)), 1e-9);
        // The angle of a rotation vector is its norm: |(30, 40, 0)| = 50 degrees.
        Near(50, Rotations.GeodesicAngleDegrees(Mat3.Identity, Rotations.FromRotationVectorDegrees(30, 40, 0)), 1e-9);
        // Invariant to a common rotation applied to both.
        var q = Rotations.FromRotationVectorDegrees(-15, 70, 5);
        Near(30, Rotations.GeodesicAngleDegrees(q * Rotations.AboutX(10), q * Rotations.AboutX(-20)), 1e-9);
        Assert.Equal(0.0, Rotations.GeodesicAngleRadians(q, q), 6);
        // Slightly non-orthonormal input (trace a hair above 3) is clamped, not NaN.
        Assert.Equal(0.0, Rotations.GeodesicAngleRadians(Mat3.Identity, 1.0000001 * Mat3.Identity));
    }
}

public class TrajectoryPresetTests
{
    private const int W = 640, H = 360;
    private static readonly double Fx = 320 / Math.Tan(Math.PI / 6);

    [Fact]
    public void PanRightMovesTheCentrePixelLeftByFxTanTheta()
    {
        const double theta = 3;
        var t = TrajectoryPresets.Create(TrajectoryPreset.PanRight, W, H, theta, 5);
        Assert.Equal(5, t.Frames);
        Assert.Equal(4, t.Consecutive.Count);
        for (int i = 0; i < 5; i++)
        {
            var c = t.Cumulative[i].Transform(320, 180);
            Near(320 - Fx * Math.Tan(i * theta * Math.PI / 180), c.X, 1e-9, $"frame {i}");
            Near(180, c.Y, 1e-9);
        }
        // Consecutive pairs: one step of theta each.
        Near(320 - Fx * Math.Tan(theta * Math.PI / 180), t.Consecutive[3].Transform(320, 180).X, 1e-9);
        var left = TrajectoryPresets.Create(TrajectoryPreset.PanLeft, W, H, theta, 2);
        Near(320 + Fx * Math.Tan(theta * Math.PI / 180), left.Cumulative[1].Transform(320, 180).X, 1e-9);
    }

    [Fact]
    public void TiltUpMovesContentDownAndTiltDownMovesItUp()
    {
        var up = TrajectoryPresets.Create(TrajectoryPreset.TiltUp, W, H, 2, 2).Cumulative[1].Transform(320, 180);
        Near(180 + Fx * Math.Tan(2 * Math.PI / 180), up.Y, 1e-9);
        Near(320, up.X, 1e-9);
        var down = TrajectoryPresets.Create(TrajectoryPreset.TiltDown, W, H, 2, 2).Cumulative[1].Transform(320, 180);
        Near(180 - Fx * Math.Tan(2 * Math.PI / 180), down.Y, 1e-9);
    }

    [Fact]
    public void RollClockwiseTurnsContentCounterClockwise()
    {
        var h = TrajectoryPresets.Create(TrajectoryPreset.RollCw, W, H, 90, 2).Cumulative[1];
        // A point 100 px right of the centre ends 100 px ABOVE it: content turned counter-clockwise on screen.
        Near(new Point2(320, 80), h.Transform(420, 180), 1e-9);
        Near(new Point2(320, 180), h.Transform(320, 180), 1e-9);
        var ccw = TrajectoryPresets.Create(TrajectoryPreset.RollCcw, W, H, 10, 2).Consecutive[0];
        Near(10, PairMotion.FromPixel(ccw, W, H).RollDegrees, 1e-9);
        var cw = TrajectoryPresets.Create(TrajectoryPreset.RollCw, W, H, 10, 2).Consecutive[0];
        Near(-10, PairMotion.FromPixel(cw, W, H).RollDegrees, 1e-9);
    }

    [Fact]
    public void ZoomPresetsScaleAboutThePrincipalPoint()
    {
        var zin = TrajectoryPresets.Create(TrajectoryPreset.ZoomIn, W, H, 1.05, 4);
        Near(Math.Pow(1.05, 3), zin.FocalScales[3], 1e-15);
        Near(Fx * Math.Pow(1.05, 3), zin.IntrinsicsAt(3).Fx, 1e-9);
        Near(new Point2(320 + 100 * Math.Pow(1.05, 3), 180), zin.Cumulative[3].Transform(420, 180), 1e-9);
        Near(1.05, PairMotion.FromPixel(zin.Consecutive[1], W, H).Zoom, 1e-12);
        var zout = TrajectoryPresets.Create(TrajectoryPreset.ZoomOut, W, H, 1.05, 3);
        Near(1 / 1.05, PairMotion.FromPixel(zout.Consecutive[0], W, H).Zoom, 1e-12);
    }

    [Fact]
    public void ConsecutiveChainToCumulative()
    {
        foreach (var preset in Enum.GetValues<TrajectoryPreset>())
        {
            var t = TrajectoryPresets.Create(preset, W, H, preset.IsZoom() ? 1.03 : 4, 8);
            Near(Mat3.Identity, t.Cumulative[0], 1e-15);
            var chained = HomographyChain.Cumulative(t.Consecutive);
            for (int i = 0; i < t.Frames; i++) Near(t.Cumulative[i], chained[i], 1e-9);
        }
    }

    [Fact]
    public void RotationHomographyAgreesWithProjectingA3DPoint()
    {
        // Project a world point (camera-0 coordinates) with both cameras and compare with H.
        var k0 = Intrinsics.FromHorizontalFov(W, H);
        var ki = k0.WithFocalScale(1.2);
        var r = Rotations.FromRotationVectorDegrees(4, -7, 12);
        var hom = RotationHomography.FromCameraRotation(k0, ki, r);
        double[] x = [0.3, -0.2, 2.0];
        Point2 p0 = new(k0.Fx * x[0] / x[2] + k0.Cx, k0.Fy * x[1] / x[2] + k0.Cy);
        var rt = r.Transpose(); // camera i sees world direction d as R^T d
        double xc = rt.M00 * x[0] + rt.M01 * x[1] + rt.M02 * x[2];
        double yc = rt.M10 * x[0] + rt.M11 * x[1] + rt.M12 * x[2];
        double zc = rt.M20 * x[0] + rt.M21 * x[1] + rt.M22 * x[2];
        Point2 pi = new(ki.Fx * xc / zc + ki.Cx, ki.Fy * yc / zc + ki.Cy);
        Near(pi, hom.Transform(p0), 1e-9);
    }

    [Fact]
    public void InvalidArgumentsAndLabels()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TrajectoryPresets.Create(TrajectoryPreset.ZoomIn, W, H, 0.9, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => TrajectoryPresets.Create(TrajectoryPreset.PanLeft, W, H, -1, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => TrajectoryPresets.Create(TrajectoryPreset.PanLeft, W, H, 1, 0));
        Assert.Single(TrajectoryPresets.Create(TrajectoryPreset.PanLeft, W, H, 1, 1).Cumulative);
        Assert.True(TrajectoryPresetLabels.TryParse("roll-cw", out var p));
        Assert.Equal(TrajectoryPreset.RollCw, p);
        Assert.Equal("zoom-out", TrajectoryPreset.ZoomOut.ToLabel());
        Assert.Equal(8, TrajectoryPresetLabels.All.Count);
        Assert.False(TrajectoryPresetLabels.TryParse("orbit", out _));
    }
}
