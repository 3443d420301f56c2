using System.Text.Json;
using Interlock.Actions;
using Interlock.Audit;
using Interlock.Core.Tests.TestSupport;
using Interlock.Pipeline;
using Interlock.Risk;

namespace Interlock.Core.Tests.Pipeline;

/// <summary>The one decision document: written once, read back whole, the same inside an audit payload, and legacy records still read.</summary>
public sealed class DecisionDocumentTests
{
    private static readonly DecisionDocument Sample = new()
    {
        Id = "act_0123456789abcdef01234567",
        Decision = new Decision(Outcome.AllowWithConstraints, Tier.WriteWithConfirmation, ["because \"quoted\"", "ünïcode"], ["r1", "builtin:x"],
            new Constraints { MaxConcurrent = 3, RateLimit = "20/hour", MaxRuntimeSec = 120, ApprovalsRequired = 2, ApprovalTimeoutSec = 600 }, "abc123"),
        BlastRadius = new BlastRadius(BlastLevel.High, "repository", false, true, ["rewrites history"]),
        Approval = new ApprovalLink("apr_1", "pending", new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero), "http://x/approvals/apr_1", "why"),
        RequestId = "corr-9",
    };

    private static void AssertSame(DecisionDocument expected, DecisionDocument? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Id, actual.Id);
        Assert.Equal(expected.Decision.Outcome, actual.Decision.Outcome);
        Assert.Equal(expected.Decision.Tier, actual.Decision.Tier);
        Assert.Equal(expected.Decision.Reasons, actual.Decision.Reasons);
        Assert.Equal(expected.Decision.Rules, actual.Decision.Rules);
        Assert.Equal(expected.Decision.Constraints, actual.Decision.Constraints);
        Assert.Equal(expected.Decision.PolicyHash, actual.Decision.PolicyHash);
        Assert.Equal(expected.BlastRadius?.Level, actual.BlastRadius?.Level);
        Assert.Equal(expected.BlastRadius?.Scope, actual.BlastRadius?.Scope);
        Assert.Equal(expected.BlastRadius?.Reversible, actual.BlastRadius?.Reversible);
        Assert.Equal(expected.BlastRadius?.SharedState, actual.BlastRadius?.SharedState);
        Assert.Equal(expected.BlastRadius?.Reasons ?? [], actual.BlastRadius?.Reasons ?? []);
        Assert.Equal(expected.Approval, actual.Approval);
        Assert.Equal(expected.RequestId, actual.RequestId);
    }

    [Fact]
    public void EveryFieldRoundTrips() => AssertSame(Sample, DecisionDocumentJson.Read(Sample.ToJson()));

    [Fact]
    public void TheNamesAndTheirOrderAreFixed()
    {
        using var doc = JsonDocument.Parse(Sample.ToJson());
        Assert.Equal(["id", "decision", "tier", "reasons", "rules", "policy_hash", "constraints", "blast_radius", "approval", "request_id"],
            doc.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal("allow_with_constraints", doc.RootElement.GetProperty("decision").GetString());
        Assert.Equal(600, doc.RootElement.GetProperty("constraints").GetProperty("approval_timeout_sec").GetInt32());
    }

    [Fact]
    public void SystemTextJsonWritesTheSameDocument()
    {
        // The API serializes through System.Text.Json (snake_case options); the converter makes that the same bytes.
        var options = new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        Assert.Equal(Sample.ToJson(), JsonSerializer.Serialize(Sample, options));
        AssertSame(Sample, JsonSerializer.Deserialize<DecisionDocument>(Sample.ToJson()));
    }

    [Fact]
    public void AnAuditPayloadCarriesTheDocumentOfItsEvaluation()
    {
        var evaluation = Repository.DefaultEvaluator.Evaluate(new ActionRequest { Command = "git push --force origin main", Cwd = "/home/dev/p", Home = "/home/dev" });
        var entry = AuditEntry.ForDecision(evaluation, "act_1");
        var read = DecisionDocumentJson.Read(entry.Payload);
        AssertSame(DecisionDocument.Of(evaluation, "act_1"), read);
        // The document's own JSON is the payload's properties after the action, byte for byte.
        var document = DecisionDocument.Of(evaluation, "act_1").ToJson();
        Assert.Contains(document[1..^1], entry.Payload, StringComparison.Ordinal);
    }

    [Fact]
    public void ALegacyNestedDecisionReadsTheSame()
    {
        const string legacy = """
            {"action":{"source":"shell","command":"rm -rf /"},"decision":{"outcome":"deny","tier":"never","rules":["n1"],"reasons":["r"],
             "constraints":{"max_concurrent":2},"policy_hash":"h"},"blast_radius":{"level":"critical","scope":"host","reversible":false,"shared_state":true,"reasons":["x"]}}
            """;
        var read = DecisionDocumentJson.Read(legacy);
        Assert.NotNull(read);
        Assert.Equal(Outcome.Deny, read.Decision.Outcome);
        Assert.Equal(Tier.Never, read.Decision.Tier);
        Assert.Equal(["n1"], read.Decision.Rules);
        Assert.Equal(2, read.Decision.Constraints?.MaxConcurrent);
        Assert.Equal(BlastLevel.Critical, read.BlastRadius?.Level);
    }

    [Theory]
    [InlineData("""{"decision":"maybe","tier":"never"}""")]
    [InlineData("""{"decision":"allow"}""")]
    [InlineData("""{"decision":"allow","tier":"sometimes"}""")]
    [InlineData("""{"tier":"never"}""")]
    [InlineData("""[1]""")]
    [InlineData("""not json""")]
    public void WhatIsNotADocumentReadsAsNone(string json) => Assert.Null(DecisionDocumentJson.Read(json));

    [Fact]
    public void AnUnknownBlastLevelReadsAsTheWorst()
    {
        var read = DecisionDocumentJson.Read("""{"decision":"allow","tier":"read_only","blast_radius":{"level":"tiny"}}""");
        Assert.Equal(BlastLevel.Critical, read?.BlastRadius?.Level);
    }
}
