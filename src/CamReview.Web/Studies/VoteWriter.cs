using System.Globalization;
using System.Security.Cryptography;
using System.Threading.Channels;
using CamReview.Data;
using CamReview.Data.Entities;
using CamReview.Web.Services;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CamReview.Web.Studies;

/// <summary>Serialises the portal's own writes to study tables (joins, votes, state changes), so that they wait for
/// each other here instead of meeting SQLite's write lock: a writer that finds the lock taken is retried by the SQLite
/// driver only every 150 ms, which is what a vote would then wait.</summary>
public sealed class StudyWriteLock
{
    private readonly SemaphoreSlim _lock = new(1, 1);

    public async Task<IDisposable> EnterAsync(CancellationToken ct = default)
    {
        await _lock.WaitAsync(ct);
        return new Held(_lock);
    }

    private sealed class Held(SemaphoreSlim held) : IDisposable
    {
        private SemaphoreSlim? _held = held;

        public void Dispose() => Interlocked.Exchange(ref _held, null)?.Release();
    }
}

/// <summary>What a vote needs to know of its participant, read once and kept (see
/// <see cref="ParticipantService"/>): none of it changes once the participant exists. The study's state is not here:
/// it is read in the transaction that writes the vote.</summary>
public sealed record Voter(int ParticipantId, int StudyId, string Token, bool AllowTie, bool AllowBothBad,
    IReadOnlyDictionary<int, VoterTrial> Trials, IReadOnlyDictionary<string, int> Questions)
{
    /// <summary>Answers that complete the participant's session: every question of every trial.</summary>
    public int Needed => Trials.Count * Questions.Count;
}

public sealed record VoterTrial(int Id, int Candidates);

/// <summary>A vote that passed the checks a participant's session allows (trial, question, answer offered) and waits for
/// its batch; <see cref="Done"/> completes once the batch has committed (or failed).</summary>
public sealed class PendingVote(Voter voter, int trial, int trialId, string question, int questionId, VoteAnswer answer, int? position, double? responseMs)
{
    public Voter Voter { get; } = voter;
    public int Trial { get; } = trial;
    public int TrialId { get; } = trialId;
    public string Question { get; } = question;
    public int QuestionId { get; } = questionId;
    public VoteAnswer Answer { get; } = answer;
    public int? Position { get; } = position;
    public double? ResponseMs { get; } = responseMs;
    public string Text => ParticipantService.ChoiceText(Answer, Position);

    internal TaskCompletionSource<Result<VoteReceipt>> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>Group commit of votes: requests queue their checked votes here and one writer stores whatever has queued
/// meanwhile in one transaction (as durable as any other: the portal's journal and synchronous settings), then
/// acknowledges each vote of the batch. Per vote, in order: the study must be open (read once per batch, inside the
/// transaction, so a pause that committed before is seen); a vote already stored (by an earlier batch or earlier in
/// this one) is acknowledged as a duplicate when it gives the same answer and refused (409) otherwise; the vote that
/// completes a participant's session gives them their completion code in the same transaction. If a statement fails,
/// the batch is rolled back and written again with a savepoint per vote, so only the failing vote fails.</summary>
public sealed class VoteWriter : IAsyncDisposable, IDisposable
{
    /// <summary>At most this many votes per transaction.</summary>
    public const int MaxBatch = 512;

    private readonly Channel<PendingVote> _queue = Channel.CreateUnbounded<PendingVote>(new UnboundedChannelOptions { SingleReader = true });
    private readonly string _connectionString;
    private readonly StudyWriteLock _lock;
    private readonly StudyEvents _events;
    private readonly ILogger<VoteWriter> _log;
    private readonly TimeProvider _clock;
    private readonly Task _loop;
    private Connection? _connection;

