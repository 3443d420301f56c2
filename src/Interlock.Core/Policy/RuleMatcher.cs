using Interlock.Actions;
using Interlock.Risk;

namespace Interlock.Policy;

/// <summary>Wire names of the vocabularies a policy matches on.</summary>
internal static class PolicyNames
{
    public static readonly string[] OperationClasses = Actions.OperationClasses.Names;

    public static readonly string[] Environments = ["unknown", "local", "development", "staging", "production"];

    public static readonly string[] BlastLevels = ["low", "medium", "high", "critical"];

    public static string Of(OperationClass c) => c.WireName();

    public static string Of(EnvironmentKind e) => (uint)e < (uint)Environments.Length ? Environments[(int)e] : e.ToString();

    public static string Of(BlastLevel b) => (uint)b < (uint)BlastLevels.Length ? BlastLevels[(int)b] : b.ToString();

    public static int IndexOf(string[] names, string name) => Array.IndexOf(names, name);
}

/// <summary>The per-action values rules compare against, computed once per evaluation.</summary>
internal readonly ref struct FactsView
{
    /// <param name="facts">The action.</param>
    /// <param name="risk">Its assessment.</param>
    /// <param name="tagPresent">For each policy tag id, whether the action carries the tag (precomputed by the caller).</param>
    /// <param name="trigramBuffer">Room for <see cref="TargetTrigramSets"/>; empty when the policy has no target globs.</param>
    public FactsView(ActionFacts facts, RiskAssessment risk, ReadOnlySpan<bool> tagPresent, Span<ulong> trigramBuffer)
    {
        Facts = facts;
        TagPresent = tagPresent;
        Agent = facts.Request.Agent ?? "default";
        Tier = risk.Tier;
        Blast = risk.BlastRadius.Level;
        var environment = EnvironmentKind.Unknown;
        var mask = 0;
        ulong targets = 0, programs = 0;
        bool trigrams = trigramBuffer.Length > 0;
        var sets = 0;
        var ops = facts.Operations;
        for (var i = 0; i < ops.Count; i++)
        {
            var op = ops[i];
            mask |= Bit((int)op.Class);
            if (op.Environment > environment) environment = op.Environment;
            programs |= Glob.SegmentBit(op.Program);
            for (var t = 0; t < op.Targets.Count; t++)
            {
                targets |= Glob.SegmentBit(op.Targets[t]);
                if (trigrams) sets = AddTrigramSet(trigramBuffer, sets, Glob.TrigramBits(op.Targets[t]));
            }
        }
        TargetTrigramSets = trigramBuffer[..sets];
        TrigramsKnown = trigrams;
        OperationMask = mask;
        Environment = environment;
        TargetSegments = targets;
        ProgramSegments = programs;
    }

    /// <summary>Distinct per-target trigram sets kept apart; past this many, the rest share the last one (a union: still exact).</summary>
    public const int MaxTrigramSets = 16;

    private static int AddTrigramSet(Span<ulong> sets, int count, ulong bits)
    {
        if (sets[..count].Contains(bits)) return count;
        if (count < sets.Length) { sets[count] = bits; return count + 1; }
        sets[^1] |= bits;
        return count;
    }

    /// <summary>
    /// Each target's <see cref="Glob.TrigramBits"/>, kept per target: a glob matches one target, so the bits it needs
    /// must all be in one set. Empty when there are no targets or <see cref="TrigramsKnown"/> is false.
    /// </summary>
    public ReadOnlySpan<ulong> TargetTrigramSets { get; }

    /// <summary>Whether <see cref="TargetTrigramSets"/> was computed (the policy has target globs).</summary>
    public bool TrigramsKnown { get; }

    /// <summary>Whether some target has every bit of <paramref name="need"/>: when none does, a glob needing it matches no target.</summary>
    public static bool NeedMet(ulong need, ReadOnlySpan<ulong> sets)
    {
        foreach (var have in sets)
            if ((need & have) == need) return true;
        return false;
    }

    /// <summary>One bit per hashed first segment of every target (see <see cref="Glob.SegmentBit"/>): a cheap, exact prefilter for target globs.</summary>
    public ulong TargetSegments { get; }

    /// <summary>The same for operation programs.</summary>
    public ulong ProgramSegments { get; }

    /// <summary>Per distinct target glob: 0 not yet matched, 1 some target matches, 2 none does.</summary>
    public Span<byte> TargetMemo { get; init; }

    public ActionFacts Facts { get; }

    public ReadOnlySpan<bool> TagPresent { get; }

    public string Agent { get; }

    public Tier Tier { get; }

    public BlastLevel Blast { get; }

    public int OperationMask { get; }

    public EnvironmentKind Environment { get; }

    public static int Bit(int value) => (uint)value < 31u ? 1 << value : 0;
}

