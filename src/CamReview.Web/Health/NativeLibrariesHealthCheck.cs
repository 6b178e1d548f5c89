using CamReview.Inference;
using CamReview.Vision;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CamReview.Web.Health;

/// <summary>
/// OpenCV (OpenCvSharp) and ONNX Runtime load, which execution providers ONNX Runtime offers, and which one a model
/// session really gets here (with the reason when CUDA is not used). Running on the CPU is healthy: it is the
/// documented fallback.
/// </summary>
public sealed class NativeLibrariesHealthCheck : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        var data = new Dictionary<string, object>();
        var problems = new List<string>();
        try { data["opencv"] = VisionNative.OpenCvVersion; }
        catch (Exception e) { problems.Add($"OpenCV: {e.Message}"); }
        try
        {
            data["onnxruntime"] = OnnxRuntime.Version;
            data["onnxProviders"] = OnnxRuntime.AvailableProviders;
            // What the portal's sessions use (default options: CUDA first, else the CPU).
            var session = OnnxRuntime.ProbeSessionProvider();
            data["onnxSession"] = new { session.ExecutionProvider, session.FallbackReason, session.Note };
        }
        catch (Exception e) { problems.Add($"ONNX Runtime: {e.Message}"); }
        return Task.FromResult(problems.Count == 0
            ? HealthCheckResult.Healthy("native libraries loaded", data)
            : HealthCheckResult.Unhealthy(string.Join("; ", problems), data: data));
    }
}
