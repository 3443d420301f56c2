using Interlock.Actions;
using Interlock.Knowledge.Statements;
using Interlock.Risk;

namespace Interlock.Shell;

/// <summary>
/// Data stores: options of SQL shells that run programs or files besides the statements (pagers, output pipes, init
/// files), and the semantics handlers of SQL shells, Redis, Mongo and their neighbours.
/// </summary>
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
                s.Irreversible = ChangesStoredData(f);
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
            s.Irreversible = ChangesStoredData(f);
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
            s.Irreversible = ChangesStoredData(f);
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
            s.Irreversible = ChangesStoredData(f);
            if (f.Critical) s.MinTier = Tier.Never;
            else if (f.Class != OperationClass.Read) s.MinTier = Tier.WriteWithConfirmation;
            foreach (var p in c.Inv.Positionals) s.Targets.Add(p.Display);
            Emit(s);
        }
        return StreamSource.Unknown;
    }

    // A statement that changes or removes stored rows has no undo of its own: only a backup brings the rows back.
    private static bool ChangesStoredData(StatementFinding f) =>
        f.Critical || f.Class is OperationClass.Update or OperationClass.Delete or OperationClass.Destroy;
}
