using System.Text.Json;
using System.Text.Json.Nodes;

namespace Interlock.Cli.Tests.Hooks;

/// <summary>Builds payloads in each host's documented shape and runs <c>interlock hook</c> on them.</summary>
internal static class HookPayloads
{
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
