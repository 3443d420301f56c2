using System.Data.Common;
using System.Globalization;
using Interlock.Previews;
using Interlock.Risk;
using Npgsql;
using SQLitePCL;

namespace Interlock.Storage.Previews.Sql;

/// <summary>
/// One sql preview being built: runs each session's plan against its database inside a rolled-back transaction and
/// collects statements, rows, tables and dependents under the budget (items listed, rows counted).
/// </summary>
internal sealed class SqlPreviewRun(string previewer, PreviewBudget budget)
{
    private readonly List<PreviewItem> _items = [];
    private readonly List<string> _limits = [];
    private readonly List<string> _dropped = [];
    private readonly List<string> _databases = [];
    private long _omitted;
    private long _rows;
    private long _scanned;
    private bool _capped;
    private bool _destructive;
    private int _failed;
    private int _refused;
    private int _blocked;

    public void Limit(string why) => _limits.Add(why);

    public void Blocked(SqlSession session, string why)
    {
        _blocked++;
        _limits.Add(why);
        Add(new PreviewItem("statement", session.Sql.Count > 0 ? Short(session.Sql[0]) : session.Program, "not run: " + why));
    }

    public async Task SessionAsync(SqlSession session, CancellationToken cancellationToken)
    {
        _databases.Add(session.Display);
        if (session.Problem is { } problem) { _limits.Add($"{session.Program} {problem}"); return; }
        var plan = session.Sql.SelectMany(sql => SqlStatementPlan.Plan(sql, session.Engine)).ToList();
        foreach (var s in plan.Where(s => s.Step == SqlStep.Refuse))
        {
            _refused++;
            _limits.Add($"not run: {Short(s.Text, 60)} ({s.Why})");
        }
        if (!plan.Any(s => s.Step is SqlStep.Run or SqlStep.CountAndRun or SqlStep.CountOnly))
        {
            foreach (var s in plan) Add(new PreviewItem("statement", Short(s.Text), "not run: " + s.Why));
            return;
        }
        if (session.Engine == SqlEngine.Sqlite && !File.Exists(session.Connection))
        {
            Add(new PreviewItem("database", session.Display, $"does not exist: {session.Program} would create it empty"));
            return;
        }
        ISqlPreviewConnection connection;
        try
        {
            connection = session.Engine == SqlEngine.Sqlite
                ? SqlitePreviewConnection.Open(session.Connection!, budget.Time)
                : await PostgresPreviewConnection.OpenAsync(session.Connection!, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is DbException or InvalidOperationException or TimeoutException or System.Net.Sockets.SocketException)
        {
            _limits.Add($"could not connect to {session.Display}: {ex.Message}");
            return;
        }
        int index = 0;
        try
        {
            await connection.BeginAsync(budget.Time, cancellationToken).ConfigureAwait(false);
            for (; index < plan.Count; index++)
                if (!await StatementAsync(connection, session, plan[index], index + 1, cancellationToken).ConfigureAwait(false))
                {
                    if (plan.Skip(index + 1).Any(s => s.Step is not (SqlStep.Skip or SqlStep.Refuse)))
                        _limits.Add($"statement {index + 1} fails, so the statements after it were not previewed");
                    break;
                }
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is OperationCanceledException or DbException)
        {
            _limits.Add($"cut off by the time budget while running statement {index + 1}");
        }
        catch (InvalidOperationException ex)
        {
            _limits.Add($"statement {index + 1}: {ex.Message}");
        }
        finally
        {
            // ALWAYS: nothing a preview ran is ever committed.
            await connection.RollbackAsync().ConfigureAwait(false);
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Previews one statement; false when it fails (the statements after it are not run).</summary>
    private async Task<bool> StatementAsync(ISqlPreviewConnection connection, SqlSession session, SqlPlannedStatement s, int number, CancellationToken cancellationToken)
    {
        if (s.Step is SqlStep.Skip or SqlStep.Refuse)
        {
            Add(new PreviewItem("statement", Short(s.Text), "not run: " + s.Why));
            return true;
        }
        var counted = new List<PreviewItem>();
        long rows = 0;
        if (s.Step is SqlStep.CountAndRun or SqlStep.CountOnly)
            rows = await CountObjectsAsync(connection, session, s, counted, cancellationToken).ConfigureAwait(false);
        if (s.Step == SqlStep.CountOnly)
        {
            Add(new PreviewItem("statement", Short(s.Text), $"{Rows(rows)} (not run: {s.Why})"));
            Finish(s, rows, counted);
            return true;
        }
        long changed;
        try
        {
            changed = await connection.ExecuteAsync(s.Text, cancellationToken).ConfigureAwait(false);
        }
        catch (DbException ex) when (!cancellationToken.IsCancellationRequested && !IsInterrupt(ex))
        {
            _failed++;
            Add(new PreviewItem("statement", Short(s.Text), "fails: " + Message(ex)));
            foreach (var item in counted) Add(item);
            return false;
        }
        // DROP/TRUNCATE report no rows themselves: the rows are those of the tables that go.
        if (s.Step == SqlStep.Run) rows = changed;
        Add(new PreviewItem("statement", Short(s.Text), Rows(rows)));
        Finish(s, rows, counted);
        _ = number;
        return true;
    }

    private void Finish(SqlPlannedStatement s, long rows, List<PreviewItem> counted)
    {
        foreach (var item in counted) Add(item);
        _rows += rows;
        if (s.Destructive) _destructive = true;
    }

    /// <summary>Counts the rows of every table a DROP TABLE / TRUNCATE / DROP SCHEMA / DROP DATABASE removes, with its dependents.</summary>
    private async Task<long> CountObjectsAsync(ISqlPreviewConnection connection, SqlSession session, SqlPlannedStatement s, List<PreviewItem> items, CancellationToken cancellationToken)
    {
        var verb = s.Verb.ToUpperInvariant();
        long rows = 0;
        if (verb == "DROP DATABASE")
        {
            foreach (var db in s.Objects)
            {
                var builder = new NpgsqlConnectionStringBuilder(session.Connection) { Database = PostgresPreviewConnection.Identifier(db) };
                await using var other = await PostgresPreviewConnection.OpenAsync(builder.ConnectionString, cancellationToken).ConfigureAwait(false);
                var tables = await other.TablesAsync(null, cancellationToken).ConfigureAwait(false);
                long before = rows;
                foreach (var t in tables) rows += await CountTableAsync(other, t, items, withDependents: false, cancellationToken).ConfigureAwait(false);
                items.Insert(0, new PreviewItem("database", db, $"{tables.Count} tables, {Rows(rows - before)}"));
                _dropped.Add("database " + db);
            }
            return rows;
        }
        if (verb == "DROP SCHEMA")
        {
            foreach (var schema in s.Objects)
            {
                var tables = await connection.TablesAsync(schema, cancellationToken).ConfigureAwait(false);
                long before = rows;
                foreach (var t in tables) rows += await CountTableAsync(connection, t, items, withDependents: false, cancellationToken).ConfigureAwait(false);
                items.Insert(0, new PreviewItem("schema", schema, $"{tables.Count} tables, {Rows(rows - before)}"));
                _dropped.Add("schema " + schema);
            }
            return rows;
        }
        var queue = new Queue<string>(s.Objects);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (queue.Count > 0)
        {
            var name = queue.Dequeue();
            if (!seen.Add(name)) continue;
            var before = items.Count;
            rows += await CountTableAsync(connection, name, items, withDependents: true, cancellationToken).ConfigureAwait(false);
            // TRUNCATE … CASCADE empties the tables whose foreign keys reference this one as well.
            if (verb == "TRUNCATE" && s.Cascade && items.Count > before && items[before].Kind == "table")
                foreach (var r in await connection.ReferencingTablesAsync(items[before].Text, cancellationToken).ConfigureAwait(false))
                    queue.Enqueue(r);
        }
        return rows;
    }

    private async Task<long> CountTableAsync(ISqlPreviewConnection connection, string name, List<PreviewItem> items, bool withDependents, CancellationToken cancellationToken)
    {
        long cap = Math.Max(0, budget.MaxEntries - _scanned);
        var table = await connection.CountAsync(name, cap, cancellationToken).ConfigureAwait(false);
        if (table is null)
        {
            items.Add(new PreviewItem("table", name, "no such table"));
            return 0;
        }
        _scanned += table.Rows;
        if (table.Capped)
        {
            _capped = true;
            _limits.Add($"the row count stopped at the budget of {budget.MaxEntries} rows scanned");
        }
        items.Add(new PreviewItem("table", table.Name, (table.Capped ? "at least " : "") + Rows(table.Rows) + " would go"));
        if (!_dropped.Contains(table.Name, StringComparer.Ordinal)) _dropped.Add(table.Name);
        if (withDependents) items.AddRange(await connection.DependentsAsync(table.Name, cancellationToken).ConfigureAwait(false));
        return table.Rows;
    }

    public Preview ToPreview()
    {
        var where = _databases.Count == 0 ? "" : " in " + string.Join(", ", _databases.Distinct(StringComparer.Ordinal));
        string headline;
        if (_blocked > 0 && _databases.Count == 0) headline = $"not previewed: {_limits[0]}";
        else
        {
            headline = $"{(_capped ? "at least " : "")}{Rows(_rows)} would change{where}";
            if (_dropped.Count > 0) headline += $"; would drop or empty {string.Join(", ", _dropped.Take(5))}{(_dropped.Count > 5 ? $" and {_dropped.Count - 5} more" : "")}";
            if (_failed > 0) headline += "; a statement would fail";
            if (_refused > 0) headline += $"; {_refused} statement{(_refused == 1 ? "" : "s")} not run";
            if (_blocked > 0) headline += $"; not previewed: {_limits[0]}";
        }
        return new Preview
        {
            Previewer = previewer, Headline = headline,
            Status = _limits.Count == 0 ? PreviewStatus.Complete : PreviewStatus.Incomplete,
            Limit = _limits.Count == 0 ? null : string.Join("; ", _limits.Distinct(StringComparer.Ordinal)),
            Count = _rows, Unit = "rows",
            // No preview knows of a backup: rows deleted, overwritten or dropped are gone once committed.
            Reversibility = _destructive ? Reversibility.Irreversible : null,
            Items = _items, ItemsOmitted = _omitted,
        };
    }

    private void Add(PreviewItem item)
    {
        if (_items.Count < budget.MaxItems) _items.Add(item);
        else _omitted++;
    }

    private static bool IsInterrupt(DbException ex) => ex is Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: raw.SQLITE_INTERRUPT };

    /// <summary>The server's message without anything from the connection string.</summary>
    private static string Message(DbException ex) => ex is PostgresException pg ? pg.MessageText : ex.Message.Replace("SQLite Error ", "", StringComparison.Ordinal);

    internal static string Rows(long n) => n.ToString(CultureInfo.InvariantCulture) + (n == 1 ? " row" : " rows");

    /// <summary>A statement on one line, shortened for a reviewer.</summary>
    internal static string Short(string text, int max = 120)
    {
        var one = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        return one.Length <= max ? one : one[..(max - 1)] + "…";
    }
}
