using Interlock.Identity;

namespace Interlock.Approvals;

/// <summary>Why a change to an approval request was refused; the server maps these to HTTP statuses.</summary>
public enum ApprovalRefusal { None, Forbidden, Conflict, Invalid }

/// <summary>The outcome of a change: the updated request, or a refusal with a message naming the rule that refused it.</summary>
public readonly record struct ApprovalChange(ApprovalRequest? Request, ApprovalRefusal Refusal, string? Problem)
{
    public bool Ok => Refusal == ApprovalRefusal.None;

    public static ApprovalChange Refuse(ApprovalRefusal refusal, string problem) => new(null, refusal, problem);
}

/// <summary>
/// The approval rules, as pure functions of a request, a principal and the time: only reviewers answer, never the
/// requester, each reviewer once; N distinct approvals approve, one denial ends the request; a deny needs a reason;
/// nothing changes after expiry, and an expired request is a denial. A used approval can't be used again. Only the
/// requesting agent withdraws its own pending request, which then ends like a denial.
/// </summary>
public static class ApprovalWorkflow
{
    public static ApprovalChange Vote(ApprovalRequest request, Principal reviewer, bool approve, string? reason, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(reviewer);
        if (reviewer.Role != Role.Reviewer)
            return ApprovalChange.Refuse(ApprovalRefusal.Forbidden, $"only reviewers approve or deny; '{reviewer.Name}' is {reviewer.Role.WireName()}");
        if (string.Equals(reviewer.Name, request.Agent, StringComparison.Ordinal))
            return ApprovalChange.Refuse(ApprovalRefusal.Forbidden, "the requester can't answer its own request");
        if (!approve && string.IsNullOrWhiteSpace(reason))
            return ApprovalChange.Refuse(ApprovalRefusal.Invalid, "a reason is required to deny");
        if (request.Status == ApprovalStatus.Pending && now >= request.ExpiresAt)
            return ApprovalChange.Refuse(ApprovalRefusal.Conflict, $"approval {request.Id} expired at {request.ExpiresAt:O}");
        if (request.Status != ApprovalStatus.Pending)
            return ApprovalChange.Refuse(ApprovalRefusal.Conflict, $"approval {request.Id} is already {request.Status.WireName()}");
        if (request.Votes.Any(v => string.Equals(v.Reviewer, reviewer.Name, StringComparison.Ordinal)))
            return ApprovalChange.Refuse(ApprovalRefusal.Conflict, $"'{reviewer.Name}' has already answered approval {request.Id}; another reviewer must");

        var votes = request.Votes.Append(new ApprovalVote(reviewer.Name, approve, string.IsNullOrWhiteSpace(reason) ? null : reason.Trim(), now)).ToList();
        var status = !approve ? ApprovalStatus.Denied
            : votes.Count(v => v.Approved) >= Math.Max(1, request.ApprovalsRequired) ? ApprovalStatus.Approved
            : ApprovalStatus.Pending;
        return new(request with
        {
            Votes = votes,
            Status = status,
            DecidedAt = status == ApprovalStatus.Pending ? null : now,
            Version = request.Version + 1,
        }, ApprovalRefusal.None, null);
    }

    /// <summary>
    /// The requester takes its pending request back (the call that needed it was cancelled): it ends as
    /// <see cref="ApprovalStatus.Withdrawn"/>, so no later approval can let the action run. Anyone but the requesting
    /// agent is refused; a request no longer pending is a conflict.
    /// </summary>
    public static ApprovalChange Withdraw(ApprovalRequest request, Principal requester, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(requester);
        if (requester.Role != Role.Agent || !string.Equals(requester.Name, request.Agent, StringComparison.Ordinal))
            return ApprovalChange.Refuse(ApprovalRefusal.Forbidden, $"only the agent that requested approval {request.Id} can withdraw it");
        if (request.Status == ApprovalStatus.Pending && now >= request.ExpiresAt)
            return ApprovalChange.Refuse(ApprovalRefusal.Conflict, $"approval {request.Id} expired at {request.ExpiresAt:O}");
        if (request.Status != ApprovalStatus.Pending)
            return ApprovalChange.Refuse(ApprovalRefusal.Conflict, $"approval {request.Id} is already {request.Status.WireName()}");
        return new(request with { Status = ApprovalStatus.Withdrawn, DecidedAt = now, Version = request.Version + 1 }, ApprovalRefusal.None, null);
    }

    /// <summary>The request expired (a denial), or null when it is not a pending request past its expiry.</summary>
    public static ApprovalRequest? Expire(ApprovalRequest request, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Status != ApprovalStatus.Pending || now < request.ExpiresAt) return null;
        return request with { Status = ApprovalStatus.Expired, DecidedAt = request.ExpiresAt, Version = request.Version + 1 };
    }

    /// <summary>
    /// Uses the approved slot for this digest: a plain request once; a plan's steps in order, each once. Returns the
    /// updated request and the step used, or null when this approval doesn't cover the action now.
    /// </summary>
    public static (ApprovalRequest Request, int Step)? Use(ApprovalRequest request, string agent, string digest)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Status != ApprovalStatus.Approved || !string.Equals(request.Agent, agent, StringComparison.Ordinal)) return null;
        var next = -1;
        for (var i = 0; i < request.Steps.Count; i++)
            if (!request.Steps[i].Used) { next = i; break; }
        if (next < 0 || !string.Equals(request.Steps[next].Digest, digest, StringComparison.Ordinal)) return null;
        var steps = request.Steps.Select((s, i) => i == next ? s with { Used = true } : s).ToList();
        var done = steps.All(s => s.Used);
        return (request with { Steps = steps, Status = done ? ApprovalStatus.Used : ApprovalStatus.Approved, Version = request.Version + 1 }, next);
    }
}
