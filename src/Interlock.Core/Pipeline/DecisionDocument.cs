using System.Text.Json;
using System.Text.Json.Serialization;
using Interlock.Actions;
using Interlock.Risk;

namespace Interlock.Pipeline;

/// <summary>Where a pending approval lives: its id, status, expiry and the reviewer page.</summary>
public sealed record ApprovalLink(string Id, string Status, DateTimeOffset ExpiresAt, string? Url = null, string? Reason = null);

/// <summary>
/// The one decision document: what the HTTP API replies, what <c>interlock check --json</c> prints, what a decision's
/// audit record carries (beside the action), what the reviewer UI reads and what the MCP gate attaches to a refusal.
/// Written by <see cref="DecisionDocumentJson"/> only, so every consumer sees the same names in the same order.
/// </summary>
[JsonConverter(typeof(DecisionDocumentConverter))]
public sealed record DecisionDocument
{
    /// <summary>The action id (<see cref="ActionIds"/>), or empty where nothing was decided under an id.</summary>
    public required string Id { get; init; }
    public required Decision Decision { get; init; }
    public BlastRadius? BlastRadius { get; init; }
    public ApprovalLink? Approval { get; init; }
    /// <summary>The caller's correlation id, echoed.</summary>
    public string? RequestId { get; init; }
    /// <summary>What the analysis found (operations and gaps), written only when a caller asks for detail.</summary>
    public ActionFacts? Facts { get; init; }
    /// <summary>What the previewers found the action would change (the dry run a reviewer is shown).</summary>
    public IReadOnlyList<Previews.Preview> Previews { get; init; } = [];

    /// <summary>The document of an evaluation decided under <paramref name="actionId"/>.</summary>
    public static DecisionDocument Of(Evaluation evaluation, string actionId)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        return new DecisionDocument { Id = actionId, Decision = evaluation.Decision, BlastRadius = evaluation.Risk.BlastRadius, Previews = evaluation.Previews };
    }

    /// <summary>The document of a pipeline reply (its final decision, which may differ from the evaluation's).</summary>
    public static DecisionDocument Of(DecisionReply reply, ApprovalLink? approval = null, string? requestId = null)
    {
        ArgumentNullException.ThrowIfNull(reply);
        return new DecisionDocument
        {
            Id = reply.ActionId, Decision = reply.Decision, BlastRadius = reply.Evaluation?.Risk.BlastRadius,
            Approval = approval, RequestId = requestId, Previews = reply.Evaluation?.Previews ?? [],
        };
    }

    /// <summary>The document as one compact JSON object.</summary>
    public string ToJson() => DecisionDocumentJson.ToJson(this);
}

