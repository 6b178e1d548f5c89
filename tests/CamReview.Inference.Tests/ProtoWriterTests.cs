using CamReview.Testing.Onnx;

namespace CamReview.Inference.Tests;

public class ProtoWriterTests
{
    [Fact]
    public void Encodes_varints_floats_and_nested_messages_per_the_wire_format()
    {
        var w = new ProtoWriter();
        w.Int64(1, 150);              // 08 96 01
        w.Int64(2, -1);               // 10 + ten bytes
        w.Float(3, 1f);               // 1d 00 00 80 3f
        w.Message(4, m => m.String(1, "ab")); // 22 04 0a 02 61 62
        Assert.Equal(
            Convert.FromHexString("089601" + "10FFFFFFFFFFFFFFFFFF01" + "1D0000803F" + "22040A026162"),
            w.ToArray());
    }

    [Fact]
    public void Builder_rejects_initializer_data_that_does_not_fill_its_dims()
    {
        var e = Assert.Throws<ArgumentException>(() => new OnnxModelBuilder().Initializer("w", new float[5], 2, 3));
        Assert.Contains("'w'", e.Message);
    }
}
