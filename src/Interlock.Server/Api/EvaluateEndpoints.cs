using System.Globalization;
using System.Text.Json;
using Interlock.Pipeline;
using Interlock.Actions;
using Interlock.Audit;
using Interlock.Identity;
using Interlock.Risk;
using Interlock.Server.Gateway;
using Interlock.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Interlock.Server.Api;

/// <summary><c>POST /v1/evaluate</c>, <c>POST /v1/plans</c> and <c>POST /v1/actions/{id}/result</c>: what agents call.</summary>
public static class EvaluateEndpoints
{
    /// <summary>Fields an action may carry over HTTP (the agent's identity comes from its token, never from the body).</summary>
    public static readonly string[] ActionFields = ["id", "command", "cwd", "tool", "path", "topic", "risk_tags", "arguments", "session", "source", "home", "content", "content_sha256", "method", "url", "headers", "body"];

    public const int MaxPlanSteps = 100;

    public static void Map(WebApplication app, GatewayServices s)
    {
        app.MapPost("/v1/evaluate", (Delegate)((HttpContext c) => EvaluateAsync(c, s)));
        app.MapPost("/v1/plans", (Delegate)((HttpContext c) => PlanAsync(c, s)));
        app.MapPost("/v1/actions/{id}/result", (HttpContext c, string id) => ResultAsync(c, s, id));
    }

