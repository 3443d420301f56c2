using System.Text.Json;
using System.Text.Json.Nodes;
using static Interlock.Cli.Tests.Hooks.HookPayloads;

namespace Interlock.Cli.Tests.ServerMode;

/// <summary>
/// <c>interlock hook HOST --server URL</c> and the <c>hooks/interlock-hook</c> shim against a real gateway: the same exact
/// replies as the offline hook for the same policy, approvals waited for, and a deny in the host's format on every failure.
/// </summary>
public sealed class HookServerModeTests(TestGateway gw) : IClassFixture<TestGateway>
{
    private static readonly string Shim = Path.Combine(InterlockProcess.Root, "hooks", "interlock-hook");

    /// <summary>Agent principals named like the offline hook's default agents, so the policy sees the same identity.</summary>
    private async Task<string> Agent(string host) => await gw.PrincipalAsync((host == "gemini" ? "gemini-cli" : host) + "-" + Guid.NewGuid().ToString("N")[..6], "agent");

    private static InterlockProcess.Result Cli(string host, string stdin, string server, string? token, params string[] extra) =>
        InterlockProcess.Run(["hook", host, "--server", server, .. extra], stdin, env: new Dictionary<string, string> { ["INTERLOCK_TOKEN"] = token ?? "" });

    private static InterlockProcess.Result ShimRun(string host, string stdin, string server, string? token, int wait = 50) =>
        ProcessRunner.Run("sh", [Shim, host], stdin, new Dictionary<string, string?>
        {
            ["INTERLOCK_SERVER"] = server, ["INTERLOCK_TOKEN"] = token, ["INTERLOCK_WAIT"] = wait.ToString(System.Globalization.CultureInfo.InvariantCulture), ["HOME"] = "/home/dev",
        });

