using CamReview.Testing.Onnx;
using Xunit.Abstractions;

namespace CamReview.Inference.Tests;

public class RuntimeTests(ITestOutputHelper output)
{
    [Fact]
    public void Reports_the_packaged_version_and_its_providers()
    {
        output.WriteLine($"ONNX Runtime {OnnxRuntime.Version}; providers: {string.Join(", ", OnnxRuntime.AvailableProviders)}");
        Assert.Equal("1.32.0", OnnxRuntime.Version);
        // The Gpu.Linux package's library is built with CUDA (and TensorRT), whether or not this machine can run them.
        Assert.Contains(ExecutionProviders.Cpu, OnnxRuntime.AvailableProviders);
        Assert.Contains(ExecutionProviders.Cuda, OnnxRuntime.AvailableProviders);
    }

    [Fact]
    public void AvailableProviders_returns_a_copy()
    {
        var providers = OnnxRuntime.AvailableProviders;
        providers[0] = "tampered";
        Assert.DoesNotContain("tampered", OnnxRuntime.AvailableProviders);
    }

    [Fact]
    public void Native_library_comes_from_the_package_next_to_the_app()
    {
        var native = Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native");
        Assert.True(File.Exists(Path.Combine(native, "libonnxruntime.so")), $"no libonnxruntime.so in {native}");
        Assert.True(File.Exists(Path.Combine(native, "libonnxruntime_providers_cuda.so")));
        Assert.False(File.Exists(Path.Combine(AppContext.BaseDirectory, "libonnxruntime.so.1")), "the old extracted library is still copied");
    }

    [Fact]
    public void Probe_model_is_a_one_node_identity_model()
    {
        // The test builder's model of the same graph (which also names its producer and node) declares the same values.
        var expected = new OnnxModelBuilder(graphName: "probe")
            .Input("x", 1)
            .Node("Identity", ["x"], ["y"])
            .Output("y", 1)
            .Build();
        var probe = OnnxRuntime.ProbeModel();
        using var tmp = new TempFile(probe);
        using var session = new OnnxSession(tmp.Path, new OnnxSessionOptions { Device = DevicePreference.Cpu });
        Assert.Equal("x: Float[1]", Assert.Single(session.Inputs).ToString());
        Assert.Equal("y: Float[1]", Assert.Single(session.Outputs).ToString());
        Assert.Equal([42f], session.Run("x", new Tensor([42f], 1))["y"].Data);
        using var built = new TempFile(expected);
        using var builtSession = new OnnxSession(built.Path, new OnnxSessionOptions { Device = DevicePreference.Cpu });
        Assert.Equal(session.Inputs.Select(i => i.ToString()), builtSession.Inputs.Select(i => i.ToString()));
    }

    [Fact]
    public void Log_prefix_is_stripped_to_onnx_runtimes_text()
    {
        Assert.Equal("Failed to load library /x/libonnxruntime_providers_cuda.so with error: libcublasLt.so.13: cannot open shared object file",
            OnnxRuntime.CleanLogMessage("/onnxruntime_src/onnxruntime/core/session/provider_bridge_ort.cc:2059 onnxruntime::Provider& " +
                "onnxruntime::ProviderLibrary::Get() [ONNXRuntimeError] : 1 : FAIL : Failed to load library /x/libonnxruntime_providers_cuda.so " +
                "with error: libcublasLt.so.13: cannot open shared object file\n"));
        Assert.Equal("plain message", OnnxRuntime.CleanLogMessage(" plain message "));
    }

    private sealed class TempFile : IDisposable
    {
        public TempFile(byte[] bytes)
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"camreview-{Guid.NewGuid():N}.onnx");
            File.WriteAllBytes(Path, bytes);
        }

        public string Path { get; }

        public void Dispose() => File.Delete(Path);
    }
}
