using Interlock.Actions;
using Interlock.Risk;

namespace Interlock.Policy;

/// <summary>
/// A loaded, validated policy with every glob and vocabulary compiled. Immutable and thread-safe.
/// Every matching rule is reported in file order; the strictest outcome wins; with no match the default applies.
/// </summary>
public sealed class CompiledPolicy
{
    private readonly CompiledRule[] _rules;
    private readonly PolicyVerdict _defaultVerdict;
    private readonly Dictionary<string, int> _tagIds = new(StringComparer.Ordinal);

    /// <summary>Up to this many distinct policy tags, the per-evaluation tag flags live on the stack.</summary>
    private const int StackTagLimit = 1024;

    internal CompiledPolicy(string hash, string fileName, Outcome defaultOutcome, CompiledRule[] rules)
    {
        Hash = hash;
        FileName = fileName;
        Default = defaultOutcome;
        _rules = rules;
        Rules = Array.AsReadOnly(rules);
        _defaultVerdict = new PolicyVerdict(defaultOutcome, [], true, null);
        foreach (var rule in rules) rule.Matcher.IndexTags(_tagIds);
        _byId = rules.ToDictionary(r => r.Id, StringComparer.Ordinal);
        _screens = new RuleScreen[rules.Length];
        for (var i = 0; i < rules.Length; i++) _screens[i] = RuleScreen.Of(rules[i].Matcher);
        foreach (var rule in rules) IndexTargetGlobs(rule.Matcher);
        _targetNeeds = new ulong[]?[rules.Length];
        for (var i = 0; i < rules.Length; i++)
        {
            if (rules[i].Matcher.Targets is not { } globs) continue;
            var needs = globs.Select(g => g.LiteralBits).ToArray();
            // A glob that needs nothing can match any target: no filtering for that rule.
            if (needs.All(n => n != 0)) _targetNeeds[i] = needs;
        }
    }

    /// <summary>Distinct target globs (shared by several rules) get memo slots: each is matched at most once per action.</summary>
    private int _targetGlobCount;

    private void IndexTargetGlobs(RuleMatcher? m)
    {
        if (m is null) return;
        if (m.Targets is { } globs)
        {
            foreach (var g in globs)
            {
                if (g.MemoIndex < 0 && _targetGlobCount < MaxMemo) g.MemoIndex = _targetGlobCount++;
                g.NeedBits = g.LiteralBits;
            }
            _usesTrigrams = true;
        }
        IndexTargetGlobs(m.Not);
    }

    private const int MaxMemo = 4096;

    /// <summary>
    /// Each rule's cheap conditions as plain bits, scanned in one tight loop so most rules are rejected without
    /// touching their matcher. Exact: a rule that fails its screen cannot match.
    /// </summary>
    private readonly record struct RuleScreen(int Tiers, int Environments, int Operations, int MinBlast, ulong Targets, ulong Programs, bool NeedsTopic, bool NeedsTool)
    {
        public static RuleScreen Of(RuleMatcher m) => new(
            m.Tiers == 0 ? -1 : m.Tiers,
            m.Environments == 0 ? -1 : m.Environments,
            m.Operations == 0 ? -1 : m.Operations,
            m.MinBlastRadius is { } b ? (int)b : 0,
            m.Targets is null ? ulong.MaxValue : m.TargetSegmentBits,
            m.Programs is null ? ulong.MaxValue : m.ProgramSegmentBits,
            m.Topics is not null,
            m.Tools is not null);
    }

    private readonly RuleScreen[] _screens;

    /// <summary>Per rule, each target glob's <see cref="Glob.LiteralBits"/>; null when the rule has no target globs or one needs nothing.</summary>
    private readonly ulong[]?[] _targetNeeds;
    /// <summary>Whether any rule (or its <c>not:</c>) has target globs, so target trigrams are worth computing.</summary>
    private bool _usesTrigrams;
    private readonly Dictionary<string, CompiledRule> _byId;

    /// <summary>Lowercase hex SHA-256 of the policy text as UTF-8, with CRLF normalized to LF.</summary>
    public string Hash { get; }

    /// <summary>The file name the policy was loaded under (for messages).</summary>
    public string FileName { get; }

