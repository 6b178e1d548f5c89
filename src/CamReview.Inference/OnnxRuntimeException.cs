using System.Text.RegularExpressions;

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

/// <summary>An error reported by ONNX Runtime itself: its code and its own message, unaltered, plus what we were doing.</summary>
public sealed partial class OnnxRuntimeException : Exception
{
    public OnnxRuntimeException(OrtErrorCode code, string nativeMessage, string context, Exception? innerException = null)
        : base($"{context}: ONNX Runtime error {code}: {nativeMessage}", innerException)
    {
        Code = code;
        NativeMessage = nativeMessage;
    }

    public OrtErrorCode Code { get; }

    /// <summary>The message as ONNX Runtime produced it (trailing whitespace trimmed).</summary>
    public string NativeMessage { get; }

    /// <summary>
    /// Wraps the package's exception. It carries the code only inside its message ("[ErrorCode:Name] text"), so the
    /// code is read back from there; the package names native codes 11 and 12 by their old meanings.
    /// </summary>
    internal static OnnxRuntimeException From(Microsoft.ML.OnnxRuntime.OnnxRuntimeException e, string context)
    {
        var match = CodePrefix().Match(e.Message);
        if (!match.Success) return new OnnxRuntimeException(OrtErrorCode.Fail, e.Message.Trim(), context, e);
        var code = match.Groups[1].Value switch
        {
            "ShapeInferenceNotRegistered" => OrtErrorCode.EpFail,
            "RequirementNotRegistered" => OrtErrorCode.ModelLoadCanceled,
            var name => Enum.TryParse<OrtErrorCode>(name, out var parsed) ? parsed : OrtErrorCode.Fail,
        };
        return new OnnxRuntimeException(code, match.Groups[2].Value.Trim(), context, e);
    }

    [GeneratedRegex(@"^\[ErrorCode:(\w+)\]\s*(.*)$", RegexOptions.Singleline)]
    private static partial Regex CodePrefix();
}
