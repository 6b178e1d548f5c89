using System.Numerics;
using Xunit.Abstractions;

namespace CamReview.Vision.Tests;

public class PointTrackingTests(ITestOutputHelper output)
{
    private const int W = 320, H = 240;

    [Fact]
    public void Tracks_descriptor_matches_to_a_fraction_of_a_pixel()
    {
        // A known sub-pixel shift with a slight zoom: where each source point lands is exact.
        const double s = 1.01, tx = 2.37, ty = -1.61;
        double[] warp = [s, 0, tx + (1 - s) * W / 2, 0, s, ty + (1 - s) * H / 2, 0, 0, 1];
        using Image colour = Image.FromBgr(Procedural.TexturedBgr(W, H, 7), W, H);
        using Image a = colour.ToGray();
        using Image b = a.WarpPerspective(warp, W, H);
        var extractor = new FeatureExtractor(FeatureKind.Orb);
        using Features fa = extractor.Detect(a);
        using Features fb = extractor.Detect(b);
        var matches = FeatureMatcher.Match(fa, fb);
        var inside = Enumerable.Range(0, matches.Count).Where(i => matches.Source[i] is { X: > 20 and < W - 20, Y: > 20 and < H - 20 }).ToArray();
        var src = inside.Select(i => matches.Source[i]).ToArray();
        var start = inside.Select(i => matches.Destination[i]).ToArray();
        var truth = src.Select(p => HomographyFit.Apply(warp, p)).ToArray();

        var tracked = PointTracker.Track(a, b, src, start, window: 21, levels: 0);

        var before = Enumerable.Range(0, src.Length).Select(i => Vector2.Distance(start[i], truth[i])).Where(e => e < 3).ToArray();
        var after = Enumerable.Range(0, src.Length).Where(i => tracked.Tracked[i] && Vector2.Distance(start[i], truth[i]) < 3)
            .Select(i => Vector2.Distance(tracked.Positions[i], truth[i])).ToArray();
        double Median(double[] v) => v.Order().ElementAt(v.Length / 2);
        double medBefore = Median(before.Select(e => (double)e).ToArray()), medAfter = Median(after.Select(e => (double)e).ToArray());
        output.WriteLine($"{src.Length} matches: median error {medBefore:F3} px as matched, {medAfter:F3} px tracked ({after.Length} tracked)");
        Assert.True(after.Length > 0.9 * before.Length, $"only {after.Length} of {before.Length} tracked");
        Assert.True(medAfter < 0.05, $"median tracking error {medAfter:F3} px");
        Assert.True(medAfter < medBefore / 4, $"tracking did not sharpen the matches: {medBefore:F3} -> {medAfter:F3} px");
    }

    [Fact]
    public void Refuses_colour_or_mismatched_images_and_point_counts()
    {
        using Image colour = Image.FromBgr(Procedural.TexturedBgr(W, H, 7), W, H);
        using Image gray = colour.ToGray();
        using Image small = gray.Resize(W / 2, H / 2);
        Vector2[] one = [new(10, 10)];
        Assert.Throws<ArgumentException>(() => PointTracker.Track(colour, colour, one, one));
        Assert.Throws<ArgumentException>(() => PointTracker.Track(gray, small, one, one));
        Assert.Throws<ArgumentException>(() => PointTracker.Track(gray, gray, one, [new(1, 1), new(2, 2)]));
        Assert.Throws<ArgumentOutOfRangeException>(() => PointTracker.Track(gray, gray, one, one, window: 8));
        Assert.Empty(PointTracker.Track(gray, gray, [], []).Positions);
    }

    [Fact]
    public void Corners_are_sub_pixel_and_only_where_the_mask_allows()
    {
        // Shifted by a known sub-pixel amount, the corners of the second image are those of the first plus the shift.
        using Image colour = Image.FromBgr(Procedural.TexturedBgr(W, H, 3), W, H);
        using Image a = colour.ToGray();
        using Image b = a.WarpPerspective([1, 0, 0.4, 0, 1, -0.3, 0, 0, 1], W, H);
        var ca = PointTracker.DetectCorners(a, 300, 0.01, 7);
        var cb = PointTracker.DetectCorners(b, 300, 0.01, 7);
        Assert.True(ca.Length > 100, $"{ca.Length} corners");
        var interior = ca.Where(p => p is { X: > 10 and < W - 10, Y: > 10 and < H - 10 }).ToArray();
        var errors = interior.Select(p => cb.Select(q => Vector2.Distance(q, p + new Vector2(0.4f, -0.3f))).Min()).Where(e => e < 1).Order().ToArray();
        output.WriteLine($"{ca.Length} corners; {errors.Length} found again, median error {errors[errors.Length / 2]:F3} px");
        // The strongest 300 of each image need not be the same 300: most are.
        Assert.True(errors.Length > 0.6 * interior.Length, $"{errors.Length} of {interior.Length} found again");
        // Measured 0.14 px: the bilinear shift blurs b, which moves its corner responses a little.
        Assert.True(errors[errors.Length / 2] < 0.2, $"median corner error {errors[errors.Length / 2]:F3} px");

        // Left half masked out: no corner there.
        var mask = new byte[W * H];
        for (int y = 0; y < H; y++) for (int x = W / 2; x < W; x++) mask[y * W + x] = 255;
        using var m = Image.FromGray(mask, W, H);
        var right = PointTracker.DetectCorners(a, 300, 0.01, 7, m);
        Assert.NotEmpty(right);
        Assert.All(right, p => Assert.True(p.X >= W / 2 - 1, $"corner at {p}"));
        Assert.Throws<ArgumentException>(() => PointTracker.DetectCorners(colour, 10, 0.01, 7));
    }
}
