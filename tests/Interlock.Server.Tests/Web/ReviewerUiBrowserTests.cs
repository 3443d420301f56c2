using System.Text.Json;

namespace Interlock.Server.Tests.Web;

/// <summary>
/// The reviewer UI end to end in real headless Chromium: an agent's call waits on <c>POST /v1/evaluate?wait=</c> while a
/// reviewer signs in, watches the request arrive in the live queue, reads it and answers it. Screenshots (laptop and
/// phone widths) are left in <c>artifacts/screenshots/</c>. One class per flow so xunit runs the browsers in parallel.
/// </summary>
internal static class BrowserFlows
{
    public static readonly object StagingDelete = new { command = "kubectl delete deployment web -n staging", cwd = "/home/dev/app" };

    /// <summary>Runs the browser script; starts the agent's waiting call the moment the queue is open and live.</summary>
    public static async Task<(JsonElement Browser, int Status, JsonElement Agent)> RunWithAgentCallAsync(GatewayFixture gw, string agent, string reviewer, string mode, string reason)
    {
        Task<(int, JsonElement)>? call = null;
        var browser = await BrowserScript.RunAsync(gw.Url, reviewer, mode, reason, line =>
        {
            if (line.TryGetProperty("ready", out _)) call = gw.CallAsync(HttpMethod.Post, "v1/evaluate?wait=120", agent, StagingDelete);
            return Task.CompletedTask;
        });
        Assert.NotNull(call);
        var (status, body) = await call.WaitAsync(TimeSpan.FromSeconds(30));
        return (browser, status, body);
    }

    public static void AssertPhoneFits(JsonElement browser)
    {
        foreach (var p in browser.EnumerateObject().Where(p => p.Name.EndsWith("-phone_overflows", StringComparison.Ordinal)))
            Assert.False(p.Value.GetBoolean(), $"{p.Name}: the page scrolls sideways at 390 px");
    }

}

public sealed class ReviewerUiApproveInBrowserTests
{
    [Fact]
    public async Task A_reviewer_sees_the_request_arrive_live_and_approves_it_and_the_waiting_agent_is_allowed()
    {
        await using var gw = await GatewayFixture.StartAsync();
        var agent = await gw.CreatePrincipalAsync("deploy-bot", "agent");
        var reviewer = await gw.CreatePrincipalAsync("alice", "reviewer");
        var auditor = await gw.CreatePrincipalAsync("aud", "auditor");

        var (browser, status, body) = await BrowserFlows.RunWithAgentCallAsync(gw, agent, reviewer, "approve", "staging cleanup, ticket OPS-42");

        Assert.Contains("not known", browser.GetProperty("bad_login").GetString(), StringComparison.Ordinal);
        Assert.True(browser.GetProperty("empty_at_start").GetBoolean());
        Assert.False(browser.GetProperty("reloaded").GetBoolean(), "the item must arrive over server-sent events, not a reload");
        var row = browser.GetProperty("queue_row").GetString()!;
        Assert.Contains("deploy-bot", row, StringComparison.Ordinal);
        Assert.Contains("kubectl delete deployment web -n staging", row, StringComparison.Ordinal);
        Assert.Equal("kubectl delete deployment web -n staging", browser.GetProperty("command").GetString());
        Assert.StartsWith("Approved", browser.GetProperty("flash").GetString(), StringComparison.Ordinal);
        Assert.Contains(browser.GetProperty("status").GetString(), new[] { "approved", "used" });
        BrowserFlows.AssertPhoneFits(browser);

        Assert.Equal(200, status);
        Assert.Equal("allow", body.GetProperty("decision").GetString());
        Assert.Contains(body.GetProperty("reasons").EnumerateArray(), r => r.GetString()!.Contains("approved by alice", StringComparison.Ordinal));

        var (auditStatus, audit) = await gw.CallAsync(HttpMethod.Get, "v1/audit?kind=approval", auditor);
        Assert.Equal(200, auditStatus);
        var record = Assert.Single(audit.GetProperty("records").EnumerateArray());
        Assert.Equal("alice", record.GetProperty("payload").GetProperty("approver").GetString());
        Assert.True(record.GetProperty("payload").GetProperty("approved").GetBoolean());
        Assert.Equal("staging cleanup, ticket OPS-42", record.GetProperty("payload").GetProperty("reason").GetString());
        Assert.Equal("deploy-bot", record.GetProperty("agent").GetString());

        foreach (var shot in new[] { "approve-queue-laptop", "approve-queue-phone", "approve-detail-laptop", "approve-detail-phone", "approve-answered-laptop" })
            BrowserScript.AssertScreenshot(shot);
    }

}

