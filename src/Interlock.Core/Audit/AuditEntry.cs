using System.Buffers;
using System.Text;
using System.Text.Json;
using Interlock.Actions;
using Interlock.Pipeline;

namespace Interlock.Audit;

/// <summary>What an audit record is about.</summary>
public enum AuditKind { Decision, Approval, Result, Expiry, Note }

/// <summary>Wire names of <see cref="AuditKind"/>.</summary>
public static class AuditKinds
{
    public static string WireName(this AuditKind kind) => kind switch
    {
        AuditKind.Decision => "decision",
        AuditKind.Approval => "approval",
        AuditKind.Result => "result",
        AuditKind.Expiry => "expiry",
        _ => "note",
    };

    public static bool TryParse(string? text, out AuditKind kind)
    {
        switch (text)
        {
            case "decision": kind = AuditKind.Decision; return true;
            case "approval": kind = AuditKind.Approval; return true;
            case "result": kind = AuditKind.Result; return true;
            case "expiry": kind = AuditKind.Expiry; return true;
            case "note": kind = AuditKind.Note; return true;
            default: kind = AuditKind.Note; return false;
        }
    }
}

/// <summary>
/// What a caller records: the kind, who acted (agent, session), which action it concerns, and a payload, a compact
/// JSON document written by the factories here with a fixed property order. The payload's exact UTF-8 bytes are
/// hashed, so it is kept as text and never re-serialized.
/// </summary>
public sealed record AuditEntry
{
    public required AuditKind Kind { get; init; }
    public string? Agent { get; init; }
    public string? Session { get; init; }
    public string? ActionId { get; init; }
    /// <summary>Compact JSON object.</summary>
    public required string Payload { get; init; }

    /// <summary>
    /// A decision: the action requested (canonical form) beside the <see cref="DecisionDocument"/> (decision, tier,
    /// reasons, rules, constraints, policy hash, blast radius, and the previews a reviewer is shown).
    /// </summary>
    public static AuditEntry ForDecision(Evaluation evaluation, string actionId)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        var request = evaluation.Facts.Request;
        var payload = Write(w =>
        {
            w.WriteStartObject("action");
            WriteAction(w, request);
            w.WriteEndObject();
            DecisionDocumentJson.WriteProperties(w, DecisionDocument.Of(evaluation, actionId));
        });
        return new AuditEntry { Kind = AuditKind.Decision, Agent = request.Agent ?? "default", Session = request.Session, ActionId = actionId, Payload = payload };
    }

    /// <summary>
    /// A chain of actions decided as one unit: the combined decision document (outcome, blast radius, every step's
    /// previews) under the plan's id, and the steps with their action ids, what they ask and how each was decided.
    /// </summary>
    public static AuditEntry ForPlan(string planId, Decision combined, Risk.BlastRadius blast, IReadOnlyList<DecisionReply> steps, string? agent, string? session)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var payload = Write(w =>
        {
            w.WriteStartArray("steps");
            foreach (var step in steps)
            {
                w.WriteStartObject();
                w.WriteString("id", step.ActionId);
                if (step.Evaluation?.Facts.Request is { } request)
                {
                    w.WriteStartObject("action");
                    WriteAction(w, request);
                    w.WriteEndObject();
                }
                w.WriteString("decision", step.Decision.Outcome.WireName());
                w.WriteEndObject();
            }
            w.WriteEndArray();
            DecisionDocumentJson.WriteProperties(w, new DecisionDocument
            {
                Id = planId, Decision = combined, BlastRadius = blast,
                Previews = [.. steps.SelectMany(s => s.Evaluation?.Previews ?? [])],
            });
        });
        return new AuditEntry { Kind = AuditKind.Decision, Agent = agent ?? "default", Session = session, ActionId = planId, Payload = payload };
    }

    /// <summary>A human's approval or rejection of an action: who, when, why.</summary>
    public static AuditEntry ForApproval(string actionId, string approver, bool approved, DateTimeOffset at, string? reason = null, string? agent = null, string? session = null, string? approvalId = null, string? status = null) =>
        new()
        {
            Kind = AuditKind.Approval, Agent = agent, Session = session, ActionId = actionId,
            Payload = Write(w =>
            {
                w.WriteString("approver", approver);
                w.WriteBoolean("approved", approved);
                w.WriteString("at", at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", System.Globalization.CultureInfo.InvariantCulture));
                if (reason is not null) w.WriteString("reason", reason);
                if (approvalId is not null) w.WriteString("approval", approvalId);
                if (status is not null) w.WriteString("status", status);
            }),
        };

    /// <summary>An execution result and the rollback status (<c>none</c>, <c>available</c>, <c>done</c>, <c>failed</c> …).</summary>
    public static AuditEntry ForResult(string actionId, int? exitCode, string status, string rollback = "none", string? detail = null, string? agent = null, string? session = null, string? outputSha256 = null) =>
        new()
        {
            Kind = AuditKind.Result, Agent = agent, Session = session, ActionId = actionId,
            Payload = Write(w =>
            {
                w.WriteString("status", status);
                if (exitCode is { } code) w.WriteNumber("exit_code", code);
                w.WriteString("rollback", rollback);
                if (detail is not null) w.WriteString("detail", detail);
                if (outputSha256 is not null) w.WriteString("output_sha256", outputSha256);
            }),
        };

    /// <summary>An approval request that expired unanswered.</summary>
    public static AuditEntry ForExpiry(string actionId, string reason, string? agent = null, string? session = null) =>
        new() { Kind = AuditKind.Expiry, Agent = agent, Session = session, ActionId = actionId, Payload = Write(w => w.WriteString("reason", reason)) };

    /// <summary>Free text, e.g. a store starting or an operator's remark.</summary>
    public static AuditEntry Note(string text, string? agent = null, string? session = null, string? actionId = null) =>
        new() { Kind = AuditKind.Note, Agent = agent, Session = session, ActionId = actionId, Payload = Write(w => w.WriteString("text", text)) };

    private static void WriteAction(Utf8JsonWriter w, ActionRequest r)
    {
        w.WriteString("source", r.Source.ToString().ToLowerInvariant());
        Opt(w, "id", r.Id);
        Opt(w, "agent", r.Agent);
        Opt(w, "session", r.Session);
        Opt(w, "tool", r.Tool);
        Opt(w, "topic", r.Topic);
        Opt(w, "command", r.Command);
        Opt(w, "cwd", r.Cwd);
        Opt(w, "path", r.Path);
        if (r.RiskTags.Count > 0) Strings(w, "risk_tags", r.RiskTags);
        if (r.Arguments is { } args)
        {
            w.WritePropertyName("arguments");
            args.WriteTo(w);
        }
        if (r.Http is { } http)
        {
            // Header values and the body can hold credentials: the record keeps names and a hash, not the secrets.
            w.WriteStartObject("http");
            w.WriteString("method", http.Method);
            w.WriteString("url", http.Url);
            Strings(w, "header_names", http.Headers.Select(h => h.Key));
            w.WriteString("sha256", Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(http.Canonical()))));
            w.WriteEndObject();
        }
    }

    private static void Opt(Utf8JsonWriter w, string name, string? value)
    {
        if (value is not null) w.WriteString(name, value);
    }

    private static void Strings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values) w.WriteStringValue(v);
        w.WriteEndArray();
    }

    private static readonly JsonWriterOptions WriterOptions = new() { Indented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string Write(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer, WriterOptions))
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
