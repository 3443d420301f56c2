using Interlock.Actions;
using Interlock.Knowledge;
using Interlock.Knowledge.Statements;
using Interlock.Risk;

namespace Interlock.Shell;

// Semantics handlers named by command-knowledge rows (see ProgramSemantics).
internal sealed partial class ShellAnalysisRun
{
    private static readonly string[] ProtectedBranches = ["main", "master", "trunk", "develop", "production", "prod", "release", "release/*", "release-*", "stable", "live", "gh-pages"];

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
            if (command is not null) RunString(command, c.Ctx with { Nesting = c.Ctx.Nesting + 1, ExtraTag = "tar-command" });
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
        if (op.Targets.Count == 0) return null;
        var read = NewDraft(op.Program, null, OperationClass.Read, "reads files into an archive", c.Ctx);
        read.PathTargets = true;
        read.ReadsContent = true;
        if (c.Inv.HasAnyFlag("-r|--recurse-paths") || op.Program is "7z" or "7za") read.Tags.Add("recursive");
        read.Targets.AddRange(op.Targets.Skip(1));
        Emit(read);
        op.Targets.RemoveRange(1, op.Targets.Count - 1);
        op.ReadsContent = false;
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
        // A dry run (-n) lists what would change and changes nothing.
        if (c.Inv.HasAnyFlag("-n|--dry-run")) return null;
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

    private static readonly HashSet<string> PatternFirst = new(StringComparer.Ordinal) { "grep", "egrep", "fgrep", "zgrep", "rg", "ag", "ack", "awk", "gawk", "mawk", "nawk", "jq", "yq", "xq", "look" };
    private static readonly HashSet<string> Decoders = new(StringComparer.Ordinal) { "base64", "base32", "xxd", "openssl", "gunzip", "zcat", "bzcat", "xzcat" };

    internal StreamSource? Reader(SemanticsCall c)
    {
        var op = c.Op;
        var program = op.Program;
        bool patternInOption = c.Inv.OptionValue("-e|--regexp|-f|--file|--from-file") is not null;
        if (PatternFirst.Contains(program) && !patternInOption && op.Targets.Count > 0)
        {
            var code = c.Inv.Positionals[0].Text;
            op.Targets.RemoveAt(0);
            if (program.EndsWith("awk", StringComparison.Ordinal)) ScanCode(program, code, c.Ctx);
        }
        if (c.Inv.HasAnyFlag("-r|-R|--recursive|--directories=recurse|-d=recurse") || program is "rg" or "ag" or "ack"
            || program is "grep" or "egrep" or "fgrep" && c.Inv.OptionValue("-d|--directories") is { Text: "recurse" })
            op.Tags.Add("recursive");
        // A recursive search without a path searches the current directory (rg and grep -r), unless input is piped to it.
        if (op.Tags.Contains("recursive") && op.Targets.Count == 0 && c.Ctx.Stdin.Kind == StreamKind.None)
            op.Targets.Add(ResolvePath(ShellArg.Static("."), c.Ctx));
        // tr's operands are character sets; it reads only its input.
        if (program is "tr") op.Targets.Clear();
        ReaderOptionFiles(c);
        if (PatternFirst.Contains(program) && c.Ctx.Stdin.Kind == StreamKind.Environment && op.Targets.Count == 0 && SecretFilter(c) is { } secret)
        {
            // `env | grep -i token`: picking the secrets out of the environment prints them.
            op.Class = OperationClass.CredentialRead;
            op.Reason = $"picks secret-named variables ({secret}) out of the environment";
            op.Tags.Add("secret");
            return new StreamSource(StreamKind.Secret);
        }
        bool decoding = Decoders.Contains(program) && (c.Inv.HasAnyFlag("-d|--decode|-D|-r|--revert") || program is "gunzip" or "zcat" or "bzcat" or "xzcat");
        if (decoding) return new StreamSource(StreamKind.Decoded);
        if (op.Targets.Exists(t => CredentialIn(t, op.Tags.Contains("recursive")) is not null)) return new StreamSource(StreamKind.Secret);
        // `cat` of its input (a here-document) passes the text on unchanged, so what it feeds is still readable.
        if (program == "cat" && op.Targets.Count == 0 && c.Ctx.Stdin.Kind == StreamKind.Literal) return c.Ctx.Stdin;
        return PassThrough(c, op.Targets.Count == 0);
    }

