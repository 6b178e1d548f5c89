using System.Diagnostics;
using CamReview.Data;
using CamReview.Data.Entities;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CamReview.Cli.Tests;

/// <summary><c>camreview db check</c> on data folders made here (a migrated database with a few asset rows and their
/// files), and <c>camreview serve</c> on a damaged one.</summary>
public sealed class DbCheckCommandTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("camreview-dbcheck-").FullName;

    private string DbFile => Path.Combine(_data, Database.FileName);

    [Fact]
    public async Task AHealthyDataFolderPasses()
    {
        await CreateAsync(("pan.mp4", true), ("statue.png", true));
        var result = await Cli.RunAsync("db", "check", "--data", _data);
        Assert.True(result.ExitCode == 0, result.Stdout + result.Stderr);
        Assert.Contains("integrity_check    ok", result.Stdout);
        Assert.Contains("foreign_key_check  ok", result.Stdout);
        Assert.Contains("2 asset(s), every file present", result.Stdout);
        Assert.EndsWith("result     ok", result.Stdout.Trim());

        var json = (await Cli.RunAsync("db", "check", "--data", _data, "--json")).Json();
        Assert.True(json.GetProperty("ok").GetBoolean());
        Assert.Equal(2, json.GetProperty("media").GetProperty("assets").GetInt32());
    }

    [Fact]
    public async Task MissingMediaFilesAreReportedByAssetAndExitNonZero()
    {
        var ids = await CreateAsync(("pan.mp4", true), ("lost-output.mp4", false));
        var result = await Cli.RunAsync("db", "check", "--data", _data);
        Assert.Equal(CliApp.ExitDataProblem, result.ExitCode);
        Assert.Contains("integrity_check    ok", result.Stdout);
        Assert.Contains("1 of 2 asset(s) have files missing:", result.Stdout);
        Assert.Contains($"- asset {ids[1]} (project 1, Output) \"lost-output.mp4\": original, poster, thumb", result.Stdout);
        Assert.Contains("PROBLEMS FOUND", result.Stdout);

        var json = (await Cli.RunAsync("db", "check", "--data", _data, "--json")).Json();
        Assert.False(json.GetProperty("ok").GetBoolean());
        Assert.True(json.GetProperty("integrity").GetProperty("ok").GetBoolean());
        var lost = Assert.Single(json.GetProperty("media").GetProperty("firstMissing").EnumerateArray());
        Assert.Equal(ids[1], lost.GetProperty("assetId").GetInt32());
    }

    [Fact]
    public async Task ADamagedPageIsFoundByTheIntegrityCheck()
    {
        await CreateAsync(("pan.mp4", true));
        // Page 2 onwards (the tables' pages) overwritten; the header and schema page stay readable.
        using (var stream = new FileStream(DbFile, FileMode.Open, FileAccess.Write))
        {
            stream.Position = 4096;
            var garbage = new byte[Math.Min(8 * 4096, stream.Length - 4096)];
            new Random(7).NextBytes(garbage);
            stream.Write(garbage);
        }
        var result = await Cli.RunAsync("db", "check", "--data", _data);
        Assert.Equal(CliApp.ExitDataProblem, result.ExitCode);
        Assert.Matches(@"integrity_check    (\d+ problem\(s\)|FAILED)", result.Stdout);
        Assert.Contains("PROBLEMS FOUND", result.Stdout);
        Assert.DoesNotContain("   at ", result.Stdout + result.Stderr);
    }

    [Fact]
    public async Task AFileThatIsNoDatabaseIsReported()
    {
        await File.WriteAllTextAsync(DbFile, "not a database at all\n");
        var result = await Cli.RunAsync("db", "check", "--data", _data);
        Assert.Equal(CliApp.ExitDataProblem, result.ExitCode);
        Assert.Contains("integrity_check    FAILED: the file is not a SQLite database", result.Stdout);
        Assert.Contains("FAILED: not checked: the database cannot be read", result.Stdout);
    }

    [Fact]
    public async Task AFolderWithoutADatabaseIsBadInput()
    {
        var result = await Cli.RunAsync("db", "check", "--data", _data);
        Assert.Equal(CliApp.ExitBadInput, result.ExitCode);
        Assert.Equal($"camreview: no database in {_data} ({Database.FileName} not found)", result.Stderr.Trim());
        Assert.False(File.Exists(DbFile)); // checking never creates one
    }

    [Fact]
    public async Task ServeOnADamagedDatabaseExitsWithAClearMessage()
    {
        await File.WriteAllTextAsync(DbFile, "not a database at all\n");
        using var process = Process.Start(Cli.StartInfo(["serve", "--urls", "http://127.0.0.1:0", "--data", _data]))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await process.WaitForExitAsync(timeout.Token);
        Assert.Equal(CliApp.ExitDataProblem, process.ExitCode);
        var line = Assert.Single((await stderr).Trim().Split('\n'));
        Assert.StartsWith($"camreview: The database {DbFile} cannot be used: the file is not a SQLite database", line);
        Assert.Contains($"`camreview db check --data {_data}`", line);
        Assert.Contains("from a backup", line);
        // The log says the same (once), and nothing prints a stack trace.
        var log = await stdout;
        Assert.Contains("The portal did not start", log);
        Assert.DoesNotContain("   at ", log + line);
        Assert.DoesNotContain("Unhandled exception", log + line);
    }

    /// <summary>A migrated database with one team, one project and an asset per name; the files of those marked present
    /// are made (empty) where the portal keeps them. Returns the assets' ids.</summary>
    private async Task<int[]> CreateAsync(params (string Name, bool FilesPresent)[] assets)
    {
        var ids = new List<int>();
        await using (var db = new CamReviewDb(Database.Options(_data)))
        {
            await Database.MigrateAsync(db);
            var project = new Project { Name = "Dolly shots", Team = new Team { Name = "Lab" } };
            db.Projects.Add(project);
            var rows = assets.Select((a, i) =>
            {
                var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(a.Name)));
                var video = a.Name.EndsWith(".mp4", StringComparison.Ordinal);
                var type = video ? "video/mp4" : "image/png";
                if (a.FilesPresent)
                {
                    Directory.CreateDirectory(MediaFiles.Folder(_data, sha));
                    foreach (var path in new[] { MediaFiles.Original(_data, sha, type), MediaFiles.Poster(_data, sha), MediaFiles.Thumb(_data, sha) })
                        File.WriteAllBytes(path, []);
                }
                return new Asset
                {
                    Project = project, DisplayName = a.Name, Sha256 = sha, MediaType = type,
                    Kind = i == 0 ? AssetKind.ReferenceVideo : video ? AssetKind.Output : AssetKind.TargetImage,
                };
            }).ToList();
            db.Assets.AddRange(rows);
            await db.SaveChangesAsync();
            ids.AddRange(rows.Select(r => r.Id));
            await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE);");
        }
        SqliteConnection.ClearAllPools();
        return [.. ids];
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_data, recursive: true);
    }
}
