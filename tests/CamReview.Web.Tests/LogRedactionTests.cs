using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using CamReview.Web.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;

namespace CamReview.Web.Tests;

/// <summary>Every log entry the portal writes, as a provider sees it: category, level, message, structured values and
/// the scopes around it.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    public sealed record Entry(string Category, LogLevel Level, string Message, string Values, string Scopes)
    {
        public string All => $"{Category} {Level}: {Message} | {Values} | {Scopes}";
    }

    private IExternalScopeProvider? _scopes;
    public ConcurrentQueue<Entry> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);
    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;
    public void Dispose() { }

    private sealed class Logger(CapturingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => provider._scopes?.Push(state);
        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var values = state is IEnumerable<KeyValuePair<string, object?>> pairs ? string.Join("; ", pairs.Select(p => $"{p.Key}={p.Value}")) : $"{state}";
            var scopes = new List<string>();
            provider._scopes?.ForEachScope((scope, list) =>
            {
                list.Add(scope is IEnumerable<KeyValuePair<string, object?>> kv ? string.Join("; ", kv.Select(p => $"{p.Key}={p.Value}")) + $" ({scope})" : $"{scope}");
            }, scopes);
            provider.Entries.Enqueue(new Entry(category, logLevel, formatter(state, exception), values, string.Join(" => ", scopes)));
        }
    }
}

/// <summary>The study world with a provider of the test's own that records every entry (Microsoft.AspNetCore's from
/// Debug up, the rest from Information).</summary>
public sealed class LoggedStudyWorld : StudyWorld
{
    public CapturingLoggerProvider Log { get; } = new();

    protected override void Configure(WebApplicationBuilder builder)
    {
        builder.Logging.AddProvider(Log);
        builder.Logging.AddFilter<CapturingLoggerProvider>("Microsoft.AspNetCore", LogLevel.Debug);
    }
}

