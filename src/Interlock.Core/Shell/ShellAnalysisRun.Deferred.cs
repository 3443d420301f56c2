using Interlock.Actions;

namespace Interlock.Shell;

// Code the shell stores now and runs later (traps, aliases, exported functions, prompt and startup variables,
// arithmetic that evaluates subscripts): it is analyzed where it is stored, as the code it is.
internal sealed partial class ShellAnalysisRun
{
    /// <summary>Analyzes code that runs later (a trap's action, an alias's text, PROMPT_COMMAND) as a command line.</summary>
    private void RunLatentCode(string owner, ShellArg code, CallContext ctx)
    {
        if (code.ProcessSource is StreamKind.Network or StreamKind.Decoded)
        {
            EmitForeignCode(owner, code.ProcessSource, ctx);
            return;
        }
        if (code.Dynamic)
        {
            AddGap("dynamic-command", $"{owner} stores code that is only known at run time, and runs it later", ctx.Text);
            var d = NewDraft(owner, null, OperationClass.Exec, "stores code computed at run time that runs later", ctx);
            d.Tags.Add("dynamic-command");
            Emit(d);
            return;
        }
        if (code.Text.Trim().Length == 0) return;
        RunString(code.Text, ctx with { Vars = ctx.Vars.Fork(), Stdin = StreamSource.None, Nesting = ctx.Nesting + 1 });
    }

    /// <summary>
    /// A literal text holding a command substitution: bash runs it when it evaluates the text again, which arithmetic
    /// (<c>a[$(cmd)]</c> subscripts in <c>(( ))</c>, <c>$(( ))</c>, <c>let</c>, <c>[[ -eq ]]</c>, <c>${s:x}</c>),
    /// prompt expansion (<c>${v@P}</c>, PS1, PS4) and names (<c>unset</c>, <c>printf -v</c>, <c>declare -n</c>) all do.
    /// </summary>
    private void AnalyzeLatentWord(ShellArg text, CallContext ctx)
    {
        if (text.Dynamic || !HoldsSubstitution(text.Text)) return;
        var parsed = Parse(": " + text.Text);
        if (parsed.Error is not null)
        {
            AddGap("latent-code", "a stored text holds a command substitution that does not parse: bash may still run it when it evaluates the text", ctx.Text);
            return;
        }
        RunScript(parsed.Script, ctx with { Source = ": " + text.Text, Vars = ctx.Vars.Fork(), Stdin = StreamSource.None, Nesting = ctx.Nesting + 1 });
    }

    private static bool HoldsSubstitution(string text) =>
        text.Contains("$(", StringComparison.Ordinal) || text.Contains('`', StringComparison.Ordinal);

    /// <summary>What a variable assignment (on its own, before a command, through export/declare or env) stores for later.</summary>
    private void OnAssigned(string name, ShellArg value, CallContext ctx)
    {
        if (name == "PROMPT_COMMAND")
        {
            RunLatentCode(name, value, ctx);
            return;
        }
        if (name.StartsWith("BASH_ALIASES[", StringComparison.Ordinal) && name.EndsWith(']'))
        {
            // bash's alias table: `BASH_ALIASES[ll]='rm -rf'` is `alias ll='rm -rf'`.
            AnalyzeAliases([ShellArg.Static("alias"), value with { Text = name[13..^1] + "=" + value.Text }], ctx);
            return;
        }
        if (name.StartsWith("BASH_CMDS", StringComparison.Ordinal))
        {
            // bash's command hash table: `BASH_CMDS[ls]=/bin/rm` makes `ls` run rm, as `hash -p /bin/rm ls` does.
            int open = name.IndexOf('[', StringComparison.Ordinal);
            var key = open > 0 && name.EndsWith(']') ? name[(open + 1)..^1] : null;
            if (key is { Length: > 0 } && key.AsSpan().IndexOfAny("$`\"'") < 0)
            {
                Rehash(key, value, ctx);
                return;
            }
            AddGap("dynamic-command", "BASH_CMDS is assigned: command names may run other programs than their own", ctx.Text);
            var h = NewDraft(name, null, OperationClass.Exec, "rebinds command names to other programs", ctx);
            h.Tags.Add("dynamic-command");
            Emit(h);
            return;
        }
        if (name.StartsWith("BASH_FUNC_", StringComparison.Ordinal))
        {
            // An exported function: `BASH_FUNC_ls%%=() { body; }` defines ls in every bash started with it.
            var body = value.Text.TrimStart();
            if (body.StartsWith("()", StringComparison.Ordinal)) body = body[2..];
            RunLatentCode(name, value with { Text = body }, ctx);
            return;
        }
        if (name == "BASH_ENV" || name == "ENV" && LooksLikeStartupFile(value.Text))
        {
            if (value.Text.Length == 0 && !value.Dynamic) return;
            // Every non-interactive bash (BASH_ENV) or interactive sh (ENV) sources this file before its own work.
            AddGap("startup-file", $"{name} names a file each shell started from here runs first: its code is not shown", ctx.Text);
            var d = NewDraft(name, null, OperationClass.Exec, "makes every shell started from here run a file first", ctx);
            d.PathTargets = true;
            d.Targets.Add(ResolvePath(value, ctx));
            d.Tags.Add("startup-file");
            Emit(d);
            return;
        }
        AnalyzeLatentWord(value, ctx);
    }

