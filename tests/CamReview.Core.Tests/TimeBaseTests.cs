using CamReview.Core;

namespace CamReview.Core.Tests;

public class TimeBaseTests
{
    private static double[] Times(int frames, double fps) => Enumerable.Range(0, frames).Select(i => i / fps).ToArray();

    [Fact]
    public void Reference_frames_are_placed_on_the_output_time_line_over_the_overlap_only()
    {
        // 24 fps reference of 10 frames against a 15 fps output of 5 frames (last frame at 4/15 s = 0.267 s).
        var a = TimeBase.Align(Times(10, 24), Times(5, 15));
        Assert.Equal(7, a.ReferenceFramesCompared); // k / 24 <= 4 / 15 for k <= 6
        for (int k = 0; k < 7; k++) Assert.Equal(0.625 * k, a.GeneratedPositions[k], 12);
        Assert.Equal(6 / 24.0, a.OverlapSeconds, 12);

        // A longer output: every reference frame is compared.
        var b = TimeBase.Align(Times(10, 24), Times(40, 15));
        Assert.Equal(10, b.ReferenceFramesCompared);

        // Timestamps a few microseconds off a frame snap onto it, so equal rates compare frame by frame.
        var c = TimeBase.Align(Times(5, 24), Times(5, 24).Select(t => t + 1e-7).ToArray());
        Assert.Equal([0.0, 1, 2, 3, 4], c.GeneratedPositions);
        Assert.Throws<ArgumentException>(() => TimeBase.Align([0, 0.1, 0.1], Times(3, 24)));
    }

    [Fact]
    public void Fractional_powers_of_homographies_are_the_motion_a_fraction_of_the_way()
    {
        var t = TimeBase.Power(Mat3.Translation(10, -4), 0.3)!.Value.ScaledToUnitCorner();
        Assert.True(t.ApproximatelyEquals(Mat3.Translation(3, -1.2), 1e-10), t.ToString());
        var r = TimeBase.Power(Mat3.Rotation2D(12), 0.25)!.Value.ScaledToUnitCorner();
        Assert.True(r.ApproximatelyEquals(Mat3.Rotation2D(3), 1e-10), r.ToString());
        var z = TimeBase.Power(Mat3.Scaling(1.21, 1.21), 0.5)!.Value.ScaledToUnitCorner();
        Assert.True(z.ApproximatelyEquals(Mat3.Scaling(1.1, 1.1), 1e-10), z.ToString());

        // A general homography (perspective terms): two half powers make the whole, up to scale.
        var h = new Mat3(1.02, 0.01, 3.5, -0.015, 0.99, -2.0, 2e-4, -1e-4, 1);
        var half = TimeBase.Power(h, 0.5)!.Value;
        Assert.True((half * half).ScaledToUnitCorner().ApproximatelyEquals(h, 1e-9));
        var third = TimeBase.Power(h, 1 / 3.0)!.Value;
        Assert.True((third * third * third).ScaledToUnitCorner().ApproximatelyEquals(h, 1e-9));
        // A mirror (negative determinant) has no real fractional power.
        Assert.Null(TimeBase.Power(Mat3.Scaling(-1, 1), 0.5));
    }

    [Fact]
    public void A_15_fps_output_read_at_24_fps_has_the_reference_motion_of_each_24_fps_pair()
    {
        // The same motion per second: a pan, zoom and roll; per 24 fps pair it is M^(1/24), per 15 fps pair M^(1/15).
        var perSecond = Mat3.Translation(96, 24) * Mat3.Rotation2D(4.8) * Mat3.Scaling(1.12, 1.12);
        Mat3 Step(double fps) => TimeBase.Power(perSecond, 1 / fps)!.Value.ScaledToUnitCorner();
        var reference = Enumerable.Repeat(PairHomography.Valid(Step(24), 640, 360), 23).ToArray();
        var output = Enumerable.Repeat(PairHomography.Valid(Step(15), 640, 360), 14).ToArray();

        var a = TimeBase.Align(Times(24, 24), Times(15, 15));
        var read = TimeBase.HomographiesAt(output, a.GeneratedPositions);
        Assert.Equal(a.ReferenceFramesCompared - 1, read.Count);
        foreach (var p in read) Assert.True(p.Homography!.Value.ApproximatelyEquals(Step(24), 1e-9), p.Homography.ToString());

        var score = CameraScore.Compute(reference.Take(read.Count).ToArray(), read);
        Assert.True(score.Score < 1e-18, $"{score.Score}");
        // Lined up by index instead, each 24 fps pair would meet 1.6 times its motion.
        Assert.True(CameraScore.Compute(reference.Take(14).ToArray(), output).Score > 1e-6);
    }

