using System.Runtime.InteropServices;
using CamReview.Inference.Native;

namespace CamReview.Inference;

/// <summary>
/// The process-wide ONNX Runtime: the native library, its C API table, one OrtEnv, and facts about the build.
/// Loaded lazily and once (thread-safe) on first use. The library path is, in order: <see cref="Configure"/>,
/// the <c>CAMREVIEW_ONNXRUNTIME</c> environment variable (a file, or a directory holding libonnxruntime.so.1),
/// or libonnxruntime.so.1 next to the app (AppContext.BaseDirectory). Point it at a GPU build of ONNX Runtime
/// (same C API) to get the CUDA execution provider.
/// </summary>
public static class OnnxRuntime
{
    public const string LibraryFileName = "libonnxruntime.so.1";
    public const string LibraryPathVariable = "CAMREVIEW_ONNXRUNTIME";

    /// <summary>
    /// The C API version we ask for. The newest members we use (CUDA provider options V2) arrived in 1.11, so
    /// asking for 11 keeps older GPU builds usable; newer runtimes serve older versions from the same table.
    /// </summary>
    public const uint ApiVersion = 11;

    private static readonly object Gate = new();
    private static string? _configuredPath;
    private static NativeRuntime? _runtime;

    /// <summary>
    /// Chooses the library to load (null = back to env var / default). Must be called before first use; once
    /// loaded, asking for a different library throws, because a process can host only one ONNX Runtime.
    /// </summary>
    public static void Configure(string? libraryPath)
    {
        lock (Gate)
        {
            if (_runtime is { } loaded)
            {
                var wanted = ResolveLibraryPath(libraryPath, Environment.GetEnvironmentVariable(LibraryPathVariable), AppContext.BaseDirectory);
                if (!string.Equals(wanted, loaded.LibraryPath, StringComparison.Ordinal))
                    throw new InvalidOperationException(
                        $"ONNX Runtime is already loaded from '{loaded.LibraryPath}'; it cannot be switched to '{wanted}' in the same process. Configure it before first use.");
                return;
            }
            _configuredPath = libraryPath;
        }
    }

    /// <summary>True once the library has been loaded successfully.</summary>
    public static bool IsLoaded => Volatile.Read(ref _runtime) is not null;

    /// <summary>Full path of the loaded library (loads it if needed).</summary>
    public static string LibraryPath => Runtime.LibraryPath;

    /// <summary>ONNX Runtime's own version string, e.g. "1.30.0" (loads the library if needed).</summary>
    public static string Version => Runtime.Version;

    /// <summary>
    /// Execution providers compiled into this build, e.g. ["CPUExecutionProvider"]. Listing one does not
    /// guarantee it can start (CUDA still needs its provider libraries, drivers and a device).
    /// </summary>
    public static string[] AvailableProviders => (string[])Runtime.Providers.Clone();

    /// <summary>Forces loading now; throws <see cref="OnnxRuntimeLoadException"/> when that is impossible.</summary>
    public static void EnsureLoaded() => _ = Runtime;

    /// <summary>The path that would be (or was) loaded, without loading anything.</summary>
    public static string ResolveLibraryPath()
    {
        if (Volatile.Read(ref _runtime) is { } loaded) return loaded.LibraryPath;
        return ResolveLibraryPath(_configuredPath, Environment.GetEnvironmentVariable(LibraryPathVariable), AppContext.BaseDirectory);
    }

    internal static string ResolveLibraryPath(string? configured, string? environment, string baseDirectory)
    {
        var chosen = !string.IsNullOrWhiteSpace(configured) ? configured
            : !string.IsNullOrWhiteSpace(environment) ? environment
            : Path.Combine(baseDirectory, LibraryFileName);
        chosen = Path.GetFullPath(chosen.Trim());
        // A directory (e.g. the lib/ folder of an extracted GPU release) means "the library inside it".
        return Directory.Exists(chosen) ? Path.Combine(chosen, LibraryFileName) : chosen;
    }

    /// <summary>
    /// Loads a library just to read its version, without making it the process runtime (for diagnostics such as
    /// "is this GPU build usable?"). Throws <see cref="OnnxRuntimeLoadException"/> with the reason.
    /// </summary>
    public static unsafe string ProbeVersion(string libraryPath)
    {
        var path = Path.GetFullPath(libraryPath);
        var library = LoadLibrary(path);
        var apiBase = GetApiBase(library, path);
        // Deliberately not freed: unloading ONNX Runtime while anything might use it is unsafe, and dlopen
        // of an already-loaded path only bumps a reference count.
        return ReadVersion(apiBase);
    }

    internal static NativeRuntime Runtime => Volatile.Read(ref _runtime) ?? Initialize();

