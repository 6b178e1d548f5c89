namespace CamReview.Web;

/// <summary>The portal cannot start on its data folder (e.g. the database file is damaged or not a database). The
/// message says which file, what failed and how to recover; it has been logged already. Entry points print it and
/// exit non-zero instead of a stack trace.</summary>
public sealed class PortalStartupException(string message, Exception inner) : Exception(message, inner)
{
    /// <summary>The exit code of a portal process that did not start (<c>camreview serve</c> and CamReview.Web).</summary>
    public const int ExitCode = 3;
}
