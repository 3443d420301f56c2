using System.Text.Json;
using Interlock.Server.Gateway;
using Microsoft.Data.Sqlite;

namespace Interlock.Server.Tests.Api;

public sealed class SystemApiTests
{
    [Fact]
    public async Task Health_reports_the_audit_head_and_the_serving_policy()
    {
        await using var gw = await GatewayFixture.StartAsync();
        var (status, body) = await gw.CallAsync(HttpMethod.Get, "healthz", null);
        Assert.Equal(200, status);
        Assert.Equal("ok", body.GetProperty("status").GetString());
        Assert.Matches("^[0-9a-f]{64}$", body.GetProperty("policy").GetProperty("hash").GetString());
    }

    [Fact]
    public async Task Metrics_count_decisions_by_outcome_in_prometheus_text()
    {
        await using var gw = await GatewayFixture.StartAsync();
        var agent = await gw.CreatePrincipalAsync("bot", "agent");
        await gw.CallAsync(HttpMethod.Post, "v1/evaluate", agent, new { command = "git status", cwd = "/home/dev/app" });
        await gw.CallAsync(HttpMethod.Post, "v1/evaluate", agent, new { command = "git push --force origin main", cwd = "/home/dev/app" });
        await gw.CallAsync(HttpMethod.Post, "v1/evaluate", agent, new { command = EvaluateApiTests.NeedsApproval, cwd = "/home/dev/app" });
        using var response = await gw.SendAsync(HttpMethod.Get, "metrics", null);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync();
        Assert.Contains("interlock_decisions_total{outcome=\"allow\"} 1\n", text);
        Assert.Contains("interlock_decisions_total{outcome=\"deny\"} 1\n", text);
        Assert.Contains("interlock_decisions_total{outcome=\"require_approval\"} 1\n", text);
        Assert.Contains("interlock_decision_duration_seconds_count 3\n", text);
        Assert.Contains("interlock_decision_duration_seconds_bucket{le=\"+Inf\"} 3\n", text);
        Assert.Contains("interlock_approvals_pending 1\n", text);
        // One record for creating the agent, three for the decisions.
        Assert.Contains("interlock_audit_head_sequence 4\n", text);
        Assert.Contains("interlock_up 1\n", text);
    }

