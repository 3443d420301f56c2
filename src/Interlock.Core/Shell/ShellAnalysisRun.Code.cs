using Interlock.Actions;
using Interlock.Knowledge;
using Interlock.Knowledge.Statements;
using Interlock.Risk;

namespace Interlock.Shell;

// Semantics for shells and interpreters: the code they run is analyzed like the command line itself.
internal sealed partial class ShellAnalysisRun
{
    private static readonly (string, string)[] CredentialFragments =
        [(".aws", "credentials"), (".ssh", "id_"), ("/etc/shadow", ""), (".netrc", ""), (".pgpass", ""), (".kube", "config"), (".docker", "config.json"), (".git-credentials", ""), ("gcloud", "credentials")];

    internal StreamSource? Shell(SemanticsCall c)
    {
        var op = c.Op;
        op.Suppressed = true;
        var args = c.Inv.Args;
        int i = 0;
        bool commandFlag = false, stdinFlag = false;
        while (i < args.Count)
        {
            var a = args[i];
            var t = a.Text;
            if (a.Dynamic || t.Length < 2 || (t[0] != '-' && t[0] != '+')) break;
            if (t == "--") { i++; break; }
            if (t.StartsWith("--", StringComparison.Ordinal)) { i += t is "--rcfile" or "--init-file" ? 2 : 1; continue; }
            if (t.Contains('c', StringComparison.Ordinal)) commandFlag = true;
            // `bash -s args…` reads its commands from stdin; the operands are positional parameters, not a script.
            if (t[0] == '-' && t.Contains('s', StringComparison.Ordinal)) stdinFlag = true;
            i += t.Contains('o', StringComparison.Ordinal) || t.Contains('O', StringComparison.Ordinal) ? 2 : 1;
        }
        var program = op.Program;
        if (commandFlag)
        {
            if (i >= args.Count) return StreamSource.None;
            var command = args[i];
            if (command.ProcessSource is StreamKind.Network or StreamKind.Decoded) { EmitForeignCode(program, command.ProcessSource, c.Ctx); return StreamSource.Unknown; }
            if (command.Dynamic && command.Text.Trim() == ShellArg.Unknown.ToString())
            {
                AddGap("dynamic-command", $"{program} -c runs a command string only known at run time", c.Ctx.Text);
                var d = NewDraft(program, "-c", OperationClass.Exec, "runs a command string computed at run time", c.Ctx);
                d.Tags.Add("dynamic-command");
                Emit(d);
                return StreamSource.Unknown;
            }
            return RunString(command.Text, c.Ctx with { Nesting = c.Ctx.Nesting + 1, Stdin = c.Ctx.Stdin });
        }
        if (stdinFlag) return RunStdinCode(program, c.Ctx, shell: true);
        if (i < args.Count)
        {
            var script = args[i];
            if (script.ProcessSource is StreamKind.Network or StreamKind.Decoded) { EmitForeignCode(program, script.ProcessSource, c.Ctx); return StreamSource.Unknown; }
            if (script.Text is "-" or "/dev/stdin") return RunStdinCode(program, c.Ctx, shell: true);
            if (IsDescriptorPath(script.Text)) return RunStdinCode(program, c.Ctx with { Stdin = DescriptorOutput(script, c.Ctx) }, shell: true);
            EmitLocalScript(program, script, "runs a shell script", c.Ctx);
            CredentialArguments(program, args, i + 1, c.Ctx);
            return StreamSource.Unknown;
        }
        return RunStdinCode(program, c.Ctx, shell: true);
    }

    /// <summary>A shell or interpreter reading its program from input: literal text is analyzed, anything else is code nobody reviewed.</summary>
    private StreamSource RunStdinCode(string program, CallContext ctx, bool shell)
    {
        switch (ctx.Stdin.Kind)
        {
            case StreamKind.Literal:
                if (shell) return RunString(ctx.Stdin.Text ?? "", ctx with { Nesting = ctx.Nesting + 1, Stdin = StreamSource.None });
                ScanCode(program, ctx.Stdin.Text ?? "", ctx);
                return StreamSource.Unknown;
            case StreamKind.Network or StreamKind.Decoded:
                EmitForeignCode(program, ctx.Stdin.Kind, ctx);
                return StreamSource.Unknown;
            case StreamKind.None:
                Emit(NewDraft(program, null, OperationClass.Exec, "starts an interactive " + (shell ? "shell" : "interpreter"), ctx));
                return StreamSource.Unknown;
            default:
                var d = NewDraft(program, null, OperationClass.Exec, "runs code from its input, which is not visible here", ctx);
                d.Tags.Add("stdin-code");
                Emit(d);
                return StreamSource.Unknown;
        }
    }

