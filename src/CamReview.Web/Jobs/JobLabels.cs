using CamReview.Pipeline.Score;

namespace CamReview.Web.Jobs;

/// <summary>The one-line "where it ran" labels jobs and scores store (their Device columns hold 128 characters).</summary>
internal static class JobLabels
{
    public const int DeviceMaxLength = 128;

    /// <summary>
    /// "cpu (OpenCV)" for the geometry, plus the learned scene encoder's device and provider when one ran, e.g.
    /// "cpu (OpenCV); scene encoder cpu (CPUExecutionProvider; CUDA not used: libcublasLt.so.13: cannot open ...)".
    /// The whole provider note is in the score's JSON (sceneEncoder.providerNote).
    /// </summary>
    public static string ScoreDevice(SceneEncoderInfo? encoder) => Fit(encoder is { Kind: "onnx" } e
        ? $"cpu (OpenCV); scene encoder {e.Device} ({e.Provider}{(e.ProviderFallbackReason is { } reason ? $"; CUDA not used: {reason}" : "")})"
        : "cpu (OpenCV)");

    /// <summary>Cut to the column's length, marking the cut.</summary>
    public static string Fit(string label) => label.Length > DeviceMaxLength ? label[..(DeviceMaxLength - 1)] + "…" : label;
}
