using Interlock.Actions;
using Interlock.Knowledge;
using Interlock.Knowledge.Statements;
using Interlock.Risk;

namespace Interlock.Shell;

// Tools that run commands or code given in their own options, scripts and environment: sed's e, awk's system() and
// pipes, editor and debugger commands, makefile text, command-valued options (man -P, rsync -e, ssh -o ProxyCommand)
// and variables (LESSOPEN, LD_PRELOAD). A command that can be read is analyzed as a command; code that cannot is an
// execution of unknown code, which needs approval.
internal sealed partial class ShellAnalysisRun
{
    /// <summary>Code that runs but cannot be read here: a gap, and an execution that needs approval.</summary>
    internal void EmitUnknownCode(string program, string? verb, string reason, CallContext ctx)
    {
        AddGap("unknown-code", $"{program}: {reason}", ctx.Text);
        var d = NewDraft(program, verb, OperationClass.Exec, reason, ctx);
        d.Tags.Add("unknown-code");
        d.MinTier = Risk.Tier.WriteWithConfirmation;
        Emit(d);
    }

    /// <summary>What a tool's command language reaches: shell commands and inline code are analyzed, files become reads and writes.</summary>
    private void RunEmbedded(string program, EmbeddedCommands found, CallContext ctx, string tag)
    {
        var nested = ctx with { Nesting = ctx.Nesting + 1, ExtraTag = tag, Stdin = StreamSource.None };
        // Files first: the script's order is not tracked, so a command it runs may run a file it wrote (print > f; system("sh f")).
        EmitFileAccess(program, found.Reads, found.Writes, ctx);
        foreach (var command in found.Shell) RunString(command, nested);
        foreach (var command in found.FedShell) RunString(command, nested with { Stdin = StreamSource.Unknown });
        foreach (var (language, code) in found.Code) ScanCode(language, code, ctx);
        if (found.Unknown is { } why) EmitUnknownCode(program, null, why, ctx);
    }

    private void EmitFileAccess(string program, IEnumerable<string?> reads, IEnumerable<string?> writes, CallContext ctx)
    {
        foreach (var file in reads)
        {
            var read = NewDraft(program, null, OperationClass.Read, "reads a file its script names", ctx);
            read.PathTargets = true;
            read.ReadsContent = true;
            read.Targets.Add(file is null ? ShellArg.Unknown.ToString() : ResolvePath(ShellArg.Static(file), ctx));
            Emit(read);
        }
        foreach (var file in writes)
        {
            if (file is not null && IsHarmlessSink(file)) continue;
            var write = NewDraft(program, null, OperationClass.Update, "writes a file its script names", ctx);
            write.PathTargets = true;
            write.Targets.Add(file is null ? ShellArg.Unknown.ToString() : ResolvePath(ShellArg.Static(file), ctx));
            Emit(write);
        }
    }

    // ---- options whose value is code -----------------------------------------------------------

    /// <summary>Reads the values of <paramref name="program"/>'s code-carrying options (<see cref="CodeOptions"/>).</summary>
    private void CodeOptionValues(string program, Invocation inv, OperationDraft draft, CallContext ctx)
    {
        if (CodeOptions.For(program) is not { } options) return;
        var args = inv.Args;
        foreach (var option in options)
        {
            if (option.Subcommands is { } subs && (inv.Positionals.Count == 0 || Array.IndexOf(subs.Split(' '), inv.Positionals[0].Text) < 0)) continue;
            for (int i = 0; i < args.Count; i++)
            {
                var t = args[i].Text;
                if (t == "--" || t.Length < 2 || t[0] != '-') continue;
                foreach (var name in option.Options)
                {
                    ShellArg? value = null;
                    if (t == name) value = i + 1 < args.Count && !option.AttachedOnly ? args[i + 1] : null;
                    else if (t.Length > name.Length && t.StartsWith(name, StringComparison.Ordinal) && t[name.Length] == '=')
                        value = new ShellArg(t[(name.Length + 1)..], args[i].Dynamic, false);
                    else if (option.Attached && name.Length == 2 && t.Length > 2 && t.StartsWith(name, StringComparison.Ordinal))
                        value = new ShellArg(t[2..], args[i].Dynamic, false);
                    if (value is not { } v) continue;
                    CodeOptionValue(program, name, option.Language, v, draft, ctx);
                    if (t == name) i++;
                    break;
                }
            }
        }
    }

