using System.Text.Json;
using System.Text.RegularExpressions;
using Interlock.Actions;

namespace Interlock.Server.Hooks;

/// <summary>
/// Gemini CLI <c>BeforeTool</c> command hooks.
/// Source: Gemini CLI hooks reference, https://geminicli.com/docs/hooks/reference (docs/hooks/reference.md in
/// google-gemini/gemini-cli): base input <c>session_id</c>, <c>transcript_path</c>, <c>cwd</c>, <c>hook_event_name</c>,
/// <c>timestamp</c>; BeforeTool adds <c>tool_name</c>, <c>tool_input</c>, optional <c>mcp_context</c>. Output on stdout
/// with exit 0: <c>{"decision": "allow"|"deny", "reason": "…"}</c> (reason is sent to the agent; "block" is an alias of
/// deny). There is no "ask" decision for hooks, so require_approval is answered deny with the reason. Exit codes other
/// than 0 and 2 are warnings and the tool runs, hence the explicit deny on every failure.
/// Tool inputs, from docs/tools/file-system.md, shell.md, web-fetch.md: run_shell_command <c>command</c> and optional
/// <c>directory</c>; read_file <c>path</c> (older releases: <c>absolute_path</c>); write_file and replace
/// <c>file_path</c>; list_directory <c>path</c>; glob and search_file_content optional <c>path</c>; read_many_files
/// <c>paths</c> (array); web_fetch <c>prompt</c> holding up to 20 URLs; google_web_search <c>query</c>; MCP tools
/// <c>mcp__&lt;server&gt;__&lt;tool&gt;</c>.
/// </summary>
internal sealed partial class GeminiHost : HookHost
{
    public override string Name => "gemini";
    public override string DefaultAgent => "gemini-cli";

    /// <summary>Tools on Gemini CLI's own state (to-dos, memory notes, questions to the user, skills): no opinion.</summary>
    private static readonly HashSet<string> Internal = new(StringComparer.Ordinal)
    {
        "write_todos", "save_memory", "ask_user", "activate_skill",
    };

    private static readonly HashSet<string> PathTools = new(StringComparer.Ordinal) { "read_file", "write_file", "replace", "list_directory" };
    private static readonly HashSet<string> OptionalPathTools = new(StringComparer.Ordinal) { "glob", "search_file_content", "grep_search" };

    [GeneratedRegex(@"https?://[^\s""'<>`]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 200)]
    private static partial Regex UrlPattern();

    public override HookCall Parse(JsonElement root, HookContext ctx)
    {
        RequireObject(root);
        var evt = RequireString(root, "hook_event_name", "the hook payload");
        if (evt != "BeforeTool") throw new HookInputException($"unknown hook event '{evt}' (Interlock gates BeforeTool)");
        var tool = RequireString(root, "tool_name", "the hook payload");
        var cwd = RequireAbsolute(OptionalString(root, "cwd"), "cwd");
        var session = OptionalString(root, "session_id");
        if (Internal.Contains(tool)) return new HookCall(evt, [], CanAsk: false, NoOpinion: true);
        var input = RequireToolInput(root);

        var requests = new List<ActionRequest>();
        if (tool == "run_shell_command")
        {
            var dir = OptionalString(input, "directory");
            var workdir = string.IsNullOrEmpty(dir) ? cwd : Interlock.Shell.PathResolver.Resolve(dir, cwd, ctx.Home);
            requests.Add(Shell(RequireString(input, "command", "the run_shell_command tool input"), workdir, session, ctx, tool));
        }
        else if (PathTools.Contains(tool))
        {
            // Gemini versions name the path differently; each one present is checked, since we cannot know which one it reads.
            string[] names = ["file_path", "path", "absolute_path"];
            var given = names.Select(n => OptionalString(input, n)).OfType<string>().Where(p => p.Length > 0).Distinct(StringComparer.Ordinal).ToList();
            if (given.Count == 0) throw new HookInputException($"the {tool} tool input has no 'file_path'");
            foreach (var path in given) requests.Add(FileTool(tool, path, cwd, session, ctx, input));
        }
        else if (OptionalPathTools.Contains(tool)) requests.Add(FileTool(tool, OptionalString(input, "path"), cwd, session, ctx, input));
        else if (tool == "read_many_files")
        {
            // One action per listed path or include glob (newer versions list only 'include'); the strictest answer wins.
            foreach (var field in (string[])["paths", "include"])
            {
                if (!input.TryGetProperty(field, out var paths) || paths.ValueKind == JsonValueKind.Null) continue;
                if (paths.ValueKind != JsonValueKind.Array) throw new HookInputException($"read_many_files '{field}' must be an array of strings");
                foreach (var p in paths.EnumerateArray())
                {
                    if (p.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(p.GetString())) throw new HookInputException($"read_many_files '{field}' must hold non-empty strings");
                    requests.Add(FileTool(tool, p.GetString(), cwd, session, ctx, input));
                    if (requests.Count > 256) throw new HookInputException("read_many_files lists more than 256 paths");
                }
            }
            if (requests.Count == 0) throw new HookInputException("read_many_files names no 'paths' or 'include'");
        }
        else if (tool == "web_fetch")
        {
            // The URLs are inside the prompt (docs/tools/web-fetch.md); each is checked as its own fetch.
            var text = FirstString(input, "url", "prompt") ?? throw new HookInputException("the web_fetch tool input has no 'prompt'");
            foreach (Match m in UrlPattern().Matches(text))
            {
                requests.Add(FileTool(tool, m.Value.TrimEnd('.', ',', ';', ':', ')', ']', '}', '?', '!'), cwd, session, ctx));
                if (requests.Count > 20) throw new HookInputException("web_fetch names more than 20 URLs");
            }
            if (requests.Count == 0) throw new HookInputException("the web_fetch prompt names no http(s) URL");
        }
        else if (tool == "google_web_search") requests.Add(FileTool(tool, null, cwd, session, ctx, input));
        else if (tool.StartsWith("mcp__", StringComparison.Ordinal) || root.TryGetProperty("mcp_context", out var mcp) && mcp.ValueKind == JsonValueKind.Object)
            requests.Add(Mcp(tool, input, cwd, session, ctx));
        else throw new HookInputException($"unknown tool '{tool}'");
        return new HookCall(evt, requests, CanAsk: false);
    }

    public override bool IsReply(JsonElement reply) => reply.ValueKind == JsonValueKind.Object && (!reply.EnumerateObject().Any() || Is(reply, "decision", "allow", "deny"));

    public override string Reply(HookReply reply, HookCall? call) => Write(w =>
    {
        w.WriteStartObject();
        if (reply.Answer != HookAnswer.NoOpinion)
        {
            w.WriteString("decision", reply.Answer == HookAnswer.Allow ? "allow" : "deny");
            w.WriteString("reason", reply.Reason);
        }
        w.WriteEndObject();
    });
}
