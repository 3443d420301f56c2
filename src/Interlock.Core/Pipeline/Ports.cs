using Interlock.Actions;
using Interlock.Approvals;
using Interlock.Audit;

namespace Interlock.Pipeline;

/// <summary>What the Gate stage made of a decision: the final decision and the approval request behind it, if any.</summary>
public sealed record GateResult(Decision Decision, ApprovalRequest? Approval);

/// <summary>
/// The Gate stage's port: sends a <c>require_approval</c> decision to review, or lets it through with an approval that
/// was given for the same action digest. Any other decision passes unchanged. A gate that throws is a deny.
/// </summary>
public interface IApprovalGate
{
    Task<GateResult> GateAsync(Evaluation evaluation, string actionId, CancellationToken cancellationToken);
}

/// <summary>The Record stage's port: an entry is durable when the task completes; a fault means nothing was recorded.</summary>
public interface IDecisionRecorder
{
    Task RecordAsync(AuditEntry entry, CancellationToken cancellationToken);
}

/// <summary>The gate where no reviewer is reachable (offline entry points): a decision passes as it is, approval stays required.</summary>
public sealed class NoReviewerGate : IApprovalGate
{
    public static NoReviewerGate Instance { get; } = new();

    public Task<GateResult> GateAsync(Evaluation evaluation, string actionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        return Task.FromResult(new GateResult(evaluation.Decision, null));
    }
}
