using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Threading.Channels;
using CamReview.Data;
using CamReview.Data.Entities;
using CamReview.Web.Services;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace CamReview.Web.Studies;

/// <summary>Serialises the portal's other writes to study tables (state changes, completion codes of older sessions)
/// with <see cref="StudyWriter"/>'s batches, so that they wait for each other here instead of meeting SQLite's write
/// lock: a writer that finds the lock taken is retried by the SQLite driver only every 150 ms. (On PostgreSQL the
/// batches of several instances are serialised per study by a row lock, see <see cref="StudyWriter"/>.)</summary>
public sealed class StudyWriteLock
{
    private readonly SemaphoreSlim _lock = new(1, 1);

    public async Task<IDisposable> EnterAsync(CancellationToken ct = default)
    {
        await _lock.WaitAsync(ct);
        return new Held(_lock);
    }

    /// <summary>The same, blocking the calling thread (the writer's own).</summary>
    public IDisposable Enter()
    {
        _lock.Wait();
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

/// <summary>A write waiting for its batch; its outcome is set while the batch is written and given out once the batch
/// has committed (or failed).</summary>
public abstract class PendingWrite
{
    public abstract int StudyId { get; }

    /// <summary>Results pages have something new to show once this is committed.</summary>
    internal bool Changed;

    /// <summary>The statement failed (only when the batch is written vote by vote).</summary>
    internal Exception? Failure;

    internal virtual void Clear()
    {
        Changed = false;
        Failure = null;
    }

    internal abstract void Complete();

    internal abstract void Fail(Exception e);
}

/// <summary>A vote that passed the checks a participant's session allows (trial, question, answer offered).</summary>
public sealed class PendingVote(Voter voter, int trial, int trialId, string question, int questionId, VoteAnswer answer, int? position, double? responseMs)
    : PendingWrite
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
    public override int StudyId => Voter.StudyId;

    internal Result<VoteReceipt>? Result;
    internal bool Stored;
    internal readonly TaskCompletionSource<Result<VoteReceipt>> Done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal override void Clear()
    {
        base.Clear();
        Result = null;
        Stored = false;
    }

    internal override void Complete()
    {
        if (Result is { } result && Failure is null) Done.TrySetResult(result);
        else Done.TrySetException(Failure ?? new InvalidOperationException("The batch ended without an outcome for this write."));
    }

    internal override void Fail(Exception e) => Done.TrySetException(e);
}

/// <summary>A participant joining a study: their row and their planned trials, written with the next ordinal of the
/// study (which decides their share of the balanced design). With an invitation code or a panel id that has joined
/// before, that participant is resumed instead (<see cref="JoinedRows.Resumed"/>): their key becomes this one.</summary>
public sealed class PendingJoin(int studyId, string publicId, string keyHash, IReadOnlyList<ComparisonItem> dealt, int trials, int attentionChecks, int seed,
    int repeats = 0, string? invitationCode = null, string? panelId = null, string? addressHash = null)
    : PendingWrite
{
    public int Repeats { get; } = repeats;
    public string? InvitationCode { get; } = invitationCode;
    public string? PanelId { get; } = panelId;
    public string? AddressHash { get; } = addressHash;
    public override int StudyId { get; } = studyId;
    public string PublicId { get; } = publicId;
    public string KeyHash { get; } = keyHash;
    public IReadOnlyList<ComparisonItem> Dealt { get; } = dealt;
    public int Trials { get; } = trials;
    public int AttentionChecks { get; } = attentionChecks;
    public int Seed { get; } = seed;

    internal Result<JoinedRows>? Result;
    internal readonly TaskCompletionSource<Result<JoinedRows>> Done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal override void Clear()
    {
        base.Clear();
        Result = null;
    }

    internal override void Complete()
    {
        if (Result is { } result && Failure is null) Done.TrySetResult(result);
        else Done.TrySetException(Failure ?? new InvalidOperationException("The batch ended without an outcome for this write."));
    }

    internal override void Fail(Exception e) => Done.TrySetException(e);
}

/// <summary>A stored participant: their id and their trials (position → trial id and number of candidates); when
/// <see cref="Resumed"/>, the key hash they had before (no longer valid).</summary>
public sealed record JoinedRows(int ParticipantId, IReadOnlyDictionary<int, VoterTrial> Trials, bool Resumed = false, string? ReplacedKeyHash = null);

/// <summary>Group commit of the participant side: requests queue their checked votes and joins here, and one writer
/// (a thread of its own) stores whatever has queued meanwhile in one transaction, as durable as any other (the portal's
/// own journal and synchronous settings), then answers each request of the batch. Per item, in order: the study must be
/// open (read once per batch, inside the transaction, so a pause that committed before is seen); a vote already stored
/// (by an earlier batch or earlier in this one) is acknowledged as a duplicate when it gives the same answer and
/// refused (409) otherwise; the vote that completes a participant's session gives them their completion code in the
/// same transaction; a join takes the study's next ordinal. If a statement fails, the batch is rolled back and written
/// again with a savepoint per item, so only the failing item fails. The same statements run on SQLite (the
/// transaction takes the write lock at its start) and PostgreSQL, where several portal instances write at once: there
/// the study rows of a batch are locked (<c>FOR NO KEY UPDATE</c>, in id order) when their state is read, so batches
/// of one study follow each other whichever instance writes them (ordinals, completion codes) and a state change waits
/// for them, while the unique index keeps a vote stored once.</summary>
public sealed class StudyWriter : IAsyncDisposable, IDisposable
{
    /// <summary>At most this many items per transaction.</summary>
    public const int MaxBatch = 512;

