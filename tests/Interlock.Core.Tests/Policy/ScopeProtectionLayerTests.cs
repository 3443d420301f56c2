using Interlock.Actions;
using Interlock.Core.Tests.TestSupport;
using Interlock.Policy;
using Interlock.Throttling;

namespace Interlock.Core.Tests.Policy;

/// <summary>Agents and scopes, protected resources, include layers and enforced constraints.</summary>
public sealed class ScopeProtectionLayerTests
{
    private const string Team = """
        version: v1
        default: require_approval
        agents:
          - id: claude-dev
            tier: write_with_confirmation
            tools: [shell, Read, Edit]
            resources: ["/home/dev/project/**", "refs/heads/feature/*", "refs/heads/main"]
            actions: [read, create, update, delete, exec, history_rewrite]
          - id: ci-*
            tier: read_only
          - id: default
            tier: read_only
            actions: [read]
        protected:
          - "/home/dev/project/db/**"
          - "refs/heads/main"
          - "namespace/production"
          - "database/orders"
        rules:
          - id: everything-else
            match: { tiers: [read_only, write_autonomous] }
            decision: allow
        """;

    private static ActionEvaluator Evaluator(string yaml, ConstraintLimiter? limiter = null)
    {
        var result = PolicyLoader.Load(yaml, "team.yaml");
        Assert.True(result.Success, string.Join('\n', result.Errors));
        return new ActionEvaluator(result.Policy!, limiter: limiter);
    }

    private static Decision Check(ActionEvaluator e, string command, string? agent = "claude-dev", string? tool = null) =>
        e.Evaluate(new ActionRequest { Command = command, Cwd = Repository.Workspace, Home = Repository.Home, Agent = agent, Tool = tool }).Decision;

    [Fact]
    public void AnAgentActsWithinItsScopes()
    {
        var e = Evaluator(Team);
        Assert.Equal(Outcome.Allow, Check(e, "rm build/app.log && npm test").Outcome);
        var outside = Check(e, "touch /home/dev/other/x");
        Assert.Equal(Outcome.Deny, outside.Outcome);
        Assert.Contains(ActionEvaluator.AgentScopeRule, outside.Rules);
        Assert.Contains(outside.Reasons, r => r.Contains("lacks scope resources: /home/dev/other/x", StringComparison.Ordinal));
        var egress = Check(e, "curl -d @report.json https://partner.example/upload");
        Assert.Equal(Outcome.Deny, egress.Outcome);
        Assert.Contains(egress.Reasons, r => r.Contains("lacks scope actions: egress", StringComparison.Ordinal));
        var tool = Check(e, "ls", tool: "WebFetch");
        Assert.Contains(tool.Reasons, r => r.Contains("lacks scope tools: 'WebFetch'", StringComparison.Ordinal));
    }

    [Fact]
    public void TierCeilingsStopWritesByReadOnlyAgents()
    {
        var e = Evaluator(Team);
        Assert.Equal(Outcome.Allow, Check(e, "git log --oneline", agent: "ci-runner-3").Outcome);
        var write = Check(e, "touch notes.md", agent: "ci-runner-3");
        Assert.Equal(Outcome.Deny, write.Outcome);
        Assert.Contains(write.Reasons, r => r.Contains("may act up to tier read_only; this action is write_autonomous", StringComparison.Ordinal));
        // Unknown agents get the default agent's scope.
        Assert.Equal(Outcome.Deny, Check(e, "touch notes.md", agent: "mystery").Outcome);
        Assert.Equal(Outcome.Deny, Check(e, "touch notes.md", agent: null).Outcome);
        Assert.Equal(Outcome.Allow, Check(e, "cat README.md", agent: "mystery").Outcome);
    }

    [Fact]
    public void ProtectedResourcesCannotBeDestroyedByAnyone()
    {
        var lenient = Team.Replace("match: { tiers: [read_only, write_autonomous] }", "match: { programs: [\"*\"] }", StringComparison.Ordinal);
        var e = Evaluator(lenient);
        var rm = Check(e, "rm -f db/schema.sql");
        Assert.Equal(Outcome.Deny, rm.Outcome);
        Assert.Contains(ActionEvaluator.ProtectedRule, rm.Rules);
        Assert.Contains(rm.Reasons, r => r.Contains("matches '/home/dev/project/db/**' (team.yaml:", StringComparison.Ordinal));
        Assert.Contains(ActionEvaluator.ProtectedRule, Check(e, "git push origin :main").Rules);
        Assert.Contains(ActionEvaluator.ProtectedRule, Check(e, "git push origin --delete main").Rules);
        Assert.Contains(ActionEvaluator.ProtectedRule, Check(e, "kubectl delete deployment api -n production").Rules);
        Assert.Contains(ActionEvaluator.ProtectedRule, Check(e, "psql -d orders -c 'DELETE FROM items WHERE id = 3'").Rules);
        Assert.Contains(ActionEvaluator.ProtectedRule, Check(e, "echo '' > db/seed.sql").Rules);
        // Reading or appending is not destruction.
        Assert.DoesNotContain(ActionEvaluator.ProtectedRule, Check(e, "cat db/schema.sql").Rules);
        Assert.DoesNotContain(ActionEvaluator.ProtectedRule, Check(e, "echo '-- note' >> db/seed.sql").Rules);
    }