    /// <summary>A file name that is another process's output (<c>bash &lt;(echo …)</c>, <c>source /proc/self/fd/3</c>), not a file on disk.</summary>
    private static bool IsDescriptorPath(string path) =>
        path.StartsWith("/dev/fd/", StringComparison.Ordinal) || path.StartsWith("/proc/self/fd/", StringComparison.Ordinal)
        || path.StartsWith("/dev/std", StringComparison.Ordinal);

    /// <summary>
    /// What a descriptor path holds when run as code: a process substitution's known output, else content nobody can
    /// see here (a descriptor opened elsewhere), so the code is never treated as an interactive shell or a local script.
    /// </summary>
    private StreamSource DescriptorOutput(ShellArg path, CallContext ctx)
    {
        if (path.Text is "/dev/stdin" or "/dev/fd/0" or "/proc/self/fd/0") return ctx.Stdin;
        if (!path.Dynamic && _expander.TryGetProcessOutput(path.Text, out var output) && output.Kind != StreamKind.None) return output;
        return path.ProcessSource is StreamKind.Network or StreamKind.Decoded ? new StreamSource(path.ProcessSource) : StreamSource.Unknown;
    }

    private void EmitForeignCode(string program, StreamKind kind, CallContext ctx)
    {
        var d = NewDraft(program, null, OperationClass.Exec, "", ctx);
        MarkForeignCode(d, kind);
        Emit(d);
    }

