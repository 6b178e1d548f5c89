using CamReview.Data.Entities;

namespace CamReview.Web.Services;

/// <summary>What pages and the API show of stored things (never the entities themselves).</summary>
public sealed record ProjectSummary(int Id, string Name, string? Description, DateTime CreatedUtc, int TeamId, string TeamName, TeamRole Role, int AssetCount, int PairCount);

public sealed record AssetView(
    int Id, int ProjectId, AssetKind Kind, string DisplayName, string Sha256, long SizeBytes, string MediaType,
    int Width, int Height, int? FrameCount, double? Fps, double? DurationSeconds, string? MethodName, int? PairId,
    string? CreatedBy, DateTime CreatedUtc, long? PlaybackSizeBytes = null, double? PlaybackFps = null, string? PlaybackError = null)
{
    public bool IsVideo => MediaType.StartsWith("video/", StringComparison.Ordinal);
    public string OriginalUrl => $"media/{Id}/original";

    /// <summary>What players play: the browser proxy of a video (made on request when it is not there yet), the
    /// original of an image.</summary>
    public string PlaybackUrl => IsVideo ? $"media/{Id}/playback" : OriginalUrl;

    /// <summary>A video whose proxy is still being made (pages say "preparing playback…").</summary>
    public bool PlaybackPending => IsVideo && PlaybackSizeBytes is null && PlaybackError is null;

    /// <summary>The rate players step frames at: the proxy's constant rate, else the video's.</summary>
    public double? PlayerFps => PlaybackFps ?? Fps;
    public string PosterUrl => $"media/{Id}/poster";
    public string ThumbUrl => $"media/{Id}/thumb";
}

public sealed record PairView(
    int Id, int ProjectId, string Name, int ReferenceAssetId, string ReferenceName, int TargetAssetId, string TargetName,
    int? DepthAssetId, string? DepthName, string? CreatedBy, DateTime CreatedUtc, int OutputCount);

/// <summary>What deleting an asset would also delete. <see cref="Token"/> names exactly these dependents: a delete
/// confirmed with it fails if anything was added meanwhile, so nothing unseen is ever deleted. <see cref="Studies"/>
/// are the studies that show the asset, or a pair or output deleted with it: an open or paused one refuses the
/// deletion (<see cref="Blocking"/>), a draft loses those videos (a dependent to confirm), a closed one keeps its
/// results (the method names are stored with its votes) and is listed for information only.</summary>
public sealed record AssetDependents(AssetView Asset, IReadOnlyList<PairView> Pairs, IReadOnlyList<AssetView> Outputs, IReadOnlyList<StudyUse> Studies, string Token)
{
    public IEnumerable<StudyUse> Blocking => Studies.Where(s => s.IsRunning);
    public IEnumerable<StudyUse> Drafts => Studies.Where(s => s.State == StudyState.Draft);
    public IEnumerable<StudyUse> Closed => Studies.Where(s => s.State == StudyState.Closed);
    public bool IsBlocked => Blocking.Any();
    public bool Any => Pairs.Count > 0 || Outputs.Count > 0 || Drafts.Any();
}

/// <summary>A study that shows an asset (see <see cref="AssetDependents"/>) or of a project to delete.</summary>
public sealed record StudyUse(int Id, string Name, StudyState State)
{
    /// <summary>Open or paused: participants may be taking it, so what it shows stays.</summary>
    public bool IsRunning => State is StudyState.Open or StudyState.Paused;
}

public sealed record TeamSummary(int Id, string Name, TeamRole Role, int MemberCount, int ProjectCount);

public sealed record MemberView(int UserId, string Email, string DisplayName, TeamRole Role, DateTime AddedUtc, bool MustChangePassword);

/// <summary>A team as its members see it; <see cref="Invitations"/> (pending) only for its owners, empty for the others.</summary>
public sealed record TeamDetails(int Id, string Name, TeamRole Role, IReadOnlyList<MemberView> Members, IReadOnlyList<ProjectSummary> Projects,
    IReadOnlyList<InvitationView> Invitations);

/// <summary>An invitation as the team's owners see it.</summary>
public sealed record InvitationView(int Id, int TeamId, string Email, TeamRole Role, string? InvitedBy, DateTime CreatedUtc, DateTime ExpiresUtc);

/// <summary>The answer to an invitation: the same, whether or not an account uses the address.</summary>
public sealed record InvitationSent(string Message, InvitationView Invitation);

/// <summary>An invitation as the invitee sees it.</summary>
public sealed record MyInvitation(int Id, int TeamId, string TeamName, TeamRole Role, string? InvitedBy, DateTime CreatedUtc, DateTime ExpiresUtc);

/// <summary>An account the administrator just created, with its temporary password (shown once, passed on by the
/// administrator; the user must replace it at first sign-in).</summary>
public sealed record CreatedAccount(int Id, string Email, string DisplayName, string TemporaryPassword);

public static class AssetKinds
{
    public static readonly AssetKind[] All = [AssetKind.ReferenceVideo, AssetKind.TargetImage, AssetKind.DepthMap, AssetKind.Output];

    public static bool IsVideo(this AssetKind kind) => kind is AssetKind.ReferenceVideo or AssetKind.Output;

    public static string Label(this AssetKind kind) => kind switch
    {
        AssetKind.ReferenceVideo => "Reference video",
        AssetKind.TargetImage => "Target image",
        AssetKind.DepthMap => "Depth map",
        AssetKind.Output => "Imported output",
        _ => kind.ToString(),
    };

    /// <summary>The heading of a project's assets of this kind: outputs rendered here and imported ones together.</summary>
    public static string Heading(this AssetKind kind) => kind == AssetKind.Output ? "Outputs" : kind.Label() + "s";

    /// <summary>The wire name: reference-video, target-image, depth-map, output.</summary>
    public static string Slug(this AssetKind kind) => kind switch
    {
        AssetKind.ReferenceVideo => "reference-video",
        AssetKind.TargetImage => "target-image",
        AssetKind.DepthMap => "depth-map",
        AssetKind.Output => "output",
        _ => kind.ToString(),
    };

    public static AssetKind? Parse(string? value)
    {
        if (string.IsNullOrWhiteSpace(value)) return null;
        foreach (var kind in All)
            if (value.Equals(kind.Slug(), StringComparison.OrdinalIgnoreCase) || value.Equals(kind.ToString(), StringComparison.OrdinalIgnoreCase))
                return kind;
        return null;
    }
}
