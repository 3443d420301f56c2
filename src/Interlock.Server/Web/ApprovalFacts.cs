using System.Text.Json;
using Interlock.Actions;
using Interlock.Pipeline;
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
    public bool? Reversible { get; init; }
    public bool? SharedState { get; init; }
    public IReadOnlyList<string> BlastReasons { get; init; } = [];
    public string? Preview { get; init; }

    private static readonly string[] Levels = ["low", "medium", "high", "critical"];

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
                Reversible = blast?.Reversible,
                SharedState = blast?.SharedState,
                BlastReasons = blast?.Reasons ?? [],
                Preview = Str(root, "preview"),
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