/// <summary>A compiled <c>match:</c> block. Fields are AND-ed, items within a field OR-ed; an unset field is no condition.</summary>
internal sealed class RuleMatcher
{
    public Glob[]? Topics { get; init; }
    public Glob[]? Tools { get; init; }
    public Glob[]? Agents { get; init; }
    public Glob[]? Programs
    {
        get => _programs;
        init { _programs = value; ProgramSegments = Glob.SegmentBits(value); }
    }

    public Glob[]? Targets
    {
        get => _targets;
        init { _targets = value; TargetSegments = Glob.SegmentBits(value); }
    }

    private readonly Glob[]? _programs;
    private readonly Glob[]? _targets;

    /// <summary>Bits of the first segments these globs can match; all ones when a glob can start anywhere.</summary>
    private ulong ProgramSegments { get; init; }

    private ulong TargetSegments { get; init; }

    public ulong ProgramSegmentBits => ProgramSegments;

    public ulong TargetSegmentBits => TargetSegments;
    /// <summary>Bit per <see cref="OperationClass"/>; 0 means no condition.</summary>
    public int Operations { get; init; }
    /// <summary>Bit per <see cref="EnvironmentKind"/>; 0 means no condition.</summary>
    public int Environments { get; init; }
    /// <summary>Bit per <see cref="Tier"/> value; 0 means no condition.</summary>
    public int Tiers { get; init; }
    public string[]? RiskTags { get; init; }
    /// <summary>Ids of <see cref="RiskTags"/> in the policy's tag index, so evaluation tests flags instead of hashing strings.</summary>
    public int[]? RiskTagIds { get; private set; }
    public BlastLevel? MinBlastRadius { get; init; }
    public RuleMatcher? Not { get; init; }

    /// <summary>Whether the rule names programs, operation classes or targets: conditions on individual operations.</summary>
    public bool HasOperationFields => Programs is not null || Operations != 0 || Targets is not null;

    /// <summary>Whether <paramref name="op"/> by itself satisfies this rule's programs, operations and targets conditions.</summary>
    public bool Covers(Operation op)
    {
        if (Operations != 0 && (Operations & FactsView.Bit((int)op.Class)) == 0) return false;
        if (Programs is not null && FirstMatch(Programs, op.Program) is null) return false;
        if (Targets is not null)
        {
            var any = false;
            foreach (var target in op.Targets)
            {
                if (FirstMatch(Targets, target) is not null) { any = true; break; }
            }
            if (!any) return false;
        }
        return true;
    }

    public bool IsEmpty =>
        Topics is null && Tools is null && Agents is null && Programs is null && Targets is null
        && Operations == 0 && Environments == 0 && Tiers == 0 && RiskTags is null && MinBlastRadius is null && Not is null;

    /// <summary>The same conditions without the nested <c>not</c> (for the linter).</summary>
    internal RuleMatcher WithoutNot() => new()
    {
        Topics = Topics, Tools = Tools, Agents = Agents, Programs = Programs, Targets = Targets,
        Operations = Operations, Environments = Environments, Tiers = Tiers, RiskTags = RiskTags, MinBlastRadius = MinBlastRadius,
    };

    /// <summary>Cheap bit tests first, then tags, then globs; the result is the same in any order.</summary>
    public bool Matches(in FactsView v)
    {
        if (Tiers != 0 && (Tiers & FactsView.Bit((int)v.Tier)) == 0) return false;
        if (Environments != 0 && (Environments & FactsView.Bit((int)v.Environment)) == 0) return false;
        if (MinBlastRadius is { } min && v.Blast < min) return false;
        if (Operations != 0 && (Operations & v.OperationMask) == 0) return false;
        if (RiskTagIds is not null && !AnyTag(RiskTagIds, v.TagPresent)) return false;
        if (Agents is not null && FirstMatch(Agents, v.Agent) is null) return false;
        if (Tools is not null && FirstMatch(Tools, v.Facts.Request.Tool) is null) return false;
        if (Topics is not null && FirstMatch(Topics, v.Facts.Request.Topic) is null) return false;
        if (Programs is not null && ((ProgramSegments & v.ProgramSegments) == 0 || FirstProgram(Programs, v.Facts.Operations) is null)) return false;
        if (Targets is not null && ((TargetSegments & v.TargetSegments) == 0 || !AnyTarget(Targets, v))) return false;
        if (Not is not null && Not.Matches(v)) return false;
        return true;
    }

