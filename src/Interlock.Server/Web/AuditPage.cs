using System.Text.Json;
using Interlock.Audit;
using Interlock.Storage;

namespace Interlock.Server.Web;

/// <summary>The audit page (filters, chain status, newest-first records with paging) and the record table the approval page reuses.</summary>
public static class AuditPage
{
    /// <summary>The filter a visitor set, echoed back into the form and the paging links.</summary>
    public sealed record Filter(string? Agent, string? Kind, string? Action, long After, long? Before);

    public static HtmlString Main(Filter f, IReadOnlyList<AuditRecord> records, AuditVerification verification, AuditHead head, int pageSize, (bool Ok, string Message)? problem)
    {
        var status = verification.Ok
            ? Html.H($"<p class=\"flash ok\" role=\"status\">Chain verified: {verification.Records} records up to #{head.Sequence}, {verification.CheckpointsVerified} signed checkpoints checked.</p>")
            : Html.H($"<p class=\"flash error\" role=\"alert\">Chain does NOT verify{(verification.FirstBadSequence is { } bad ? $" — first bad sequence #{bad}" : "")}: {verification.Problem}</p>");
        var kinds = new[] { "", "decision", "approval", "result", "expiry", "note" }
            .Select(k => Html.H($"<option value=\"{k}\"{(k == (f.Kind ?? "") ? new HtmlString(" selected") : HtmlString.Empty)}>{(k.Length == 0 ? "any" : k)}</option>")).ToList();
        HtmlString older = HtmlString.Empty, newer = HtmlString.Empty;
        if (records.Count == pageSize) older = Html.H($"<a href=\"{Link(f with { Before = records[^1].Sequence })}\">Older →</a>");
        if (f.Before is not null) newer = Html.H($"<a href=\"{Link(f with { Before = null })}\">← Newest</a>");
        return Html.H($"""
            <h1>Audit log</h1>
            {UiLayout.Flash(problem)}
            {status}
            <form class="card filters" method="get" action="/audit" role="search" aria-label="Filter the audit log">
            <div class="f"><label for="f-agent">Agent</label><input type="text" id="f-agent" name="agent" value="{f.Agent}" autocomplete="off"></div>
            <div class="f"><label for="f-kind">Kind</label><select id="f-kind" name="kind">{kinds}</select></div>
            <div class="f"><label for="f-action">Action id</label><input type="text" id="f-action" name="action" value="{f.Action}" autocomplete="off"></div>
            <div class="f"><label for="f-after">After sequence</label><input type="number" id="f-after" name="after" min="0" value="{(f.After > 0 ? f.After.ToString(System.Globalization.CultureInfo.InvariantCulture) : "")}"></div>
            <div class="buttons"><button class="btn plain" type="submit">Filter</button><a href="/audit">Clear</a></div>
            </form>
            {Records(records, linkActions: true)}
            <div class="pager">{newer}<span></span>{older}</div>
            """);
    }

    private static string Link(Filter f)
    {
        var q = new List<string>();
        if (f.Agent is not null) q.Add("agent=" + Html.Url(f.Agent));
        if (f.Kind is not null) q.Add("kind=" + Html.Url(f.Kind));
        if (f.Action is not null) q.Add("action=" + Html.Url(f.Action));
        if (f.After > 0) q.Add("after=" + f.After.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (f.Before is { } b) q.Add("before=" + b.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return "/audit" + (q.Count > 0 ? "?" + string.Join("&", q) : "");
    }

    /// <summary>Records as a table (cards on a phone); action ids link to the audit filter when the viewer may read it.</summary>
    public static HtmlString Records(IReadOnlyList<AuditRecord> records, bool linkActions)
    {
        if (records.Count == 0) return Html.H($"<p class=\"card empty\">No records.</p>");
        var rows = records.Select(r =>
        {
            // The agent name, the command and reasons quoting it are agent-supplied: escapes marked, the record labelled.
            var shown = new ShownText();
            var agent = shown.Text(r.Entry.Agent);
            var summary = Summary(r, shown);
            return Html.H($"""
                <tr>
                <td data-label="Seq" class="mono">#{r.Sequence}</td>
                <td data-label="Time">{UiLayout.Time(r.Timestamp)}</td>
                <td data-label="Kind">{UiLayout.Badge(r.Entry.Kind.WireName())}</td>
                <td data-label="Agent">{agent}</td>
                <td data-label="What" class="cmd">{summary}{UiLayout.HiddenBadge(shown)}</td>
                <td data-label="Action" class="mono">{ActionId(r.Entry.ActionId, linkActions, shown)}</td>
                </tr>
                """);
        }).ToList();
        return Html.H($"""
            <table class="stack">
            <thead><tr><th scope="col">Seq</th><th scope="col">Time</th><th scope="col">Kind</th><th scope="col">Agent</th><th scope="col">What</th><th scope="col">Action</th></tr></thead>
            <tbody>{rows}</tbody>
            </table>
            """);
    }

    private static HtmlString ActionId(string? id, bool link, ShownText shown) =>
        id is null ? HtmlString.Empty : link ? Html.H($"<a href=\"/audit?action={Html.Url(id)}\">{shown.Text(id)}</a>") : shown.Text(id);

    /// <summary>One line about a record, read from its payload by kind; agent-supplied text goes through <paramref name="shown"/>.</summary>
    public static HtmlString Summary(AuditRecord r, ShownText shown)
    {
        ArgumentNullException.ThrowIfNull(shown);
        try
        {
            using var doc = JsonDocument.Parse(r.Entry.Payload);
            var p = doc.RootElement;
            switch (r.Entry.Kind)
            {
                case AuditKind.Decision:
                    var facts = StepFacts.Parse(r.Entry.Payload);
                    var what = facts.Command ?? (facts.Tool is not null ? $"{facts.Tool} {facts.Path}".Trim() : facts.Topic ?? "(action)");
                    return Html.H($"{UiLayout.Badge(facts.Outcome)} <code>{shown.Text(what)}</code>");
                case AuditKind.Approval:
                    var approved = p.TryGetProperty("approved", out var a) && a.ValueKind == JsonValueKind.True;
                    return Html.H($"{UiLayout.Badge(approved ? "approved" : "denied")} by <strong>{shown.Text(Text(p, "approver"))}</strong>{Reason(p, shown)}{Approval(p)}");
                case AuditKind.Result:
                    var exit = p.TryGetProperty("exit_code", out var e) ? $" (exit {e})" : "";
                    return Html.H($"{shown.Text(Text(p, "status"))}{exit}, rollback {shown.Text(Text(p, "rollback"))}");
                case AuditKind.Expiry:
                    return Html.H($"{shown.Text(Text(p, "reason"))}");
                default:
                    return Html.H($"{shown.Text(Text(p, "text"))}");
            }
        }
        catch (JsonException)
        {
            return Html.H($"{shown.Text(r.Entry.Payload)}");
        }
    }

    private static string? Text(JsonElement p, string name) => p.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static HtmlString Reason(JsonElement p, ShownText shown) => Text(p, "reason") is { } reason ? Html.H($": “{shown.Text(reason)}”") : HtmlString.Empty;

    private static HtmlString Approval(JsonElement p) =>
        Text(p, "approval") is { } id ? Html.H($" <a href=\"/approvals/{Html.Url(id)}\" class=\"mono\">{id}</a>") : HtmlString.Empty;
}
