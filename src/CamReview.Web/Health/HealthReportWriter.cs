using System.Text.Json;
using CamReview.Web.Accounts;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CamReview.Web.Health;

/// <summary>/health as JSON. Anyone (monitors, load balancers) gets the overall status only:
/// <c>{"status": "Healthy" | "Degraded" | "Unhealthy"}</c>, HTTP 200 unless Unhealthy (503). A signed-in
/// administrator also gets one entry per check with its description and data (database file, migrations, integrity,
/// missing media, native libraries and the ONNX Runtime session provider): nothing of that is for strangers.</summary>
public static class HealthReportWriter
{
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static HealthCheckOptions Options { get; } = new() { ResponseWriter = WriteAsync };

    public static bool IsAdministrator(HttpContext context) => context.User.HasClaim(CamReviewClaims.Administrator, "true");

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        object body = IsAdministrator(context)
            ? new
            {
                status = report.Status.ToString(),
                entries = report.Entries.ToDictionary(e => e.Key, e => new
                {
                    status = e.Value.Status.ToString(),
                    description = e.Value.Description,
                    data = e.Value.Data,
                }),
            }
            : new { status = report.Status.ToString() };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, Json));
    }
}
