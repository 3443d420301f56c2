using System.Text.Json;

namespace Interlock.Server.Tests.Api;

public sealed class EvaluateApiTests
{
    internal const string NeedsApproval = "kubectl delete deployment web -n staging";

    [Fact]
    public async Task Decisions_carry_outcome_tier_reasons_rules_and_the_policy_hash()
    {
        await using var gw = await GatewayFixture.StartAsync();
        var agent = await gw.CreatePrincipalAsync("bot", "agent");
        var policyHash = (await gw.CallAsync(HttpMethod.Get, "healthz", null)).Body.GetProperty("policy").GetProperty("hash").GetString();

        var (status, allow) = await gw.CallAsync(HttpMethod.Post, "v1/evaluate", agent, new { command = "git status", cwd = "/home/dev/app", id = "req-1" });
        Assert.Equal(200, status);
        Assert.Equal("allow", allow.GetProperty("decision").GetString());
        Assert.Equal("read_only", allow.GetProperty("tier").GetString());
        Assert.Equal(policyHash, allow.GetProperty("policy_hash").GetString());
        Assert.Equal("req-1", allow.GetProperty("request_id").GetString());
        Assert.StartsWith("act_", allow.GetProperty("id").GetString());
        Assert.False(allow.TryGetProperty("approval", out _));

        var (_, deny) = await gw.CallAsync(HttpMethod.Post, "v1/evaluate", agent, new { command = "cat ~/.aws/credentials", cwd = "/home/dev/app", home = "/home/dev" });
        Assert.Equal("deny", deny.GetProperty("decision").GetString());
        Assert.NotEmpty(deny.GetProperty("reasons").EnumerateArray());
        Assert.Contains("builtin:never-tier", deny.GetProperty("rules").EnumerateArray().Select(r => r.GetString()));

        var (_, review) = await gw.CallAsync(HttpMethod.Post, "v1/evaluate", agent, new { command = NeedsApproval, cwd = "/home/dev/app" });
        Assert.Equal("require_approval", review.GetProperty("decision").GetString());
        var approval = review.GetProperty("approval");
        Assert.Equal("pending", approval.GetProperty("status").GetString());
        Assert.Equal($"{gw.Url}/approvals/{approval.GetProperty("id").GetString()}", approval.GetProperty("url").GetString());
    }

    // Found by fuzzing the analyzer: each once overflowed the stack of a request thread (or exhausted memory), which takes
    // the whole gateway down with every agent's decisions. Now each is a budget gap, so it cannot be allowed.
    [Fact]
    public async Task Inputs_that_once_killed_the_analyzer_are_decided_and_the_gateway_stays_up()
    {
        await using var gw = await GatewayFixture.StartAsync();
        var agent = await gw.CreatePrincipalAsync("bot", "agent");
        string[] commands =
        [
            "x=sudo" + string.Concat(Enumerable.Repeat("; x=\"$x $x\"", 10)) + "; $x rm -rf /",
            string.Concat(Enumerable.Repeat("find . -exec ", 3000)) + "rm -rf /" + string.Concat(Enumerable.Repeat(" \\;", 3000)),
            "echo " + string.Concat(Enumerable.Repeat("{,}", 7000)),
            "x=aaaaaaaaaaaaaaa" + string.Concat(Enumerable.Repeat("; x=$x$x$x$x$x$x$x$x$x$x", 8)),
            "cat */.env",
        ];
        foreach (var command in commands)
        {
            var (status, body) = await gw.CallAsync(HttpMethod.Post, "v1/evaluate", agent, new { command, cwd = "/home/dev/app" });
            Assert.Equal(200, status);
            Assert.NotEqual("allow", body.GetProperty("decision").GetString());
        }
        // The cwd is the agent's too: a workspace named with `/**` once sent path classification round in a circle.
        foreach (var cwd in new[] { "/home/dev/project/**x/a*b/tmp", "/home/dev/project/**x" })
        {
            var (status, body) = await gw.CallAsync(HttpMethod.Post, "v1/evaluate", agent, new { tool = "Write", path = "../x", cwd });
            Assert.Equal(200, status);
            Assert.NotEqual("allow", body.GetProperty("decision").GetString());
        }
        Assert.Equal(200, (await gw.CallAsync(HttpMethod.Get, "healthz", null)).Status);
    }

