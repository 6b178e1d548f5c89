using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace CamReview.Web.Tests;

/// <summary>An HTTP session against the portal, like a browser's without the browser: cookies kept, redirects not
/// followed (so they can be asserted), signed in through the real sign-in form. Once signed in, its unsafe requests
/// to /api carry the session's antiforgery token in the header, as the portal's pages do (unless the request has
/// <see cref="WithoutToken"/> set, or a token header of its own).</summary>
public sealed partial class PortalClient : IDisposable
{
    public const string AntiforgeryHeader = "RequestVerificationToken";

    /// <summary>Set on a request (<c>request.Options.Set(PortalClient.WithoutToken, true)</c>) to send it without the token.</summary>
    public static readonly HttpRequestOptionsKey<bool> WithoutToken = new("camreview-test-without-token");

    private string? _token;
    private bool _signedIn;

    private PortalClient(Uri baseAddress)
    {
        Cookies = new CookieContainer();
        Http = new HttpClient(new TokenHandler(this) { InnerHandler = new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false } })
        {
            BaseAddress = baseAddress,
        };
    }

    private sealed class TokenHandler(PortalClient client) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            var method = request.Method;
            var unsafeMethod = method != HttpMethod.Get && method != HttpMethod.Head && method != HttpMethod.Options;
            if (client._signedIn && unsafeMethod && request.RequestUri is { IsAbsoluteUri: true } uri && uri.AbsolutePath.StartsWith("/api/", StringComparison.Ordinal)
                && !request.Headers.Contains(AntiforgeryHeader) && !(request.Options.TryGetValue(WithoutToken, out var without) && without))
            {
                // A session that may not open the projects page (a temporary password) has no token to send.
                try { request.Headers.Add(AntiforgeryHeader, await client.AntiforgeryTokenAsync()); }
                catch (HttpRequestException) { }
            }
            return await base.SendAsync(request, ct);
        }
    }

    public HttpClient Http { get; }
    public CookieContainer Cookies { get; }

    public static PortalClient Anonymous(Uri baseAddress) => new(baseAddress);

    public static async Task<PortalClient> SignInAsync(Uri baseAddress, string email, string password)
    {
        var client = new PortalClient(baseAddress);
        using var response = await client.PostFormAsync("account/login", "login",
            new() { ["Input.Email"] = email, ["Input.Password"] = password });
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"signing in as {email}: {response.StatusCode}");
        client._signedIn = true;
        return client;
    }

    /// <summary>Posts a server-rendered form the way a browser does: with the antiforgery token of the page and
    /// the form's name, to the page itself or to the form's <paramref name="action"/>.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string path, string formName, Dictionary<string, string> fields, string? action = null)
    {
        // A form may come with an error status (the passphrase form of a share link answers 401), as in a browser.
        using var get = await Http.GetAsync(path);
        var page = await get.Content.ReadAsStringAsync();
        var content = new Dictionary<string, string>(fields) { ["_handler"] = formName, ["__RequestVerificationToken"] = HiddenToken(page) };
        return await Http.PostAsync(action ?? path, new FormUrlEncodedContent(content));
    }

    /// <summary>The antiforgery token of this session (from the sign-out form every signed-in page has).</summary>
    public async Task<string> AntiforgeryTokenAsync() => _token ??= HiddenToken(await Http.GetStringAsync("projects"));

    public async Task<HttpResponseMessage> UploadAsync(int projectId, string kind, byte[] content, string fileName,
        Dictionary<string, string>? fields = null, bool withToken = true)
    {
        using var form = new MultipartFormDataContent();
        form.Add(new StringContent(kind), "kind");
        foreach (var (name, value) in fields ?? []) form.Add(new StringContent(value), name);
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        form.Add(file, "file", fileName);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/projects/{projectId}/assets") { Content = form };
        if (withToken) request.Headers.Add(AntiforgeryHeader, await AntiforgeryTokenAsync());
        else request.Options.Set(WithoutToken, true);
        return await Http.SendAsync(request);
    }

    public async Task<JsonElement> UploadOkAsync(int projectId, string kind, byte[] content, string fileName, Dictionary<string, string>? fields = null)
    {
        using var response = await UploadAsync(projectId, kind, content, fileName, fields);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, $"upload of {fileName}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public async Task<JsonElement> PostJsonOkAsync(string path, object body)
    {
        using var response = await Http.PostAsJsonAsync(path, body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {path}: {(int)response.StatusCode} {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    public static async Task<string> ErrorOf(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/json", $"expected a JSON error, got {response.Content.Headers.ContentType}: {text}");
        return JsonDocument.Parse(text).RootElement.GetProperty("error").GetString()!;
    }

    public static string HiddenToken(string html)
    {
        var match = TokenInput().Match(html);
        Assert.True(match.Success, "the page has no antiforgery token");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenInput();

    public void Dispose() => Http.Dispose();
}
