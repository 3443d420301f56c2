using Interlock.Actions;
using Interlock.Knowledge;

namespace Interlock.Shell;

internal sealed partial class ShellAnalysisRun
{
    private StreamSource Unwrap(WrapperSpec wrapper, string name, List<ShellArg> args, CallContext ctx)
    {
        int i = 1;
        switch (wrapper.Kind)
        {
            case WrapperKind.Env:
                return UnwrapEnv(args, ctx);
            case WrapperKind.JoinedShell:
                i = SkipOptions(wrapper, name, args, 1, ctx);
                if (i >= args.Count) return StreamSource.None;
                // `watch -x cmd args`: the arguments are the command itself, not text for a shell.
                if (wrapper.DirectExecOptions is { } direct && args.Skip(1).Take(i - 1).Any(a => IsFlagPresent(direct, a.Text)))
                    return Dispatch(args.GetRange(i, args.Count - i), ctx with { Nesting = ctx.Nesting + 1 });
                if (args.Skip(i).FirstOrDefault(a => a.ProcessSource is StreamKind.Network or StreamKind.Decoded) is { Text: not null } foreign)
                {
                    EmitForeignCode(name, foreign.ProcessSource, ctx);
                    return StreamSource.Unknown;
                }
                if (args[i].Dynamic && !string.Join(' ', args.Skip(i).Select(a => a.Text)).Contains(' ', StringComparison.Ordinal))
                {
                    AddGap("dynamic-command", $"{name} runs text that is only known at run time", ctx.Text);
                    var d = NewDraft(name, null, OperationClass.Exec, "evaluates text computed at run time", ctx);
                    d.Tags.Add("dynamic-command");
                    Emit(d);
                    return StreamSource.Unknown;
                }
                return RunString(string.Join(' ', args.Skip(i).Select(a => a.Text)), ctx with { Nesting = ctx.Nesting + 1 });
            case WrapperKind.Xargs:
                return name == "parallel" ? UnwrapParallel(wrapper, args, ctx) : UnwrapXargs(wrapper, name, args, ctx);
            case WrapperKind.EachArgumentShell:
                return UnwrapEachArgument(wrapper, args, ctx);
        }

        // su's operand is a user, not a command; only -c runs something.
        bool isSu = name == "su";
        ShellArg? argv0 = null;
        while (i < args.Count)
        {
            var a = args[i];
            if (a.Dynamic) break;
            var t = a.Text;
            if (t == "--") { i++; break; }
            if (t.Length < 2 || t[0] != '-') break;
            if (name == "exec" && t == "-a" && i + 1 < args.Count) argv0 = args[i + 1];
            if (wrapper.LookupOptionSet.Contains(t))
            {
                Emit(NewDraft(name, t, OperationClass.Read, "looks up a command or privileges", ctx));
                return StreamSource.Unknown;
            }
            if (t == wrapper.InstallOption)
            {
                // Links named like programs (rm, ls) to the binary: files this command wrote, wherever they are run from.
                int at = args.FindIndex(i + 1, x => x.Dynamic || !x.Text.StartsWith('-'));
                var dir = at >= 0 ? args[at] : ShellArg.Static("/bin");
                var links = NewDraft(name, t, OperationClass.Create, "installs links to itself named like programs", ctx);
                links.PathTargets = true;
                links.Targets.Add(ResolvePath(dir, ctx));
                Emit(links);
                return StreamSource.None;
            }
            if (wrapper.CommandStringOptions is { } cso && IsCommandStringOption(cso, t) && i + 1 < args.Count)
            {
                if (wrapper.Privileged) EmitPrivilege(name, ctx);
                if (wrapper.OperandIsOutput) WrapperOperandOutput(wrapper, name, args, i + 2, ctx);
                return RunString(args[i + 1].Text, ctx with { Nesting = ctx.Nesting + 1, Privileged = ctx.Privileged || wrapper.Privileged });
            }
            if (name is "sudo" && t is "-s" or "--shell" or "-i" or "--login")
            {
                // `sudo -s cmd` runs cmd through a root shell; alone it opens one.
                if (i + 1 >= args.Count)
                {
                    EmitPrivilege(name, ctx);
                    return StreamSource.Unknown;
                }
            }
            WrapperOutput(wrapper, name, args, i, ctx);
            i += wrapper.ValueOptions.Contains(t) ? 2 : 1;
        }
        if (isSu)
        {
            EmitPrivilege(name, ctx);
            return StreamSource.Unknown;
        }
        if (wrapper.OperandIsOutput)
        {
            // `script FILE`: an interactive shell logged to FILE; its operand is never a command.
            WrapperOperandOutput(wrapper, name, args, i, ctx);
            Emit(NewDraft(name, null, OperationClass.Read, "runs nothing", ctx));
            return StreamSource.None;
        }
        if (wrapper.Kind == WrapperKind.PrefixAfterOperands) i += wrapper.Operands;
        if (wrapper.CommandStringOptions is { } after && i + 1 < args.Count && Array.IndexOf(after.Split(' '), args[i].Text) >= 0)
        {
            // `flock FILE -c 'cmd'`: the command string follows the operand.
            if (wrapper.Privileged) EmitPrivilege(name, ctx);
            return RunString(args[i + 1].Text, ctx with { Nesting = ctx.Nesting + 1, Privileged = ctx.Privileged || wrapper.Privileged });
        }
        if (wrapper.Privileged) EmitPrivilege(name, ctx);
        if (i >= args.Count)
        {
            if (!wrapper.Privileged) Emit(NewDraft(name, null, OperationClass.Read, "runs nothing", ctx));
            return StreamSource.None;
        }
        var command = args.GetRange(i, args.Count - i);
        // `exec -a rm busybox -rf ~`: a multi-call binary runs the applet its argv[0] names, not the one its path does.
        if (argv0 is { } applet && command[0].Text[(command[0].Text.LastIndexOf('/') + 1)..] is "busybox" or "toybox")
        {
            if (applet.Dynamic) AddGap("dynamic-command", "exec -a names the applet a multi-call binary runs, and the name is only known at run time", ctx.Text);
            command.Insert(1, applet);
        }
        return Dispatch(command, ctx with { Privileged = ctx.Privileged || wrapper.Privileged, Nesting = ctx.Nesting + 1 });
    }

