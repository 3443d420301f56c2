namespace Interlock.Cli.Tests.ServerMode;

/// <summary><c>interlock approvals</c> against a real gateway: a reviewer lists, reads and answers from a terminal.</summary>
public sealed class ApprovalsCommandTests(TestGateway gw) : IClassFixture<TestGateway>
{
    private InterlockProcess.Result Approvals(string token, params string[] args) =>
        InterlockProcess.Run(["approvals", .. args, "--server", gw.Url], env: new Dictionary<string, string> { ["INTERLOCK_TOKEN"] = token });

    [Fact]
    public async Task A_reviewer_lists_shows_and_approves_and_the_agent_is_then_allowed()
    {
        var agent = await gw.PrincipalAsync("cli-bot-" + Guid.NewGuid().ToString("N")[..6], "agent");
        var reviewer = await gw.PrincipalAsync("cli-rev-" + Guid.NewGuid().ToString("N")[..6], "reviewer");
        var action = new { command = "kubectl delete deployment api -n staging", cwd = "/home/dev/app" };
        var (_, first) = await gw.CallAsync(HttpMethod.Post, "v1/evaluate", agent, action);
        var id = first.GetProperty("approval").GetProperty("id").GetString()!;

        var list = Approvals(reviewer, "list");
        Assert.Equal(0, list.ExitCode);
        Assert.Contains(id, list.Stdout);
        Assert.Contains("kubectl delete deployment api -n staging", list.Stdout);

        var show = Approvals(reviewer, "show", id);
        Assert.Equal(0, show.ExitCode);
        Assert.Contains("\"status\": \"pending\"", show.Stdout);

        var deny = Approvals(reviewer, "deny", id);
        Assert.Equal(1, deny.ExitCode);
        Assert.Contains("--reason is required", deny.Stderr);

        // Deleting a deployment cannot be undone: without the typed word the gateway refuses and names it.
        var unconfirmed = Approvals(reviewer, "approve", id, "--reason", "planned cleanup");
        Assert.Equal(1, unconfirmed.ExitCode);
        Assert.Contains("this action cannot be undone or its blast radius is critical: approve it with", unconfirmed.Stderr);

        var approve = Approvals(reviewer, "approve", id, "--reason", "planned cleanup", "--confirm", "approve");
        Assert.Equal(0, approve.ExitCode);
        Assert.Contains($"{id}: approved", approve.Stdout);
        Assert.Equal("allow", (await gw.CallAsync(HttpMethod.Post, "v1/evaluate", agent, action)).Body.GetProperty("decision").GetString());

        var again = Approvals(reviewer, "approve", id);
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("the gateway answered 409", again.Stderr);
    }

    [Fact]
    public async Task Hidden_characters_in_a_command_are_escaped_in_list_and_show_with_a_warning()
    {
        var agent = await gw.PrincipalAsync("cli-bot3-" + Guid.NewGuid().ToString("N")[..6], "agent");
        var reviewer = await gw.PrincipalAsync("cli-rev3-" + Guid.NewGuid().ToString("N")[..6], "reviewer");
        var command = DisplaySafetyTests.Disguised + " \u2066x\u2069";
        var (_, first) = await gw.CallAsync(HttpMethod.Post, "v1/evaluate", agent, new { command, cwd = "/home/dev/app" });
        var id = first.GetProperty("approval").GetProperty("id").GetString()!;

        var list = Approvals(reviewer, "list");
        Assert.Equal(0, list.ExitCode);
        DisplaySafetyTests.AssertNoRawControls(list.Stdout);
        var row = Assert.Single(list.Stdout.Split('\n'), l => l.StartsWith(id, StringComparison.Ordinal));
        Assert.Contains(@"-n prod\x1b[2K\rkubectl get pods <U+2066>x<U+2069>", row, StringComparison.Ordinal);
        Assert.Contains("hidden or control characters", list.Stdout, StringComparison.Ordinal);

        var show = Approvals(reviewer, "show", id);
        Assert.Equal(0, show.ExitCode);
        DisplaySafetyTests.AssertNoRawControls(show.Stdout);
        Assert.Contains("hidden or control characters", show.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_agent_token_cannot_answer_and_a_missing_server_is_named()
    {
        var agent = await gw.PrincipalAsync("cli-bot2-" + Guid.NewGuid().ToString("N")[..6], "agent");
        var r = Approvals(agent, "approve", "apr_whatever");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("the gateway answered 403: this needs the role reviewer", r.Stderr);
        var noServer = InterlockProcess.Run(["approvals", "list"], env: new Dictionary<string, string> { ["INTERLOCK_TOKEN"] = agent, ["INTERLOCK_SERVER"] = "" });
        Assert.Equal(1, noServer.ExitCode);
        Assert.Contains("--server URL or $INTERLOCK_SERVER", noServer.Stderr);
        var down = InterlockProcess.Run(["approvals", "list", "--server", "http://127.0.0.1:1"], env: new Dictionary<string, string> { ["INTERLOCK_TOKEN"] = agent });
        Assert.Equal(1, down.ExitCode);
        Assert.Contains("could not be used", down.Stderr);
    }
}
