using System.Text.Json.Nodes;
using static Interlock.Cli.Tests.Hooks.HookPayloads;

namespace Interlock.Cli.Tests.Hooks;

/// <summary>Every input the hook cannot decide on is a well-formed deny in the host's format, exit 0.</summary>
public sealed class FailClosedTests
{
    public static TheoryData<string, string> BadInputs()
    {
        var data = new TheoryData<string, string>();
        foreach (var host in new[] { "claude-code", "gemini", "cursor" })
        {
            data.Add(host, "");
            data.Add(host, "{");
            data.Add(host, "[]");
            data.Add(host, "\"just a string\"");
            data.Add(host, "not json at all");
            data.Add(host, "{\"hook_event_name\": 42}");
            data.Add(host, "{}");
        }
        // Missing fields and unknown tools in each host's own shape.
        data.Add("claude-code", "{\"hook_event_name\":\"PreToolUse\",\"cwd\":\"/home/dev/project\",\"tool_name\":\"Bash\"}");
        data.Add("claude-code", "{\"hook_event_name\":\"PreToolUse\",\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\"ls\"}}");
        data.Add("claude-code", "{\"hook_event_name\":\"PreToolUse\",\"cwd\":\"relative\",\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\"ls\"}}");
        data.Add("claude-code", Claude("Frobnicate", new JsonObject { ["x"] = 1 }));
        data.Add("claude-code", Claude("Read", new JsonObject()));
        data.Add("claude-code", Claude("Bash", new JsonObject { ["command"] = 5 }));
        data.Add("claude-code", Claude("Bash", new JsonObject { ["command"] = "ls" }, evt: "PostToolUse"));
        data.Add("gemini", Gemini("teleport", new JsonObject { ["to"] = "mars" }));
        data.Add("gemini", Gemini("write_file", new JsonObject { ["content"] = "x" }));
        data.Add("gemini", Gemini("web_fetch", new JsonObject { ["prompt"] = "no url here" }));
        data.Add("cursor", Cursor("beforeShellExecution", new JsonObject()));
        data.Add("cursor", "{\"hook_event_name\":\"beforeShellExecution\",\"command\":\"ls\"}");
        data.Add("cursor", Cursor("beforeMCPExecution", new JsonObject { ["tool_name"] = "q" }));
        return data;
    }

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void BadInputIsDeniedInTheHostsFormat(string host, string stdin) => AssertDeny(host, Run(host, stdin));

    [Theory]
    [InlineData("claude-code")]
    [InlineData("gemini")]
    [InlineData("cursor")]
    public void TwoMebibytePayloadIsDenied(string host)
    {
        var big = Claude("Bash", new JsonObject { ["command"] = "echo " + new string('a', 2 * 1024 * 1024) });
        var reply = Run(host, big);
        var reason = AssertDeny(host, reply);
        Assert.Contains("larger than", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void InputThatNeverEndsIsDeniedAtTheDeadline()
    {
        var r = InterlockProcess.RunWithOpenStdin(["hook", "claude-code", "--deadline-ms", "500"]);
        Assert.Equal(0, r.ExitCode);
        var reason = AssertDeny("claude-code", ParseReply(r.Stdout));
        Assert.Contains("no decision within 500 ms", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void PolicyThatDoesNotLoadIsDenied()
    {
        var r = InterlockProcess.Run(["hook", "claude-code", "--policy", "/nonexistent/policy.yaml"], Claude("Bash", new JsonObject { ["command"] = "ls" }));
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("could not be loaded", AssertDeny("claude-code", ParseReply(r.Stdout)), StringComparison.Ordinal);
    }

    private static string AssertDeny(string host, System.Text.Json.JsonElement reply)
    {
        var (decision, reason) = host switch
        {
            "claude-code" => ClaudeDecision(reply),
            "gemini" => GeminiDecision(reply),
            _ => CursorDecision(reply),
        };
        Assert.Equal("deny", decision);
        Assert.False(string.IsNullOrWhiteSpace(reason));
        return reason;
    }
}
