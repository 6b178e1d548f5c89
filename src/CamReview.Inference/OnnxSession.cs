using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;

namespace CamReview.Inference;

/// <summary>
/// One loaded ONNX model. Tells which execution provider really runs it (and why CUDA did not, if asked for),
/// exposes its declared inputs/outputs, and runs float32 tensors. <see cref="Run(IReadOnlyDictionary{string, Tensor}, IReadOnlyList{string}?)"/>
/// validates names and shapes before calling native code, copies outputs into managed arrays and releases every
/// native value. Runs may be issued from several threads at once (ONNX Runtime allows concurrent Run); Dispose
/// waits for none of them but frees the native session only when the last one has returned.
/// </summary>
public sealed class OnnxSession : IDisposable
{
    private readonly InferenceSession _session;
    private readonly RunOptions _runOptions;
    private readonly Dictionary<string, TensorMetadata> _inputsByName;
    private readonly Dictionary<string, TensorMetadata> _outputsByName;
    private readonly Lock _gate = new();
    private int _activeRuns;
    private bool _disposed;
    private bool _released;
    private long _runCount;
    private long _runTicks;
    private long _lastRunTicks;
    private long _nativeRunAttempts;

    public OnnxSession(string modelPath, OnnxSessionOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(modelPath);
        options ??= new OnnxSessionOptions();
        ArgumentOutOfRangeException.ThrowIfNegative(options.IntraOpThreads, nameof(options.IntraOpThreads));
        ArgumentOutOfRangeException.ThrowIfNegative(options.CudaDeviceId, nameof(options.CudaDeviceId));

        ModelPath = Path.GetFullPath(modelPath);
        // Checked here so the message is ours and the exception type is the usual one for a missing file.
        if (!File.Exists(ModelPath))
            throw new FileNotFoundException($"ONNX model not found: '{ModelPath}'", ModelPath);
        Options = options;

        var clock = Stopwatch.StartNew();
        (_session, Provider) = SessionFactory.Open(options, o => new InferenceSession(ModelPath, o), $"loading ONNX model '{ModelPath}'");
        try
        {
            Inputs = ReadMetadata(() => (_session.InputNames, _session.InputMetadata), "input");
            Outputs = ReadMetadata(() => (_session.OutputNames, _session.OutputMetadata), "output");
            _runOptions = new RunOptions();
        }
        catch
        {
            _session.Dispose();
            throw;
        }
        _inputsByName = Inputs.ToDictionary(m => m.Name, StringComparer.Ordinal);
        _outputsByName = Outputs.ToDictionary(m => m.Name, StringComparer.Ordinal);
        LoadTime = clock.Elapsed;
    }

    /// <summary>Full path of the model file.</summary>
    public string ModelPath { get; }

    public OnnxSessionOptions Options { get; }

    public IReadOnlyList<TensorMetadata> Inputs { get; }

    public IReadOnlyList<TensorMetadata> Outputs { get; }

    /// <summary>Provider, note and short reason together (what renders and scores record).</summary>
    public ProviderSelection Provider { get; }

    /// <summary>The provider the session was created with: <see cref="ExecutionProviders.Cpu"/> or <see cref="ExecutionProviders.Cuda"/>.</summary>
    public string ExecutionProvider => Provider.ExecutionProvider;

    /// <summary>Why CUDA is not used although it was asked for (Auto/Cuda); null when CUDA runs or CPU was asked for.</summary>
    public string? ProviderNote => Provider.Note;

    /// <summary>The short form of <see cref="ProviderNote"/>: ONNX Runtime's reason alone.</summary>
    public string? FallbackReason => Provider.FallbackReason;

    /// <summary>Time to create the session, including any CUDA attempt and reading metadata.</summary>
    public TimeSpan LoadTime { get; }

    public long RunCount => Interlocked.Read(ref _runCount);

    public TimeSpan TotalRunTime => TimeSpan.FromTicks(Interlocked.Read(ref _runTicks));

    public TimeSpan LastRunTime => TimeSpan.FromTicks(Interlocked.Read(ref _lastRunTicks));

    /// <summary>Calls that reached ONNX Runtime's Run (successful or not); tests use it to show validation stops earlier.</summary>
    internal long NativeRunAttempts => Interlocked.Read(ref _nativeRunAttempts);

    /// <summary>Runs between entering the native part and returning.</summary>
    internal int ActiveRuns
    {
        get { lock (_gate) return _activeRuns; }
    }

    /// <summary>True once the native session has been freed (after Dispose and the last in-flight run).</summary>
    internal bool IsReleased
    {
        get { lock (_gate) return _released; }
    }

    public TensorMetadata? FindInput(string name) => _inputsByName.GetValueOrDefault(name);

    public TensorMetadata? FindOutput(string name) => _outputsByName.GetValueOrDefault(name);

