using Interlock.Policy;
using Interlock.Risk;
using Interlock.Throttling;

namespace Interlock.Actions;

/// <summary>
/// Everything one evaluation produced: the facts, the risk assessment, the policy verdict and the final decision.
/// <see cref="Lease"/> holds a constraint slot (concurrency) until the caller disposes it when the action ends.
/// </summary>
public sealed record Evaluation(ActionFacts Facts, RiskAssessment Risk, PolicyVerdict Verdict, Decision Decision)
{
    public IDisposable? Lease { get; init; }
    /// <summary>What the action would change, from the pipeline's previewers (Score's dry run); empty when none ran.</summary>
    public IReadOnlyList<Previews.Preview> Previews { get; init; } = [];
}

/// <summary>
/// Runs Analyze → Score → Decide for one action. Above any rule of any policy: protected resources cannot be
/// destroyed, the gate cannot be weakened by the agent it checks (<see cref="SelfProtection"/>), the never tier is denied to agents, agents act only within their scopes, and an action the analyzer
/// did not fully understand is never allowed. Constraints are enforced when a limiter is given. Any fault is a denial.
/// </summary>
public sealed class ActionEvaluator
{
    public const string ProtectedRule = "builtin:protected";
    public const string NeverTierRule = "builtin:never-tier";
    public const string AgentScopeRule = "builtin:agent-scope";
    public const string NotUnderstoodRule = "builtin:not-understood";
    public const string ThrottleRule = "builtin:throttled";
    public const string SelfProtectionRule = SelfProtection.Rule;
    public const string CallerRiskRule = "builtin:caller-risk";
    public const string CriticalBlastRule = "builtin:critical-blast";

    private readonly ActionAnalyzer _analyzer;
    private readonly IThrottleStore? _limiter;
    private readonly SelfProtection _self;
    private readonly string[] _policyFiles;

    // time: the host's clock for the analysis time budget (ignored when an analyzer is given).
    public ActionEvaluator(PolicyStack policy, ActionAnalyzer? analyzer = null, IThrottleStore? limiter = null, SelfProtection? selfProtection = null, TimeProvider? time = null)
    {
        Policy = policy;
        _analyzer = analyzer ?? new ActionAnalyzer(new Shell.ShellCommandAnalyzer(policy.Knowledge, time: time));
        _limiter = limiter;
        _self = selfProtection ?? SelfProtection.Default;
        // The policy's files and the knowledge directories it names: both decide what the agent may do.
        _policyFiles = [.. policy.Layers.Select(l => l.FileName).Where(f => f.StartsWith('/')).Concat(PolicyStackLoader.KnowledgeDirectories(policy)).Concat(PolicyStackLoader.ResourceMapFile(policy) is { } map ? [map] : []).Select(Shell.PathResolver.Normalize)];
    }

    public PolicyStack Policy { get; }

    public Evaluation Evaluate(ActionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ActionFacts facts;
        try
        {
            facts = _analyzer.Analyze(request);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            facts = new ActionFacts { Request = request, Gaps = [new AnalysisGap("internal-error", $"analysis failed: {ex.GetType().Name}")] };
        }
        var risk = TierClassifier.Assess(facts, Policy.Map);
        if (facts.Request.Command is null && facts.Operations.Count == 0 && facts.Gaps.Count == 0)
        {
            // Whatever its source says, an action known only by its topic and tags is a job: it needs a rule that names
            // it, or a human (a topic-only action labelled `http` once skipped this and was allowed as read-only).
            risk = risk with { Tier = Tier.WriteWithConfirmation, Reasons = [.. risk.Reasons, "a job is only known by its topic and tags"] };
        }
        var verdict = Policy.Evaluate(facts, risk);
        var decision = Decide(facts, risk, verdict);
        IDisposable? lease = null;
        if (decision.Outcome == Outcome.AllowWithConstraints && _limiter is not null && decision.Constraints is { } constraints
            && (constraints.RateLimit is not null || constraints.MaxConcurrent is not null))
        {
            var key = $"{facts.Request.Agent ?? "default"}|{string.Join(',', decision.Rules)}";
            var slot = _limiter.TryAcquire(key, constraints);
            if (slot.Granted) lease = slot.Lease;
            else decision = decision with { Outcome = Outcome.Deny, Rules = [.. decision.Rules, ThrottleRule], Reasons = [$"throttled: {slot.Reason}", .. decision.Reasons] };
        }
        return new Evaluation(facts, risk, verdict, decision) { Lease = lease };
    }

