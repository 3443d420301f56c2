using Interlock.Shell;

namespace Interlock.Storage.Previews.Sql;

/// <summary>
/// Finds <c>psql</c> and <c>sqlite3</c> invocations in a shell command and reads what they would run and where: the
/// connection (URI, conninfo, <c>-h -p -U -d</c>, <c>PG*</c> assignments; the SQLite file) and the inline SQL
/// (<c>-c</c>, operands, here-documents and here-strings). SQL from a file or a pipe is not visible, so such a session
/// carries a <see cref="SqlSession.Problem"/> instead.
/// </summary>
public static class SqlCommandLine
{
    // psql's option grammar is the knowledge pack's (databases.yaml), so the preview and the analysis read one table.
    private static readonly Interlock.Knowledge.ProgramSpec PsqlGrammar =
        Interlock.Knowledge.CommandKnowledge.Default.TryGetProgram("psql", out var psql) ? psql : throw new InvalidOperationException("the built-in knowledge has no psql");

    private static readonly Dictionary<string, int> SqliteValued = new(StringComparer.Ordinal)
    {
        ["cmd"] = 1, ["init"] = 1, ["separator"] = 1, ["newline"] = 1, ["nullvalue"] = 1, ["vfs"] = 1, ["maxsize"] = 1, ["mmap"] = 1,
        ["heap"] = 1, ["escape"] = 1, ["lookaside"] = 2, ["pagecache"] = 2,
    };

    /// <summary>The SQL sessions of <paramref name="command"/>, in order; <paramref name="cwd"/> and <paramref name="home"/> resolve SQLite paths.</summary>
    public static IReadOnlyList<SqlSession> Find(string command, string? cwd, string? home)
    {
        var sessions = new List<SqlSession>();
        var parsed = ShellParser.Parse(command);
        Walk(parsed.Script, cwd, home, sessions);
        return sessions;
    }

    private static void Walk(ShellScript script, string? cwd, string? home, List<SqlSession> into)
    {
        foreach (var list in script.Items)
            foreach (var pipeline in list.Pipelines)
                for (int i = 0; i < pipeline.Commands.Count; i++)
                {
                    switch (pipeline.Commands[i])
                    {
                        case SimpleCommand simple when Read(simple, i > 0, cwd, home) is { } session:
                            into.Add(session);
                            break;
                        case CompoundCommand compound:
                            foreach (var body in compound.Bodies) Walk(body, cwd, home, into);
                            break;
                    }
                }
    }

    private static SqlSession? Read(SimpleCommand c, bool piped, string? cwd, string? home)
    {
        if (c.Words.Count == 0 || c.Words[0].StaticText is not { } first) return null;
        var program = Path.GetFileName(first);
        if (program is not ("psql" or "sqlite3" or "sqlite")) return null;
        string? problem = null;
        var args = new List<string>();
        foreach (var w in c.Words.Skip(1))
        {
            if (w.StaticText is { } text) args.Add(text);
            else
            {
                problem ??= "the command line has parts known only when it runs ($VAR, $(…))";
                args.Add("");
            }
        }
        var stdin = new List<string>();
        foreach (var r in c.Redirections)
        {
            if (r.Operator == RedirectionOperator.HereDocument && r.HereDocument?.StaticText is { } doc) stdin.Add(doc);
            else if (r.Operator == RedirectionOperator.HereString && r.Target.StaticText is { } hs) stdin.Add(hs);
            else if (r.Operator is RedirectionOperator.HereDocument or RedirectionOperator.HereString)
                problem ??= "the SQL has parts known only when it runs ($VAR, $(…))";
            else if (r.Operator is RedirectionOperator.Input or RedirectionOperator.ReadWrite && (r.Fd ?? 0) == 0)
                problem ??= $"reads its SQL from the file {r.Target.StaticText ?? "…"}; only inline SQL is previewed";
        }
        if (piped && stdin.Count == 0) problem ??= "reads its SQL from a pipe; only inline SQL is previewed";
        var env = c.Assignments.Where(a => a.Value.StaticText is not null).ToDictionary(a => a.Name, a => a.Value.StaticText!, StringComparer.Ordinal);
        return program == "psql" ? Psql(program, args, stdin, env, problem) : Sqlite(program, args, stdin, cwd, home, problem);
    }