    /// <summary>ENV also names deployment environments (ENV=production); as sh's startup file it is a path.</summary>
    private static bool LooksLikeStartupFile(string value) =>
        value.Contains('/', StringComparison.Ordinal) || value.Contains(ShellArg.Unknown, StringComparison.Ordinal)
        || value.EndsWith(".sh", StringComparison.Ordinal) || value.EndsWith("rc", StringComparison.Ordinal);

    /// <summary>Aliases defined by this command: name, and the text it stands for.</summary>
    private Dictionary<string, string>? _aliases;

    private readonly HashSet<string> _activeAliases = new(StringComparer.Ordinal);

    private static readonly System.Buffers.SearchValues<char> ShellSpecials = System.Buffers.SearchValues.Create(";|&<>()$`\\\"'{}*?[]#~=\n");

    private void AnalyzeAliases(List<ShellArg> args, CallContext ctx)
    {
        for (int i = 1; i < args.Count; i++)
        {
            int eq = args[i].Text.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) continue;
            var value = args[i] with { Text = args[i].Text[(eq + 1)..] };
            (_aliases ??= new Dictionary<string, string>(StringComparer.Ordinal))[args[i].Text[..eq]] = args[i].Dynamic ? ShellArg.Unknown.ToString() : value.Text;
            // Plain words (`alias g=git`) are analyzed where the alias is used, with that use's arguments; anything
            // else is code in its own right, analyzed now (it may also run in a later shell that keeps the alias).
            if (value.Dynamic || value.Text.AsSpan().IndexOfAny(ShellSpecials) >= 0) RunLatentCode("alias", value, ctx);
        }
    }

    /// <summary>A use of an alias this command defined: its words, then the use's arguments.</summary>
    private bool TryExpandAlias(string name, List<ShellArg> args, CallContext ctx, out StreamSource output)
    {
        output = StreamSource.Unknown;
        if (_aliases is null || !_aliases.TryGetValue(name, out var value) || value.AsSpan().IndexOfAny(ShellSpecials) >= 0 && !value.Contains(ShellArg.Unknown, StringComparison.Ordinal)) return false;
        if (!_activeAliases.Add(name)) return false; // bash does not expand an alias inside its own text
        try
        {
            var words = value.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (words.Length == 0) return false;
            List<ShellArg> expanded = [.. words.Select(w => w.Contains(ShellArg.Unknown, StringComparison.Ordinal) ? new ShellArg(w, true, false) : ShellArg.Static(w)), .. args.Skip(1)];
            output = Dispatch(expanded, ctx with { Nesting = ctx.Nesting + 1 });
            return true;
        }
        finally
        {
            _activeAliases.Remove(name);
        }
    }

    /// <summary><c>cd NAME</c> with CDPATH set may land in a CDPATH directory instead: where is unknown.</summary>
    private static bool ViaCdPath(string target, CallContext ctx)
    {
        if (target.StartsWith('/') || target is "." or ".." || target.StartsWith("./", StringComparison.Ordinal) || target.StartsWith("../", StringComparison.Ordinal)) return false;
        return ctx.Vars.IsAssigned("CDPATH") && !(ctx.Vars.TryGet("CDPATH", out var cdpath) && cdpath!.Length == 0);
    }

    /// <summary>
    /// Builtins that store or evaluate code besides what their table row says; returns nothing, the row still applies.
    /// </summary>
    private void AnalyzeDeferredBuiltin(string program, List<ShellArg> args, CallContext ctx)
    {
        switch (program)
        {
            case "trap":
            {
                int i = 1;
                while (i < args.Count && args[i].Text is "-p" or "-l" or "-P") i++;
                if (i < args.Count && args[i].Text == "--") i++;
                // `trap ACTION SIGNAL…`; `trap - SIG` and `trap '' SIG` reset or ignore.
                if (i + 1 < args.Count && args[i].Text != "-") RunLatentCode("trap", args[i], ctx);
                break;
            }
            case "let":
                for (int i = 1; i < args.Count; i++) AnalyzeLatentWord(args[i], ctx);
                break;
            case "unset" or "read" or "test" or "[" or "[[" or "wait" or "getopts":
                // Names with subscripts (`unset 'a[$(cmd)]'`, `test -v 'a[$(cmd)]'`) are evaluated arithmetically.
                for (int i = 1; i < args.Count; i++) if (args[i].Text.Contains('[', StringComparison.Ordinal)) AnalyzeLatentWord(args[i], ctx);
                break;
            case "printf":
                for (int i = 1; i + 1 < args.Count; i++) if (args[i].Text == "-v") AnalyzeLatentWord(args[i + 1], ctx);
                break;
            case "mapfile" or "readarray":
                // `-C CALLBACK` is evaluated every `-c` lines; the array name may carry a subscript too.
                for (int i = 1; i < args.Count; i++)
                {
                    if (args[i].Text == "-C" && i + 1 < args.Count) RunLatentCode(program, args[++i], ctx);
                    else if (args[i].Text.Contains('[', StringComparison.Ordinal)) AnalyzeLatentWord(args[i], ctx);
                }
                break;
            case "compgen" or "complete":
                for (int i = 1; i + 1 < args.Count; i++)
                {
                    if (args[i].Text == "-C") RunLatentCode(program, args[i + 1], ctx);
                    else if (args[i].Text == "-F") RunExportedFunction(args[i + 1].Text, ctx);
                }
                break;
            case "export" or "declare" or "typeset" or "local" or "readonly":
            {
                bool functions = false, exported = program == "export";
                for (int i = 1; i < args.Count; i++)
                {
                    var t = args[i].Text;
                    if (t.Length > 1 && t[0] is '-' or '+' && !t.Contains('=', StringComparison.Ordinal))
                    {
                        if (t.Contains('f', StringComparison.Ordinal)) functions = true;
                        if (t.Contains('x', StringComparison.Ordinal)) exported = true;
                        continue;
                    }
                    int eq = t.IndexOf('=', StringComparison.Ordinal);
                    if (eq > 0) OnAssigned(t[..eq], args[i] with { Text = t[(eq + 1)..] }, ctx);
                    else if (functions && exported) RunExportedFunction(t, ctx);
                }
                break;
            }
            case "enable":
                // `enable -f lib.so NAME` loads a builtin from a shared object: native code nobody reviewed.
                if (args.Exists(a => a.Text.StartsWith("-f", StringComparison.Ordinal) && a.Text.Length <= 2))
                {
                    AddGap("unknown-program", "enable -f loads a shell builtin from a shared library", ctx.Text);
                    var d = NewDraft("enable", "-f", OperationClass.Exec, "loads a shell builtin from a shared library", ctx);
                    d.Tags.Add("unknown-program");
                    Emit(d);
                }
                break;
            case "fc" when !args.Exists(a => a.Text.StartsWith("-l", StringComparison.Ordinal)):
                // `fc -s` and `fc -e ed` run commands from the history, which is not shown.
                AddGap("dynamic-command", "fc runs commands from the shell history", ctx.Text);
                var h = NewDraft("fc", null, OperationClass.Exec, "runs commands from the shell history", ctx);
                h.Tags.Add("dynamic-command");
                Emit(h);
                break;
        }
    }

    /// <summary>Functions the shell itself calls later by name (bash's unknown-command handler, zsh's prompt and directory hooks).</summary>
    private static readonly System.Collections.Frozen.FrozenSet<string> ShellHookFunctions = System.Collections.Frozen.FrozenSet.ToFrozenSet(
        ["command_not_found_handle", "command_not_found_handler", "precmd", "preexec", "chpwd", "periodic", "zshexit", "zshaddhistory"], StringComparer.Ordinal);

    /// <summary>Whether defining <paramref name="name"/> registers code the shell runs unasked (zsh's <c>TRAPINT</c>-style functions too).</summary>
    private static bool IsShellHookFunction(string name) =>
        ShellHookFunctions.Contains(name) || name.Length > 4 && name.StartsWith("TRAP", StringComparison.Ordinal);

    /// <summary>An exported function (<c>export -f ls</c>) runs in every child bash that calls its name: its body is analyzed now.</summary>
    private void RunExportedFunction(string name, CallContext ctx)
    {
        if (!_functions.TryGetValue(name, out var function) || !_activeFunctions.Add(name)) return;
        try
        {
            RunCommand(function.Body, ctx with { Vars = ctx.Vars.Fork(), Stdin = StreamSource.None, Nesting = ctx.Nesting + 1 });
        }
        finally
        {
            _activeFunctions.Remove(name);
        }
    }

    /// <summary><c>[[ -v 'a[$(cmd)]' ]]</c>: the name's subscript is evaluated.</summary>
    private void AnalyzeConditionalWords(List<ShellArg> words, CallContext ctx)
    {
        for (int i = 0; i < words.Count; i++)
            if (words[i].Text.Contains('[', StringComparison.Ordinal) && i > 0 && words[i - 1].Text == "-v") AnalyzeLatentWord(words[i], ctx);
    }
}
