using System.Numerics;
using CamReview.Core;

namespace CamReview.Vision;

/// <summary>
/// Result of <see cref="HomographyRefinement.Refine"/>: the refined homography (A's pixels into B's, OpenCV pixel
/// convention), how many tracked corners it was fitted on and how many of them it explains, their median residual
/// in pixels of B, and the rounds that held.
/// </summary>
public sealed record RefinedHomography(Mat3 H, int Points, int Inliers, double MedianResidual, int Rounds);

/// <summary>
/// Full-resolution refinement of a two-image homography. Descriptor matches locate keypoints only to about a pixel
/// of the detection scale, and on a wide baseline the perspective distortion between the two patches biases them
/// further. So B is warped into A's frame with the current estimate (which removes that distortion), corners spread
/// over A are tracked into the warped B with sub-pixel Lucas-Kanade (checked forwards and backwards), and the
/// homography is fitted again on all of them: MAGSAC++ at 1 px separates the corners on the plane from the rest,
/// then least squares on those inliers (a random minimal sample is noisier than all good corners together).
/// A second round starts from the first and allows only small corrections.
/// </summary>
public static class HomographyRefinement
{
    // Many corners, spread out (6 px apart at least), so the fit rests on the whole overlap rather than on the few
    // textured spots the descriptors favoured.
    private const int MaxCorners = 4000;
    private const double CornerQuality = 0.002;
    private const double CornerSpacing = 6;
    // A large window: on the graf wide-baseline pair 31 px gave 0.18-0.33 px mean error where 21 px gave 0.22-0.34.
    private const int Window = 31;
    private const int PyramidLevels = 2;
    // A corner is kept when tracking back lands within this of where it started.
    private const double MaxForwardBackward = 0.25;
    // The largest correction a corner may ask for: the first round starts from a fit at the analysis size (a few
    // pixels off at most), the later ones from a refined fit; a larger shift is another structure, not a correction.
    private const double MaxFirstShift = 12;
    private const double MaxLaterShift = 4;
    private const double FitThreshold = 1.0;
    private const int MinInliers = 40;
    // A round is kept only if the share of tracked corners it explains did not fall below this fraction of the
    // previous round's (a fit that explains fewer corners latched onto part of the scene).
    private const double MinInlierShareKept = 0.9;
    private const int Rounds = 2;

    /// <summary>
    /// Refines <paramref name="h"/> (A into B) on the 8-bit grayscale images; null when too few corners of A land on
    /// B or track reliably (the caller keeps its estimate).
    /// </summary>
    public static RefinedHomography? Refine(Image grayA, Image grayB, Mat3 h)
    {
        ArgumentNullException.ThrowIfNull(grayA);
        ArgumentNullException.ThrowIfNull(grayB);
        if (grayA.Channels != 1 || grayB.Channels != 1) throw new ArgumentException("refinement needs grayscale images");
        var corners = PointTracker.DetectCorners(grayA, MaxCorners, CornerQuality, CornerSpacing);
        RefinedHomography? best = null;
        for (int round = 1; round <= Rounds; round++)
        {
            var from = best?.H ?? h;
            if (RefineOnce(grayA, grayB, from, Inside(corners, from, grayB.Width, grayB.Height), round == 1 ? MaxFirstShift : MaxLaterShift) is not { } next)
                break;
            if (best is not null && Share(next) < MinInlierShareKept * Share(best)) break;
            best = next with { Rounds = round };
        }
        return best;
    }

    private static double Share(RefinedHomography r) => (double)r.Inliers / r.Points;

    private static RefinedHomography? RefineOnce(Image grayA, Image grayB, Mat3 h, Vector2[] corners, double maxShift)
    {
        if (corners.Length < MinInliers || !h.TryInverse(out var inverse)) return null;
        // warped(x) = B(h x): A's geometry, B's content.
        using Image warped = grayB.WarpPerspective(inverse.ToArray(), grayA.Width, grayA.Height, BorderMode.Constant, Interpolation.Cubic);
        var forward = PointTracker.Track(grayA, warped, corners, corners, Window, PyramidLevels, 30, 0.001);
        var backward = PointTracker.Track(warped, grayA, forward.Positions, corners, Window, PyramidLevels, 30, 0.001);
        var source = new List<Vector2>(corners.Length);
        var destination = new List<Vector2>(corners.Length);
        for (int i = 0; i < corners.Length; i++)
        {
            if (!forward.Tracked[i] || !backward.Tracked[i]) continue;
            if (Vector2.Distance(backward.Positions[i], corners[i]) > MaxForwardBackward) continue;
            var moved = forward.Positions[i];
            if (Vector2.Distance(moved, corners[i]) > maxShift) continue;
            var inB = h.Transform(moved.X, moved.Y);
            source.Add(corners[i]);
            destination.Add(new Vector2((float)inB.X, (float)inB.Y));
        }
        if (source.Count < MinInliers) return null;
        var robust = HomographyFit.Fit(source.ToArray(), destination.ToArray(), HomographyMethod.Magsac, FitThreshold, 0.999, 5000);
        if (robust is null || robust.InlierCount < MinInliers) return null;
        var src = source.Where((_, i) => robust.InlierMask[i]).ToArray();
        var dst = destination.Where((_, i) => robust.InlierMask[i]).ToArray();
        if (HomographyFit.Fit(src, dst, HomographyMethod.LeastSquares) is not { } polished) return null;
        var refined = Mat3.FromArray(polished.Matrix);
        var residuals = new double[src.Length];
        for (int i = 0; i < src.Length; i++)
        {
            var p = refined.Transform(src[i].X, src[i].Y);
            residuals[i] = Math.Sqrt((p.X - dst[i].X) * (p.X - dst[i].X) + (p.Y - dst[i].Y) * (p.Y - dst[i].Y));
        }
        Array.Sort(residuals);
        return new RefinedHomography(refined, source.Count, src.Length, residuals[residuals.Length / 2], 1);
    }

    /// <summary>The corners whose image under <paramref name="h"/> is inside B with room for the tracking window.</summary>
    private static Vector2[] Inside(Vector2[] points, Mat3 h, int width, int height)
    {
        const int margin = Window;
        return points.Where(p =>
        {
            if (h.HomogeneousW(p.X, p.Y) <= 0) return false;
            var q = h.Transform(p.X, p.Y);
            return q.X >= margin && q.Y >= margin && q.X < width - margin && q.Y < height - margin;
        }).ToArray();
    }
}