    /// <summary>A filter passes sensitive input on: secrets stay secrets after <c>base64</c> or <c>sed</c>.</summary>
    private static StreamSource? PassThrough(SemanticsCall c, bool readsStdin) =>
        readsStdin && c.Ctx.Stdin.Kind is StreamKind.Secret or StreamKind.Environment or StreamKind.Network or StreamKind.Decoded
            ? c.Ctx.Stdin with { Text = null }
            // A filtered list of credential file names (`| grep -v pub | head -1`) is still a list of them.
            : readsStdin && c.Ctx.Stdin.Kind is StreamKind.CredentialNames ? c.Ctx.Stdin : null;

    internal StreamSource? Printer(SemanticsCall c)
    {
        var op = c.Op;
        var program = op.Program;
        if (program is "printenv" or "env")
        {
            var names = c.Inv.Positionals.Where(p => !p.Dynamic).Select(p => p.Text).ToList();
            if (names.Count == 0 && c.Ctx.RemoteHost is not null)
            {
                // A service's environment holds its secrets.
                op.Class = OperationClass.CredentialRead;
                op.Reason = $"prints the environment of {c.Ctx.RemoteHost}, which holds its secrets";
                op.Tags.Add("secret");
                return new StreamSource(StreamKind.Secret);
            }
            if (names.Count == 0) return new StreamSource(StreamKind.Environment);
            if (names.Exists(CredentialPaths.IsSecretName))
            {
                op.Class = OperationClass.CredentialRead;
                op.Reason = "prints a secret-named environment variable";
                op.Tags.Add("secret");
                return new StreamSource(StreamKind.Secret);
            }
            return StreamSource.Unknown;
        }
        if (program is "echo" or "printf" or "cowsay" or "figlet")
        {
            if (c.Ctx.Referenced is { } refs && refs.Any(CredentialPaths.IsSecretName))
            {
                op.Class = OperationClass.CredentialRead;
                op.Reason = "prints a secret-named variable (" + refs.First(CredentialPaths.IsSecretName) + ")";
                op.Tags.Add("secret");
                return new StreamSource(StreamKind.Secret);
            }
            var words = c.Inv.Args.Where(a => !(program == "echo" && a.Text is "-n" or "-e" or "-E" or "-ne" or "-en")).Select(a => a.Text).ToList();
            var text = program == "printf" && words.Count > 0 ? FormatPrintf(words[0], words.Skip(1).ToList())
                : c.Inv.HasAnyFlag("-e") ? UnescapePrintf(string.Join(' ', words)) : string.Join(' ', words);
            return new StreamSource(StreamKind.Literal, text + "\n");
        }
        if (program is "ls" or "dir") return StreamSource.Unknown;
        return StreamSource.Unknown;
    }

    /// <summary>
    /// printf's output: each <c>%s</c>, <c>%d</c>, <c>%b</c>, <c>%c</c> takes the next argument, and the format is
    /// reused while arguments remain (<c>printf '%s\n' a b</c> prints two lines). Escapes are decoded in the format and
    /// in <c>%b</c> arguments, not in <c>%s</c> ones.
    /// </summary>
    private static string FormatPrintf(string format, List<string> args)
    {
        var sb = new System.Text.StringBuilder();
        int next = 0;
        do
        {
            int before = next;
            var literal = new System.Text.StringBuilder();
            for (int i = 0; i < format.Length; i++)
            {
                if (format[i] == '%' && i + 1 < format.Length)
                {
                    char f = format[++i];
                    if (f == '%') { literal.Append('%'); continue; }
                    while (i < format.Length && (char.IsAsciiDigit(format[i]) || format[i] is '-' or '.')) i++;
                    sb.Append(UnescapePrintf(literal.ToString()));
                    literal.Clear();
                    if (i < format.Length)
                    {
                        var arg = next < args.Count ? args[next++] : "";
                        sb.Append(format[i] == 'b' ? UnescapePrintf(arg) : arg);
                    }
                    continue;
                }
                literal.Append(format[i]);
            }
            sb.Append(UnescapePrintf(literal.ToString()));
            if (next == before) break;
        }
        while (next < args.Count && sb.Length < 65536);
        return sb.ToString();
    }