    internal StreamSource? Interpreter(SemanticsCall c)
    {
        var op = c.Op;
        op.Suppressed = true;
        if (ServeDirectory(c)) return StreamSource.Unknown;
        var program = op.Program;
        var args = c.Inv.Args;
        var code = new List<string>();
        bool inPlace = false;
        int i = 0;
        string? module = null;
        // deno and bun take global options before the subcommand (`deno -q run x.ts`); the first word after them is the subcommand.
        int sub = 0;
        if (program is "deno" or "bun" && !(args.Count > 0 && args[0].Text == "-e"))
            while (sub < args.Count && args[sub].Text.Length > 1 && args[sub].Text[0] == '-' && !args[sub].Dynamic) sub += args[sub].Text is "-L" or "--log-level" ? 2 : 1;
        if (program is "deno" or "bun" && sub < args.Count && args[sub].Text is "eval" or "-e")
        {
            code.AddRange(args.Skip(sub + 1).Where(a => !a.Text.StartsWith('-')).Take(1).Select(a => a.Text));
            i = args.Count;
        }
        else if (program is "deno" or "bun" && sub < args.Count && args[sub].Text is "run" or "x" or "test" or "task" or "install" or "add" or "fmt" or "lint" or "check" or "compile" or "bundle" or "info" or "cache" or "upgrade" or "repl" or "init" or "build" or "pm" or "outdated" or "update" or "link" or "create")
        {
            i = sub + 1;
            if (args[sub].Text is not "run" and not "x")
            {
                Emit(NewDraft(program, args[sub].Text, OperationClass.Exec, "builds, tests or runs project code", c.Ctx));
                return StreamSource.Unknown;
            }
        }
        while (i < args.Count)
        {
            var a = args[i];
            var t = a.Text;
            if (a.Dynamic || t.Length < 2 || t[0] != '-') break;
            if (t == "--") { i++; break; }
            // Perl and Ruby switches, alone or bundled, read letter by letter (`-i`, `-p -e`, `-pi.bak`); the value-taking
            // ones given alone (-I DIR, -M MOD, -x DIR) are skipped with their value below.
            if (program is "perl" or "ruby" && t[1] != '-' && (t.Length > 2 || "eEinplawsTtUc0".Contains(t[1], StringComparison.Ordinal)))
            {
                // Bundled switches, read letter by letter: -pe, -lane, -pi.bak -e, -MFile::Path=rmtree (the rest of the word is the module).
                bool next = false;
                for (int k = 1; k < t.Length; k++)
                {
                    char ch = t[k];
                    if (ch is 'e' or 'E')
                    {
                        if (k == t.Length - 1) next = true;
                        else code.Add(t[(k + 1)..]);
                        break;
                    }
                    if (ch == 'i') { inPlace = true; break; }
                    if (ch is 'M' or 'm' or 'I' or 'x' or 'C' or 'd' or 'D' or 'V' or 'r' or 'W' or 'X') break;
                    if (ch is 'l' or '0') while (k + 1 < t.Length && char.IsAsciiDigit(t[k + 1])) k++;
                }
                if (next && i + 1 < args.Count) code.Add(args[i + 1].Text);
                i += next ? 2 : 1;
                continue;
            }
            if (t is "-c" or "-e" or "-E" or "--eval" or "-p" or "--print" or "-r" && (program is not "node" and not "nodejs" || t != "-r") && (program is "php" || t != "-r"))
            {
                if (i + 1 < args.Count) code.Add(args[i + 1].Text);
                i += 2;
                continue;
            }
            if (t == "-m" && i + 1 < args.Count)
            {
                module = args[i + 1].Text;
                i += 2;
                break;
            }
            i += t is "-W" or "-X" or "-r" or "--require" or "--import" or "--loader" or "--experimental-loader" or "-I" or "-M" or "--input-type" or "-d" or "-f" && (t != "-f" || program == "php") ? 2 : 1;
            if (t == "-f" && program == "php") { i--; break; }
        }

        if (code.Count > 0)
        {
            foreach (var snippet in code) ScanCode(program, snippet, c.Ctx);
            if (inPlace)
            {
                var edit = NewDraft(program, "-i", OperationClass.Update, "edits files in place", c.Ctx);
                edit.PathTargets = true;
                foreach (var f in args.Skip(i)) edit.Targets.Add(ResolvePath(f, c.Ctx));
                Emit(edit);
            }
            else if (program is "perl" or "ruby")
            {
                // perl -ne / ruby -ne read their operands as input.
                if (i < args.Count)
                {
                    var read = NewDraft(program, null, OperationClass.Read, "reads files", c.Ctx);
                    read.PathTargets = true;
                    read.ReadsContent = true;
                    foreach (var f in args.Skip(i)) read.Targets.Add(ResolvePath(f, c.Ctx));
                    Emit(read);
                }
            }
            // Operands after other inline code are its arguments (sys.argv, process.argv), as a script's are.
            else CredentialArguments(program, args, i, c.Ctx);
            return StreamSource.Unknown;
        }
        if (module is not null)
        {
            Emit(NewDraft(program, "-m " + module, OperationClass.Exec, "runs a Python module", c.Ctx));
            CredentialArguments(program, args, i, c.Ctx);
            return StreamSource.Unknown;
        }
        if (i >= args.Count) return RunStdinCode(program, c.Ctx, shell: false);

        var script = args[i];
        if (script.ProcessSource is StreamKind.Network or StreamKind.Decoded) { EmitForeignCode(program, script.ProcessSource, c.Ctx); return StreamSource.Unknown; }
        if (script.Text is "-" or "/dev/stdin") return RunStdinCode(program, c.Ctx, shell: false);
        if (IsDescriptorPath(script.Text)) return RunStdinCode(program, c.Ctx with { Stdin = DescriptorOutput(script, c.Ctx) }, shell: false);
        if (Hosts.IsHttpUrl(script.Text))
        {
            EmitForeignCode(program, StreamKind.Network, c.Ctx);
            return StreamSource.Unknown;
        }
        // A known entry point (manage.py) is analyzed by its own table.
        var baseName = script.Text[(script.Text.LastIndexOf('/') + 1)..];
        if (_knowledge.TryGetProgram(baseName, out _))
            return Dispatch([ShellArg.Static(baseName), .. args.Skip(i + 1)], c.Ctx with { Nesting = c.Ctx.Nesting + 1 });
        EmitLocalScript(program, script, "runs a script", c.Ctx);
        CredentialArguments(program, args, i + 1, c.Ctx);
        return StreamSource.Unknown;
    }

    /// <summary>
    /// A credential path among the arguments of code not read here (a script, a module, a local program) is one that
    /// code can open: `python3 -m json.tool ~/.aws/credentials`, `./report.sh ~/.ssh/id_rsa`.
    /// </summary>
    private void CredentialArguments(string program, IReadOnlyList<ShellArg> args, int from, CallContext ctx)
    {
        OperationDraft? read = null;
        for (int k = from; k < args.Count; k++)
        {
            var a = args[k];
            var t = a.Text;
            // `--key=~/.ssh/id_rsa` and `--key ~/.ssh/id_rsa` alike: the value is what may be opened.
            int eq = t.StartsWith('-') ? t.IndexOf('=', StringComparison.Ordinal) : -1;
            if (t.StartsWith('-') && eq < 0) continue;
            var path = ResolvePath(eq > 0 ? a with { Text = t[(eq + 1)..] } : a, ctx);
            if (CredentialIn(path) is null) continue;
            read ??= NewDraft(program, null, OperationClass.Read, "passes a credential file to code that can read it", ctx);
            read.PathTargets = true;
            read.ReadsContent = true;
            read.Targets.Add(path);
        }
        if (read is not null) Emit(read);
    }

