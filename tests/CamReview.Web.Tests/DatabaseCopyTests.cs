using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using CamReview.Data;
using CamReview.Data.Entities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Npgsql;

namespace CamReview.Web.Tests;

/// <summary><c>camreview db copy</c> of a portal that has been used (a study world with votes, comment threads with a
/// drawing, a share link, a render worker, review decisions, finished jobs) from SQLite to PostgreSQL, and the portal
/// started on the copy with the same data folder.</summary>
public sealed partial class DatabaseCopyTests(StudyWorld world) : IClassFixture<StudyWorld>
{
    [Fact]
    public async Task APortalCopiedToPostgresHasEveryRowAndWorksOnIt()
    {
        var (studyId, studyToken) = await world.OpenStudyAsync("copied");
        for (var n = 0; n < 3; n++)
        {
            using var participant = new Participant(world.BaseAddress, studyToken);
            await participant.JoinOkAsync();
            foreach (var trial in participant.Trials)
                foreach (var question in participant.Questions)
                {
                    using var vote = await participant.VoteAsync(trial.GetProperty("trial").GetInt32(), question, ((n + question.Length) % 2).ToString(), responseMs: 1000.25 + n);
                    Assert.Equal(HttpStatusCode.Created, vote.StatusCode);
                }
        }
        string shareUrl;
        using (var admin = await world.ClientAsync())
        using (var rita = await world.ClientAsync("rita@camreview.test", StudyWorld.Password))
        {
            var comments = $"api/pairs/{world.PairId}/comments";
            var thread = (await admin.PostJsonOkAsync(comments, new
            {
                timeSeconds = 1.25, body = "The horizon tilts here.",
                drawing = new { shapes = new[] { new { kind = "arrow", colour = "#ff5252", points = new[] { new[] { 0.1, 0.2 }, new[] { 0.3125, 0.4 } } } } },
            })).GetProperty("id").GetInt32();
            var reply = (await rita.PostJsonOkAsync(comments, new { timeSeconds = 2.5, body = "About two degrees.", replyTo = thread })).GetProperty("id").GetInt32();
            await admin.PostJsonOkAsync(comments, new { timeSeconds = 0, body = "Fixed in the next render.", replyTo = reply });
            await admin.PostJsonOkAsync(comments, new { timeSeconds = 3, body = "A thread of its own." });
            using (var resolved = await admin.Http.PutAsJsonAsync($"api/comments/{thread}/resolved", new { resolved = true }))
                Assert.Equal(HttpStatusCode.OK, resolved.StatusCode);
            await using (var db = world.OpenDb())
                foreach (var (asset, status) in (await db.Assets.Where(a => a.PairId == world.PairId).OrderBy(a => a.Id).Select(a => a.Id).ToListAsync()).Zip(["approved", "retake"]))
                    using (var review = await rita.Http.PutAsJsonAsync($"api/outputs/{asset}/review", new { status }))
                        Assert.Equal(HttpStatusCode.OK, review.StatusCode);
            shareUrl = (await admin.PostJsonOkAsync($"api/pairs/{world.PairId}/share-links", new { label = "for the client", expiresInDays = 7 })).GetProperty("url").GetString()!;
            await admin.PostJsonOkAsync("api/external-methods", new { name = "copied-method", commandTemplate = ExternalScript.Template("/opt/infer.py"), timeoutSeconds = 60 });
            await admin.PostJsonOkAsync("api/render-workers", new { name = "gpu-box", kinds = new[] { "copied-method" } });
        }
        await IdleAsync();
        await using var sourceDb = world.OpenDb();
        string sourceResults;
        using (var admin = await world.ClientAsync()) sourceResults = await admin.Http.GetStringAsync($"api/studies/{studyId}/results");
        var sourceRows = await AllRowsAsync(sourceDb);

        // The portal keeps running: the copy reads one snapshot of its database.
        var connection = await CamReview.Tests.TestServers.NewPostgresDatabaseAsync();
        var output = await CliProcess.RunOkAsync("db", "copy", "--from", $"sqlite:{world.DataDir}", "--to", $"postgres:{connection}", "--json");
        var report = JsonDocument.Parse(output).RootElement;
        Assert.Equal(sourceRows.Values.Sum(r => r.Count), report.GetProperty("rows").GetInt64());

        await using (var copy = new CamReviewDb(Database.Options(DatabaseTarget.Postgres(connection))))
        {
            var copied = await AllRowsAsync(copy);
            Assert.Equal(sourceRows.Keys.Order(), copied.Keys.Order());
            foreach (var (table, rows) in sourceRows)
            {
                Assert.True(rows.Count == copied[table].Count, $"{table}: {rows.Count} rows in the source, {copied[table].Count} in the copy");
                Assert.Equal(rows, copied[table]);
            }
            // Every table of the portal was exercised, so that each kind of column went through the copy.
            Assert.All(new[] { "Teams", "Users", "TeamMembers", "UserSessions", "Projects", "Assets", "Pairs", "Jobs", "OutputScores", "Comments", "OutputReviews", "ShareLinks",
                "ExternalMethods", "RenderWorkers", "Studies", "StudyQuestions", "StudyMedia", "StudyParticipants", "StudyTrials", "StudyVotes" }, t => Assert.NotEmpty(sourceRows[t]));
            Assert.Contains(await copy.Assets.Select(a => a.PairId).ToListAsync(), id => id == world.PairId);
            Assert.Equal(2, await copy.Comments.CountAsync(c => c.ParentCommentId != null));
            Assert.True(await copy.Comments.AnyAsync(c => c.DrawingJson != null && c.ResolvedUtc != null));

            // Every identity sequence continues after the copied ids.
            var pg = (NpgsqlConnection)copy.Database.GetDbConnection();
            await pg.OpenAsync();
            foreach (var entity in copy.Model.GetEntityTypes().Where(e => e.FindPrimaryKey()!.Properties is [{ ValueGenerated: ValueGenerated.OnAdd, ClrType: var type }] && type == typeof(int)))
            {
                var (name, column) = (entity.GetTableName()!, entity.FindPrimaryKey()!.Properties[0].GetColumnName());
                await using var next = new NpgsqlCommand($"SELECT nextval(pg_get_serial_sequence('\"{name}\"', '{column}')), (SELECT COALESCE(MAX(\"{column}\"), 0) FROM \"{name}\")", pg);
                await using var reader = await next.ExecuteReaderAsync();
                await reader.ReadAsync();
                Assert.True(reader.GetInt64(0) > reader.GetInt32(1), $"{name}: the next id {reader.GetInt64(0)} is not after the copied {reader.GetInt32(1)}");
            }
        }

        // The same data folder (media, keys) with the copy: pages, media, sign-in, share link and results as before.
        await using var portal = await PortalProcess.StartAsync(world.DataDir, PortalFixture.PostgresArgs(connection));
        using (var rita = await PortalClient.SignInAsync(portal.BaseAddress, "rita@camreview.test", StudyWorld.Password))
        {
            var page = await rita.Http.GetStringAsync($"projects/{world.ProjectId}/pairs/{world.PairId}");
            Assert.Contains(StudyWorld.Methods[0], page);
            var asset = await sourceDb.Assets.Where(a => a.PairId == world.PairId).OrderBy(a => a.Id).FirstAsync();
            var media = await rita.Http.GetByteArrayAsync($"media/{asset.Id}/original");
            Assert.Equal(asset.SizeBytes, media.LongLength);
            // New rows get new ids: a comment, and a project.
            var added = await rita.PostJsonOkAsync($"api/pairs/{world.PairId}/comments", new { timeSeconds = 4, body = "Written after the move." });
            Assert.True(added.GetProperty("id").GetInt32() > await sourceDb.Comments.MaxAsync(c => c.Id));
        }
        using (var admin = await PortalClient.SignInAsync(portal.BaseAddress, PortalFixture.AdminEmail, PortalFixture.AdminPassword))
        {
            Assert.Equal(Results(sourceResults), Results(await admin.Http.GetStringAsync($"api/studies/{studyId}/results")));
            await admin.PostJsonOkAsync("api/projects", new { teamId = world.LabId, name = "After the move" });
        }
        using (var guest = PortalClient.Anonymous(portal.BaseAddress))
        using (var shared = await guest.Http.GetAsync(shareUrl.TrimStart('/')))
        {
            Assert.Equal(HttpStatusCode.OK, shared.StatusCode);
            Assert.Contains(StudyWorld.Methods[0], await shared.Content.ReadAsStringAsync());
        }
    }