public sealed class LogRedactionTests(LoggedStudyWorld world) : IClassFixture<LoggedStudyWorld>
{
    [Fact]
    public async Task ShareAndParticipantTokensAppearInNoLogEntryWhileTheRequestsAreStillLogged()
    {
        using var admin = await world.ClientAsync();
        var shareUrl = (await admin.PostJsonOkAsync($"api/pairs/{world.PairId}/share-links", new { label = "logged", expiresInDays = 7, passphrase = "log-safe-phrase" }))
            .GetProperty("url").GetString()!;
        var shareToken = shareUrl[ShareLinkServicePrefix.Length..];
        var (_, studyToken) = await world.OpenStudyAsync("Logged study", trials: 1, attentionChecks: 0);
        world.Log.Entries.Clear();

        // The share link: its page, a wrong and a right passphrase (redirects that name the link), the page, metrics.
        using (var guest = PortalClient.Anonymous(world.BaseAddress))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await guest.Http.GetAsync(shareUrl)).StatusCode);
            Assert.Equal(HttpStatusCode.Redirect, (await UnlockAsync(guest, shareUrl, "not the phrase")).StatusCode);
            Assert.Equal(HttpStatusCode.Redirect, (await UnlockAsync(guest, shareUrl, "log-safe-phrase")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await guest.Http.GetAsync(shareUrl)).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await guest.Http.GetAsync($"{shareUrl}/metrics.json")).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await guest.Http.GetAsync($"{shareUrl}/media/999999/original")).StatusCode);
        }

        // The participant link: the page, joining, the session and one of its videos (an opaque key of its own).
        string participantKey, mediaUrl;
        using (var participant = new Participant(world.BaseAddress, studyToken))
        {
            Assert.Equal(HttpStatusCode.OK, (await participant.Http.GetAsync($"p/{studyToken}")).StatusCode);
            await participant.JoinOkAsync();
            participantKey = participant.Key!;
            mediaUrl = Strings(await participant.SessionAsync()).First(s => s.Contains("/media/", StringComparison.Ordinal));
            using var media = await participant.Http.GetAsync(mediaUrl.TrimStart('/'));
            Assert.Equal(HttpStatusCode.OK, media.StatusCode);
        }
        var mediaKey = mediaUrl.Split("/media/")[1].Split('/')[0];
        // Entries are written as the requests end; the last may still be on its way.
        await Task.Delay(200);

        var entries = world.Log.Entries.ToArray();
        Assert.NotEmpty(entries);
        foreach (var secret in new[] { shareToken, studyToken, mediaKey, participantKey, Uri.EscapeDataString(shareToken) })
        {
            var leaks = entries.Where(e => e.All.Contains(secret, StringComparison.Ordinal)).Select(e => e.All).ToList();
            Assert.True(leaks.Count == 0, $"{secret} is in the log:\n{string.Join("\n", leaks.Take(5))}");
        }

        // Still logged, with the secret replaced: the framework's request log of each address, at Information.
        var requests = entries.Where(e => e.Category == "Microsoft.AspNetCore.Hosting.Diagnostics" && e.Level == LogLevel.Information).Select(e => e.Message).ToList();
        Assert.Contains(requests, m => m.Contains($"GET {world.BaseAddress}share/{LogRedaction.Mark}", StringComparison.Ordinal));
        Assert.Contains(requests, m => m.Contains($"POST {world.BaseAddress}share/{LogRedaction.Mark}/unlock", StringComparison.Ordinal));
        Assert.Contains(requests, m => m.Contains($"GET {world.BaseAddress}p/{LogRedaction.Mark}", StringComparison.Ordinal));
        Assert.Contains(requests, m => m.Contains($"p/{LogRedaction.Mark}/media/{LogRedaction.Mark}", StringComparison.Ordinal));
        Assert.Contains(requests, m => m.Contains($"POST {world.BaseAddress}p/{LogRedaction.Mark}/api/participants", StringComparison.Ordinal));
        // The request scope (RequestPath) around the entries is redacted too.
        Assert.Contains(entries, e => e.Scopes.Contains($"RequestPath=/share/{LogRedaction.Mark}", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("GET http://h/share/abcDEF_-123/media/4/original", "GET http://h/share/[redacted]/media/4/original")]
    [InlineData("/p/tok3n/media/k3y/poster", "/p/[redacted]/media/[redacted]/poster")]
    [InlineData("/account/password?returnUrl=%2Fshare%2Fsecret%3Fx", "/account/password?returnUrl=%2Fshare%2F[redacted]%3Fx")]
    [InlineData("p/tok3n/api/votes", "p/[redacted]/api/votes")]
    [InlineData("with value 'share/tok3n/metrics.json'", "with value 'share/[redacted]/metrics.json'")]
    [InlineData("/map/x/P/tok3n and /api/group/1", "/map/x/P/[redacted] and /api/group/1")]
    [InlineData("/api/pairs/3/share-links and /api/projects/5", "/api/pairs/3/share-links and /api/projects/5")]
    public void RedactReplacesTheSecretSegmentsOnly(string text, string expected) => Assert.Equal(expected, LogRedaction.Redact(text));

    private const string ShareLinkServicePrefix = "share/";

    private static async Task<HttpResponseMessage> UnlockAsync(PortalClient guest, string shareUrl, string passphrase)
    {
        using var locked = await guest.Http.GetAsync(shareUrl);
        var page = await locked.Content.ReadAsStringAsync();
        return await guest.Http.PostAsync($"{shareUrl}/unlock", new FormUrlEncodedContent(
            [new("passphrase", passphrase), new("__RequestVerificationToken", PortalClient.HiddenToken(page))]));
    }

    private static IEnumerable<string> Strings(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => [element.GetString()!],
        JsonValueKind.Array => element.EnumerateArray().SelectMany(Strings),
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => Strings(p.Value)),
        _ => [],
    };
}