/// <summary>Reads and writes <see cref="DecisionDocument"/>: snake_case names, a fixed order, absent values left out.</summary>
public static class DecisionDocumentJson
{
    private static readonly JsonWriterOptions Compact = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The document as one compact JSON object.</summary>
    public static string ToJson(DecisionDocument document)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(512);
        using (var w = new Utf8JsonWriter(buffer, Compact))
        {
            w.WriteStartObject();
            WriteProperties(w, document);
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Writes the document's properties into the object <paramref name="w"/> is in (the audit payload adds the action beside them).</summary>
    public static void WriteProperties(Utf8JsonWriter w, DecisionDocument document)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(document);
        var d = document.Decision;
        w.WriteString("id", document.Id);
        w.WriteString("decision", d.Outcome.WireName());
        w.WriteString("tier", d.Tier.WireName());
        Strings(w, "reasons", d.Reasons);
        Strings(w, "rules", d.Rules);
        w.WriteString("policy_hash", d.PolicyHash);
        if (d.Constraints is { } c)
        {
            w.WriteStartObject("constraints");
            if (c.MaxConcurrent is { } mc) w.WriteNumber("max_concurrent", mc);
            if (c.RateLimit is { } rl) w.WriteString("rate_limit", rl);
            if (c.MaxRuntimeSec is { } mr) w.WriteNumber("max_runtime_sec", mr);
            if (c.ApprovalsRequired is { } ar) w.WriteNumber("approvals_required", ar);
            if (c.ApprovalTimeoutSec is { } at) w.WriteNumber("approval_timeout_sec", at);
            w.WriteEndObject();
        }
        if (document.BlastRadius is { } b)
        {
            w.WriteStartObject("blast_radius");
            w.WriteString("level", LevelName(b.Level));
            w.WriteString("scope", b.Scope);
            w.WriteBoolean("reversible", b.Reversible);
            w.WriteBoolean("shared_state", b.SharedState);
            w.WriteString("reversibility", BlastScorer.Wire(b.Reversibility));
            if (b.Environment != EnvironmentKind.Unknown) w.WriteString("environment", b.Environment.ToString().ToLowerInvariant());
            if (b.ScopeCount is { } count) w.WriteNumber("scope_count", count);
            if (b.ScopeUnit is not null) w.WriteString("scope_unit", b.ScopeUnit);
            if (b.Resources.Count > 0) Strings(w, "resources", b.Resources);
            if (b.Coupling.Count > 0) Strings(w, "coupling", b.Coupling);
            Strings(w, "reasons", b.Reasons);
            w.WriteEndObject();
        }
        if (document.Previews.Count > 0) Previews.PreviewJson.Write(w, document.Previews);
        if (document.Approval is { } a)
        {
            w.WriteStartObject("approval");
            w.WriteString("id", a.Id);
            w.WriteString("status", a.Status);
            w.WriteString("expires_at", a.ExpiresAt);
            if (a.Url is not null) w.WriteString("url", a.Url);
            if (a.Reason is not null) w.WriteString("reason", a.Reason);
            w.WriteEndObject();
        }
        if (document.RequestId is not null) w.WriteString("request_id", document.RequestId);
        if (document.Facts is { } facts) WriteFacts(w, facts);
    }

