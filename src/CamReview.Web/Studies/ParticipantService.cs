using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Serialization;
using CamReview.Core.Statistics;
using CamReview.Data;
using CamReview.Data.Entities;
using CamReview.Web.Media;
using CamReview.Web.Services;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace CamReview.Web.Studies;

/// <summary>What a participant's browser gets: questions, answers offered, and its trials with opaque media addresses.
/// Nothing in it names a method (nor the study's internal name): attention checks look like any other trial.
/// <see cref="MediaCookie"/> is not in the JSON: the endpoint sets it as the cookie that opens those addresses.</summary>
public sealed record ParticipantSession(
    string Participant, string State, string? Message, IReadOnlyList<QuestionDraft> Questions, bool AllowTie, bool AllowBothBad,
    bool WatchBeforeVoting, IReadOnlyList<SessionTrial> Trials, string? CompletionCode,
    [property: JsonIgnore] string MediaCookie, string? ReturnUrl = null);

/// <summary>What the participant page needs before anyone joins (null from <see cref="ParticipantService.PageAsync"/>:
/// no such study, or a draft).</summary>
public sealed record ParticipantPageInfo(string? Instructions, string? Consent, bool ByInvitation, string? PanelIdParameter);

/// <summary>What the page sends to join: the invitation code and the panel's participant id, when it has them.</summary>
public sealed record JoinRequest(string? Code = null, string? PanelId = null);

/// <summary>A trial: the reference, the pair's target image (when a question shows it) and the candidates (left to
/// right) as media addresses, and the answers already given (question key → choice: the candidate's 0-based place,
/// "tie" or "bothbad").</summary>
public sealed record SessionTrial(int Trial, string Reference, string ReferencePoster, string? Target, IReadOnlyList<string> Candidates,
    IReadOnlyDictionary<string, string> Answers);

/// <summary>A new participant: the secret the browser keeps to resume (sent back in <see cref="ParticipantService.KeyHeader"/>).</summary>
public sealed record JoinedParticipant(string Key, ParticipantSession Session);

/// <summary>A study file a participant may fetch (<see cref="StudyMediaPreparation.FileOf"/>).</summary>
public sealed record StudyMediaFile(string Path, string ContentType);

public sealed record VoteRequest(int Trial, string? Question, string? Choice, double? ResponseMs);

/// <summary>The acknowledgement of a stored vote (<see cref="Duplicate"/>: it had been stored before, by an earlier
/// submission of the same answer).</summary>
public sealed record VoteReceipt(int Trial, string Question, string Choice, bool Duplicate, string? CompletionCode);

