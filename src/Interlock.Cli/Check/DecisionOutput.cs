using System.Text.Encodings.Web;
using System.Text.Json;
using Interlock.Actions;
using Interlock.Policy;
using Interlock.Risk;

namespace Interlock.Cli.Check;

/// <summary>Writes evaluations for people (text) and programs (JSON).</summary>
internal static class DecisionOutput
{
    private static readonly JsonWriterOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Exit codes of <c>interlock check</c>: 0 allow (with or without constraints), 2 deny, 3 require approval.</summary>
    public static int ExitCode(Outcome outcome) => outcome switch
    {
        Outcome.Allow or Outcome.AllowWithConstraints => 0,
        Outcome.RequireApproval => 3,
        _ => 2,
    };

    /// <summary>The decision for a person; every line goes through <see cref="TerminalText"/> (reasons and facts quote the agent's command).</summary>
    public static void WriteText(TextWriter w, Evaluation e, bool explain)
    {
        var t = new TerminalText();
        WriteText(s => w.WriteLine(t.Show(s)), e, explain);
        t.WriteWarning(w, "  ");
    }

    private static void WriteText(Action<string> line, Evaluation e, bool explain)
    {
        var d = e.Decision;
        line($"{d.Outcome.WireName()}  (tier: {d.Tier.WireName()}, blast radius: {e.Risk.BlastRadius.Level.ToString().ToLowerInvariant()}, scope: {e.Risk.BlastRadius.Scope})");
        foreach (var r in d.Reasons) line($"  - {r}");
        if (d.Constraints is { } c) line($"  constraints: {c.Describe()}");
        line($"  rules: {(d.Rules.Count == 0 ? "(default)" : string.Join(", ", d.Rules))}");
        line($"  policy: sha256:{d.PolicyHash}");
        if (!explain) return;

        line("");
        line("facts:");
        if (e.Facts.Operations.Count == 0) line("  (no operations)");
        var ws = e.Facts.Request.Cwd ?? "/";
        var home = e.Facts.Request.Home ?? "/";
        foreach (var op in e.Facts.Operations)
        {
            var (tier, why) = TierClassifier.Classify(op, ws, home);
            line($"  - {op.Program}{(op.Verb is null ? "" : " " + op.Verb)}: {op.Class.WireName()} -> {tier.WireName()}");
            line($"      {why}");
            if (op.Targets.Count > 0) line($"      targets: {string.Join(", ", op.Targets.Select(Interlock.Shell.ShellArg.DisplayText))}");
            var extras = new List<string>();
            if (op.Environment != EnvironmentKind.Unknown) extras.Add("environment " + op.Environment.ToString().ToLowerInvariant());
            if (op.SharedState) extras.Add("shared state");
            if (!op.Reversible) extras.Add("irreversible");
            if (op.Tags.Count > 0) extras.Add("tags " + string.Join(' ', op.Tags.Order(StringComparer.Ordinal)));
            if (extras.Count > 0) line($"      {string.Join("; ", extras)}");
            if (op.Text.Length > 0) line($"      from: {op.Text}");
        }
        foreach (var g in e.Facts.Gaps) line($"  - not understood ({g.Kind}): {g.Detail}");
        if (e.Facts.Tags.Count > 0) line($"  risk tags: {string.Join(' ', e.Facts.Tags.Order(StringComparer.Ordinal))}");
        line($"  blast radius: {string.Join("; ", e.Risk.BlastRadius.Reasons)}");
    }

    public static void WriteExplainRules(TextWriter w, IReadOnlyList<RuleExplanation> rules)
    {
        var t = new TerminalText();
        w.WriteLine("rules:");
        foreach (var r in rules) w.WriteLine(t.Show($"  {(r.Matched ? "matched" : "no     ")}  {r.RuleId}: {r.Detail}"));
        t.WriteWarning(w, "  ");
    }

    /// <summary>One JSON object per evaluation; <paramref name="full"/> adds facts and blast radius.</summary>
    public static string Json(JsonElement? id, Evaluation e, bool full, IReadOnlyList<RuleExplanation>? explanation = null)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, JsonOptions))
        {
            var d = e.Decision;
            w.WriteStartObject();
            if (id is { } idValue) { w.WritePropertyName("id"); idValue.WriteTo(w); }
            w.WriteString("decision", d.Outcome.WireName());
            w.WriteString("tier", d.Tier.WireName());
            w.WriteStartArray("reasons");
            foreach (var r in d.Reasons) w.WriteStringValue(r);
            w.WriteEndArray();
            w.WriteStartArray("rules");
            foreach (var r in d.Rules) w.WriteStringValue(r);
            w.WriteEndArray();
            if (d.Constraints is { } c)
            {
                w.WriteStartObject("constraints");
                if (c.MaxConcurrent is { } mc) w.WriteNumber("max_concurrent", mc);
                if (c.RateLimit is not null) w.WriteString("rate_limit", c.RateLimit);
                if (c.MaxRuntimeSec is { } rt) w.WriteNumber("max_runtime_sec", rt);
                if (c.ApprovalsRequired is { } ar) w.WriteNumber("approvals_required", ar);
                w.WriteEndObject();
            }
            if (full)
            {
                w.WriteString("policy_hash", d.PolicyHash);
                w.WriteStartObject("blast_radius");
                w.WriteString("level", e.Risk.BlastRadius.Level.ToString().ToLowerInvariant());
                w.WriteString("scope", e.Risk.BlastRadius.Scope);
                w.WriteBoolean("reversible", e.Risk.BlastRadius.Reversible);
                w.WriteBoolean("shared_state", e.Risk.BlastRadius.SharedState);
                w.WriteEndObject();
                w.WriteStartArray("operations");
                foreach (var op in e.Facts.Operations)
                {
                    w.WriteStartObject();
                    w.WriteString("program", op.Program);
                    if (op.Verb is not null) w.WriteString("verb", op.Verb);
                    w.WriteString("class", op.Class.WireName());
                    w.WriteStartArray("targets");
                    foreach (var t in op.Targets) w.WriteStringValue(Interlock.Shell.ShellArg.DisplayText(t));
                    w.WriteEndArray();
                    w.WriteString("environment", op.Environment.ToString().ToLowerInvariant());
                    w.WriteBoolean("reversible", op.Reversible);
                    w.WriteBoolean("shared_state", op.SharedState);
                    w.WriteStartArray("tags");
                    foreach (var t in op.Tags.Order(StringComparer.Ordinal)) w.WriteStringValue(t);
                    w.WriteEndArray();
                    w.WriteString("reason", op.Reason);
                    w.WriteString("text", op.Text);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteStartArray("gaps");
                foreach (var g in e.Facts.Gaps)
                {
                    w.WriteStartObject();
                    w.WriteString("kind", g.Kind);
                    w.WriteString("detail", g.Detail);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                if (explanation is not null)
                {
                    w.WriteStartArray("explanation");
                    foreach (var r in explanation)
                    {
                        w.WriteStartObject();
                        w.WriteString("rule", r.RuleId);
                        w.WriteBoolean("matched", r.Matched);
                        w.WriteString("detail", r.Detail);
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                }
            }
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static string ErrorJson(JsonElement? id, string error)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, JsonOptions))
        {
            w.WriteStartObject();
            w.WritePropertyName("id");
            if (id is { } idValue) idValue.WriteTo(w); else w.WriteNullValue();
            w.WriteString("error", error);
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
