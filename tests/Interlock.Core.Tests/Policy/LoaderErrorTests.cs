using Interlock.Policy;
using static Interlock.Core.Tests.Policy.PolicyTestKit;

namespace Interlock.Core.Tests.Policy;

/// <summary>Every way a policy can be wrong is a load error with file, line, column and a message that says what was expected.</summary>
public class LoaderErrorTests
{
    private static void Has(IReadOnlyList<PolicyError> errors, int line, int column, string message)
    {
        var all = string.Join("\n", errors);
        Assert.True(
            errors.Any(e => e.File == FileName && e.Line == line && e.Column == column && e.Message == message),
            $"expected {FileName}:{line}:{column}: {message}\nactual:\n{all}");
    }

    private static PolicyError Only(IReadOnlyList<PolicyError> errors, int line, int column, string message)
    {
        var error = Assert.Single(errors);
        Assert.Equal((FileName, line, column, message), (error.File, error.Line, error.Column, error.Message));
        return error;
    }

    /// <summary>Wraps a rule body (lines after "- id: r") into a policy; the body's first line is line 4.</summary>
    private static IReadOnlyList<PolicyError> RuleErrors(string body) =>
        Errors("version: v1\nrules:\n  - id: r\n" + Indent(body, "    ") + "\n");

    [Fact]
    public void ErrorFormatsAsFileLineColumnMessage()
    {
        var errors = Errors("version: v1\nrules:\n  - id: deny-infra-destroy\n    decison: deny\n", "safety.yaml");
        Assert.Contains(
            "safety.yaml:4:5: unknown key 'decison' in rule 'deny-infra-destroy'; expected one of id, match, decision, constraints, reason",
            errors.Select(e => e.ToString()));
    }

    [Fact]
    public void UnknownRuleKeyAlsoReportsTheMissingDecision()
    {
        var errors = Errors("version: v1\nrules:\n  - id: deny-infra-destroy\n    decison: deny\n");
        Assert.Equal(2, errors.Count);
        Has(errors, 4, 5, "unknown key 'decison' in rule 'deny-infra-destroy'; expected one of id, match, decision, constraints, reason");
        Has(errors, 3, 5, "missing 'decision' in rule 'deny-infra-destroy'; expected one of allow, deny, require_approval, allow_with_constraints");
    }

    [Theory]
    [InlineData("agent")]
    [InlineData("protect")]
    [InlineData("includes")]
    [InlineData("Rules")]
    public void UnknownTopLevelKeys(string key)
    {
        var errors = Errors($"version: v1\ndefault: deny\n{key}: []\n");
        Only(errors, 3, 1, $"unknown key '{key}' at the top level; expected one of version, default, rules, agents, protected, include, knowledge, resource_map");
    }

    [Fact]
    public void UnknownMatchKey()
    {
        var errors = RuleErrors("match:\n  topic: [\"job.*\"]\ndecision: deny");
        Only(errors, 5, 7, "unknown key 'topic' in match in rule 'r'; expected one of topics, tools, programs, operations, targets, resources, environments, agents, tiers, risk_tags, min_blast_radius, not");
    }

    [Fact]
    public void UnknownKeyInsideNot()
    {
        var errors = RuleErrors("match:\n  not:\n    programz: [git]\ndecision: deny");
        Only(errors, 6, 9, "unknown key 'programz' in match.not in rule 'r'; expected one of topics, tools, programs, operations, targets, resources, environments, agents, tiers, risk_tags, min_blast_radius, not");
    }

    [Fact]
    public void UnknownConstraintKey()
    {
        var errors = RuleErrors("decision: allow_with_constraints\nconstraints:\n  max_parallel: 3");
        Only(errors, 6, 7, "unknown key 'max_parallel' in constraints in rule 'r'; expected one of max_concurrent, rate_limit, max_runtime_sec, approvals_required, approval_timeout_sec");
    }

    [Fact]
    public void ScalarWhereAListIsExpected()
    {
        var errors = RuleErrors("match:\n  topics: \"job.*.destroy\"\ndecision: deny");
        Only(errors, 5, 15, "expected a list of strings for match.topics in rule 'r', found the scalar 'job.*.destroy'; write [\"...\"] even for one item");
    }

