using Interlock.Actions;
using Interlock.Risk;

namespace Interlock.Policy;

/// <summary>One problem <see cref="PolicyLinter"/> found: severity (<c>error</c> or <c>warning</c>), position, a stable code and a message.</summary>
public sealed record LintFinding(string Severity, string File, int Line, int Column, string Code, string Message)
{
    public const string Error = "error";
    public const string Warning = "warning";

    public override string ToString() => $"{File}:{Line}:{Column}: {Severity} {Code}: {Message}";
}

/// <summary>
/// Static checks over a loaded policy stack for rules that cannot do what their author meant. Every finding is
/// provable from the policy alone, conservatively: a rule is reported only when the analysis is sure. No I/O.
/// </summary>
/// <remarks>
/// Codes: IL000 does not load, IL001 shadowed rule, IL002 rule that can never match, IL003 allow on the never tier,
/// IL004 rule id repeated across layers, IL005 agent scope that cannot read, IL006 protected pattern that covers everything.
/// </remarks>
public static class PolicyLinter
{
    /// <summary>The code the CLI gives a file that does not load (or a test file that does not parse).</summary>
    public const string LoadError = "IL000";
    public const string Shadowed = "IL001";
    public const string NeverMatches = "IL002";
    public const string AllowOnNeverTier = "IL003";
    public const string DuplicateIdAcrossLayers = "IL004";
    public const string ScopeCannotRead = "IL005";
    public const string ProtectsEverything = "IL006";

    private static readonly int ReadBit = Bit(OperationClass.Read);
    private static readonly int AlwaysNeverClasses = Bit(OperationClass.Destroy) | Bit(OperationClass.CredentialRead);
    private static readonly int NeverTierClasses = AlwaysNeverClasses | Bit(OperationClass.HistoryRewrite);
    private static readonly int ReadOnlyTier = FactsView.Bit((int)Tier.ReadOnly);
    private static readonly int NeverTier = FactsView.Bit((int)Tier.Never);

    public static IReadOnlyList<LintFinding> Lint(PolicyStack stack)
    {
        ArgumentNullException.ThrowIfNull(stack);
        var findings = new List<LintFinding>();
        var firstIds = new Dictionary<string, (CompiledPolicy Layer, CompiledRule Rule)>(StringComparer.Ordinal);
        foreach (var layer in stack.Layers)
        {
            var rules = layer.Rules;
            for (var i = 0; i < rules.Count; i++)
            {
                var rule = rules[i];
                var m = rule.Matcher;
                LintNeverMatches(layer, rule, m, findings);
                LintAllowOnNever(layer, rule, m, findings);
                for (var j = 0; j < i; j++)
                {
                    var earlier = rules[j];
                    if (Outcomes.Stricter(earlier.Decision, rule.Decision) != earlier.Decision) continue;
                    // Two constrained allows merge their constraints: the later one can still tighten them.
                    if (rule.Decision == Outcome.AllowWithConstraints && earlier.Decision == Outcome.AllowWithConstraints) continue;
                    if (!Covers(earlier.Matcher, m)) continue;
                    findings.Add(new(LintFinding.Warning, layer.FileName, rule.Line, rule.Column, Shadowed,
                        $"rule '{rule.Id}' is shadowed by rule '{earlier.Id}' (line {earlier.Line}): '{earlier.Id}' matches every action '{rule.Id}' matches "
                        + $"and decides {earlier.Decision.WireName()}, at least as strict as {rule.Decision.WireName()}, so '{rule.Id}' never changes the outcome"));
                    break;
                }
                if (firstIds.TryGetValue(rule.Id, out var first))
                {
                    if (!ReferenceEquals(first.Layer, layer))
                        findings.Add(new(LintFinding.Warning, layer.FileName, rule.Line, rule.Column, DuplicateIdAcrossLayers,
                            $"rule id '{rule.Id}' is also defined in {first.Layer.FileName}:{first.Rule.Line}; decisions will name both as '{rule.Id}'"));
                }
                else
                {
                    firstIds.Add(rule.Id, (layer, rule));
                }
            }
            foreach (var agent in layer.Agents)
            {
                if (agent.Actions != 0 && (agent.Actions & ReadBit) == 0)
                    findings.Add(new(LintFinding.Warning, agent.File, agent.Line, agent.Column, ScopeCannotRead,
                        $"agent '{agent.Id}' has actions without 'read': it cannot even read a file ([{string.Join(", ", ClassNames(agent.Actions))}])"));
            }
            foreach (var p in layer.Protected)
            {
                if (p.Pattern is "**" or "/**")
                    findings.Add(new(LintFinding.Warning, p.File, p.Line, p.Column, ProtectsEverything,
                        $"protected pattern '{p.Pattern}' protects everything: no delete, destroy or history rewrite of any target can ever run"));
            }
        }
        return findings;
    }

