using CamReview.Web.Compare;

namespace CamReview.Web.Components;

/// <summary>The addresses of the portal's pages, relative to the base address (as links and NavigateTo take them); one
/// place, so that a page's route and the links to it cannot drift apart.</summary>
public static class PortalUrls
{
    public const string Home = "";
    public const string Projects = "projects";
    public const string CompareIndex = "compare";
    public const string Studies = "studies";
    public const string Teams = "teams";
    public const string Workers = "workers";
    public const string MetricReference = "help/metrics";
    public const string ChangePassword = "account/password";
    public const string SignOut = "account/logout";
    public const string Health = "health";

    public static string Project(int projectId) => $"projects/{projectId}";

    public static string Pair(int projectId, int pairId) => $"projects/{projectId}/pairs/{pairId}";

    public static string Compare(int projectId, int pairId) => $"{Pair(projectId, pairId)}/compare";

    public static string Leaderboard(int projectId) => $"{Project(projectId)}/leaderboard";

    /// <summary>A project's leaderboard as a file (<paramref name="format"/> csv or tex) over the given pairs (none: every pair).</summary>
    public static string LeaderboardExport(int projectId, string format, IEnumerable<int> pairIds)
    {
        var pairs = string.Join(",", pairIds);
        return $"api/projects/{projectId}/leaderboard.{format}{(pairs.Length > 0 ? "?pairs=" + pairs : "")}";
    }

    public static string Study(int studyId) => $"studies/{studyId}";

    public static string NewStudy(int projectId) => $"studies/new/{projectId}";

    public static string EditStudy(int studyId) => $"studies/{studyId}/edit";

    public static string Team(int teamId) => $"teams/{teamId}";

    /// <summary>A share link's page (the token is the link's secret).</summary>
    public static string Share(string token) => ShareLinkService.ShareUrl(token);

    /// <summary>One metric's entry in the metric reference.</summary>
    public static string Metric(string metricKey) => $"{MetricReference}#{metricKey}";

    /// <summary>The sign-in page, coming back to <paramref name="returnUrl"/> (a local address) afterwards.</summary>
    public static string Login(string returnUrl) => $"account/login?returnUrl={Uri.EscapeDataString(returnUrl)}";

    /// <summary>The password page, coming back to <paramref name="returnUrl"/> (a local address) afterwards.</summary>
    public static string ChangePasswordThen(string returnUrl) => $"{ChangePassword}?returnUrl={Uri.EscapeDataString(returnUrl)}";
}
