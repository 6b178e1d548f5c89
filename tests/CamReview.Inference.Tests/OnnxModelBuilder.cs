// Self-contained (no project or package dependencies) so other test projects can link this file:
//   <Compile Include="..\CamReview.Inference.Tests\OnnxModelBuilder.cs" Link="OnnxModelBuilder.cs" />
using System.Buffers.Binary;
using System.Text;

namespace CamReview.Testing.Onnx;

/// <summary>ONNX TensorProto.DataType values used by the builder.</summary>
public static class OnnxDataType
{
    public const int Float = 1;
    public const int Int32 = 6;
    public const int Int64 = 7;
    public const int Double = 11;
}

/// <summary>A node attribute (AttributeProto) with its type discriminator.</summary>
public sealed class OnnxAttribute
{
    private OnnxAttribute(string name, int type, Action<ProtoWriter> writeValue)
    {
        Name = name;
        Type = type;
        WriteValue = writeValue;
    }

    public string Name { get; }

    /// <summary>AttributeProto.AttributeType: FLOAT=1, INT=2, STRING=3, FLOATS=6, INTS=7.</summary>
    public int Type { get; }

    internal Action<ProtoWriter> WriteValue { get; }

    public static OnnxAttribute Float(string name, float value) => new(name, 1, w => w.Float(2, value));
    public static OnnxAttribute Int(string name, long value) => new(name, 2, w => w.Int64(3, value));
    public static OnnxAttribute String(string name, string value) => new(name, 3, w => w.Bytes(4, Encoding.UTF8.GetBytes(value)));
    public static OnnxAttribute Floats(string name, params float[] values) => new(name, 6, w => { foreach (var v in values) w.Float(7, v); });
    public static OnnxAttribute Ints(string name, params long[] values) => new(name, 7, w => { foreach (var v in values) w.Int64(8, v); });
}

/// <summary>
/// Writes tiny ONNX models (ModelProto) with hand-rolled protobuf encoding, for tests that need a real model
/// without Python or protobuf code generation. Field numbers follow onnx/onnx.proto:
/// ModelProto{ir_version=1, graph=7, opset_import=8}; OperatorSetIdProto{domain=1, version=2};
/// GraphProto{node=1, name=2, initializer=5, input=11, output=12}; NodeProto{input=1, output=2, name=3, op_type=4, attribute=5};
/// AttributeProto{name=1, f=2, i=3, s=4, floats=7, ints=8, type=20}; ValueInfoProto{name=1, type=2};
/// TypeProto{tensor_type=1}; TypeProto.Tensor{elem_type=1, shape=2}; TensorShapeProto{dim=1};
/// Dimension{dim_value=1, dim_param=2}; TensorProto{dims=1, data_type=2, name=8, raw_data=9}.
/// </summary>
/// <example>
/// var model = new OnnxModelBuilder()
///     .Input("x", -1, 3)                       // negative dim = symbolic (dynamic) dimension
///     .Initializer("w", weights, 3, 2)
///     .Node("MatMul", ["x", "w"], ["y"])
///     .Output("y", -1, 2)
///     .Build();
/// </example>
public sealed class OnnxModelBuilder
{
    private readonly List<Action<ProtoWriter>> _nodes = [];
    private readonly List<Action<ProtoWriter>> _initializers = [];
    private readonly List<Action<ProtoWriter>> _inputs = [];
    private readonly List<Action<ProtoWriter>> _outputs = [];
    private int _nodeCount;

    /// <param name="opset">Default-domain opset; 17 keeps ReduceMean's axes an attribute (18 made it an input).</param>
    /// <param name="irVersion">IR version 8 goes with opsets up to 18.</param>
    public OnnxModelBuilder(int opset = 17, int irVersion = 8, string graphName = "test_graph")
    {
        Opset = opset;
        IrVersion = irVersion;
        GraphName = graphName;
    }

    public int Opset { get; }
    public int IrVersion { get; }
    public string GraphName { get; }

    /// <summary>Float graph input. Negative dims become symbolic ("{name}_d{i}"); no dims at all = rank 0 (scalar).</summary>
    public OnnxModelBuilder Input(string name, params long[] shape) => TypedInput(name, OnnxDataType.Float, shape);

    public OnnxModelBuilder TypedInput(string name, int elementType, long[]? shape)
    {
        _inputs.Add(w => WriteValueInfo(w, name, elementType, shape));
        return this;
    }

    /// <summary>Float graph output; pass no dims to declare rank 0, or use <see cref="TypedOutput"/> with null for "unknown shape".</summary>
    public OnnxModelBuilder Output(string name, params long[] shape) => TypedOutput(name, OnnxDataType.Float, shape);

    public OnnxModelBuilder TypedOutput(string name, int elementType, long[]? shape)
    {
        _outputs.Add(w => WriteValueInfo(w, name, elementType, shape));
        return this;
    }

    /// <summary>Constant float tensor (row-major) stored as raw little-endian bytes.</summary>
    public OnnxModelBuilder Initializer(string name, float[] data, params long[] dims)
    {
        CheckCount(name, data.Length, dims);
        var raw = new byte[data.Length * 4];
        for (var i = 0; i < data.Length; i++) BinaryPrimitives.WriteSingleLittleEndian(raw.AsSpan(i * 4), data[i]);
        return RawInitializer(name, OnnxDataType.Float, raw, dims);
    }

