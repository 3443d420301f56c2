using System.Collections.Concurrent;
using System.CommandLine;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Interlock.Server.Hooks;
using Interlock.Server.Policies;

namespace Interlock.Cli.Mcp;

/// <summary>
/// <c>interlock mcp-proxy [--policy FILE] [--agent ID] [--server-id NAME] [--data DIR] (--upstream URL | -- UPSTREAM…)</c>: a transparent
/// relay between an MCP client (our stdin/stdout) and an upstream MCP server (a child process, or a Streamable HTTP
/// endpoint, see <see cref="HttpUpstream"/>). MCP's stdio transport is
/// newline-delimited JSON-RPC 2.0 (spec, "Transports": messages are delimited by newlines and must not contain embedded
/// newlines). Every line passes unchanged, except client→server <c>tools/call</c> requests, which are decided first: allowed
/// ones are forwarded byte for byte, the rest are answered here with a <c>CallToolResult</c>
/// (<c>{"content":[{"type":"text","text":…}],"isError":true}</c>) and never reach the server. Every call and its outcome
/// is audited (<see cref="McpCallAudit"/>).
/// Exit: 0 when the client closed stdin and the server then exited; 1 on a usage or policy error; 2 when the upstream
/// died or broke the protocol (pending requests get JSON-RPC errors first); 143 on SIGTERM. The child never outlives us.
/// </summary>
internal static class McpProxyCommand
{
    public const int MaxLineBytes = 4 * 1024 * 1024;
    public const int UpstreamFailed = 2;
    /// <summary>JSON-RPC error code (server-defined range) of a request Interlock refused, other than a tools/call.</summary>
    public const int Refused = -32001;
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Command Create()
    {
        var policy = new Option<string?>("--policy") { Description = "Policy file (YAML). Default: the built-in policies/default.yaml." };
        var agent = new Option<string?>("--agent") { Description = "Agent identity the policy's scopes apply to. Default: mcp." };
        var serverId = new Option<string?>("--server-id") { Description = "Server name in tool ids (mcp__NAME__tool) that policies and scopes match. Default: upstream." };
        var server = new Option<string?>("--server") { Description = "Ask the Interlock gateway at this URL for each tools/call (it waits for reviewers and audits); token from --token-env." };
        var tokenEnv = new Option<string>("--token-env") { Description = "Environment variable holding the agent token for --server.", DefaultValueFactory = _ => "INTERLOCK_TOKEN" };
        var wait = new Option<int>("--wait") { Description = "With --server: seconds a tools/call may wait for a reviewer's approval (progress notifications are sent meanwhile when the client asks for them).", DefaultValueFactory = _ => 50 };
        var upstreamUrl = new Option<string?>("--upstream") { Description = "Relay to this Streamable HTTP MCP endpoint (e.g. http://127.0.0.1:3000/mcp) instead of a command after '--'." };
        var data = new Option<string?>("--data") { Description = "Data directory whose audit.db records every tools/call and its outcome (offline mode). Default: $XDG_STATE_HOME/interlock or ~/.local/state/interlock." };
        var upstream = new Argument<string[]>("upstream") { Description = "The upstream MCP server command, after '--'.", Arity = ArgumentArity.ZeroOrMore };
        var cmd = new Command("mcp-proxy", "Relay a stdio or Streamable HTTP MCP server, deciding every tools/call with the policy before the server sees it.")
        {
            policy, agent, serverId, server, tokenEnv, wait, upstreamUrl, data, upstream,
        };
        cmd.SetAction(async (parse, cancellationToken) =>
        {
            var words = parse.GetValue(upstream) ?? [];
            var endpoint = parse.GetValue(upstreamUrl);
            if ((words.Length == 0) == (endpoint is null))
            {
                var what = words.Length == 0 ? "no upstream server" : "give either --upstream URL or -- COMMAND, not both";
                await Console.Error.WriteLineAsync($"interlock mcp-proxy: {what}; usage: interlock mcp-proxy [--policy FILE] [--agent ID] [--server-id NAME] [--data DIR | --server URL] (--upstream URL | -- COMMAND...)").ConfigureAwait(false);
                return 1;
            }
            Uri? endpointUri = null;
            if (endpoint is not null && (!Uri.TryCreate(endpoint, UriKind.Absolute, out endpointUri) || endpointUri.Scheme is not ("http" or "https")))
            {
                await Console.Error.WriteLineAsync($"interlock mcp-proxy: --upstream '{endpoint}' is not an http(s) URL").ConfigureAwait(false);
                return 1;
            }
            await using IMcpUpstream up = endpointUri is not null ? new HttpUpstream(endpointUri, Console.Error) : new StdioUpstream(words, parse.GetValue(tokenEnv)!);
            var policyPath = parse.GetValue(policy);
            var home = Environment.GetEnvironmentVariable("HOME") is { Length: > 0 } h && h.StartsWith('/') ? h : "/root";
            var id = parse.GetValue(serverId) ?? "upstream";
            if (parse.GetValue(server) is { } url)
            {
                if (policyPath is not null || parse.GetValue(agent) is not null || parse.GetValue(data) is not null)
                {
                    await Console.Error.WriteLineAsync("interlock mcp-proxy: with --server the server's policy decides, audits, and the token names the agent; drop --policy, --agent and --data").ConfigureAwait(false);
                    return 1;
                }
                if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                {
                    await Console.Error.WriteLineAsync($"interlock mcp-proxy: --server '{url}' is not an http(s) URL").ConfigureAwait(false);
                    return 1;
                }
                // A missing token is not a start-up error: every tools/call is then refused with the reason (fail closed),
                // while the rest of the protocol keeps working.
                var token = Environment.GetEnvironmentVariable(parse.GetValue(tokenEnv)!) ?? "";
                var local = new McpGate(null, SelfProtection.Local(home, null), id, null, Environment.CurrentDirectory, home);
                using var remote = new McpServerGate(local, uri, token, parse.GetValue(wait));
                await using var results = McpCallAudit.ForServer(remote.Http, Console.Error, TimeProvider.System);
                var relay = new McpProxy(local, up, Console.OpenStandardInput(), Console.OpenStandardOutput(), Console.Error, results, remote);
                return await relay.RunAsync().ConfigureAwait(false);
            }
            var stack = PolicySource.Load(policyPath, Console.Error);
            if (stack is null) return 1;
            var gate = new McpGate(new Actions.ActionEvaluator(stack), SelfProtection.Local(home, policyPath), id, parse.GetValue(agent) ?? "mcp", Environment.CurrentDirectory, home);
            // Opened once for the run; a store that cannot be opened refuses every tools/call (see McpCallAudit.Failure).
            await using var audit = await McpCallAudit.OpenAsync(Path.GetFullPath(parse.GetValue(data) ?? Exec.ExecCommand.DefaultDataDirectory()), Console.Error, TimeProvider.System).ConfigureAwait(false);
            var proxy = new McpProxy(gate, up, Console.OpenStandardInput(), Console.OpenStandardOutput(), Console.Error, audit);
            return await proxy.RunAsync().ConfigureAwait(false);
        });
        return cmd;
    }