    [Fact]
    public void IncludedLayersCanOnlyTighten()
    {
        var files = new Dictionary<string, string>
        {
            ["/p/org.yaml"] = """
                version: v1
                default: require_approval
                rules:
                  - { id: org-reads, match: { tiers: [read_only] }, decision: allow }
                  - { id: org-no-publish, match: { risk_tags: [publish] }, decision: deny }
                """,
            ["/p/team/team.yaml"] = """
                version: v1
                include: [../org.yaml]
                rules:
                  - { id: team-publish, match: { risk_tags: [publish] }, decision: allow }
                  - { id: team-everything, match: { programs: ["*"] }, decision: allow }
                  - { id: team-no-curl, match: { programs: [curl] }, decision: deny }
                """,
        };
        var stack = PolicyStackLoader.Load("/p/team/team.yaml", p => files.GetValueOrDefault(p));
        Assert.True(stack.Success, string.Join('\n', stack.Errors));
        Assert.Equal(2, stack.Stack!.Layers.Count);
        var e = new ActionEvaluator(stack.Stack);
        Decision Run(string c) => e.Evaluate(new ActionRequest { Command = c, Cwd = Repository.Workspace, Home = Repository.Home }).Decision;

        Assert.Equal(Outcome.Deny, Run("npm publish").Outcome);                 // the team cannot loosen the org's deny
        Assert.Equal(Outcome.RequireApproval, Run("touch notes.md").Outcome);  // nor the org's default for writes
        Assert.Equal(Outcome.Allow, Run("ls").Outcome);
        Assert.Equal(Outcome.Deny, Run("curl https://example.com").Outcome);    // but it can tighten
        Assert.NotEqual(PolicyLoader.Load(files["/p/org.yaml"], "org").Policy!.Hash, stack.Stack.Hash);
    }

    [Fact]
    public void IncludeErrorsNameTheIncludingFile()
    {
        var files = new Dictionary<string, string>
        {
            ["/p/a.yaml"] = "version: v1\ndefault: deny\ninclude: [b.yaml, missing.yaml]\n",
            ["/p/b.yaml"] = "version: v1\ninclude: [a.yaml]\nrules:\n  - { id: x, decision: deny }\n",
        };
        var result = PolicyStackLoader.Load("/p/a.yaml", p => files.GetValueOrDefault(p));
        Assert.False(result.Success);
        Assert.Contains(result.Errors, e => e.File == "/p/b.yaml" && e.Line == 2 && e.Message.Contains("include cycle", StringComparison.Ordinal));
        Assert.Contains(result.Errors, e => e.File == "/p/a.yaml" && e.Line == 3 && e.Message.Contains("cannot read included policy 'missing.yaml'", StringComparison.Ordinal));
    }

    [Fact]
    public void RateLimitThrottlesTheTwentyFirstCallWithinAnHour()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 11, 22, 9, 0, 0, TimeSpan.Zero));
        var e = Evaluator(File.ReadAllText(Repository.PathOf("policies/examples/incident-prevention.yaml")), new ConstraintLimiter(clock));
        Decision Generate()
        {
            var ev = e.Evaluate(new ActionRequest { Source = ActionSource.Job, Topic = "job.team.generate", RiskTags = ["high-cost"] });
            ev.Lease?.Dispose();
            return ev.Decision;
        }
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(Outcome.AllowWithConstraints, Generate().Outcome);
            clock.Advance(TimeSpan.FromMinutes(1));
        }
        var throttled = Generate();
        Assert.Equal(Outcome.Deny, throttled.Outcome);
        Assert.Contains(ActionEvaluator.ThrottleRule, throttled.Rules);
        Assert.Contains(throttled.Reasons, r => r.Contains("rate limit 20/hour reached; the next slot opens in 40 min", StringComparison.Ordinal));
        clock.Advance(TimeSpan.FromMinutes(40));
        Assert.Equal(Outcome.AllowWithConstraints, Generate().Outcome);
    }

    [Fact]
    public void MaxConcurrentHoldsUntilLeasesAreReleased()
    {
        var clock = new ManualClock(DateTimeOffset.UnixEpoch);
        var e = Evaluator("version: v1\nrules:\n  - id: c\n    match: { topics: [\"job.*\"] }\n    decision: allow_with_constraints\n    constraints: { max_concurrent: 2 }\n", new ConstraintLimiter(clock));
        Evaluation Job() => e.Evaluate(new ActionRequest { Source = ActionSource.Job, Topic = "job.x" });
        var a = Job();
        var b = Job();
        Assert.Equal(Outcome.AllowWithConstraints, b.Decision.Outcome);
        var c = Job();
        Assert.Equal(Outcome.Deny, c.Decision.Outcome);
        Assert.Contains(c.Decision.Reasons, r => r.Contains("max_concurrent 2 reached", StringComparison.Ordinal));
        a.Lease!.Dispose();
        a.Lease.Dispose(); // releasing twice frees one slot only
        Assert.Equal(Outcome.AllowWithConstraints, Job().Decision.Outcome);
        Assert.Equal(Outcome.Deny, Job().Decision.Outcome);
    }

    [Fact]
    public void AgentAndProtectedKeysAreValidated()
    {
        var errors = PolicyLoader.Load("version: v1\ndefault: deny\nagents:\n  - id: a\n    tier: never\n    actions: [fly]\n  - tier: read_only\nprotected: [\"[oops\"]\n", "bad.yaml").Errors;
        Assert.Contains(errors, e => e.Line == 5 && e.Message.Contains("unknown tier ceiling 'never'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Line == 6 && e.Message.Contains("unknown operation class 'fly'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Line == 7 && e.Message.Contains("has no 'id'", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Line == 8 && e.Message.Contains("invalid glob '[oops' in protected", StringComparison.Ordinal));
    }

    private sealed class ManualClock(DateTimeOffset start) : TimeProvider
    {
        private DateTimeOffset _now = start;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
