using Xunit.Abstractions;

namespace CamReview.Inference.Tests;

/// <summary>
/// CUDA is attempted for Auto/Cuda. Written against what the runtime really offers, not "there is no GPU":
/// with a GPU build and a device the session may run on CUDA; otherwise it must fall back and explain why.
/// </summary>
public class ProviderTests(TestModels models, ITestOutputHelper output) : IClassFixture<TestModels>
{
    [Theory]
    [InlineData(DevicePreference.Auto)]
    [InlineData(DevicePreference.Cuda)]
    public void Cuda_is_tried_and_the_provider_really_used_is_reported(DevicePreference preference)
    {
        using var session = new OnnxSession(models.Linear, new OnnxSessionOptions { Device = preference, IntraOpThreads = 1 });
        var cudaInBuild = OnnxRuntime.AvailableProviders.Contains(ExecutionProviders.Cuda);
        output.WriteLine($"{preference}: {session.ExecutionProvider}; note: {session.ProviderNote}; load {session.LoadTime.TotalMilliseconds:F1} ms");

        if (session.ExecutionProvider == ExecutionProviders.Cuda)
        {
            Assert.True(cudaInBuild, "CUDA cannot run with a build that does not list it");
            Assert.Null(session.ProviderNote);
        }
        else
        {
            Assert.Equal(ExecutionProviders.Cpu, session.ExecutionProvider);
            var note = Assert.IsType<string>(session.ProviderNote);
            Assert.StartsWith($"CUDA not used ({preference} requested), running on CPU: ", note);
            Assert.Matches(@"failed \(\w+\): \S", note); // ONNX Runtime's reason is carried along
            if (!cudaInBuild)
                Assert.Contains($"offers only {string.Join(", ", OnnxRuntime.AvailableProviders)}", note);
            else if (note.Contains("libonnxruntime_providers_shared.so: cannot open"))
                Assert.Contains(OnnxRuntime.LibraryPathVariable, note); // the fix is named
        }

        float[] x = [3, -1, 2];
        Assert.Equal(TestModels.LinearExpected(x, relu: true), session.Run("x", new Tensor(x, 1, 3))["y"].Data);
    }

    [Fact]
    public void Cpu_preference_does_not_try_cuda()
    {
        using var session = new OnnxSession(models.Linear, new OnnxSessionOptions { Device = DevicePreference.Cpu });
        Assert.Equal(ExecutionProviders.Cpu, session.ExecutionProvider);
        Assert.Null(session.ProviderNote);
    }

    [Fact]
    public void Default_options_try_cuda()
    {
        Assert.Equal(DevicePreference.Auto, new OnnxSessionOptions().Device);
        using var session = new OnnxSession(models.Linear);
        Assert.True(session.ExecutionProvider == ExecutionProviders.Cuda || session.ProviderNote is not null);
    }
}
