using Interlock.Actions;

namespace Interlock.Shell;

// Programs that look like readers of one file but write others: patch, archive extraction.
internal sealed partial class ShellAnalysisRun
{
    /// <summary>
    /// <c>patch [FILE [PATCH]]</c>: FILE is the file it changes; without it, the files the diff names, below <c>-d DIR</c> or
    /// the current directory. The patch itself (second operand, <c>-i</c>) is read.
    /// </summary>
    internal StreamSource? Patch(SemanticsCall c)
    {
        var op = c.Op;
        var dir = c.Inv.OptionValue("-d|--directory");
        var baseCtx = dir is { } d ? WithDirectory(c.Ctx, d) : c.Ctx;
        var operands = c.Inv.Positionals.Skip(c.Consumed).ToList();
        op.Targets.Clear();
        op.PathTargets = true;
        op.ReadsContent = false;
        var patches = c.Inv.OptionValues("-i|--input");
        if (operands.Count > 1) patches.Add(operands[1]);
        if (operands.Count > 0) op.Targets.Add(ResolvePath(operands[0], baseCtx));
        else if (c.Inv.OptionValue("-o|--output") is null)
        {
            op.Reason = "applies a patch to the files it names below " + (dir is null ? "the current directory" : "a directory");
            op.Targets.Add(ResolvePath(ShellArg.Static("."), baseCtx));
        }
        else op.Suppressed = true;
        foreach (var p in patches)
        {
            var read = NewDraft(op.Program, null, OperationClass.Read, "reads a patch", c.Ctx);
            read.PathTargets = true;
            read.ReadsContent = true;
            read.Targets.Add(ResolvePath(p, c.Ctx));
            Emit(read);
        }
        return null;
    }

    /// <summary><c>unzip ARCHIVE [MEMBERS] [-d DIR]</c>: reads the archive and writes below DIR or the current directory.</summary>
    internal StreamSource? Unzip(SemanticsCall c)
    {
        var op = c.Op;
        var operands = c.Inv.Positionals.Skip(c.Consumed).ToList();
        op.Targets.Clear();
        op.PathTargets = true;
        op.ReadsContent = false;
        if (operands.Count > 0)
        {
            var read = NewDraft(op.Program, null, OperationClass.Read, "reads an archive", c.Ctx);
            read.PathTargets = true;
            read.ReadsContent = true;
            read.Targets.Add(ResolvePath(operands[0], c.Ctx));
            Emit(read);
        }
        if (c.Inv.HasAnyFlag("-l|-v|-t|-Z|-z"))
        {
            op.Class = OperationClass.Read;
            op.Reason = "lists or tests an archive";
            return null;
        }
        if (c.Inv.HasAnyFlag("-p|-c"))
        {
            // Extracted to standard output: what it prints is the archive's content.
            op.Class = OperationClass.Read;
            op.Reason = "prints archive members";
            return StreamSource.Unknown;
        }
        var dir = c.Inv.OptionValue("-d|--exdir");
        op.Targets.Add(ResolvePath(dir ?? ShellArg.Static("."), c.Ctx));
        return null;
    }

    /// <summary>Only the first operand is a file (<c>csplit FILE PATTERN…</c>); the rest are patterns.</summary>
    internal static StreamSource? FirstOperand(SemanticsCall c)
    {
        if (c.Op.Targets.Count > 1) c.Op.Targets.RemoveRange(1, c.Op.Targets.Count - 1);
        return null;
    }

    /// <summary>
    /// Emacs Lisp from <c>--eval</c>, <c>-l</c>, <c>-f</c> or <c>--script</c> (or a <c>--batch</c> run) can read, write and
    /// run anything; Interlock does not read Lisp, so it is a gap, and paths named in it are still looked at.
    /// </summary>
    private void EditorLisp(SemanticsCall c)
    {
        var lisp = c.Inv.OptionValues("--eval|-eval|--execute|-f|--funcall|-funcall");
        var files = c.Inv.OptionValues("-l|--load|--script");
        if (lisp.Count == 0 && files.Count == 0 && !c.Inv.HasAnyFlag("--batch|-batch|--script|-x")) return;
        foreach (var code in lisp)
        {
            c.Op.Targets.Remove(ResolvePath(code, c.Ctx));
            ScanCode(c.Op.Program, code.Text, c.Ctx);
        }
        AddGap("opaque-code", $"{c.Op.Program} runs Lisp code Interlock does not read", c.Ctx.Text);
        var run = NewDraft(c.Op.Program, "lisp", OperationClass.Exec, "runs Emacs Lisp code", c.Ctx);
        run.PathTargets = true;
        foreach (var f in files) run.Targets.Add(ResolvePath(f, c.Ctx));
        Emit(run);
    }

    /// <summary>The context with the current directory moved to <paramref name="dir"/> (<c>patch -d</c>, <c>tar -C</c>).</summary>
    private CallContext WithDirectory(CallContext ctx, ShellArg dir)
    {
        var vars = ctx.Vars.Fork();
        vars.Set("PWD", ResolvePath(dir, ctx));
        return ctx with { Vars = vars };
    }
}
