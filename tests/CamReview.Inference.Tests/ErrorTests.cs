using Xunit.Abstractions;

namespace CamReview.Inference.Tests;

public class ErrorTests(TestModels models, ITestOutputHelper output) : IClassFixture<TestModels>
{
    private static readonly OnnxSessionOptions Cpu = new() { Device = DevicePreference.Cpu, IntraOpThreads = 1 };

    [Fact]
    public void Missing_model_file_names_the_full_path()
    {
        var path = models.PathOf("does-not-exist.onnx");
        var e = Assert.Throws<FileNotFoundException>(() => new OnnxSession(path, Cpu));
        Assert.Equal(path, e.FileName);
        Assert.Equal($"ONNX model not found: '{path}'", e.Message);
    }

    [Fact]
    public void Corrupt_model_carries_onnx_runtimes_own_message()
    {
        var e = Assert.Throws<OnnxRuntimeException>(() => new OnnxSession(models.Corrupt, Cpu));
        output.WriteLine(e.Message);
        Assert.NotEqual(OrtErrorCode.Ok, e.Code);
        Assert.False(string.IsNullOrWhiteSpace(e.NativeMessage));
        Assert.Contains(e.NativeMessage, e.Message);
        Assert.Contains($"loading ONNX model '{models.Corrupt}'", e.Message);
        Assert.Contains("protobuf", e.NativeMessage, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Corrupt_model_fails_the_same_way_when_cuda_is_tried_first()
    {
        var e = Assert.Throws<OnnxRuntimeException>(() => new OnnxSession(models.Corrupt, new OnnxSessionOptions { Device = DevicePreference.Auto }));
        Assert.Contains("protobuf", e.NativeMessage, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Unknown_operator_is_reported_by_onnx_runtime()
    {
        var e = Assert.Throws<OnnxRuntimeException>(() => new OnnxSession(models.UnknownOp, Cpu));
        output.WriteLine(e.Message);
        Assert.Contains("NoSuchOpCamReview", e.NativeMessage);
    }

    [Fact]
    public void Invalid_options_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new OnnxSession(models.Linear, Cpu with { IntraOpThreads = -1 }));
        Assert.Throws<ArgumentException>(() => new OnnxSession(" ", Cpu));
    }
}
