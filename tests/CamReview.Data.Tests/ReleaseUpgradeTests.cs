using CamReview.Data.Entities;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CamReview.Data.Tests;

/// <summary>A database made by the previous release (Fixtures/README.md: its demo project with renders, scores,
/// a comment, a share link, a review and a study with votes) opened with today's code: it upgrades in place and
/// keeps everything it held.</summary>
public sealed class ReleaseUpgradeTests : IDisposable
{
    public const string FixtureFile = "release-2b58a73.db";

    private static readonly string[] ReleaseMigrations =
    [
        "20261121000000_Initial", "20261121010000_AccountsAndAssets", "20261121020000_Jobs", "20261121030000_Sharing",
        "20261121040000_Studies",
    ];

    // What the release left in each table (checked against the fixture itself too, so a replaced fixture shows).
    private static readonly Dictionary<string, long> ReleaseRowCounts = new()
    {
        ["Assets"] = 6, ["Comments"] = 1, ["Jobs"] = 8, ["OutputReviews"] = 1, ["OutputScores"] = 4, ["Pairs"] = 1,
        ["Projects"] = 1, ["ShareLinks"] = 1, ["Studies"] = 1, ["StudyMedia"] = 5, ["StudyParticipants"] = 24,
        ["StudyQuestions"] = 3, ["StudyTrials"] = 312, ["StudyVotes"] = 936, ["TeamMembers"] = 2, ["Teams"] = 2,
        ["Users"] = 1, ["__EFMigrationsHistory"] = 5, ["__EFMigrationsLock"] = 0,
    };

    // Rows that migrations after the release add to its tables: the target image of the study's one pair.
    private static readonly Dictionary<string, long> UpgradeAdds = new() { ["StudyMedia"] = 1 };

    private readonly TempDataDir _data = new();

    public ReleaseUpgradeTests() =>
        File.Copy(Path.Combine(AppContext.BaseDirectory, "Fixtures", FixtureFile), Path.Combine(_data.Path, Database.FileName));

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task TheReleaseDatabaseUpgradesInPlaceWithItsData()
    {
        var before = await RowCountsAsync();
        Assert.Equal(ReleaseRowCounts, before);

        await using (var db = _data.OpenDb())
        {
            Assert.Equal(ReleaseMigrations, await db.Database.GetAppliedMigrationsAsync());
            await Database.MigrateAsync(db);
            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
            Assert.Equal("wal", await Database.JournalModeAsync(db));
            // The release's history rows are the ones today's migrations know (ids kept), and come first.
            var known = db.Database.GetMigrations().ToList();
            Assert.Equal(ReleaseMigrations, known.Take(ReleaseMigrations.Length));
            Assert.Equal(known, await db.Database.GetAppliedMigrationsAsync());
        }

        // Every table keeps its rows; the history gains only migrations added after the release, and the study its
        // pair's target image (StudyTargetImages).
        var after = await RowCountsAsync();
        var added = after["__EFMigrationsHistory"] - before["__EFMigrationsHistory"];
        Assert.All(before.Where(t => t.Key != "__EFMigrationsHistory"),
            t => Assert.Equal((t.Key, t.Value + UpgradeAdds.GetValueOrDefault(t.Key)), (t.Key, after[t.Key])));
        await using (var db = _data.OpenDb()) Assert.Equal(db.Database.GetMigrations().Count() - ReleaseMigrations.Length, added);
        Assert.Equal(["ok"], await _data.ScalarsAsync("PRAGMA integrity_check"));
        Assert.Empty(await _data.ScalarsAsync("SELECT * FROM pragma_foreign_key_check"));
    }