    internal static string ErrorLine(string idRaw, int code, string message) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("jsonrpc", "2.0");
        w.WritePropertyName("id");
        w.WriteRawValue(idRaw);
        w.WriteStartObject("error");
        w.WriteNumber("code", code);
        w.WriteString("message", message);
        w.WriteEndObject();
        w.WriteEndObject();
    });

    /// <summary>An MCP <c>notifications/progress</c> for <paramref name="tokenRaw"/> (raw JSON of the client's token).</summary>
    internal static string ProgressLine(string tokenRaw, int progress, string message) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("jsonrpc", "2.0");
        w.WriteString("method", "notifications/progress");
        w.WriteStartObject("params");
        w.WritePropertyName("progressToken");
        w.WriteRawValue(tokenRaw);
        w.WriteNumber("progress", progress);
        w.WriteString("message", message);
        w.WriteEndObject();
        w.WriteEndObject();
    });

    internal static string DeniedLine(string idRaw, string text) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("jsonrpc", "2.0");
        w.WritePropertyName("id");
        w.WriteRawValue(idRaw);
        w.WriteStartObject("result");
        w.WriteStartArray("content");
        w.WriteStartObject();
        w.WriteString("type", "text");
        w.WriteString("text", text);
        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteBoolean("isError", true);
        w.WriteEndObject();
        w.WriteEndObject();
    });

    private static string Write(Action<Utf8JsonWriter> body)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, WriterOptions)) body(w);
        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}

