using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace CamReview.Web.Tests;

/// <summary>The ffmpeg and ffprobe command lines for tests: clips made from lavfi sources, what ffprobe reads of a
/// file, and the check that a file carries no metadata.</summary>
public static class FfmpegCli
{
    public static readonly string[] StructuralTags = ["major_brand", "minor_version", "compatible_brands"];

    /// <summary>No tag but the container's structural ones, and no trace of <paramref name="name"/> anywhere in the file.</summary>
    public static void AssertNoMetadata(JsonElement probe, byte[] file, string name)
    {
        if (probe.GetProperty("format").TryGetProperty("tags", out var tags))
            Assert.All(tags.EnumerateObject(), t => Assert.Contains(t.Name, StructuralTags));
        foreach (var stream in probe.GetProperty("streams").EnumerateArray())
            if (stream.TryGetProperty("tags", out var streamTags))
                Assert.All(streamTags.EnumerateObject(), t => Assert.DoesNotContain(t.Name, new[] { "title", "comment", "description", "artist" }));
        Assert.DoesNotContain(name, Encoding.Latin1.GetString(file));
    }

    private static readonly Lazy<string> Folder = new(() => Directory.CreateTempSubdirectory("camreview-proxies-").FullName);

    /// <summary>A clip made by the ffmpeg CLI from a lavfi source: <paramref name="frames"/> frames, the given codec
    /// arguments and metadata.</summary>
    public static byte[] MakeVideo(string name, string source, int frames, string[] codec, string[] metadata, string[]? filters = null)
    {
        var path = Path.Combine(Folder.Value, $"{Guid.NewGuid():N}-{name}");
        Run("ffmpeg", ["-hide_banner", "-loglevel", "error", "-nostdin", "-y", "-f", "lavfi", "-i", source, .. filters ?? [], "-frames:v", frames.ToString(),
            .. codec, .. metadata, path]);
        return File.ReadAllBytes(path);
    }

    public static JsonElement Probe(byte[] file)
    {
        var path = Path.Combine(Folder.Value, $"{Guid.NewGuid():N}.probe");
        File.WriteAllBytes(path, file);
        using var json = JsonDocument.Parse(Run("ffprobe", ["-v", "error", "-show_streams", "-show_format", "-of", "json", path]));
        return json.RootElement.Clone();
    }

    public static List<double> PacketTimes(byte[] file)
    {
        var path = Path.Combine(Folder.Value, $"{Guid.NewGuid():N}.probe");
        File.WriteAllBytes(path, file);
        return Run("ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "packet=pts_time,size", "-of", "csv=p=0", path])
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(','))
            .Where(f => f.Length == 2 && int.TryParse(f[1], out var size) && size > 0)
            .Select(f => double.Parse(f[0], System.Globalization.CultureInfo.InvariantCulture)).ToList();
    }

    public static string Run(string exe, string[] args)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{exe} {string.Join(' ', args)}: {stderr.Result}");
        return stdout;
    }
}
