using System.Text.Json;
using Interlock.Knowledge;
using Interlock.Knowledge.Statements;
using Interlock.Shell;

namespace Interlock.Actions;

/// <summary>
/// What an MCP tool call does, from its name and arguments. Shared by every entry point that sees MCP calls (the
/// coding-agent hooks' <c>mcp__server__tool</c> and the MCP proxy): the tool's verb decides whether its path
/// arguments are read or written, URL arguments are egress, <c>command</c>/<c>cmd</c>/<c>script</c> arguments are shell
/// commands (with an <c>args</c> vector beside them), <c>sql</c>/<c>statement</c> arguments are SQL.
/// A tool whose verb is unknown is a gap (never allowed unseen), with its path arguments counted as writes.
/// </summary>
internal static class McpToolAnalysis
{
    /// <summary>Argument names whose string values (or arrays of strings) are file paths.</summary>
    private static readonly HashSet<string> PathKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "path", "paths", "source", "destination", "file", "files", "file_path", "filepath", "filename", "file_name",
        "dir", "directory", "dir_path", "src", "dest", "notebook_path",
    };

    private static readonly HashSet<string> UrlKeys = new(StringComparer.OrdinalIgnoreCase) { "url", "uri", "urls", "href", "endpoint" };

    private static readonly HashSet<string> CommandKeys = new(StringComparer.OrdinalIgnoreCase) { "command", "cmd", "script" };

    /// <summary>Argument names whose strings are SQL. Not "query": search tools use it for search terms.</summary>
    private static readonly HashSet<string> SqlKeys = new(StringComparer.OrdinalIgnoreCase) { "sql", "statement", "statements" };

    /// <summary>Argument vectors that go with a command key (<c>{"command": "bash", "args": ["-c", "…"]}</c>).</summary>
    private static readonly HashSet<string> ArgvKeys = new(StringComparer.OrdinalIgnoreCase) { "args", "argv", "arguments" };

    private static readonly string[] ReadVerbs = ["read", "get", "list", "search", "find", "view", "show", "describe", "fetch", "query", "directory"];
    private static readonly string[] CreateVerbs = ["create", "mkdir", "new", "add"];
    private static readonly string[] UpdateVerbs = ["write", "edit", "update", "move", "rename", "copy", "set", "put", "append", "insert", "patch", "replace", "upload", "save"];
    private static readonly string[] DeleteVerbs = ["delete", "remove", "rm", "unlink", "rmdir", "drop", "purge", "destroy"];

    private const int MaxValues = 256;

    /// <summary>The tool name without the <c>mcp__&lt;server&gt;__</c> prefix.</summary>
    public static string BareName(string tool)
    {
        if (!tool.StartsWith("mcp__", StringComparison.Ordinal)) return tool;
        var rest = tool.AsSpan(5);
        var sep = rest.IndexOf("__", StringComparison.Ordinal);
        return sep < 0 ? rest.ToString() : rest[(sep + 2)..].ToString();
    }

    /// <summary>Class of a tool by its leading verb (<c>read_*</c>, <c>write_*</c> …), or null when the verb is unknown.</summary>
    public static OperationClass? ClassOf(string bare)
    {
        var verb = bare;
        var cut = bare.IndexOfAny(['_', '-', '.']);
        if (cut > 0) verb = bare[..cut];
        else
        {
            // camelCase: readFile, writeFile
            for (int i = 1; i < bare.Length; i++)
                if (char.IsUpper(bare[i])) { verb = bare[..i]; break; }
        }
        verb = verb.ToLowerInvariant();
        if (DeleteVerbs.Contains(verb)) return OperationClass.Delete;
        if (UpdateVerbs.Contains(verb)) return OperationClass.Update;
        if (CreateVerbs.Contains(verb)) return OperationClass.Create;
        if (ReadVerbs.Contains(verb)) return OperationClass.Read;
        return null;
    }

    public static void Analyze(string tool, OperationClass? knownClass, ActionRequest request, string cwd, string home, ShellCommandAnalyzer shell,
        List<Operation> ops, List<AnalysisGap> gaps)
    {
        var bare = BareName(tool);
        var cls = knownClass ?? ClassOf(bare);
        if (cls is null) gaps.Add(new AnalysisGap("unknown-tool", $"'{tool}': Interlock does not know what the MCP tool '{bare}' does"));
        var effective = cls ?? OperationClass.Update;
        var reason = cls switch
        {
            OperationClass.Read => "reads",
            OperationClass.Create => "creates",
            OperationClass.Delete => "deletes",
            OperationClass.Update => "writes",
            _ => "acts on",
        };

        var paths = new List<string>();
        var urls = new List<string>();
        var commands = new List<string>();
        var sql = new List<string>();
        if (request.Arguments is { } args)
        {
            if (args.ValueKind == JsonValueKind.Object) Collect(args, paths, urls, commands, sql, gaps);
            else if (args.ValueKind != JsonValueKind.Null && args.ValueKind != JsonValueKind.Undefined)
                gaps.Add(new AnalysisGap("bad-arguments", $"the arguments of '{tool}' are a JSON {args.ValueKind.ToString().ToLowerInvariant()}, not an object"));
        }
        if (!string.IsNullOrEmpty(request.Path)) paths.Add(request.Path);
        // A file:// URI (a resource read) names a local file, not a host to contact.
        paths.AddRange(urls.Where(u => u.StartsWith("file://", StringComparison.OrdinalIgnoreCase)));
        urls.RemoveAll(u => u.StartsWith("file://", StringComparison.OrdinalIgnoreCase));

        // Paths under names Interlock does not know ({"target": "~/.ssh/id_rsa"}, {"params": {"path": …}}) are not
        // classified as reads or writes, but a credential among them is still a credential read.
        if (request.Arguments is { ValueKind: JsonValueKind.Object } all)
        {
            var seen = 0;
            foreach (var mentioned in PathsElsewhere(all, 0, topLevel: true))
            {
                if (++seen > MaxValues) break;
                var resolved = PathResolver.Resolve(mentioned, cwd, home);
                // A directory of keys counts (a tool may read it all); the home directory and those above it are named too often to.
                bool isHome = PathResolver.IsUnder(PathResolver.Normalize(home), resolved);
                if (CredentialPaths.Describe(resolved, home, recursive: !isHome) is { } why)
                    ops.Add(new Operation { Program = tool, Verb = bare, Class = OperationClass.CredentialRead, Targets = [resolved], PathTargets = true, Reason = "names credentials in its arguments: " + why });
            }
        }

        foreach (var raw in paths)
        {
            if (Hosts.IsHttpUrl(raw))
            {
                urls.Add(raw);
                continue;
            }
            var target = raw.StartsWith("file://", StringComparison.OrdinalIgnoreCase) ? Knowledge.Hosts.FileUriPath(raw) : raw;
            var resolved = PathResolver.Resolve(target, cwd, home);
            ops.Add(new Operation { Program = tool, Verb = bare, Class = effective, Targets = [resolved], PathTargets = true, Reason = $"{reason} {resolved}" });
            if (effective != OperationClass.Delete && CredentialPaths.Describe(resolved, home) is { } why)
                ops.Add(new Operation { Program = tool, Verb = bare, Class = OperationClass.CredentialRead, Targets = [resolved], PathTargets = true, Reason = "reads credentials: " + why });
        }
        foreach (var url in urls)
        {
            var host = Uri.TryCreate(url, UriKind.Absolute, out var u) ? u.Host : url;
            var local = Hosts.IsLocal(host);
            ops.Add(new Operation
            {
                Program = tool, Verb = bare, Class = OperationClass.Egress, Targets = [host], Reason = $"contacts {host}",
                Tags = local ? new HashSet<string> { "network", "local" } : new HashSet<string> { "network" },
            });
        }
        foreach (var command in commands)
        {
            if (string.IsNullOrWhiteSpace(command) || command.Contains('\0', StringComparison.Ordinal))
            {
                gaps.Add(new AnalysisGap("empty", $"the '{tool}' command argument is empty or binary"));
                continue;
            }
            var analysis = shell.Analyze(command, cwd, home);
            ops.AddRange(analysis.Operations);
            gaps.AddRange(analysis.Gaps);
        }

        // A read-named tool that runs SQL ({"sql": "DROP TABLE users"}) does what the SQL does.
        foreach (var text in sql)
        {
            foreach (var f in SqlStatementAnalyzer.Analyze(text))
            {
                ops.Add(new Operation
                {
                    Program = tool, Verb = f.Verb, Class = f.Class, Targets = f.Targets, Reason = "runs SQL that " + f.Reason,
                    SharedState = f.Class != OperationClass.Read, Reversible = f.Class is not (OperationClass.Destroy or OperationClass.Delete),
                });
                if (f.ShellCommand is { } shellCommand)
                {
                    var analysis = shell.Analyze(shellCommand, cwd, home);
                    ops.AddRange(analysis.Operations);
                    gaps.AddRange(analysis.Gaps);
                }
            }
        }

        if (paths.Count == 0 && urls.Count == 0 && commands.Count == 0 && sql.Count == 0)
        {
            if (cls == OperationClass.Read) ops.Add(new Operation { Program = tool, Verb = bare, Class = OperationClass.Read, Reason = "reads (no path arguments)" });
            else if (cls is not null) gaps.Add(new AnalysisGap("missing-path", $"the MCP tool '{tool}' changes state and names no path Interlock can check"));
        }
    }

    /// <summary>
    /// Strings that look like absolute or home paths, anywhere in the arguments except under the top-level names
    /// <see cref="Collect"/> already reads. Bounded in depth; the JSON reader bounds it too.
    /// </summary>
    private static IEnumerable<string> PathsElsewhere(JsonElement e, int depth, bool topLevel = false)
    {
        if (depth > 16) yield break;
        switch (e.ValueKind)
        {
            case JsonValueKind.String:
                var s = e.GetString()!;
                if (s.StartsWith('/') || s.StartsWith("~/", StringComparison.Ordinal)) yield return s;
                else if (s.StartsWith("file://", StringComparison.OrdinalIgnoreCase)) yield return Knowledge.Hosts.FileUriPath(s);
                break;
            case JsonValueKind.Object:
                foreach (var p in e.EnumerateObject())
                {
                    if (topLevel && (PathKeys.Contains(p.Name) || UrlKeys.Contains(p.Name) || CommandKeys.Contains(p.Name) || SqlKeys.Contains(p.Name))) continue;
                    foreach (var found in PathsElsewhere(p.Value, depth + 1)) yield return found;
                }
                break;
            case JsonValueKind.Array:
                foreach (var item in e.EnumerateArray())
                    foreach (var found in PathsElsewhere(item, depth + 1)) yield return found;
                break;
        }
    }

    private static void Collect(JsonElement args, List<string> paths, List<string> urls, List<string> commands, List<string> sql, List<AnalysisGap> gaps)
    {
        int count = 0;
        List<string>? argv = null;
        foreach (var prop in args.EnumerateObject())
        {
            if (CommandKeys.Contains(prop.Name) && prop.Value.ValueKind == JsonValueKind.Array)
            {
                // An argument vector ({"command": ["rm", "-rf", "/x"]}) is one command, not one per element.
                if (Strings(prop, gaps) is { Count: > 0 } words) commands.Add(ShellQuoting.Join(words));
                if (++count > MaxValues) break;
                continue;
            }
            if (ArgvKeys.Contains(prop.Name) && prop.Value.ValueKind == JsonValueKind.Array)
            {
                argv = Strings(prop, gaps);
                continue;
            }
            List<string>? into = PathKeys.Contains(prop.Name) ? paths : UrlKeys.Contains(prop.Name) ? urls : CommandKeys.Contains(prop.Name) ? commands
                : SqlKeys.Contains(prop.Name) ? sql : null;
            if (into is null)
            {
                // Any other string that is a URL still leaves the machine.
                if (prop.Value.ValueKind == JsonValueKind.String && prop.Value.GetString() is { } s
                    && Hosts.IsHttpUrl(s))
                {
                    urls.Add(s);
                    if (++count > MaxValues) break;
                }
                continue;
            }
            switch (prop.Value.ValueKind)
            {
                case JsonValueKind.String:
                    if (prop.Value.GetString() is { Length: > 0 } v) into.Add(v);
                    count++;
                    break;
                case JsonValueKind.Array:
                    foreach (var item in prop.Value.EnumerateArray())
                    {
                        if (item.ValueKind == JsonValueKind.String) { if (item.GetString() is { Length: > 0 } v2) into.Add(v2); }
                        else gaps.Add(new AnalysisGap("bad-arguments", $"argument '{prop.Name}' holds a {item.ValueKind.ToString().ToLowerInvariant()}, not a string"));
                        if (++count > MaxValues) break;
                    }
                    break;
                case JsonValueKind.Null:
                    break;
                default:
                    gaps.Add(new AnalysisGap("bad-arguments", $"argument '{prop.Name}' is a {prop.Value.ValueKind.ToString().ToLowerInvariant()}, not a string"));
                    break;
            }
            if (count > MaxValues) break;
        }
        if (count > MaxValues)
        {
            gaps.Add(new AnalysisGap("budget", $"more than {MaxValues} path, URL or command arguments"));
            return;
        }
        if (argv is { Count: > 0 } && commands.Count > 0)
        {
            // {"command": "bash", "args": ["-c", "rm -rf ~"]} runs the command with those arguments: read them as one line.
            if (commands.Count == 1) commands[0] += " " + ShellQuoting.Join(argv);
            else gaps.Add(new AnalysisGap("bad-arguments", "several commands and one argument list: which arguments go with which command is unknown"));
        }
    }

    /// <summary>The strings of an array argument; anything else in it is a gap.</summary>
    private static List<string> Strings(JsonProperty prop, List<AnalysisGap> gaps)
    {
        var strings = new List<string>();
        foreach (var item in prop.Value.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String) strings.Add(item.GetString()!);
            else gaps.Add(new AnalysisGap("bad-arguments", $"argument '{prop.Name}' holds a {item.ValueKind.ToString().ToLowerInvariant()}, not a string"));
            if (strings.Count > MaxValues)
            {
                gaps.Add(new AnalysisGap("budget", $"argument '{prop.Name}' has more than {MaxValues} items"));
                break;
            }
        }
        return strings;
    }
}
