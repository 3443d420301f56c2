using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Interlock.Audit;
using Interlock.Storage.Sqlite;

namespace Interlock.Storage.Tests;

public sealed class AuditExportTests
{
    /// <summary>An export of 25 records with checkpoints at 10, 20 and 25, split into lines.</summary>
    private static async Task<(List<string> Lines, string PublicKeyPem)> Export()
    {
        using var dir = new TempDir();
        await Store.Fill(dir.Path, 25, every: 10);
        using var ms = new MemoryStream();
        Assert.Equal(25, await SqliteAuditStore.ExportAsync(dir.Path, ms));
        var text = Encoding.UTF8.GetString(ms.ToArray());
        return ([.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries)], File.ReadAllText(Path.Combine(dir.Path, SqliteAuditStore.PublicKeyFile)));
    }

    private static AuditVerification Verify(IEnumerable<string> lines, string? pem = null)
    {
        using var key = pem is null ? null : CheckpointSigner.ImportPublicKeyPem(pem);
        return AuditExport.Verify(new StringReader(string.Join('\n', lines) + "\n"), key);
    }

    private static int LineOf(List<string> lines, long seq) =>
        lines.FindIndex(l => JsonNode.Parse(l)!["type"]!.GetValue<string>() == "record" && JsonNode.Parse(l)!["seq"]!.GetValue<long>() == seq);

    private static string Edit(string line, Action<JsonObject> edit)
    {
        var o = JsonNode.Parse(line)!.AsObject();
        edit(o);
        return o.ToJsonString();
    }

    [Fact]
    public async Task An_export_round_trips_and_verifies()
    {
        var (lines, pem) = await Export();
        Assert.Equal(1 + 3 + 25 + 1, lines.Count);
        var v = Verify(lines, pem);
        Assert.True(v.Ok, v.Problem);
        Assert.Equal(25, v.Records);
        Assert.Equal(3, v.CheckpointsVerified);
        var content = AuditExport.Read(new StringReader(string.Join('\n', lines)));
        Assert.Equal(25, content.Records.Count);
        Assert.Equal(pem, content.PublicKeyPem);
        Assert.Equal(content.Records[4], AuditExport.Read(new StringReader(lines[0] + "\n" + AuditExport.RecordLine(content.Records[4]))).Records[0]);
    }

    [Fact]
    public async Task Editing_a_field_is_detected()
    {
        var (lines, pem) = await Export();
        var i = LineOf(lines, 7);
        lines[i] = Edit(lines[i], o => o["payload"]!["text"] = "nothing happened");
        Assert.Equal(7, Verify(lines, pem).FirstBadSequence);
        (lines, pem) = await Export();
        i = LineOf(lines, 8);
        lines[i] = Edit(lines[i], o => o["ts"] = o["ts"]!.GetValue<long>() + 1);
        Assert.Equal(8, Verify(lines, pem).FirstBadSequence);
        // Even whitespace inside the payload changes the hashed bytes.
        (lines, pem) = await Export();
        i = LineOf(lines, 9);
        lines[i] = lines[i].Replace("{\"text\":", "{ \"text\":", StringComparison.Ordinal);
        Assert.Equal(9, Verify(lines, pem).FirstBadSequence);
    }

    [Fact]
    public async Task Deleting_a_line_is_detected()
    {
        var (lines, pem) = await Export();
        lines.RemoveAt(LineOf(lines, 12));
        Assert.Equal(12, Verify(lines, pem).FirstBadSequence);
    }

    [Fact]
    public async Task Inserting_a_forged_line_is_detected()
    {
        var (lines, pem) = await Export();
        var content = AuditExport.Read(new StringReader(string.Join('\n', lines)));
        var forged = AuditChain.Build(content.Records[13].Head, AuditEntry.Note("forged approval"), DateTimeOffset.UtcNow, "forged");
        lines.Insert(LineOf(lines, 15), AuditExport.RecordLine(forged));
        var v = Verify(lines, pem);
        Assert.False(v.Ok);
        Assert.Equal(16, v.FirstBadSequence);
    }

    [Fact]
    public async Task Swapping_two_lines_is_detected()
    {
        var (lines, pem) = await Export();
        int a = LineOf(lines, 5), b = LineOf(lines, 6);
        (lines[a], lines[b]) = (lines[b], lines[a]);
        Assert.Equal(5, Verify(lines, pem).FirstBadSequence);
    }

    [Fact]
    public async Task Truncating_the_tail_below_the_last_checkpoint_is_detected()
    {
        var (lines, pem) = await Export();
        var cut = lines.Take(LineOf(lines, 23)).ToList();
        var v = Verify(cut, pem);
        Assert.False(v.Ok);
        Assert.Equal(23, v.FirstBadSequence);
        // A forged end line that matches the shortened chain does not help: the checkpoint at 25 still shows the loss.
        var content = AuditExport.Read(new StringReader(string.Join('\n', cut)));
        cut.Add($"{{\"type\":\"end\",\"records\":22,\"head_seq\":22,\"head\":\"{content.Records[^1].Hash}\"}}");
        Assert.Equal(23, Verify(cut, pem).FirstBadSequence);
    }

    [Fact]
    public async Task A_missing_end_line_is_detected()
    {
        var (lines, pem) = await Export();
        lines.RemoveAt(lines.Count - 1);
        var v = Verify(lines, pem);
        Assert.False(v.Ok);
        Assert.Equal(26, v.FirstBadSequence);
    }

    [Fact]
    public async Task A_forged_checkpoint_is_detected()
    {
        var (lines, pem) = await Export();
        var i = lines.FindIndex(l => l.Contains("\"seq\":20,", StringComparison.Ordinal) && l.Contains("checkpoint", StringComparison.Ordinal));
        lines[i] = Edit(lines[i], o => o["ts"] = o["ts"]!.GetValue<long>() + 1000);
        Assert.Equal(20, Verify(lines, pem).FirstBadSequence);
    }

    [Fact]
    public async Task Checkpoints_re_signed_with_a_forger_key_fail_against_the_real_key()
    {
        var (lines, pem) = await Export();
        using var forger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var signer = new CheckpointSigner(forger, TimeProvider.System);
        var content = AuditExport.Read(new StringReader(string.Join('\n', lines)));
        lines[0] = Edit(lines[0], o => o["public_key"] = signer.ExportPublicKeyPem());
        var cpLines = lines.Select((l, i) => (l, i)).Where(x => x.l.Contains("\"type\":\"checkpoint\"", StringComparison.Ordinal)).ToList();
        foreach (var (l, i) in cpLines)
        {
            var seq = JsonNode.Parse(l)!["seq"]!.GetValue<long>();
            var cp = signer.Sign(content.Records[(int)seq - 1].Head);
            lines[i] = $"{{\"type\":\"checkpoint\",\"seq\":{cp.Sequence},\"head\":\"{cp.HeadHash}\",\"ts\":{cp.Time.ToUnixTimeMilliseconds()},\"key_id\":\"{cp.KeyId}\",\"signature\":\"{cp.Signature}\"}}";
        }
        // The export's own key vouches for itself; the key the verifier trusts does not.
        Assert.True(Verify(lines).Ok);
        var v = Verify(lines, pem);
        Assert.False(v.Ok);
        Assert.Equal(10, v.FirstBadSequence);
    }
}
