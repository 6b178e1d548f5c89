using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using CamReview.Core.Statistics;
using CamReview.Data;
using CamReview.Data.Entities;
using CamReview.Web.Accounts;
using CamReview.Web.Authorization;
using CamReview.Web.Services;
using Microsoft.EntityFrameworkCore;

namespace CamReview.Web.Studies;

/// <summary>A question: its short name (exports), its wording, and whether participants see the pair's target image
/// with it (<see cref="ShowTarget"/>; left out, it is shown for the question "scene" only).</summary>
public sealed record QuestionDraft(string Key, string Text, bool? ShowTarget = null)
{
    /// <summary>The question that asks about the target image by default.</summary>
    public const string SceneKey = "scene";
}

/// <summary>What the study builder submits.</summary>
public sealed record StudyDraft(
    string? Name, StudyDesign Design, int CandidatesPerTrial, bool AllowTie, bool AllowBothBad, int TrialsPerParticipant,
    int AttentionChecks, bool WatchBeforeVoting, string? Instructions, string? ConsentText,
    IReadOnlyList<int> PairIds, IReadOnlyList<string> Methods, IReadOnlyList<QuestionDraft> Questions,
    StudyAdmission Admission = StudyAdmission.Link, string? PanelIdParameter = PanelIds.DefaultParameter, string? ReturnUrl = null,
    int RepeatedTrials = 0, bool FlagFastAnswers = true, int SharedAddressLimit = StudyDraft.DefaultSharedAddressLimit)
{
    /// <summary>More participants than this from one client address are flagged, unless the team sets otherwise.</summary>
    public const int DefaultSharedAddressLimit = 3;

    public static readonly IReadOnlyList<QuestionDraft> DefaultQuestions =
    [
        new(QuestionDraft.SceneKey, "Which video keeps the scene of the target image best (same place, objects and look)?", ShowTarget: true),
        new("motion", "Which video follows the camera move of the reference most faithfully?", ShowTarget: false),
        new("overall", "Overall, which video do you prefer?", ShowTarget: false),
    ];

    public static StudyDraft Default(string name) => new(name, StudyDesign.Pairwise, 2, AllowTie: true, AllowBothBad: true, TrialsPerParticipant: 6,
        AttentionChecks: 1, WatchBeforeVoting: false,
        "Each screen shows a reference video and two or more videos made from it. Watch them, then answer every question.",
        "Taking part is voluntary and anonymous: only your answers and how long they took are stored. You may stop at any time.",
        [], [], DefaultQuestions);
}

/// <summary>A study on the list; <see cref="Votes"/> counts comparison votes (not attention checks), excluded participants'
/// too, as the study page's headline does.</summary>
public sealed record StudySummary(int Id, int ProjectId, string ProjectName, string Name, StudyDesign Design, StudyState State,
    int Participants, int Completed, int Votes, DateTime CreatedUtc);

/// <summary>A study as the builder and the results page show it (to team members only: it names the methods).</summary>
public sealed record StudyDetails(
    int Id, int ProjectId, string ProjectName, TeamRole Role, string Name, string Token, StudyState State, StudyDraft Draft,
    int Comparisons, DateTime CreatedUtc, DateTime? OpenedUtc, DateTime? ClosedUtc, InvitationCounts Invitations, StudyMediaStatus? Media)
{
    public bool CanManage => Role.Allows(Permission.ManageStudies);
    public string ParticipantPath => $"p/{Token}";
}

/// <summary>What a study of a project can be built from: its pairs and the methods of their outputs.</summary>
public sealed record StudyChoices(int ProjectId, string ProjectName, IReadOnlyList<ChoicePair> Pairs);

public sealed record ChoicePair(int Id, string Name, IReadOnlyList<string> Methods);

