using Interlock.Approvals;
using Interlock.Identity;

namespace Interlock.Storage;

/// <summary>Principals and their token hashes. Names are unique; nothing is ever deleted, only revoked.</summary>
public interface IPrincipalStore
{
    /// <summary>Adds a principal; false when the name is taken.</summary>
    ValueTask<bool> CreateAsync(Principal principal, CancellationToken cancellationToken = default);

    ValueTask<Principal?> FindByTokenHashAsync(string tokenHash, CancellationToken cancellationToken = default);

    ValueTask<Principal?> FindAsync(string id, CancellationToken cancellationToken = default);

    ValueTask<IReadOnlyList<Principal>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>Replaces a principal's token hash, expiry or revocation; false when it does not exist.</summary>
    ValueTask<bool> UpdateAsync(Principal principal, CancellationToken cancellationToken = default);
}

/// <summary>
/// Approval requests. Every change is a compare-and-swap on <see cref="ApprovalRequest.Version"/>, so two replicas (or
/// two reviewers) answering at once can't both win, and an approval is used at most once.
/// </summary>
public interface IApprovalStore
{
    ValueTask CreateAsync(ApprovalRequest request, CancellationToken cancellationToken = default);

    ValueTask<ApprovalRequest?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>Requests newest first, optionally only those with <paramref name="status"/> or of one agent.</summary>
    ValueTask<IReadOnlyList<ApprovalRequest>> ListAsync(ApprovalStatus? status = null, string? agent = null, int limit = 100, CancellationToken cancellationToken = default);

    /// <summary>The agent's requests for a first step with this digest that are pending or approved with steps left.</summary>
    ValueTask<IReadOnlyList<ApprovalRequest>> FindOpenAsync(string agent, string digest, CancellationToken cancellationToken = default);

    /// <summary>Pending requests whose expiry is at or before <paramref name="now"/>.</summary>
    ValueTask<IReadOnlyList<ApprovalRequest>> ListExpiredAsync(DateTimeOffset now, int limit = 100, CancellationToken cancellationToken = default);

    /// <summary>Stores <paramref name="updated"/> if the stored version is still <c>updated.Version - 1</c>; false otherwise.</summary>
    ValueTask<bool> TryUpdateAsync(ApprovalRequest updated, CancellationToken cancellationToken = default);

    /// <summary>How many requests are pending.</summary>
    ValueTask<int> CountPendingAsync(CancellationToken cancellationToken = default);
}
