using System.Text.Json;
using System.Text.Json.Nodes;

namespace Interlock.Cli.Tests.Hooks;

/// <summary>Builds payloads in each host's documented shape and runs <c>interlock hook</c> on them.</summary>
internal static class HookPayloads
{
    public const string Workspace = "/home/dev/project";

    public static string Claude(string tool, JsonObject input, string evt = "PreToolUse") => new JsonObject
    {
        ["session_id"] = "abc123",
        ["transcript_path"] = "/home/dev/.claude/projects/p/abc123.jsonl",
        ["cwd"] = Workspace,
        ["permission_mode"] = "default",
        ["hook_event_name"] = evt,
        ["tool_name"] = tool,
        ["tool_input"] = input,
        ["tool_use_id"] = "toolu_01ABC",
    }.ToJsonString();

    public static string Gemini(string tool, JsonObject input, string evt = "BeforeTool") => new JsonObject
    {
        ["session_id"] = "g-1",
        ["transcript_path"] = "/home/dev/.gemini/tmp/chat.json",
        ["cwd"] = Workspace,
        ["hook_event_name"] = evt,
        ["timestamp"] = "2026-01-01T00:00:00Z",
        ["tool_name"] = tool,
        ["tool_input"] = input,
    }.ToJsonString();

    public static string Cursor(string evt, JsonObject fields)
    {
        var o = new JsonObject
        {
            ["hook_event_name"] = evt,
            ["conversation_id"] = "conv-123",
            ["generation_id"] = "gen-456",
            ["workspace_roots"] = new JsonArray(Workspace),
        };
        foreach (var (k, v) in fields) o[k] = v?.DeepClone();
        return o.ToJsonString();
    }

    /// <summary>Runs the hook, asserts exit 0 and a single JSON object on stdout, and returns it.</summary>
    public static JsonElement Run(string host, string stdin, params string[] extra)
    {
        var r = InterlockProcess.Run(["hook", host, .. extra], stdin);
        Assert.True(r.ExitCode == 0, $"exit {r.ExitCode}; stderr: {r.Stderr}");
        return ParseReply(r.Stdout);
    }

    public static JsonElement ParseReply(string stdout)
    {
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        using var doc = JsonDocument.Parse(lines[0]);
        Assert.Equal(JsonValueKind.Object, doc.RootElement.ValueKind);
        return doc.RootElement.Clone();
    }

    /// <summary>Claude Code's reply: exactly hookSpecificOutput {hookEventName, permissionDecision, permissionDecisionReason}.</summary>
    public static (string Decision, string Reason) ClaudeDecision(JsonElement reply)
    {
        Assert.Equal(["hookSpecificOutput"], reply.EnumerateObject().Select(p => p.Name));
        var o = reply.GetProperty("hookSpecificOutput");
        Assert.Equal(["hookEventName", "permissionDecision", "permissionDecisionReason"], o.EnumerateObject().Select(p => p.Name));
        Assert.Equal("PreToolUse", o.GetProperty("hookEventName").GetString());
        return (o.GetProperty("permissionDecision").GetString()!, o.GetProperty("permissionDecisionReason").GetString()!);
    }

    /// <summary>Gemini CLI's reply: exactly {decision, reason}.</summary>
    public static (string Decision, string Reason) GeminiDecision(JsonElement reply)
    {
        Assert.Equal(["decision", "reason"], reply.EnumerateObject().Select(p => p.Name));
        return (reply.GetProperty("decision").GetString()!, reply.GetProperty("reason").GetString()!);
    }

    /// <summary>Cursor's reply: exactly {permission, user_message, agent_message}.</summary>
    public static (string Permission, string Message) CursorDecision(JsonElement reply)
    {
        Assert.Equal(["permission", "user_message", "agent_message"], reply.EnumerateObject().Select(p => p.Name));
        Assert.Equal(reply.GetProperty("user_message").GetString(), reply.GetProperty("agent_message").GetString());
        return (reply.GetProperty("permission").GetString()!, reply.GetProperty("user_message").GetString()!);
    }
}
