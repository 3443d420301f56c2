using System.Collections.Frozen;
using Interlock.Shell;

namespace Interlock.Actions;

/// <summary>The Analyze stage: turns any <see cref="ActionRequest"/> into <see cref="ActionFacts"/>.</summary>
public sealed class ActionAnalyzer
{
    /// <summary>Agent file and web tools by name (Claude Code, Gemini CLI, Cursor, MCP filesystem servers), and what they do to their path.</summary>
    private static readonly FrozenDictionary<string, (OperationClass Class, string Reason)> FileTools =
        new Dictionary<string, (OperationClass, string)>(StringComparer.OrdinalIgnoreCase)
        {
            ["Read"] = (OperationClass.Read, "reads a file"), ["read_file"] = (OperationClass.Read, "reads a file"), ["read_text_file"] = (OperationClass.Read, "reads a file"),
            ["read_many_files"] = (OperationClass.Read, "reads files"), ["read_multiple_files"] = (OperationClass.Read, "reads files"), ["View"] = (OperationClass.Read, "reads a file"),
            ["NotebookRead"] = (OperationClass.Read, "reads a notebook"), ["beforeReadFile"] = (OperationClass.Read, "reads a file"), ["read_media_file"] = (OperationClass.Read, "reads a file"),
            ["Glob"] = (OperationClass.Read, "lists files"), ["Grep"] = (OperationClass.Read, "searches files"), ["LS"] = (OperationClass.Read, "lists a directory"),
            ["list_directory"] = (OperationClass.Read, "lists a directory"), ["list_allowed_directories"] = (OperationClass.Read, "lists directories"), ["search_files"] = (OperationClass.Read, "searches files"),
            ["glob"] = (OperationClass.Read, "lists files"), ["search_file_content"] = (OperationClass.Read, "searches files"), ["directory_tree"] = (OperationClass.Read, "lists a directory"),
            ["get_file_info"] = (OperationClass.Read, "reads file metadata"), ["list_directory_with_sizes"] = (OperationClass.Read, "lists a directory"),
            ["Write"] = (OperationClass.Update, "writes a file"), ["write_file"] = (OperationClass.Update, "writes a file"), ["create_directory"] = (OperationClass.Create, "creates a directory"),
            ["Edit"] = (OperationClass.Update, "edits a file"), ["MultiEdit"] = (OperationClass.Update, "edits a file"), ["NotebookEdit"] = (OperationClass.Update, "edits a notebook"),
            ["edit_file"] = (OperationClass.Update, "edits a file"), ["replace"] = (OperationClass.Update, "edits a file"), ["move_file"] = (OperationClass.Update, "moves a file"),
            ["Delete"] = (OperationClass.Delete, "deletes a file"), ["delete_file"] = (OperationClass.Delete, "deletes a file"),
            ["WebFetch"] = (OperationClass.Read, "fetches a URL"), ["web_fetch"] = (OperationClass.Read, "fetches a URL"), ["WebSearch"] = (OperationClass.Read, "searches the web"),
            ["google_web_search"] = (OperationClass.Read, "searches the web"),
        }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>Tools that read the contents of everything below a directory they are given (a search, a many-file read).</summary>
    private static readonly FrozenSet<string> ReadsBelow =
        new[] { "Grep", "search_file_content", "read_many_files", "read_multiple_files" }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    private readonly ShellCommandAnalyzer _shell;

    public ActionAnalyzer(ShellCommandAnalyzer? shell = null) => _shell = shell ?? new ShellCommandAnalyzer();

