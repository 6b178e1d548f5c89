using CamReview.Core;

namespace CamReview.Core.Tests;

public sealed class PoseTrajectoryTests
{
    [Fact]
    public void JsonWithIntrinsicsAndPosesIsParsed()
    {
        var t = CameraTrajectory.ParseJson("""
            {"fx": 500, "fy": 510, "cx": 320, "cy": 240,
             "poses": [{"t": [0, 0, 0], "r": [0, 0, 0]}, {"t": [0.1, -0.2, 0.3], "r": [0, 5, 0]}]}
            """);
        Assert.Equal(2, t.Frames);
        Assert.Equal(new Intrinsics(500, 510, 320, 240), t.Intrinsics);
        Assert.Equal(new Vec3(0.1, -0.2, 0.3), t.Poses[1].Centre);
        TestUtil.Near(Rotations.AboutY(5), t.Poses[1].Rotation, 1e-12);
        Assert.False(t.IsRotationOnly);
    }

    [Fact]
    public void IntrinsicsAreOptionalAndDefaultToTheSixtyDegreeFieldOfView()
    {
        var t = CameraTrajectory.ParseJson("""{"poses": [{"t": [0, 0, 0]}, {"r": [1, 0, 0]}]}""");
        Assert.Null(t.Intrinsics);
        Assert.Equal(Intrinsics.FromHorizontalFov(640, 480), t.IntrinsicsFor(640, 480));
        Assert.True(t.IsRotationOnly);
        var onlyFocal = CameraTrajectory.ParseJson("""{"fx": 400, "poses": [{"t": [0, 0, 0]}]}""");
        Assert.Equal(new Intrinsics(400, 400, 320, 240), onlyFocal.IntrinsicsFor(640, 480));
    }

    [Fact]
    public void JsonRoundTrips()
    {
        var t = new CameraTrajectory([CameraPose.Origin, new CameraPose(Rotations.FromRotationVectorDegrees(1, -2, 3), new Vec3(0.5, 0.25, -1))],
            new Intrinsics(300, 300, 160, 120));
        var back = CameraTrajectory.ParseJson(t.ToJson());
        Assert.Equal(t.Intrinsics, back.Intrinsics);
        for (int i = 0; i < t.Frames; i++)
        {
            TestUtil.Near(t.Poses[i].Rotation, back.Poses[i].Rotation, 1e-12);
            Assert.Equal(t.Poses[i].Centre, back.Poses[i].Centre);
        }
    }

    [Fact]
    public void AFirstPoseThatIsNotTheOriginIsMadeRelative()
    {
        var t = CameraTrajectory.ParseJson("""{"poses": [{"t": [1, 0, 0], "r": [0, 10, 0]}, {"t": [1, 0, 2], "r": [0, 10, 0]}]}""");
        TestUtil.Near(Mat3.Identity, t.Poses[0].Rotation, 1e-12);
        Assert.Equal(Vec3.Zero, t.Poses[0].Centre);
        // Moving +2 along world z while yawed by 10°: in camera-0 axes, forward-ish and to the left.
        var c = t.Poses[1].Centre;
        TestUtil.Near(2 * Math.Cos(10 * Math.PI / 180), c.Z, 1e-12);
        TestUtil.Near(-2 * Math.Sin(10 * Math.PI / 180), c.X, 1e-12);
    }

    [Theory]
    [InlineData("[]")]
    [InlineData("""{"poses": []}""")]
    [InlineData("""{"poses": [{"t": [0, 0]}]}""")]
    [InlineData("""{"poses": [{"t": [0, 0, "a"]}]}""")]
    [InlineData("""{"fx": -1, "poses": [{"t": [0, 0, 0]}]}""")]
    [InlineData("""{"fy": 100, "poses": [{"t": [0, 0, 0]}]}""")]
    [InlineData("not json")]
    public void BadJsonIsRefusedWithAFormatException(string json)
    {
        var e = Assert.Throws<FormatException>(() => CameraTrajectory.ParseJson(json));
        Assert.StartsWith("trajectory JSON", e.Message);
    }

