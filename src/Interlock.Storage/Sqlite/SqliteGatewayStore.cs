using System.Text.Json;
using System.Text.Json.Serialization;
using Interlock.Approvals;
using Interlock.Identity;
using Microsoft.Data.Sqlite;

namespace Interlock.Storage.Sqlite;

/// <summary>
/// Principals and approval requests in <c>state.db</c> beside the audit log (WAL, <c>synchronous=FULL</c>). An
/// approval is stored as a JSON document with its queried fields in columns; updates are compare-and-swap on the
/// version column. Each call opens a pooled connection, so concurrent requests don't queue behind one another.
/// </summary>
public sealed class SqliteGatewayStore : IPrincipalStore, IApprovalStore
{
    public const string DatabaseFile = "state.db";

    private static readonly string[] Schema =
    [
        """
        CREATE TABLE IF NOT EXISTS principals (
            id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, role TEXT NOT NULL, token_hash TEXT NOT NULL UNIQUE,
            created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, revoked_at INTEGER)
        """,
        """
        CREATE TABLE IF NOT EXISTS approvals (
            id TEXT PRIMARY KEY, agent TEXT NOT NULL, digest TEXT NOT NULL, status TEXT NOT NULL,
            created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, version INTEGER NOT NULL, document TEXT NOT NULL)
        """,
        "CREATE INDEX IF NOT EXISTS approvals_open ON approvals (agent, digest, status)",
        "CREATE INDEX IF NOT EXISTS approvals_status ON approvals (status, expires_at)",
    ];

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    private readonly string _connectionString;

    private SqliteGatewayStore(string connectionString) => _connectionString = connectionString;

