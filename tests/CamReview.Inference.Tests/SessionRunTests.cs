using CamReview.Testing.Onnx;

namespace CamReview.Inference.Tests;

public class SessionRunTests(TestModels models) : IClassFixture<TestModels>
{
    private static readonly OnnxSessionOptions Cpu = new() { Device = DevicePreference.Cpu, IntraOpThreads = 1 };

    [Fact]
    public void Metadata_lists_names_types_and_dynamic_dims()
    {
        using var session = new OnnxSession(models.Linear, Cpu);
        var input = Assert.Single(session.Inputs);
        Assert.Equal("x", input.Name);
        Assert.True(input.IsTensor);
        Assert.Equal(TensorElementType.Float, input.ElementType);
        Assert.Equal([-1L, 3L], input.Shape);
        Assert.True(input.HasDynamicDimensions);
        Assert.Equal(["y", "z"], session.Outputs.Select(o => o.Name));
        Assert.Equal([-1L, 2L], session.Outputs[0].Shape);

        using var conv = new OnnxSession(models.ConvMean, Cpu);
        Assert.Equal([1L, 2L, 4L, 4L], conv.Inputs[0].Shape);
        Assert.False(conv.Inputs[0].HasDynamicDimensions);
        Assert.Equal([1L, 3L], conv.FindOutput("mean")!.Shape);
        Assert.Null(conv.FindOutput("depth"));
        Assert.Equal(Path.GetFullPath(models.ConvMean), conv.ModelPath);
    }

    [Fact]
    public void MatMul_Add_Relu_gives_exactly_the_expected_values()
    {
        using var session = new OnnxSession(models.Linear, Cpu);
        float[] x = [1, 2, 3];
        var result = session.Run("x", new Tensor(x, 1, 3));

        var y = result["y"];
        Assert.Equal([1L, 2L], y.Shape);
        Assert.Equal([7.5f, 6f], y.Data);
        Assert.Equal(TestModels.LinearExpected(x, relu: true), y.Data);
        Assert.Equal(TestModels.LinearExpected(x, relu: false), result["z"].Data);
    }

    [Fact]
    public void Relu_clamps_negative_sums_and_dynamic_batch_works()
    {
        using var session = new OnnxSession(models.Linear, Cpu);
        foreach (var batch in new[] { 1, 4, 7 })
        {
            var x = Enumerable.Range(0, batch * 3).Select(i => (float)((i * 7 % 11) - 5)).ToArray();
            var result = session.Run("x", new Tensor(x, batch, 3));
            var z = result["z"];
            var y = result["y"];
            Assert.Equal([(long)batch, 2L], y.Shape);
            Assert.Equal(TestModels.LinearExpected(x, relu: false), z.Data);
            Assert.Equal(TestModels.LinearExpected(x, relu: true), y.Data);
            if (batch > 1) Assert.Contains(z.Data, v => v < 0); // the Relu really had something to clamp
        }
        Assert.Equal(3, session.RunCount);
    }

    [Fact]
    public void Conv1x1_and_ReduceMean_match_a_reference_computation()
    {
        using var session = new OnnxSession(models.ConvMean, Cpu);
        var image = Enumerable.Range(0, 32).Select(i => (float)(i % 9 - 3) * 0.5f).ToArray();
        var result = session.Run("image", new Tensor(image, 1, 2, 4, 4));
        var (features, mean) = TestModels.ConvMeanExpected(image);

        Assert.Equal([1L, 3L, 4L, 4L], result["features"].Shape);
        Assert.Equal([1L, 3L], result["mean"].Shape);
        AssertClose(features, result["features"].Data, 1e-6);
        AssertClose(mean, result["mean"].Data, 1e-6);
    }

    [Fact]
    public void Requested_outputs_only_are_returned_in_a_result_with_timing()
    {
        using var session = new OnnxSession(models.Linear, Cpu);
        var result = session.Run("x", new Tensor([1, 1, 1], 1, 3), ["z"]);
        Assert.Equal(["z"], result.Outputs.Keys);
        var e = Assert.Throws<KeyNotFoundException>(() => result["y"]);
        Assert.Contains("'y'", e.Message);
        Assert.True(result.Elapsed > TimeSpan.Zero);
        Assert.True(session.LoadTime > TimeSpan.Zero);
        Assert.Equal(result.Elapsed, session.LastRunTime);
        Assert.Equal(result.Elapsed, session.TotalRunTime);
    }

