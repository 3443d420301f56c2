using System.Text.RegularExpressions;
using Interlock.Actions;
using Interlock.Core.Tests.TestSupport;
using Interlock.Policy;

namespace Interlock.Core.Tests.Policy;

/// <summary>Every YAML example in docs/policy.md and every file under policies/ loads; the documented examples decide as they say.</summary>
public sealed partial class PolicyDocsTests
{
    [GeneratedRegex("```yaml\n(?<body>.*?)```", RegexOptions.Singleline)]
    private static partial Regex YamlBlock();

    private static List<string> Examples() =>
        YamlBlock().Matches(File.ReadAllText(Repository.PathOf("docs/policy.md"))).Select(m => m.Groups["body"].Value).ToList();

    [Fact]
    public void EveryExampleInThePolicyReferenceLoads()
    {
        var examples = Examples();
        Assert.True(examples.Count >= 3, "docs/policy.md should carry examples");
        foreach (var yaml in examples)
        {
            var result = PolicyLoader.Load(yaml, "docs/policy.md");
            Assert.True(result.Success, string.Join('\n', result.Errors) + "\n" + yaml);
        }
    }

    [Fact]
    public void EveryShippedPolicyLoads()
    {
        // Policy test files (*.test.yaml) are not policies; PolicyTestFileTests runs them.
        var files = Directory.GetFiles(Repository.PathOf("policies"), "*.yaml", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(".test.yaml", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(files);
        foreach (var file in files)
            Repository.LoadPolicy(Path.GetRelativePath(Repository.Root, file));
    }

    [Fact]
    public void TheMatchFieldExamplesDecideAsDocumented()
    {
        var yaml = Examples().Single(e => e.Contains("backups-are-sacred", StringComparison.Ordinal));
        var evaluator = new ActionEvaluator(PolicyLoader.Load(yaml, "docs").Policy!);
        Evaluation Check(string command, string? agent = null) =>
            evaluator.Evaluate(new ActionRequest { Command = command, Cwd = Repository.Workspace, Home = Repository.Home, Agent = agent });

        var backups = Check("mv /var/backups/db.dump /tmp/");
        Assert.Equal(Outcome.Deny, backups.Decision.Outcome);
        Assert.Contains("backups-are-sacred", backups.Decision.Rules);

        Assert.Equal(Outcome.Allow, Check("kubectl get pods -n staging").Decision.Outcome);
        // Reads in production match no allow rule: the default (require_approval) applies.
        Assert.Equal(Outcome.RequireApproval, Check("kubectl get pods -n production").Decision.Outcome);

        var ci = Check("git push origin main", agent: "ci-runner-7");
        // A feature-branch push is write_autonomous: the CI rule does not fire, and this policy's default applies.
        var feature = Check("git push origin feature/x", agent: "ci-runner-7").Decision;
        Assert.DoesNotContain("ci-bots-only-build", feature.Rules);
        Assert.Equal(Outcome.RequireApproval, feature.Outcome);
        Assert.Equal(Outcome.Deny, ci.Decision.Outcome);
        Assert.Contains("ci-bots-only-build", ci.Decision.Rules);

        Assert.Equal(Outcome.RequireApproval, Check("npm publish").Decision.Outcome);
        Assert.Contains("publishing", Check("npm publish").Decision.Rules);
    }

    [Fact]
    public void TheConstraintsExampleThrottles()
    {
        var yaml = Examples().Single(e => e.Contains("throttle-llm-calls", StringComparison.Ordinal));
        var evaluator = new ActionEvaluator(PolicyLoader.Load(yaml, "docs").Policy!);
        var d = evaluator.Evaluate(new ActionRequest { Source = ActionSource.Job, Topic = "job.team.generate", RiskTags = ["high-cost"] }).Decision;
        Assert.Equal(Outcome.AllowWithConstraints, d.Outcome);
        Assert.Equal(3, d.Constraints!.MaxConcurrent);
        Assert.Equal("20/hour", d.Constraints.RateLimit);
        Assert.Equal(120, d.Constraints.MaxRuntimeSec);
    }
}
