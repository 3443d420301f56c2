using System.Text.Json;

namespace Interlock.Server.Tests.Api;

/// <summary>What outside testers did to the gateway with one agent token: flooding approvals, recording results for refused actions.</summary>
public sealed class AbuseTests
{
    private static object Delete(int n) => new { command = $"kubectl delete deployment web{n} -n staging", cwd = "/home/dev/app" };

    private static string Outcome(JsonElement decision) => decision.GetProperty("decision").GetString()!;

    [Fact]
    public async Task An_agent_cannot_open_more_pending_approvals_than_the_cap_and_the_refusal_is_audited()
    {
        // The default cap (20): one token once opened 3,000 pending requests in 3 s.
        await using var gw = await GatewayFixture.StartAsync();
        var bot = await gw.CreatePrincipalAsync("bot", "agent");
        var other = await gw.CreatePrincipalAsync("other-bot", "agent");
        var alice = await gw.CreatePrincipalAsync("alice", "reviewer");
        var auditor = await gw.CreatePrincipalAsync("aud", "auditor");
        var first = "";
        for (var i = 0; i < 20; i++)
        {
            var (status, d) = await gw.CallAsync(HttpMethod.Post, "v1/evaluate", bot, Delete(i));
            Assert.Equal(200, status);
            Assert.Equal("require_approval", Outcome(d));
            if (i == 0) first = d.GetProperty("approval").GetProperty("id").GetString()!;
        }

        var (_, over) = await gw.CallAsync(HttpMethod.Post, "v1/evaluate", bot, Delete(20));
        Assert.Equal("deny", Outcome(over));
        Assert.False(over.TryGetProperty("approval", out _));
        Assert.Contains(over.GetProperty("reasons").EnumerateArray(), r => r.GetString()!.Contains("agent bot already has 20 pending approvals", StringComparison.Ordinal));
        var pending = (await gw.CallAsync(HttpMethod.Get, "v1/approvals?status=pending&limit=100", alice)).Body.GetProperty("approvals");
        Assert.Equal(20, pending.GetArrayLength());

        // The deny is a decision like any other: in the audit log, under its action id.
        var overId = over.GetProperty("id").GetString();
        var record = (await gw.CallAsync(HttpMethod.Get, $"v1/audit?action={overId}&kind=decision", auditor)).Body.GetProperty("records").EnumerateArray().Single();
        Assert.Equal("deny", record.GetProperty("payload").GetProperty("decision").GetString());

        // Asking again for an action already pending joins its request: not a new one, so not refused.
        var (_, again) = await gw.CallAsync(HttpMethod.Post, "v1/evaluate", bot, Delete(0));
        Assert.Equal("require_approval", Outcome(again));
        Assert.Equal(first, again.GetProperty("approval").GetProperty("id").GetString());

        // The cap is per agent.
        Assert.Equal("require_approval", Outcome((await gw.CallAsync(HttpMethod.Post, "v1/evaluate", other, Delete(20))).Body));

        // A plan opens one request too, so it is refused at the cap like a single action.
        var (_, plan) = await gw.CallAsync(HttpMethod.Post, "v1/plans", bot, new { steps = new[] { Delete(21) } });
        Assert.Equal("deny", Outcome(plan));
        Assert.Contains(plan.GetProperty("rules").EnumerateArray(), r => r.GetString() == "builtin:pending-approvals-cap");
        // Still 20 of bot's and the one of other-bot: the plan opened none.
        Assert.Equal(21, (await gw.CallAsync(HttpMethod.Get, "v1/approvals?status=pending&limit=100", alice)).Body.GetProperty("approvals").GetArrayLength());

        // Once a reviewer answers one, the agent may open another.
        Assert.Equal(200, (await gw.CallAsync(HttpMethod.Post, $"v1/approvals/{first}/deny", alice, new { reason = "no" })).Status);
        Assert.Equal("require_approval", Outcome((await gw.CallAsync(HttpMethod.Post, "v1/evaluate", bot, Delete(20))).Body));
    }