    public VoteWriter(IDbContextFactory<CamReviewDb> dbs, StudyWriteLock writeLock, StudyEvents events, ILogger<VoteWriter> log, TimeProvider? clock = null)
    {
        using (var db = dbs.CreateDbContext())
        {
            // The portal's own connection string (its file, journal and synchronous settings), on a connection of its own.
            _connectionString = new SqliteConnectionStringBuilder(db.Database.GetConnectionString()) { ForeignKeys = true }.ToString();
        }
        _lock = writeLock;
        _events = events;
        _log = log;
        _clock = clock ?? TimeProvider.System;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Batches written so far, and the votes in them (for the logs and the tests).</summary>
    public long Batches => Interlocked.Read(ref _batches);

    public long Written => Interlocked.Read(ref _written);

    private long _batches, _written;

    /// <summary>Queues a checked vote; the task ends when its batch has committed (the receipt) or was refused.</summary>
    public Task<Result<VoteReceipt>> SubmitAsync(PendingVote vote)
    {
        if (!_queue.Writer.TryWrite(vote)) throw new InvalidOperationException("The portal is stopping: votes are not taken any more.");
        return vote.Done.Task;
    }

    private async Task RunAsync()
    {
        var batch = new List<PendingVote>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            // Everything that queued while the last batch was being written goes into this one: no waiting on purpose.
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var vote)) batch.Add(vote);
            try
            {
                await WriteAsync(batch);
            }
            catch (Exception e)
            {
                _log.LogError(e, "A batch of {Count} votes could not be stored", batch.Count);
                foreach (var vote in batch) vote.Done.TrySetException(e);
            }
            batch.Clear();
        }
    }

    private async Task WriteAsync(List<PendingVote> batch)
    {
        Outcome[] outcomes;
        using (await _lock.EnterAsync())
        {
            try
            {
                outcomes = Write(batch, savepoints: false);
            }
            catch (SqliteException first) when (batch.Count > 1)
            {
                _log.LogWarning(first, "A batch of {Count} votes failed; writing it again vote by vote", batch.Count);
                Reset();
                try
                {
                    outcomes = Write(batch, savepoints: true);
                }
                catch
                {
                    Reset();
                    throw;
                }
            }
            catch
            {
                Reset();
                throw;
            }
        }
        Interlocked.Increment(ref _batches);
        for (int i = 0; i < batch.Count; i++)
        {
            if (outcomes[i].Stored) Interlocked.Increment(ref _written);
            if (outcomes[i].Failure is { } failure) batch[i].Done.TrySetException(failure);
            else batch[i].Done.TrySetResult(outcomes[i].Result);
        }
        foreach (var studyId in outcomes.Where(o => o.Changed).Select(o => o.StudyId).Distinct()) _events.Raise(studyId);
    }

    private struct Outcome
    {
        public Result<VoteReceipt> Result;
        public Exception? Failure;
        public bool Stored, Changed;
        public int StudyId;
    }

    private Outcome[] Write(List<PendingVote> batch, bool savepoints)
    {
        var c = _connection ??= new Connection(_connectionString);
        var outcomes = new Outcome[batch.Count];
        var now = _clock.GetUtcNow().UtcDateTime;
        using var tx = c.Sqlite.BeginTransaction(deferred: false);
        c.Enlist(tx);

        var states = new Dictionary<int, StudyState?>();
        foreach (var studyId in batch.Select(v => v.Voter.StudyId).Distinct())
        {
            c.State.Parameters["$id"].Value = studyId;
            states[studyId] = c.State.ExecuteScalar() is string s ? Enum.Parse<StudyState>(s) : null;
        }

        // What each (participant, trial, question) holds once the votes before it in this batch are written.
        var answered = new Dictionary<(int, int, int), string>();
        for (int i = 0; i < batch.Count; i++)
        {
            var vote = batch[i];
            ref var outcome = ref outcomes[i];
            outcome.StudyId = vote.Voter.StudyId;
            var state = states[vote.Voter.StudyId];
            if (state is null)
            {
                outcome.Result = Result<VoteReceipt>.Fail(ParticipantService.UnknownParticipant, ResultStatus.NotFound);
                continue;
            }
            if (state != StudyState.Open)
            {
                outcome.Result = Result<VoteReceipt>.Fail(ParticipantService.StateMessage(state.Value), ResultStatus.Conflict);
                continue;
            }
            var key = (vote.Voter.ParticipantId, vote.TrialId, vote.QuestionId);
            if (answered.TryGetValue(key, out var stored))
            {
                outcome.Result = Answered(vote, stored);
                continue;
            }
            if (savepoints) c.Savepoint.ExecuteNonQuery();
            try
            {
                var insert = c.Insert.Parameters;
                insert["$participant"].Value = vote.Voter.ParticipantId;
                insert["$trial"].Value = vote.TrialId;
                insert["$question"].Value = vote.QuestionId;
                insert["$answer"].Value = vote.Answer.ToString();
                insert["$position"].Value = (object?)vote.Position ?? DBNull.Value;
                insert["$ms"].Value = (object?)vote.ResponseMs ?? DBNull.Value;
                insert["$created"].Value = now;
                if (c.Insert.ExecuteNonQuery() == 1)
                {
                    answered[key] = vote.Text;
                    outcome.Stored = outcome.Changed = true;
                    outcome.Result = Result<VoteReceipt>.Ok(new VoteReceipt(vote.Trial, vote.Question, vote.Text, Duplicate: false, null));
                }
                else
                {
                    // Already answered by an earlier batch: the same answer is acknowledged again, another is refused.
                    var read = c.Stored.Parameters;
                    read["$participant"].Value = vote.Voter.ParticipantId;
                    read["$trial"].Value = vote.TrialId;
                    read["$question"].Value = vote.QuestionId;
                    using (var reader = c.Stored.ExecuteReader())
                    {
                        if (!reader.Read()) throw new InvalidOperationException("A vote that clashed with a stored one is not there.");
                        stored = ParticipantService.ChoiceText(Enum.Parse<VoteAnswer>(reader.GetString(0)), reader.IsDBNull(1) ? null : reader.GetInt32(1));
                    }
                    answered[key] = stored;
                    outcome.Result = Answered(vote, stored);
                }
                if (savepoints) c.Release.ExecuteNonQuery();
            }
            catch (SqliteException e) when (savepoints)
            {
                c.RollbackTo.ExecuteNonQuery();
                c.Release.ExecuteNonQuery();
                outcome = default;
                outcome.StudyId = vote.Voter.StudyId;
                if (e.SqliteExtendedErrorCode == 787) // SQLITE_CONSTRAINT_FOREIGNKEY: the participant or trial is gone
                    outcome.Result = Result<VoteReceipt>.Fail(ParticipantService.UnknownParticipant, ResultStatus.NotFound);
                else
                    outcome.Failure = e;
            }
        }

        // Completion codes: for each participant with an acknowledged vote, the code they have, or a new one when this
        // batch answered their last question.
        var participants = new Dictionary<int, (Voter Voter, string? Code)>();
        for (int i = 0; i < batch.Count; i++)
            if (outcomes[i].Result.Succeeded && outcomes[i].Failure is null) participants.TryAdd(batch[i].Voter.ParticipantId, (batch[i].Voter, null));
        if (participants.Count > 0)
        {
            var progress = new List<(int Id, string? Code, long Answered)>();
            var completed = new HashSet<int>();
            using (var query = c.Sqlite.CreateCommand())
            {
                query.Transaction = tx;
                query.CommandText = $"""
                    SELECT p."Id", p."CompletionCode", (SELECT COUNT(*) FROM "StudyVotes" v WHERE v."ParticipantId" = p."Id")
                    FROM "StudyParticipants" p WHERE p."Id" IN ({string.Join(",", participants.Keys.Select(id => id.ToString(CultureInfo.InvariantCulture)))})
                    """;
                using var reader = query.ExecuteReader();
                while (reader.Read()) progress.Add((reader.GetInt32(0), reader.IsDBNull(1) ? null : reader.GetString(1), reader.GetInt64(2)));
            }
            foreach (var (id, code, count) in progress)
            {
                var voter = participants[id].Voter;
                var given = code;
                if (given is null && count >= voter.Needed)
                {
                    completed.Add(id);
                    given = CompletionCode();
                    c.Complete.Parameters["$id"].Value = id;
                    c.Complete.Parameters["$code"].Value = given;
                    c.Complete.Parameters["$now"].Value = now;
                    c.Complete.ExecuteNonQuery();
                    _log.LogInformation("Participant {Participant} of study {Study} completed it", id, voter.StudyId);
                }
                participants[id] = (voter, given);
            }
            for (int i = 0; i < batch.Count; i++)
            {
                ref var outcome = ref outcomes[i];
                if (!outcome.Result.Succeeded || outcome.Failure is not null) continue;
                var code = participants[batch[i].Voter.ParticipantId].Code;
                if (code is not null) outcome.Result = Result<VoteReceipt>.Ok(outcome.Result.Value! with { CompletionCode = code });
                outcome.Changed |= completed.Contains(batch[i].Voter.ParticipantId);
            }
        }

        tx.Commit();
        c.Enlist(null);
        return outcomes;
    }

    private static Result<VoteReceipt> Answered(PendingVote vote, string stored) => stored == vote.Text
        ? Result<VoteReceipt>.Ok(new VoteReceipt(vote.Trial, vote.Question, stored, Duplicate: true, null))
        : Result<VoteReceipt>.Fail($"Question \"{vote.Question}\" of trial {vote.Trial} is already answered ({stored}); an answer cannot be changed.", ResultStatus.Conflict);

    private void Reset()
    {
        _connection?.Dispose();
        _connection = null;
    }

    /// <summary>Eight letters and digits in two groups (no 0/O or 1/I to misread), e.g. "K7QF-3MZD".</summary>
    internal static string CompletionCode()
    {
        const string alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        var chars = RandomNumberGenerator.GetItems<char>(alphabet, 8);
        return $"{new string(chars, 0, 4)}-{new string(chars, 4, 4)}";
    }

    /// <summary>Stops taking votes, writes those queued, and closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _loop;
        Reset();
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _loop.Wait(TimeSpan.FromSeconds(30));
        Reset();
    }

    /// <summary>The writer's connection and its prepared statements.</summary>
    private sealed class Connection : IDisposable
    {
        public SqliteConnection Sqlite { get; }
        public SqliteCommand State { get; }
        public SqliteCommand Insert { get; }
        public SqliteCommand Stored { get; }
        public SqliteCommand Complete { get; }
        public SqliteCommand Savepoint { get; }
        public SqliteCommand Release { get; }
        public SqliteCommand RollbackTo { get; }
        private readonly SqliteCommand[] _all;

        public Connection(string connectionString)
        {
            Sqlite = new SqliteConnection(connectionString);
            Sqlite.Open();
            State = Command("""SELECT "State" FROM "Studies" WHERE "Id" = $id""", "$id");
            // ON CONFLICT DO NOTHING: a vote already stored (the unique index) writes nothing and says so (0 rows).
            Insert = Command("""
                INSERT INTO "StudyVotes" ("ParticipantId", "TrialId", "QuestionId", "Answer", "ChosenPosition", "ResponseMs", "CreatedUtc")
                VALUES ($participant, $trial, $question, $answer, $position, $ms, $created) ON CONFLICT DO NOTHING
                """, "$participant", "$trial", "$question", "$answer", "$position", "$ms", "$created");
            Stored = Command("""
                SELECT "Answer", "ChosenPosition" FROM "StudyVotes" WHERE "ParticipantId" = $participant AND "TrialId" = $trial AND "QuestionId" = $question
                """, "$participant", "$trial", "$question");
            Complete = Command("""
                UPDATE "StudyParticipants" SET "CompletedUtc" = $now, "CompletionCode" = $code WHERE "Id" = $id AND "CompletionCode" IS NULL
                """, "$id", "$code", "$now");
            Savepoint = Command("SAVEPOINT vote");
            Release = Command("RELEASE vote");
            RollbackTo = Command("ROLLBACK TO vote");
            _all = [State, Insert, Stored, Complete, Savepoint, Release, RollbackTo];
        }

        private SqliteCommand Command(string sql, params string[] parameters)
        {
            var command = Sqlite.CreateCommand();
            command.CommandText = sql;
            foreach (var name in parameters) command.Parameters.Add(new SqliteParameter { ParameterName = name });
            return command;
        }

        public void Enlist(SqliteTransaction? tx)
        {
            foreach (var command in _all) command.Transaction = tx;
        }

        public void Dispose()
        {
            foreach (var command in _all) command.Dispose();
            Sqlite.Dispose();
        }
    }
}
