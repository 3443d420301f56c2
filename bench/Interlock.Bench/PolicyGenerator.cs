using System.Globalization;
using System.Text;
using Interlock.Policy;

namespace Interlock.Bench;

/// <summary>
/// Generates realistic v1 policies of a given size in memory: the five built-in tier rules first,
/// then rules mixing programs, operations, targets, environments, tiers, risk_tags, topics and not.
/// </summary>
public static class PolicyGenerator
{
    private static readonly string[] Teams = ["payments", "search", "infra", "data", "web", "mobile", "ml", "billing", "auth", "growth"];
    private static readonly string[] ProgramSets =
    [
        "[\"terraform\", \"tofu\"]", "[\"kubectl\", \"helm\"]", "[\"psql\", \"mysql*\"]", "[\"aws\"]", "[\"gcloud\", \"gsutil\"]",
        "[\"rm\", \"shred\"]", "[\"docker\", \"podman\"]", "[\"git\"]", "[\"npm\", \"pnpm\", \"yarn\"]", "[\"redis-cli\"]",
        "[\"az\"]", "[\"ansible*\"]", "[\"rsync\", \"scp\"]", "[\"curl\", \"wget\"]", "[\"systemctl\"]", "[\"mongo*\"]",
    ];
    private static readonly string[] Operations = ["read", "create", "update", "delete", "destroy", "history_rewrite", "exec", "egress", "privilege", "credential_read"];
    private static readonly string[] Environments = ["local", "development", "staging", "production"];
    private static readonly string[] TierNames = ["read_only", "write_autonomous", "write_with_confirmation", "never"];
    private static readonly string[] RiskTags = ["destructive", "recursive", "force", "network", "remote", "sudo", "secret", "remote-code", "protected-branch", "dynamic-command"];
    private static readonly string[] BlastLevels = ["low", "medium", "high", "critical"];

    private const string BuiltInRules = """
          - id: read-only
            match:
              tiers: [read_only]
            decision: allow
            reason: "Tier 1: read-only"
          - id: write-autonomous
            match:
              tiers: [write_autonomous]
            decision: allow
            reason: "Tier 3: reversible change inside the workspace"
          - id: write-with-confirmation
            match:
              tiers: [write_with_confirmation]
            decision: require_approval
            reason: "Tier 2: changes state outside the workspace"
          - id: never
            match:
              tiers: [never]
            decision: deny
            reason: "NEVER tier"
          - id: production-changes
            match:
              environments: [production]
              not:
                operations: [read]
            decision: require_approval
            reason: "changes production"

        """;

    /// <summary>A policy with exactly <paramref name="ruleCount"/> rules (at least 5: the built-in tier rules).</summary>
    public static string Generate(int ruleCount, bool generalGlobs = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(ruleCount, 5);
        var sb = new StringBuilder();
        sb.Append("version: v1\ndefault: require_approval\nrules:\n");
        sb.Append(BuiltInRules);
        for (var i = 0; i < ruleCount - 5; i++) AppendRule(sb, i, generalGlobs);
        return sb.ToString();
    }

    private static void AppendRule(StringBuilder sb, int i, bool generalGlobs)
    {
        var inv = CultureInfo.InvariantCulture;
        var team = Teams[i % Teams.Length];
        var n = i / Teams.Length;
        var match = new List<string>();
        string decision;
        string? constraints = null;
        // Ten shapes, cycled, so every policy size has the same mix.
        switch (i % 10)
        {
            case 0: // deny destructive ops on a team's backups
                match.Add(string.Create(inv, $"targets: [\"/var/backups/{team}-{n}/**\", \"/srv/{team}/backups/**\"]"));
                match.Add("operations: [delete, destroy]");
                decision = "deny";
                break;
            case 1: // infra tools against production need approval
                match.Add("programs: " + ProgramSets[i % ProgramSets.Length]);
                match.Add("environments: [production, staging]");
                match.Add("not:\n        operations: [read]");
                decision = "require_approval";
                break;
            case 2: // job topics
                match.Add(string.Create(inv, $"topics: [\"job.{team}.{n}.*\", \"job.prod.{team}.**\"]"));
                decision = "require_approval";
                break;
            case 3: // risk tags
                match.Add(string.Create(inv, $"risk_tags: [{RiskTags[i % RiskTags.Length]}, {team}-custom-{n}]"));
                match.Add("tiers: [" + TierNames[2 + (i % 2)] + "]");
                decision = "deny";
                break;
            case 4: // allow reads of a team's data dir with constraints
                match.Add(string.Create(inv, $"targets: [\"/data/{team}/{n}/**\", \"**/{team}-{n}.csv\"]"));
                match.Add("operations: [read]");
                decision = "allow_with_constraints";
                constraints = string.Create(inv, $"max_runtime_sec: {60 + n}\n      rate_limit: \"{10 + (n % 50)}/minute\"");
                break;
            case 5: // programs only (globs run against every operation)
                match.Add("programs: " + ProgramSets[(i / 10) % ProgramSets.Length]);
                match.Add(string.Create(inv, $"targets: [\"/etc/{team}/**\", \"/opt/{team}-{n}/*.conf\"]"));
                decision = "require_approval";
                break;
            case 6: // environment + operation + blast radius
                match.Add("environments: [" + Environments[i % Environments.Length] + "]");
                match.Add("operations: [" + Operations[i % Operations.Length] + ", " + Operations[(i + 3) % Operations.Length] + "]");
                match.Add("min_blast_radius: " + BlastLevels[i % BlastLevels.Length]);
                decision = "require_approval";
                break;
            case 7: // credential globs
                // With generalGlobs off, the same intent in prefix/suffix shapes only (no NFA): an attribution variant.
                match.Add(generalGlobs
                    ? string.Create(inv, $"targets: [\"**/.env*\", \"/home/*/.ssh/{team}_{n}*\", \"**/secrets/{team}/**\"]")
                    : string.Create(inv, $"targets: [\"**/.env\", \"/home/dev/.ssh/{team}_{n}*\", \"/srv/secrets/{team}/**\"]"));
                match.Add("not:\n        programs: [\"git\"]");
                decision = "deny";
                break;
            case 8: // egress by a team's tools
                match.Add("programs: " + ProgramSets[(i + 7) % ProgramSets.Length]);
                match.Add("operations: [egress]");
                match.Add("not:\n        targets: [\"https://*.internal.example.com/**\", \"https://registry.npmjs.org/**\"]");
                decision = "require_approval";
                break;
            default: // tools/agents for non-shell actions
                match.Add(string.Create(inv, $"tools: [\"mcp__{team}__*\", \"{team}_deploy_{n}\"]"));
                match.Add(string.Create(inv, $"agents: [\"{team}-bot-*\"]"));
                decision = "deny";
                break;
        }
        sb.Append(inv, $"  - id: gen-{i:D4}-{team}\n");
        sb.Append("    match:\n");
        foreach (var m in match) sb.Append("      ").Append(m).Append('\n');
        sb.Append("    decision: ").Append(decision).Append('\n');
        if (constraints is not null) sb.Append("    constraints:\n      ").Append(constraints).Append('\n');
        sb.Append(inv, $"    reason: \"generated rule {i} for {team}\"\n");
    }

    /// <summary>Loads <paramref name="text"/> or throws with every error.</summary>
    public static CompiledPolicy LoadOrThrow(string text, string name)
    {
        var result = PolicyLoader.Load(text, name);
        if (!result.Success)
        {
            throw new InvalidOperationException($"policy {name} failed to load:\n" + string.Join("\n", result.Errors.Select(e => e.ToString())));
        }
        return result.Policy;
    }
}
