using Interlock.Actions;

namespace Interlock.Knowledge.Statements;

/// <summary>
/// Splits SQL into statements and classifies each by its leading keywords, respecting quotes, dollar quotes and comments:
/// DROP/TRUNCATE and DELETE/UPDATE without WHERE destroy; other writes change; SELECT/EXPLAIN/SHOW read.
/// </summary>
public static class SqlStatementAnalyzer
{
    private static readonly HashSet<string> ReadVerbs = new(StringComparer.OrdinalIgnoreCase)
    {
        "SELECT", "SHOW", "DESCRIBE", "DESC", "TABLE", "VALUES", "SET", "RESET", "BEGIN", "START", "COMMIT", "END", "ROLLBACK", "SAVEPOINT",
        "RELEASE", "USE", "LISTEN", "UNLISTEN", "FETCH", "DECLARE", "CLOSE", "PREPARE", "DEALLOCATE", "HELP", "PRAGMA", "ABORT",
    };

    private static readonly string[] DangerousFunctions =
        ["pg_read_file", "pg_read_binary_file", "lo_import", "lo_export", "pg_terminate_backend", "pg_cancel_backend", "dblink", "load_file",
         "outfile", "dumpfile", "sys_exec", "sys_eval", "xp_cmdshell", "pg_reload_conf", "set_config"];

    /// <summary>
    /// Functions whose call reaches beyond the database's rows: native code, programs, files, other servers, or SQL
    /// given as text. Matched as calls (<c>edit(</c>), not as substrings of column names.
    /// </summary>
    private static readonly (string Name, OperationClass Class, string Reason)[] CallFunctions =
    [
        ("load_extension", OperationClass.Exec, "loads native code into the database process"),
        ("edit", OperationClass.Exec, "opens the program named by $EDITOR"),
        ("executable", OperationClass.Exec, "runs a script on the database server"),
        ("writefile", OperationClass.Update, "writes a file on the database host"),
        ("readfile", OperationClass.Update, "reads a file on the database host"),
        ("fts3_tokenizer", OperationClass.Update, "registers a tokenizer by raw pointer"),
        ("pg_ls_dir", OperationClass.Update, "lists a directory on the database server"),
        ("pg_stat_file", OperationClass.Update, "reads a file's metadata on the database server"),
        ("pg_file_write", OperationClass.Update, "writes a file on the database server"),
        ("pg_file_unlink", OperationClass.Update, "deletes a file on the database server"),
        ("pg_file_rename", OperationClass.Update, "renames a file on the database server"),
        ("lo_unlink", OperationClass.Delete, "deletes a large object"),
        ("pg_drop_replication_slot", OperationClass.Update, "drops a replication slot"),
        ("pg_promote", OperationClass.Update, "promotes a standby server"),
        ("pg_switch_wal", OperationClass.Update, "switches the write-ahead log"),
        ("query_to_xml", OperationClass.Exec, "runs a query given as text"),
        ("query_to_xml_and_xmlschema", OperationClass.Exec, "runs a query given as text"),
        ("dblink_exec", OperationClass.Exec, "runs a statement on another server"),
        ("url", OperationClass.Update, "reads or writes a URL from the database server"),
        ("s3", OperationClass.Update, "reads or writes object storage from the database server"),
        ("remote", OperationClass.Update, "queries another server"),
        ("remotesecure", OperationClass.Update, "queries another server"),
    ];

    /// <summary>Functions that run SQL given as a string: their string literals are statements too.</summary>
    private static readonly string[] SqlTextFunctions = ["query_to_xml", "dblink_exec", "dblink", "query_to_json", "cursor_to_xml"];

    /// <summary>How deep statements nested in statements (CTE bodies, generated SQL) are followed.</summary>
    private const int MaxDepth = 4;

    /// <summary>One finding per statement (more when a statement nests others); empty input gives none.</summary>
    public static IReadOnlyList<StatementFinding> Analyze(string sql) => Analyze(sql, 0);

    private static List<StatementFinding> Analyze(string sql, int depth)
    {
        var findings = new List<StatementFinding>();
        string? previous = null;
        foreach (var statement in Split(sql)) AnalyzeOne(statement, ref previous, depth, findings);
        return findings;
    }