    private Decision Decide(ActionFacts facts, RiskAssessment risk, PolicyVerdict verdict)
    {
        var outcome = verdict.Outcome;
        var rules = new List<string>(verdict.Matched.Count + 2);
        var reasons = new List<string>();
        foreach (var m in verdict.Matched)
        {
            rules.Add(m.RuleId);
            if (m.Decision == outcome) reasons.Add($"{m.Reason} (rule {m.RuleId})");
        }
        if (verdict.DefaultApplied) reasons.Add($"no rule matched; the policy default is {outcome.WireName()}");
        foreach (var op in verdict.Uncovered) reasons.Add($"no allowing rule covers {op}; the policy default applies to it");

        // Built-in rules, strongest first; each replaces the policy's reasons with its own.
        if (ProtectedViolations(facts) is { Count: > 0 } hits)
            return Deny(ProtectedRule, hits);
        if (risk.Tier == Tier.Never)
            return Deny(NeverTierRule, [.. risk.Reasons.Where(r => r.StartsWith("never:", StringComparison.Ordinal))]);
        if (_self.Violations(facts, _policyFiles) is { Count: > 0 } tamper)
            return Deny(SelfProtectionRule, tamper);
        if (ScopeViolations(facts, risk) is { Count: > 0 } outOfScope)
            return Deny(AgentScopeRule, outOfScope);

        if (outcome < Outcome.RequireApproval && facts.Request.RiskTags.Contains("destructive", StringComparer.Ordinal))
        {
            // The caller's word can only add risk: an action its caller (or an MCP server's destructiveHint) calls
            // destructive is not the policy's to allow without a human.
            outcome = Outcome.RequireApproval;
            rules.Add(CallerRiskRule);
            reasons.Clear();
            reasons.Add("the caller marks this action destructive (risk tag 'destructive', e.g. an MCP tool's destructiveHint), so it needs a reviewer's approval");
        }
        if (risk.BlastRadius.Level == BlastLevel.Critical && outcome < Outcome.RequireApproval)
        {
            // Critical reach needs a human whatever the tier: one config file read by seven services is not a workspace edit.
            outcome = Outcome.RequireApproval;
            rules.Add(CriticalBlastRule);
            reasons.Clear();
            reasons.Add($"the blast radius is critical ({string.Join("; ", risk.BlastRadius.Reasons)}), so it needs a reviewer's approval whatever its tier");
        }
        if (facts.Gaps.Count > 0 && outcome < Outcome.RequireApproval)
        {
            outcome = Outcome.RequireApproval;
            rules.Add(NotUnderstoodRule);
            reasons.Clear();
        }
        foreach (var gap in facts.Gaps) reasons.Add("not understood: " + gap.Detail);
        if (outcome != Outcome.Deny && risk.Tier != Tier.ReadOnly)
        {
            // A list lookup: reasons come one per operation, and the operation budget (512) bounds them, so a set would
            // only cost an allocation on every decision.
            foreach (var r in risk.Reasons) if (!reasons.Contains(r) && !r.StartsWith("not understood", StringComparison.Ordinal)) reasons.Add(r);
        }
        // The policy's constraints go with the outcome they were written for (a built-in escalation drops them).
        var constraints = outcome == verdict.Outcome && outcome is Outcome.AllowWithConstraints or Outcome.RequireApproval ? verdict.Constraints : null;
        return new Decision(outcome, risk.Tier, reasons, rules, constraints, Policy.Hash);

        Decision Deny(string builtin, List<string> why)
        {
            if (outcome == Outcome.Deny) why.InsertRange(0, reasons);
            rules.Add(builtin);
            return new Decision(Outcome.Deny, risk.Tier, why, rules, null, Policy.Hash);
        }
    }

