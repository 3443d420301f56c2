using System.Security.Cryptography;

namespace Interlock.Audit;

/// <summary>
/// A signed statement "the chain had this head at this sequence": ECDSA P-256 with SHA-256 over
/// <see cref="AuditCanonical.EncodeCheckpoint"/>, the signature in IEEE P1363 form (r‖s, 64 bytes), base64.
/// <see cref="KeyId"/> names the signing key (first 16 hex digits of the SHA-256 of its SubjectPublicKeyInfo).
/// </summary>
public sealed record AuditCheckpoint(long Sequence, string HeadHash, DateTimeOffset Time, string KeyId, string Signature)
{
    public byte[] Encode() => AuditCanonical.EncodeCheckpoint(Sequence, HeadHash, Time, KeyId);

    public bool VerifySignature(ECDsa publicKey)
    {
        ArgumentNullException.ThrowIfNull(publicKey);
        var signature = new byte[64];
        if (!Convert.TryFromBase64String(Signature, signature, out var written) || written != 64) return false;
        try
        {
            return publicKey.VerifyData(Encode(), signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}

/// <summary>
/// Signs checkpoints with an ECDSA P-256 key and decides when one is due: every <c>everyRecords</c> records, or every
/// <c>everyInterval</c> when records were appended since the last one, by the injected <see cref="TimeProvider"/>.
/// </summary>
public sealed class CheckpointSigner
{
    private readonly ECDsa _key;
    private readonly TimeProvider _time;
    private long _lastSequence;
    private DateTimeOffset _lastTime;

    public CheckpointSigner(ECDsa key, TimeProvider time, int everyRecords = 1000, TimeSpan? everyInterval = null, AuditCheckpoint? last = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThan(everyRecords, 1);
        if (key.KeySize != 256) throw new ArgumentException("checkpoint keys are ECDSA P-256", nameof(key));
        _key = key;
        _time = time;
        EveryRecords = everyRecords;
        EveryInterval = everyInterval ?? TimeSpan.FromSeconds(10);
        KeyId = ComputeKeyId(key);
        _lastSequence = last?.Sequence ?? 0;
        _lastTime = last?.Time ?? time.GetUtcNow();
    }

    public int EveryRecords { get; }
    public TimeSpan EveryInterval { get; }
    public string KeyId { get; }

    /// <summary>The sequence of the last checkpoint signed (or given at construction).</summary>
    public long LastSequence => _lastSequence;

    /// <summary>Whether a checkpoint is due for a chain whose head is <paramref name="head"/>.</summary>
    public bool IsDue(AuditHead head)
    {
        if (head.Sequence <= _lastSequence) return false;
        return head.Sequence - _lastSequence >= EveryRecords || _time.GetUtcNow() - _lastTime >= EveryInterval;
    }

    /// <summary>Signs a checkpoint of <paramref name="head"/> at the current time and marks it as the last one.</summary>
    public AuditCheckpoint Sign(AuditHead head)
    {
        var time = AuditCanonical.Truncate(_time.GetUtcNow());
        var unsigned = new AuditCheckpoint(head.Sequence, head.Hash, time, KeyId, "");
        var signature = _key.SignData(unsigned.Encode(), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        _lastSequence = head.Sequence;
        _lastTime = time;
        return unsigned with { Signature = Convert.ToBase64String(signature) };
    }

    /// <summary>The public key as PEM (<c>-----BEGIN PUBLIC KEY-----</c>, SubjectPublicKeyInfo) for verifiers.</summary>
    public string ExportPublicKeyPem() => _key.ExportSubjectPublicKeyInfoPem();

    public static string ComputeKeyId(ECDsa key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()))[..16];
    }

    /// <summary>Reads a PEM public key (SubjectPublicKeyInfo) for verification.</summary>
    public static ECDsa ImportPublicKeyPem(string pem)
    {
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
            if (key.KeySize != 256) throw new CryptographicException("not a P-256 key");
            return key;
        }
        catch
        {
            key.Dispose();
            throw;
        }
    }
}
