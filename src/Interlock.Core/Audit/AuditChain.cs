using System.Security.Cryptography;

namespace Interlock.Audit;

/// <summary>The outcome of verifying a chain: how far it verified, and the first sequence number that did not.</summary>
public sealed record AuditVerification(bool Ok, long Records, string Head, long? FirstBadSequence, string? Problem)
{
    /// <summary>Checkpoints whose signature and head were checked.</summary>
    public int CheckpointsVerified { get; init; }
}

/// <summary>
/// Builds and verifies the append-only SHA-256 hash chain. Record <c>n</c> (from 1) carries the hash of record
/// <c>n-1</c> (<see cref="AuditCanonical.GenesisHash"/> for the first) and its own hash over
/// <see cref="AuditCanonical.EncodeRecord"/>. Not thread-safe: one writer owns a chain.
/// </summary>
public sealed class AuditChain
{
    private readonly TimeProvider _time;

    public AuditChain(TimeProvider time, AuditHead? head = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        Head = head ?? AuditHead.Genesis;
    }

    public AuditHead Head { get; private set; }

    /// <summary>Builds the next record at the current time and advances the head.</summary>
    public AuditRecord Append(AuditEntry entry)
    {
        var now = _time.GetUtcNow();
        var record = Build(Head, entry, now, NewId(now));
        Head = record.Head;
        return record;
    }

    /// <summary>A time-ordered unique record id (UUID v7, 32 hex digits).</summary>
    public static string NewId(DateTimeOffset time) => Guid.CreateVersion7(time).ToString("N");

    public static AuditRecord Build(AuditHead previous, AuditEntry entry, DateTimeOffset time, string id)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(id);
        var sequence = previous.Sequence + 1;
        var ts = AuditCanonical.Truncate(time);
        return new AuditRecord
        {
            Sequence = sequence,
            Id = id,
            Timestamp = ts,
            Entry = entry,
            PreviousHash = previous.Hash,
            Hash = AuditCanonical.HashRecord(sequence, id, ts, entry, previous.Hash),
        };
    }

    /// <summary>
    /// Verifies records (in stored order, from sequence 1) against each other, against the checkpoints (each must be
    /// signed by <paramref name="publicKey"/>, in increasing sequence order, and name the head the chain had at its
    /// sequence) and, when given, against an expected head. Detects edited, deleted, inserted and reordered records,
    /// a tail truncated below the last checkpoint or the expected head, and forged checkpoints. Reports the smallest
    /// sequence number at which something is wrong.
    /// </summary>
    public static AuditVerification Verify(IEnumerable<AuditRecord> records, IEnumerable<AuditCheckpoint>? checkpoints, ECDsa? publicKey, AuditHead? expectedHead = null)
    {
        ArgumentNullException.ThrowIfNull(records);
        long? bad = null;
        string? problem = null;
        void Bad(long sequence, string what)
        {
            if (bad is null || sequence < bad)
            {
                bad = sequence;
                problem = what;
            }
        }

        var bySequence = new Dictionary<long, AuditCheckpoint>();
        long lastCheckpoint = 0;
        string? keyId = publicKey is null ? null : CheckpointSigner.ComputeKeyId(publicKey);
        foreach (var cp in checkpoints ?? [])
        {
            if (cp.Sequence <= lastCheckpoint)
            {
                Bad(Math.Max(cp.Sequence, 1), $"checkpoint at sequence {cp.Sequence} is out of order (after {lastCheckpoint})");
                continue;
            }
            lastCheckpoint = cp.Sequence;
            if (publicKey is null) Bad(cp.Sequence, $"checkpoint at sequence {cp.Sequence} cannot be verified: no public key");
            else if (!string.Equals(cp.KeyId, keyId, StringComparison.Ordinal)) Bad(cp.Sequence, $"checkpoint at sequence {cp.Sequence} names key {cp.KeyId}, not the verifying key {keyId}");
            else if (!cp.VerifySignature(publicKey)) Bad(cp.Sequence, $"checkpoint at sequence {cp.Sequence} has an invalid signature");
            else bySequence[cp.Sequence] = cp;
        }

        var head = AuditHead.Genesis;
        long count = 0;
        var checkpointsVerified = 0;
        string? hashAtExpected = null;
        foreach (var r in records)
        {
            var expected = head.Sequence + 1;
            if (bad is not null && bad <= expected) break;
            if (r.Sequence != expected)
            {
                Bad(expected, r.Sequence > expected
                    ? $"record {expected} is missing (found sequence {r.Sequence} after {head.Sequence})"
                    : $"record {r.Sequence} is out of place (found after {head.Sequence}, expected {expected})");
                break;
            }
            if (!string.Equals(r.PreviousHash, head.Hash, StringComparison.Ordinal))
            {
                Bad(expected, expected == 1 ? "the first record does not start from the genesis hash" : $"previous hash does not match record {head.Sequence}'s hash (a record was removed, inserted or rewritten)");
                break;
            }
            if (!AuditCanonical.IsHash(r.Hash) || !string.Equals(r.ComputeHash(), r.Hash, StringComparison.Ordinal))
            {
                Bad(expected, $"record {expected}'s contents do not match its hash (edited)");
                break;
            }
            if (bySequence.TryGetValue(r.Sequence, out var cp))
            {
                if (!string.Equals(cp.HeadHash, r.Hash, StringComparison.Ordinal))
                {
                    Bad(expected, $"the checkpoint at sequence {cp.Sequence} signed a different head than the chain has (records up to {cp.Sequence} were rewritten)");
                    break;
                }
                checkpointsVerified++;
            }
            if (expectedHead is { } eh && eh.Sequence == r.Sequence) hashAtExpected = r.Hash;
            head = r.Head;
            count++;
        }

        if (bad is null)
        {
            if (lastCheckpoint > head.Sequence)
                Bad(head.Sequence + 1, $"the chain ends at sequence {head.Sequence} but a checkpoint signed sequence {lastCheckpoint}: records were removed from the tail");
            if (expectedHead is { } eh)
            {
                if (eh.Sequence > head.Sequence)
                    Bad(head.Sequence + 1, $"the chain ends at sequence {head.Sequence} but the expected head is at sequence {eh.Sequence}: records were removed from the tail");
                else if (eh.Sequence > 0 && !string.Equals(hashAtExpected, eh.Hash, StringComparison.Ordinal))
                    Bad(eh.Sequence, $"record {eh.Sequence}'s hash differs from the expected head");
            }
        }
        return bad is null
            ? new AuditVerification(true, count, head.Hash, null, null) { CheckpointsVerified = checkpointsVerified }
            : new AuditVerification(false, count, head.Hash, bad, problem) { CheckpointsVerified = checkpointsVerified };
    }
}
