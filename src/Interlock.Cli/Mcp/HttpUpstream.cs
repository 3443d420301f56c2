using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Interlock.Cli.Mcp;

/// <summary>
/// A Streamable HTTP MCP server (spec 2025-03-26 / 2025-06-18, "Transports") as the relay's upstream. Each client line
/// is POSTed as received with <c>Accept: application/json, text/event-stream</c>; every JSON-RPC message that comes
/// back (a JSON body, or the <c>data</c> of SSE <c>message</c> events, possibly several per POST) becomes one line for
/// the client. <c>Mcp-Session-Id</c> from the initialize answer and the negotiated <c>MCP-Protocol-Version</c> are sent
/// on every later request; after <c>notifications/initialized</c> is accepted an optional GET stream carries
/// server-initiated messages (405 means the server has none); the session is DELETEd when the client leaves.
/// Failures never hang the client: a request whose POST fails (unreachable, non-2xx, oversized or non-JSON answer, a
/// stream that ends without the response) is answered here with a JSON-RPC error for its id.
/// </summary>
internal sealed class HttpUpstream : IMcpUpstream
{
    private static readonly JsonDocumentOptions Json = new() { MaxDepth = 256 };
    private static readonly MediaTypeWithQualityHeaderValue AcceptJson = new("application/json");
    private static readonly MediaTypeWithQualityHeaderValue AcceptSse = new("text/event-stream");
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan InitializeWait = TimeSpan.FromSeconds(10);

