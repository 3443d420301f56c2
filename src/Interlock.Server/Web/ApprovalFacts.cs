using System.Text.Json;
using Interlock.Actions;
using Interlock.Pipeline;
using Interlock.Previews;
using Interlock.Risk;

namespace Interlock.Server.Web;

/// <summary>What a reviewer reads about one step, taken from its decision audit payload (<see cref="Interlock.Approvals.ApprovalRequest.Details"/>).</summary>
public sealed record StepFacts
{
    public string? Source { get; init; }
    public string? Command { get; init; }
    public string? Cwd { get; init; }
    public string? Tool { get; init; }
    public string? Path { get; init; }
    public string? Topic { get; init; }
    public IReadOnlyList<string> RiskTags { get; init; } = [];
    public string? Arguments { get; init; }
    public string? Outcome { get; init; }
    public string? Tier { get; init; }
    public IReadOnlyList<string> Rules { get; init; } = [];
    public IReadOnlyList<string> Reasons { get; init; } = [];
    public IReadOnlyList<(string Name, string Value)> Constraints { get; init; } = [];
    public string? PolicyHash { get; init; }
    public string? BlastLevel { get; init; }
    public string? BlastScope { get; init; }
    public bool? SharedState { get; init; }
    /// <summary><c>reversible</c>, <c>recoverable</c> or <c>irreversible</c> (records from before the three-way split read from their flag).</summary>
    public string? Reversibility { get; init; }
    public long? ScopeCount { get; init; }
    public string? ScopeUnit { get; init; }
    public IReadOnlyList<string> Resources { get; init; } = [];
    public IReadOnlyList<string> Coupling { get; init; } = [];
    /// <summary>The environment the scorer detected (its <c>environment: …</c> reason), when it detected one.</summary>
    public string? Environment { get; init; }
    public IReadOnlyList<string> BlastReasons { get; init; } = [];
    /// <summary>What the previewers found (the document's <c>previews</c>).</summary>
    public IReadOnlyList<Preview> Previews { get; init; } = [];
    /// <summary>The free-text preview of records written before structured previews.</summary>
    public string? LegacyPreview { get; init; }

    /// <summary>Whether approving needs a typed word: the action cannot be undone or its blast radius is critical.</summary>
    public bool NeedsTypedConfirmation => BlastLevel == "critical" || Reversibility == "irreversible";

    private static readonly string[] Levels = ["low", "medium", "high", "critical"];
    // Records written before blast_radius carried "environment" name it only as a reason.
    private const string EnvironmentReason = "environment: ";

    /// <summary>The facts of one payload; a payload that does not parse yields empty facts rather than an error page.</summary>
    public static StepFacts Parse(string? payload)
    {
        if (string.IsNullOrEmpty(payload)) return new StepFacts();
        try
        {
            using var doc = JsonDocument.Parse(payload);
            var root = doc.RootElement;
            var action = Obj(root, "action");
            // The decision is the one document (a legacy record's nested decision reads the same).
            var document = DecisionDocumentJson.Read(root);
            var decision = document?.Decision;
            var blast = document?.BlastRadius;
            var constraints = new List<(string, string)>();
            if (decision?.Constraints is { } c)
                foreach (var (name, value) in c.Entries()) constraints.Add((name.Replace('_', ' '), value));
            return new StepFacts
            {
                Source = Str(action, "source"),
                Command = Str(action, "command"),
                Cwd = Str(action, "cwd"),
                Tool = Str(action, "tool"),
                Path = Str(action, "path"),
                Topic = Str(action, "topic"),
                RiskTags = Strs(action, "risk_tags"),
                Arguments = action is { } a && a.TryGetProperty("arguments", out var args) ? JsonSerializer.Serialize(args, Indented) : null,
                Outcome = decision?.Outcome.WireName(),
                Tier = decision?.Tier.WireName(),
                Rules = decision?.Rules ?? [],
                Reasons = decision?.Reasons ?? [],
                Constraints = constraints,
                PolicyHash = decision?.PolicyHash,
                BlastLevel = blast is null ? null : DecisionDocumentJson.LevelName(blast.Level),
                BlastScope = blast?.Scope,
                SharedState = blast?.SharedState,
                Reversibility = blast is null ? null : BlastScorer.Wire(blast.Reversibility),
                ScopeCount = blast?.ScopeCount,
                ScopeUnit = blast?.ScopeUnit,
                Resources = blast?.Resources ?? [],
                Coupling = blast?.Coupling ?? [],
                Environment = blast is { Environment: not Interlock.Actions.EnvironmentKind.Unknown } ? blast.Environment.ToString().ToLowerInvariant()
                    : blast?.Reasons.Select(r => r.StartsWith(EnvironmentReason, StringComparison.Ordinal) ? r[EnvironmentReason.Length..] : null).FirstOrDefault(e => e is { Length: > 0 }),
                BlastReasons = blast?.Reasons ?? [],
                Previews = document?.Previews ?? PreviewJson.Read(root),
                LegacyPreview = Str(root, "preview"),
            };
        }
        catch (JsonException)
        {
            return new StepFacts();
        }
    }

    /// <summary>The most severe blast-radius level among the steps (what the queue shows for a plan).</summary>
    public static string? WorstLevel(IEnumerable<StepFacts> steps) =>
        steps.Select(s => s.BlastLevel).Where(l => l is not null).OrderByDescending(l => Array.IndexOf(Levels, l)).FirstOrDefault();

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static JsonElement? Obj(JsonElement? e, string name) =>
        e is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Object ? v : null;

    private static string? Str(JsonElement? e, string name) =>
        e is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static List<string> Strs(JsonElement? e, string name) =>
        e is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array
            ? v.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToList()
            : [];
}