    /// <summary>Turns what <see cref="InlineCodeScanner"/> finds in inline code into operations.</summary>
    private void ScanCode(string program, string code, CallContext ctx, bool runsNow = true)
    {
        var f = InlineCodeScanner.Scan(code);
        var paths = f.Paths.Select(p => ResolvePath(new ShellArg(p, p.Contains(ShellArg.Unknown), false), ctx)).ToList();
        // `readFileSync(process.env.HOME + '/.npmrc')`: a literal joined onto the home directory.
        foreach (var rel in f.HomeRelative)
        {
            var p = Home.TrimEnd('/') + "/" + rel;
            if (CredentialIn(p) is not null && !paths.Contains(p)) paths.Add(PathResolver.Normalize(p));
        }
        bool credential = paths.Exists(p => CredentialIn(p, f.RecursiveDelete) is not null)
            || CredentialFragments.Any(x => code.Contains(x.Item1, StringComparison.Ordinal) && code.Contains(x.Item2, StringComparison.Ordinal));

        if (f.Obfuscated) EmitForeignCode(program, StreamKind.Decoded, ctx);
        if (f.DestroysSharedResources)
        {
            var d = NewDraft(program, "sdk", OperationClass.Destroy, "inline code deletes shared resources through an SDK (a repository, bucket, table or database)", ctx);
            d.Shared = true;
            d.Irreversible = true;
            d.Tags.Add("destructive");
            Emit(d);
        }
        if (f.Deletes)
        {
            var del = NewDraft(program, "delete", OperationClass.Delete, f.RecursiveDelete ? "inline code deletes directory trees" : "inline code deletes files", ctx);
            del.PathTargets = true;
            if (f.RecursiveDelete) del.Tags.Add("recursive");
            var targets = paths.Count > 0 ? paths : f.MentionsHome ? [Home] : [ShellArg.Unknown.ToString()];
            del.Targets.AddRange(targets);
            Emit(del);
        }
        foreach (var shell in f.ShellCommands)
            RunString(shell, ctx with { Nesting = ctx.Nesting + 1, Stdin = StreamSource.None });
        if (f.DynamicShell)
        {
            AddGap("dynamic-command", "inline code runs a shell command built at run time", ctx.Text);
            var d = NewDraft(program, "shell", OperationClass.Exec, "inline code runs a shell command built at run time", ctx);
            d.Tags.Add("dynamic-command");
            Emit(d);
        }
        if (credential)
        {
            var cred = NewDraft(program, null, OperationClass.CredentialRead, "inline code reads credential files", ctx);
            cred.Tags.Add("secret");
            cred.Targets.AddRange(paths.Where(p => CredentialIn(p) is not null));
            Emit(cred);
        }
        else if (paths.Count > 0 && !f.Deletes)
        {
            var read = NewDraft(program, null, f.Writes ? OperationClass.Update : OperationClass.Read, f.Writes ? "inline code writes files" : "inline code reads files", ctx);
            read.PathTargets = true;
            read.Targets.AddRange(paths);
            Emit(read);
        }
        if (f.NetworkSend)
        {
            bool secret = credential || f.ReadsEnvironment || f.SecretNameMentioned;
            EmitEgress(program, "network", "", "inline code opens network connections", ctx, secret);
        }
        else if (f.SecretNameMentioned && f.ReadsEnvironment)
        {
            var s = NewDraft(program, null, OperationClass.CredentialRead, "inline code reads secret-named environment variables", ctx);
            s.Tags.Add("secret");
            Emit(s);
        }
        if (runsNow) Emit(NewDraft(program, "inline", OperationClass.Exec, $"runs inline {program} code", ctx));
        // After the code's own run: a file it copies, moves or links into place is new content there, and a later
        // command that runs it runs what was not reviewed (`shutil.copy("/bin/rm", "fmt")` then `./fmt`).
        foreach (var destination in f.CopyDestinations)
        {
            var copy = NewDraft(program, "copy", OperationClass.Create, "inline code copies, moves or links a file", ctx);
            copy.PathTargets = true;
            copy.Targets.Add(ResolvePath(new ShellArg(destination, destination.Contains(ShellArg.Unknown), false), ctx));
            Emit(copy);
        }
    }
}
