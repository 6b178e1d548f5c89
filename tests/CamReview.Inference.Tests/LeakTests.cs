using System.Diagnostics;
using Xunit.Abstractions;
using CamReview.Testing.Onnx;

namespace CamReview.Inference.Tests;

[CollectionDefinition(nameof(MemorySensitive), DisableParallelization = true)]
public class MemorySensitive;

[Collection(nameof(MemorySensitive))]
public class LeakTests(TestModels models, ITestOutputHelper output) : IClassFixture<TestModels>
{
    [Fact]
    public void Two_hundred_create_run_dispose_cycles_do_not_grow_memory()
    {
        // 256x256 weights (256 KB) so a leaked session or output would add up to ~50+ MB over 200 cycles.
        const int size = 256;
        var weights = Enumerable.Range(0, size * size).Select(i => (float)(i % 7 - 3)).ToArray();
        var path = new OnnxModelBuilder()
            .Input("x", 1, size)
            .Initializer("w", weights, size, size)
            .Node("MatMul", ["x", "w"], ["y"])
            .Output("y", 1, size)
            .Save(models.PathOf("big_matmul.onnx"));
        var x = Enumerable.Range(0, size).Select(i => (float)(i % 3)).ToArray();
        var expected0 = Enumerable.Range(0, size).Sum(k => x[k] * weights[k * size]);
        var options = new OnnxSessionOptions { Device = DevicePreference.Cpu, IntraOpThreads = 1 };

        void Cycle()
        {
            using var session = new OnnxSession(path, options);
            var y = session.Run("x", new Tensor(x, 1, size))["y"];
            Assert.Equal(expected0, y.Data[0]);
        }

        for (var i = 0; i < 20; i++) Cycle(); // warm up allocator arenas, JIT, ORT kernel registries
        var before = ResidentBytes();
        for (var i = 0; i < 200; i++) Cycle();
        var after = ResidentBytes();

        var growthMb = (after - before) / (1024.0 * 1024.0);
        output.WriteLine($"resident memory: {before / 1048576.0:F1} MB -> {after / 1048576.0:F1} MB ({growthMb:+0.0;-0.0} MB)");
        Assert.True(growthMb < 25, $"resident memory grew {growthMb:F1} MB over 200 cycles");
    }

    private static long ResidentBytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }
}
