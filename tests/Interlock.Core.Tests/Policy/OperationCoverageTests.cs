using Interlock.Actions;
using Interlock.Core.Tests.TestSupport;
using Interlock.Policy;

namespace Interlock.Core.Tests.Policy;

/// <summary>An allowing rule that names programs, operations or targets allows those operations only, not their neighbours.</summary>
public sealed class OperationCoverageTests
{
    private static Decision Check(string yaml, string command) =>
        new ActionEvaluator(PolicyLoader.Load(yaml, "cover.yaml").Policy!)
            .Evaluate(new ActionRequest { Command = command, Cwd = Repository.Workspace, Home = Repository.Home }).Decision;

    private const string AllowCat = """
        version: v1
        default: require_approval
        rules:
          - id: allow-cat
            match: { programs: [cat] }
            decision: allow
        """;

    [Fact]
    public void AnUncoveredNeighbourGetsTheDefault()
    {
        Assert.Equal(Outcome.Allow, Check(AllowCat, "cat README.md").Outcome);
        var both = Check(AllowCat, "cat README.md && git push origin main");
        Assert.Equal(Outcome.RequireApproval, both.Outcome);
        Assert.Contains(both.Reasons, r => r.Contains("no allowing rule covers git push (update)", StringComparison.Ordinal));
    }

    [Fact]
    public void EveryOperationCoveredByAnyAllowingRuleIsAllowed()
    {
        var yaml = AllowCat + """

              - id: allow-workspace-writes
                match: { operations: [create, update], targets: ["/home/dev/project/**"] }
                decision: allow
            """;
        Assert.Equal(Outcome.Allow, Check(yaml, "cat README.md > copy.md").Outcome);
        Assert.Equal(Outcome.RequireApproval, Check(yaml, "cat README.md > /etc/motd").Outcome);
    }

    [Fact]
    public void ActionLevelAllowsCoverEveryOperation()
    {
        var yaml = """
            version: v1
            default: require_approval
            rules:
              - { id: cat, match: { programs: [cat] }, decision: allow }
              - { id: autonomous, match: { tiers: [read_only, write_autonomous] }, decision: allow }
            """;
        Assert.Equal(Outcome.Allow, Check(yaml, "cat README.md && touch notes.md").Outcome);
    }

    [Fact]
    public void StricterRulesStillMatchOnAnyOperation()
    {
        var yaml = AllowCat + """

              - id: no-git
                match: { programs: [git] }
                decision: deny
            """;
        var d = Check(yaml, "cat README.md && git status");
        Assert.Equal(Outcome.Deny, d.Outcome);
        Assert.Contains("no-git", d.Rules);
    }

    [Fact]
    public void TheDefaultPolicyIsUnaffected()
    {
        Assert.Equal(Outcome.Allow, Repository.Check("cat README.md && git status && npm test").Decision.Outcome);
    }
}
