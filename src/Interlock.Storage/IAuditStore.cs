using Interlock.Audit;
using Interlock.Pipeline;

namespace Interlock.Storage;

/// <summary>
/// The append-only audit log. Appends are ordered and hash-chained by the store; a record is durable on disk before
/// <see cref="AppendAsync"/> completes. There is no update or delete.
/// </summary>
public interface IAuditStore : IAsyncDisposable, IDecisionRecorder
{
    async Task IDecisionRecorder.RecordAsync(AuditEntry entry, CancellationToken cancellationToken) => await AppendAsync(entry, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Appends one entry; completes with its record once it is durable (committed and fsync'd). Cancelling stops the
    /// wait only: an entry already queued may still be written.
    /// </summary>
    ValueTask<AuditRecord> AppendAsync(AuditEntry entry, CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="limit"/> records with sequence greater than <paramref name="after"/>, in order.</summary>
    ValueTask<IReadOnlyList<AuditRecord>> ReadAsync(long after, int limit, CancellationToken cancellationToken = default);

    /// <summary>Records matching <paramref name="query"/>, oldest first (newest first when <see cref="AuditQuery.Newest"/>).</summary>
    ValueTask<IReadOnlyList<AuditRecord>> QueryAsync(AuditQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// The latest decision record of action <paramref name="actionId"/> (an action decided again after approval, or
    /// denied by a reviewer, has several: the last is what stands), or null when it has none.
    /// </summary>
    async ValueTask<AuditRecord?> LastDecisionAsync(string actionId, CancellationToken cancellationToken = default)
    {
        var found = await QueryAsync(new AuditQuery { ActionId = actionId, Kind = AuditKind.Decision, Newest = true, Limit = 1 }, cancellationToken).ConfigureAwait(false);
        return found.Count == 0 ? null : found[0];
    }

    /// <summary>The write failure that stopped the store (it then refuses every append), or null while it is healthy.</summary>
    Exception? Fault { get; }

    /// <summary>The last durable record's sequence and hash.</summary>
    ValueTask<AuditHead> HeadAsync(CancellationToken cancellationToken = default);

    /// <summary>Signs and appends a checkpoint of the current head now (or returns the last one if it already covers the head).</summary>
    ValueTask<AuditCheckpoint> CheckpointAsync(CancellationToken cancellationToken = default);

    /// <summary>Checkpoints with sequence greater than <paramref name="after"/>, in order.</summary>
    ValueTask<IReadOnlyList<AuditCheckpoint>> ReadCheckpointsAsync(long after, int limit, CancellationToken cancellationToken = default);

    /// <summary>The checkpoint verification key, PEM SubjectPublicKeyInfo.</summary>
    string PublicKeyPem { get; }
}

/// <summary>A filter over audit records; null fields match everything.</summary>
public sealed record AuditQuery
{
    public long After { get; init; }
    public long? Before { get; init; }
    public string? Agent { get; init; }
    public string? ActionId { get; init; }
    public AuditKind? Kind { get; init; }
    public int Limit { get; init; } = 100;
    /// <summary>Newest first (for "recent history"); oldest first otherwise.</summary>
    public bool Newest { get; init; }
}

/// <summary>The stored chain does not verify: the store refuses to start (or the data is unreadable).</summary>
public sealed class AuditTamperedException : Exception
{
    public AuditTamperedException(long? firstBadSequence, string problem)
        : base(firstBadSequence is { } s ? $"audit log fails verification at sequence {s}: {problem}" : $"audit log fails verification: {problem}")
    {
        FirstBadSequence = firstBadSequence;
        Problem = problem;
    }

    public AuditTamperedException() : this(null, "unknown") { }

    public AuditTamperedException(string message) : this(null, message) { }

    public AuditTamperedException(string message, Exception inner) : base(message, inner) => Problem = message;

    public long? FirstBadSequence { get; }
    public string Problem { get; } = "";
}

/// <summary>A stored or exported record that cannot even be read back into a record (an unknown kind, a bad field).</summary>
public sealed class AuditFormatException : Exception
{
    public AuditFormatException(long sequence, string message) : base(message) => Sequence = sequence;

    public AuditFormatException() { }

    public AuditFormatException(string message) : base(message) { }

    public AuditFormatException(string message, Exception inner) : base(message, inner) { }

    /// <summary>The sequence the bad item is at (or would be at).</summary>
    public long Sequence { get; }
}
