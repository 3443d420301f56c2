using System.Text.Encodings.Web;
using System.Text.Json;
using Interlock.Actions;
using Interlock.Pipeline;
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
    public static void WriteText(TextWriter w, DecisionReply reply, bool explain)
    {
        ArgumentNullException.ThrowIfNull(reply);
        var t = new TerminalText();
        if (reply.Evaluation is { } e) WriteText(s => w.WriteLine(t.Show(s)), e, explain);
        else
        {
            // A fault: no evaluation to show, only the deny and why.
            w.WriteLine(t.Show($"{reply.Decision.Outcome.WireName()}  (tier: {reply.Decision.Tier.WireName()})"));
            foreach (var r in reply.Decision.Reasons) w.WriteLine(t.Show($"  - {r}"));
        }
        if (!reply.Recorded) w.WriteLine("  (not recorded: the local audit log could not be written)");
        t.WriteWarning(w, "  ");
    }

    private static void WriteText(Action<string> line, Evaluation e, bool explain)
    {
        var d = e.Decision;
        line($"{d.Outcome.WireName()}  (tier: {d.Tier.WireName()}, blast radius: {e.Risk.BlastRadius.Level.ToString().ToLowerInvariant()}, scope: {e.Risk.BlastRadius.Scope})");
        foreach (var r in d.Reasons) line($"  - {r}");
        WriteBlastAndPreviews(line, e.Risk.BlastRadius, e.Previews);
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

    /// <summary>
    /// The blast radius's three dimensions and what each preview found, as a reviewer reads them (the same lines for
    /// check, plan and exec's refusals). Nothing is written for a read-only action with no previews.
    /// </summary>
    public static void WriteBlastAndPreviews(Action<string> line, BlastRadius b, IReadOnlyList<Interlock.Previews.Preview> previews)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(b);
        if (b.Scope == "none" && previews.Count == 0) return;
        var unit = b.ScopeUnit ?? "items";
        var scope = b.ScopeCount is { } n ? $"{b.Scope}, {n:N0} {(n == 1 && unit.EndsWith('s') ? unit[..^1] : unit)}" : b.Scope;
        var coupling = b.Coupling.Count == 0 ? "none mapped" : $"{b.Coupling.Count} downstream ({string.Join(", ", b.Coupling.Take(8))}{(b.Coupling.Count > 8 ? ", …" : "")})";
        line($"  blast radius: {DecisionDocumentJson.LevelName(b.Level)} — scope: {scope}; {BlastScorer.Wire(b.Reversibility)}; coupling: {coupling}");
        foreach (var p in previews)
        {
            line($"  preview ({p.Previewer}{(p.Status == Interlock.Previews.PreviewStatus.Incomplete ? ", incomplete" : "")}): {p.Headline}");
            if (p.Status == Interlock.Previews.PreviewStatus.Incomplete && p.Limit is not null && !p.Headline.Contains(p.Limit, StringComparison.Ordinal)) line($"    stopped: {p.Limit}");
            foreach (var i in p.Items) line($"    {i.Kind,-9} {i.Text}{(i.Detail is null ? "" : "  (" + i.Detail + ")")}");
            if (p.ItemsOmitted > 0) line($"    … and {p.ItemsOmitted:N0} more");
            foreach (var l in p.ProtectedLosses) line($"    PROTECTED: {l}");
            if (p.Diff is not null) foreach (var d in p.Diff.Split('\n')) line("    " + d);
        }
    }

    public static void WriteExplainRules(TextWriter w, IReadOnlyList<RuleExplanation> rules)
    {
        var t = new TerminalText();
        w.WriteLine("rules:");
        foreach (var r in rules) w.WriteLine(t.Show($"  {(r.Matched ? "matched" : "no     ")}  {r.RuleId}: {r.Detail}"));
        t.WriteWarning(w, "  ");
    }

    /// <summary>
    /// The <see cref="DecisionDocument"/> of <paramref name="reply"/>; <paramref name="full"/> adds the analysis
    /// (operations and gaps), and <paramref name="explanation"/> every rule and whether it matched.
    /// </summary>
    public static string Json(DecisionReply reply, bool full, IReadOnlyList<RuleExplanation>? explanation = null, string? requestId = null)
    {
        ArgumentNullException.ThrowIfNull(reply);
        var document = DecisionDocument.Of(reply, requestId: requestId) with { Facts = full ? reply.Evaluation?.Facts : null };
        if (explanation is null) return document.ToJson();
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, JsonOptions))
        {
            w.WriteStartObject();
            DecisionDocumentJson.WriteProperties(w, document);
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
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>A batch line that was not decided: its correlation id (as <c>request_id</c>, like a decision's) and what was wrong.</summary>
    public static string ErrorJson(JsonElement? id, string error)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, JsonOptions))
        {
            w.WriteStartObject();
            if (id is { } value && ActionJson.CorrelationId(value) is { } text) w.WriteString("request_id", text);
            else w.WriteNull("request_id");
            w.WriteString("error", error);
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
