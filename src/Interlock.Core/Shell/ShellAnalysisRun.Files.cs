using Interlock.Actions;
using Interlock.Knowledge;
using Interlock.Risk;

namespace Interlock.Shell;

// Semantics handlers named by command-knowledge rows (see ProgramSemantics): files. The other families are in their own
// partial files (Readers, Scripts, Containers, DataStores, Network, Infrastructure, GitSemantics…).
internal sealed partial class ShellAnalysisRun
{

    // ---- files -------------------------------------------------------------------------

    internal StreamSource? Rm(SemanticsCall c)
    {
        if (c.Inv.HasAnyFlag("-r|-R|--recursive")) c.Op.Tags.Add("recursive");
        if (c.Inv.HasAnyFlag("-f|--force")) c.Op.Tags.Add("force");
        if (c.Op.Targets.Count == 0) c.Op.Suppressed = true;
        return null;
    }

    internal StreamSource? Dd(SemanticsCall c)
    {
        var op = c.Op;
        op.Suppressed = true;
        foreach (var a in c.Inv.Positionals)
        {
            if (a.Text.StartsWith("of=", StringComparison.Ordinal))
            {
                var path = ResolvePath(a with { Text = a.Text[3..] }, c.Ctx);
                var w = NewDraft("dd", "of", OperationClass.Update, "writes raw blocks over a file", c.Ctx);
                w.PathTargets = true;
                w.Targets.Add(path);
                if (PathLocations.Classify(path, Workspace, Home) == Location.Device)
                {
                    w.Class = OperationClass.Destroy;
                    w.Reason = "overwrites a disk device";
                    w.Irreversible = true;
                    w.Tags.Add("device");
                }
                Emit(w);
            }
            else if (a.Text.StartsWith("if=", StringComparison.Ordinal))
            {
                var r = NewDraft("dd", "if", OperationClass.Read, "reads raw blocks", c.Ctx);
                r.PathTargets = true;
                r.ReadsContent = true;
                r.Targets.Add(ResolvePath(a with { Text = a.Text[3..] }, c.Ctx));
                Emit(r);
            }
        }
        return StreamSource.Unknown;
    }

    internal StreamSource? Move(SemanticsCall c)
    {
        var op = c.Op;
        if (c.Inv.HasAnyFlag("-r|-R|--recursive")) op.Tags.Add("recursive");
        var dest = c.Inv.OptionValue("-t|--target-directory");
        var last = dest is { } d ? ResolvePath(d, c.Ctx) : op.Targets.Count > 1 ? op.Targets[^1] : null;
        // Which targets leave their place: all of them with -t, all but the last (the destination) otherwise.
        op.Tags.Add(dest is null && op.Targets.Count > 1 ? "move-to-last" : "move");
        if (last is "/dev/null")
        {
            // Moving into /dev/null deletes the sources.
            op.Class = OperationClass.Delete;
            op.Reason = "moves files into /dev/null, deleting them";
            op.Tags.Add("recursive");
            op.Targets.RemoveAt(op.Targets.Count - 1);
        }
        return null;
    }

    /// <summary>Copies (and, with <paramref name="link"/>, links): sources are read, the destination is created.</summary>
    internal StreamSource? Copy(SemanticsCall c, bool link = false)
    {
        var op = c.Op;
        bool recursive = c.Inv.HasAnyFlag("-r|-R|-a|--recursive|--archive");
        var destOption = c.Inv.OptionValue("-t|--target-directory");
        if (op.Targets.Count == 0) return null;
        var sources = destOption is null ? op.Targets.Take(op.Targets.Count - 1).ToList() : [.. op.Targets];
        var dest = destOption is { } d ? ResolvePath(d, c.Ctx) : op.Targets[^1];
        // Sources are read: copying a credential file is a credential read.
        if (sources.Count > 0)
        {
            var read = NewDraft(op.Program, op.Verb, OperationClass.Read, link ? "links to files" : "reads files to copy them", c.Ctx);
            read.PathTargets = true;
            read.ReadsContent = true;
            // A link aliases its source: whatever is later written through the link lands in the source.
            if (link) read.Tags.Add("link-source");
            if (recursive) read.Tags.Add("recursive");
            read.Targets.AddRange(sources);
            Emit(read);
        }
        op.Targets.Clear();
        op.Targets.Add(dest);
        op.ReadsContent = false;
        return null;
    }