/// <summary>Building and running studies (team members; Reviewer or Owner to change them, any member to see them).</summary>
public sealed partial class StudyService(
    IDbContextFactory<CamReviewDb> dbs, AccessService access, StudyEvents events, StudyWriteLock writeLock, StudyMediaPreparation media, TimeProvider? clock = null)
{
    public const int MaxTrials = 200;
    public const int MaxAttentionChecks = 10;
    public const int MaxQuestions = 6;
    public const int MaxCandidates = 6;
    public const int MaxRepeatedTrials = 10;
    public const int MaxSharedAddressLimit = 1000;
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>A random URL-safe name (128 bits): study links and media keys.</summary>
    public static string NewKey() => Security.Secrets.NewToken(16);

    public async Task<IReadOnlyList<StudySummary>> ListAsync(ClaimsPrincipal user, CancellationToken ct = default)
    {
        if (user.UserId() is not { } userId) return [];
        await using var db = await dbs.CreateDbContextAsync(ct);
        return await db.Studies.AsNoTracking()
            .Where(s => s.Project.Team.Members.Any(m => m.UserId == userId))
            .OrderByDescending(s => s.CreatedUtc).ThenByDescending(s => s.Id)
            .Select(s => new StudySummary(s.Id, s.ProjectId, s.Project.Name, s.Name, s.Design, s.State,
                s.Participants.Count, s.Participants.Count(p => p.CompletedUtc != null),
                db.StudyVotes.Count(v => v.Participant.StudyId == s.Id && v.Trial.Kind == TrialKind.Comparison), s.CreatedUtc))
            .ToListAsync(ct);
    }

    /// <summary>Pairs of the project that have outputs, with the methods of those outputs: what a study can be built
    /// from, for those who may build one.</summary>
    public async Task<Result<StudyChoices>> ChoicesAsync(ClaimsPrincipal user, int projectId, CancellationToken ct = default)
    {
        var allowed = await access.ProjectAsync(user, projectId, Permission.ManageStudies, ct);
        if (!allowed.Allowed) return allowed.Deny<StudyChoices>();
        await using var db = await dbs.CreateDbContextAsync(ct);
        var outputs = await db.Assets.AsNoTracking()
            .Where(a => a.ProjectId == projectId && a.Kind == AssetKind.Output && a.PairId != null && a.MethodName != null)
            .Select(a => new { PairId = a.PairId!.Value, a.MethodName }).Distinct().ToListAsync(ct);
        var pairs = await db.Pairs.AsNoTracking().Where(p => p.ProjectId == projectId).OrderBy(p => p.Name).Select(p => new { p.Id, p.Name }).ToListAsync(ct);
        return Result<StudyChoices>.Ok(new StudyChoices(projectId, allowed.Membership!.ProjectName ?? "",
            pairs.Select(p => new ChoicePair(p.Id, p.Name, outputs.Where(o => o.PairId == p.Id).Select(o => o.MethodName!).Order(StringComparer.Ordinal).ToList()))
                .Where(p => p.Methods.Count > 0).ToList()));
    }

    public async Task<Result<StudyDetails>> GetAsync(ClaimsPrincipal user, int studyId, CancellationToken ct = default)
    {
        var (allowed, _) = await AccessAsync(user, studyId, Permission.ViewProject, ct);
        if (!allowed.Allowed) return allowed.Deny<StudyDetails>();
        await using var db = await dbs.CreateDbContextAsync(ct);
        return Result<StudyDetails>.Ok(await DetailsAsync(db, studyId, allowed.Membership!, ct));
    }

    public async Task<Result<StudyDetails>> CreateAsync(ClaimsPrincipal user, int projectId, StudyDraft draft, CancellationToken ct = default)
    {
        var allowed = await access.ProjectAsync(user, projectId, Permission.ManageStudies, ct);
        if (!allowed.Allowed) return allowed.Deny<StudyDetails>();
        var created = await CreateInProjectAsync(projectId, user.UserId(), draft, ct);
        if (!created.Succeeded) return created.Cast<StudyDetails>();
        await using var db = await dbs.CreateDbContextAsync(ct);
        return Result<StudyDetails>.Ok(await DetailsAsync(db, created.Value, allowed.Membership!, ct));
    }

    /// <summary>Creates a draft study in a project, for whoever has been allowed to (or for the portal's own demo).</summary>
    internal async Task<Result<int>> CreateInProjectAsync(int projectId, int? userId, StudyDraft draft, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var checkedDraft = await CheckAsync(db, projectId, null, draft, ct);
        if (!checkedDraft.Succeeded) return checkedDraft.Cast<int>();
        var study = new Study
        {
            ProjectId = projectId, Name = "", Token = NewKey(), State = StudyState.Draft, Seed = RandomNumberGenerator.GetInt32(int.MaxValue),
            CreatedByUserId = userId, CreatedUtc = _clock.GetUtcNow().UtcDateTime,
        };
        Apply(study, checkedDraft.Value!);
        db.Studies.Add(study);
        if (await SaveAsync(db, study.Name, ct) is { } failed) return failed.Cast<int>();
        return Result<int>.Ok(study.Id);
    }

    /// <summary>Changes a study. Its design (pairs, methods, questions, trials, answers offered) may change only while it
    /// is a draft; afterwards only its name and texts, so that every participant saw the same study.</summary>
    public async Task<Result<StudyDetails>> UpdateAsync(ClaimsPrincipal user, int studyId, StudyDraft draft, CancellationToken ct = default)
    {
        var (allowed, projectId) = await AccessAsync(user, studyId, Permission.ManageStudies, ct);
        if (!allowed.Allowed) return allowed.Deny<StudyDetails>();
        await using var db = await dbs.CreateDbContextAsync(ct);
        var study = await db.Studies.Include(s => s.Questions).Include(s => s.Media).SingleAsync(s => s.Id == studyId, ct);
        var checkedDraft = await CheckAsync(db, projectId, studyId, draft, ct);
        if (!checkedDraft.Succeeded) return checkedDraft.Cast<StudyDetails>();
        var next = checkedDraft.Value!.Draft;
        if (study.State != StudyState.Draft)
        {
            var current = ToDraft(study);
            var sameDesign = current.Design == next.Design && current.CandidatesPerTrial == next.CandidatesPerTrial && current.AllowTie == next.AllowTie
                && current.AllowBothBad == next.AllowBothBad && current.TrialsPerParticipant == next.TrialsPerParticipant
                && current.AttentionChecks == next.AttentionChecks && current.WatchBeforeVoting == next.WatchBeforeVoting
                && current.RepeatedTrials == next.RepeatedTrials
                && current.PairIds.SequenceEqual(next.PairIds) && current.Methods.SequenceEqual(next.Methods)
                && current.Questions.Select(q => (q.Key, q.ShowTarget)).SequenceEqual(next.Questions.Select(q => (q.Key, q.ShowTarget)));
            if (!sameDesign)
                return Result<StudyDetails>.Fail(LockedMessage, ResultStatus.Conflict);
            study.Name = next.Name!;
            study.Instructions = next.Instructions;
            study.ConsentText = next.ConsentText;
            ApplyAdmissionAndQuality(study, next);
            foreach (var q in study.Questions) q.Text = next.Questions.Single(n => n.Key == q.Key).Text;
        }
        else
        {
            db.StudyQuestions.RemoveRange(study.Questions);
            db.StudyMedia.RemoveRange(study.Media);
            study.Questions.Clear();
            study.Media.Clear();
            Apply(study, checkedDraft.Value!);
        }
        using (await writeLock.EnterAsync(ct))
        {
            if (await SaveAsync(db, study.Name, ct) is { } failed) return failed;
        }
        events.Raise(studyId);
        return Result<StudyDetails>.Ok(await DetailsAsync(db, studyId, allowed.Membership!, ct));
    }

    public const string LockedMessage =
        "This study has been opened: only its name, instructions, consent text and the wording of its questions can change (not which of them show the target image), and its admission and quality settings.";

    /// <summary>Opens, pauses or closes a study (see <see cref="MoveAsync"/>).</summary>
    public async Task<Result<StudyDetails>> SetStateAsync(ClaimsPrincipal user, int studyId, StudyState target, CancellationToken ct = default)
    {
        var (allowed, _) = await AccessAsync(user, studyId, Permission.ManageStudies, ct);
        if (!allowed.Allowed) return allowed.Deny<StudyDetails>();
        var moved = await MoveAsync(studyId, target, ct, user.UserId());
        if (!moved.Succeeded) return moved.Cast<StudyDetails>();
        await using var db = await dbs.CreateDbContextAsync(ct);
        return Result<StudyDetails>.Ok(await DetailsAsync(db, studyId, allowed.Membership!, ct));
    }

    /// <summary>Encodes the study's participant videos again after a failed preparation (Reviewer or Owner).</summary>
    public async Task<Result<StudyDetails>> PrepareMediaAgainAsync(ClaimsPrincipal user, int studyId, CancellationToken ct = default)
    {
        var (allowed, _) = await AccessAsync(user, studyId, Permission.ManageStudies, ct);
        if (!allowed.Allowed) return allowed.Deny<StudyDetails>();
        await using var db = await dbs.CreateDbContextAsync(ct);
        var details = await DetailsAsync(db, studyId, allowed.Membership!, ct);
        if (details.Media is not { Ready: false, Stage: "failed" or "canceled" })
            return Result<StudyDetails>.Fail("The study's videos are ready or being prepared: there is nothing to try again.", ResultStatus.Conflict, details);
        await media.QueueAsync(studyId, user.UserId(), ct);
        return Result<StudyDetails>.Ok(await DetailsAsync(db, studyId, allowed.Membership!, ct));
    }

    /// <summary>Draft → Open; Open ⇄ Paused; Open or Paused → Closed (final). Opening a draft queues the encoding of its
    /// participants' videos (<see cref="StudyMediaPreparation"/>): nobody joins before they are ready.</summary>
    internal async Task<Result<StudyState>> MoveAsync(int studyId, StudyState target, CancellationToken ct, int? userId = null)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var study = await db.Studies.SingleAsync(s => s.Id == studyId, ct);
        var allowedMove = (study.State, target) switch
        {
            (StudyState.Draft or StudyState.Paused, StudyState.Open) => true,
            (StudyState.Open, StudyState.Paused) => true,
            (StudyState.Open or StudyState.Paused, StudyState.Closed) => true,
            _ => false,
        };
        if (!allowedMove)
            return Result<StudyState>.Fail(study.State == StudyState.Closed
                ? "This study is closed: it cannot be opened again."
                : $"A {study.State.ToString().ToLowerInvariant()} study cannot be set to {target.ToString().ToLowerInvariant()}.", ResultStatus.Conflict);
        var now = _clock.GetUtcNow().UtcDateTime;
        var opening = study.State == StudyState.Draft;
        study.State = target;
        if (target == StudyState.Open) study.OpenedUtc ??= now;
        if (target == StudyState.Closed) study.ClosedUtc = now;
        if (opening) study.MediaSecret = StudyMediaKeys.NewSecret();
        // Between two batches of votes: the next batch reads the new state in its own transaction.
        using (await writeLock.EnterAsync(ct))
            await db.SaveChangesAsync(ct);
        if (opening) await media.QueueAsync(studyId, userId, ct);
        events.Raise(studyId);
        return Result<StudyState>.Ok(target);
    }

    /// <summary>Access to a study through its project; an unknown study is "not found", like another team's.</summary>
    internal async Task<(Access Access, int ProjectId)> AccessAsync(ClaimsPrincipal user, int studyId, Permission permission, CancellationToken ct)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var projectId = await db.Studies.Where(s => s.Id == studyId).Select(s => (int?)s.ProjectId).SingleOrDefaultAsync(ct);
        if (projectId is null)
            return (user.UserId() is null ? new Access(AccessStatus.Unauthenticated, null, "Sign in first.") : new Access(AccessStatus.NotFound, null, "Not found."), 0);
        return (await access.ProjectAsync(user, projectId.Value, permission, ct), projectId.Value);
    }

    private static async Task<StudyDetails> DetailsAsync(CamReviewDb db, int studyId, Membership membership, CancellationToken ct)
    {
        var study = await db.Studies.AsNoTracking().Include(s => s.Questions).Include(s => s.Media).Include(s => s.Project)
            .AsSplitQuery().SingleAsync(s => s.Id == studyId, ct);
        var invitations = await db.StudyInvitations.AsNoTracking().Where(i => i.StudyId == studyId)
            .GroupBy(_ => 1).Select(g => new InvitationCounts(g.Count(), g.Count(i => i.ParticipantId != null), g.Count(i => i.RevokedUtc != null)))
            .SingleOrDefaultAsync(ct);
        return new StudyDetails(study.Id, study.ProjectId, study.Project.Name, membership.Role, study.Name, study.Token, study.State, ToDraft(study),
            ComparisonsOf(study).Count, study.CreatedUtc, study.OpenedUtc, study.ClosedUtc, invitations ?? new InvitationCounts(0, 0, 0),
            await MediaStatusAsync(db, study, ct));
    }

    private static async Task<StudyMediaStatus?> MediaStatusAsync(CamReviewDb db, Study study, CancellationToken ct)
    {
        if (study.MediaReadyUtc is not null) return new StudyMediaStatus(true, study.MediaJobId, "done", 100, null, study.MediaProfile);
        if (study.MediaJobId is not { } jobId) return null;
        var job = await db.Jobs.AsNoTracking().Where(j => j.Id == jobId).Select(j => new { j.State, j.ProgressStage, j.ProgressPercent, j.Error }).SingleOrDefaultAsync(ct);
        if (job is null) return null;
        var stage = job.State switch { JobState.Queued => "queued", JobState.Failed => "failed", JobState.Canceled => "canceled", _ => job.ProgressStage ?? "starting" };
        return new StudyMediaStatus(false, jobId, stage, job.ProgressPercent, job.Error, null);
    }

    /// <summary>The comparisons a study's media make, in the study's dealt order.</summary>
    internal static IReadOnlyList<ComparisonItem> ComparisonsOf(Study study)
    {
        var references = study.Media.Where(m => m.MethodName is null && !m.IsTarget).ToList();
        var items = StudyDesigner.Comparisons(references.Select(r => (r.Id,
            (IReadOnlyList<(int, string)>)study.Media.Where(m => m.MethodName is not null && m.PairId == r.PairId && r.PairId != null)
                .Select(m => (m.Id, m.MethodName!)).ToList())), study.CandidatesPerTrial);
        return StudyDesigner.Deal(items, study.Seed);
    }

    private static StudyDraft ToDraft(Study s) => new(s.Name, s.Design, s.CandidatesPerTrial, s.AllowTie, s.AllowBothBad, s.TrialsPerParticipant,
        s.AttentionChecks, s.WatchBeforeVoting, s.Instructions, s.ConsentText,
        s.Media.Where(m => m.MethodName is null && !m.IsTarget && m.PairId != null).Select(m => m.PairId!.Value).Order().ToList(),
        s.Media.Where(m => m.MethodName is not null).Select(m => m.MethodName!).Distinct().Order(StringComparer.Ordinal).ToList(),
        s.Questions.OrderBy(q => q.Position).Select(q => new QuestionDraft(q.Key, q.Text, q.ShowTarget)).ToList(),
        s.Admission, s.PanelIdParameter, s.ReturnUrlTemplate, s.RepeatedTrials, s.FlagFastAnswers, s.SharedAddressLimit);

    private sealed record CheckedDraft(StudyDraft Draft,
        IReadOnlyList<(int PairId, int ReferenceId, int TargetId, IReadOnlyList<(string Method, int AssetId)> Outputs)> Media,
        IReadOnlyDictionary<int, double?> DurationsMs);

    private static void Apply(Study study, CheckedDraft checkedDraft)
    {
        var d = checkedDraft.Draft;
        study.Name = d.Name!;
        study.Design = d.Design;
        study.CandidatesPerTrial = d.CandidatesPerTrial;
        study.AllowTie = d.AllowTie;
        study.AllowBothBad = d.AllowBothBad;
        study.TrialsPerParticipant = d.TrialsPerParticipant;
        study.AttentionChecks = d.AttentionChecks;
        study.WatchBeforeVoting = d.WatchBeforeVoting;
        study.Instructions = d.Instructions;
        study.ConsentText = d.ConsentText;
        study.RepeatedTrials = d.RepeatedTrials;
        ApplyAdmissionAndQuality(study, d);
        for (int i = 0; i < d.Questions.Count; i++)
            study.Questions.Add(new StudyQuestion { Position = i + 1, Key = d.Questions[i].Key, Text = d.Questions[i].Text, ShowTarget = d.Questions[i].ShowTarget == true });
        foreach (var (pairId, referenceId, targetId, outputs) in checkedDraft.Media)
        {
            study.Media.Add(new StudyMedia { Key = NewKey(), PairId = pairId, AssetId = referenceId, DurationMs = checkedDraft.DurationsMs.GetValueOrDefault(referenceId) });
            // Every pair's target image gets its key (unused while no question shows it), so that the choice of
            // questions that show it never changes the media of a study.
            study.Media.Add(new StudyMedia { Key = NewKey(), PairId = pairId, AssetId = targetId, IsTarget = true });
            foreach (var (method, assetId) in outputs)
                study.Media.Add(new StudyMedia { Key = NewKey(), PairId = pairId, AssetId = assetId, MethodName = method, DurationMs = checkedDraft.DurationsMs.GetValueOrDefault(assetId) });
        }
    }

    /// <summary>What may change after a study has opened, besides its texts: who may join and how answers are judged.</summary>
    private static void ApplyAdmissionAndQuality(Study study, StudyDraft d)
    {
        study.Admission = d.Admission;
        study.PanelIdParameter = d.PanelIdParameter;
        study.ReturnUrlTemplate = d.ReturnUrl;
        study.FlagFastAnswers = d.FlagFastAnswers;
        study.SharedAddressLimit = d.SharedAddressLimit;
    }

    private static async Task<Result<StudyDetails>?> SaveAsync(CamReviewDb db, string name, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return null;
        }
        catch (DbUpdateException e) when (e.InnerException?.Message.Contains("UNIQUE") == true)
        {
            return Result<StudyDetails>.Fail($"A study named \"{name}\" already exists in this project.", ResultStatus.Conflict);
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,31}$")]
    private static partial Regex QuestionKey();

    /// <summary>Every rule a study must keep; the draft comes back normalised (trimmed, sorted) with the media it shows.</summary>
    private static async Task<Result<CheckedDraft>> CheckAsync(CamReviewDb db, int projectId, int? studyId, StudyDraft draft, CancellationToken ct)
    {
        static Result<CheckedDraft> Invalid(string message) => Result<CheckedDraft>.Fail(message);
        var name = draft.Name?.Trim() ?? "";
        if (name.Length == 0) return Invalid("Give the study a name.");
        if (name.Length > CamReviewDb.NameMaxLength || name.Any(char.IsControl)) return Invalid($"A study name has at most {CamReviewDb.NameMaxLength} characters, none of them control characters.");
        if (await db.Studies.AnyAsync(s => s.ProjectId == projectId && s.Name == name && s.Id != studyId, ct))
            return Result<CheckedDraft>.Fail($"A study named \"{name}\" already exists in this project.", ResultStatus.Conflict);

        int perTrial = draft.Design == StudyDesign.Pairwise ? 2 : draft.CandidatesPerTrial;
        if (draft.Design == StudyDesign.BestOfN && perTrial is < 3 or > MaxCandidates)
            return Invalid($"Best-of-N shows 3 to {MaxCandidates} candidates per trial.");
        if (draft.Design is not (StudyDesign.Pairwise or StudyDesign.BestOfN)) return Invalid("Choose pairwise or best-of-N.");
        if (draft.TrialsPerParticipant is < 1 or > MaxTrials) return Invalid($"Each participant gets 1 to {MaxTrials} trials.");
        if (draft.AttentionChecks is < 0 or > MaxAttentionChecks) return Invalid($"Use 0 to {MaxAttentionChecks} attention checks per participant.");
        if (draft.AttentionChecks > 0 && !draft.AllowTie)
            return Invalid("Attention checks show the same video on every side, where the right answer is \"no preference\": offer that answer, or use no attention checks.");

        if (draft.Admission is not (StudyAdmission.Link or StudyAdmission.Invitation)) return Invalid("Choose who may join: anyone with the link, or by invitation.");
        var panelParameter = string.IsNullOrWhiteSpace(draft.PanelIdParameter) ? null : draft.PanelIdParameter.Trim();
        if (panelParameter is not null && (!PanelIds.IsValidParameter(panelParameter) || panelParameter.Equals("code", StringComparison.OrdinalIgnoreCase)))
            return Invalid($"The panel id's parameter (\"{panelParameter}\") is a letter followed by up to 31 letters, digits or '_', such as PROLIFIC_PID or workerId (not \"code\": that carries the invitation code).");
        var returnUrl = string.IsNullOrWhiteSpace(draft.ReturnUrl) ? null : draft.ReturnUrl.Trim();
        if (returnUrl is not null && ReturnUrls.Problem(returnUrl) is { } returnProblem) return Invalid(returnProblem);
        if (draft.RepeatedTrials < 0 || draft.RepeatedTrials > Math.Min(MaxRepeatedTrials, draft.TrialsPerParticipant))
            return Invalid($"Repeat 0 to {Math.Min(MaxRepeatedTrials, draft.TrialsPerParticipant)} comparisons per participant (at most {MaxRepeatedTrials}, and no more than the trials).");
        if (draft.SharedAddressLimit is < 0 or > MaxSharedAddressLimit)
            return Invalid($"Flag participants beyond 1 to {MaxSharedAddressLimit} from one address, or 0 for never.");

        var instructions = Text(draft.Instructions);
        var consent = Text(draft.ConsentText);
        if (instructions?.Length > CamReviewDb.StudyTextMaxLength || consent?.Length > CamReviewDb.StudyTextMaxLength)
            return Invalid($"Instructions and consent text have at most {CamReviewDb.StudyTextMaxLength} characters each.");

        if (draft.Questions is not { Count: > 0 } || draft.Questions.Count > MaxQuestions) return Invalid($"Ask 1 to {MaxQuestions} questions.");
        var questions = new List<QuestionDraft>();
        foreach (var q in draft.Questions)
        {
            var key = q.Key?.Trim().ToLowerInvariant() ?? "";
            var text = q.Text?.Trim() ?? "";
            if (!QuestionKey().IsMatch(key)) return Invalid($"A question's short name (\"{key}\") is 1 to 32 lower-case letters, digits or '-'.");
            if (text.Length == 0 || text.Length > CamReviewDb.QuestionMaxLength) return Invalid($"Question \"{key}\" needs a wording of 1 to {CamReviewDb.QuestionMaxLength} characters.");
            if (questions.Any(e => e.Key == key)) return Invalid($"Two questions are named \"{key}\".");
            questions.Add(new QuestionDraft(key, text, q.ShowTarget ?? key == QuestionDraft.SceneKey));
        }

        var pairIds = (draft.PairIds ?? []).Distinct().Order().ToList();
        if (pairIds.Count == 0) return Invalid("Choose at least one pair.");
        var methods = (draft.Methods ?? []).Select(m => m?.Trim() ?? "").Where(m => m.Length > 0).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (methods.Count < perTrial) return Invalid($"Choose at least {perTrial} methods to compare.");
        foreach (var m in methods)
        {
            if (m.Contains(';') || VoteChoice.IsReserved(m))
                return Invalid($"The method \"{m}\" cannot be in a study: a method name may not contain ';' nor be \"tie\" or \"bothbad\" (they are answers).");
        }
        var pairs = await db.Pairs.AsNoTracking().Where(p => p.ProjectId == projectId && pairIds.Contains(p.Id))
            .Select(p => new { p.Id, p.Name, p.ReferenceAssetId, p.TargetAssetId, p.ReferenceAsset.DurationSeconds }).ToListAsync(ct);
        if (pairs.Count != pairIds.Count) return Invalid("Choose pairs of this project.");
        var outputs = await db.Assets.AsNoTracking()
            .Where(a => a.ProjectId == projectId && a.Kind == AssetKind.Output && a.PairId != null && pairIds.Contains(a.PairId.Value) && methods.Contains(a.MethodName!))
            .OrderByDescending(a => a.Id).Select(a => new { PairId = a.PairId!.Value, Method = a.MethodName!, a.Id, a.DurationSeconds }).ToListAsync(ct);
        foreach (var m in methods)
            if (!outputs.Any(o => o.Method == m)) return Invalid($"No chosen pair has an output of the method \"{m}\".");

        // Participants must not learn which method made a video: the texts they read may not name one.
        // The rule is MethodMentions' (full names, their words and runs of words, renderer aliases; common words alone do not count).
        var mentions = MethodMentions.Find(MethodMentions.ParticipantTexts(instructions, consent, questions.Select(q => (q.Key, (string?)q.Text))), methods);
        if (mentions.Count > 0) return Invalid(MethodMentions.Describe(mentions));

        var media = pairs.OrderBy(p => p.Id).Select(p => (p.Id, p.ReferenceAssetId, p.TargetAssetId,
            (IReadOnlyList<(string, int)>)outputs.Where(o => o.PairId == p.Id).GroupBy(o => o.Method).Select(g => (g.Key, g.First().Id)).OrderBy(o => o.Key, StringComparer.Ordinal).ToList()))
            .ToList();
        if (media.All(p => p.Item4.Count < perTrial))
            return Invalid($"No chosen pair has outputs of {perTrial} of the chosen methods: there is nothing to compare.");
        return Result<CheckedDraft>.Ok(new CheckedDraft(
            draft with
            {
                Name = name, CandidatesPerTrial = perTrial, Instructions = instructions, ConsentText = consent, Questions = questions,
                PairIds = pairIds, Methods = methods, PanelIdParameter = panelParameter, ReturnUrl = returnUrl,
            }, media,
            pairs.Select(p => (p.ReferenceAssetId, p.DurationSeconds)).Concat(outputs.Select(o => (o.Id, o.DurationSeconds)))
                .DistinctBy(d => d.Item1).ToDictionary(d => d.Item1, d => d.Item2 * 1000)));
    }

    private static string? Text(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim().ReplaceLineEndings("\n");
}
