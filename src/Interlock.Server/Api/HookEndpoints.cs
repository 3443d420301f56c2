using System.Text;
using System.Text.Json;
using Interlock.Pipeline;
using Interlock.Actions;
using Interlock.Approvals;
using Interlock.Audit;
using Interlock.Server.Gateway;
using Interlock.Server.Hooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Interlock.Server.Api;

/// <summary>
/// <c>POST /v1/hooks/{claude-code|gemini|cursor}?wait=SECONDS</c>: a coding agent's raw hook payload in, the host's exact
/// reply out, so the hook on the agent's machine only relays bytes (<c>interlock hook --server</c>, <c>hooks/interlock-hook</c>).
/// Every action of the call goes through the same pipeline as <c>/v1/evaluate</c> (decided, gated, audited), plus the
/// hooks' tamper protection. A payload that cannot be decided is a deny in the host's format (200, with a note in the
/// audit log); only authentication, the query and the body size are problem replies, which the callers turn into denies.
/// </summary>
public static class HookEndpoints
{
    /// <summary>Header carrying the agent's home directory (for <c>~</c> and the protected <c>~/.interlock</c>).</summary>
    public const string HomeHeader = "X-Interlock-Home";

    public static void Map(WebApplication app, GatewayServices s) =>
        app.MapPost("/v1/hooks/{host}", (HttpContext c, string host) => HookAsync(c, s, host));

    private static async Task<IResult> HookAsync(HttpContext c, GatewayServices s, string hostName)
    {
        var host = HookHost.ByName(hostName);
        if (host is null) return ApiProblem.NotFound($"no hook host '{hostName}'; use one of {string.Join(", ", HookHost.Names)}");
        var (agent, wait, refused) = await EvaluateEndpoints.AgentCallAsync(c, s).ConfigureAwait(false);
        if (agent is null) return refused!;
        var (payload, tooLarge) = await ReadBodyAsync(c.Request, s.Options.MaxBodyBytes).ConfigureAwait(false);
        if (payload is null) return tooLarge!;

        var home = c.Request.Headers[HomeHeader].ToString() is { Length: > 1 } h && h.StartsWith('/') ? h
            : Environment.GetEnvironmentVariable("HOME") is { Length: > 0 } sh && sh.StartsWith('/') ? sh : "/root";
        HookCall call;
        try
        {
            if (payload.AsSpan().Trim(" \t\r\n"u8).IsEmpty) throw new HookInputException("the hook payload is empty");
            using var doc = JsonDocument.Parse(payload, new JsonDocumentOptions { MaxDepth = 64 });
            call = host.ParsePayload(doc.RootElement, new HookContext(agent.Name, home));
        }
        catch (Exception ex) when (ex is HookInputException or JsonException)
        {
            var why = ex is JsonException ? "the hook payload is not valid JSON: " + ex.Message : ex.Message;
            var reply = HookVerdict.FailClosed(why);
            try
            {
                await s.Audit.AppendAsync(AuditEntry.Note($"denied {host.Name} hook call: {why}", agent.Name), c.RequestAborted).ConfigureAwait(false);
            }
            catch (Exception auditFault) when (auditFault is not OperationCanceledException)
            {
                s.Metrics.RecordAuditFailure();
            }
            return Reply(host.Reply(reply, null));
        }
        if (call.NoOpinion)
            return Reply(host.Reply(new HookReply(HookAnswer.NoOpinion, "Interlock: a tool on the agent's own state; not gated"), call));

        var replies = new List<DecisionReply>(call.Requests.Count);
        var (ticket, busy) = await s.Admission.EnterAsync(agent.Name, c.RequestAborted).ConfigureAwait(false);
        if (ticket is null) return busy!;
        using (ticket)
        {
            foreach (var request in call.Requests)
            {
                var r = await s.Pipeline.DecideAsync(request, agent, TimeSpan.Zero, c.RequestAborted).ConfigureAwait(false);
                if (!r.Recorded) return Unrecorded(r);
                replies.Add(r);
            }
        }
        // Wait only when nothing is denied outright: a deny is final whatever the reviewers say about the rest.
        if (wait > TimeSpan.Zero && replies.All(r => r.Decision.Outcome != Outcome.Deny))
        {
            var deadline = s.Time.GetUtcNow() + wait;
            for (var i = 0; i < replies.Count; i++)
            {
                var remaining = deadline - s.Time.GetUtcNow();
                if (remaining <= TimeSpan.Zero) break;
                replies[i] = await s.Pipeline.AwaitApprovalAsync(replies[i], call.Requests[i], agent, remaining, c.RequestAborted).ConfigureAwait(false);
                if (!replies[i].Recorded) return Unrecorded(replies[i]);
                if (replies[i].Decision.Outcome == Outcome.Deny) break;
            }
        }
        var decisions = replies.Select((r, i) => new HookDecision(call.Requests[i], r.Decision,
            r.Decision.Outcome == Outcome.RequireApproval && r.Approval is { Status: ApprovalStatus.Pending } a ? new PendingApproval(a.Id, ApiViews.ApprovalUrl(s, a.Id)) : null)).ToList();
        return Reply(host.Reply(HookVerdict.Combine(call, decisions, server: true), call));
    }

    private static IResult Reply(string json) => Results.Text(json, "application/json", Encoding.UTF8);

    private static ApiProblem Unrecorded(DecisionReply r) =>
        ApiProblem.Unavailable(DecisionPipeline.AuditUnavailable, new Dictionary<string, object?> { ["decision"] = "deny", ["id"] = r.ActionId, ["reasons"] = r.Decision.Reasons });

    /// <summary>The raw body, any content type (hosts' payloads are relayed as they are), or 413.</summary>
    private static async Task<(byte[]? Body, ApiProblem? Problem)> ReadBodyAsync(HttpRequest request, long maxBytes)
    {
        if (request.ContentLength > maxBytes) return (null, ApiProblem.TooLarge($"the body is {request.ContentLength} bytes; the limit is {maxBytes}"));
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, request.HttpContext.RequestAborted).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > maxBytes) return (null, ApiProblem.TooLarge($"the body is larger than the limit of {maxBytes} bytes"));
            buffer.Write(chunk, 0, read);
        }
        return (buffer.ToArray(), null);
    }
}