    /// <summary><c>-c</c>, or a short cluster ending in it (<c>script -qc CMD</c>, <c>su -lc CMD</c>).</summary>
    private static bool IsCommandStringOption(string options, string arg)
    {
        foreach (var option in options.Split(' '))
        {
            if (arg == option) return true;
            if (option.Length == 2 && arg.Length > 2 && arg[1] != '-' && arg[^1] == option[1]) return true;
        }
        return false;
    }

    /// <summary>The operands from <paramref name="i"/> on (options skipped, their files noted) are files the wrapper writes.</summary>
    private void WrapperOperandOutput(WrapperSpec wrapper, string name, List<ShellArg> args, int i, CallContext ctx)
    {
        bool options = true;
        for (; i < args.Count; i++)
        {
            var t = args[i].Text;
            if (options && t == "--") { options = false; continue; }
            if (options && t.Length > 1 && t[0] == '-' && !args[i].Dynamic)
            {
                if (wrapper.CommandStringOptions is { } cso && IsCommandStringOption(cso, t)) { i++; continue; }
                WrapperOutput(wrapper, name, args, i, ctx);
                if (wrapper.ValueOptions.Contains(t)) i++;
                continue;
            }
            var write = NewDraft(name, null, OperationClass.Update, "writes its log to a file", ctx);
            write.PathTargets = true;
            write.Targets.Add(ResolvePath(args[i], ctx));
            Emit(write);
        }
    }

    /// <summary>A wrapper option at <paramref name="i"/> naming a file the wrapper writes (<c>strace -o F</c>, <c>-oF</c>, <c>--log-file=F</c>).</summary>
    private void WrapperOutput(WrapperSpec wrapper, string name, List<ShellArg> args, int i, CallContext ctx)
    {
        if (wrapper.InputOptionSet.Length > 0) WrapperInput(wrapper, name, args, i, ctx);
        if (wrapper.OutputOptionSet.Length == 0) return;
        var t = args[i].Text;
        foreach (var option in wrapper.OutputOptionSet)
        {
            if (OptionFile(option, args, i) is not { } f) continue;
            var write = NewDraft(name, option, OperationClass.Update, "writes its log or report to a file", ctx);
            write.PathTargets = true;
            write.Targets.Add(ResolvePath(f, ctx));
            Emit(write);
            return;
        }
    }