    /// <summary>The <c>?wait=SECONDS</c> of a request, bounded by the server's maximum.</summary>
    private static (TimeSpan Wait, ApiProblem? Problem) ParseWait(HttpRequest request, GatewayServices s)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(s);
        var text = request.Query["wait"].ToString();
        if (text.Length == 0) return (TimeSpan.Zero, null);
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
            return (default, ApiProblem.BadRequest($"query 'wait' must be a whole number of seconds, got '{text}'"));
        var wait = TimeSpan.FromSeconds(seconds);
        return (wait > s.Options.MaxWait ? s.Options.MaxWait : wait, null);
    }

    /// <summary>The calling agent and its <c>?wait=</c>, or the 401/403/400 that refuses the call.</summary>
    public static async Task<(Principal? Agent, TimeSpan Wait, IResult? Problem)> AgentCallAsync(HttpContext c, GatewayServices s)
    {
        ArgumentNullException.ThrowIfNull(c);
        ArgumentNullException.ThrowIfNull(s);
        var (agent, denied) = await s.AuthorizeAsync(c, Role.Agent).ConfigureAwait(false);
        if (agent is null) return (null, default, denied);
        var (wait, waitProblem) = ParseWait(c.Request, s);
        return waitProblem is null ? (agent, wait, null) : (null, default, waitProblem);
    }

    /// <summary>An action from a JSON object, with unknown fields and wrong types reported by name.</summary>
    public static (ActionRequest? Request, ApiProblem? Problem) ParseAction(JsonElement obj, string where = "")
    {
        if (obj.ValueKind != JsonValueKind.Object) return (null, ApiProblem.BadRequest($"{where}an action must be a JSON object"));
        if (ApiJson.UnknownField(obj, ActionFields) is { } unknown) return (null, ApiProblem.BadRequest(where + unknown.Detail));
        var (request, error) = ActionJson.Parse(obj, "/", null);
        return request is null ? (null, ApiProblem.BadRequest(where + error)) : (request, null);
    }

    private static async Task<IResult> EvaluateAsync(HttpContext c, GatewayServices s)
    {
        var (agent, wait, refused) = await AgentCallAsync(c, s).ConfigureAwait(false);
        if (agent is null) return refused!;
        var (doc, problem) = await ApiJson.ReadObjectAsync(c.Request, s.Options.MaxBodyBytes).ConfigureAwait(false);
        if (doc is null) return problem!;
        using (doc)
        {
            var (request, bad) = ParseAction(doc.RootElement);
            if (request is null) return bad!;
            var (ticket, busy) = await s.Admission.EnterAsync(agent.Name, c.RequestAborted).ConfigureAwait(false);
            if (ticket is null) return busy!;
            DecisionReply reply;
            // Only the analysis holds the agent's slot; waiting for a reviewer costs no work and holds none.
            using (ticket) reply = await s.Pipeline.DecideAsync(request, agent, TimeSpan.Zero, c.RequestAborted).ConfigureAwait(false);
            reply = await s.Pipeline.AwaitApprovalAsync(reply, request, agent, wait, c.RequestAborted).ConfigureAwait(false);
            var view = ApiViews.Decision(s, reply, request.Id);
            if (!reply.Recorded)
                return ApiProblem.Unavailable(DecisionPipeline.AuditUnavailable, new Dictionary<string, object?> { ["decision"] = "deny", ["id"] = reply.ActionId, ["reasons"] = reply.Decision.Reasons });
            return ApiJson.Ok(view);
        }
    }

    private static async Task<IResult> PlanAsync(HttpContext c, GatewayServices s)
    {
        var (agent, wait, refused) = await AgentCallAsync(c, s).ConfigureAwait(false);
        if (agent is null) return refused!;
        var (doc, problem) = await ApiJson.ReadObjectAsync(c.Request, s.Options.MaxBodyBytes).ConfigureAwait(false);
        if (doc is null) return problem!;
        using (doc)
        {
            var root = doc.RootElement;
            if (ApiJson.UnknownField(root, "steps", "session") is { } unknown) return unknown;
            var (session, sp) = ApiJson.OptionalString(root, "session");
            if (sp is not null) return sp;
            if (!root.TryGetProperty("steps", out var stepsEl) || stepsEl.ValueKind != JsonValueKind.Array)
                return ApiProblem.BadRequest("field 'steps' must be an array of actions");
            var steps = new List<ActionRequest>();
            var i = 0;
            foreach (var step in stepsEl.EnumerateArray())
            {
                i++;
                var (request, bad) = ParseAction(step, $"steps[{i - 1}]: ");
                if (request is null) return bad!;
                steps.Add(request);
            }
            if (steps.Count == 0) return ApiProblem.BadRequest("field 'steps' is empty; a plan has at least one action");
            if (steps.Count > MaxPlanSteps) return ApiProblem.BadRequest($"a plan has at most {MaxPlanSteps} steps; this one has {steps.Count}");
            var (ticket, busy) = await s.Admission.EnterAsync(agent.Name, c.RequestAborted).ConfigureAwait(false);
            if (ticket is null) return busy!;
            PlanReply reply;
            // A plan's ?wait happens inside the pipeline, so a waiting plan holds its slot until it is answered.
            using (ticket) reply = await s.Pipeline.DecidePlanAsync(steps, agent, session, wait, c.RequestAborted).ConfigureAwait(false);
            if (!reply.Recorded)
                return ApiProblem.Unavailable(DecisionPipeline.AuditUnavailable, new Dictionary<string, object?> { ["decision"] = "deny", ["id"] = reply.PlanId });
            var d = reply.Decision;
            return ApiJson.Ok(new ApiViews.PlanView(reply.PlanId, d.Outcome.WireName(), d.Tier.WireName(), d.Reasons, d.Rules, d.PolicyHash,
                reply.Steps.Select((r, n) => ApiViews.Decision(s, r, steps[n].Id)).ToList(), reply.Approval is { } a ? ApiViews.Link(s, a) : null)
            {
                Unit = new DecisionDocument
                {
                    Id = reply.PlanId, Decision = d, BlastRadius = reply.BlastRadius,
                    Previews = [.. reply.Steps.SelectMany(r => r.Evaluation?.Previews ?? [])],
                },
            });
        }
    }

    /// <summary>The outcome a decision record carries (its <see cref="DecisionDocument"/>), or null when it has none.</summary>
    private static string? DecidedOutcome(AuditRecord record) =>
        DecisionDocumentJson.Read(record.Entry.Payload)?.Decision.Outcome.WireName();

    private static readonly string[] RollbackStates = ["none", "available", "done", "failed", "not_possible"];

    private static async Task<IResult> ResultAsync(HttpContext c, GatewayServices s, string id)
    {
        var (agent, denied) = await s.AuthorizeAsync(c, Role.Agent).ConfigureAwait(false);
        if (agent is null) return denied!;
        var (doc, problem) = await ApiJson.ReadObjectAsync(c.Request, s.Options.MaxBodyBytes).ConfigureAwait(false);
        if (doc is null) return problem!;
        using (doc)
        {
            var root = doc.RootElement;
            if (ApiJson.UnknownField(root, "exit_code", "output_sha256", "rollback", "detail") is { } unknown) return unknown;
            if (!root.TryGetProperty("exit_code", out var exitEl) || exitEl.ValueKind != JsonValueKind.Number || !exitEl.TryGetInt32(out var exitCode))
                return ApiProblem.BadRequest("field 'exit_code' is required and must be an integer");
            var (sha, p1) = ApiJson.OptionalString(root, "output_sha256", 64);
            if (p1 is not null) return p1;
            if (sha is not null && !AuditCanonical.IsHash(sha)) return ApiProblem.BadRequest("field 'output_sha256' must be 64 lowercase hex digits");
            var (rollback, p2) = ApiJson.OptionalString(root, "rollback", 64);
            if (p2 is not null) return p2;
            rollback ??= "none";
            if (Array.IndexOf(RollbackStates, rollback) < 0) return ApiProblem.BadRequest($"field 'rollback' must be one of {string.Join(", ", RollbackStates)}; got '{rollback}'");
            var (detail, p3) = ApiJson.OptionalString(root, "detail", 2000);
            if (p3 is not null) return p3;

            var decided = await s.Audit.LastDecisionAsync(id, c.RequestAborted).ConfigureAwait(false);
            // Another agent's action is as unknown as a missing one: its existence is not ours to reveal.
            if (decided is null || decided.Entry.Agent != agent.Name) return ApiProblem.NotFound($"no action '{id}' of agent '{agent.Name}'");
            // Only an action that was let through can have run: a result for a denied or still-unapproved one would put a
            // "succeeded" in the log for something Interlock refused.
            var outcome = DecidedOutcome(decided);
            if (outcome is not ("allow" or "allow_with_constraints"))
                return ApiProblem.Conflict($"action '{id}' was decided {outcome ?? "(unreadable)"} (sequence {decided.Sequence}); a result is recorded only for an action that was allowed");
            var earlier = await s.Audit.QueryAsync(new AuditQuery { ActionId = id, Kind = AuditKind.Result, Limit = 1 }, c.RequestAborted).ConfigureAwait(false);
            if (earlier.Count > 0) return ApiProblem.Conflict($"a result for action '{id}' is already recorded (sequence {earlier[0].Sequence})");
            var record = await s.Audit.AppendAsync(AuditEntry.ForResult(id, exitCode, exitCode == 0 ? "succeeded" : "failed", rollback, detail, agent.Name, decided.Entry.Session, sha), c.RequestAborted).ConfigureAwait(false);
            s.Leases.Release(id);
            return ApiJson.Ok(new { action_id = id, sequence = record.Sequence, hash = record.Hash }, 201);
        }
    }
}
