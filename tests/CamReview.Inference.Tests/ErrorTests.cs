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
        Assert.Equal(OrtErrorCode.InvalidProtobuf, e.Code);
        Assert.DoesNotContain("[ErrorCode:", e.NativeMessage); // the package's prefix became Code
        Assert.IsType<Microsoft.ML.OnnxRuntime.OnnxRuntimeException>(e.InnerException);
    }

    [Fact]
    public void Corrupt_model_fails_the_same_way_when_cuda_is_tried_first()
    {
        var e = Assert.Throws<OnnxRuntimeException>(() => new OnnxSession(models.Corrupt, new OnnxSessionOptions { Device = DevicePreference.Auto }));
        Assert.Contains("protobuf", e.NativeMessage, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(OrtErrorCode.InvalidProtobuf, e.Code);
    }

    [Fact]
    public void Unknown_operator_is_reported_by_onnx_runtime()
    {
        var e = Assert.Throws<OnnxRuntimeException>(() => new OnnxSession(models.UnknownOp, Cpu));
        output.WriteLine(e.Message);
        Assert.Contains("NoSuchOpCamReview", e.NativeMessage);
        Assert.NotEqual(OrtErrorCode.Ok, e.Code);
    }

    [Fact]
    public void Empty_and_truncated_model_files_are_refused_by_onnx_runtime()
    {
        var empty = models.PathOf("empty.onnx");
        File.WriteAllBytes(empty, []);
        var e = Assert.Throws<OnnxRuntimeException>(() => new OnnxSession(empty, Cpu));
        output.WriteLine(e.Message);
        Assert.Contains($"loading ONNX model '{empty}'", e.Message);

        var truncated = models.PathOf("truncated.onnx");
        var whole = File.ReadAllBytes(models.ConvMean);
        File.WriteAllBytes(truncated, whole[..(whole.Length / 2)]);
        var t = Assert.Throws<OnnxRuntimeException>(() => new OnnxSession(truncated, Cpu));
        output.WriteLine(t.Message);
        Assert.NotEqual(OrtErrorCode.Ok, t.Code);
    }

    [Fact]
    public void A_directory_is_not_a_model()
    {
        var e = Assert.Throws<FileNotFoundException>(() => new OnnxSession(models.Directory, Cpu));
        Assert.Contains(models.Directory, e.Message);
    }

    [Fact]
    public void Invalid_options_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new OnnxSession(models.Linear, Cpu with { IntraOpThreads = -1 }));
        Assert.Throws<ArgumentException>(() => new OnnxSession(" ", Cpu));
        Assert.Throws<ArgumentOutOfRangeException>(() => new OnnxSession(models.Linear, Cpu with { CudaDeviceId = -1 }));
    }
}
