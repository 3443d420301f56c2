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

    /// <summary>One finding per statement; empty input gives none.</summary>
    public static IReadOnlyList<StatementFinding> Analyze(string sql)
    {
        var findings = new List<StatementFinding>();
        foreach (var statement in Split(sql))
        {
            var f = Classify(statement);
            if (f is not null) findings.Add(f);
        }
        return findings;
    }

    private static StatementFinding? Classify(Statement s)
    {
        var words = s.TopLevelWords;
        if (words.Count == 0) return s.Meta is null ? null : ClassifyMeta(s.Meta);
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
            case "CALL" or "DO" or "EXEC" or "EXECUTE" or "LOAD" or "SOURCE":
                return new(verb, OperationClass.Exec, "runs server-side code whose effect is unknown", []);
            default:
                if (ReadVerbs.Contains(verb)) return new(verb, OperationClass.Read, "session or transaction control", []);
                return new(verb, OperationClass.Update, $"runs an unrecognized statement '{verb}'", []);
        }
    }

    private static StatementFinding? ClassifyMeta(string meta)
    {
        // psql backslash commands: \d, \l, \dt … read; \! runs a shell; \i/\ir run a file; \copy moves data.
        if (meta.StartsWith("\\!", StringComparison.Ordinal))
            return new("\\!", OperationClass.Exec, "runs a shell command", [], ShellCommand: meta[2..].Trim());
        // sqlite3 dot commands
        if (meta.StartsWith(".shell ", StringComparison.Ordinal) || meta.StartsWith(".system ", StringComparison.Ordinal))
            return new(".shell", OperationClass.Exec, "runs a shell command", [], ShellCommand: meta[(meta.IndexOf(' ', StringComparison.Ordinal) + 1)..].Trim());
        if (meta.StartsWith(".restore", StringComparison.Ordinal))
            return new(".restore", OperationClass.Destroy, "replaces the database with a backup", [], Critical: true);
        if (meta.StartsWith(".import", StringComparison.Ordinal) || meta.StartsWith(".output", StringComparison.Ordinal) || meta.StartsWith(".once", StringComparison.Ordinal) || meta.StartsWith(".save", StringComparison.Ordinal) || meta.StartsWith(".backup", StringComparison.Ordinal))
            return new(meta.Split(' ')[0], OperationClass.Update, "writes rows or files", []);
        if (meta.StartsWith("\\i", StringComparison.Ordinal) || meta.StartsWith("\\include", StringComparison.Ordinal))
            return new("\\i", OperationClass.Exec, "runs a SQL file whose statements are unknown", []);
        if (meta.StartsWith("\\copy", StringComparison.Ordinal))
            return meta.Contains(" from ", StringComparison.OrdinalIgnoreCase)
                ? new("\\copy from", OperationClass.Update, "loads rows into a table", [])
                : new("\\copy to", OperationClass.Read, "exports rows", []);
        return new(meta.Split(' ')[0], OperationClass.Read, "reads database metadata", []);
    }

    private static List<string> ObjectName(List<string> words, int from)
    {
        int i = from;
        while (i < words.Count && words[i].ToUpperInvariant() is "IF" or "EXISTS" or "NOT" or "ONLY" or "FROM" or "INTO" or "TABLE" or "CONCURRENTLY" or "TEMPORARY" or "TEMP" or "UNLOGGED" or "OR" or "REPLACE")
            i++;
        return i < words.Count ? [words[i].Trim('"', '`', ',', '(')] : [];
    }

    private sealed record Statement(string Text, List<string> TopLevelWords, string? Meta, string? LastString);

    private static List<Statement> Split(string sql)
    {
        var result = new List<Statement>();
        var words = new List<string>();
        int start = 0, depth = 0, i = 0;
        string? lastString = null;
        string? meta = null;
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
            if ((c == '\\' || (c == '.' && (i == 0 || sql[i - 1] == '\n'))) && words.Count == 0 && depth == 0)
            {
                int end = SkipTo(sql, i, '\n');
                meta = sql[i..end].Trim();
                result.Add(new Statement(meta, [], meta, null));
                meta = null;
                i = end;
                start = i;
                continue;
            }
            if (c is '\'' or '"' or '`')
            {
                int end = i + 1;
                while (end < sql.Length && (sql[end] != c || (end + 1 < sql.Length && sql[end + 1] == c && ++end > 0))) end++;
                if (c == '\'') lastString = sql[(i + 1)..Math.Min(end, sql.Length)];
                else if (depth == 0) words.Add(sql[i..Math.Min(end + 1, sql.Length)]);
                i = end + 1;
                continue;
            }
            if (c == '$')
            {
                int tagEnd = i + 1;
                while (tagEnd < sql.Length && (char.IsLetterOrDigit(sql[tagEnd]) || sql[tagEnd] == '_')) tagEnd++;
                if (tagEnd < sql.Length && sql[tagEnd] == '$')
                {
                    var tag = sql[i..(tagEnd + 1)];
                    int close = sql.IndexOf(tag, tagEnd + 1, StringComparison.Ordinal);
                    i = close < 0 ? sql.Length : close + tag.Length;
                    continue;
                }
            }
            if (c == '(') { depth++; i++; continue; }
            if (c == ')') { if (depth > 0) depth--; i++; continue; }
            if (c == ';' && depth == 0)
            {
                if (words.Count > 0) result.Add(new Statement(sql[start..i], words, null, lastString));
                words = [];
                lastString = null;
                i++;
                start = i;
                continue;
            }
            if (char.IsLetter(c) || c == '_')
            {
                int end = i;
                while (end < sql.Length && (char.IsLetterOrDigit(sql[end]) || sql[end] is '_' or '.')) end++;
                if (depth == 0) words.Add(sql[i..end]);
                i = end;
                continue;
            }
            i++;
        }
        if (words.Count > 0) result.Add(new Statement(sql[start..], words, null, lastString));
        return result;
    }

    private static int SkipTo(string s, int from, char c)
    {
        int idx = s.IndexOf(c, from);
        return idx < 0 ? s.Length : idx;
    }
}
