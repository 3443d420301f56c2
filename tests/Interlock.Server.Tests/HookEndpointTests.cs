using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Interlock.Server.Tests;

/// <summary><c>POST /v1/hooks/{host}</c> on each host's real payload shapes, against a real gateway.</summary>
public sealed class HookEndpointTests
{
    private static async Task<(int Status, string Body)> PostHook(GatewayFixture gw, string host, string? token, string payload, int wait = 0)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"v1/hooks/{host}?wait={wait}") { Content = new StringContent(payload, Encoding.UTF8, "application/json") };
        if (token is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Add("X-Interlock-Home", "/home/dev");
        using var response = await gw.Http.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static (string Decision, string Reason) ClaudeReply(string body)
    {
        var o = JsonDocument.Parse(body).RootElement;
        Assert.Equal(["hookSpecificOutput"], o.EnumerateObject().Select(p => p.Name));
        var h = o.GetProperty("hookSpecificOutput");
        Assert.Equal(["hookEventName", "permissionDecision", "permissionDecisionReason"], h.EnumerateObject().Select(p => p.Name));
        Assert.Equal("PreToolUse", h.GetProperty("hookEventName").GetString());
        return (h.GetProperty("permissionDecision").GetString()!, h.GetProperty("permissionDecisionReason").GetString()!);
    }

    private static async Task<JsonElement> DecisionRecords(GatewayFixture gw, string agentName)
    {
        var auditor = await gw.CreatePrincipalAsync("aud-" + Guid.NewGuid().ToString("N")[..6], "auditor");
        var (status, audit) = await gw.CallAsync(HttpMethod.Get, $"v1/audit?kind=decision&agent={agentName}", auditor);
        Assert.Equal(200, status);
        return audit.GetProperty("records");
    }

    [Fact]
    public async Task Claude_code_allow_and_deny_are_the_hosts_replies_and_audited()
    {
        await using var gw = await GatewayFixture.StartAsync();
        var agent = await gw.CreatePrincipalAsync("cc", "agent");

        var (s1, allow) = await PostHook(gw, "claude-code", agent, Claude("Bash", new() { ["command"] = "git status" }));
        Assert.Equal(200, s1);
        var (d1, why1) = ClaudeReply(allow);
        Assert.Equal("allow", d1);
        Assert.StartsWith("Interlock: allow", why1, StringComparison.Ordinal);

        var (s2, deny) = await PostHook(gw, "claude-code", agent, Claude("Read", new() { ["file_path"] = "/home/dev/.aws/credentials" }));
        Assert.Equal(200, s2);
        var (d2, why2) = ClaudeReply(deny);
        Assert.Equal("deny", d2);
        Assert.StartsWith("Interlock: deny — ", why2, StringComparison.Ordinal);
        Assert.Contains(".aws/credentials", why2, StringComparison.Ordinal);

        var records = (await DecisionRecords(gw, "cc")).EnumerateArray().ToList();
        var bash = records.Single(r => r.GetProperty("payload").GetProperty("action").TryGetProperty("command", out var c) && c.GetString() == "git status");
        Assert.Equal("allow", bash.GetProperty("payload").GetProperty("decision").GetString());
        Assert.Equal("abc123", bash.GetProperty("session").GetString());
        var read = records.Single(r => r.GetProperty("payload").GetProperty("action").TryGetProperty("path", out var p) && p.GetString() == "/home/dev/.aws/credentials");
        Assert.Equal("deny", read.GetProperty("payload").GetProperty("decision").GetString());
    }

    [Fact]
    public async Task Gemini_and_cursor_get_their_own_formats()
    {
        await using var gw = await GatewayFixture.StartAsync();
        var agent = await gw.CreatePrincipalAsync("multi", "agent");

        var (_, g) = await PostHook(gw, "gemini", agent, Gemini("run_shell_command", new() { ["command"] = "rm -rf /" }));
        var gj = JsonDocument.Parse(g).RootElement;
        Assert.Equal(["decision", "reason"], gj.EnumerateObject().Select(p => p.Name));
        Assert.Equal("deny", gj.GetProperty("decision").GetString());

        var (_, gAllow) = await PostHook(gw, "gemini", agent, Gemini("read_file", new() { ["file_path"] = Workspace + "/README.md" }));
        Assert.Equal("allow", JsonDocument.Parse(gAllow).RootElement.GetProperty("decision").GetString());

        var (_, c) = await PostHook(gw, "cursor", agent, Cursor("beforeShellExecution", new() { ["command"] = "ls -la", ["cwd"] = Workspace }));
        var cj = JsonDocument.Parse(c).RootElement;
        Assert.Equal(["permission", "user_message", "agent_message"], cj.EnumerateObject().Select(p => p.Name));
        Assert.Equal("allow", cj.GetProperty("permission").GetString());
        Assert.Equal(cj.GetProperty("user_message").GetString(), cj.GetProperty("agent_message").GetString());

        var (_, cRead) = await PostHook(gw, "cursor", agent, Cursor("beforeReadFile", new() { ["file_path"] = "/home/dev/.ssh/id_rsa", ["content"] = "x" }));
        Assert.Equal("deny", JsonDocument.Parse(cRead).RootElement.GetProperty("permission").GetString());
    }

    [Theory]
    [InlineData("/home/dev/project/.claude/settings.json")]
    [InlineData("/home/dev/.interlock/policy.yaml")]
    public async Task Editing_the_hook_settings_or_interlocks_files_is_denied_and_audited_as_denied(string path)
    {
        await using var gw = await GatewayFixture.StartAsync();
        var agent = await gw.CreatePrincipalAsync("tamper", "agent");
        var (_, body) = await PostHook(gw, "claude-code", agent, Claude("Write", new() { ["file_path"] = path, ["content"] = "{}" }), wait: 5);
        var (d, why) = ClaudeReply(body);
        Assert.Equal("deny", d);
        Assert.Contains("self-protection", why, StringComparison.Ordinal);
        Assert.Contains("builtin:self-protection", why, StringComparison.Ordinal);
        var record = (await DecisionRecords(gw, "tamper")).EnumerateArray().Single();
        Assert.Equal("deny", record.GetProperty("payload").GetProperty("decision").GetString());
        // A tamper denial opens no approval.
        var reviewer = await gw.CreatePrincipalAsync("rev", "reviewer");
        var (_, list) = await gw.CallAsync(HttpMethod.Get, "v1/approvals", reviewer);
        Assert.Empty(list.GetProperty("approvals").EnumerateArray());
    }

    [Fact]
    public async Task Approval_granted_during_the_wait_is_an_allow()
    {
        await using var gw = await GatewayFixture.StartAsync();
        var agent = await gw.CreatePrincipalAsync("waiter", "agent");
        var reviewer = await gw.CreatePrincipalAsync("rev", "reviewer");
        var call = PostHook(gw, "claude-code", agent, Claude("Write", new() { ["file_path"] = "/etc/hosts", ["content"] = "127.0.0.1 x" }), wait: 30);
        var id = await PendingApprovalId(gw, reviewer);
        var (status, _) = await gw.CallAsync(HttpMethod.Post, $"v1/approvals/{id}/approve", reviewer, new { confirm = "approve" });
        Assert.Equal(200, status);
        var (_, body) = await call;
        var (d, why) = ClaudeReply(body);
        Assert.Equal("allow", d);
        Assert.StartsWith("Interlock: allow", why, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Approval_denied_during_the_wait_is_a_deny_with_the_reviewers_reason()
    {
        await using var gw = await GatewayFixture.StartAsync();
        var agent = await gw.CreatePrincipalAsync("waiter", "agent");
        var reviewer = await gw.CreatePrincipalAsync("rev", "reviewer");
        var call = PostHook(gw, "gemini", agent, Gemini("write_file", new() { ["file_path"] = "/etc/hosts", ["content"] = "x" }), wait: 30);
        var id = await PendingApprovalId(gw, reviewer);
        var (status, _) = await gw.CallAsync(HttpMethod.Post, $"v1/approvals/{id}/deny", reviewer, new { reason = "not on prod hosts" });
        Assert.Equal(200, status);
        var (_, body) = await call;
        var o = JsonDocument.Parse(body).RootElement;
        Assert.Equal("deny", o.GetProperty("decision").GetString());
        Assert.Contains("denied by reviewer rev: not on prod hosts", o.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Approval_still_pending_at_the_end_of_the_wait_is_a_deny_naming_the_approval()
    {
        await using var gw = await GatewayFixture.StartAsync();
        var agent = await gw.CreatePrincipalAsync("waiter", "agent");
        var reviewer = await gw.CreatePrincipalAsync("rev", "reviewer");
        var (_, body) = await PostHook(gw, "claude-code", agent, Claude("Write", new() { ["file_path"] = "/etc/hosts", ["content"] = "x" }), wait: 1);
        var (d, why) = ClaudeReply(body);
        Assert.Equal("deny", d);
        var id = await PendingApprovalId(gw, reviewer);
        Assert.StartsWith($"waiting for a reviewer's approval; not approved yet (approval {id} at {gw.Url}/approvals/{id}). Tell the user to approve it there, then retry. Interlock: require_approval — ", why, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("claude-code", "{\"hook_event_name\": ", "{\"hookSpecificOutput\":{\"hookEventName\":\"PreToolUse\",\"permissionDecision\":\"deny\",\"permissionDecisionReason\":\"Interlock denied this (fail closed): the hook payload is not valid JSON: ")]
    [InlineData("gemini", "[1,2]", "{\"decision\":\"deny\",\"reason\":\"Interlock denied this (fail closed): the hook payload must be a JSON object, got array\"}")]
    [InlineData("cursor", "", "{\"permission\":\"deny\",\"user_message\":\"Interlock denied this (fail closed): the hook payload is empty\",\"agent_message\":\"Interlock denied this (fail closed): the hook payload is empty\"}")]
    [InlineData("claude-code", "{\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"\\ud800\",\"cwd\":\"/\",\"tool_input\":{}}", "{\"hookSpecificOutput\":{\"hookEventName\":\"PreToolUse\",\"permissionDecision\":\"deny\",\"permissionDecisionReason\":\"Interlock denied this (fail closed): the hook payload has a string that is not valid Unicode")]
    public async Task Malformed_payloads_are_denied_in_the_hosts_format_and_noted(string host, string payload, string expectedStart)
    {
        await using var gw = await GatewayFixture.StartAsync();
        var agent = await gw.CreatePrincipalAsync("bad", "agent");
        var (status, body) = await PostHook(gw, host, agent, payload);
        Assert.Equal(200, status);
        Assert.StartsWith(expectedStart, body, StringComparison.Ordinal);
        var auditor = await gw.CreatePrincipalAsync("aud", "auditor");
        var (_, audit) = await gw.CallAsync(HttpMethod.Get, "v1/audit?kind=note&agent=bad", auditor);
        Assert.Contains(audit.GetProperty("records").EnumerateArray(), r => r.GetProperty("payload").GetProperty("text").GetString()!.StartsWith($"denied {host} hook call: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task No_token_unknown_host_and_a_reviewer_token_are_problems()
    {
        await using var gw = await GatewayFixture.StartAsync();
        var reviewer = await gw.CreatePrincipalAsync("rev", "reviewer");
        var payload = Claude("Bash", new() { ["command"] = "ls" });
        Assert.Equal(401, (await PostHook(gw, "claude-code", null, payload)).Status);
        Assert.Equal(403, (await PostHook(gw, "claude-code", reviewer, payload)).Status);
        var agent = await gw.CreatePrincipalAsync("a", "agent");
        Assert.Equal(404, (await PostHook(gw, "copilot", agent, payload)).Status);
    }

    internal static async Task<string> PendingApprovalId(GatewayFixture gw, string reviewer)
    {
        for (var i = 0; i < 200; i++)
        {
            var (_, list) = await gw.CallAsync(HttpMethod.Get, "v1/approvals?status=pending", reviewer);
            var first = list.GetProperty("approvals").EnumerateArray().FirstOrDefault();
            if (first.ValueKind == JsonValueKind.Object) return first.GetProperty("id").GetString()!;
            await Task.Delay(50);
        }
        throw new TimeoutException("no pending approval appeared");
    }

    [Fact]
    public async Task A_hooks_write_opens_its_approval_with_the_diff_and_the_content_itself_is_not_recorded()
    {
        // The example: a Write of /etc/hosts. The preview only reads the file; nothing is written.
        await using var gw = await GatewayFixture.StartAsync();
        var agent = await gw.CreatePrincipalAsync("writer", "agent");
        var reviewer = await gw.CreatePrincipalAsync("rev", "reviewer");
        await PostHook(gw, "claude-code", agent, Claude("Write", new() { ["file_path"] = "/etc/hosts", ["content"] = "127.0.0.1 localhost\n10.0.0.9 payments.internal\n" }));
        Assert.NotNull(await PendingApprovalId(gw, reviewer));

        var record = (await DecisionRecords(gw, "writer")).EnumerateArray().Last();
        var payload = record.GetProperty("payload");
        Assert.Equal("require_approval", payload.GetProperty("decision").GetString());
        var preview = Assert.Single(payload.GetProperty("previews").EnumerateArray());
        Assert.Equal("files", preview.GetProperty("previewer").GetString());
        Assert.Contains("+10.0.0.9 payments.internal", preview.GetProperty("diff").GetString(), StringComparison.Ordinal);
        // The action record keeps the content's hash, not the content: only the reviewer's diff shows it.
        Assert.DoesNotContain("payments.internal", payload.GetProperty("action").GetRawText(), StringComparison.Ordinal);
    }
}
