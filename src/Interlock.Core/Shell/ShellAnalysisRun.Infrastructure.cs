using Interlock.Actions;
using Interlock.Knowledge;
using Interlock.Risk;

namespace Interlock.Shell;

/// <summary>Operations tools whose arguments decide the reach: mass container removal, CLIs shipped as jars, Ansible modules.</summary>
internal sealed partial class ShellAnalysisRun
{
    /// <summary>
    /// <c>docker rm -f $(docker ps -aq)</c>, <c>podman kill --all</c>: targets chosen at run time (a listing's output)
    /// or every container at once are not the one scratch container an agent made, so removing them is asked first.
    /// </summary>
    internal static StreamSource? ContainerMass(SemanticsCall c)
    {
        bool all = c.Inv.HasAnyFlag("-a|--all");
        // Any argument: docker's shared option table reads `rm -f $(…)` as -f taking the listing as its value.
        bool runTime = c.Inv.Args.Any(a => a.Dynamic);
        if (!all && !runTime) return null;
        var op = c.Op;
        op.Reason += all ? ": every container or image" : ": targets chosen at run time (a listing's output), possibly all of them";
        op.MinTier = Tier.WriteWithConfirmation;
        op.Tags.Add("mass");
        return null;
    }

    /// <summary>CLIs shipped as jars (<c>java -jar jenkins-cli.jar -s URL delete-job x</c>) are analyzed by their own table.</summary>
    internal StreamSource? JavaJar(SemanticsCall c)
    {
        var args = c.Inv.Args;
        for (int i = 0; i + 1 < args.Count; i++)
        {
            if (args[i].Text != "-jar" || args[i].Dynamic || args[i + 1].Dynamic) continue;
            var jar = args[i + 1].Text[(args[i + 1].Text.LastIndexOf('/') + 1)..];
            var name = JarProgram(jar);
            if (name is null || !_knowledge.TryGetProgram(name, out _)) return null;
            c.Op.Suppressed = true;
            return Dispatch([ShellArg.Static(name), .. args.Skip(i + 2)], c.Ctx with { Nesting = c.Ctx.Nesting + 1 });
        }
        return null;
    }

    /// <summary><c>jenkins-cli.jar</c>, <c>jenkins-cli-2.440.jar</c> → jenkins-cli.</summary>
    private static string? JarProgram(string jar)
    {
        if (!jar.EndsWith(".jar", StringComparison.OrdinalIgnoreCase)) return null;
        var stem = jar[..^4];
        int version = stem.IndexOf('-', stem.IndexOf("-cli", StringComparison.Ordinal) + 1);
        if (stem.Contains("-cli", StringComparison.Ordinal) && version > 0 && version + 1 < stem.Length && char.IsAsciiDigit(stem[version + 1]))
            stem = stem[..version];
        return stem;
    }

    private static readonly HashSet<string> AnsibleReadModules = new(StringComparer.Ordinal)
    {
        "ping", "setup", "gather_facts", "debug", "stat", "package_facts", "service_facts", "find", "wait_for", "assert", "fail", "meta",
        "getent", "listen_ports_facts", "mount_facts", "systemd_info", "win_ping",
    };