    /// <summary>
    /// The statements of <paramref name="sql"/> one by one, each with its text and findings (its own classification
    /// first), for a previewer that runs them one at a time; client commands (<c>\d</c>, <c>.tables</c>) are marked.
    /// </summary>
    public static IReadOnlyList<SqlStatementText> Statements(string sql)
    {
        var result = new List<SqlStatementText>();
        string? previous = null;
        foreach (var statement in Split(sql))
        {
            var findings = new List<StatementFinding>();
            AnalyzeOne(statement, ref previous, 0, findings);
            result.Add(new SqlStatementText(statement.Text.Trim(), statement.Meta is not null, findings));
        }
        return result;
    }

    private static void AnalyzeOne(Statement statement, ref string? previous, int depth, List<StatementFinding> findings)
    {
        if (statement.Meta is { } meta)
        {
            findings.AddRange(SqlClientCommands.Classify(meta, statement.Query ?? previous, depth));
            return;
        }
        previous = statement.Text;
        var f = Classify(statement);
        if (f is not null) findings.Add(f);
        if (depth >= MaxDepth) return;
        // `WITH d AS (DELETE … RETURNING *) SELECT …`: a data-modifying CTE runs whatever the main statement is.
        foreach (var body in statement.Nested)
            findings.AddRange(Analyze(body, depth + 1).Where(n => n.Class != OperationClass.Read));
        AddCalls(statement.Text, findings, depth);
    }

    /// <summary>The string literals of <paramref name="sql"/> that are statements themselves, analyzed; reads left out.</summary>
    internal static IEnumerable<StatementFinding> AnalyzeLiterals(string sql, int depth)
    {
        if (depth >= MaxDepth) yield break;
        foreach (var literal in Literals(sql))
        {
            var first = FirstWord(literal);
            if (first.Length == 0 || !IsStatementVerb(first)) continue;
            foreach (var f in Analyze(literal, depth + 1))
                if (f.Class != OperationClass.Read) yield return f;
        }
    }

    private static void AddCalls(string text, List<StatementFinding> findings, int depth)
    {
        var lower = text.ToLowerInvariant();
        foreach (var (name, cls, reason) in CallFunctions)
        {
            if (IsCalled(lower, name)) findings.Add(new($"{name}()", cls, $"calls {name}, which {reason}", []));
        }
        foreach (var name in SqlTextFunctions)
        {
            if (IsCalled(lower, name)) { findings.AddRange(AnalyzeLiterals(text, depth)); break; }
        }
    }

    /// <summary>Whether <paramref name="name"/> is called in <paramref name="lower"/>: not part of a longer name, followed by <c>(</c>.</summary>
    private static bool IsCalled(string lower, string name)
    {
        int from = 0;
        while ((from = lower.IndexOf(name, from, StringComparison.Ordinal)) >= 0)
        {
            int after = from + name.Length;
            bool startsWord = from == 0 || !(char.IsLetterOrDigit(lower[from - 1]) || lower[from - 1] is '_' or '$');
            while (after < lower.Length && lower[after] is ' ' or '\t' or '\n' or '\r') after++;
            if (startsWord && after < lower.Length && lower[after] == '(') return true;
            from += name.Length;
        }
        return false;
    }

    private static readonly HashSet<string> StatementVerbs = new(StringComparer.OrdinalIgnoreCase)
    {
        "DROP", "TRUNCATE", "DELETE", "UPDATE", "INSERT", "ALTER", "CREATE", "GRANT", "REVOKE", "MERGE", "REPLACE", "COPY", "CALL", "DO",
        "EXEC", "EXECUTE", "LOAD", "SOURCE", "REASSIGN", "VACUUM", "REINDEX", "CLUSTER", "RENAME", "LOCK", "SECURITY", "COMMENT", "WITH", "SYSTEM",
    };

    private static bool IsStatementVerb(string word) => StatementVerbs.Contains(word);

    /// <summary>Whether an argument reads as SQL (<c>DROP TABLE t</c>): several words, the first a statement verb or SELECT.</summary>
    public static bool LooksLikeStatement(string text)
    {
        var first = FirstWord(text);
        return first.Length > 0 && text.AsSpan().Trim().IndexOfAny(" \t\n") > 0 && (IsStatementVerb(first) || first.Equals("SELECT", StringComparison.OrdinalIgnoreCase));
    }