    /// <summary>Opens (creating when absent) <c>state.db</c> in <paramref name="dataDirectory"/>.</summary>
    public static SqliteGatewayStore Open(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, DatabaseFile);
        var cs = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true, DefaultTimeout = 30 }.ToString();
        using (var conn = new SqliteConnection(cs))
        {
            conn.Open();
            Exec(conn, "PRAGMA journal_mode=WAL");
            foreach (var sql in Schema) Exec(conn, sql);
        }
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return new SqliteGatewayStore(cs);
    }

    private SqliteConnection Connect()
    {
        var conn = new SqliteConnection(_connectionString);
        conn.Open();
        // Per connection: durable commits, and wait (not fail) when another writer holds the lock.
        Exec(conn, "PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000");
        return conn;
    }

    public ValueTask<bool> CreateAsync(Principal principal, CancellationToken cancellationToken = default) => WritePrincipal(
        "INSERT INTO principals (id, name, role, token_hash, created_at, expires_at, revoked_at) VALUES ($id, $name, $role, $hash, $created, $expires, $revoked) ON CONFLICT DO NOTHING",
        principal);

    public ValueTask<bool> UpdateAsync(Principal principal, CancellationToken cancellationToken = default) => WritePrincipal(
        "UPDATE principals SET name = $name, role = $role, token_hash = $hash, created_at = $created, expires_at = $expires, revoked_at = $revoked WHERE id = $id",
        principal);

    /// <summary>Runs an insert or update of one principal; true when it changed a row.</summary>
    private ValueTask<bool> WritePrincipal(string sql, Principal principal)
    {
        ArgumentNullException.ThrowIfNull(principal);
        using var conn = Connect();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        BindPrincipal(cmd, principal);
        return ValueTask.FromResult(cmd.ExecuteNonQuery() == 1);
    }

    public ValueTask<Principal?> FindByTokenHashAsync(string tokenHash, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(QueryPrincipals("WHERE token_hash = $p", tokenHash).FirstOrDefault());

    public ValueTask<Principal?> FindAsync(string id, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(QueryPrincipals("WHERE id = $p", id).FirstOrDefault());

    public ValueTask<IReadOnlyList<Principal>> ListAsync(CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IReadOnlyList<Principal>>(QueryPrincipals("ORDER BY created_at", null));

    private List<Principal> QueryPrincipals(string clause, string? parameter)
    {
        using var conn = Connect();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT id, name, role, token_hash, created_at, expires_at, revoked_at FROM principals " + clause;
        if (parameter is not null) cmd.Parameters.AddWithValue("$p", parameter);
        using var reader = cmd.ExecuteReader();
        var list = new List<Principal>();
        while (reader.Read())
        {
            Roles.TryParse(reader.GetString(2), out var role);
            list.Add(new Principal
            {
                Id = reader.GetString(0),
                Name = reader.GetString(1),
                Role = role,
                TokenHash = reader.GetString(3),
                CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)),
                ExpiresAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)),
                RevokedAt = reader.IsDBNull(6) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)),
            });
        }
        return list;
    }

    private static void BindPrincipal(SqliteCommand cmd, Principal p)
    {
        cmd.Parameters.AddWithValue("$id", p.Id);
        cmd.Parameters.AddWithValue("$name", p.Name);
        cmd.Parameters.AddWithValue("$role", p.Role.WireName());
        cmd.Parameters.AddWithValue("$hash", p.TokenHash);
        cmd.Parameters.AddWithValue("$created", p.CreatedAt.ToUnixTimeMilliseconds());
        cmd.Parameters.AddWithValue("$expires", p.ExpiresAt.ToUnixTimeMilliseconds());
        cmd.Parameters.AddWithValue("$revoked", p.RevokedAt is { } r ? r.ToUnixTimeMilliseconds() : DBNull.Value);
    }

    public ValueTask CreateAsync(ApprovalRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        using var conn = Connect();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "INSERT INTO approvals (id, agent, digest, status, created_at, expires_at, version, document) VALUES ($id, $agent, $digest, $status, $created, $expires, $version, $doc)";
        BindApproval(cmd, request);
        cmd.ExecuteNonQuery();
        return ValueTask.CompletedTask;
    }

    public ValueTask<bool> TryUpdateAsync(ApprovalRequest updated, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(updated);
        using var conn = Connect();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "UPDATE approvals SET digest = $digest, status = $status, expires_at = $expires, version = $version, document = $doc WHERE id = $id AND version = $expected";
        BindApproval(cmd, updated);
        cmd.Parameters.AddWithValue("$expected", updated.Version - 1);
        return ValueTask.FromResult(cmd.ExecuteNonQuery() == 1);
    }

    public ValueTask<ApprovalRequest?> GetAsync(string id, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(QueryApprovals("WHERE id = $a", id, null, 1).FirstOrDefault());

    public ValueTask<IReadOnlyList<ApprovalRequest>> ListAsync(ApprovalStatus? status = null, string? agent = null, int limit = 100, CancellationToken cancellationToken = default)
    {
        var clause = (status, agent) switch
        {
            (not null, not null) => "WHERE status = $a AND agent = $b",
            (not null, null) => "WHERE status = $a",
            (null, not null) => "WHERE agent = $b",
            _ => "",
        };
        return ValueTask.FromResult<IReadOnlyList<ApprovalRequest>>(QueryApprovals(clause + " ORDER BY created_at DESC, id", status?.WireName(), agent, limit));
    }

    public ValueTask<IReadOnlyList<ApprovalRequest>> FindOpenAsync(string agent, string digest, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IReadOnlyList<ApprovalRequest>>(
            QueryApprovals("WHERE agent = $b AND digest = $a AND status IN ('pending', 'approved') ORDER BY created_at DESC", digest, agent, 20));

    public ValueTask<IReadOnlyList<ApprovalRequest>> ListExpiredAsync(DateTimeOffset now, int limit = 100, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IReadOnlyList<ApprovalRequest>>(
            QueryApprovals("WHERE status = 'pending' AND expires_at <= $a ORDER BY expires_at", now.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture), null, limit, numeric: true));

    public ValueTask<int> CountPendingAsync(CancellationToken cancellationToken = default)
    {
        using var conn = Connect();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM approvals WHERE status = 'pending'";
        return ValueTask.FromResult(Convert.ToInt32(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture));
    }

    private List<ApprovalRequest> QueryApprovals(string clause, string? a, string? b, int limit, bool numeric = false)
    {
        using var conn = Connect();
        using var cmd = conn.CreateCommand();
        cmd.CommandText = "SELECT document FROM approvals " + clause + " LIMIT $limit";
        if (a is not null) cmd.Parameters.AddWithValue("$a", numeric ? long.Parse(a, System.Globalization.CultureInfo.InvariantCulture) : a);
        if (b is not null) cmd.Parameters.AddWithValue("$b", b);
        cmd.Parameters.AddWithValue("$limit", Math.Clamp(limit, 1, 10_000));
        using var reader = cmd.ExecuteReader();
        var list = new List<ApprovalRequest>();
        while (reader.Read())
            list.Add(JsonSerializer.Deserialize<ApprovalRequest>(reader.GetString(0), Json) ?? throw new InvalidDataException("an approval document is null"));
        return list;
    }

    private static void BindApproval(SqliteCommand cmd, ApprovalRequest r)
    {
        cmd.Parameters.AddWithValue("$id", r.Id);
        cmd.Parameters.AddWithValue("$agent", r.Agent);
        cmd.Parameters.AddWithValue("$digest", r.Digest);
        cmd.Parameters.AddWithValue("$status", r.Status.WireName());
        cmd.Parameters.AddWithValue("$created", r.CreatedAt.ToUnixTimeMilliseconds());
        cmd.Parameters.AddWithValue("$expires", r.ExpiresAt.ToUnixTimeMilliseconds());
        cmd.Parameters.AddWithValue("$version", r.Version);
        cmd.Parameters.AddWithValue("$doc", JsonSerializer.Serialize(r, Json));
    }

    private static void Exec(SqliteConnection conn, string sql)
    {
        using var cmd = conn.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}
