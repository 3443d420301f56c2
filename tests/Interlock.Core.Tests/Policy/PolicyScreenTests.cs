using System.Text.Json;
using Interlock.Actions;
using Interlock.Core.Tests.TestSupport;
using Interlock.Policy;

namespace Interlock.Core.Tests.Policy;

/// <summary>The fast path (rule screens and segment prefilters) matches exactly the rules the slow explanation path matches.</summary>
public sealed class PolicyScreenTests
{
    private const string Policy = """
        version: v1
        rules:
          - { id: backups, match: { operations: [delete, destroy, update], targets: ["/var/backups/**", "/srv/*/backups/**"] }, decision: deny }
          - { id: env-files, match: { targets: ["**/.env*"], not: { programs: [git] } }, decision: deny }
          - { id: keys, match: { targets: ["/home/*/.ssh/id_*"] }, decision: deny }
          - { id: infra-prod, match: { programs: [terraform, kubectl, helm], environments: [production, staging], not: { operations: [read] } }, decision: require_approval }
          - { id: reads, match: { tiers: [read_only] }, decision: allow }
          - { id: big, match: { min_blast_radius: high }, decision: require_approval }
          - { id: egress, match: { operations: [egress], not: { targets: ["https://*.internal.example.com/**"] } }, decision: require_approval }
          - { id: main, match: { targets: ["refs/heads/main", "refs/heads/release/*"] }, decision: require_approval }
          - { id: git-any, match: { programs: ["gi?"] }, decision: allow }
          - { id: tags, match: { risk_tags: [destructive, credential], tiers: [never, write_with_confirmation] }, decision: deny }
          - { id: tools, match: { tools: ["Read", "mcp__*"] }, decision: allow }
          - { id: dev-ops, match: { environments: [development], operations: [update, delete] }, decision: allow }
          - { id: no-ops, match: { operations: [read] }, decision: allow }
        """;

    [Fact]
    public void EvaluateAndExplainAgreeOnEveryCorpusAction()
    {
        var policy = PolicyLoader.Load(Policy, "screen.yaml").Policy!;
        var analyzer = new ActionAnalyzer();
        int compared = 0;
        foreach (var file in Directory.GetFiles(Repository.PathOf("tests/corpus"), "*.jsonl"))
        {
            foreach (var line in File.ReadLines(file))
            {
                if (string.IsNullOrWhiteSpace(line)) continue;
                using var doc = JsonDocument.Parse(line);
                var request = new ActionRequest
                {
                    Command = doc.RootElement.GetProperty("command").GetString(),
                    Cwd = doc.RootElement.GetProperty("cwd").GetString(),
                    Home = Repository.Home,
                };
                var facts = analyzer.Analyze(request);
                var risk = Interlock.Risk.TierClassifier.Assess(facts);
                var fast = policy.Evaluate(facts, risk).Matched.Select(m => m.RuleId).ToList();
                var slow = policy.Explain(facts, risk).Where(e => e.Matched).Select(e => e.RuleId).ToList();
                Assert.True(fast.SequenceEqual(slow), $"{request.Command}: evaluate matched [{string.Join(", ", fast)}], explain [{string.Join(", ", slow)}]");
                compared++;
            }
        }
        Assert.True(compared > 1000);
    }
}
