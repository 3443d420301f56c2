using Interlock.Actions;
using Interlock.Policy;
using Interlock.Risk;

namespace Interlock.Core.Tests.Policy;

/// <summary>Hand-built facts, risk and policies for the policy tests.</summary>
internal static class PolicyTestKit
{
    public const string FileName = "test.yaml";

    public static ActionFacts Facts(
        string? topic = null,
        string? tool = null,
        string? agent = null,
        string[]? tags = null,
        params Operation[] ops) =>
        new()
        {
            Request = new ActionRequest { Topic = topic, Tool = tool, Agent = agent },
            Operations = ops,
            Tags = new HashSet<string>(tags ?? [], StringComparer.Ordinal),
        };

    public static Operation Op(string program, OperationClass cls = OperationClass.Read, EnvironmentKind env = EnvironmentKind.Unknown, params string[] targets) =>
        new() { Program = program, Class = cls, Environment = env, Targets = targets, Reason = $"{program} {cls}" };

    public static RiskAssessment Assess(Tier tier = Tier.ReadOnly, BlastLevel level = BlastLevel.Low) =>
        new(tier, new BlastRadius(level, "test", true, false, []), []);

    public static CompiledPolicy Load(string yaml)
    {
        var result = PolicyLoader.Load(yaml, FileName);
        Assert.True(result.Success, "expected the policy to load, got:\n" + string.Join("\n", result.Errors));
        Assert.Empty(result.Errors);
        return result.Policy;
    }

    public static IReadOnlyList<PolicyError> Errors(string yaml, string file = FileName)
    {
        var result = PolicyLoader.Load(yaml, file);
        Assert.False(result.Success, "expected the policy to fail to load");
        Assert.Null(result.Policy);
        Assert.NotEmpty(result.Errors);
        return result.Errors;
    }

    /// <summary>A policy with one rule whose match block is <paramref name="matchBody"/> (indented under match:).</summary>
    public static CompiledPolicy OneRule(string matchBody, string decision = "deny") =>
        Load($"""
            version: v1
            default: allow
            rules:
              - id: r
                match:
            {Indent(matchBody, "      ")}
                decision: {decision}
            """);

    public static string Indent(string text, string prefix) =>
        string.Join("\n", text.Split('\n').Select(line => prefix + line));

    public static bool Hits(this CompiledPolicy policy, ActionFacts facts, RiskAssessment? risk = null) =>
        !policy.Evaluate(facts, risk ?? Assess()).DefaultApplied;

    public static string TestDataPath(string name) => Path.Combine(AppContext.BaseDirectory, "Policy", "TestData", name);
}
