using Interlock.Actions;
using Interlock.Previews;
using Interlock.Risk;

namespace Interlock.Storage.Previews.Sql;

/// <summary>
/// The <c>sql</c> previewer: for <c>psql</c> and <c>sqlite3</c> commands with inline SQL, runs the statements against
/// the database inside a transaction it always rolls back and reports the rows each would change, and for DROP and
/// TRUNCATE the rows of the tables that would go and what depends on them. The connection comes from the resource map
/// when an operation target maps to a resource with one, else from the command; a resource marked no-preview is never
/// connected to.
/// </summary>
public sealed class SqlPreviewer(SqlPreviewerOptions? options = null) : IPreviewer
{
    private readonly SqlPreviewerOptions _options = options ?? new();

    public string Name => "sql";

    public async Task<Preview?> PreviewAsync(PreviewContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var ops = context.Facts.Operations.Where(o => o.Program is "psql" or "sqlite3" or "sqlite").ToList();
        if (ops.Count == 0) return null;
        var sessions = Sessions(context, ops);
        if (sessions.Count == 0) return null;
        var run = new SqlPreviewRun(Name, context.Budget);
        foreach (var session in sessions)
        {
            if (cancellationToken.IsCancellationRequested) { run.Limit("the time budget ran out before every session was previewed"); break; }
            var (blocked, mapped) = FromMap(session, ops, context.Map);
            if (blocked is not null)
            {
                run.Blocked(session, $"the resource map marks {blocked.Id} as no-preview");
                continue;
            }
            if (ReferenceEquals(mapped, session) && Unmapped(session, context.Request.Cwd) is { } refused)
            {
                run.Blocked(session, refused);
                continue;
            }
            await run.SessionAsync(mapped, cancellationToken).ConfigureAwait(false);
        }
        return run.ToPreview();
    }

    /// <summary>The sessions of the command, and of commands the analyzer found nested in it (<c>bash -c 'psql …'</c>).</summary>
    private static List<SqlSession> Sessions(PreviewContext context, List<Operation> ops)
    {
        var found = new List<SqlSession>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var texts = new List<string>();
        if (context.Request.Command is { } command) texts.Add(command);
        texts.AddRange(ops.Select(o => o.Text).Where(t => t.Length > 0).Distinct(StringComparer.Ordinal));
        foreach (var text in texts)
            foreach (var s in SqlCommandLine.Find(text, context.Request.Cwd, context.Request.Home))
                if (seen.Add(s.Program + "\0" + s.Display + "\0" + string.Join("\0", s.Sql) + "\0" + s.Problem)) found.Add(s);
        // A session found again inside an operation's text without its here-document reads the same command: keep the first.
        return [.. found.Where((s, i) => !(s.Sql.Count == 0 && found.Take(i).Any(f => f.Program == s.Program && f.Display == s.Display)))];
    }

    /// <summary>
    /// Why a connection the command names (not the map) is not used, or null when it may be. The preview runs the
    /// agent's statements as the gateway: a PostgreSQL server named only by the command would be reached from the
    /// gateway's network with whatever credentials the gateway's environment holds, and a SQLite file outside the
    /// workspace may be one the agent cannot read itself (the gateway's own stores among them).
    /// </summary>
    private string? Unmapped(SqlSession session, string? workspace)
    {
        if (session.Problem is not null || session.Connection is null || _options.CommandConnections) return null;
        if (session.Engine == SqlEngine.Postgres)
            return $"{session.Display} is named only by the command; PostgreSQL previews use connections the resource map declares (connection:)";
        var path = Path.GetFullPath(session.Connection);
        var root = workspace is null ? null : Path.GetFullPath(workspace).TrimEnd('/') + "/";
        return root is not null && path.StartsWith(root, StringComparison.Ordinal) ? null
            : $"{session.Display} is outside the workspace; SQLite previews open files in the workspace or ones the resource map declares";
    }

    /// <summary>A no-preview resource the session names (never connect), or the session with the map's connection when it gives one.</summary>
    private static (MappedResource? Blocked, SqlSession Session) FromMap(SqlSession session, List<Operation> ops, ResourceMap map)
    {
        if (map.IsEmpty) return (null, session);
        var targets = session.MapTargets.Concat(ops.Where(o => o.Program == session.Program).SelectMany(o => o.Targets)).Distinct(StringComparer.Ordinal).ToList();
        var resources = targets.SelectMany(map.Matching).DistinctBy(r => r.Id).ToList();
        if (resources.FirstOrDefault(r => !r.Preview) is { } blocked) return (blocked, session);
        if (resources.FirstOrDefault(r => r.Connection is not null) is not { } mapped) return (null, session);
        var connection = mapped.Connection!;
        var pg = new PostgresConnectionInfo();
        if (pg.TryApplyNpgsql(connection) || pg.TryApply(connection))
            return (null, session with
            {
                Engine = SqlEngine.Postgres, Connection = pg.ConnectionString(TimeSpan.FromSeconds(3)), Display = $"{mapped.Id} ({pg.Display})", Database = pg.Database,
            });
        var path = connection.StartsWith("sqlite://", StringComparison.OrdinalIgnoreCase) ? connection["sqlite://".Length..] : connection;
        return (null, session with { Engine = SqlEngine.Sqlite, Connection = path, Display = $"{mapped.Id} ({path})" });
    }
}

/// <summary>What the SQL previewer may connect to beyond the resource map's declared connections.</summary>
public sealed record SqlPreviewerOptions
{
    /// <summary>Also use connections the command names (any PostgreSQL server, SQLite files outside the workspace): for trusted set-ups and tests.</summary>
    public bool CommandConnections { get; init; }
}
