using Interlock.Actions;
using Interlock.Approvals;
using Interlock.Audit;
using Interlock.Identity;
using Interlock.Pipeline;
using Interlock.Risk;
using Interlock.Storage;

namespace Interlock.Server.Approvals;

/// <summary>
/// The Gate stage: sends <c>require_approval</c> decisions to review, lets an approved action through once (a plan's
/// steps once each, in order), records every answer and expiry in the audit log, and publishes events.
/// All state is in the stores; changes are compare-and-swap, so replicas and concurrent reviewers can't double-use
/// or double-answer a request.
/// </summary>
public sealed class ApprovalService(IApprovalStore store, IAuditStore audit, ApprovalEvents events, TimeProvider time, TimeSpan ttl, TimeSpan pollInterval, int maxPendingPerAgent = 20) : IApprovalGate
{
    public const string ApprovalRulePrefix = "approval:";
    public const string PendingCapRule = "builtin:pending-approvals-cap";
    private const int MaxRetries = 8;

    // One agent's gate at a time (per process), so concurrent asks can't pass the pending cap together or open two requests for one action.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SemaphoreSlim> _agentGates = new(StringComparer.Ordinal);

    public TimeProvider Time => time;

    /// <summary>
    /// Gates one evaluated action. A <c>require_approval</c> decision either uses an approved request for the same
    /// digest (becoming <c>allow</c>), joins the agent's pending request for it, or opens a new one.
    /// </summary>
    public async Task<GateResult> GateAsync(Evaluation evaluation, string actionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        var decision = evaluation.Decision;
        if (decision.Outcome != Outcome.RequireApproval) return new(decision, null);
        // The payload is kept with the request only when one may open; building it for every decision cost a serialization each.
        var decisionPayload = AuditEntry.ForDecision(evaluation, actionId).Payload;
        var agent = evaluation.Facts.Request.Agent ?? "default";
        var digest = ActionDigest.Compute(evaluation.Facts);
        var gate = _agentGates.GetOrAdd(agent, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            for (var attempt = 0; attempt < MaxRetries; attempt++)
                if (await TryGateOnceAsync(evaluation, agent, digest, actionId, decisionPayload, cancellationToken).ConfigureAwait(false) is { } result)
                    return result;
        }
        finally
        {
            gate.Release();
        }
        return new(Deny(decision, "the approval store was too busy to settle this request; try again"), null);
    }

    /// <summary>One attempt: use an approved request, join a pending one, or open one; null when another caller changed the store first.</summary>
    private async Task<GateResult?> TryGateOnceAsync(Evaluation evaluation, string agent, string digest, string actionId, string decisionPayload, CancellationToken cancellationToken)
    {
        var decision = evaluation.Decision;
        ApprovalRequest? pending = null;
        foreach (var open in await store.FindOpenAsync(agent, digest, cancellationToken).ConfigureAwait(false))
        {
            var current = await ExpireIfDueAsync(open, cancellationToken).ConfigureAwait(false);
            if (current.Status == ApprovalStatus.Pending) { pending ??= current; continue; }
            if (ApprovalWorkflow.Use(current, agent, digest) is not { } used) continue;
            if (!await store.TryUpdateAsync(used.Request, cancellationToken).ConfigureAwait(false)) return null;
            events.Publish(new ApprovalEvent("approval.used", used.Request, time.GetUtcNow()));
            var approvers = string.Join(", ", used.Request.Votes.Where(v => v.Approved).Select(v => v.Reviewer));
            return new(decision with
            {
                Outcome = Outcome.Allow,
                Rules = [.. decision.Rules, ApprovalRulePrefix + used.Request.Id],
                Reasons = [.. decision.Reasons, $"approved by {approvers} (approval {used.Request.Id}{(used.Request.IsPlan ? $", plan step {used.Step + 1}" : "")})"],
            }, used.Request);
        }
        if (pending is not null) return new(decision, pending);
        // A flood of distinct actions would bury reviewers; the agent gets a deny it can act on, and nothing opens.
        if (await PendingCapAsync(decision, agent, cancellationToken).ConfigureAwait(false) is { } capped) return new(capped, null);
        var created = NewRequest(agent, evaluation.Facts.Request.Session, [new ApprovalStep(digest, Summarize(evaluation.Facts.Request), actionId)], decision, [decisionPayload], isPlan: false);
        await store.CreateAsync(created, cancellationToken).ConfigureAwait(false);
        events.Publish(new ApprovalEvent("approval.pending", created, time.GetUtcNow()));
        return new(decision, created);
    }

    /// <summary><paramref name="decision"/> denied when the agent already has its cap of pending requests; null while it may open one.</summary>
    public async Task<Decision?> PendingCapAsync(Decision decision, string agent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(decision);
        var pendingCount = await PendingCountAsync(agent, cancellationToken).ConfigureAwait(false);
        if (pendingCount < maxPendingPerAgent) return null;
        return Deny(decision with { Rules = [.. decision.Rules, PendingCapRule] },
            $"agent {agent} already has {pendingCount} pending approvals (the limit per agent is {maxPendingPerAgent}); this action is denied without a new request: wait until reviewers answer them or they expire");
    }

