using System.Text.Json;
using Interlock.Audit;

namespace Interlock.Cli.Tests.Exec;

/// <summary><c>interlock exec</c> refusing to run: deny (126), approval required (125), audit store unavailable (126).</summary>
public sealed class ExecGateTests : IDisposable
{
    private readonly ExecSandbox _box = new();

    public void Dispose() => _box.Dispose();

    [Fact]
    public async Task Denied_command_never_starts_and_its_denial_is_audited()
    {
        var r = _box.Exec(["-c", "touch MARKER && rm -rf /"]);
        Assert.Equal(126, r.ExitCode);
        Assert.StartsWith("interlock: denied: ", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("root directory", r.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_box.Work, "MARKER")));
        Assert.Empty(_box.Recordings());

        var records = await _box.AuditRecords();
        var decision = Assert.Single(records, x => x.Entry.Kind == AuditKind.Decision);
        using var d = JsonDocument.Parse(decision.Entry.Payload);
        Assert.Equal("deny", d.RootElement.GetProperty("decision").GetString());
        Assert.DoesNotContain(records, x => x.Entry.Kind == AuditKind.Result);
    }

    [Fact]
    public void Approval_required_is_125_and_does_not_run()
    {
        var r = _box.Exec(["-c", "touch MARKER; git push origin main"]);
        Assert.Equal(125, r.ExitCode);
        Assert.Contains("interlock: approval required: ", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("--server", r.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_box.Work, "MARKER")));
    }

    [Fact]
    public void Unwritable_audit_store_fails_closed()
    {
        // The data "directory" is a file: the store cannot open, so nothing runs.
        Directory.CreateDirectory(_box.Root);
        File.WriteAllText(_box.Data, "not a directory");
        var r = _box.Exec(["-c", "touch MARKER"]);
        Assert.Equal(126, r.ExitCode);
        Assert.StartsWith("interlock: denied: the audit store", r.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_box.Work, "MARKER")));
    }

    [Fact]
    public void Usage_errors_exit_1()
    {
        Assert.Equal(1, _box.Exec([]).ExitCode);
        Assert.Equal(1, _box.Exec(["-c", "echo a", "--", "echo", "b"]).ExitCode);
    }
}
