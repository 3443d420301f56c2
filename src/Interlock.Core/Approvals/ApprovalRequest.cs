namespace Interlock.Approvals;

/// <summary>Where an approval request stands. Only <see cref="Pending"/> changes; the others are final.</summary>
// Withdrawn: the requesting agent no longer wants the action (an MCP client cancelled the call); nothing may use it.
public enum ApprovalStatus { Pending, Approved, Denied, Expired, Used, Withdrawn }

/// <summary>Wire names of <see cref="ApprovalStatus"/>.</summary>
public static class ApprovalStatuses
{
    public static string WireName(this ApprovalStatus status) => status switch
    {
        ApprovalStatus.Pending => "pending",
        ApprovalStatus.Approved => "approved",
        ApprovalStatus.Denied => "denied",
        ApprovalStatus.Expired => "expired",
        ApprovalStatus.Withdrawn => "withdrawn",
        _ => "used",
    };

    public static bool TryParse(string? text, out ApprovalStatus status)
    {
        switch (text)
        {
            case "pending": status = ApprovalStatus.Pending; return true;
            case "approved": status = ApprovalStatus.Approved; return true;
            case "denied": status = ApprovalStatus.Denied; return true;
            case "expired": status = ApprovalStatus.Expired; return true;
            case "used": status = ApprovalStatus.Used; return true;
            case "withdrawn": status = ApprovalStatus.Withdrawn; return true;
            default: status = ApprovalStatus.Pending; return false;
        }
    }
}

/// <summary>One reviewer's answer.</summary>
public sealed record ApprovalVote(string Reviewer, bool Approved, string? Reason, DateTimeOffset At);

/// <summary>
/// One step an approval covers: the digest of the exact action, what a person reads about it, and whether it has
/// been used. A single action is a request with one step; a plan has one per action, used in order.
/// </summary>
public sealed record ApprovalStep(string Digest, string Summary, string ActionId, bool Used = false);

/// <summary>
/// A request for a human decision on an action (or a plan of actions) that policy sent to review: bound to the
/// actions' digests, requested by one agent, answered by distinct reviewers, and expiring unanswered.
/// <see cref="Version"/> increases with every change so a store can refuse a concurrent, stale update.
/// </summary>
public sealed record ApprovalRequest
{
    public required string Id { get; init; }
    /// <summary>The requesting agent's name (its principal name).</summary>
    public required string Agent { get; init; }
    public string? Session { get; init; }
    public required IReadOnlyList<ApprovalStep> Steps { get; init; }
    public bool IsPlan { get; init; }
    public required string Tier { get; init; }
    public IReadOnlyList<string> Reasons { get; init; } = [];
    public IReadOnlyList<string> Rules { get; init; } = [];
    public required string PolicyHash { get; init; }
    /// <summary>The decision audit payloads of the steps (action, decision, blast radius, preview), for reviewers.</summary>
    public IReadOnlyList<string> Details { get; init; } = [];
    public int ApprovalsRequired { get; init; } = 1;
    public IReadOnlyList<ApprovalVote> Votes { get; init; } = [];
    public ApprovalStatus Status { get; init; } = ApprovalStatus.Pending;
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset ExpiresAt { get; init; }
    public DateTimeOffset? DecidedAt { get; init; }
    public long Version { get; init; }

    /// <summary>The digest of the next step to use (a plain request has one step).</summary>
    public string Digest => (Steps.FirstOrDefault(s => !s.Used) ?? Steps[^1]).Digest;

    /// <summary>The deny reason, when a reviewer denied it.</summary>
    public string? DenyReason => Votes.FirstOrDefault(v => !v.Approved)?.Reason;
}