    [Fact]
    public async Task The_seed_policy_decides_jobs_by_topic_and_risk_tags()
    {
        var policy = Repository.TempPolicy(File.ReadAllText(Repository.PathOf("policies/examples/incident-prevention.yaml")));
        await using var gw = await GatewayFixture.StartAsync(o => o with { PolicyPath = policy });
        var agent = await gw.CreatePrincipalAsync("bot", "agent");
        async Task<JsonElement> Job(string topic, string tag) =>
            (await gw.CallAsync(HttpMethod.Post, "v1/evaluate", agent, new { topic, risk_tags = new[] { tag } })).Body;
        Assert.Equal("deny", (await Job("job.prod.destroy", "destructive")).GetProperty("decision").GetString());
        Assert.Equal("require_approval", (await Job("job.infra.apply", "infrastructure")).GetProperty("decision").GetString());
        var generate = await Job("job.team.generate", "high-cost");
        Assert.Equal("allow_with_constraints", generate.GetProperty("decision").GetString());
        var c = generate.GetProperty("constraints");
        Assert.Equal(3, c.GetProperty("max_concurrent").GetInt32());
        Assert.Equal("20/hour", c.GetProperty("rate_limit").GetString());
        Assert.Equal(120, c.GetProperty("max_runtime_sec").GetInt32());
    }

    [Theory]
    [InlineData("""{"command":"ls","agent":"admin"}""", "unknown field 'agent'")]
    [InlineData("""{"command":"ls","expect":"allow"}""", "unknown field 'expect'")]
    [InlineData("""{"command":42}""", "field 'command' must be a string, got number")]
    [InlineData("""{"cwd":"/tmp"}""", "the action needs a 'command', a 'tool', a 'topic' or a 'url'")]
    [InlineData("""{"command":"ls","cwd":"relative/dir"}""", "field 'cwd' must be an absolute path")]
    [InlineData("""{"command":"ls","risk_tags":"prod"}""", "field 'risk_tags' must be an array of strings")]
    [InlineData("""{"tool":"x","arguments":[1]}""", "field 'arguments' must be an object")]
    [InlineData("""{"command":"ls","source":"telepathy"}""", "field 'source' must be one of")]
    [InlineData("""{"command":"ls","source":"mcp,file"}""", "field 'source' must be one of")]
    [InlineData("""{"command":"ls","source":"2"}""", "field 'source' must be one of")]
    [InlineData("""null""", "the body must be a JSON object, got null")]
    [InlineData("""{"command":"ls" """, "the body is not valid JSON")]
    [InlineData("", "the body is empty")]
    // Half a surrogate pair parses as JSON but cannot be read back: once a 500 here, and a 503 "audit unavailable" when nested.
    [InlineData("""{"command":"ls \udc00"}""", "not valid Unicode (an unpaired surrogate escape) at $.command")]
    [InlineData("""{"tool":"mcp__x__get_a","arguments":{"o":{"\ud800":1}}}""", "not valid Unicode (an unpaired surrogate escape) at $.arguments.o (a key)")]
    public async Task Malformed_actions_are_400_and_never_decided(string body, string expected)
    {
        await using var gw = await GatewayFixture.StartAsync();
        var agent = await gw.CreatePrincipalAsync("bot", "agent");
        var auditor = await gw.CreatePrincipalAsync("aud", "auditor");
        using var response = await gw.SendAsync(HttpMethod.Post, "v1/evaluate", agent, body);
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(expected, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("detail").GetString());
        var records = (await gw.CallAsync(HttpMethod.Get, "v1/audit?kind=decision", auditor)).Body.GetProperty("records");
        Assert.Equal(0, records.GetArrayLength());
    }