    /// <summary>
    /// <c>ansible HOSTS -m MODULE -a ARGS</c>: the command modules run ARGS as a command on every matched host, which is
    /// analyzed there; <c>file state=absent</c> removes a path there; read-only modules read; any other module changes
    /// the hosts (a preview with --check).
    /// </summary>
    internal StreamSource? Ansible(SemanticsCall c)
    {
        var op = c.Op;
        var inv = c.Inv;
        var module = inv.OptionValue("-m|--module-name")?.Text ?? "command";
        foreach (var prefix in new[] { "ansible.builtin.", "ansible.legacy.", "ansible.posix.", "community.general." })
            if (module.StartsWith(prefix, StringComparison.Ordinal)) module = module[prefix.Length..];
        var moduleArgs = inv.OptionValue("-a|--args")?.Text ?? "";
        var hosts = inv.Positionals.Count > 0 ? inv.Positionals[0].Display : "inventory hosts";
        op.Targets.Add("hosts/" + hosts);
        var remote = c.Ctx with
        {
            RemoteHost = "ansible:" + hosts,
            RemoteEnvironment = op.Environment,
            Nesting = c.Ctx.Nesting + 1,
            Stdin = StreamSource.None,
            Privileged = c.Ctx.Privileged || inv.HasAnyFlag("-b|--become"),
        };
        switch (module)
        {
            case "command" or "shell" or "raw" when moduleArgs.Length > 0:
                op.Suppressed = true;
                RunString(RemoveAnsibleKeys(moduleArgs), remote);
                return null;
            case "file" when AnsibleArg(moduleArgs, "state") == "absent" && (AnsibleArg(moduleArgs, "path") ?? AnsibleArg(moduleArgs, "dest") ?? AnsibleArg(moduleArgs, "name")) is { } path:
                op.Suppressed = true;
                RunString("rm -r -- " + ShellQuoting.Quote(path), remote);
                return null;
        }
        if (AnsibleReadModules.Contains(module))
        {
            op.Class = OperationClass.Read;
            op.Reason = $"runs the read-only '{module}' module on remote hosts";
            op.MinTier = null;
            op.Shared = false;
            return null;
        }
        if (inv.HasAnyFlag("-C|--check") && module is not ("command" or "shell" or "raw" or "script"))
        {
            op.Class = OperationClass.Read;
            op.Reason = $"previews the '{module}' module on remote hosts (--check)";
            op.MinTier = null;
            op.Shared = false;
            return null;
        }
        op.Reason = $"runs the '{module}' module on remote hosts, changing them";
        return null;
    }

    /// <summary><c>chdir=/x creates=/y cmd</c>: the command module's own key=value options come before the command.</summary>
    private static string RemoveAnsibleKeys(string args)
    {
        var rest = args.TrimStart();
        while (true)
        {
            int space = rest.IndexOf(' ');
            var word = space < 0 ? rest : rest[..space];
            int eq = word.IndexOf('=');
            if (eq <= 0 || word[..eq] is not ("chdir" or "creates" or "removes" or "executable" or "warn" or "stdin" or "strip_empty_ends" or "expand_argument_vars")) return rest;
            rest = space < 0 ? "" : rest[(space + 1)..].TrimStart();
        }
    }

    /// <summary>The value of <c>key=value</c> in a module's free-form arguments (quotes around the value removed).</summary>
    private static string? AnsibleArg(string args, string key)
    {
        foreach (var word in args.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (word.Length > key.Length + 1 && word.StartsWith(key, StringComparison.Ordinal) && word[key.Length] == '=')
                return word[(key.Length + 1)..].Trim('"', '\'');
        }
        return null;
    }

    /// <summary>
    /// <c>mktemp [-d] [-p DIR | --tmpdir[=DIR] | -t] [TEMPLATE]</c> creates a file and prints its name: the output is
    /// a path in the temporary directory (or DIR, or beside a TEMPLATE with a slash), so what later reads or writes
    /// "$(mktemp)" lands there. The random part stays the template's X's; it is one word, never split.
    /// </summary>
    internal StreamSource? Mktemp(SemanticsCall c)
    {
        var inv = c.Inv;
        var template = inv.Positionals.Count > 0 ? inv.Positionals[0] : ShellArg.Static("tmp.XXXXXXXXXX");
        if (template.Dynamic) return StreamSource.Unknown;
        string dir;
        if (inv.OptionValue("-p|--tmpdir") is { } given)
        {
            if (given.Dynamic) return StreamSource.Unknown;
            dir = ResolvePath(given, c.Ctx);
        }
        else if (template.Text.Contains('/') && !inv.HasAnyFlag("-t"))
        {
            dir = "";
        }
        else if (c.Ctx.Vars.TryGet("TMPDIR", out var tmpdir) && tmpdir is { Length: > 0 })
        {
            dir = tmpdir;
        }
        else
        {
            dir = "/tmp";
        }
        var path = dir.Length == 0 ? ResolvePath(template, c.Ctx) : dir.TrimEnd('/') + "/" + template.Text;
        if (path.Contains(ShellArg.Unknown) || !path.StartsWith('/') || path.AsSpan().IndexOfAny(" \t\n*?[") >= 0) return StreamSource.Unknown;
        c.Op.Targets.Add(path);
        return new StreamSource(StreamKind.Literal, path + "\n");
    }
}