    private readonly Channel<PendingWrite> _queue = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly DatabaseTarget _database;
    private readonly StudyWriteLock _lock;
    private readonly StudyEvents _events;
    private readonly ILogger<StudyWriter> _log;
    private readonly TimeProvider _clock;
    private Connection? _connection;
    private long _batches, _written;

    public StudyWriter(DatabaseTarget database, StudyWriteLock writeLock, StudyEvents events, ILogger<StudyWriter> log, TimeProvider? clock = null)
    {
        // The portal's own database and settings (file, journal and synchronous settings), on a connection of its own.
        _database = database;
        _lock = writeLock;
        _events = events;
        _log = log;
        _clock = clock ?? TimeProvider.System;
        // A thread of its own: the writer waits for the disk, which a thread-pool thread that requests need must not.
        new Thread(Run) { IsBackground = true, Name = "Study writer" }.Start();
    }

    /// <summary>Batches written so far, and the votes stored by them.</summary>
    public long Batches => Interlocked.Read(ref _batches);

    public long Written => Interlocked.Read(ref _written);

    /// <summary>Queues a checked vote; the task ends when its batch has committed (the receipt or the refusal).</summary>
    public Task<Result<VoteReceipt>> VoteAsync(PendingVote vote)
    {
        Enqueue(vote);
        return vote.Done.Task;
    }

    /// <summary>Queues a join; the task ends when its batch has committed.</summary>
    public Task<Result<JoinedRows>> JoinAsync(PendingJoin join)
    {
        Enqueue(join);
        return join.Done.Task;
    }

    private void Enqueue(PendingWrite item)
    {
        if (!_queue.Writer.TryWrite(item)) throw new InvalidOperationException("The portal is stopping: answers are not taken any more.");
    }

    private void Run()
    {
        var batch = new List<PendingWrite>(MaxBatch);
        while (_queue.Reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
        {
            // Everything that queued while the last batch was being written goes into this one: no waiting on purpose.
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var item)) batch.Add(item);
            try
            {
                Write(batch);
            }
            catch (Exception e)
            {
                _log.LogError(e, "A batch of {Count} study writes could not be stored", batch.Count);
                foreach (var item in batch) item.Fail(e);
            }
            batch.Clear();
        }
        _stopped.TrySetResult();
    }