    private void CodeOptionValue(string program, string option, CodeLanguage language, ShellArg value, OperationDraft draft, CallContext ctx)
    {
        // The tool feeds the command its data (a pager its text, a filter its file): not code anyone has seen.
        var nested = ctx with { Nesting = ctx.Nesting + 1, ExtraTag = "option-command", Stdin = StreamSource.Unknown };
        if (value.Dynamic && language != CodeLanguage.ScriptFile)
        {
            EmitUnknownCode(program, option, $"{option} runs code computed at run time", ctx);
            return;
        }
        var file = draft.Targets.Count > 0 ? draft.Targets[0] : "file";
        switch (language)
        {
            case CodeLanguage.Shell:
                RunString(value.Text.Replace("{}", file, StringComparison.Ordinal), nested);
                break;
            case CodeLanguage.Program:
            {
                var words = value.Text.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
                if (words.Length == 0) break;
                if (!CodeOptions.KnownFilters.Contains(words[0][(words[0].LastIndexOf('/') + 1)..]))
                    EmitUnknownCode(program, option, $"{option} runs {value.Text} on the data it reads", ctx);
                List<ShellArg> argv = [.. words.Select(ShellArg.Static), .. draft.Targets.Take(4).Select(ShellArg.Static)];
                Dispatch(argv, nested);
                break;
            }
            case CodeLanguage.Gdb:
                RunEmbedded(program, GdbCommands.Scan(value.Text), ctx, "debugger-command");
                break;
            case CodeLanguage.Elisp:
                RunEmbedded(program, ElispForms.Scan(value.Text), ctx, "lisp-command");
                break;
            case CodeLanguage.Dc:
                RunEmbedded(program, DcProgram.Scan(value.Text), ctx, "dc-command");
                break;
            case CodeLanguage.Make:
                RunEmbedded(program, MakefileText.Scan(value.Text), ctx, "make-command");
                break;
            case CodeLanguage.ScriptFile:
                if (value.Text is "NONE" or "/dev/null") break;
                EmitUnknownCode(program, option, $"runs the {program} commands in {value.Display}, which are not visible here", ctx);
                break;
            case CodeLanguage.SshOption:
            {
                var text = value.Text.Trim();
                int split = text.IndexOfAny(['=', ' ', '\t']);
                if (split <= 0) break;
                var key = text[..split];
                var command = text[(split + 1)..].TrimStart('=', ' ', '\t');
                if (CodeOptions.SshCommandKeys.Contains(key) && !command.Equals("none", StringComparison.OrdinalIgnoreCase))
                    RunString(command, nested);
                break;
            }
        }
    }

    // ---- environment variables whose value is code ---------------------------------------------

