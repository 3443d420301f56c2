using Interlock.Knowledge;

namespace Interlock.Shell;

// Wrappers whose command is not simply the words after their options: GNU parallel's templates and input lines,
// hyperfine's command-valued options, watch -x.
internal sealed partial class ShellAnalysisRun
{
    /// <summary>hyperfine: every operand is a shell command, and so are the values of its setup, prepare and cleanup options.</summary>
    private StreamSource UnwrapEachArgument(WrapperSpec wrapper, List<ShellArg> args, CallContext ctx)
    {
        var nested = ctx with { Nesting = ctx.Nesting + 1 };
        var commandOptions = (wrapper.CommandStringOptions ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        for (int i = 1; i < args.Count; i++)
        {
            var a = args[i];
            var t = a.Text;
            if (t.Length > 1 && t[0] == '-' && !a.Dynamic)
            {
                WrapperOutput(wrapper, args[0].Text, args, i, ctx);
                int eq = t.IndexOf('=', StringComparison.Ordinal);
                var name = eq > 0 ? t[..eq] : t;
                if (Array.IndexOf(commandOptions, name) >= 0)
                {
                    var value = eq > 0 ? t[(eq + 1)..] : i + 1 < args.Count ? args[++i].Text : null;
                    if (value is not null) RunString(value, nested);
                    continue;
                }
                if (eq < 0) i += wrapper.ValueOptions.Contains(t) ? 1 : 0;
                // -L NAME VALUES and -P NAME MIN MAX take more than one word.
                if (eq < 0 && t is "-L" or "--parameter-list") i++;
                if (eq < 0 && t is "-P" or "--parameter-scan") i += 2;
                continue;
            }
            RunString(t, nested);
        }
        return StreamSource.Unknown;
    }

    /// <summary>Whether <paramref name="arg"/> is one of the space-separated <paramref name="flags"/>, alone or inside a short cluster.</summary>
    private static bool IsFlagPresent(string flags, string arg)
    {
        foreach (var flag in flags.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (arg == flag) return true;
            if (flag.Length == 2 && arg.Length > 2 && arg[0] == '-' && arg[1] != '-' && arg.AsSpan(1).Contains(flag[1])) return true;
        }
        return false;
    }

    // ---- parallel ------------------------------------------------------------------------------

    /// <summary>
    /// GNU parallel: the command template runs through a shell once per input; without a template each input line is
    /// itself a command line.
    /// </summary>
    private StreamSource UnwrapParallel(WrapperSpec wrapper, List<ShellArg> args, CallContext ctx)
    {
        int i = 1;
        bool argFile = false;
        while (i < args.Count && args[i].Text.Length > 1 && args[i].Text[0] == '-' && !args[i].Dynamic)
        {
            var t = args[i].Text;
            if (t == "--") { i++; break; }
            if (t is "-a" or "--arg-file" || t.StartsWith("--arg-file=", StringComparison.Ordinal)) argFile = true;
            i += wrapper.ValueOptions.Contains(t) || t is "-a" or "--arg-file" ? 2 : 1;
        }
        var rest = args.Skip(i).ToList();
        int sep = rest.FindIndex(a => a.Text is ":::" or "::::" or ":::+" or "::::+");
        var template = sep >= 0 ? rest.Take(sep).ToList() : rest;
        List<string>? inputs = null;
        if (sep >= 0)
        {
            if (!rest.Skip(sep).Any(a => a.Text.StartsWith("::::", StringComparison.Ordinal)))
                inputs = rest.Skip(sep + 1).Where(a => !a.Text.StartsWith(":::", StringComparison.Ordinal)).Select(a => a.Text).ToList();
        }
        else if (!argFile && ctx.Stdin is { Kind: StreamKind.Literal, Text: { } text })
        {
            inputs = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Take(16).ToList();
        }
        var nested = ctx with { ExtraTag = "input-arguments", Nesting = ctx.Nesting + 1, Stdin = StreamSource.None };
        if (template.Count == 0)
        {
            if (inputs is null) EmitUnknownCode("parallel", null, "runs command lines from its input, which is not visible here", ctx);
            else foreach (var line in inputs) RunString(line, nested);
            return StreamSource.Unknown;
        }
        var command = string.Join(' ', template.Select(a => a.Text));
        bool placeholder = command.Contains('{', StringComparison.Ordinal);
        foreach (var input in inputs?.Take(8) ?? [ShellArg.Unknown.ToString()])
        {
            var line = placeholder ? ReplaceParallelPlaceholders(command, input) : command + " " + input;
            RunString(line, nested);
        }
        return StreamSource.Unknown;
    }

    private static string ReplaceParallelPlaceholders(string command, string input)
    {
        foreach (var p in (string[])["{}", "{.}", "{/}", "{//}", "{/.}", "{1}", "{2}", "{3}"])
            command = command.Replace(p, input, StringComparison.Ordinal);
        return command;
    }
}
