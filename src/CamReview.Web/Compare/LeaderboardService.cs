using System.Globalization;
using System.Security.Claims;
using CamReview.Core.Statistics;
using CamReview.Data;
using CamReview.Pipeline.Score;
using CamReview.Web.Authorization;
using CamReview.Web.Services;
using Microsoft.EntityFrameworkCore;

namespace CamReview.Web.Compare;

/// <summary>A scored pair of the project, as the leaderboard's pair selection lists it.</summary>
public sealed record LeaderboardPair(int Id, string Name, int Outputs);

/// <summary>A project's leaderboard over all its scored pairs or a selection of them: the stored scores of the pairs'
/// outputs through <see cref="LeaderboardTables"/> (the same code as <c>camreview eval</c>), with the project's method
/// colours.</summary>
public sealed record ProjectLeaderboard(int ProjectId, string ProjectName, IReadOnlyList<LeaderboardPair> Pairs, IReadOnlySet<int> Selected,
    Leaderboard Board, MethodColours Colours)
{
    /// <summary>The pair a leaderboard pair key names.</summary>
    public LeaderboardPair PairOf(string key) => Pairs.Single(p => p.Id.ToString(CultureInfo.InvariantCulture) == key);
}

/// <summary>Builds a project's leaderboard for a team member, and its CSV and LaTeX exports.</summary>
public sealed class LeaderboardService(IDbContextFactory<CamReviewDb> dbs, AccessService access)
{
    /// <summary>The leaderboard of the project's pairs in <paramref name="pairIds"/> (null or empty: every scored pair;
    /// ids of other projects' pairs select nothing).</summary>
    public async Task<Result<ProjectLeaderboard>> GetAsync(ClaimsPrincipal user, int projectId, IReadOnlyCollection<int>? pairIds, CancellationToken ct = default)
    {
        var allowed = await access.ProjectAsync(user, projectId, Permission.ViewProject, ct);
        if (!allowed.Allowed) return allowed.Deny<ProjectLeaderboard>();
        await using var db = await dbs.CreateDbContextAsync(ct);
        var projectName = await db.Projects.Where(p => p.Id == projectId).Select(p => p.Name).SingleOrDefaultAsync(ct);
        if (projectName is null) return Result<ProjectLeaderboard>.NotFound();
        var scores = await db.OutputScores.AsNoTracking()
            .Where(s => s.Asset.ProjectId == projectId && s.Asset.PairId != null)
            .Select(s => new { PairId = s.Asset.PairId!.Value, PairName = s.Asset.Pair!.Name, Method = s.Asset.MethodName ?? s.Asset.DisplayName, s.ResultJson })
            .ToListAsync(ct);
        var pairs = scores.GroupBy(s => (s.PairId, s.PairName)).Select(g => new LeaderboardPair(g.Key.PairId, g.Key.PairName, g.Count()))
            .OrderBy(p => p.Name, StringComparer.Ordinal).ThenBy(p => p.Id).ToList();
        var selected = pairIds is { Count: > 0 } ? pairIds.Where(id => pairs.Any(p => p.Id == id)).ToHashSet() : pairs.Select(p => p.Id).ToHashSet();
        // Pairs are keyed by id: two pairs may share a name.
        var board = LeaderboardTables.Build(scores.Where(s => selected.Contains(s.PairId))
            .Select(s => new ScoredOutput(s.PairId.ToString(CultureInfo.InvariantCulture), s.Method, StoredScore.Parse(s.ResultJson))));
        return Result<ProjectLeaderboard>.Ok(new ProjectLeaderboard(projectId, projectName, pairs, selected, board,
            new MethodColours(scores.Select(s => s.Method))));
    }

    public static string Latex(ProjectLeaderboard leaderboard) => LeaderboardTables.Latex(leaderboard.Board,
        $"Camera-motion transfer on {leaderboard.ProjectName}: {leaderboard.Board.Rows.Count} methods, {leaderboard.Board.Pairs.Count} pairs.");

    /// <summary>The pair selection of an address's query (<c>pairs=3,5</c>); none: every pair.</summary>
    public static IReadOnlyCollection<int> ParseSelection(string? pairs) =>
        pairs is null ? [] : [.. pairs.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : -1).Where(id => id > 0)];
}
