using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace Interlock.Cli.Mcp;

/// <summary>The relay itself: two pumps, one upstream, one lock around our stdout.</summary>
internal sealed class McpProxy(McpGate gate, IMcpUpstream upstream, Stream clientIn, Stream clientOut, TextWriter log, McpCallAudit audit, McpServerGate? remote = null)
{
    private readonly SemaphoreSlim _outLock = new(1, 1);
    /// <summary>
    /// Lines for the upstream, written in order by one task (<see cref="WriteUpstreamAsync"/>), so the client pump keeps
    /// reading, and sees a cancel, while the upstream is slow to take a line. Bounded: a stuck upstream still stops us
    /// reading the client once it is full.
    /// </summary>
    private readonly Channel<Outgoing> _outbox = Channel.CreateBounded<Outgoing>(new BoundedChannelOptions(64) { SingleReader = true });
    private volatile bool _upstreamBroken;
    private Task? _writer;
    /// <summary>Gated requests not yet written to the upstream (being decided, or queued), by raw id: a cancel withholds them.</summary>
    private readonly ConcurrentDictionary<string, Held> _held = new(StringComparer.Ordinal);
    /// <summary>Cancels calls still waiting on the gateway when the client goes away.</summary>
    private readonly CancellationTokenSource _closing = new();
    private readonly ConcurrentDictionary<Task, bool> _deciding = new();
    /// <summary>Client requests forwarded and not yet answered, by raw id; the value holds a constraint lease, if any.</summary>
    private readonly ConcurrentDictionary<string, IDisposable?> _pending = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _toolLists = new(StringComparer.Ordinal);

