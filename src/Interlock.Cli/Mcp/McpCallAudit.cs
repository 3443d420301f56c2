using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Interlock.Actions;
using Interlock.Audit;
using Interlock.Storage;
using Interlock.Storage.Sqlite;

namespace Interlock.Cli.Mcp;

/// <summary>
/// The audit trail of the proxy's <c>tools/call</c>s. Offline: a decision record before each call is forwarded or
/// refused and a result record when it is settled (answered, refused, or never answered), in the local audit store.
/// With <c>--server</c> the gateway records decisions; this posts the upstream's answers to it as results.
/// </summary>
internal sealed class McpCallAudit : IAsyncDisposable
{
    private readonly IAuditStore? _store;
    private readonly HttpClient? _server;
    private readonly TextWriter _log;
    private readonly TimeProvider _time;
    /// <summary>Forwarded calls awaiting the upstream's answer, by raw JSON-RPC id.</summary>
    private readonly ConcurrentDictionary<string, Call> _open = new(StringComparer.Ordinal);
    /// <summary>Result posts in flight (server mode), awaited at shutdown so the last answers are not lost.</summary>
    private readonly ConcurrentDictionary<Task, bool> _posting = new();

    private sealed record Call(string ActionId, string Tool, string? Agent);

    private McpCallAudit(IAuditStore? store, string? failure, HttpClient? server, TextWriter log, TimeProvider time)
    {
        _store = store;
        Failure = failure;
        _server = server;
        _log = log;
        _time = time;
    }

    /// <summary>Why no call can be audited (the store could not be opened); every <c>tools/call</c> is then refused.</summary>
    public string? Failure { get; }

    /// <summary>Opens the local audit store once for the proxy run; never throws (a failure is <see cref="Failure"/>).</summary>
    public static async Task<McpCallAudit> OpenAsync(string dataDirectory, TextWriter log, TimeProvider time)
    {
        try
        {
            var store = await SqliteAuditStore.OpenAsync(new SqliteAuditStoreOptions { DataDirectory = dataDirectory, Time = time, SharedWriters = true }).ConfigureAwait(false);
            return new McpCallAudit(store, null, null, log, time);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            var why = $"the audit store at {dataDirectory} cannot be opened ({ex.GetType().Name}: {ex.Message}); no tools/call runs unaudited";
            await log.WriteLineAsync("interlock mcp-proxy: " + why).ConfigureAwait(false);
            return new McpCallAudit(null, why, null, log, time);
        }
    }

    /// <summary>Server mode: results go to the gateway through <paramref name="server"/> (authorized as the agent).</summary>
    public static McpCallAudit ForServer(HttpClient server, TextWriter log, TimeProvider time) => new(null, null, server, log, time);

