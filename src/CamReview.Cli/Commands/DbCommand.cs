using System.CommandLine;
using CamReview.Data;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;

namespace CamReview.Cli.Commands;

/// <summary><c>camreview db copy</c>: a portal's data into another database (<see cref="DatabaseCopy"/>).
/// <c>camreview db check</c>: the offline check of a data folder. SQLite's <c>PRAGMA integrity_check</c> and
/// <c>foreign_key_check</c> on the database, then every asset row against the media folder. Exits 0 when all is
/// well, <see cref="CliApp.ExitDataProblem"/> with a report of what is wrong otherwise. Reads only; safe to run
/// beside a running portal.</summary>
internal static class DbCommand
{
    public static Command Create()
    {
        var data = new Option<string>("--data") { Description = "Data folder (default: CamReview:DataDir of the configuration, else ./data)." };
        var json = CommonOptions.Json();
        var check = new Command("check", "Check the database file's integrity and that every stored media file is present.") { data, json };
        check.SetAction(async (parse, ct) =>
        {
            var dataDir = DataDir(parse.GetValue(data));
            var file = Path.Combine(dataDir, Database.FileName);
            if (!File.Exists(file)) throw new CliException($"no database in {dataDir} ({Database.FileName} not found)");

            var integrity = await DataFolderCheck.IntegrityAsync(dataDir, full: true, ct);
            MediaScan? media = null;
            string? mediaError = null;
            if (integrity.Error is null)
            {
                try
                {
                    await using var db = new CamReviewDb(Database.Options(dataDir));
                    media = await DataFolderCheck.MediaAsync(db, dataDir, ct: ct);
                }
                catch (SqliteException e)
                {
                    mediaError = DataFolderCheck.Describe(e);
                }
                finally
                {
                    SqliteConnection.ClearAllPools();
                }
            }
            else mediaError = "not checked: the database cannot be read";
            var ok = integrity.Ok && media is { Missing: 0 };

            if (parse.GetValue(json))
            {
                JsonOutput.Write(new
                {
                    ok,
                    database = file,
                    integrity = new { ok = integrity.Error is null && integrity.Problems.Count == 0, problems = integrity.Problems, error = integrity.Error },
                    foreignKeys = new { ok = integrity.Error is null && integrity.ForeignKeyProblems.Count == 0, problems = integrity.ForeignKeyProblems },
                    media = new
                    {
                        ok = media is { Missing: 0 },
                        assets = media?.Assets,
                        missing = media?.Missing,
                        firstMissing = media?.First.Select(m => new { m.AssetId, m.ProjectId, kind = m.Kind.ToString(), name = m.DisplayName, m.Files }),
                        error = mediaError,
                    },
                });
            }
            else Print(file, dataDir, integrity, media, mediaError, ok);
            return ok ? 0 : CliApp.ExitDataProblem;
        });
        return new Command("db", "Look after a portal's data folder and database.") { check, Copy() };
    }

    private static Command Copy()
    {
        var from = new Option<string>("--from") { Description = "The database to copy: sqlite:DATA_DIR (the portal's data folder) or postgres:CONNECTION_STRING.", Required = true };
        var to = new Option<string>("--to") { Description = "The new, empty database: postgres:CONNECTION_STRING (or sqlite:DATA_DIR). Migrated first; refused if it holds any row.", Required = true };
        var json = CommonOptions.Json();
        var copy = new Command("copy", "Copy every row of a portal's database into a new database, ids kept. Media files stay in the data folder: start the portal with the same --data.")
            { from, to, json };
        copy.SetAction(async (parse, ct) =>
        {
            DatabaseTarget source, target;
            try
            {
                source = DatabaseTarget.Parse(parse.GetValue(from)!);
                target = DatabaseTarget.Parse(parse.GetValue(to)!);
            }
            catch (Exception e) when (e is FormatException or InvalidOperationException)
            {
                throw new CliException(e.Message);
            }
            IReadOnlyList<CopiedTable> tables;
            try
            {
                tables = await DatabaseCopy.CopyAsync(source, target, ct);
            }
            catch (DatabaseCopyException e)
            {
                throw new CliException(e.Message);
            }
            catch (System.Data.Common.DbException e)
            {
                // Failures inside the copy's transaction are DatabaseCopyExceptions: this one came before it (e.g. migrating the target).
                throw new CliException($"the copy failed before any row was copied: {e.Message}");
            }
            finally
            {
                SqliteConnection.ClearAllPools();
            }
            if (parse.GetValue(json))
                JsonOutput.Write(new { from = source.Describe(), to = target.Describe(), rows = tables.Sum(t => t.Rows), tables = tables.Select(t => new { table = t.Table, rows = t.Rows }) });
            else
            {
                foreach (var t in tables) Console.WriteLine($"{t.Table,-20} {t.Rows,8}");
                Console.WriteLine($"copied {tables.Sum(t => t.Rows)} rows from {source.Describe()} to {target.Describe()}; the media files stay in the data folder");
            }
            return 0;
        });
        return copy;
    }

    private static void Print(string file, string dataDir, IntegrityReport integrity, MediaScan? media, string? mediaError, bool ok)
    {
        Console.WriteLine($"database   {file}");
        if (integrity.Error is not null) Console.WriteLine($"  integrity_check    FAILED: {integrity.Error}");
        else
        {
            Console.WriteLine(integrity.Problems.Count == 0 ? "  integrity_check    ok" : $"  integrity_check    {integrity.Problems.Count} problem(s){More(integrity.Problems.Count)}:");
            foreach (var problem in integrity.Problems) Console.WriteLine($"    - {problem}");
            Console.WriteLine(integrity.ForeignKeyProblems.Count == 0 ? "  foreign_key_check  ok" : $"  foreign_key_check  {integrity.ForeignKeyProblems.Count} problem(s){More(integrity.ForeignKeyProblems.Count)}:");
            foreach (var problem in integrity.ForeignKeyProblems) Console.WriteLine($"    - {problem}");
        }
        Console.WriteLine($"media      {MediaFiles.MediaRoot(dataDir)}");
        if (media is null) Console.WriteLine($"  FAILED: {mediaError}");
        else
        {
            Console.WriteLine(media.Missing == 0 ? $"  {media.Assets} asset(s), every file present" : $"  {media.Missing} of {media.Assets} asset(s) have files missing:");
            foreach (var m in media.First) Console.WriteLine($"    - asset {m.AssetId} (project {m.ProjectId}, {m.Kind}) \"{m.DisplayName}\": {string.Join(", ", m.Files)}");
            if (media.Missing > media.First.Count) Console.WriteLine($"    ... and {media.Missing - media.First.Count} more");
        }
        Console.WriteLine(ok
            ? "result     ok"
            : "result     PROBLEMS FOUND: stop the portal and restore the data folder (camreview.db with its -wal and -shm files, and media/) from a backup; " +
              "assets whose files are lost can also be deleted in the portal.");
    }

    private static string More(int count) => count >= DataFolderCheck.MaxListed ? $" (the first {DataFolderCheck.MaxListed})" : "";

    /// <summary>The data folder <c>serve</c> would use: --data, else CamReview:DataDir (appsettings.json beside the
    /// executable, CAMREVIEW__DATADIR), else ./data.</summary>
    private static string DataDir(string? option)
    {
        if (option is not null) return Path.GetFullPath(option);
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(AppContext.BaseDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables()
            .Build();
        return Path.GetFullPath(configuration[$"{CamReview.Web.PortalOptions.Section}:DataDir"] ?? "data");
    }
}
