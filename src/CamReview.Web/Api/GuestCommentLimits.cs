using System.Threading.RateLimiting;
using CamReview.Web.Components.Layout;
using CamReview.Web.Security;
using Microsoft.AspNetCore.RateLimiting;

namespace CamReview.Web.Api;

/// <summary>How often guests may comment through share links, with ASP.NET Core's rate limiter: at most
/// <see cref="PerClient"/> comments from one client address (over all links) in <see cref="ClientWindow"/>, and at most
/// <see cref="PerLink"/> on one link (from all addresses together) in <see cref="LinkWindow"/>. The address is counted
/// first, so one address uses up at most its own allowance of a link's. A refused post gets a 429 page with
/// Retry-After; every post counts, whether it was then stored or not. Kept in memory: a restart forgets the counts,
/// and each instance behind a load balancer counts on its own.</summary>
public static class GuestCommentLimits
{
    public const int PerClient = 10;
    public static readonly TimeSpan ClientWindow = TimeSpan.FromMinutes(10);
    public const int PerLink = 60;
    public static readonly TimeSpan LinkWindow = TimeSpan.FromHours(1);

    /// <summary>The metadata that puts an endpoint (the share page's comment form's) under these limits.</summary>
    public sealed class Limited
    {
        public static readonly Limited Instance = new();

        private Limited()
        {
        }
    }

    /// <summary>The limits, beside the other rate limits of the portal (the studies' policies): a global limiter that
    /// limits only endpoints marked <see cref="Limited"/>, and their refusals answered with a page of their own (the
    /// other refusals as before). Configured after everything else, so that it wraps the refusal answer already set.</summary>
    public static IServiceCollection AddGuestCommentLimits(this IServiceCollection services)
    {
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().PostConfigure(limiter =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                Partition(http => "client " + ClientAddress.Of(http), PerClient, ClientWindow),
                Partition(http => "link " + http.GetRouteValue("token"), PerLink, LinkWindow));
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            var others = limiter.OnRejected;
            limiter.OnRejected = (rejected, ct) => IsLimited(rejected.HttpContext) ? Refuse(rejected) : others?.Invoke(rejected, ct) ?? ValueTask.CompletedTask;
        });
        return services;
    }

    private static bool IsLimited(HttpContext http) => http.GetEndpoint()?.Metadata.GetMetadata<Limited>() is not null;

    private static ValueTask Refuse(OnRejectedContext rejected)
    {
        var http = rejected.HttpContext;
        var wait = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : ClientWindow;
        var refusal = new GuessRefusal(
            $"Too many guest comments: at most {PerClient} from one address every {ClientWindow.TotalMinutes:0} minutes, and {PerLink} on one share link " +
            $"an hour. Try again in {GuessRefusal.Minutes(wait)}; nothing was posted.", wait);
        http.Response.Headers.RetryAfter = refusal.RetryAfterSeconds;
        var token = http.GetRouteValue("token") as string ?? "";
        return new ValueTask(Results.Content(
            CompareApi.MessagePage("Too many comments", refusal.Message, CompareApi.ShareAddress(token), "Back to the comparison", "guest-comment-throttled",
                PortalTheme.IsDark(http)),
            "text/html; charset=utf-8", statusCode: StatusCodes.Status429TooManyRequests).ExecuteAsync(http));
    }

    /// <summary>A fixed window per key on the limited endpoint; no limit anywhere else.</summary>
    private static PartitionedRateLimiter<HttpContext> Partition(Func<HttpContext, string> key, int permits, TimeSpan window) =>
        PartitionedRateLimiter.Create<HttpContext, string>(http => !IsLimited(http)
            ? RateLimitPartition.GetNoLimiter("")
            : RateLimitPartition.GetFixedWindowLimiter(key(http), _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = permits, Window = window, QueueLimit = 0, AutoReplenishment = true,
            }));
}
