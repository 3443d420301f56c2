using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Interlock.Tests.Shared;

namespace Interlock.Server.Tests.EntryPoints;

/// <summary>
/// The gateway's two ways in (the evaluate API and the hook endpoint) decide one set of actions alike, each decision is
/// in the audit log under an act_ id, and the log verifies. The set is the offline entry points' set (Cli tests).
/// </summary>
public sealed class GatewayEntryPointTests
{
    public static TheoryData<string, string, string> Actions() => EntryPointActions.Data(
        ("gateway admin endpoint", "curl -s -X POST http://127.0.0.1:7070/v1/principals -d '{}'", "deny"),
        ("gateway data", "cat ~/.local/share/interlock/admin.token", "deny"));

    // Against a gateway a pending approval is the gateway's to answer: the hook denies, naming the approval to mention.
    private static string HookAnswer(string decision) => decision == "allow" ? "allow" : "deny";

    [Theory]
    [MemberData(nameof(Actions))]
    public async Task EvaluateAndHookDecideTheSameAndRecordIt(string what, string command, string expected)
    {
        await using var gw = await GatewayFixture.StartAsync();
        var name = "agent-" + Guid.NewGuid().ToString("N")[..6];
        var agent = await gw.CreatePrincipalAsync(name, "agent");

        var (status, evaluated) = await gw.CallAsync(HttpMethod.Post, "v1/evaluate", agent, new { command, cwd = HookPayloadShapes.Workspace, home = "/home/dev" });
        Assert.Equal(200, status);
        Assert.True(expected == evaluated.GetProperty("decision").GetString(), $"{what}: {evaluated}");

        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/hooks/claude-code")
        {
            Content = new StringContent(HookPayloadShapes.Claude("Bash", new JsonObject { ["command"] = command }), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", agent);
        request.Headers.Add("X-Interlock-Home", "/home/dev");
        using var response = await gw.Http.SendAsync(request);
        var hook = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var output = hook.GetProperty("hookSpecificOutput");
        Assert.Equal(HookAnswer(expected), output.GetProperty("permissionDecision").GetString());
        if (expected == "require_approval") Assert.Contains("waiting for a reviewer's approval", output.GetProperty("permissionDecisionReason").GetString(), StringComparison.Ordinal);

        var auditor = await gw.CreatePrincipalAsync("aud-" + Guid.NewGuid().ToString("N")[..6], "auditor");
        var (_, audit) = await gw.CallAsync(HttpMethod.Get, $"v1/audit?kind=decision&agent={name}", auditor);
        var records = audit.GetProperty("records").EnumerateArray().ToList();
        Assert.Equal(2, records.Count);
        Assert.All(records, r => Assert.Matches("^act_[0-9a-f]{24}$", r.GetProperty("action_id").GetString()));
        Assert.All(records, r => Assert.Equal(expected, r.GetProperty("payload").GetProperty("decision").GetString()));
        var (_, verify) = await gw.CallAsync(HttpMethod.Get, "v1/audit/verify", auditor);
        Assert.True(verify.GetProperty("ok").GetBoolean(), verify.ToString());
    }

    [Fact]
    public async Task TheGatewaysOwnDataAndPortAreOutOfAnAgentsReach()
    {
        // Before: deleting the gateway's data directory (under /tmp, where deleting is routine), reading its admin.token
        // and creating a reviewer over curl on its port were all allowed.
        await using var gw = await GatewayFixture.StartAsync();
        var agent = await gw.CreatePrincipalAsync("agent", "agent");
        var port = new Uri(gw.Url).Port;
        foreach (var command in new[]
        {
            $"rm -rf {gw.DataDirectory}",
            $"cat {gw.DataDirectory}/admin.token",
            $"curl -s http://127.0.0.1:{port}/v1/principals -H 'Authorization: Bearer x' -d '{{\"name\":\"me\",\"role\":\"reviewer\"}}'",
        })
        {
            var (_, d) = await gw.CallAsync(HttpMethod.Post, "v1/evaluate", agent, new { command, cwd = "/tmp/work", home = "/home/dev" });
            Assert.True(d.GetProperty("decision").GetString() == "deny", $"{command}: {d}");
            Assert.Contains("builtin:self-protection", d.GetProperty("rules").EnumerateArray().Select(r => r.GetString()));
        }
    }

    [Fact]
    public async Task AnApprovalCoversTheContentItWasGivenFor()
    {
        // Before: approving Write /etc/hosts also allowed a later write of other content to the same file.
        await using var gw = await GatewayFixture.StartAsync();
        var agent = await gw.CreatePrincipalAsync("writer", "agent");
        var reviewer = await gw.CreatePrincipalAsync("rev", "reviewer");
        async Task<JsonElement> Write(string content)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "v1/hooks/claude-code")
            {
                Content = new StringContent(HookPayloadShapes.Claude("Write", new JsonObject { ["file_path"] = "/etc/hosts", ["content"] = content }), Encoding.UTF8, "application/json"),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", agent);
            request.Headers.Add("X-Interlock-Home", "/home/dev");
            using var response = await gw.Http.SendAsync(request);
            return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("hookSpecificOutput");
        }
        Assert.Equal("deny", (await Write("127.0.0.1 localhost\n")).GetProperty("permissionDecision").GetString());
        var (_, list) = await gw.CallAsync(HttpMethod.Get, "v1/approvals?status=pending", reviewer);
        var id = list.GetProperty("approvals").EnumerateArray().Single().GetProperty("id").GetString();
        Assert.Equal(200, (await gw.CallAsync(HttpMethod.Post, $"v1/approvals/{id}/approve", reviewer, new { reason = "ok", confirm = "approve" })).Status);

        var other = await Write("1.2.3.4 bank.example\n");
        Assert.Equal("deny", other.GetProperty("permissionDecision").GetString());
        Assert.Contains("waiting for a reviewer's approval", other.GetProperty("permissionDecisionReason").GetString(), StringComparison.Ordinal);
        Assert.Equal("allow", (await Write("127.0.0.1 localhost\n")).GetProperty("permissionDecision").GetString());
    }

    [Fact]
    public async Task AMalformedActionIsRefusedWithTheFieldNamed()
    {
        await using var gw = await GatewayFixture.StartAsync();
        var agent = await gw.CreatePrincipalAsync("bad", "agent");
        var (status, body) = await gw.CallAsync(HttpMethod.Post, "v1/evaluate", agent, new { command = 42 });
        Assert.Equal(400, status);
        Assert.Contains("command", body.ToString(), StringComparison.Ordinal);
        var (both, why) = await gw.CallAsync(HttpMethod.Post, "v1/evaluate", agent, new { tool = "Write", path = "/etc/hosts", content = "x", content_sha256 = new string('a', 64) });
        Assert.Equal(400, both);
        Assert.Contains("not both", why.ToString(), StringComparison.Ordinal);
        var (ok, decided) = await gw.CallAsync(HttpMethod.Post, "v1/evaluate", agent, new { tool = "Write", path = "/etc/hosts", content = "x" });
        Assert.Equal(200, ok);
        Assert.Equal("require_approval", decided.GetProperty("decision").GetString());
    }

    [Fact]
    public async Task AnHttpActionIsDecidedLikeCurlAndRecordedWithoutItsSecrets()
    {
        await using var gw = await GatewayFixture.StartAsync();
        var name = "fetcher-" + Guid.NewGuid().ToString("N")[..6];
        var agent = await gw.CreatePrincipalAsync(name, "agent");
        var (ok, read) = await gw.CallAsync(HttpMethod.Post, "v1/evaluate", agent, new { source = "http", url = "http://localhost:9200/_cat/indices" });
        Assert.Equal(200, ok);
        Assert.Equal("allow", read.GetProperty("decision").GetString());
        var (_, wipe) = await gw.CallAsync(HttpMethod.Post, "v1/evaluate", agent, new
        {
            source = "http", method = "POST", url = "http://localhost:9200/orders/_delete_by_query",
            headers = new Dictionary<string, string> { ["Authorization"] = "Bearer very-secret-value" }, body = """{"query":{"match_all":{}}}""",
        });
        Assert.Equal("deny", wipe.GetProperty("decision").GetString());
        var auditor = await gw.CreatePrincipalAsync("aud-" + Guid.NewGuid().ToString("N")[..6], "auditor");
        var (_, audit) = await gw.CallAsync(HttpMethod.Get, $"v1/audit?kind=decision&agent={name}", auditor);
        var text = audit.ToString();
        Assert.Contains("_delete_by_query", text, StringComparison.Ordinal);
        Assert.DoesNotContain("very-secret-value", text, StringComparison.Ordinal);
        var (bad, problem) = await gw.CallAsync(HttpMethod.Post, "v1/evaluate", agent, new { source = "http", url = "file:///etc/passwd" });
        Assert.Equal(400, bad);
        Assert.Contains("absolute http or https URL", problem.ToString(), StringComparison.Ordinal);
    }
}
