namespace CamReview.Data.Entities;

/// <summary>How a study's trials are shown.</summary>
public enum StudyDesign
{
    /// <summary>Two candidates side by side (two-alternative forced choice, optionally with "no preference" and "both bad").</summary>
    Pairwise = 1,

    /// <summary>Three or more candidates: the participant picks the best.</summary>
    BestOfN = 2,
}

/// <summary>Draft (being built; the only state in which its design may change) → Open (taking participants and votes)
/// ⇄ Paused → Closed (final).</summary>
public enum StudyState
{
    Draft = 1,
    Open = 2,
    Paused = 3,
    Closed = 4,
}

/// <summary>Who may join a study.</summary>
public enum StudyAdmission
{
    /// <summary>Anyone with the participant link.</summary>
    Link = 1,

    /// <summary>Only with an invitation code (<see cref="StudyInvitation"/>), one participant per code.</summary>
    Invitation = 2,
}

/// <summary>A blinded preference study over outputs of a project's pairs. Participants come through the link made of
/// <see cref="Token"/>, without an account; they never learn which method made a video.</summary>
public sealed class Study
{
    public int Id { get; set; }
    public int ProjectId { get; set; }
    public Project Project { get; set; } = null!;

    /// <summary>For the team only (participants do not see it).</summary>
    public required string Name { get; set; }

    /// <summary>The secret part of the participant link (/p/{Token}): random, URL-safe.</summary>
    public required string Token { get; set; }

    public StudyDesign Design { get; set; }
    public StudyState State { get; set; }

    /// <summary>Candidates per trial: 2 for pairwise, N for best-of-N.</summary>
    public int CandidatesPerTrial { get; set; }

    /// <summary>The "no preference" answer is offered.</summary>
    public bool AllowTie { get; set; }

    /// <summary>The "both (all) bad" answer is offered.</summary>
    public bool AllowBothBad { get; set; }

    /// <summary>Comparison trials each participant gets (attention checks come on top).</summary>
    public int TrialsPerParticipant { get; set; }

    /// <summary>Catch trials per participant: the same candidate on every side, where the right answer is "no preference".</summary>
    public int AttentionChecks { get; set; }

    /// <summary>The answers open only once the clips have played through once.</summary>
    public bool WatchBeforeVoting { get; set; }

    public string? Instructions { get; set; }
    public string? ConsentText { get; set; }

    public StudyAdmission Admission { get; set; } = StudyAdmission.Link;

    /// <summary>The participant link's query parameter that carries a recruiting panel's participant id (e.g.
    /// PROLIFIC_PID, workerId); null: none is read.</summary>
    public string? PanelIdParameter { get; set; }

    /// <summary>Where a participant who has finished goes back to (http or https), with <c>{code}</c> replaced by their
    /// completion code; null: no such link.</summary>
    public string? ReturnUrlTemplate { get; set; }

    /// <summary>Comparisons each participant sees a second time, sides mirrored, to check that their answers agree.</summary>
    public int RepeatedTrials { get; set; }

    /// <summary>Flag participants who answered a trial before its videos could have played once.</summary>
    public bool FlagFastAnswers { get; set; } = true;

    /// <summary>Flag every participant of a client address that more than this many participants joined from; 0: never.</summary>
    public int SharedAddressLimit { get; set; }

    /// <summary>Seeds the order of comparisons and the placement of attention checks.</summary>
    public int Seed { get; set; }

    public int? CreatedByUserId { get; set; }
    public User? CreatedBy { get; set; }
    public DateTime CreatedUtc { get; set; }
    public DateTime? OpenedUtc { get; set; }
    public DateTime? ClosedUtc { get; set; }

    /// <summary>The job that encodes the study's videos for participants, queued when it opens.</summary>
    public int? MediaJobId { get; set; }

    /// <summary>When the videos participants get were ready; nobody joins before.</summary>
    public DateTime? MediaReadyUtc { get; set; }

    /// <summary>What the videos were encoded to (size, rate, bitrate, bytes per file), for the team.</summary>
    public string? MediaProfile { get; set; }

    /// <summary>The secret (base64, 256 bits) the study's per-participant media keys are made with.</summary>
    public string? MediaSecret { get; set; }

    public List<StudyQuestion> Questions { get; set; } = [];
    public List<StudyMedia> Media { get; set; } = [];
    public List<StudyParticipant> Participants { get; set; } = [];
    public List<StudyInvitation> Invitations { get; set; } = [];
}

/// <summary>A code that admits one participant to an invitation-only study; opened again, it resumes that participant.</summary>
public sealed class StudyInvitation
{
    public int Id { get; set; }
    public int StudyId { get; set; }
    public Study Study { get; set; } = null!;
    public required string Code { get; set; }
    public DateTime CreatedUtc { get; set; }
    public int? CreatedByUserId { get; set; }
    public User? CreatedBy { get; set; }

    /// <summary>A revoked code admits nobody (only unused codes are revoked).</summary>
    public DateTime? RevokedUtc { get; set; }

    /// <summary>Who joined with it (null: unused).</summary>
    public int? ParticipantId { get; set; }
    public StudyParticipant? Participant { get; set; }
}

