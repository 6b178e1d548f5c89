namespace CamReview.Data.Entities;

/// <summary>A reference video and a target image (and optionally a depth map of the target) in one project:
/// the unit that is rendered, scored and compared.</summary>
public sealed class Pair
{
    public int Id { get; set; }
    public int ProjectId { get; set; }
    public required string Name { get; set; }

    public int ReferenceAssetId { get; set; }
    public int TargetAssetId { get; set; }
    public int? DepthAssetId { get; set; }

    public int? CreatedByUserId { get; set; }
    public User? CreatedBy { get; set; }
    public DateTime CreatedUtc { get; set; }

    public Project Project { get; set; } = null!;
    public Asset ReferenceAsset { get; set; } = null!;
    public Asset TargetAsset { get; set; } = null!;
    public Asset? DepthAsset { get; set; }

    /// <summary>Outputs (imported now, rendered later) of this pair.</summary>
    public List<Asset> Outputs { get; set; } = [];
}
