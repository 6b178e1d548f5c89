namespace CamReview.Inference;

/// <summary>A dense row-major float32 tensor: data plus shape. Inputs are passed to ONNX Runtime without copying.</summary>
public sealed class Tensor
{
    private readonly long[] _shape;

    public Tensor(float[] data, params long[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(shape);
        foreach (var d in shape)
            if (d < 0) throw new ArgumentException($"tensor shape {FormatShape(shape)} has a negative dimension", nameof(shape));
        var count = ElementCountOf(shape);
        if (count != data.Length)
            throw new ArgumentException($"tensor shape {FormatShape(shape)} holds {count} elements but data has {data.Length}", nameof(data));
        Data = data;
        _shape = (long[])shape.Clone(); // our copy: the shape must not change behind validation's back
    }

    public float[] Data { get; }

    public IReadOnlyList<long> Shape => _shape;

    public int Rank => _shape.Length;

    public long ElementCount => Data.Length;

    internal long[] ShapeArray => _shape;

    public override string ToString() => $"Tensor{FormatShape(_shape)}";

    /// <summary>"[1,3,224,224]"; -1 marks a dynamic dimension in model metadata.</summary>
    public static string FormatShape(IEnumerable<long> shape) => "[" + string.Join(",", shape) + "]";

    internal static long ElementCountOf(IReadOnlyList<long> shape)
    {
        long count = 1;
        foreach (var d in shape) count = checked(count * d);
        return count;
    }
}

/// <summary>ONNX tensor element types (TensorProto.DataType / ONNXTensorElementDataType share these values).</summary>
public enum TensorElementType
{
    Undefined = 0,
    Float = 1,
    UInt8 = 2,
    Int8 = 3,
    UInt16 = 4,
    Int16 = 5,
    Int32 = 6,
    Int64 = 7,
    String = 8,
    Bool = 9,
    Float16 = 10,
    Double = 11,
    UInt32 = 12,
    UInt64 = 13,
    Complex64 = 14,
    Complex128 = 15,
    BFloat16 = 16,
}

/// <summary>A model input or output as the model declares it. Shape uses -1 for dynamic (symbolic/unknown) dims.</summary>
public sealed class TensorMetadata
{
    internal TensorMetadata(string name, bool isTensor, TensorElementType elementType, long[] shape)
    {
        Name = name;
        IsTensor = isTensor;
        ElementType = elementType;
        Shape = shape;
    }

    public string Name { get; }

    /// <summary>False for sequence/map/optional values, which this binding cannot feed or read.</summary>
    public bool IsTensor { get; }

    public TensorElementType ElementType { get; }

    public IReadOnlyList<long> Shape { get; }

    public int Rank => Shape.Count;

    public bool HasDynamicDimensions => Shape.Any(d => d < 0);

    public override string ToString() =>
        IsTensor ? $"{Name}: {ElementType}{Tensor.FormatShape(Shape)}" : $"{Name}: (non-tensor)";
}

/// <summary>Outputs of one <see cref="OnnxSession.Run(IReadOnlyDictionary{string, Tensor}, IReadOnlyList{string}?)"/> call and how long it took.</summary>
public sealed class RunResult
{
    internal RunResult(IReadOnlyDictionary<string, Tensor> outputs, TimeSpan elapsed)
    {
        Outputs = outputs;
        Elapsed = elapsed;
    }

    public IReadOnlyDictionary<string, Tensor> Outputs { get; }

    /// <summary>Wall time of the call: input wrapping, the native run and copying outputs out.</summary>
    public TimeSpan Elapsed { get; }

    public Tensor this[string outputName] =>
        Outputs.TryGetValue(outputName, out var t)
            ? t
            : throw new KeyNotFoundException($"no output '{outputName}' in this result; it has: {string.Join(", ", Outputs.Keys)}");
}
