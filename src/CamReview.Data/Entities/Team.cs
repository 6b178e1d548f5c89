namespace CamReview.Data.Entities;

/// <summary>A group of people who share projects. What each member may do is their <see cref="TeamRole"/>.</summary>
public sealed class Team
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public DateTime CreatedUtc { get; set; }

    public List<TeamMember> Members { get; set; } = [];
    public List<Project> Projects { get; set; } = [];
}

/// <summary>Ordered: each role may do everything the roles below it may.</summary>
public enum TeamRole
{
    /// <summary>Reads everything of the team's projects; changes nothing.</summary>
    Viewer = 1,

    /// <summary>Uploads, creates pairs, starts renders, comments.</summary>
    Reviewer = 2,

    /// <summary>Manages the team's members and projects, deletes.</summary>
    Owner = 3,
}

public sealed class TeamMember
{
    public int TeamId { get; set; }
    public int UserId { get; set; }
    public TeamRole Role { get; set; }
    public DateTime AddedUtc { get; set; }

    public Team Team { get; set; } = null!;
    public User User { get; set; } = null!;
}