    [Fact]
    public async Task A_body_of_the_wrong_type_or_size_is_refused()
    {
        await using var gw = await GatewayFixture.StartAsync(o => o with { MaxBodyBytes = 4096 });
        var agent = await gw.CreatePrincipalAsync("bot", "agent");
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/evaluate") { Content = new StringContent("command=ls", System.Text.Encoding.UTF8, "application/x-www-form-urlencoded") };
        request.Headers.Authorization = new("Bearer", agent);
        using var form = await gw.Http.SendAsync(request);
        Assert.Equal(400, (int)form.StatusCode);
        Assert.Contains("must be application/json", await form.Content.ReadAsStringAsync());

        var huge = JsonSerializer.Serialize(new { command = "echo " + new string('a', 10_000) });
        using var big = await gw.SendAsync(HttpMethod.Post, "v1/evaluate", agent, huge);
        Assert.Equal(413, (int)big.StatusCode);
        Assert.Contains("limit of 4096 bytes", await big.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("reviewer")]
    [InlineData("auditor")]
    [InlineData("admin")]
    public async Task Only_agents_evaluate(string role)
    {
        await using var gw = await GatewayFixture.StartAsync();
        var token = role == "admin" ? gw.AdminToken : await gw.CreatePrincipalAsync("p", role);
        Assert.Equal(403, (await gw.CallAsync(HttpMethod.Post, "v1/evaluate", token, new { command = "ls" })).Status);
    }

    [Fact]
    public async Task A_bad_wait_is_400()
    {
        await using var gw = await GatewayFixture.StartAsync();
        var agent = await gw.CreatePrincipalAsync("bot", "agent");
        var (status, body) = await gw.CallAsync(HttpMethod.Post, "v1/evaluate?wait=soon", agent, new { command = "ls" });
        Assert.Equal(400, status);
        Assert.Contains("query 'wait'", body.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Unknown_paths_are_problem_404s()
    {
        await using var gw = await GatewayFixture.StartAsync();
        var (status, body) = await gw.CallAsync(HttpMethod.Get, "v1/nothing-here", null);
        Assert.Equal(404, status);
        Assert.Contains("/v1/nothing-here", body.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task An_agent_records_the_result_of_its_own_action_once()
    {
        await using var gw = await GatewayFixture.StartAsync();
        var agent = await gw.CreatePrincipalAsync("bot", "agent");
        var other = await gw.CreatePrincipalAsync("other-bot", "agent");
        var auditor = await gw.CreatePrincipalAsync("aud", "auditor");
        var id = (await gw.CallAsync(HttpMethod.Post, "v1/evaluate", agent, new { command = "make test", cwd = "/home/dev/app" })).Body.GetProperty("id").GetString();
        var sha = new string('a', 64);

        Assert.Equal(404, (await gw.CallAsync(HttpMethod.Post, $"v1/actions/{id}/result", other, new { exit_code = 0 })).Status);
        Assert.Equal(404, (await gw.CallAsync(HttpMethod.Post, "v1/actions/act_nope/result", agent, new { exit_code = 0 })).Status);
        var (badStatus, bad) = await gw.CallAsync(HttpMethod.Post, $"v1/actions/{id}/result", agent, new { exit_code = 0, output_sha256 = "xyz" });
        Assert.Equal(400, badStatus);
        Assert.Contains("output_sha256", bad.GetProperty("detail").GetString());
        Assert.Equal(400, (await gw.CallAsync(HttpMethod.Post, $"v1/actions/{id}/result", agent, new { exit_code = "0" })).Status);
        Assert.Equal(400, (await gw.CallAsync(HttpMethod.Post, $"v1/actions/{id}/result", agent, new { exit_code = 0, rollback = "maybe" })).Status);

        var (status, recorded) = await gw.CallAsync(HttpMethod.Post, $"v1/actions/{id}/result", agent, new { exit_code = 2, output_sha256 = sha, rollback = "available" });
        Assert.Equal(201, status);
        Assert.Equal(409, (await gw.CallAsync(HttpMethod.Post, $"v1/actions/{id}/result", agent, new { exit_code = 0 })).Status);

        var result = (await gw.CallAsync(HttpMethod.Get, $"v1/audit?action={id}&kind=result", auditor)).Body.GetProperty("records").EnumerateArray().Single();
        Assert.Equal(recorded.GetProperty("sequence").GetInt64(), result.GetProperty("sequence").GetInt64());
        var payload = result.GetProperty("payload");
        Assert.Equal(2, payload.GetProperty("exit_code").GetInt32());
        Assert.Equal("failed", payload.GetProperty("status").GetString());
        Assert.Equal("available", payload.GetProperty("rollback").GetString());
        Assert.Equal(sha, payload.GetProperty("output_sha256").GetString());
    }
}