    /// <summary>Destructive operations on protected resources: no rule, approval or scope can allow them.</summary>
    private List<string>? ProtectedViolations(ActionFacts facts)
    {
        if (Policy.Protected.Count == 0 && Policy.Map.IsEmpty) return null;
        List<string>? hits = null;
        foreach (var op in facts.Operations)
        {
            bool destructive = op.Class is OperationClass.Delete or OperationClass.Destroy or OperationClass.HistoryRewrite
                || (op.Class is OperationClass.Update or OperationClass.Egress && !op.Reversible);
            if (!destructive) continue;
            foreach (var target in op.Targets)
            {
                bool hit = false;
                foreach (var p in Policy.Protected)
                {
                    if (!p.Glob.IsMatch(target)) continue;
                    (hits ??= []).Add($"protected: {target} matches '{p.Pattern}' ({p.File}:{p.Line}); {op.Program}{(op.Verb is null ? "" : " " + op.Verb)} {op.Reason}. Only a change to the policy can allow this");
                    hit = true;
                    break;
                }
                if (hit) continue;
                foreach (var r in Policy.Map.Matching(target))
                {
                    if (!r.Protected) continue;
                    (hits ??= []).Add($"protected: {target} is resource '{r.Id}', protected in the resource map ({r.File}:{r.Line}); {op.Program}{(op.Verb is null ? "" : " " + op.Verb)} {op.Reason}. Only a change to the map can allow this");
                    break;
                }
            }
        }
        return hits;
    }

    /// <summary>What the acting agent's scopes (in every layer that defines agents) do not cover.</summary>
    private List<string>? ScopeViolations(ActionFacts facts, RiskAssessment risk)
    {
        if (!Policy.HasAgents) return null;
        var agent = facts.Request.Agent ?? "default";
        List<string>? missing = null;
        void Missing(string why) => (missing ??= []).Add(why);
        foreach (var (layer, scope) in Policy.ScopesFor(agent))
        {
            if (scope is null)
            {
                Missing($"agent '{agent}' has no scope in {layer.FileName} (and there is no 'default' agent)");
                continue;
            }
            var name = scope.Id == agent ? $"agent '{agent}'" : $"agent '{agent}' (scope '{scope.Id}')";
            if (scope.Ceiling is { } ceiling && risk.Tier.Rank() > ceiling.Rank())
                Missing($"{name} may act up to tier {ceiling.WireName()}; this action is {risk.Tier.WireName()}");
            var tool = facts.Request.Tool ?? (facts.Request.Command is not null ? "shell" : null);
            if (scope.Tools is { } tools && tool is not null && !tools.Any(g => g.IsMatch(tool)))
                Missing($"{name} lacks scope tools: '{tool}'");
            foreach (var op in facts.Operations)
            {
                if (scope.Actions != 0 && (scope.Actions & (1 << (int)op.Class)) == 0)
                    Missing($"{name} lacks scope actions: {op.Class.WireName()} ({op.Program}{(op.Verb is null ? "" : " " + op.Verb)})");
                if (scope.Resources is { } resources && op.Class != OperationClass.Read)
                {
                    foreach (var target in op.Targets)
                        if (!resources.Any(g => g.IsMatch(target))) Missing($"{name} lacks scope resources: {target} ({op.Program} {op.Class.WireName()})");
                }
            }
        }
        return missing?.Distinct(StringComparer.Ordinal).ToList();
    }
}