    /// <summary>The file <paramref name="option"/> at <paramref name="i"/> names (<c>-o F</c>, <c>--out=F</c>, <c>-oF</c>), or null (none, or <c>-</c>).</summary>
    private static ShellArg? OptionFile(string option, List<ShellArg> args, int i)
    {
        var t = args[i].Text;
        ShellArg? file = null;
        if (t == option) file = i + 1 < args.Count ? args[i + 1] : null;
        else if (t.Length > option.Length && t.StartsWith(option, StringComparison.Ordinal) && (t[option.Length] == '=' || option.Length == 2))
            file = ShellArg.Static(t[(option.Length + (t[option.Length] == '=' ? 1 : 0))..]);
        return file is { } f && f.Text is not ("-" or "") ? f : null;
    }

    /// <summary>A wrapper option at <paramref name="i"/> naming a file the wrapper reads (<c>xargs -a F</c>, <c>--arg-file=F</c>).</summary>
    private void WrapperInput(WrapperSpec wrapper, string name, List<ShellArg> args, int i, CallContext ctx)
    {
        var t = args[i].Text;
        foreach (var option in wrapper.InputOptionSet)
        {
            if (OptionFile(option, args, i) is not { } f) continue;
            var read = NewDraft(name, option, OperationClass.Read, "reads its arguments from a file", ctx);
            read.PathTargets = true;
            read.ReadsContent = true;
            read.Targets.Add(ResolvePath(f, ctx));
            Emit(read);
            return;
        }
    }

    private void EmitPrivilege(string name, CallContext ctx)
    {
        var d = NewDraft(name, null, OperationClass.Privilege, $"runs with raised privileges ({name})", ctx);
        d.Tags.Add("sudo");
        Emit(d);
    }

    private int SkipOptions(WrapperSpec wrapper, string name, List<ShellArg> args, int i, CallContext ctx)
    {
        while (i < args.Count && args[i].Text.Length > 1 && args[i].Text[0] == '-' && !args[i].Dynamic)
        {
            if (args[i].Text == "--") return i + 1;
            WrapperOutput(wrapper, name, args, i, ctx);
            i += wrapper.ValueOptions.Contains(args[i].Text) ? 2 : 1;
        }
        return i;
    }

    private StreamSource UnwrapEnv(List<ShellArg> args, CallContext ctx)
    {
        int i = 1;
        var vars = ctx.Vars;
        var env = ctx.Env;
        while (i < args.Count)
        {
            var a = args[i];
            var t = a.Text;
            int assign = t.IndexOf('=', StringComparison.Ordinal);
            if (assign > 0 && !t.StartsWith('-'))
            {
                // The child's environment: PROMPT_COMMAND, BASH_ENV, BASH_FUNC_x%% and the like are code it runs;
                // GIT_SSH_COMMAND and the like are read by the program it starts (CommandEnvironment); PAGER,
                // LD_PRELOAD and the like by whatever it runs (CodeInEnvironment).
                OnAssigned(t[..assign], a with { Text = t[(assign + 1)..] }, ctx);
                if (IsVariableName(t.AsSpan(0, assign)))
                {
                    CodeInEnvironment(t[..assign], new ShellArg(t[(assign + 1)..], a.Dynamic, false), ctx);
                    env = CommandEnvironment.With(env, t[..assign], a with { Text = t[(assign + 1)..] });
                    i++;
                    continue;
                }
                if (t.StartsWith("BASH_FUNC_", StringComparison.Ordinal)) { i++; continue; }
            }
            if (a.Dynamic) break;
            if (t is "-S" or "--split-string" && i + 1 < args.Count)
            {
                var split = args[i + 1].Text.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Select(ShellArg.Static).ToList();
                split.AddRange(args.Skip(i + 2));
                return split.Count == 0 ? StreamSource.None : UnwrapEnv([ShellArg.Static("env"), .. split], ctx);
            }
            if (t.StartsWith("-S", StringComparison.Ordinal) && t.Length > 2)
            {
                var split = t[2..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Select(ShellArg.Static).ToList();
                split.AddRange(args.Skip(i + 1));
                return UnwrapEnv([ShellArg.Static("env"), .. split], ctx);
            }
            if (t is "-C" or "--chdir" && i + 1 < args.Count)
            {
                vars = vars.Fork();
                vars.Set("PWD", ResolvePath(args[i + 1], ctx));
                i += 2;
                continue;
            }
            if (t is "-u" or "--unset") { i += 2; continue; }
            if (t == "--") { i++; break; }
            if (t.Length > 1 && t[0] == '-') { i++; continue; }
            int eq = t.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0) { i++; continue; }
            break;
        }
        if (i >= args.Count)
        {
            if (ctx.RemoteHost is not null)
            {
                var cred = NewDraft("env", null, OperationClass.CredentialRead, $"prints the environment of {ctx.RemoteHost}, which holds its secrets", ctx);
                cred.Tags.Add("secret");
                Emit(cred);
                return new StreamSource(StreamKind.Secret);
            }
            var dump = NewDraft("env", null, OperationClass.Read, "prints the environment", ctx);
            var printed = EnvironmentDump(dump);
            Emit(dump);
            return printed;
        }
        return Dispatch(args.GetRange(i, args.Count - i), ctx with { Vars = vars, Nesting = ctx.Nesting + 1, Env = env });
    }