public sealed class ReviewerUiDenyInBrowserTests
{
    [Fact]
    public async Task A_deny_needs_a_reason_the_agent_gets_it_and_a_stale_second_answer_is_refused_on_the_page()
    {
        await using var gw = await GatewayFixture.StartAsync();
        var agent = await gw.CreatePrincipalAsync("deploy-bot", "agent");
        var reviewer = await gw.CreatePrincipalAsync("bob", "reviewer");

        var (browser, status, body) = await BrowserFlows.RunWithAgentCallAsync(gw, agent, reviewer, "deny", "not during the release freeze");

        Assert.Contains("a reason is required to deny", browser.GetProperty("deny_without_reason").GetString(), StringComparison.Ordinal);
        Assert.StartsWith("Denied", browser.GetProperty("flash").GetString(), StringComparison.Ordinal);
        Assert.Contains("already denied", browser.GetProperty("stale_approve").GetString(), StringComparison.Ordinal);
        Assert.Equal("denied", browser.GetProperty("status").GetString());
        BrowserFlows.AssertPhoneFits(browser);

        Assert.Equal(200, status);
        Assert.Equal("deny", body.GetProperty("decision").GetString());
        Assert.Contains(body.GetProperty("reasons").EnumerateArray(), r => r.GetString() == "denied by reviewer bob: not during the release freeze");
        foreach (var shot in new[] { "deny-queue-laptop", "deny-detail-phone", "deny-answered-laptop" })
            BrowserScript.AssertScreenshot(shot);
    }

}

public sealed class ReviewerUiAuditInBrowserTests
{
    [Fact]
    public async Task An_auditor_reads_the_audit_page_with_the_chain_verified()
    {
        await using var gw = await GatewayFixture.StartAsync();
        var agent = await gw.CreatePrincipalAsync("bot", "agent");
        var auditor = await gw.CreatePrincipalAsync("carol", "auditor");
        Assert.Equal(200, (await gw.CallAsync(HttpMethod.Post, "v1/evaluate", agent, new { command = "git push --force origin main", cwd = "/home/dev/app" })).Status);
        Assert.Equal(200, (await gw.CallAsync(HttpMethod.Post, "v1/evaluate", agent, new { command = "ls -la", cwd = "/home/dev/app" })).Status);
        Assert.Equal(200, (await gw.CallAsync(HttpMethod.Post, "v1/evaluate", agent, BrowserFlows.StagingDelete)).Status);

        var browser = await BrowserScript.RunAsync(gw.Url, auditor, "audit", "");

        Assert.StartsWith("Chain verified", browser.GetProperty("chain").GetString(), StringComparison.Ordinal);
        Assert.True(browser.GetProperty("records").GetInt32() >= 3);
        BrowserFlows.AssertPhoneFits(browser);
        BrowserScript.AssertScreenshot("audit-laptop");
        BrowserScript.AssertScreenshot("audit-phone");
    }
}

