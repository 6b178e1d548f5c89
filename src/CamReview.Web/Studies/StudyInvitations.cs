using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using CamReview.Core.Text;
using CamReview.Data;
using CamReview.Data.Entities;
using CamReview.Web.Accounts;
using CamReview.Web.Authorization;
using CamReview.Web.Services;
using Microsoft.EntityFrameworkCore;

namespace CamReview.Web.Studies;

/// <summary>A study's invitation codes as the study page counts them.</summary>
public sealed record InvitationCounts(int Total, int Used, int Revoked)
{
    public int Unused => Total - Used - Revoked;
}

/// <summary>Codes made now: the new ones and the study's counts after.</summary>
public sealed record CreatedInvitations(IReadOnlyList<string> Codes, InvitationCounts Counts);

/// <summary>Per-participant invitation codes of a study: made in bulk by the team (Reviewer or Owner), single use (a code
/// admits one participant, and opened again resumes them), revocable while unused, and exported with their links for a
/// recruiting panel. The codes are capabilities: only those who may run the study see them.</summary>
public sealed partial class StudyInvitations(IDbContextFactory<CamReviewDb> dbs, StudyService studies, StudyWriteLock writeLock, TimeProvider? clock = null)
{
    public const int MaxPerRequest = 1000;
    private const string Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"; // no 0/O or 1/I to misread
    private readonly TimeProvider _clock = clock ?? TimeProvider.System;

    /// <summary>Twelve letters and digits in three groups (60 random bits), e.g. "K7QF-3MZD-8HTR".</summary>
    public static string NewCode()
    {
        var chars = RandomNumberGenerator.GetItems<char>(Alphabet, 12);
        return $"{new string(chars, 0, 4)}-{new string(chars, 4, 4)}-{new string(chars, 8, 4)}";
    }

    /// <summary>A code as typed (any case, spaces, with or without its dashes) in its stored form; null for none.</summary>
    public static string? Normalize(string? code)
    {
        if (string.IsNullOrWhiteSpace(code)) return null;
        var plain = new string(code.Where(c => !char.IsWhiteSpace(c) && c != '-').Select(char.ToUpperInvariant).ToArray());
        return plain.Length == 12 ? $"{plain[..4]}-{plain[4..8]}-{plain[8..]}" : plain;
    }

    public static bool IsWellFormed(string code) => CodePattern().IsMatch(code);

    [GeneratedRegex("^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$")]
    private static partial Regex CodePattern();

    /// <summary>The address a code's participant opens.</summary>
    public static string Link(Uri portal, string token, string code) => new Uri(portal, $"p/{token}?code={Uri.EscapeDataString(code)}").ToString();

    public async Task<InvitationCounts> CountsAsync(int studyId, CancellationToken ct = default)
    {
        await using var db = await dbs.CreateDbContextAsync(ct);
        var counts = await db.StudyInvitations.AsNoTracking().Where(i => i.StudyId == studyId)
            .GroupBy(_ => 1).Select(g => new { Total = g.Count(), Used = g.Count(i => i.ParticipantId != null), Revoked = g.Count(i => i.RevokedUtc != null) })
            .SingleOrDefaultAsync(ct);
        return counts is null ? new InvitationCounts(0, 0, 0) : new InvitationCounts(counts.Total, counts.Used, counts.Revoked);
    }

    /// <summary>Makes <paramref name="count"/> new codes (1 to <see cref="MaxPerRequest"/>) for a study that is not closed.</summary>
    public async Task<Result<CreatedInvitations>> CreateAsync(ClaimsPrincipal user, int studyId, int count, CancellationToken ct = default)
    {
        var (allowed, _) = await studies.AccessAsync(user, studyId, Permission.ManageStudies, ct);
        if (!allowed.Allowed) return allowed.Deny<CreatedInvitations>();
        if (count is < 1 or > MaxPerRequest) return Result<CreatedInvitations>.Fail($"Make 1 to {MaxPerRequest} invitation codes at a time.");
        await using var db = await dbs.CreateDbContextAsync(ct);
        if (await db.Studies.Where(s => s.Id == studyId).Select(s => s.State).SingleAsync(ct) == StudyState.Closed)
            return Result<CreatedInvitations>.Fail("This study is closed: it takes no more participants.", ResultStatus.Conflict);
        var existing = (await db.StudyInvitations.Where(i => i.StudyId == studyId).Select(i => i.Code).ToListAsync(ct)).ToHashSet(StringComparer.Ordinal);
        var codes = new List<string>(count);
        while (codes.Count < count)
        {
            var code = NewCode();
            if (existing.Add(code)) codes.Add(code);
        }
        var now = _clock.GetUtcNow().UtcDateTime;
        var by = user.UserId();
        db.StudyInvitations.AddRange(codes.Select(c => new StudyInvitation { StudyId = studyId, Code = c, CreatedUtc = now, CreatedByUserId = by }));
        using (await writeLock.EnterAsync(ct))
            await db.SaveChangesAsync(ct);
        return Result<CreatedInvitations>.Ok(new CreatedInvitations(codes, await CountsAsync(studyId, ct)));
    }

