using System.Diagnostics;
using Interlock.Actions;
using Interlock.Approvals;
using Interlock.Audit;
using Interlock.Identity;
using Interlock.Risk;
using Interlock.Server.Approvals;
using Interlock.Server.Metrics;
using Interlock.Server.Policies;
using Interlock.Storage;

namespace Interlock.Server.Gateway;

/// <summary>One decided action as the server returns it: its id, the final decision, the evaluation, and the approval request.</summary>
public sealed record DecisionReply(string ActionId, Decision Decision, Evaluation? Evaluation, ApprovalRequest? Approval, bool Recorded);

/// <summary>A decided plan: every step's reply, the combined decision and the one approval request covering it.</summary>
public sealed record PlanReply(string PlanId, Decision Decision, IReadOnlyList<DecisionReply> Steps, ApprovalRequest? Approval, bool Recorded);

/// <summary>
/// The server's path for an action: Analyze, Score and Decide (<see cref="ActionEvaluator"/>), Gate
/// (<see cref="ApprovalService"/>), then Record: the decision's audit record is durable before the reply is
/// returned, and when it can't be written the reply is a deny. Any fault along the way is a deny, never an allow.
/// </summary>
public sealed class DecisionPipeline(PolicyHolder policy, ApprovalService approvals, IAuditStore audit, GatewayMetrics metrics, ConcurrencyLeases leases)
{
    public const string AuditUnavailable = "the audit log could not record this decision, and nothing is decided without a record";

    /// <summary>
    /// Decides one action for an agent principal, waiting up to <paramref name="wait"/> for a reviewer when approval is
    /// needed. <paramref name="guard"/> is an adapter's extra check on the analyzed facts (the hooks' tamper protection):
    /// it may only make the decision stricter, and runs before the gate so a vetoed action opens no approval.
    /// </summary>
    public async Task<DecisionReply> DecideAsync(ActionRequest request, Principal agent, TimeSpan wait, CancellationToken cancellationToken, Func<ActionFacts, Decision, Decision>? guard = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(agent);
        var started = Stopwatch.GetTimestamp();
        request = request with { Agent = agent.Name };
        var reply = await DecideOnceAsync(request, null, guard, cancellationToken).ConfigureAwait(false);
        metrics.RecordDecision(reply.Decision.Outcome, Stopwatch.GetElapsedTime(started));
        return await AwaitApprovalAsync(reply, request, agent, wait, cancellationToken, guard).ConfigureAwait(false);
    }

    /// <summary>
    /// Waits up to <paramref name="wait"/> for the reviewers of <paramref name="reply"/>'s pending approval: approved, the
    /// action is decided again (using the approval); denied or expired, the deny is recorded; still pending, the reply
    /// carries the approval as it stands. A reply without a pending approval is returned as it is.
    /// </summary>
    public async Task<DecisionReply> AwaitApprovalAsync(DecisionReply reply, ActionRequest request, Principal agent, TimeSpan wait, CancellationToken cancellationToken, Func<ActionFacts, Decision, Decision>? guard = null)
    {
        ArgumentNullException.ThrowIfNull(reply);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(agent);
        if (wait <= TimeSpan.Zero || reply.Approval is not { Status: ApprovalStatus.Pending } pending || reply.Evaluation is null) return reply;
        request = request with { Agent = agent.Name };

        var latest = await approvals.WaitAsync(pending, approvals.Time.GetUtcNow() + wait, cancellationToken).ConfigureAwait(false);
        switch (latest.Status)
        {
            case ApprovalStatus.Approved:
                // Evaluate again under the policy serving now; the approved slot is used by this evaluation.
                return await DecideOnceAsync(request, reply.ActionId, guard, cancellationToken).ConfigureAwait(false);
            case ApprovalStatus.Denied or ApprovalStatus.Expired or ApprovalStatus.Withdrawn:
                var ended = ApprovalService.Ended(reply.Decision, latest);
                var recorded = await RecordAsync(reply.Evaluation with { Decision = ended }, reply.ActionId, cancellationToken).ConfigureAwait(false);
                return reply with { Decision = recorded ? ended : ApprovalService.Deny(ended, AuditUnavailable), Approval = latest, Recorded = recorded };
            default:
                return reply with { Approval = latest };
        }
    }

