namespace Interlock.Risk;

/// <summary>Blast-radius levels, in increasing order.</summary>
public enum BlastLevel { Low, Medium, High, Critical }

/// <summary>How far an action's damage could reach: scope, reversibility, downstream coupling, and a level.</summary>
public sealed record BlastRadius(
    BlastLevel Level,
    string Scope,
    bool Reversible,
    bool SharedState,
    IReadOnlyList<string> Reasons);

/// <summary>The Score stage's output: the tier the action falls in and its blast radius.</summary>
public sealed record RiskAssessment(Tier Tier, BlastRadius BlastRadius, IReadOnlyList<string> Reasons);