    /// <summary>Withdraws an unused code (a used one has its participant: exclude them on the study page instead).</summary>
    public async Task<Result<InvitationCounts>> RevokeAsync(ClaimsPrincipal user, int studyId, string code, CancellationToken ct = default)
    {
        var (allowed, _) = await studies.AccessAsync(user, studyId, Permission.ManageStudies, ct);
        if (!allowed.Allowed) return allowed.Deny<InvitationCounts>();
        var normalized = Normalize(code) ?? "";
        await using var db = await dbs.CreateDbContextAsync(ct);
        var invitation = await db.StudyInvitations.Include(i => i.Participant).SingleOrDefaultAsync(i => i.StudyId == studyId && i.Code == normalized, ct);
        if (invitation is null) return Result<InvitationCounts>.Fail($"This study has no invitation code \"{normalized}\".", ResultStatus.NotFound);
        if (invitation.Participant is { } used)
            return Result<InvitationCounts>.Fail($"The code {normalized} has been used by participant {used.PublicId}: it cannot be withdrawn (leave them out of the results instead).",
                ResultStatus.Conflict);
        if (invitation.RevokedUtc is null)
        {
            invitation.RevokedUtc = _clock.GetUtcNow().UtcDateTime;
            // The writer checks a code in its own transaction: a join either came first (and the code is used) or is refused.
            using (await writeLock.EnterAsync(ct))
                await db.SaveChangesAsync(ct);
        }
        return Result<InvitationCounts>.Ok(await CountsAsync(studyId, ct));
    }

    /// <summary>Withdraws every unused code of the study.</summary>
    public async Task<Result<InvitationCounts>> RevokeUnusedAsync(ClaimsPrincipal user, int studyId, CancellationToken ct = default)
    {
        var (allowed, _) = await studies.AccessAsync(user, studyId, Permission.ManageStudies, ct);
        if (!allowed.Allowed) return allowed.Deny<InvitationCounts>();
        await using var db = await dbs.CreateDbContextAsync(ct);
        var now = _clock.GetUtcNow().UtcDateTime;
        using (await writeLock.EnterAsync(ct))
            await db.StudyInvitations.Where(i => i.StudyId == studyId && i.ParticipantId == null && i.RevokedUtc == null)
                .ExecuteUpdateAsync(u => u.SetProperty(i => i.RevokedUtc, now), ct);
        return Result<InvitationCounts>.Ok(await CountsAsync(studyId, ct));
    }

    /// <summary>Every code with its full link, state and participant, as CSV (<c>code,link,state,participant,created_utc</c>).</summary>
    public async Task<Result<string>> ExportAsync(ClaimsPrincipal user, int studyId, Uri portal, CancellationToken ct = default)
    {
        var (allowed, _) = await studies.AccessAsync(user, studyId, Permission.ManageStudies, ct);
        if (!allowed.Allowed) return allowed.Deny<string>();
        await using var db = await dbs.CreateDbContextAsync(ct);
        var token = await db.Studies.Where(s => s.Id == studyId).Select(s => s.Token).SingleAsync(ct);
        var rows = await db.StudyInvitations.AsNoTracking().Where(i => i.StudyId == studyId).OrderBy(i => i.Id)
            .Select(i => new { i.Code, i.RevokedUtc, i.CreatedUtc, Participant = i.Participant == null ? null : i.Participant.PublicId }).ToListAsync(ct);
        var writer = new StringWriter(CultureInfo.InvariantCulture);
        CsvField.WriteRow(writer, ["code", "link", "state", "participant", "created_utc"]);
        foreach (var r in rows)
            CsvField.WriteRow(writer, [r.Code, Link(portal, token, r.Code), r.Participant is not null ? "used" : r.RevokedUtc is not null ? "revoked" : "unused",
                r.Participant ?? "", r.CreatedUtc.ToString("O", CultureInfo.InvariantCulture)]);
        return Result<string>.Ok(writer.ToString());
    }
}

/// <summary>A recruiting panel's participant ids (Prolific's PROLIFIC_PID, MTurk's workerId, ...) and the name of the
/// link's parameter that carries them.</summary>
public static partial class PanelIds
{
    public const string DefaultParameter = "PROLIFIC_PID";

    public static bool IsValid(string id) => PanelId().IsMatch(id);

    public static bool IsValidParameter(string name) => Parameter().IsMatch(name);

    [GeneratedRegex("^[A-Za-z0-9_.-]{1,64}$")]
    private static partial Regex PanelId();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]{0,31}$")]
    private static partial Regex Parameter();
}

/// <summary>The completion link: an absolute http or https address in which <c>{code}</c> stands for the participant's
/// completion code.</summary>
public static class ReturnUrls
{
    public const string CodePlaceholder = "{code}";

    /// <summary>Null when the template is acceptable, else why not.</summary>
    public static string? Problem(string template)
    {
        if (template.Length > CamReviewDb.ReturnUrlMaxLength) return $"The completion link has at most {CamReviewDb.ReturnUrlMaxLength} characters.";
        var sample = template.Replace(CodePlaceholder, "K7QF-3MZD", StringComparison.Ordinal);
        if (sample.Contains('{') || sample.Contains('}')) return "The completion link may hold only the placeholder {code}.";
        if (!Uri.TryCreate(sample, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || uri.Host.Length == 0 || sample.Any(char.IsWhiteSpace))
            return "The completion link must be a whole http:// or https:// address, such as https://app.prolific.com/submissions/complete?cc={code}.";
        return null;
    }

    public static string? Fill(string? template, string code) =>
        template?.Replace(CodePlaceholder, Uri.EscapeDataString(code), StringComparison.Ordinal);
}