/// <summary>The anonymous side of a study: joining through the link, the session (resumable), votes and media.</summary>
public sealed class ParticipantService(
    IDbContextFactory<CamReviewDb> dbs, IMediaStore store, StudyWriter writer, StudyWriteLock writeLock, ParticipantAddresses addresses,
    ILogger<ParticipantService> log, TimeProvider? clock = null) : IDisposable
{
    public const string KeyHeader = "X-Participant-Key";
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>Participants who voted lately (<see cref="VoterAsync"/>), by key hash.</summary>
    private readonly MemoryCache _voters = new(new MemoryCacheOptions { SizeLimit = 100_000 });

    /// <summary>The media keys of participants who fetched media lately (<see cref="MediaAsync"/>), by study link and
    /// media cookie.</summary>
    private readonly MemoryCache _mediaKeys = new(new MemoryCacheOptions { SizeLimit = 100_000 });

    public const string MediaPreparing = "This study is getting its videos ready: please come back in a few minutes.";

    public static string MediaPath(string token, string key) => $"p/{token}/media/{key}";

    public static string StateMessage(StudyState state) => state switch
    {
        StudyState.Open => "",
        StudyState.Draft => "This study has not opened yet.",
        StudyState.Paused => "This study is paused: answers are not taken at the moment. Please come back later; your progress is kept.",
        _ => "This study is closed: answers are no longer taken. Thank you for your interest.",
    };

    /// <summary>The texts and admission of the participant page (null: no such study, or still a draft).</summary>
    public async Task<ParticipantPageInfo?> PageAsync(string token, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.Studies.AsNoTracking().Where(s => s.Token == token && s.State != StudyState.Draft)
            .Select(s => new ParticipantPageInfo(s.Instructions, s.ConsentText, s.Admission == StudyAdmission.Invitation, s.PanelIdParameter)).SingleOrDefaultAsync(ct);
    }

    public const string InvitationNeeded = "This study is by invitation: open the link you were given, or enter the invitation code that came with it.";

    /// <summary>Starts a participant: an anonymous id, a secret key, and their balanced share of the trials (written by
    /// <see cref="StudyWriter"/> with the votes and joins that arrive meanwhile). An invitation code or a panel id that
    /// has joined before resumes that participant with a new key instead (the old one stops working).</summary>
    public async Task<Result<JoinedParticipant>> JoinAsync(string token, JoinRequest? request = null, IPAddress? address = null, CancellationToken ct = default)
    {
        request ??= new JoinRequest();
        var code = StudyInvitations.Normalize(request.Code);
        if (code is not null && !StudyInvitations.IsWellFormed(code))
            return Result<JoinedParticipant>.Fail("An invitation code is 12 letters and digits, such as K7QF-3MZD-8HTR.");
        var panelId = string.IsNullOrWhiteSpace(request.PanelId) ? null : request.PanelId.Trim();
        if (panelId is not null && !PanelIds.IsValid(panelId))
            return Result<JoinedParticipant>.Fail($"The panel's participant id must be 1 to {CamReviewDb.PanelIdMaxLength} letters, digits, '-', '_' or '.'.");
        Study? study;
        await using (var db = await dbs.CreateDbContextAsync(ct))
            study = await db.Studies.AsNoTracking().Include(s => s.Media).Include(s => s.Questions).AsSplitQuery().SingleOrDefaultAsync(s => s.Token == token, ct);
        if (study is null) return Result<JoinedParticipant>.Fail(UnknownStudy, ResultStatus.NotFound);
        if (study.State != StudyState.Open) return Result<JoinedParticipant>.Fail(StateMessage(study.State), ResultStatus.Conflict);
        if (study.MediaReadyUtc is null) return Result<JoinedParticipant>.Fail(MediaPreparing, ResultStatus.Conflict);
        if (study.Admission == StudyAdmission.Invitation && code is null) return Result<JoinedParticipant>.Fail(InvitationNeeded, ResultStatus.Forbidden);
        if (study.PanelIdParameter is null) panelId = null;
        var dealt = StudyService.ComparisonsOf(study);
        if (dealt.Count == 0) return Result<JoinedParticipant>.Fail("This study has nothing to compare any more.", ResultStatus.Conflict);

        var key = StudyService.NewKey();
        var hash = Security.Secrets.Hash(key);
        var publicId = "P" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        // The writer takes the next ordinal and checks that the study is still open in the transaction that stores the
        // participant with their trials: ordinals are never shared, and the trials are stored with the participant or not at all.
        // It also decides, in that transaction, whether a code or panel id resumes someone.
        var joined = await writer.JoinAsync(new PendingJoin(study.Id, publicId, hash, dealt, study.TrialsPerParticipant, study.AttentionChecks, study.Seed,
            study.RepeatedTrials, code, panelId, addresses.Hash(study.Id, address)));
        if (!joined.Succeeded) return joined.Cast<JoinedParticipant>();
        if (joined.Value!.ReplacedKeyHash is { } replaced) _voters.Remove(replaced);
        // Their first vote need not read them back.
        _voters.Set(hash, new Voter(joined.Value!.ParticipantId, study.Id, study.Token, study.AllowTie, study.AllowBothBad, joined.Value.Trials,
            study.Questions.ToDictionary(q => q.Key, q => q.Id, StringComparer.Ordinal)), VoterEntry);
        var session = await SessionAsync(token, key, ct);
        return session.Succeeded ? Result<JoinedParticipant>.Ok(new JoinedParticipant(key, session.Value!)) : session.Cast<JoinedParticipant>();
    }

    /// <summary>The participant's session as it stands (after a reload: where they left off).</summary>
    public async Task<Result<ParticipantSession>> SessionAsync(string token, string? key, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(key)) return Result<ParticipantSession>.Fail("No participant key: open the study link to start.", ResultStatus.Unauthenticated);
        var hash = Security.Secrets.Hash(key);
        await using var db = await dbs.CreateDbContextAsync(ct);
        var participant = await db.StudyParticipants.AsNoTracking().Where(p => p.KeyHash == hash && p.Study.Token == token)
            .Select(p => new { p.Id, p.PublicId, p.CompletionCode, p.Study }).SingleOrDefaultAsync(ct);
        if (participant is null) return Result<ParticipantSession>.Fail(UnknownParticipant, ResultStatus.NotFound);
        var study = participant.Study;
        var questions = await db.StudyQuestions.AsNoTracking().Where(q => q.StudyId == study.Id).OrderBy(q => q.Position).ToListAsync(ct);
        var trials = await db.StudyTrials.AsNoTracking().Where(t => t.ParticipantId == participant.Id).OrderBy(t => t.Position).ToListAsync(ct);
        var places = await PlacesAsync(db, study, participant.Id, trials, ct);
        var votes = await db.StudyVotes.AsNoTracking().Where(v => v.ParticipantId == participant.Id).ToListAsync(ct);
        var keyOf = questions.ToDictionary(q => q.Id, q => q.Key);
        var code = participant.CompletionCode ?? await CompleteIfDoneAsync(db, participant.Id, study.Id, ct);
        // The target image of the trial's pair, when a question refers to it.
        var showTarget = questions.Any(q => q.ShowTarget);
        string? Address(StudyTrial t, int slot) => places.SingleOrDefault(p => p.Trial == t.Position && p.Slot == slot) is { } place ? MediaPath(token, place.Key) : null;
        return Result<ParticipantSession>.Ok(new ParticipantSession(
            participant.PublicId, study.State.ToString().ToLowerInvariant(),
            study.State != StudyState.Open ? StateMessage(study.State) : study.MediaReadyUtc is null ? MediaPreparing : null,
            questions.Select(q => new QuestionDraft(q.Key, q.Text, q.ShowTarget)).ToList(), study.AllowTie, study.AllowBothBad, study.WatchBeforeVoting,
            trials.Select(t => new SessionTrial(t.Position, Address(t, StudyMediaKeys.ReferenceSlot)!, Address(t, StudyMediaKeys.ReferenceSlot) + "/poster",
                showTarget ? Address(t, StudyMediaKeys.TargetSlot) : null,
                StudyDesigner.Split(t.CandidateMediaIds).Select((_, slot) => Address(t, slot)!).ToList(),
                votes.Where(v => v.TrialId == t.Id).ToDictionary(v => keyOf[v.QuestionId], v => ChoiceText(v.Answer, v.ChosenPosition)))).ToList(),
            code, StudyMediaKeys.Cookie(study.MediaSecret ?? "", participant.PublicId), code is null ? null : ReturnUrls.Fill(study.ReturnUrlTemplate, code)));
    }

    /// <summary>A place on a participant's screen: a trial's reference (<see cref="StudyMediaKeys.ReferenceSlot"/>), its
    /// pair's target image (<see cref="StudyMediaKeys.TargetSlot"/>, with the poster file it is sent as) or a candidate;
    /// the key it is fetched by, and the study video and encoding it shows.</summary>
    private sealed record Place(int Trial, int Slot, string Key, string MediaKey, int Variant, string? TargetPoster = null);

    private async Task<IReadOnlyList<Place>> PlacesAsync(CamReviewDb db, Study study, int participantId, IReadOnlyList<StudyTrial> trials, CancellationToken ct)
    {
        // A study opened by a release without per-participant keys gets its secret at the next start (StudyMediaPreparation).
        if (study.MediaSecret is not { } secret) return [];
        var media = (await db.StudyMedia.AsNoTracking().Where(m => m.StudyId == study.Id)
                .Select(m => new { m.Id, m.Key, m.MethodName, m.PairId, m.IsTarget, Sha256 = m.Asset != null ? m.Asset.Sha256 : null }).ToListAsync(ct))
            .ToDictionary(m => m.Id, m => (m.Key, Output: m.MethodName != null, m.PairId, m.IsTarget, m.Sha256));
        var targets = media.Values.Where(m => m.IsTarget && m.PairId != null && m.Sha256 != null).ToDictionary(m => m.PairId!.Value);
        var outputVariants = StudyMediaPreparation.OutputVariants(study);
        var places = new List<Place>();
        foreach (var t in trials)
        {
            var reference = media[t.ReferenceMediaId];
            places.Add(new Place(t.Position, StudyMediaKeys.ReferenceSlot, StudyMediaKeys.Key(secret, participantId, t.Position, StudyMediaKeys.ReferenceSlot),
                reference.Key, 0));
            if (reference.PairId is { } pair && targets.TryGetValue(pair, out var target))
                places.Add(new Place(t.Position, StudyMediaKeys.TargetSlot, StudyMediaKeys.Key(secret, participantId, t.Position, StudyMediaKeys.TargetSlot),
                    target.Key, 0, store.Poster(target.Sha256!)));
            var check = t.Kind == TrialKind.AttentionCheck;
            var candidates = StudyDesigner.Split(t.CandidateMediaIds);
            for (int slot = 0; slot < candidates.Length; slot++)
            {
                var (key, output, _, _, _) = media[candidates[slot]];
                var variant = output ? StudyMediaKeys.Variant(secret, participantId, t.Position, slot, outputVariants, check) : 0;
                places.Add(new Place(t.Position, slot, StudyMediaKeys.Key(secret, participantId, t.Position, slot), key, variant));
            }
        }
        return places;
    }

    /// <summary>Stores one answer. It is acknowledged only once committed; the same answer sent again is acknowledged
    /// as the stored one (<see cref="VoteReceipt.Duplicate"/>); a different answer to an answered question is refused
    /// (409); a study that is not open, an unknown trial or question, or an answer not offered changes nothing. The
    /// checks the participant's session allows are made here, in memory; the vote is then written by
    /// <see cref="StudyWriter"/> together with the votes that arrived meanwhile, in one transaction.</summary>
    public async Task<Result<VoteReceipt>> VoteAsync(string token, string? key, VoteRequest request, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(key)) return Result<VoteReceipt>.Fail("No participant key: open the study link to start.", ResultStatus.Unauthenticated);
        var hash = Security.Secrets.Hash(key);
        var voter = await VoterAsync(hash, ct);
        if (voter is null || voter.Token != token) return Result<VoteReceipt>.Fail(UnknownParticipant, ResultStatus.NotFound);
        var questionKey = request.Question?.Trim() ?? "";
        if (!voter.Trials.TryGetValue(request.Trial, out var trial)) return Result<VoteReceipt>.Fail($"There is no trial {request.Trial} in this session.", ResultStatus.NotFound);
        if (!voter.Questions.TryGetValue(questionKey, out var questionId)) return Result<VoteReceipt>.Fail($"This study has no question \"{questionKey}\".", ResultStatus.NotFound);
        if (request.ResponseMs is { } ms && !(double.IsFinite(ms) && ms >= 0 && ms <= TimeSpan.FromDays(1).TotalMilliseconds))
            return Result<VoteReceipt>.Fail("The response time must be between 0 and one day, in milliseconds.");

        var choice = request.Choice?.Trim().ToLowerInvariant() ?? "";
        (VoteAnswer Answer, int? Position)? parsed = choice switch
        {
            VoteChoice.Tie when voter.AllowTie => (VoteAnswer.Tie, null),
            VoteChoice.BothBad when voter.AllowBothBad => (VoteAnswer.BothBad, null),
            _ when int.TryParse(choice, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var p) && p < trial.Candidates
                => (VoteAnswer.Pick, p),
            _ => null,
        };
        if (parsed is not { } answer)
        {
            var offered = string.Join(", ", Enumerable.Range(0, trial.Candidates).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .Concat(voter.AllowTie ? [VoteChoice.Tie] : []).Concat(voter.AllowBothBad ? [VoteChoice.BothBad] : []));
            return Result<VoteReceipt>.Fail($"\"{request.Choice}\" is not an answer of this trial (answers: {offered}).");
        }

        var result = await writer.VoteAsync(new PendingVote(voter, request.Trial, trial.Id, questionKey, questionId, answer.Answer, answer.Position, request.ResponseMs));
        // The participant's study is gone (its project was deleted): forget them.
        if (result.Status == ResultStatus.NotFound) _voters.Remove(hash);
        return result;
    }

    private static readonly MemoryCacheEntryOptions VoterEntry = new() { Size = 1, SlidingExpiration = TimeSpan.FromMinutes(30) };

    public const string UnknownStudy = "This study link is not valid.";

    public const string UnknownParticipant = "This participant is not known to this study: open the study link to start again.";

    /// <summary>The participant of a key with what their votes are checked against, from the database the first time and
    /// kept afterwards: their trials and the study's questions and answers offered are fixed once they have joined (a
    /// study's design changes only while it is a draft, and nobody joins a draft). Null: no such participant (not kept).</summary>
    private async Task<Voter?> VoterAsync(string hash, CancellationToken ct)
    {
        if (_voters.TryGetValue(hash, out Voter? known)) return known;
        await using var db = await dbs.CreateDbContextAsync(ct);
        var p = await db.StudyParticipants.AsNoTracking().Where(p => p.KeyHash == hash)
            .Select(p => new { p.Id, p.StudyId, p.Study.Token, p.Study.AllowTie, p.Study.AllowBothBad }).SingleOrDefaultAsync(ct);
        if (p is null) return null;
        var trials = await db.StudyTrials.AsNoTracking().Where(t => t.ParticipantId == p.Id).Select(t => new { t.Position, t.Id, t.CandidateMediaIds }).ToListAsync(ct);
        var questions = await db.StudyQuestions.AsNoTracking().Where(q => q.StudyId == p.StudyId).Select(q => new { q.Key, q.Id }).ToListAsync(ct);
        var voter = new Voter(p.Id, p.StudyId, p.Token, p.AllowTie, p.AllowBothBad,
            trials.ToDictionary(t => t.Position, t => new VoterTrial(t.Id, StudyDesigner.Split(t.CandidateMediaIds).Length)),
            questions.ToDictionary(q => q.Key, q => q.Id, StringComparer.Ordinal));
        _voters.Set(hash, voter, VoterEntry);
        return voter;
    }

    /// <summary>A video (or its poster, or a target image) of a study for the participant whose media cookie comes with
    /// the request, by one of their keys: another participant's key, a key without the cookie, or a study whose videos
    /// are not ready answer "not found" alike. A target image is always sent as its poster (a JPEG the portal wrote: no
    /// tags of the uploaded file, at most <see cref="MediaFiles.PosterMaxSide"/> pixels a side).</summary>
    public async Task<Result<StudyMediaFile>> MediaAsync(string token, string key, string? cookie, bool poster, CancellationToken ct = default)
    {
        if (string.IsNullOrEmpty(cookie)) return Result<StudyMediaFile>.NotFound();
        var cacheKey = $"{token}/{cookie}";
        if (!_mediaKeys.TryGetValue(cacheKey, out ParticipantMediaKeys? keys))
        {
            await using var db = await dbs.CreateDbContextAsync(ct);
            var study = await db.Studies.AsNoTracking().SingleOrDefaultAsync(s => s.Token == token && s.MediaReadyUtc != null, ct);
            if (study?.MediaSecret is not { } secret || StudyMediaKeys.ParticipantOf(secret, cookie) is not { } publicId) return Result<StudyMediaFile>.NotFound();
            var participantId = await db.StudyParticipants.AsNoTracking().Where(p => p.StudyId == study.Id && p.PublicId == publicId)
                .Select(p => (int?)p.Id).SingleOrDefaultAsync(ct);
            if (participantId is not { } id) return Result<StudyMediaFile>.NotFound();
            var trials = await db.StudyTrials.AsNoTracking().Where(t => t.ParticipantId == id).ToListAsync(ct);
            // Fixed once the participant has joined (their trials never change, the study's videos are made once).
            keys = new ParticipantMediaKeys(study.Id, (await PlacesAsync(db, study, id, trials, ct)).ToDictionary(p => p.Key, StringComparer.Ordinal));
            _mediaKeys.Set(cacheKey, keys, VoterEntry);
        }
        if (!keys!.Places.TryGetValue(key, out var place)) return Result<StudyMediaFile>.NotFound();
        var path = place.TargetPoster ?? StudyMediaPreparation.FileOf(store, keys.StudyId, place.MediaKey, place.Variant, poster);
        return File.Exists(path) ? Result<StudyMediaFile>.Ok(new StudyMediaFile(path, poster || place.TargetPoster is not null ? "image/jpeg" : "video/mp4"))
            : Result<StudyMediaFile>.NotFound();
    }

    private sealed record ParticipantMediaKeys(int StudyId, IReadOnlyDictionary<string, Place> Places);

    /// <summary>Gives the participant a completion code once every question of every trial is answered, when they have
    /// none yet. A vote that completes a session gets its code in its own transaction (<see cref="StudyWriter"/>); this
    /// covers sessions completed where that did not happen (answers stored by an older release that wrote the code
    /// after the vote). The progress is read first, so only a missing code takes the write lock.</summary>
    private async Task<string?> CompleteIfDoneAsync(CamReviewDb db, int participantId, int studyId, CancellationToken ct)
    {
        var progress = await db.StudyParticipants.AsNoTracking().Where(p => p.Id == participantId)
            .Select(p => new
            {
                p.CompletionCode,
                Answered = db.StudyVotes.Count(v => v.ParticipantId == participantId),
                Needed = p.Trials.Count * db.StudyQuestions.Count(q => q.StudyId == studyId),
            }).SingleAsync(ct);
        if (progress.CompletionCode is not null || progress.Answered < progress.Needed) return progress.CompletionCode;
        var code = StudyWriter.CompletionCode();
        var now = _clock.GetUtcNow().UtcDateTime;
        int updated;
        using (await writeLock.EnterAsync(ct))
            updated = await db.Database.ExecuteSqlInterpolatedAsync(
                $"""UPDATE "StudyParticipants" SET "CompletedUtc" = {now}, "CompletionCode" = {code} WHERE "Id" = {participantId} AND "CompletionCode" IS NULL""", ct);
        // Two session reads may race here: the first one's code stays.
        if (updated > 0)
        {
            log.LogInformation("Participant {Participant} of study {Study} completed it", participantId, studyId);
            return code;
        }
        return await db.StudyParticipants.AsNoTracking().Where(p => p.Id == participantId).Select(p => p.CompletionCode).SingleAsync(ct);
    }

    public static string ChoiceText(VoteAnswer answer, int? position) => answer switch
    {
        VoteAnswer.Tie => VoteChoice.Tie,
        VoteAnswer.BothBad => VoteChoice.BothBad,
        _ => position!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    public void Dispose()
    {
        _voters.Dispose();
        _mediaKeys.Dispose();
    }
}
