namespace CamReview.Web.Components.Shared;

public static class SafeUrl
{
    /// <summary>A return address that stays on this site (a path, not "//host" or an absolute URL), else "/".</summary>
    public static string Local(string? url, string fallback = "/") =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) && !url.Any(char.IsControl)
            ? url
            : fallback;
}
