using Interlock.Actions;
using Interlock.Approvals;
using Interlock.Audit;
using Interlock.Identity;

namespace Interlock.Server.Web;

/// <summary>One approval request: what it would do, why policy sent it to review, the votes so far, the answer form, the agent's recent history.</summary>
public static class ApprovalPage
{
    public static HtmlString Main(ApprovalRequest r, Principal viewer, string csrf, DateTimeOffset now, IReadOnlyList<AuditRecord> history, bool linkAudit, (bool Ok, string Message)? flash)
    {
        // Everything the agent supplied (and reviewers' reasons) goes through one ShownText: the banner says if any was escaped.
        var shown = new ShownText();
        var facts = r.Details.Select(StepFacts.Parse).ToList();
        var steps = r.Steps.Select((step, i) => Step(r, step, i, i < facts.Count ? facts[i] : new StepFacts(), shown)).ToList();
        var agent = shown.Text(r.Agent);
        var approvals = r.Votes.Count(v => v.Approved);
        var expiry = r.Status == ApprovalStatus.Pending
            ? Html.H($"in {UiLayout.Span(r.ExpiresAt - now)} ({UiLayout.Time(r.ExpiresAt)})")
            : Html.H($"{UiLayout.Time(r.ExpiresAt)}");
        var votes = r.Votes.Count == 0
            ? Html.H($"<p class=\"muted\">No answers yet.</p>")
            : Html.H($"<ul class=\"reasons\">{r.Votes.Select(v => Html.H($"<li>{UiLayout.Badge(v.Approved ? "approved" : "denied")} <strong>{shown.Text(v.Reviewer)}</strong> {UiLayout.Time(v.At)}{(v.Reason is { } why ? Html.H($": “{shown.Text(why)}”") : HtmlString.Empty)}</li>")).ToList()}</ul>");
        var decided = r.DecidedAt is { } at ? Html.H($"<dt>Decided</dt><dd>{UiLayout.Time(at)}</dd>") : HtmlString.Empty;
        var session = r.Session is { } s ? Html.H($"<dt>Session</dt><dd class=\"mono\">{shown.Text(s)}</dd>") : HtmlString.Empty;
        return Html.H($"""
            <p><a href="/">← Queue</a></p>
            <div class="row"><h1>Approval <span class="mono">{r.Id}</span></h1>{UiLayout.Badge(r.Status.WireName())}</div>
            {UiLayout.Flash(flash)}
            {UiLayout.HiddenBanner(shown, "action")}
            <section class="card" aria-labelledby="req-h">
            <h2 id="req-h">Request</h2>
            <dl class="facts">
            <dt>Agent</dt><dd><strong>{agent}</strong></dd>
            {session}
            <dt>Tier</dt><dd>{UiLayout.Badge(r.Tier)}</dd>
            <dt>Requested</dt><dd>{UiLayout.Span(now - r.CreatedAt)} ago ({UiLayout.Time(r.CreatedAt)})</dd>
            <dt>Expires</dt><dd>{expiry}</dd>
            {decided}
            <dt>Approvals</dt><dd><label for="progress" class="plain">{approvals} of {r.ApprovalsRequired} required</label><br><progress id="progress" max="{r.ApprovalsRequired}" value="{Math.Min(approvals, r.ApprovalsRequired)}">{approvals} of {r.ApprovalsRequired}</progress></dd>
            <dt>Policy hash</dt><dd class="mono">{r.PolicyHash}</dd>
            </dl>
            <h2>Answers</h2>
            {votes}
            </section>
            {steps}
            {Answer(r, viewer, csrf)}
            <section class="card" aria-labelledby="hist-h">
            <h2 id="hist-h">Recent history of {agent}</h2>
            {AuditPage.Records(history, linkAudit)}
            </section>
            """);
    }

