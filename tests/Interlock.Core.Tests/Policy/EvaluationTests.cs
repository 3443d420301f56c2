using Interlock.Actions;
using Interlock.Policy;
using Interlock.Risk;
using static Interlock.Core.Tests.Policy.PolicyTestKit;

namespace Interlock.Core.Tests.Policy;

public class EvaluationTests
{
    // ---- each field, positive and negative ----

    [Fact]
    public void Topics()
    {
        var p = OneRule("topics: [\"job.*.destroy\"]");
        Assert.True(p.Hits(Facts(topic: "job.prod.destroy")));
        Assert.False(p.Hits(Facts(topic: "job.prod.apply")));
        Assert.False(p.Hits(Facts()));
    }

    [Fact]
    public void Tools()
    {
        var p = OneRule("tools: [\"Bash\", \"mcp__*\"]");
        Assert.True(p.Hits(Facts(tool: "Bash")));
        Assert.True(p.Hits(Facts(tool: "mcp__github")));
        Assert.False(p.Hits(Facts(tool: "bash")));
        Assert.False(p.Hits(Facts(tool: "Write")));
        Assert.False(p.Hits(Facts()));
    }

    [Fact]
    public void Programs()
    {
        var p = OneRule("programs: [git, rm]");
        Assert.True(p.Hits(Facts(ops: [Op("ls"), Op("rm", OperationClass.Delete)])));
        Assert.True(p.Hits(Facts(ops: Op("git"))));
        Assert.False(p.Hits(Facts(ops: [Op("ls"), Op("cat")])));
        Assert.False(p.Hits(Facts()));
    }

    [Fact]
    public void Operations()
    {
        var p = OneRule("operations: [delete, destroy, history_rewrite, credential_read]");
        Assert.True(p.Hits(Facts(ops: [Op("ls"), Op("rm", OperationClass.Delete)])));
        Assert.True(p.Hits(Facts(ops: Op("git", OperationClass.HistoryRewrite))));
        Assert.True(p.Hits(Facts(ops: Op("cat", OperationClass.CredentialRead))));
        Assert.False(p.Hits(Facts(ops: [Op("ls"), Op("curl", OperationClass.Egress)])));
        Assert.False(p.Hits(Facts()));
    }