    /// <summary>The outcome when no rule matches.</summary>
    public Outcome Default { get; }

    public IReadOnlyList<CompiledRule> Rules { get; }

    /// <summary>Agent identities and their scopes (<c>agents:</c>).</summary>
    public IReadOnlyList<AgentScope> Agents { get; init; } = [];

    /// <summary>Deletion-protected resources (<c>protected:</c>).</summary>
    public IReadOnlyList<ProtectedResource> Protected { get; init; } = [];

    /// <summary>Files this one includes (<c>include:</c>), resolved by the caller.</summary>
    public IReadOnlyList<PolicyInclude> Includes { get; init; } = [];

    /// <summary>Directories of knowledge packs (<c>knowledge:</c>), relative to this file, as written.</summary>
    public IReadOnlyList<PolicyInclude> Knowledge { get; init; } = [];
    /// <summary>The resource map file this layer names (<c>resource_map:</c>), relative to the policy file.</summary>
    public PolicyInclude? ResourceMap { get; init; }

    /// <summary>Whether the file sets <c>default:</c> itself (an included layer without one adds no default).</summary>
    public bool HasDefault { get; init; } = true;

    /// <summary>Decides an action. Allocates only the list of matches (and merged constraints when several apply).</summary>
    // Fully optimized from the first call: dynamic PGO's re-instrumentation of this loop showed up as a 1 % tail of ~40 µs.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    public PolicyVerdict Evaluate(ActionFacts facts, RiskAssessment risk)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(risk);
        var count = _tagIds.Count;
        Span<bool> tagPresent = count <= StackTagLimit ? stackalloc bool[count] : new bool[count];
        if (count > 0) MarkTags(facts.Tags, tagPresent);
        Span<byte> memo = _targetGlobCount <= 1024 ? stackalloc byte[_targetGlobCount] : new byte[_targetGlobCount];
        Span<ulong> trigramBuffer = _usesTrigrams ? stackalloc ulong[FactsView.MaxTrigramSets] : default;
        var view = new FactsView(facts, risk, tagPresent, trigramBuffer) { TargetMemo = memo };
        List<RuleMatch>? matched = null;
        var allowsByOperation = false;
        var outcome = Outcome.Allow;
        var rules = _rules;
        var screens = _screens;
        int tierBit = FactsView.Bit((int)view.Tier), envBit = FactsView.Bit((int)view.Environment), ops = view.OperationMask, blast = (int)view.Blast;
        ulong targets = view.TargetSegments, programs = view.ProgramSegments;
        bool noTopic = facts.Request.Topic is null, noTool = facts.Request.Tool is null;
        var trigrams = view.TargetTrigramSets;
        var targetNeeds = _targetNeeds;
        for (var i = 0; i < rules.Length; i++)
        {
            var s = screens[i];
            // An operations condition needs at least one operation; an action without any fails it like the matcher would.
            if ((s.Tiers & tierBit) == 0 || (s.Environments & envBit) == 0 || (s.Operations != -1 && (s.Operations & ops) == 0)
                || blast < s.MinBlast || (s.Targets & targets) == 0 && s.Targets != ulong.MaxValue || (s.Programs & programs) == 0 && s.Programs != ulong.MaxValue
                || (s.NeedsTopic && noTopic) || (s.NeedsTool && noTool))
            {
                continue;
            }
            // Before touching the matcher: a rule none of whose target globs can find its literals in any target cannot match.
            if (targetNeeds[i] is { } needs && !AnyNeedMet(needs, trigrams)) continue;
            var rule = rules[i];
            if (!rule.Matcher.Matches(view)) continue;
            matched ??= new List<RuleMatch>(4);
            matched.Add(rule.Result);
            outcome = Outcomes.Stricter(outcome, rule.Decision);
            if (rule.Decision <= Outcome.AllowWithConstraints && rule.Matcher.HasOperationFields) allowsByOperation = true;
        }
        if (matched is null) return _defaultVerdict;

