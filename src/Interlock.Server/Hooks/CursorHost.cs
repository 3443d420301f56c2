using System.Text.Json;
using Interlock.Actions;

namespace Interlock.Server.Hooks;

/// <summary>
/// Cursor agent hooks (<c>.cursor/hooks.json</c>, <c>{"version": 1, "hooks": {event: [{"command": …}]}}</c>).
/// Source: Cursor's hooks documentation, https://cursor.com/docs/agent/hooks, as mirrored by the cursor-hooks npm
/// package's schema and CorridorSecurity/hookshot cursor/types.go. Common input: <c>hook_event_name</c>,
/// <c>conversation_id</c>, <c>generation_id</c>, <c>workspace_roots</c> (and optional model, cursor_version,
/// user_email). Events gated here:
///   beforeShellExecution: <c>command</c>, <c>cwd</c>;
///   beforeMCPExecution:   <c>tool_name</c>, <c>tool_input</c> (a JSON string in some releases, an object in others),
///                         and <c>url</c> or <c>command</c> naming the server;
///   beforeReadFile:       <c>file_path</c>, <c>content</c>, <c>attachments</c>.
/// Output on stdout: <c>{"permission": "allow"|"deny"|"ask", "user_message": "…", "agent_message": "…"}</c>. The first
/// Cursor 1.7 docs spelled the messages <c>userMessage</c>/<c>agentMessage</c>; current docs use snake_case, which is
/// what we write. beforeReadFile honours only allow/deny, so require_approval is answered deny there.
/// </summary>
internal sealed class CursorHost : HookHost
{
    public override string Name => "cursor";
    public override string DefaultAgent => "cursor";

    public static readonly string[] Events = ["beforeShellExecution", "beforeMCPExecution", "beforeReadFile"];

    public override HookCall Parse(JsonElement root, HookContext ctx)
    {
        RequireObject(root);
        var evt = RequireString(root, "hook_event_name", "the hook payload");
        var session = OptionalString(root, "conversation_id");
        string? workspace = null;
        if (root.TryGetProperty("workspace_roots", out var roots) && roots.ValueKind == JsonValueKind.Array)
            foreach (var r in roots.EnumerateArray())
                if (r.ValueKind == JsonValueKind.String && r.GetString() is { Length: > 0 } s) { workspace = s; break; }

        switch (evt)
        {
            case "beforeShellExecution":
            {
                var command = RequireString(root, "command", "the beforeShellExecution payload");
                var cwd = RequireAbsolute(OptionalString(root, "cwd") is { Length: > 0 } c ? c : workspace, "cwd (or workspace_roots)");
                return new HookCall(evt, [Shell(command, cwd, session, ctx)], CanAsk: true);
            }
            case "beforeMCPExecution":
            {
                var tool = RequireString(root, "tool_name", "the beforeMCPExecution payload");
                var cwd = RequireAbsolute(workspace, "workspace_roots");
                JsonElement args;
                if (!root.TryGetProperty("tool_input", out var input) || input.ValueKind == JsonValueKind.Null)
                    throw new HookInputException("the beforeMCPExecution payload has no 'tool_input'");
                if (input.ValueKind == JsonValueKind.String)
                {
                    try
                    {
                        using var doc = JsonDocument.Parse(input.GetString()!, new JsonDocumentOptions { MaxDepth = 64 });
                        args = doc.RootElement.Clone();
                    }
                    catch (JsonException ex) { throw new HookInputException($"'tool_input' is not valid JSON: {ex.Message}"); }
                }
                else args = input;
                if (args.ValueKind != JsonValueKind.Object) throw new HookInputException("'tool_input' must be a JSON object");
                return new HookCall(evt, [Mcp(tool, args, cwd, session, ctx)], CanAsk: true);
            }
            case "beforeReadFile":
            {
                var path = RequireString(root, "file_path", "the beforeReadFile payload");
                var cwd = RequireAbsolute(workspace ?? (path.StartsWith('/') ? "/" : null), "workspace_roots");
                return new HookCall(evt, [FileTool("beforeReadFile", path, cwd, session, ctx)], CanAsk: false);
            }
            default:
                throw new HookInputException($"unknown hook event '{evt}' (Interlock gates {string.Join(", ", Events)})");
        }
    }

    public override bool IsReply(JsonElement reply) => reply.ValueKind == JsonValueKind.Object && Is(reply, "permission", "allow", "deny", "ask");

    public override string Reply(HookReply reply, HookCall? call) => Write(w =>
    {
        w.WriteStartObject();
        var answer = reply.Answer;
        if (answer == HookAnswer.Ask && call is { CanAsk: false }) answer = HookAnswer.Deny;
        w.WriteString("permission", answer switch
        {
            HookAnswer.Allow or HookAnswer.NoOpinion => "allow",
            HookAnswer.Ask => "ask",
            _ => "deny",
        });
        w.WriteString("user_message", reply.Reason);
        w.WriteString("agent_message", reply.Reason);
        w.WriteEndObject();
    });
}
