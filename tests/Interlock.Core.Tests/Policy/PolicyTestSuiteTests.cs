using Interlock.Actions;
using Interlock.Core.Tests.TestSupport;
using Interlock.Policy;
using Interlock.Risk;

namespace Interlock.Core.Tests.Policy;

/// <summary>Policy test files: parsing (with positioned errors), running, and every shipped test file passing.</summary>
public sealed class PolicyTestSuiteTests
{
    private static PolicyTestFile Parse(string yaml) => PolicyTestSuite.Parse(yaml, "t.test.yaml");

    private static PolicyError OnlyError(string yaml)
    {
        var file = Parse(yaml);
        Assert.False(file.Success);
        Assert.True(file.Errors.Count == 1, string.Join('\n', file.Errors));
        return file.Errors[0];
    }

    [Fact]
    public void ParsesCasesDefaultsAndPolicy()
    {
        var file = Parse("""
            policy: ../default.yaml
            defaults: { cwd: /srv/app, home: /home/ci, agent: ci-bot }
            cases:
              - name: force push is denied
                action: { command: "git push --force origin main" }
                expect: deny
                rules: [builtin:never-tier]
                tier: never
              - name: a tool call with its own agent
                action: { tool: Read, path: ~/.ssh/id_rsa, agent: claude-dev, risk_tags: [x] }
                expect: deny
            """);
        Assert.True(file.Success, string.Join('\n', file.Errors));
        Assert.Equal("../default.yaml", file.Policy);
        Assert.Equal(Path.Combine("..", "default.yaml"), Path.GetRelativePath(".", file.PolicyPath!));
        Assert.Equal(2, file.Cases.Count);
        var first = file.Cases[0];
        Assert.Equal(("force push is denied", Outcome.Deny, Tier.Never, 4, 5), (first.Name, first.Expect, first.Tier!.Value, first.Line, first.Column));
        Assert.Equal(["builtin:never-tier"], first.Rules);
        Assert.Equal(("/srv/app", "/home/ci", "ci-bot", ActionSource.Shell), (first.Action.Cwd, first.Action.Home, first.Action.Agent, first.Action.Source));
        var second = file.Cases[1];
        Assert.Equal(("Read", "~/.ssh/id_rsa", "claude-dev", ActionSource.File), (second.Action.Tool, second.Action.Path, second.Action.Agent, second.Action.Source));
        Assert.Equal(["x"], second.Action.RiskTags);
        Assert.Null(second.Tier);
    }

    [Fact]
    public void WithoutDefaultsTheDocumentedWorkspaceApplies()
    {
        var file = Parse("cases:\n  - name: a\n    action: { command: ls }\n    expect: allow\n");
        Assert.True(file.Success);
        Assert.Null(file.Policy);
        Assert.Equal((PolicyTestSuite.DefaultCwd, PolicyTestSuite.DefaultHome), (file.Cases[0].Action.Cwd, file.Cases[0].Action.Home));
    }