    private async Task<DecisionReply> DecideOnceAsync(ActionRequest request, string? actionId, Func<ActionFacts, Decision, Decision>? guard, CancellationToken cancellationToken)
    {
        actionId ??= AccessTokens.NewId("act_");
        var (evaluation, fault) = Evaluate(request, guard);
        if (evaluation is null) return await FaultAsync(request, actionId, fault!, cancellationToken).ConfigureAwait(false);

        GateResult gate;
        try
        {
            // The payload is only kept when a request for approval opens; building it for every decision cost a serialization each.
            var payload = evaluation.Decision.Outcome == Outcome.RequireApproval ? AuditEntry.ForDecision(evaluation, actionId).Payload : "";
            gate = await approvals.GateAsync(evaluation, actionId, payload, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            evaluation.Lease?.Dispose();
            return await FaultAsync(request, actionId, $"the approval store failed: {ex.Message}", cancellationToken).ConfigureAwait(false);
        }
        var final = evaluation with { Decision = gate.Decision };
        var recorded = await RecordAsync(final, actionId, cancellationToken).ConfigureAwait(false);
        var decision = recorded ? gate.Decision : ApprovalService.Deny(gate.Decision, AuditUnavailable);
        if (evaluation.Lease is { } lease)
        {
            if (recorded && decision.Outcome is Outcome.Allow or Outcome.AllowWithConstraints)
                leases.Hold(actionId, lease, decision.Constraints?.MaxRuntimeSec is { } s ? TimeSpan.FromSeconds(s) : null);
            else lease.Dispose();
        }
        return new DecisionReply(actionId, decision, final with { Decision = decision }, gate.Approval, recorded);
    }

    /// <summary>Decides a plan: each step is evaluated and recorded; the strictest outcome is the plan's, and one approval covers the steps that need one.</summary>
    public async Task<PlanReply> DecidePlanAsync(IReadOnlyList<ActionRequest> steps, Principal agent, string? session, TimeSpan wait, CancellationToken cancellationToken)
    {
        var planId = AccessTokens.NewId("pln_");
        var replies = new List<DecisionReply>(steps.Count);
        var evaluations = new List<(Evaluation Evaluation, string ActionId, string Payload)>();
        foreach (var step in steps)
        {
            var request = step with { Agent = agent.Name, Session = step.Session ?? session };
            var actionId = AccessTokens.NewId("act_");
            var (evaluation, fault) = Evaluate(request, guard: null);
            if (evaluation is null)
            {
                replies.Add(await FaultAsync(request, actionId, fault!, cancellationToken).ConfigureAwait(false));
                continue;
            }
            // A plan step holds no concurrency slot now: it takes one when it is submitted to run.
            evaluation.Lease?.Dispose();
            var recorded = await RecordAsync(evaluation, actionId, cancellationToken).ConfigureAwait(false);
            var decision = recorded ? evaluation.Decision : ApprovalService.Deny(evaluation.Decision, AuditUnavailable);
            replies.Add(new DecisionReply(actionId, decision, evaluation, null, recorded));
            if (decision.Outcome == Outcome.RequireApproval) evaluations.Add((evaluation, actionId, AuditEntry.ForDecision(evaluation, actionId).Payload));
        }

        var combined = Combine(replies);
        ApprovalRequest? approval = null;
        if (combined.Outcome == Outcome.RequireApproval)
        {
            approval = await approvals.OpenPlanAsync(agent.Name, session, evaluations, combined, cancellationToken).ConfigureAwait(false);
            if (wait > TimeSpan.Zero)
            {
                approval = await approvals.WaitAsync(approval, approvals.Time.GetUtcNow() + wait, cancellationToken).ConfigureAwait(false);
                if (approval.Status == ApprovalStatus.Approved)
                    combined = combined with { Outcome = Outcome.Allow, Reasons = [.. combined.Reasons, $"plan approved (approval {approval.Id}): submit each step to run it"] };
                else combined = ApprovalService.Ended(combined, approval);
            }
        }
        var all = replies.All(r => r.Recorded);
        metrics.RecordDecision(combined.Outcome, TimeSpan.Zero);
        return new PlanReply(planId, combined, replies, approval, all);
    }

    private static Decision Combine(IReadOnlyList<DecisionReply> replies)
    {
        var outcome = replies.Count == 0 ? Outcome.Deny : replies.Max(r => r.Decision.Outcome);
        var tier = replies.Select(r => r.Decision.Tier).Aggregate(Tier.ReadOnly, Tiers.Max);
        if (replies.Count == 0) tier = Tier.Never;
        var reasons = new List<string>();
        var rules = new List<string>();
        for (var i = 0; i < replies.Count; i++)
        {
            if (replies[i].Decision.Outcome != outcome) continue;
            foreach (var r in replies[i].Decision.Reasons) reasons.Add($"step {i + 1}: {r}");
            foreach (var r in replies[i].Decision.Rules) if (!rules.Contains(r)) rules.Add(r);
        }
        if (replies.Count == 0) reasons.Add("the plan has no steps");
        var hash = replies.Count == 0 ? "" : replies[0].Decision.PolicyHash;
        var approvals = replies.Select(r => r.Decision.Constraints?.ApprovalsRequired ?? 1).DefaultIfEmpty(1).Max();
        return new Decision(outcome, tier, reasons, rules, approvals > 1 ? new Constraints { ApprovalsRequired = approvals } : null, hash);
    }

    /// <summary>Analyze, Score, Decide (and the caller's guard, which may only make it stricter); a fault is returned as its reason.</summary>
    private (Evaluation? Evaluation, string? Fault) Evaluate(ActionRequest request, Func<ActionFacts, Decision, Decision>? guard)
    {
        try
        {
            var evaluation = policy.Evaluator.Evaluate(request);
            if (guard is null) return (evaluation, null);
            var guarded = guard(evaluation.Facts, evaluation.Decision);
            // Only stricter: a guard that would loosen the decision is ignored.
            return (guarded.Outcome >= evaluation.Decision.Outcome && !ReferenceEquals(guarded, evaluation.Decision) ? evaluation with { Decision = guarded } : evaluation, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return (null, $"internal error while evaluating: {ex.GetType().Name}: {ex.Message}");
        }
    }

    private async Task<bool> RecordAsync(Evaluation evaluation, string actionId, CancellationToken cancellationToken)
    {
        try
        {
            await audit.AppendAsync(AuditEntry.ForDecision(evaluation, actionId), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            metrics.RecordAuditFailure();
            return false;
        }
    }

    private async Task<DecisionReply> FaultAsync(ActionRequest request, string actionId, string reason, CancellationToken cancellationToken)
    {
        var decision = new Decision(Outcome.Deny, Tier.Never, [reason], ["builtin:fault"], null, policy.Hash);
        var recorded = true;
        try
        {
            await audit.AppendAsync(AuditEntry.Note("denied: " + reason, request.Agent, request.Session, actionId), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            metrics.RecordAuditFailure();
            recorded = false;
        }
        return new DecisionReply(actionId, decision, null, null, recorded);
    }
}
