using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Interlock.Server.Hooks;

namespace Interlock.Cli.Hooks;

/// <summary>
/// <c>interlock init claude-code|gemini|cursor [--project DIR | --user] [--dry-run]</c>: installs the Interlock hook in
/// the agent's settings file. Idempotent (an existing Interlock entry is updated in place, a second run changes nothing),
/// every other setting is kept, the previous file is kept as a timestamped backup, and the change is printed.
/// Settings layouts (sources as in the host classes):
///   Claude Code  .claude/settings.json  {"hooks": {"PreToolUse": [{"matcher": "*", "hooks": [{"type": "command", "command": …, "timeout": 10}]}]}}  (timeout in seconds)
///   Gemini CLI   .gemini/settings.json  {"hooks": {"BeforeTool": [{"matcher": ".*", "hooks": [{"name": "interlock", "type": "command", "command": …, "timeout": 10000}]}]}}  (matcher is a regex, timeout in ms)
///   Cursor       .cursor/hooks.json     {"version": 1, "hooks": {"beforeShellExecution": [{"command": …}], "beforeMCPExecution": […], "beforeReadFile": […]}}
/// </summary>
internal static partial class InitCommand
{
    public static Command Create()
    {
        var host = new Argument<string>("agent") { Description = "The coding agent to install the hook for: " + string.Join(", ", HookHost.Names) + "." };
        host.AcceptOnlyFromAmong(HookHost.Names);
        var project = new Option<string?>("--project") { Description = "Project directory whose settings to change. Default: the current directory." };
        var user = new Option<bool>("--user") { Description = "Change the user-level settings in the home directory instead of a project's." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print what would change without writing anything." };
        var policy = new Option<string?>("--policy") { Description = "Policy file the installed hook uses (made absolute). Default: the built-in policy." };
        var server = new Option<string?>("--server") { Description = "Install a hook that asks the Interlock gateway at this URL (agent token in $INTERLOCK_TOKEN of the agent's environment)." };
        var noShim = new Option<bool>("--no-shim") { Description = "With --server: run 'interlock hook --server' instead of the faster sh+curl shim hooks/interlock-hook." };
        var cmd = new Command("init", "Install the Interlock hook in a coding agent's settings (idempotent, keeps a backup).")
        {
            host, project, user, dryRun, policy, server, noShim,
        };
        cmd.SetAction(parse =>
        {
            var stdout = Console.Out;
            var stderr = Console.Error;
            var name = parse.GetValue(host)!;
            if (parse.GetValue(user) && parse.GetValue(project) is not null)
            {
                stderr.WriteLine("interlock init: give either --project or --user, not both");
                return 1;
            }
            string baseDir;
            if (parse.GetValue(user))
            {
                baseDir = Local.UserPaths.Home();
                if (!baseDir.StartsWith('/')) { stderr.WriteLine("interlock init: --user needs HOME to be an absolute path"); return 1; }
            }
            else baseDir = Path.GetFullPath(parse.GetValue(project) ?? Environment.CurrentDirectory);
            var policyPath = parse.GetValue(policy) is { } p ? Path.GetFullPath(p) : null;
            var url = parse.GetValue(server);
            if (url is not null)
            {
                if (policyPath is not null) { stderr.WriteLine("interlock init: --policy and --server exclude each other (the server's policy decides)"); return 1; }
                if (!Uri.TryCreate(url, UriKind.Absolute, out var u) || u.Scheme is not ("http" or "https") || url.Contains('\'', StringComparison.Ordinal))
                {
                    stderr.WriteLine($"interlock init: --server '{url}' is not an http(s) URL");
                    return 1;
                }
                url = url.TrimEnd('/');
            }
            var line = url is null ? HookCommandLine(name, policyPath) : ServerHookCommandLine(name, url, parse.GetValue(noShim));
            return Run(name, baseDir, line, parse.GetValue(dryRun), TimeProvider.System.GetUtcNow().UtcDateTime, stdout, stderr, server: url is not null);
        });
        return cmd;
    }

    /// <summary>The command the agent runs: the launcher when started through it, else this executable.</summary>
    internal static string HookCommandLine(string host, string? policyPath)
    {
        string exe;
        if (Environment.GetEnvironmentVariable("INTERLOCK_LAUNCHER") is { Length: > 0 } launcher && File.Exists(launcher)) exe = Quote(launcher);
        else if (Environment.ProcessPath is { } process && !Path.GetFileNameWithoutExtension(process).Equals("dotnet", StringComparison.Ordinal)) exe = Quote(process);
        else exe = "dotnet " + Quote(Path.Combine(AppContext.BaseDirectory, "interlock.dll"));
        var line = $"{exe} hook {host}";
        if (policyPath is not null) line += " --policy " + Quote(policyPath);
        return line;
    }

    /// <summary>
    /// The server-mode hook: the sh+curl shim (<c>hooks/interlock-hook</c> beside the launcher) when it is there, because a
    /// .NET process start alone is slower than the hook's latency budget; otherwise <c>interlock hook HOST --server URL</c>.
    /// The token is never written into the settings file: it comes from <c>$INTERLOCK_TOKEN</c> in the agent's environment.
    /// </summary>
    internal static string ServerHookCommandLine(string host, string server, bool noShim)
    {
        var launcher = Environment.GetEnvironmentVariable("INTERLOCK_LAUNCHER");
        var shim = launcher is { Length: > 0 } ? Path.Combine(Path.GetDirectoryName(launcher)!, "hooks", "interlock-hook") : null;
        if (!noShim && shim is not null && File.Exists(shim))
            return $"INTERLOCK_SERVER={Quote(server)} {Quote(shim)} {host}";
        return $"{HookCommandLine(host, null)} --server {Quote(server)}";
    }

    private static string Quote(string s) => Shell.ShellQuoting.Quote(s);

    /// <summary>Matches a command line that runs Interlock's hook (or its shim) for <paramref name="host"/>, wherever it is installed.</summary>
    private static bool IsOurs(string command, string host) =>
        (OursPattern().IsMatch(command) && command.Contains(" hook " + host, StringComparison.Ordinal))
        || (command.Contains("interlock-hook", StringComparison.Ordinal) && (command.EndsWith(" " + host, StringComparison.Ordinal) || command.Contains(" " + host + " ", StringComparison.Ordinal)));

    [GeneratedRegex(@"interlock(\.dll)?'?\s+hook\s", RegexOptions.CultureInvariant)]
    private static partial Regex OursPattern();

    /// <summary>Seconds Claude Code (and, in ms, Gemini CLI) gives the hook: above the server mode's 50 s approval wait.</summary>
    internal const int ServerTimeoutSeconds = 60;

    internal static int Run(string host, string baseDir, string command, bool dryRun, DateTime now, TextWriter stdout, TextWriter stderr, bool server = false)
    {
        var timeout = server ? ServerTimeoutSeconds : 10;
        var (dir, file) = host switch
        {
            "claude-code" => (".claude", "settings.json"),
            "gemini" => (".gemini", "settings.json"),
            _ => (".cursor", "hooks.json"),
        };
        var path = Path.Combine(baseDir, dir, file);
        JsonObject root;
        string? before = null;
        if (File.Exists(path))
        {
            before = File.ReadAllText(path);
            try
            {
                root = string.IsNullOrWhiteSpace(before) ? [] : JsonNode.Parse(before) as JsonObject ?? throw new JsonException("the top level is not an object");
            }
            catch (JsonException ex)
            {
                stderr.WriteLine($"interlock init: {path} is not a JSON object Interlock can edit ({ex.Message}); nothing changed");
                return 1;
            }
        }
        else root = [];

        List<string> changes;
        try
        {
            changes = host switch
            {
                "claude-code" => Merge(root, "PreToolUse", "*", new JsonObject { ["type"] = "command", ["command"] = command, ["timeout"] = timeout }, host),
                "gemini" => Merge(root, "BeforeTool", ".*", new JsonObject { ["name"] = "interlock", ["type"] = "command", ["command"] = command, ["timeout"] = timeout * 1000 }, host),
                _ => MergeCursor(root, command, host),
            };
        }
        catch (InvalidOperationException ex)
        {
            stderr.WriteLine($"interlock init: {path}: {ex.Message}; nothing changed");
            return 1;
        }

        if (changes.Count == 0)
        {
            stdout.WriteLine($"{path}: the Interlock hook is already installed; nothing changed");
            return 0;
        }
        var after = root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
        foreach (var c in changes) stdout.WriteLine($"{path}: {c}");
        if (dryRun)
        {
            stdout.WriteLine("dry run: nothing written; the file would be:");
            stdout.Write(after);
            return 0;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (before is not null)
        {
            var backup = $"{path}.{now.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture)}.bak";
            File.Copy(path, backup, overwrite: true);
            stdout.WriteLine($"{path}: previous version kept as {backup}");
        }
        var temp = path + ".interlock-tmp";
        File.WriteAllText(temp, after);
        File.Move(temp, path, overwrite: true);
        stdout.WriteLine($"{path}: written");
        return 0;
    }

    private static JsonObject Section(JsonObject root, string name)
    {
        if (root[name] is null) root[name] = new JsonObject();
        return root[name] as JsonObject ?? throw new InvalidOperationException($"'{name}' is not an object");
    }

    private static JsonArray List(JsonObject obj, string name)
    {
        if (obj[name] is null) obj[name] = new JsonArray();
        return obj[name] as JsonArray ?? throw new InvalidOperationException($"'{name}' is not an array");
    }

    /// <summary>Claude Code and Gemini CLI: <c>hooks.EVENT[] = {matcher, hooks: [handler]}</c>.</summary>
    private static List<string> Merge(JsonObject root, string evt, string matcher, JsonObject handler, string host)
    {
        var groups = List(Section(root, "hooks"), evt);
        var command = (string)handler["command"]!;
        foreach (var group in groups.OfType<JsonObject>())
        {
            if (group["hooks"] is not JsonArray handlers) continue;
            foreach (var h in handlers.OfType<JsonObject>())
            {
                if (h["command"] is not JsonValue v || !v.TryGetValue<string>(out var existing) || !IsOurs(existing, host)) continue;
                var changes = new List<string>();
                if (existing != command) { h["command"] = command; changes.Add($"updated the {evt} hook command to '{command}'"); }
                if (group["matcher"]?.GetValue<string>() != matcher) { group["matcher"] = matcher; changes.Add($"set the {evt} matcher to '{matcher}' (all tools)"); }
                // The timeout must stay above the server mode's approval wait, or the host gives up first (and runs the tool).
                if (handler["timeout"] is JsonValue t && t.TryGetValue<int>(out var want) && (h["timeout"] is not JsonValue ht || !ht.TryGetValue<int>(out var have) || have != want))
                {
                    h["timeout"] = want;
                    changes.Add($"set the {evt} hook timeout to {want}");
                }
                return changes;
            }
        }
        groups.Add(new JsonObject { ["matcher"] = matcher, ["hooks"] = new JsonArray(handler) });
        return [$"added hooks.{evt} entry (matcher '{matcher}') running '{command}'"];
    }

    /// <summary>Cursor: <c>version: 1</c> and <c>hooks.EVENT[] = {command}</c> for each gated event.</summary>
    private static List<string> MergeCursor(JsonObject root, string command, string host)
    {
        var changes = new List<string>();
        if (root["version"] is null) { root["version"] = 1; changes.Add("set version 1"); }
        var hooks = Section(root, "hooks");
        foreach (var evt in CursorHost.Events)
        {
            var list = List(hooks, evt);
            var ours = list.OfType<JsonObject>().FirstOrDefault(h => h["command"] is JsonValue v && v.TryGetValue<string>(out var c) && IsOurs(c, host));
            if (ours is null) { list.Add(new JsonObject { ["command"] = command }); changes.Add($"added hooks.{evt} running '{command}'"); }
            else if ((string?)ours["command"] != command) { ours["command"] = command; changes.Add($"updated the hooks.{evt} command to '{command}'"); }
        }
        return changes;
    }
}
