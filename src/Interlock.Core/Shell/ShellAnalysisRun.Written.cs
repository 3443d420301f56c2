using System.Collections.Frozen;
using Interlock.Actions;
using Interlock.Knowledge.Statements;

namespace Interlock.Shell;

// Files one command writes and then runs: what runs is not what was reviewed (the reviewer saw the writer, not a program).
internal sealed partial class ShellAnalysisRun
{
    /// <summary>Files this command wrote, copied, moved, linked or downloaded (normalized paths); null until the first.</summary>
    private HashSet<string>? _written;

    /// <summary>Symbolic links this command made: the link's path, and the path it points at.</summary>
    private Dictionary<string, string>? _links;

    /// <summary>The source of the <c>ln</c> being analyzed (its read comes before its create).</summary>
    private string? _linkSource;

    /// <summary><c>hash -p PATH NAME</c>: NAME runs PATH from then on.</summary>
    private Dictionary<string, string>? _hashed;

    private bool _writtenRunReported;

    /// <summary>Written files no runner executes: notes, logs and tables (a Makefile, package.json or conftest.py is code).</summary>
    private static readonly string[] DataExtensions = [".md", ".txt", ".log", ".csv", ".tsv", ".out", ".rst", ".diff", ".patch"];

    /// <summary>Directory names whose programs are installed tools rather than files named like them (node_modules/.bin/eslint).</summary>
    private static readonly FrozenSet<string> ToolDirectories =
        FrozenSet.ToFrozenSet(["bin", "sbin", ".bin", "libexec"], StringComparer.Ordinal);

    /// <summary>Programs a project keeps in its own tree and runs by path (<c>./gradlew</c>).</summary>
    private static readonly FrozenSet<string> ProjectWrappers =
        FrozenSet.ToFrozenSet(["gradlew", "mvnw", "manage.py", "sbt", "pants", "bazelisk", "rebar3", "waf"], StringComparer.Ordinal);

    /// <summary>Code files by the end of their name, with the language their text is read in.</summary>
    private static readonly (string Suffix, string Language)[] CodeFiles =
    [
        (".py", "python3"), (".sh", "sh"), (".bash", "sh"), (".zsh", "sh"), (".js", "node"), (".mjs", "node"), (".cjs", "node"),
        (".ts", "node"), (".rb", "ruby"), (".pl", "perl"), (".php", "php"), ("/Makefile", "make"), ("/makefile", "make"), ("/GNUmakefile", "make"),
    ];

    /// <summary>While code a command writes is judged: its own writes and runs have not happened, so they are not remembered.</summary>
    private bool _judgingWrittenCode;

    /// <summary>
    /// Code a command writes with its text in view (<c>printf '…os.system("rm -rf ~/notes")…' &gt;&gt; conftest.py</c>, a
    /// here-document into clean.sh) runs later: by a test runner, an editor, or the agent's next command, none of which
    /// shows it again. It is judged now, by what it would do: what would be refused if it ran asks a reviewer (the
    /// tier classifier caps its operations), and what would only need approval, or is not understood, is ordinary code.
    /// </summary>
    private void JudgeWrittenCode(List<ShellArg> outputFiles, string text, CallContext ctx)
    {
        if (_judgingWrittenCode) return;
        foreach (var target in outputFiles)
        {
            if (target.Dynamic) continue;
            var path = ResolvePath(target, ctx);
            string? language = null;
            foreach (var (suffix, name) in CodeFiles)
                if (path.EndsWith(suffix, StringComparison.Ordinal)) { language = name; break; }
            if (language is not null) JudgeCode(language, text, ctx);
        }
    }

    /// <summary>Analyzes code that runs later as if it ran, its operations tagged <c>written-code</c> (see <see cref="JudgeWrittenCode"/>).</summary>
    private void JudgeCode(string language, string text, CallContext ctx)
    {
        var later = ctx with { Nesting = ctx.Nesting + 1, ExtraTag = "written-code", Stdin = StreamSource.None, Vars = ctx.Vars.Fork() };
        _judgingWrittenCode = true;
        try
        {
            if (language == "sh") RunString(text, later);
            else if (language == "make") RunEmbedded("make", MakefileText.Scan(text), later, "written-code");
            else ScanCode(language, text, later, runsNow: false);
        }
        finally { _judgingWrittenCode = false; }
    }