    public async Task<int> RunAsync()
    {
        if (await upstream.StartAsync().ConfigureAwait(false) is { } failure)
        {
            await log.WriteLineAsync("interlock mcp-proxy: " + failure).ConfigureAwait(false);
            return McpProxyCommand.UpstreamFailed;
        }
        int signalled = 0;
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, ctx =>
        {
            ctx.Cancel = true;
            signalled = 143;
            upstream.Kill();
        });
        using var intr = PosixSignalRegistration.Create(PosixSignal.SIGINT, ctx =>
        {
            ctx.Cancel = true;
            signalled = 130;
            upstream.Kill();
        });
        using var hup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, ctx =>
        {
            ctx.Cancel = true;
            signalled = 129;
            upstream.Kill();
        });

        var upstreamPump = Task.Run(PumpUpstreamAsync);
        _writer = Task.Run(WriteUpstreamAsync);
        var clientPump = Task.Run(PumpClientAsync);

        var first = await Task.WhenAny(upstreamPump, clientPump).ConfigureAwait(false);
        int code;
        if (first == clientPump && await clientPump.ConfigureAwait(false))
        {
            await upstream.CloseAsync().ConfigureAwait(false);
            var upstreamOk = await upstreamPump.ConfigureAwait(false);
            await audit.AbandonAllAsync("the client closed the session and the upstream ended before answering").ConfigureAwait(false);
            code = upstreamOk ? 0 : McpProxyCommand.UpstreamFailed;
        }
        else
        {
            // The server ended or broke the protocol while the client is still here.
            await upstreamPump.ConfigureAwait(false);
            var how = await upstream.StoppedAsync().ConfigureAwait(false);
            await FailPendingAsync("the upstream MCP server exited or sent invalid data").ConfigureAwait(false);
            await audit.AbandonAllAsync("the upstream MCP server exited or sent invalid data before answering").ConfigureAwait(false);
            await log.WriteLineAsync("interlock mcp-proxy: " + how).ConfigureAwait(false);
            code = McpProxyCommand.UpstreamFailed;
        }
        return signalled != 0 ? signalled : code;
    }

    /// <summary>Server → client. Returns false when the server sent something that is not JSON-RPC (the relay stops).</summary>
    private async Task<bool> PumpUpstreamAsync()
    {
        try
        {
            while (await upstream.ReadAsync().ConfigureAwait(false) is { } line)
            {
                List<(string Key, byte[] Bytes, bool Failed)> answered;
                if (line.TooLong)
                {
                    await log.WriteLineAsync($"interlock mcp-proxy: the upstream server sent a line over {McpProxyCommand.MaxLineBytes} bytes").ConfigureAwait(false);
                    return false;
                }
                if (line.Bytes.AsSpan().Trim(" \t\r"u8).IsEmpty) continue;
                try
                {
                    using var doc = JsonDocument.Parse(line.Bytes, new JsonDocumentOptions { MaxDepth = 256 });
                    answered = Observe(doc.RootElement, line.Bytes);
                }
                catch (JsonException)
                {
                    await log.WriteLineAsync("interlock mcp-proxy: the upstream server wrote a line that is not JSON").ConfigureAwait(false);
                    return false;
                }
                foreach (var (key, bytes, failed) in answered) await audit.AnsweredAsync(key, bytes, failed).ConfigureAwait(false);
                await SendAsync(line.Bytes).ConfigureAwait(false);
            }
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>
    /// Settles pending requests from responses and learns tool annotations from <c>tools/list</c> results. Returns the
    /// responses (raw id, their bytes, whether they report failure) for the audit, which knows which ones are calls.
    /// </summary>
    private List<(string Key, byte[] Bytes, bool Failed)> Observe(JsonElement message, byte[] bytes)
    {
        var answered = new List<(string, byte[], bool)>();
        if (message.ValueKind == JsonValueKind.Array)
        {
            foreach (var m in message.EnumerateArray()) answered.AddRange(Observe(m, Encoding.UTF8.GetBytes(m.GetRawText())));
            return answered;
        }
        if (message.ValueKind != JsonValueKind.Object || message.TryGetProperty("method", out _) || !message.TryGetProperty("id", out var id)) return answered;
        var key = id.GetRawText();
        if (_pending.TryRemove(key, out var lease)) lease?.Dispose();
        var hasResult = message.TryGetProperty("result", out var result);
        if (_toolLists.TryRemove(key, out _) && hasResult) gate.LearnTools(result);
        var failed = !hasResult || message.TryGetProperty("error", out _)
            || (result.ValueKind == JsonValueKind.Object && result.TryGetProperty("isError", out var isError) && isError.ValueKind == JsonValueKind.True);
        answered.Add((key, bytes, failed));
        return answered;
    }

    /// <summary>Client → server; returns when the client closes stdin.</summary>
    private async Task<bool> PumpClientAsync()
    {
        var reader = new LineReader(clientIn, McpProxyCommand.MaxLineBytes);
        try
        {
            while (await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false) is { } line)
            {
                if (line.TooLong)
                {
                    await SendAsync(McpProxyCommand.ErrorLine("null", -32600, $"Interlock: message larger than {McpProxyCommand.MaxLineBytes} bytes was dropped")).ConfigureAwait(false);
                    continue;
                }
                if (await HandleClientLineAsync(line.Bytes).ConfigureAwait(false))
                    await ForwardAsync(line.Bytes).ConfigureAwait(false);
            }
        }
        catch (IOException)
        {
            // The server's stdin is gone: the server died; handled like the upstream pump ending.
            return false;
        }
        finally
        {
            // Calls the gateway is deciding get a moment to be answered; those still waiting for a reviewer are then
            // abandoned with the client that sent them.
            var deciding = Task.WhenAll(_deciding.Keys);
            await Task.WhenAny(deciding, Task.Delay(TimeSpan.FromSeconds(2))).ConfigureAwait(false);
            await _closing.CancelAsync().ConfigureAwait(false);
            await deciding.ConfigureAwait(false);
            // Everything queued reaches the upstream before it is told the client is gone.
            _outbox.Writer.TryComplete();
            await _writer!.ConfigureAwait(false);
        }
        return true;
    }

    /// <summary>One line for the upstream; <see cref="Call"/> is the gated request it carries, written only if not cancelled by then.</summary>
    private sealed record Outgoing(byte[] Line, string? Key, Held? Call);

    /// <summary>
    /// A gated request on its way to the upstream. <see cref="State"/>: 0 held, 1 forwarded, 2 cancelled, changed once by
    /// compare-and-swap, so a request is either written or withheld, never both.
    /// </summary>
    private sealed class Held(bool decided)
    {
        public readonly CancellationTokenSource Cancel = new();
        public int State;
        /// <summary>1 once the decision is made (server mode decides off the pump); until then the deciding task settles a cancel.</summary>
        public int Decided = decided ? 1 : 0;
        public int Settled;
        /// <summary>The approval request the call waits on (server mode), withdrawn when the call is cancelled.</summary>
        public volatile string? Approval;

        public bool IsCancelled => Volatile.Read(ref State) == 2;
    }

    /// <summary>Queues a line for the upstream; throws <see cref="IOException"/> once the upstream is gone.</summary>
    private async Task ForwardAsync(byte[] line, string? key = null, Held? call = null)
    {
        if (_upstreamBroken) throw new IOException("the upstream MCP server is gone");
        try
        {
            await _outbox.Writer.WriteAsync(new Outgoing(line, key, call)).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            throw new IOException("the relay is closing");
        }
    }

    /// <summary>Writes queued lines in order; a gated request the client cancelled meanwhile is skipped (settled by the cancel).</summary>
    private async Task WriteUpstreamAsync()
    {
        await foreach (var next in _outbox.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            if (next.Call is { } call)
            {
                if (Interlocked.CompareExchange(ref call.State, 1, 0) != 0) continue;
                _held.TryRemove(new KeyValuePair<string, Held>(next.Key!, call));
            }
            if (_upstreamBroken) continue;
            try
            {
                await upstream.SendAsync(next.Line).ConfigureAwait(false);
            }
            catch (IOException)
            {
                // The server's stdin is gone: it died; its pump reports that. Later lines are dropped, not waited on.
                _upstreamBroken = true;
            }
        }
    }

    /// <summary>
    /// <c>notifications/cancelled</c> for a gated request not yet forwarded: withholds it (true). Otherwise false, and
    /// the notification goes to the upstream as any other (it was forwarded, or is unknown to us).
    /// </summary>
    private async Task<bool> WithheldAsync(JsonElement message)
    {
        if (!message.TryGetProperty("method", out var method) || method.ValueKind != JsonValueKind.String || !method.ValueEquals("notifications/cancelled"u8)
            || !message.TryGetProperty("params", out var p) || p.ValueKind != JsonValueKind.Object
            || !p.TryGetProperty("requestId", out var id) || id.ValueKind is not (JsonValueKind.String or JsonValueKind.Number))
            return false;
        var key = id.GetRawText();
        if (!_held.TryGetValue(key, out var call) || Interlocked.CompareExchange(ref call.State, 2, 0) != 0) return false;
        await call.Cancel.CancelAsync().ConfigureAwait(false);
        // Still being decided (server mode): the deciding task settles it once the gateway call has stopped.
        if (Volatile.Read(ref call.Decided) == 1) await SettleCancelledAsync(key, call).ConfigureAwait(false);
        return true;
    }

    /// <summary>Records a request withheld because the client cancelled it, and withdraws its pending approval; once.</summary>
    private async Task SettleCancelledAsync(string key, Held call)
    {
        if (Interlocked.Exchange(ref call.Settled, 1) != 0) return;
        _held.TryRemove(new KeyValuePair<string, Held>(key, call));
        if (_pending.TryRemove(key, out var lease)) lease?.Dispose();
        var what = "cancelled by the client before it was forwarded; not forwarded";
        if (remote is not null && call.Approval is { } approval) what += "; " + await remote.WithdrawAsync(approval).ConfigureAwait(false);
        await audit.CancelledAsync(key).ConfigureAwait(false);
        await log.WriteLineAsync($"interlock mcp-proxy: {key}: {what}").ConfigureAwait(false);
    }

    /// <summary>
    /// Server mode: decides one <c>tools/call</c> off the client pump (a call waiting for a reviewer must not hold up
    /// other messages), then forwards it or answers it with the refusal. Never throws.
    /// </summary>
    private async Task DecideRemotelyAsync(McpServerGate server, byte[] bytes, string key, string method, JsonElement? parameters, string? progressToken, Held call)
    {
        try
        {
            var step = 0;
            Func<string, Task>? progress = progressToken is null ? null : message => SendAsync(McpProxyCommand.ProgressLine(progressToken, ++step, message));
            GateResult? result = null;
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(_closing.Token, call.Cancel.Token);
            try
            {
                result = await server.DecideAsync(parameters, progress, stop.Token, method, id => call.Approval = id).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!call.IsCancelled)
            {
                _held.TryRemove(new KeyValuePair<string, Held>(key, call));
                return;
            }
            catch (OperationCanceledException)
            {
                // Cancelled by the client: settled below.
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                result = new GateResult(false, $"Interlock denied this call (fail closed): internal error: {ex.GetType().Name}", Actions.Outcome.Deny, null);
            }
            if (result is not null)
            {
                // An allowed call used its approval: nothing is left to withdraw.
                if (result.Forward) call.Approval = null;
                result = await audit.DecidedAsync(key, AuditName(method, parameters), result).ConfigureAwait(false);
            }
            // Paired with WithheldAsync: whichever of the two sees the other's mark settles a cancel, and at least one does.
            Interlocked.Exchange(ref call.Decided, 1);
            if (call.IsCancelled || result is null)
            {
                result?.Lease?.Dispose();
                await SettleCancelledAsync(key, call).ConfigureAwait(false);
                return;
            }
            if (!result.Forward)
            {
                _held.TryRemove(new KeyValuePair<string, Held>(key, call));
                await log.WriteLineAsync($"interlock mcp-proxy: {key}: {result.Reason}").ConfigureAwait(false);
                await SendAsync(RefusalLine(method, key, result)).ConfigureAwait(false);
                return;
            }
            _pending[key] = null;
            await ForwardAsync(bytes, key, call).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The upstream is gone; its pump reports that and fails what is pending.
        }
    }

    /// <summary>Whether to forward the line unchanged; otherwise it was answered (or dropped) here.</summary>
    private async Task<bool> HandleClientLineAsync(byte[] bytes)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(bytes, ClientJson);
            if (Actions.JsonText.FirstInvalid(doc.RootElement) is not null)
            {
                doc.Dispose();
                throw new JsonException("a string is not valid Unicode (an unpaired surrogate escape)");
            }
        }
        // Duplicate keys the parser cannot compare (unpaired surrogates in them) surface as InvalidOperationException.
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            // Not JSON to us: harmless to pass on, unless the server's parser might still read a tools/call in it (the
            // name spelled out, or hidden behind escapes such as "tools\/call" in a message too deep for us).
            if (bytes.AsSpan().IndexOf("tools/call"u8) < 0 && bytes.AsSpan().IndexOf("resources/"u8) < 0 && bytes.AsSpan().IndexOf((byte)'\\') < 0) return true;
            await SendAsync(McpProxyCommand.ErrorLine("null", -32700, "Interlock: parse error; a line that is not valid JSON (or repeats a key) and may be a tools/call or resources/read is not forwarded")).ConfigureAwait(false);
            return false;
        }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind == JsonValueKind.Array)
            {
                // JSON-RPC batches (MCP 2025-03-26 only): a batch holding a gated request is refused as a whole.
                if (!root.EnumerateArray().Any(m => Gated(m) is not null))
                {
                    foreach (var m in root.EnumerateArray()) Track(m);
                    return true;
                }
                foreach (var m in root.EnumerateArray())
                {
                    if (Gated(m) is { } gated)
                        await audit.DecidedAsync("", AuditName(gated, m.TryGetProperty("params", out var bp) ? bp : null), McpGate.Refuse($"a batch that contains {gated}")).ConfigureAwait(false);
                    if (m.ValueKind == JsonValueKind.Object && m.TryGetProperty("id", out var bid) && m.TryGetProperty("method", out _))
                        await SendAsync(McpProxyCommand.ErrorLine(bid.GetRawText(), -32600, "Interlock: batches that contain tools/call, resources/read or resources/subscribe are not forwarded; send it on its own")).ConfigureAwait(false);
                }
                return false;
            }
            if (await WithheldAsync(root).ConfigureAwait(false)) return false;
            if (Gated(root) is not { } method)
            {
                Track(root);
                return true;
            }
            if (!root.TryGetProperty("id", out var id) || id.ValueKind is not (JsonValueKind.String or JsonValueKind.Number))
            {
                await log.WriteLineAsync($"interlock mcp-proxy: dropped a {method} without a valid id").ConfigureAwait(false);
                await audit.DecidedAsync("", AuditName(method, root.TryGetProperty("params", out var np) ? np : null), McpGate.Refuse($"a {method} without a string or number id")).ConfigureAwait(false);
                if (root.TryGetProperty("id", out var badId))
                    await SendAsync(McpProxyCommand.ErrorLine("null", -32600, $"Interlock: {method} needs a string or number id")).ConfigureAwait(false);
                return false;
            }
            if (remote is not null)
            {
                JsonElement? parameters = root.TryGetProperty("params", out var rp) ? rp.Clone() : null;
                var held = new Held(decided: false);
                _held[id.GetRawText()] = held;
                var task = DecideRemotelyAsync(remote, bytes, id.GetRawText(), method, parameters, ProgressToken(parameters), held);
                _deciding[task] = true;
                _ = task.ContinueWith(t => _deciding.TryRemove(t, out _), TaskScheduler.Default);
                return false;
            }
            var key = id.GetRawText();
            JsonElement? callParams = root.TryGetProperty("params", out var p) ? p : null;
            var name = AuditName(method, callParams);
            GateResult result;
            try
            {
                var (request, _, refusal) = gate.Request(callParams, method);
                result = request is null ? await audit.DecidedAsync(key, name, refusal!).ConfigureAwait(false)
                    : await audit.DecideAsync(key, name, request).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                result = await audit.DecidedAsync(key, name, McpGate.Refuse($"(fail closed) internal error: {ex.GetType().Name}")).ConfigureAwait(false);
            }
            if (!result.Forward)
            {
                await log.WriteLineAsync($"interlock mcp-proxy: {key}: {result.Reason}").ConfigureAwait(false);
                await SendAsync(RefusalLine(method, key, result)).ConfigureAwait(false);
                return false;
            }
            _pending[key] = result.Lease;
            var queued = new Held(decided: true);
            _held[key] = queued;
            await ForwardAsync(bytes, key, queued).ConfigureAwait(false);
            return false;
        }
    }

    /// <summary>The raw JSON of <c>params._meta.progressToken</c> (a string or a number), when the client asked for progress.</summary>
    private static string? ProgressToken(JsonElement? parameters) =>
        parameters is { ValueKind: JsonValueKind.Object } p && p.TryGetProperty("_meta", out var meta) && meta.ValueKind == JsonValueKind.Object
        && meta.TryGetProperty("progressToken", out var token) && token.ValueKind is JsonValueKind.String or JsonValueKind.Number
            ? token.GetRawText() : null;

    /// <summary>Duplicate keys are refused so that we and the server cannot read different methods or arguments.</summary>
    private static readonly JsonDocumentOptions ClientJson = new() { MaxDepth = 256, AllowDuplicateProperties = false };

    /// <summary>
    /// The gated method a message calls: <c>tools/call</c>, or a resource read (<c>resources/read</c>, and
    /// <c>resources/subscribe</c>, whose updates the client reads the same way); null for everything else.
    /// </summary>
    private static string? Gated(JsonElement m) =>
        m.ValueKind != JsonValueKind.Object || !m.TryGetProperty("method", out var method) || method.ValueKind != JsonValueKind.String ? null
        : method.ValueEquals("tools/call"u8) ? "tools/call"
        : method.ValueEquals("resources/read"u8) ? "resources/read"
        : method.ValueEquals("resources/subscribe"u8) ? "resources/subscribe"
        : null;

    /// <summary>What the audit names: the tool of a call, the method and URI of a resource read.</summary>
    private static string AuditName(string method, JsonElement? parameters) =>
        method == "tools/call" ? McpCallAudit.ToolName(parameters)
        : parameters is { ValueKind: JsonValueKind.Object } p && p.TryGetProperty("uri", out var uri) && uri.ValueKind == JsonValueKind.String ? $"{method} {uri.GetString()}"
        : method;

    /// <summary>
    /// A refused tools/call is a tool error the model can read (<c>isError</c>); a refused resource read has no such
    /// result shape, so it is a JSON-RPC error naming the reason.
    /// </summary>
    /// The decision document rides along (<c>_meta</c> of the result, <c>data</c> of the error) for clients that read it.
    private static string RefusalLine(string method, string key, GateResult result) =>
        method == "tools/call" ? McpProxyCommand.DeniedLine(key, result.Reason, result.Document)
        : McpProxyCommand.ErrorLine(key, McpProxyCommand.Refused, result.Reason, result.Document);

    /// <summary>Remembers a forwarded request so it can be failed if the server dies, and tools/list ids to learn annotations.</summary>
    private void Track(JsonElement m)
    {
        if (m.ValueKind != JsonValueKind.Object || !m.TryGetProperty("method", out var method) || !m.TryGetProperty("id", out var id)) return;
        var key = id.GetRawText();
        _pending[key] = null;
        if (method.ValueKind == JsonValueKind.String && method.ValueEquals("tools/list"u8)) _toolLists[key] = true;
    }

    private async Task FailPendingAsync(string why)
    {
        foreach (var key in _pending.Keys.ToList())
        {
            if (!_pending.TryRemove(key, out var lease)) continue;
            lease?.Dispose();
            await SendAsync(McpProxyCommand.ErrorLine(key, -32603, "Interlock: " + why)).ConfigureAwait(false);
        }
    }

    private Task SendAsync(string line) => SendAsync(Encoding.UTF8.GetBytes(line));

    private async Task SendAsync(byte[] line)
    {
        await _outLock.WaitAsync().ConfigureAwait(false);
        try
        {
            await clientOut.WriteAsync(line).ConfigureAwait(false);
            clientOut.WriteByte((byte)'\n');
            await clientOut.FlushAsync().ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The client is gone; the client pump ends on its own.
        }
        finally
        {
            _outLock.Release();
        }
    }
}
