using System.Text.Json.Nodes;

namespace Interlock.Tests.Shared;

/// <summary>Hook payloads in each host's documented shape (Claude Code, Gemini CLI, Cursor); shared by the CLI and server tests.</summary>
internal static class HookPayloadShapes
{
    public const string Workspace = "/home/dev/project";

    public static string Claude(string tool, JsonObject input, string evt = "PreToolUse", string? cwd = null) => new JsonObject
    {
        ["session_id"] = "abc123",
        ["transcript_path"] = "/home/dev/.claude/projects/p/abc123.jsonl",
        ["cwd"] = cwd ?? Workspace,
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
}
