using System.Diagnostics;
using Interlock.Actions;
using Interlock.Approvals;
using Interlock.Audit;
using Interlock.Identity;
using Interlock.Pipeline;
using Interlock.Risk;
using Interlock.Server.Approvals;
using Interlock.Server.Metrics;
using Interlock.Server.Policies;
using Interlock.Storage;

namespace Interlock.Server.Gateway;

/// <summary>A decided plan: every step's reply, the combined decision and the one approval request covering it.</summary>
public sealed record PlanReply(string PlanId, Decision Decision, IReadOnlyList<DecisionReply> Steps, ApprovalRequest? Approval, bool Recorded)
{
    /// <summary>The chain's blast radius, its steps scored as one unit.</summary>
    public BlastRadius? BlastRadius { get; init; }
}

/// <summary>
/// The server's use of Core's <see cref="ActionPipeline"/> (Analyze, Score, Decide, Gate through
/// <see cref="ApprovalService"/>, Record before the reply): it adds what only a server has — waiting for reviewers,
/// holding concurrency leases until the agent reports a result, plans, and metrics.
/// </summary>
public sealed class DecisionPipeline
{
    public const string AuditUnavailable = ActionPipeline.AuditUnavailable;

    private readonly ApprovalService _approvals;
    private readonly GatewayMetrics _metrics;
    private readonly ConcurrencyLeases _leases;
    private readonly ActionPipeline _core;
    private readonly ActionPipeline _planSteps;
    private readonly PolicyHolder _policy;

    public DecisionPipeline(PolicyHolder policy, ApprovalService approvals, IAuditStore audit, GatewayMetrics metrics, ConcurrencyLeases leases, Interlock.Previews.PreviewRunner? previews = null)
    {
        _approvals = approvals;
        _metrics = metrics;
        _leases = leases;
        _policy = policy;
        _core = new ActionPipeline(new ActionPipelineOptions
        {
            Evaluator = () => policy.Evaluator,
            Gate = approvals,
            Recorder = audit,
            Previews = previews,
            OnRecordFailure = _ => metrics.RecordAuditFailure(),
        });
        _planSteps = new ActionPipeline(new ActionPipelineOptions
        {
            Evaluator = () => policy.Evaluator,
            Recorder = audit,
            Previews = previews,
            OnRecordFailure = _ => metrics.RecordAuditFailure(),
        });
    }

    /// <summary>Decides one action for an agent principal, waiting up to <paramref name="wait"/> for a reviewer when approval is needed.</summary>
    public async Task<DecisionReply> DecideAsync(ActionRequest request, Principal agent, TimeSpan wait, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(agent);
        var started = Stopwatch.GetTimestamp();
        request = request with { Agent = agent.Name };
        var reply = await DecideOnceAsync(request, null, cancellationToken).ConfigureAwait(false);
        _metrics.RecordDecision(reply.Decision.Outcome, Stopwatch.GetElapsedTime(started));
        return await AwaitApprovalAsync(reply, request, agent, wait, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Waits up to <paramref name="wait"/> for the reviewers of <paramref name="reply"/>'s pending approval: approved, the
    /// action is decided again (using the approval); denied or expired, the deny is recorded; still pending, the reply
    /// carries the approval as it stands. A reply without a pending approval is returned as it is.
    /// </summary>
    public async Task<DecisionReply> AwaitApprovalAsync(DecisionReply reply, ActionRequest request, Principal agent, TimeSpan wait, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reply);
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(agent);
        if (wait <= TimeSpan.Zero || reply.Approval is not { Status: ApprovalStatus.Pending } pending || reply.Evaluation is null) return reply;
        request = request with { Agent = agent.Name };

        var latest = await _approvals.WaitAsync(pending, _approvals.Time.GetUtcNow() + wait, cancellationToken).ConfigureAwait(false);
        switch (latest.Status)
        {
            case ApprovalStatus.Approved:
                // Evaluate again under the policy serving now; the approved slot is used by this evaluation.
                return await DecideOnceAsync(request, reply.ActionId, cancellationToken).ConfigureAwait(false);
            case ApprovalStatus.Denied or ApprovalStatus.Expired or ApprovalStatus.Withdrawn:
                var ended = ApprovalService.Ended(reply.Decision, latest);
                var recorded = await _core.RecordAsync(AuditEntry.ForDecision(reply.Evaluation with { Decision = ended }, reply.ActionId), cancellationToken).ConfigureAwait(false);
                return reply with { Decision = recorded ? ended : ActionPipeline.DenyUnrecorded(ended), Approval = latest, Recorded = recorded };
            default:
                return reply with { Approval = latest };
        }
    }

    private async Task<DecisionReply> DecideOnceAsync(ActionRequest request, string? actionId, CancellationToken cancellationToken)
    {
        var reply = await _core.DecideAsync(request, actionId, cancellationToken).ConfigureAwait(false);
        if (reply.Evaluation?.Lease is { } lease)
            _leases.Hold(reply.ActionId, lease, reply.Decision.Constraints?.MaxRuntimeSec is { } s ? TimeSpan.FromSeconds(s) : null);
        return reply;
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
            // Gated one by one, each step would open its own approval: a plan's steps are decided and recorded here, and
            // one approval below covers those that need one.
            var reply = await _planSteps.DecideAsync(request, null, cancellationToken).ConfigureAwait(false);
            // A plan step holds no concurrency slot now: it takes one when it is submitted to run.
            reply.Evaluation?.Lease?.Dispose();
            replies.Add(reply);
            if (reply.Decision.Outcome == Outcome.RequireApproval && reply.Evaluation is { } evaluation)
                evaluations.Add((evaluation, reply.ActionId, AuditEntry.ForDecision(evaluation, reply.ActionId).Payload));
        }

        var combined = Combine(replies);
        var blast = BlastScorer.Combine([.. replies.Where(r => r.Evaluation is not null).Select(r => r.Evaluation!.Risk.BlastRadius)], combined.Tier, _policy.Evaluator.Policy.Map);
        ApprovalRequest? approval = null;
        // A plan opens one request: it counts against the agent's cap of pending approvals like a single action.
        if (combined.Outcome == Outcome.RequireApproval && await _approvals.PendingCapAsync(combined, agent.Name, cancellationToken).ConfigureAwait(false) is { } capped)
            combined = capped;
        if (combined.Outcome == Outcome.RequireApproval)
        {
            approval = await _approvals.OpenPlanAsync(agent.Name, session, evaluations, combined, cancellationToken).ConfigureAwait(false);
            if (wait > TimeSpan.Zero)
            {
                approval = await _approvals.WaitAsync(approval, _approvals.Time.GetUtcNow() + wait, cancellationToken).ConfigureAwait(false);
                if (approval.Status == ApprovalStatus.Approved)
                    combined = combined with { Outcome = Outcome.Allow, Reasons = [.. combined.Reasons, $"plan approved (approval {approval.Id}): submit each step to run it"] };
                else combined = ApprovalService.Ended(combined, approval);
            }
        }
        // The chain is one record too: the steps, the combined blast radius and the previews the reviewer is shown.
        var planRecorded = await _planSteps.RecordAsync(AuditEntry.ForPlan(planId, combined, blast, replies, agent.Name, session), cancellationToken).ConfigureAwait(false);
        var all = planRecorded && replies.All(r => r.Recorded);
        _metrics.RecordDecision(combined.Outcome, TimeSpan.Zero);
        return new PlanReply(planId, combined, replies, approval, all) { BlastRadius = blast };
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
}