    internal StreamSource? Chmod(SemanticsCall c)
    {
        var op = c.Op;
        if (c.Inv.HasAnyFlag("-R|--recursive")) op.Tags.Add("recursive");
        if (op.Targets.Count == 0) return null;
        bool hasReference = c.Inv.OptionValue("--reference") is not null;
        if (!hasReference && c.Inv.Positionals.Count > 0 && op.Program is "chmod" or "chown" or "chgrp")
        {
            var mode = c.Inv.Positionals[0].Text;
            op.Targets.RemoveAt(0);
            if (op.Program == "chmod")
            {
                bool setuid = mode.Length == 4 && mode[0] is '2' or '4' or '6' or '7' && mode.All(char.IsAsciiDigit)
                    || (mode.Contains('s', StringComparison.Ordinal) && (mode.Contains('+', StringComparison.Ordinal) || mode.Contains('=', StringComparison.Ordinal)));
                if (setuid)
                {
                    op.Class = OperationClass.Privilege;
                    op.Reason = "makes a program run as its owner (setuid/setgid)";
                    op.Tags.Add("setuid");
                }
                if (mode.EndsWith("777", StringComparison.Ordinal) || mode is "a+rwx" or "o+w" or "a+w") op.Tags.Add("world-writable");
            }
        }
        return null;
    }

    internal StreamSource? Sed(SemanticsCall c)
    {
        var op = c.Op;
        SedScripts(c);
        bool scriptInOption = c.Inv.OptionValue("-e|--expression|-f|--file") is not null;
        var files = c.Inv.Positionals.Skip(scriptInOption ? 0 : 1).ToList();
        bool inPlace = c.Inv.Options.Exists(o => o.Name.StartsWith("-i", StringComparison.Ordinal) || o.Name.StartsWith("--in-place", StringComparison.Ordinal)
            || (o.Name.Length > 2 && o.Name[0] == '-' && o.Name[1] != '-' && o.Name.Contains('i', StringComparison.Ordinal)));
        op.PathTargets = true;
        foreach (var f in files) op.Targets.Add(ResolvePath(f, c.Ctx));
        if (inPlace)
        {
            op.Class = OperationClass.Update;
            op.Reason = "edits files in place";
            op.ReadsContent = false;
        }
        else
        {
            op.ReadsContent = true;
            op.Reason = "filters text";
        }
        return PassThrough(c, files.Count == 0);
    }

    private static readonly HashSet<string> Compressors = new(StringComparer.Ordinal)
    {
        "gzip", "pigz", "bzip2", "pbzip2", "lbzip2", "xz", "pixz", "zstd", "pzstd", "lz4", "lzip", "plzip", "lzop", "lzma",
        "brotli", "compress", "gunzip", "unxz", "unzstd", "bunzip2",
    };