/// <summary>The team's choice to keep flagged participants in the results: one participant (<see cref="ParticipantId"/>)
/// or everyone with a flag (<see cref="Flag"/>), with who chose it and when.</summary>
public sealed class StudyInclusion
{
    public int Id { get; set; }
    public int StudyId { get; set; }
    public Study Study { get; set; } = null!;
    public int? ParticipantId { get; set; }
    public StudyParticipant? Participant { get; set; }
    public string? Flag { get; set; }
    public int? IncludedByUserId { get; set; }
    public User? IncludedBy { get; set; }
    public DateTime IncludedUtc { get; set; }
}

/// <summary>A question asked about every trial. <see cref="Key"/> names it in exports (scene, motion, overall, ...).</summary>
public sealed class StudyQuestion
{
    public int Id { get; set; }
    public int StudyId { get; set; }
    public Study Study { get; set; } = null!;
    public int Position { get; set; }
    public required string Key { get; set; }
    public required string Text { get; set; }

    /// <summary>The question refers to the pair's target image: participants see it with every trial.</summary>
    public bool ShowTarget { get; set; }
}

/// <summary>A video a study shows: a pair's reference (no <see cref="MethodName"/>) or an output of it; or, with
/// <see cref="IsTarget"/>, the pair's target image. Its encodings for participants are named by <see cref="Key"/>, an
/// opaque random name, never by asset id or method (participants fetch them under keys of their own). The method name is kept here so
/// results survive the deletion of the output or the pair (the ids are then cleared).</summary>
public sealed class StudyMedia
{
    public int Id { get; set; }
    public int StudyId { get; set; }
    public Study Study { get; set; } = null!;
    public required string Key { get; set; }
    public int? PairId { get; set; }
    public Pair? Pair { get; set; }
    public int? AssetId { get; set; }
    public Asset? Asset { get; set; }
    public string? MethodName { get; set; }

    /// <summary>How long the video plays (milliseconds), kept with the study like the method name: the quality rules
    /// compare answer times with it.</summary>
    public double? DurationMs { get; set; }

    /// <summary>The pair's target image (no method), shown with the questions that refer to it.</summary>
    public bool IsTarget { get; set; }
}

/// <summary>Someone who opened the participant link. Anonymous: <see cref="PublicId"/> names them in results and
/// exports; <see cref="KeyHash"/> is the SHA-256 of the secret their browser keeps to resume.</summary>
public sealed class StudyParticipant
{
    public int Id { get; set; }
    public int StudyId { get; set; }
    public Study Study { get; set; } = null!;
    public required string PublicId { get; set; }
    public required string KeyHash { get; set; }

    /// <summary>0, 1, 2, ... in the order participants joined: decides their share of the balanced design.</summary>
    public int Ordinal { get; set; }

    public DateTime CreatedUtc { get; set; }
    public DateTime? CompletedUtc { get; set; }
    public string? CompletionCode { get; set; }

    /// <summary>The recruiting panel's id of this person (from <see cref="Study.PanelIdParameter"/>), if given.</summary>
    public string? PanelId { get; set; }

    /// <summary>A keyed hash of the client address they joined from (IPv4, or the /64 of IPv6), never the address.</summary>
    public string? AddressHash { get; set; }

    public List<StudyTrial> Trials { get; set; } = [];
}

public enum TrialKind
{
    Comparison = 1,

    /// <summary>A catch trial: the same candidate on every side.</summary>
    AttentionCheck = 2,

    /// <summary>A comparison shown before (<see cref="StudyTrial.RepeatOf"/>), sides mirrored: for the consistency check
    /// only, not counted as a vote between methods.</summary>
    Repeat = 3,
}

/// <summary>One screen of a participant: a reference and the candidates in the order shown (left to right).</summary>
public sealed class StudyTrial
{
    public int Id { get; set; }
    public int ParticipantId { get; set; }
    public StudyParticipant Participant { get; set; } = null!;

    /// <summary>1, 2, ... in the order the participant sees them.</summary>
    public int Position { get; set; }

    public TrialKind Kind { get; set; }
    public int ReferenceMediaId { get; set; }
    public StudyMedia ReferenceMedia { get; set; } = null!;

    /// <summary><see cref="StudyMedia"/> ids of the candidates, left to right, separated by ';'.</summary>
    public required string CandidateMediaIds { get; set; }

    /// <summary>For a <see cref="TrialKind.Repeat"/>: the position of the trial it repeats.</summary>
    public int? RepeatOf { get; set; }
}

public enum VoteAnswer
{
    /// <summary>One candidate (<see cref="StudyVote.ChosenPosition"/>).</summary>
    Pick = 1,
    Tie = 2,
    BothBad = 3,
}

/// <summary>An answer of a participant to one question of one trial: at most one (a unique index), never changed.</summary>
public sealed class StudyVote
{
    public int Id { get; set; }
    public int ParticipantId { get; set; }
    public StudyParticipant Participant { get; set; } = null!;
    public int TrialId { get; set; }
    public StudyTrial Trial { get; set; } = null!;
    public int QuestionId { get; set; }
    public StudyQuestion Question { get; set; } = null!;
    public VoteAnswer Answer { get; set; }

    /// <summary>For <see cref="VoteAnswer.Pick"/>: the 0-based place of the chosen candidate, left to right.</summary>
    public int? ChosenPosition { get; set; }

    /// <summary>Milliseconds from the trial being shown to the answer, as the participant's browser measured it.</summary>
    public double? ResponseMs { get; set; }

    public DateTime CreatedUtc { get; set; }
}