    /// <summary>How many of the agent's requests are pending and not yet past their expiry (the newest first; enough to compare with the cap).</summary>
    private async Task<int> PendingCountAsync(string agent, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var pending = await store.ListAsync(ApprovalStatus.Pending, agent, Math.Max(1, maxPendingPerAgent) * 4, cancellationToken).ConfigureAwait(false);
        return pending.Count(r => r.ExpiresAt > now);
    }

    /// <summary>Opens one request covering a plan's steps that need approval, in order.</summary>
    public async Task<ApprovalRequest> OpenPlanAsync(string agent, string? session, IReadOnlyList<(Evaluation Evaluation, string ActionId, string Payload)> steps, Decision combined, CancellationToken cancellationToken)
    {
        var slots = steps.Select(s => new ApprovalStep(ActionDigest.Compute(s.Evaluation.Facts), Summarize(s.Evaluation.Facts.Request), s.ActionId)).ToList();
        var created = NewRequest(agent, session, slots, combined, steps.Select(s => s.Payload).ToList(), isPlan: true);
        await store.CreateAsync(created, cancellationToken).ConfigureAwait(false);
        events.Publish(new ApprovalEvent("approval.pending", created, time.GetUtcNow()));
        return created;
    }

    private ApprovalRequest NewRequest(string agent, string? session, List<ApprovalStep> steps, Decision decision, IReadOnlyList<string> details, bool isPlan)
    {
        var now = time.GetUtcNow();
        return new ApprovalRequest
        {
            Id = AccessTokens.NewId("apr_"),
            Agent = agent,
            Session = session,
            Steps = steps,
            IsPlan = isPlan,
            Tier = decision.Tier.WireName(),
            Reasons = decision.Reasons,
            Rules = decision.Rules,
            PolicyHash = decision.PolicyHash,
            Details = details,
            ApprovalsRequired = Math.Max(1, decision.Constraints?.ApprovalsRequired ?? 1),
            CreatedAt = AuditCanonical.Truncate(now),
            // A rule's approval_timeout_sec overrides the server's default expiry.
            ExpiresAt = AuditCanonical.Truncate(now + (decision.Constraints?.ApprovalTimeoutSec is { } seconds ? TimeSpan.FromSeconds(seconds) : ttl)),
        };
    }

