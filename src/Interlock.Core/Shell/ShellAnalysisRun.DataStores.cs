using Interlock.Actions;
using Interlock.Risk;

namespace Interlock.Shell;

/// <summary>Options of SQL shells that run programs or files besides the statements: pagers, output pipes, init files.</summary>
internal sealed partial class ShellAnalysisRun
{
    /// <summary>
    /// <c>psql -o '|cmd'</c>, <c>mysql --pager=cmd</c>, <c>sqlite3 -init FILE</c>: a program the client starts on this
    /// machine, or a SQL file whose statements are not visible. Returns true when the session is fully described.
    /// </summary>
    private bool SqlClientOptions(SemanticsCall c)
    {
        var inv = c.Inv;
        var op = c.Op;
        // mysql's --pager=CMD pipes every result through CMD.
        foreach (var pager in inv.OptionValues("--pager"))
            RunString(pager.Text, c.Ctx with { Nesting = c.Ctx.Nesting + 1, Stdin = StreamSource.Unknown });
        foreach (var value in inv.OptionValues("-o|--output|-L|--log-file|--tee"))
        {
            var text = value.Text.TrimStart();
            if (text.StartsWith('|'))
            {
                // psql -o '|cmd': the query results are the program's input.
                RunString(text[1..], c.Ctx with { Nesting = c.Ctx.Nesting + 1, Stdin = StreamSource.Unknown });
                continue;
            }
            if (op.Program is "psql" or "mysql" or "mariadb")
            {
                var write = NewDraft(op.Program, null, OperationClass.Update, "writes query results to a file", c.Ctx);
                write.PathTargets = true;
                write.ReadsContent = false;
                write.Targets.Add(ResolvePath(value, c.Ctx));
                Emit(write);
            }
        }
        foreach (var file in inv.OptionValues("-init|--init-file"))
        {
            var init = NewDraft(op.Program, "init", OperationClass.Exec, "runs a SQL file whose statements are not visible here", c.Ctx);
            init.MinTier = Tier.WriteWithConfirmation;
            init.Targets.Add(ResolvePath(file, c.Ctx));
            init.PathTargets = true;
            Emit(init);
        }
        return false;
    }
}
