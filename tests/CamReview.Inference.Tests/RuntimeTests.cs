using Xunit.Abstractions;

namespace CamReview.Inference.Tests;

public class RuntimeTests(ITestOutputHelper output)
{
    [Fact]
    public void Reports_version_providers_and_library_path()
    {
        output.WriteLine($"ONNX Runtime {OnnxRuntime.Version} at {OnnxRuntime.LibraryPath}; providers: {string.Join(", ", OnnxRuntime.AvailableProviders)}");
        Assert.Equal("1.30.0", OnnxRuntime.Version);
        Assert.Contains(ExecutionProviders.Cpu, OnnxRuntime.AvailableProviders);
        Assert.True(OnnxRuntime.IsLoaded);
        Assert.EndsWith(OnnxRuntime.LibraryFileName, OnnxRuntime.LibraryPath);
        Assert.True(File.Exists(OnnxRuntime.LibraryPath));
        Assert.Equal(OnnxRuntime.LibraryPath, OnnxRuntime.ResolveLibraryPath());
    }

    [Fact]
    public void AvailableProviders_returns_a_copy()
    {
        var providers = OnnxRuntime.AvailableProviders;
        providers[0] = "tampered";
        Assert.DoesNotContain("tampered", OnnxRuntime.AvailableProviders);
    }

    [Fact]
    public void Library_path_resolution_prefers_configured_then_environment_then_app_folder()
    {
        var baseDir = Path.GetTempPath();
        Assert.Equal(Path.Combine(Path.GetFullPath(baseDir), "libonnxruntime.so.1"),
            OnnxRuntime.ResolveLibraryPath(null, null, baseDir));
        Assert.Equal("/opt/ort-gpu/lib/libonnxruntime.so.1.30.0",
            OnnxRuntime.ResolveLibraryPath(null, "/opt/ort-gpu/lib/libonnxruntime.so.1.30.0", baseDir));
        Assert.Equal("/explicit/libonnxruntime.so.1",
            OnnxRuntime.ResolveLibraryPath("/explicit/libonnxruntime.so.1", "/opt/ort-gpu/lib/libonnxruntime.so.1", baseDir));
        // A directory means "the libonnxruntime.so.1 inside it" (e.g. an extracted GPU release's lib/).
        var dir = Directory.CreateTempSubdirectory("camreview-ortdir-").FullName;
        try
        {
            Assert.Equal(Path.Combine(dir, "libonnxruntime.so.1"), OnnxRuntime.ResolveLibraryPath(null, dir, baseDir));
        }
        finally
        {
            Directory.Delete(dir);
        }
    }

    [Fact]
    public void Missing_library_gives_a_clear_error_naming_the_path_and_setup_script()
    {
        var path = Path.Combine(Path.GetTempPath(), "no-such-dir-camreview", "libonnxruntime.so.1");
        var e = Assert.Throws<OnnxRuntimeLoadException>(() => OnnxRuntime.ProbeVersion(path));
        Assert.Equal(path, e.LibraryPath);
        Assert.Contains(path, e.Message);
        Assert.Contains("scripts/setup.sh", e.Message);
        Assert.Contains(OnnxRuntime.LibraryPathVariable, e.Message);
    }

    [Fact]
    public void A_file_that_is_not_a_shared_library_gives_a_clear_error()
    {
        var path = Path.Combine(Path.GetTempPath(), $"camreview-fake-{Guid.NewGuid():N}.so");
        File.WriteAllText(path, "not an ELF file");
        try
        {
            var e = Assert.Throws<OnnxRuntimeLoadException>(() => OnnxRuntime.ProbeVersion(path));
            Assert.Contains("could not be loaded", e.Message);
            Assert.Contains(path, e.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Probe_reads_the_version_of_the_bundled_library()
    {
        Assert.Equal("1.30.0", OnnxRuntime.ProbeVersion(Path.Combine(AppContext.BaseDirectory, "libonnxruntime.so.1")));
    }

    [Fact]
    public void Switching_library_after_load_is_refused_but_same_path_is_fine()
    {
        OnnxRuntime.EnsureLoaded();
        OnnxRuntime.Configure(OnnxRuntime.LibraryPath); // no-op
        var e = Assert.Throws<InvalidOperationException>(() => OnnxRuntime.Configure("/elsewhere/libonnxruntime.so.1"));
        Assert.Contains("already loaded", e.Message);
        Assert.Equal(OnnxRuntime.LibraryPath, OnnxRuntime.ResolveLibraryPath());
    }
}
