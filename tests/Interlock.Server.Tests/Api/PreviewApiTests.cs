using System.Text.Json;

namespace Interlock.Server.Tests.Api;

/// <summary>The gateway previews before it opens an approval, and a plan is scored and recorded as one unit.</summary>
public sealed class PreviewApiTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("il-gw-preview-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private const string Plan = """
        {"format_version":"1.2","resource_changes":[
         {"address":"aws_db_instance.main","mode":"managed","type":"aws_db_instance","change":{"actions":["delete"],"before":{"identifier":"prod-db"}}},
         {"address":"aws_instance.web","mode":"managed","type":"aws_instance","change":{"actions":["update"],"before":{}}}]}
        """;

    [Fact]
    public async Task An_approval_opens_with_the_preview_in_the_reply_the_approval_and_the_audit_record()
    {
        File.WriteAllText(Path.Combine(_dir, "tfplan.json"), Plan);
        await using var gw = await GatewayFixture.StartAsync();
        var agent = await gw.CreatePrincipalAsync("bot", "agent");
        var auditor = await gw.CreatePrincipalAsync("aud", "auditor");
        var (status, reply) = await gw.CallAsync(HttpMethod.Post, "v1/evaluate", agent, new { command = "terraform apply tfplan", cwd = _dir });
        Assert.Equal(200, status);
        Assert.Equal("require_approval", reply.GetProperty("decision").GetString());
        var preview = Assert.Single(reply.GetProperty("previews").EnumerateArray());
        Assert.Equal("terraform", preview.GetProperty("previewer").GetString());
        Assert.Equal("destroys aws_db_instance.main (no deletion protection, no snapshot or backup in the plan's state), updates 1 (from tfplan.json)", preview.GetProperty("headline").GetString());
        Assert.Equal(2, reply.GetProperty("blast_radius").GetProperty("scope_count").GetInt32());

        var records = (await gw.CallAsync(HttpMethod.Get, "v1/audit", auditor)).Body.GetProperty("records");
        var decision = records.EnumerateArray().Last(r => r.GetProperty("kind").GetString() == "decision");
        var payload = decision.GetProperty("payload");
        Assert.Equal(preview.GetProperty("headline").GetString(), payload.GetProperty("previews")[0].GetProperty("headline").GetString());
    }

    [Fact]
    public async Task Reads_and_allowed_actions_open_no_preview()
    {
        await using var gw = await GatewayFixture.StartAsync();
        var agent = await gw.CreatePrincipalAsync("bot", "agent");
        var (_, reply) = await gw.CallAsync(HttpMethod.Post, "v1/evaluate", agent, new { command = "rm -rf build", cwd = _dir });
        Assert.Equal("allow", reply.GetProperty("decision").GetString());
        Assert.False(reply.TryGetProperty("previews", out _));
    }

    [Fact]
    public async Task A_plan_is_scored_as_one_unit_and_recorded_as_one_entry_listing_its_steps()
    {
        File.WriteAllText(Path.Combine(_dir, "tfplan.json"), Plan);
        await using var gw = await GatewayFixture.StartAsync();
        var agent = await gw.CreatePrincipalAsync("bot", "agent");
        var auditor = await gw.CreatePrincipalAsync("aud", "auditor");
        var steps = new object[]
        {
            new { command = "git status", cwd = _dir },
            new { command = "terraform apply tfplan", cwd = _dir },
            new { command = EvaluateApiTests.NeedsApproval, cwd = "/home/dev/app" },
        };
        var (status, plan) = await gw.CallAsync(HttpMethod.Post, "v1/plans", agent, new { steps });
        Assert.Equal(200, status);
        var unit = plan.GetProperty("unit");
        Assert.Equal("require_approval", unit.GetProperty("decision").GetString());
        var blast = unit.GetProperty("blast_radius");
        Assert.Equal("critical", blast.GetProperty("level").GetString());
        Assert.Equal("irreversible", blast.GetProperty("reversibility").GetString());
        Assert.Contains(blast.GetProperty("reasons").EnumerateArray(), r => r.GetString() == "3 steps scored as one unit");
        // Every step a human is asked about was previewed: the apply's plan, and the kubectl delete's scope.
        Assert.Equal(["terraform", "cloud"], unit.GetProperty("previews").EnumerateArray().Select(p => p.GetProperty("previewer").GetString()));
        Assert.Equal("kubectl delete: deployment, web, namespace/staging", unit.GetProperty("previews")[1].GetProperty("headline").GetString());

        var records = (await gw.CallAsync(HttpMethod.Get, "v1/audit", auditor)).Body.GetProperty("records");
        var entry = Assert.Single(records.EnumerateArray(), r => r.TryGetProperty("action_id", out var a) && a.GetString() == plan.GetProperty("id").GetString());
        var recordedSteps = entry.GetProperty("payload").GetProperty("steps");
        Assert.Equal(["git status", "terraform apply tfplan", EvaluateApiTests.NeedsApproval], recordedSteps.EnumerateArray().Select(s => s.GetProperty("action").GetProperty("command").GetString()));
        Assert.Equal(["allow", "require_approval", "require_approval"], recordedSteps.EnumerateArray().Select(s => s.GetProperty("decision").GetString()));
    }
}