        if (allowsByOperation && outcome <= Outcome.AllowWithConstraints)
            return WithCoverage(facts, matched, outcome);
        var constraints = MergeConstraints(matched, outcome);
        return new PolicyVerdict(outcome, matched, false, constraints);
    }

    private static bool AnyNeedMet(ulong[] needs, ReadOnlySpan<ulong> targets)
    {
        foreach (var need in needs)
            if (FactsView.NeedMet(need, targets)) return true;
        return false;
    }

    /// <summary>
    /// An allowing rule that names programs, operations or targets allows the operations it names, not their
    /// neighbours: in <c>cat notes.txt &amp;&amp; git push origin main</c>, "allow programs: [cat]" says nothing about the push.
    /// An operation no matching rule covers gets the default, as an action no rule matches does.
    /// Kept out of <see cref="Evaluate"/> so the hot loop stays small.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private PolicyVerdict WithCoverage(ActionFacts facts, List<RuleMatch> matched, Outcome outcome)
    {
        List<string>? uncovered = null;
        var matchedRules = new List<CompiledRule>(matched.Count);
        foreach (var m in matched) matchedRules.Add(_byId[m.RuleId]);
        foreach (var op in facts.Operations)
        {
            var covered = false;
            foreach (var rule in matchedRules)
            {
                if (!rule.Matcher.HasOperationFields || rule.Matcher.Covers(op)) { covered = true; break; }
            }
            if (covered) continue;
            (uncovered ??= []).Add($"{op.Program}{(op.Verb is null ? "" : " " + op.Verb)} ({op.Class.WireName()})");
        }
        if (uncovered is not null) outcome = Outcomes.Stricter(outcome, Default);
        var constraints = MergeConstraints(matched, outcome);
        return new PolicyVerdict(outcome, matched, false, constraints) { Uncovered = uncovered ?? [] };
    }

    /// <summary>For every rule, whether it matched and why (the failing field, or the fields that matched).</summary>
    public IReadOnlyList<RuleExplanation> Explain(ActionFacts facts, RiskAssessment risk)
    {
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(risk);
        // No memo and no trigram prefilter: the explanation is the plain reading the fast path is tested against.
        var view = new FactsView(facts, risk, [], default);
        var result = new RuleExplanation[_rules.Length];
        for (var i = 0; i < _rules.Length; i++)
        {
            var matched = _rules[i].Matcher.Explain(view, out var detail);
            result[i] = new RuleExplanation(_rules[i].Id, matched, detail);
        }
        return result;
    }

    private void MarkTags(IReadOnlySet<string> tags, Span<bool> present)
    {
        if (tags.Count == 0) return;
        if (tags is HashSet<string> set)
        {
            // The struct enumerator: no allocation for the common concrete type.
            foreach (var tag in set)
                if (_tagIds.TryGetValue(tag, out var id)) present[id] = true;
            return;
        }
        foreach (var tag in tags)
            if (_tagIds.TryGetValue(tag, out var id)) present[id] = true;
    }

    /// <summary>Tightest value of each field over the matching allow_with_constraints rules.</summary>
    internal static Constraints? MergeConstraints(List<RuleMatch> matched, Outcome outcome)
    {
        if (outcome is not (Outcome.AllowWithConstraints or Outcome.RequireApproval)) return null;
        Constraints? single = null;
        var count = 0;
        int? maxConcurrent = null, maxRuntime = null, approvals = null, approvalTimeout = null;
        string? rate = null;
        foreach (var match in matched)
        {
            if (match.Decision != outcome || match.Constraints is not { } c) continue;
            single = c;
            count++;
            maxConcurrent = Min(maxConcurrent, c.MaxConcurrent);
            maxRuntime = Min(maxRuntime, c.MaxRuntimeSec);
            approvalTimeout = Min(approvalTimeout, c.ApprovalTimeoutSec);
            approvals = c.ApprovalsRequired is { } a && (approvals is null || a > approvals) ? a : approvals;
            if (c.RateLimit is { } r && (rate is null || RateLimit.IsTighter(r, rate))) rate = r;
        }
        if (count <= 1) return single;
        return new Constraints
        {
            MaxConcurrent = maxConcurrent,
            RateLimit = rate,
            MaxRuntimeSec = maxRuntime,
            ApprovalsRequired = approvals,
            ApprovalTimeoutSec = approvalTimeout,
        };
    }

    private static int? Min(int? current, int? candidate) =>
        candidate is { } c && (current is null || c < current) ? c : current;
}
