using System.Text.Json;
using System.Threading.Channels;
using Interlock.Approvals;
using Interlock.Identity;
using Interlock.Server.Api;
using Interlock.Server.Approvals;
using Interlock.Server.Gateway;
using Interlock.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Interlock.Server.Web;

/// <summary>The reviewer web UI at <c>/</c>: sign in, live queue, approval detail, audit page.</summary>
public static class ReviewerUi
{
    /// <summary>How often an idle event stream sends a comment, so proxies and browsers keep it open.</summary>
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    private const int QueueLimit = 200;
    private const int AuditPageSize = 50;
    private const int MaxReason = 2000;

    public static void Map(WebApplication app, GatewayServices services)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(services);
        var s = services;
        var ui = new UiSession(s);
        // Event streams end when the server stops instead of holding shutdown open until its timeout.
        var stopping = app.Lifetime.ApplicationStopping;
        app.MapGet("/login", (Delegate)((HttpContext c) => LoginFormAsync(c, ui)));
        app.MapPost("/login", (Delegate)((HttpContext c) => LoginAsync(c, ui)));
        app.MapPost("/logout", (Delegate)((HttpContext c) => LogoutAsync(c, ui)));
        app.MapGet("/", (Delegate)((HttpContext c) => QueueAsync(c, s, ui)));
        app.MapGet("/fragments/queue", (Delegate)((HttpContext c) => QueueFragmentAsync(c, s, ui)));
        app.MapGet("/events", (HttpContext c) => EventsAsync(c, s, ui, stopping));
        app.MapGet("/approvals/{id}", (HttpContext c, string id) => DetailAsync(c, s, ui, id));
        app.MapPost("/approvals/{id}/approve", (HttpContext c, string id) => AnswerAsync(c, s, ui, id, approve: true));
        app.MapPost("/approvals/{id}/deny", (HttpContext c, string id) => AnswerAsync(c, s, ui, id, approve: false));
        app.MapGet("/audit", (Delegate)((HttpContext c) => AuditAsync(c, s, ui)));
    }

    private static IResult SeeOther(HttpContext c, string location)
    {
        c.Response.Headers.CacheControl = "no-store";
        c.Response.Headers.Location = location;
        return Results.StatusCode(StatusCodes.Status303SeeOther);
    }

    /// <summary>Only a path on this server: never another origin (<c>//host</c>, <c>/\host</c>) after sign-in.</summary>
    private static string SafeNext(string? next) =>
        next is { Length: > 0 and < 2000 } n && n[0] == '/' && (n.Length == 1 || (n[1] != '/' && n[1] != '\\')) && !n.Any(char.IsControl) ? n : "/";

    private static IResult ToLogin(HttpContext c) =>
        SeeOther(c, "/login?next=" + Html.Url(c.Request.Path + c.Request.QueryString));

    private static IResult Message(HttpContext c, Principal? user, string? csrf, int status, string title, string text) =>
        UiLayout.Page(c, title, Html.H($"<h1>{title}</h1><p class=\"card\">{text}</p><p><a href=\"/\">← Queue</a></p>"), user, csrf, status: status);

    private static async Task<IResult> LoginFormAsync(HttpContext c, UiSession ui)
    {
        var next = SafeNext(c.Request.Query["next"]);
        if (await ui.PrincipalAsync(c).ConfigureAwait(false) is not null) return SeeOther(c, next);
        return UiLayout.Page(c, "Sign in", LoginPage.Main(ui.LoginCsrf(c), next, null), null, null);
    }

    private static async Task<IResult> LoginAsync(HttpContext c, UiSession ui)
    {
        if (!c.Request.HasFormContentType) return UiLayout.Page(c, "Sign in", LoginPage.Main(ui.LoginCsrf(c), "/", "send the sign-in form"), null, null, status: 400);
        var form = await c.Request.ReadFormAsync(c.RequestAborted).ConfigureAwait(false);
        var next = SafeNext(form["next"]);
        if (!ui.CheckCsrf(c, form, login: true))
            return UiLayout.Page(c, "Sign in", LoginPage.Main(ui.LoginCsrf(c), next, "the sign-in form expired; please sign in again"), null, null, status: 400);
        var (principal, problem) = await ui.SignInAsync(c, form["token"].ToString()).ConfigureAwait(false);
        if (principal is null) return UiLayout.Page(c, "Sign in", LoginPage.Main(ui.LoginCsrf(c), next, $"Sign-in failed: {problem}."), null, null, status: 401);
        return SeeOther(c, next);
    }

    private static async Task<IResult> LogoutAsync(HttpContext c, UiSession ui)
    {
        if (!c.Request.HasFormContentType) return SeeOther(c, "/");
        var form = await c.Request.ReadFormAsync(c.RequestAborted).ConfigureAwait(false);
        // A cross-site page must not be able to sign a reviewer out either.
        if (!ui.CheckCsrf(c, form)) return SeeOther(c, "/");
        ui.SignOut(c);
        return SeeOther(c, "/login");
    }

    private static async Task<IResult> QueueAsync(HttpContext c, GatewayServices s, UiSession ui)
    {
        var user = await ui.PrincipalAsync(c).ConfigureAwait(false);
        if (user is null) return ToLogin(c);
        var pending = await s.Approvals.ListAsync(ApprovalStatus.Pending, null, QueueLimit, c.RequestAborted).ConfigureAwait(false);
        var main = QueuePage.Main(QueuePage.Fragment(pending, s.Time.GetUtcNow()));
        return UiLayout.Page(c, "Queue", main, user, ui.Csrf(c), QueuePage.LiveScript);
    }

    private static async Task<IResult> QueueFragmentAsync(HttpContext c, GatewayServices s, UiSession ui)
    {
        if (await ui.PrincipalAsync(c).ConfigureAwait(false) is null) return Results.Text("sign in first", statusCode: 401);
        var pending = await s.Approvals.ListAsync(ApprovalStatus.Pending, null, QueueLimit, c.RequestAborted).ConfigureAwait(false);
        return UiLayout.Fragment(c, QueuePage.Fragment(pending, s.Time.GetUtcNow()));
    }

    /// <summary>
    /// Server-sent events: one <c>approval</c> event per <see cref="ApprovalEvents"/> publication (type, id, status,
    /// agent — the page re-fetches the queue) and a comment every <see cref="Heartbeat"/>. A slow browser loses the
    /// oldest events rather than holding memory; any event triggers a full re-fetch, so nothing is missed on screen.
    /// </summary>
    private static async Task EventsAsync(HttpContext c, GatewayServices s, UiSession ui, CancellationToken stopping)
    {
        if (await ui.PrincipalAsync(c).ConfigureAwait(false) is null)
        {
            c.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }
        c.Response.ContentType = "text/event-stream";
        c.Response.Headers.CacheControl = "no-cache";
        c.Response.Headers["X-Accel-Buffering"] = "no";
        c.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        var channel = Channel.CreateBounded<ApprovalEvent>(new BoundedChannelOptions(64) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        using var subscription = s.Events.Subscribe(e => channel.Writer.TryWrite(e));
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(c.RequestAborted, stopping);
        var ct = cts.Token;
        using var heartbeat = new PeriodicTimer(Heartbeat, s.Time);
        try
        {
            await c.Response.WriteAsync("retry: 3000\n: connected\n\n", ct).ConfigureAwait(false);
            await c.Response.Body.FlushAsync(ct).ConfigureAwait(false);
            var tick = heartbeat.WaitForNextTickAsync(ct).AsTask();
            var read = channel.Reader.WaitToReadAsync(ct).AsTask();
            while (true)
            {
                var done = await Task.WhenAny(tick, read).ConfigureAwait(false);
                if (done == read)
                {
                    if (!await read.ConfigureAwait(false)) break;
                    while (channel.Reader.TryRead(out var e))
                    {
                        var data = JsonSerializer.Serialize(new { type = e.Type, id = e.Request.Id, status = e.Request.Status.WireName(), agent = e.Request.Agent }, ApiJson.Options);
                        await c.Response.WriteAsync($"event: approval\ndata: {data}\n\n", ct).ConfigureAwait(false);
                    }
                    read = channel.Reader.WaitToReadAsync(ct).AsTask();
                }
                else
                {
                    if (!await tick.ConfigureAwait(false)) break;
                    await c.Response.WriteAsync(": heartbeat\n\n", ct).ConfigureAwait(false);
                    tick = heartbeat.WaitForNextTickAsync(ct).AsTask();
                }
                await c.Response.Body.FlushAsync(ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The browser went away or the server is stopping; the subscription is disposed on the way out.
        }
        catch (IOException)
        {
        }
    }

    private static async Task<IResult> DetailAsync(HttpContext c, GatewayServices s, UiSession ui, string id)
    {
        var user = await ui.PrincipalAsync(c).ConfigureAwait(false);
        if (user is null) return ToLogin(c);
        var csrf = ui.Csrf(c);
        var request = await s.Approvals.GetAsync(id, c.RequestAborted).ConfigureAwait(false);
        if (request is null) return Message(c, user, csrf, 404, "Not found", $"There is no approval '{id}'.");
        var history = await s.Audit.QueryAsync(new AuditQuery { Agent = request.Agent, Newest = true, Limit = 20 }, c.RequestAborted).ConfigureAwait(false);
        var main = ApprovalPage.Main(request, user, csrf, s.Time.GetUtcNow(), history, linkAudit: user.Role is Role.Auditor or Role.Admin, ui.TakeFlash(c));
        return UiLayout.Page(c, "Approval " + request.Id, main, user, csrf);
    }

    private static async Task<IResult> AnswerAsync(HttpContext c, GatewayServices s, UiSession ui, string id, bool approve)
    {
        var back = "/approvals/" + Html.Url(id);
        var user = await ui.PrincipalAsync(c).ConfigureAwait(false);
        if (user is null) return SeeOther(c, "/login?next=" + Html.Url(back));
        if (!c.Request.HasFormContentType) return Message(c, user, ui.Csrf(c), 400, "Bad request", "Answers are sent with the form on the approval page.");
        var form = await c.Request.ReadFormAsync(c.RequestAborted).ConfigureAwait(false);
        if (!ui.CheckCsrf(c, form))
        {
            ui.SetFlash(c, false, "The form was not accepted (it expired or came from another site); nothing was recorded. Check the request and answer again.");
            return SeeOther(c, back);
        }
        var reason = form["reason"].ToString().Trim();
        if (reason.Length > MaxReason)
        {
            ui.SetFlash(c, false, $"The reason is longer than {MaxReason} characters; nothing was recorded.");
            return SeeOther(c, back);
        }
        // The answer path checks this too; asked here first for the page's own wording of the refusal.
        if (approve && await ApprovalEndpoints.MissingConfirmationAsync(s, user, id, reason.Length == 0 ? null : reason, form[TypedConfirmation.Field], c.RequestAborted).ConfigureAwait(false) is { } word)
        {
            // Checked here, not only by the form's pattern: a page edited or scripted around it is refused the same.
            ui.SetFlash(c, false, $"Not recorded: this action cannot be undone or its blast radius is critical; type {word} to approve it.");
            return SeeOther(c, back);
        }
        // The same path as the API's POST /v1/approvals/{id}/approve|deny: one place decides who may answer what.
        var result = await ApprovalEndpoints.AnswerAsync(s, user, id, approve, reason.Length == 0 ? null : reason, c.RequestAborted, form[TypedConfirmation.Field]).ConfigureAwait(false);
        if (result is ApiProblem problem)
        {
            ui.SetFlash(c, false, $"Not recorded: {problem.Detail}.");
            return SeeOther(c, back);
        }
        // The message comes from the state this vote produced: a re-read could already see it used by the waiting agent.
        var view = (result as IValueHttpResult)?.Value as ApiViews.ApprovalView;
        var message = view?.Status switch
        {
            "approved" => "Approved. The agent may now run this action once.",
            "denied" => "Denied. The agent has been told your reason.",
            _ when view is not null => $"Your approval is recorded; {view.Votes.Count(v => v.Approved)} of {view.ApprovalsRequired} approvals so far.",
            _ => "Your answer is recorded.",
        };
        ui.SetFlash(c, true, message);
        return SeeOther(c, back);
    }

    private static async Task<IResult> AuditAsync(HttpContext c, GatewayServices s, UiSession ui)
    {
        var user = await ui.PrincipalAsync(c).ConfigureAwait(false);
        if (user is null) return ToLogin(c);
        var csrf = ui.Csrf(c);
        // The same roles as GET /v1/audit: reviewers see an agent's recent history on the approval page only.
        if (user.Role is not (Role.Auditor or Role.Admin))
            return Message(c, user, csrf, 403, "Not allowed", $"The audit log is for auditors and admins; you are signed in as {user.Role.WireName()}.");
        var q = c.Request.Query;
        var (parsed, problem) = AuditEndpoints.ParseQuery(q);
        string? Opt(string name) => q[name].ToString() is { Length: > 0 } v ? v : null;
        var filter = new AuditPage.Filter(Opt("agent"), Opt("kind"), Opt("action"), parsed?.After ?? 0, parsed?.Before);
        var query = (parsed ?? new AuditQuery()) with { Newest = true, Limit = AuditPageSize };
        if (parsed is null) filter = new AuditPage.Filter(null, null, null, 0, null);
        var records = await s.Audit.QueryAsync(query, c.RequestAborted).ConfigureAwait(false);
        var head = await s.Audit.HeadAsync(c.RequestAborted).ConfigureAwait(false);
        var verification = await Task.Run(() => AuditEndpoints.Verify(s), c.RequestAborted).ConfigureAwait(false);
        var main = AuditPage.Main(filter, records, verification, head, AuditPageSize, problem is null ? null : (false, problem.Detail));
        return UiLayout.Page(c, "Audit log", main, user, csrf);
    }
}