    private static bool IsVariableName(ReadOnlySpan<char> name)
    {
        if (name.Length == 0 || !(char.IsAsciiLetter(name[0]) || name[0] == '_')) return false;
        foreach (var ch in name) if (!(char.IsAsciiLetterOrDigit(ch) || ch == '_')) return false;
        return true;
    }

    private StreamSource UnwrapXargs(WrapperSpec wrapper, string name, List<ShellArg> args, CallContext ctx)
    {
        int i = 1;
        string? replace = null;
        while (i < args.Count && args[i].Text.Length > 1 && args[i].Text[0] == '-' && !args[i].Dynamic)
        {
            var t = args[i].Text;
            if (t == "--") { i++; break; }
            if (t is "-I" or "-i" && i + 1 < args.Count) { replace = args[i + 1].Text; i += 2; continue; }
            if (t.StartsWith("-I", StringComparison.Ordinal) && t.Length > 2) { replace = t[2..]; i++; continue; }
            WrapperOutput(wrapper, name, args, i, ctx);
            i += wrapper.ValueOptions.Contains(t) ? 2 : 1;
        }
        var inner = i < args.Count ? args.GetRange(i, args.Count - i) : [ShellArg.Static("echo")];

        // Arguments that arrive on input: known when the input is literal text, unknown otherwise.
        List<ShellArg> inputs;
        if (name == "parallel" && inner.FindIndex(a => a.Text is ":::" or "::::") is var sep and >= 0)
        {
            inputs = inner.Skip(sep + 1).Where(a => a.Text is not (":::" or "::::")).ToList();
            inner = inner.GetRange(0, sep);
            if (inner.Count == 0) return StreamSource.None;
        }
        else if (ctx.Stdin is { Kind: StreamKind.CredentialNames, Text: { } names })
        {
            // `find ~/.aws -type f | xargs cat`: the arguments are the names of credential files.
            inputs = [new ShellArg(names, false, true)];
        }
        else if (ctx.Stdin.Kind == StreamKind.Literal && ctx.Stdin.Text is { } text)
        {
            inputs = text.Split([' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries).Take(64).Select(ShellArg.Static).ToList();
        }
        else
        {
            inputs = [new ShellArg(ShellArg.Unknown.ToString(), true, false)];
        }

        var callCtx = ctx with { ExtraTag = "input-arguments", Nesting = ctx.Nesting + 1, Stdin = StreamSource.None };
        if (replace is not null || name == "parallel" && inner.Exists(a => a.Text.Contains("{}", StringComparison.Ordinal)))
        {
            var marker = replace ?? "{}";
            foreach (var input in inputs.Count == 0 ? [ShellArg.Static("")] : inputs.Take(8))
            {
                var substituted = inner.Select(a => a.Text.Contains(marker, StringComparison.Ordinal)
                    ? new ShellArg(a.Text.Replace(marker, input.Text, StringComparison.Ordinal), a.Dynamic || input.Dynamic, a.Glob)
                    : a).ToList();
                Dispatch(substituted, callCtx);
            }
            return StreamSource.Unknown;
        }
        return Dispatch([.. inner, .. inputs], callCtx);
    }

    private StreamSource RunProgram(ProgramSpec spec, string program, List<ShellArg> args, CallContext ctx)
    {
        // A word computed from decoded or fetched text (`cat "$(echo … | base64 -d)"`, `rm -rf $(curl …)`): what it names
        // was kept from review on purpose or chosen elsewhere, so no row's reading of it can be trusted.
        for (var i = 1; i < args.Count; i++)
        {
            if (args[i].ProcessSource is StreamKind.Decoded or StreamKind.Network && args[i].Text.Contains(ShellArg.Unknown))
            {
                AddGap("hidden-argument", $"an argument of '{program}' is {(args[i].ProcessSource == StreamKind.Decoded ? "decoded" : "fetched from the network")} at run time", ctx.Text);
                break;
            }
        }
        var inv = Invocation.Parse(program, args.GetRange(1, args.Count - 1), spec);
        // A complete grammar that does not know an option cannot say what the option does: a gap, not a flag guessed at.
        if (inv.UnknownOption is { } unknown)
            AddGap("unknown-option", $"'{program}' has no option '{unknown}' that Interlock knows", ctx.Text);
        if (spec.Semantics is not null && ProgramSemantics.Apply(spec.Semantics, this, inv, null, ctx, 0) is { } early)
            return early;

        var first = inv.Positionals.Count > 0 && !inv.Positionals[0].Dynamic ? inv.Positionals[0].Text : null;
        foreach (var entry in spec.EntriesFor(first))
        {
            if (!MatchPath(entry.Segments, inv.Positionals, out int consumed)) continue;
            var row = entry.Row;
            if (row.AnyFlag is not null && !inv.HasAnyFlag(row.AnyFlag)) continue;
            if (row.NoFlag is not null && inv.HasAnyFlag(row.NoFlag)) continue;
            if (row.AnyArg is not null && !AnyPositionalMatches(inv, consumed, row.AnyArgGlobs)) continue;
            return RunRow(spec, row, program, inv, consumed, ctx);
        }

        var sub = inv.Positionals.Count > 0 ? inv.Positionals[0].Display : "";
        AddGap("unknown-subcommand", sub.Length == 0 ? $"'{program}' used in a way Interlock does not know" : $"'{program} {sub}' is not a subcommand Interlock knows", ctx.Text);
        var draft = NewDraft(program, sub, OperationClass.Exec, "runs a subcommand Interlock does not know", ctx);
        draft.Tags.Add("unknown-subcommand");
        Emit(draft);
        return StreamSource.Unknown;
    }

    private StreamSource RunRow(ProgramSpec spec, CommandRow row, string program, Invocation inv, int consumed, CallContext ctx)
    {
        var draft = NewDraft(program, consumed == 0 ? null : string.Join(' ', inv.Positionals.Take(consumed).Select(p => p.Text)), row.Class, row.Reason, ctx);
        // Read before the row's semantics, which may analyze a nested container command.
        var daemon = spec.Semantics == "container-daemon" ? _containerDaemon : null;
        draft.PathTargets = row.PathTargets;
        draft.ReadsContent = row.ReadsContent;
        draft.Shared |= row.Shared;
        draft.Irreversible = row.Irreversible;
        draft.MinTier = row.MinTier;
        foreach (var tag in row.TagList) draft.Tags.Add(tag);
        var outputAt = row.OutputOperand is { } n && consumed + n - 1 < inv.Positionals.Count ? consumed + n - 1 : -1;
        if (row.Targets)
        {
            for (int i = consumed; i < inv.Positionals.Count; i++)
                if (i != outputAt) draft.Targets.Add(row.PathTargets ? ResolvePath(inv.Positionals[i], ctx) : inv.Positionals[i].Display);
        }
        if (program is "kubectl" or "oc" or "helm" && inv.OptionValue("-n|--namespace") is { } ns)
            draft.Targets.Add("namespace/" + ns.Display);
        if (row.TargetOptions is not null)
        {
            foreach (var value in inv.OptionValues(row.TargetOptions))
                draft.Targets.Add(row.PathTargets ? ResolvePath(value, ctx) : value.Display);
        }
        if (spec.DetectEnvironment || draft.Shared)
        {
            var env = ctx.RemoteEnvironment;
            foreach (var a in inv.Args) env = EnvironmentNames.Max(env, EnvironmentNames.Detect(a.Text));
            draft.Environment = EnvironmentNames.Max(draft.Environment, env);
        }
        var output = StreamSource.Unknown;
        if (row.Semantics is not null)
            output = ProgramSemantics.Apply(row.Semantics, this, inv, draft, ctx, consumed) ?? StreamSource.Unknown;
        CodeOptionValues(program, inv, draft, ctx);
        if (program == "git") ApplyGitOutside(draft);
        if (daemon is not null) ApplyContainerDaemon(daemon, draft);
        if (draft.Class != OperationClass.Read && inv.HasAnyFlag("--dry-run|--dryrun|--dry-run=client|--dry-run=server|--dry-run=true") && !inv.HasAnyFlag("--dry-run=none|--dry-run=false"))
        {
            // A dry run previews the change and makes none.
            draft.Class = OperationClass.Read;
            draft.Reason = "previews, without doing it: " + draft.Reason;
            draft.MinTier = null;
            draft.Shared = false;
            draft.Irreversible = false;
            draft.Tags.Add("dry-run");
        }
        Emit(draft);
        EmitOutputWrites(row, program, inv, outputAt, ctx);
        return output;
    }

    /// <summary>The files a row's output options or output operand name: each a write, whatever the row's own class.</summary>
    private void EmitOutputWrites(CommandRow row, string program, Invocation inv, int outputAt, CallContext ctx)
    {
        var files = row.OutputOptions is null ? [] : inv.OptionValues(row.OutputOptions);
        if (outputAt >= 0) files.Add(inv.Positionals[outputAt]);
        foreach (var file in files)
        {
            // "-" is standard output, not a file.
            if (file.Text == "-" && !file.Dynamic) continue;
            var write = NewDraft(program, null, OperationClass.Update, "writes its output to a file", ctx);
            write.PathTargets = true;
            write.ReadsContent = false;
            // A compiler's output is built from the project's sources: running it runs project code, as `make` would.
            if (row.Class == OperationClass.Exec) write.Tags.Add("build-output");
            // split and csplit name a prefix: the pieces are PREFIX followed by a suffix (xaa, seg.01).
            var path = ResolvePath(file, ctx);
            write.Targets.Add(program is "split" or "csplit" ? path + ShellArg.Unknown : path);
            Emit(write);
        }
    }

    private static bool AnyPositionalMatches(Invocation inv, int from, string[] globs)
    {
        for (int i = from; i < inv.Positionals.Count; i++)
        {
            if (inv.Positionals[i].Dynamic) continue;
            foreach (var g in globs)
                if (Wildcard.Match(g, inv.Positionals[i].Text)) return true;
        }
        return false;
    }

    /// <summary>Matches subcommand segments (globs, <c>**</c> for any run) against leading positionals.</summary>
    private static bool MatchPath(string[] segments, List<ShellArg> positionals, out int consumed)
    {
        consumed = 0;
        return MatchFrom(segments, 0, positionals, 0, ref consumed);
    }

    private static bool MatchFrom(string[] segments, int s, List<ShellArg> positionals, int p, ref int consumed)
    {
        if (s == segments.Length) { consumed = p; return true; }
        if (segments[s] == "**")
        {
            for (int skip = 0; skip <= 4 && p + skip <= positionals.Count; skip++)
            {
                if (MatchFrom(segments, s + 1, positionals, p + skip, ref consumed)) return true;
            }
            return false;
        }
        if (p >= positionals.Count || positionals[p].Dynamic) return false;
        return Wildcard.Match(segments[s], positionals[p].Text) && MatchFrom(segments, s + 1, positionals, p + 1, ref consumed);
    }
}
