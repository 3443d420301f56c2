using Interlock.Actions;
using Interlock.Approvals;
using Interlock.Audit;
using Interlock.Identity;

namespace Interlock.Server.Web;

/// <summary>
/// One approval request, laid out so the first screen (a laptop or a phone) holds what a decision needs: what the agent
/// wants, where, its blast radius, the preview of what it would change, why it is here, and the answer form. Ids,
/// timestamps, policy details and the agent's history come after.
/// </summary>
public static class ApprovalPage
{
    public static HtmlString Main(ApprovalRequest r, Principal viewer, string csrf, DateTimeOffset now, IReadOnlyList<AuditRecord> history, bool linkAudit, (bool Ok, string Message)? flash)
    {
        ArgumentNullException.ThrowIfNull(r);
        ArgumentNullException.ThrowIfNull(viewer);
        // Everything the agent supplied (and reviewers' reasons) goes through one ShownText: the banner says if any was escaped.
        var shown = new ShownText();
        var facts = r.Steps.Select((_, i) => i < r.Details.Count ? StepFacts.Parse(r.Details[i]) : new StepFacts()).ToList();
        var steps = r.Steps.Select((step, i) => Step(r, step, i, facts[i], shown)).ToList();
        var metadata = r.Steps.Select((step, i) => StepMetadata(r, step, i, facts[i], shown)).ToList();
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
        var answer = Answer(r, viewer, csrf, now, facts, approvals);
        return Html.H($"""
            <div class="head row"><h1><a class="back" href="/" aria-label="Back to the queue">←</a> {(r.Steps.Count > 1 ? $"Plan of {r.Steps.Count} steps" : "Approval")} <span class="muted">by</span> {agent}</h1>{UiLayout.Badge(r.Status.WireName())}</div>
            {UiLayout.Flash(flash)}
            {UiLayout.HiddenBanner(shown, "action")}
            <div class="decide">
            <div class="what">{steps}</div>
            <aside class="side">{answer}</aside>
            </div>
            <section class="card meta" aria-labelledby="req-h">
            <h2 id="req-h">Request details</h2>
            <dl class="facts">
            <dt>Approval id</dt><dd class="mono">{r.Id}</dd>
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
            {metadata}
            </section>
            <section class="card" aria-labelledby="hist-h">
            <h2 id="hist-h">Recent history of {agent}</h2>
            {AuditPage.Records(history, linkAudit)}
            </section>
            """);
    }

    /// <summary>The first-screen part of a step: the command or call, the blast radius, the previews, the reasons.</summary>
    private static HtmlString Step(ApprovalRequest r, ApprovalStep step, int index, StepFacts f, ShownText shown)
    {
        var title = r.Steps.Count > 1 ? $"Step {index + 1} of {r.Steps.Count}" : "What the agent wants to do";
        var used = step.Used ? UiLayout.Badge("used") : HtmlString.Empty;
        var where = new List<HtmlString>();
        if (f.Tool is not null) where.Add(Html.H($"<span class=\"muted\">tool</span> <span class=\"mono\">{shown.Text(f.Tool)}</span>"));
        if (f.Path is not null) where.Add(Html.H($"<span class=\"muted\">path</span> <span class=\"mono\">{shown.Text(f.Path)}</span>"));
        if (f.Topic is not null) where.Add(Html.H($"<span class=\"muted\">topic</span> <span class=\"mono\">{shown.Text(f.Topic)}</span>"));
        if (f.Cwd is not null) where.Add(Html.H($"<span class=\"muted\">in</span> <span class=\"mono\">{shown.Text(f.Cwd)}</span>"));
        var whereLine = where.Count == 0 ? HtmlString.Empty : Html.H($"<p class=\"where\">{new HtmlString(string.Join(" · ", where.Select(w => w.Value)))}</p>");
        // A tool call's arguments are what it does: shown under the call, in a block capped in height.
        var arguments = f.Arguments is null ? HtmlString.Empty : Html.H($"<pre class=\"args capped\" tabindex=\"0\" aria-label=\"Arguments\">{shown.Text(f.Arguments, LineBreaks.Keep)}</pre>");
        var reasons = f.Reasons.Count == 0 ? HtmlString.Empty
            : Html.H($"<div class=\"why\"><h3>Why it needs review</h3><ul class=\"reasons\">{f.Reasons.Select(x => Html.H($"<li>{shown.Text(x)}</li>")).ToList()}</ul></div>");
        return Html.H($"""
            <section class="card step" aria-label="{title}">
            <div class="row{(r.Steps.Count == 1 ? " steph" : "")}"><h2>{title}</h2>{used}</div>
            <pre class="cmdline" aria-label="command">{shown.Text(f.Command ?? step.Summary, LineBreaks.Keep)}</pre>
            {whereLine}{arguments}
            {PreviewView.Blast(f, shown)}
            {PreviewView.Previews(f, shown)}
            {reasons}
            </section>
            """);
    }