    /// <summary>For callers that need a particular float32 input: throws <see cref="InvalidDataException"/> naming what the model has instead.</summary>
    public TensorMetadata RequireInput(string name, int? rank = null) => Require("input", _inputsByName, Inputs, name, rank);

    /// <summary>For callers that need a particular float32 output: throws <see cref="InvalidDataException"/> naming what the model has instead.</summary>
    public TensorMetadata RequireOutput(string name, int? rank = null) => Require("output", _outputsByName, Outputs, name, rank);

    /// <summary>Runs a single-input model.</summary>
    public RunResult Run(string inputName, Tensor input, IReadOnlyList<string>? outputNames = null) =>
        Run(new Dictionary<string, Tensor>(StringComparer.Ordinal) { [inputName] = input }, outputNames);

    /// <summary>
    /// Runs the model. Every model input must be given exactly once; <paramref name="outputNames"/> defaults to all
    /// outputs. Mistakes (unknown/missing names, non-float inputs, wrong rank or static dimension) throw
    /// <see cref="ArgumentException"/> before anything native happens; native failures throw <see cref="OnnxRuntimeException"/>.
    /// </summary>
    public RunResult Run(IReadOnlyDictionary<string, Tensor> inputs, IReadOnlyList<string>? outputNames = null)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed), this);
        ArgumentNullException.ThrowIfNull(inputs);
        var ordered = ValidateInputs(inputs);
        var wanted = ValidateOutputs(outputNames);

        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _activeRuns++;
        }
        try
        {
            var clock = Stopwatch.StartNew();
            var outputs = RunNative(ordered, wanted);
            var elapsed = clock.Elapsed;

            Interlocked.Increment(ref _runCount);
            Interlocked.Add(ref _runTicks, elapsed.Ticks);
            Interlocked.Exchange(ref _lastRunTicks, elapsed.Ticks);
            return new RunResult(outputs, elapsed);
        }
        finally
        {
            lock (_gate)
            {
                if (--_activeRuns == 0 && _disposed) ReleaseNative();
            }
        }
    }

    /// <summary>Idempotent. Runs already in flight finish normally; the native session is freed after the last of them.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            if (_activeRuns == 0) ReleaseNative();
        }
    }

    public override string ToString() =>
        $"{Path.GetFileName(ModelPath)} on {ExecutionProvider} (inputs: {string.Join("; ", Inputs)}; outputs: {string.Join("; ", Outputs)})";

    private void ReleaseNative()
    {
        if (_released) return;
        _released = true;
        _session.Dispose();
        _runOptions.Dispose();
    }

    private TensorMetadata[] ReadMetadata(Func<(IReadOnlyList<string> Names, IReadOnlyDictionary<string, NodeMetadata> Metadata)> read, string kind)
    {
        IReadOnlyList<string> names;
        IReadOnlyDictionary<string, NodeMetadata> metadata;
        try
        {
            (names, metadata) = read();
        }
        catch (Microsoft.ML.OnnxRuntime.OnnxRuntimeException e)
        {
            throw OnnxRuntimeException.From(e, $"reading the {kind}s of ONNX model '{ModelPath}'");
        }
        var result = new TensorMetadata[names.Count];
        for (var i = 0; i < names.Count; i++)
        {
            var name = names[i];
            var meta = metadata[name];
            if (meta.OnnxValueType != OnnxValueType.ONNX_TYPE_TENSOR)
            {
                result[i] = new TensorMetadata(name, false, TensorElementType.Undefined, []);
                continue;
            }
            // ONNX Runtime reports symbolic and unknown dimensions as -1, as our metadata does.
            var shape = Array.ConvertAll(meta.Dimensions, d => (long)d);
            result[i] = new TensorMetadata(name, true, (TensorElementType)(int)meta.ElementDataType, shape);
        }
        return result;
    }

    // ---- running ----------------------------------------------------------------------------------------

    private (string Name, Tensor Tensor)[] ValidateInputs(IReadOnlyDictionary<string, Tensor> given)
    {
        foreach (var name in given.Keys)
            if (!_inputsByName.ContainsKey(name))
                throw new ArgumentException(
                    $"model '{Path.GetFileName(ModelPath)}' has no input '{name}'; its inputs are: {string.Join(", ", Inputs)}", nameof(given));

        var ordered = new (string, Tensor)[Inputs.Count];
        for (var i = 0; i < Inputs.Count; i++)
        {
            var meta = Inputs[i];
            if (!given.TryGetValue(meta.Name, out var tensor))
                throw new ArgumentException(
                    $"input '{meta.Name}' is missing; model '{Path.GetFileName(ModelPath)}' needs: {string.Join(", ", Inputs)}", nameof(given));
            if (tensor is null)
                throw new ArgumentNullException(nameof(given), $"input '{meta.Name}' is null");
            if (!meta.IsTensor || meta.ElementType != TensorElementType.Float)
                throw new ArgumentException(
                    $"input '{meta.Name}' is {meta}; only float32 tensor inputs are supported", nameof(given));
            // A declared rank of 0 can also mean "shape not declared"; then ONNX Runtime does the checking.
            if (meta.Rank > 0 && !ShapeFits(meta.Shape, tensor.ShapeArray))
                throw new ArgumentException(
                    $"input '{meta.Name}' expects shape {Tensor.FormatShape(meta.Shape)}, got {Tensor.FormatShape(tensor.ShapeArray)}" +
                    (meta.HasDynamicDimensions ? " (-1 = any size)" : ""), nameof(given));
            ordered[i] = (meta.Name, tensor);
        }
        return ordered;
    }

    private static bool ShapeFits(IReadOnlyList<long> declared, long[] actual)
    {
        if (declared.Count != actual.Length) return false;
        for (var i = 0; i < actual.Length; i++)
            if (declared[i] >= 0 && declared[i] != actual[i]) return false;
        return true;
    }

    private string[] ValidateOutputs(IReadOnlyList<string>? requested)
    {
        var names = requested?.ToArray() ?? Outputs.Select(o => o.Name).ToArray();
        if (names.Length == 0) throw new ArgumentException("at least one output must be requested", nameof(requested));
        if (names.Distinct(StringComparer.Ordinal).Count() != names.Length)
            throw new ArgumentException($"output names repeat: {string.Join(", ", names)}", nameof(requested));
        foreach (var name in names)
        {
            if (!_outputsByName.TryGetValue(name, out var meta))
                throw new ArgumentException(
                    $"model '{Path.GetFileName(ModelPath)}' has no output '{name}'; its outputs are: {string.Join(", ", Outputs)}", nameof(requested));
            if (!meta.IsTensor || (meta.ElementType != TensorElementType.Float && meta.ElementType != TensorElementType.Undefined))
                throw new ArgumentException(
                    $"output '{name}' is {meta}; only float32 outputs can be read (request the float outputs by name)", nameof(requested));
        }
        return names;
    }

    private Dictionary<string, Tensor> RunNative((string Name, Tensor Tensor)[] inputs, string[] outputNames)
    {
        var names = new string[inputs.Length];
        var values = new OrtValue[inputs.Length];
        try
        {
            for (var i = 0; i < inputs.Length; i++)
            {
                var (name, tensor) = inputs[i];
                names[i] = name;
                // Wraps (pins) the caller's array without copying; a zero-element tensor gets its own empty buffer.
                values[i] = tensor.Data.Length == 0
                    ? OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float, tensor.ShapeArray)
                    : OrtValue.CreateTensorValueFromMemory(tensor.Data, tensor.ShapeArray);
            }

            Interlocked.Increment(ref _nativeRunAttempts);
            IDisposableReadOnlyCollection<OrtValue> results;
            try
            {
                results = _session.Run(_runOptions, names, values, outputNames);
            }
            catch (Microsoft.ML.OnnxRuntime.OnnxRuntimeException e)
            {
                throw OnnxRuntimeException.From(e, $"running model '{ModelPath}'");
            }
            using (results)
            {
                var output = new Dictionary<string, Tensor>(outputNames.Length, StringComparer.Ordinal);
                var j = 0;
                foreach (var value in results) output[outputNames[j]] = CopyOut(value, outputNames[j++]);
                return output;
            }
        }
        finally
        {
            foreach (var value in values) value?.Dispose();
        }
    }

    private static Tensor CopyOut(OrtValue value, string name)
    {
        if (value.OnnxType != OnnxValueType.ONNX_TYPE_TENSOR)
            throw new NotSupportedException($"output '{name}' is a {value.OnnxType} value; only float32 tensors can be read");
        var info = value.GetTensorTypeAndShape();
        if (info.ElementDataType != Microsoft.ML.OnnxRuntime.Tensors.TensorElementType.Float)
            throw new NotSupportedException($"output '{name}' holds {(TensorElementType)(int)info.ElementDataType} data; only float32 outputs can be read");
        var shape = info.Shape;
        return info.ElementCount == 0 ? new Tensor([], shape) : new Tensor(value.GetTensorDataAsSpan<float>().ToArray(), shape);
    }

    private TensorMetadata Require(string kind, Dictionary<string, TensorMetadata> byName, IReadOnlyList<TensorMetadata> all, string name, int? rank)
    {
        if (!byName.TryGetValue(name, out var meta))
            throw new InvalidDataException(
                $"model '{ModelPath}' has no {kind} '{name}'; its {kind}s are: {string.Join(", ", all)}");
        if (!meta.IsTensor || meta.ElementType != TensorElementType.Float)
            throw new InvalidDataException($"model '{ModelPath}' {kind} is {meta}; a float32 tensor is required");
        if (rank is { } r && meta.Rank != r)
            throw new InvalidDataException($"model '{ModelPath}' {kind} is {meta}; rank {r} is required");
        return meta;
    }
}