    /// <summary>Gives every risk tag of this matcher (and its nested <c>not</c>) an id in <paramref name="ids"/>.</summary>
    public void IndexTags(Dictionary<string, int> ids)
    {
        if (RiskTags is not null)
        {
            var tagIds = new int[RiskTags.Length];
            for (var i = 0; i < RiskTags.Length; i++)
            {
                if (!ids.TryGetValue(RiskTags[i], out var id))
                {
                    id = ids.Count;
                    ids.Add(RiskTags[i], id);
                }
                tagIds[i] = id;
            }
            RiskTagIds = tagIds;
        }
        Not?.IndexTags(ids);
    }

    private static bool AnyTag(int[] ids, ReadOnlySpan<bool> present)
    {
        foreach (var id in ids)
            if (present[id]) return true;
        return false;
    }

    internal static Glob? FirstMatch(Glob[] globs, string? value)
    {
        if (value is null) return null;
        foreach (var glob in globs)
            if (glob.IsMatch(value)) return glob;
        return null;
    }

    private static string? FirstTag(string[] wanted, IReadOnlySet<string> tags)
    {
        if (tags.Count == 0) return null;
        foreach (var tag in wanted)
            if (tags.Contains(tag)) return tag;
        return null;
    }

    private static Glob? FirstProgram(Glob[] globs, IReadOnlyList<Operation> ops)
    {
        for (var i = 0; i < ops.Count; i++)
        {
            var hit = FirstMatch(globs, ops[i].Program);
            if (hit is not null) return hit;
        }
        return null;
    }

    private static bool AnyTarget(Glob[] globs, in FactsView v)
    {
        var memo = v.TargetMemo;
        foreach (var g in globs)
        {
            // Exact: no single target has the trigrams every match of this glob contains.
            if (v.TrigramsKnown && g.NeedBits != 0 && !FactsView.NeedMet(g.NeedBits, v.TargetTrigramSets)) continue;
            var slot = g.MemoIndex;
            if ((uint)slot < (uint)memo.Length)
            {
                if (memo[slot] == 0) memo[slot] = MatchesAnyTarget(g, v.Facts.Operations) ? (byte)1 : (byte)2;
                if (memo[slot] == 1) return true;
            }
            else if (MatchesAnyTarget(g, v.Facts.Operations))
            {
                return true;
            }
        }
        return false;
    }

    private static bool MatchesAnyTarget(Glob glob, IReadOnlyList<Operation> ops)
    {
        for (var i = 0; i < ops.Count; i++)
        {
            var targets = ops[i].Targets;
            for (var t = 0; t < targets.Count; t++)
                if (glob.IsMatch(targets[t])) return true;
        }
        return false;
    }

    private static Glob? FirstTarget(Glob[] globs, IReadOnlyList<Operation> ops)
    {
        for (var i = 0; i < ops.Count; i++)
        {
            var targets = ops[i].Targets;
            for (var t = 0; t < targets.Count; t++)
            {
                var hit = FirstMatch(globs, targets[t]);
                if (hit is not null) return hit;
            }
        }
        return null;
    }

