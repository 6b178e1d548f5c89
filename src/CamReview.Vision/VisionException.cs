namespace CamReview.Vision;

// Raised for every failure inside OpenCV (and for unreadable inputs). The message always says what we were doing
// ("Could not load image '/x.png'") followed by the native detail; for an OpenCV error that detail is OpenCV's own
// message (e.g. "OpenCV(4.13.0) ...: error: (-215:Assertion failed) inv_scale_x > 0 in function 'resize'").
public sealed class VisionException : Exception
{
    public VisionException(string context, string? nativeMessage = null, bool fromOpenCv = false)
        : base(string.IsNullOrEmpty(nativeMessage) ? context : $"{context}: {nativeMessage}")
    {
        NativeMessage = nativeMessage;
        FromOpenCv = fromOpenCv;
    }

    public string? NativeMessage { get; }

    // True when the native detail is an OpenCV error (cv::Exception) message.
    public bool FromOpenCv { get; }
}
