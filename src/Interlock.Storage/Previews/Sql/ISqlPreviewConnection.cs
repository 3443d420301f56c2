using Interlock.Previews;

namespace Interlock.Storage.Previews.Sql;

/// <summary>A table a DROP or TRUNCATE would empty: its name as the database spells it, and its rows (capped).</summary>
public sealed record CountedTable(string Name, long Rows, bool Capped);

/// <summary>
/// One preview connection to a database, inside one transaction that is only ever rolled back: run a statement and
/// count its rows, count a table's rows, list what depends on a table. Disposing it rolls back and closes.
/// </summary>
internal interface ISqlPreviewConnection : IAsyncDisposable
{
    /// <summary>Starts the transaction and bounds each statement by <paramref name="timeout"/> and the token.</summary>
    Task BeginAsync(TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>Runs one statement inside the transaction; the rows it changed.</summary>
    Task<long> ExecuteAsync(string sql, CancellationToken cancellationToken);

    /// <summary>The table <paramref name="name"/> (as written in SQL) and its rows, at most <paramref name="cap"/> counted; null when there is no such table.</summary>
    Task<CountedTable?> CountAsync(string name, long cap, CancellationToken cancellationToken);

    /// <summary>Views, triggers and foreign keys that depend on the table <paramref name="table"/> (as <see cref="CountAsync"/> named it).</summary>
    Task<IReadOnlyList<PreviewItem>> DependentsAsync(string table, CancellationToken cancellationToken);

    /// <summary>Tables whose foreign keys reference <paramref name="table"/> (what TRUNCATE … CASCADE empties too).</summary>
    Task<IReadOnlyList<string>> ReferencingTablesAsync(string table, CancellationToken cancellationToken);

    /// <summary>The tables of schema <paramref name="schema"/> (as written), or of the whole database when null.</summary>
    Task<IReadOnlyList<string>> TablesAsync(string? schema, CancellationToken cancellationToken);

    /// <summary>Rolls the transaction back; safe to call more than once and after a failure.</summary>
    Task RollbackAsync();
}
