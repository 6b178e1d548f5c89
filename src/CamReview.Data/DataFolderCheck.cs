using CamReview.Data.Entities;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CamReview.Data;

/// <summary>An asset whose stored file (or one of its previews) is not in the data folder. Names what a person
/// recognises (id, project, name, which files), never a path.</summary>
public sealed record MissingMedia(int AssetId, int ProjectId, AssetKind Kind, string DisplayName, IReadOnlyList<string> Files);

/// <summary>Every asset row checked against the media folder: how many were checked, how many lack a file, the first
/// few of those.</summary>
public sealed record MediaScan(int Assets, int Missing, IReadOnlyList<MissingMedia> First);

/// <summary>What SQLite says of the database file: the messages of <c>PRAGMA integrity_check</c> (or
/// <c>quick_check</c>) and of <c>PRAGMA foreign_key_check</c>, empty when all is well; <see cref="Error"/> when the
/// file could not be checked at all (not a database, unreadable).</summary>
public sealed record IntegrityReport(IReadOnlyList<string> Problems, IReadOnlyList<string> ForeignKeyProblems, string? Error)
{
    public bool Ok => Error is null && Problems.Count == 0 && ForeignKeyProblems.Count == 0;
}

/// <summary>The checks of a data folder that <c>/health</c> and <c>camreview db check</c> run: the database file's
/// integrity and the media files the rows refer to.</summary>
public static class DataFolderCheck
{
    /// <summary>How many problems of each kind are listed (the counts cover all of them).</summary>
    public const int MaxListed = 10;

    /// <summary>A connection to an existing database file, never creating one.</summary>
    public static SqliteConnection OpenExisting(string dataDir) => new(new SqliteConnectionStringBuilder(Database.ConnectionString(dataDir))
    {
        Mode = SqliteOpenMode.ReadWrite,
        Pooling = false,
    }.ToString());

    /// <summary>Runs <c>PRAGMA quick_check</c> (<paramref name="full"/>: <c>integrity_check</c>, which also compares
    /// every index with its table) and <c>PRAGMA foreign_key_check</c> on the database of a data folder.</summary>
    public static async Task<IntegrityReport> IntegrityAsync(string dataDir, bool full, CancellationToken ct = default)
    {
        try
        {
            await using var connection = OpenExisting(dataDir);
            await connection.OpenAsync(ct);
            var problems = await ListAsync(connection, $"PRAGMA {(full ? "integrity_check" : "quick_check")}({MaxListed});", r => r.GetString(0), ct);
            if (problems is ["ok"]) problems = [];
            var foreignKeys = await ListAsync(connection, "PRAGMA foreign_key_check;",
                r => $"{r.GetString(0)} row {(r.IsDBNull(1) ? "?" : r.GetInt64(1).ToString(System.Globalization.CultureInfo.InvariantCulture))} refers to a missing {r.GetString(2)} row", ct);
            return new IntegrityReport(problems, foreignKeys, null);
        }
        catch (SqliteException e)
        {
            return new IntegrityReport([], [], Describe(e));
        }
    }

    /// <summary>Checks that every asset's original, poster and thumbnail are in the media folder. Files are shared by
    /// the assets with the same content, so each is looked at once.</summary>
    public static async Task<MediaScan> MediaAsync(CamReviewDb db, string dataDir, int listed = MaxListed, CancellationToken ct = default)
    {
        var present = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var first = new List<MissingMedia>();
        int assets = 0, missing = 0;
        var rows = db.Assets.AsNoTracking().OrderBy(a => a.Id)
            .Select(a => new { a.Id, a.ProjectId, a.Kind, a.DisplayName, a.Sha256, a.MediaType }).AsAsyncEnumerable();
        await foreach (var a in rows.WithCancellation(ct))
        {
            assets++;
            var key = $"{a.Sha256}.{a.MediaType}";
            if (!present.TryGetValue(key, out var absent)) present[key] = absent = AbsentFiles(dataDir, a.Sha256, a.MediaType);
            if (absent.Count == 0) continue;
            missing++;
            if (first.Count < listed) first.Add(new MissingMedia(a.Id, a.ProjectId, a.Kind, a.DisplayName, absent));
        }
        return new MediaScan(assets, missing, first);
    }

    /// <summary>Which of an asset's files are not on disk: "original", "poster", "thumb".</summary>
    public static IReadOnlyList<string> AbsentFiles(string dataDir, string sha256, string mediaType)
    {
        var absent = new List<string>(3);
        if (!File.Exists(OriginalOrEmpty(dataDir, sha256, mediaType))) absent.Add("original");
        if (!File.Exists(SafePath(() => MediaFiles.Poster(dataDir, sha256)))) absent.Add("poster");
        if (!File.Exists(SafePath(() => MediaFiles.Thumb(dataDir, sha256)))) absent.Add("thumb");
        return absent;
    }

    private static string OriginalOrEmpty(string dataDir, string sha256, string mediaType) => SafePath(() => MediaFiles.Original(dataDir, sha256, mediaType));

    // A row with a malformed hash or media type has no file it could be stored under: it counts as missing.
    private static string SafePath(Func<string> path)
    {
        try { return path(); }
        catch (ArgumentException) { return ""; }
    }

    /// <summary>SQLite's error in words a person acting on it understands (the code names what is wrong with the file).</summary>
    public static string Describe(SqliteException e)
    {
        var sqlite = e.Message.TrimEnd('.');
        return e.SqliteErrorCode switch
        {
            SqliteCorrupt => $"the database file is damaged ({sqlite})",
            SqliteNotADatabase => $"the file is not a SQLite database ({sqlite})",
            SqliteCantOpen => $"the database file cannot be opened ({sqlite})",
            _ => sqlite,
        };
    }

    public const int SqliteCorrupt = 11;
    public const int SqliteCantOpen = 14;
    public const int SqliteNotADatabase = 26;

    /// <summary>Whether an exception (or one it wraps) says the database file itself is damaged or not a database.</summary>
    public static bool IsCorruption(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
            if (e is SqliteException { SqliteErrorCode: SqliteCorrupt or SqliteNotADatabase }) return true;
        return false;
    }

    private static async Task<List<string>> ListAsync(SqliteConnection connection, string sql, Func<SqliteDataReader, string> read, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync(ct);
        var list = new List<string>();
        while (await reader.ReadAsync(ct))
        {
            if (list.Count < MaxListed) list.Add(read(reader));
        }
        return list;
    }
}
