using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Interlock.Actions;
using Interlock.Audit;
using Interlock.Policy;

namespace Interlock.Core.Tests.Audit;

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;

    public void Advance(TimeSpan by) => Now += by;
}

public sealed class AuditChainTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public void Dispose() => _key.Dispose();

    /// <summary>A chain of <paramref name="n"/> records with checkpoints at <paramref name="checkpointAt"/>.</summary>
    private (List<AuditRecord> Records, List<AuditCheckpoint> Checkpoints) Build(int n, params long[] checkpointAt)
    {
        var clock = new ManualClock(Start);
        var chain = new AuditChain(clock);
        var signer = new CheckpointSigner(_key, clock, everyRecords: 1_000_000, everyInterval: TimeSpan.FromDays(1));
        var records = new List<AuditRecord>();
        var checkpoints = new List<AuditCheckpoint>();
        for (var i = 1; i <= n; i++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(7));
            records.Add(chain.Append(AuditEntry.Note($"record {i}", agent: "agent-" + (i % 3), session: "s1", actionId: "a" + i)));
            if (checkpointAt.Contains(i)) checkpoints.Add(signer.Sign(chain.Head));
        }
        return (records, checkpoints);
    }

    private AuditVerification Verify(IEnumerable<AuditRecord> records, IEnumerable<AuditCheckpoint> checkpoints, AuditHead? expected = null) =>
        AuditChain.Verify(records, checkpoints, _key, expected);

    [Fact]
    public void A_built_chain_links_every_record_to_the_previous_one_and_verifies()
    {
        var (records, cps) = Build(50, 20, 40);
        Assert.Equal(AuditCanonical.GenesisHash, records[0].PreviousHash);
        for (var i = 0; i < records.Count; i++)
        {
            Assert.Equal(i + 1, records[i].Sequence);
            Assert.True(AuditCanonical.IsHash(records[i].Hash));
            if (i > 0) Assert.Equal(records[i - 1].Hash, records[i].PreviousHash);
            Assert.Equal(records[i].Hash, records[i].ComputeHash());
        }
        Assert.Equal(50, records.Select(r => r.Id).Distinct().Count());
        var v = Verify(records, cps);
        Assert.True(v.Ok, v.Problem);
        Assert.Equal(50, v.Records);
        Assert.Equal(records[^1].Hash, v.Head);
        Assert.Equal(2, v.CheckpointsVerified);
        Assert.Null(v.FirstBadSequence);
    }

    [Fact]
    public void An_empty_chain_verifies_with_the_genesis_head()
    {
        var v = Verify([], []);
        Assert.True(v.Ok);
        Assert.Equal(0, v.Records);
        Assert.Equal(AuditCanonical.GenesisHash, v.Head);
    }

    [Fact]
    public void Encoding_is_length_prefixed_and_domain_separated()
    {
        var t = Start;
        byte[] Enc(string? agent, string? session) =>
            AuditCanonical.EncodeRecord(1, "id", t, new AuditEntry { Kind = AuditKind.Note, Agent = agent, Session = session, Payload = "{}" }, AuditCanonical.GenesisHash);
        // Moving a boundary, null versus empty, and swapping fields all change the bytes.
        Assert.NotEqual(Enc("ab", "c"), Enc("a", "bc"));
        Assert.NotEqual(Enc(null, "x"), Enc("", "x"));
        Assert.NotEqual(Enc("x", null), Enc(null, "x"));
        var record = Enc("a", "b");
        Assert.StartsWith(AuditCanonical.RecordDomain, Encoding.UTF8.GetString(record.AsSpan(5, AuditCanonical.RecordDomain.Length)), StringComparison.Ordinal);
        var checkpoint = AuditCanonical.EncodeCheckpoint(1, AuditCanonical.GenesisHash, t, "k");
        Assert.Equal(AuditCanonical.CheckpointDomain, Encoding.UTF8.GetString(checkpoint.AsSpan(5, AuditCanonical.CheckpointDomain.Length)));
        // Same inputs, same bytes (deterministic).
        Assert.Equal(Enc("a", "b"), Enc("a", "b"));
        // A malformed previous hash never encodes like a well-formed one.
        var good = AuditCanonical.EncodeRecord(1, "id", t, AuditEntry.Note("x"), new string('a', 64));
        var bad = AuditCanonical.EncodeRecord(1, "id", t, AuditEntry.Note("x"), new string('A', 64));
        Assert.NotEqual(good, bad);
    }

    [Fact]
    public void Every_field_is_covered_by_the_hash()
    {
        var (records, _) = Build(3);
        var r = records[1];
        var variants = new[]
        {
            r with { Sequence = 7 },
            r with { Id = r.Id + "0" },
            r with { Timestamp = r.Timestamp.AddMilliseconds(1) },
            r with { Entry = r.Entry with { Kind = AuditKind.Result } },
            r with { Entry = r.Entry with { Agent = "other" } },
            r with { Entry = r.Entry with { Session = null } },
            r with { Entry = r.Entry with { ActionId = "b" } },
            r with { Entry = r.Entry with { Payload = "{\"text\":\"record 2 \"}" } },
            r with { PreviousHash = records[0].PreviousHash },
        };
        foreach (var v in variants) Assert.NotEqual(r.Hash, v.ComputeHash());
    }

    [Fact]
    public void An_edited_record_is_reported_at_its_sequence()
    {
        var (records, cps) = Build(30, 25);
        records[9] = records[9] with { Entry = records[9].Entry with { Payload = "{\"text\":\"nothing happened\"}" } };
        var v = Verify(records, cps);
        Assert.False(v.Ok);
        Assert.Equal(10, v.FirstBadSequence);
        Assert.Contains("edited", v.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void An_edit_with_a_recomputed_hash_breaks_the_next_link()
    {
        var (records, cps) = Build(30);
        var edited = records[9] with { Entry = records[9].Entry with { Agent = "someone-else" } };
        records[9] = edited with { Hash = edited.ComputeHash() };
        var v = Verify(records, cps);
        Assert.Equal(11, v.FirstBadSequence);
    }

    [Fact]
    public void A_rewritten_suffix_contradicts_the_checkpoint()
    {
        var (records, cps) = Build(30, 20);
        // Rewrite records 10..30 consistently (possible without the key): only the checkpoint at 20 exposes it.
        var clock = new ManualClock(Start.AddHours(1));
        var chain = new AuditChain(clock, records[8].Head);
        for (var i = 9; i < 30; i++) records[i] = chain.Append(AuditEntry.Note("forged " + i));
        var v = Verify(records, cps);
        Assert.False(v.Ok);
        Assert.Equal(20, v.FirstBadSequence);
        Assert.Contains("checkpoint", v.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_deleted_record_is_reported_at_its_sequence()
    {
        var (records, cps) = Build(30, 25);
        records.RemoveAt(14);
        Assert.Equal(15, Verify(records, cps).FirstBadSequence);
    }

    [Fact]
    public void Swapped_records_are_reported_at_the_first_one()
    {
        var (records, cps) = Build(30, 25);
        (records[5], records[6]) = (records[6], records[5]);
        var v = Verify(records, cps);
        Assert.Equal(6, v.FirstBadSequence);
    }

    [Fact]
    public void An_inserted_forged_record_is_detected()
    {
        var (records, cps) = Build(30, 25);
        // The forger links a record after 12 correctly; the real 13 no longer fits after it.
        var forged = AuditChain.Build(records[11].Head, AuditEntry.Note("forged"), Start, "forged");
        records.Insert(12, forged);
        var v = Verify(records, cps);
        Assert.False(v.Ok);
        Assert.Equal(14, v.FirstBadSequence);
    }

    [Fact]
    public void A_tail_truncated_below_the_last_checkpoint_is_detected()
    {
        var (records, cps) = Build(30, 10, 25);
        var v = Verify(records.Take(22), cps);
        Assert.False(v.Ok);
        Assert.Equal(23, v.FirstBadSequence);
        Assert.Contains("tail", v.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_tail_truncated_below_an_expected_head_is_detected()
    {
        var (records, _) = Build(30);
        Assert.True(Verify(records, [], records[^1].Head).Ok);
        var v = Verify(records.Take(28), [], records[^1].Head);
        Assert.Equal(29, v.FirstBadSequence);
        var wrong = Verify(records, [], new AuditHead(30, new string('1', 64)));
        Assert.Equal(30, wrong.FirstBadSequence);
    }

    [Fact]
    public void Forged_and_foreign_checkpoints_are_rejected()
    {
        var (records, cps) = Build(30, 10, 20);
        // Signature bytes altered.
        var sig = Convert.FromBase64String(cps[1].Signature);
        sig[3] ^= 1;
        var forged = new List<AuditCheckpoint> { cps[0], cps[1] with { Signature = Convert.ToBase64String(sig) } };
        var v = Verify(records, forged);
        Assert.Equal(20, v.FirstBadSequence);
        Assert.Contains("signature", v.Problem, StringComparison.Ordinal);

        // A checkpoint moved to a different head keeps a signature that no longer matches.
        v = Verify(records, [cps[0], cps[1] with { HeadHash = records[20].Hash, Sequence = 21 }]);
        Assert.Equal(21, v.FirstBadSequence);

        // Signed by another key (a forger's own key pair): rejected under the real key.
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var otherSigner = new CheckpointSigner(other, new ManualClock(Start));
        v = Verify(records, [cps[0], otherSigner.Sign(records[19].Head)]);
        Assert.Equal(20, v.FirstBadSequence);
        Assert.Contains("key", v.Problem, StringComparison.Ordinal);

        // Without a key, checkpoints cannot count as verified.
        Assert.False(AuditChain.Verify(records, cps, null).Ok);
    }

    [Fact]
    public void The_public_key_round_trips_through_PEM()
    {
        var signer = new CheckpointSigner(_key, new ManualClock(Start));
        var pem = signer.ExportPublicKeyPem();
        Assert.StartsWith("-----BEGIN PUBLIC KEY-----", pem, StringComparison.Ordinal);
        using var pub = CheckpointSigner.ImportPublicKeyPem(pem);
        var cp = signer.Sign(new AuditHead(5, new string('c', 64)));
        Assert.True(cp.VerifySignature(pub));
        Assert.Equal(signer.KeyId, CheckpointSigner.ComputeKeyId(pub));
        Assert.False((cp with { Time = Start.AddSeconds(1) }).VerifySignature(pub));
    }

    [Fact]
    public void Checkpoints_are_due_every_N_records_or_T_seconds_by_the_injected_clock()
    {
        var clock = new ManualClock(Start);
        var signer = new CheckpointSigner(_key, clock, everyRecords: 100, everyInterval: TimeSpan.FromSeconds(5));
        Assert.False(signer.IsDue(new AuditHead(0, AuditCanonical.GenesisHash)));
        Assert.False(signer.IsDue(new AuditHead(99, new string('a', 64))));
        Assert.True(signer.IsDue(new AuditHead(100, new string('a', 64))));
        var cp = signer.Sign(new AuditHead(100, new string('a', 64)));
        Assert.Equal(Start, cp.Time);
        Assert.Equal(100, signer.LastSequence);
        clock.Advance(TimeSpan.FromSeconds(4.9));
        Assert.False(signer.IsDue(new AuditHead(101, new string('b', 64))));
        clock.Advance(TimeSpan.FromSeconds(0.1));
        Assert.True(signer.IsDue(new AuditHead(101, new string('b', 64))));
        // Time alone does not make a checkpoint due when nothing was appended.
        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.False(signer.IsDue(new AuditHead(100, new string('a', 64))));
        var second = signer.Sign(new AuditHead(101, new string('b', 64)));
        Assert.Equal(Start.AddSeconds(305), second.Time);
    }

    [Fact]
    public void A_decision_entry_carries_the_action_decision_rules_policy_hash_and_blast_radius()
    {
        var loaded = PolicyLoader.Load("""
            version: v1
            default: allow
            rules:
              - id: no-force-push
                match:
                  programs: [git]
                decision: deny
                reason: no pushing
            """, "p.yaml");
        Assert.True(loaded.Success, string.Join("\n", loaded.Errors));
        var policy = loaded.Policy!;
        var evaluation = new ActionEvaluator(policy).Evaluate(new ActionRequest { Command = "git push --force origin main", Cwd = "/home/dev/p", Agent = "bot-1", Session = "s-9" })
            with { Previews = [new Previews.Preview { Previewer = "git", Headline = "would rewrite origin/main" }] };
        var entry = AuditEntry.ForDecision(evaluation, "act-1");
        Assert.Equal(AuditKind.Decision, entry.Kind);
        Assert.Equal("bot-1", entry.Agent);
        Assert.Equal("s-9", entry.Session);
        Assert.Equal("act-1", entry.ActionId);
        using var doc = JsonDocument.Parse(entry.Payload);
        var root = doc.RootElement;
        Assert.Equal("git push --force origin main", root.GetProperty("action").GetProperty("command").GetString());
        Assert.Equal("shell", root.GetProperty("action").GetProperty("source").GetString());
        // The decision is the one decision document, beside the action.
        Assert.Equal("deny", root.GetProperty("decision").GetString());
        Assert.Equal("act-1", root.GetProperty("id").GetString());
        Assert.Contains("no-force-push", root.GetProperty("rules").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(evaluation.Decision.PolicyHash, root.GetProperty("policy_hash").GetString());
        Assert.True(root.TryGetProperty("blast_radius", out _));
        Assert.Equal("would rewrite origin/main", root.GetProperty("previews")[0].GetProperty("headline").GetString());
        // Deterministic: the same evaluation encodes to the same bytes.
        Assert.Equal(entry.Payload, AuditEntry.ForDecision(evaluation, "act-1").Payload);
    }

    [Fact]
    public void Approval_result_and_expiry_entries_carry_their_fields()
    {
        var approval = AuditEntry.ForApproval("act-1", "alice@example.com", approved: true, Start, "looks fine");
        using (var doc = JsonDocument.Parse(approval.Payload))
        {
            Assert.Equal("alice@example.com", doc.RootElement.GetProperty("approver").GetString());
            Assert.True(doc.RootElement.GetProperty("approved").GetBoolean());
            Assert.Equal("2026-01-02T03:04:05.0000000Z", doc.RootElement.GetProperty("at").GetString());
            Assert.Equal("looks fine", doc.RootElement.GetProperty("reason").GetString());
        }
        var result = AuditEntry.ForResult("act-1", 0, "succeeded", rollback: "available");
        using (var doc = JsonDocument.Parse(result.Payload))
        {
            Assert.Equal(0, doc.RootElement.GetProperty("exit_code").GetInt32());
            Assert.Equal("available", doc.RootElement.GetProperty("rollback").GetString());
        }
        Assert.Equal(AuditKind.Expiry, AuditEntry.ForExpiry("act-1", "no reviewer answered").Kind);
        foreach (var kind in Enum.GetValues<AuditKind>())
        {
            Assert.True(AuditKinds.TryParse(kind.WireName(), out var back));
            Assert.Equal(kind, back);
        }
    }
}