    /// <summary>An assignment of a variable some program runs as code (<see cref="CodeEnvironment"/>).</summary>
    internal void CodeInEnvironment(string name, ShellArg value, CallContext ctx)
    {
        if (!CodeEnvironment.TryGet(name, out var kind)) return;
        var text = value.Text.Trim();
        if (text.Length == 0) return;
        var nested = ctx with { Nesting = ctx.Nesting + 1, ExtraTag = "environment-command", Stdin = StreamSource.None };
        switch (kind)
        {
            case EnvironmentCode.Command or EnvironmentCode.LessPipe:
                if (kind == EnvironmentCode.LessPipe) text = text.TrimStart('|', '-', ' ').Replace("%s", "file", StringComparison.Ordinal);
                if (value.Dynamic && text.Replace(ShellArg.Unknown.ToString(), "", StringComparison.Ordinal).Trim().Length == 0)
                    EmitUnknownCode(name, null, $"{name} names a command computed at run time", ctx);
                else RunString(text, nested);
                break;
            case EnvironmentCode.Library:
                EmitUnknownCode(name, null, $"{name} loads {value.Display} into every program started", ctx);
                break;
            case EnvironmentCode.ShellStartup:
                if (text != "/dev/null") EmitUnknownCode(name, null, $"{name} makes programs read {value.Display}, which is not visible here", ctx);
                break;
            case EnvironmentCode.ConfigHome:
            {
                // The real home (or its .config) changes nothing; any other directory brings its own settings.
                var home = ctx.Vars.AccountHome.TrimEnd('/');
                var dir = value.Dynamic ? null : ResolvePath(value, ctx).TrimEnd('/');
                if (dir != home && dir != home + "/.config")
                    EmitUnknownCode(name, null, $"{name}={value.Display} makes programs read settings (which may name programs they run) from a directory not shown here", ctx);
                break;
            }
            case EnvironmentCode.InterpreterOptions:
                if (CodeEnvironment.LoadsCode(text)) EmitUnknownCode(name, null, $"{name} makes every program it reaches load or run {value.Display}", ctx);
                ScanCode(name, text, ctx);
                break;
            case EnvironmentCode.VimCommands:
                RunEmbedded(name, ExCommands.Scan(text), ctx, "editor-command");
                break;
            case EnvironmentCode.ToolOptions:
                if (CodeEnvironment.NamesPrograms(text)) EmitUnknownCode(name, null, $"{name} gives options that run programs ({value.Display})", ctx);
                break;
            case EnvironmentCode.SearchPath:
                if (UnfamiliarSearchEntry(name, value, ctx) is { } entry)
                    EmitUnknownCode(name, null, $"{name} makes programs load or run code from {entry}, which is not visible here", ctx);
                break;
            case EnvironmentCode.ToolConfig:
            {
                // KUBECONFIG is a list; each entry outside the tool's own directory may run programs nobody has seen.
                var own = ctx.Vars.AccountHome.TrimEnd('/') + "/" + CodeEnvironment.ToolConfigHome(name);
                foreach (var file in text.Split(':'))
                {
                    if (file.Length == 0 || file == "/dev/null") continue;
                    var path = file.Contains(ShellArg.Unknown) ? null : ResolvePath(ShellArg.Static(file), ctx);
                    if (path is not null && (path == own || PathResolver.IsUnder(path, own))) continue;
                    EmitUnknownCode(name, null, $"{name} makes the tool read {ShellArg.DisplayText(file)}, whose settings can name programs it runs and are not visible here", ctx);
                    break;
                }
                break;
            }
            case EnvironmentCode.HistoryFile:
            {
                if (text == "/dev/null") break;
                // The shell (or REPL) appends its history there later: a write of that file the command does not show.
                var d = NewDraft(name, null, OperationClass.Update, "names the file history is written to later", ctx);
                d.Targets.Add(value.Dynamic ? CurrentDirectory() + "/" + ShellArg.Unknown : ResolvePath(value, ctx));
                d.PathTargets = true;
                d.Tags.Add("deferred-write");
                Emit(d);
                break;
            }
        }
    }

    /// <summary>Where system and per-user tool installers put programs and modules: adding them to a search path is ordinary.</summary>
    private static readonly string[] SystemCodeRoots = ["/usr/", "/bin", "/sbin", "/lib", "/opt/", "/snap/", "/nix/", "/etc/profiles/"];

    private static readonly string[] HomeCodeDirectories =
        [".local", ".cargo", "go", ".go", ".bun", ".deno", ".npm", ".npm-global", ".nvm", ".pyenv", ".rbenv", ".rustup", ".sdkman",
         ".volta", ".yarn", ".asdf", ".gem", ".dotnet", ".jenv", ".nodenv", ".poetry", ".pixi", ".fnm", "bin", ".krew", ".linuxbrew"];

