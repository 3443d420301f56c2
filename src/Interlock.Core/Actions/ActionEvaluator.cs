using Interlock.Policy;
using Interlock.Risk;

namespace Interlock.Actions;

/// <summary>Everything one evaluation produced: the facts, the risk assessment, the policy verdict and the final decision.</summary>
public sealed record Evaluation(ActionFacts Facts, RiskAssessment Risk, PolicyVerdict Verdict, Decision Decision);

/// <summary>
/// Runs Analyze → Score → Decide for one action. Two rules sit above any policy: the never tier is denied to agents,
/// and an action the analyzer did not fully understand is never allowed. Any fault is a denial.
/// </summary>
public sealed class ActionEvaluator
{
    /// <summary>Rule id reported when the never tier denies an action.</summary>
    public const string NeverTierRule = "builtin:never-tier";

    /// <summary>Rule id reported when analysis gaps raise an allow to an approval.</summary>
    public const string NotUnderstoodRule = "builtin:not-understood";

    private readonly ActionAnalyzer _analyzer;

    public ActionEvaluator(CompiledPolicy policy, ActionAnalyzer? analyzer = null)
    {
        Policy = policy;
        _analyzer = analyzer ?? new ActionAnalyzer();
    }

    public CompiledPolicy Policy { get; }

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
        var risk = TierClassifier.Assess(facts);
        if (facts.Request.Source == ActionSource.Job && facts.Request.Command is null && facts.Operations.Count == 0 && facts.Gaps.Count == 0)
        {
            // A job's effect is known only from its topic and tags: it needs a rule that names it, or a human.
            risk = risk with { Tier = Tier.WriteWithConfirmation, Reasons = [.. risk.Reasons, "a job is only known by its topic and tags"] };
        }
        var verdict = Policy.Evaluate(facts, risk);
        return new Evaluation(facts, risk, verdict, Decide(facts, risk, verdict));
    }

    private Decision Decide(ActionFacts facts, RiskAssessment risk, PolicyVerdict verdict)
    {
        var outcome = verdict.Outcome;
        var rules = new List<string>(verdict.Matched.Count + 1);
        var reasons = new List<string>();
        foreach (var m in verdict.Matched)
        {
            rules.Add(m.RuleId);
            if (m.Decision == outcome) reasons.Add($"{m.Reason} (rule {m.RuleId})");
        }
        if (verdict.DefaultApplied) reasons.Add($"no rule matched; the policy default is {outcome.WireName()}");

        if (risk.Tier == Tier.Never && outcome != Outcome.Deny)
        {
            outcome = Outcome.Deny;
            rules.Add(NeverTierRule);
            reasons.Clear();
        }
        if (risk.Tier == Tier.Never)
        {
            foreach (var r in risk.Reasons) if (r.StartsWith("never:", StringComparison.Ordinal)) reasons.Add(r);
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
            foreach (var r in risk.Reasons) if (!reasons.Contains(r) && !r.StartsWith("not understood", StringComparison.Ordinal)) reasons.Add(r);
        }
        var constraints = outcome == Outcome.AllowWithConstraints ? verdict.Constraints : null;
        return new Decision(outcome, risk.Tier, reasons, rules, constraints, Policy.Hash);
    }
}