    /// <summary>A compress program tar may run: a known compressor by name (or in a system directory) with options only.</summary>
    private static bool IsCompressor(string command)
    {
        var words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0) return false;
        var program = words[0];
        int slash = program.LastIndexOf('/');
        if (slash >= 0 && program[..slash] is not ("/bin" or "/usr/bin" or "/usr/local/bin" or "/opt/homebrew/bin")) return false;
        if (!Compressors.Contains(program[(slash + 1)..])) return false;
        for (int i = 1; i < words.Length; i++)
            if (words[i][0] != '-') return false;
        return true;
    }

    internal StreamSource? Tar(SemanticsCall c)
    {
        var op = c.Op;
        var inv = c.Inv;
        // --checkpoint-action=exec=CMD, --to-command=CMD, --use-compress-program=CMD, --rsh-command=CMD run commands.
        foreach (var (name, value) in inv.Options)
        {
            if (value is not { } v) continue;
            var command = name switch
            {
                "--checkpoint-action" when v.Text.StartsWith("exec=", StringComparison.Ordinal) => v.Text[5..],
                "--to-command" or "--use-compress-program" or "-I" or "--rsh-command" or "--info-script" or "--new-volume-script" or "-F" => v.Text,
                _ => null,
            };
            if (command is null) continue;
            // A compressor is a filter of the archive's bytes; any other program named there is code tar runs.
            if (name is "--use-compress-program" or "-I" && !IsCompressor(command))
                EmitUnknownCode("tar", name, $"runs {ShellArg.DisplayText(command)} as its compressor", c.Ctx);
            // What tar hands the command on input is archive content: code of unknown origin if the command runs it.
            RunString(command, c.Ctx with { Nesting = c.Ctx.Nesting + 1, ExtraTag = "tar-command", Stdin = StreamSource.Unknown });
        }
        // Mode from the first bundled word (`tar czf x.tgz dir`) or from flags.
        var first = inv.Args.Count > 0 ? inv.Args[0].Text : "";
        bool bundled = first.Length > 0 && first[0] != '-';
        string letters = bundled ? first : string.Concat(inv.Options.Where(o => o.Name.Length > 1 && o.Name[1] != '-').Select(o => o.Name[1..]));
        bool create = letters.Contains('c', StringComparison.Ordinal) || inv.HasAnyFlag("--create|--append|-r|--update|-u") || letters.Contains('r', StringComparison.Ordinal);
        bool extract = letters.Contains('x', StringComparison.Ordinal) || inv.HasAnyFlag("--extract|--get");
        var operands = inv.Positionals.Skip(bundled ? 1 : 0).ToList();
        var archive = inv.OptionValue("-f|--file");
        if (archive is null && bundled && letters.Contains('f', StringComparison.Ordinal) && operands.Count > 0)
        {
            archive = operands[0];
            operands.RemoveAt(0);
        }
        op.PathTargets = true;
        if (create)
        {
            op.Class = OperationClass.Create;
            op.Reason = "creates an archive";
            if (archive is { } a && a.Text != "-") op.Targets.Add(ResolvePath(a, c.Ctx));
            var read = NewDraft("tar", "c", OperationClass.Read, "reads files into an archive", c.Ctx);
            read.PathTargets = true;
            read.ReadsContent = true;
            read.Tags.Add("recursive");
            // -C DIR: the operands after it are names inside DIR (`tar czf x.tgz -C ~ .ssh`).
            var operandCtx = inv.OptionValue("-C|--directory") is { } cd ? WithDirectory(c.Ctx, cd) : c.Ctx;
            foreach (var s in operands) read.Targets.Add(ResolvePath(s, operandCtx));
            Emit(read);
            if (inv.HasAnyFlag("--remove-files"))
            {
                var del = NewDraft("tar", "--remove-files", OperationClass.Delete, "deletes files after archiving them", c.Ctx);
                del.PathTargets = true;
                del.Tags.Add("recursive");
                del.Targets.AddRange(read.Targets);
                Emit(del);
            }
            return archive is null || archive.Value.Text == "-" ? new StreamSource(read.Targets.Any(t => CredentialIn(t, true) is not null) ? StreamKind.Secret : StreamKind.Unknown) : StreamSource.None;
        }
        if (extract)
        {
            op.Class = OperationClass.Create;
            op.Reason = "extracts an archive";
            var dir = inv.OptionValue("-C|--directory");
            if (inv.HasAnyFlag("-P|--absolute-names") || (bundled && letters.Contains('P', StringComparison.Ordinal)))
            {
                // Members keep their absolute paths (/home/x/.bashrc): the archive decides where it writes.
                op.Reason = "extracts an archive's members at the absolute paths they name";
                op.ReadsContent = false;
                op.Targets.Add("/");
                return null;
            }
            op.Targets.Add(dir is { } d ? ResolvePath(d, c.Ctx) : ResolvePath(ShellArg.Static("."), c.Ctx));
            return null;
        }
        op.Reason = "lists an archive";
        op.ReadsContent = false;
        return null;
    }

    internal StreamSource? Archive(SemanticsCall c)
    {
        var op = c.Op;
        bool sevenZip = op.Program is "7z" or "7za" or "7zr";
        if (sevenZip && op.Verb is "x" or "e")
        {
            // Extraction lands in -oDIR (attached), else the current directory.
            var into = c.Inv.Args.FirstOrDefault(a => a.Text.StartsWith("-o", StringComparison.Ordinal) && a.Text.Length > 2);
            op.PathTargets = true;
            op.Targets.Add(ResolvePath(into.Text is null ? ShellArg.Static(".") : into with { Text = into.Text[2..] }, c.Ctx));
            return null;
        }
        if (op.Targets.Count == 0) return null;
        var read = NewDraft(op.Program, null, OperationClass.Read, "reads files into an archive", c.Ctx);
        read.PathTargets = true;
        read.ReadsContent = true;
        bool recursive = c.Inv.HasAnyFlag("-r|--recurse-paths") || sevenZip;
        if (recursive) read.Tags.Add("recursive");
        var sources = op.Targets.Skip(1).ToList();
        read.Targets.AddRange(sources);
        Emit(read);
        op.Targets.RemoveRange(1, op.Targets.Count - 1);
        op.ReadsContent = false;
        // zip -m and 7z -sdel delete the files once they are in the archive.
        if (sevenZip ? c.Inv.Args.Any(a => a.Text == "-sdel") : c.Inv.HasAnyFlag("-m|--move"))
        {
            var delete = NewDraft(op.Program, null, OperationClass.Delete, "deletes the files it archived", c.Ctx);
            delete.PathTargets = true;
            delete.Irreversible = true;
            if (recursive) delete.Tags.Add("recursive");
            delete.Targets.AddRange(sources);
            Emit(delete);
        }
        return null;
    }

    internal StreamSource? Find(SemanticsCall c)
    {
        var op = c.Op;
        var args = c.Inv.Args;
        int i = 0;
        var roots = new List<string>();
        // Leading -H/-L/-P, then the roots, then the expression.
        while (i < args.Count && args[i].Text is "-H" or "-L" or "-P" or "-O0" or "-O1" or "-O2" or "-O3" or "-D") i += args[i].Text == "-D" ? 2 : 1;
        while (i < args.Count && !(args[i].Text.Length > 0 && args[i].Text[0] is '-' or '(' or '!' or ')') ) roots.Add(ResolvePath(args[i++], c.Ctx));
        if (roots.Count == 0) roots.Add(ResolvePath(ShellArg.Static("."), c.Ctx));
        op.PathTargets = true;
        op.ReadsContent = false;
        op.Targets.AddRange(roots);
        op.Reason = "searches for files";

        // What the search matches: below each root, narrowed by a name filter when there is one.
        string? name = null;
        for (int k = i; k < args.Count - 1; k++)
        {
            if (args[k].Text is "-name" or "-iname" && !args[k + 1].Dynamic) { name = args[k + 1].Text; break; }
            if (args[k].Text is "-path" or "-ipath" or "-regex" or "-iregex" or "-wholename") { name = "*"; break; }
        }
        var scope = roots.Select(r => new ShellArg(r.TrimEnd('/') + "/**" + (name is null ? "" : "/" + name), false, true)).ToList();
        for (; i < args.Count; i++)
        {
            var t = args[i].Text;
            if (t == "-delete")
            {
                var del = NewDraft("find", "-delete", OperationClass.Delete, name is null ? "deletes everything below the search roots" : "deletes the files the search finds", c.Ctx);
                del.PathTargets = true;
                del.Targets.AddRange(scope.Select(s => s.Text));
                Emit(del);
            }
            else if (t is "-exec" or "-execdir" or "-ok" or "-okdir")
            {
                int end = i + 1;
                while (end < args.Count && args[end].Text is not (";" or "+")) end++;
                var inner = new List<ShellArg>();
                for (int k = i + 1; k < end; k++)
                {
                    var a = args[k];
                    if (a.Text == "{}") inner.AddRange(scope);
                    else if (a.Text.Contains("{}", StringComparison.Ordinal))
                        inner.Add(new ShellArg(a.Text.Replace("{}", scope[0].Text, StringComparison.Ordinal), a.Dynamic, true));
                    else inner.Add(a);
                }
                if (inner.Count > 0) Dispatch(inner, c.Ctx with { ExtraTag = "find-exec", Nesting = c.Ctx.Nesting + 1, Stdin = StreamSource.None });
                i = end;
            }
            else if (t is "-fprint" or "-fprint0" or "-fprintf" or "-fls" && i + 1 < args.Count)
            {
                var w = NewDraft("find", t, OperationClass.Update, "writes search results to a file", c.Ctx);
                w.PathTargets = true;
                w.Targets.Add(ResolvePath(args[i + 1], c.Ctx));
                Emit(w);
            }
        }
        return ListedCredentials(scope.Select(s => (s.Text, s.Text)));
    }

    internal StreamSource? Rsync(SemanticsCall c)
    {
        var op = c.Op;
        var operands = c.Inv.Positionals;
        if (operands.Count < 2) return null;
        bool IsRemote(ShellArg a) => !a.Text.StartsWith('/') && !a.Text.StartsWith('.') && (a.Text.Contains("::", StringComparison.Ordinal) || a.Text.StartsWith("rsync://", StringComparison.Ordinal) || RemoteSpec(a.Text));
        var dest = operands[^1];
        var sources = operands.Take(operands.Count - 1).ToList();
        op.Targets.Clear();
        if (c.Inv.HasAnyFlag("-r|-a|--recursive|--archive")) op.Tags.Add("recursive");
        if (IsRemote(dest))
        {
            op.Class = OperationClass.Egress;
            op.Reason = "uploads files to another machine";
            op.Shared = true;
            op.PathTargets = false;
            op.Targets.Add(dest.Text);
            op.Environment = EnvironmentNames.Detect(dest.Text);
            var read = NewDraft("rsync", null, OperationClass.Read, "reads files to upload them", c.Ctx);
            read.PathTargets = true;
            read.ReadsContent = true;
            read.Tags.UnionWith(op.Tags);
            foreach (var s in sources) if (!IsRemote(s)) read.Targets.Add(ResolvePath(s, c.Ctx));
            Emit(read);
        }
        else
        {
            op.Targets.Add(ResolvePath(dest, c.Ctx));
            var read = NewDraft("rsync", null, OperationClass.Read, "reads files to copy them", c.Ctx);
            read.PathTargets = true;
            read.ReadsContent = true;
            read.Tags.UnionWith(op.Tags);
            foreach (var s in sources) if (!IsRemote(s)) read.Targets.Add(ResolvePath(s, c.Ctx));
            if (read.Targets.Count > 0) Emit(read);
        }
        // A dry run (-n) lists what would change and changes nothing: a read of both sides (a remote one through the
        // same connection a real run would open; -e/--rsh/--rsync-path and --log-file are judged on their own).
        if (c.Inv.HasAnyFlag("-n|--dry-run"))
        {
            op.Class = OperationClass.Read;
            op.Reason = "previews a synchronization (dry run), changing nothing";
            op.Shared = false;
            op.ReadsContent = false;
            return null;
        }
        if (c.Inv.Options.Exists(o => o.Name.StartsWith("--del", StringComparison.Ordinal)))
        {
            // A mirror: the destination ends up equal to the source. Extra files there are lost, so it is irreversible;
            // which files is unknown, so in the workspace it weighs as a recursive delete of the destination (mirror).
            var del = NewDraft("rsync", "--delete", OperationClass.Update, "mirrors the source, deleting files at the destination that the source lacks", c.Ctx);
            del.Irreversible = true;
            del.Shared = op.Shared;
            del.Environment = op.Environment;
            del.PathTargets = op.PathTargets;
            del.Targets.AddRange(op.Targets);
            del.Tags.Add("mirror");
            Emit(del);
        }
        if (c.Inv.HasAnyFlag("--remove-source-files"))
        {
            // The sources' files (not their directories) are removed once sent.
            var moved = NewDraft("rsync", "--remove-source-files", OperationClass.Delete, "removes the source files after copying them", c.Ctx);
            moved.Irreversible = true;
            moved.PathTargets = true;
            foreach (var s in sources) if (!IsRemote(s)) moved.Targets.Add(ResolvePath(s, c.Ctx));
            if (moved.Targets.Count > 0) Emit(moved);
        }
        return null;
    }

    private static bool RemoteSpec(string text)
    {
        int colon = text.IndexOf(':', StringComparison.Ordinal);
        int slash = text.IndexOf('/', StringComparison.Ordinal);
        return colon > 0 && (slash < 0 || colon < slash);
    }
}