public sealed class ReviewerUiHiddenCharactersInBrowserTests
{
    [Fact]
    public async Task A_command_with_bidi_and_escape_characters_is_shown_escaped_and_marked_in_the_live_queue_and_the_detail()
    {
        // The command's own display is under test: no preview repeats its words elsewhere on the page.
        await using var gw = await GatewayFixture.StartAsync(o => o with { Previews = new() { Enabled = false } });
        var agent = await gw.CreatePrincipalAsync("deploy-bot", "agent");
        var reviewer = await gw.CreatePrincipalAsync("alice", "reviewer");
        // Rendered raw, U+202E turns "x.png#" around and ESC [2K + CR would erase a terminal line.
        var command = "kubectl delete deployment web -n staging \u202e#gnp.x\u202c \u001b[2K\rls";

        Task<(int, JsonElement)>? call = null;
        var browser = await BrowserScript.RunAsync(gw.Url, reviewer, "hidden", "", line =>
        {
            if (line.TryGetProperty("ready", out _)) call = gw.CallAsync(HttpMethod.Post, "v1/evaluate", agent, new { command, cwd = "/home/dev/app" });
            return Task.CompletedTask;
        });
        Assert.NotNull(call);
        var (status, body) = await call.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(200, status);
        Assert.Equal("require_approval", body.GetProperty("decision").GetString());

        Assert.False(browser.GetProperty("reloaded").GetBoolean(), "the item must arrive over server-sent events, not a reload");
        var row = browser.GetProperty("queue_row").GetString()!;
        var shown = browser.GetProperty("command").GetString()!;
        var page = browser.GetProperty("page_text").GetString()!;
        foreach (var text in new[] { row, shown, page })
            foreach (var raw in new[] { '\u202e', '\u202c', '\u001b', '\r' })
                Assert.False(text.Contains(raw, StringComparison.Ordinal), $"U+{(int)raw:X4} is on the page: {text}");
        Assert.False(browser.GetProperty("page_html_has_raw").GetBoolean(), "the page's text holds a raw control character");
        Assert.Equal(@"kubectl delete deployment web -n staging <U+202E>#gnp.x<U+202C> \x1b[2K\rls", shown);
        Assert.Contains(@"<U+202E>#gnp.x<U+202C> \x1b[2K\rls", row, StringComparison.Ordinal);
        string[] marks = ["<U+202E>", "<U+202C>", @"\x1b", @"\r"];
        Assert.Equal(marks, browser.GetProperty("queue_marks").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(marks, browser.GetProperty("detail_marks").EnumerateArray().Select(m => m.GetString()));
        Assert.Contains("hidden or control characters", browser.GetProperty("queue_warning").GetString(), StringComparison.Ordinal);
        Assert.Contains("This action contains hidden or control characters: what is shown is escaped", browser.GetProperty("banner").GetString(), StringComparison.Ordinal);
        BrowserScript.AssertScreenshot("hidden-detail-laptop");
    }
}

public sealed class ReviewerUiPreviewInBrowserTests
{
    [Fact]
    public async Task A_force_push_with_lost_commits_fits_the_first_screen_and_needs_the_typed_word_to_approve()
    {
        await using var gw = await PreviewedApprovals.StartAsync();
        var reviewer = await gw.CreatePrincipalAsync("alice", "reviewer");
        var reply = await PreviewedApprovals.RequestAsync(gw, "deploy-bot", PreviewedApprovals.ForcePush, PreviewedApprovals.ForcePushPreview);
        var id = reply.Approval!.Id;

        var browser = await BrowserScript.RunAsync(gw.Url, reviewer, "preview", id);
        // The measurements stay beside the screenshots for a person to read.
        await File.WriteAllTextAsync(Path.Combine(BrowserScript.ScreenshotDir, "preview-measurements.json"), browser.GetRawText());

        var row = browser.GetProperty("queue_row").GetString()!;
        Assert.Contains("force push loses 3 commits on origin/feature/login", row, StringComparison.Ordinal);
        Assert.Contains("high", row, StringComparison.Ordinal);
        string[] commits = [.. PreviewedApprovals.LostCommits.Select(c => $"{c.Text} {c.Detail}")];
        foreach (var (screen, height) in new[] { ("laptop", 900), ("phone", 844) })
        {
            var s = browser.GetProperty(screen);
            Assert.Equal(height, s.GetProperty("viewport_height").GetInt32());
            Assert.Equal(commits, s.GetProperty("items").EnumerateArray().Select(i => i.GetString()));
            Assert.False(s.GetProperty("items_clipped").GetBoolean(), $"{screen}: a lost commit is scrolled out of its list");
            var itemsBottom = s.GetProperty("items_bottom").GetDouble();
            var approveBottom = s.GetProperty("approve_bottom").GetDouble();
            Assert.True(itemsBottom <= height, $"{screen}: the lost commits end at {itemsBottom} px, below the first {height} px");
            Assert.True(approveBottom <= height, $"{screen}: the Approve button ends at {approveBottom} px, below the first {height} px");
            // Metadata waits below the answer.
            Assert.True(s.GetProperty("metadata_top").GetDouble() > approveBottom, $"{screen}: metadata comes before the Approve button");
            Assert.StartsWith("force push loses 3 commits on origin/feature/login", s.GetProperty("headline").GetString(), StringComparison.Ordinal);
            // innerText shows the tiles' labels in capitals (CSS text-transform).
            Assert.Equal("ENVIRONMENT not detected BLAST RADIUS high SCOPE 3 commits · workspace REVERSIBILITY irreversible COUPLING none mapped", s.GetProperty("blast").GetString());
            Assert.Equal(0, s.GetProperty("incomplete").GetArrayLength());
        }
        BrowserFlows.AssertPhoneFits(browser);

        Assert.Equal("approve", browser.GetProperty("word").GetString());
        Assert.NotEqual("", browser.GetProperty("empty_message").GetString());
        Assert.NotEqual("", browser.GetProperty("wrong_message").GetString());
        Assert.Equal(0, browser.GetProperty("posts_while_blocked").GetInt32());
        Assert.Equal(0, browser.GetProperty("flash_while_blocked").GetInt32());
        Assert.Equal("Not recorded: this action cannot be undone or its blast radius is critical; type approve to approve it.", browser.GetProperty("server_refusal").GetString());
        Assert.Equal("pending", browser.GetProperty("status_after_refusal").GetString());
        Assert.StartsWith("Approved", browser.GetProperty("flash").GetString(), StringComparison.Ordinal);
        Assert.Equal("approved", browser.GetProperty("status").GetString());
        var (_, api) = await gw.CallAsync(HttpMethod.Get, $"v1/approvals/{id}", reviewer);
        Assert.Equal("approved", api.GetProperty("status").GetString());

        foreach (var shot in new[] { "preview-queue-laptop", "preview-queue-phone", "preview-detail-laptop-first-screen", "preview-detail-phone-first-screen", "preview-detail-laptop", "preview-detail-phone" })
            BrowserScript.AssertScreenshot(shot);
    }
}