    [Fact]
    public void MappingWhereAListIsExpected()
    {
        var errors = RuleErrors("match:\n  operations: { a: b }\ndecision: deny");
        Only(errors, 5, 19, "expected a list of strings for match.operations in rule 'r', found a mapping; write [\"...\"] even for one item");
    }

    [Fact]
    public void ListItemsMustBeStrings()
    {
        var errors = RuleErrors("match:\n  programs: [git, ~, [x]]\ndecision: deny");
        Assert.Equal(2, errors.Count);
        Has(errors, 5, 23, "expected a string for an item of match.programs in rule 'r', found null");
        Has(errors, 5, 26, "expected a string for an item of match.programs in rule 'r', found a list");
    }

    [Fact]
    public void EmptyListWouldNeverMatch()
    {
        var errors = RuleErrors("match:\n  tools: []\ndecision: deny");
        Only(errors, 5, 14, "empty list for match.tools in rule 'r' would never match; expected at least one item (or leave the field out)");
    }

    [Fact]
    public void EmptyNotWouldNeverMatch()
    {
        var errors = RuleErrors("match:\n  not: {}\ndecision: deny");
        Only(errors, 5, 12, "empty match.not in rule 'r' would never match; expected at least one of topics, tools, programs, operations, targets, resources, environments, agents, tiers, risk_tags, min_blast_radius, not");
    }

    [Fact]
    public void MatchMustBeAMapping()
    {
        var errors = RuleErrors("match: [topics]\ndecision: deny");
        Only(errors, 4, 12, "expected a mapping for match in rule 'r', found a list; expected keys topics, tools, programs, operations, targets, resources, environments, agents, tiers, risk_tags, min_blast_radius, not");
    }

    [Fact]
    public void TargetsAndResourcesTogether()
    {
        var errors = RuleErrors("match:\n  targets: [a]\n  resources: [b]\ndecision: deny");
        Only(errors, 6, 7, "both 'targets' and its alias 'resources' in match in rule 'r'; expected only one of them");
    }

    [Fact]
    public void InvalidGlob()
    {
        var errors = RuleErrors("match:\n  topics: [\"job.*.destroy\", \"job.[x\"]\ndecision: deny");
        Only(errors, 5, 33, "invalid glob 'job.[x' in match.topics in rule 'r': unterminated '['; expected ']' to close the character class (at offset 4)");
    }

