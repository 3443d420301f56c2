using System.Diagnostics;
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

    private const string Upstream = """
        require('readline').createInterface({ input: process.stdin }).on('line', l => {
          const m = JSON.parse(l);
          if (m.id === undefined) return;
          console.log(JSON.stringify({ jsonrpc: '2.0', id: m.id, result: { content: [{ type: 'text', text: 'upstream ran ' + m.method }] } }));
        });
        """;

    private Dictionary<string, string> Env(string token) => new() { ["INTERLOCK_TOKEN"] = token, ["XDG_STATE_HOME"] = Path.Combine(_root, "state") };

    private (bool Forwarded, JsonElement? Document) McpCall(string token, string tool, string arguments)
    {
        var psi = new ProcessStartInfo(Path.Combine(InterlockProcess.Root, "interlock"))
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Work,
        };
        foreach (var a in new[] { "mcp-proxy", "--server", gw.Url, "--server-id", "fs", "--wait", "0", "--", "node", "-e", Upstream }) psi.ArgumentList.Add(a);
        psi.Environment["HOME"] = _root;
        foreach (var (k, v) in Env(token)) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        McpLines.Send(p, new JsonObject
        {
            ["jsonrpc"] = "2.0", ["id"] = 1, ["method"] = "tools/call",
            ["params"] = new JsonObject { ["name"] = tool, ["arguments"] = JsonNode.Parse(arguments) },
        }.ToJsonString());
        var reply = McpLines.Read(p);
        p.StandardInput.Close();
        Assert.True(p.WaitForExit(60_000), "the proxy did not exit after its client closed");
        var result = reply.GetProperty("result");
        if (!result.TryGetProperty("isError", out var isError) || !isError.GetBoolean()) return (true, null);
        Assert.True(result.TryGetProperty("_meta", out var meta), $"a refusal without its decision: {reply}; {stderr.Result}");
        return (false, meta.GetProperty("interlock/decision").Clone());
    }

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
        var (forwarded, document) = McpCall(token, mcpTool, mcpArguments);
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