/// <summary>The relay itself: two pumps, one upstream, one lock around our stdout.</summary>
internal sealed class McpProxy(McpGate gate, IMcpUpstream upstream, Stream clientIn, Stream clientOut, TextWriter log, McpCallAudit audit, McpServerGate? remote = null)
{
    private readonly SemaphoreSlim _outLock = new(1, 1);
    /// <summary>Server mode forwards decided calls from their own tasks, so writes to the upstream are serialized.</summary>
    private readonly SemaphoreSlim _upLock = new(1, 1);
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
        }
        return true;
    }

    private async Task ForwardAsync(byte[] line)
    {
        await _upLock.WaitAsync().ConfigureAwait(false);
        try
        {
            await upstream.SendAsync(line).ConfigureAwait(false);
        }
        finally
        {
            _upLock.Release();
        }
    }

    /// <summary>
    /// Server mode: decides one <c>tools/call</c> off the client pump (a call waiting for a reviewer must not hold up
    /// other messages), then forwards it or answers it with the refusal. Never throws.
    /// </summary>
    private async Task DecideRemotelyAsync(McpServerGate server, byte[] bytes, string key, string method, JsonElement? parameters, string? progressToken)
    {
        try
        {
            var step = 0;
            Func<string, Task>? progress = progressToken is null ? null : message => SendAsync(McpProxyCommand.ProgressLine(progressToken, ++step, message));
            GateResult result;
            try
            {
                result = await server.DecideAsync(parameters, progress, _closing.Token, method).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                result = new GateResult(false, $"Interlock denied this call (fail closed): internal error: {ex.GetType().Name}", Actions.Outcome.Deny, null);
            }
            result = await audit.DecidedAsync(key, AuditName(method, parameters), result).ConfigureAwait(false);
            if (!result.Forward)
            {
                await log.WriteLineAsync($"interlock mcp-proxy: {key}: {result.Reason}").ConfigureAwait(false);
                await SendAsync(RefusalLine(method, key, result.Reason)).ConfigureAwait(false);
                return;
            }
            _pending[key] = null;
            await ForwardAsync(bytes).ConfigureAwait(false);
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
                var task = DecideRemotelyAsync(remote, bytes, id.GetRawText(), method, parameters, ProgressToken(parameters));
                _deciding[task] = true;
                _ = task.ContinueWith(t => _deciding.TryRemove(t, out _), TaskScheduler.Default);
                return false;
            }
            GateResult result;
            try
            {
                result = gate.Decide(root.TryGetProperty("params", out var p) ? p : null, method);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                result = new GateResult(false, $"Interlock denied this call (fail closed): internal error: {ex.GetType().Name}", Actions.Outcome.Deny, null);
            }
            var key = id.GetRawText();
            result = await audit.DecidedAsync(key, AuditName(method, root.TryGetProperty("params", out var tp) ? tp : null), result).ConfigureAwait(false);
            if (!result.Forward)
            {
                await log.WriteLineAsync($"interlock mcp-proxy: {key}: {result.Reason}").ConfigureAwait(false);
                await SendAsync(RefusalLine(method, key, result.Reason)).ConfigureAwait(false);
                return false;
            }
            _pending[key] = result.Lease;
            return true;
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
    private static string RefusalLine(string method, string key, string reason) =>
        method == "tools/call" ? McpProxyCommand.DeniedLine(key, reason) : McpProxyCommand.ErrorLine(key, McpProxyCommand.Refused, reason);

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
