namespace CamReview.Web.Accounts;

/// <summary>Unattended first start: with <c>CamReview:Admin:Email</c> and <c>CamReview:Admin:Password</c> set (for
/// example as CAMREVIEW__ADMIN__EMAIL / CAMREVIEW__ADMIN__PASSWORD), the administrator is created at start when
/// there is no account yet, instead of by the /setup page. Ignored once accounts exist.</summary>
public static class AdminBootstrap
{
    public const string Section = "CamReview:Admin";

    public static async Task RunAsync(IConfiguration configuration, AccountService accounts, ILogger log, CancellationToken ct = default)
    {
        var section = configuration.GetSection(Section);
        var email = section["Email"];
        var password = section["Password"];
        if (string.IsNullOrWhiteSpace(email) && string.IsNullOrEmpty(password)) return;
        if (await accounts.HasUsersAsync(ct))
        {
            log.LogInformation("{Section} is set but accounts exist already: ignored", Section);
            return;
        }
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password))
            throw new InvalidOperationException($"{Section}: set both Email and Password to create the administrator, or neither.");
        var result = await accounts.CreateAdministratorAsync(email, section["DisplayName"] ?? "Administrator", password, section["Team"], ct);
        if (!result.Succeeded && result.Status != Services.ResultStatus.Conflict)
            throw new InvalidOperationException($"{Section}: {result.Error}");
    }
}
