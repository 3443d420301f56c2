using Interlock.Actions;
using Interlock.Knowledge;

namespace Interlock.Shell;

// Dispatch: from an expanded command line to what really runs (functions, builtins, wrappers, programs, scripts).
internal sealed partial class ShellAnalysisRun
{
    /// <summary>Finds what a command (after expansion) really runs and analyzes it.</summary>
    internal StreamSource Dispatch(List<ShellArg> args, CallContext ctx)
    {
        var limit = _analyzer.Limits.MaxCommandDepth;
        // The stack check is the backstop: a caller on a small stack, or a recursion path no budget names yet.
        if (_depth >= limit || !System.Runtime.CompilerServices.RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            if (!_stopped) AddGap("budget", $"commands run commands deeper than the depth budget of {limit} or the stack allows (wrappers, xargs, find -exec, functions)", ctx.Text);
            _stopped = true;
            return StreamSource.Unknown;
        }
        _depth++;
        try
        {
            return DispatchCommand(args, ctx);
        }
        finally
        {
            _depth--;
        }
    }

    private StreamSource DispatchCommand(List<ShellArg> args, CallContext ctx)
    {
        _current = ctx;
        var first = args[0];
        if (first.Dynamic || first.Glob || first.Text.Length == 0)
        {
            AddGap("dynamic-command", $"the command name '{first.Display}' is only known at run time", ctx.Text);
            var draft = NewDraft(first.Display, null, OperationClass.Exec, "runs a command whose name is computed at run time", ctx);
            draft.Tags.Add("dynamic-command");
            Emit(draft);
            return StreamSource.Unknown;
        }

        var name = first.Text;
        // An npm package spec run through npx (`create-next-app@latest`) names the package's binary.
        int at = name.LastIndexOf('@');
        if (at > 0 && name.IndexOf('/', StringComparison.Ordinal) < 0 && _knowledge.Knows(name[..at])) name = name[..at];
        var program = name;
        if (first.Expanded && !_variableCommandReported)
        {
            // The name is known here, but it came from a variable: what runs depends on state the agent controls.
            _variableCommandReported = true;
            AddGap("variable-command", $"the command name '{name}' comes from a variable or substitution", ctx.Text);
        }
        if (!first.Expanded && _aliases is not null && TryExpandAlias(name, args, ctx, out var aliased)) return aliased;
        int slash = name.LastIndexOf('/');
        if (slash < 0 && !_functions.ContainsKey(name) && ProgramPathFor(name, ctx) is { } mapped)
        {
            // `hash -p /usr/bin/curl cat`, or `PATH=.:$PATH` after writing ./cat: the name runs that file.
            if (mapped.Contains(ShellArg.Unknown, StringComparison.Ordinal)) return RunScriptFile([new ShellArg(mapped, true, false), .. args.Skip(1)], ctx);
            name = mapped;
            args = [ShellArg.Static(mapped), .. args.Skip(1)];
            slash = name.LastIndexOf('/');
        }
        if (slash >= 0)
        {
            var baseName = name[(slash + 1)..];
            if (baseName.Length > 0 && _knowledge.Knows(baseName) && PathNamesKnownProgram(name, baseName, ctx)) program = baseName;
            else if (_links is not null && _links.TryGetValue(ResolvePath(ShellArg.Static(name), ctx), out var linked) && linked != name)
            {
                // A link this command made runs what it points at, under a name the reviewer was not shown.
                ReportWrittenRun(name, ResolvePath(ShellArg.Static(name), ctx), ctx.Text);
                return Dispatch([new ShellArg(linked, linked.Contains(ShellArg.Unknown, StringComparison.Ordinal), false), .. args.Skip(1)], ctx with { Nesting = ctx.Nesting + 1 });
            }
            else return RunScriptFile(args, ctx);
        }

        // `builtin cd` and `command ls` run the builtin or program, never a function of that name.
        bool bypass = _bypassFunctions;
        _bypassFunctions = false;
        FunctionDefinition? function = null;
        if (!bypass && _functions.TryGetValue(program, out function) && _activeFunctions.Contains(program))
        {
            var bomb = NewDraft(program, null, OperationClass.Exec, $"function '{program}' calls itself without bound (a fork bomb exhausts the machine)", ctx);
            bomb.MinTier = Risk.Tier.Never;
            bomb.Tags.Add("fork-bomb");
            Emit(bomb);
            return StreamSource.Unknown;
        }
        if (function is not null && _activeFunctions.Add(program))
        {
            try
            {
                var fnVars = ctx.Vars; // functions share the caller's variables; positional parameters stay unknown
                return RunCommand(function.Body, ctx with { Vars = fnVars, Nesting = ctx.Nesting + 1 });
            }
            finally
            {
                _activeFunctions.Remove(program);
            }
        }

        if (TryBuiltin(program, args, ctx, out var builtinOutput)) return builtinOutput;
        AnalyzeCodeSources(program, args, ctx);

        if (_knowledge.TryGetWrapper(program, out var wrapper))
        {
            _bypassFunctions = program is "builtin" or "command";
            return Unwrap(wrapper, program, args, ctx);
        }

        if (_knowledge.TryGetProgram(program, out var spec))
        {
            if (args.Count > 1 && IsHelpRequest(spec, args))
            {
                Emit(NewDraft(program, "--help", OperationClass.Read, "prints help or version", ctx));
                return StreamSource.Unknown;
            }
            return RunProgram(spec, program, args, ctx);
        }

        AddGap("unknown-program", $"'{program}' is not a program Interlock knows", ctx.Text);
        var unknown = NewDraft(program, null, OperationClass.Exec, "runs a program Interlock does not know", ctx);
        unknown.Tags.Add("unknown-program");
        Emit(unknown);
        return StreamSource.Unknown;
    }

    private static bool IsHelpRequest(ProgramSpec spec, List<ShellArg> args)
    {
        for (int i = 1; i < args.Count; i++)
        {
            if (args[i].Text is "--help" or "-help") return true;
        }
        // `--version` alone asks for the version; elsewhere it can be an option taking a value (cargo yank --version 1.0).
        // A program's own spellings (`git -v`, `ssh -h`) count only alone too: with other words they are verbose or a host.
        return args.Count == 2 && (args[1].Text is "--version" or "-version" or "-V" || Array.IndexOf(spec.HelpOptionList, args[1].Text) >= 0);
    }

    private StreamSource RunScriptFile(List<ShellArg> args, CallContext ctx)
    {
        var name = args[0].Text[(args[0].Text.LastIndexOf('/') + 1)..];
        EmitLocalScript(name, args[0], "runs a script or program by path", ctx);
        CredentialArguments(name, args, 1, ctx);
        return StreamSource.Unknown;
    }

    /// <summary>Running a file of code: an exec whose location decides its tier.</summary>
    private void EmitLocalScript(string program, ShellArg script, string reason, CallContext ctx)
    {
        var draft = NewDraft(program, null, OperationClass.Exec, reason, ctx);
        draft.Targets.Add(ResolvePath(script, ctx));
        draft.PathTargets = true;
        draft.Tags.Add("local-script");
        Emit(draft);
    }
}
