using Interlock.Actions;
using Interlock.Policy;
using static Interlock.Core.Tests.Policy.PolicyTestKit;

namespace Interlock.Core.Tests.Policy;

/// <summary>The seed incident-prevention policy loads unchanged and decides its incidents as documented.</summary>
public class SeedPolicyTests
{
    private static readonly CompiledPolicy Seed = LoadSeed();

    private static CompiledPolicy LoadSeed()
    {
        var text = File.ReadAllText(TestDataPath("safety.yaml"));
        var result = PolicyLoader.Load(text, "safety.yaml");
        Assert.True(result.Success, string.Join("\n", result.Errors));
        return result.Policy;
    }

    [Fact]
    public void LoadsWithFiveRulesAndRequireApprovalDefault()
    {
        Assert.Equal(Outcome.RequireApproval, Seed.Default);
        Assert.Equal(
            ["throttle-llm-calls", "deny-infra-destroy", "approve-infra-changes", "deny-bulk-export", "approve-external-send"],
            Seed.Rules.Select(r => r.Id));
        Assert.Equal("Infrastructure destruction blocked by policy", Seed.Rules[1].Reason);
        Assert.Equal(64, Seed.Hash.Length);
    }

    [Fact]
    public void InfrastructureDestructionIsDenied()
    {
        var verdict = Seed.Evaluate(Facts(topic: "job.prod.destroy", tags: ["destructive"]), Assess());
        Assert.Equal(Outcome.Deny, verdict.Outcome);
        Assert.False(verdict.DefaultApplied);
        var match = Assert.Single(verdict.Matched);
        Assert.Equal("deny-infra-destroy", match.RuleId);
        Assert.Equal("Infrastructure destruction blocked by policy", match.Reason);
        Assert.Null(verdict.Constraints);
    }

    [Fact]
    public void InfrastructureChangesNeedApproval()
    {
        var verdict = Seed.Evaluate(Facts(topic: "job.infra.apply", tags: ["infrastructure"]), Assess());
        Assert.Equal(Outcome.RequireApproval, verdict.Outcome);
        Assert.Equal("approve-infra-changes", Assert.Single(verdict.Matched).RuleId);
        Assert.False(verdict.DefaultApplied);
    }

    [Fact]
    public void LlmCallsAreThrottled()
    {
        var verdict = Seed.Evaluate(Facts(topic: "job.team.generate", tags: ["high-cost"]), Assess());
        Assert.Equal(Outcome.AllowWithConstraints, verdict.Outcome);
        Assert.Equal("throttle-llm-calls", Assert.Single(verdict.Matched).RuleId);
        Assert.NotNull(verdict.Constraints);
        Assert.Equal(3, verdict.Constraints.MaxConcurrent);
        Assert.Equal("20/hour", verdict.Constraints.RateLimit);
        Assert.Equal(120, verdict.Constraints.MaxRuntimeSec);
        Assert.Null(verdict.Constraints.ApprovalsRequired);
    }

    [Fact]
    public void BulkExportIsDenied()
    {
        var verdict = Seed.Evaluate(Facts(topic: "job.x.export.csv", tags: ["pii"]), Assess());
        Assert.Equal(Outcome.Deny, verdict.Outcome);
        Assert.Equal("deny-bulk-export", Assert.Single(verdict.Matched).RuleId);
    }

    [Fact]
    public void ExternalSendNeedsApproval()
    {
        var verdict = Seed.Evaluate(Facts(topic: "job.x.send.email", tags: ["external"]), Assess());
        Assert.Equal(Outcome.RequireApproval, verdict.Outcome);
        Assert.Equal("approve-external-send", Assert.Single(verdict.Matched).RuleId);
    }

    [Fact]
    public void UnmatchedTopicGetsTheDefault()
    {
        var verdict = Seed.Evaluate(Facts(topic: "job.x.list", tags: ["destructive", "pii"]), Assess());
        Assert.Equal(Outcome.RequireApproval, verdict.Outcome);
        Assert.True(verdict.DefaultApplied);
        Assert.Empty(verdict.Matched);
        Assert.Null(verdict.Constraints);
    }

    [Fact]
    public void MatchingTopicWithoutMatchingTagGetsTheDefault()
    {
        var verdict = Seed.Evaluate(Facts(topic: "job.prod.destroy", tags: ["harmless"]), Assess());
        Assert.True(verdict.DefaultApplied);
        Assert.Equal(Outcome.RequireApproval, verdict.Outcome);

        var untagged = Seed.Evaluate(Facts(topic: "job.prod.destroy"), Assess());
        Assert.True(untagged.DefaultApplied);
        Assert.Equal(Outcome.RequireApproval, untagged.Outcome);
    }

    [Fact]
    public void ActionWithoutTopicGetsTheDefault()
    {
        var verdict = Seed.Evaluate(Facts(tool: "Bash", tags: ["destructive"], ops: Op("rm", OperationClass.Delete)), Assess());
        Assert.True(verdict.DefaultApplied);
        Assert.Equal(Outcome.RequireApproval, verdict.Outcome);
    }

    [Fact]
    public void SeveralIncidentsAtOnceTakeTheStrictest()
    {
        // A destroy that is also tagged high-cost is not on a generate topic, so only the deny applies;
        // a delete topic tagged infrastructure hits deny-infra-destroy via the second tag.
        var verdict = Seed.Evaluate(Facts(topic: "job.db.delete", tags: ["infrastructure", "high-cost"]), Assess());
        Assert.Equal(Outcome.Deny, verdict.Outcome);
        Assert.Equal("deny-infra-destroy", Assert.Single(verdict.Matched).RuleId);
    }
}
