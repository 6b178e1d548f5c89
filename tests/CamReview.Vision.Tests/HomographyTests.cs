using System.Numerics;
using Xunit.Abstractions;

namespace CamReview.Vision.Tests;

public class HomographyTests(ITestOutputHelper output)
{
    private const int W = 640, H = 480;

    // Small rotation (3°) + scale (1.05) about the centre, translation (12, -8), slight perspective.
    private static double[] TrueHomography()
    {
        double a = 3 * Math.PI / 180, s = 1.05, cx = W / 2.0, cy = H / 2.0, tx = 12, ty = -8;
        double c = s * Math.Cos(a), n = s * Math.Sin(a);
        double[] affine = [c, -n, cx + tx - c * cx + n * cy, n, c, cy + ty - n * cx - c * cy, 0, 0, 1];
        double g = 2e-5, h = -1.5e-5; // P = [1 0 0; 0 1 0; g h 1]; H = P * A
        double[] m =
        [
            affine[0], affine[1], affine[2],
            affine[3], affine[4], affine[5],
            g * affine[0] + h * affine[3], g * affine[1] + h * affine[4], g * affine[2] + h * affine[5] + 1,
        ];
        return m.Select(v => v / m[8]).ToArray();
    }

    private static readonly Vector2[] Corners = [new(0, 0), new(W - 1, 0), new(W - 1, H - 1), new(0, H - 1)];

    private static double MaxCornerError(double[] truth, double[] estimate) =>
        Corners.Max(p => Vector2.Distance(HomographyFit.Apply(truth, p), HomographyFit.Apply(estimate, p)));

    [Theory]
    [InlineData(FeatureKind.Orb, HomographyMethod.Ransac)]
    [InlineData(FeatureKind.Orb, HomographyMethod.Magsac)]
    [InlineData(FeatureKind.Sift, HomographyMethod.Ransac)]
    [InlineData(FeatureKind.Sift, HomographyMethod.Magsac)]
    public void Recovers_a_known_homography(FeatureKind kind, HomographyMethod method)
    {
        double[] truth = TrueHomography();
        using Image source = Image.FromBgr(Procedural.TexturedBgr(W, H, 42), W, H);
        using Image target = source.WarpPerspective(truth, W, H);

        var extractor = new FeatureExtractor(kind);
        using Features fa = extractor.Detect(source);
        using Features fb = extractor.Detect(target);
        Assert.InRange(fa.Count, 300, 2000);

        FeatureMatches matches = FeatureMatcher.Match(fa, fb);
        Assert.True(matches.Count >= 100, $"only {matches.Count} matches");
        HomographyResult? fit = HomographyFit.Fit(matches, method);

        Assert.NotNull(fit);
        Assert.Equal(1.0, fit.Matrix[8], 12);
        Assert.Equal(matches.Count, fit.InlierMask.Length);
        Assert.Equal(fit.InlierMask.Count(b => b), fit.InlierCount);
        Assert.True(fit.InlierCount >= 0.5 * matches.Count, $"{fit.InlierCount} inliers of {matches.Count}");
        double err = MaxCornerError(truth, fit.Matrix);
        output.WriteLine($"{kind}/{method}: {fa.Count}/{fb.Count} keypoints, {matches.Count} matches, {fit.InlierCount} inliers, corner error {err:F3} px");
        Assert.True(err < 1.0, $"corner error {err:F3} px ({kind}, {method})");
    }

    [Fact]
    public void Managed_orb_matching_equals_OpenCVs_BFMatcher()
    {
        double[] truth = TrueHomography();
        using Image source = Image.FromBgr(Procedural.TexturedBgr(W, H, 7), W, H);
        using Image target = source.WarpPerspective(truth, W, H);
        var orb = new FeatureExtractor();
        using Features fa = orb.Detect(source);
        using Features fb = orb.Detect(target);
        foreach (double ratio in new[] { 0.6, 0.75, 0.9 })
        {
            FeatureMatches managed = FeatureMatcher.Match(fa, fb, ratio);
            FeatureMatches reference = FeatureMatcher.MatchWithOpenCv(fa, fb, ratio);
            Assert.True(managed.Count > 100);
            Assert.Equal(reference.SourceIndices, managed.SourceIndices);
            Assert.Equal(reference.DestinationIndices, managed.DestinationIndices);
        }
    }

    [Fact]
    public void Identity_between_a_frame_and_itself()
    {
        using Image img = Image.FromBgr(Procedural.TexturedBgr(320, 240, 9), 320, 240);
        var orb = new FeatureExtractor(FeatureKind.Orb, 1000);
        using Features f = orb.Detect(img);
        HomographyResult? fit = HomographyFit.Fit(FeatureMatcher.Match(f, f));
        Assert.NotNull(fit);
        double[] identity = [1, 0, 0, 0, 1, 0, 0, 0, 1];
        Assert.True(MaxCornerError(identity, fit.Matrix) < 0.01);
    }

    [Fact]
    public void Parallel_fits_over_a_shared_extractor_agree()
    {
        double[] truth = TrueHomography();
        var orb = new FeatureExtractor();
        using Image source = Image.FromBgr(Procedural.TexturedBgr(W, H, 42), W, H);
        using Image target = source.WarpPerspective(truth, W, H);
        using Features fa = orb.Detect(source);
        var errors = new double[6];
        Parallel.For(0, errors.Length, new ParallelOptions { MaxDegreeOfParallelism = 2 }, i =>
        {
            using Features fb = orb.Detect(target);
            HomographyResult? fit = HomographyFit.Fit(FeatureMatcher.Match(fa, fb), i % 2 == 0 ? HomographyMethod.Ransac : HomographyMethod.Magsac);
            errors[i] = fit is null ? double.PositiveInfinity : MaxCornerError(truth, fit.Matrix);
        });
        Assert.All(errors, e => Assert.True(e < 1.0, $"corner error {e}"));
    }

    [Fact]
    public void Too_few_points_or_no_features_give_null_or_empty()
    {
        Vector2[] three = [new(0, 0), new(1, 0), new(0, 1)];
        Assert.Null(HomographyFit.Fit(three, three));
        Assert.Throws<ArgumentException>(() => HomographyFit.Fit(three, three[..2]));

        using Image flat = Image.Filled(64, 64, 1, 128); // no texture: no keypoints
        var orb = new FeatureExtractor();
        using Features none = orb.Detect(flat);
        Assert.Equal(0, none.Count);
        using Image textured = Image.FromBgr(Procedural.TexturedBgr(128, 128, 1), 128, 128);
        using Features some = orb.Detect(textured);
        Assert.Equal(0, FeatureMatcher.Match(none, some).Count);
        Assert.Equal(0, FeatureMatcher.Match(some, none).Count);
    }

    [Fact]
    public void Mixing_orb_and_sift_features_is_rejected()
    {
        using Image img = Image.FromBgr(Procedural.TexturedBgr(128, 128, 2), 128, 128);
        using Features orb = new FeatureExtractor(FeatureKind.Orb).Detect(img);
        using Features sift = new FeatureExtractor(FeatureKind.Sift).Detect(img);
        Assert.Throws<ArgumentException>(() => FeatureMatcher.Match(orb, sift));
    }
}
