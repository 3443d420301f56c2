using Interlock.Actions;
using Interlock.Risk;
using static Interlock.Core.Tests.Policy.PolicyTestKit;

namespace Interlock.Core.Tests.Policy;

public class ExplainTests
{
    private const string Yaml = """
        version: v1
        rules:
          - id: all
            decision: allow
          - id: never-tier
            match: { tiers: [never] }
            decision: deny
          - id: git-programs
            match: { programs: [git, rm] }
            decision: require_approval
          - id: prod-destroy
            match:
              topics: ["job.*.destroy"]
              operations: [destroy, delete]
              environments: [production]
              risk_tags: [destructive]
              min_blast_radius: high
            decision: deny
          - id: not-ci
            match: { not: { agents: ["ci-*"] } }
            decision: require_approval
          - id: tool-and-targets
            match: { tools: [Bash], targets: ["/var/**"] }
            decision: deny
        """;

    [Fact]
    public void ExplainsEveryRuleInFileOrder()
    {
        var p = Load(Yaml);
        var facts = Facts(topic: "job.prod.destroy", tool: "Bash", agent: "ci-1", tags: ["destructive"],
            ops: Op("git", OperationClass.Destroy, EnvironmentKind.Production, "/srv/x"));
        var risk = Assess(Tier.ReadOnly, BlastLevel.Critical);
        var explained = p.Explain(facts, risk);

        Assert.Equal(p.Rules.Select(r => r.Id), explained.Select(e => e.RuleId));
        Assert.Equal(
        [
            ("all", true, "no conditions: matches every action"),
            ("never-tier", false, "tiers: [never] ∌ read_only"),
            ("git-programs", true, "programs: matched 'git'"),
            ("prod-destroy", true, "topics: matched 'job.*.destroy'; operations: matched destroy; environments: matched production; risk_tags: matched 'destructive'; min_blast_radius: critical ≥ high"),
            ("not-ci", false, "not: the nested match matched (agents: matched 'ci-*')"),
            ("tool-and-targets", false, "targets: [/var/**] match none of [/srv/x]"),
        ],
            explained.Select(e => (e.RuleId, e.Matched, e.Detail)));

        // Explain agrees with Evaluate.
        var verdict = p.Evaluate(facts, risk);
        Assert.Equal(explained.Where(e => e.Matched).Select(e => e.RuleId), verdict.Matched.Select(m => m.RuleId));
    }

    [Fact]
    public void ExplainsMissingValuesAndFailures()
    {
        var p = Load(Yaml);
        var explained = p.Explain(Facts(agent: "me", ops: Op("ls", env: EnvironmentKind.Staging)), Assess(Tier.Never)).ToDictionary(e => e.RuleId);
        Assert.Equal("tiers: matched never", explained["never-tier"].Detail);
        Assert.True(explained["never-tier"].Matched);
        Assert.Equal("programs: [git, rm] match none of [ls]", explained["git-programs"].Detail);
        Assert.Equal("topics: request has no topic", explained["prod-destroy"].Detail);
        Assert.Equal("not: the nested match did not match (agents: 'me' matches none of [ci-*])", explained["not-ci"].Detail);
        Assert.True(explained["not-ci"].Matched);
        Assert.Equal("tools: request has no tool", explained["tool-and-targets"].Detail);
    }

    [Fact]
    public void ExplainsEachFieldFailure()
    {
        var p = Load(Yaml);
        string Detail(ActionFacts f, RiskAssessment r) => p.Explain(f, r).Single(e => e.RuleId == "prod-destroy").Detail;

        var good = Op("x", OperationClass.Destroy, EnvironmentKind.Production);
        Assert.Equal("topics: 'job.a.apply' matches none of [job.*.destroy]", Detail(Facts(topic: "job.a.apply"), Assess()));
        Assert.Equal("operations: [delete, destroy] ∌ read, exec",
            Detail(Facts(topic: "job.a.destroy", ops: [Op("a"), Op("b", OperationClass.Exec)]), Assess()));
        Assert.Equal("operations: [delete, destroy] ∌ (none)", Detail(Facts(topic: "job.a.destroy"), Assess()));
        Assert.Equal("environments: [production] ∌ staging",
            Detail(Facts(topic: "job.a.destroy", ops: Op("x", OperationClass.Delete, EnvironmentKind.Staging)), Assess()));
        Assert.Equal("risk_tags: [destructive] ∌ a, b", Detail(Facts(topic: "job.a.destroy", tags: ["b", "a"], ops: good), Assess()));
        Assert.Equal("min_blast_radius: medium < high",
            Detail(Facts(topic: "job.a.destroy", tags: ["destructive"], ops: good), Assess(level: BlastLevel.Medium)));
    }

    [Fact]
    public void ExplainsTargetsAndProgramsWithoutOperations()
    {
        var p = Load(Yaml);
        var explained = p.Explain(Facts(tool: "Bash"), Assess()).ToDictionary(e => e.RuleId);
        Assert.Equal("programs: [git, rm] but the action has no operations", explained["git-programs"].Detail);
        Assert.Equal("targets: [/var/**] but the action has no targets", explained["tool-and-targets"].Detail);
        var hit = p.Explain(Facts(tool: "Bash", ops: Op("rm", OperationClass.Delete, targets: "/var/x")), Assess()).Single(e => e.RuleId == "tool-and-targets");
        Assert.Equal("tools: matched 'Bash'; targets: matched '/var/**'", hit.Detail);
        Assert.True(hit.Matched);
    }
}
