using CamReview.Data;
using Microsoft.EntityFrameworkCore.Design;

namespace CamReview.Migrations;

/// <summary>How <c>dotnet ef</c> opens <see cref="CamReviewDb"/>: with the same SQLite options as the portal and the
/// CLI (<see cref="Database.Options"/>), so the tool needs no portal start-up and no native libraries. Adding a
/// migration or checking for model changes never opens the database; the commands that do (<c>migrations list</c>,
/// <c>database update</c>) use the data folder given as <c>-- --data DIR</c>, else <c>CAMREVIEW__DATADIR</c>, else the
/// portal's default <c>data</c> folder at the repository root.</summary>
public sealed class DesignTimeDbFactory : IDesignTimeDbContextFactory<CamReviewDb>
{
    public CamReviewDb CreateDbContext(string[] args) => new(Database.Options(DataDir(args)));

    private static string DataDir(string[] args)
    {
        var at = Array.IndexOf(args, "--data");
        if (at >= 0 && at + 1 < args.Length) return Path.GetFullPath(args[at + 1]);
        if (Environment.GetEnvironmentVariable("CAMREVIEW__DATADIR") is { Length: > 0 } fromEnvironment) return Path.GetFullPath(fromEnvironment);
        // The tool runs in the startup project's folder: look up for the repository root, where ./camreview keeps data/.
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "CamReview.sln"))) return Path.Combine(dir.FullName, "data");
        return Path.GetFullPath("data");
    }
}