    /// <summary>Constant int64 tensor, e.g. a Reshape target shape or (opset 18+) ReduceMean axes.</summary>
    public OnnxModelBuilder Int64Initializer(string name, long[] data, params long[] dims)
    {
        CheckCount(name, data.Length, dims);
        var raw = new byte[data.Length * 8];
        for (var i = 0; i < data.Length; i++) BinaryPrimitives.WriteInt64LittleEndian(raw.AsSpan(i * 8), data[i]);
        return RawInitializer(name, OnnxDataType.Int64, raw, dims);
    }

    public OnnxModelBuilder RawInitializer(string name, int dataType, byte[] raw, params long[] dims)
    {
        _initializers.Add(w =>
        {
            foreach (var d in dims) w.Int64(1, d);
            w.Int64(2, dataType);
            w.String(8, name);
            w.Bytes(9, raw);
        });
        return this;
    }

    /// <summary>Adds a node of the default (ai.onnx) domain. Nodes must be added in topological order.</summary>
    public OnnxModelBuilder Node(string opType, string[] inputs, string[] outputs, params OnnxAttribute[] attributes)
    {
        var nodeName = $"{opType.ToLowerInvariant()}_{_nodeCount++}";
        _nodes.Add(w =>
        {
            foreach (var i in inputs) w.String(1, i);
            foreach (var o in outputs) w.String(2, o);
            w.String(3, nodeName);
            w.String(4, opType);
            foreach (var a in attributes)
                w.Message(5, aw =>
                {
                    aw.String(1, a.Name);
                    a.WriteValue(aw);
                    aw.Int64(20, a.Type);
                });
        });
        return this;
    }

    /// <summary>Serialized ModelProto bytes.</summary>
    public byte[] Build()
    {
        var w = new ProtoWriter();
        w.Int64(1, IrVersion);
        w.String(2, "camreview-tests");
        w.Message(7, g =>
        {
            foreach (var n in _nodes) g.Message(1, n);
            g.String(2, GraphName);
            foreach (var t in _initializers) g.Message(5, t);
            foreach (var i in _inputs) g.Message(11, i);
            foreach (var o in _outputs) g.Message(12, o);
        });
        w.Message(8, o =>
        {
            o.String(1, ""); // default domain (ai.onnx)
            o.Int64(2, Opset);
        });
        return w.ToArray();
    }

    /// <summary>Writes the model to <paramref name="path"/> and returns the path.</summary>
    public string Save(string path)
    {
        File.WriteAllBytes(path, Build());
        return path;
    }

    private static void WriteValueInfo(ProtoWriter w, string name, int elementType, long[]? shape)
    {
        w.String(1, name);
        w.Message(2, type => type.Message(1, tensor =>
        {
            tensor.Int64(1, elementType);
            if (shape is null) return; // no shape field: rank unknown
            tensor.Message(2, s =>
            {
                for (var i = 0; i < shape.Length; i++)
                {
                    var d = shape[i];
                    s.Message(1, dim =>
                    {
                        if (d >= 0) dim.Int64(1, d);
                        else dim.String(2, $"{name}_d{i}");
                    });
                }
            });
        }));
    }

    private static void CheckCount(string name, int length, long[] dims)
    {
        long count = 1;
        foreach (var d in dims) count *= d;
        if (count != length)
            throw new ArgumentException($"initializer '{name}': dims [{string.Join(",", dims)}] hold {count} values, got {length}");
    }
}

/// <summary>Minimal protobuf wire-format writer: varints, fixed32 floats and length-delimited fields.</summary>
public sealed class ProtoWriter
{
    private readonly MemoryStream _buffer = new();

    public byte[] ToArray() => _buffer.ToArray();

    /// <summary>int32/int64/enum field (wire type 0). Negative values take 10 bytes, as protobuf specifies.</summary>
    public void Int64(int field, long value)
    {
        Tag(field, 0);
        Varint(unchecked((ulong)value));
    }

    /// <summary>float field (wire type 5, little-endian IEEE 754).</summary>
    public void Float(int field, float value)
    {
        Tag(field, 5);
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteSingleLittleEndian(bytes, value);
        _buffer.Write(bytes);
    }

    public void String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    /// <summary>bytes/string field (wire type 2).</summary>
    public void Bytes(int field, byte[] value)
    {
        Tag(field, 2);
        Varint((ulong)value.Length);
        _buffer.Write(value);
    }

    /// <summary>Embedded message (wire type 2): written to its own buffer first to learn its length.</summary>
    public void Message(int field, Action<ProtoWriter> write)
    {
        var inner = new ProtoWriter();
        write(inner);
        Bytes(field, inner.ToArray());
    }

    public void Varint(ulong value)
    {
        while (value >= 0x80)
        {
            _buffer.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        _buffer.WriteByte((byte)value);
    }

    private void Tag(int field, int wireType) => Varint(((ulong)field << 3) | (uint)wireType);
}
