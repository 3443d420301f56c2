using Interlock.Policy;

namespace Interlock.Core.Tests.Policy;

/// <summary>Each lint code fires on the policy it describes and stays quiet on its near miss.</summary>
public sealed class PolicyLinterTests
{
    private static IReadOnlyList<LintFinding> Lint(string rulesYaml, string extra = "")
    {
        var policy = PolicyTestKit.Load($"version: v1\ndefault: require_approval\n{extra}rules:\n{rulesYaml}");
        return PolicyLinter.Lint(policy);
    }

    private static LintFinding Single(IReadOnlyList<LintFinding> findings, string code)
    {
        var hits = findings.Where(f => f.Code == code).ToList();
        Assert.True(hits.Count == 1, $"expected one {code}, got:\n{string.Join('\n', findings)}");
        return hits[0];
    }

    private static void None(IReadOnlyList<LintFinding> findings, string code) =>
        Assert.True(findings.All(f => f.Code != code), $"expected no {code}, got:\n{string.Join('\n', findings)}");

    [Fact]
    public void ShadowedByAnEarlierWiderStricterRule()
    {
        var findings = Lint("""
              - id: no-git
                match:
                  programs: [git, hg]
                decision: deny
              - id: allow-git-pushes
                match:
                  programs: [git]
                  operations: [update]
                decision: allow
            """);
        var f = Single(findings, PolicyLinter.Shadowed);
        Assert.Equal(LintFinding.Warning, f.Severity);
        Assert.Equal((PolicyTestKit.FileName, 8, 5), (f.File, f.Line, f.Column));
        Assert.Contains("'allow-git-pushes'", f.Message, StringComparison.Ordinal);
        Assert.Contains("'no-git'", f.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ShadowedWhenTheEarlierGlobMatchesTheLaterLiteral()
    {
        var findings = Lint("""
              - id: any-job
                match:
                  topics: ["job.*.destroy"]
                decision: deny
              - id: prod-destroy
                match:
                  topics: ["job.prod.destroy"]
                  risk_tags: [destructive]
                decision: require_approval
            """);
        Single(findings, PolicyLinter.Shadowed);
    }

    [Fact]
    public void AnEmptyEarlierMatchShadowsEverythingAtMostAsStrict()
    {
        var findings = Lint("""
              - id: everything
                decision: require_approval
              - id: reads
                match:
                  tiers: [read_only]
                decision: allow
            """);
        Single(findings, PolicyLinter.Shadowed);
    }

    [Theory]
    [InlineData("programs: [git]", "programs: [git, hg]", "deny", "allow")] // later is wider
    [InlineData("programs: [git]", "programs: [git]", "allow", "deny")] // earlier is looser
    [InlineData("programs: [git]\n      not:\n        operations: [read]", "programs: [git]", "deny", "allow")] // earlier has not
    [InlineData("programs: [git]", "tools: [Bash]", "deny", "allow")] // later leaves the field open
    [InlineData("topics: [\"job.*.destroy\"]", "topics: [\"job.*.drop\"]", "deny", "allow")] // glob vs glob, not provable
    [InlineData("operations: [update, delete]", "operations: [update, exec]", "deny", "allow")]
    [InlineData("min_blast_radius: high", "min_blast_radius: medium", "deny", "allow")]
    public void NotShadowed(string earlier, string later, string earlierDecision, string laterDecision)
    {
        var findings = Lint($"""
              - id: first
                match:
                  {earlier}
                decision: {earlierDecision}
              - id: second
                match:
                  {later}
                decision: {laterDecision}
            """);
        None(findings, PolicyLinter.Shadowed);
    }

    [Fact]
    public void TwoConstrainedAllowsAreNotShadowing()
    {
        var findings = Lint("""
              - id: loose
                match:
                  topics: ["job.**"]
                decision: allow_with_constraints
                constraints: { rate_limit: "100/hour" }
              - id: tight
                match:
                  topics: ["job.**"]
                decision: allow_with_constraints
                constraints: { rate_limit: "10/hour" }
            """);
        None(findings, PolicyLinter.Shadowed);
    }

    [Theory]
    [InlineData("tiers: [read_only]\n      operations: [update, delete]", "lists no 'read'")]
    [InlineData("operations: [destroy, credential_read]\n      tiers: [write_with_confirmation, read_only]", "never tier")]
    [InlineData("programs: [git]\n      not:\n        programs: [git]", "'not'")]
    [InlineData("programs: [git]\n      operations: [update]\n      not:\n        programs: [git, hg]", "'not'")]
    public void NeverMatches(string match, string why)
    {
        var findings = Lint($"""
              - id: dead
                match:
                  {match}
                decision: deny
            """);
        var f = Single(findings, PolicyLinter.NeverMatches);
        Assert.Equal(LintFinding.Error, f.Severity);
        Assert.Contains("'dead'", f.Message, StringComparison.Ordinal);
        Assert.Contains(why, f.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("tiers: [read_only]\n      operations: [read, update]")]
    [InlineData("tiers: [read_only, write_autonomous]\n      operations: [update]")]
    [InlineData("operations: [destroy]\n      tiers: [never]")]
    [InlineData("operations: [destroy, delete]\n      tiers: [write_with_confirmation]")]
    [InlineData("programs: [git]\n      not:\n        operations: [read]")]
    [InlineData("programs: [git, hg]\n      not:\n        programs: [git]")]
    public void CanMatch(string match)
    {
        var findings = Lint($"""
              - id: alive
                match:
                  {match}
                decision: deny
            """);
        None(findings, PolicyLinter.NeverMatches);
    }

    [Theory]
    [InlineData("tiers: [never]", "allow")]
    [InlineData("tiers: [read_only, never]", "allow")]
    [InlineData("operations: [destroy]", "allow")]
    [InlineData("operations: [credential_read, history_rewrite]", "allow")]
    public void AllowOnTheNeverTier(string match, string decision)
    {
        var findings = Lint($"""
              - id: hopeful
                match:
                  {match}
                decision: {decision}
            """);
        var f = Single(findings, PolicyLinter.AllowOnNeverTier);
        Assert.Equal(LintFinding.Warning, f.Severity);
        Assert.Contains("builtin:never-tier", f.Message, StringComparison.Ordinal);
        Assert.Contains("'hopeful'", f.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("tiers: [never]", "deny")]
    [InlineData("operations: [destroy, delete]", "allow")]
    [InlineData("tiers: [write_autonomous]", "allow")]
    public void NoAllowOnTheNeverTierWarning(string match, string decision)
    {
        var findings = Lint($"""
              - id: fine
                match:
                  {match}
                decision: {decision}
            """);
        None(findings, PolicyLinter.AllowOnNeverTier);
    }

    [Fact]
    public void AConstrainedAllowOnTheNeverTierWarnsToo()
    {
        var findings = Lint("""
              - id: hopeful
                match:
                  tiers: [never]
                decision: allow_with_constraints
                constraints: { max_concurrent: 1 }
            """);
        Single(findings, PolicyLinter.AllowOnNeverTier);
    }

    private static PolicyStack Stack(params (string Name, string Text)[] files)
    {
        var byName = files.ToDictionary(f => f.Name, f => f.Text);
        var result = PolicyStackLoader.Load(files[^1].Name, p => byName.GetValueOrDefault(Path.GetFileName(p)));
        Assert.True(result.Success, string.Join('\n', result.Errors));
        return result.Stack!;
    }

    [Fact]
    public void DuplicateRuleIdsAcrossLayers()
    {
        var stack = Stack(
            ("base.yaml", "version: v1\ndefault: require_approval\nrules:\n  - id: reads\n    match:\n      tiers: [read_only]\n    decision: allow\n"),
            ("team.yaml", "version: v1\ninclude: [base.yaml]\nrules:\n  - id: reads\n    match:\n      programs: [cat]\n    decision: deny\n"));
        var f = Single(PolicyLinter.Lint(stack), PolicyLinter.DuplicateIdAcrossLayers);
        Assert.Equal(LintFinding.Warning, f.Severity);
        Assert.Equal(("team.yaml", 4, 5), (f.File, f.Line, f.Column));
        Assert.Contains("base.yaml:4", f.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DistinctRuleIdsAcrossLayersAreFine()
    {
        var stack = Stack(
            ("base.yaml", "version: v1\ndefault: require_approval\nrules:\n  - id: reads\n    match:\n      tiers: [read_only]\n    decision: allow\n"),
            ("team.yaml", "version: v1\ninclude: [base.yaml]\nrules:\n  - id: no-cat\n    match:\n      programs: [cat]\n    decision: deny\n"));
        Assert.Empty(PolicyLinter.Lint(stack));
    }

    [Fact]
    public void AnAgentScopeThatCannotRead()
    {
        var findings = Lint("  - id: r\n    decision: deny\n", """
            agents:
              - id: writer
                actions: [update, create]
              - id: reader
                actions: [read]
              - id: default
                tier: read_only

            """);
        var f = Single(findings, PolicyLinter.ScopeCannotRead);
        Assert.Equal(LintFinding.Warning, f.Severity);
        Assert.Equal(4, f.Line);
        Assert.Contains("'writer'", f.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"**\"", true)]
    [InlineData("\"/**\"", true)]
    [InlineData("\"/var/backups/**\"", false)]
    [InlineData("\"refs/heads/main\"", false)]
    public void AProtectedPatternThatCoversEverything(string pattern, bool warns)
    {
        var findings = Lint("  - id: r\n    decision: deny\n", $"protected:\n  - {pattern}\n");
        if (!warns)
        {
            None(findings, PolicyLinter.ProtectsEverything);
            return;
        }
        var f = Single(findings, PolicyLinter.ProtectsEverything);
        Assert.Equal((4, 5), (f.Line, f.Column));
    }

    [Theory]
    [InlineData("policies/default.yaml")]
    [InlineData("policies/examples/incident-prevention.yaml")]
    [InlineData("policies/examples/team.yaml")]
    public void ShippedPoliciesLintClean(string relative)
    {
        var result = PolicyStackLoader.Load(TestSupport.Repository.PathOf(relative), p => File.Exists(p) ? File.ReadAllText(p) : null);
        Assert.True(result.Success, string.Join('\n', result.Errors));
        Assert.Empty(PolicyLinter.Lint(result.Stack!));
    }

    [Fact]
    public void FindingsPrintAsFileLineColumnSeverityCode()
    {
        var f = new LintFinding(LintFinding.Warning, "p.yaml", 3, 5, "IL001", "msg");
        Assert.Equal("p.yaml:3:5: warning IL001: msg", f.ToString());
    }
}