    private static void LintNeverMatches(CompiledPolicy layer, CompiledRule rule, RuleMatcher m, List<LintFinding> findings)
    {
        string? why = null;
        if (m.Tiers == ReadOnlyTier && m.Operations != 0 && (m.Operations & ReadBit) == 0)
            why = $"tiers is only read_only but operations [{string.Join(", ", ClassNames(m.Operations))}] lists no 'read'; only reads are read_only";
        else if (m.Operations != 0 && (m.Operations & ~AlwaysNeverClasses) == 0 && m.Tiers != 0 && (m.Tiers & NeverTier) == 0)
            why = $"operations [{string.Join(", ", ClassNames(m.Operations))}] are always in the never tier, which tiers [{string.Join(", ", TierNames(m.Tiers))}] excludes";
        else if (m.Not is { } not && Covers(not, m.WithoutNot()))
            why = "its 'not' matches everything the rest of the match does";
        if (why is null) return;
        findings.Add(new(LintFinding.Error, layer.FileName, rule.Line, rule.Column, NeverMatches, $"rule '{rule.Id}' can never match: {why}"));
    }

    private static void LintAllowOnNever(CompiledPolicy layer, CompiledRule rule, RuleMatcher m, List<LintFinding> findings)
    {
        if (rule.Decision is not (Outcome.Allow or Outcome.AllowWithConstraints)) return;
        string? why = null;
        if (m.Tiers != 0 && (m.Tiers & NeverTier) != 0)
            why = "its tiers include never";
        else if (m.Operations != 0 && (m.Operations & ~NeverTierClasses) == 0)
            why = $"its operations [{string.Join(", ", ClassNames(m.Operations))}] are (almost always) in the never tier";
        if (why is null) return;
        findings.Add(new(LintFinding.Warning, layer.FileName, rule.Line, rule.Column, AllowOnNeverTier,
            $"rule '{rule.Id}' decides {rule.Decision.WireName()} but {why}: the built-in never-tier rule ({ActionEvaluator.NeverTierRule}) denies those actions anyway"));
    }

    /// <summary>
    /// Whether <paramref name="wide"/> provably matches every action <paramref name="narrow"/> matches: it has no
    /// <c>not</c>, and every field it constrains is constrained by <paramref name="narrow"/> to a subset.
    /// An empty matcher covers everything.
    /// </summary>
    internal static bool Covers(RuleMatcher wide, RuleMatcher narrow)
    {
        if (wide.Not is not null) return false;
        return GlobsCover(wide.Topics, narrow.Topics)
            && GlobsCover(wide.Tools, narrow.Tools)
            && GlobsCover(wide.Agents, narrow.Agents)
            && GlobsCover(wide.Programs, narrow.Programs)
            && GlobsCover(wide.Targets, narrow.Targets)
            && MaskCovers(wide.Operations, narrow.Operations)
            && MaskCovers(wide.Environments, narrow.Environments)
            && MaskCovers(wide.Tiers, narrow.Tiers)
            && TagsCover(wide.RiskTags, narrow.RiskTags)
            && (wide.MinBlastRadius is not { } min || (narrow.MinBlastRadius is { } n && n >= min));
    }

    private static bool MaskCovers(int wide, int narrow) => wide == 0 || (narrow != 0 && (narrow & ~wide) == 0);

    private static bool TagsCover(string[]? wide, string[]? narrow) =>
        wide is null || (narrow is not null && narrow.All(t => Array.IndexOf(wide, t) >= 0));

    /// <summary>Every narrow glob is one of the wide globs, or a literal that one of them matches.</summary>
    private static bool GlobsCover(Glob[]? wide, Glob[]? narrow) =>
        wide is null || (narrow is not null && narrow.All(n => wide.Any(w => w.Pattern == n.Pattern || (n.IsLiteral && !n.Pattern.Contains('\\', StringComparison.Ordinal) && w.IsMatch(n.Pattern)))));

    private static int Bit(OperationClass c) => FactsView.Bit((int)c);

    private static IEnumerable<string> ClassNames(int mask) =>
        Enumerable.Range(0, PolicyNames.OperationClasses.Length).Where(i => (mask & (1 << i)) != 0).Select(i => PolicyNames.OperationClasses[i]);

    private static IEnumerable<string> TierNames(int mask) =>
        Enum.GetValues<Tier>().OrderBy(t => t.Rank()).Where(t => (mask & FactsView.Bit((int)t)) != 0).Select(t => t.WireName());
}