    private static string FirstWord(string text)
    {
        var t = text.AsSpan().TrimStart();
        int end = 0;
        while (end < t.Length && (char.IsLetter(t[end]) || t[end] == '_')) end++;
        return t[..end].ToString();
    }

    /// <summary>The single-quoted literals of a statement, with doubled quotes undone.</summary>
    private static IEnumerable<string> Literals(string sql)
    {
        int i = 0;
        while ((i = sql.IndexOf('\'', i)) >= 0)
        {
            int end = i + 1;
            while (end < sql.Length && (sql[end] != '\'' || (end + 1 < sql.Length && sql[end + 1] == '\'' && ++end > 0))) end++;
            yield return sql[(i + 1)..Math.Min(end, sql.Length)].Replace("''", "'", StringComparison.Ordinal);
            i = end + 1;
        }
    }

    private static StatementFinding? Classify(Statement s)
    {
        var words = s.TopLevelWords;
        if (words.Count == 0) return null;
        var verb = words[0].ToUpperInvariant();
        string Upper(int i) => i < words.Count ? words[i].ToUpperInvariant() : "";
        bool Has(string w) => words.Exists(x => x.Equals(w, StringComparison.OrdinalIgnoreCase));

        if (verb == "EXPLAIN")
        {
            // EXPLAIN ANALYZE executes the statement.
            int i = 1;
            bool analyze = false;
            while (i < words.Count && Upper(i) is "ANALYZE" or "ANALYSE" or "VERBOSE" or "QUERY" or "PLAN" or "FORMAT" or "(")
            {
                analyze |= Upper(i) is "ANALYZE" or "ANALYSE";
                i++;
            }
            // EXPLAIN (ANALYZE, BUFFERS) …: the option list is parenthesized, so it never reaches the top-level words.
            var afterExplain = s.Text.TrimStart().AsSpan(Math.Min(7, s.Text.TrimStart().Length)).TrimStart();
            if (afterExplain.StartsWith("(") && afterExplain[..Math.Max(0, afterExplain.IndexOf(')'))] is var opts
                && (opts.Contains("analyz", StringComparison.OrdinalIgnoreCase) || opts.Contains("analys", StringComparison.OrdinalIgnoreCase)))
                analyze = true;
            if (!analyze) return new("EXPLAIN", OperationClass.Read, "explains a query", []);
            words = words.GetRange(i, words.Count - i);
            if (words.Count == 0) return new("EXPLAIN", OperationClass.Read, "explains a query", []);
            verb = words[0].ToUpperInvariant();
        }
        if (verb == "WITH")
        {
            // A CTE's main statement is its first top-level DML verb.
            foreach (var w in words)
            {
                var u = w.ToUpperInvariant();
                if (u is "INSERT" or "UPDATE" or "DELETE" or "MERGE") { verb = u; break; }
            }
            if (verb == "WITH") verb = "SELECT";
        }

        var lower = s.Text.ToLowerInvariant();
        switch (verb)
        {
            case "SELECT" or "SHOW" or "DESCRIBE" or "DESC" or "TABLE" or "VALUES" or "PRAGMA":
                foreach (var fn in DangerousFunctions)
                {
                    if (lower.Contains(fn, StringComparison.Ordinal))
                        return new(verb, OperationClass.Update, $"calls {fn}, which reaches beyond the database", []);
                }
                if (verb == "SELECT" && Has("INTO") && !lower.Contains("into @", StringComparison.Ordinal))
                    return new("SELECT INTO", OperationClass.Create, "creates a table from a query", []);
                return new(verb, OperationClass.Read, "reads data", []);
            case "DROP":
                return new($"DROP {Upper(1)}".TrimEnd(), OperationClass.Destroy, $"drops a {Upper(1).ToLowerInvariant()}", ObjectName(words, 2), Critical: true);
            case "TRUNCATE":
                return new("TRUNCATE", OperationClass.Destroy, "empties a table", ObjectName(words, Upper(1) == "TABLE" ? 2 : 1), Critical: true);
            case "DELETE":
                return Has("WHERE")
                    ? new("DELETE", OperationClass.Delete, "deletes rows", ObjectName(words, 2))
                    : new("DELETE", OperationClass.Destroy, "deletes every row of a table (no WHERE)", ObjectName(words, 2), Critical: true);
            case "UPDATE":
                return Has("WHERE")
                    ? new("UPDATE", OperationClass.Update, "updates rows", ObjectName(words, 1))
                    : new("UPDATE", OperationClass.Destroy, "overwrites every row of a table (no WHERE)", ObjectName(words, 1), Critical: true);
            case "ALTER":
                return Has("DROP")
                    ? new($"ALTER {Upper(1)} DROP", OperationClass.Destroy, "drops part of a schema object", ObjectName(words, 2), Critical: true)
                    : new($"ALTER {Upper(1)}", OperationClass.Update, "changes a schema object", ObjectName(words, 2));
            case "INSERT" or "MERGE" or "UPSERT" or "REPLACE":
                return new(verb, OperationClass.Update, "writes rows", ObjectName(words, verb == "INSERT" || verb == "REPLACE" ? 2 : 1));
            case "COPY":
                if (Has("PROGRAM")) return new("COPY PROGRAM", OperationClass.Exec, "runs a shell command on the database server", [], Critical: true, ShellCommand: s.LastString);
                return Has("FROM") ? new("COPY FROM", OperationClass.Update, "loads rows into a table", ObjectName(words, 1)) : new("COPY TO", OperationClass.Read, "exports rows", ObjectName(words, 1));
            case "CREATE" or "COMMENT" or "REFRESH" or "CLUSTER" or "REINDEX" or "VACUUM" or "ANALYZE" or "ANALYSE" or "CHECKPOINT" or "LOCK" or "IMPORT" or "SECURITY" or "RENAME":
                return new($"{verb} {Upper(1)}".TrimEnd(), OperationClass.Update, "changes the schema or storage", ObjectName(words, 2));
            case "GRANT" or "REVOKE" or "REASSIGN":
                return new(verb, OperationClass.Privilege, "changes database privileges", []);
            case "SYSTEM" or "PAGER":
                // mysql's client runs `system CMD` and pipes results through `pager CMD` (ClickHouse's SYSTEM … is server administration).
                return new(verb, OperationClass.Exec, "runs a shell command or server administration", [], ShellCommand: RestAfterFirstWord(s.Text), ClientSide: true);
            case "TEE":
                return new(verb, OperationClass.Update, "writes the session to a file", []);
            case "EDIT":
                return new(verb, OperationClass.Exec, "opens an editor and runs what it returns", []);
            case "CALL" or "DO" or "EXEC" or "EXECUTE" or "LOAD" or "SOURCE":
                return new(verb, OperationClass.Exec, "runs server-side code whose effect is unknown", []);
            default:
                if (ReadVerbs.Contains(verb)) return new(verb, OperationClass.Read, "session or transaction control", []);
                return new(verb, OperationClass.Update, $"runs an unrecognized statement '{verb}'", []);
        }
    }

