using Interlock.Audit;
using Interlock.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Interlock.Storage.Tests;

/// <summary>A temporary directory removed at the end of the test.</summary>
internal sealed class TempDir : IDisposable
{
    public TempDir() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "interlock-audit-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A clock the test moves by hand.</summary>
internal sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public override DateTimeOffset GetUtcNow() => _now;

    public void Advance(TimeSpan by) => _now += by;
}

internal static class Store
{
    public static Task<SqliteAuditStore> Open(string dir, TimeProvider? time = null, int every = 1000) =>
        SqliteAuditStore.OpenAsync(new SqliteAuditStoreOptions { DataDirectory = dir, Time = time ?? TimeProvider.System, CheckpointEveryRecords = every });

    /// <summary>A closed store with <paramref name="n"/> records, appended one at a time, checkpointed every <paramref name="every"/> and at shutdown.</summary>
    public static async Task Fill(string dir, int n, int every)
    {
        await using var store = await Open(dir, every: every);
        for (var i = 1; i <= n; i++) await store.AppendAsync(AuditEntry.Note($"record {i}", agent: "agent-" + (i % 3), session: "s", actionId: "a" + i));
    }

    /// <summary>Runs raw SQL against the database file, as an attacker with file access would.</summary>
    public static void Sql(string dir, params string[] statements)
    {
        using var conn = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = System.IO.Path.Combine(dir, SqliteAuditStore.DatabaseFile), Pooling = false }.ToString());
        conn.Open();
        foreach (var sql in statements)
        {
            using var cmd = conn.CreateCommand();
            cmd.CommandText = sql;
            cmd.ExecuteNonQuery();
        }
    }

    public const string DropTriggers =
        "DROP TRIGGER audit_records_no_update; DROP TRIGGER audit_records_no_delete; DROP TRIGGER audit_checkpoints_no_update; DROP TRIGGER audit_checkpoints_no_delete;";
}