    private static SqlSession? Psql(string program, List<string> args, List<string> stdin, Dictionary<string, string> env, string? problem)
    {
        var info = new PostgresConnectionInfo();
        foreach (var (name, key) in new[] { ("PGHOST", "host"), ("PGPORT", "port"), ("PGDATABASE", "dbname"), ("PGUSER", "user"), ("PGPASSWORD", "password"), ("PGSSLMODE", "sslmode") })
            if (env.TryGetValue(name, out var v)) info.Set(key, v);
        var sql = new List<string>();
        var positionals = new List<string>();
        bool options = true;
        for (int i = 0; i < args.Count; i++)
        {
            var a = args[i];
            if (options && a == "--") { options = false; continue; }
            if (!options || a.Length < 2 || a[0] != '-') { positionals.Add(a); continue; }
            string name = a, value;
            if (a.StartsWith("--", StringComparison.Ordinal) && a.IndexOf('=', StringComparison.Ordinal) is var eq and > 0) { name = a[..eq]; value = a[(eq + 1)..]; }
            else if (!a.StartsWith("--", StringComparison.Ordinal) && a.Length > 2 && PsqlGrammar.TakesValue(a[..2])) { name = a[..2]; value = a[2..]; }
            else if (PsqlGrammar.TakesValue(a)) value = i + 1 < args.Count ? args[++i] : "";
            else continue;
            switch (name)
            {
                case "-c" or "--command": sql.Add(value); break;
                case "-d" or "--dbname": if (!info.TryApply(value)) info.Database = value; break;
                case "-h" or "--host": info.Host = value; break;
                case "-p" or "--port": info.Port = value; break;
                case "-U" or "--username": info.User = value; break;
                case "-f" or "--file": if (value != "-") problem ??= $"runs the SQL file {value}; only inline SQL is previewed"; break;
            }
        }
        // psql [DBNAME [USERNAME]]; an operand that reads as a statement is SQL, as the analyzer reads it.
        int plain = 0;
        foreach (var p in positionals)
        {
            if (Interlock.Knowledge.Statements.SqlStatementAnalyzer.LooksLikeStatement(p)) sql.Add(p);
            else if (plain++ == 0) { if (!info.TryApply(p)) info.Database = p; }
            else info.User = p;
        }
        if (sql.Count == 0) sql.AddRange(stdin);
        if (sql.Count == 0 && problem is null) return null;
        var targets = new List<string>();
        if (info.Host is not null) { targets.Add(info.Host); if (info.Port is not null) targets.Add($"{info.Host}:{info.Port}"); }
        if (info.Database is not null) targets.Add("database/" + info.Database);
        return new SqlSession
        {
            Program = program, Engine = SqlEngine.Postgres, Connection = info.ConnectionString(TimeSpan.FromSeconds(3)), Display = info.Display,
            Sql = sql, Problem = problem, MapTargets = targets, Database = info.Database,
        };
    }

    private static SqlSession? Sqlite(string program, List<string> args, List<string> stdin, string? cwd, string? home, string? problem)
    {
        string? file = null;
        var sql = new List<string>();
        var cmd = new List<string>();
        bool options = true;
        for (int i = 0; i < args.Count; i++)
        {
            var a = args[i];
            if (options && a == "--") { options = false; continue; }
            if (options && a.Length > 1 && a[0] == '-')
            {
                var name = a.TrimStart('-');
                if (name is "A" or "archive") problem ??= "works on an SQLite archive; not previewed";
                if (!SqliteValued.TryGetValue(name, out var n)) continue;
                var value = i + 1 < args.Count ? args[i + 1] : "";
                if (name == "cmd") cmd.Add(value);
                if (name == "init") problem ??= $"runs the SQL file {value} first; only inline SQL is previewed";
                i += n;
                continue;
            }
            if (file is null) file = a;
            else sql.Add(a);
        }
        // No file: an in-memory database nobody else sees.
        if (file is null || file is ":memory:" or "") return problem is null ? null : new SqlSession { Program = program, Engine = SqlEngine.Sqlite, Display = "an in-memory database", Problem = problem };
        if (sql.Count == 0) sql.AddRange(stdin);
        if (sql.Count == 0 && cmd.Count == 0 && problem is null) return null;
        if (file.StartsWith("file:", StringComparison.OrdinalIgnoreCase)) problem ??= "opens its database by a file: URI; not previewed";
        var path = Resolve(file, cwd, home);
        return new SqlSession
        {
            Program = program, Engine = SqlEngine.Sqlite, Connection = path, Display = path,
            Sql = [.. cmd, .. sql], Problem = problem, MapTargets = [path],
        };
    }

    // An unknown home leaves ~ as written (no such file will be opened); everything else is the analyzer's resolution.
    private static string Resolve(string file, string? cwd, string? home) =>
        home is null && file.StartsWith('~') ? file : PathResolver.Resolve(file, cwd ?? "/", home ?? "/");
}
