namespace CamReview.Vision;

// Raised for every failure inside the native OpenCV shim (and for unreadable inputs). The message always says what
// we were doing ("Could not load image '/x.png'") followed by the native detail; for cv::Exception that detail is
// OpenCV's own message (e.g. "(-215:Assertion failed) !dsize.empty() in function 'resize'").
public sealed class VisionException : Exception
{
    public VisionException(string context, string? nativeMessage = null, bool fromOpenCv = false)
        : base(string.IsNullOrEmpty(nativeMessage) ? context : $"{context}: {nativeMessage}")
    {
        NativeMessage = nativeMessage;
        FromOpenCv = fromOpenCv;
    }

    public string? NativeMessage { get; }

    // True when the native detail is a cv::Exception message.
    public bool FromOpenCv { get; }
}