    /// <summary>A reviewer's answer: recorded in the audit log before it takes effect for anyone.</summary>
    public async Task<ApprovalChange> VoteAsync(string id, Principal reviewer, bool approve, string? reason, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxRetries; attempt++)
        {
            var stored = await store.GetAsync(id, cancellationToken).ConfigureAwait(false);
            if (stored is null) return ApprovalChange.Refuse(ApprovalRefusal.Invalid, $"no approval '{id}'");
            var current = await ExpireIfDueAsync(stored, cancellationToken).ConfigureAwait(false);
            var now = time.GetUtcNow();
            var change = ApprovalWorkflow.Vote(current, reviewer, approve, reason, now);
            if (!change.Ok) return change;
            var updated = change.Request!;
            // The record first: an answer that is not in the audit log never takes effect.
            await audit.AppendAsync(AuditEntry.ForApproval(updated.Steps[0].ActionId, reviewer.Name, approve, now, updated.Votes[^1].Reason, updated.Agent, updated.Session, updated.Id, updated.Status.WireName()), cancellationToken).ConfigureAwait(false);
            if (!await store.TryUpdateAsync(updated, cancellationToken).ConfigureAwait(false)) continue;
            var type = updated.Status switch { ApprovalStatus.Approved => "approval.approved", ApprovalStatus.Denied => "approval.denied", _ => "approval.vote" };
            events.Publish(new ApprovalEvent(type, updated, now, reviewer.Name, updated.Votes[^1].Reason));
            return change;
        }
        return ApprovalChange.Refuse(ApprovalRefusal.Conflict, $"approval {id} changed too often while answering; try again");
    }

    /// <summary>The requesting agent withdraws its pending request: recorded in the audit log before it takes effect.</summary>
    public async Task<ApprovalChange> WithdrawAsync(string id, Principal requester, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxRetries; attempt++)
        {
            var stored = await store.GetAsync(id, cancellationToken).ConfigureAwait(false);
            if (stored is null) return ApprovalChange.Refuse(ApprovalRefusal.Invalid, $"no approval '{id}'");
            var current = await ExpireIfDueAsync(stored, cancellationToken).ConfigureAwait(false);
            var now = time.GetUtcNow();
            var change = ApprovalWorkflow.Withdraw(current, requester, now);
            if (!change.Ok) return change;
            var updated = change.Request!;
            await audit.AppendAsync(AuditEntry.ForApproval(updated.Steps[0].ActionId, requester.Name, false, now, WithdrawnReason, updated.Agent, updated.Session, updated.Id, updated.Status.WireName()), cancellationToken).ConfigureAwait(false);
            if (!await store.TryUpdateAsync(updated, cancellationToken).ConfigureAwait(false)) continue;
            events.Publish(new ApprovalEvent("approval.withdrawn", updated, now, requester.Name, WithdrawnReason));
            return change;
        }
        return ApprovalChange.Refuse(ApprovalRefusal.Conflict, $"approval {id} changed too often while withdrawing; try again");
    }

    public const string WithdrawnReason = "withdrawn by the requester";

    /// <summary>The request, expired first if it is pending past its expiry.</summary>
    public async Task<ApprovalRequest?> GetAsync(string id, CancellationToken cancellationToken)
    {
        var stored = await store.GetAsync(id, cancellationToken).ConfigureAwait(false);
        return stored is null ? null : await ExpireIfDueAsync(stored, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<ApprovalRequest>> ListAsync(ApprovalStatus? status, string? agent, int limit, CancellationToken cancellationToken)
    {
        await ExpireDueAsync(cancellationToken).ConfigureAwait(false);
        return await store.ListAsync(status, agent, limit, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Expires every pending request past its expiry; returns how many.</summary>
    public async Task<int> ExpireDueAsync(CancellationToken cancellationToken)
    {
        var count = 0;
        foreach (var due in await store.ListExpiredAsync(time.GetUtcNow(), 500, cancellationToken).ConfigureAwait(false))
            if ((await ExpireIfDueAsync(due, cancellationToken).ConfigureAwait(false)).Status == ApprovalStatus.Expired) count++;
        return count;
    }

    private async Task<ApprovalRequest> ExpireIfDueAsync(ApprovalRequest request, CancellationToken cancellationToken)
    {
        var current = request;
        for (var attempt = 0; attempt < MaxRetries; attempt++)
        {
            if (ApprovalWorkflow.Expire(current, time.GetUtcNow()) is not { } expired) return current;
            if (await store.TryUpdateAsync(expired, cancellationToken).ConfigureAwait(false))
            {
                await audit.AppendAsync(AuditEntry.ForExpiry(expired.Steps[0].ActionId, $"approval {expired.Id} expired unanswered at {expired.ExpiresAt:O}: denied", expired.Agent, expired.Session), cancellationToken).ConfigureAwait(false);
                events.Publish(new ApprovalEvent("approval.expired", expired, time.GetUtcNow()));
                return expired;
            }
            current = await store.GetAsync(request.Id, cancellationToken).ConfigureAwait(false) ?? request;
        }
        return current;
    }

    /// <summary>Waits until the request is no longer pending or <paramref name="until"/> passes; returns its latest state.</summary>
    public async Task<ApprovalRequest> WaitAsync(ApprovalRequest request, DateTimeOffset until, CancellationToken cancellationToken)
    {
        var current = request;
        while (current.Status == ApprovalStatus.Pending)
        {
            var now = time.GetUtcNow();
            var deadline = until < current.ExpiresAt ? until : current.ExpiresAt;
            if (now >= deadline)
            {
                // At the request's own expiry, expire it; at the caller's limit, return it still pending.
                return await GetAsync(current.Id, cancellationToken).ConfigureAwait(false) ?? current;
            }
            var step = deadline - now < pollInterval ? deadline - now : pollInterval;
            var changed = events.Changed;
            await Task.WhenAny(changed, Task.Delay(step, time, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
            current = await GetAsync(current.Id, cancellationToken).ConfigureAwait(false) ?? current;
        }
        return current;
    }

    /// <summary>The decision an agent gets for a request that ended without approval.</summary>
    public static Decision Ended(Decision decision, ApprovalRequest request) => request.Status switch
    {
        ApprovalStatus.Denied => Deny(decision with { Rules = [.. decision.Rules, ApprovalRulePrefix + request.Id] },
            $"denied by reviewer {request.Votes.First(v => !v.Approved).Reviewer}: {request.DenyReason}"),
        ApprovalStatus.Expired => Deny(decision with { Rules = [.. decision.Rules, ApprovalRulePrefix + request.Id] },
            $"approval {request.Id} expired unanswered at {request.ExpiresAt:O}; nothing runs without an answer"),
        ApprovalStatus.Withdrawn => Deny(decision with { Rules = [.. decision.Rules, ApprovalRulePrefix + request.Id] },
            $"approval {request.Id} was {WithdrawnReason}"),
        _ => decision,
    };

    public static Decision Deny(Decision decision, string reason) => ActionPipeline.Deny(decision, reason);

    /// <summary>One line a reviewer reads first: the command, or the tool and path, or the topic.</summary>
    public static string Summarize(ActionRequest r) =>
        r.Command ?? (r.Tool is not null ? (r.Path is not null ? $"{r.Tool} {r.Path}" : r.Tool) : r.Topic ?? "(action)");
}
