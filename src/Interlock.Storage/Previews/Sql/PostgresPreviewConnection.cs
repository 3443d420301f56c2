using System.Globalization;
using Interlock.Previews;
using Npgsql;

namespace Interlock.Storage.Previews.Sql;

/// <summary>
/// PostgreSQL under a preview: one unpooled connection, <c>BEGIN</c>, <c>SET LOCAL statement_timeout</c> and
/// <c>lock_timeout</c>, statements cancelled with the token, and <c>ROLLBACK</c> whatever happens (closing an
/// unpooled connection would end the transaction too). Dependents come from pg_depend/pg_rewrite and pg_constraint.
/// </summary>
internal sealed class PostgresPreviewConnection : ISqlPreviewConnection
{
    private readonly NpgsqlConnection _connection;
    private bool _open;

    private PostgresPreviewConnection(NpgsqlConnection connection) => _connection = connection;

    public static async Task<PostgresPreviewConnection> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return new PostgresPreviewConnection(connection);
    }

    public async Task BeginAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var ms = Math.Max(1, (long)timeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        await ExecuteAsync("BEGIN", cancellationToken).ConfigureAwait(false);
        _open = true;
        // A preview that waits for another session's lock, or holds one long, must give up rather than stall production.
        await ExecuteAsync($"SET LOCAL statement_timeout = {ms}; SET LOCAL lock_timeout = {ms}; SET LOCAL idle_in_transaction_session_timeout = {ms}", cancellationToken).ConfigureAwait(false);
    }

    public async Task<long> ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var cmd = new NpgsqlCommand(sql, _connection) { CommandTimeout = 0 };
        return Math.Max(0, await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false));
    }

    public async Task<CountedTable?> CountAsync(string name, long cap, CancellationToken cancellationToken)
    {
        await using var resolve = new NpgsqlCommand("SELECT c.oid::regclass::text FROM pg_class c WHERE c.oid = to_regclass($1) AND c.relkind IN ('r', 'p', 'f', 'm')", _connection);
        resolve.Parameters.AddWithValue(name);
        if (await resolve.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not string qualified) return null;
        // The name comes back quoted by PostgreSQL itself, so it is safe to put in the statement.
        await using var count = new NpgsqlCommand($"SELECT count(*) FROM (SELECT 1 FROM {qualified} LIMIT {cap + 1}) s", _connection);
        var rows = Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
        return new CountedTable(qualified, Math.Min(rows, cap), rows > cap);
    }

    public async Task<IReadOnlyList<PreviewItem>> DependentsAsync(string table, CancellationToken cancellationToken)
    {
        var items = new List<PreviewItem>();
        const string views = """
            SELECT DISTINCT v.oid::regclass::text FROM pg_depend d
              JOIN pg_rewrite r ON r.oid = d.objid JOIN pg_class v ON v.oid = r.ev_class
            WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_class'::regclass AND d.refobjid = $1::regclass AND v.oid <> $1::regclass
            ORDER BY 1
            """;
        foreach (var row in await QueryAsync(views, table, 1, cancellationToken).ConfigureAwait(false))
            items.Add(new PreviewItem("view", row[0], $"depends on {table}"));
        const string keys = "SELECT conrelid::regclass::text, conname FROM pg_constraint WHERE contype = 'f' AND confrelid = $1::regclass AND conrelid <> confrelid ORDER BY 1, 2";
        foreach (var row in await QueryAsync(keys, table, 2, cancellationToken).ConfigureAwait(false))
            items.Add(new PreviewItem("foreign_key", $"{row[0]}.{row[1]}", $"{row[0]} references {table}"));
        const string triggers = "SELECT tgname FROM pg_trigger WHERE tgrelid = $1::regclass AND NOT tgisinternal ORDER BY 1";
        foreach (var row in await QueryAsync(triggers, table, 1, cancellationToken).ConfigureAwait(false))
            items.Add(new PreviewItem("trigger", row[0], $"on {table}"));
        return items;
    }

    public async Task<IReadOnlyList<string>> ReferencingTablesAsync(string table, CancellationToken cancellationToken) =>
        [.. (await QueryAsync("SELECT DISTINCT conrelid::regclass::text FROM pg_constraint WHERE contype = 'f' AND confrelid = $1::regclass AND conrelid <> confrelid ORDER BY 1", table, 1, cancellationToken).ConfigureAwait(false)).Select(r => r[0])];

    public async Task<IReadOnlyList<string>> TablesAsync(string? schema, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT c.oid::regclass::text FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.relkind IN ('r', 'p') AND (($1::text IS NULL AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\_toast%') OR n.nspname = $1)
            ORDER BY 1
            """;
        return [.. (await QueryAsync(sql, schema is null ? null : Identifier(schema), 1, cancellationToken).ConfigureAwait(false)).Select(r => r[0])];
    }

    public async Task RollbackAsync()
    {
        if (!_open) return;
        _open = false;
        try
        {
            // Never on the caller's token: a cancelled preview still rolls back.
            await using var cmd = new NpgsqlCommand("ROLLBACK", _connection);
            await cmd.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException)
        {
            // A broken connection ends its transaction when it closes (no pooling), which DisposeAsync does next.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await RollbackAsync().ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>An identifier as PostgreSQL stores it: quotes removed, or folded to lower case when unquoted.</summary>
    internal static string Identifier(string name) =>
        name.Length >= 2 && name[0] == '"' && name[^1] == '"' ? name[1..^1].Replace("\"\"", "\"", StringComparison.Ordinal) : name.ToLowerInvariant();

    private async Task<List<string[]>> QueryAsync(string sql, string? parameter, int columns, CancellationToken cancellationToken)
    {
        await using var cmd = new NpgsqlCommand(sql, _connection);
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)parameter ?? DBNull.Value, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text });
        await using var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var rows = new List<string[]>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var row = new string[columns];
            for (int i = 0; i < columns; i++) row[i] = reader.GetString(i);
            rows.Add(row);
        }
        return rows;
    }
}
