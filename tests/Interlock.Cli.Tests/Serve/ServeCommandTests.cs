using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Interlock.Cli.Tests.Serve;

public sealed class ServeCommandTests
{
    private static int FreePort()
    {
        using var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }

    private static Process Start(string data, int port, params string[] extra)
    {
        var psi = new ProcessStartInfo(Path.Combine(InterlockProcess.Root, "interlock"))
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = InterlockProcess.Root,
        };
        foreach (var a in new[] { "serve", "--data", data, "--listen", $"http://127.0.0.1:{port}" }.Concat(extra)) psi.ArgumentList.Add(a);
        return Process.Start(psi)!;
    }

    private static async Task WaitHealthyAsync(HttpClient http, Process process)
    {
        for (var i = 0; i < 600; i++)
        {
            if (process.HasExited) Assert.Fail("interlock serve exited: " + await process.StandardError.ReadToEndAsync());
            try
            {
                using var r = await http.GetAsync("healthz");
                if (r.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("interlock serve did not become healthy");
    }

    [Fact]
    public async Task Every_acknowledged_decision_survives_kill_9_and_the_log_verifies()
    {
        var data = Path.Combine(Path.GetTempPath(), "interlock-serve-" + Guid.NewGuid().ToString("N"));
        var port = FreePort();
        // Eight workers share one agent token: its in-flight bound is raised to match, so none is refused with 429.
        using var process = Start(data, port, "--max-in-flight", "8");
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
        var acknowledged = new List<string>();
        try
        {
            await WaitHealthyAsync(http, process);
            var admin = (await File.ReadAllTextAsync(Path.Combine(data, "admin.token"))).Trim();
            using var create = new HttpRequestMessage(HttpMethod.Post, "v1/principals") { Content = new StringContent("""{"name":"bot","role":"agent"}""", Encoding.UTF8, "application/json") };
            create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", admin);
            using var created = await http.SendAsync(create);
            var token = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("token").GetString();

            // Concurrent agents, so several decisions share a commit; each reply means its record is on disk.
            var workers = Enumerable.Range(0, 8).Select(async w =>
            {
                for (var i = 0; i < 25; i++)
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, "v1/evaluate")
                    {
                        Content = new StringContent(JsonSerializer.Serialize(new { command = $"git log -n {w * 100 + i}", cwd = "/home/dev/app" }), Encoding.UTF8, "application/json"),
                    };
                    request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                    using var reply = await http.SendAsync(request);
                    var id = JsonDocument.Parse(await reply.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
                    lock (acknowledged) acknowledged.Add(id);
                }
            });
            await Task.WhenAll(workers);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        try
        {
            AssertAllRecorded(data, acknowledged);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    /// <summary>The log verifies, and every decision the server acknowledged is in it.</summary>
    private static void AssertAllRecorded(string data, List<string> acknowledged)
    {
        var verify = InterlockProcess.Run(["audit", "verify", "--data", data]);
        Assert.True(verify.ExitCode == 0, verify.Stdout + verify.Stderr);
        var export = InterlockProcess.Run(["audit", "export", "--data", data]);
        Assert.Equal(0, export.ExitCode);
        var recorded = export.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => JsonDocument.Parse(l).RootElement)
            .Where(e => e.GetProperty("type").GetString() == "record" && e.GetProperty("kind").GetString() == "decision")
            .Select(e => e.GetProperty("action_id").GetString())
            .ToHashSet();
        Assert.Equal(200, acknowledged.Count);
        Assert.All(acknowledged, id => Assert.Contains(id, recorded));
    }

    [Fact]
    public void An_invalid_policy_stops_the_server_before_it_listens()
    {
        var dir = Path.Combine(Path.GetTempPath(), "interlock-serve-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var policy = Path.Combine(dir, "policy.yaml");
        File.WriteAllText(policy, "version: v1\nrules:\n  - id: r\n    decision: maybe\n");
        var r = InterlockProcess.Run(["serve", "--data", Path.Combine(dir, "data"), "--listen", $"http://127.0.0.1:{FreePort()}", "--policy", policy], timeoutMs: 60_000);
        Directory.Delete(dir, recursive: true);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("policy.yaml:4:15: unknown decision 'maybe'", r.Stderr);
        Assert.Contains("does not start with an invalid policy", r.Stderr);
    }

    [Theory]
    [InlineData("--approval-ttl", "soon", "--approval-ttl: 'soon' is not a duration")]
    [InlineData("--webhook-url", "ftp://x", "--webhook-url: 'ftp://x' is not an http(s) URL")]
    [InlineData("--max-pending-approvals", "0", "--max-pending-approvals must be at least 1, got 0")]
    [InlineData("--max-in-flight", "0", "--max-in-flight must be at least 1, got 0")]
    public void Bad_flags_are_named(string flag, string value, string expected)
    {
        var r = InterlockProcess.Run(["serve", "--data", Path.Combine(Path.GetTempPath(), "interlock-unused"), flag, value], timeoutMs: 60_000);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains(expected, r.Stderr);
    }
}