    [Fact]
    public void Concurrent_runs_on_one_session_are_correct()
    {
        using var session = new OnnxSession(models.Linear, Cpu);
        Parallel.For(0, 64, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            float[] x = [i, -i, i % 3];
            Assert.Equal(TestModels.LinearExpected(x, relu: true), session.Run("x", new Tensor(x, 1, 3))["y"].Data);
        });
        Assert.Equal(64, session.RunCount);
    }

    [Fact]
    public void Zero_size_batch_runs()
    {
        using var session = new OnnxSession(models.Linear, Cpu);
        var y = session.Run("x", new Tensor([], 0, 3))["y"];
        Assert.Equal([0L, 2L], y.Shape);
        Assert.Empty(y.Data);
    }

    [Fact]
    public void Run_after_dispose_throws_ObjectDisposed()
    {
        var session = new OnnxSession(models.Linear, Cpu);
        session.Dispose();
        Assert.True(session.IsReleased);
        session.Dispose(); // idempotent
        Assert.Throws<ObjectDisposedException>(() => session.Run("x", new Tensor([1, 2, 3], 1, 3)));
        Assert.Equal(0, session.NativeRunAttempts);
    }

    [Fact]
    public async Task Dispose_during_a_run_lets_it_finish_and_frees_the_session_after_it()
    {
        var (path, x, rows) = SlowIdentityModel();
        var session = new OnnxSession(path, Cpu);
        var run = Task.Run(() => session.Run("x", new Tensor(x, rows, SlowSize)));
        Assert.True(SpinWait.SpinUntil(() => session.ActiveRuns == 1 || run.IsCompleted, TimeSpan.FromSeconds(10)));
        session.Dispose();
        var stillRunning = !run.IsCompleted;
        if (stillRunning) Assert.False(session.IsReleased); // in use: freed by the run when it returns
        Assert.Throws<ObjectDisposedException>(() => session.Run("x", new Tensor(x, rows, SlowSize)));

        var result = await run;
        Assert.Equal(x, result["y"].Data);
        Assert.True(session.IsReleased);
        Assert.Equal(0, session.ActiveRuns);
    }

    [Fact]
    public async Task Runs_racing_a_dispose_either_complete_correctly_or_see_ObjectDisposed()
    {
        var session = new OnnxSession(models.Linear, Cpu);
        var completed = 0;
        var refused = 0;
        using var go = new ManualResetEventSlim();
        var workers = Enumerable.Range(0, 4).Select(w => Task.Run(() =>
        {
            go.Wait();
            for (var i = 0; i < 2000; i++)
            {
                float[] x = [w, i, -i];
                try
                {
                    Assert.Equal(TestModels.LinearExpected(x, relu: true), session.Run("x", new Tensor(x, 1, 3))["y"].Data);
                    Interlocked.Increment(ref completed);
                }
                catch (ObjectDisposedException)
                {
                    Interlocked.Increment(ref refused);
                    return;
                }
            }
        })).ToArray();
        go.Set();
        SpinWait.SpinUntil(() => Volatile.Read(ref completed) > 50, TimeSpan.FromSeconds(10));
        session.Dispose();
        await Task.WhenAll(workers);
        Assert.True(completed > 50, $"{completed} runs completed");
        Assert.Equal(completed, session.RunCount);
        Assert.True(session.IsReleased);
    }

    [Fact]
    public void Concurrent_long_runs_on_one_session_are_each_correct()
    {
        var (path, x, rows) = SlowIdentityModel();
        using var session = new OnnxSession(path, Cpu);
        var inputs = Enumerable.Range(0, 3).Select(k => x.Select(v => v + k).ToArray()).ToArray();
        Parallel.For(0, inputs.Length, new ParallelOptions { MaxDegreeOfParallelism = 3 }, k =>
        {
            var y = session.Run("x", new Tensor(inputs[k], rows, SlowSize))["y"].Data;
            Assert.Equal(inputs[k], y);
        });
        Assert.Equal(3, session.RunCount);
    }

    private const int SlowSize = 384;

    /// <summary>y = x · I · I ... (24 MatMuls with the identity): exact, and long enough (~0.3 s) to dispose mid-run.</summary>
    private (string Path, float[] X, int Rows) SlowIdentityModel()
    {
        const int rows = 128, steps = 24;
        var identity = new float[SlowSize * SlowSize];
        for (var i = 0; i < SlowSize; i++) identity[i * SlowSize + i] = 1;
        var builder = new OnnxModelBuilder().Input("x", -1, SlowSize).Initializer("w", identity, SlowSize, SlowSize);
        for (var k = 0; k < steps; k++) builder.Node("MatMul", [k == 0 ? "x" : $"h{k}", "w"], [k == steps - 1 ? "y" : $"h{k + 1}"]);
        var path = builder.Output("y", -1, SlowSize).Save(models.PathOf("slow_identity.onnx"));
        var x = Enumerable.Range(0, rows * SlowSize).Select(i => (float)(i % 17 - 8)).ToArray();
        return (path, x, rows);
    }

    [Fact]
    public void Callers_can_detect_a_model_without_the_outputs_they_need()
    {
        using var session = new OnnxSession(models.Linear, Cpu);
        Assert.Equal("y", session.RequireOutput("y", rank: 2).Name);
        var missing = Assert.Throws<InvalidDataException>(() => session.RequireOutput("depth"));
        Assert.Contains("no output 'depth'", missing.Message);
        Assert.Contains("y: Float[-1,2]", missing.Message);
        var wrongRank = Assert.Throws<InvalidDataException>(() => session.RequireOutput("y", rank: 4));
        Assert.Contains("rank 4", wrongRank.Message);

        using var shapeModel = new OnnxSession(models.ShapeAndRelu, Cpu);
        var notFloat = Assert.Throws<InvalidDataException>(() => shapeModel.RequireOutput("shape"));
        Assert.Contains("Int64", notFloat.Message);
    }

    internal static void AssertClose(float[] expected, float[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"element {i}: expected {expected[i]}, got {actual[i]}");
    }
}