    [Fact]
    public void Equal_time_bases_give_back_the_output_pairs_themselves()
    {
        var output = new[] { PairHomography.Valid(Mat3.Translation(2, 0), 64, 36), PairHomography.Flagged("black frame", 64, 36) };
        var a = TimeBase.Align(Times(3, 24), Times(3, 24));
        var read = TimeBase.HomographiesAt(output, a.GeneratedPositions);
        Assert.Same(output[0], read[0]);
        Assert.Same(output[1], read[1]);
    }

    [Fact]
    public void A_span_over_a_flagged_output_pair_is_flagged_and_names_it()
    {
        var move = PairHomography.Valid(Mat3.Translation(2, 0), 64, 36);
        var output = new[] { move, PairHomography.Flagged("shot cut", 64, 36), move, move };
        var read = TimeBase.HomographiesAt(output, TimeBase.Align(Times(7, 24), Times(5, 15)).GeneratedPositions);
        // Reference pairs cover output positions 0-0.625 (usable), 0.625-1.25, 1.25-1.875 and 1.875-2.5 (touching the
        // cut from 1 to 2), 2.5-3.125 and 3.125-3.75 (usable).
        Assert.Equal([true, false, false, false, true, true], read.Select(p => p.Ok));
        Assert.Equal("generated pair 1->2: shot cut", read[1].Reason);
        Assert.True(read[4].Homography!.Value.ScaledToUnitCorner().ApproximatelyEquals(Mat3.Translation(1.25, 0), 1e-10));
    }

    [Fact]
    public void Camera_poses_between_output_frames_are_slerped_and_lerped()
    {
        // Rotation only: a pan of 0.8 degrees per 15 fps frame is 0.5 degrees per 24 fps frame.
        var pan = Enumerable.Repeat(PairCameraMotion.ParallaxFree(Rotations.AboutY(0.8), 1), 14).ToArray();
        var a = TimeBase.Align(Times(24, 24), Times(15, 15));
        foreach (var m in TimeBase.CameraMotionsAt(pan, a.GeneratedPositions))
        {
            Assert.Equal(CameraPairModel.ParallaxFree, m.Model);
            Assert.Equal(0.5, Rotations.GeodesicAngleDegrees(Mat3.Identity, m.Rotation!.Value), 9);
        }

        // Translation only: 0.016 median depths per 15 fps frame is 0.01 per 24 fps frame, in the same direction.
        var truck = Enumerable.Repeat(PairCameraMotion.WithParallax(Mat3.Identity, new Vec3(1, 0, 0), 0.016), 14).ToArray();
        foreach (var m in TimeBase.CameraMotionsAt(truck, a.GeneratedPositions))
        {
            Assert.Equal(0.01, m.Parallax!.Value, 12);
            Assert.Equal(1, m.TranslationDirection!.Value.X, 12);
        }

        // The same camera path at both rates: RotErr and PCE of the 15 fps output at the reference's times are 0.
        var reference = Enumerable.Repeat(PairCameraMotion.WithParallax(Rotations.AboutY(0.5), new Vec3(1, 0, 0), 0.01), 23).ToArray();
        var output = Enumerable.Repeat(PairCameraMotion.WithParallax(Rotations.AboutY(0.8), new Vec3(1, 0, 0), 0.016), 14).ToArray();
        var read = TimeBase.CameraMotionsAt(output, a.GeneratedPositions);
        var same = CameraPathMetrics.Compare(reference.Take(read.Count).ToArray(), read);
        Assert.True(same.RotErr!.Value.Degrees < 1e-6, $"{same.RotErr}");
        // (The chained path's centres lie on a polygon; lerping between its corners shortens a span by a hair.)
        Assert.True(same.Pce.Value < 1e-4, $"{same.Pce.Value}");
        var byIndex = CameraPathMetrics.Compare(reference.Take(14).ToArray(), output);
        Assert.True(byIndex.RotErr!.Value.Degrees > 10, $"{byIndex.RotErr}");

        var cut = pan.Select((p, i) => i == 3 ? PairCameraMotion.Unusable("shot cut") : p).ToArray();
        var withCut = TimeBase.CameraMotionsAt(cut, a.GeneratedPositions);
        Assert.Contains(withCut, m => m.Reason == "generated pair 3->4: shot cut");
    }
}