    [Fact]
    public async Task TheReleasesValuesReadThroughTodaysModel()
    {
        await using var db = _data.OpenDb();
        await Database.MigrateAsync(db);

        var project = await db.Projects.Include(p => p.Team).Include(p => p.Pairs).SingleAsync();
        Assert.Equal("Demo: camera-motion transfer", project.Name);
        Assert.Equal("Demo", project.Team.Name);
        var pair = Assert.Single(project.Pairs);

        var admin = await db.Users.Include(u => u.Memberships).ThenInclude(m => m.Team).SingleAsync();
        Assert.Equal(("admin@example.org", true), (admin.Email, admin.IsAdministrator));
        Assert.Equal(["Demo", "My team"], admin.Memberships.Select(m => m.Team.Name).Order());
        Assert.All(admin.Memberships, m => Assert.Equal(TeamRole.Owner, m.Role));

        var outputs = await db.Assets.Where(a => a.Kind == AssetKind.Output).OrderBy(a => a.Id).ToListAsync();
        Assert.Equal(["homography (black)", "homography (safe-crop)", "parallax (inpaint)", "weak: homography pan-right 1.2°/f (black)"],
            outputs.Select(o => o.MethodName));
        Assert.All(outputs, o => Assert.Equal(pair.Id, o.PairId));

        var score = await db.OutputScores.SingleAsync(s => s.AssetId == outputs[0].Id);
        Assert.Equal(1.70606554644421e-06, score.CameraScore!.Value, 1e-18);
        Assert.StartsWith("{", score.ResultJson);
        Assert.NotNull(score.MotionJson);
        // The wrong pan speed scores worst (lower is better), as it did when the release scored it.
        var ranked = await db.OutputScores.OrderBy(s => s.CameraScore).Select(s => s.AssetId).ToListAsync();
        Assert.Equal(outputs[^1].Id, ranked[^1]);

        Assert.Equal(ReviewStatus.Approved, (await db.OutputReviews.SingleAsync()).Status);
        var comment = await db.Comments.SingleAsync();
        Assert.Equal((pair.Id, 0.5), (comment.PairId, comment.TimeSeconds));
        Assert.StartsWith("From here the weak method pans faster", comment.Body);
        var link = await db.ShareLinks.SingleAsync();
        Assert.Equal("Demo share link", link.Label);
        Assert.Null(link.RevokedUtc);
        Assert.Equal(new DateTime(2027, 12, 3), link.ExpiresUtc.Date);
        Assert.Equal(8, await db.Jobs.CountAsync(j => j.State == JobState.Succeeded));

        var study = await db.Studies.Include(s => s.Questions).SingleAsync();
        Assert.Equal(("Demo: which transfer looks right?", StudyDesign.Pairwise, StudyState.Open), (study.Name, study.Design, study.State));
        Assert.Equal(["motion", "overall", "scene"], study.Questions.Select(q => q.Key).Order());
        var votes = await db.StudyVotes.GroupBy(v => v.Answer).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count);
        Assert.Equal(new Dictionary<VoteAnswer, int> { [VoteAnswer.Pick] = 780, [VoteAnswer.Tie] = 127, [VoteAnswer.BothBad] = 29 }, votes);
        Assert.Equal(24, await db.StudyParticipants.CountAsync(p => p.StudyId == study.Id));
        Assert.True(await db.StudyVotes.Where(v => v.Answer == VoteAnswer.Pick).AllAsync(v => v.ChosenPosition != null));

