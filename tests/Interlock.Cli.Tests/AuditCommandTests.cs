using Interlock.Audit;
using Interlock.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Interlock.Cli.Tests;

/// <summary><c>interlock audit verify|export</c> as a user runs them: output and exit codes (0 ok, 2 tampered, 1 usage/I/O).</summary>
public sealed class AuditCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "interlock-audit-cli-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task Fill(int n)
    {
        await using var store = await SqliteAuditStore.OpenAsync(new SqliteAuditStoreOptions { DataDirectory = _dir, CheckpointEveryRecords = 5 });
        for (var i = 0; i < n; i++) await store.AppendAsync(AuditEntry.Note($"record {i}", agent: "a"));
    }

    [Fact]
    public async Task Verify_and_export_exit_codes()
    {
        await Fill(12);
        var ok = InterlockProcess.Run(["audit", "verify", "--data", _dir]);
        Assert.Equal(0, ok.ExitCode);
        Assert.Matches("^ok: 12 records, head [0-9a-f]{64}, 3 checkpoints verified$", ok.Stdout.Trim());

        var export = Path.Combine(_dir, "log.jsonl");
        var exported = InterlockProcess.Run(["audit", "export", "--data", _dir, "--out", export]);
        Assert.Equal(0, exported.ExitCode);
        var pub = Path.Combine(_dir, SqliteAuditStore.PublicKeyFile);
        var fromExport = InterlockProcess.Run(["audit", "verify", "--export", export, "--public-key", pub]);
        Assert.Equal(0, fromExport.ExitCode);
        Assert.Equal(ok.Stdout, fromExport.Stdout);

        // Export to stdout is the same document.
        var stdout = InterlockProcess.Run(["audit", "export", "--data", _dir]);
        Assert.Equal(0, stdout.ExitCode);
        Assert.Equal(await File.ReadAllTextAsync(export), stdout.Stdout);

        // Tampered export: exit 2 and the first bad sequence.
        var lines = await File.ReadAllLinesAsync(export);
        var i = Array.FindIndex(lines, l => l.Contains("\"seq\":4,", StringComparison.Ordinal) && l.Contains("\"type\":\"record\"", StringComparison.Ordinal));
        lines[i] = lines[i].Replace("record 3", "record X", StringComparison.Ordinal);
        await File.WriteAllLinesAsync(export, lines);
        var bad = InterlockProcess.Run(["audit", "verify", "--export", export, "--public-key", pub]);
        Assert.Equal(2, bad.ExitCode);
        Assert.StartsWith("FAILED at sequence 4: ", bad.Stdout, StringComparison.Ordinal);

        // Tampered database (triggers dropped first): exit 2.
        using (var conn = new SqliteConnection($"Data Source={Path.Combine(_dir, SqliteAuditStore.DatabaseFile)};Pooling=False"))
        {
            conn.Open();
            using var cmd = conn.CreateCommand();
            cmd.CommandText = "DROP TRIGGER audit_records_no_delete; DELETE FROM audit_records WHERE seq = 9;";
            cmd.ExecuteNonQuery();
        }
        var badDb = InterlockProcess.Run(["audit", "verify", "--data", _dir]);
        Assert.Equal(2, badDb.ExitCode);
        Assert.StartsWith("FAILED at sequence 9: ", badDb.Stdout, StringComparison.Ordinal);

        // Usage and I/O errors: exit 1.
        Assert.Equal(1, InterlockProcess.Run(["audit", "verify"]).ExitCode);
        Assert.Equal(1, InterlockProcess.Run(["audit", "verify", "--data", _dir, "--export", export]).ExitCode);
        Assert.Equal(1, InterlockProcess.Run(["audit", "verify", "--data", Path.Combine(_dir, "missing")]).ExitCode);
        Assert.Equal(1, InterlockProcess.Run(["audit", "verify", "--export", Path.Combine(_dir, "missing.jsonl")]).ExitCode);
        Assert.Equal(1, InterlockProcess.Run(["audit", "export", "--data", Path.Combine(_dir, "missing")]).ExitCode);
    }
}