    /// <summary>
    /// The first entry a search-path assignment adds that is neither already on it, nor under the workspace, nor a
    /// system or per-user tool directory: code there runs under familiar names (<c>PATH=/tmp/x:$PATH make</c>).
    /// </summary>
    private string? UnfamiliarSearchEntry(string name, ShellArg value, CallContext ctx)
    {
        ctx.Vars.TryGet(name, out var before);
        var home = ctx.Vars.AccountHome.TrimEnd('/') + "/";
        var workspace = Workspace.TrimEnd('/') + "/";
        var separator = name == "MAKEFILES" ? ' ' : ':';
        foreach (var raw in value.Text.Split(separator))
        {
            if (raw.Length == 0) continue;
            if (raw.Contains(ShellArg.Unknown))
            {
                // `$PATH` itself, unknown here, is what was there before; any other unknown part is not.
                if (raw.Trim(ShellArg.Unknown).Length == 0) continue;
                return raw.Replace(ShellArg.Unknown.ToString(), "…", StringComparison.Ordinal);
            }
            if (before is not null && before.Split(separator).Contains(raw, StringComparer.Ordinal)) continue;
            var dir = ResolvePath(ShellArg.Static(raw), ctx).TrimEnd('/') + "/";
            if (dir.StartsWith(workspace, StringComparison.Ordinal)) continue;
            if (SystemCodeRoots.Any(r => dir.StartsWith(r, StringComparison.Ordinal))) continue;
            if (dir.StartsWith(home, StringComparison.Ordinal))
            {
                var first = dir[home.Length..];
                first = first[..Math.Max(0, first.IndexOf('/'))];
                if (HomeCodeDirectories.Contains(first, StringComparer.Ordinal)) continue;
            }
            return raw;
        }
        return null;
    }

    // ---- sed -----------------------------------------------------------------------------------

    /// <summary>sed scripts: <c>e</c> and <c>s///e</c> run commands, <c>w</c> writes and <c>r</c> reads files.</summary>
    private void SedScripts(SemanticsCall c)
    {
        var inv = c.Inv;
        var scripts = new List<string>();
        bool given = false;
        foreach (var (name, value) in inv.Options)
        {
            if (value is not { } v) continue;
            if (name is "-e" or "--expression") { scripts.Add(v.Text); given = true; }
            else if (name is "-f" or "--file")
            {
                given = true;
                if (v.Text is "-" or "/dev/stdin" && c.Ctx.Stdin is { Kind: StreamKind.Literal, Text: { } input }) scripts.Add(input);
                else EmitUnknownCode("sed", "-f", $"runs the sed script in {v.Display}, which is not visible here", c.Ctx);
            }
        }
        if (!given && inv.Positionals.Count > 0) scripts.Add(inv.Positionals[0].Text);
        bool sandbox = inv.HasAnyFlag("--sandbox");
        foreach (var script in scripts)
        {
            var found = SedScript.Parse(script);
            if (found.Unparsed) EmitUnknownCode("sed", null, "the sed script uses syntax Interlock does not read", c.Ctx);
            if (sandbox) continue;
            foreach (var command in found.Commands)
                RunString(command, c.Ctx with { Nesting = c.Ctx.Nesting + 1, ExtraTag = "sed-command", Stdin = StreamSource.None });
            if (found.RunsInput) EmitUnknownCode("sed", "e", "runs text from its input as shell commands", c.Ctx);
            EmitFileAccess("sed", found.Reads, found.Writes, c.Ctx);
        }
    }

    // ---- awk -----------------------------------------------------------------------------------

    private static readonly HashSet<string> AwkValueOptions = new(StringComparer.Ordinal)
        { "-v", "--assign", "-F", "--field-separator", "-f", "--file", "-e", "--source", "-i", "--include", "-l", "--load", "-E", "--exec", "-W" };