    private static HtmlString Step(ApprovalRequest r, ApprovalStep step, int index, StepFacts f, ShownText shown)
    {
        var title = r.Steps.Count > 1 ? $"Step {index + 1} of {r.Steps.Count}" : "Action";
        var used = step.Used ? UiLayout.Badge("used") : HtmlString.Empty;
        var rows = new List<HtmlString>();
        void Add(string name, HtmlString value) => rows.Add(Html.H($"<dt>{name}</dt><dd>{value}</dd>"));
        void Text(string name, string? value, bool mono = false)
        {
            if (value is not null) Add(name, mono ? Html.H($"<span class=\"mono\">{shown.Text(value)}</span>") : shown.Text(value));
        }
        HtmlString List(IReadOnlyList<string> items) => Html.H($"<ul class=\"reasons\">{items.Select(i => Html.H($"<li>{shown.Text(i)}</li>")).ToList()}</ul>");

        Text("Source", f.Source);
        Text("Working dir", f.Cwd, mono: true);
        Text("Tool", f.Tool, mono: true);
        Text("Path", f.Path, mono: true);
        Text("Topic", f.Topic, mono: true);
        if (f.RiskTags.Count > 0) Text("Caller's risk tags", string.Join(", ", f.RiskTags));
        if (f.Outcome is not null) Add("Decision", Html.H($"{UiLayout.Badge(f.Outcome)} {UiLayout.Badge(f.Tier)}"));
        if (f.Reasons.Count > 0) Add("Why", List(f.Reasons));
        if (f.Rules.Count > 0) Add("Rules", Html.H($"<span class=\"mono\">{shown.Join(", ", f.Rules)}</span>"));
        if (f.BlastLevel is not null)
            Add("Blast radius", Html.H($"{UiLayout.Badge(f.BlastLevel)} {shown.Text(f.BlastScope)}{(f.Reversible is { } rev ? Html.H($" · {(rev ? "reversible" : "not reversible")}") : HtmlString.Empty)}{(f.SharedState == true ? Html.H($" · shared state") : HtmlString.Empty)}"));
        if (f.BlastReasons.Count > 0) Add("Blast reasons", List(f.BlastReasons));
        if (f.Constraints.Count > 0) Add("Constraints", shown.Join(", ", f.Constraints.Select(c => $"{c.Name}: {c.Value}")));
        // Blocks keep their line breaks (a <pre>); every other hidden character is still escaped and marked.
        if (f.Arguments is not null) Add("Arguments", Html.H($"<pre>{shown.Text(f.Arguments, LineBreaks.Keep)}</pre>"));
        if (f.Preview is not null) Add("Preview", Html.H($"<pre>{shown.Text(f.Preview, LineBreaks.Keep)}</pre>"));
        Text("Action id", step.ActionId, mono: true);
        return Html.H($"""
            <section class="card" aria-label="{title}">
            <div class="row"><h2>{title}</h2>{used}</div>
            <pre class="cmdline" aria-label="command">{shown.Text(f.Command ?? step.Summary, LineBreaks.Keep)}</pre>
            <dl class="facts">{rows}</dl>
            </section>
            """);
    }

    private static HtmlString Answer(ApprovalRequest r, Principal viewer, string csrf)
    {
        if (r.Status != ApprovalStatus.Pending)
            return Html.H($"<p class=\"card muted\">This request is {(r.Status == ApprovalStatus.Used ? "approved and already used by the agent" : r.Status.WireName())}; it can't be answered any more.</p>");
        if (viewer.Role != Role.Reviewer)
            return Html.H($"<p class=\"card muted\">You are signed in as {viewer.Role.WireName()}: only reviewers answer approval requests.</p>");
        var action = "/approvals/" + Html.Url(r.Id);
        return Html.H($"""
            <section class="card" aria-labelledby="answer-h">
            <h2 id="answer-h">Your answer</h2>
            <form class="answer" method="post" action="{action}/approve">
            <input type="hidden" name="{UiSession.CsrfField}" value="{csrf}">
            <label for="reason">Reason <span class="muted">(required to deny; recorded in the audit log and sent to the agent)</span></label>
            <textarea id="reason" name="reason" maxlength="2000"></textarea>
            <div class="buttons">
            <button class="btn approve" type="submit" formaction="{action}/approve">Approve</button>
            <button class="btn deny" type="submit" formaction="{action}/deny">Deny</button>
            </div>
            </form>
            </section>
            """);
    }
}
