using Microsoft.ML.OnnxRuntime;

namespace CamReview.Inference;

/// <summary>Opens a session on CUDA when asked and possible, else on the CPU, and records why CUDA was not used.</summary>
internal static class SessionFactory
{
    internal const string CudaHint =
        "The CUDA provider needs CUDA 13 (libcudart.so.13, libcublas.so.13, libcublasLt.so.13, libcurand.so.10) and the " +
        "NVIDIA driver (libcuda.so.1) where the dynamic loader finds them, and a CUDA device.";

    public static (InferenceSession Session, ProviderSelection Selection) Open(
        OnnxSessionOptions options, Func<SessionOptions, InferenceSession> open, string what)
    {
        _ = OnnxRuntime.Env; // our environment (and logger) before any other ONNX Runtime object
        string? note = null, reason = null;
        if (options.Device != DevicePreference.Cpu)
        {
            using var log = OnnxRuntime.CaptureLog();
            var step = $"appending {ExecutionProviders.Cuda} (device {options.CudaDeviceId})";
            OnnxRuntimeException failure;
            // Its own options object: a failed append must not leave anything half-registered for the CPU attempt.
            using (var cudaOptions = NewOptions(options))
            {
                try
                {
                    cudaOptions.AppendExecutionProvider_CUDA(options.CudaDeviceId);
                    step = $"creating the session with {ExecutionProviders.Cuda}";
                    return (open(cudaOptions), new ProviderSelection(ExecutionProviders.Cuda, null, null));
                }
                catch (Microsoft.ML.OnnxRuntime.OnnxRuntimeException e)
                {
                    // E.g. CUDA libraries or device missing. A broken model fails again, and is reported, on the CPU below.
                    failure = OnnxRuntimeException.From(e, step);
                }
            }
            var logged = log.Messages.Where(m => m.Length > 0).Distinct().ToList();
            reason = ShortReason(logged) ?? failure.NativeMessage;
            note = $"CUDA not used ({options.Device} requested), running on CPU: {reason} ({step} failed ({failure.Code}): {failure.NativeMessage}" +
                   (logged.Count > 0 ? $"; ONNX Runtime logged: {string.Join(" | ", logged)}" : "") + ")." +
                   (failure.NativeMessage.Contains("shared library", StringComparison.OrdinalIgnoreCase) ? " " + CudaHint : "");
        }

        using var cpuOptions = NewOptions(options);
        try
        {
            return (open(cpuOptions), new ProviderSelection(ExecutionProviders.Cpu, note, reason));
        }
        catch (Microsoft.ML.OnnxRuntime.OnnxRuntimeException e)
        {
            throw OnnxRuntimeException.From(e, what);
        }
    }

    /// <summary>"Failed to load library X with error: libcublasLt.so.13: cannot open ..." -> what the loader said.</summary>
    private static string? ShortReason(List<string> logged)
    {
        foreach (var message in logged)
        {
            var at = message.LastIndexOf(" with error: ", StringComparison.Ordinal);
            if (at >= 0) return message[(at + " with error: ".Length)..].Trim();
        }
        return logged.LastOrDefault();
    }

    private static SessionOptions NewOptions(OnnxSessionOptions options)
    {
        var so = new SessionOptions();
        try
        {
            so.GraphOptimizationLevel = (GraphOptimizationLevel)(int)options.Optimization;
            so.IntraOpNumThreads = options.IntraOpThreads;
            so.LogId = "camreview";
            return so;
        }
        catch
        {
            so.Dispose();
            throw;
        }
    }
}