    public ActionFacts Analyze(ActionRequest request)
    {
        var cwd = string.IsNullOrEmpty(request.Cwd) ? "/" : request.Cwd;
        var home = string.IsNullOrEmpty(request.Home) ? "/root" : request.Home;
        var ops = new List<Operation>();
        var gaps = new List<AnalysisGap>();

        // NUL cannot be in a path, a tool name or a topic any program receives: whatever it hides, it is not understood.
        foreach (var (field, value) in (ReadOnlySpan<(string, string?)>)[("tool", request.Tool), ("path", request.Path), ("cwd", request.Cwd), ("home", request.Home), ("topic", request.Topic)])
            if (value is not null && value.Contains('\0', StringComparison.Ordinal)) gaps.Add(new AnalysisGap("binary", $"the action's {field} contains NUL bytes"));

        if (request.Command is { } command)
        {
            if (string.IsNullOrWhiteSpace(command)) gaps.Add(new AnalysisGap("empty", "the command is empty"));
            else if (command.Contains('\0', StringComparison.Ordinal)) gaps.Add(new AnalysisGap("binary", "the command contains NUL bytes, which no shell passes through"));
            else
            {
                var analysis = _shell.Analyze(command, cwd, home);
                ops.AddRange(analysis.Operations);
                gaps.AddRange(analysis.Gaps);
            }
        }
        else if (request.Http is { } http)
        {
            // The same rules as the curl command that would send it: method, host and path decide.
            var analysis = _shell.Analyze(http.AsCurl(), cwd, home);
            ops.AddRange(analysis.Operations);
            gaps.AddRange(analysis.Gaps);
        }
        else if (request.Tool is { } tool)
        {
            if (request.Source == ActionSource.Mcp || tool.StartsWith("mcp__", StringComparison.Ordinal))
            {
                var bare = McpToolAnalysis.BareName(tool);
                OperationClass? known = FileTools.TryGetValue(bare, out var k) ? k.Class : null;
                McpToolAnalysis.Analyze(tool, known, request, cwd, home, _shell, ops, gaps);
            }
            else AnalyzeTool(tool, request, cwd, home, ops, gaps);
        }
        else if (request.Topic is null)
        {
            gaps.Add(new AnalysisGap("empty", "the action has no command, tool or topic"));
        }

        var tags = new HashSet<string>(request.RiskTags, StringComparer.Ordinal);
        foreach (var op in ops)
        {
            tags.UnionWith(op.Tags);
            switch (op.Class)
            {
                case OperationClass.Destroy: tags.Add("destructive"); break;
                case OperationClass.CredentialRead: tags.Add("credential"); break;
                case OperationClass.Egress when !op.Tags.Contains("local"): tags.Add("external"); break;
            }
            if (op.SharedState) tags.Add("shared");
        }
        var resolved = request.Cwd == cwd && request.Home == home ? request : request with { Cwd = cwd, Home = home };
        return new ActionFacts { Request = resolved, Operations = ops, Gaps = gaps, Tags = tags };
    }

    private static void AnalyzeTool(string tool, ActionRequest request, string cwd, string home, List<Operation> ops, List<AnalysisGap> gaps)
    {
        if (!FileTools.TryGetValue(tool, out var known))
        {
            // Jobs and tool calls with a topic are decided by policy on topic and tags; an unknown bare tool is not understood.
            if (request.Topic is null) gaps.Add(new AnalysisGap("unknown-tool", $"'{tool}' is not a tool Interlock knows"));
            return;
        }
        var target = request.Path;
        if (string.IsNullOrEmpty(target))
        {
            if (known.Class == OperationClass.Read) ops.Add(new Operation { Program = tool, Class = OperationClass.Read, Reason = known.Reason });
            else gaps.Add(new AnalysisGap("missing-path", $"the {tool} tool call has no path"));
            return;
        }
        bool url = Knowledge.Hosts.IsHttpUrl(target);
        var resolved = url ? target : PathResolver.Resolve(target, cwd, home);
        ops.Add(new Operation
        {
            Program = tool,
            Class = known.Class,
            Targets = [resolved],
            PathTargets = !url,
            Reason = known.Reason,
            Tags = url ? new HashSet<string> { "network" } : Operation.EmptyTags,
        });
        if (!url && known.Class == OperationClass.Read && Knowledge.CredentialPaths.Describe(resolved, home, ReadsBelow.Contains(tool)) is { } why)
            ops.Add(new Operation { Program = tool, Class = OperationClass.CredentialRead, Targets = [resolved], PathTargets = true, Reason = "reads credentials: " + why });
    }
}
