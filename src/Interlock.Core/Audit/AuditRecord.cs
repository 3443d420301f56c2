namespace Interlock.Audit;

/// <summary>The chain's head: the last record's sequence and hash (sequence 0 and <see cref="AuditCanonical.GenesisHash"/> when empty).</summary>
public readonly record struct AuditHead(long Sequence, string Hash)
{
    public static AuditHead Genesis { get; } = new(0, AuditCanonical.GenesisHash);
}

/// <summary>
/// One link of the audit chain. <see cref="Hash"/> is SHA-256 over <see cref="AuditCanonical.EncodeRecord"/> of every
/// other field, <see cref="PreviousHash"/> included; hashes are lowercase hex. Timestamps have millisecond precision.
/// </summary>
public sealed record AuditRecord
{
    public required long Sequence { get; init; }
    public required string Id { get; init; }
    public required DateTimeOffset Timestamp { get; init; }
    public required AuditEntry Entry { get; init; }
    public required string PreviousHash { get; init; }
    public required string Hash { get; init; }

    public AuditHead Head => new(Sequence, Hash);

    /// <summary>The hash this record's fields actually encode to (equal to <see cref="Hash"/> unless tampered with).</summary>
    public string ComputeHash() => AuditCanonical.HashRecord(Sequence, Id, Timestamp, Entry, PreviousHash);
}
