namespace CamReview.Data.Entities;

/// <summary>A render worker registered with the portal: a <c>camreview worker</c> process (or several sharing one
/// token) that leases render jobs over the worker API. Registered by an Owner for the projects of their team, or by
/// the administrator for every team (<see cref="TeamId"/> null). Only the SHA-256 of its token is kept.</summary>
public sealed class RenderWorker
{
    public int Id { get; set; }
    public required string Name { get; set; }

    /// <summary>The team whose render jobs it may take; null: every team's (registered by the administrator).</summary>
    public int? TeamId { get; set; }
    public Team? Team { get; set; }

    /// <summary>The render methods it offers, comma-separated: built-in ones ("homography", "parallax") and names of
    /// external methods.</summary>
    public required string Kinds { get; set; }

    /// <summary>SHA-256 of the token, lower-case hex.</summary>
    public required string TokenHash { get; set; }

    public int? CreatedByUserId { get; set; }
    public User? CreatedBy { get; set; }
    public DateTime CreatedUtc { get; set; }
    public DateTime? LastSeenUtc { get; set; }

    /// <summary>Set when revoked: its token is refused from then on.</summary>
    public DateTime? RevokedUtc { get; set; }
}

/// <summary>A render method that only workers run: a command template with the placeholders {reference}, {target},
/// {trajectory_json} and {output}, each replaced by one argument (no shell). Global: registered by the
/// administrator, because the command runs on the workers' hosts.</summary>
public sealed class ExternalMethod
{
    public int Id { get; set; }

    /// <summary>What the render form and the outputs call it; also the kind workers offer to run it.</summary>
    public required string Name { get; set; }
    public required string CommandTemplate { get; set; }
    public string? Description { get; set; }

    /// <summary>The longest a run may take before the worker stops it and fails the job.</summary>
    public int TimeoutSeconds { get; set; }
    public DateTime CreatedUtc { get; set; }
}
