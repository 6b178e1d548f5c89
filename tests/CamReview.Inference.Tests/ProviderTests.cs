using Xunit.Abstractions;

namespace CamReview.Inference.Tests;

/// <summary>
/// CUDA is attempted for Auto/Cuda. Written against what the machine really offers, not "there is no GPU": with
/// CUDA 13 and a device the session may run on CUDA; otherwise it must fall back and say why, in ONNX Runtime's words.
/// </summary>
[Collection(nameof(ConsoleSensitive))]
public class ProviderTests(TestModels models, ITestOutputHelper output) : IClassFixture<TestModels>
{
    [Theory]
    [InlineData(DevicePreference.Auto)]
    [InlineData(DevicePreference.Cuda)]
    public void Cuda_is_tried_and_the_provider_really_used_is_reported(DevicePreference preference)
    {
        using var session = new OnnxSession(models.Linear, new OnnxSessionOptions { Device = preference, IntraOpThreads = 1 });
        output.WriteLine($"{preference}: {session.ExecutionProvider}; load {session.LoadTime.TotalMilliseconds:F1} ms; note: {session.ProviderNote}");

        if (session.ExecutionProvider == ExecutionProviders.Cuda)
        {
            Assert.Null(session.ProviderNote);
            Assert.Null(session.FallbackReason);
        }
        else
        {
            Assert.Equal(ExecutionProviders.Cpu, session.ExecutionProvider);
            var note = Assert.IsType<string>(session.ProviderNote);
            var reason = Assert.IsType<string>(session.FallbackReason);
            Assert.StartsWith($"CUDA not used ({preference} requested), running on CPU: {reason} (", note);
            // The step that failed and ONNX Runtime's code and message are carried along.
            Assert.Matches(@"\((appending|creating the session with) CUDAExecutionProvider.* failed \(\w+\): \S", note);
        }

        float[] x = [3, -1, 2];
        Assert.Equal(TestModels.LinearExpected(x, relu: true), session.Run("x", new Tensor(x, 1, 3))["y"].Data);
    }

    [Fact]
    public void Without_cuda_13_the_append_fails_cleanly_and_the_missing_library_is_named()
    {
        using var session = new OnnxSession(models.Linear, new OnnxSessionOptions { IntraOpThreads = 1 });
        var note = session.ProviderNote ?? "";
        output.WriteLine(note);
        // A host with CUDA 13 loads the provider (and runs on CUDA, or fails later for want of a device: the test above).
        if (session.ExecutionProvider == ExecutionProviders.Cuda || !note.Contains("appending")) return;
        Assert.Contains("appending CUDAExecutionProvider (device 0) failed (Fail): ", note);
        Assert.Contains("Failed to load shared library", note); // the package's exception text
        // ONNX Runtime's log says which library: the provider, and what the loader could not find.
        Assert.Contains("libonnxruntime_providers_cuda.so", note);
        Assert.Matches(@"^lib[\w.+-]+\.so(\.\d+)*: cannot open shared object file", session.FallbackReason!);
        Assert.Contains(session.FallbackReason!, note);
        Assert.EndsWith(SessionFactory.CudaHint, note);
    }

    [Fact]
    public void Every_session_attempts_cuda_and_records_its_own_reason()
    {
        var options = new OnnxSessionOptions { IntraOpThreads = 1 };
        using var first = new OnnxSession(models.Linear, options);
        using var second = new OnnxSession(models.ConvMean, options);
        Assert.Equal(first.ExecutionProvider, second.ExecutionProvider);
        Assert.Equal(first.ProviderNote, second.ProviderNote);
        if (first.ExecutionProvider == ExecutionProviders.Cpu) Assert.NotNull(second.ProviderNote);
    }

    [Fact]
    public void Captured_reasons_do_not_also_spill_onto_stderr()
    {
        var original = Console.Error;
        var stderr = new StringWriter();
        Console.SetError(stderr);
        try
        {
            using var session = new OnnxSession(models.Linear, new OnnxSessionOptions { IntraOpThreads = 1 });
            Assert.True(session.ExecutionProvider == ExecutionProviders.Cuda || session.ProviderNote is not null);
        }
        finally
        {
            Console.SetError(original);
        }
        Assert.DoesNotContain("providers_cuda", stderr.ToString());
    }

    [Fact]
    public void Cpu_preference_does_not_try_cuda()
    {
        using var session = new OnnxSession(models.Linear, new OnnxSessionOptions { Device = DevicePreference.Cpu });
        Assert.Equal(ExecutionProviders.Cpu, session.ExecutionProvider);
        Assert.Null(session.ProviderNote);
        Assert.Null(session.FallbackReason);
    }

    [Fact]
    public void Default_options_try_cuda()
    {
        Assert.Equal(DevicePreference.Auto, new OnnxSessionOptions().Device);
        using var session = new OnnxSession(models.Linear);
        Assert.True(session.ExecutionProvider == ExecutionProviders.Cuda || session.ProviderNote is not null);
    }

    [Fact]
    public void Probe_reports_what_a_real_session_gets()
    {
        var probe = OnnxRuntime.ProbeSessionProvider();
        using var session = new OnnxSession(models.Linear);
        Assert.Equal(session.Provider, probe);
        Assert.Same(probe, OnnxRuntime.ProbeSessionProvider(new OnnxSessionOptions())); // cached
        Assert.Equal(new ProviderSelection(ExecutionProviders.Cpu, null, null),
            OnnxRuntime.ProbeSessionProvider(new OnnxSessionOptions { Device = DevicePreference.Cpu }));
    }
}

[CollectionDefinition(nameof(ConsoleSensitive), DisableParallelization = true)]
public class ConsoleSensitive;
