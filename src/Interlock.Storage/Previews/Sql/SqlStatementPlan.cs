using System.Text.RegularExpressions;
using Interlock.Actions;
using Interlock.Knowledge.Statements;

namespace Interlock.Storage.Previews.Sql;

/// <summary>What the previewer does with one statement.</summary>
public enum SqlStep
{
    /// <summary>Run inside the rolled-back transaction and count its rows.</summary>
    Run,
    /// <summary>Count the rows of the tables it drops or empties, list what depends on them, then run it.</summary>
    CountAndRun,
    /// <summary>Count the tables and rows it would remove without running it (it cannot run in a transaction).</summary>
    CountOnly,
    /// <summary>Nothing to preview: it only reads, or it is transaction control the preview does itself.</summary>
    Skip,
    /// <summary>Not run: running it could reach beyond the transaction. The preview is incomplete.</summary>
    Refuse,
}

/// <summary>
/// One statement and what to do with it: <see cref="Why"/> says why it is skipped or refused; <see cref="Objects"/> are
/// the tables (or schema, database) a DROP/TRUNCATE names, as written.
/// </summary>
public sealed record SqlPlannedStatement(string Text, string Verb, SqlStep Step, string? Why, IReadOnlyList<string> Objects, bool Cascade, bool Destructive);

/// <summary>
/// Decides, statement by statement (split and classified by <see cref="SqlStatementAnalyzer"/>), what is safe to run in
/// a transaction that is rolled back: data changes and transactional schema changes are; statements that cannot run
/// in a transaction, reach files, programs or other servers, or call functions whose effect survives a rollback are not.
/// </summary>
public static partial class SqlStatementPlan
{
    /// <summary>Functions whose effect is outside the transaction: a rollback does not undo them.</summary>
    private static readonly string[] OutsideFunctions =
    [
        "pg_terminate_backend", "pg_cancel_backend", "dblink", "dblink_exec", "dblink_connect", "pg_read_file", "pg_read_binary_file",
        "lo_import", "lo_export", "lo_unlink", "pg_reload_conf", "pg_rotate_logfile", "pg_promote", "pg_switch_wal", "pg_create_restore_point",
        "pg_create_physical_replication_slot", "pg_create_logical_replication_slot", "pg_drop_replication_slot", "pg_logical_emit_message",
        "pg_file_write", "pg_file_unlink", "pg_file_rename", "pg_ls_dir", "nextval", "setval", "set_config", "pg_advisory_lock",
        "pg_advisory_xact_lock", "load_extension", "writefile", "readfile", "edit", "fts3_tokenizer", "sqlite_dbpage",
    ];