    private static void WriteFacts(Utf8JsonWriter w, ActionFacts facts)
    {
        w.WriteStartArray("operations");
        foreach (var op in facts.Operations)
        {
            w.WriteStartObject();
            w.WriteString("program", op.Program);
            if (op.Verb is not null) w.WriteString("verb", op.Verb);
            w.WriteString("class", op.Class.WireName());
            w.WriteStartArray("targets");
            foreach (var t in op.Targets) w.WriteStringValue(Shell.ShellArg.DisplayText(t));
            w.WriteEndArray();
            w.WriteString("environment", op.Environment.ToString().ToLowerInvariant());
            w.WriteBoolean("reversible", op.Reversible);
            w.WriteBoolean("shared_state", op.SharedState);
            Strings(w, "tags", [.. op.Tags.Order(StringComparer.Ordinal)]);
            w.WriteString("reason", op.Reason);
            w.WriteString("text", op.Text);
            w.WriteEndObject();
        }
        w.WriteEndArray();
        w.WriteStartArray("gaps");
        foreach (var g in facts.Gaps)
        {
            w.WriteStartObject();
            w.WriteString("kind", g.Kind);
            w.WriteString("detail", g.Detail);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }

    /// <summary>
    /// The document in <paramref name="root"/> (an API reply or a decision's audit payload), or null when it is not
    /// one. Audit records written before the document existed nest the decision as <c>{"decision": {"outcome": …}}</c>;
    /// they read the same.
    /// </summary>
    public static DecisionDocument? Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("decision", out var decisionEl)) return null;
        // Legacy records: the decision's fields in a nested object, its outcome under "outcome".
        var fields = decisionEl.ValueKind == JsonValueKind.Object ? decisionEl : root;
        var outcomeText = decisionEl.ValueKind == JsonValueKind.Object ? Str(decisionEl, "outcome") : decisionEl.ValueKind == JsonValueKind.String ? decisionEl.GetString() : null;
        if (outcomeText is null || !Outcomes.TryParse(outcomeText, out var outcome)) return null;
        if (Str(fields, "tier") is not { } tierText || !Tiers.TryParse(tierText, out var tier)) return null;
        Constraints? constraints = null;
        if (fields.TryGetProperty("constraints", out var c) && c.ValueKind == JsonValueKind.Object)
            constraints = new Constraints
            {
                MaxConcurrent = Int(c, "max_concurrent"), RateLimit = Str(c, "rate_limit"), MaxRuntimeSec = Int(c, "max_runtime_sec"),
                ApprovalsRequired = Int(c, "approvals_required"), ApprovalTimeoutSec = Int(c, "approval_timeout_sec"),
            };
        BlastRadius? blast = null;
        if (root.TryGetProperty("blast_radius", out var b) && b.ValueKind == JsonValueKind.Object)
        {
            var reversible = Bool(b, "reversible") ?? false;
            blast = new BlastRadius(ParseLevel(Str(b, "level")), Str(b, "scope") ?? "", reversible, Bool(b, "shared_state") ?? false, Strs(b, "reasons"))
            {
                // Records written before the three-valued dimension carry only the boolean.
                Reversibility = Str(b, "reversibility") is { } wire ? BlastScorer.ParseReversibility(wire) : reversible ? Reversibility.Reversible : Reversibility.Irreversible,
                ScopeCount = JsonProperties.Int64(b, "scope_count"),
                ScopeUnit = Str(b, "scope_unit"), Resources = Strs(b, "resources"), Coupling = Strs(b, "coupling"),
                Environment = Enum.TryParse<EnvironmentKind>(Str(b, "environment"), ignoreCase: true, out var env) ? env : EnvironmentKind.Unknown,
            };
        }
        ApprovalLink? approval = null;
        if (root.TryGetProperty("approval", out var a) && a.ValueKind == JsonValueKind.Object && Str(a, "id") is { } approvalId
            && a.TryGetProperty("expires_at", out var exp) && exp.ValueKind == JsonValueKind.String && exp.TryGetDateTimeOffset(out var expires))
            approval = new ApprovalLink(approvalId, Str(a, "status") ?? "", expires, Str(a, "url"), Str(a, "reason"));
        return new DecisionDocument
        {
            Id = Str(root, "id") ?? "",
            Decision = new Decision(outcome, tier, Strs(fields, "reasons"), Strs(fields, "rules"), constraints, Str(fields, "policy_hash") ?? ""),
            BlastRadius = blast,
            Approval = approval,
            RequestId = Str(root, "request_id"),
            Previews = Previews.PreviewJson.Read(root),
        };
    }

    /// <summary>The document in <paramref name="json"/>, or null when it is not JSON or not a document.</summary>
    public static DecisionDocument? Read(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            return Read(doc.RootElement);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static string LevelName(BlastLevel level) => level switch
    {
        BlastLevel.Low => "low",
        BlastLevel.Medium => "medium",
        BlastLevel.High => "high",
        _ => "critical",
    };

    // An unknown level reads as the worst: a reader never shows less than was recorded.
    private static BlastLevel ParseLevel(string? text) => text switch
    {
        "low" => BlastLevel.Low,
        "medium" => BlastLevel.Medium,
        "high" => BlastLevel.High,
        _ => BlastLevel.Critical,
    };

    private static void Strings(Utf8JsonWriter w, string name, IReadOnlyList<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values) w.WriteStringValue(v);
        w.WriteEndArray();
    }

    private static string? Str(JsonElement o, string name) => JsonProperties.String(o, name);

    private static int? Int(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? i : null;

    private static bool? Bool(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : null;

    private static List<string> Strs(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Array
            ? v.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToList()
            : [];
}

/// <summary>Lets System.Text.Json callers (the API's replies) write the document through <see cref="DecisionDocumentJson"/>.</summary>
public sealed class DecisionDocumentConverter : JsonConverter<DecisionDocument>
{
    public override DecisionDocument? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var doc = JsonDocument.ParseValue(ref reader);
        return DecisionDocumentJson.Read(doc.RootElement) ?? throw new JsonException("not a decision document: it needs 'decision' and 'tier'");
    }

    public override void Write(Utf8JsonWriter writer, DecisionDocument value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStartObject();
        DecisionDocumentJson.WriteProperties(writer, value);
        writer.WriteEndObject();
    }
}
