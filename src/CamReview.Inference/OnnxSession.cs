using System.Buffers;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using CamReview.Inference.Native;

namespace CamReview.Inference;

/// <summary>
/// One loaded ONNX model. Tells which execution provider really runs it (and why CUDA did not, if asked for),
/// exposes its declared inputs/outputs, and runs float32 tensors. <see cref="Run(IReadOnlyDictionary{string, Tensor}, IReadOnlyList{string}?)"/>
/// validates names and shapes before calling native code, copies outputs into managed arrays and releases every
/// native value. Runs may be issued from several threads at once (ONNX Runtime allows concurrent Run).
/// </summary>
public sealed unsafe class OnnxSession : IDisposable
{
    private readonly NativeRuntime _runtime;
    private readonly OrtHandle _session;
    private readonly Dictionary<string, TensorMetadata> _inputsByName;
    private readonly Dictionary<string, TensorMetadata> _outputsByName;
    private long _runCount;
    private long _runTicks;
    private long _lastRunTicks;
    private volatile bool _disposed;

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
        _runtime = OnnxRuntime.Runtime;
        (_session, ExecutionProvider, ProviderNote) = CreateNativeSession(options);
        try
        {
            Inputs = ReadMetadata(inputs: true);
            Outputs = ReadMetadata(inputs: false);
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

    /// <summary>The provider the session was created with: <see cref="ExecutionProviders.Cpu"/> or <see cref="ExecutionProviders.Cuda"/>.</summary>
    public string ExecutionProvider { get; }

    /// <summary>Why CUDA is not used although it was asked for (Auto/Cuda); null when CUDA runs or CPU was asked for.</summary>
    public string? ProviderNote { get; }

    /// <summary>Time to create the session, including any CUDA attempt and reading metadata.</summary>
    public TimeSpan LoadTime { get; }

    public long RunCount => Interlocked.Read(ref _runCount);

    public TimeSpan TotalRunTime => TimeSpan.FromTicks(Interlocked.Read(ref _runTicks));

    public TimeSpan LastRunTime => TimeSpan.FromTicks(Interlocked.Read(ref _lastRunTicks));

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
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentNullException.ThrowIfNull(inputs);
        var ordered = ValidateInputs(inputs);
        var wanted = ValidateOutputs(outputNames);

        var clock = Stopwatch.StartNew();
        var outputs = RunNative(ordered, wanted);
        var elapsed = clock.Elapsed;

        Interlocked.Increment(ref _runCount);
        Interlocked.Add(ref _runTicks, elapsed.Ticks);
        Interlocked.Exchange(ref _lastRunTicks, elapsed.Ticks);
        return new RunResult(outputs, elapsed);
    }

    public void Dispose()
    {
        _disposed = true;
        _session.Dispose(); // deferred by SafeHandle ref-counting until any in-flight Run finishes
    }

    public override string ToString() =>
        $"{Path.GetFileName(ModelPath)} on {ExecutionProvider} (inputs: {string.Join("; ", Inputs)}; outputs: {string.Join("; ", Outputs)})";

    // ---- session creation -------------------------------------------------------------------------------

    private (OrtHandle Session, string Provider, string? Note) CreateNativeSession(OnnxSessionOptions options)
    {
        string? note = null;
        if (options.Device != DevicePreference.Cpu)
        {
            string? failure;
            using (var cudaOptions = CreateSessionOptions(options))
            {
                failure = TryAppendCuda(cudaOptions, options.CudaDeviceId);
                if (failure is null)
                {
                    try
                    {
                        return (CreateSession(cudaOptions), ExecutionProviders.Cuda, null);
                    }
                    catch (OnnxRuntimeException e)
                    {
                        // E.g. provider library present but no device/driver. A broken model fails again on CPU below.
                        failure = $"creating the session with {ExecutionProviders.Cuda} failed ({e.Code}): {e.NativeMessage}";
                    }
                }
            }
            note = $"CUDA not used ({options.Device} requested), running on CPU: {failure}";
            if (!_runtime.Providers.Contains(ExecutionProviders.Cuda))
                note += $" [The ONNX Runtime at '{_runtime.LibraryPath}' offers only {string.Join(", ", _runtime.Providers)}; " +
                        $"point {OnnxRuntime.LibraryPathVariable} at a GPU build to use CUDA.]";
            else if (failure?.Contains("libonnxruntime_providers", StringComparison.Ordinal) == true)
                note += $" [CUDA needs libonnxruntime_providers_shared.so and libonnxruntime_providers_cuda.so from a GPU build of " +
                        $"ONNX Runtime next to '{_runtime.LibraryPath}'; point {OnnxRuntime.LibraryPathVariable} at such a build.]";
        }

        // Fresh options: a failed provider append must not leave anything half-registered.
        using var cpuOptions = CreateSessionOptions(options);
        return (CreateSession(cpuOptions), ExecutionProviders.Cpu, note);
    }