    /// <summary>awk: the program's <c>system()</c>, pipes and <c>getline</c> commands run; its redirections read and write files.</summary>
    internal StreamSource? Awk(SemanticsCall c)
    {
        var op = c.Op;
        var program = op.Program;
        var args = c.Inv.Args;
        var assigned = new Dictionary<string, string>(StringComparer.Ordinal);
        var sources = new List<string>();
        bool fromOptions = false, sandbox = false, inPlace = false;
        int i = 0;
        for (; i < args.Count; i++)
        {
            var t = args[i].Text;
            if (t == "--") { i++; break; }
            if (t.Length < 2 || t[0] != '-' || args[i].Dynamic) break;
            string name = t;
            string? value = null;
            int eq = t.IndexOf('=', StringComparison.Ordinal);
            if (t.StartsWith("--", StringComparison.Ordinal) && eq > 0) { name = t[..eq]; value = t[(eq + 1)..]; }
            else if (!t.StartsWith("--", StringComparison.Ordinal) && t.Length > 2 && AwkValueOptions.Contains(t[..2])) { name = t[..2]; value = t[2..]; }
            if (name is "-S" or "--sandbox") sandbox = true;
            if (!AwkValueOptions.Contains(name)) continue;
            if (value is null)
            {
                if (i + 1 >= args.Count) break;
                value = args[++i].Text;
            }
            switch (name)
            {
                case "-v" or "--assign":
                    int at = value.IndexOf('=', StringComparison.Ordinal);
                    if (at > 0) assigned[value[..at]] = value[(at + 1)..];
                    break;
                case "-f" or "--file" or "-E" or "--exec":
                    fromOptions = true;
                    if (value is "-" or "/dev/stdin" && c.Ctx.Stdin is { Kind: StreamKind.Literal, Text: { } input }) sources.Add(input);
                    else EmitUnknownCode(program, name, $"runs the awk program in {value}, which is not visible here", c.Ctx);
                    break;
                case "-e" or "--source":
                    fromOptions = true;
                    sources.Add(value);
                    break;
                case "-i" or "--include":
                    if (value is "inplace" or "inplace.awk") inPlace = true;
                    else EmitUnknownCode(program, name, $"loads the awk library {value}, which is not visible here", c.Ctx);
                    break;
                case "-l" or "--load":
                    EmitUnknownCode(program, name, $"loads the compiled extension {value}", c.Ctx);
                    break;
            }
        }
        if (!fromOptions && i < args.Count) sources.Add(args[i++].Text);
        var files = new List<ShellArg>();
        for (; i < args.Count; i++)
        {
            var t = args[i].Text;
            int eq = t.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && IsVariableName(t.AsSpan(0, eq))) assigned[t[..eq]] = t[(eq + 1)..];
            else files.Add(args[i]);
        }
        op.PathTargets = true;
        op.ReadsContent = !inPlace;
        foreach (var f in files) op.Targets.Add(ResolvePath(f, c.Ctx));
        if (inPlace)
        {
            op.Class = OperationClass.Update;
            op.Reason = "edits files in place";
        }
        foreach (var source in sources)
        {
            var found = AwkProgram.Scan(source, assigned);
            if (sandbox) continue;
            // Files first: a command the program runs may run a file it printed (print > f; system("sh f")).
            EmitFileAccess(program, found.Reads, found.Writes, c.Ctx);
            foreach (var command in found.Commands)
            {
                if (command.Text is null)
                {
                    EmitUnknownCode(program, "system", "the awk program runs a command computed at run time", c.Ctx);
                    continue;
                }
                var stdin = command.Feed switch
                {
                    AwkFeed.None => StreamSource.None,
                    AwkFeed.Printed => new StreamSource(StreamKind.Literal, command.Data),
                    AwkFeed.Input when files.Count == 0 && c.Ctx.Stdin.Kind != StreamKind.None => c.Ctx.Stdin,
                    _ => StreamSource.Unknown,
                };
                RunString(command.Text, c.Ctx with { Nesting = c.Ctx.Nesting + 1, ExtraTag = "awk-command", Stdin = stdin });
            }
        }
        if (op.Targets.Exists(t => CredentialIn(t) is not null)) return new StreamSource(StreamKind.Secret);
        return PassThrough(c, files.Count == 0);
    }

    // ---- editors -------------------------------------------------------------------------------

    private static readonly HashSet<string> VimFamily = new(StringComparer.Ordinal) { "vim", "vi", "nvim", "ex", "view", "vimdiff", "gvim", "rvim" };

    /// <summary>Commands an editor runs from its options or input: vim's <c>-c</c>/<c>+</c>/<c>--cmd</c>, ex and ed scripts, less's <c>+!cmd</c>.</summary>
    private void EditorCode(SemanticsCall c)
    {
        var program = c.Op.Program;
        var args = c.Inv.Args;
        if (program == "ed")
        {
            if (c.Ctx.Stdin is { Kind: StreamKind.Literal, Text: { } script }) RunEmbedded("ed", EdScript.Scan(script), c.Ctx, "editor-command");
            else if (c.Ctx.Stdin.Kind != StreamKind.None) EmitUnknownCode("ed", null, "runs editor commands from its input, which is not visible here", c.Ctx);
            return;
        }
        if (!VimFamily.Contains(program))
        {
            // less, more, nano and the rest: `+!cmd` runs a shell command in less and more.
            foreach (var p in c.Inv.Positionals)
            {
                var text = p.Text.StartsWith('+') ? p.Text[1..].TrimStart(':') : null;
                if (text is not null && text.StartsWith('!')) RunString(text[1..], c.Ctx with { Nesting = c.Ctx.Nesting + 1, ExtraTag = "editor-command" });
            }
            return;
        }
        bool exMode = program == "ex";
        var commands = new List<string>();
        for (int i = 0; i < args.Count; i++)
        {
            var a = args[i];
            var t = a.Text;
            string? next = i + 1 < args.Count ? args[i + 1].Text : null;
            // A short cluster ending in c takes the command (`ex -sc CMD`); one with e or E starts Ex mode.
            if (t.Length > 2 && t[0] == '-' && t[1] != '-' && !a.Dynamic && t.AsSpan(1).IndexOfAnyExcept("esEcnbRZdyAFHlLmMNr") < 0)
            {
                if (t.AsSpan(1).IndexOfAny('e', 'E') >= 0) exMode = true;
                if (t[^1] == 'c' && next is not null) { commands.Add(next); i++; }
                continue;
            }
            switch (t)
            {
                case "-c" or "--cmd" when next is not null:
                    commands.Add(next);
                    i++;
                    continue;
                case "-S":
                    bool file = next is not null && !next.StartsWith('-');
                    EmitUnknownCode(program, "-S", $"sources {(file ? next : "Session.vim")}, which is not visible here", c.Ctx);
                    if (file) i++;
                    continue;
                case "-u" or "-U" when next is not null:
                    if (next is not ("NONE" or "NORC" or "DEFAULTS" or "/dev/null")) EmitUnknownCode(program, t, $"reads its start-up commands from {next}, which is not visible here", c.Ctx);
                    i++;
                    continue;
                case "-s" when !exMode && next is not null:
                    EmitUnknownCode(program, "-s", $"types the keys in {next}, which are not visible here", c.Ctx);
                    i++;
                    continue;
                case "--remote-send" or "--remote-expr":
                    EmitUnknownCode(program, t, "sends keys or expressions to another editor", c.Ctx);
                    i++;
                    continue;
                case "-e" or "-E" or "-es" or "-Es":
                    exMode = true;
                    continue;
            }
            if (t.Length > 1 && t[0] == '+' && !a.Dynamic)
            {
                var cmd = t[1..];
                if (cmd.Length > 0 && !cmd.All(char.IsAsciiDigit) && cmd[0] is not ('/' or '?')) commands.Add(cmd);
            }
            else if (a.Dynamic && t.StartsWith('+')) EmitUnknownCode(program, "+", "runs an editor command computed at run time", c.Ctx);
        }
        foreach (var command in commands) RunEmbedded(program, ExCommands.Scan(command), c.Ctx, "editor-command");
        if (exMode && c.Ctx.Stdin.Kind != StreamKind.None)
        {
            if (c.Ctx.Stdin is { Kind: StreamKind.Literal, Text: { } script }) RunEmbedded(program, ExCommands.Scan(script), c.Ctx, "editor-command");
            else EmitUnknownCode(program, null, "runs Ex commands from its input, which is not visible here", c.Ctx);
        }
    }

    // ---- fd ------------------------------------------------------------------------------------

    private static readonly HashSet<string> FdValueOptions = new(StringComparer.Ordinal)
    {
        "-e", "--extension", "-t", "--type", "-E", "--exclude", "-d", "--max-depth", "--min-depth", "--exact-depth", "-S", "--size",
        "--changed-within", "--changed-before", "--change-newer-than", "--change-older-than", "--newer", "--older", "-o", "--owner",
        "--search-path", "--base-directory", "--path-separator", "-j", "--threads", "--max-results", "--max-buffer-time", "-c", "--color",
        "--ignore-file", "--format", "--and", "--batch-size",
    };

    /// <summary>fd: lists files; <c>-x</c>/<c>-X</c> run a command on what it finds, like <c>find -exec</c>.</summary>
    internal StreamSource? Fd(SemanticsCall c)
    {
        var op = c.Op;
        var args = c.Inv.Args;
        var positionals = new List<ShellArg>();
        var roots = new List<ShellArg>();
        List<ShellArg>? exec = null;
        string? extension = null;
        bool glob = false;
        for (int i = 0; i < args.Count; i++)
        {
            var t = args[i].Text;
            if (t is "-e" or "--extension" && i + 1 < args.Count) extension = args[i + 1].Text.TrimStart('.');
            if (t is "-g" or "--glob") glob = true;
            if (t is "-x" or "--exec" or "-X" or "--exec-batch")
            {
                int end = i + 1;
                while (end < args.Count && args[end].Text != ";") end++;
                exec = args.Skip(i + 1).Take(end - i - 1).ToList();
                i = end;
                continue;
            }
            if (t == "--") { positionals.AddRange(args.Skip(i + 1).TakeWhile(a => a.Text is not ("-x" or "-X" or "--exec" or "--exec-batch"))); break; }
            if (t.Length > 1 && t[0] == '-' && !args[i].Dynamic)
            {
                if (t is "--search-path" && i + 1 < args.Count) roots.Add(args[i + 1]);
                if (FdValueOptions.Contains(t)) i++;
                continue;
            }
            positionals.Add(args[i]);
        }
        roots.AddRange(positionals.Skip(1));
        if (roots.Count == 0) roots.Add(ShellArg.Static("."));
        op.PathTargets = true;
        op.ReadsContent = false;
        op.Targets.Clear();
        foreach (var r in roots) op.Targets.Add(ResolvePath(r, c.Ctx));
        // Without -x the names are printed: names of credential files feed readers downstream (`fd . ~/.aws | xargs cat`).
        if (exec is not { Count: > 0 })
            return ListedCredentials(op.Targets.Select(t => (t.TrimEnd('/') + "/**", t.TrimEnd('/') + "/**"))) is { Kind: StreamKind.CredentialNames } names ? names : StreamSource.Unknown;
        // What the search matches, narrowed by an extension, a glob, or a plain-word pattern.
        var pattern = positionals.Count > 0 && !positionals[0].Dynamic ? positionals[0].Text : null;
        var name = extension is not null ? "*." + extension
            : pattern is null || pattern == "." ? null
            : glob ? pattern
            : pattern.All(ch => char.IsAsciiLetterOrDigit(ch) || ch is '_' or '-') ? "*" + pattern + "*" : null;
        var scope = op.Targets.Select(r => r.TrimEnd('/') + "/**" + (name is null ? "" : "/" + name)).ToList();
        string[] placeholders = ["{}", "{/}", "{//}", "{.}", "{/.}"];
        var inner = new List<ShellArg>();
        bool any = false;
        foreach (var a in exec)
        {
            if (a.Text == "{}") { inner.AddRange(scope.Select(s => new ShellArg(s, false, true))); any = true; continue; }
            var text = a.Text;
            foreach (var p in placeholders)
            {
                if (!text.Contains(p, StringComparison.Ordinal)) continue;
                text = text.Replace(p, scope[0], StringComparison.Ordinal);
                any = true;
            }
            inner.Add(text == a.Text ? a : new ShellArg(text, a.Dynamic, true));
        }
        if (!any) inner.AddRange(scope.Select(s => new ShellArg(s, false, true)));
        Dispatch(inner, c.Ctx with { ExtraTag = "fd-exec", Nesting = c.Ctx.Nesting + 1, Stdin = StreamSource.None });
        return StreamSource.Unknown;
    }
}