    [Theory]
    [InlineData(CameraMovePreset.DollyIn, 0, 0, 1)]
    [InlineData(CameraMovePreset.DollyOut, 0, 0, -1)]
    [InlineData(CameraMovePreset.TruckRight, 1, 0, 0)]
    [InlineData(CameraMovePreset.TruckLeft, -1, 0, 0)]
    [InlineData(CameraMovePreset.PedestalUp, 0, -1, 0)]
    [InlineData(CameraMovePreset.PedestalDown, 0, 1, 0)]
    public void TranslationPresetsMoveBySpeedTimesMedianDepthPerFrame(CameraMovePreset preset, double x, double y, double z)
    {
        var t = CameraMovePresets.Create(preset, 0.01, 5, medianDepth: 7);
        Assert.Equal(5, t.Frames);
        Assert.Equal(Vec3.Zero, t.Poses[0].Centre);
        var c = t.Poses[4].Centre;
        TestUtil.Near(0.28 * x, c.X, 1e-12);
        TestUtil.Near(0.28 * y, c.Y, 1e-12);
        TestUtil.Near(0.28 * z, c.Z, 1e-12);
        TestUtil.Near(0.04, t.MaxTranslation / 7, 1e-12, "parallax number of the last frame");
        Assert.True(CameraMovePresets.TryParse(preset.ToLabel(), out var back) && back == preset);
    }

    [Theory]
    [InlineData(CameraMovePreset.ArcRight, 1)]
    [InlineData(CameraMovePreset.ArcLeft, -1)]
    public void ArcsOrbitThePivotAndKeepItCentred(CameraMovePreset preset, int side)
    {
        var t = CameraMovePresets.Create(preset, 2, 6, medianDepth: 4);
        var pivot = new Vec3(0, 0, 4);
        for (int i = 0; i < t.Frames; i++)
        {
            var p = t.Poses[i];
            TestUtil.Near(4, (pivot - p.Centre).Norm, 1e-12, "distance to the pivot");
            var seen = p.Rotation.Transpose() * (pivot - p.Centre);
            TestUtil.Near(0, seen.X, 1e-12);
            TestUtil.Near(0, seen.Y, 1e-12);
        }
        Assert.Equal(side, Math.Sign(t.Poses[5].Centre.X));
    }

    [Fact]
    public void CameraPathIsScaledByTheTargetMedianDepth()
    {
        var step = PairCameraMotion.WithParallax(Rotations.AboutY(1), new Vec3(1, 0, 0), 0.02);
        var zoom = PairCameraMotion.ParallaxFree(Mat3.Identity, 1.05);
        var t = CameraTrajectory.FromCameraPath([step, step, zoom, PairCameraMotion.Unusable("cut")], 10, out int held);
        Assert.Equal(5, t.Frames);
        Assert.Equal(1, held);
        TestUtil.Near(0.2, t.Poses[1].Centre.Norm, 1e-12, "|C_1| = Pi x Zbar");
        // The second step is along camera 1's x axis (rotated by 1°).
        var d = t.Poses[2].Centre - t.Poses[1].Centre;
        TestUtil.Near(0.2 * Math.Cos(Math.PI / 180), d.X, 1e-12);
        TestUtil.Near(-0.2 * Math.Sin(Math.PI / 180), d.Z, 1e-12);
        Assert.Equal(1.05, t.FocalScales[3], 12);
        Assert.Equal(t.Poses[3], t.Poses[4]);

        var still = CameraTrajectory.FromCameraPath([PairCameraMotion.ParallaxFree(Rotations.AboutX(2), 1)], 3, out _);
        Assert.True(still.IsRotationOnly);
    }

    [Fact]
    public void ScalingAndSamplingKeepFocalScales()
    {
        var t = new CameraTrajectory([CameraPose.Origin, new CameraPose(Mat3.Identity, new Vec3(1, 2, 3)), new CameraPose(Mat3.Identity, new Vec3(2, 4, 6))],
            null, "x", [1, 1.1, 1.2]);
        var s = t.ScaledTranslation(10);
        Assert.Equal(new Vec3(20, 40, 60), s.Poses[2].Centre);
        Assert.Equal(1.2, s.FocalScales[2]);
        var sampled = t.Sample(2);
        Assert.Equal(2, sampled.Frames);
        Assert.Equal(1.2, sampled.FocalScales[1]);
    }
}
