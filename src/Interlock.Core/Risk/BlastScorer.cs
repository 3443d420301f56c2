using Interlock.Actions;
using Interlock.Previews;

namespace Interlock.Risk;

/// <summary>
/// The blast-radius formula (docs/blast-radius.md). Each dimension has a level of its own:
/// <list type="bullet">
/// <item>scope: nothing or the workspace low, the machine medium, shared state or production high; a preview that
/// counted more than <see cref="LargeScope"/> things raises it one step;</item>
/// <item>reversibility: reversible low, recoverable from a backup medium, irreversible high;</item>
/// <item>coupling: no mapped dependents low, 1–2 medium, 3–5 high, 6 or more critical; a protected or production
/// resource downstream makes it at least high.</item>
/// </list>
/// The level is the highest dimension, at least the tier's floor (never: high, write-with-confirmation: medium), and
/// critical when two dimensions are high or above. An incomplete preview scores the action as irreversible.
/// </summary>
public static class BlastScorer
{
    /// <summary>More things than this counted by a preview raise the scope one step.</summary>
    public const long LargeScope = 1000;

    /// <summary>The scope names, narrowest first.</summary>
    public static readonly string[] Scopes = ["none", "workspace", "machine", "shared", "production"];

    /// <summary>The blast radius of facts already scored by tier: scope, reversibility and coupling from the map.</summary>
    public static BlastRadius Score(Tier tier, string scope, Reversibility reversibility, bool shared, EnvironmentKind environment,
        IReadOnlyList<string> resources, IReadOnlyList<MappedResource> downstream, long? count = null, string? unit = null, IReadOnlyList<string>? extraReasons = null)
    {
        var scopeLevel = scope switch
        {
            "none" or "workspace" => BlastLevel.Low,
            "machine" => BlastLevel.Medium,
            _ => BlastLevel.High,
        };
        if (count > LargeScope && scopeLevel < BlastLevel.High) scopeLevel++;
        var reversibilityLevel = reversibility switch
        {
            Reversibility.Reversible => BlastLevel.Low,
            Reversibility.Recoverable => BlastLevel.Medium,
            _ => BlastLevel.High,
        };
        var couplingLevel = downstream.Count switch
        {
            0 => BlastLevel.Low,
            <= 2 => BlastLevel.Medium,
            <= 5 => BlastLevel.High,
            _ => BlastLevel.Critical,
        };
        if (couplingLevel < BlastLevel.High && downstream.Count > 0 && downstream.Any(r => r.Protected || r.Environment == EnvironmentKind.Production)) couplingLevel = BlastLevel.High;

        var floor = tier switch { Tier.Never => BlastLevel.High, Tier.WriteWithConfirmation => BlastLevel.Medium, _ => BlastLevel.Low };
        var level = Max(Max(floor, scopeLevel), Max(reversibilityLevel, couplingLevel));
        int high = (scopeLevel >= BlastLevel.High ? 1 : 0) + (reversibilityLevel >= BlastLevel.High ? 1 : 0) + (couplingLevel >= BlastLevel.High ? 1 : 0);
        if (high >= 2) level = BlastLevel.Critical;

        var reasons = new List<string>
        {
            count is { } n ? $"scope: {scope}, {n} {unit ?? "items"} counted" : $"scope: {scope}",
            Wire(reversibility),
        };
        if (shared) reasons.Add("touches shared state others depend on");
        if (environment != EnvironmentKind.Unknown) reasons.Add($"environment: {environment.ToString().ToLowerInvariant()}");
        if (downstream.Count > 0) reasons.Add($"coupling: {downstream.Count} downstream ({string.Join(", ", downstream.Take(8).Select(r => r.Id))}{(downstream.Count > 8 ? ", …" : "")})");
        if (extraReasons is not null) reasons.AddRange(extraReasons);
        return new BlastRadius(level, scope, reversibility == Reversibility.Reversible, shared, reasons)
        {
            Reversibility = reversibility, ScopeCount = count, ScopeUnit = unit, Environment = environment,
            // Most decisions touch no mapped resource: no list for them (this runs on every decision).
            Resources = resources, Coupling = downstream.Count == 0 ? [] : [.. downstream.Select(r => r.Id)],
        };
    }

