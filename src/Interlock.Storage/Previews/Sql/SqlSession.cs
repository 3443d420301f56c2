namespace Interlock.Storage.Previews.Sql;

/// <summary>Which database engine a session talks to.</summary>
public enum SqlEngine { Sqlite, Postgres }

/// <summary>
/// One SQL client invocation found in an action: the engine, how to reach the database (a SQLite file path or an
/// Npgsql connection string, never shown to anyone), a display name safe to show (no user, no password), the inline
/// SQL texts in order, and why it cannot be previewed when it cannot.
/// </summary>
public sealed record SqlSession
{
    public required string Program { get; init; }
    public required SqlEngine Engine { get; init; }
    /// <summary>The SQLite file or the Npgsql connection string; may hold a password, so it never reaches a preview.</summary>
    public string? Connection { get; init; }
    /// <summary>What a reviewer reads for the database: <c>/srv/app.db</c>, <c>postgres app on db1:5432</c>.</summary>
    public required string Display { get; init; }
    public IReadOnlyList<string> Sql { get; init; } = [];
    /// <summary>Why the session cannot be previewed (SQL from a file or a pipe, parts known only at run time), when so.</summary>
    public string? Problem { get; init; }
    /// <summary>Names the resource map may know this database by: its file, host, <c>database/NAME</c>.</summary>
    public IReadOnlyList<string> MapTargets { get; init; } = [];
    /// <summary>The PostgreSQL database name, when known: a <c>DROP DATABASE</c> of another database is counted there.</summary>
    public string? Database { get; init; }
}
