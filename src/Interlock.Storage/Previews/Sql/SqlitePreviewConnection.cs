using System.Globalization;
using System.Text.RegularExpressions;
using Interlock.Previews;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Interlock.Storage.Previews.Sql;

/// <summary>
/// SQLite under a preview: the existing file opened read-write without creating it and unpooled, <c>BEGIN</c>, each
/// statement interrupted (<c>sqlite3_interrupt</c>) when the token is cancelled, only one statement per call (the
/// driver would run a second one, so a text whose tail is not empty is refused), the connection checked to be still
/// inside the transaction after every statement, and <c>ROLLBACK</c> whatever happens.
/// </summary>
internal sealed partial class SqlitePreviewConnection : ISqlPreviewConnection
{
    private readonly SqliteConnection _connection;
    private bool _open;

    private SqlitePreviewConnection(SqliteConnection connection) => _connection = connection;

    /// <summary>Opens <paramref name="path"/>, which must exist (the caller checks; Mode=ReadWrite never creates one).</summary>
    public static SqlitePreviewConnection Open(string path, TimeSpan busyTimeout)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            // ForeignKeys off as the sqlite3 shell has it (Microsoft.Data.Sqlite would turn them on).
            DataSource = path, Mode = SqliteOpenMode.ReadWrite, Pooling = false, ForeignKeys = false,
            DefaultTimeout = Math.Clamp((int)Math.Ceiling(busyTimeout.TotalSeconds), 1, 30),
        }.ToString());
        try
        {
            connection.Open();
        }
        catch
        {
            connection.Dispose();
            throw;
        }
        var opened = new SqlitePreviewConnection(connection);
        opened.InstallProgressHandler();
        return opened;
    }

    public Task BeginAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        Run("BEGIN", cancellationToken);
        _open = true;
        return Task.CompletedTask;
    }

    public Task<long> ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        EnsureSingle(sql);
        long before = TotalChanges();
        Run(sql, cancellationToken);
        // Still inside our transaction? A statement that ended it would have made its changes permanent.
        if (raw.sqlite3_get_autocommit(_connection.Handle) != 0)
            throw new InvalidOperationException("the statement ended the preview's transaction");
        return Task.FromResult(TotalChanges() - before);
    }

    public Task<CountedTable?> CountAsync(string name, long cap, CancellationToken cancellationToken)
    {
        var table = Resolve(name, "table");
        if (table is null) return Task.FromResult<CountedTable?>(null);
        var rows = Convert.ToInt64(Scalar($"SELECT count(*) FROM (SELECT 1 FROM {Quote(table)} LIMIT {cap + 1})", cancellationToken), CultureInfo.InvariantCulture);
        return Task.FromResult<CountedTable?>(new CountedTable(table, Math.Min(rows, cap), rows > cap));
    }

    public Task<IReadOnlyList<PreviewItem>> DependentsAsync(string table, CancellationToken cancellationToken)
    {
        var items = new List<PreviewItem>();
        var word = new Regex($@"(?<![A-Za-z0-9_$]){Regex.Escape(table)}(?![A-Za-z0-9_$])", RegexOptions.IgnoreCase);
        foreach (var (name, sql) in Rows("SELECT name, sql FROM sqlite_master WHERE type = 'view' ORDER BY name", null, cancellationToken))
            if (word.IsMatch(sql)) items.Add(new PreviewItem("view", name, $"depends on {table}"));
        foreach (var (name, sql) in Rows("SELECT name, tbl_name || char(10) || sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name", null, cancellationToken))
        {
            var on = sql[..sql.IndexOf('\n', StringComparison.Ordinal)];
            if (on.Equals(table, StringComparison.OrdinalIgnoreCase)) items.Add(new PreviewItem("trigger", name, $"on {table}"));
            else if (word.IsMatch(sql)) items.Add(new PreviewItem("trigger", name, $"on {on}, refers to {table}"));
        }
        foreach (var (from, column) in Rows(ForeignKeys, table, cancellationToken))
            items.Add(new PreviewItem("foreign_key", $"{from}.{column}", $"{from} references {table}"));
        return Task.FromResult<IReadOnlyList<PreviewItem>>(items);
    }

    public Task<IReadOnlyList<string>> ReferencingTablesAsync(string table, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([.. Rows(ForeignKeys, table, cancellationToken).Select(r => r.A).Distinct(StringComparer.OrdinalIgnoreCase)]);

    public Task<IReadOnlyList<string>> TablesAsync(string? schema, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([.. Rows("SELECT name, '' FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name", null, cancellationToken).Select(r => r.A)]);

    public Task RollbackAsync()
    {
        if (!_open) return Task.CompletedTask;
        _open = false;
        try
        {
            if (raw.sqlite3_get_autocommit(_connection.Handle) == 0) Run("ROLLBACK", CancellationToken.None);
        }
        catch (SqliteException)
        {
            // Closing the connection rolls back an open transaction, which DisposeAsync does next.
        }
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await RollbackAsync().ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    private const string ForeignKeys = """
        SELECT m.name, f."from" FROM sqlite_master m, pragma_foreign_key_list(m.name) f
        WHERE m.type = 'table' AND f."table" = $p COLLATE NOCASE AND m.name <> $p COLLATE NOCASE ORDER BY m.name, f.id
        """;

    /// <summary>Refuses SQL holding more than one statement: Microsoft.Data.Sqlite would run them all, a COMMIT among them.</summary>
    private void EnsureSingle(string sql)
    {
        var rc = raw.sqlite3_prepare_v2(_connection.Handle, sql, out var stmt, out var tail);
        stmt.Dispose();
        if (rc != raw.SQLITE_OK) return; // running it reports the error
        if (CommentsOnly().IsMatch(tail ?? "")) return;
        throw new InvalidOperationException("the text holds more than one statement where one was expected; not run");
    }

    private string? Resolve(string name, string type)
    {
        var bare = Unquote(name.StartsWith("main.", StringComparison.OrdinalIgnoreCase) ? name[5..] : name);
        return Rows("SELECT name, '' FROM sqlite_master WHERE type = '" + type + "' AND name = $p COLLATE NOCASE", bare, CancellationToken.None).Select(r => r.A).FirstOrDefault();
    }

    private static string Unquote(string name) =>
        name.Length >= 2 && (name[0], name[^1]) is ('"', '"') or ('`', '`') or ('[', ']') ? name[1..^1] : name;

    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private long TotalChanges() => Convert.ToInt64(Scalar("SELECT total_changes()", CancellationToken.None), CultureInfo.InvariantCulture);

    private void Run(string sql, CancellationToken cancellationToken)
    {
        using var cmd = Command(sql, null);
        using var _ = Interrupt(cancellationToken);
        cmd.ExecuteNonQuery();
        cancellationToken.ThrowIfCancellationRequested();
    }

    private object? Scalar(string sql, CancellationToken cancellationToken)
    {
        using var cmd = Command(sql, null);
        using var _ = Interrupt(cancellationToken);
        return cmd.ExecuteScalar();
    }

    private List<(string A, string B)> Rows(string sql, string? parameter, CancellationToken cancellationToken)
    {
        using var cmd = Command(sql, parameter);
        using var _ = Interrupt(cancellationToken);
        using var reader = cmd.ExecuteReader();
        var rows = new List<(string, string)>();
        while (reader.Read()) rows.Add((reader.GetString(0), reader.IsDBNull(1) ? "" : reader.GetString(1)));
        return rows;
    }

    private SqliteCommand Command(string sql, string? parameter)
    {
        var cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        if (parameter is not null) cmd.Parameters.AddWithValue("$p", parameter);
        return cmd;
    }

    /// <summary>
    /// The token of the statement running now: SQLite's progress handler polls it and interrupts the statement once it
    /// is cancelled (polling, unlike <c>sqlite3_interrupt</c> from a callback, cannot fire before the statement starts and be lost).
    /// </summary>
    private CancellationToken _current;

    private Scope Interrupt(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        _current = cancellationToken;
        return new Scope(this);
    }

    private readonly struct Scope(SqlitePreviewConnection owner) : IDisposable
    {
        public void Dispose() => owner._current = CancellationToken.None;
    }

    private void InstallProgressHandler() =>
        raw.sqlite3_progress_handler(_connection.Handle, 1000, static state => ((SqlitePreviewConnection)state)._current.IsCancellationRequested ? 1 : 0, this);

    [GeneratedRegex(@"^(\s|;|--[^\n]*(\n|$)|/\*.*?\*/)*$", RegexOptions.Singleline)]
    private static partial Regex CommentsOnly();
}
