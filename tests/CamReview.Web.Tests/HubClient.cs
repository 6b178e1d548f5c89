using System.Net.Http.Json;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace CamReview.Web.Tests;

/// <summary>A minimal SignalR client for the review hub (JSON protocol over a WebSocket, with a session's cookie):
/// what a non-Blazor client (a script, another page) sees.</summary>
public sealed class HubClient : IAsyncDisposable
{
    private const char Separator = '\u001e';
    private readonly ClientWebSocket _socket = new();
    private readonly Queue<JsonElement> _pending = new();
    private int _invocation;

    public static async Task<HubClient> ConnectAsync(PortalClient client, Uri baseAddress, CancellationToken ct)
    {
        using var negotiate = await client.Http.PostAsync("hubs/review/negotiate?negotiateVersion=1", null, ct);
        negotiate.EnsureSuccessStatusCode();
        var token = (await negotiate.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("connectionToken").GetString();
        var hub = new HubClient();
        hub._socket.Options.SetRequestHeader("Cookie", client.Cookies.GetCookieHeader(baseAddress));
        await hub._socket.ConnectAsync(new UriBuilder(baseAddress) { Scheme = "ws", Path = "hubs/review", Query = $"id={token}" }.Uri, ct);
        await hub.SendAsync("""{"protocol":"json","version":1}""", ct);
        await hub.ReceiveAsync(ct); // handshake
        return hub;
    }

    /// <summary>Invokes a hub method and waits for its completion; returns its error, or null.</summary>
    public async Task<string?> InvokeAsync(string method, object[] arguments, CancellationToken ct)
    {
        var id = (++_invocation).ToString();
        await SendAsync(JsonSerializer.Serialize(new { type = 1, invocationId = id, target = method, arguments }), ct);
        while (true)
        {
            var message = await ReceiveAsync(ct);
            if (message.GetProperty("type").GetInt32() == 3 && message.GetProperty("invocationId").GetString() == id)
                return message.TryGetProperty("error", out var error) ? error.GetString() : null;
            if (message.GetProperty("type").GetInt32() == 1) _pending.Enqueue(message);
        }
    }

    /// <summary>The next call of <paramref name="target"/> the server makes on this client: its first argument.</summary>
    public async Task<JsonElement> NextAsync(string target, CancellationToken ct)
    {
        while (true)
        {
            var message = _pending.Count > 0 ? _pending.Dequeue() : await ReceiveAsync(ct);
            if (message.GetProperty("type").GetInt32() == 1 && message.GetProperty("target").GetString() == target)
                return message.GetProperty("arguments")[0];
        }
    }

    /// <summary>Waits until the server closes the connection (messages before that are skipped).</summary>
    public async Task ClosedByServerAsync(CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while ((await _socket.ReceiveAsync(buffer, ct)).MessageType != WebSocketMessageType.Close) { }
        }
        catch (WebSocketException)
        {
            // Aborted rather than closed: closed all the same.
        }
    }

    private async Task SendAsync(string json, CancellationToken ct) =>
        await _socket.SendAsync(Encoding.UTF8.GetBytes(json + Separator), WebSocketMessageType.Text, true, ct);

    private readonly Queue<JsonElement> _received = new();

    private async Task<JsonElement> ReceiveAsync(CancellationToken ct)
    {
        while (_received.Count == 0)
        {
            var buffer = new byte[64 * 1024];
            var text = new StringBuilder();
            WebSocketReceiveResult result;
            do
            {
                result = await _socket.ReceiveAsync(buffer, ct);
                text.Append(Encoding.UTF8.GetString(buffer, 0, result.Count));
            } while (!result.EndOfMessage);
            foreach (var part in text.ToString().Split(Separator, StringSplitOptions.RemoveEmptyEntries))
                _received.Enqueue(JsonDocument.Parse(part).RootElement.Clone());
        }
        return _received.Dequeue();
    }

    public async ValueTask DisposeAsync()
    {
        try { await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, CancellationToken.None); } catch (WebSocketException) { }
        _socket.Dispose();
    }
}
