using System.Text.Json;

namespace Interlock.Server.Tests.Api;

public sealed class ApprovalApiTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private static readonly object Action = new { command = EvaluateApiTests.NeedsApproval, cwd = "/home/dev/app" };

    private sealed record Team(GatewayFixture Gw, string Agent, string Alice, string Bob, string Auditor);

    private static async Task<Team> TeamAsync(GatewayFixture gw) =>
        new(gw, await gw.CreatePrincipalAsync("bot", "agent"), await gw.CreatePrincipalAsync("alice", "reviewer"),
            await gw.CreatePrincipalAsync("bob", "reviewer"), await gw.CreatePrincipalAsync("aud", "auditor"));

    private static async Task<JsonElement> Evaluate(Team t, object? action = null, string query = "") =>
        (await t.Gw.CallAsync(HttpMethod.Post, "v1/evaluate" + query, t.Agent, action ?? Action)).Body;

    private static string ApprovalId(JsonElement decision) => decision.GetProperty("approval").GetProperty("id").GetString()!;

    [Fact]
    public async Task An_approved_action_is_allowed_exactly_once_for_its_agent()
    {
        await using var gw = await GatewayFixture.StartAsync();
        var t = await TeamAsync(gw);
        var first = await Evaluate(t);
        Assert.Equal("require_approval", first.GetProperty("decision").GetString());
        var id = ApprovalId(first);

        // Asking again before anyone answered joins the same request.
        Assert.Equal(id, ApprovalId(await Evaluate(t)));

        var (status, approved) = await gw.CallAsync(HttpMethod.Post, $"v1/approvals/{id}/approve", t.Alice, new { reason = "staging cleanup is planned", confirm = "approve" });
        Assert.Equal(200, status);
        Assert.Equal("approved", approved.GetProperty("status").GetString());

        var allowed = await Evaluate(t);
        Assert.Equal("allow", allowed.GetProperty("decision").GetString());
        Assert.Contains("approval:" + id, allowed.GetProperty("rules").EnumerateArray().Select(r => r.GetString()));
        Assert.Contains(allowed.GetProperty("reasons").EnumerateArray(), r => r.GetString()!.Contains("approved by alice"));

        var again = await Evaluate(t);
        Assert.Equal("require_approval", again.GetProperty("decision").GetString());
        Assert.NotEqual(id, ApprovalId(again));
        Assert.Equal("used", (await gw.CallAsync(HttpMethod.Get, $"v1/approvals/{id}", t.Alice)).Body.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Any_change_to_the_action_needs_a_new_approval()
    {
        await using var gw = await GatewayFixture.StartAsync();
        var t = await TeamAsync(gw);
        var id = ApprovalId(await Evaluate(t));
        await gw.CallAsync(HttpMethod.Post, $"v1/approvals/{id}/approve", t.Alice, new { confirm = "approve" });
        var changed = await Evaluate(t, new { command = EvaluateApiTests.NeedsApproval, cwd = "/home/dev/other" });
        Assert.Equal("require_approval", changed.GetProperty("decision").GetString());
        Assert.NotEqual(id, ApprovalId(changed));
        var otherAgent = await gw.CreatePrincipalAsync("bot2", "agent");
        var other = (await gw.CallAsync(HttpMethod.Post, "v1/evaluate", otherAgent, Action)).Body;
        Assert.Equal("require_approval", other.GetProperty("decision").GetString());
        // The original approval is still there for the exact action.
        Assert.Equal("allow", (await Evaluate(t)).GetProperty("decision").GetString());
    }

    [Fact]
    public async Task Agents_auditors_and_admins_cannot_answer_and_a_deny_needs_a_reason()
    {
        await using var gw = await GatewayFixture.StartAsync();
        var t = await TeamAsync(gw);
        var id = ApprovalId(await Evaluate(t));
        foreach (var token in new[] { t.Agent, t.Auditor, gw.AdminToken })
            Assert.Equal(403, (await gw.CallAsync(HttpMethod.Post, $"v1/approvals/{id}/approve", token, new { confirm = "approve" })).Status);
        var (status, body) = await gw.CallAsync(HttpMethod.Post, $"v1/approvals/{id}/deny", t.Alice, new { });
        Assert.Equal(400, status);
        Assert.Contains("reason is required", body.GetProperty("detail").GetString());
        Assert.Equal(400, (await gw.CallAsync(HttpMethod.Post, $"v1/approvals/{id}/deny", t.Alice, "")).Status);
        Assert.Equal(400, (await gw.CallAsync(HttpMethod.Post, $"v1/approvals/{id}/approve", t.Alice, new { reason = 5 })).Status);
        Assert.Equal(404, (await gw.CallAsync(HttpMethod.Post, "v1/approvals/apr_nope/approve", t.Alice, new { confirm = "approve" })).Status);
        Assert.Equal("pending", (await gw.CallAsync(HttpMethod.Get, $"v1/approvals/{id}", t.Alice)).Body.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_denial_reaches_the_agent_with_its_reason()
    {
        await using var gw = await GatewayFixture.StartAsync();
        var t = await TeamAsync(gw);
        var waiting = Evaluate(t, query: "?wait=30");
        var id = await PendingIdAsync(gw, t.Alice);
        var (status, _) = await gw.CallAsync(HttpMethod.Post, $"v1/approvals/{id}/deny", t.Alice, new { reason = "code freeze until Monday" });
        Assert.Equal(200, status);
        var decision = await waiting;
        Assert.Equal("deny", decision.GetProperty("decision").GetString());
        Assert.Contains(decision.GetProperty("reasons").EnumerateArray(), r => r.GetString() == "denied by reviewer alice: code freeze until Monday");
        Assert.Equal("denied", decision.GetProperty("approval").GetProperty("status").GetString());
        Assert.Equal(409, (await gw.CallAsync(HttpMethod.Post, $"v1/approvals/{id}/approve", t.Bob, new { confirm = "approve" })).Status);
    }

    [Fact]
    public async Task A_waiting_agent_gets_allow_when_a_reviewer_approves()
    {
        await using var gw = await GatewayFixture.StartAsync();
        var t = await TeamAsync(gw);
        var waiting = Evaluate(t, query: "?wait=30");
        var id = await PendingIdAsync(gw, t.Alice);
        Assert.False(waiting.IsCompleted);
        await gw.CallAsync(HttpMethod.Post, $"v1/approvals/{id}/approve", t.Alice, new { reason = "ok", confirm = "approve" });
        var decision = await waiting;
        Assert.Equal("allow", decision.GetProperty("decision").GetString());
        var records = (await gw.CallAsync(HttpMethod.Get, "v1/audit", t.Auditor)).Body.GetProperty("records").EnumerateArray().ToList();
        var approval = records.Single(r => r.GetProperty("kind").GetString() == "approval").GetProperty("payload");
        Assert.Equal("alice", approval.GetProperty("approver").GetString());
        Assert.Equal(id, approval.GetProperty("approval").GetString());
        var outcomes = records.Where(r => r.GetProperty("kind").GetString() == "decision")
            .Select(r => r.GetProperty("payload").GetProperty("decision").GetString()).ToList();
        Assert.Equal(["require_approval", "allow"], outcomes);
    }

    [Fact]
    public async Task A_wait_that_ends_first_returns_the_pending_request()
    {
        await using var gw = await GatewayFixture.StartAsync();
        var t = await TeamAsync(gw);
        var decision = await Evaluate(t, query: "?wait=1");
        Assert.Equal("require_approval", decision.GetProperty("decision").GetString());
        Assert.Equal("pending", decision.GetProperty("approval").GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_pending_request_expires_as_a_recorded_denial_and_never_proceeds()
    {
        var clock = new ManualClock(T0);
        await using var gw = await GatewayFixture.StartAsync(o => o with { Time = clock });
        var t = await TeamAsync(gw);
        var first = await Evaluate(t);
        var id = ApprovalId(first);
        Assert.Equal(T0.AddMinutes(30), first.GetProperty("approval").GetProperty("expires_at").GetDateTimeOffset());

        var waiting = Evaluate(t, query: "?wait=3600");
        await Task.Delay(300);
        clock.Advance(TimeSpan.FromMinutes(31));
        var decision = await waiting.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal("deny", decision.GetProperty("decision").GetString());
        Assert.Contains(decision.GetProperty("reasons").EnumerateArray(), r => r.GetString()!.Contains("expired unanswered"));

        var (_, stored) = await gw.CallAsync(HttpMethod.Get, $"v1/approvals/{id}", t.Alice);
        Assert.Equal("expired", stored.GetProperty("status").GetString());
        var (status, late) = await gw.CallAsync(HttpMethod.Post, $"v1/approvals/{id}/approve", t.Alice, new { confirm = "approve" });
        Assert.Equal(409, status);
        Assert.Contains("expired", late.GetProperty("detail").GetString());
        var expiry = (await gw.CallAsync(HttpMethod.Get, "v1/audit?kind=expiry", t.Auditor)).Body.GetProperty("records").EnumerateArray().Single();
        Assert.Contains(id, expiry.GetProperty("payload").GetProperty("reason").GetString());
        // Asking again opens a fresh request rather than reviving the expired one.
        Assert.NotEqual(id, ApprovalId(await Evaluate(t)));
    }

    [Fact]
    public async Task Two_of_two_reviewers_and_a_per_rule_timeout_come_from_the_policy()
    {
        var policy = Repository.TempPolicy("""
            version: v1
            default: allow
            rules:
              - id: two-keys
                match:
                  programs: [kubectl]
                decision: require_approval
                constraints:
                  approvals_required: 2
                  approval_timeout_sec: 600
                reason: "two reviewers for cluster changes"
            """);
        var clock = new ManualClock(T0);
        await using var gw = await GatewayFixture.StartAsync(o => o with { PolicyPath = policy, Time = clock });
        var t = await TeamAsync(gw);
        var first = await Evaluate(t);
        Assert.Equal(T0.AddMinutes(10), first.GetProperty("approval").GetProperty("expires_at").GetDateTimeOffset());
        var id = ApprovalId(first);
        var (_, one) = await gw.CallAsync(HttpMethod.Post, $"v1/approvals/{id}/approve", t.Alice, new { confirm = "approve" });
        Assert.Equal("pending", one.GetProperty("status").GetString());
        Assert.Equal(2, one.GetProperty("approvals_required").GetInt32());
        Assert.Equal("require_approval", (await Evaluate(t)).GetProperty("decision").GetString());
        var (twiceStatus, twice) = await gw.CallAsync(HttpMethod.Post, $"v1/approvals/{id}/approve", t.Alice, new { confirm = "approve" });
        Assert.Equal(409, twiceStatus);
        Assert.Contains("another reviewer", twice.GetProperty("detail").GetString());
        var (_, two) = await gw.CallAsync(HttpMethod.Post, $"v1/approvals/{id}/approve", t.Bob, new { confirm = "approve" });
        Assert.Equal("approved", two.GetProperty("status").GetString());
        Assert.Equal("allow", (await Evaluate(t)).GetProperty("decision").GetString());
    }

    [Fact]
    public async Task An_agent_reads_only_its_own_requests()
    {
        await using var gw = await GatewayFixture.StartAsync();
        var t = await TeamAsync(gw);
        var id = ApprovalId(await Evaluate(t));
        var other = await gw.CreatePrincipalAsync("bot2", "agent");
        Assert.Equal(200, (await gw.CallAsync(HttpMethod.Get, $"v1/approvals/{id}", t.Agent)).Status);
        Assert.Equal(404, (await gw.CallAsync(HttpMethod.Get, $"v1/approvals/{id}", other)).Status);
        Assert.Equal(0, (await gw.CallAsync(HttpMethod.Get, "v1/approvals", other)).Body.GetProperty("approvals").GetArrayLength());
        var (status, list) = await gw.CallAsync(HttpMethod.Get, "v1/approvals?status=pending", t.Alice);
        Assert.Equal(200, status);
        var item = list.GetProperty("approvals").EnumerateArray().Single();
        Assert.Equal(EvaluateApiTests.NeedsApproval, item.GetProperty("steps")[0].GetProperty("summary").GetString());
        Assert.Equal("bot", item.GetProperty("agent").GetString());
        var detail = item.GetProperty("details")[0];
        Assert.Equal("require_approval", detail.GetProperty("decision").GetString());
        Assert.True(detail.TryGetProperty("blast_radius", out _));
        Assert.Equal(400, (await gw.CallAsync(HttpMethod.Get, "v1/approvals?status=maybe", t.Alice)).Status);
    }

    [Fact]
    public async Task A_plan_is_one_approval_whose_steps_are_used_in_order()
    {
        await using var gw = await GatewayFixture.StartAsync();
        var t = await TeamAsync(gw);
        var steps = new object[]
        {
            new { command = "kubectl scale deployment web --replicas=0 -n staging", cwd = "/home/dev/app" },
            new { command = "git status", cwd = "/home/dev/app" },
            new { command = EvaluateApiTests.NeedsApproval, cwd = "/home/dev/app" },
        };
        var (status, plan) = await gw.CallAsync(HttpMethod.Post, "v1/plans", t.Agent, new { steps, session = "s1" });
        Assert.Equal(200, status);
        Assert.Equal("require_approval", plan.GetProperty("decision").GetString());
        Assert.Equal(3, plan.GetProperty("steps").GetArrayLength());
        Assert.Equal("allow", plan.GetProperty("steps")[1].GetProperty("decision").GetString());
        var id = ApprovalId(plan);
        var (_, request) = await gw.CallAsync(HttpMethod.Get, $"v1/approvals/{id}", t.Alice);
        Assert.True(request.GetProperty("plan").GetBoolean());
        Assert.Equal(2, request.GetProperty("steps").GetArrayLength());
        await gw.CallAsync(HttpMethod.Post, $"v1/approvals/{id}/approve", t.Alice, new { confirm = "approve" });

        // Out of order: the delete's slot is not next, so it is not covered.
        Assert.Equal("require_approval", (await Evaluate(t, steps[2])).GetProperty("decision").GetString());
        Assert.Equal("allow", (await Evaluate(t, steps[0])).GetProperty("decision").GetString());
        Assert.Equal("allow", (await Evaluate(t, steps[1])).GetProperty("decision").GetString());
        var last = await Evaluate(t, steps[2]);
        Assert.Equal("allow", last.GetProperty("decision").GetString());
        Assert.Contains(last.GetProperty("reasons").EnumerateArray(), r => r.GetString()!.Contains("plan step 2"));
        Assert.Equal("used", (await gw.CallAsync(HttpMethod.Get, $"v1/approvals/{id}", t.Alice)).Body.GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("""{"steps":[]}""", "at least one action")]
    [InlineData("""{"steps":{}}""", "field 'steps' must be an array")]
    [InlineData("""{"steps":[{"command":"ls"},{"comand":"ls"}]}""", "steps[1]: unknown field 'comand'")]
    [InlineData("""{"steps":[{"command":"ls"}],"mode":"fast"}""", "unknown field 'mode'")]
    public async Task Malformed_plans_are_400(string body, string expected)
    {
        await using var gw = await GatewayFixture.StartAsync();
        var agent = await gw.CreatePrincipalAsync("bot", "agent");
        var (status, problem) = await gw.CallAsync(HttpMethod.Post, "v1/plans", agent, body);
        Assert.Equal(400, status);
        Assert.Contains(expected, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_plan_with_a_denied_step_is_denied_as_a_whole()
    {
        await using var gw = await GatewayFixture.StartAsync();
        var agent = await gw.CreatePrincipalAsync("bot", "agent");
        var (_, plan) = await gw.CallAsync(HttpMethod.Post, "v1/plans", agent, new
        {
            steps = new object[] { new { command = EvaluateApiTests.NeedsApproval, cwd = "/home/dev/app" }, new { command = "git push --force origin main", cwd = "/home/dev/app" } },
        });
        Assert.Equal("deny", plan.GetProperty("decision").GetString());
        Assert.False(plan.TryGetProperty("approval", out _));
        Assert.Contains(plan.GetProperty("reasons").EnumerateArray(), r => r.GetString()!.StartsWith("step 2:", StringComparison.Ordinal));
    }

    private static async Task<string> PendingIdAsync(GatewayFixture gw, string reviewer)
    {
        for (var i = 0; i < 200; i++)
        {
            var list = (await gw.CallAsync(HttpMethod.Get, "v1/approvals?status=pending", reviewer)).Body.GetProperty("approvals");
            if (list.GetArrayLength() > 0) return list[0].GetProperty("id").GetString()!;
            await Task.Delay(50);
        }
        throw new TimeoutException("no pending approval appeared");
    }

    [Fact]
    public async Task Only_the_requesting_agent_withdraws_its_pending_request_and_the_withdrawal_is_audited()
    {
        await using var gw = await GatewayFixture.StartAsync();
        var t = await TeamAsync(gw);
        var id = ApprovalId(await Evaluate(t));
        // Reviewers, auditors and admins cannot withdraw; another agent does not even see the request.
        foreach (var token in new[] { t.Alice, t.Auditor, gw.AdminToken })
            Assert.Equal(403, (await gw.CallAsync(HttpMethod.Post, $"v1/approvals/{id}/withdraw", token)).Status);
        var otherAgent = await gw.CreatePrincipalAsync("bot2", "agent");
        Assert.Equal(404, (await gw.CallAsync(HttpMethod.Post, $"v1/approvals/{id}/withdraw", otherAgent)).Status);
        Assert.Equal(404, (await gw.CallAsync(HttpMethod.Post, "v1/approvals/apr_nope/withdraw", t.Agent)).Status);
        Assert.Equal("pending", (await gw.CallAsync(HttpMethod.Get, $"v1/approvals/{id}", t.Alice)).Body.GetProperty("status").GetString());

        var (status, body) = await gw.CallAsync(HttpMethod.Post, $"v1/approvals/{id}/withdraw", t.Agent);
        Assert.Equal(200, status);
        Assert.Equal("withdrawn", body.GetProperty("status").GetString());
        // Final: a reviewer's later answer is refused, a second withdrawal too, and the same action needs a new request.
        Assert.Equal(409, (await gw.CallAsync(HttpMethod.Post, $"v1/approvals/{id}/approve", t.Alice, new { confirm = "approve" })).Status);
        Assert.Equal(409, (await gw.CallAsync(HttpMethod.Post, $"v1/approvals/{id}/withdraw", t.Agent)).Status);
        var again = await Evaluate(t);
        Assert.Equal("require_approval", again.GetProperty("decision").GetString());
        Assert.NotEqual(id, ApprovalId(again));
        var listed = (await gw.CallAsync(HttpMethod.Get, "v1/approvals?status=withdrawn", t.Alice)).Body.GetProperty("approvals");
        Assert.Equal(id, Assert.Single(listed.EnumerateArray()).GetProperty("id").GetString());

        var audit = (await gw.CallAsync(HttpMethod.Get, "v1/audit?kind=approval", t.Auditor)).Body.GetProperty("records");
        var record = Assert.Single(audit.EnumerateArray()).GetProperty("payload");
        Assert.Equal("bot", record.GetProperty("approver").GetString());
        Assert.False(record.GetProperty("approved").GetBoolean());
        Assert.Equal("withdrawn by the requester", record.GetProperty("reason").GetString());
        Assert.Equal("withdrawn", record.GetProperty("status").GetString());
        Assert.Equal(id, record.GetProperty("approval").GetString());
    }

    [Fact]
    public async Task Approving_an_irreversible_action_through_the_api_needs_the_typed_word_and_a_reversible_one_does_not()
    {
        await using var gw = await GatewayFixture.StartAsync();
        var t = await TeamAsync(gw);
        var id = ApprovalId(await Evaluate(t));
        var (status, problem) = await gw.CallAsync(HttpMethod.Post, $"v1/approvals/{id}/approve", t.Alice, new { reason = "fine" });
        Assert.Equal(400, status);
        Assert.Contains("this action cannot be undone or its blast radius is critical: approve it with \"confirm\": \"approve\"", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(400, (await gw.CallAsync(HttpMethod.Post, $"v1/approvals/{id}/approve", t.Alice, new { confirm = "yes" })).Status);
        Assert.Equal("pending", (await gw.CallAsync(HttpMethod.Get, $"v1/approvals/{id}", t.Alice)).Body.GetProperty("status").GetString());
        Assert.Equal(200, (await gw.CallAsync(HttpMethod.Post, $"v1/approvals/{id}/approve", t.Alice, new { confirm = " approve " })).Status);

        // A plain push is reversible and not critical: a click approves it.
        var push = ApprovalId(await Evaluate(t, new { command = "git push origin main", cwd = "/home/dev/app" }));
        Assert.Equal(200, (await gw.CallAsync(HttpMethod.Post, $"v1/approvals/{push}/approve", t.Alice, new { })).Status);
    }
}