    [Fact]
    public void EveryOperationClassHasAWireName()
    {
        foreach (var cls in Enum.GetValues<OperationClass>())
        {
            var name = string.Concat(cls.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
            var p = OneRule($"operations: [{name}]");
            Assert.True(p.Hits(Facts(ops: Op("x", cls))), name);
        }
    }

    [Fact]
    public void Targets()
    {
        var p = OneRule("targets: [\"/var/backups/**\", \"refs/heads/main\"]");
        Assert.True(p.Hits(Facts(ops: Op("rm", OperationClass.Delete, targets: ["/tmp/x", "/var/backups/db/1.tar"]))));
        Assert.True(p.Hits(Facts(ops: [Op("ls", targets: "/etc"), Op("git", OperationClass.HistoryRewrite, targets: "refs/heads/main")])));
        Assert.False(p.Hits(Facts(ops: Op("git", OperationClass.HistoryRewrite, targets: "refs/heads/feature"))));
        Assert.False(p.Hits(Facts(ops: Op("rm", OperationClass.Delete))));
    }

    [Fact]
    public void ResourcesIsAnAliasForTargets()
    {
        var p = OneRule("resources: [\"/var/backups/**\"]");
        Assert.True(p.Hits(Facts(ops: Op("rm", OperationClass.Delete, targets: "/var/backups/a"))));
        Assert.False(p.Hits(Facts(ops: Op("rm", OperationClass.Delete, targets: "/var/log/a"))));
    }

    [Fact]
    public void Environments()
    {
        var p = OneRule("environments: [production, staging]");
        Assert.True(p.Hits(Facts(ops: [Op("a", env: EnvironmentKind.Local), Op("b", env: EnvironmentKind.Production)])));
        Assert.True(p.Hits(Facts(ops: Op("a", env: EnvironmentKind.Staging))));
        Assert.False(p.Hits(Facts(ops: Op("a", env: EnvironmentKind.Development))));

        var unknown = OneRule("environments: [unknown]");
        Assert.True(unknown.Hits(Facts()));
        Assert.False(unknown.Hits(Facts(ops: Op("a", env: EnvironmentKind.Local))));
    }

    [Fact]
    public void EnvironmentIsTheMostSensitiveOneTouched()
    {
        var p = OneRule("environments: [local]");
        Assert.False(p.Hits(Facts(ops: [Op("a", env: EnvironmentKind.Local), Op("b", env: EnvironmentKind.Production)])));
    }

    [Fact]
    public void Agents()
    {
        var p = OneRule("agents: [\"ci-*\"]");
        Assert.True(p.Hits(Facts(agent: "ci-runner")));
        Assert.False(p.Hits(Facts(agent: "claude")));
        Assert.False(p.Hits(Facts()));

        var byDefault = OneRule("agents: [default]");
        Assert.True(byDefault.Hits(Facts()));
        Assert.False(byDefault.Hits(Facts(agent: "ci-runner")));
    }

    [Theory]
    [InlineData(Tier.Never, true)]
    [InlineData(Tier.WriteWithConfirmation, true)]
    [InlineData(Tier.WriteAutonomous, false)]
    [InlineData(Tier.ReadOnly, false)]
    public void Tiers(Tier tier, bool expected)
    {
        var p = OneRule("tiers: [never, write_with_confirmation]");
        Assert.Equal(expected, p.Hits(Facts(), Assess(tier)));
    }

    [Fact]
    public void RiskTags()
    {
        var p = OneRule("risk_tags: [destructive, pii]");
        Assert.True(p.Hits(Facts(tags: ["pii"])));
        Assert.True(p.Hits(Facts(tags: ["other", "destructive"])));
        Assert.False(p.Hits(Facts(tags: ["other"])));
        Assert.False(p.Hits(Facts(tags: ["Destructive"])));
        Assert.False(p.Hits(Facts()));
    }

    [Fact]
    public void RiskTagsFromAnyKindOfSet()
    {
        var p = OneRule("risk_tags: [pii]");
        var sorted = new ActionFacts { Request = new ActionRequest(), Tags = new SortedSet<string>(["a", "pii"], StringComparer.Ordinal) };
        Assert.True(p.Hits(sorted));
        var other = new ActionFacts { Request = new ActionRequest(), Tags = new SortedSet<string>(["a"], StringComparer.Ordinal) };
        Assert.False(p.Hits(other));
    }

    [Fact]
    public void RiskTagsInsideNot()
    {
        var p = OneRule("""
            risk_tags: [destructive]
            not: { risk_tags: [reviewed] }
            """);
        Assert.True(p.Hits(Facts(tags: ["destructive"])));
        Assert.False(p.Hits(Facts(tags: ["destructive", "reviewed"])));
        Assert.False(p.Hits(Facts(tags: ["reviewed"])));
    }

    [Theory]
    [InlineData(BlastLevel.Low, false)]
    [InlineData(BlastLevel.Medium, false)]
    [InlineData(BlastLevel.High, true)]
    [InlineData(BlastLevel.Critical, true)]
    public void MinBlastRadius(BlastLevel level, bool expected)
    {
        var p = OneRule("min_blast_radius: high");
        Assert.Equal(expected, p.Hits(Facts(), Assess(level: level)));
    }

    [Fact]
    public void EmptyOrAbsentMatchMatchesEverything()
    {
        foreach (var match in new[] { "", "    match: {}\n", "    match:\n" })
        {
            var p = Load($"""
                version: v1
                rules:
                  - id: all
                {match}    decision: allow
                """);
            Assert.True(p.Rules[0].MatchesEverything);
            var verdict = p.Evaluate(Facts(), Assess());
            Assert.Equal(Outcome.Allow, verdict.Outcome);
            Assert.False(verdict.DefaultApplied);
        }
    }

    // ---- combinations ----

    [Fact]
    public void FieldsAreAndedListItemsAreOred()
    {
        var p = OneRule("""
            topics: ["job.*.destroy", "job.*.drop"]
            risk_tags: [destructive, infrastructure]
            environments: [production]
            """);
        var prod = Op("terraform", OperationClass.Destroy, EnvironmentKind.Production);
        Assert.True(p.Hits(Facts(topic: "job.a.destroy", tags: ["destructive"], ops: prod)));
        Assert.True(p.Hits(Facts(topic: "job.a.drop", tags: ["infrastructure"], ops: prod)));
        Assert.False(p.Hits(Facts(topic: "job.a.apply", tags: ["destructive"], ops: prod)));
        Assert.False(p.Hits(Facts(topic: "job.a.drop", tags: ["other"], ops: prod)));
        Assert.False(p.Hits(Facts(topic: "job.a.drop", tags: ["destructive"], ops: Op("terraform", OperationClass.Destroy, EnvironmentKind.Staging))));
    }

    [Fact]
    public void Not()
    {
        var p = OneRule("""
            operations: [delete]
            not:
              targets: ["/tmp/**"]
            """);
        Assert.True(p.Hits(Facts(ops: Op("rm", OperationClass.Delete, targets: "/home/u/x"))));
        Assert.False(p.Hits(Facts(ops: Op("rm", OperationClass.Delete, targets: "/tmp/x"))));
        Assert.False(p.Hits(Facts(ops: Op("cat", targets: "/home/u/x"))));
    }

    [Fact]
    public void NotCombinesFieldsWithAndInside()
    {
        // not (agent ci-* and environment production)
        var p = OneRule("not: { agents: [\"ci-*\"], environments: [production] }");
        Assert.False(p.Hits(Facts(agent: "ci-1", ops: Op("x", env: EnvironmentKind.Production))));
        Assert.True(p.Hits(Facts(agent: "ci-1", ops: Op("x", env: EnvironmentKind.Staging))));
        Assert.True(p.Hits(Facts(agent: "me", ops: Op("x", env: EnvironmentKind.Production))));
    }

    [Fact]
    public void NestedNot()
    {
        var p = OneRule("not: { not: { tools: [Bash] } }");
        Assert.True(p.Hits(Facts(tool: "Bash")));
        Assert.False(p.Hits(Facts(tool: "Write")));
    }

    // ---- outcomes ----

    private const string Layered = """
        version: v1
        default: deny
        rules:
          - id: allow-reads
            match: { operations: [read] }
            decision: allow
          - id: throttle-git
            match: { programs: [git] }
            decision: allow_with_constraints
            constraints: { max_concurrent: 4, rate_limit: "100/hour", max_runtime_sec: 60 }
          - id: throttle-remote
            match: { operations: [egress] }
            decision: allow_with_constraints
            constraints: { max_concurrent: 2, rate_limit: "1/minute", max_runtime_sec: 300, approvals_required: 1 }
          - id: throttle-ci
            match: { agents: ["ci-*"] }
            decision: allow_with_constraints
            constraints: { rate_limit: "1/second", approvals_required: 3 }
          - id: approve-push
            match: { operations: [history_rewrite] }
            decision: require_approval
            reason: rewriting history needs a human
          - id: deny-prod
            match: { environments: [production], operations: [history_rewrite, destroy] }
            decision: deny
          - id: deny-tagged
            match: { risk_tags: [forbidden, also-forbidden] }
            decision: deny
        """;

    [Fact]
    public void StrictestOutcomeWinsAndEveryMatchIsReportedInFileOrder()
    {
        var p = Load(Layered);
        var facts = Facts(ops: [Op("git"), Op("git", OperationClass.HistoryRewrite, EnvironmentKind.Production)]);
        var verdict = p.Evaluate(facts, Assess());
        Assert.Equal(Outcome.Deny, verdict.Outcome);
        Assert.Equal(["allow-reads", "throttle-git", "approve-push", "deny-prod"], verdict.Matched.Select(m => m.RuleId));
        Assert.Null(verdict.Constraints);
        Assert.Equal("rewriting history needs a human", verdict.Matched[2].Reason);
        Assert.Equal("rule deny-prod", verdict.Matched[3].Reason);

        var staging = p.Evaluate(Facts(ops: Op("git", OperationClass.HistoryRewrite, EnvironmentKind.Staging)), Assess());
        Assert.Equal(Outcome.RequireApproval, staging.Outcome);
        Assert.Equal(["throttle-git", "approve-push"], staging.Matched.Select(m => m.RuleId));
        Assert.Null(staging.Constraints);
    }

    [Fact]
    public void AllowWithConstraintsBeatsAllow()
    {
        var p = Load(Layered);
        var verdict = p.Evaluate(Facts(ops: Op("git")), Assess());
        Assert.Equal(Outcome.AllowWithConstraints, verdict.Outcome);
        Assert.Equal(["allow-reads", "throttle-git"], verdict.Matched.Select(m => m.RuleId));
        Assert.Same(p.Rules[1].Constraints, verdict.Constraints);
    }

    [Fact]
    public void SingleAllowRuleAllows()
    {
        var verdict = Load(Layered).Evaluate(Facts(ops: Op("cat")), Assess());
        Assert.Equal(Outcome.Allow, verdict.Outcome);
        Assert.False(verdict.DefaultApplied);
        Assert.Null(verdict.Constraints);
    }

    [Fact]
    public void ConstraintsMergeToTheTightestValueOfEachField()
    {
        var p = Load(Layered);
        var verdict = p.Evaluate(Facts(agent: "ci-7", ops: [Op("git"), Op("curl", OperationClass.Egress)]), Assess());
        Assert.Equal(Outcome.AllowWithConstraints, verdict.Outcome);
        Assert.Equal(["allow-reads", "throttle-git", "throttle-remote", "throttle-ci"], verdict.Matched.Select(m => m.RuleId));
        Assert.Equal(new Constraints { MaxConcurrent = 2, RateLimit = "1/minute", MaxRuntimeSec = 60, ApprovalsRequired = 3 }, verdict.Constraints);
        // Per-rule constraints are reported unmerged.
        Assert.Null(verdict.Matched[0].Constraints);
        Assert.Equal(4, verdict.Matched[1].Constraints!.MaxConcurrent);

        // 1/second is looser than 100/hour: the hour rate wins.
        var two = p.Evaluate(Facts(agent: "ci-7", ops: Op("git")), Assess());
        Assert.Equal(new Constraints { MaxConcurrent = 4, RateLimit = "100/hour", MaxRuntimeSec = 60, ApprovalsRequired = 3 }, two.Constraints);
    }

    [Theory]
    [InlineData("1/second", "59/minute", "59/minute")]
    [InlineData("60/minute", "1/second", "60/minute")] // equal: the first one stays
    [InlineData("24/day", "2/hour", "24/day")]
    [InlineData("3600/hour", "2/second", "3600/hour")]
    public void RateLimitsCompareByActionsPerSecond(string first, string second, string expected)
    {
        var p = Load($"""
            version: v1
            rules:
              - id: a
                decision: allow_with_constraints
                constraints: {"{"} rate_limit: "{first}" {"}"}
              - id: b
                decision: allow_with_constraints
                constraints: {"{"} rate_limit: "{second}" {"}"}
            """);
        Assert.Equal(expected, p.Evaluate(Facts(), Assess()).Constraints!.RateLimit);
    }

    [Fact]
    public void DefaultAppliesWhenNothingMatches()
    {
        var verdict = Load(Layered).Evaluate(Facts(ops: Op("kubectl", OperationClass.Exec)), Assess());
        Assert.Equal(Outcome.Deny, verdict.Outcome);
        Assert.True(verdict.DefaultApplied);
        Assert.Empty(verdict.Matched);
    }

    [Theory]
    [InlineData("", Outcome.RequireApproval)]
    [InlineData("default: allow\n", Outcome.Allow)]
    [InlineData("default: deny\n", Outcome.Deny)]
    [InlineData("default: require_approval\n", Outcome.RequireApproval)]
    [InlineData("default: allow_with_constraints\n", Outcome.AllowWithConstraints)]
    public void DefaultOutcome(string line, Outcome expected)
    {
        var p = Load($"version: v1\n{line}rules:\n  - id: r\n    match: {{ tools: [Never] }}\n    decision: deny\n");
        Assert.Equal(expected, p.Default);
        var verdict = p.Evaluate(Facts(tool: "Bash"), Assess());
        Assert.Equal(expected, verdict.Outcome);
        Assert.True(verdict.DefaultApplied);
        Assert.Null(verdict.Constraints);
    }

    [Fact]
    public void DefaultWithoutRulesIsAllowedWhenNotAllow()
    {
        var p = Load("version: v1\ndefault: deny\n");
        Assert.Empty(p.Rules);
        Assert.Equal(Outcome.Deny, p.Evaluate(Facts(), Assess()).Outcome);
        Assert.Equal(Outcome.RequireApproval, Load("version: v1\ndefault: require_approval\nrules: []\n").Evaluate(Facts(), Assess()).Outcome);
    }

    // ---- hash ----

    [Fact]
    public void HashIsSha256OfTheNormalizedText()
    {
        const string text = "version: v1\ndefault: deny\n";
        var p = Load(text);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text))), p.Hash);
        Assert.Matches("^[0-9a-f]{64}$", p.Hash);
        Assert.Equal(p.Hash, Load(text).Hash);
        Assert.Equal(p.Hash, Load(text.Replace("\n", "\r\n", StringComparison.Ordinal)).Hash);
        Assert.Equal(p.Hash, PolicyLoader.ComputeHash(text));
        Assert.NotEqual(p.Hash, Load(text + "# edited\n").Hash);
        Assert.NotEqual(p.Hash, Load("version: v1\ndefault: require_approval\n").Hash);
    }

    // ---- performance shape ----

    [Fact]
    public void EvaluationWithoutMatchesDoesNotAllocate()
    {
        var p = Load(Layered);
        var facts = Facts(agent: "me", tool: "Bash", tags: ["destructive", "pii"], ops: Op("kubectl", OperationClass.Exec, EnvironmentKind.Production, "ns/x"));
        var risk = Assess();
        p.Evaluate(facts, risk);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++) Assert.True(p.Evaluate(facts, risk).DefaultApplied);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void EvaluationWithMatchesAllocatesOnlyTheResult()
    {
        var p = Load(Layered);
        var facts = Facts(ops: Op("git", OperationClass.HistoryRewrite, EnvironmentKind.Production));
        var risk = Assess();
        p.Evaluate(facts, risk);
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++) p.Evaluate(facts, risk);
        var perCall = (GC.GetAllocatedBytesForCurrentThread() - before) / 1000.0;
        // one List<RuleMatch> (object + backing array of 4) and one PolicyVerdict
        Assert.True(perCall <= 200, $"{perCall} bytes per evaluation");
    }

    [Fact]
    public void FiveHundredRulesEvaluateTheSameEveryTime()
    {
        var yaml = new System.Text.StringBuilder("version: v1\nrules:\n");
        for (var i = 0; i < 500; i++)
        {
            yaml.Append(System.Globalization.CultureInfo.InvariantCulture, $"""
                  - id: rule-{i}
                    match:
                      topics: ["job.*.t{i}", "job.team{i}.*"]
                      tools: ["Bash", "mcp__s{i}__*"]
                      programs: ["p{i}", "git"]
                      targets: ["/srv/{i}/**"]
                      risk_tags: [tag-{i}]
                    decision: {(i % 2 == 0 ? "deny" : "require_approval")}

                """);
        }
        var p = Load(yaml.ToString());
        var facts = Facts(topic: "job.team7.run", tool: "Bash", tags: ["tag-7", "x"], ops: [Op("git", targets: "/srv/7/a/b"), Op("ls", targets: "/srv/9")]);
        var risk = Assess();
        // The decision only: a wall-clock bound here failed on a loaded machine (245 µs mean while other builds ran);
        // bench/ measures the 500-rule p50/p99 (docs/benchmarks.md), where timing belongs.
        for (var i = 0; i < 100; i++) Assert.Equal(Outcome.RequireApproval, p.Evaluate(facts, risk).Outcome);
    }
}