    private static readonly HashSet<string> TransactionControl = new(StringComparer.OrdinalIgnoreCase)
    { "BEGIN", "START", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE", "ABORT" };

    /// <summary>The plan for every statement of <paramref name="sql"/>, in order.</summary>
    public static IReadOnlyList<SqlPlannedStatement> Plan(string sql, SqlEngine engine) =>
        [.. SqlStatementAnalyzer.Statements(sql).Where(s => s.Findings.Count > 0).Select(s => PlanOne(s, engine))];

    private static SqlPlannedStatement PlanOne(SqlStatementText s, SqlEngine engine)
    {
        var primary = s.Findings[0];
        var verb = primary.Verb.ToUpperInvariant();
        SqlPlannedStatement Make(SqlStep step, string? why = null, IReadOnlyList<string>? objects = null, bool cascade = false, bool destructive = false) =>
            new(s.Text, primary.Verb, step, why, objects ?? [], cascade, destructive);

        if (s.ClientCommand)
            return s.Findings.All(f => f.Class == OperationClass.Read)
                ? Make(SqlStep.Skip, "client command, not sent to the server")
                : Make(SqlStep.Refuse, $"client command: {primary.Reason}");
        if (s.Findings.Skip(1).FirstOrDefault(f => f.Class is not OperationClass.Read and not OperationClass.Update and not OperationClass.Delete and not OperationClass.Destroy and not OperationClass.Create
                || f.Verb.EndsWith("()", StringComparison.Ordinal) || f.ShellCommand is not null) is { } reaching)
            return Make(SqlStep.Refuse, reaching.Reason);
        if (primary.ShellCommand is not null) return Make(SqlStep.Refuse, primary.Reason);
        var lower = s.Text.ToLowerInvariant();
        foreach (var fn in OutsideFunctions)
            if (Calls(lower, fn)) return Make(SqlStep.Refuse, $"calls {fn}(), whose effect a rollback does not undo");

        var first = verb.Split(' ')[0];
        if (TransactionControl.Contains(first)) return Make(SqlStep.Skip, "transaction control: the preview runs everything in one transaction it rolls back");
        if (first is "SET" or "RESET")
            return lower.Contains("timeout", StringComparison.Ordinal) || lower.Contains(" all", StringComparison.Ordinal) || engine == SqlEngine.Sqlite
                ? Make(SqlStep.Refuse, "changes session settings the preview relies on")
                : Make(SqlStep.Run);
        if (first == "PRAGMA")
            return s.Text.Contains('=', StringComparison.Ordinal) || s.Text.Contains('(', StringComparison.Ordinal)
                ? Make(SqlStep.Refuse, "sets a SQLite pragma, which may persist outside the transaction")
                : Make(SqlStep.Skip, "reads a SQLite pragma");
        // `WITH d AS (DELETE … RETURNING *) SELECT …` reads at the top and writes in its CTE.
        if (primary.Class == OperationClass.Read)
            return s.Findings.Any(f => f.Class != OperationClass.Read) ? Make(SqlStep.Run, destructive: true) : Make(SqlStep.Skip, "reads only");
        if (lower.Contains("concurrently", StringComparison.Ordinal)) return Make(SqlStep.Refuse, "CONCURRENTLY cannot run inside a transaction");

        var second = verb.Split(' ').ElementAtOrDefault(1) ?? "";
        switch (first)
        {
            case "INSERT" or "UPDATE" or "DELETE" or "MERGE" or "REPLACE" or "UPSERT" or "COMMENT":
                return Make(SqlStep.Run, destructive: first is "UPDATE" or "DELETE" or "MERGE" or "REPLACE");
            case "SELECT" when verb == "SELECT INTO":
                return Make(SqlStep.Run);
            case "TRUNCATE":
                return Make(SqlStep.CountAndRun, objects: Names(s.Text, "TRUNCATE"), cascade: HasWord(lower, "cascade"), destructive: true);
            case "DROP" when second is "DATABASE":
                return engine == SqlEngine.Postgres
                    ? Make(SqlStep.CountOnly, "DROP DATABASE cannot run inside a transaction: counted, not run", Names(s.Text, "DROP DATABASE"), destructive: true)
                    : Make(SqlStep.Refuse, "not a SQLite statement");
            case "DROP" when second is "TABLE":
                return Make(SqlStep.CountAndRun, objects: Names(s.Text, "DROP TABLE"), cascade: HasWord(lower, "cascade"), destructive: true);
            case "DROP" when second is "SCHEMA":
                return Make(SqlStep.CountAndRun, objects: Names(s.Text, "DROP SCHEMA"), cascade: HasWord(lower, "cascade"), destructive: true);
            case "DROP" when second is "VIEW" or "INDEX" or "SEQUENCE" or "TRIGGER" or "TYPE" or "MATERIALIZED" or "FUNCTION" or "PROCEDURE" or "DOMAIN" or "RULE" or "POLICY":
                return Make(SqlStep.Run, destructive: true);
            case "ALTER" when second is "TABLE" or "VIEW" or "INDEX" or "SEQUENCE" or "TYPE" or "DOMAIN" or "MATERIALIZED":
                return Make(SqlStep.Run, destructive: verb.EndsWith(" DROP", StringComparison.Ordinal));
            case "CREATE" when second is "TABLE" or "VIEW" or "INDEX" or "UNIQUE" or "SEQUENCE" or "TRIGGER" or "TEMP" or "TEMPORARY" or "MATERIALIZED" or "SCHEMA" or "TYPE" or "DOMAIN" or "OR":
                return Make(SqlStep.Run);
            case "VACUUM" or "CHECKPOINT" or "CLUSTER" or "REINDEX":
                return Make(SqlStep.Refuse, $"{first} maintains storage and cannot be previewed in a transaction");
            case "CREATE" or "DROP" or "ALTER" when second is "DATABASE" or "TABLESPACE" or "SYSTEM" or "SUBSCRIPTION" or "ROLE" or "USER" or "EXTENSION" or "SERVER":
                return Make(SqlStep.Refuse, $"{first} {second} acts outside one database's transaction");
            case "COPY":
                return Make(SqlStep.Refuse, "COPY reads or writes outside the database");
            case "GRANT" or "REVOKE" or "REASSIGN":
                return Make(SqlStep.Refuse, "changes privileges; not previewed");
            default:
                return Make(SqlStep.Refuse, $"{primary.Verb}: {primary.Reason}; not previewed");
        }
    }

    /// <summary>The object names after <paramref name="prefix"/> (<c>DROP TABLE IF EXISTS a, b CASCADE</c> gives a and b).</summary>
    internal static IReadOnlyList<string> Names(string text, string prefix)
    {
        var rest = KeywordPrefix().Replace(text, "", 1);
        var words = prefix.Split(' ');
        // Skip the statement's own keywords, then IF EXISTS / TABLE / ONLY.
        var m = Regex.Match(rest, @"^\s*" + string.Join(@"\s+", words) + @"\s+(?:TABLE\s+)?(?:IF\s+EXISTS\s+)?(?:ONLY\s+)?(.*)$", RegexOptions.IgnoreCase | RegexOptions.Singleline);
        if (!m.Success) return [];
        var names = new List<string>();
        foreach (var part in m.Groups[1].Value.Split(','))
        {
            var name = part.Trim().TrimEnd(';').Trim();
            var token = NameToken().Match(name);
            if (token.Success) names.Add(token.Value.TrimEnd('*').Trim());
        }
        return names;
    }

    private static bool HasWord(string lower, string word) => Regex.IsMatch(lower, $@"\b{word}\b");

    private static bool Calls(string lower, string fn) => Regex.IsMatch(lower, $@"(?<![a-z0-9_$.]){Regex.Escape(fn)}\s*\(");

    [GeneratedRegex(@"^(\s|--[^\n]*\n|/\*.*?\*/)*", RegexOptions.Singleline)]
    private static partial Regex KeywordPrefix();

    /// <summary>An identifier, maybe schema-qualified, maybe quoted: <c>public."Order Items"</c>.</summary>
    [GeneratedRegex(@"^(?:""(?:[^""]|"""")+""|[A-Za-z_][A-Za-z0-9_$]*)(?:\.(?:""(?:[^""]|"""")+""|[A-Za-z_][A-Za-z0-9_$]*))?")]
    private static partial Regex NameToken();
}
