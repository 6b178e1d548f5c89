using System.Runtime.InteropServices;
using CamReview.Vision.Interop;

namespace CamReview.Vision;

// Diagnostics of the native shim.
public static class VisionNative
{
    // Native objects (images, video captures, feature sets) currently alive. Leak tests compare it before/after.
    public static long LiveObjectCount => NativeMethods.cvr_live_objects();

    public static string OpenCvVersion => Marshal.PtrToStringUTF8(NativeMethods.cvr_opencv_version()) ?? "";
}
