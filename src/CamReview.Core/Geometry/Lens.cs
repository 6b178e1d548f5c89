namespace CamReview.Core;

/// <summary>
/// What a user said about a camera's lens: a horizontal field of view in degrees, or a focal length in pixels of the
/// frames it applies to, or neither (the <see cref="Intrinsics.DefaultHorizontalFovDegrees"/> default). A focal length
/// is resolved against a width only where the frames are known (<see cref="HorizontalFovAt"/>).
/// </summary>
public readonly record struct Lens(double? HorizontalFovDegrees = null, double? FocalLengthPixels = null)
{
    /// <summary>Whether a field of view or focal length was given (else the default is used).</summary>
    public bool IsGiven => HorizontalFovDegrees is not null || FocalLengthPixels is not null;

    /// <summary>The horizontal field of view of frames <paramref name="width"/> pixels wide.</summary>
    public double HorizontalFovAt(int width) => FocalLengthPixels is { } f
        ? 2 * Math.Atan(width / 2.0 / f) * 180.0 / Math.PI
        : HorizontalFovDegrees ?? Intrinsics.DefaultHorizontalFovDegrees;

    /// <summary>Why the values cannot be a lens, or null: a field of view in (0, 180) degrees, a positive finite focal
    /// length, not both.</summary>
    public string? Problem() =>
        HorizontalFovDegrees is not null && FocalLengthPixels is not null ? "give a field of view or a focal length, not both"
        : HorizontalFovDegrees is { } fov && !(fov > 0 && fov < 180) ? "the field of view must be above 0 and below 180 degrees"
        : FocalLengthPixels is { } fx && !(fx > 0 && fx <= 1e6) ? "the focal length must be above 0 and at most 1000000 pixels"
        : null;
}
