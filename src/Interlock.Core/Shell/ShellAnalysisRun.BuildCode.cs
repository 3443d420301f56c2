using Interlock.Actions;
using Interlock.Knowledge;
using Interlock.Knowledge.Statements;
using Interlock.Risk;

namespace Interlock.Shell;

// Build tools whose input is code: makefiles (from input, --eval, another directory), package scripts of a project
// elsewhere, and CMake's -E commands and -P scripts.
internal sealed partial class ShellAnalysisRun
{
    // ---- make ----------------------------------------------------------------------------------

    /// <summary>
    /// Options that choose the project whose code runs (<c>make -C DIR</c>, <c>npm --prefix DIR run X</c>): a project
    /// outside the workspace brings scripts and recipes nobody here has seen.
    /// </summary>
    private void ProjectOutsideWorkspace(SemanticsCall c, string options, string what)
    {
        foreach (var v in c.Inv.OptionValues(options))
        {
            if (v.Text is "-" or "/dev/stdin") continue;
            var loc = PathLocations.Classify(ResolvePath(v, c.Ctx), Workspace, Home);
            if (v.Dynamic || loc is not (Location.WorkspaceRoot or Location.WorkspaceContent or Location.WorkspaceRegenerable))
                EmitUnknownCode(c.Op.Program, null, $"runs {what} {v.Display}, outside the workspace", c.Ctx);
        }
    }

    /// <summary>Program level for npm, pnpm, yarn and bun: the project directory option picks whose package.json scripts run.</summary>
    internal StreamSource? PackageProject(SemanticsCall c)
    {
        ProjectOutsideWorkspace(c, "--prefix|--cwd|--dir|-C", "the package scripts of");
        return null;
    }

    /// <summary>make: a makefile read from input is analyzed; a SHELL that is not a shell runs every recipe through unknown code.</summary>
    private void MakeCode(SemanticsCall c)
    {
        var inv = c.Inv;
        foreach (var f in inv.OptionValues("-f|--file|--makefile"))
        {
            if (f.Text is not ("-" or "/dev/stdin")) continue;
            if (c.Ctx.Stdin is { Kind: StreamKind.Literal, Text: { } text }) RunEmbedded("make", MakefileText.Scan(text), c.Ctx, "make-command");
            else EmitUnknownCode("make", "-f", "reads its makefile from input, which is not visible here", c.Ctx);
        }
        // -C DIR and -f FILE choose the makefile whose recipes run: one outside the workspace is code of unknown origin.
        ProjectOutsideWorkspace(c, "-C|--directory|-f|--file|--makefile", "the makefile of");
        foreach (var p in inv.Positionals)
        {
            int eq = p.Text.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0) continue;
            var name = p.Text[..eq].TrimEnd(':', '?', '+', '!');
            var value = p.Text[(eq + 1)..];
            if (name is "SHELL" or "MAKESHELL" && (p.Dynamic || !MakefileText.IsShell(value)))
                EmitUnknownCode("make", name, $"runs every recipe with {p.Display[(eq + 1)..]}", c.Ctx);
            else if (name == ".SHELLFLAGS") EmitUnknownCode("make", name, "changes how recipes are started", c.Ctx);
        }
    }

    // ---- cmake -E ------------------------------------------------------------------------------

    private static readonly Dictionary<string, string[]> CmakeCommands = new(StringComparer.Ordinal)
    {
        ["rm"] = ["rm"], ["remove"] = ["rm"], ["remove_directory"] = ["rm", "-r"], ["copy"] = ["cp"], ["copy_if_different"] = ["cp"],
        ["copy_directory"] = ["cp", "-r"], ["copy_directory_if_different"] = ["cp", "-r"], ["rename"] = ["mv"], ["make_directory"] = ["mkdir", "-p"],
        ["touch"] = ["touch"], ["touch_nocreate"] = ["touch"], ["cat"] = ["cat"], ["echo"] = ["echo"], ["echo_append"] = ["echo"],
        ["create_symlink"] = ["ln", "-s"], ["create_hardlink"] = ["ln"], ["md5sum"] = ["md5sum"], ["sha1sum"] = ["sha1sum"],
        ["sha256sum"] = ["sha256sum"], ["sha512sum"] = ["sha512sum"], ["compare_files"] = ["cmp"], ["true"] = ["true"], ["false"] = ["false"],
        ["sleep"] = ["sleep"], ["tar"] = ["tar"], ["env"] = ["env"], ["time"] = [], ["capabilities"] = ["true"], ["environment"] = ["env"],
    };

    /// <summary><c>cmake -E CMD</c>: cmake's portable file commands are the coreutils they stand for; <c>chdir DIR CMD</c> runs a command.</summary>
    internal StreamSource? Cmake(SemanticsCall c)
    {
        // -P SCRIPT: a CMake script from input is read here; one outside the workspace is code nobody has seen.
        if (c.Inv.OptionValue("-P") is { } script)
        {
            if (script.Text is "-" or "/dev/stdin")
            {
                if (c.Ctx.Stdin is { Kind: StreamKind.Literal, Text: { } text }) RunEmbedded("cmake", CmakeScript.Scan(text), c.Ctx, "cmake-command");
                else EmitUnknownCode("cmake", "-P", "runs a CMake script from input, which is not visible here", c.Ctx);
            }
            else ProjectOutsideWorkspace(c, "-P", "the CMake script");
        }
        var args = c.Inv.Args;
        int e = -1;
        for (int i = 0; i < args.Count; i++) if (args[i].Text == "-E") { e = i; break; }
        if (e < 0 || e + 1 >= args.Count) return null;
        c.Op.Suppressed = true;
        var command = args[e + 1].Text;
        var rest = args.Skip(e + 2).ToList();
        var nested = c.Ctx with { Nesting = c.Ctx.Nesting + 1 };
        if (command == "chdir" && rest.Count > 1)
        {
            var vars = c.Ctx.Vars.Fork();
            vars.Set("PWD", ResolvePath(rest[0], c.Ctx));
            return Dispatch(rest.Skip(1).ToList(), nested with { Vars = vars });
        }
        if (!CmakeCommands.TryGetValue(command, out var replacement))
        {
            EmitUnknownCode("cmake", "-E " + command, $"cmake -E {command} is not a command Interlock knows", c.Ctx);
            return StreamSource.Unknown;
        }
        List<ShellArg> argv = [.. replacement.Select(ShellArg.Static), .. rest];
        return argv.Count == 0 ? StreamSource.None : Dispatch(argv, nested);
    }
}