    [Theory]
    [InlineData("cases:\n  - name: a\n    action: { command: ls }\n    expect: maybe\n", 4, 13, "unknown decision 'maybe'")]
    [InlineData("cases:\n  - name: a\n    action: { command: ls }\n    expect: allow\n    tier: sometimes\n", 5, 11, "unknown tier 'sometimes'")]
    [InlineData("cases:\n  - name: a\n    action: { command: ls }\n    expect: allow\n    expected: deny\n", 5, 5, "unknown key 'expected'")]
    [InlineData("cases:\n  - name: a\n    action: { command: ls, colour: red }\n    expect: allow\n", 3, 13, "unknown field 'colour'")]
    [InlineData("cases:\n  - name: a\n    action: { cwd: /x }\n    expect: allow\n", 3, 13, "needs a 'command', a 'tool', a 'topic' or a 'url'")]
    [InlineData("cases:\n  - name: a\n    action: { command: [ls] }\n    expect: allow\n", 3, 13, "'command' must be a string")]
    [InlineData("cases:\n  - name: a\n    action: { command: ls, cwd: relative/dir }\n    expect: allow\n", 3, 13, "absolute path")]
    [InlineData("cases:\n  - name: a\n    action: ls\n    expect: allow\n", 3, 13, "expected a mapping for action")]
    [InlineData("cases:\n  - name: a\n    expect: allow\n", 2, 5, "missing 'action'")]
    [InlineData("cases:\n  - name: a\n    action: { command: ls }\n", 2, 5, "missing 'expect'")]
    [InlineData("cases:\n  - action: { command: ls }\n    expect: allow\n", 2, 5, "has no 'name'")]
    [InlineData("cases:\n  - name: a\n    action: { command: ls }\n    expect: allow\n  - name: a\n    action: { command: ls }\n    expect: allow\n", 5, 11, "duplicate case name 'a'")]
    [InlineData("cases:\n  - name: a\n    action: { command: ls }\n    expect: allow\n    rules: builtin:never-tier\n", 5, 12, "list of rule ids")]
    [InlineData("policy: x.yaml\n", 1, 1, "missing 'cases'")]
    [InlineData("cases: []\n", 1, 8, "non-empty list of cases")]
    [InlineData("polcy: x.yaml\ncases:\n  - name: a\n    action: { command: ls }\n    expect: allow\n", 1, 1, "unknown key 'polcy'")]
    [InlineData("defaults: [cwd]\ncases:\n  - name: a\n    action: { command: ls }\n    expect: allow\n", 1, 11, "mapping of action fields")]
    [InlineData("cases:\n  - name: a\n    action: { command: \"ls }\n", 3, 24, "YAML syntax error")]
    [InlineData("- just\n- a list\n", 1, 1, "a mapping with 'cases'")]
    public void ErrorsCarryTheirPosition(string yaml, int line, int column, string message)
    {
        var e = OnlyError(yaml);
        Assert.True((line, column) == (e.Line, e.Column), $"expected {line}:{column}, got {e}");
        Assert.Equal("t.test.yaml", e.File);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    // Nesting this deep once overflowed the stack of the YAML representation model: the CLI died instead of answering.
    [Theory]
    [InlineData("cases: ", "[", 100_000)]
    [InlineData("cases:\n  - name: a\n    action: { command: ls, arguments: ", "{a: ", 5_000)]
    public void DeepNestingIsAnErrorNotACrash(string head, string unit, int times)
    {
        var e = OnlyError(head + string.Concat(Enumerable.Repeat(unit, times)));
        Assert.Contains("nesting deeper than 64 levels; expected a flatter test file", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AliasesAreRefused() =>
        Assert.Contains("YAML aliases are not supported in test files", OnlyError("cases:\n  - &c { name: a, action: { command: ls }, expect: allow }\n  - *c\n").Message, StringComparison.Ordinal);

    [Fact]
    public void EveryBadCaseIsReportedNotJustTheFirst()
    {
        var file = Parse("cases:\n  - name: a\n    action: { command: ls }\n    expect: nope\n  - name: b\n    action: { command: ls }\n    expect: never\n  - name: c\n    action: { command: ls }\n    expect: allow\n");
        Assert.Equal([4, 7], file.Errors.Select(e => e.Line));
        Assert.Single(file.Cases);
    }

    [Fact]
    public void NeverThrowsOnGarbage()
    {
        foreach (var text in new[] { "", "\0\0", "{{{{", "cases: &a [*a]", "cases:\n  - name: x\n    action: &x { arguments: { a: *x } }\n    expect: allow\n", new string('[', 5000) })
        {
            var file = PolicyTestSuite.Parse(text, "g.yaml");
            Assert.False(file.Success);
            Assert.All(file.Errors, e => Assert.True(e.Line >= 1 && e.Column >= 1));
        }
    }

    [Fact]
    public void RunReportsExpectedAndActual()
    {
        var file = Parse("""
            cases:
              - name: right
                action: { command: "git push --force origin main" }
                expect: deny
                rules: [builtin:never-tier]
                tier: never
              - name: wrong decision
                action: { command: "ls" }
                expect: deny
              - name: wrong rules and tier
                action: { command: "ls" }
                expect: allow
                rules: [read-only, no-such-rule]
                tier: write_autonomous
            """);
        Assert.True(file.Success, string.Join('\n', file.Errors));
        var results = PolicyTestSuite.Run(file.Cases, Repository.LoadPolicy("policies/default.yaml"));
        Assert.True(results[0].Passed, results[0].Message);
        Assert.False(results[1].Passed);
        Assert.StartsWith("expected deny, got allow", results[1].Message, StringComparison.Ordinal);
        Assert.False(results[2].Passed);
        Assert.Contains("missing rule(s) no-such-rule", results[2].Message, StringComparison.Ordinal);
        Assert.DoesNotContain("missing rule(s) read-only", results[2].Message, StringComparison.Ordinal);
        Assert.Contains("expected tier write_autonomous, got read_only", results[2].Message, StringComparison.Ordinal);
    }

    public static TheoryData<string> ShippedTestFiles()
    {
        var data = new TheoryData<string>();
        foreach (var f in Directory.GetFiles(Repository.PathOf("policies/tests"), "*.test.yaml").Order(StringComparer.Ordinal))
            data.Add(Path.GetRelativePath(Repository.Root, f));
        return data;
    }

    [Theory]
    [MemberData(nameof(ShippedTestFiles))]
    public void EveryShippedTestFilePasses(string relative)
    {
        var path = Repository.PathOf(relative);
        var file = PolicyTestSuite.Parse(File.ReadAllText(path), path);
        Assert.True(file.Success, string.Join('\n', file.Errors));
        var stack = PolicyStackLoader.Load(file.PolicyPath!, p => File.Exists(p) ? File.ReadAllText(p) : null);
        Assert.True(stack.Success, string.Join('\n', stack.Errors));
        var failures = PolicyTestSuite.Run(file.Cases, stack.Stack!).Where(r => !r.Passed).Select(r => $"{r.Case.Name}: {r.Message}").ToList();
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Fact]
    public void TheShippedTestFilesCoverWhatTheyPromise()
    {
        Assert.Equal(["default.test.yaml", "incident-prevention.test.yaml", "team.test.yaml"],
            Directory.GetFiles(Repository.PathOf("policies/tests"), "*.test.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal));
        var defaults = PolicyTestSuite.Parse(File.ReadAllText(Repository.PathOf("policies/tests/default.test.yaml")), "d");
        Assert.True(defaults.Cases.Count >= 30);
        Assert.Equal(Enum.GetValues<Tier>().Order(), defaults.Cases.Where(c => c.Tier is not null).Select(c => c.Tier!.Value).Distinct().Order());
    }
}
