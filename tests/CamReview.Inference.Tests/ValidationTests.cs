using CamReview.Testing.Onnx;

namespace CamReview.Inference.Tests;

/// <summary>Mistakes are caught in managed code (ArgumentException, never OnnxRuntimeException) with readable messages.</summary>
public class ValidationTests(TestModels models) : IClassFixture<TestModels>
{
    private static readonly OnnxSessionOptions Cpu = new() { Device = DevicePreference.Cpu, IntraOpThreads = 1 };

    [Fact]
    public void Wrong_static_dimension_names_expected_and_actual_shape()
    {
        using var session = new OnnxSession(models.ConvMean, Cpu);
        var e = Assert.Throws<ArgumentException>(() => session.Run("image", new Tensor(new float[2 * 5 * 5], 1, 2, 5, 5)));
        Assert.StartsWith("input 'image' expects shape [1,2,4,4], got [1,2,5,5]", e.Message);
        Assert.Equal(0, session.RunCount);
        Assert.Equal(0, session.NativeRunAttempts); // refused before ONNX Runtime saw it
    }

    [Fact]
    public void Wrong_rank_and_wrong_static_dim_next_to_a_dynamic_one_are_rejected()
    {
        using var session = new OnnxSession(models.Linear, Cpu);
        var rank = Assert.Throws<ArgumentException>(() => session.Run("x", new Tensor(new float[3], 3)));
        Assert.StartsWith("input 'x' expects shape [-1,3], got [3] (-1 = any size)", rank.Message);
        var dim = Assert.Throws<ArgumentException>(() => session.Run("x", new Tensor(new float[8], 2, 4)));
        Assert.StartsWith("input 'x' expects shape [-1,3], got [2,4]", dim.Message);
        Assert.Equal(0, session.NativeRunAttempts);
    }

    [Fact]
    public void Unknown_and_missing_input_names_are_reported_with_the_models_inputs()
    {
        using var session = new OnnxSession(models.Linear, Cpu);
        var unknown = Assert.Throws<ArgumentException>(() => session.Run("input", new Tensor([1, 2, 3], 1, 3)));
        Assert.Contains("has no input 'input'", unknown.Message);
        Assert.Contains("x: Float[-1,3]", unknown.Message);

        var missing = Assert.Throws<ArgumentException>(() => session.Run(new Dictionary<string, Tensor>()));
        Assert.Contains("input 'x' is missing", missing.Message);
        Assert.Throws<ArgumentNullException>(() => session.Run(new Dictionary<string, Tensor> { ["x"] = null! }));
        Assert.Equal(0, session.NativeRunAttempts);
    }

    [Fact]
    public void Unknown_output_name_is_rejected()
    {
        using var session = new OnnxSession(models.Linear, Cpu);
        var e = Assert.Throws<ArgumentException>(() => session.Run("x", new Tensor([1, 2, 3], 1, 3), ["logits"]));
        Assert.Contains("has no output 'logits'", e.Message);
        Assert.Contains("y: Float[-1,2], z: Float[-1,2]", e.Message);
        Assert.Throws<ArgumentException>(() => session.Run("x", new Tensor([1, 2, 3], 1, 3), ["y", "y"]));
        Assert.Throws<ArgumentException>(() => session.Run("x", new Tensor([1, 2, 3], 1, 3), []));
        Assert.Equal(0, session.NativeRunAttempts);
    }

    [Fact]
    public void Tensor_data_must_match_its_shape()
    {
        var e = Assert.Throws<ArgumentException>(() => new Tensor(new float[5], 2, 3));
        Assert.Contains("[2,3] holds 6 elements but data has 5", e.Message);
        Assert.Throws<ArgumentException>(() => new Tensor(new float[3], -1, 3));
    }

    [Fact]
    public void Tensor_keeps_its_own_copy_of_the_shape()
    {
        long[] shape = [1, 3];
        var t = new Tensor([1, 2, 3], shape);
        shape[1] = 99;
        Assert.Equal([1L, 3L], t.Shape);
    }

    [Fact]
    public void Non_float_inputs_and_outputs_are_refused_clearly()
    {
        using var ids = new OnnxSession(models.Int64Identity, Cpu);
        Assert.Equal(TensorElementType.Int64, ids.Inputs[0].ElementType);
        var input = Assert.Throws<ArgumentException>(() => ids.Run("ids", new Tensor([1, 2], 2)));
        Assert.Contains("input 'ids' is ids: Int64[-1]; only float32", input.Message);

        using var shape = new OnnxSession(models.ShapeAndRelu, Cpu);
        var output = Assert.Throws<ArgumentException>(() => shape.Run("x", new Tensor([1, -2, 3], 1, 3)));
        Assert.Contains("output 'shape'", output.Message);
        Assert.Contains("Int64", output.Message);
        Assert.Equal(0, ids.NativeRunAttempts);
        Assert.Equal(0, shape.NativeRunAttempts);
        // Asking only for the float output works.
        Assert.Equal([1f, 0f, 3f], shape.Run("x", new Tensor([1, -2, 3], 1, 3), ["y"])["y"].Data);
    }

    [Fact]
    public void Inputs_without_declared_shape_are_left_to_onnx_runtime_whose_errors_surface_as_OnnxRuntimeException()
    {
        // No shape in the model: we cannot check, so ONNX Runtime's kernel does (MatMul with a [3,2] weight).
        var path = new OnnxModelBuilder()
            .TypedInput("x", OnnxDataType.Float, null)
            .Initializer("w", TestModels.LinearW, 3, 2)
            .Node("MatMul", ["x", "w"], ["y"])
            .TypedOutput("y", OnnxDataType.Float, null)
            .Save(models.PathOf("shapeless_matmul.onnx"));
        using var session = new OnnxSession(path, Cpu);
        Assert.Empty(session.Inputs[0].Shape);
        Assert.Equal([4f, 5f], session.Run("x", new Tensor([0, 1, 2], 1, 3))["y"].Data);
        var e = Assert.Throws<OnnxRuntimeException>(() => session.Run("x", new Tensor(new float[4], 1, 4)));
        Assert.NotEqual(OrtErrorCode.Ok, e.Code);
        Assert.Contains($"running model '{path}'", e.Message);
        Assert.False(string.IsNullOrWhiteSpace(e.NativeMessage));
        Assert.Contains(e.NativeMessage, e.Message);
        Assert.IsType<Microsoft.ML.OnnxRuntime.OnnxRuntimeException>(e.InnerException);
        Assert.Equal(2, session.NativeRunAttempts); // this one did reach ONNX Runtime
        Assert.Equal(1, session.RunCount);
    }
}