    [Fact]
    public async Task A_result_is_refused_for_a_denied_or_unapproved_action_and_nothing_is_appended()
    {
        await using var gw = await GatewayFixture.StartAsync();
        var bot = await gw.CreatePrincipalAsync("bot", "agent");
        var alice = await gw.CreatePrincipalAsync("alice", "reviewer");
        var auditor = await gw.CreatePrincipalAsync("aud", "auditor");

        var denied = (await gw.CallAsync(HttpMethod.Post, "v1/evaluate", bot, new { command = "rm -rf /", cwd = "/home/dev/app" })).Body;
        Assert.Equal("deny", Outcome(denied));
        var deniedId = denied.GetProperty("id").GetString();
        var (status, problem) = await gw.CallAsync(HttpMethod.Post, $"v1/actions/{deniedId}/result", bot, new { exit_code = 0 });
        Assert.Equal(409, status);
        Assert.Contains("was decided deny", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var pending = (await gw.CallAsync(HttpMethod.Post, "v1/evaluate", bot, Delete(1))).Body;
        var pendingId = pending.GetProperty("id").GetString();
        var (pendingStatus, pendingProblem) = await gw.CallAsync(HttpMethod.Post, $"v1/actions/{pendingId}/result", bot, new { exit_code = 0 });
        Assert.Equal(409, pendingStatus);
        Assert.Contains("was decided require_approval", pendingProblem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // A reviewer's deny recorded for an action waited on is its last decision: still no result.
        var waiting = gw.CallAsync(HttpMethod.Post, "v1/evaluate?wait=30", bot, Delete(2));
        string? approvalId = null;
        for (var i = 0; i < 200 && approvalId is null; i++)
        {
            var list = (await gw.CallAsync(HttpMethod.Get, "v1/approvals?status=pending", alice)).Body.GetProperty("approvals");
            approvalId = list.EnumerateArray().Where(a => a.GetProperty("steps")[0].GetProperty("summary").GetString()!.Contains("web2", StringComparison.Ordinal)).Select(a => a.GetProperty("id").GetString()).FirstOrDefault();
            if (approvalId is null) await Task.Delay(50);
        }
        Assert.NotNull(approvalId);
        await gw.CallAsync(HttpMethod.Post, $"v1/approvals/{approvalId}/deny", alice, new { reason = "not today" });
        var reviewerDenied = (await waiting).Body;
        Assert.Equal("deny", Outcome(reviewerDenied));
        Assert.Equal(409, (await gw.CallAsync(HttpMethod.Post, $"v1/actions/{reviewerDenied.GetProperty("id").GetString()}/result", bot, new { exit_code = 0 })).Status);

        var results = (await gw.CallAsync(HttpMethod.Get, "v1/audit?kind=result", auditor)).Body.GetProperty("records");
        Assert.Equal(0, results.GetArrayLength());

        // Allowed after approval: the result is accepted.
        var waitingOk = gw.CallAsync(HttpMethod.Post, "v1/evaluate?wait=30", bot, Delete(3));
        string? okId = null;
        for (var i = 0; i < 200 && okId is null; i++)
        {
            var list = (await gw.CallAsync(HttpMethod.Get, "v1/approvals?status=pending", alice)).Body.GetProperty("approvals");
            okId = list.EnumerateArray().Where(a => a.GetProperty("steps")[0].GetProperty("summary").GetString()!.Contains("web3", StringComparison.Ordinal)).Select(a => a.GetProperty("id").GetString()).FirstOrDefault();
            if (okId is null) await Task.Delay(50);
        }
        await gw.CallAsync(HttpMethod.Post, $"v1/approvals/{okId}/approve", alice, new { reason = "fine", confirm = "approve" });
        var allowed = (await waitingOk).Body;
        Assert.Equal("allow", Outcome(allowed));
        Assert.Equal(201, (await gw.CallAsync(HttpMethod.Post, $"v1/actions/{allowed.GetProperty("id").GetString()}/result", bot, new { exit_code = 0 })).Status);
    }
}