    /// <summary>
    /// <c>npm pkg set scripts.x='CMD'</c> writes package.json, and CMD runs on <c>npm run x</c>: the manifest is a
    /// written project file, and each script's text is judged as code that runs later.
    /// </summary>
    internal StreamSource? PackageManifest(SemanticsCall c)
    {
        var op = c.Op;
        op.PathTargets = true;
        op.Targets.Add(ResolvePath(ShellArg.Static("package.json"), c.Ctx));
        foreach (var arg in c.Operands)
        {
            if (!arg.Text.StartsWith("scripts.", StringComparison.Ordinal)) continue;
            int eq = arg.Text.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && eq + 1 < arg.Text.Length) JudgeCode("sh", arg.Text[(eq + 1)..], c.Ctx);
        }
        return null;
    }

    /// <summary>Remembers what an operation wrote, and flags an exec that runs something this command wrote.</summary>
    private void NoteWritesAndRuns(OperationDraft draft)
    {
        if (_judgingWrittenCode) return;
        if (draft.Tags.Contains("remote")) return;
        if (draft.Tags.Contains("link-source"))
        {
            _linkSource = draft.Targets.Count == 1 ? draft.Targets[0] : null;
            return;
        }
        if (draft.Class is OperationClass.Create or OperationClass.Update && draft.PathTargets && !draft.Shared && !Risk.TierClassifier.StoresNoContent(draft.Program)
            && !draft.Tags.Contains("build-output"))
        {
            _written ??= new HashSet<string>(StringComparer.Ordinal);
            // A write whose files are not named (`git apply`, `patch`) lands somewhere under the current directory.
            if (draft.Targets.Count == 0) _written.Add(CurrentDirectory() + "/" + ShellArg.Unknown);
            foreach (var target in draft.Targets) _written.Add(target);
            if (draft.Program == "ln" && _linkSource is { } source && draft.Targets.Count == 1)
                (_links ??= new Dictionary<string, string>(StringComparer.Ordinal))[draft.Targets[0]] = source;
            _linkSource = null;
            return;
        }
        if (draft.Class == OperationClass.Update && (draft.Program == "patch" || draft.Program == "git" && draft.Verb is "apply" or "am"))
        {
            // A patch changes files it names only inside itself: somewhere under the current directory.
            (_written ??= new HashSet<string>(StringComparer.Ordinal)).Add(CurrentDirectory() + "/" + ShellArg.Unknown);
            return;
        }
        if (draft.Class == OperationClass.Exec && _written is not null && !_writtenRunReported) CheckWrittenRun(draft);
    }

    private string CurrentDirectory() => _current.Vars.TryGet("PWD", out var pwd) ? pwd! : ShellArg.Unknown.ToString();

    /// <summary>
    /// An exec after a write: its own file (a script, a directory run as a program) or, for runners of project code
    /// (make, npm, pytest, go, terraform…), any code file written under the workspace or the current directory.
    /// </summary>
    private void CheckWrittenRun(OperationDraft draft)
    {
        string? hit = null;
        if (draft.PathTargets)
            foreach (var target in draft.Targets)
                if (WrittenAt(target) is { } w) { hit = w; break; }
        hit ??= WrittenProjectFile();
        if (hit is null) return;
        draft.Tags.Add("written-then-run");
        ReportWrittenRun(draft.Program, hit, draft.Text);
    }

    private void ReportWrittenRun(string program, string file, string text)
    {
        if (_writtenRunReported) return;
        _writtenRunReported = true;
        AddGap("written-then-run", $"'{ShellArg.DisplayText(program)}' runs code from {ShellArg.DisplayText(file)}, which this same command wrote: what runs is not what was reviewed", text);
    }

    /// <summary>npm's install-time scripts: they run on the next install, by whoever installs, without being named.</summary>
    private static readonly string[] LifecycleScripts =
        ["preinstall", "postinstall", "scripts.install", "prepare", "prepublish", "prepack", "postpack"];

    /// <summary>
    /// A package.json this command wrote, from text that names an install-time script (<c>jq '.scripts.prepare=…'
    /// package.json &gt; p &amp;&amp; mv p package.json</c>): the new script runs later, unseen. Other edits of package.json stay ordinary.
    /// </summary>
    private void CheckLifecycleScripts(string command)
    {
        if (_written is null) return;
        bool manifest = false;
        foreach (var w in _written)
            if (w.EndsWith("/package.json", StringComparison.Ordinal)) { manifest = true; break; }
        if (!manifest) return;
        foreach (var name in LifecycleScripts)
        {
            if (!command.Contains(name, StringComparison.Ordinal)) continue;
            AddGap("deferred-code", $"package.json is written by a command naming the '{name}' script, which npm runs on the next install: what runs is not what was reviewed", command);
            return;
        }
    }

    /// <summary>The written file <paramref name="path"/> is, or holds (a directory run as a program), or null.</summary>
    private string? WrittenAt(string path)
    {
        if (_written is null) return null;
        if (_written.Contains(path)) return path;
        foreach (var w in _written) if (PathResolver.IsUnder(w, path)) return w;
        // A file inside a directory this command filled (git clone, busybox --install, tar -C): its content is new too.
        foreach (var w in _written) if (PathResolver.IsUnder(path, w)) return w;
        // A write with a part known only at run time (split's pieces, `> /tmp/$n.sh`) may be the file run.
        foreach (var w in _written)
            if (w.Contains(ShellArg.Unknown) && Knowledge.Wildcard.Match(w.Replace(ShellArg.Unknown, '*'), path)) return w;
        return null;
    }

    private static bool IsDataFile(string path)
    {
        // CMakeLists.txt looks like notes but is build code cmake runs.
        if (path.EndsWith("/CMakeLists.txt", StringComparison.OrdinalIgnoreCase) || path.Equals("CMakeLists.txt", StringComparison.OrdinalIgnoreCase)) return false;
        foreach (var ext in DataExtensions) if (path.EndsWith(ext, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }

    /// <summary>Programs that act on a link itself, not on what it points at (<c>rm link</c> removes the link).</summary>
    private static readonly FrozenSet<string> LinkOwnPrograms =
        FrozenSet.ToFrozenSet(["rm", "unlink", "mv", "ln", "ls", "stat", "readlink", "realpath", "mkdir", "rmdir", "find"], StringComparer.Ordinal);

    /// <summary>
    /// Writing or reading a link this command made writes or reads what it points at (<c>ln -s ~/.bashrc notes.txt;
    /// echo … >> notes.txt</c> appends to ~/.bashrc): such targets become the link's target.
    /// </summary>
    private void ThroughLinks(OperationDraft draft)
    {
        if (!draft.PathTargets || LinkOwnPrograms.Contains(draft.Program)) return;
        if (draft.Class is not (OperationClass.Update or OperationClass.Create) && !(draft.ReadsContent && draft.Class is OperationClass.Read or OperationClass.Exec or OperationClass.Egress)) return;
        for (int i = 0; i < draft.Targets.Count; i++)
            if (_links!.TryGetValue(draft.Targets[i], out var target)) draft.Targets[i] = target;
    }

    /// <summary>
    /// A path through a symbolic link this command made is a path in what it points at
    /// (<c>ln -s ~ build; rm -rf build/</c> deletes the home directory's contents).
    /// </summary>
    private string FollowLinks(string path, string text)
    {
        if (_links is null) return path;
        foreach (var (link, target) in _links)
        {
            if (path == link)
            {
                // `rm -rf build` removes the link; `build/` and `build/.` go through it.
                if (text.EndsWith('/') || text.EndsWith("/.", StringComparison.Ordinal)) return target;
                continue;
            }
            if (PathResolver.IsUnder(path, link)) return PathResolver.Normalize(target + path[link.Length..]);
        }
        return path;
    }

    /// <summary>
    /// Rewrites a program name that does not run what its name says: a name <c>hash -p</c> mapped, or a file
    /// this command wrote in a directory of PATH. Returns null when the name means the program itself.
    /// </summary>
    private string? ProgramPathFor(string name, CallContext ctx)
    {
        if (_hashed is not null && _hashed.TryGetValue(name, out var hashed)) return hashed;
        if (_written is null || !ctx.Vars.TryGet("PATH", out var path)) return null;
        foreach (var entry in path!.Split(':'))
        {
            if (entry.Contains(ShellArg.Unknown, StringComparison.Ordinal)) continue;
            var dir = ResolvePath(ShellArg.Static(entry.Length == 0 ? "." : entry), ctx);
            var candidate = dir == "/" ? "/" + name : dir + "/" + name;
            if (_written.Contains(candidate)) return candidate;
        }
        return null;
    }

    /// <summary>
    /// Whether a program given by path (<c>./ls</c>, <c>/tmp/x/cat</c>) is the known program its base name says:
    /// not when this command wrote or linked the file, and not when it sits outside any tool directory.
    /// </summary>
    private bool PathNamesKnownProgram(string name, string baseName, CallContext ctx)
    {
        var resolved = ResolvePath(ShellArg.Static(name), ctx);
        if (WrittenAt(resolved) is not null) return false;
        if (ProjectWrappers.Contains(baseName)) return true;
        var dir = resolved[..Math.Max(resolved.LastIndexOf('/'), 0)];
        var dirName = dir[(dir.LastIndexOf('/') + 1)..];
        return ToolDirectories.Contains(dirName);
    }

    /// <summary><c>hash -p PATH NAME</c> makes NAME run PATH.</summary>
    private void NoteHash(List<ShellArg> args, CallContext ctx)
    {
        for (int i = 1; i + 2 < args.Count; i++)
        {
            if (args[i].Text != "-p") continue;
            Rehash(args[i + 2].Text, args[i + 1], ctx);
            return;
        }
    }

    /// <summary>
    /// NAME now runs PROGRAM (<c>hash -p</c>, <c>BASH_CMDS[NAME]=</c>): uses here are followed, and since the binding
    /// outlives this command (later uses of NAME in the same shell run PROGRAM unseen), it is a gap too.
    /// </summary>
    private void Rehash(string name, ShellArg program, CallContext ctx)
    {
        (_hashed ??= new Dictionary<string, string>(StringComparer.Ordinal))[name] = program.Dynamic ? ShellArg.Unknown.ToString() : program.Text;
        AddGap("dynamic-command", $"{name} is rebound to run {program.Display} in this shell from now on", ctx.Text);
        var d = NewDraft(name, null, OperationClass.Exec, $"makes the command name {name} run {program.Display} from now on", ctx);
        d.PathTargets = true;
        d.Targets.Add(ResolvePath(program, ctx));
        d.Tags.Add("dynamic-command");
        Emit(d);
    }
}
