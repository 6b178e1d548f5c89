using System.Collections;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CamReview.Web.Security;

/// <summary>Keeps the secrets that travel in addresses out of the logs: share tokens (<c>/share/{token}</c>), study
/// participant links (<c>/p/{token}</c>) and their media keys (<c>/p/{token}/media/{key}</c>), also percent-encoded (in a
/// <c>returnUrl</c>). Every logger of the portal comes from one factory that wraps the framework's: each message, each of
/// its structured values and each scope (the request path ASP.NET Core puts in its request scope) is redacted before any
/// provider (console, debug, event source, or one added later) sees it, at every level and for every category. The
/// request is still logged, with <c>[redacted]</c> where the secret was ("Request starting HTTP/1.1 GET
/// http://host/share/[redacted]"). Exceptions are passed on as they are.</summary>
public static partial class LogRedaction
{
    public const string Mark = "[redacted]";

    // A path separator, raw or percent-encoded (%2F in a query's returnUrl).
    private const string Slash = "(?:/|%2[Ff])";
    // Where a path segment starts: the text's start, a separator, or anything else that cannot be part of a segment
    // (a quote or a space before a relative path such as the route value "share/{token}").
    private const string SegmentStart = "(?:^|%2[Ff]|[^A-Za-z0-9_.~%-])";
    // A secret runs to the next separator of a path or query, a quote or white space.
    private const string Secret = "[^/?#&%\\s\"'<>]+";

    [GeneratedRegex($"(?<={SegmentStart}(?:share|p){Slash}){Secret}", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TokenSegment();

    [GeneratedRegex($"(?<={SegmentStart}p{Slash}\\[redacted\\]{Slash}media{Slash}){Secret}", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ParticipantMediaKey();

    /// <summary>The text with every secret of an address replaced by <see cref="Mark"/>.</summary>
    public static string Redact(string text)
    {
        if (!MayHoldSecret(text)) return text;
        var redacted = TokenSegment().Replace(text, Mark);
        return ParticipantMediaKey().Replace(redacted, Mark);
    }

    private static bool MayHoldSecret(string text) =>
        text.Contains("share", StringComparison.OrdinalIgnoreCase) || text.Contains("p/", StringComparison.OrdinalIgnoreCase) ||
        text.Contains("p%2F", StringComparison.OrdinalIgnoreCase);

    private static object? RedactValue(object? value) => value switch
    {
        null => null,
        string s => Redact(s),
        PathString or QueryString or Uri or FormattableString => Redact(value.ToString() ?? ""),
        _ => value,
    };

    /// <summary>Wraps the logger factory (call last, after every provider is added).</summary>
    public static void AddLogRedaction(this IServiceCollection services)
    {
        services.Replace(ServiceDescriptor.Singleton<ILoggerFactory>(provider =>
            new RedactingLoggerFactory(ActivatorUtilities.CreateInstance<LoggerFactory>(provider))));
    }

    private sealed class RedactingLoggerFactory(LoggerFactory inner) : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName) => new RedactingLogger(inner.CreateLogger(categoryName));
        public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);
        public void Dispose() => inner.Dispose();
    }

    private sealed class RedactingLogger(ILogger inner) : ILogger
    {
        public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => state switch
        {
            IReadOnlyList<KeyValuePair<string, object?>> values => inner.BeginScope(new RedactedValues(values)),
            string text => inner.BeginScope(Redact(text)),
            _ => inner.BeginScope(state),
        };

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!inner.IsEnabled(logLevel)) return;
            if (state is IReadOnlyList<KeyValuePair<string, object?>> values)
                inner.Log(logLevel, eventId, new RedactedValues(values, Redact(formatter(state, exception))), exception, (s, _) => s.Message);
            else
                inner.Log(logLevel, eventId, state, exception, (s, e) => Redact(formatter(s, e)));
        }
    }

    /// <summary>A message's (or scope's) structured values with their secrets redacted; the message template
    /// ("{OriginalFormat}") is kept as it is, so providers that group by template still can.</summary>
    private sealed class RedactedValues(IReadOnlyList<KeyValuePair<string, object?>> values, string? message = null)
        : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public string Message { get; } = message ?? Redact(values.ToString() ?? "");

        public int Count => values.Count;

        public KeyValuePair<string, object?> this[int index]
        {
            get
            {
                var pair = values[index];
                return pair.Key == "{OriginalFormat}" ? pair : new(pair.Key, RedactValue(pair.Value));
            }
        }

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator()
        {
            for (var i = 0; i < Count; i++) yield return this[i];
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => Message;
    }
}
