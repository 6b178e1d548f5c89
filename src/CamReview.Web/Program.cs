using CamReview.Web;

try
{
    await Portal.Build(args).RunAsync();
    return 0;
}
catch (PortalStartupException e)
{
    // Logged already (with what to do); no stack trace for a data folder problem.
    Console.Error.WriteLine($"CamReview did not start: {e.Message}");
    return PortalStartupException.ExitCode;
}
