using System.Net;
using System.Text.RegularExpressions;

namespace Interlock.Server.Tests.Web;

/// <summary>The reviewer UI's rules at the HTTP level: sign-in, cookies, CSRF, roles, encoding and the event stream.</summary>
public sealed partial class ReviewerUiHttpTests
{
    private static readonly object StagingDelete = new { command = "kubectl delete deployment web -n staging", cwd = "/home/dev/app" };

    [GeneratedRegex("name=\"_csrf\" value=\"([^\"]*)\"")]
    private static partial Regex CsrfField();

    /// <summary>A browser-like client: keeps cookies, does not follow redirects (the tests look at them).</summary>
    private sealed class Browser : IDisposable
    {
        public CookieContainer Cookies { get; } = new();
        public HttpClient Http { get; }

        public Browser(GatewayFixture gw)
        {
            Http = new HttpClient(new HttpClientHandler { CookieContainer = Cookies, AllowAutoRedirect = false }) { BaseAddress = new Uri(gw.Url + "/") };
        }

        public async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> GetAsync(string path)
        {
            var r = await Http.GetAsync(path);
            return (r.StatusCode, await r.Content.ReadAsStringAsync(), r);
        }

        public async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> PostAsync(string path, params (string, string)[] fields)
        {
            var r = await Http.PostAsync(path, new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Item1, f.Item2))));
            return (r.StatusCode, await r.Content.ReadAsStringAsync(), r);
        }

        public static string Csrf(string html) => CsrfField().Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : throw new InvalidOperationException("no CSRF field in:\n" + html);

        public async Task<HttpResponseMessage> SignInAsync(string token)
        {
            var (_, form, _) = await GetAsync("login");
            var (_, _, response) = await PostAsync("login", ("_csrf", Csrf(form)), ("token", token), ("next", "/"));
            return response;
        }

        public void Dispose() => Http.Dispose();
    }

    private static async Task<string> PendingApprovalAsync(GatewayFixture gw, string agent, object? action = null)
    {
        var (status, body) = await gw.CallAsync(HttpMethod.Post, "v1/evaluate", agent, action ?? StagingDelete);
        Assert.Equal(200, status);
        Assert.Equal("require_approval", body.GetProperty("decision").GetString());
        return body.GetProperty("approval").GetProperty("id").GetString()!;
    }

    [Fact]
    public async Task Unauthenticated_pages_redirect_to_sign_in_and_the_live_endpoints_answer_401()
    {
        await using var gw = await GatewayFixture.StartAsync();
        using var b = new Browser(gw);
        foreach (var path in new[] { "", "approvals/apr_x", "audit?kind=decision" })
        {
            var (status, _, response) = await b.GetAsync(path);
            Assert.Equal(HttpStatusCode.SeeOther, status);
            Assert.StartsWith("/login?next=%2F", response.Headers.Location!.OriginalString, StringComparison.Ordinal);
        }
        Assert.Equal(HttpStatusCode.Unauthorized, (await b.GetAsync("fragments/queue")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await b.GetAsync("events")).Status);
        var (loginStatus, login, loginResponse) = await b.GetAsync("login?next=%2Fapprovals%2Fapr_x");
        Assert.Equal(HttpStatusCode.OK, loginStatus);
        Assert.Equal("text/html", loginResponse.Content.Headers.ContentType!.MediaType);
        Assert.Contains("<label for=\"token\">Token</label>", login, StringComparison.Ordinal);
        Assert.Contains("value=\"/approvals/apr_x\"", login, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", loginResponse.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sign_in_sets_a_strict_http_only_cookie_and_refuses_bad_tokens_agents_and_forged_forms()
    {
        await using var gw = await GatewayFixture.StartAsync();
        var agent = await gw.CreatePrincipalAsync("bot", "agent");
        var reviewer = await gw.CreatePrincipalAsync("alice", "reviewer");
        using var b = new Browser(gw);

        var (_, form, _) = await b.GetAsync("login");
        var csrf = Browser.Csrf(form);
        var (forged, forgedBody, _) = await b.PostAsync("login", ("_csrf", "forged"), ("token", reviewer));
        Assert.Equal(HttpStatusCode.BadRequest, forged);
        Assert.Contains("the sign-in form expired", forgedBody, StringComparison.Ordinal);
        var (bad, badBody, _) = await b.PostAsync("login", ("_csrf", csrf), ("token", "ilk_nope"));
        Assert.Equal(HttpStatusCode.Unauthorized, bad);
        Assert.Contains("Sign-in failed: that token is not known.", badBody, StringComparison.Ordinal);
        var (asAgent, agentBody, _) = await b.PostAsync("login", ("_csrf", csrf), ("token", agent));
        Assert.Equal(HttpStatusCode.Unauthorized, asAgent);
        Assert.Contains("agent tokens can&#x27;t sign in", agentBody, StringComparison.Ordinal);
        Assert.DoesNotContain(b.Cookies.GetCookies(new Uri(gw.Url)), c => c.Name == "interlock_session");

        var (ok, _, response) = await b.PostAsync("login", ("_csrf", csrf), ("token", reviewer), ("next", "//evil.example/"));
        Assert.Equal(HttpStatusCode.SeeOther, ok);
        Assert.Equal("/", response.Headers.Location!.OriginalString);
        var setCookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("interlock_session=", StringComparison.Ordinal));
        Assert.Contains("httponly", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", setCookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("secure", setCookie, StringComparison.OrdinalIgnoreCase);
        var (queue, html, _) = await b.GetAsync("");
        Assert.Equal(HttpStatusCode.OK, queue);
        Assert.Contains("Nothing is waiting for review", html, StringComparison.Ordinal);

        // Sign-out needs the session's CSRF token; without it nothing happens.
        Assert.Equal(HttpStatusCode.SeeOther, (await b.PostAsync("logout", ("_csrf", "forged"))).Status);
        Assert.Equal(HttpStatusCode.OK, (await b.GetAsync("")).Status);
        var (_, _, logout) = await b.PostAsync("logout", ("_csrf", Browser.Csrf(html)));
        Assert.Equal("/login", logout.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.SeeOther, (await b.GetAsync("")).Status);
    }

    [Fact]
    public async Task An_answer_without_the_sessions_csrf_token_is_not_recorded()
    {
        await using var gw = await GatewayFixture.StartAsync();
        var agent = await gw.CreatePrincipalAsync("bot", "agent");
        var reviewer = await gw.CreatePrincipalAsync("alice", "reviewer");
        var id = await PendingApprovalAsync(gw, agent);
        using var b = new Browser(gw);
        await b.SignInAsync(reviewer);

        var (status, _, response) = await b.PostAsync($"approvals/{id}/approve", ("_csrf", "forged"), ("reason", "ok"));
        Assert.Equal(HttpStatusCode.SeeOther, status);
        Assert.Equal($"/approvals/{id}", response.Headers.Location!.OriginalString);
        var (_, page, _) = await b.GetAsync($"approvals/{id}");
        Assert.Contains("The form was not accepted", page, StringComparison.Ordinal);
        var (_, api) = await gw.CallAsync(HttpMethod.Get, $"v1/approvals/{id}", reviewer);
        Assert.Equal("pending", api.GetProperty("status").GetString());
        Assert.Equal(0, api.GetProperty("votes").GetArrayLength());

        // The flash message is shown once.
        var (_, again, _) = await b.GetAsync($"approvals/{id}");
        Assert.DoesNotContain("The form was not accepted", again, StringComparison.Ordinal);
        var (_, _, approved) = await b.PostAsync($"approvals/{id}/approve", ("_csrf", Browser.Csrf(again)), ("reason", "fine"), ("confirm", "approve"));
        Assert.Equal($"/approvals/{id}", approved.Headers.Location!.OriginalString);
        (_, api) = await gw.CallAsync(HttpMethod.Get, $"v1/approvals/{id}", reviewer);
        Assert.Equal("approved", api.GetProperty("status").GetString());
        var (_, done, _) = await b.GetAsync($"approvals/{id}");
        Assert.Contains("Approved. The agent may now run this action once.", done, StringComparison.Ordinal);
        Assert.Contains("This request is approved; it can't be answered any more.", done, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Auditors_read_but_get_no_answer_form_and_reviewers_do_not_get_the_audit_page()
    {
        await using var gw = await GatewayFixture.StartAsync();
        var agent = await gw.CreatePrincipalAsync("bot", "agent");
        var reviewer = await gw.CreatePrincipalAsync("alice", "reviewer");
        var auditor = await gw.CreatePrincipalAsync("carol", "auditor");
        var id = await PendingApprovalAsync(gw, agent);

        using var a = new Browser(gw);
        await a.SignInAsync(auditor);
        var (_, detail, _) = await a.GetAsync($"approvals/{id}");
        Assert.Contains("only reviewers answer approval requests", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("formaction", detail, StringComparison.Ordinal);
        // The server refuses an auditor's answer even when the form is sent by hand.
        await a.PostAsync($"approvals/{id}/approve", ("_csrf", Browser.Csrf(detail)));
        var (_, refused, _) = await a.GetAsync($"approvals/{id}");
        Assert.Contains("Not recorded: only reviewers approve or deny", refused, StringComparison.Ordinal);
        var (auditStatus, audit, _) = await a.GetAsync("audit?kind=decision&agent=bot");
        Assert.Equal(HttpStatusCode.OK, auditStatus);
        Assert.Contains("Chain verified", audit, StringComparison.Ordinal);
        Assert.Contains("kubectl delete deployment web -n staging", audit, StringComparison.Ordinal);
        var (_, badFilter, _) = await a.GetAsync("audit?after=abc");
        Assert.Contains("query &#x27;after&#x27; must be a sequence number", badFilter, StringComparison.Ordinal);

        using var r = new Browser(gw);
        await r.SignInAsync(reviewer);
        Assert.Equal(HttpStatusCode.Forbidden, (await r.GetAsync("audit")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await r.GetAsync("approvals/apr_missing")).Status);
    }

    [Fact]
    public async Task An_agents_command_text_is_shown_as_text_never_as_markup()
    {
        await using var gw = await GatewayFixture.StartAsync();
        var agent = await gw.CreatePrincipalAsync("bot", "agent");
        var reviewer = await gw.CreatePrincipalAsync("alice", "reviewer");
        var hostile = "kubectl delete deployment '<script>alert(1)</script>\"><img src=x onerror=alert(2)>' -n staging";
        var id = await PendingApprovalAsync(gw, agent, new { command = hostile, cwd = "/home/dev/app" });
        using var b = new Browser(gw);
        await b.SignInAsync(reviewer);
        foreach (var path in new[] { "", "fragments/queue", $"approvals/{id}" })
        {
            var (_, html, _) = await b.GetAsync(path);
            Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)&gt;", html, StringComparison.Ordinal);
            Assert.DoesNotContain("<script>alert", html, StringComparison.Ordinal);
            Assert.DoesNotContain("<img", html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Hidden_and_control_characters_in_agent_text_are_shown_escaped_and_marked_on_every_page()
    {
        await using var gw = await GatewayFixture.StartAsync();
        var agent = await gw.CreatePrincipalAsync("bot", "agent");
        var reviewer = await gw.CreatePrincipalAsync("alice", "reviewer");
        var auditor = await gw.CreatePrincipalAsync("carol", "auditor");
        // U+202E reverses what follows; ESC [2K and CR would repaint a terminal line.
        var command = "kubectl delete deployment web -n staging \u202e#gnp.x\u202c \u001b[2K\rls";
        var id = await PendingApprovalAsync(gw, agent, new { command, cwd = "/home/dev/app" });
        using var r = new Browser(gw);
        await r.SignInAsync(reviewer);
        using var a = new Browser(gw);
        await a.SignInAsync(auditor);
        foreach (var (b, path) in new[] { (r, ""), (r, "fragments/queue"), (r, $"approvals/{id}"), (a, "audit") })
        {
            var (_, html, _) = await b.GetAsync(path);
            // Neither raw nor as a character reference the browser would turn back into the character.
            var decoded = WebUtility.HtmlDecode(html);
            foreach (var raw in new[] { '\u202e', '\u202c', '\u001b', '\r' })
                Assert.False(decoded.Contains(raw, StringComparison.Ordinal), $"{path}: U+{(int)raw:X4} reaches the page");
            Assert.Contains("<mark class=\"ctl\">&lt;U+202E&gt;</mark>#gnp.x<mark class=\"ctl\">&lt;U+202C&gt;</mark>", html, StringComparison.Ordinal);
            Assert.Contains("<mark class=\"ctl\">\\x1b</mark>[2K<mark class=\"ctl\">\\r</mark>ls", html, StringComparison.Ordinal);
            Assert.Contains("hidden or control characters", html, StringComparison.Ordinal);
        }
        var (_, detail, _) = await r.GetAsync($"approvals/{id}");
        Assert.Contains("This action contains hidden or control characters: what is shown is escaped", detail, StringComparison.Ordinal);

        // A request without any shows no warning (another agent's: the page shows the agent's history too).
        var other = await gw.CreatePrincipalAsync("tidy-bot", "agent");
        var (_, clean) = await gw.CallAsync(HttpMethod.Post, "v1/evaluate", other, StagingDelete);
        var (_, cleanPage, _) = await r.GetAsync($"approvals/{clean.GetProperty("approval").GetProperty("id").GetString()}");
        Assert.DoesNotContain("hidden or control characters", cleanPage, StringComparison.Ordinal);
        Assert.DoesNotContain("<mark", cleanPage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_event_stream_sends_approval_events_and_heartbeats_and_unsubscribes_on_disconnect()
    {
        var clock = new ManualClock(DateTimeOffset.UtcNow);
        await using var gw = await GatewayFixture.StartAsync(o => o with { Time = clock });
        var agent = await gw.CreatePrincipalAsync("bot", "agent");
        var reviewer = await gw.CreatePrincipalAsync("alice", "reviewer");
        using var b = new Browser(gw);
        await b.SignInAsync(reviewer);
        var subscribers = () => gw.Host.Services.Events.SubscriberCount;
        var before = subscribers();

        using (var response = await b.Http.GetAsync("events", HttpCompletionOption.ResponseHeadersRead))
        {
            Assert.Equal("text/event-stream", response.Content.Headers.ContentType!.MediaType);
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            async Task<string> ReadUntilAsync(string marker)
            {
                var seen = new List<string>();
                while (await reader.ReadLineAsync(timeout.Token) is { } line)
                {
                    seen.Add(line);
                    if (line.StartsWith(marker, StringComparison.Ordinal)) return line;
                }
                throw new InvalidOperationException("the stream ended: " + string.Join("\n", seen));
            }
            await ReadUntilAsync(": connected");
            Assert.Equal(before + 1, subscribers());
            var id = await PendingApprovalAsync(gw, agent);
            Assert.Equal("event: approval", await ReadUntilAsync("event: approval"));
            var data = await ReadUntilAsync("data: ");
            Assert.Contains($"\"id\":\"{id}\"", data, StringComparison.Ordinal);
            Assert.Contains("\"type\":\"approval.pending\"", data, StringComparison.Ordinal);
            clock.Advance(Interlock.Server.Web.ReviewerUi.Heartbeat + TimeSpan.FromSeconds(1));
            await ReadUntilAsync(": heartbeat");
        }
        // The server notices the closed connection and drops the subscription.
        for (var i = 0; i < 100 && subscribers() > before; i++) await Task.Delay(50);
        Assert.Equal(before, subscribers());
    }
}