    /// <summary>
    /// <paramref name="risk"/> rescored with what previews found: the counted scope (the largest count), the worst
    /// reversibility any preview learned, and the worse case for an incomplete preview.
    /// </summary>
    public static RiskAssessment WithPreviews(RiskAssessment risk, IReadOnlyList<Preview> previews, ResourceMap map)
    {
        ArgumentNullException.ThrowIfNull(risk);
        if (previews.Count == 0) return risk;
        var b = risk.BlastRadius;
        var reversibility = b.Reversibility;
        long? count = b.ScopeCount;
        string? unit = b.ScopeUnit;
        var extra = new List<string>();
        foreach (var p in previews)
        {
            if (p.Reversibility is { } r && r > reversibility) reversibility = r;
            if (p.Count is { } c && (count is null || c > count)) (count, unit) = (c, p.Unit);
            if (p.Status == PreviewStatus.Incomplete)
            {
                reversibility = Reversibility.Irreversible;
                extra.Add($"the {p.Previewer} preview is incomplete ({p.Limit}): scored as the worse case");
            }
        }
        var downstream = b.Coupling.Select(map.Find).OfType<MappedResource>().ToList();
        var rescored = Score(risk.Tier, b.Scope, reversibility, b.SharedState, b.Environment, b.Resources, downstream, count, unit, extra);
        // A preview only ever adds to what the command alone showed.
        if (rescored.Level < b.Level) rescored = rescored with { Level = b.Level };
        return risk with { BlastRadius = rescored };
    }

    /// <summary>
    /// The blast radius of a chain of actions scored as one unit: the widest scope, the summed counts, the worst
    /// reversibility, shared if any step is, and the union of resources and coupling; at least every step's level.
    /// </summary>
    public static BlastRadius Combine(IReadOnlyList<BlastRadius> steps, Tier tier, ResourceMap map)
    {
        ArgumentNullException.ThrowIfNull(steps);
        if (steps.Count == 0) return Score(tier, "none", Reversibility.Reversible, false, EnvironmentKind.Unknown, [], []);
        var environment = steps.Max(s => s.Environment);
        var scope = steps.Select(s => s.Scope).MaxBy(s => Array.IndexOf(Scopes, s)) ?? "none";
        var counted = steps.Where(s => s.ScopeCount is not null).ToList();
        long? count = counted.Count == 0 ? null : counted.Sum(s => s.ScopeCount!.Value);
        var units = counted.Select(s => s.ScopeUnit).Distinct().ToList();
        var reversibility = steps.Max(s => s.Reversibility);
        var resources = steps.SelectMany(s => s.Resources).Distinct(StringComparer.Ordinal).ToList();
        var downstream = steps.SelectMany(s => s.Coupling).Distinct(StringComparer.Ordinal).Where(id => !resources.Contains(id)).Select(map.Find).OfType<MappedResource>().ToList();
        var combined = Score(tier, scope, reversibility, steps.Any(s => s.SharedState), environment, resources, downstream, count,
            units.Count == 1 ? units[0] : "items", [$"{steps.Count} steps scored as one unit"]);
        var worst = steps.Max(s => s.Level);
        return worst > combined.Level ? combined with { Level = worst } : combined;
    }

    /// <summary>The reversibility a wire name stands for; an unknown name reads as the worst, so a reader never shows less than was recorded.</summary>
    public static Reversibility ParseReversibility(string text) => text switch
    {
        "reversible" => Reversibility.Reversible,
        "recoverable" => Reversibility.Recoverable,
        _ => Reversibility.Irreversible,
    };

    public static string Wire(Reversibility r) => r switch
    {
        Reversibility.Reversible => "reversible",
        Reversibility.Recoverable => "recoverable",
        _ => "irreversible",
    };

    private static BlastLevel Max(BlastLevel a, BlastLevel b) => a > b ? a : b;
}