    private static NativeRuntime Initialize()
    {
        lock (Gate)
        {
            // A failed load is not cached: the caller may fix the path (Configure) and try again.
            return _runtime ??= NativeRuntime.Load(ResolveLibraryPath(_configuredPath, Environment.GetEnvironmentVariable(LibraryPathVariable), AppContext.BaseDirectory));
        }
    }

    internal static nint LoadLibrary(string path)
    {
        if (!File.Exists(path))
            throw new OnnxRuntimeLoadException(path, $"ONNX Runtime library not found at '{path}'.");
        try
        {
            return NativeLibrary.Load(path);
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
        {
            throw new OnnxRuntimeLoadException(path, $"ONNX Runtime library at '{path}' could not be loaded: {e.Message}.", e);
        }
    }

    internal static unsafe nint* GetApiBase(nint library, string path)
    {
        if (!NativeLibrary.TryGetExport(library, "OrtGetApiBase", out var export))
            throw new OnnxRuntimeLoadException(path, $"'{path}' is not ONNX Runtime: it has no OrtGetApiBase export.");
        // OrtApiBase is { GetApi, GetVersionString }: two function pointers.
        var apiBase = ((delegate* unmanaged<nint*>)export)();
        if (apiBase is null)
            throw new OnnxRuntimeLoadException(path, $"OrtGetApiBase in '{path}' returned null.");
        return apiBase;
    }

    internal static unsafe string ReadVersion(nint* apiBase) =>
        Marshal.PtrToStringUTF8((nint)((delegate* unmanaged<byte*>)apiBase[1])()) ?? "";
}

/// <summary>What one successful load produced; immutable and shared by all sessions.</summary>
internal sealed unsafe class NativeRuntime
{
    private NativeRuntime(string libraryPath, OrtApi api, string version, string[] providers, OrtHandle env, OrtHandle cpuMemory, nint allocator)
    {
        LibraryPath = libraryPath;
        Api = api;
        Version = version;
        Providers = providers;
        Env = env;
        CpuMemory = cpuMemory;
        DefaultAllocator = allocator;
    }

    public string LibraryPath { get; }
    public OrtApi Api { get; }
    public string Version { get; }
    public string[] Providers { get; }

    /// <summary>The one OrtEnv; never released (it must outlive every session, i.e. the process).</summary>
    public OrtHandle Env { get; }

    /// <summary>"Cpu" memory info used to wrap caller-owned float[] buffers as input tensors.</summary>
    public OrtHandle CpuMemory { get; }

    /// <summary>ORT's default CPU allocator (owned by ORT, never freed) for strings it hands back, e.g. names.</summary>
    public nint DefaultAllocator { get; }

    public static NativeRuntime Load(string path)
    {
        var library = OnnxRuntime.LoadLibrary(path);
        var apiBase = OnnxRuntime.GetApiBase(library, path);
        var version = OnnxRuntime.ReadVersion(apiBase);
        var table = ((delegate* unmanaged<uint, void**>)apiBase[0])(OnnxRuntime.ApiVersion);
        if (table is null)
            throw new OnnxRuntimeLoadException(path,
                $"ONNX Runtime {version} at '{path}' does not offer C API version {OnnxRuntime.ApiVersion} (it is too old).");
        var api = new OrtApi(table);

        nint env;
        var logId = "camreview\0"u8;
        fixed (byte* id = logId)
            api.Check(api.CreateEnv(2 /* ORT_LOGGING_LEVEL_WARNING */, id, &env), "creating the ONNX Runtime environment");
        var envHandle = OrtApi.Own(env, api.ReleaseEnv);

        nint memory;
        api.Check(api.CreateCpuMemoryInfo(0 /* OrtDeviceAllocator */, 0 /* OrtMemTypeDefault */, &memory), "creating CPU memory info");
        var memoryHandle = OrtApi.Own(memory, api.ReleaseMemoryInfo);

        nint allocator;
        api.Check(api.GetAllocatorWithDefaultOptions(&allocator), "getting the default allocator");

        return new NativeRuntime(path, api, version, ReadProviders(api), envHandle, memoryHandle, allocator);
    }

    private static string[] ReadProviders(OrtApi api)
    {
        byte** list;
        int count;
        api.Check(api.GetAvailableProviders(&list, &count), "listing execution providers");
        try
        {
            var names = new string[count];
            for (var i = 0; i < count; i++) names[i] = Marshal.PtrToStringUTF8((nint)list[i]) ?? "";
            return names;
        }
        finally
        {
            api.Check(api.ReleaseAvailableProviders(list, count), "releasing the execution provider list");
        }
    }
}
