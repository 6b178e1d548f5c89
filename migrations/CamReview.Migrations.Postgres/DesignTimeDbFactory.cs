using CamReview.Data;
using Microsoft.EntityFrameworkCore.Design;

namespace CamReview.Migrations.Postgres;

/// <summary>How <c>dotnet ef</c> opens <see cref="CamReviewDb"/> for PostgreSQL: with the portal's own options
/// (<see cref="Database.Options(DatabaseTarget)"/>). Adding a migration or checking for model changes never connects;
/// the commands that do (<c>migrations list</c>, <c>database update</c>) use the connection string given as
/// <c>-- --connection CONN</c>, else <c>ConnectionStrings__CamReview</c>, else a server on localhost.</summary>
public sealed class DesignTimeDbFactory : IDesignTimeDbContextFactory<CamReviewDb>
{
    public CamReviewDb CreateDbContext(string[] args) => new(Database.Options(DatabaseTarget.Postgres(ConnectionString(args))));

    private static string ConnectionString(string[] args)
    {
        var at = Array.IndexOf(args, "--connection");
        if (at >= 0 && at + 1 < args.Length) return args[at + 1];
        return Environment.GetEnvironmentVariable("ConnectionStrings__CamReview") is { Length: > 0 } fromEnvironment
            ? fromEnvironment
            : "Host=localhost;Database=camreview;Username=postgres";
    }
}
