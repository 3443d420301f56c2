using System.Text.Json;
using System.Text.Json.Nodes;
using Interlock.Cli.Tests.Mcp;
using static Interlock.Cli.Tests.Hooks.HookPayloads;

namespace Interlock.Cli.Tests.ServerMode;

/// <summary>
/// The CLI's ways into a gateway (<c>hook --server</c>, <c>exec --server</c>, <c>mcp-proxy --server</c>) decide the
/// shared set of actions as the offline entry points and the gateway's own endpoints do; each decision is in the
/// gateway's audit log under an act_ id, and the log verifies.
/// </summary>
public sealed class ServerEntryPointTests(TestGateway gw) : IClassFixture<TestGateway>, IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("il-srv-entry-").FullName;
    private string Work => Path.Combine(_root, "work");

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    public static TheoryData<string, string, string> Actions() => Interlock.Tests.Shared.EntryPointActions.Data();

    // Against a gateway a pending approval is the gateway's to answer: the hook denies, naming the approval.
    private static string HookAnswer(string decision) => decision == "allow" ? "allow" : "deny";

    private static int ExecExit(string decision) => decision switch { "allow" => 0, "require_approval" => 125, _ => 126 };

    private Dictionary<string, string> Env(string token) => new() { ["INTERLOCK_TOKEN"] = token, ["XDG_STATE_HOME"] = Path.Combine(_root, "state") };

    [Theory]
    [MemberData(nameof(Actions))]
    public async Task EveryServerModeEntryPointDecidesTheSameAndTheGatewayRecordsIt(string what, string command, string expected)
    {
        Directory.CreateDirectory(Work);
        File.WriteAllText(Path.Combine(Work, "README.md"), "hello\n");
        var name = "entry-" + Guid.NewGuid().ToString("N")[..6];
        var token = await gw.PrincipalAsync(name, "agent");

        var hook = InterlockProcess.Run(["hook", "claude-code", "--server", gw.Url, "--wait", "0"], Claude("Bash", new JsonObject { ["command"] = command }, cwd: Work), home: _root, env: Env(token));
        Assert.Equal(0, hook.ExitCode);
        Assert.True(HookAnswer(expected) == ClaudeDecision(ParseReply(hook.Stdout)).Decision, $"{what}: hook --server: {hook.Stdout}");

        var exec = InterlockProcess.Run(["exec", "--server", gw.Url, "--wait", "0", "--no-record", "--cwd", Work, "-c", command], home: _root, env: Env(token));
        Assert.True(ExecExit(expected) == exec.ExitCode, $"{what}: exec --server exit {exec.ExitCode}: {exec.Stderr}");

        var (mcpTool, mcpArguments) = Interlock.Tests.Shared.EntryPointActions.Mcp[what];
        var (forwarded, document) = McpLines.CallOnce(["--server", gw.Url, "--server-id", "fs", "--wait", "0"], Work, new Dictionary<string, string>(Env(token)) { ["HOME"] = _root }, mcpTool, mcpArguments);
        Assert.True(forwarded == (expected == "allow"), $"{what}: mcp-proxy --server {(forwarded ? "forwarded" : "refused")}: {document}");
        if (document is { } refusal) Assert.Equal(expected, refusal.GetProperty("decision").GetString());

        var auditor = await gw.PrincipalAsync("aud-" + Guid.NewGuid().ToString("N")[..6], "auditor");
        var (_, audit) = await gw.CallAsync(HttpMethod.Get, $"v1/audit?kind=decision&agent={name}", auditor);
        var records = audit.GetProperty("records").EnumerateArray().ToList();
        Assert.Equal(3, records.Count);
        Assert.All(records, r => Assert.Matches("^act_[0-9a-f]{24}$", r.GetProperty("action_id").GetString()));
        Assert.All(records, r => Assert.Equal(expected, r.GetProperty("payload").GetProperty("decision").GetString()));
        if (document is { } recorded) Assert.Contains(recorded.GetProperty("id").GetString(), records.Select(r => r.GetProperty("action_id").GetString()));
        var (_, verify) = await gw.CallAsync(HttpMethod.Get, "v1/audit/verify", auditor);
        Assert.True(verify.GetProperty("ok").GetBoolean(), verify.ToString());
        // Nothing is recorded locally in server mode: the gateway's log is the record.
        Assert.False(File.Exists(Path.Combine(_root, "state", "interlock", "audit.db")));
    }
}