    [Fact]
    public async Task The_openapi_document_describes_every_api_route_and_nothing_else()
    {
        await using var gw = await GatewayFixture.StartAsync();
        var (status, doc) = await gw.CallAsync(HttpMethod.Get, "openapi.json", null);
        Assert.Equal(200, status);
        Assert.Equal("3.1.0", doc.GetProperty("openapi").GetString());
        var documented = doc.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Select(m => $"{m.Name.ToUpperInvariant()} {p.Name}"))
            .Order().ToList();
        var api = gw.Host.Routes.Where(r => r.Contains(" /v1/", StringComparison.Ordinal) || r.EndsWith(" /healthz", StringComparison.Ordinal)
            || r.EndsWith(" /metrics", StringComparison.Ordinal) || r.EndsWith(" /openapi.json", StringComparison.Ordinal)).Order().ToList();
        Assert.Equal(api, documented);
        foreach (var (path, item) in doc.GetProperty("paths").EnumerateObject().Select(p => (p.Name, p.Value)))
            foreach (var op in item.EnumerateObject())
                Assert.True(op.Value.TryGetProperty("responses", out _), $"{op.Name} {path} has no responses");
    }

    [Fact]
    public async Task When_the_audit_log_cannot_be_written_every_decision_is_a_deny_and_health_says_so()
    {
        await using var gw = await GatewayFixture.StartAsync();
        var agent = await gw.CreatePrincipalAsync("bot", "agent");
        Assert.Equal("allow", (await gw.CallAsync(HttpMethod.Post, "v1/evaluate", agent, new { command = "git status", cwd = "/home/dev/app" })).Body.GetProperty("decision").GetString());

        // A real write failure: someone with file access makes the table refuse inserts.
        using (var conn = new SqliteConnection($"Data Source={Path.Combine(gw.DataDirectory, "audit.db")};Pooling=False"))
        {
            conn.Open();
            using var cmd = conn.CreateCommand();
            cmd.CommandText = "CREATE TRIGGER break_inserts BEFORE INSERT ON audit_records BEGIN SELECT RAISE(ABORT, 'disk says no'); END";
            cmd.ExecuteNonQuery();
        }

        var (status, body) = await gw.CallAsync(HttpMethod.Post, "v1/evaluate", agent, new { command = "git status", cwd = "/home/dev/app" });
        Assert.Equal(503, status);
        Assert.Equal("deny", body.GetProperty("decision").GetString());
        Assert.Contains("audit log could not record", body.GetProperty("detail").GetString());
        var (healthStatus, health) = await gw.CallAsync(HttpMethod.Get, "healthz", null);
        Assert.Equal(503, healthStatus);
        Assert.Equal("unhealthy", health.GetProperty("status").GetString());
        // And it stays that way: the store does not pretend to recover.
        Assert.Equal(503, (await gw.CallAsync(HttpMethod.Post, "v1/evaluate", agent, new { command = "ls", cwd = "/home/dev/app" })).Status);
    }

    [Fact]
    public async Task A_changed_policy_is_hot_reloaded_and_a_broken_one_keeps_the_last_good_policy()
    {
        var policy = Repository.TempPolicy("version: v1\ndefault: require_approval\nrules:\n  - id: reads\n    match:\n      tiers: [read_only]\n    decision: allow\n");
        await using var gw = await GatewayFixture.StartAsync(o => o with { PolicyPath = policy, PolicyReloadInterval = TimeSpan.FromMilliseconds(100) });
        var agent = await gw.CreatePrincipalAsync("bot", "agent");
        var before = (await gw.CallAsync(HttpMethod.Get, "healthz", null)).Body.GetProperty("policy").GetProperty("hash").GetString();
        Assert.Equal("require_approval", (await gw.CallAsync(HttpMethod.Post, "v1/evaluate", agent, new { command = "make build", cwd = "/home/dev/app" })).Body.GetProperty("decision").GetString());

        File.WriteAllText(policy, "version: v1\ndefault: allow\nrules:\n  - id: no-force\n    match:\n      operations: [history_rewrite]\n    decision: deny\n");
        var after = await PollAsync(gw, h => h.GetProperty("policy").GetProperty("hash").GetString() != before);
        var reloaded = after.GetProperty("policy").GetProperty("hash").GetString();
        Assert.Equal("allow", (await gw.CallAsync(HttpMethod.Post, "v1/evaluate", agent, new { command = "make build", cwd = "/home/dev/app" })).Body.GetProperty("decision").GetString());

        File.WriteAllText(policy, "version: v1\nrules:\n  - id: broken\n    decison: allow\n");
        var broken = await PollAsync(gw, h => h.GetProperty("policy").TryGetProperty("reload_error", out _));
        Assert.Contains("policy.yaml:4:5: unknown key 'decison'", broken.GetProperty("policy").GetProperty("reload_error").GetString());
        Assert.Equal(reloaded, broken.GetProperty("policy").GetProperty("hash").GetString());
        var decision = (await gw.CallAsync(HttpMethod.Post, "v1/evaluate", agent, new { command = "make build", cwd = "/home/dev/app" })).Body;
        Assert.Equal("allow", decision.GetProperty("decision").GetString());
        Assert.Equal(reloaded, decision.GetProperty("policy_hash").GetString());
    }

    private static async Task<JsonElement> PollAsync(GatewayFixture gw, Func<JsonElement, bool> until)
    {
        for (var i = 0; i < 200; i++)
        {
            var health = (await gw.CallAsync(HttpMethod.Get, "healthz", null)).Body;
            if (until(health)) return health;
            await Task.Delay(50);
        }
        throw new TimeoutException("the policy was not reloaded");
    }

    [Fact]
    public async Task The_server_refuses_to_start_with_an_invalid_policy()
    {
        var policy = Repository.TempPolicy("version: v1\nrules: []\n");
        var dir = Path.Combine(Repository.TempDirectory("gw"), "data");
        var log = new StringWriter();
        var ex = await Assert.ThrowsAsync<GatewayStartException>(() => GatewayHost.StartAsync(new GatewayOptions { DataDirectory = dir, Listen = "http://127.0.0.1:0", PolicyPath = policy, Log = log }));
        Assert.Contains("does not load", ex.Message);
        Assert.Contains("policy.yaml", log.ToString());
        Assert.False(File.Exists(Path.Combine(dir, "audit.db")));
    }

    [Fact]
    public async Task The_server_refuses_to_start_on_a_tampered_audit_log()
    {
        string dir;
        await using (var gw = await GatewayFixture.StartAsync())
        {
            dir = gw.DataDirectory;
            var agent = await gw.CreatePrincipalAsync("bot", "agent");
            await gw.CallAsync(HttpMethod.Post, "v1/evaluate", agent, new { command = "git push --force origin main", cwd = "/home/dev/app" });
            // Keep the data: copy it aside before the fixture removes it.
            dir = CopyDirectory(gw.DataDirectory);
        }
        using (var conn = new SqliteConnection($"Data Source={Path.Combine(dir, "audit.db")};Pooling=False"))
        {
            conn.Open();
            using var cmd = conn.CreateCommand();
            cmd.CommandText = "DROP TRIGGER audit_records_no_update; UPDATE audit_records SET payload = replace(payload, '\"deny\"', '\"allow\"')";
            cmd.ExecuteNonQuery();
        }
        var ex = await Assert.ThrowsAsync<GatewayStartException>(() => GatewayHost.StartAsync(new GatewayOptions { DataDirectory = dir, Listen = "http://127.0.0.1:0", Log = TextWriter.Null }));
        Assert.Contains("does not verify", ex.Message);
        // Record 1 notes the agent's creation; record 2 is the decision that was edited.
        Assert.Contains("sequence 2", ex.Message);
    }

    private static string CopyDirectory(string source)
    {
        var target = Repository.TempDirectory("copy");
        foreach (var f in Directory.GetFiles(source)) File.Copy(f, Path.Combine(target, Path.GetFileName(f)));
        return target;
    }
}
