using Interlock.Actions;
using Interlock.Knowledge;

namespace Interlock.Shell;

// Builtins that change the analysis's own state (directory, variables, aliases) rather than anything outside.
internal sealed partial class ShellAnalysisRun
{
    private bool TryBuiltin(string program, List<ShellArg> args, CallContext ctx, out StreamSource output)
    {
        output = StreamSource.None;
        AnalyzeDeferredBuiltin(program, args, ctx);
        switch (program)
        {
            case "cd" or "pushd" or "chdir":
            {
                var target = args.Count > 1 ? args[1] : ShellArg.Static(ctx.Vars.Home);
                // The directory left behind is OLDPWD (`~-`, `cd -`): known only when PWD was.
                ctx.Vars.Set("OLDPWD", ctx.Vars.TryGet("PWD", out var left) ? left : null);
                if (target.Text == "-" || target.Dynamic || ViaCdPath(target.Text, ctx)) ctx.Vars.Set("PWD", null);
                else ctx.Vars.Set("PWD", ResolvePath(target, ctx));
                return true;
            }
            case "popd":
                ctx.Vars.Set("OLDPWD", ctx.Vars.TryGet("PWD", out var was) ? was : null);
                ctx.Vars.Set("PWD", null);
                return true;
            case "export" or "declare" or "typeset" or "local" or "readonly":
            {
                bool any = false;
                for (int i = 1; i < args.Count; i++)
                {
                    var t = args[i].Text;
                    int eq = t.IndexOf('=', StringComparison.Ordinal);
                    if (eq > 0 && !t.StartsWith('-'))
                    {
                        // Before the value is set: a search path is judged by what the assignment adds to it.
                        CodeInEnvironment(t[..eq], new ShellArg(t[(eq + 1)..], args[i].Dynamic, false), ctx);
                        ctx.Vars.Set(t[..eq], args[i].Dynamic ? null : t[(eq + 1)..]);
                        any = true;
                    }
                }
                if (!any)
                {
                    // With no names (`declare -px`, `export -p`, `typeset -x`) it prints variables, the environment
                    // among them; `declare -p NAME` prints that one.
                    var names = args.Skip(1).Where(a => !a.Text.StartsWith('-')).Select(a => a.Text).ToList();
                    if (names.Count == 0 && program != "local")
                    {
                        var dump = NewDraft(program, null, OperationClass.Read, "prints the environment", ctx);
                        output = EnvironmentDump(dump);
                        Emit(dump);
                    }
                    else if (names.Exists(CredentialPaths.IsSecretName))
                    {
                        var secret = NewDraft(program, null, OperationClass.CredentialRead, "prints a secret-named variable", ctx);
                        secret.Tags.Add("secret");
                        Emit(secret);
                        output = new StreamSource(StreamKind.Secret);
                    }
                }
                return true;
            }
            case "unset":
                for (int i = 1; i < args.Count; i++) if (!args[i].Text.StartsWith('-')) ctx.Vars.Set(args[i].Text, "");
                return true;
            case "read" or "mapfile" or "readarray" or "getopts":
            {
                var names = new List<string>();
                for (int i = 1; i < args.Count; i++)
                {
                    var t = args[i].Text;
                    if (t is "-p" or "-d" or "-n" or "-N" or "-t" or "-u" or "-a" or "-i" or "-C" or "-c" or "-O" or "-s") { i++; continue; }
                    if (!t.StartsWith('-')) names.Add(t);
                }
                // `read -r x <<< 'a[$(cmd)]'`: one variable from known text is that text's first line, so a later
                // arithmetic use of it is analyzed as the code it can be.
                bool known = program == "read" && names.Count == 1 && ctx.Stdin is { Kind: StreamKind.Literal, Text: { } input } && !input.Contains(ShellArg.Unknown);
                foreach (var name in names)
                {
                    if (known) OnAssigned(name, ShellArg.Static(FirstLine(ctx.Stdin.Text!)), ctx);
                    ctx.Vars.Set(name, known ? FirstLine(ctx.Stdin.Text!) : null);
                }
                return true;
            }
            case "set" when args.Count == 1:
            {
                var dump = NewDraft("set", null, OperationClass.Read, "prints the environment", ctx);
                output = EnvironmentDump(dump);
                Emit(dump);
            }
                return true;
            case "alias" when args.Count > 1:
                // An alias's text runs when its name is used: analyzed now, as the code it is.
                AnalyzeAliases(args, ctx);
                return true;
            case "hash":
                NoteHash(args, ctx);
                return false;
            default:
                return false;
        }
    }

    private static string FirstLine(string text)
    {
        int nl = text.IndexOf('\n', StringComparison.Ordinal);
        return (nl < 0 ? text : text[..nl]).Trim(' ', '\t');
    }
}
