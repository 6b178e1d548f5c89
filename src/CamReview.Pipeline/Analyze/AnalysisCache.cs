using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CamReview.Pipeline.Analyze;

/// <summary>
/// Identity of a cached clip analysis: the SHA-256 of the file's CONTENT (so renaming or re-uploading the same
/// bytes hits the cache) and <see cref="AnalysisOptions.Fingerprint"/> (every setting that changes the result,
/// plus <see cref="ClipAnalyzer.AlgorithmVersion"/>).
/// </summary>
public readonly record struct AnalysisCacheKey(string ContentSha256, string OptionsFingerprint)
{
    /// <summary>Hashes the file (streamed) and combines it with the options' fingerprint.</summary>
    public static AnalysisCacheKey For(string path, AnalysisOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        MediaInput.RequireFile(path, "Video");
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        return new AnalysisCacheKey(Convert.ToHexStringLower(SHA256.HashData(stream)), options.Fingerprint);
    }

    /// <summary>A file-system-safe name: content hash plus a short hash of the fingerprint.</summary>
    public string FileName =>
        $"{ContentSha256}-{Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(OptionsFingerprint)))[..16]}.json";
}

/// <summary>Stores clip analyses by <see cref="AnalysisCacheKey"/>. Implementations must be thread-safe.</summary>
public interface IAnalysisCache
{
    bool TryGet(AnalysisCacheKey key, [NotNullWhen(true)] out ClipAnalysis? analysis);

    void Set(AnalysisCacheKey key, ClipAnalysis analysis);
}

/// <summary>Process-local cache (the default), optionally bounded: beyond <see cref="Capacity"/> entries the oldest-inserted goes.</summary>
public sealed class InMemoryAnalysisCache(int capacity = 256) : IAnalysisCache
{
    private readonly ConcurrentDictionary<AnalysisCacheKey, ClipAnalysis> _entries = new();
    private readonly ConcurrentQueue<AnalysisCacheKey> _order = new();

    public int Capacity { get; } = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity));

    public int Count => _entries.Count;

    public bool TryGet(AnalysisCacheKey key, [NotNullWhen(true)] out ClipAnalysis? analysis) => _entries.TryGetValue(key, out analysis);

    public void Set(AnalysisCacheKey key, ClipAnalysis analysis)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        if (_entries.TryAdd(key, analysis)) _order.Enqueue(key);
        else _entries[key] = analysis;
        while (_entries.Count > Capacity && _order.TryDequeue(out var old)) _entries.TryRemove(old, out _);
    }
}

/// <summary>
/// Cache in a folder: one JSON file per key (<see cref="AnalysisCacheKey.FileName"/>), written atomically
/// (temp file + rename), holding the key and the analysis. Unreadable or mismatching files count as misses
/// and are overwritten by the next <see cref="Set"/>. Survives restarts; several processes may share the folder.
/// </summary>
public sealed class FolderAnalysisCache : IAnalysisCache
{
    /// <summary>The JSON settings of the files (camelCase, enums as kebab-case strings, matrices as rows).</summary>
    public static JsonSerializerOptions JsonOptions { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    private sealed record Entry(string ContentSha256, string OptionsFingerprint, ClipAnalysis Analysis);

    public FolderAnalysisCache(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory = System.IO.Path.GetFullPath(directory);
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    public string PathFor(AnalysisCacheKey key) => System.IO.Path.Combine(Directory, key.FileName);

    public bool TryGet(AnalysisCacheKey key, [NotNullWhen(true)] out ClipAnalysis? analysis)
    {
        analysis = null;
        string file = PathFor(key);
        if (!File.Exists(file)) return false;
        try
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read);
            var entry = JsonSerializer.Deserialize<Entry>(stream, JsonOptions);
            if (entry is null || entry.ContentSha256 != key.ContentSha256 || entry.OptionsFingerprint != key.OptionsFingerprint) return false;
            analysis = entry.Analysis;
            return analysis is not null;
        }
        catch (Exception e) when (e is JsonException or IOException or NotSupportedException or InvalidOperationException)
        {
            return false;
        }
    }

    public void Set(AnalysisCacheKey key, ClipAnalysis analysis)
    {
        ArgumentNullException.ThrowIfNull(analysis);
        string file = PathFor(key);
        string temp = file + "." + Guid.NewGuid().ToString("N") + ".tmp";
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
                JsonSerializer.Serialize(stream, new Entry(key.ContentSha256, key.OptionsFingerprint, analysis), JsonOptions);
            File.Move(temp, file, overwrite: true);
        }
        finally
        {
            if (File.Exists(temp)) File.Delete(temp);
        }
    }
}

public static class AnalysisCacheExtensions
{
    /// <summary>
    /// The cached analysis of <paramref name="path"/> under the analyzer's options, or a fresh one (then cached).
    /// A hit is returned with <see cref="ClipSource.Path"/> set to <paramref name="path"/>.
    /// </summary>
    public static ClipAnalysis GetOrAnalyze(this IAnalysisCache cache, ClipAnalyzer analyzer, string path, out bool hit,
        IProgress<AnalysisProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(analyzer);
        var key = AnalysisCacheKey.For(path, analyzer.Options);
        if (cache.TryGet(key, out var cached))
        {
            hit = true;
            return cached.Source.Path == path ? cached : cached with { Source = cached.Source with { Path = path } };
        }
        hit = false;
        var analysis = analyzer.Analyze(path, progress, cancellationToken);
        cache.Set(key, analysis);
        return analysis;
    }
}
