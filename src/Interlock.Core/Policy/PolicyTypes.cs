using System.Diagnostics.CodeAnalysis;
using Interlock.Actions;

namespace Interlock.Policy;

/// <summary>A problem found while loading a policy, with its position (1-based line and column).</summary>
public sealed record PolicyError(string File, int Line, int Column, string Message)
{
    public override string ToString() => $"{File}:{Line}:{Column}: {Message}";
}

/// <summary>The outcome of <see cref="PolicyLoader.Load"/>: a compiled policy, or every error found.</summary>
public sealed class PolicyLoadResult
{
    private PolicyLoadResult(CompiledPolicy? policy, IReadOnlyList<PolicyError> errors)
    {
        Policy = policy;
        Errors = errors;
    }

    public CompiledPolicy? Policy { get; }

    public IReadOnlyList<PolicyError> Errors { get; }

    [MemberNotNullWhen(true, nameof(Policy))]
    public bool Success => Policy is not null;

    internal static PolicyLoadResult Ok(CompiledPolicy policy) => new(policy, []);

    internal static PolicyLoadResult Failed(IReadOnlyList<PolicyError> errors) => new(null, errors);
}

/// <summary>One rule that matched an action: its id, decision, reason and constraints.</summary>
public sealed record RuleMatch(string RuleId, Outcome Decision, string Reason, Constraints? Constraints);

/// <summary>
/// What a policy decided: the strictest outcome of the matching rules (or the default when none matched),
/// every matching rule in file order, and the merged constraints when the outcome is <c>allow_with_constraints</c>.
/// </summary>
public sealed record PolicyVerdict(Outcome Outcome, IReadOnlyList<RuleMatch> Matched, bool DefaultApplied, Constraints? Constraints)
{
    /// <summary>Operations that no matching rule's programs/operations/targets covered; the default applied to them.</summary>
    public IReadOnlyList<string> Uncovered { get; init; } = [];
}

/// <summary>Why a rule did or did not match: the first field that failed, or the fields that matched.</summary>
public sealed record RuleExplanation(string RuleId, bool Matched, string Detail);

/// <summary>A compiled rule: its decision and a precompiled matcher.</summary>
public sealed class CompiledRule
{
    internal CompiledRule(string id, Outcome decision, string reason, Constraints? constraints, RuleMatcher matcher, int line, int column)
    {
        Id = id;
        Decision = decision;
        Reason = reason;
        Constraints = constraints;
        Matcher = matcher;
        Line = line;
        Column = column;
        Result = new RuleMatch(id, decision, reason, constraints);
    }

    public string Id { get; }

    public Outcome Decision { get; }

    public string Reason { get; }

    public Constraints? Constraints { get; }

    /// <summary>Where the rule starts in the policy file (1-based).</summary>
    public int Line { get; }

    public int Column { get; }

    /// <summary>Whether the rule has no conditions and so matches every action.</summary>
    public bool MatchesEverything => Matcher.IsEmpty;

    internal RuleMatcher Matcher { get; }

    /// <summary>The match record, built once so evaluation does not allocate one per hit.</summary>
    internal RuleMatch Result { get; }
}