    [Fact]
    public void InvalidGlobsInEveryGlobField()
    {
        foreach (var field in new[] { "topics", "tools", "programs", "targets", "resources", "agents" })
        {
            var errors = RuleErrors($"match:\n  {field}: [\"a\\\\\"]\ndecision: deny");
            var error = Assert.Single(errors);
            Assert.StartsWith($"invalid glob 'a\\' in match.{field} in rule 'r': dangling '\\'", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void DuplicateRuleIds()
    {
        var errors = Errors("""
            version: v1
            rules:
              - id: same
                decision: deny
              - id: other
                decision: deny
              - id: same
                decision: allow
            """);
        Only(errors, 7, 9, "duplicate rule id 'same'; first defined at line 3");
    }

    [Fact]
    public void MissingId()
    {
        var errors = Errors("version: v1\nrules:\n  - decision: deny\n");
        Only(errors, 3, 5, "rule #1 has no 'id'; expected an id like 'deny-infra-destroy'");
    }

    [Theory]
    [InlineData("Deny-All")]
    [InlineData("-deny")]
    [InlineData("deny all")]
    [InlineData("deny/all")]
    public void InvalidIds(string id)
    {
        var errors = Errors($"version: v1\nrules:\n  - id: \"{id}\"\n    decision: deny\n");
        Only(errors, 3, 9, $"invalid rule id '{id}'; expected lowercase letters, digits, '.', '_' or '-', starting with a letter or digit");
    }

    [Fact]
    public void ValidIdShapes()
    {
        var p = Load("version: v1\nrules:\n  - id: 0a.b_c-d\n    decision: deny\n  - id: z\n    decision: deny\n");
        Assert.Equal(["0a.b_c-d", "z"], p.Rules.Select(r => r.Id));
    }

    [Fact]
    public void MissingDecision()
    {
        var errors = RuleErrors("reason: x");
        Only(errors, 3, 5, "missing 'decision' in rule 'r'; expected one of allow, deny, require_approval, allow_with_constraints");
    }

    [Theory]
    [InlineData("block")]
    [InlineData("Deny")]
    [InlineData("approve")]
    public void UnknownDecisions(string decision)
    {
        var errors = RuleErrors($"decision: {decision}");
        Only(errors, 4, 15, $"unknown decision '{decision}' in rule 'r'; expected one of allow, deny, require_approval, allow_with_constraints");
    }

    [Fact]
    public void UnknownDefault()
    {
        var errors = Errors("version: v1\ndefault: allow_all\nrules: []\n");
        Has(errors, 2, 10, "unknown decision 'allow_all' for default; expected one of allow, deny, require_approval, allow_with_constraints");
    }

    [Fact]
    public void UnknownOperationClass()
    {
        var errors = RuleErrors("match:\n  operations: [delete, remove]\ndecision: deny");
        Only(errors, 5, 28, "unknown operation class 'remove' in match.operations in rule 'r'; expected one of read, create, update, delete, destroy, history_rewrite, exec, egress, privilege, credential_read");
    }

    [Fact]
    public void UnknownEnvironment()
    {
        var errors = RuleErrors("match:\n  environments: [prod]\ndecision: deny");
        Only(errors, 5, 22, "unknown environment 'prod' in match.environments in rule 'r'; expected one of unknown, local, development, staging, production");
    }

    [Fact]
    public void UnknownTier()
    {
        var errors = RuleErrors("match:\n  tiers: [never, write]\ndecision: deny");
        Only(errors, 5, 22, "unknown tier 'write' in match.tiers in rule 'r'; expected one of read_only, write_autonomous, write_with_confirmation, never");
    }

    [Fact]
    public void UnknownBlastLevel()
    {
        var errors = RuleErrors("match:\n  min_blast_radius: severe\ndecision: deny");
        Only(errors, 5, 25, "unknown blast level 'severe' in match.min_blast_radius in rule 'r'; expected one of low, medium, high, critical");
    }

    [Fact]
    public void BlastLevelMustBeAScalar()
    {
        var errors = RuleErrors("match:\n  min_blast_radius: [high]\ndecision: deny");
        Only(errors, 5, 25, "expected a string for match.min_blast_radius in rule 'r', found a list");
    }

    [Theory]
    [InlineData("\"0/hour\"")]
    [InlineData("\"20/week\"")]
    [InlineData("\"20\"")]
    [InlineData("\"x/hour\"")]
    [InlineData("\"-1/hour\"")]
    [InlineData("\"20/Hour\"")]
    [InlineData("\" 20/hour\"")]
    [InlineData("\"/hour\"")]
    [InlineData("\"99999999999/hour\"")]
    public void InvalidRateLimits(string value)
    {
        var errors = RuleErrors($"decision: allow_with_constraints\nconstraints:\n  rate_limit: {value}");
        var shown = value.Trim('"');
        Only(errors, 6, 19, $"invalid rate_limit '{shown}' in rule 'r'; expected N/second, N/minute, N/hour or N/day with N ≥ 1");
    }

    [Theory]
    [InlineData("1/second")]
    [InlineData("5/minute")]
    [InlineData("20/hour")]
    [InlineData("1000/day")]
    public void ValidRateLimits(string value)
    {
        var p = Load($"version: v1\nrules:\n  - id: r\n    decision: allow_with_constraints\n    constraints: {{ rate_limit: {value} }}\n");
        Assert.Equal(value, p.Rules[0].Constraints!.RateLimit);
    }

    [Theory]
    [InlineData("max_concurrent", "0", "'0'")]
    [InlineData("max_concurrent", "-1", "'-1'")]
    [InlineData("max_concurrent", "1.5", "'1.5'")]
    [InlineData("max_concurrent", "\"3\"", "'3'")]
    [InlineData("max_concurrent", "three", "'three'")]
    [InlineData("max_concurrent", "99999999999", "'99999999999'")]
    [InlineData("max_runtime_sec", "0", "'0'")]
    [InlineData("max_runtime_sec", "abc", "'abc'")]
    [InlineData("max_runtime_sec", "[1]", "a list")]
    [InlineData("approvals_required", "0", "'0'")]
    [InlineData("approvals_required", "+2", "'+2'")]
    [InlineData("approvals_required", "~", "'~'")]
    public void InvalidIntegerConstraints(string key, string value, string shown)
    {
        var errors = RuleErrors($"decision: allow_with_constraints\nconstraints:\n  {key}: {value}");
        Only(errors, 6, 7 + key.Length + 2, $"invalid {key} {shown} in constraints in rule 'r'; expected a positive integer");
    }

    [Fact]
    public void AllConstraintFieldsLoad()
    {
        var p = Load("version: v1\nrules:\n  - id: r\n    decision: allow_with_constraints\n    constraints: { max_concurrent: 3, rate_limit: \"20/hour\", max_runtime_sec: 120, approvals_required: 2 }\n");
        Assert.Equal(
            new Interlock.Actions.Constraints { MaxConcurrent = 3, RateLimit = "20/hour", MaxRuntimeSec = 120, ApprovalsRequired = 2 },
            p.Rules[0].Constraints);
    }

    [Theory]
    [InlineData("deny")]
    [InlineData("allow")]
    public void ConstraintsOnlyWithAllowWithConstraints(string decision)
    {
        var errors = RuleErrors($"decision: {decision}\nconstraints:\n  max_concurrent: 3");
        Only(errors, 5, 5, $"constraints in rule 'r' with decision {decision}; expected constraints only with decision allow_with_constraints (or approvals_required and approval_timeout_sec with require_approval)");
    }

    [Fact]
    public void RequireApprovalTakesOnlyApprovalTerms()
    {
        var errors = RuleErrors("decision: require_approval\nconstraints:\n  max_concurrent: 3");
        Only(errors, 5, 5, "constraints in rule 'r' with decision require_approval may hold only approvals_required and approval_timeout_sec");
        var policy = PolicyTestKit.Load("version: v1\nrules:\n  - id: r\n    decision: require_approval\n    constraints:\n      approvals_required: 2\n      approval_timeout_sec: 600\n");
        Assert.Equal(600, policy.Rules[0].Constraints!.ApprovalTimeoutSec);
    }

    [Fact]
    public void ApprovalTimeoutOnlyWithRequireApproval()
    {
        var errors = RuleErrors("decision: allow_with_constraints\nconstraints:\n  approval_timeout_sec: 600");
        Only(errors, 5, 5, "approval_timeout_sec in rule 'r' applies to decision require_approval, not allow_with_constraints");
    }

    [Fact]
    public void AllowWithConstraintsNeedsConstraints()
    {
        var errors = RuleErrors("decision: allow_with_constraints");
        Only(errors, 4, 15, "decision allow_with_constraints in rule 'r' has no constraints; expected a 'constraints' mapping with at least one of max_concurrent, rate_limit, max_runtime_sec, approvals_required, approval_timeout_sec");
    }

    [Fact]
    public void EmptyConstraints()
    {
        var errors = RuleErrors("decision: allow_with_constraints\nconstraints: {}");
        Only(errors, 5, 18, "empty constraints in rule 'r'; expected at least one of max_concurrent, rate_limit, max_runtime_sec, approvals_required, approval_timeout_sec");
    }

    [Fact]
    public void MissingVersion()
    {
        var errors = Errors("default: deny\n");
        Only(errors, 1, 1, "missing 'version'; expected version: v1");
    }

    [Theory]
    [InlineData("v2", "v2")]
    [InlineData("1", "1")]
    [InlineData("V1", "V1")]
    [InlineData("\"v1 \"", "v1 ")]
    public void UnsupportedVersion(string value, string shown)
    {
        var errors = Errors($"version: {value}\ndefault: deny\n");
        Only(errors, 1, 10, $"unsupported version '{shown}'; expected v1");
    }

    [Fact]
    public void VersionMustBeAString()
    {
        var errors = Errors("version:\ndefault: deny\n");
        Only(errors, 1, 9, "expected a string for version, found null");
    }

    [Theory]
    [InlineData("")]
    [InlineData("   \n\n")]
    [InlineData("# only a comment\n")]
    [InlineData("---\n")]
    [InlineData("~\n")]
    public void EmptyFile(string text)
    {
        var errors = Errors(text);
        Only(errors, 1, 1, "empty policy; expected a mapping with version, default and rules");
    }

    [Fact]
    public void RootMustBeAMapping()
    {
        Only(Errors("- id: r\n"), 1, 1, "expected a mapping with version, default and rules at the top level, found a list");
        Only(Errors("just text\n"), 1, 1, "expected a mapping with version, default and rules at the top level, found the scalar 'just text'");
    }

    [Fact]
    public void RulesMustBeAList()
    {
        Only(Errors("version: v1\nrules: deny\n"), 2, 8, "expected a list of rules for 'rules', found the scalar 'deny'");
        Only(Errors("version: v1\ndefault: deny\nrules:\n"), 3, 7, "expected a list of rules for 'rules', found null");
    }

    [Fact]
    public void RuleMustBeAMapping()
    {
        var errors = Errors("version: v1\nrules:\n  - deny-all\n");
        Only(errors, 3, 5, "rule #1: expected a mapping with id, match, decision, constraints, reason, found the scalar 'deny-all'");
    }

    [Fact]
    public void NoRulesAndNoDefault()
    {
        Only(Errors("version: v1\n"), 1, 1, "policy has no rules and no default; expected at least one rule or an explicit 'default'");
        Only(Errors("version: v1\nrules: []\n"), 1, 1, "policy has no rules and no default; expected at least one rule or an explicit 'default'");
    }

    [Fact]
    public void NoRulesAndDefaultAllowWouldAllowEverything()
    {
        Only(Errors("version: v1\ndefault: allow\n"), 2, 10, "policy has no rules and default allow, which allows everything; expected rules or a stricter default");
    }

    [Fact]
    public void NonStringKey()
    {
        var errors = Errors("version: v1\ndefault: deny\n? [a, b]\n: c\n");
        Only(errors, 3, 3, "expected a string key at the top level, found a list");
    }

    [Fact]
    public void YamlSyntaxErrorReportsTheParserMark()
    {
        var errors = Errors("version: v1\nrules:\n  - id: r\n    match: { topics: [\"a\" }\n    decision: deny\n");
        Only(errors, 4, 27, "YAML syntax error: While parsing a flow sequence, did not find expected ',' or ']'.");
    }

    [Fact]
    public void YamlSyntaxErrorBadIndentation()
    {
        var error = Assert.Single(Errors("version: v1\nrules:\n  - id: r\n     decision: deny\n   reason: x\n"));
        Assert.StartsWith("YAML syntax error: ", error.Message, StringComparison.Ordinal);
        Assert.True(error.Line >= 4, error.ToString());
    }

    [Fact]
    public void DuplicateKeysAreRejected()
    {
        var error = Assert.Single(Errors("version: v1\ndefault: deny\ndefault: allow\n"));
        Assert.Equal(3, error.Line);
        Assert.StartsWith("YAML syntax error: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AliasesAreRejected()
    {
        var errors = Errors("version: v1\nrules:\n  - id: a\n    match: &m { tools: [Bash] }\n    decision: deny\n  - id: b\n    match: *m\n    decision: deny\n");
        Only(errors, 7, 12, "YAML aliases are not supported in policies; expected plain values");
    }

    [Fact]
    public void MultipleDocumentsAreRejected()
    {
        var errors = Errors("version: v1\ndefault: deny\n---\nversion: v1\ndefault: allow\n");
        Only(errors, 3, 1, "more than one YAML document; expected a single policy document");
    }

    [Fact]
    public void ErrorsAcrossRulesAreAllCollected()
    {
        var errors = Errors("""
            version: v2
            surprise: true
            rules:
              - id: a
                decision: nope
              - id: b
                match: { topics: ["[x"], tiers: [sometimes] }
                decision: deny
              - id: a
                decision: deny
                constraints: { max_concurrent: 0 }
            """);
        Assert.True(errors.Count == 8, string.Join("\n", errors));
        Has(errors, 1, 10, "unsupported version 'v2'; expected v1");
        Has(errors, 2, 1, "unknown key 'surprise' at the top level; expected one of version, default, rules, agents, protected, include, knowledge, resource_map");
        Has(errors, 5, 15, "unknown decision 'nope' in rule 'a'; expected one of allow, deny, require_approval, allow_with_constraints");
        Has(errors, 7, 23, "invalid glob '[x' in match.topics in rule 'b': unterminated '['; expected ']' to close the character class (at offset 0)");
        Has(errors, 7, 38, "unknown tier 'sometimes' in match.tiers in rule 'b'; expected one of read_only, write_autonomous, write_with_confirmation, never");
        Has(errors, 9, 9, "duplicate rule id 'a'; first defined at line 4");
        Has(errors, 11, 5, "constraints in rule 'a' with decision deny; expected constraints only with decision allow_with_constraints (or approvals_required and approval_timeout_sec with require_approval)");
        Has(errors, 11, 36, "invalid max_concurrent '0' in constraints in rule 'a'; expected a positive integer");
        // Reported in file order.
        Assert.Equal(errors.OrderBy(e => e.Line).ThenBy(e => e.Column), errors);
    }

    [Fact]
    public void RuleWithoutValidIdIsNamedByPosition()
    {
        var errors = Errors("version: v1\nrules:\n  - id: ok\n    decision: deny\n  - decision: deny\n    bogus: 1\n");
        Assert.Equal(2, errors.Count);
        Has(errors, 6, 5, "unknown key 'bogus' in rule #2; expected one of id, match, decision, constraints, reason");
        Has(errors, 5, 5, "rule #2 has no 'id'; expected an id like 'deny-infra-destroy'");
    }

    [Fact]
    public void DeeplyNestedYamlIsRejectedWithoutCrashing()
    {
        var deep = "version: v1\ndefault: deny\nx: " + new string('[', 100_000) + new string(']', 100_000) + "\n";
        var error = Assert.Single(Errors(deep));
        Assert.Equal($"nesting deeper than {PolicyLoader.MaxDepth} levels; expected a flatter policy", error.Message);
        Assert.Equal(3, error.Line);

        var deepBlock = new System.Text.StringBuilder("version: v1\ndefault: deny\nrules:\n  - id: r\n    decision: deny\n    match:\n");
        var indent = "      ";
        for (var i = 0; i < 200; i++)
        {
            deepBlock.Append(indent).Append("not:\n");
            indent += "  ";
        }
        deepBlock.Append(indent).Append("tools: [Bash]\n");
        Assert.Contains(Errors(deepBlock.ToString()), e => e.Message.StartsWith("nesting deeper than", StringComparison.Ordinal));
    }

    [Fact]
    public void ModeratelyNestedNotLoads()
    {
        var yaml = new System.Text.StringBuilder("version: v1\nrules:\n  - id: r\n    decision: deny\n    match:\n");
        var indent = "      ";
        for (var i = 0; i < 20; i++)
        {
            yaml.Append(indent).Append("not:\n");
            indent += "  ";
        }
        yaml.Append(indent).Append("tools: [Bash]\n");
        var p = Load(yaml.ToString());
        // 20 negations cancel out.
        Assert.True(p.Hits(Facts(tool: "Bash")));
        Assert.False(p.Hits(Facts(tool: "Read")));
    }

    [Fact]
    public void OversizedTextIsRejected()
    {
        var huge = "version: v1\ndefault: deny\n# " + new string('x', PolicyLoader.MaxTextLength) + "\n";
        Only(Errors(huge), 1, 1, $"policy is {huge.Length} characters long; expected at most {PolicyLoader.MaxTextLength}");
    }

    [Fact]
    public void ManyNodesAreBounded()
    {
        var yaml = "version: v1\ndefault: deny\nx: [" + string.Join(",", Enumerable.Repeat("1", PolicyLoader.MaxNodes)) + "]\n";
        var error = Assert.Single(Errors(yaml));
        Assert.Equal($"more than {PolicyLoader.MaxNodes} YAML nodes; expected a smaller policy", error.Message);
    }

    [Fact]
    public void NullTextAndFileNameDoNotThrow()
    {
        var result = PolicyLoader.Load(null!, null!);
        Assert.False(result.Success);
        Assert.Equal("<policy>", Assert.Single(result.Errors).File);
    }
}