    /// <summary>The rest of a step's record, below the fold: source, rules, constraints, the scorer's reasons, the action id.</summary>
    private static HtmlString StepMetadata(ApprovalRequest r, ApprovalStep step, int index, StepFacts f, ShownText shown)
    {
        var rows = new List<HtmlString>();
        void Add(string name, HtmlString value) => rows.Add(Html.H($"<dt>{name}</dt><dd>{value}</dd>"));
        if (f.Source is not null) Add("Source", shown.Text(f.Source));
        if (f.RiskTags.Count > 0) Add("Caller's risk tags", shown.Join(", ", f.RiskTags));
        if (f.Outcome is not null) Add("Decision", Html.H($"{UiLayout.Badge(f.Outcome)} {UiLayout.Badge(f.Tier)}"));
        if (f.Rules.Count > 0) Add("Rules", Html.H($"<span class=\"mono\">{shown.Join(", ", f.Rules)}</span>"));
        if (f.BlastReasons.Count > 0) Add("Blast reasons", Html.H($"<ul class=\"reasons\">{f.BlastReasons.Select(x => Html.H($"<li>{shown.Text(x)}</li>")).ToList()}</ul>"));
        if (f.Constraints.Count > 0) Add("Constraints", shown.Join(", ", f.Constraints.Select(c => $"{c.Name}: {c.Value}")));
        Add("Action id", Html.H($"<span class=\"mono\">{shown.Text(step.ActionId)}</span>"));
        var title = r.Steps.Count > 1 ? $"Step {index + 1}" : "Action";
        return Html.H($"<h2>{title}</h2><dl class=\"facts\">{rows}</dl>");
    }

    private static HtmlString Answer(ApprovalRequest r, Principal viewer, string csrf, DateTimeOffset now, IReadOnlyList<StepFacts> facts, int approvals)
    {
        if (r.Status != ApprovalStatus.Pending)
            return Html.H($"<p class=\"card muted\">This request is {(r.Status == ApprovalStatus.Used ? "approved and already used by the agent" : r.Status.WireName())}; it can't be answered any more.</p>");
        if (viewer.Role != Role.Reviewer)
            return Html.H($"<p class=\"card muted\">You are signed in as {viewer.Role.WireName()}: only reviewers answer approval requests.</p>");
        var action = "/approvals/" + Html.Url(r.Id);
        var word = TypedConfirmation.Word(facts);
        // The pattern makes the browser hold Approve until the word is typed; Deny skips it (formnovalidate). The server checks again.
        var confirm = word is null ? HtmlString.Empty : Html.H($"""
            <div class="confirm"><label for="confirm">Type <code class="word">{word}</code> to approve <span class="muted hint">(irreversible or critical)</span></label>
            <input type="text" id="confirm" name="{TypedConfirmation.Field}" required pattern="{TypedConfirmation.Pattern(word)}" autocomplete="off" autocapitalize="off" spellcheck="false" title="type {word} exactly"></div>
            """);
        var progress = r.ApprovalsRequired > 1 ? Html.H($" · {approvals} of {r.ApprovalsRequired} approvals") : HtmlString.Empty;
        return Html.H($"""
            <section class="card answer-card" aria-labelledby="answer-h">
            <div class="row"><h2 id="answer-h">Your answer</h2><span class="muted">expires in {UiLayout.Span(r.ExpiresAt - now)}{progress}</span></div>
            <form class="answer" method="post" action="{action}/approve">
            <input type="hidden" name="{UiSession.CsrfField}" value="{csrf}">
            {confirm}
            <label for="reason">Reason <span class="muted hint">(required to deny; sent to the agent)</span></label>
            <textarea id="reason" name="reason" maxlength="2000" rows="2" placeholder="Required to deny"></textarea>
            <div class="buttons">
            <button class="btn approve" type="submit" formaction="{action}/approve">Approve</button>
            <button class="btn deny" type="submit" formaction="{action}/deny" formnovalidate>Deny</button>
            </div>
            </form>
            </section>
            """);
    }
}
