using OpenCvSharp;

namespace CamReview.Vision;

// Managed copies of float descriptors (SIFT), for matchers written in managed code (the Pipeline's SIMD L2
// matcher). ORB descriptors are already managed inside Features and matched by FeatureMatcher.
public static unsafe class FeatureDescriptors
{
    // Row-major rows x dimensions floats (one row per keypoint, in Features.Points order). Empty for no keypoints.
    public static float[] CopyFloat(Features features, out int dimensions)
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.Kind != FeatureKind.Sift) throw new ArgumentException($"{features.Kind} features have binary descriptors, not float ones");
        Mat d = features.Descriptors;
        dimensions = d.Cols;
        if (d.Rows == 0) return [];
        if (d.Rows != features.Count || d.Type() != MatType.CV_32FC1) throw new VisionException($"Unexpected SIFT descriptor shape {d.Rows}x{d.Cols} (type {d.Type()})");
        var data = new float[d.Rows * d.Cols];
        fixed (float* p = data) OpenCv.CopyBytes(d, new Span<byte>(p, data.Length * sizeof(float)));
        GC.KeepAlive(features);
        return data;
    }
}
