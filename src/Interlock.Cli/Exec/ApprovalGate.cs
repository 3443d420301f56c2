using Interlock.Actions;

namespace Interlock.Cli.Exec;

/// <summary>What waiting for a reviewer produced.</summary>
internal enum ApprovalState { Unavailable, Approved, Rejected, Expired }

internal sealed record ApprovalWait(ApprovalState State, string Reason);

/// <summary>
/// Where <c>exec</c> waits for a human when the decision is <c>require_approval</c>. The gateway's <c>--server</c> will
/// provide one that files the request bound to the action digest and blocks until a reviewer answers or it expires.
/// </summary>
internal interface IApprovalGate
{
    Task<ApprovalWait> WaitAsync(Evaluation evaluation, string actionId, CancellationToken cancellationToken);
}

/// <summary>No approval server: nothing can approve, so the command does not run (exit 125).</summary>
internal sealed class NoApprovalServer : IApprovalGate
{
    public Task<ApprovalWait> WaitAsync(Evaluation evaluation, string actionId, CancellationToken cancellationToken) =>
        Task.FromResult(new ApprovalWait(ApprovalState.Unavailable, "no approval server is configured (waiting for a reviewer comes with the gateway's --server)"));
}