        // The study shows its pair's target image now, under a key of its own, with the scene question only.
        var target = await db.StudyMedia.SingleAsync(m => m.StudyId == study.Id && m.IsTarget);
        Assert.Equal((pair.Id, pair.TargetAssetId, (string?)null), (target.PairId, target.AssetId, target.MethodName));
        Assert.Matches("^[0-9a-f]{32}$", target.Key);
        Assert.Equal(["scene"], study.Questions.Where(q => q.ShowTarget).Select(q => q.Key));
    }

    [Fact]
    public async Task TodaysModelQueriesAndWritesTheUpgradedDatabase()
    {
        await using (var db = _data.OpenDb())
        {
            await Database.MigrateAsync(db);
            // Every mapped column of every entity exists and its values convert (enums stored by name, dates).
            var loaded = new Dictionary<string, long>
            {
                ["Assets"] = (await db.Assets.ToListAsync()).Count,
                ["Comments"] = (await db.Comments.ToListAsync()).Count,
                ["Jobs"] = (await db.Jobs.ToListAsync()).Count,
                ["OutputReviews"] = (await db.OutputReviews.ToListAsync()).Count,
                ["OutputScores"] = (await db.OutputScores.ToListAsync()).Count,
                ["Pairs"] = (await db.Pairs.ToListAsync()).Count,
                ["Projects"] = (await db.Projects.ToListAsync()).Count,
                ["ShareLinks"] = (await db.ShareLinks.ToListAsync()).Count,
                ["Studies"] = (await db.Studies.ToListAsync()).Count,
                ["StudyMedia"] = (await db.StudyMedia.ToListAsync()).Count,
                ["StudyParticipants"] = (await db.StudyParticipants.ToListAsync()).Count,
                ["StudyQuestions"] = (await db.StudyQuestions.ToListAsync()).Count,
                ["StudyTrials"] = (await db.StudyTrials.ToListAsync()).Count,
                ["StudyVotes"] = (await db.StudyVotes.ToListAsync()).Count,
                ["TeamMembers"] = (await db.TeamMembers.ToListAsync()).Count,
                ["Teams"] = (await db.Teams.ToListAsync()).Count,
                ["Users"] = (await db.Users.ToListAsync()).Count,
            };
            Assert.Equal(ReleaseRowCounts.Where(t => !t.Key.StartsWith("__", StringComparison.Ordinal))
                .ToDictionary(t => t.Key, t => t.Value + UpgradeAdds.GetValueOrDefault(t.Key)), loaded);

            // Queries across the relations the pages use: outputs with scores per method, votes per question.
            var perMethod = await db.Assets.Where(a => a.Kind == AssetKind.Output)
                .Join(db.OutputScores, a => a.Id, s => s.AssetId, (a, s) => new { a.MethodName, s.CameraScore })
                .ToListAsync();
            Assert.Equal(4, perMethod.Count);
            var perQuestion = await db.StudyVotes.GroupBy(v => v.Question.Key).Select(g => new { g.Key, Count = g.Count() }).ToListAsync();
            Assert.All(perQuestion, q => Assert.Equal(312, q.Count));

            // New rows go in next to the old ones, under the same constraints.
            var pair = await db.Pairs.SingleAsync();
            db.Comments.Add(new Comment { PairId = pair.Id, Body = "after the upgrade", TimeSeconds = 1.5, CreatedUtc = DateTime.UtcNow });
            var team = await db.Teams.SingleAsync(t => t.Name == "Demo");
            db.Projects.Add(new Project { Name = "Orbits", TeamId = team.Id, CreatedUtc = DateTime.UtcNow });
            await db.SaveChangesAsync();
            db.Projects.Add(new Project { Name = "Demo: camera-motion transfer", TeamId = team.Id, CreatedUtc = DateTime.UtcNow });
            await Assert.ThrowsAsync<DbUpdateException>(() => db.SaveChangesAsync());
        }

        // A second start migrates nothing and keeps both old and new rows.
        await using (var db = _data.OpenDb())
        {
            await Database.MigrateAsync(db);
            Assert.Equal(2, await db.Comments.CountAsync());
            Assert.Equal(["Demo: camera-motion transfer", "Orbits"], await db.Projects.OrderBy(p => p.Id).Select(p => p.Name).ToListAsync());
        }
    }

    [Fact]
    public async Task TheUpgradedSchemaIsTheSchemaOfANewDatabase()
    {
        await using (var db = _data.OpenDb()) await Database.MigrateAsync(db);
        var upgraded = await SchemaAsync(_data.Path);
        using var fresh = new TempDataDir();
        await using (var db = fresh.OpenDb()) await Database.MigrateAsync(db);
        // Same tables, columns, keys and indexes (SQLite keeps each one's CREATE statement as run).
        Assert.Equal(await SchemaAsync(fresh.Path), upgraded);
    }

    private static async Task<List<string>> SchemaAsync(string dataDir)
    {
        await using var connection = new SqliteConnection(Database.ConnectionString(dataDir));
        await connection.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_master ORDER BY type, name";
        var rows = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync()) rows.Add(reader.GetString(0));
        return rows;
    }

    private async Task<Dictionary<string, long>> RowCountsAsync()
    {
        var counts = new Dictionary<string, long>();
        foreach (var table in await _data.ScalarsAsync("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"))
            counts[table] = long.Parse((await _data.ScalarsAsync($"SELECT count(*) FROM \"{table}\""))[0]);
        return counts;
    }
}