    private static List<string> ObjectName(List<string> words, int from)
    {
        int i = from;
        while (i < words.Count && words[i].ToUpperInvariant() is "IF" or "EXISTS" or "NOT" or "ONLY" or "FROM" or "INTO" or "TABLE" or "CONCURRENTLY" or "TEMPORARY" or "TEMP" or "UNLOGGED" or "OR" or "REPLACE")
            i++;
        return i < words.Count ? [words[i].Trim('"', '`', ',', '(')] : [];
    }

    private static string RestAfterFirstWord(string text)
    {
        var t = text.Trim();
        int space = t.AsSpan().IndexOfAny(" \t\n");
        return space < 0 ? "" : t[(space + 1)..].Trim();
    }

    /// <summary>
    /// One statement: its top-level words, or a client command (<see cref="Meta"/>) with the query it ends (<see cref="Query"/>);
    /// <see cref="Nested"/> holds parenthesized bodies that are statements of their own (<c>(DELETE … RETURNING *)</c>).
    /// </summary>
    private sealed record Statement(string Text, List<string> TopLevelWords, string? Meta, string? LastString, List<string> Nested, string? Query = null);

    private static readonly HashSet<string> NestedVerbs = new(StringComparer.OrdinalIgnoreCase) { "INSERT", "UPDATE", "DELETE", "MERGE", "WITH" };