    private static string Line(InterlockProcess.Result r)
    {
        Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}; stderr: {r.Stderr}");
        var lines = r.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        return lines[0];
    }

    public static TheoryData<string, string> Payloads() => new()
    {
        { "claude-code", Claude("Bash", new() { ["command"] = "git status" }) },
        { "claude-code", Claude("Read", new() { ["file_path"] = "/home/dev/.aws/credentials" }) },
        { "claude-code", Claude("Edit", new() { ["file_path"] = "/home/dev/project/.claude/settings.json", ["old_string"] = "a", ["new_string"] = "b" }) },
        { "gemini", Gemini("run_shell_command", new() { ["command"] = "ls -la" }) },
        { "gemini", Gemini("run_shell_command", new() { ["command"] = "rm -rf ~" }) },
        { "cursor", Cursor("beforeShellExecution", new() { ["command"] = "git log -3", ["cwd"] = Workspace }) },
        { "cursor", Cursor("beforeReadFile", new() { ["file_path"] = "/home/dev/.ssh/id_rsa", ["content"] = "x" }) },
    };

    [Theory]
    [MemberData(nameof(Payloads))]
    public async Task Server_mode_and_the_shim_answer_exactly_what_the_offline_hook_answers(string host, string payload)
    {
        var token = await Agent(host);
        var offline = Line(InterlockProcess.Run(["hook", host], payload));
        Assert.DoesNotContain("fail closed", offline, StringComparison.Ordinal);
        Assert.Equal(offline, Line(Cli(host, payload, gw.Url, token)));
        Assert.Equal(offline, Line(ShimRun(host, payload, gw.Url, token)));
    }

    [Fact]
    public async Task Hook_decisions_made_through_the_cli_and_the_shim_are_audited_by_the_server()
    {
        var token = await Agent("claude-code");
        var auditor = await gw.PrincipalAsync("aud-" + Guid.NewGuid().ToString("N")[..6], "auditor");
        Line(Cli("claude-code", Claude("Bash", new() { ["command"] = "echo via-cli" }), gw.Url, token));
        Line(ShimRun("claude-code", Claude("Bash", new() { ["command"] = "echo via-shim" }), gw.Url, token));
        var (_, audit) = await gw.CallAsync(HttpMethod.Get, "v1/audit?kind=decision&order=newest&limit=1000", auditor);
        var commands = audit.GetProperty("records").EnumerateArray()
            .Select(r => r.GetProperty("payload").GetProperty("action"))
            .Where(a => a.TryGetProperty("command", out _))
            .Select(a => a.GetProperty("command").GetString()).ToList();
        Assert.Contains("echo via-cli", commands);
        Assert.Contains("echo via-shim", commands);
    }

    [Fact]
    public async Task Cli_approval_granted_during_the_wait_is_an_allow()
    {
        var token = await Agent("claude-code");
        var reviewer = await gw.PrincipalAsync("rev-" + Guid.NewGuid().ToString("N")[..6], "reviewer");
        var payload = Claude("Write", new() { ["file_path"] = "/etc/hosts", ["content"] = "127.0.0.1 cli-approved" });
        var run = Task.Run(() => Cli("claude-code", payload, gw.Url, token, "--wait", "60"));
        var id = await gw.PendingApprovalAsync(reviewer, token);
        Assert.Equal(200, (await gw.CallAsync(HttpMethod.Post, $"v1/approvals/{id}/approve", reviewer, new { confirm = "approve" })).Status);
        var (d, why) = ClaudeDecision(ParseReply(Line(await run)));
        Assert.Equal("allow", d);
        Assert.StartsWith("Interlock: allow", why, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shim_approval_granted_during_the_wait_is_an_allow()
    {
        var token = await Agent("gemini");
        var reviewer = await gw.PrincipalAsync("rev-" + Guid.NewGuid().ToString("N")[..6], "reviewer");
        var payload = Gemini("write_file", new() { ["file_path"] = "/etc/hosts", ["content"] = "shim-approved" });
        var run = Task.Run(() => ShimRun("gemini", payload, gw.Url, token, wait: 60));
        var id = await gw.PendingApprovalAsync(reviewer, token);
        Assert.Equal(200, (await gw.CallAsync(HttpMethod.Post, $"v1/approvals/{id}/approve", reviewer, new { confirm = "approve" })).Status);
        var (d, _) = GeminiDecision(ParseReply(Line(await run)));
        Assert.Equal("allow", d);
    }

    [Fact]
    public async Task Approval_pending_at_the_end_of_the_wait_is_a_deny_naming_the_approval_id_and_url()
    {
        var token = await Agent("cursor");
        var reviewer = await gw.PrincipalAsync("rev-" + Guid.NewGuid().ToString("N")[..6], "reviewer");
        var payload = Cursor("beforeShellExecution", new() { ["command"] = "tee /etc/hosts < /dev/null", ["cwd"] = Workspace });
        var offline = CursorDecision(Run("cursor", payload));
        Assert.Equal("ask", offline.Permission);

        var (p, why) = CursorDecision(ParseReply(Line(Cli("cursor", payload, gw.Url, token, "--wait", "1"))));
        Assert.Equal("deny", p);
        var id = await gw.PendingApprovalAsync(reviewer, token);
        Assert.StartsWith($"waiting for a reviewer's approval; not approved yet (approval {id} at {gw.Url}/approvals/{id}). Tell the user to approve it there, then retry. {offline.Message}", why, StringComparison.Ordinal);
        Assert.Equal(200, (await gw.CallAsync(HttpMethod.Post, $"v1/approvals/{id}/deny", reviewer, new { reason = "cleanup" })).Status);

        var (sp, swhy) = CursorDecision(ParseReply(Line(ShimRun("cursor", payload, gw.Url, token, wait: 1))));
        Assert.Equal("deny", sp);
        var id2 = await gw.PendingApprovalAsync(reviewer, token);
        Assert.NotEqual(id, id2);
        Assert.StartsWith($"waiting for a reviewer's approval; not approved yet (approval {id2} at {gw.Url}/approvals/{id2}).", swhy, StringComparison.Ordinal);
        Assert.Equal(200, (await gw.CallAsync(HttpMethod.Post, $"v1/approvals/{id2}/deny", reviewer, new { reason = "cleanup" })).Status);
    }

    private const string Denied = "Interlock denied this (fail closed): ";

    [Theory]
    [InlineData("claude-code")]
    [InlineData("gemini")]
    [InlineData("cursor")]
    public void Server_down_is_a_deny_in_the_hosts_format(string host)
    {
        var payload = host switch
        {
            "claude-code" => Claude("Bash", new() { ["command"] = "ls" }),
            "gemini" => Gemini("run_shell_command", new() { ["command"] = "ls" }),
            _ => Cursor("beforeShellExecution", new() { ["command"] = "ls", ["cwd"] = Workspace }),
        };
        const string down = "http://127.0.0.1:1";
        Assert.StartsWith(Denied + "the Interlock server at http://127.0.0.1:1 is unreachable: ", DenyReason(host, Line(Cli(host, payload, down, "tok"))), StringComparison.Ordinal);
        Assert.Equal(Denied + "the Interlock server at http://127.0.0.1:1 is unreachable (connection refused)", DenyReason(host, Line(ShimRun(host, payload, down, "tok"))));
    }

    [Fact]
    public async Task Malformed_stdin_is_a_deny()
    {
        var token = await Agent("claude-code");
        Assert.StartsWith(Denied + "the hook payload is not valid JSON: ", DenyReason("claude-code", Line(Cli("claude-code", "{\"tool_name\": ", gw.Url, token))), StringComparison.Ordinal);
        Assert.StartsWith(Denied + "the hook payload is not valid JSON: ", DenyReason("claude-code", Line(ShimRun("claude-code", "{\"tool_name\": ", gw.Url, token))), StringComparison.Ordinal);
        Assert.Equal(Denied + "the hook payload is empty", DenyReason("gemini", Line(ShimRun("gemini", "", gw.Url, token))));
        Assert.Equal(Denied + "unknown tool 'FrobnicateTool'", DenyReason("claude-code", Line(Cli("claude-code", Claude("FrobnicateTool", new()), gw.Url, token))));
    }

    [Fact]
    public void A_missing_token_is_a_deny()
    {
        var payload = Claude("Bash", new() { ["command"] = "ls" });
        Assert.Equal(Denied + "no agent token: $INTERLOCK_TOKEN is not set (an agent token from the gateway's POST /v1/principals, role agent)", DenyReason("claude-code", Line(Cli("claude-code", payload, gw.Url, null))));
        Assert.Equal(Denied + "no agent token: INTERLOCK_TOKEN is not set", DenyReason("claude-code", Line(ShimRun("claude-code", payload, gw.Url, null))));
    }

    [Fact]
    public void A_rejected_token_is_a_deny_naming_the_status()
    {
        var payload = Gemini("run_shell_command", new() { ["command"] = "ls" });
        Assert.StartsWith(Denied + "the Interlock server answered 401: ", DenyReason("gemini", Line(Cli("gemini", payload, gw.Url, "not-a-token"))), StringComparison.Ordinal);
        Assert.StartsWith(Denied + "the Interlock server refused the call: ", DenyReason("gemini", Line(ShimRun("gemini", payload, gw.Url, "not-a-token"))), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("200 OK", "hello")]
    [InlineData("200 OK", "{\"permission\":\"allow\"}")]
    [InlineData("500 Internal Server Error", "{\"hookSpecificOutput\":{\"hookEventName\":\"PreToolUse\",\"permissionDecision\":\"allow\",\"permissionDecisionReason\":\"x\"}}")]
    public void A_malformed_or_failed_server_reply_is_a_deny(string status, string body)
    {
        using var broken = new BrokenServer(status, body);
        var payload = Claude("Bash", new() { ["command"] = "ls" });
        var (d, why) = ClaudeDecision(ParseReply(Line(Cli("claude-code", payload, broken.Url, "tok"))));
        Assert.Equal("deny", d);
        Assert.StartsWith(Denied, why, StringComparison.Ordinal);
        if (body == "hello")
        {
            var (sd, swhy) = ClaudeDecision(ParseReply(Line(ShimRun("claude-code", payload, broken.Url, "tok"))));
            Assert.Equal("deny", sd);
            Assert.Equal(Denied + "the Interlock server's reply is not a JSON object", swhy);
        }
        if (body.StartsWith("{\"permission\"", StringComparison.Ordinal))
        {
            // Another host's reply (or another service's JSON) is not taken for a Claude Code decision.
            var (sd, swhy) = ClaudeDecision(ParseReply(Line(ShimRun("claude-code", payload, broken.Url, "tok"))));
            Assert.Equal("deny", sd);
            Assert.Equal(Denied + "the Interlock server's reply is not a claude-code hook reply", swhy);
        }
        if (status.StartsWith("500", StringComparison.Ordinal))
        {
            var (sd, _) = ClaudeDecision(ParseReply(Line(ShimRun("claude-code", payload, broken.Url, "tok"))));
            Assert.Equal("deny", sd);
        }
    }

    [Fact]
    public void A_gateway_that_never_answers_is_a_deny_at_the_deadline_not_a_hang()
    {
        using var silent = new SilentServer();
        var payload = Claude("Bash", new() { ["command"] = "ls" });
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var (d, why) = ClaudeDecision(ParseReply(Line(Cli("claude-code", payload, silent.Url, "tok", "--wait", "0"))));
        Assert.Equal("deny", d);
        Assert.StartsWith(Denied, why, StringComparison.Ordinal);
        var (sd, swhy) = ClaudeDecision(ParseReply(Line(ShimRun("claude-code", payload, silent.Url, "tok", wait: 0))));
        Assert.Equal("deny", sd);
        Assert.Equal(Denied + $"the Interlock server at {silent.Url} did not answer within 10 s", swhy);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(60), $"took {clock.Elapsed}");
    }

    private const string FakeAllow = "{\"hookSpecificOutput\":{\"hookEventName\":\"PreToolUse\",\"permissionDecision\":\"allow\",\"permissionDecisionReason\":\"fake gateway\"}}";

    [Theory]
    [InlineData("proxy = {0}")]
    [InlineData("url = {0}/v1/hooks/claude-code")]
    [InlineData("connect-to = 127.0.0.1:1:127.0.0.1:{1}")]
    public void A_planted_curlrc_does_not_redirect_the_shim_to_a_fake_gateway(string line)
    {
        // A fake gateway that answers allow to anything; a planted ~/.curlrc must not send the shim (and the token) to it.
        using var fake = new BrokenServer("200 OK", FakeAllow);
        var home = Path.Combine(Path.GetTempPath(), "interlock-curlrc-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(home);
        try
        {
            var port = new Uri(fake.Url).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
            File.WriteAllText(Path.Combine(home, ".curlrc"), string.Format(System.Globalization.CultureInfo.InvariantCulture, line, fake.Url, port) + "\n");
            var payload = Claude("Bash", new() { ["command"] = "ls" });
            var r = ProcessRunner.Run("sh", [Shim, "claude-code"], payload, new Dictionary<string, string?>
            {
                ["INTERLOCK_SERVER"] = "http://127.0.0.1:1", ["INTERLOCK_TOKEN"] = "tok", ["INTERLOCK_WAIT"] = "0", ["HOME"] = home,
                ["CURL_HOME"] = home, ["XDG_CONFIG_HOME"] = home,
            });
            Assert.Equal(Denied + "the Interlock server at http://127.0.0.1:1 is unreachable (connection refused)", DenyReason("claude-code", Line(r)));
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    [Theory]
    [InlineData("http_proxy")]
    [InlineData("ALL_PROXY")]
    [InlineData("all_proxy")]
    public void Proxy_variables_do_not_redirect_the_shim_to_a_fake_gateway(string variable)
    {
        using var fake = new BrokenServer("200 OK", FakeAllow);
        var payload = Claude("Bash", new() { ["command"] = "ls" });
        var r = ProcessRunner.Run("sh", [Shim, "claude-code"], payload, new Dictionary<string, string?>
        {
            ["INTERLOCK_SERVER"] = "http://127.0.0.1:1", ["INTERLOCK_TOKEN"] = "tok", ["INTERLOCK_WAIT"] = "0", ["HOME"] = "/home/dev",
            [variable] = fake.Url, ["NO_PROXY"] = null, ["no_proxy"] = null,
        });
        Assert.Equal(Denied + "the Interlock server at http://127.0.0.1:1 is unreachable (connection refused)", DenyReason("claude-code", Line(r)));
    }

    [Fact]
    public void The_shim_does_not_follow_a_redirect_even_when_a_curlrc_asks_to()
    {
        using var fake = new BrokenServer("200 OK", FakeAllow);
        using var redirecting = new BrokenServer($"307 Temporary Redirect\r\nLocation: {fake.Url}/v1/hooks/claude-code", "{}");
        var home = Path.Combine(Path.GetTempPath(), "interlock-curlrc-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(home);
        try
        {
            File.WriteAllText(Path.Combine(home, ".curlrc"), "location\n");
            var payload = Claude("Bash", new() { ["command"] = "ls" });
            var r = ProcessRunner.Run("sh", [Shim, "claude-code"], payload, new Dictionary<string, string?>
            {
                ["INTERLOCK_SERVER"] = redirecting.Url, ["INTERLOCK_TOKEN"] = "tok", ["INTERLOCK_WAIT"] = "0", ["HOME"] = home, ["CURL_HOME"] = home,
            });
            var (d, why) = ClaudeDecision(ParseReply(Line(r)));
            Assert.Equal("deny", d);
            Assert.StartsWith(Denied + "the Interlock server answered HTTP 307", why, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(home, recursive: true);
        }
    }

    private static string DenyReason(string host, string line)
    {
        var reply = ParseReply(line);
        switch (host)
        {
            case "claude-code":
            {
                var (d, why) = ClaudeDecision(reply);
                Assert.Equal("deny", d);
                return why;
            }
            case "gemini":
            {
                var (d, why) = GeminiDecision(reply);
                Assert.Equal("deny", d);
                return why;
            }
            default:
            {
                var (p, why) = CursorDecision(reply);
                Assert.Equal("deny", p);
                return why;
            }
        }
    }
}