    private void Write(List<PendingWrite> batch)
    {
        var started = Stopwatch.GetTimestamp();
        using (_lock.Enter())
        {
            try
            {
                Transact(batch, savepoints: false);
            }
            catch (DbException first) when (batch.Count > 1)
            {
                _log.LogWarning(first, "A batch of {Count} study writes failed; writing it again item by item", batch.Count);
                Reset();
                try
                {
                    Transact(batch, savepoints: true);
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
        foreach (var item in batch)
        {
            if (item is PendingVote { Stored: true }) Interlocked.Increment(ref _written);
            item.Complete();
        }
        foreach (var studyId in batch.Where(i => i.Changed).Select(i => i.StudyId).Distinct()) _events.Raise(studyId);
        _log.LogDebug("Stored a batch of {Count} study writes in {Ms} ms", batch.Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
    }

    private void Transact(List<PendingWrite> batch, bool savepoints)
    {
        var c = _connection;
        if (c is null)
        {
            _connection = c = new Connection(_database);
            _log.LogInformation("Study votes and joins are written in batches on a connection of their own ({Settings})", c.Settings);
        }
        var now = _clock.GetUtcNow().UtcDateTime;
        // SQLite: BEGIN IMMEDIATE, the write lock from the start (a deferred transaction that reads first could not upgrade).
        using var tx = c.Db is SqliteConnection sqlite ? sqlite.BeginTransaction(deferred: false) : c.Db.BeginTransaction();
        c.Enlist(tx);

        var states = new Dictionary<int, StudyState?>();
        // In id order: two instances locking the same studies never wait for each other in a circle.
        foreach (var studyId in batch.Select(i => i.StudyId).Distinct().Order())
        {
            c.State.Parameters["@id"].Value = studyId;
            states[studyId] = c.State.ExecuteScalar() is string s ? Enum.Parse<StudyState>(s) : null;
        }

        // What each (participant, trial, question) holds once the votes before it in this batch are written.
        var answered = new Dictionary<(int, int, int), string>();
        foreach (var item in batch)
        {
            item.Clear();
            var state = states[item.StudyId];
            if (state != StudyState.Open)
            {
                var refusal = state is null ? null : ParticipantService.StateMessage(state.Value);
                if (item is PendingVote refusedVote)
                    refusedVote.Result = Result<VoteReceipt>.Fail(refusal ?? ParticipantService.UnknownParticipant, refusal is null ? ResultStatus.NotFound : ResultStatus.Conflict);
                else if (item is PendingJoin refusedJoin)
                    refusedJoin.Result = Result<JoinedRows>.Fail(refusal ?? ParticipantService.UnknownStudy, refusal is null ? ResultStatus.NotFound : ResultStatus.Conflict);
                continue;
            }
            if (item is PendingVote vote && answered.TryGetValue((vote.Voter.ParticipantId, vote.TrialId, vote.QuestionId), out var earlier))
            {
                vote.Result = Answered(vote, earlier);
                continue;
            }
            if (savepoints) c.Savepoint.ExecuteNonQuery();
            try
            {
                if (item is PendingVote v) WriteVote(c, v, now, answered);
                else WriteJoin(c, (PendingJoin)item, now);
                if (savepoints) c.Release.ExecuteNonQuery();
            }
            catch (DbException e) when (savepoints)
            {
                c.RollbackTo.ExecuteNonQuery();
                c.Release.ExecuteNonQuery();
                item.Clear();
                if (item is PendingVote gone && DatabaseErrors.IsForeignKeyViolation(e)) // the participant is gone
                    gone.Result = Result<VoteReceipt>.Fail(ParticipantService.UnknownParticipant, ResultStatus.NotFound);
                else
                    item.Failure = e;
            }
        }

        GiveCompletionCodes(c, tx, batch.OfType<PendingVote>().Where(v => v.Failure is null && v.Result is { Succeeded: true }).ToList(), now);
        tx.Commit();
        c.Enlist(null);
    }

    private static void WriteVote(Connection c, PendingVote vote, DateTime now, Dictionary<(int, int, int), string> answered)
    {
        var key = (vote.Voter.ParticipantId, vote.TrialId, vote.QuestionId);
        var insert = c.Insert.Parameters;
        insert["@participant"].Value = vote.Voter.ParticipantId;
        insert["@trial"].Value = vote.TrialId;
        insert["@question"].Value = vote.QuestionId;
        insert["@answer"].Value = vote.Answer.ToString();
        insert["@position"].Value = (object?)vote.Position ?? DBNull.Value;
        insert["@ms"].Value = (object?)vote.ResponseMs ?? DBNull.Value;
        insert["@created"].Value = now;
        if (c.Insert.ExecuteNonQuery() == 1)
        {
            answered[key] = vote.Text;
            vote.Stored = vote.Changed = true;
            vote.Result = Result<VoteReceipt>.Ok(new VoteReceipt(vote.Trial, vote.Question, vote.Text, Duplicate: false, null));
            return;
        }
        // Already answered by an earlier batch: the same answer is acknowledged again, another is refused.
        var read = c.Stored.Parameters;
        read["@participant"].Value = vote.Voter.ParticipantId;
        read["@trial"].Value = vote.TrialId;
        read["@question"].Value = vote.QuestionId;
        string stored;
        using (var reader = c.Stored.ExecuteReader())
        {
            if (!reader.Read()) throw new InvalidOperationException("A vote that clashed with a stored one is not there.");
            stored = ParticipantService.ChoiceText(Enum.Parse<VoteAnswer>(reader.GetString(0)), reader.IsDBNull(1) ? null : reader.GetInt32(1));
        }
        answered[key] = stored;
        vote.Result = Answered(vote, stored);
    }

    public const string UnknownCode = "This invitation code is not valid for this study: check it against the one you were given.";
    public const string RevokedCode = "This invitation code has been withdrawn by the study's team.";

    private static void WriteJoin(Connection c, PendingJoin join, DateTime now)
    {
        // An invitation admits one participant: a used code resumes them, like a panel id that has joined before.
        int? invitation = null, resume = null;
        if (join.InvitationCode is { } code)
        {
            c.Invitation.Parameters["@study"].Value = join.StudyId;
            c.Invitation.Parameters["@code"].Value = code;
            using var reader = c.Invitation.ExecuteReader();
            if (!reader.Read()) { join.Result = Result<JoinedRows>.Fail(UnknownCode, ResultStatus.Forbidden); return; }
            if (!reader.IsDBNull(1)) { join.Result = Result<JoinedRows>.Fail(RevokedCode, ResultStatus.Forbidden); return; }
            invitation = reader.GetInt32(0);
            resume = reader.IsDBNull(2) ? null : reader.GetInt32(2);
        }
        if (join.PanelId is { } panelId)
        {
            c.PanelParticipant.Parameters["@study"].Value = join.StudyId;
            c.PanelParticipant.Parameters["@panel"].Value = panelId;
            var known = c.PanelParticipant.ExecuteScalar() is { } found ? Convert.ToInt32(found, CultureInfo.InvariantCulture) : (int?)null;
            if (known is not null && resume is not null && known != resume)
            {
                join.Result = Result<JoinedRows>.Fail("This panel id has taken part with another invitation code.", ResultStatus.Conflict);
                return;
            }
            resume ??= known;
        }
        if (resume is { } participantId)
        {
            c.KeyOf.Parameters["@id"].Value = participantId;
            var replaced = (string)c.KeyOf.ExecuteScalar()!;
            c.ReplaceKey.Parameters["@id"].Value = participantId;
            c.ReplaceKey.Parameters["@hash"].Value = join.KeyHash;
            c.ReplaceKey.ExecuteNonQuery();
            var stored = new Dictionary<int, VoterTrial>();
            c.TrialsOf.Parameters["@participant"].Value = participantId;
            using (var reader = c.TrialsOf.ExecuteReader())
                while (reader.Read()) stored[reader.GetInt32(0)] = new VoterTrial(reader.GetInt32(1), StudyDesigner.Split(reader.GetString(2)).Length);
            join.Result = Result<JoinedRows>.Ok(new JoinedRows(participantId, stored, Resumed: true, replaced));
            return;
        }

        c.NextOrdinal.Parameters["@study"].Value = join.StudyId;
        var ordinal = Convert.ToInt32(c.NextOrdinal.ExecuteScalar(), CultureInfo.InvariantCulture);
        var participant = c.InsertParticipant.Parameters;
        participant["@study"].Value = join.StudyId;
        participant["@public"].Value = join.PublicId;
        participant["@hash"].Value = join.KeyHash;
        participant["@ordinal"].Value = ordinal;
        participant["@created"].Value = now;
        participant["@panel"].Value = (object?)join.PanelId ?? DBNull.Value;
        participant["@address"].Value = (object?)join.AddressHash ?? DBNull.Value;
        var id = Convert.ToInt32(c.InsertParticipant.ExecuteScalar(), CultureInfo.InvariantCulture);
        if (invitation is { } used)
        {
            c.UseInvitation.Parameters["@id"].Value = used;
            c.UseInvitation.Parameters["@participant"].Value = id;
            c.UseInvitation.ExecuteNonQuery();
        }
        var trials = new Dictionary<int, VoterTrial>();
        foreach (var trial in StudyDesigner.Plan(join.Dealt, ordinal, join.Trials, join.AttentionChecks, join.Seed, join.Repeats))
        {
            var t = c.InsertTrial.Parameters;
            t["@participant"].Value = id;
            t["@position"].Value = trial.Position;
            t["@kind"].Value = trial.Kind.ToString();
            t["@reference"].Value = trial.ReferenceMediaId;
            t["@candidates"].Value = StudyDesigner.Join(trial.CandidateMediaIds);
            t["@repeat"].Value = (object?)trial.RepeatOf ?? DBNull.Value;
            trials[trial.Position] = new VoterTrial(Convert.ToInt32(c.InsertTrial.ExecuteScalar(), CultureInfo.InvariantCulture), trial.CandidateMediaIds.Count);
        }
        join.Changed = true;
        join.Result = Result<JoinedRows>.Ok(new JoinedRows(id, trials));
    }

    /// <summary>For each participant with an acknowledged vote in the batch: the code they have, or a new one when the
    /// batch answered their last question.</summary>
    private void GiveCompletionCodes(Connection c, DbTransaction tx, List<PendingVote> votes, DateTime now)
    {
        if (votes.Count == 0) return;
        var voters = votes.Select(v => v.Voter).DistinctBy(v => v.ParticipantId).ToDictionary(v => v.ParticipantId);
        var codes = new Dictionary<int, (string? Code, bool New)>();
        using (var query = c.Db.CreateCommand())
        {
            query.Transaction = tx;
            query.CommandText = $"""
                SELECT p."Id", p."CompletionCode", (SELECT COUNT(*) FROM "StudyVotes" v WHERE v."ParticipantId" = p."Id")
                FROM "StudyParticipants" p WHERE p."Id" IN ({string.Join(",", voters.Keys.Select(id => id.ToString(CultureInfo.InvariantCulture)))})
                """;
            using var reader = query.ExecuteReader();
            while (reader.Read())
            {
                var id = reader.GetInt32(0);
                var code = reader.IsDBNull(1) ? null : reader.GetString(1);
                codes[id] = code is null && reader.GetInt64(2) >= voters[id].Needed ? (CompletionCode(), true) : (code, false);
            }
        }
        foreach (var (id, (code, isNew)) in codes.Where(c => c.Value.New))
        {
            c.Complete.Parameters["@id"].Value = id;
            c.Complete.Parameters["@code"].Value = code;
            c.Complete.Parameters["@now"].Value = now;
            c.Complete.ExecuteNonQuery();
            _log.LogInformation("Participant {Participant} of study {Study} completed it", id, voters[id].StudyId);
        }
        foreach (var vote in votes)
        {
            if (!codes.TryGetValue(vote.Voter.ParticipantId, out var given) || given.Code is null) continue;
            vote.Result = Result<VoteReceipt>.Ok(vote.Result!.Value.Value! with { CompletionCode = given.Code });
            vote.Changed |= given.New;
        }
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

    /// <summary>Stops taking writes, stores those queued, and closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _stopped.Task;
        Reset();
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _stopped.Task.Wait(TimeSpan.FromSeconds(30));
        Reset();
    }

    /// <summary>The writer's connection and its prepared statements (the same SQL on both providers).</summary>
    private sealed class Connection : IDisposable
    {
        public DbConnection Db { get; }
        /// <summary>What decides how durable a commit is, for the log: SQLite's journal and synchronous settings, PostgreSQL's synchronous_commit.</summary>
        public string Settings { get; }
        public DbCommand State { get; }
        public DbCommand Insert { get; }
        public DbCommand Stored { get; }
        public DbCommand Complete { get; }
        public DbCommand NextOrdinal { get; }
        public DbCommand InsertParticipant { get; }
        public DbCommand InsertTrial { get; }
        public DbCommand Invitation { get; }
        public DbCommand UseInvitation { get; }
        public DbCommand PanelParticipant { get; }
        public DbCommand KeyOf { get; }
        public DbCommand ReplaceKey { get; }
        public DbCommand TrialsOf { get; }
        public DbCommand Savepoint { get; }
        public DbCommand Release { get; }
        public DbCommand RollbackTo { get; }
        private readonly DbCommand[] _all;

        public Connection(DatabaseTarget database)
        {
            Db = Database.Connect(database);
            Db.Open();
            if (database.Provider == DatabaseProvider.Sqlite)
            {
                // Another writer of the portal (a job, a deletion) holds the write lock for a moment: SQLite's own busy handler
                // waits for it in steps of a few milliseconds, where the driver alone would retry every 150 ms.
                using (var pragma = Command("PRAGMA busy_timeout = 30000")) pragma.ExecuteNonQuery();
                Settings = $"journal {Scalar("PRAGMA journal_mode")}, synchronous {Scalar("PRAGMA synchronous")}";
                State = Command("""SELECT "State" FROM "Studies" WHERE "Id" = @id""", "@id");
            }
            else
            {
                Settings = $"PostgreSQL, synchronous_commit {Scalar("SHOW synchronous_commit")}";
                State = Command("""SELECT "State" FROM "Studies" WHERE "Id" = @id FOR NO KEY UPDATE""", "@id");
            }
            // ON CONFLICT DO NOTHING: a vote already stored (the unique index) writes nothing and says so (0 rows).
            Insert = Command("""
                INSERT INTO "StudyVotes" ("ParticipantId", "TrialId", "QuestionId", "Answer", "ChosenPosition", "ResponseMs", "CreatedUtc")
                VALUES (@participant, @trial, @question, @answer, @position, @ms, @created) ON CONFLICT DO NOTHING
                """, "@participant", "@trial", "@question", "@answer", "@position", "@ms", "@created");
            Stored = Command("""
                SELECT "Answer", "ChosenPosition" FROM "StudyVotes" WHERE "ParticipantId" = @participant AND "TrialId" = @trial AND "QuestionId" = @question
                """, "@participant", "@trial", "@question");
            Complete = Command("""
                UPDATE "StudyParticipants" SET "CompletedUtc" = @now, "CompletionCode" = @code WHERE "Id" = @id AND "CompletionCode" IS NULL
                """, "@id", "@code", "@now");
            NextOrdinal = Command("""SELECT COALESCE(MAX("Ordinal") + 1, 0) FROM "StudyParticipants" WHERE "StudyId" = @study""", "@study");
            InsertParticipant = Command("""
                INSERT INTO "StudyParticipants" ("StudyId", "PublicId", "KeyHash", "Ordinal", "CreatedUtc", "PanelId", "AddressHash")
                VALUES (@study, @public, @hash, @ordinal, @created, @panel, @address)
                RETURNING "Id"
                """, "@study", "@public", "@hash", "@ordinal", "@created", "@panel", "@address");
            InsertTrial = Command("""
                INSERT INTO "StudyTrials" ("ParticipantId", "Position", "Kind", "ReferenceMediaId", "CandidateMediaIds", "RepeatOf")
                VALUES (@participant, @position, @kind, @reference, @candidates, @repeat)
                RETURNING "Id"
                """, "@participant", "@position", "@kind", "@reference", "@candidates", "@repeat");
            Invitation = Command("""
                SELECT "Id", "RevokedUtc", "ParticipantId" FROM "StudyInvitations" WHERE "StudyId" = @study AND "Code" = @code
                """, "@study", "@code");
            UseInvitation = Command("""UPDATE "StudyInvitations" SET "ParticipantId" = @participant WHERE "Id" = @id""", "@id", "@participant");
            PanelParticipant = Command("""SELECT "Id" FROM "StudyParticipants" WHERE "StudyId" = @study AND "PanelId" = @panel""", "@study", "@panel");
            KeyOf = Command("""SELECT "KeyHash" FROM "StudyParticipants" WHERE "Id" = @id""", "@id");
            ReplaceKey = Command("""UPDATE "StudyParticipants" SET "KeyHash" = @hash WHERE "Id" = @id""", "@id", "@hash");
            TrialsOf = Command("""SELECT "Position", "Id", "CandidateMediaIds" FROM "StudyTrials" WHERE "ParticipantId" = @participant""", "@participant");
            Savepoint = Command("SAVEPOINT item");
            Release = Command("RELEASE SAVEPOINT item");
            RollbackTo = Command("ROLLBACK TO SAVEPOINT item");
            _all = [State, Insert, Stored, Complete, NextOrdinal, InsertParticipant, InsertTrial, Invitation, UseInvitation, PanelParticipant, KeyOf, ReplaceKey, TrialsOf,
                Savepoint, Release, RollbackTo];
        }

        private string Scalar(string sql)
        {
            using var command = Command(sql);
            return Convert.ToString(command.ExecuteScalar(), CultureInfo.InvariantCulture)!;
        }

        private DbCommand Command(string sql, params string[] parameters)
        {
            var command = Db.CreateCommand();
            command.CommandText = sql;
            foreach (var name in parameters)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = name;
                command.Parameters.Add(parameter);
            }
            return command;
        }

        public void Enlist(DbTransaction? tx)
        {
            foreach (var command in _all) command.Transaction = tx;
        }

        public void Dispose()
        {
            foreach (var command in _all) command.Dispose();
            Db.Dispose();
        }
    }
}
