using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace CamReview.Web.Security;

/// <summary>The headers every response carries (pages, the participant and share pages, JSON, media, static files),
/// set in one place; and which proxies may say what the client's address and scheme were.</summary>
public static class SecurityHeaders
{
    /// <summary>Scripts only from the portal's own files (blazor.web.js, the ES modules, plotly.js; no inline script or
    /// eval); inline styles are allowed because pages and plotly.js set style attributes; images also from data: and
    /// blob: URLs (the plots' PNG export); connections only to the portal itself, which includes the SignalR
    /// websocket on the same host; the portal's pages may only be framed by itself.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; media-src 'self' blob:; " +
        "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'";

    /// <summary>One year; sent only on HTTPS responses, since a browser ignores it over plain HTTP anyway and a loopback
    /// install without TLS must stay reachable.</summary>
    public const string StrictTransportSecurity = "max-age=31536000";

    public static void UseSecurityHeaders(this WebApplication app, PortalOptions options)
    {
        if (ForwardedHeaders(options.ForwardedHeaders) is { } forwarded) app.UseForwardedHeaders(forwarded);
        app.Use((context, next) =>
        {
            // On starting, so that responses written by any later middleware or endpoint carry them too.
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers.ContentSecurityPolicy = ContentSecurityPolicy;
                if (context.Request.IsHttps) headers.StrictTransportSecurity = StrictTransportSecurity;
                return Task.CompletedTask;
            });
            return next(context);
        });
    }

    /// <summary>X-Forwarded-For and X-Forwarded-Proto are believed only from the configured proxies (the framework's
    /// default would believe any loopback client); with none configured they are ignored.</summary>
    private static ForwardedHeadersOptions? ForwardedHeaders(ForwardedHeadersSettings settings)
    {
        if (settings.KnownProxies is not { Length: > 0 } proxies) return null;
        var forwarded = new ForwardedHeadersOptions { ForwardedHeaders = Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedFor | Microsoft.AspNetCore.HttpOverrides.ForwardedHeaders.XForwardedProto };
        forwarded.KnownProxies.Clear();
        forwarded.KnownIPNetworks.Clear();
        foreach (var proxy in proxies.Select(p => p.Trim()).Where(p => p.Length > 0))
        {
            if (proxy.Contains('/')) forwarded.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(proxy));
            else forwarded.KnownProxies.Add(IPAddress.Parse(proxy));
        }
        return forwarded;
    }
}

/// <summary>Reverse proxies in front of the portal (<c>CamReview:ForwardedHeaders:*</c>).</summary>
public sealed class ForwardedHeadersSettings
{
    /// <summary>Addresses (<c>10.0.0.5</c>) or networks (<c>10.0.0.0/8</c>) of the proxies whose X-Forwarded-For and
    /// X-Forwarded-Proto are believed. Empty: those headers are ignored.</summary>
    public string[] KnownProxies { get; set; } = [];

    internal void Validate()
    {
        foreach (var proxy in KnownProxies.Select(p => p.Trim()).Where(p => p.Length > 0))
        {
            var ok = proxy.Contains('/') ? System.Net.IPNetwork.TryParse(proxy, out _) : IPAddress.TryParse(proxy, out _);
            if (!ok) throw new InvalidOperationException($"CamReview:ForwardedHeaders:KnownProxies: \"{proxy}\" is not an IP address or network (10.0.0.5, 10.0.0.0/8).");
        }
    }
}
