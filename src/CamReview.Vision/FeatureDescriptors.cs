using CamReview.Vision.Interop;

namespace CamReview.Vision;

// Managed copies of float descriptors (SIFT), for matchers written in managed code (the Pipeline's SIMD L2
// matcher). ORB descriptors are already managed inside Features and matched by FeatureMatcher.
public static unsafe class FeatureDescriptors
{
    private const int Cv32F = 5;

    // Row-major rows x dimensions floats (one row per keypoint, in Features.Points order). Empty for no keypoints.
    public static float[] CopyFloat(Features features, out int dimensions)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.Kind != FeatureKind.Sift) throw new ArgumentException($"{features.Kind} features have binary descriptors, not float ones");
        FeaturesHandle handle = features.Live;
        NativeMethods.Check(NativeMethods.cvr_features_descriptors(handle, null, 0, out int rows, out int cols, out int type), "Could not read descriptors");
        dimensions = cols;
        if (rows == 0) return [];
        if (rows != features.Count || type != Cv32F) throw new VisionException($"Unexpected SIFT descriptor shape {rows}x{cols} (type {type})");
        var data = new float[rows * cols];
        fixed (float* p = data)
            NativeMethods.Check(NativeMethods.cvr_features_descriptors(handle, (byte*)p, data.Length * 4L, out _, out _, out _), "Could not read descriptors");
        return data;
    }
}
