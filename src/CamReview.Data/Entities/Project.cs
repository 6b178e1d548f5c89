namespace CamReview.Data.Entities;

/// <summary>A team's workspace: reference videos, target images, their pairs and the outputs to compare.</summary>
public sealed class Project
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public DateTime CreatedUtc { get; set; }

    /// <summary>The team whose members may see the project (and, by role, change it).</summary>
    public int TeamId { get; set; }
    public Team Team { get; set; } = null!;

    public List<Asset> Assets { get; set; } = [];
    public List<Pair> Pairs { get; set; } = [];
}
