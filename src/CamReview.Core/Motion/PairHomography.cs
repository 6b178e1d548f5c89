namespace CamReview.Core;

/// <summary>
/// The analysis result for one consecutive-frame pair (frame i -&gt; frame i+1) of a clip, as produced by the
/// homography estimator: the PIXEL homography (maps pixels of frame i into frame i+1), the frame size,
/// and whether the fit is trustworthy. A pair is <see cref="Usable"/> only when it is Ok, has a finite
/// homography, and that homography can be normalized (its centre does not go to infinity). Producers
/// should set Ok from the fit statistics AND from <see cref="HomographyCheck.Check"/>; the metrics here
/// do not re-run that check, so what was flagged at analysis time is exactly what is excluded later.
/// </summary>
public sealed record PairHomography(Mat3? Homography, int Width, int Height, bool Ok, string? Reason = null)
{
    /// <summary>A trusted pair.</summary>
    public static PairHomography Valid(Mat3 homography, int width, int height) => new(homography, width, height, true);

    /// <summary>A flagged pair (the homography, if any, is kept for display but never used).</summary>
    public static PairHomography Flagged(string reason, int width, int height, Mat3? homography = null) =>
        new(homography, width, height, false, reason);

    /// <summary>True when the pair may enter metrics (see the type's remarks).</summary>
    public bool Usable => UnusableReason is null;

    /// <summary>Null when usable, else why not (the producer's reason, or a numeric problem found here).</summary>
    public string? UnusableReason
    {
        get
        {
            if (!Ok) return string.IsNullOrWhiteSpace(Reason) ? "flagged" : Reason;
            if (Homography is not { } h) return "no homography";
            if (Width <= 0 || Height <= 0) return "invalid frame size";
            if (!h.IsFinite) return "homography has non-finite entries";
            if (!NormalizedCoordinates.TryNormalize(h, Width, Height, out _))
                return "homography sends the image centre to infinity";
            return null;
        }
    }

    /// <summary>The normalized homography (Hn[2,2] = 1) of a usable pair; throws if not usable.</summary>
    public Mat3 Normalized() => Usable
        ? NormalizedCoordinates.Normalize(Homography!.Value, Width, Height)
        : throw new InvalidOperationException($"pair is not usable: {UnusableReason}");
}
