using System.Diagnostics;
using System.Text.Json;
using Interlock.Cli.Tests.Mcp;

namespace Interlock.Cli.Tests.ServerMode;

/// <summary>
/// <c>interlock mcp-proxy --server URL</c> against a real gateway and a small real upstream (a node program that answers
/// every request with what it was asked): decisions from the server, approval waits with progress notifications, other
/// messages not held up by a waiting call, and fail-closed refusals.
/// </summary>
public sealed class McpServerModeTests(TestGateway gw) : IClassFixture<TestGateway>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("interlock-mcp-srv-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>Answers each request with a text result naming the method and tool it received.</summary>
    private const string Upstream = """
        require('readline').createInterface({ input: process.stdin }).on('line', l => {
          const m = JSON.parse(l);
          if (m.id === undefined) return;
          const what = m.method + (m.params && m.params.name ? ' ' + m.params.name : '');
          console.log(JSON.stringify({ jsonrpc: '2.0', id: m.id, result: { content: [{ type: 'text', text: 'upstream ran ' + what }] } }));
        });
        """;

    private Process Start(string server, string token, string upstream = Upstream)
    {
        var psi = new ProcessStartInfo(Path.Combine(InterlockProcess.Root, "interlock"))
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = _dir,
        };
        foreach (var a in new[] { "mcp-proxy", "--server", server, "--server-id", "fs", "--wait", "60", "--", "node", "-e", upstream }) psi.ArgumentList.Add(a);
        psi.Environment["HOME"] = Path.Combine(_dir, "home");
        psi.Environment["INTERLOCK_TOKEN"] = token;
        var p = Process.Start(psi)!;
        var lines = _stderr.GetOrAdd(p.Id, _ => new());
        p.ErrorDataReceived += (_, e) => { if (e.Data is { } l) lines.Enqueue(l); };
        p.BeginErrorReadLine();
        return p;
    }

    /// <summary>What a proxy wrote to stderr so far (its log of refusals, cancels and withdrawals), for failure messages.</summary>
    private string Stderr(Process p) => _stderr.TryGetValue(p.Id, out var lines) ? string.Join('\n', lines) : "";

    private readonly System.Collections.Concurrent.ConcurrentDictionary<int, System.Collections.Concurrent.ConcurrentQueue<string>> _stderr = new();

    private static JsonElement Read(Process p) => McpLines.Read(p, 60_000);

    private static void Send(Process p, string line) => McpLines.Send(p, line);

    private static string Text(JsonElement response) => response.GetProperty("result").GetProperty("content")[0].GetProperty("text").GetString()!;

    private static bool IsError(JsonElement response) => response.GetProperty("result").TryGetProperty("isError", out var e) && e.GetBoolean();

    private static void Close(Process p)
    {
        p.StandardInput.Close();
        if (!p.WaitForExit(30_000))
        {
            p.Kill(entireProcessTree: true);
            Assert.Fail("the proxy did not exit");
        }
    }

    [Fact]
    public async Task Allowed_calls_pass_denied_calls_are_refused_and_both_are_audited()
    {
        var name = "mcp-" + Guid.NewGuid().ToString("N")[..6];
        var token = await gw.PrincipalAsync(name, "agent");
        using var p = Start(gw.Url, token);
        Send(p, $$$$"""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"read_text_file","arguments":{"path":"{{{{_dir}}}}/notes.txt"}}}""");
        var allowed = Read(p);
        Assert.Equal(1, allowed.GetProperty("id").GetInt32());
        Assert.Equal("upstream ran tools/call read_text_file", Text(allowed));

        Send(p, $$$$"""{"jsonrpc":"2.0","id":2,"method":"tools/call","params":{"name":"read_text_file","arguments":{"path":"{{{{_dir}}}}/home/.aws/credentials"}}}""");
        var denied = Read(p);
        Assert.Equal(2, denied.GetProperty("id").GetInt32());
        Assert.True(IsError(denied));
        Assert.StartsWith("Interlock denied this call: ", Text(denied), StringComparison.Ordinal);
        Assert.Contains(".aws/credentials", Text(denied), StringComparison.Ordinal);

        // Self-protection holds in server mode too: the gateway decides it, so the refusal is in its audit log.
        Send(p, $$$$"""{"jsonrpc":"2.0","id":3,"method":"tools/call","params":{"name":"write_file","arguments":{"path":"{{{{_dir}}}}/.claude/settings.json","content":"{}"}}}""");
        var tamper = Read(p);
        Assert.True(IsError(tamper));
        Assert.Contains("self-protection", Text(tamper), StringComparison.Ordinal);
        Close(p);

        var auditor = await gw.PrincipalAsync("aud-" + Guid.NewGuid().ToString("N")[..6], "auditor");
        var (_, audit) = await gw.CallAsync(HttpMethod.Get, $"v1/audit?kind=decision&agent={name}", auditor);
        var outcomes = audit.GetProperty("records").EnumerateArray()
            .Select(r => (r.GetProperty("payload").GetProperty("action").GetProperty("tool").GetString(), r.GetProperty("payload").GetProperty("decision").GetString()))
            .ToList();
        Assert.Equal([("mcp__fs__read_text_file", "allow"), ("mcp__fs__read_text_file", "deny"), ("mcp__fs__write_file", "deny")], outcomes);
    }

    [Fact]
    public async Task Resource_reads_are_decided_by_the_gateway_like_reads_of_the_same_thing()
    {
        var token = await gw.PrincipalAsync("mcp-" + Guid.NewGuid().ToString("N")[..6], "agent");
        using var p = Start(gw.Url, token);
        Send(p, $$$$"""{"jsonrpc":"2.0","id":1,"method":"resources/read","params":{"uri":"file://{{{{_dir}}}}/home/.ssh/id_rsa"}}""");
        var denied = Read(p);
        Assert.Equal(1, denied.GetProperty("id").GetInt32());
        Assert.Equal(-32001, denied.GetProperty("error").GetProperty("code").GetInt32());
        Assert.StartsWith("Interlock denied this call: ", denied.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Send(p, $$$$"""{"jsonrpc":"2.0","id":2,"method":"resources/subscribe","params":{"uri":"file://{{{{_dir}}}}/home/.aws/credentials"}}""");
        Assert.Equal(-32001, Read(p).GetProperty("error").GetProperty("code").GetInt32());
        Send(p, $$$$"""{"jsonrpc":"2.0","id":3,"method":"resources/read","params":{"uri":"file://{{{{_dir}}}}/notes.txt"}}""");
        Assert.Equal("upstream ran resources/read", Text(Read(p)));
        Close(p);
    }

    [Fact]
    public async Task An_allowed_calls_answer_is_posted_to_the_gateway_as_its_result()
    {
        var name = "mcp-" + Guid.NewGuid().ToString("N")[..6];
        var token = await gw.PrincipalAsync(name, "agent");
        using var p = Start(gw.Url, token);
        Send(p, $$$$"""{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"read_text_file","arguments":{"path":"{{{{_dir}}}}/notes.txt"}}}""");
        Assert.Equal("upstream ran tools/call read_text_file", Text(Read(p)));
        Close(p);

        var auditor = await gw.PrincipalAsync("aud-" + Guid.NewGuid().ToString("N")[..6], "auditor");
        var (_, decisions) = await gw.CallAsync(HttpMethod.Get, $"v1/audit?kind=decision&agent={name}", auditor);
        var action = Assert.Single(decisions.GetProperty("records").EnumerateArray()).GetProperty("action_id").GetString();
        // The post does not hold up the relay, but the proxy waits for it before exiting, so it is there by now.
        var (status, results) = await gw.CallAsync(HttpMethod.Get, $"v1/audit?action={action}&kind=result", auditor);
        Assert.Equal(200, status);
        var result = Assert.Single(results.GetProperty("records").EnumerateArray()).GetProperty("payload");
        Assert.Equal("succeeded", result.GetProperty("status").GetString());
        Assert.Equal(0, result.GetProperty("exit_code").GetInt32());
        Assert.Contains("'read_text_file'", result.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var expected = "{\"jsonrpc\":\"2.0\",\"id\":7,\"result\":{\"content\":[{\"type\":\"text\",\"text\":\"upstream ran tools/call read_text_file\"}]}}";
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(expected))), result.GetProperty("output_sha256").GetString());
    }

    [Fact]
    public async Task An_approval_wait_sends_progress_does_not_hold_up_other_messages_and_forwards_once_approved()
    {
        var token = await gw.PrincipalAsync("mcp-" + Guid.NewGuid().ToString("N")[..6], "agent");
        var reviewer = await gw.PrincipalAsync("rev-" + Guid.NewGuid().ToString("N")[..6], "reviewer");
        using var p = Start(gw.Url, token);
        Send(p, """{"jsonrpc":"2.0","id":"w","method":"tools/call","params":{"name":"write_file","arguments":{"path":"/etc/hosts","content":"x"},"_meta":{"progressToken":"tok-1"}}}""");
        var first = Read(p);
        Assert.Equal("notifications/progress", first.GetProperty("method").GetString());
        Assert.Equal("tok-1", first.GetProperty("params").GetProperty("progressToken").GetString());
        Assert.Equal(1, first.GetProperty("params").GetProperty("progress").GetInt32());
        var id = await gw.PendingApprovalAsync(reviewer, token);
        Assert.Equal($"Interlock: waiting up to 60 s for a reviewer's approval (approval {id} at {gw.Url}/approvals/{id})", first.GetProperty("params").GetProperty("message").GetString());

        // The waiting call does not block the session: a ping goes through meanwhile.
        Send(p, """{"jsonrpc":"2.0","id":"ping-1","method":"ping"}""");
        JsonElement message;
        var progress = new List<int> { 1 };
        while ((message = Read(p)).TryGetProperty("method", out _)) progress.Add(message.GetProperty("params").GetProperty("progress").GetInt32());
        Assert.Equal("ping-1", message.GetProperty("id").GetString());
        Assert.Equal("upstream ran ping", Text(message));

        Assert.Equal(200, (await gw.CallAsync(HttpMethod.Post, $"v1/approvals/{id}/approve", reviewer, new { confirm = "approve" })).Status);
        while ((message = Read(p)).TryGetProperty("method", out _)) progress.Add(message.GetProperty("params").GetProperty("progress").GetInt32());
        Assert.Equal("w", message.GetProperty("id").GetString());
        Assert.Equal("upstream ran tools/call write_file", Text(message));
        Assert.Equal(Enumerable.Range(1, progress.Count), progress);
        Close(p);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_call_cancelled_while_waiting_for_approval_is_withdrawn_and_never_forwarded(bool progress)
    {
        var name = "mcp-" + Guid.NewGuid().ToString("N")[..6];
        var token = await gw.PrincipalAsync(name, "agent");
        var reviewer = await gw.PrincipalAsync("rev-" + Guid.NewGuid().ToString("N")[..6], "reviewer");
        var seen = Path.Combine(_dir, "seen.log");
        var upstream = "const fs = require('fs');\n" + Upstream.Replace("const m = JSON.parse(l);", $"fs.appendFileSync({JsonSerializer.Serialize(seen)}, l + '\\n'); const m = JSON.parse(l);", StringComparison.Ordinal);
        using var p = Start(gw.Url, token, upstream);
        var meta = progress ? ""","_meta":{"progressToken":"tok-c"}""" : "";
        Send(p, $$$$"""{"jsonrpc":"2.0","id":"w","method":"tools/call","params":{"name":"write_file","arguments":{"path":"/etc/hosts","content":"x"}{{{{meta}}}}}}""");
        if (progress) Assert.Equal("notifications/progress", Read(p).GetProperty("method").GetString());
        var id = await gw.PendingApprovalAsync(reviewer, token);
        Send(p, """{"jsonrpc":"2.0","method":"notifications/cancelled","params":{"requestId":"w","reason":"stop"}}""");

        // The proxy withdraws the request; a reviewer's approval arriving after the cancel is refused.
        var status = "pending";
        for (var i = 0; i < 300 && status == "pending"; i++)
        {
            status = (await gw.CallAsync(HttpMethod.Get, $"v1/approvals/{id}", reviewer)).Body.GetProperty("status").GetString()!;
            if (status == "pending") await Task.Delay(100);
        }
        Assert.True(status == "withdrawn", $"approval {id} is {status}; proxy stderr:\n{Stderr(p)}");
        Assert.Equal(409, (await gw.CallAsync(HttpMethod.Post, $"v1/approvals/{id}/approve", reviewer, new { confirm = "approve" })).Status);

        // Nothing was answered for the cancelled call; the session goes on.
        Send(p, """{"jsonrpc":"2.0","id":"ping-1","method":"ping"}""");
        JsonElement message;
        while ((message = Read(p)).TryGetProperty("method", out _)) { }
        Assert.Equal("ping-1", message.GetProperty("id").GetString());
        Close(p);
        var lines = File.ReadAllLines(seen);
        Assert.DoesNotContain(lines, l => l.Contains("write_file", StringComparison.Ordinal) || l.Contains("notifications/cancelled", StringComparison.Ordinal));

        var auditor = await gw.PrincipalAsync("aud-" + Guid.NewGuid().ToString("N")[..6], "auditor");
        var (_, audit) = await gw.CallAsync(HttpMethod.Get, $"v1/audit?kind=approval&agent={name}", auditor);
        var record = Assert.Single(audit.GetProperty("records").EnumerateArray()).GetProperty("payload");
        Assert.Equal("withdrawn", record.GetProperty("status").GetString());
        Assert.Equal(id, record.GetProperty("approval").GetString());
    }

    [Fact]
    public async Task Without_a_progress_token_a_pending_approval_is_refused_naming_it_when_the_wait_ends()
    {
        var token = await gw.PrincipalAsync("mcp-" + Guid.NewGuid().ToString("N")[..6], "agent");
        var reviewer = await gw.PrincipalAsync("rev-" + Guid.NewGuid().ToString("N")[..6], "reviewer");
        var psi = new ProcessStartInfo(Path.Combine(InterlockProcess.Root, "interlock"))
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = _dir,
        };
        foreach (var a in new[] { "mcp-proxy", "--server", gw.Url, "--wait", "1", "--", "node", "-e", Upstream }) psi.ArgumentList.Add(a);
        psi.Environment["HOME"] = Path.Combine(_dir, "home");
        psi.Environment["INTERLOCK_TOKEN"] = token;
        using var p = Process.Start(psi)!;
        p.ErrorDataReceived += (_, _) => { };
        p.BeginErrorReadLine();
        Send(p, """{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":"write_file","arguments":{"path":"/etc/hosts","content":"x"}}}""");
        var refused = Read(p);
        Assert.Equal(7, refused.GetProperty("id").GetInt32());
        Assert.True(IsError(refused));
        var id = await gw.PendingApprovalAsync(reviewer, token);
        Assert.StartsWith($"Interlock denied this call: waiting for a reviewer's approval; not approved yet (approval {id} at {gw.Url}/approvals/{id}).", Text(refused), StringComparison.Ordinal);
        Assert.Equal(200, (await gw.CallAsync(HttpMethod.Post, $"v1/approvals/{id}/deny", reviewer, new { reason = "cleanup" })).Status);
        Close(p);
    }

    [Fact]
    public void Server_down_or_no_token_refuses_calls_and_still_relays_the_rest()
    {
        foreach (var (server, token, expected) in new[]
        {
            ("http://127.0.0.1:1", "x", "Interlock denied this call: (fail closed) the Interlock server at http://127.0.0.1:1/ is unreachable"),
            (gw.Url, "", "Interlock denied this call: (fail closed) the Interlock server answered 401"),
        })
        {
            using var p = Start(server, token);
            Send(p, $$$$"""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"read_text_file","arguments":{"path":"{{{{_dir}}}}/notes.txt"}}}""");
            var refused = Read(p);
            Assert.True(IsError(refused));
            Assert.StartsWith(expected, Text(refused), StringComparison.Ordinal);
            Send(p, """{"jsonrpc":"2.0","id":2,"method":"tools/list"}""");
            Assert.Equal("upstream ran tools/list", Text(Read(p)));
            Close(p);
        }
    }
}