    private static List<Statement> Split(string sql)
    {
        var result = new List<Statement>();
        var words = new List<string>();
        var nested = new List<string>();
        // Open parentheses: where each opened, and whether a data-modifying verb starts it.
        var opens = new List<(int At, bool Statement)>();
        bool justOpened = false;
        int start = 0, i = 0;
        string? lastString = null;
        string? previous = null;

        void EndStatement(int end)
        {
            if (words.Count > 0)
            {
                previous = sql[start..end];
                result.Add(new Statement(previous, words, null, lastString, nested));
            }
            words = [];
            nested = [];
            opens.Clear();
            lastString = null;
        }

        while (i < sql.Length)
        {
            char c = sql[i];
            if (c == '-' && i + 1 < sql.Length && sql[i + 1] == '-') { i = SkipTo(sql, i, '\n'); continue; }
            if (c == '#' && words.Count == 0 && i + 1 < sql.Length && sql[i + 1] == ' ') { i = SkipTo(sql, i, '\n'); continue; }
            if (c == '/' && i + 1 < sql.Length && sql[i + 1] == '*')
            {
                int end = sql.IndexOf("*/", i + 2, StringComparison.Ordinal);
                i = end < 0 ? sql.Length : end + 2;
                continue;
            }
            // psql reads a backslash command anywhere outside quotes (`SELECT … \gexec`); it ends the query before it.
            // sqlite3 reads a dot command at the start of a line.
            if (c == '\\' || (c == '.' && words.Count == 0 && AtLineStart(sql, i)))
            {
                if (c == '\\' && i + 1 < sql.Length && sql[i + 1] == '\\') { i += 2; continue; }
                EndStatement(i);
                int end = SkipTo(sql, i, '\n');
                var meta = sql[i..end].Trim();
                result.Add(new Statement(meta, [], meta, null, [], previous));
                i = end;
                start = i;
                continue;
            }
            if (c is '\'' or '"' or '`')
            {
                justOpened = false;
                int end = i + 1;
                while (end < sql.Length && (sql[end] != c || (end + 1 < sql.Length && sql[end + 1] == c && ++end > 0))) end++;
                if (c == '\'') lastString = sql[(i + 1)..Math.Min(end, sql.Length)];
                else if (opens.Count == 0) words.Add(sql[i..Math.Min(end + 1, sql.Length)]);
                i = end + 1;
                continue;
            }
            if (c == '$')
            {
                int tagEnd = i + 1;
                while (tagEnd < sql.Length && (char.IsLetterOrDigit(sql[tagEnd]) || sql[tagEnd] == '_')) tagEnd++;
                if (tagEnd < sql.Length && sql[tagEnd] == '$')
                {
                    justOpened = false;
                    var tag = sql[i..(tagEnd + 1)];
                    int close = sql.IndexOf(tag, tagEnd + 1, StringComparison.Ordinal);
                    i = close < 0 ? sql.Length : close + tag.Length;
                    continue;
                }
            }
            if (c == '(') { opens.Add((i, false)); justOpened = true; i++; continue; }
            if (c == ')')
            {
                justOpened = false;
                if (opens.Count > 0)
                {
                    var (at, statement) = opens[^1];
                    opens.RemoveAt(opens.Count - 1);
                    if (statement) nested.Add(sql[(at + 1)..i]);
                }
                i++;
                continue;
            }
            if (c == ';' && opens.Count == 0)
            {
                EndStatement(i);
                i++;
                start = i;
                continue;
            }
            if (char.IsLetter(c) || c == '_')
            {
                int end = i;
                while (end < sql.Length && (char.IsLetterOrDigit(sql[end]) || sql[end] is '_' or '.')) end++;
                if (opens.Count == 0) words.Add(sql[i..end]);
                else if (justOpened && NestedVerbs.Contains(sql[i..end])) opens[^1] = (opens[^1].At, true);
                justOpened = false;
                i = end;
                continue;
            }
            if (!char.IsWhiteSpace(c)) justOpened = false;
            i++;
        }
        if (words.Count > 0) result.Add(new Statement(sql[start..], words, null, lastString, nested));
        return result;
    }

    private static bool AtLineStart(string sql, int i)
    {
        while (i > 0 && sql[i - 1] is ' ' or '\t') i--;
        return i == 0 || sql[i - 1] == '\n';
    }

    private static int SkipTo(string s, int from, char c)
    {
        int idx = s.IndexOf(c, from);
        return idx < 0 ? s.Length : idx;
    }
}
