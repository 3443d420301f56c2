namespace Interlock.Risk;

/// <summary>How far an effect can be undone: by itself, from a backup or snapshot, or not at all.</summary>
public enum Reversibility { Reversible, Recoverable, Irreversible }

/// <summary>Blast-radius levels, in increasing order.</summary>
public enum BlastLevel { Low, Medium, High, Critical }

/// <summary>
/// How far an action's damage could reach, in three dimensions and a level (<see cref="BlastScorer"/>): scope (where,
/// and how many things when a preview counted them), reversibility, and downstream coupling from the resource map.
/// </summary>
public sealed record BlastRadius(
    BlastLevel Level,
    string Scope,
    bool Reversible,
    bool SharedState,
    IReadOnlyList<string> Reasons)
{
    public Reversibility Reversibility { get; init; } = Reversible ? Reversibility.Reversible : Reversibility.Irreversible;
    /// <summary>How many things the action touches, when a preview counted them.</summary>
    public long? ScopeCount { get; init; }
    /// <summary>What <see cref="ScopeCount"/> counts (<c>files</c>, <c>rows</c> …).</summary>
    public string? ScopeUnit { get; init; }
    /// <summary>The most sensitive environment the action touches (from the analysis and the resource map).</summary>
    public Interlock.Actions.EnvironmentKind Environment { get; init; }
    /// <summary>The mapped resources the action touches directly.</summary>
    public IReadOnlyList<string> Resources { get; init; } = [];
    /// <summary>The mapped resources a change reaches downstream (depends_on / read_by, transitively), nearest first.</summary>
    public IReadOnlyList<string> Coupling { get; init; } = [];
}

/// <summary>The Score stage's output: the tier the action falls in and its blast radius.</summary>
public sealed record RiskAssessment(Tier Tier, BlastRadius BlastRadius, IReadOnlyList<string> Reasons);
