using Interlock.Approvals;

namespace Interlock.Server.Web;

/// <summary>The live queue of pending approvals: the page and the fragment the page re-fetches on every event.</summary>
public static class QueuePage
{
    public static HtmlString Main(HtmlString fragment) => Html.H($"""
        <div class="row"><h1>Pending approvals</h1><span id="live" class="live" aria-live="polite">connecting…</span></div>
        <div id="queue">{fragment}</div>
        """);

    public static HtmlString Fragment(IReadOnlyList<ApprovalRequest> pending, DateTimeOffset now)
    {
        if (pending.Count == 0)
            return Html.H($"<p class=\"card empty\" data-count=\"0\">Nothing is waiting for review. New requests appear here as agents ask.</p>");
        var rows = pending.OrderBy(r => r.ExpiresAt).Select(r => Row(r, now)).ToList();
        return Html.H($"""
            <p class="caption muted" id="queue-caption">{pending.Count} waiting, soonest expiry first</p>
            <table class="stack" data-count="{pending.Count}" aria-describedby="queue-caption">
            <thead><tr><th scope="col">Agent</th><th scope="col">What it would do</th><th scope="col">Environment</th><th scope="col">Blast radius</th><th scope="col">Age</th><th scope="col">Expires in</th><th scope="col"><span class="muted">Review</span></th></tr></thead>
            <tbody>{rows}</tbody>
            </table>
            """);
    }

    // A row shows what tells requests apart: where, how bad, what the preview found (else the command), and how old.
    private static HtmlString Row(ApprovalRequest r, DateTimeOffset now)
    {
        var facts = r.Details.Select(StepFacts.Parse).ToList();
        var more = r.Steps.Count > 1 ? Html.H($" <span class=\"muted\">(plan, {r.Steps.Count} steps)</span>") : HtmlString.Empty;
        var href = "/approvals/" + Html.Url(r.Id);
        var votes = r.ApprovalsRequired > 1 ? Html.H($" <span class=\"muted\">{r.Votes.Count(v => v.Approved)}/{r.ApprovalsRequired}</span>") : HtmlString.Empty;
        // Agent and command are the agent's words: escapes marked, and the row labelled when there are any.
        var shown = new ShownText();
        var agent = shown.Text(r.Agent);
        var firstLine = FirstLine(facts.Count > 0 && facts[0].Command is { } c ? c : r.Steps[0].Summary);
        var command = shown.Text(firstLine);
        // The preview's headline comes from the world, not the agent, but is escaped and marked the same way.
        var preview = facts.SelectMany(f => f.Previews).FirstOrDefault();
        // Any incomplete preview is flagged, not only the first: the row must not read as fully known.
        var incomplete = facts.SelectMany(f => f.Previews).Any(p => p.Status == Interlock.Previews.PreviewStatus.Incomplete);
        var what = preview is null
            ? Html.H($"<a href=\"{href}\"><code>{command}</code></a>")
            : Html.H($"<a href=\"{href}\">{shown.Text(preview.Headline)}</a>{(incomplete ? Html.H($" {UiLayout.Badge("incomplete", "incomplete preview")}") : HtmlString.Empty)}<code class=\"sub\">{command}</code>");
        var environment = facts.Select(f => f.Environment).FirstOrDefault(e => e is not null);
        return Html.H($"""
            <tr data-id="{r.Id}">
            <td data-label="Agent">{agent}</td>
            <td class="cmd" data-label="What">{what}{more}{UiLayout.HiddenBadge(shown)}</td>
            <td data-label="Environment">{(environment is null ? Html.H($"<span class=\"muted\">not detected</span>") : UiLayout.Badge(environment))}</td>
            <td data-label="Blast radius">{UiLayout.Badge(StepFacts.WorstLevel(facts))}</td>
            <td data-label="Age">{UiLayout.Span(now - r.CreatedAt)}</td>
            <td data-label="Expires in">{UiLayout.Span(r.ExpiresAt - now)}</td>
            <td><a class="open" href="{href}">Review</a>{votes}</td>
            </tr>
            """);
    }

    private static string FirstLine(string text)
    {
        var nl = text.IndexOf('\n', StringComparison.Ordinal);
        return nl < 0 ? text : text[..nl] + " …";
    }

    /// <summary>
    /// Keeps the queue current without reloads: every server-sent event re-fetches the fragment (one fetch at a time),
    /// a reconnect re-fetches too (events missed while away), and a slow timer keeps the ages fresh.
    /// </summary>
    public const string LiveScript = """
        (function(){
          var box=document.getElementById('queue'),live=document.getElementById('live'),busy=false,again=false;
          function refresh(){
            if(busy){again=true;return;}
            busy=true;
            fetch('/fragments/queue',{credentials:'same-origin',cache:'no-store'}).then(function(r){
              if(r.status===401){location.href='/login?next=/';return null;}
              return r.ok?r.text():null;
            }).then(function(t){if(typeof t==='string'){box.innerHTML=t;}}).catch(function(){}).finally(function(){
              busy=false;if(again){again=false;refresh();}
            });
          }
          var es=new EventSource('/events');
          es.onopen=function(){live.className='live on';live.textContent='live';refresh();};
          es.addEventListener('approval',refresh);
          es.onerror=function(){live.className='live';live.textContent='reconnecting…';};
          setInterval(refresh,30000);
        })();
        """;
}
