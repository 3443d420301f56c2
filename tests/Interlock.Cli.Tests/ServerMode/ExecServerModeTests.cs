using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Interlock.Cli.Tests.Exec;

namespace Interlock.Cli.Tests.ServerMode;

/// <summary><c>interlock exec --server</c> against a real gateway: the server decides and audits, the result is reported back.</summary>
public sealed class ExecServerModeTests(TestGateway gw) : IClassFixture<TestGateway>, IDisposable
{
    private readonly ExecSandbox _box = new();

    public void Dispose() => _box.Dispose();

    private InterlockProcess.Result Exec(string token, params string[] args) =>
        _box.Exec(["--server", gw.Url, .. args], new Dictionary<string, string> { ["INTERLOCK_TOKEN"] = token });

    private async Task<List<JsonElement>> Audit(string action)
    {
        var auditor = await gw.PrincipalAsync("aud-" + Guid.NewGuid().ToString("N")[..6], "auditor");
        var (status, body) = await gw.CallAsync(HttpMethod.Get, "v1/audit?action=" + Uri.EscapeDataString(action), auditor);
        Assert.Equal(200, status);
        return [.. body.GetProperty("records").EnumerateArray()];
    }

    private async Task<string> OnlyDecisionFor(string agentName, string command)
    {
        var auditor = await gw.PrincipalAsync("aud-" + Guid.NewGuid().ToString("N")[..6], "auditor");
        var (_, body) = await gw.CallAsync(HttpMethod.Get, $"v1/audit?kind=decision&agent={agentName}", auditor);
        var record = Assert.Single(body.GetProperty("records").EnumerateArray(), r => r.GetProperty("payload").GetProperty("action").GetProperty("command").GetString() == command);
        return record.GetProperty("action_id").GetString()!;
    }

    [Fact]
    public async Task Allowed_command_runs_and_its_result_is_in_the_servers_audit_log()
    {
        var name = "exec-" + Guid.NewGuid().ToString("N")[..6];
        var token = await gw.PrincipalAsync(name, "agent");
        var r = Exec(token, "-c", "echo hello-from-exec");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("hello-from-exec\n", r.Stdout);
        var id = await OnlyDecisionFor(name, "echo hello-from-exec");
        var records = await Audit(id);
        Assert.Equal(["decision", "result"], records.Select(x => x.GetProperty("kind").GetString()));
        var result = records[1].GetProperty("payload");
        Assert.Equal(0, result.GetProperty("exit_code").GetInt32());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("hello-from-exec\n"))), result.GetProperty("output_sha256").GetString());
        Assert.Equal(name, records[1].GetProperty("agent").GetString());
        // No local audit store is written in server mode: the server's log is the record.
        Assert.False(File.Exists(Path.Combine(_box.Data, "audit.db")));
    }

    [Fact]
    public async Task The_agent_token_does_not_reach_the_command()
    {
        var token = await gw.PrincipalAsync("exec-" + Guid.NewGuid().ToString("N")[..6], "agent");
        var r = Exec(token, "--", "env");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("HOME=", r.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(token, r.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("INTERLOCK_", r.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_command_reports_its_exit_code()
    {
        var name = "exec-" + Guid.NewGuid().ToString("N")[..6];
        var token = await gw.PrincipalAsync(name, "agent");
        Assert.Equal(3, Exec(token, "-c", "exit 3").ExitCode);
        var records = await Audit(await OnlyDecisionFor(name, "exit 3"));
        Assert.Equal(3, records.Single(x => x.GetProperty("kind").GetString() == "result").GetProperty("payload").GetProperty("exit_code").GetInt32());
    }

    [Fact]
    public async Task Denied_command_never_starts_and_exits_126()
    {
        var name = "exec-" + Guid.NewGuid().ToString("N")[..6];
        var token = await gw.PrincipalAsync(name, "agent");
        var r = Exec(token, "-c", "touch MARKER && rm -rf /");
        Assert.Equal(126, r.ExitCode);
        Assert.StartsWith("interlock: denied: ", r.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_box.Work, "MARKER")));
        var records = await Audit(await OnlyDecisionFor(name, "touch MARKER && rm -rf /"));
        Assert.Equal(["decision"], records.Select(x => x.GetProperty("kind").GetString()));
    }

    [Fact]
    public async Task Approval_granted_while_waiting_runs_the_command()
    {
        var name = "exec-" + Guid.NewGuid().ToString("N")[..6];
        var token = await gw.PrincipalAsync(name, "agent");
        var reviewer = await gw.PrincipalAsync("rev-" + Guid.NewGuid().ToString("N")[..6], "reviewer");
        var run = Task.Run(() => Exec(token, "--wait", "60", "-c", "touch MARKER; git push origin main"));
        var id = await gw.PendingApprovalAsync(reviewer, token);
        Assert.Equal(200, (await gw.CallAsync(HttpMethod.Post, $"v1/approvals/{id}/approve", reviewer, new { confirm = "approve" })).Status);
        var r = await run;
        // git push fails here (no repository), but it ran: the marker exists and the exit code is git's.
        Assert.True(File.Exists(Path.Combine(_box.Work, "MARKER")), r.Stderr);
        Assert.NotEqual(125, r.ExitCode);
        Assert.NotEqual(126, r.ExitCode);
    }

    [Fact]
    public async Task Approval_still_pending_is_125_naming_the_approval()
    {
        var name = "exec-" + Guid.NewGuid().ToString("N")[..6];
        var token = await gw.PrincipalAsync(name, "agent");
        var reviewer = await gw.PrincipalAsync("rev-" + Guid.NewGuid().ToString("N")[..6], "reviewer");
        var r = Exec(token, "--wait", "1", "-c", "touch MARKER; git push origin main");
        Assert.Equal(125, r.ExitCode);
        var id = await gw.PendingApprovalAsync(reviewer, token);
        Assert.Contains($"interlock: not run: approval {id} is pending at {gw.Url}/approvals/{id}", r.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_box.Work, "MARKER")));
        Assert.Equal(200, (await gw.CallAsync(HttpMethod.Post, $"v1/approvals/{id}/deny", reviewer, new { reason = "cleanup" })).Status);
    }

    [Fact]
    public void Server_down_or_no_token_is_126_and_nothing_runs()
    {
        var down = _box.Exec(["--server", "http://127.0.0.1:1", "-c", "touch MARKER"], new Dictionary<string, string> { ["INTERLOCK_TOKEN"] = "x" });
        Assert.Equal(126, down.ExitCode);
        Assert.StartsWith("interlock: denied: the Interlock server at http://127.0.0.1:1 is unreachable", down.Stderr, StringComparison.Ordinal);
        var noToken = _box.Exec(["--server", gw.Url, "-c", "touch MARKER"], new Dictionary<string, string> { ["INTERLOCK_TOKEN"] = "" });
        Assert.Equal(126, noToken.ExitCode);
        Assert.StartsWith("interlock: denied: no agent token", noToken.Stderr, StringComparison.Ordinal);
        var badToken = _box.Exec(["--server", gw.Url, "-c", "touch MARKER"], new Dictionary<string, string> { ["INTERLOCK_TOKEN"] = "wrong" });
        Assert.Equal(126, badToken.ExitCode);
        Assert.StartsWith("interlock: denied: the Interlock server answered 401", badToken.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_box.Work, "MARKER")));
    }
}
