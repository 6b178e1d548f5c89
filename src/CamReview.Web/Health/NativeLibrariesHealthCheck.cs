using CamReview.Inference;
using CamReview.Vision;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CamReview.Web.Health;

/// <summary>The OpenCV shim and ONNX Runtime load, and which execution providers ONNX Runtime offers.</summary>
public sealed class NativeLibrariesHealthCheck : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        var data = new Dictionary<string, object>();
        var problems = new List<string>();
        try { data["opencv"] = VisionNative.OpenCvVersion; }
        catch (Exception e) { problems.Add($"OpenCV shim: {e.Message}"); }
        try
        {
            data["onnxruntime"] = OnnxRuntime.Version;
            data["onnxProviders"] = OnnxRuntime.AvailableProviders;
        }
        catch (Exception e) { problems.Add($"ONNX Runtime: {e.Message}"); }
        return Task.FromResult(problems.Count == 0
            ? HealthCheckResult.Healthy("native libraries loaded", data)
            : HealthCheckResult.Unhealthy(string.Join("; ", problems), data: data));
    }
}
