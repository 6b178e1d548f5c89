using Microsoft.Win32.SafeHandles;

namespace CamReview.Vision.Interop;

// One SafeHandle type per native object kind: Dispose and the finalizer both end in the shim's delete.
// Public parameterless constructors are required by the LibraryImport generator for `out` handles.

internal sealed class MatHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public MatHandle() : base(ownsHandle: true) { }
    protected override bool ReleaseHandle() { NativeMethods.cvr_mat_delete(handle); return true; }
}

internal sealed class VideoCaptureHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public VideoCaptureHandle() : base(ownsHandle: true) { }
    protected override bool ReleaseHandle() { NativeMethods.cvr_video_delete(handle); return true; }
}

internal sealed class FeaturesHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    public FeaturesHandle() : base(ownsHandle: true) { }
    protected override bool ReleaseHandle() { NativeMethods.cvr_features_delete(handle); return true; }
}
