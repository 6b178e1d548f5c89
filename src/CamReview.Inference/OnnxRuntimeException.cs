namespace CamReview.Inference;

/// <summary>ONNX Runtime's OrtErrorCode (onnxruntime_error_code.h); values are part of the C ABI.</summary>
public enum OrtErrorCode
{
    Ok = 0,
    Fail = 1,
    InvalidArgument = 2,
    NoSuchFile = 3,
    NoModel = 4,
    EngineError = 5,
    RuntimeException = 6,
    InvalidProtobuf = 7,
    ModelLoaded = 8,
    NotImplemented = 9,
    InvalidGraph = 10,
    EpFail = 11,
    ModelLoadCanceled = 12,
    ModelRequiresCompilation = 13,
    NotFound = 14,
}

/// <summary>An error reported by ONNX Runtime itself (an OrtStatus): its code and its own message, unaltered.</summary>
public sealed class OnnxRuntimeException : Exception
{
    public OnnxRuntimeException(OrtErrorCode code, string nativeMessage, string context)
        : base($"{context}: ONNX Runtime error {code}: {nativeMessage}")
    {
        Code = code;
        NativeMessage = nativeMessage;
    }

    public OrtErrorCode Code { get; }

    /// <summary>The message as ONNX Runtime produced it (trailing whitespace trimmed).</summary>
    public string NativeMessage { get; }
}

/// <summary>The ONNX Runtime shared library could not be found or loaded, or is not a usable ONNX Runtime.</summary>
public sealed class OnnxRuntimeLoadException : Exception
{
    internal const string Hint =
        "Run scripts/setup.sh to fetch the CPU build into artifacts/native/ (it is copied next to every app and test " +
        "that references CamReview.Inference), or set " + OnnxRuntime.LibraryPathVariable +
        " to another libonnxruntime.so.1 (for example a GPU build, for CUDA).";

    public OnnxRuntimeLoadException(string libraryPath, string problem, Exception? inner = null)
        : base($"{problem} {Hint}", inner)
    {
        LibraryPath = libraryPath;
    }

    /// <summary>The path that was tried.</summary>
    public string LibraryPath { get; }
}