    /// <summary>The escapes printf and echo -e decode (\n, \t, \xHH, \0NNN), enough to see what a computed name spells.</summary>
    private static string UnescapePrintf(string text)
    {
        var sb = new System.Text.StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\' || i + 1 >= text.Length) { sb.Append(text[i]); continue; }
            char n = text[++i];
            switch (n)
            {
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case '\\': sb.Append('\\'); break;
                case 'x':
                    int v = 0, k = 0;
                    while (k < 2 && i + 1 < text.Length && Uri.IsHexDigit(text[i + 1])) { v = v * 16 + Convert.ToInt32(text[++i].ToString(), 16); k++; }
                    sb.Append((char)v);
                    break;
                case '0':
                    int o = 0, m = 0;
                    while (m < 3 && i + 1 < text.Length && text[i + 1] is >= '0' and <= '7') { o = o * 8 + (text[++i] - '0'); m++; }
                    sb.Append((char)o);
                    break;
                default: sb.Append('\\').Append(n); break;
            }
        }
        return sb.ToString();
    }

    /// <summary>Editors and pagers: <c>vim -c ':!cmd'</c>, <c>vim +'!cmd'</c>, <c>less +'!cmd'</c> run shell commands; less and view only read.</summary>
    internal StreamSource? Editor(SemanticsCall c)
    {
        var op = c.Op;
        if (op.Program is "less" or "more" or "view")
        {
            op.Class = OperationClass.Read;
            op.Reason = "shows files";
            op.ReadsContent = true;
        }
        op.Targets.RemoveAll(t => t[(t.LastIndexOf('/') + 1)..].StartsWith('+'));
        EditorCode(c);
        // Emacs Lisp can read, write and run anything, and the scanner reads only some forms: any Lisp is opaque code
        // (approval), and the paths it names are still checked.
        if (op.Program is "emacs" or "emacsclient") EditorLisp(c);
        return null;
    }

    internal StreamSource? Source(SemanticsCall c)
    {
        var op = c.Op;
        if (op.Targets.Count == 0) return null;
        var arg = c.Inv.Positionals[0];
        if (arg.ProcessSource is StreamKind.Network or StreamKind.Decoded)
            MarkForeignCode(op, arg.ProcessSource);
        op.Targets.RemoveRange(1, op.Targets.Count - 1);
        op.ReadsContent = false;
        return null;
    }

    private static void MarkForeignCode(OperationDraft op, StreamKind kind)
    {
        op.Class = OperationClass.Exec;
        if (kind == StreamKind.Network)
        {
            op.Reason = "runs code downloaded from the network without review";
            op.Tags.Add("remote-code");
        }
        else
        {
            op.Reason = "runs decoded, unreviewed code";
            op.Tags.Add("obfuscated-code");
        }
        op.Irreversible = true;
    }

    private static readonly HashSet<string> DeployTasks = new(StringComparer.OrdinalIgnoreCase)
        { "deploy", "release", "publish", "upload", "rollout", "promote", "ship", "push", "apply", "provision", "migrate",
          "deliver", "supply", "pilot", "submit", "beta", "appstore", "playstore", "testflight" };

    private static readonly HashSet<string> DestroyTasks = new(StringComparer.OrdinalIgnoreCase)
        { "destroy", "teardown", "nuke", "drop", "wipe", "purge", "undeploy", "decommission", "truncate", "delete" };

    /// <summary>Task runners: deploy-like tasks touch shared state; NAME=value arguments name environments.</summary>
    internal StreamSource? BuildTargets(SemanticsCall c)
    {
        var op = c.Op;
        if (op.Program is "make" or "gmake") MakeCode(c);
        if (op.Program is "make" or "gmake" && c.Inv.HasAnyFlag("-n|--dry-run|--just-print|--recon")) return null;
        // dbt names its environment with --target; other arguments (a --state directory called prod-artifacts) do not.
        if (op.Program == "dbt" && c.Inv.OptionValue("--target|-t") is { } target) op.Environment = EnvironmentNames.Detect(target.Text);
        foreach (var p in c.Inv.Positionals)
        {
            if (p.Dynamic) continue;
            var text = p.Text;
            int eq = text.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                var value = text[(eq + 1)..];
                op.Environment = EnvironmentNames.Max(op.Environment, EnvironmentNames.Detect(value));
                // RM='rm -rf /': a variable the task runs as a command.
                var word = value.Split(' ', 2)[0];
                if (value.Contains(' ', StringComparison.Ordinal) && _knowledge.Knows(word[(word.LastIndexOf('/') + 1)..]))
                    RunString(value, c.Ctx with { Nesting = c.Ctx.Nesting + 1, ExtraTag = "task-variable" });
                continue;
            }
            if (text.Contains('/', StringComparison.Ordinal) || text.Contains('.', StringComparison.Ordinal)) continue;
            var first = text.Split('-', ':', '_')[0];
            if (DestroyTasks.Contains(first))
            {
                op.Reason = $"runs the task '{text}', which destroys what it names";
                op.Shared = true;
                op.MinTier = Tier.WriteWithConfirmation;
                op.Tags.Add("destructive");
            }
            else if (DeployTasks.Contains(first))
            {
                op.Reason = $"runs the task '{text}', which deploys or publishes";
                op.Shared = true;
                op.MinTier = Tier.WriteWithConfirmation;
            }
            if (text.Split('-', ':', '_').Skip(1).Any(t => EnvironmentNames.Detect(t) == EnvironmentKind.Production)) op.Environment = EnvironmentKind.Production;
        }
        // A task named for destruction, aimed at production, is the never tier.
        if (op.Tags.Contains("destructive") && op.Environment == EnvironmentKind.Production) op.Class = OperationClass.Destroy;
        return null;
    }

    // ---- containers and clusters ---------------------------------------------------------

    private static readonly string[] ClusterScopedKinds =
        ["ns", "namespace", "namespaces", "pv", "persistentvolume", "persistentvolumes", "pvc", "persistentvolumeclaim", "persistentvolumeclaims",
         "crd", "crds", "customresourcedefinition", "customresourcedefinitions", "node", "nodes", "no", "all", "clusterrole", "clusterroles",
         "clusterrolebinding", "clusterrolebindings", "storageclass", "sc", "statefulset", "statefulsets", "sts", "deployment", "deployments", "deploy"];

    internal StreamSource? KubectlDelete(SemanticsCall c)
    {
        var op = c.Op;
        if (c.Inv.HasAnyFlag("--dry-run") || c.Inv.Options.Exists(o => o.Name == "--dry-run"))
        {
            op.Class = OperationClass.Read;
            op.Reason = "previews a delete";
            op.Shared = false;
            op.Irreversible = false;
            return null;
        }
        foreach (var ns in c.Inv.OptionValues("-n|--namespace|--context|--cluster"))
            op.Environment = EnvironmentNames.Max(op.Environment, EnvironmentNames.Detect(ns.Text));
        var kind = c.Operands.FirstOrDefault().Text ?? "";
        var bareKind = kind.Split('/')[0].Split('.')[0].ToLowerInvariant();
        bool wide = c.Inv.HasAnyFlag("--all|-A|--all-namespaces") || c.Inv.OptionValue("-l|--selector") is not null && c.Inv.HasAnyFlag("--all-namespaces|-A");
        if (c.Inv.HasAnyFlag("-A|--all-namespaces")) op.Environment = EnvironmentKind.Production;
        if (bareKind is "pod" or "pods" or "po" && !wide && !c.Inv.HasAnyFlag("--all|-A|--all-namespaces|--grace-period=0|--force"))
        {
            // A pod under a controller comes back: deleting one is how pods are restarted.
            op.Class = OperationClass.Update;
            op.Reason = "deletes a pod, which its controller recreates";
            op.Irreversible = false;
            op.MinTier = Tier.WriteWithConfirmation;
            return null;
        }
        if (bareKind is "ns" or "namespace" or "namespaces")
        {
            var names = c.Operands.Skip(1).Select(o => o.Display).ToList();
            if (kind.Contains('/', StringComparison.Ordinal)) names.Add(kind[(kind.IndexOf('/', StringComparison.Ordinal) + 1)..]);
            foreach (var name in names) op.Targets.Add("namespace/" + name);
            op.Environment = EnvironmentNames.Max(op.Environment, EnvironmentNames.Detect(string.Join(' ', names)));
        }
        if (ClusterScopedKinds.Contains(bareKind) || wide)
        {
            op.Class = OperationClass.Destroy;
            op.Reason = wide ? "deletes every matching resource" : $"deletes {bareKind} and everything that depends on it";
            op.MinTier = bareKind is "deployment" or "deployments" or "deploy" or "statefulset" or "statefulsets" or "sts" && !wide && op.Environment != EnvironmentKind.Production
                ? Tier.WriteWithConfirmation : Tier.Never;
            if (op.MinTier == Tier.WriteWithConfirmation) op.Class = OperationClass.Delete;
        }
        return null;
    }

    internal StreamSource? KubectlExec(SemanticsCall c)
    {
        var op = c.Op;
        var inv = c.Inv;
        var env = op.Environment;
        foreach (var v in inv.OptionValues("-n|--namespace|--context|--cluster")) env = EnvironmentNames.Max(env, EnvironmentNames.Detect(v.Text));
        var pod = c.Operands.FirstOrDefault().Text ?? "";
        env = EnvironmentNames.Max(env, EnvironmentNames.Detect(pod));
        op.Environment = env;
        List<ShellArg> inner = inv.AfterDoubleDash >= 0
            ? inv.Args.Skip(inv.AfterDoubleDash).ToList()
            : inv.Positionals.Skip(c.Consumed + 1).ToList();
        op.Targets.Clear();
        op.Targets.Add(pod);
        if (inner.Count == 0)
        {
            op.Reason = "attaches to a pod";
            return null;
        }
        op.Suppressed = true;
        // With -i the pod's command reads our input (a here-document piped in is the script it runs).
        var podInput = inv.HasAnyFlag("-i|--stdin") ? c.Ctx.Stdin : StreamSource.None;
        Dispatch(inner, c.Ctx with { RemoteHost = "pod/" + pod, RemoteEnvironment = env, Nesting = c.Ctx.Nesting + 1, Stdin = podInput });
        return StreamSource.Unknown;
    }

    internal StreamSource? DockerExec(SemanticsCall c)
    {
        var op = c.Op;
        // Re-read exec's own options: for exec, -i/-t/-d are flags (-t is a value option elsewhere in docker, `build -t tag`).
        var args = c.Inv.Args;
        int i = c.Consumed > 0 && c.Inv.PositionalIndexes.Count >= c.Consumed ? c.Inv.PositionalIndexes[c.Consumed - 1] + 1 : 0;
        while (i < args.Count && args[i].Text.Length > 1 && args[i].Text[0] == '-' && !args[i].Dynamic)
        {
            if (args[i].Text == "--") { i++; break; }
            i += args[i].Text is "-e" or "--env" or "--env-file" or "-u" or "--user" or "-w" or "--workdir" or "--detach-keys" ? 2 : 1;
        }
        if (i >= args.Count) return null;
        var container = args[i].Text;
        var env = EnvironmentNames.Max(op.Environment, EnvironmentNames.Detect(container));
        op.Environment = env;
        op.Targets.Add(container);
        if (i + 1 >= args.Count) return null;
        op.Suppressed = true;
        var inner = args.Skip(i + 1).ToList();
        var containerInput = c.Inv.HasAnyFlag("-i|--interactive") ? c.Ctx.Stdin : StreamSource.None;
        Dispatch(inner, c.Ctx with { RemoteHost = "container/" + container, RemoteEnvironment = env, Nesting = c.Ctx.Nesting + 1, Stdin = containerInput });
        return StreamSource.Unknown;
    }

    internal StreamSource? DockerRun(SemanticsCall c)
    {
        var op = c.Op;
        var mounts = c.Inv.OptionValues("-v|--volume|--mount").Select(v => v.Text).ToList();
        if (mounts.Count > MaxMounts)
        {
            // Each argument of the inner command is mapped through every mount: thousands of them are work, not a container.
            AddGap("budget", $"more than {MaxMounts} volume mounts (mount budget)", c.Ctx.Text);
            mounts.RemoveRange(MaxMounts, mounts.Count - MaxMounts);
        }
        bool hostRoot = mounts.Exists(m => m.StartsWith("/:", StringComparison.Ordinal) || m.Contains("source=/,", StringComparison.Ordinal) || m.Contains("docker.sock", StringComparison.Ordinal)
            || m.StartsWith("/etc:", StringComparison.Ordinal) || m.StartsWith("/var:", StringComparison.Ordinal) || m.StartsWith("/root", StringComparison.Ordinal));
        if (c.Inv.HasAnyFlag("--privileged|--pid=host|--net=host|--network=host|--cap-add=SYS_ADMIN|--cap-add=ALL|--userns=host") || hostRoot)
        {
            var p = NewDraft("docker", "run", OperationClass.Privilege, hostRoot ? "runs a container with the host's root file system or Docker socket mounted" : "runs a privileged container with host access", c.Ctx);
            p.MinTier = Tier.WriteWithConfirmation;
            Emit(p);
        }
        // A command run over host directories mounted into the container acts on those host paths.
        var hostMounts = new List<(string Host, string Container)>();
        foreach (var m in mounts)
        {
            var parts = m.Split(':');
            if (parts.Length >= 2 && parts[0].Length > 0 && parts[1].StartsWith('/'))
                hostMounts.Add((ResolvePath(ShellArg.Static(parts[0]), c.Ctx), parts[1].TrimEnd('/')));
        }
        // Longest container path first, so /app/data maps before /app; a stable sort, so the first of two equal mounts wins.
        hostMounts = [.. hostMounts.OrderByDescending(m => m.Container.Length)];
        var operands = c.Operands.ToList();
        if (hostMounts.Count > 0 && operands.Count > 1)
        {
            int start = c.Inv.PositionalIndexes[c.Consumed + 1];
            var inner = c.Inv.Args.Skip(start).Select(a => MapMounts(a, hostMounts)).ToList();
            Dispatch(inner, c.Ctx with { Nesting = c.Ctx.Nesting + 1, ExtraTag = "container-mount", Stdin = StreamSource.None });
        }
        foreach (var m in mounts)
        {
            var host = m.Split(':')[0];
            if (host.Length == 0) continue;
            var path = ResolvePath(ShellArg.Static(host), c.Ctx);
            if (CredentialIn(path, true) is { } why)
            {
                var cred = NewDraft("docker", "run", OperationClass.CredentialRead, "mounts credentials into a container: " + why, c.Ctx);
                cred.Targets.Add(path);
                cred.PathTargets = true;
                Emit(cred);
            }
        }
        return null;
    }

    private const int MaxMounts = 64;

    /// <summary>Maps a container path to the host path mounted there; <paramref name="mounts"/> is longest container path first.</summary>
    private static ShellArg MapMounts(ShellArg arg, List<(string Host, string Container)> mounts)
    {
        foreach (var (host, container) in mounts)
        {
            var root = container.Length == 0 ? "/" : container;
            if (arg.Text == root) return arg with { Text = host };
            if (arg.Text.StartsWith(root + "/", StringComparison.Ordinal))
                return arg with { Text = host.TrimEnd('/') + arg.Text[root.Length..] };
        }
        return arg;
    }

    // ---- data stores -------------------------------------------------------------------

    internal StreamSource? Sql(SemanticsCall c)
    {
        var op = c.Op;
        var inv = c.Inv;
        var statements = new List<string>();
        statements.AddRange(inv.OptionValues("-c|--command|-e|--execute|-q|--query|-Q|-cmd|--sql|--init-command|-execute").Select(v => v.Text));
        if (op.Program is "duckdb") statements.AddRange(inv.OptionValues("-s").Select(v => v.Text));
        // A positional that reads as a statement (`usql URL 'DROP TABLE t'`) is one, whatever option table says.
        if (op.Program is not ("sqlite3" or "sqlite" or "duckdb"))
            statements.AddRange(inv.Positionals.Where(p => SqlStatementAnalyzer.LooksLikeStatement(p.Text)).Select(p => p.Text));
        if (SqlClientOptions(c)) return null;
        string? localDatabase = null;
        if (op.Program is "sqlite3" or "sqlite" or "duckdb")
        {
            op.Shared = false;
            if (inv.Positionals.Count > 0)
            {
                localDatabase = ResolvePath(inv.Positionals[0], c.Ctx);
                op.Targets.Add(localDatabase);
                // The database file is read; a browser's password store is a credential.
                var file = NewDraft(op.Program, "open", OperationClass.Read, "opens a database file", c.Ctx);
                file.PathTargets = true;
                file.ReadsContent = true;
                file.Targets.Add(localDatabase);
                Emit(file);
            }
            statements.AddRange(inv.Positionals.Skip(1).Select(p => p.Text));
        }
        else
        {
            foreach (var p in inv.Positionals) op.Targets.Add(p.Display);
            if (op.Program is "psql" && inv.HasAnyFlag("-l|--list")) { op.Reason = "lists databases"; return null; }
        }
        // A scratch database under /tmp is the agent's own: dropping its tables loses nothing anyone else needs.
        bool scratch = localDatabase is not null && PathLocations.Classify(localDatabase, Workspace, Home) == Location.Temp;
        var database = inv.OptionValue("-d|--dbname|--database|-D")?.Display
            ?? (op.Program is "psql" or "mysql" or "mariadb" && inv.Positionals.Count > 0 && !inv.Positionals[0].Text.Contains("://", StringComparison.Ordinal) ? inv.Positionals[0].Display : null);
        bool fromFile = inv.OptionValue("-f|--file") is not null;
        if (statements.Count == 0 && c.Ctx.Stdin.Kind == StreamKind.Literal && c.Ctx.Stdin.Text is { } body) statements.Add(body);
        else if (statements.Count == 0 && (fromFile || c.Ctx.Stdin.Kind is not StreamKind.None))
        {
            op.Class = OperationClass.Exec;
            op.Reason = fromFile ? "runs a SQL file whose statements are not visible here" : "runs SQL from input whose statements are not visible here";
            op.MinTier = Tier.WriteWithConfirmation;
            return null;
        }
        if (statements.Count == 0) return null;

        op.Suppressed = true;
        foreach (var sql in statements)
        {
            foreach (var f in SqlStatementAnalyzer.Analyze(sql))
            {
                var s = NewDraft(op.Program, f.Verb, f.Class, f.Reason, c.Ctx);
                s.Shared = op.Shared && f.Class != OperationClass.Read;
                s.Environment = op.Environment;
                s.Irreversible = f.Critical;
                s.Targets.AddRange(f.Verb.EndsWith("DATABASE", StringComparison.Ordinal) || f.Verb.EndsWith("SCHEMA", StringComparison.Ordinal)
                    ? f.Targets.Select(t => "database/" + t) : f.Targets);
                if (database is not null) s.Targets.Add("database/" + database);
                if (scratch && f.Class is not (OperationClass.Read or OperationClass.Exec))
                {
                    s.Class = OperationClass.Update;
                    s.PathTargets = true;
                    s.Targets.Clear();
                    s.Targets.Add(localDatabase!);
                    s.Reason += " in a scratch database under /tmp";
                    Emit(s);
                    continue;
                }
                if (f.Critical) s.MinTier = Tier.Never;
                else if (f.Class != OperationClass.Read) s.MinTier = Tier.WriteWithConfirmation;
                if (f.Class == OperationClass.Destroy) s.Tags.Add("destructive");
                Emit(s);
                if (f.ShellCommand is { } shell)
                {
                    RunString(shell, f.ClientSide ? c.Ctx with { Nesting = c.Ctx.Nesting + 1, Stdin = StreamSource.Unknown }
                        : c.Ctx with { Nesting = c.Ctx.Nesting + 1, RemoteHost = "database-server", RemoteEnvironment = op.Environment });
                }
            }
        }
        return StreamSource.Unknown;
    }

    /// <summary><c>journalctl --vacuum-* --directory DIR</c> on a copied journal under /tmp or the workspace deletes only that copy.</summary>
    internal StreamSource? Journal(SemanticsCall c)
    {
        if (c.Inv.OptionValue("-D|--directory") is not { } dir) return null;
        var path = ResolvePath(dir, c.Ctx);
        if (PathLocations.Classify(path, Workspace, Home) is Location.Temp or Location.WorkspaceContent or Location.WorkspaceRegenerable)
        {
            c.Op.Class = OperationClass.Delete;
            c.Op.Reason = "deletes old entries from a copied journal";
            c.Op.Shared = false;
            c.Op.MinTier = null;
            c.Op.PathTargets = true;
            c.Op.Targets.Add(path);
        }
        return null;
    }

    /// <summary>Copying secrets to the clipboard puts them where any app can read them.</summary>
    internal StreamSource? Clipboard(SemanticsCall c)
    {
        if (c.Ctx.Stdin.Kind is StreamKind.Secret or StreamKind.Environment)
        {
            c.Op.Class = OperationClass.CredentialRead;
            c.Op.Reason = "copies secrets to the clipboard";
            c.Op.Tags.Add("secret");
        }
        return null;
    }

    /// <summary><c>defaults delete DOMAIN KEY</c> removes one setting; without a key (or <c>-g</c> alone) it removes the whole domain.</summary>
    internal static StreamSource? DefaultsDelete(SemanticsCall c)
    {
        var operands = c.Operands.Count() + (c.Inv.HasFlag("-g") || c.Inv.HasFlag("-globalDomain") ? 1 : 0);
        if (operands >= 2)
        {
            c.Op.Class = OperationClass.Delete;
            c.Op.Reason = "deletes a user preference";
            c.Op.MinTier = Tier.WriteWithConfirmation;
            c.Op.Irreversible = false;
        }
        return null;
    }

    /// <summary><c>tmux new -d 'cmd'</c>, <c>tmux send-keys 'cmd' Enter</c>, <c>screen -dm cmd</c>: the commands run in the session.</summary>
    internal StreamSource? TerminalMultiplexer(SemanticsCall c)
    {
        var op = c.Op;
        var keys = c.Operands.Where(o => o.Text is not ("Enter" or "C-m" or "KPEnter")).Select(o => o.Text).ToList();
        if (op.Program == "screen")
        {
            var rest = c.Inv.Positionals.ToList();
            if (rest.Count > 0) { op.Suppressed = true; return Dispatch(rest, c.Ctx with { Nesting = c.Ctx.Nesting + 1 }); }
            return null;
        }
        if (keys.Count > 0 && op.Verb is not null && op.Verb.Length > 0)
        {
            op.Suppressed = true;
            RunString(string.Join(' ', keys), c.Ctx with { Nesting = c.Ctx.Nesting + 1 });
        }
        return null;
    }

    /// <summary>SQL given as the operands (<c>bq query 'SELECT …'</c>), analyzed like <c>psql -c</c>.</summary>
    internal StreamSource? SqlPositional(SemanticsCall c)
    {
        var sql = string.Join(' ', c.Operands.Select(o => o.Text));
        if (sql.Length == 0) return null;
        c.Op.Suppressed = true;
        foreach (var f in SqlStatementAnalyzer.Analyze(sql))
        {
            var s = NewDraft(c.Op.Program, f.Verb, f.Class, f.Reason, c.Ctx);
            s.Shared = f.Class != OperationClass.Read;
            s.Environment = c.Op.Environment;
            s.Irreversible = f.Critical;
            s.Targets.AddRange(f.Targets);
            if (f.Critical) s.MinTier = Tier.Never;
            else if (f.Class != OperationClass.Read) s.MinTier = Tier.WriteWithConfirmation;
            Emit(s);
        }
        return StreamSource.Unknown;
    }

    /// <summary>A command run on an attached device or host (<c>adb shell CMD</c>): analyzed there, as shared state.</summary>
    internal StreamSource? RemoteShell(SemanticsCall c)
    {
        var operands = c.Operands.ToList();
        if (operands.Count == 0) { c.Op.Reason = "opens a shell on " + c.Op.Program; c.Op.MinTier = Tier.WriteWithConfirmation; return null; }
        c.Op.Suppressed = true;
        var remote = string.Join(' ', c.Inv.Args.Skip(c.Inv.PositionalIndexes[c.Consumed]).Select(a => a.Text));
        return RunString(remote, c.Ctx with { RemoteHost = c.Op.Program + "-device", RemoteEnvironment = c.Op.Environment, Nesting = c.Ctx.Nesting + 1 });
    }

    /// <summary>Database names as targets policies can protect: <c>database/orders</c>.</summary>
    internal static StreamSource? DatabaseTargets(SemanticsCall c)
    {
        for (int i = 0; i < c.Op.Targets.Count; i++) c.Op.Targets[i] = "database/" + c.Op.Targets[i];
        return null;
    }

    internal StreamSource? Redis(SemanticsCall c)
    {
        var op = c.Op;
        var inv = c.Inv;
        if (inv.HasAnyFlag("--scan|--bigkeys|--memkeys|--stat|--latency|--hotkeys|-v|--version|--help")) { op.Reason = "reads keys or server state"; return null; }
        var lines = new List<List<string>>();
        if (inv.Positionals.Count > 0) lines.Add(inv.Positionals.Select(p => p.Text).ToList());
        else if (c.Ctx.Stdin.Kind == StreamKind.Literal && c.Ctx.Stdin.Text is { } text)
            lines.AddRange(text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList()));
        else if (c.Ctx.Stdin.Kind is not StreamKind.None)
        {
            op.Class = OperationClass.Exec;
            op.Reason = "runs Redis commands from input that is not visible here";
            op.MinTier = Tier.WriteWithConfirmation;
            return null;
        }
        if (lines.Count == 0) return null;
        op.Suppressed = true;
        foreach (var words in lines)
        {
            var f = DataStoreCommands.Redis(words);
            var s = NewDraft(op.Program, f.Verb, f.Class, f.Reason, c.Ctx);
            s.Shared = f.Class != OperationClass.Read;
            s.Environment = op.Environment;
            s.Targets.AddRange(f.Targets);
            s.Irreversible = f.Critical;
            if (f.Critical) s.MinTier = Tier.Never;
            else if (f.Class != OperationClass.Read) s.MinTier = Tier.WriteWithConfirmation;
            Emit(s);
        }
        return StreamSource.Unknown;
    }

    internal StreamSource? Mongo(SemanticsCall c)
    {
        var op = c.Op;
        string? code = c.Inv.OptionValue("--eval")?.Text;
        if (code is null && c.Ctx.Stdin.Kind == StreamKind.Literal) code = c.Ctx.Stdin.Text;
        if (code is null)
        {
            if (c.Inv.OptionValue("--file|-f") is not null || c.Ctx.Stdin.Kind is not StreamKind.None || c.Inv.Positionals.Skip(1).Any(p => p.Text.EndsWith(".js", StringComparison.Ordinal)))
            {
                op.Class = OperationClass.Exec;
                op.Reason = "runs MongoDB shell code that is not visible here";
                op.MinTier = Tier.WriteWithConfirmation;
            }
            return null;
        }
        op.Suppressed = true;
        foreach (var f in DataStoreCommands.Mongo(code))
        {
            var s = NewDraft(op.Program, f.Verb, f.Class, f.Reason, c.Ctx);
            s.Shared = f.Class != OperationClass.Read;
            s.Environment = op.Environment;
            s.Irreversible = f.Critical;
            if (f.Critical) s.MinTier = Tier.Never;
            else if (f.Class != OperationClass.Read) s.MinTier = Tier.WriteWithConfirmation;
            foreach (var p in c.Inv.Positionals) s.Targets.Add(p.Display);
            Emit(s);
        }
        return StreamSource.Unknown;
    }
}
