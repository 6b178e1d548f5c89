using CamReview.Core;

namespace CamReview.Core.Tests;

public class CameraPathMathTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static PairCameraMotion Move(Mat3 r, Vec3 dir, double pi) => PairCameraMotion.WithParallax(r, dir, pi);

    [Fact]
    public void RotErr_is_the_sum_of_geodesic_angles_relative_to_the_first_pose()
    {
        // Reference: yaw 0, 10, 20 degrees; generated: yaw 0, 10, 25 -> 0 + 0 + 5 degrees.
        Mat3[] r = [Rotations.AboutY(0), Rotations.AboutY(10), Rotations.AboutY(20)];
        Mat3[] g = [Rotations.AboutY(0), Rotations.AboutY(10), Rotations.AboutY(25)];
        var e = CameraPathMetrics.RotErr(r, g);
        Assert.Equal(5.0, e.Degrees, 9);
        Assert.Equal(5.0 * Math.PI / 180, e.Radians, 12);

        // Relative to the first pose: a common offset of both lists changes nothing; an offset of one list alone does not matter either
        var offset = Rotations.AboutX(30);
        var e2 = CameraPathMetrics.RotErr(r.Select(x => offset * x).ToArray(), g);
        Assert.Equal(5.0, e2.Degrees, 9);

        // Different axes: yaw 10 vs pitch 10 -> geodesic angle arccos((tr(Ry^T Rx) - 1) / 2)
        double expected = Rotations.GeodesicAngleDegrees(Rotations.AboutY(10), Rotations.AboutX(10));
        Assert.Equal(expected, CameraPathMetrics.RotErr([Mat3.Identity, Rotations.AboutY(10)], [Mat3.Identity, Rotations.AboutX(10)]).Degrees, 9);
        Assert.Equal(0.0, CameraPathMetrics.RotErr(r, r).Radians, 12);
    }

    [Fact]
    public void TransErr_normalises_each_trajectory_by_its_largest_norm()
    {
        // Reference centres 0, (1,0,0), (2,0,0) -> /2: 0, (.5,0,0), (1,0,0).
        // Generated centres 0, (0,0,3), (0,0,6) -> /6: 0, (0,0,.5), (0,0,1).
        // Distances: 0, sqrt(.5), sqrt(2).
        CameraPose P(double x, double y, double z) => new(Mat3.Identity, new Vec3(x, y, z));
        CameraPose[] r = [P(0, 0, 0), P(1, 0, 0), P(2, 0, 0)];
        CameraPose[] g = [P(0, 0, 0), P(0, 0, 3), P(0, 0, 6)];
        double? e = CameraPathMetrics.TransErr(r, g, out string? why);
        Assert.Null(why);
        Assert.Equal(Math.Sqrt(0.5) + Math.Sqrt(2), e!.Value, 12);

        // Same path at another scale: 0.
        Assert.Equal(0.0, CameraPathMetrics.TransErr(r, r.Select(p => p with { Centre = 7 * p.Centre }).ToArray(), out _)!.Value, 12);

        // Relative to the first pose (its rotation and centre).
        var r0 = Rotations.AboutY(90);
        CameraPose[] moved = r.Select(p => new CameraPose(r0 * p.Rotation, new Vec3(5, 5, 5) + r0 * p.Centre)).ToArray();
        Assert.Equal(0.0, CameraPathMetrics.TransErr(moved, r, out _)!.Value, 9);

        // No translation: null with a reason.
        CameraPose[] still = [P(0, 0, 0), P(0, 0, 0), P(0, 0, 0)];
        Assert.Null(CameraPathMetrics.TransErr(r, still, out why));
        Assert.Contains("generated", why);
    }

    [Fact]
    public void Chain_composes_rotations_and_steps_of_parallax_length()
    {
        var yaw90 = Rotations.AboutY(90);
        var pairs = new[]
        {
            Move(yaw90, new Vec3(0, 0, 1), 0.5),          // forward 0.5, then turn right 90°
            Move(Mat3.Identity, new Vec3(0, 0, 1), 0.25),  // forward 0.25 in the turned camera: +x in camera 0
            PairCameraMotion.ParallaxFree(Rotations.AboutX(5), 1.02),
            PairCameraMotion.Unusable("shot cut"),
        };
        var chain = CameraPathChain.FromPairs(pairs);
        Assert.Equal(5, chain.Poses.Count);
        Assert.Equal([3], chain.HeldPairs);
        Assert.True((chain.Poses[1].Centre - new Vec3(0, 0, 0.5)).Norm < 1e-12);
        Assert.True((chain.Poses[2].Centre - new Vec3(0.25, 0, 0.5)).Norm < 1e-12);
        Assert.True(chain.Poses[3].Rotation.ApproximatelyEquals(yaw90 * Rotations.AboutX(5), 1e-12));
        Assert.Equal(chain.Poses[3], chain.Poses[4]);
    }

    [Fact]
    public void Pce_is_scale_symmetric_with_an_epsilon_floor_and_skips_unusable_pairs()
    {
        var r = Mat3.Identity;
        var d = new Vec3(1, 0, 0);
        PairCameraMotion[] refPairs = [Move(r, d, 0.02), Move(r, d, 0.02), Move(r, d, 0.02), Move(r, d, 0.02)];
        PairCameraMotion[] genPairs = [Move(r, d, 0.04), Move(r, d, 0.01), PairCameraMotion.ParallaxFree(r, 1), PairCameraMotion.Unusable("black frame")];
        var c = CameraPathMetrics.Compare(refPairs, genPairs);
        double eps = CameraPathMetrics.ParallaxEpsilon;
        double expected = (Math.Log(2) + Math.Log(2) + Math.Log(0.02 / eps)) / 3;
        Assert.Equal(expected, c.Pce.Value!.Value, 12);
        Assert.Equal(3, c.Pce.PairsUsed);
        Assert.Contains("black frame", c.Pce.PerPair[3].Reason);
        // The unusable last pair is deleted from both paths; the rest is compared.
        Assert.Equal(3, c.PathPairsUsed);
        Assert.Equal([3], c.PathPairsExcluded);
        Assert.Equal(0.0, c.RotErr!.Value.Radians, 12);

        // Two parallax-free clips agree.
        PairCameraMotion[] still = [PairCameraMotion.ParallaxFree(r, 1), PairCameraMotion.ParallaxFree(Rotations.AboutY(1), 1)];
        var s = CameraPathMetrics.Compare(still, still);
        Assert.Equal(0.0, s.Pce.Value);
        Assert.Equal(0.0, s.RotErr!.Value.Radians, 12);
        Assert.Null(s.TransErr);
        Assert.Contains("neither", s.TransErrReason);

        // No usable pair at all.
        var none = CameraPathMetrics.Compare([PairCameraMotion.Unusable("x")], [PairCameraMotion.Unusable("y")]);
        Assert.Null(none.Pce.Value);
        Assert.NotNull(none.Pce.Reason);
    }

    /// <summary>
    /// A turning, translating reference and a generated clip that follows it but turns 0.1° per pair too far, with
    /// small per-pair errors besides.
    /// </summary>
    private static (PairCameraMotion[] Reference, PairCameraMotion[] Generated) Following(int pairs)
    {
        var rng = new Random(5);
        double Noise(double amplitude) => amplitude * (2 * rng.NextDouble() - 1);
        var reference = new PairCameraMotion[pairs];
        var generated = new PairCameraMotion[pairs];
        for (int k = 0; k < pairs; k++)
        {
            reference[k] = Move(Rotations.AboutY(1.0), new Vec3(1, 0, 0.3 * k / pairs), 0.03);
            generated[k] = Move(Rotations.FromRotationVectorDegrees(Noise(0.02), 1.1 + Noise(0.02), Noise(0.02)),
                new Vec3(1, Noise(0.1), 0.3 * k / pairs + Noise(0.1)), 0.03 * (1 + Noise(0.2)));
        }
        return (reference, generated);
    }

    [Fact]
    public void RotErr_and_TransErr_delete_a_pair_unusable_on_either_side_from_both_paths()
    {
        var (reference, generated) = Following(12);
        var clean = CameraPathMetrics.Compare(reference, generated);
        Assert.Equal(12, clean.PathPairsUsed);
        Assert.Empty(clean.PathPairsExcluded);
        Assert.True(clean.RotErr!.Value.Degrees > 1, "the generated clip must differ for the comparison to mean anything");

        // A cut in the generated clip at pair 6: the same numbers as for both clips without that pair.
        var cut = generated.ToArray();
        cut[6] = PairCameraMotion.Unusable("pair flagged: shot cut");
        var withCut = CameraPathMetrics.Compare(reference, cut);
        var without = CameraPathMetrics.Compare(reference.Where((_, k) => k != 6).ToArray(), generated.Where((_, k) => k != 6).ToArray());
        Assert.Equal(11, withCut.PathPairsUsed);
        Assert.Equal([6], withCut.PathPairsExcluded);
        Assert.Contains("shot cut", withCut.Pce.PerPair[6].Reason);
        Assert.Equal(without.RotErr!.Value.Radians, withCut.RotErr!.Value.Radians, 12);
        Assert.Equal(without.TransErr!.Value, withCut.TransErr!.Value, 12);
        output.WriteLine($"clean: rotErr {clean.RotErr.Value.Degrees:F3}° transErr {clean.TransErr:F4}; pair 6 cut: rotErr {withCut.RotErr.Value.Degrees:F3}° transErr {withCut.TransErr:F4}");
        // ... and close to the clean clip's: one pair and one frame fewer, the drift elsewhere still accumulates
        // (for a steady drift the sum over 12 frames instead of 13: (11 x 12 / 2) / (12 x 13 / 2) = 0.85).
        Assert.InRange(withCut.RotErr.Value.Radians / clean.RotErr.Value.Radians, 0.8, 0.9);
        Assert.InRange(withCut.TransErr.Value / clean.TransErr!.Value, 0.75, 1.25);

        // An unusable pair in the reference is deleted just the same.
        var refCut = reference.ToArray();
        refCut[6] = PairCameraMotion.Unusable("pair flagged: black frame");
        Assert.Equal(withCut.RotErr.Value.Radians, CameraPathMetrics.Compare(refCut, generated).RotErr!.Value.Radians, 12);

        // Nothing usable on both sides: null with the reason.
        var allCut = generated.Select((_, k) => k % 2 == 0 ? PairCameraMotion.Unusable("pair flagged: black frame") : generated[k]).ToArray();
        var refOdd = reference.Select((_, k) => k % 2 == 1 ? PairCameraMotion.Unusable("pair flagged: shot cut") : reference[k]).ToArray();
        var none = CameraPathMetrics.Compare(refOdd, allCut);
        Assert.Null(none.RotErr);
        Assert.Null(none.TransErr);
        Assert.Equal(0, none.PathPairsUsed);
        Assert.Equal(12, none.PathPairsExcluded.Count);
        Assert.Contains("no compared pair has a usable camera path on both sides", none.RotErrReason);
        Assert.Contains("black frame", none.RotErrReason);
        Assert.Equal(none.RotErrReason, none.TransErrReason);
    }

    [Fact]
    public void Sampled_comparison_deletes_a_sampled_pair_with_an_unusable_pair_inside()
    {
        var (reference, generated) = Following(12);
        var cut = generated.ToArray();
        cut[4] = PairCameraMotion.Unusable("pair flagged: shot cut");
        // 5 frames sampled from 13: frames 0, 3, 6, 9, 12; pair 4 lies in the sampled pair 3->6.
        var c = CameraPathMetrics.Compare(reference, cut, sampleFrames: 5);
        Assert.Equal(3, c.PathPairsUsed);
        Assert.Equal([1], c.PathPairsExcluded);
        Assert.NotNull(c.RotErr);
        Assert.NotNull(c.TransErr);
    }

    [Fact]
    public void Bundle_adjustment_recovers_known_cameras_and_points_from_a_perturbed_start()
    {
        // Five cameras moving sideways and turning (scene axes into camera axes: R_c), 200 points at depths 3..10;
        // exact normalized observations, then every camera but the first (the gauge) and every point perturbed.
        var rng = new Random(5);
        int nc = 5;
        var rot = Enumerable.Range(0, nc).Select(c => Rotations.AboutY(0.5 * c).Transpose()).ToArray();
        var centres = Enumerable.Range(0, nc).Select(c => new Vec3(0.1 * c, -0.02 * c, 0.03 * c)).ToArray();
        var points = Enumerable.Range(0, 200).Select(_ => new Vec3(rng.NextDouble() * 4 - 2, rng.NextDouble() * 2 - 1, 1) * (3 + 7 * rng.NextDouble())).ToArray();
        var obs = new List<BundleObservation>();
        for (int c = 0; c < nc; c++)
        for (int j = 0; j < points.Length; j++)
        {
            Assert.True(BundleAdjustment.Project(rot[c], centres[c], points[j], out double u, out double v));
            obs.Add(new BundleObservation(c, j, u, v));
        }
        // One outlier observation far off: the robust loss must not let it pull the solution.
        obs[7] = obs[7] with { X = obs[7].X + 0.05 };
        var problem = new BundleProblem
        {
            Rotations = rot.Select((r, c) => c == 0 ? r : Rotations.FromRotationVectorDegrees(0.3, -0.2, 0.1) * r).ToArray(),
            Centres = centres.Select((x, c) => c == 0 ? x : x + new Vec3(0.01, 0.005, -0.01)).ToArray(),
            CentreOf = Enumerable.Range(0, nc).ToArray(),
            RotationFixed = Enumerable.Range(0, nc).Select(c => c == 0).ToArray(),
            CentreFixed = Enumerable.Range(0, nc).Select(c => c == 0).ToArray(),
            Points = points.Select(x => x * 1.0 + new Vec3(rng.NextDouble() - 0.5, rng.NextDouble() - 0.5, rng.NextDouble() - 0.5) * 0.05).ToArray(),
            Observations = obs,
            Fx = 500,
            Fy = 500,
        };
        var result = BundleAdjustment.Solve(problem, 50, 1.0);
        // What is left is the outlier's own Cauchy cost, ln(1 + 25^2) for its 25 px (scale 1 px); every other residual is ~0.
        Assert.True(result.FinalCost < Math.Log(1 + 25 * 25) + 1e-3, $"cost {result.InitialCost} -> {result.FinalCost}");
        // The scale is free: compare after fixing it with camera 4's distance from camera 0.
        double scale = centres[4].Norm / problem.Centres[4].Norm;
        for (int c = 1; c < nc; c++)
        {
            Assert.True(Rotations.GeodesicAngleDegrees(problem.Rotations[c], rot[c]) < 1e-3, $"camera {c}: {Rotations.GeodesicAngleDegrees(problem.Rotations[c], rot[c])}°");
            Assert.True((problem.Centres[c] * scale - centres[c]).Norm < 1e-4, $"camera {c}: {problem.Centres[c] * scale} vs {centres[c]}");
        }
    }

    [Fact]
    public void Cameras_sharing_a_centre_variable_keep_one_centre()
    {
        // Camera 1 only turns (it shares camera 0's fixed centre); camera 2 moves. Only rotations and camera 2's centre change.
        var rot = new[] { Mat3.Identity, Rotations.AboutY(1).Transpose(), Rotations.AboutY(1.5).Transpose() };
        var centres = new[] { Vec3.Zero, new Vec3(0.2, 0, 0) };
        var rng = new Random(2);
        var points = Enumerable.Range(0, 100).Select(_ => new Vec3(rng.NextDouble() * 4 - 2, rng.NextDouble() * 2 - 1, 1) * (4 + 4 * rng.NextDouble())).ToArray();
        int[] centreOf = [0, 0, 1];
        var obs = new List<BundleObservation>();
        for (int c = 0; c < 3; c++)
        for (int j = 0; j < points.Length; j++)
        {
            BundleAdjustment.Project(rot[c], centres[centreOf[c]], points[j], out double u, out double v);
            obs.Add(new BundleObservation(c, j, u, v));
        }
        var problem = new BundleProblem
        {
            Rotations = [rot[0], Rotations.AboutY(0.2) * rot[1], rot[2]],
            Centres = [Vec3.Zero, new Vec3(0.21, 0.01, 0)],
            CentreOf = centreOf,
            RotationFixed = [true, false, false],
            CentreFixed = [true, false],
            Points = [.. points],
            Observations = obs,
            Fx = 500,
            Fy = 500,
        };
        BundleAdjustment.Solve(problem, 50, 1.0);
        Assert.Equal(Vec3.Zero, problem.Centres[0]);
        Assert.True(Rotations.GeodesicAngleDegrees(problem.Rotations[1], rot[1]) < 1e-3);
    }

    [Fact]
    public void Gric_prefers_the_homography_for_noise_and_the_essential_matrix_for_parallax()
    {
        var rng = new Random(1);
        double Noise() => Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
        // Residuals of a pure rotation: both models fit to the noise (sigma 0.3 px): H has 2 residual dimensions, E one.
        int n = 500;
        double sigma = 0.3;
        var h2 = Enumerable.Range(0, n).Select(_ => Math.Pow(sigma * Noise(), 2) + Math.Pow(sigma * Noise(), 2)).ToArray();
        var e2 = Enumerable.Range(0, n).Select(_ => Math.Pow(sigma * Noise(), 2)).ToArray();
        Assert.True(Gric.Score(h2, sigma, Gric.HomographyDimension, Gric.HomographyParameters) < Gric.Score(e2, sigma, Gric.EssentialDimension, Gric.EssentialParameters));
        // Parallax of 1.5 px on a third of the points (a near object) that H cannot explain: E wins.
        var h2p = h2.Select((x, i) => i % 3 == 0 ? x + 1.5 * 1.5 / 2 : x).ToArray();
        Assert.True(Gric.Score(h2p, sigma, Gric.HomographyDimension, Gric.HomographyParameters) > Gric.Score(e2, sigma, Gric.EssentialDimension, Gric.EssentialParameters));
        Assert.Throws<ArgumentOutOfRangeException>(() => Gric.Score(e2, 0, 3, 5));
    }

    [Fact]
    public void Sampled_pce_uses_the_chained_displacement()
    {
        var d = new Vec3(1, 0, 0);
        // Reference: 4 pairs of 0.01 sideways; generated: 2 pairs of 0.02 sideways -> sampled to 3 frames both are 0.02 per span.
        PairCameraMotion[] refPairs = Enumerable.Repeat(Move(Mat3.Identity, d, 0.01), 4).ToArray();
        PairCameraMotion[] genPairs = Enumerable.Repeat(Move(Mat3.Identity, d, 0.02), 2).ToArray();
        var c = CameraPathMetrics.Compare(refPairs, genPairs);
        Assert.Equal(3, c.Pce.SampledFrames);
        Assert.Equal(0.0, c.Pce.Value!.Value, 12);
        Assert.Equal(0.02, c.Pce.PerPair[0].ReferenceParallax!.Value, 12);
        Assert.Equal(0.0, c.TransErr!.Value, 12);
    }

    [Fact]
    public void Inverse_depth_of_a_known_point_and_zero_for_a_pure_rotation()
    {
        // Camera 2 = camera 1 moved by c = (1, 0, 0), turned 5° about y. OpenCV form: x2 = R x1 + t, R = Rc^T, t = -Rc^T c.
        var rc = Rotations.AboutY(5);
        var c = new Vec3(1, 0, 0);
        Mat3 r = rc.Transpose();
        Vec3 t = -(r * c);
        var x = new Vec3(0.3, -0.2, 4.0); // depth 4
        Vec3 x1 = x / x.Z;
        Vec3 p2 = r * x + t;
        Vec3 x2 = p2 / p2.Z;
        double rho = TwoViewMath.InverseDepth(x1, x2, r, t, out double sinBase);
        Assert.Equal(0.25, rho, 10);
        Assert.True(sinBase > 0.5);
        var (orientation, dir) = TwoViewMath.ToCameraMotion(r, t);
        Assert.True(orientation.ApproximatelyEquals(rc, 1e-12));
        Assert.True((dir - c).Norm < 1e-12);

        // Pure rotation: rho = 0 whatever the assumed t.
        Vec3 q2 = r * x;
        Assert.Equal(0.0, TwoViewMath.InverseDepth(x1, q2 / q2.Z, r, new Vec3(0, 0, 1), out _), 10);
    }

    [Fact]
    public void Rotation_homography_decomposes_into_rotation_and_focal_scale()
    {
        var k = Intrinsics.FromHorizontalFov(640, 360);
        var rc = Rotations.FromRotationVectorDegrees(0.5, 1.2, -0.7);
        // H = K diag(s, s, 1) R^T K^-1 = K_2 R^T K_1^-1 with K_2 the zoomed intrinsics.
        Mat3 h = k.WithFocalScale(1.03).Matrix * rc.Transpose() * k.InverseMatrix;
        var d = TwoViewMath.DecomposeRotationHomography(3.7 * h, k);
        Assert.NotNull(d);
        Assert.True(Rotations.GeodesicAngleDegrees(d!.Value.Orientation, rc) < 1e-9);
        Assert.Equal(1.03, d.Value.FocalScale, 9);
        Assert.Null(TwoViewMath.DecomposeRotationHomography(Mat3.Diagonal(-1, 1, 1), k));
    }

    [Fact]
    public void Vec3_json_is_an_array()
    {
        string json = System.Text.Json.JsonSerializer.Serialize(new Vec3(1, -2.5, 3));
        Assert.Equal("[1,-2.5,3]", json);
        Assert.Equal(new Vec3(1, -2.5, 3), System.Text.Json.JsonSerializer.Deserialize<Vec3>(json));
    }
}