    private OrtHandle CreateSessionOptions(OnnxSessionOptions options)
    {
        var api = _runtime.Api;
        nint raw;
        api.Check(api.CreateSessionOptions(&raw), "creating session options");
        var handle = OrtApi.Own(raw, api.ReleaseSessionOptions);
        try
        {
            api.Check(api.SetSessionGraphOptimizationLevel(raw, (int)options.Optimization), "setting the graph optimization level");
            api.Check(api.SetIntraOpNumThreads(raw, options.IntraOpThreads), "setting intra-op threads");
            return handle;
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Registers CUDA on <paramref name="sessionOptions"/>; returns null on success, else ORT's reason.</summary>
    private string? TryAppendCuda(OrtHandle sessionOptions, int deviceId)
    {
        var api = _runtime.Api;
        nint cuda;
        var status = api.CreateCUDAProviderOptions(&cuda);
        if (status != 0) return Describe(status, "creating CUDA provider options");
        using var cudaHandle = OrtApi.Own(cuda, api.ReleaseCUDAProviderOptions);

        var key = Encoding.UTF8.GetBytes("device_id\0");
        var value = Encoding.UTF8.GetBytes(deviceId.ToString(System.Globalization.CultureInfo.InvariantCulture) + "\0");
        fixed (byte* k = key, v = value)
        {
            var keys = k;
            var values = v;
            status = api.UpdateCUDAProviderOptions(cuda, &keys, &values, 1);
        }
        if (status != 0) return Describe(status, $"setting CUDA device_id={deviceId}");

        status = api.SessionOptionsAppendExecutionProvider_CUDA_V2(sessionOptions.DangerousGetHandle(), cuda);
        return status != 0 ? Describe(status, $"appending {ExecutionProviders.Cuda}") : null;
    }

    private string Describe(nint status, string step)
    {
        var e = _runtime.Api.ToException(status, step); // releases the status
        return $"{step} failed ({e.Code}): {e.NativeMessage}";
    }

    private OrtHandle CreateSession(OrtHandle sessionOptions)
    {
        var api = _runtime.Api;
        var path = Encoding.UTF8.GetBytes(ModelPath + "\0"); // ORTCHAR_T is char (UTF-8) on Linux
        nint raw;
        fixed (byte* p = path)
            api.Check(api.CreateSession(_runtime.Env.DangerousGetHandle(), p, sessionOptions.DangerousGetHandle(), &raw),
                $"loading ONNX model '{ModelPath}'");
        return OrtApi.Own(raw, api.ReleaseSession);
    }

    private TensorMetadata[] ReadMetadata(bool inputs)
    {
        var api = _runtime.Api;
        var session = _session.DangerousGetHandle();
        var kind = inputs ? "input" : "output";
        var getCount = inputs ? api.SessionGetInputCount : api.SessionGetOutputCount;
        var getName = inputs ? api.SessionGetInputName : api.SessionGetOutputName;
        var getTypeInfo = inputs ? api.SessionGetInputTypeInfo : api.SessionGetOutputTypeInfo;

        nuint count;
        api.Check(getCount(session, &count), $"counting {kind}s");
        var result = new TensorMetadata[(int)count];
        for (nuint i = 0; i < count; i++)
        {
            byte* namePtr;
            api.Check(getName(session, i, _runtime.DefaultAllocator, &namePtr), $"reading {kind} #{i} name");
            string name;
            try
            {
                name = Marshal.PtrToStringUTF8((nint)namePtr) ?? "";
            }
            finally
            {
                api.Check(api.AllocatorFree(_runtime.DefaultAllocator, namePtr), $"freeing {kind} name");
            }

            nint typeInfo;
            api.Check(getTypeInfo(session, i, &typeInfo), $"reading {kind} '{name}' type");
            using var typeInfoHandle = OrtApi.Own(typeInfo, api.ReleaseTypeInfo);
            int onnxType;
            api.Check(api.GetOnnxTypeFromTypeInfo(typeInfo, &onnxType), $"reading {kind} '{name}' kind");
            if (onnxType != 1 /* ONNX_TYPE_TENSOR */)
            {
                result[(int)i] = new TensorMetadata(name, false, TensorElementType.Undefined, []);
                continue;
            }
            nint tensorInfo; // borrowed from typeInfo, not released separately
            api.Check(api.CastTypeInfoToTensorInfo(typeInfo, &tensorInfo), $"reading {kind} '{name}' tensor info");
            var (elementType, shape) = ReadTypeAndShape(tensorInfo, $"{kind} '{name}'");
            result[(int)i] = new TensorMetadata(name, true, elementType, shape);
        }
        return result;
    }

    private (TensorElementType, long[]) ReadTypeAndShape(nint tensorInfo, string what)
    {
        var api = _runtime.Api;
        int elementType;
        api.Check(api.GetTensorElementType(tensorInfo, &elementType), $"reading {what} element type");
        nuint rank;
        api.Check(api.GetDimensionsCount(tensorInfo, &rank), $"reading {what} rank");
        var shape = new long[(int)rank];
        fixed (long* dims = shape)
            api.Check(api.GetDimensions(tensorInfo, dims, rank), $"reading {what} shape");
        return ((TensorElementType)elementType, shape);
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
        var api = _runtime.Api;
        var pins = new MemoryHandle[inputs.Length];
        var inputValues = new OrtHandle?[inputs.Length];
        var inputPointers = new nint[inputs.Length];
        var inputNames = new nint[inputs.Length];
        var outputNamePtrs = new nint[outputNames.Length];
        var outputValues = new nint[outputNames.Length];
        var sessionReferenced = false;
        float empty = 0; // a valid address for zero-element tensors
        try
        {
            for (var i = 0; i < inputs.Length; i++)
            {
                var (name, tensor) = inputs[i];
                pins[i] = tensor.Data.AsMemory().Pin();
                var data = tensor.Data.Length == 0 ? &empty : pins[i].Pointer;
                var shape = tensor.ShapeArray;
                nint value;
                fixed (long* dims = shape)
                    api.Check(api.CreateTensorWithDataAsOrtValue(_runtime.CpuMemory.DangerousGetHandle(), data,
                        (nuint)((long)tensor.Data.Length * sizeof(float)), dims, (nuint)shape.Length, (int)TensorElementType.Float, &value),
                        $"wrapping input '{name}'");
                inputValues[i] = OrtApi.Own(value, api.ReleaseValue);
                inputPointers[i] = value;
                inputNames[i] = Marshal.StringToCoTaskMemUTF8(name);
            }
            for (var j = 0; j < outputNames.Length; j++) outputNamePtrs[j] = Marshal.StringToCoTaskMemUTF8(outputNames[j]);

            _session.DangerousAddRef(ref sessionReferenced); // keeps a concurrent Dispose from freeing it mid-run
            fixed (nint* inNames = inputNames, inValues = inputPointers, outNames = outputNamePtrs, outValues = outputValues)
                api.Check(api.Run(_session.DangerousGetHandle(), 0, inNames, inValues, (nuint)inputs.Length,
                    outNames, (nuint)outputNames.Length, outValues), $"running model '{ModelPath}'");

            var result = new Dictionary<string, Tensor>(outputNames.Length, StringComparer.Ordinal);
            for (var j = 0; j < outputNames.Length; j++) result[outputNames[j]] = CopyOut(outputValues[j], outputNames[j]);
            return result;
        }
        finally
        {
            foreach (var value in outputValues)
                if (value != 0) api.ReleaseValue(value);
            foreach (var value in inputValues) value?.Dispose();
            foreach (var pin in pins) pin.Dispose();
            foreach (var p in inputNames) Marshal.FreeCoTaskMem(p);
            foreach (var p in outputNamePtrs) Marshal.FreeCoTaskMem(p);
            if (sessionReferenced) _session.DangerousRelease();
        }
    }

    private Tensor CopyOut(nint value, string name)
    {
        var api = _runtime.Api;
        if (value == 0) throw new InvalidOperationException($"ONNX Runtime returned no value for output '{name}'");
        nint info;
        api.Check(api.GetTensorTypeAndShape(value, &info), $"reading output '{name}' shape");
        using var infoHandle = OrtApi.Own(info, api.ReleaseTensorTypeAndShapeInfo);
        var (elementType, shape) = ReadTypeAndShape(info, $"output '{name}'");
        if (elementType != TensorElementType.Float)
            throw new NotSupportedException($"output '{name}' holds {elementType} data; only float32 outputs can be read");
        nuint count;
        api.Check(api.GetTensorShapeElementCount(info, &count), $"counting output '{name}' elements");
        if (count == 0) return new Tensor([], shape);
        void* data;
        api.Check(api.GetTensorMutableData(value, &data), $"reading output '{name}' data");
        return new Tensor(new ReadOnlySpan<float>(data, checked((int)count)).ToArray(), shape);
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