    /// <summary>
    /// Explains the match in the canonical field order: the first field that failed, or every field that matched.
    /// Allocates freely; it serves <c>interlock check --explain</c>, not the hot path.
    /// </summary>
    public bool Explain(in FactsView v, out string detail)
    {
        if (IsEmpty)
        {
            detail = "no conditions: matches every action";
            return true;
        }
        var passed = new List<string>();
        var request = v.Facts.Request;
        var ops = v.Facts.Operations;

        if (Topics is not null && !GlobField("topics", Topics, request.Topic, "request has no topic", passed, out detail)) return false;
        if (Tools is not null && !GlobField("tools", Tools, request.Tool, "request has no tool", passed, out detail)) return false;
        if (Agents is not null && !GlobField("agents", Agents, v.Agent, "", passed, out detail)) return false;
        if (Programs is not null)
        {
            var hit = FirstProgram(Programs, ops);
            if (hit is null)
            {
                detail = ops.Count == 0
                    ? $"programs: {List(Programs)} but the action has no operations"
                    : $"programs: {List(Programs)} match none of {List(ops.Select(o => o.Program))}";
                return false;
            }
            passed.Add($"programs: matched '{hit.Pattern}'");
        }
        if (Operations != 0)
        {
            var common = Operations & v.OperationMask;
            if (common == 0)
            {
                detail = $"operations: {List(ClassNames(Operations))} ∌ {Actual(ClassNames(v.OperationMask))}";
                return false;
            }
            passed.Add($"operations: matched {string.Join(", ", ClassNames(common))}");
        }
        if (Targets is not null)
        {
            var hit = FirstTarget(Targets, ops);
            if (hit is null)
            {
                var targets = ops.SelectMany(o => o.Targets).ToList();
                detail = targets.Count == 0
                    ? $"targets: {List(Targets)} but the action has no targets"
                    : $"targets: {List(Targets)} match none of {List(targets)}";
                return false;
            }
            passed.Add($"targets: matched '{hit.Pattern}'");
        }
        if (Environments != 0)
        {
            var env = PolicyNames.Of(v.Environment);
            if ((Environments & FactsView.Bit((int)v.Environment)) == 0)
            {
                detail = $"environments: {List(EnvironmentNames(Environments))} ∌ {env}";
                return false;
            }
            passed.Add($"environments: matched {env}");
        }
        if (Tiers != 0)
        {
            var tier = v.Tier.WireName();
            if ((Tiers & FactsView.Bit((int)v.Tier)) == 0)
            {
                detail = $"tiers: {List(TierNames(Tiers))} ∌ {tier}";
                return false;
            }
            passed.Add($"tiers: matched {tier}");
        }
        if (RiskTags is not null)
        {
            var hit = FirstTag(RiskTags, v.Facts.Tags);
            if (hit is null)
            {
                detail = $"risk_tags: {List(RiskTags)} ∌ {Actual(v.Facts.Tags.Order(StringComparer.Ordinal))}";
                return false;
            }
            passed.Add($"risk_tags: matched '{hit}'");
        }
        if (MinBlastRadius is { } min)
        {
            if (v.Blast < min)
            {
                detail = $"min_blast_radius: {PolicyNames.Of(v.Blast)} < {PolicyNames.Of(min)}";
                return false;
            }
            passed.Add($"min_blast_radius: {PolicyNames.Of(v.Blast)} ≥ {PolicyNames.Of(min)}");
        }
        if (Not is not null)
        {
            if (Not.Explain(v, out var inner))
            {
                detail = $"not: the nested match matched ({inner})";
                return false;
            }
            passed.Add($"not: the nested match did not match ({inner})");
        }
        detail = string.Join("; ", passed);
        return true;
    }

    private static bool GlobField(string field, Glob[] globs, string? value, string missing, List<string> passed, out string detail)
    {
        if (value is null)
        {
            detail = $"{field}: {missing}";
            return false;
        }
        var hit = FirstMatch(globs, value);
        if (hit is null)
        {
            detail = $"{field}: '{value}' matches none of {List(globs)}";
            return false;
        }
        passed.Add($"{field}: matched '{hit.Pattern}'");
        detail = "";
        return true;
    }

    private static string List<T>(IEnumerable<T> items) => "[" + string.Join(", ", items) + "]";

    private static string Actual(IEnumerable<string> items)
    {
        var text = string.Join(", ", items);
        return text.Length == 0 ? "(none)" : text;
    }

    private static IEnumerable<string> ClassNames(int mask) =>
        Enumerable.Range(0, PolicyNames.OperationClasses.Length).Where(i => (mask & (1 << i)) != 0).Select(i => PolicyNames.OperationClasses[i]);

    private static IEnumerable<string> EnvironmentNames(int mask) =>
        Enumerable.Range(0, PolicyNames.Environments.Length).Where(i => (mask & (1 << i)) != 0).Select(i => PolicyNames.Environments[i]);

    private static IEnumerable<string> TierNames(int mask) =>
        Enum.GetValues<Tier>().OrderBy(t => t.Rank()).Where(t => (mask & FactsView.Bit((int)t)) != 0).Select(t => t.WireName());
}