    /// <summary>
    /// Records the decision on one call before it is forwarded or refused. Returns the refusal to send instead when the
    /// call was allowed but its decision could not be recorded (fail closed); otherwise <paramref name="result"/>.
    /// </summary>
    public async Task<GateResult> DecidedAsync(string key, string tool, GateResult result)
    {
        if (_server is not null)
        {
            if (result.Forward && result.ActionId is { } remoteId) Open(key, new Call(remoteId, tool, null));
            return result;
        }
        if (_store is null)
        {
            result.Lease?.Dispose();
            return McpGate.Refuse("(fail closed) " + Failure);
        }
        var actionId = Pipeline.ActionIds.New();
        var agent = result.Evaluation?.Facts.Request.Agent ?? "default";
        try
        {
            // A call refused before it became an action (malformed params) has no evaluation: a note keeps it in the trail.
            await _store.AppendAsync(result.Evaluation is { } e
                ? AuditEntry.ForDecision(e, actionId)
                : AuditEntry.Note("denied tools/call: " + result.Reason, agent, null, actionId)).ConfigureAwait(false);
            if (!result.Forward)
            {
                await _store.AppendAsync(AuditEntry.ForResult(actionId, null, "not_run", detail: $"tool {Name(tool)}: {result.Reason}", agent: agent)).ConfigureAwait(false);
                return result;
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            result.Lease?.Dispose();
            var why = $"the decision could not be recorded in the audit store ({ex.Message}); no tools/call runs unaudited";
            await _log.WriteLineAsync("interlock mcp-proxy: " + why).ConfigureAwait(false);
            return result.Forward ? McpGate.Refuse("(fail closed) " + why) : result;
        }
        Open(key, new Call(actionId, tool, agent));
        return result;
    }

    /// <summary>The upstream answered the request <paramref name="key"/>; a no-op unless it is an audited call.</summary>
    public async Task AnsweredAsync(string key, ReadOnlyMemory<byte> response, bool failed)
    {
        if (!_open.TryRemove(key, out var call)) return;
        var sha = Convert.ToHexStringLower(SHA256.HashData(response.Span));
        var detail = $"tool {Name(call.Tool)}: the upstream answered with {(failed ? "an error" : "a result")} ({response.Length} bytes)";
        if (_server is not null)
        {
            // Not awaited: the relay does not wait on the gateway to pass the answer on.
            var post = PostAsync(call.ActionId, new { exit_code = failed ? 1 : 0, output_sha256 = sha, detail });
            _posting[post] = true;
            _ = post.ContinueWith(t => _posting.TryRemove(t, out _), TaskScheduler.Default);
            return;
        }
        await AppendResultAsync(AuditEntry.ForResult(call.ActionId, failed ? 1 : 0, failed ? "failed" : "succeeded", detail: detail, agent: call.Agent, outputSha256: sha)).ConfigureAwait(false);
    }

    /// <summary>
    /// The client cancelled the call <paramref name="key"/> before it was forwarded: a <c>not_run</c> result (offline; with
    /// <c>--server</c> the gateway is told when it had allowed the call). A no-op for a call that was never opened.
    /// </summary>
    public async Task CancelledAsync(string key)
    {
        if (!_open.TryRemove(key, out var call)) return;
        const string detail = "cancelled by the client";
        if (_server is not null)
        {
            var post = PostAsync(call.ActionId, new { exit_code = 1, detail });
            _posting[post] = true;
            _ = post.ContinueWith(t => _posting.TryRemove(t, out _), TaskScheduler.Default);
            return;
        }
        await AppendResultAsync(AuditEntry.ForResult(call.ActionId, null, "not_run", detail: detail, agent: call.Agent)).ConfigureAwait(false);
    }

    /// <summary>Settles every call still open: the upstream or the client went away before the answer came.</summary>
    public async Task AbandonAllAsync(string why)
    {
        foreach (var key in _open.Keys.ToList())
        {
            if (!_open.TryRemove(key, out var call)) continue;
            var detail = $"tool {Name(call.Tool)}: forwarded, but no answer was relayed: {why}";
            if (_server is not null)
            {
                var post = PostAsync(call.ActionId, new { exit_code = 1, detail });
                _posting[post] = true;
                _ = post.ContinueWith(t => _posting.TryRemove(t, out _), TaskScheduler.Default);
            }
            else await AppendResultAsync(AuditEntry.ForResult(call.ActionId, null, "not_run", detail: detail, agent: call.Agent)).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Task.WhenAny(Task.WhenAll(_posting.Keys), Task.Delay(TimeSpan.FromSeconds(5), _time)).ConfigureAwait(false);
        if (_store is not null) await _store.DisposeAsync().ConfigureAwait(false);
    }

    private void Open(string key, Call call)
    {
        // A client reusing the id of a call still open would leave the first unanswerable; settle it as such.
        if (_open.TryRemove(key, out var earlier))
            _ = AppendResultAsync(AuditEntry.ForResult(earlier.ActionId, null, "not_run", detail: $"tool {Name(earlier.Tool)}: the client reused request id {key} before the answer came", agent: earlier.Agent));
        _open[key] = call;
    }

    private async Task AppendResultAsync(AuditEntry entry)
    {
        if (_store is null) return;
        try
        {
            await _store.AppendAsync(entry).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            await _log.WriteLineAsync($"interlock mcp-proxy: warning: the result of {entry.ActionId} could not be recorded in the audit store ({ex.Message})").ConfigureAwait(false);
        }
    }

    private async Task PostAsync(string actionId, object body)
    {
        try
        {
            using var response = await _server!.PostAsJsonAsync($"v1/actions/{Uri.EscapeDataString(actionId)}/result", body).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
                await _log.WriteLineAsync($"interlock mcp-proxy: warning: the server did not record the result of {actionId} ({(int)response.StatusCode}{Server.Api.ApiProblem.DetailSuffix(await response.Content.ReadAsStringAsync().ConfigureAwait(false))})").ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            await _log.WriteLineAsync($"interlock mcp-proxy: warning: the result of {actionId} could not be sent to the server ({ex.Message})").ConfigureAwait(false);
        }
    }

    /// <summary>The tool a <c>tools/call</c>'s params name, or "" when they name none.</summary>
    public static string ToolName(JsonElement? parameters) =>
        parameters is { ValueKind: JsonValueKind.Object } p && p.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : "";

    private static string Name(string tool) => tool.Length > 0 ? $"'{tool}'" : "(unnamed)";
}