    private readonly Uri _endpoint;
    private readonly TextWriter _log;
    private readonly HttpClient _http;
    /// <summary>Bounded, so a server that floods us waits for the client to read instead of growing our memory.</summary>
    private readonly Channel<Line> _inbox = Channel.CreateBounded<Line>(new BoundedChannelOptions(64) { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    /// <summary>POST exchanges still reading their answer (and the GET stream), so closing can wait for and then cancel them.</summary>
    private readonly ConcurrentDictionary<Task, bool> _inflight = new();
    private volatile string? _sessionId;
    private volatile string? _protocolVersion;
    private Task? _listen;
    private int _listening;

    public HttpUpstream(Uri endpoint, TextWriter log)
    {
        _endpoint = endpoint;
        _log = log;
        // No overall timeout: an SSE answer legitimately stays open as long as a tool runs. Connecting is bounded, and
        // the client leaving cancels everything. Redirects are not followed: a POST must not be replayed elsewhere.
        _http = new HttpClient(new SocketsHttpHandler { ConnectTimeout = TimeSpan.FromSeconds(10), AllowAutoRedirect = false })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    public Task<string?> StartAsync() => Task.FromResult<string?>(null);

    public async Task<Line?> ReadAsync()
    {
        while (await _inbox.Reader.WaitToReadAsync().ConfigureAwait(false))
            if (_inbox.Reader.TryRead(out var line)) return line;
        return null;
    }

    public async Task SendAsync(byte[] line)
    {
        if (_stop.IsCancellationRequested) throw new IOException("the upstream connection is closed");
        var (method, ids) = Describe(line);
        var exchange = ExchangeAsync(line, method, ids);
        Track(exchange);
        // initialize is awaited: its answer carries the session id and protocol version every later request needs.
        // Bounded, so that a server that never answers cannot stop us from reading the client (and seeing it leave).
        if (method == "initialize") await Task.WhenAny(exchange, Task.Delay(InitializeWait, _stop.Token)).ConfigureAwait(false);
    }

    public async Task CloseAsync()
    {
        var posts = _inflight.Keys.Where(t => t != _listen).ToArray();
        await Task.WhenAny(Task.WhenAll(posts), Task.Delay(Grace)).ConfigureAwait(false);
        await _stop.CancelAsync().ConfigureAwait(false);
        await Task.WhenAll(_inflight.Keys).ConfigureAwait(false);
        if (_sessionId is { } session)
        {
            // Ending the session is a courtesy to the server (it may answer 405); it must not hold up our exit.
            using var request = NewRequest(HttpMethod.Delete);
            using var timeout = new CancellationTokenSource(Grace);
            try
            {
                using var _ = await _http.SendAsync(request, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
            {
                await _log.WriteLineAsync($"interlock mcp-proxy: could not end upstream session: {ex.Message}").ConfigureAwait(false);
            }
        }
        _inbox.Writer.TryComplete();
    }

    public void Kill()
    {
        try { _stop.Cancel(); } catch (ObjectDisposedException) { }
        _inbox.Writer.TryComplete();
    }

    public Task<string> StoppedAsync() => Task.FromResult("the upstream connection was closed");

    public async ValueTask DisposeAsync()
    {
        Kill();
        await Task.WhenAll(_inflight.Keys).ConfigureAwait(false);
        _http.Dispose();
        _stop.Dispose();
    }

    private void Track(Task task)
    {
        _inflight[task] = true;
        _ = task.ContinueWith(t => _inflight.TryRemove(t, out _), TaskScheduler.Default);
    }

    /// <summary>The method (of a single message) and the raw ids of the requests in a client line; the line itself is sent as is.</summary>
    private static (string? Method, HashSet<string> Ids) Describe(byte[] line)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        string? method = null;
        try
        {
            using var doc = JsonDocument.Parse(line, Json);
            var root = doc.RootElement;
            foreach (var m in root.ValueKind == JsonValueKind.Array ? root.EnumerateArray() : Enumerable.Repeat(root, 1))
            {
                if (m.ValueKind != JsonValueKind.Object || !m.TryGetProperty("method", out var name)) continue;
                if (root.ValueKind == JsonValueKind.Object && name.ValueKind == JsonValueKind.String) method = name.GetString();
                if (m.TryGetProperty("id", out var id) && id.ValueKind is JsonValueKind.String or JsonValueKind.Number) ids.Add(id.GetRawText());
            }
        }
        catch (JsonException)
        {
            // The relay forwards such lines only when they cannot be a tools/call; the server will answer (or not).
        }
        return (method, ids);
    }

    private HttpRequestMessage NewRequest(HttpMethod method, byte[]? body = null)
    {
        var request = new HttpRequestMessage(method, _endpoint);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
            request.Headers.Accept.Add(AcceptJson);
        }
        request.Headers.Accept.Add(AcceptSse);
        if (_sessionId is { } session) request.Headers.TryAddWithoutValidation("Mcp-Session-Id", session);
        if (_protocolVersion is { } version) request.Headers.TryAddWithoutValidation("MCP-Protocol-Version", version);
        return request;
    }

    /// <summary>One POST and its whole answer; never throws. <paramref name="ids"/> are the requests still owed a response.</summary>
    private async Task ExchangeAsync(byte[] line, string? method, HashSet<string> ids)
    {
        try
        {
            using var request = NewRequest(HttpMethod.Post, line);
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, _stop.Token).ConfigureAwait(false);
            if (method == "initialize" && response.Headers.TryGetValues("Mcp-Session-Id", out var sessions)) _sessionId = sessions.FirstOrDefault();
            if (!response.IsSuccessStatusCode)
            {
                var expired = response.StatusCode == HttpStatusCode.NotFound && _sessionId is not null ? " (the session has ended; reconnect to start a new one)" : "";
                await FailAsync(ids, method, $"the upstream answered HTTP {(int)response.StatusCode}{expired}").ConfigureAwait(false);
                return;
            }
            var type = response.Content.Headers.ContentType?.MediaType;
            if (response.StatusCode == HttpStatusCode.Accepted || (type is null && ids.Count == 0))
            {
                if (method == "notifications/initialized") Listen();
                if (ids.Count > 0) await FailAsync(ids, method, "the upstream accepted the request without answering it").ConfigureAwait(false);
                return;
            }
            var body = await response.Content.ReadAsStreamAsync(_stop.Token).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                if (string.Equals(type, "application/json", StringComparison.OrdinalIgnoreCase))
                {
                    var bytes = await ReadBoundedAsync(body, _stop.Token).ConfigureAwait(false);
                    var error = bytes is null ? $"the upstream's answer is larger than {McpProxyCommand.MaxLineBytes} bytes" : await DeliverAsync(bytes, ids).ConfigureAwait(false);
                    if (error is not null) await FailAsync(ids, method, error).ConfigureAwait(false);
                }
                else if (string.Equals(type, "text/event-stream", StringComparison.OrdinalIgnoreCase))
                {
                    if (await ReadEventsAsync(body, ids).ConfigureAwait(false) is { } error) await FailAsync(ids, method, error).ConfigureAwait(false);
                }
                else
                {
                    await FailAsync(ids, method, $"the upstream answered with content type '{type}'").ConfigureAwait(false);
                    return;
                }
            }
            if (ids.Count > 0) await FailAsync(ids, method, "the upstream ended its answer without a response").ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
            // Closing: the client that was owed an answer is gone.
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
        {
            await FailAsync(ids, method, $"cannot reach the upstream MCP server at {_endpoint}: {ex.Message}").ConfigureAwait(false);
        }
    }

    /// <summary>Server → client messages outside any request (GET); once per session, optional for the server.</summary>
    private void Listen()
    {
        if (Interlocked.Exchange(ref _listening, 1) != 0) return;
        _listen = ListenAsync();
        Track(_listen);
    }

    private async Task ListenAsync()
    {
        try
        {
            using var request = NewRequest(HttpMethod.Get);
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, _stop.Token).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.MethodNotAllowed) return;
            if (!response.IsSuccessStatusCode || !string.Equals(response.Content.Headers.ContentType?.MediaType, "text/event-stream", StringComparison.OrdinalIgnoreCase))
            {
                await _log.WriteLineAsync($"interlock mcp-proxy: the upstream's GET stream answered HTTP {(int)response.StatusCode}; server-initiated messages outside requests are not relayed").ConfigureAwait(false);
                return;
            }
            var body = await response.Content.ReadAsStreamAsync(_stop.Token).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                if (await ReadEventsAsync(body, []).ConfigureAwait(false) is { } error)
                    await _log.WriteLineAsync($"interlock mcp-proxy: the upstream's GET stream: {error}").ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
        {
            await _log.WriteLineAsync($"interlock mcp-proxy: the upstream's GET stream failed: {ex.Message}").ConfigureAwait(false);
        }
    }

    /// <summary>Relays the <c>message</c> events of an SSE body (WHATWG event-stream rules); an error ends the stream early.</summary>
    private async Task<string?> ReadEventsAsync(Stream body, HashSet<string> ids)
    {
        var reader = new LineReader(body, McpProxyCommand.MaxLineBytes);
        var data = new MemoryStream();
        var type = "";
        while (await reader.ReadAsync(_stop.Token).ConfigureAwait(false) is { } line)
        {
            if (line.TooLong) return $"the upstream sent an SSE line over {McpProxyCommand.MaxLineBytes} bytes";
            var text = line.Bytes.AsSpan();
            if (text.EndsWith("\r"u8)) text = text[..^1];
            if (text.IsEmpty)
            {
                if (data.Length > 0 && type is "" or "message")
                {
                    // Data lines are joined with LF; the last one is dropped.
                    var message = data.ToArray().AsSpan(0, (int)data.Length - 1).ToArray();
                    if (await DeliverAsync(message, ids).ConfigureAwait(false) is { } error) return error;
                }
                data.SetLength(0);
                type = "";
                continue;
            }
            if (text[0] == (byte)':') continue;
            var colon = text.IndexOf((byte)':');
            var field = colon < 0 ? text : text[..colon];
            var value = colon < 0 ? [] : text[(colon + 1)..];
            if (value.StartsWith(" "u8)) value = value[1..];
            if (field.SequenceEqual("data"u8))
            {
                if (data.Length + value.Length + 1 > McpProxyCommand.MaxLineBytes) return $"the upstream sent an SSE event over {McpProxyCommand.MaxLineBytes} bytes";
                data.Write(value);
                data.WriteByte((byte)'\n');
            }
            else if (field.SequenceEqual("event"u8)) type = Encoding.UTF8.GetString(value);
        }
        return null;
    }

    /// <summary>Hands one JSON-RPC message to the client as one line; the reason when it is not JSON.</summary>
    private async Task<string?> DeliverAsync(byte[] message, HashSet<string> ids)
    {
        using (var doc = TryParse(message))
        {
            if (doc is null) return "the upstream sent a message that is not JSON";
            foreach (var m in doc.RootElement.ValueKind == JsonValueKind.Array ? doc.RootElement.EnumerateArray() : Enumerable.Repeat(doc.RootElement, 1))
            {
                if (m.ValueKind != JsonValueKind.Object || m.TryGetProperty("method", out _) || !m.TryGetProperty("id", out var id)) continue;
                lock (ids) ids.Remove(id.GetRawText());
                if (m.TryGetProperty("result", out var result) && result.ValueKind == JsonValueKind.Object
                    && result.TryGetProperty("protocolVersion", out var version) && version.ValueKind == JsonValueKind.String && _protocolVersion is null)
                    _protocolVersion = version.GetString();
            }
            // Bytes are forwarded as received; only a message spread over several lines is compacted, since the
            // client's transport is one message per line.
            if (message.AsSpan().IndexOfAny((byte)'\n', (byte)'\r') >= 0)
            {
                using var buffer = new MemoryStream();
                using (var w = new Utf8JsonWriter(buffer)) doc.WriteTo(w);
                message = buffer.ToArray();
            }
        }
        await EmitAsync(message).ConfigureAwait(false);
        return null;
    }

    private static JsonDocument? TryParse(byte[] message)
    {
        try { return JsonDocument.Parse(message, Json); } catch (JsonException) { return null; }
    }

    private async Task EmitAsync(byte[] message)
    {
        try
        {
            await _inbox.Writer.WriteAsync(new Line(message, false), _stop.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is ChannelClosedException or OperationCanceledException)
        {
            // Closing: nobody is reading any more.
        }
    }

    /// <summary>Logs the failure and answers every request still in <paramref name="ids"/> with a JSON-RPC error.</summary>
    private async Task FailAsync(HashSet<string> ids, string? method, string why)
    {
        string[] owed;
        lock (ids)
        {
            owed = [.. ids];
            ids.Clear();
        }
        await _log.WriteLineAsync($"interlock mcp-proxy: {method ?? "message"}: {why}").ConfigureAwait(false);
        foreach (var id in owed) await EmitAsync(Encoding.UTF8.GetBytes(McpProxyCommand.ErrorLine(id, -32603, "Interlock: " + why))).ConfigureAwait(false);
    }

    private static async Task<byte[]?> ReadBoundedAsync(Stream body, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[64 * 1024];
        int n;
        while ((n = await body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + n > McpProxyCommand.MaxLineBytes) return null;
            buffer.Write(chunk, 0, n);
        }
        return buffer.ToArray();
    }
}
