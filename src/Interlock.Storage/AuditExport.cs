using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Interlock.Audit;

namespace Interlock.Storage;

/// <summary>What an export file holds.</summary>
public sealed record AuditExportContent(
    string? PublicKeyPem,
    IReadOnlyList<AuditCheckpoint> Checkpoints,
    IReadOnlyList<AuditRecord> Records,
    AuditHead? End);

/// <summary>
/// JSON Lines export of an audit log, one object per line, <c>type</c> first:
/// a <c>header</c> (format <c>interlock/audit-export/v1</c> and the checkpoint public key), every <c>checkpoint</c>,
/// every <c>record</c> in sequence order (its <c>payload</c> embedded verbatim, byte for byte, because the hash covers
/// those bytes), and an <c>end</c> line with the record count and head hash. Checkpoints come before records so cutting
/// lines off the end leaves them behind to show the loss; a missing <c>end</c> line is reported too.
/// </summary>
public static class AuditExport
{
    public const string Format = "interlock/audit-export/v1";

    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false };

    public static async Task<long> WriteAsync(Stream output, string publicKeyPem, IEnumerable<AuditCheckpoint> checkpoints, IEnumerable<AuditRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(checkpoints);
        ArgumentNullException.ThrowIfNull(records);
        await using var w = new Utf8JsonWriter(output, WriterOptions);
        void Line()
        {
            w.Flush();
            w.Reset();
            output.WriteByte((byte)'\n');
        }
        w.WriteStartObject();
        w.WriteString("type", "header");
        w.WriteString("format", Format);
        w.WriteString("public_key", publicKeyPem);
        w.WriteEndObject();
        Line();
        foreach (var cp in checkpoints)
        {
            w.WriteStartObject();
            w.WriteString("type", "checkpoint");
            w.WriteNumber("seq", cp.Sequence);
            w.WriteString("head", cp.HeadHash);
            w.WriteNumber("ts", cp.Time.ToUnixTimeMilliseconds());
            w.WriteString("key_id", cp.KeyId);
            w.WriteString("signature", cp.Signature);
            w.WriteEndObject();
            Line();
        }
        var head = AuditHead.Genesis;
        long count = 0;
        foreach (var r in records)
        {
            cancellationToken.ThrowIfCancellationRequested();
            WriteRecord(w, r);
            Line();
            head = r.Head;
            count++;
        }
        w.WriteStartObject();
        w.WriteString("type", "end");
        w.WriteNumber("records", count);
        w.WriteNumber("head_seq", head.Sequence);
        w.WriteString("head", head.Hash);
        w.WriteEndObject();
        Line();
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        return count;
    }

    /// <summary>One record as a single JSON line (no newline).</summary>
    public static string RecordLine(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, WriterOptions)) WriteRecord(w, record);
        return Encoding.UTF8.GetString(ms.ToArray());
    }

    private static void WriteRecord(Utf8JsonWriter w, AuditRecord r)
    {
        w.WriteStartObject();
        w.WriteString("type", "record");
        w.WriteNumber("seq", r.Sequence);
        w.WriteString("id", r.Id);
        w.WriteNumber("ts", r.Timestamp.ToUnixTimeMilliseconds());
        w.WriteString("kind", r.Entry.Kind.WireName());
        w.WriteString("agent", r.Entry.Agent);
        w.WriteString("session", r.Entry.Session);
        w.WriteString("action_id", r.Entry.ActionId);
        w.WritePropertyName("payload");
        w.WriteRawValue(r.Entry.Payload, skipInputValidation: false);
        w.WriteString("prev", r.PreviousHash);
        w.WriteString("hash", r.Hash);
        w.WriteEndObject();
    }

    /// <summary>Reads an export; throws <see cref="AuditFormatException"/> (with the sequence the bad line is at) on a malformed line.</summary>
    public static AuditExportContent Read(TextReader input)
    {
        ArgumentNullException.ThrowIfNull(input);
        string? key = null;
        var checkpoints = new List<AuditCheckpoint>();
        var records = new List<AuditRecord>();
        AuditHead? end = null;
        var lineNo = 0;
        var sawHeader = false;
        while (input.ReadLine() is { } line)
        {
            lineNo++;
            if (line.Length == 0) continue;
            var at = (records.Count > 0 ? records[^1].Sequence : 0) + 1;
            if (end is not null) throw new AuditFormatException(at, $"line {lineNo}: content after the end line");
            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(line);
            }
            catch (JsonException ex)
            {
                throw new AuditFormatException(at, $"line {lineNo}: not JSON ({ex.Message})");
            }
            using (doc)
            {
                var o = doc.RootElement;
                try
                {
                    var type = o.ValueKind == JsonValueKind.Object && o.TryGetProperty("type", out var t) ? t.GetString() : null;
                    switch (type)
                    {
                        case "header" when !sawHeader && lineNo == 1:
                            if (Str(o, "format") != Format) throw new AuditFormatException(1, $"line 1: not an {Format} export");
                            key = Str(o, "public_key");
                            sawHeader = true;
                            break;
                        case "checkpoint":
                            var seq = o.GetProperty("seq").GetInt64();
                            checkpoints.Add(new AuditCheckpoint(seq, Req(o, "head"), DateTimeOffset.FromUnixTimeMilliseconds(o.GetProperty("ts").GetInt64()), Req(o, "key_id"), Req(o, "signature")));
                            break;
                        case "record":
                            records.Add(ParseRecord(o, lineNo));
                            break;
                        case "end":
                            end = new AuditHead(o.GetProperty("head_seq").GetInt64(), Req(o, "head"));
                            break;
                        default:
                            throw new AuditFormatException(at, $"line {lineNo}: unexpected line type '{type}'");
                    }
                }
                catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or FormatException or ArgumentOutOfRangeException)
                {
                    long seq = o.ValueKind == JsonValueKind.Object && o.TryGetProperty("seq", out var s) && s.TryGetInt64(out var n) ? n : at;
                    throw new AuditFormatException(Math.Min(seq, at), $"line {lineNo}: malformed ({ex.Message})");
                }
            }
        }
        if (!sawHeader) throw new AuditFormatException(1, "not an audit export: no header line");
        return new AuditExportContent(key, checkpoints, records, end);
    }

    private static AuditRecord ParseRecord(JsonElement o, int lineNo)
    {
        var seq = o.GetProperty("seq").GetInt64();
        var kindText = Str(o, "kind");
        if (!AuditKinds.TryParse(kindText, out var kind)) throw new AuditFormatException(seq, $"line {lineNo}: record {seq} has an unknown kind '{kindText}'");
        var payload = o.GetProperty("payload");
        if (payload.ValueKind != JsonValueKind.Object) throw new AuditFormatException(seq, $"line {lineNo}: record {seq}'s payload is not an object");
        return new AuditRecord
        {
            Sequence = seq,
            Id = Req(o, "id"),
            Timestamp = DateTimeOffset.FromUnixTimeMilliseconds(o.GetProperty("ts").GetInt64()),
            Entry = new AuditEntry { Kind = kind, Agent = Str(o, "agent"), Session = Str(o, "session"), ActionId = Str(o, "action_id"), Payload = payload.GetRawText() },
            PreviousHash = Req(o, "prev"),
            Hash = Req(o, "hash"),
        };
    }

    private static string? Str(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v.GetString() : null;

    private static string Req(JsonElement o, string name) => Str(o, name) ?? throw new KeyNotFoundException($"'{name}' is missing");

    /// <summary>
    /// Verifies an export: the chain, the checkpoints (with <paramref name="publicKey"/>, or the key the export carries
    /// when none is given), and that the records end exactly at the <c>end</c> line's head.
    /// </summary>
    public static AuditVerification Verify(TextReader input, ECDsa? publicKey = null)
    {
        AuditExportContent content;
        try
        {
            content = Read(input);
        }
        catch (AuditFormatException ex)
        {
            return new AuditVerification(false, 0, "", ex.Sequence, ex.Message);
        }
        ECDsa? embedded = null;
        try
        {
            if (publicKey is null && content.PublicKeyPem is { } pem)
            {
                try
                {
                    embedded = CheckpointSigner.ImportPublicKeyPem(pem);
                }
                catch (CryptographicException)
                {
                    return new AuditVerification(false, 0, "", content.Checkpoints.Count > 0 ? content.Checkpoints[0].Sequence : 1, "the export's public key is unreadable");
                }
            }
            var v = AuditChain.Verify(content.Records, content.Checkpoints, publicKey ?? embedded, content.End);
            if (!v.Ok) return v;
            if (content.End is not { } end)
                return v with { Ok = false, FirstBadSequence = v.Records + 1, Problem = $"the export has no end line after record {v.Records}: it was cut short" };
            if (end.Sequence != v.Records)
                return v with { Ok = false, FirstBadSequence = end.Sequence + 1, Problem = $"records continue past the end line's head (sequence {end.Sequence})" };
            return v;
        }
        finally
        {
            embedded?.Dispose();
        }
    }

    /// <summary>The one-line verdict the CLI prints: <c>ok: …</c> or <c>FAILED at sequence S: …</c>.</summary>
    public static string Describe(AuditVerification v)
    {
        ArgumentNullException.ThrowIfNull(v);
        return v.Ok
            ? string.Create(CultureInfo.InvariantCulture, $"ok: {v.Records} records, head {v.Head}, {v.CheckpointsVerified} checkpoints verified")
            : string.Create(CultureInfo.InvariantCulture, $"FAILED at sequence {v.FirstBadSequence}: {v.Problem}");
    }
}
