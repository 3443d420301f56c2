using Interlock.Actions;

namespace Interlock.Cli.Exec;

/// <summary>What waiting for a reviewer produced.</summary>
internal enum ApprovalState { Unavailable, Approved, Rejected, Expired }

internal sealed record ApprovalWait(ApprovalState State, string Reason);

/// <summary>
/// Where offline <c>exec</c> waits for a human when the decision is <c>require_approval</c>. With <c>--server</c> the
/// gateway itself waits (<see cref="ExecServer"/>), so offline the only implementation is <see cref="NoApprovalServer"/>.
/// </summary>
internal interface IApprovalGate
{
    Task<ApprovalWait> WaitAsync(Evaluation evaluation, string actionId, CancellationToken cancellationToken);
}

/// <summary>No approval server: nothing can approve, so the command does not run (exit 125).</summary>
internal sealed class NoApprovalServer : IApprovalGate
{
    public Task<ApprovalWait> WaitAsync(Evaluation evaluation, string actionId, CancellationToken cancellationToken) =>
        Task.FromResult(new ApprovalWait(ApprovalState.Unavailable, "no approval server is configured (run with --server URL to wait for a reviewer's approval on the gateway)"));
}
