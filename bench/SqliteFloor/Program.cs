// The floor of bench/vote-benchmark.sh: what SQLite itself commits on this disk, with the library the portal uses and
// its settings (WAL, the default synchronous setting, so every commit is durable). Into a table shaped like the
// portal's StudyVotes (same columns and unique index), in a new database file DB_FILE:
//   1. TRANSACTIONS single-row transactions, one after another (what one vote per transaction can reach at best);
//   2. ROWS rows in transactions of BATCH rows (what group commit can reach at best).
// Prints one JSON line. Usage: SqliteFloor DB_FILE [TRANSACTIONS] [ROWS] [BATCH]   (default 3000, 200000, 50)
using System.Diagnostics;
using System.Text.Json;
using Microsoft.Data.Sqlite;

if (args.Length is < 1 or > 4) { Console.Error.WriteLine("usage: SqliteFloor DB_FILE [TRANSACTIONS] [ROWS] [BATCH]"); return 2; }
var file = args[0];
int transactions = args.Length > 1 ? int.Parse(args[1]) : 3000, rows = args.Length > 2 ? int.Parse(args[2]) : 200_000, batch = args.Length > 3 ? int.Parse(args[3]) : 50;
if (File.Exists(file)) { Console.Error.WriteLine($"{file} exists: the floor is measured on a new file"); return 2; }

using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Pooling = false }.ToString());
connection.Open();
string Scalar(string sql)
{
    using var command = connection.CreateCommand();
    command.CommandText = sql;
    return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture)!;
}
var journal = Scalar("PRAGMA journal_mode=WAL;");
var synchronous = Scalar("PRAGMA synchronous;");
Scalar("""
    CREATE TABLE "StudyVotes" ("Id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "ParticipantId" INTEGER NOT NULL, "TrialId" INTEGER NOT NULL,
        "QuestionId" INTEGER NOT NULL, "Answer" TEXT NOT NULL, "ChosenPosition" INTEGER NULL, "ResponseMs" REAL NULL, "CreatedUtc" TEXT NOT NULL);
    CREATE UNIQUE INDEX "IX_StudyVotes_ParticipantId_TrialId_QuestionId" ON "StudyVotes" ("ParticipantId", "TrialId", "QuestionId");
    """);

using var insert = connection.CreateCommand();
insert.CommandText = """
    INSERT INTO "StudyVotes" ("ParticipantId", "TrialId", "QuestionId", "Answer", "ChosenPosition", "ResponseMs", "CreatedUtc")
    VALUES ($p, $t, $q, 'Pick', 1, 1500, $now) ON CONFLICT DO NOTHING
    """;
var p = insert.Parameters.Add("$p", SqliteType.Integer);
var t = insert.Parameters.Add("$t", SqliteType.Integer);
var q = insert.Parameters.Add("$q", SqliteType.Integer);
insert.Parameters.AddWithValue("$now", DateTime.UtcNow);
long next = 0;
void Row()
{
    var n = next++;
    (p.Value, t.Value, q.Value) = (n / 21, n % 21 / 3, n % 3);
    insert.ExecuteNonQuery();
}

double Rate(int count, int perTransaction)
{
    var clock = Stopwatch.StartNew();
    for (int done = 0; done < count; done += perTransaction)
    {
        using var tx = connection.BeginTransaction();
        insert.Transaction = tx;
        for (int i = 0; i < perTransaction; i++) Row();
        tx.Commit();
    }
    return count / clock.Elapsed.TotalSeconds;
}

var single = Rate(transactions, 1);
var batched = Rate(rows / batch * batch, batch);
Console.WriteLine(JsonSerializer.Serialize(new
{
    journal, synchronous, singleRowTransactionsPerSecond = Math.Round(single), batch, batchedRowsPerSecond = Math.Round(batched),
}));
return 0;
