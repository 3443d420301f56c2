using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Interlock.Actions;
using Interlock.Audit;
using Interlock.Pipeline;

namespace Interlock.Cli.Mcp;

/// <summary>
/// The decisions and audit trail of the proxy's <c>tools/call</c>s. Offline: each call goes through the local pipeline
/// (<see cref="Local.LocalGate"/>: decided, recorded before it is forwarded or refused), and a result record follows when
/// it is settled (answered, refused, or never answered). With <c>--server</c> the gateway decides and records; this
/// posts the upstream's answers to it as results.
/// </summary>
internal sealed class McpCallAudit : IAsyncDisposable
{
    private readonly Local.LocalGate? _local;
    private readonly HttpClient? _server;
    private readonly TextWriter _log;
    private readonly TimeProvider _time;
    /// <summary>Forwarded calls awaiting the upstream's answer, by raw JSON-RPC id.</summary>
    private readonly ConcurrentDictionary<string, Call> _open = new(StringComparer.Ordinal);
    /// <summary>Result posts in flight (server mode), awaited at shutdown so the last answers are not lost.</summary>
    private readonly ConcurrentDictionary<Task, bool> _posting = new();

    private sealed record Call(string ActionId, string Tool, string? Agent);

    private McpCallAudit(Local.LocalGate? local, HttpClient? server, TextWriter log, TimeProvider time)
    {
        _local = local;
        _server = server;
        _log = log;
        _time = time;
    }

    /// <summary>Opens the local pipeline and audit log once for the proxy run; never throws (a log that cannot be written makes every decision a deny).</summary>
    public static async Task<McpCallAudit> OpenAsync(ActionEvaluator evaluator, string dataDirectory, TextWriter log, TimeProvider time)
    {
        var local = await Local.LocalGate.OpenAsync(evaluator, dataDirectory, time, CancellationToken.None, Interlock.Storage.Previews.StandardPreviews.Create(time)).ConfigureAwait(false);
        if (local.Failure is { } why) await log.WriteLineAsync($"interlock mcp-proxy: {why}; no tools/call runs unaudited").ConfigureAwait(false);
        return new McpCallAudit(local, null, log, time);
    }

    /// <summary>Server mode: results go to the gateway through <paramref name="server"/> (authorized as the agent).</summary>
    public static McpCallAudit ForServer(HttpClient server, TextWriter log, TimeProvider time) => new(null, server, log, time);

    /// <summary>
    /// Offline: decides <paramref name="request"/> in the local pipeline, which records the decision before the call is
    /// forwarded or refused (a decision that cannot be recorded is a deny); a refused call gets its <c>not_run</c> result.
    /// </summary>
    public async Task<GateResult> DecideAsync(string key, string tool, ActionRequest request)
    {
        if (_local is null) throw new InvalidOperationException("server mode: the gateway decides (McpServerGate)");
        var reply = await _local.Pipeline.DecideAsync(request, null, CancellationToken.None).ConfigureAwait(false);
        // Unrecorded is a deny (the pipeline's); the refusal names why the log could not be written.
        if (!reply.Recorded) return McpGate.Refuse("(fail closed) " + (_local.Failure ?? ActionPipeline.AuditUnavailable)) with { Document = DecisionDocument.Of(reply) };
        var result = McpGate.Result(DecisionDocument.Of(reply), reply.Evaluation?.Lease);
        var agent = request.Agent ?? "default";
        if (!result.Forward)
        {
            if (reply.Recorded) await AppendResultAsync(AuditEntry.ForResult(reply.ActionId, null, "not_run", detail: $"tool {Name(tool)}: {result.Reason}", agent: agent)).ConfigureAwait(false);
            return result;
        }
        Open(key, new Call(reply.ActionId, tool, agent));
        return result;
    }

    /// <summary>
    /// A call refused before it became an action (malformed params, a batch, no id) or decided by the gateway. Offline,
    /// the refusal is noted in the trail with a <c>not_run</c> result; with <c>--server</c>, an allowed call is opened
    /// under the gateway's action id so its answer is posted as the result.
    /// </summary>
    public async Task<GateResult> DecidedAsync(string key, string tool, GateResult result)
    {
        if (_server is not null)
        {
            if (result.Forward && result.ActionId is { } remoteId) Open(key, new Call(remoteId, tool, null));
            return result;
        }
        if (result.Forward) throw new InvalidOperationException("offline, only the pipeline (DecideAsync) forwards a call");
        var actionId = Pipeline.ActionIds.New();
        if (await _local!.RecordAsync(AuditEntry.Note("denied tools/call: " + result.Reason, "default", null, actionId), CancellationToken.None).ConfigureAwait(false))
            await AppendResultAsync(AuditEntry.ForResult(actionId, null, "not_run", detail: $"tool {Name(tool)}: {result.Reason}", agent: "default")).ConfigureAwait(false);
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
        if (_local is not null) await _local.DisposeAsync().ConfigureAwait(false);
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
        if (_local is null) return;
        if (!await _local.RecordAsync(entry, CancellationToken.None).ConfigureAwait(false))
            await _log.WriteLineAsync($"interlock mcp-proxy: warning: the result of {entry.ActionId} could not be recorded in the audit store").ConfigureAwait(false);
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
