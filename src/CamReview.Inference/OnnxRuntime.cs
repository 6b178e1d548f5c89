using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Microsoft.ML.OnnxRuntime;

namespace CamReview.Inference;

/// <summary>
/// The process-wide ONNX Runtime (the Microsoft.ML.OnnxRuntime package and the native library it ships): one
/// environment, its version and providers, and which provider a session would really get on this machine.
/// </summary>
public static partial class OnnxRuntime
{
    private static readonly Lazy<OrtEnv> LazyEnv = new(CreateEnv, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly ConcurrentDictionary<(DevicePreference, int), Lazy<ProviderSelection>> Probes = new();

    // Kept in a static field: native code calls it for the lifetime of the process.
    private static readonly DOrtLoggingFunction LogCallback = OnLog;

    [ThreadStatic] private static List<string>? _capture;

    /// <summary>ONNX Runtime's own version string, e.g. "1.32.0".</summary>
    public static string Version => Env.GetVersionString();

    /// <summary>
    /// Execution providers compiled into the native library, e.g. CUDA and CPU. Listing CUDA does not mean it can
    /// start: it also needs CUDA 13 and a device (see <see cref="ProbeSessionProvider"/>).
    /// </summary>
    public static string[] AvailableProviders => Env.GetAvailableProviders();

    /// <summary>
    /// The provider a session with these options really gets here, found by opening a one-node model the same way
    /// <see cref="OnnxSession"/> opens any model (CUDA attempt and CPU fallback included). Cached per device
    /// preference and CUDA device: libraries and drivers do not appear while a process runs.
    /// </summary>
    public static ProviderSelection ProbeSessionProvider(OnnxSessionOptions? options = null)
    {
        options ??= new OnnxSessionOptions();
        var key = (options.Device, options.CudaDeviceId);
        var lazy = Probes.GetOrAdd(key, k => new Lazy<ProviderSelection>(() =>
        {
            var model = ProbeModel();
            var (session, selection) = SessionFactory.Open(new OnnxSessionOptions { Device = k.Item1, CudaDeviceId = k.Item2, IntraOpThreads = 1 },
                o => new InferenceSession(model, o), "opening the probe model");
            session.Dispose();
            return selection;
        }, LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            return lazy.Value;
        }
        catch
        {
            Probes.TryRemove(new KeyValuePair<(DevicePreference, int), Lazy<ProviderSelection>>(key, lazy));
            throw;
        }
    }

    internal static OrtEnv Env => LazyEnv.Value;

    /// <summary>
    /// Collects what ONNX Runtime logs on this thread until disposed, instead of printing it. The package's exception
    /// for a provider that cannot load says only "Failed to load shared library"; which library is missing is in the log.
    /// </summary>
    internal static LogCapture CaptureLog()
    {
        _ = Env; // our logger must be installed before ONNX Runtime logs anything
        return new LogCapture();
    }

    internal sealed class LogCapture : IDisposable
    {
        private readonly List<string>? _outer;

        public LogCapture()
        {
            _outer = _capture;
            _capture = Messages;
        }

        public List<string> Messages { get; } = [];

        public void Dispose() => _capture = _outer;
    }

    private static OrtEnv CreateEnv()
    {
        if (OrtEnv.IsCreated) return OrtEnv.Instance(); // someone created it first: it logs its own way
        var options = new EnvironmentCreationOptions
        {
            logId = "camreview",
            logLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING,
            loggingFunction = LogCallback,
        };
        return OrtEnv.CreateInstanceWithOptions(ref options);
    }

    private static void OnLog(nint param, OrtLoggingLevel severity, string category, string logId, string codeLocation, string message)
    {
        try
        {
            var text = CleanLogMessage(message);
            if (_capture is { } capture) capture.Add(text);
            else Console.Error.WriteLine($"onnxruntime {SeverityLetter(severity)}: {text}");
        }
        catch
        {
            // An exception must not unwind into native code.
        }
    }

    private static char SeverityLetter(OrtLoggingLevel severity) => severity switch
    {
        OrtLoggingLevel.ORT_LOGGING_LEVEL_VERBOSE => 'V',
        OrtLoggingLevel.ORT_LOGGING_LEVEL_INFO => 'I',
        OrtLoggingLevel.ORT_LOGGING_LEVEL_WARNING => 'W',
        OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR => 'E',
        _ => 'F',
    };

    /// <summary>"/onnxruntime_src/...cc:2059 Fn() [ONNXRuntimeError] : 1 : FAIL : text" -> "text".</summary>
    internal static string CleanLogMessage(string message)
    {
        var match = LogPrefix().Match(message);
        return (match.Success ? match.Groups[1].Value : message).Trim();
    }

    [GeneratedRegex(@"\[ONNXRuntimeError\] : \d+ : \w+ : (.*)$", RegexOptions.Singleline)]
    private static partial Regex LogPrefix();

    /// <summary>
    /// A valid ONNX model (IR 8, opset 17) with one Identity node, y = x, x and y float [1]: enough for ONNX Runtime
    /// to place a session on a provider. Protobuf fields as in onnx.proto: ModelProto{ir_version=1, graph=7,
    /// opset_import=8}, GraphProto{node=1, name=2, input=11, output=12}, NodeProto{input=1, output=2, op_type=4}.
    /// </summary>
    internal static byte[] ProbeModel()
    {
        static byte[] Field(int number, params byte[][] parts)
        {
            var body = parts.SelectMany(p => p).ToArray();
            return [(byte)((number << 3) | 2), checked((byte)body.Length), .. body]; // every part is < 128 bytes
        }
        static byte[] Text(string s) => System.Text.Encoding.ASCII.GetBytes(s);
        static byte[] ValueInfo(string name) =>
            [.. Field(1, Text(name)), .. Field(2, Field(1, [0x08, 0x01] /* elem_type FLOAT */, Field(2, Field(1, [0x08, 0x01] /* dim 1 */))))];

        var node = Field(1, Field(1, Text("x")), Field(2, Text("y")), Field(4, Text("Identity")));
        var graph = Field(7, node, Field(2, Text("probe")), Field(11, ValueInfo("x")), Field(12, ValueInfo("y")));
        return [0x08, 0x08 /* ir_version 8 */, .. graph, .. Field(8, Field(1), [0x10, 17] /* default domain, opset 17 */)];
    }
}

/// <summary>
/// The provider a session runs on, and when it is not CUDA although CUDA was asked for, why.
/// </summary>
/// <param name="ExecutionProvider"><see cref="ExecutionProviders.Cpu"/> or <see cref="ExecutionProviders.Cuda"/>.</param>
/// <param name="Note">"CUDA not used (Auto requested), running on CPU: reason (details)"; null when CUDA runs or CPU was asked for.</param>
/// <param name="FallbackReason">The short reason alone (ONNX Runtime's words), e.g. which CUDA library is missing.</param>
public sealed record ProviderSelection(string ExecutionProvider, string? Note, string? FallbackReason);
