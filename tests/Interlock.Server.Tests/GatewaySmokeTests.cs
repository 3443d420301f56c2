using System.Text.Json;

namespace Interlock.Server.Tests;

public sealed class GatewaySmokeTests
{
    [Fact]
    public async Task An_agent_is_denied_a_force_push_and_the_decision_is_in_the_audit_log()
    {
        await using var gw = await GatewayFixture.StartAsync();
        var agent = await gw.CreatePrincipalAsync("bot", "agent");
        var auditor = await gw.CreatePrincipalAsync("aud", "auditor");
        var (status, body) = await gw.CallAsync(HttpMethod.Post, "v1/evaluate", agent, new { command = "git push --force origin main", cwd = "/home/dev/app" });
        Assert.Equal(200, status);
        Assert.Equal("deny", body.GetProperty("decision").GetString());
        var id = body.GetProperty("id").GetString();
        var (auditStatus, audit) = await gw.CallAsync(HttpMethod.Get, "v1/audit?kind=decision", auditor);
        Assert.Equal(200, auditStatus);
        var record = audit.GetProperty("records").EnumerateArray().Single(r => r.GetProperty("action_id").GetString() == id);
        Assert.Equal("bot", record.GetProperty("agent").GetString());
        Assert.Equal("deny", record.GetProperty("payload").GetProperty("decision").GetString());
    }
}
