using System.Security.Cryptography;
using System.Text;
using Interlock.Actions;
using Interlock.Risk;

namespace Interlock.Policy;

/// <summary>
/// The effective policy: a file and the files it includes, as layers. Every layer is evaluated and the strictest
/// outcome wins, so a later layer can add restrictions but never loosen an earlier one. A layer without its own
/// <c>default</c> abstains when none of its rules match; when every layer abstains the root's default applies.
/// </summary>
public sealed class PolicyStack
{
    public PolicyStack(IReadOnlyList<CompiledPolicy> layers, IReadOnlyList<Knowledge.Packs.KnowledgePack>? packs = null, Risk.ResourceMap? map = null)
    {
        Map = map ?? Risk.ResourceMap.Empty;
        if (layers.Count == 0) throw new ArgumentException("a policy needs at least one layer", nameof(layers));
        Layers = layers;
        Root = layers[^1];
        Packs = packs ?? [];
        // Packs change what commands are understood to do, so they are part of what decided: part of the hash.
        Hash = layers.Count == 1 && Packs.Count == 0 && Map.IsEmpty ? Root.Hash : CombinedHash(layers, Packs, Map);
        Knowledge = Packs.Count == 0 ? null : Interlock.Knowledge.CommandKnowledge.Default.With(Packs);
        Protected = [.. layers.SelectMany(l => l.Protected)];
        HasAgents = layers.Any(l => l.Agents.Count > 0);
    }

    public static implicit operator PolicyStack(CompiledPolicy policy) => new([policy]);

    /// <summary>Included layers first (depth-first, in include order), the root file last.</summary>
    public IReadOnlyList<CompiledPolicy> Layers { get; }

    public CompiledPolicy Root { get; }

    /// <summary>SHA-256 of the effective policy: the single file's hash, or a hash over every layer's hash in order.</summary>
    public string Hash { get; }

    /// <summary>Every protected resource of every layer.</summary>
    public IReadOnlyList<ProtectedResource> Protected { get; }

    /// <summary>Whether any layer defines agent identities (otherwise no scope is checked).</summary>
    public bool HasAgents { get; }

    /// <summary>The knowledge packs the policy names (<c>knowledge:</c>), in load order.</summary>
    public IReadOnlyList<Knowledge.Packs.KnowledgePack> Packs { get; }

    /// <summary>The resource map the policy names (<c>resource_map:</c>); empty when it names none.</summary>
    public Risk.ResourceMap Map { get; }

    /// <summary>The built-in command knowledge with the packs laid over it; null when the policy names none.</summary>
    public Knowledge.CommandKnowledge? Knowledge { get; }

    private static string CombinedHash(IReadOnlyList<CompiledPolicy> layers, IReadOnlyList<Knowledge.Packs.KnowledgePack> packs, Risk.ResourceMap map)
    {
        var text = string.Join('\n', layers.Select(l => l.Hash).Concat(packs.Select(p => "pack " + p.Hash)).Append(map.IsEmpty ? "" : "map " + map.Hash));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("interlock-policy-stack\n" + text)));
    }

    public PolicyVerdict Evaluate(ActionFacts facts, RiskAssessment risk)
    {
        if (Layers.Count == 1) return Root.Evaluate(facts, risk);
        List<RuleMatch>? matched = null;
        List<string>? uncovered = null;
        var outcome = Outcome.Allow;
        var decided = false;
        foreach (var layer in Layers)
        {
            var v = layer.Evaluate(facts, risk);
            if (v.DefaultApplied)
            {
                if (!layer.HasDefault) continue;
                outcome = decided ? Outcomes.Stricter(outcome, v.Outcome) : v.Outcome;
                decided = true;
                continue;
            }
            matched ??= [];
            matched.AddRange(v.Matched);
            if (v.Uncovered.Count > 0) (uncovered ??= []).AddRange(v.Uncovered);
            outcome = decided ? Outcomes.Stricter(outcome, v.Outcome) : v.Outcome;
            decided = true;
        }
        if (!decided) return new PolicyVerdict(Root.Default, [], true, null);
        if (matched is null) return new PolicyVerdict(outcome, [], true, null);
        var constraints = CompiledPolicy.MergeConstraints(matched, outcome);
        return new PolicyVerdict(outcome, matched, false, constraints) { Uncovered = uncovered ?? [] };
    }

    public IReadOnlyList<RuleExplanation> Explain(ActionFacts facts, RiskAssessment risk)
    {
        if (Layers.Count == 1) return Root.Explain(facts, risk);
        var all = new List<RuleExplanation>();
        foreach (var layer in Layers)
            foreach (var e in layer.Explain(facts, risk)) all.Add(e with { RuleId = $"{layer.FileName}#{e.RuleId}" });
        return all;
    }

    /// <summary>
    /// The scopes that apply to <paramref name="agent"/>: from each layer that defines agents, the entry whose id
    /// equals the agent, else the first whose id pattern matches, else that layer's <c>default</c> entry.
    /// A layer that defines agents but none of these leaves the agent with no scope there.
    /// </summary>
    public IEnumerable<(CompiledPolicy Layer, AgentScope? Scope)> ScopesFor(string agent)
    {
        foreach (var layer in Layers)
        {
            if (layer.Agents.Count == 0) continue;
            var scope = layer.Agents.FirstOrDefault(a => a.Id == agent)
                ?? layer.Agents.FirstOrDefault(a => a.IdPattern.IsMatch(agent))
                ?? layer.Agents.FirstOrDefault(a => a.Id == "default");
            yield return (layer, scope);
        }
    }
}