    /// <summary>Waits until no job is queued or running (the uploads' scores, the study's videos).</summary>
    private async Task IdleAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(180);
        while (true)
        {
            await using var db = world.OpenDb();
            if (!await db.Jobs.AnyAsync(j => j.State == JobState.Queued || j.State == JobState.Running)) return;
            Assert.True(DateTime.UtcNow < deadline, "the portal's jobs did not finish in 180 s");
            await Task.Delay(250);
        }
    }

    /// <summary>Every row of every table as the portal reads it, as JSON (times to the microsecond, the precision
    /// PostgreSQL keeps; doubles, enums and nulls exactly), sorted.</summary>
    private static async Task<Dictionary<string, List<string>>> AllRowsAsync(CamReviewDb db)
    {
        var rows = new Dictionary<string, List<string>>();
        var read = typeof(DatabaseCopyTests).GetMethod(nameof(RowsAsync), BindingFlags.NonPublic | BindingFlags.Static)!;
        foreach (var entity in db.Model.GetEntityTypes())
            rows[entity.GetTableName()!] = await (Task<List<string>>)read.MakeGenericMethod(entity.ClrType).Invoke(null, [db])!;
        return rows;
    }

    private static async Task<List<string>> RowsAsync<T>(CamReviewDb db) where T : class =>
        (await db.Set<T>().AsNoTracking().ToListAsync()).Select(r => JsonSerializer.Serialize(r, RowJson)).Order(StringComparer.Ordinal).ToList();

    private static readonly JsonSerializerOptions RowJson = new()
    {
        Converters = { new MicrosecondTimes() },
        ReferenceHandler = ReferenceHandler.IgnoreCycles,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>A study's results, without the time they were computed at, and times to the microsecond.</summary>
    private static string Results(string json)
    {
        var results = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
        Assert.True(results.Remove("computedUtc"));
        return Microseconds(results.ToJsonString());
    }

    /// <summary>The times in a JSON text to the microsecond, as PostgreSQL keeps them (SQLite keeps .NET's 100 ns ticks).</summary>
    private static string Microseconds(string json) => JsonTime().Replace(json, m =>
    {
        var time = DateTime.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.RoundtripKind);
        return $"\"{new DateTime(time.Ticks - time.Ticks % 10, time.Kind):O}\"";
    });

    [GeneratedRegex(@"""(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z)""")]
    private static partial Regex JsonTime();

    private sealed class MicrosecondTimes : JsonConverter<DateTime>
    {
        public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => throw new NotSupportedException();

        public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) =>
            writer.WriteStringValue($"{value.Ticks - value.Ticks % 10} {value.Kind}");
    }
}
