using CamReview.Testing.Onnx;

namespace CamReview.Inference.Tests;

/// <summary>Writes the tiny test models into a private temp folder (deleted afterwards) and knows their expected math.</summary>
public sealed class TestModels : IDisposable
{
    // y = Relu(x·W + b), z = x·W + b, with x:[N,3] (N dynamic), W:[3,2], b:[2].
    public static readonly float[] LinearW = [1, -2, 0, 3, 2, 1];
    public static readonly float[] LinearB = [0.5f, -1];

    // Conv 1x1 (2 -> 3 channels) on a 4x4 image, then ReduceMean over H,W (keepdims=0).
    public static readonly float[] ConvW = [1, 2, -1, 0, 3, -2]; // [3,2,1,1]
    public static readonly float[] ConvB = [1, -4, 0.5f];

    public TestModels()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("camreview-onnx-").FullName;

        Linear = new OnnxModelBuilder()
            .Input("x", -1, 3)
            .Initializer("w", LinearW, 3, 2)
            .Initializer("b", LinearB, 2)
            .Node("MatMul", ["x", "w"], ["xw"])
            .Node("Add", ["xw", "b"], ["z"])
            .Node("Relu", ["z"], ["y"])
            .Output("y", -1, 2)
            .Output("z", -1, 2)
            .Save(PathOf("linear_relu.onnx"));

        ConvMean = new OnnxModelBuilder()
            .Input("image", 1, 2, 4, 4)
            .Initializer("cw", ConvW, 3, 2, 1, 1)
            .Initializer("cb", ConvB, 3)
            .Node("Conv", ["image", "cw", "cb"], ["features"], OnnxAttribute.Ints("kernel_shape", 1, 1))
            .Node("ReduceMean", ["features"], ["mean"], OnnxAttribute.Ints("axes", 2, 3), OnnxAttribute.Int("keepdims", 0))
            .Output("features", 1, 3, 4, 4)
            .Output("mean", 1, 3)
            .Save(PathOf("conv_mean.onnx"));

        Int64Identity = new OnnxModelBuilder()
            .TypedInput("ids", OnnxDataType.Int64, [-1])
            .Node("Identity", ["ids"], ["same"])
            .TypedOutput("same", OnnxDataType.Int64, [-1])
            .Save(PathOf("int64_identity.onnx"));

        ShapeAndRelu = new OnnxModelBuilder()
            .Input("x", -1, 3)
            .Node("Shape", ["x"], ["shape"])
            .Node("Relu", ["x"], ["y"])
            .TypedOutput("shape", OnnxDataType.Int64, [2])
            .Output("y", -1, 3)
            .Save(PathOf("shape_relu.onnx"));

        UnknownOp = new OnnxModelBuilder()
            .Input("x", 1)
            .Node("NoSuchOpCamReview", ["x"], ["y"])
            .Output("y", 1)
            .Save(PathOf("unknown_op.onnx"));

        var corrupt = new byte[4096];
        new Random(12345).NextBytes(corrupt);
        Corrupt = PathOf("corrupt.onnx");
        File.WriteAllBytes(Corrupt, corrupt);
    }

    public string Directory { get; }
    public string Linear { get; }
    public string ConvMean { get; }
    public string Int64Identity { get; }
    public string ShapeAndRelu { get; }
    public string UnknownOp { get; }
    public string Corrupt { get; }

    public string PathOf(string fileName) => Path.Combine(Directory, fileName);

    /// <summary>z = x·W + b for x:[n,3] (computed in double, exact for these small integers/halves).</summary>
    public static float[] LinearExpected(float[] x, bool relu)
    {
        var n = x.Length / 3;
        var result = new float[n * 2];
        for (var r = 0; r < n; r++)
            for (var c = 0; c < 2; c++)
            {
                double sum = LinearB[c];
                for (var k = 0; k < 3; k++) sum += (double)x[r * 3 + k] * LinearW[k * 2 + c];
                result[r * 2 + c] = (float)(relu ? Math.Max(0, sum) : sum);
            }
        return result;
    }

    /// <summary>features[o,h,w] = b[o] + Σc W[o,c]·x[c,h,w]; mean[o] = average over the 16 pixels.</summary>
    public static (float[] Features, float[] Mean) ConvMeanExpected(float[] image)
    {
        var features = new float[3 * 16];
        var mean = new float[3];
        for (var o = 0; o < 3; o++)
        {
            double total = 0;
            for (var p = 0; p < 16; p++)
            {
                double v = ConvB[o];
                for (var c = 0; c < 2; c++) v += (double)ConvW[o * 2 + c] * image[c * 16 + p];
                features[o * 16 + p] = (float)v;
                total += v;
            }
            mean[o] = (float)(total / 16);
        }
        return (features, mean);
    }

    public void Dispose()
    {
        try { System.IO.Directory.Delete(Directory, recursive: true); } catch (IOException) { }
    }
}
