using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using static Interlock.Cli.Tests.Hooks.HookPayloads;

namespace Interlock.Cli.Tests.EntryPoints;

/// <summary>
/// The offline entry points decide one set of actions the same way and record every decision, in one hash-chained log
/// that <c>interlock audit verify</c> accepts (before this, offline hooks recorded nothing and exec used its own ids).
/// </summary>
public sealed class OfflineEntryPointTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("il-entry-").FullName;
    private string State => Path.Combine(_root, "state");
    private string Work => Path.Combine(_root, "work");

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    private Dictionary<string, string> Env => new() { ["XDG_STATE_HOME"] = State };

    public static TheoryData<string, string, string> Actions() => Interlock.Tests.Shared.EntryPointActions.Data();

    private static string HookAnswer(string decision) => decision switch { "allow" => "allow", "require_approval" => "ask", _ => "deny" };

    private static int ExecExit(string decision) => decision switch { "allow" => 0, "require_approval" => 125, _ => 126 };

    [Theory]
    [MemberData(nameof(Actions))]
    public void EveryOfflineEntryPointDecidesTheSameAndRecordsIt(string what, string command, string expected)
    {
        Directory.CreateDirectory(Work);
        File.WriteAllText(Path.Combine(Work, "README.md"), "hello\n");
        var hook = InterlockProcess.Run(["hook", "claude-code"], Claude("Bash", new JsonObject { ["command"] = command }, cwd: Work), home: _root, env: Env);
        Assert.Equal(0, hook.ExitCode);
        Assert.Equal(HookAnswer(expected), ClaudeDecision(ParseReply(hook.Stdout)).Decision);

        var exec = InterlockProcess.Run(["exec", "--no-record", "--cwd", Work, "-c", command], home: _root, env: Env);
        Assert.True(ExecExit(expected) == exec.ExitCode, $"{what}: exec exit {exec.ExitCode}: {exec.Stderr}");

        // check prints the decision document; its id is the one the decision was recorded under.
        var check = InterlockProcess.Run(["check", "--json", "--cwd", Work, "--", command], home: _root, env: Env);
        Assert.True(check.ExitCode == CheckExit(expected), $"{what}: check exit {check.ExitCode}: {check.Stdout}{check.Stderr}");
        var checkDocument = JsonDocument.Parse(check.Stdout).RootElement;
        Assert.Equal(expected, checkDocument.GetProperty("decision").GetString());

        var (mcpTool, mcpArguments) = Interlock.Tests.Shared.EntryPointActions.Mcp[what];
        var (forwarded, mcpDocument) = Mcp.McpLines.CallOnce(["--server-id", "fs"], Work, new Dictionary<string, string>(Env) { ["HOME"] = _root }, mcpTool, mcpArguments);
        Assert.True(forwarded == (expected == "allow"), $"{what}: mcp-proxy {(forwarded ? "forwarded" : "refused")}: {mcpDocument}");
        if (mcpDocument is { } refusal) Assert.Equal(expected, refusal.GetProperty("decision").GetString());

        // Every decision is in the one local log, under act_ ids, with the outcome the entry point acted on.
        var decisions = Decisions();
        Assert.Equal(4, decisions.Count);
        Assert.All(decisions, d => Assert.Matches("^act_[0-9a-f]{24}$", d.ActionId));
        Assert.All(decisions, d => Assert.Equal(expected, d.Outcome));
        Assert.Equal(4, decisions.Select(d => d.ActionId).Distinct().Count());
        Assert.Equal(checkDocument.GetProperty("id").GetString(), decisions[2].ActionId);
        if (mcpDocument is { } recorded) Assert.Equal(recorded.GetProperty("id").GetString(), decisions[3].ActionId);

        var verify = InterlockProcess.Run(["audit", "verify", "--data", Path.Combine(State, "interlock")], home: _root);
        Assert.True(verify.ExitCode == 0, verify.Stdout + verify.Stderr);
    }

    private static int CheckExit(string decision) => decision switch { "allow" => 0, "require_approval" => 3, _ => 2 };

    [Fact]
    public void CheckWithoutAuditRecordsNothing()
    {
        Directory.CreateDirectory(Work);
        var check = InterlockProcess.Run(["check", "--no-audit", "--json", "--cwd", Work, "--", "rm -rf ~"], home: _root, env: Env);
        Assert.Equal(2, check.ExitCode);
        Assert.False(File.Exists(Path.Combine(State, "interlock", "audit.db")));
    }

    [Fact]
    public void MalformedInputIsNeverAllowed()
    {
        // A payload that is not an action is a deny in the host's format; shell text that does not parse is decided
        // (not understood: approval) and recorded, and does not run.
        var hook = InterlockProcess.Run(["hook", "claude-code"], """{"hook_event_name":"PreToolUse","tool_name":"Bash","tool_input":{"command":"ls"},"cwd":"relative"}""", home: _root, env: Env);
        Assert.Equal("deny", ClaudeDecision(ParseReply(hook.Stdout)).Decision);
        Directory.CreateDirectory(Work);
        var exec = InterlockProcess.Run(["exec", "--no-record", "--cwd", Work, "-c", "echo 'unterminated > x"], home: _root, env: Env);
        Assert.Equal(125, exec.ExitCode);
        Assert.Equal("require_approval", Assert.Single(Decisions()).Outcome);
    }

    [Fact]
    public async Task ConcurrentHookProcessesShareOneChainWithoutForks()
    {
        Directory.CreateDirectory(Work);
        var runs = Enumerable.Range(0, 6).Select(i => Task.Run(() =>
            InterlockProcess.Run(["hook", "claude-code"], Claude("Bash", new JsonObject { ["command"] = $"echo {i}" }, cwd: Work), home: _root, env: Env))).ToArray();
        var results = await Task.WhenAll(runs);
        Assert.All(results, r => Assert.Equal("allow", ClaudeDecision(ParseReply(r.Stdout)).Decision));
        Assert.Equal(6, Decisions().Count);
        var verify = InterlockProcess.Run(["audit", "verify", "--data", Path.Combine(State, "interlock")], home: _root);
        Assert.True(verify.ExitCode == 0, verify.Stdout + verify.Stderr);
    }

    [Fact]
    public void AnUnwritableLogDeniesTheHook()
    {
        Directory.CreateDirectory(State);
        File.WriteAllText(Path.Combine(State, "interlock"), "not a directory");
        var hook = InterlockProcess.Run(["hook", "claude-code"], Claude("Bash", new JsonObject { ["command"] = "ls" }, cwd: "/tmp"), home: _root, env: Env);
        var (decision, why) = ClaudeDecision(ParseReply(hook.Stdout));
        Assert.Equal("deny", decision);
        Assert.Contains("audit", why, StringComparison.Ordinal);
    }

    private sealed record Recorded(string ActionId, string Outcome);

    private List<Recorded> Decisions()
    {
        var db = Path.Combine(State, "interlock", "audit.db");
        using var conn = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = db, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        conn.Open();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT action_id, payload FROM audit_records WHERE kind = 'decision' ORDER BY seq";
        using var reader = cmd.ExecuteReader();
        var list = new List<Recorded>();
        while (reader.Read())
        {
            using var payload = JsonDocument.Parse(reader.GetString(1));
            list.Add(new Recorded(reader.GetString(0), payload.RootElement.GetProperty("decision").GetString()!));
        }
        return list;
    }
}
