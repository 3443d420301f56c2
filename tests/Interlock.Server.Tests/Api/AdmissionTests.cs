using System.Collections.Concurrent;

namespace Interlock.Server.Tests.Api;

/// <summary>
/// One agent flooding worst-case commands once slowed every other agent from ~2 ms to ~1 s. Each agent now has at most
/// K calls in analysis; proven by counting, never by timing: agent A's calls are held in analysis by a test seam.
/// </summary>
public sealed class AdmissionTests
{
    private const int K = 2;

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 600 && !condition(); i++) await Task.Delay(50);
        Assert.True(condition(), "the condition never held");
    }

    [Fact]
    public async Task A_blocked_agent_gets_429_past_its_bound_while_another_agent_is_decided()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var admitted = new ConcurrentQueue<string>();
        await using var gw = await GatewayFixture.StartAsync(o => o with
        {
            MaxInFlightPerAgent = K,
            OnAdmitted = (agent, ct) =>
            {
                admitted.Enqueue(agent);
                return agent == "flood" ? release.Task.WaitAsync(ct) : Task.CompletedTask;
            },
        });
        var flood = await gw.CreatePrincipalAsync("flood", "agent");
        var calm = await gw.CreatePrincipalAsync("calm", "agent");
        var action = new { command = "ls", cwd = "/home/dev/app" };

        var held = Enumerable.Range(0, K).Select(_ => gw.CallAsync(HttpMethod.Post, "v1/evaluate", flood, action)).ToList();
        await WaitUntilAsync(() => gw.Host.Services.Admission.InFlight("flood") == K);

        // The K+1-th call of the same agent is refused at once, on every entry point, with a deny body and a Retry-After.
        using (var refused = await gw.SendAsync(HttpMethod.Post, "v1/evaluate", flood, action))
        {
            Assert.Equal(429, (int)refused.StatusCode);
            Assert.NotNull(refused.Headers.RetryAfter);
            var body = System.Text.Json.JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("deny", body.GetProperty("decision").GetString());
            Assert.Contains($"agent 'flood' already has {K} evaluations in flight", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }
        Assert.Equal(429, (await gw.CallAsync(HttpMethod.Post, "v1/plans", flood, new { steps = new[] { action } })).Status);
        Assert.Equal(429, (await gw.CallAsync(HttpMethod.Post, "v1/hooks/claude-code", flood,
            """{"session_id":"s","cwd":"/home/dev/app","hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"ls"}}""")).Status);

        // Another agent is admitted and decided while the flood's calls are still held.
        for (var i = 0; i < 3; i++)
        {
            var (status, decision) = await gw.CallAsync(HttpMethod.Post, "v1/evaluate", calm, action);
            Assert.Equal(200, status);
            Assert.Equal("allow", decision.GetProperty("decision").GetString());
        }
        Assert.All(held, t => Assert.False(t.IsCompleted));
        Assert.Equal(K, admitted.Count(a => a == "flood"));

        // Released, the held calls are decided and the agent's slots are free again.
        release.SetResult();
        foreach (var t in held) Assert.Equal(200, (await t).Status);
        Assert.Equal(0, gw.Host.Services.Admission.InFlight("flood"));
        Assert.Equal(200, (await gw.CallAsync(HttpMethod.Post, "v1/evaluate", flood, action)).Status);
    }

    [Fact]
    public async Task A_call_waiting_for_a_reviewer_holds_no_slot()
    {
        await using var gw = await GatewayFixture.StartAsync(o => o with { MaxInFlightPerAgent = 1 });
        var bot = await gw.CreatePrincipalAsync("bot", "agent");
        var waiting = gw.CallAsync(HttpMethod.Post, "v1/evaluate?wait=60", bot, new { command = EvaluateApiTests.NeedsApproval, cwd = "/home/dev/app" });
        var reviewer = await gw.CreatePrincipalAsync("alice", "reviewer");
        await WaitUntilAsync(() => gw.Host.Services.Approvals.ListAsync(Interlock.Approvals.ApprovalStatus.Pending, "bot", 10, CancellationToken.None).GetAwaiter().GetResult().Count == 1);
        Assert.Equal(200, (await gw.CallAsync(HttpMethod.Post, "v1/evaluate", bot, new { command = "ls", cwd = "/home/dev/app" })).Status);
        Assert.False(waiting.IsCompleted);
        var id = (await gw.CallAsync(HttpMethod.Get, "v1/approvals?status=pending", reviewer)).Body.GetProperty("approvals")[0].GetProperty("id").GetString();
        await gw.CallAsync(HttpMethod.Post, $"v1/approvals/{id}/deny", reviewer, new { reason = "no" });
        Assert.Equal("deny", (await waiting).Body.GetProperty("decision").GetString());
    }
}
