using System.Text.Json;
using Interlock.Actions;

namespace Interlock.Server.Hooks;

/// <summary>
/// Claude Code <c>PreToolUse</c> command hooks.
/// Source: Claude Code hooks reference, https://code.claude.com/docs/en/hooks (PreToolUse input and "PreToolUse decision
/// control"). Input on stdin: <c>session_id</c>, <c>transcript_path</c>, <c>cwd</c>, <c>permission_mode</c>,
/// <c>hook_event_name</c> ("PreToolUse"), <c>tool_name</c>, <c>tool_input</c>, <c>tool_use_id</c>. Tool inputs: Bash
/// <c>command</c>; Read/Write/Edit/MultiEdit <c>file_path</c>; NotebookEdit <c>notebook_path</c>; Glob/Grep/LS <c>path</c>;
/// WebFetch <c>url</c>; WebSearch <c>query</c>; MCP tools are named <c>mcp__&lt;server&gt;__&lt;tool&gt;</c>.
/// Output on stdout with exit 0: <c>{"hookSpecificOutput": {"hookEventName": "PreToolUse", "permissionDecision":
/// "allow"|"deny"|"ask", "permissionDecisionReason": "…"}}</c>. A hook that exits non-zero (other than 2) or times out
/// does not block the call, which is why every failure here is answered with an explicit deny.
/// </summary>
internal sealed class ClaudeCodeHost : HookHost
{
    public override string Name => "claude-code";
    public override string DefaultAgent => "claude-code";

    /// <summary>Tools that act only on Claude Code's own state (to-dos, plan mode, questions to the user, sub-agents whose
    /// own tool calls pass this hook again): Interlock gives no opinion and Claude Code's permission flow applies.</summary>
    private static readonly HashSet<string> Internal = new(StringComparer.Ordinal)
    {
        "TodoWrite", "TodoRead", "Task", "Agent", "ExitPlanMode", "EnterPlanMode", "AskUserQuestion",
        "BashOutput", "KillShell", "KillBash", "TaskOutput", "TaskStop", "Skill", "SlashCommand",
    };

    private static readonly HashSet<string> PathTools = new(StringComparer.Ordinal)
    {
        "Read", "Write", "Edit", "MultiEdit", "NotebookEdit", "NotebookRead",
    };

    private static readonly HashSet<string> OptionalPathTools = new(StringComparer.Ordinal) { "Glob", "Grep", "LS" };

    public override HookCall Parse(JsonElement root, HookContext ctx)
    {
        RequireObject(root);
        var evt = RequireString(root, "hook_event_name", "the hook payload");
        if (evt != "PreToolUse") throw new HookInputException($"unknown hook event '{evt}' (Interlock gates PreToolUse)");
        var tool = RequireString(root, "tool_name", "the hook payload");
        var cwd = RequireAbsolute(OptionalString(root, "cwd"), "cwd");
        var session = OptionalString(root, "session_id");
        if (Internal.Contains(tool)) return new HookCall(evt, [], CanAsk: true, NoOpinion: true);
        var input = RequireToolInput(root);

        ActionRequest request;
        if (tool == "Bash") request = Shell(RequireString(input, "command", "the Bash tool input"), cwd, session, ctx, tool);
        else if (PathTools.Contains(tool))
        {
            var path = FirstString(input, "file_path", "notebook_path") ?? throw new HookInputException($"the {tool} tool input has no 'file_path'");
            request = FileTool(tool, path, cwd, session, ctx, input);
        }
        else if (OptionalPathTools.Contains(tool)) request = FileTool(tool, OptionalString(input, "path"), cwd, session, ctx, input);
        else if (tool == "WebFetch") request = FileTool(tool, RequireString(input, "url", "the WebFetch tool input"), cwd, session, ctx, input);
        else if (tool == "WebSearch") request = FileTool(tool, null, cwd, session, ctx, input);
        else if (tool.StartsWith("mcp__", StringComparison.Ordinal) || tool is "ListMcpResourcesTool" or "ReadMcpResourceTool")
            request = Mcp(tool, input, cwd, session, ctx);
        else throw new HookInputException($"unknown tool '{tool}'");
        return new HookCall(evt, [request], CanAsk: true);
    }

    public override bool IsReply(JsonElement reply) => reply.ValueKind == JsonValueKind.Object && (!reply.EnumerateObject().Any()
        || reply.TryGetProperty("hookSpecificOutput", out var o) && o.ValueKind == JsonValueKind.Object
            && Is(o, "hookEventName", "PreToolUse") && Is(o, "permissionDecision", "allow", "deny", "ask"));

    public override string Reply(HookReply reply, HookCall? call) => Write(w =>
    {
        w.WriteStartObject();
        if (reply.Answer != HookAnswer.NoOpinion)
        {
            w.WriteStartObject("hookSpecificOutput");
            w.WriteString("hookEventName", "PreToolUse");
            w.WriteString("permissionDecision", reply.Answer switch
            {
                HookAnswer.Allow => "allow",
                HookAnswer.Ask => "ask",
                _ => "deny",
            });
            w.WriteString("permissionDecisionReason", reply.Reason);
            w.WriteEndObject();
        }
        w.WriteEndObject();
    });
}
