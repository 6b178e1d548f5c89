namespace CamReview.Inference;

/// <summary>Where a session should run.</summary>
public enum DevicePreference
{
    /// <summary>Try CUDA, fall back to CPU (with <see cref="OnnxSession.ProviderNote"/> saying why).</summary>
    Auto,
    /// <summary>CPU only; CUDA is not attempted.</summary>
    Cpu,
    /// <summary>Asks for CUDA; still falls back to CPU rather than failing, and says why.</summary>
    Cuda,
}

/// <summary>ONNX Runtime graph optimization levels (GraphOptimizationLevel).</summary>
public enum GraphOptimization
{
    Disabled = 0,
    Basic = 1,
    Extended = 2,
    All = 99,
}

public sealed record OnnxSessionOptions
{
    public DevicePreference Device { get; init; } = DevicePreference.Auto;

    /// <summary>CUDA device ordinal, used when CUDA is attempted.</summary>
    public int CudaDeviceId { get; init; }

    /// <summary>Threads used inside one operator; 0 lets ONNX Runtime choose (one per physical core).</summary>
    public int IntraOpThreads { get; init; }

    public GraphOptimization Optimization { get; init; } = GraphOptimization.All;
}

/// <summary>Execution provider names as ONNX Runtime spells them.</summary>
public static class ExecutionProviders
{
    public const string Cpu = "CPUExecutionProvider";
    public const string Cuda = "CUDAExecutionProvider";
}
