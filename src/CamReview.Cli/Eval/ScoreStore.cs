using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CamReview.Pipeline.Analyze;
using CamReview.Pipeline.Score;

namespace CamReview.Cli.Eval;

/// <summary>
/// Scores of <c>camreview eval</c> kept in a folder so that a run resumes where the last one stopped: one JSON file per
/// row, named by the SHA-256 of the reference's, target's and output's contents and of the settings. A re-run finds
/// the rows it scored; a changed file or setting names another file, so that row is scored again. Files are written
/// whole (temporary file, then renamed), so a run stopped midway leaves no half score.
/// </summary>
internal sealed class ScoreStore(string folder)
{
    private readonly Dictionary<string, string> _hashes = new(StringComparer.Ordinal);

    public string Folder { get; } = Directory.CreateDirectory(folder).FullName;

    /// <summary>The row's key: its files' contents (each file hashed once per run) and the settings' fingerprint.</summary>
    public string KeyOf(ManifestRow row, string settings)
    {
        var text = $"{Hash(row.ReferencePath)}\n{Hash(row.TargetPath)}\n{Hash(row.OutputPath)}\n{settings}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    public StoredScore? TryGet(string key)
    {
        var file = PathOf(key);
        if (!File.Exists(file)) return null;
        try
        {
            return StoredScore.Parse(File.ReadAllText(file));
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            return null;
        }
    }

    public StoredScore Set(string key, ScoreResult result)
    {
        var json = JsonSerializer.Serialize(result, FolderAnalysisCache.JsonOptions);
        var temp = PathOf(key) + "." + Guid.NewGuid().ToString("N") + ".tmp";
        File.WriteAllText(temp, json);
        File.Move(temp, PathOf(key), overwrite: true);
        return StoredScore.Parse(json);
    }

    /// <summary>The SHA-256 of a file's content (an encoder model's too), computed once per run.</summary>
    public string Hash(string path)
    {
        lock (_hashes)
            if (_hashes.TryGetValue(path, out var known)) return known;
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        var hash = Convert.ToHexStringLower(SHA256.HashData(stream));
        lock (_hashes) _hashes[path] = hash;
        return hash;
    }

    private string PathOf(string key) => Path.Combine(Folder, key + ".json");
}
