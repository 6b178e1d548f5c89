using OpenCvSharp;

namespace CamReview.Vision;

// Diagnostics of the OpenCV layer (OpenCvSharp's native library).
public static class VisionNative
{
    // Native objects held by our wrappers (images, video readers, feature sets) currently alive. Leak tests compare
    // it before/after.
    public static long LiveObjectCount => Interlocked.Read(ref OpenCv.LiveObjects);

    public static string OpenCvVersion => Cv2.GetVersionString() ?? "";
}
