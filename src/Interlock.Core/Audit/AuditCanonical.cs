using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Interlock.Audit;

/// <summary>
/// The one deterministic byte encoding that audit hashes and checkpoint signatures cover.
/// <para>
/// Every field is written as a <em>length-prefixed</em> item, so no two different field lists share an encoding
/// (no delimiter can be forged inside a value):
/// <list type="bullet">
/// <item>string: tag byte <c>0x01</c>, 4-byte big-endian UTF-8 length, the UTF-8 bytes; a null string is the single byte <c>0x00</c>
/// (so null and "" differ);</item>
/// <item>integer: 8-byte big-endian two's complement;</item>
/// <item>hash: tag byte <c>0x03</c> and the 32 raw bytes; a value that is not 64 lowercase hex digits is encoded like a
/// string with tag <c>0x02</c> instead, so it never collides with a well-formed hash (and verification fails on it).</item>
/// </list>
/// </para>
/// <para>
/// A record encodes as: string <c>interlock/audit/v1</c> (domain tag and version), integer sequence, integer timestamp in
/// Unix milliseconds, string id, string kind, string agent, string session, string action id, string payload, hash
/// previous-hash. A checkpoint encodes as: string <c>interlock/audit-checkpoint/v1</c>, integer sequence, hash head,
/// integer time in Unix milliseconds, string key id. The different domain tags keep a record hash from ever being
/// presented as a checkpoint and the reverse; a new layout gets a new version in its tag.
/// </para>
/// </summary>
public static class AuditCanonical
{
    public const string RecordDomain = "interlock/audit/v1";
    public const string CheckpointDomain = "interlock/audit-checkpoint/v1";

    /// <summary>The previous hash of the first record: 64 zeros.</summary>
    public static readonly string GenesisHash = new('0', 64);

    public static byte[] EncodeRecord(long sequence, string id, DateTimeOffset timestamp, AuditEntry entry, string previousHash)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var w = new CanonicalWriter();
        w.String(RecordDomain);
        w.Int(sequence);
        w.Int(timestamp.ToUnixTimeMilliseconds());
        w.String(id);
        w.String(entry.Kind.WireName());
        w.String(entry.Agent);
        w.String(entry.Session);
        w.String(entry.ActionId);
        w.String(entry.Payload);
        w.Hash(previousHash);
        return w.ToArray();
    }

    public static string HashRecord(long sequence, string id, DateTimeOffset timestamp, AuditEntry entry, string previousHash) =>
        Convert.ToHexStringLower(SHA256.HashData(EncodeRecord(sequence, id, timestamp, entry, previousHash)));

    public static byte[] EncodeCheckpoint(long sequence, string headHash, DateTimeOffset time, string keyId)
    {
        var w = new CanonicalWriter();
        w.String(CheckpointDomain);
        w.Int(sequence);
        w.Hash(headHash);
        w.Int(time.ToUnixTimeMilliseconds());
        w.String(keyId);
        return w.ToArray();
    }

    /// <summary>Whether <paramref name="text"/> is 64 lowercase hex digits.</summary>
    public static bool IsHash(string? text)
    {
        if (text is null || text.Length != 64) return false;
        foreach (var c in text)
            if (c is not ((>= '0' and <= '9') or (>= 'a' and <= 'f'))) return false;
        return true;
    }

    /// <summary>Truncates to the millisecond precision records are hashed with.</summary>
    public static DateTimeOffset Truncate(DateTimeOffset time) => DateTimeOffset.FromUnixTimeMilliseconds(time.ToUnixTimeMilliseconds());
}
