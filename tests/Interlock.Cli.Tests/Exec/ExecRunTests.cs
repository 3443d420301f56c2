using System.Text.Json;
using Interlock.Audit;

namespace Interlock.Cli.Tests.Exec;

/// <summary><c>interlock exec</c> running allowed commands: output, exit codes, recording, redaction, audit.</summary>
public sealed class ExecRunTests : IDisposable
{
    private readonly ExecSandbox _box = new();

    public void Dispose() => _box.Dispose();

    [Fact]
    public async Task Allowed_command_runs_is_recorded_and_audited()
    {
        var r = _box.Exec(["--", "echo", "hi"]);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("hi\n", r.Stdout);

        var cast = Assert.Single(_box.Recordings());
        Assert.Contains("hi", Asciicast.Output(cast), StringComparison.Ordinal);
        Assert.Matches(@"^\d{8}T\d{6}Z-act_[0-9a-f]{24}\.cast$", Path.GetFileName(cast));

        var records = await _box.AuditRecords();
        var decision = Assert.Single(records, x => x.Entry.Kind == AuditKind.Decision);
        var result = Assert.Single(records, x => x.Entry.Kind == AuditKind.Result);
        Assert.Equal(decision.Entry.ActionId, result.Entry.ActionId);
        Assert.True(decision.Sequence < result.Sequence);
        using (var d = JsonDocument.Parse(decision.Entry.Payload))
            Assert.Equal("allow", d.RootElement.GetProperty("decision").GetString());
        using (var p = JsonDocument.Parse(result.Entry.Payload))
        {
            var root = p.RootElement;
            Assert.Equal("exited", root.GetProperty("status").GetString());
            Assert.Equal(0, root.GetProperty("exit_code").GetInt32());
            Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("hi\n"u8)), root.GetProperty("output_sha256").GetString());
            Assert.Equal(cast, root.GetProperty("recording").GetString());
            Assert.False(root.GetProperty("killed_by_limit").GetBoolean());
            Assert.True(root.GetProperty("duration_ms").GetInt64() >= 0);
        }

        var verify = InterlockProcess.Run(["audit", "verify", "--data", _box.Data]);
        Assert.Equal(0, verify.ExitCode);
        Assert.StartsWith("ok: ", verify.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Exit_code_propagates_and_shell_string_mode_works()
    {
        var r = _box.Exec(["-c", "echo out; echo err >&2; exit 3"]);
        Assert.Equal(3, r.ExitCode);
        Assert.Equal("out\n", r.Stdout);
        Assert.Contains("err\n", r.Stderr, StringComparison.Ordinal);
        var text = Asciicast.Output(Assert.Single(_box.Recordings()));
        Assert.Contains("out\n", text, StringComparison.Ordinal);
        Assert.Contains("err\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Secrets_are_redacted_in_the_recording_not_in_the_live_stream()
    {
        const string secret = "s3cr3t-value-4242-zz";
        File.WriteAllText(Path.Combine(_box.Work, "notes.txt"), $"token is {secret}\nkey AKIAIOSFODNN7EXAMPLE\n");
        var record = Path.Combine(_box.Root, "session.cast");
        var r = _box.Exec(["--record", record, "--", "cat", "notes.txt"], env: new Dictionary<string, string> { ["FAKE_SECRET_TOKEN"] = secret });
        Assert.Equal(0, r.ExitCode);
        Assert.Contains(secret, r.Stdout, StringComparison.Ordinal);
        Assert.Contains("AKIAIOSFODNN7EXAMPLE", r.Stdout, StringComparison.Ordinal);

        var raw = File.ReadAllText(record);
        Assert.DoesNotContain(secret, raw, StringComparison.Ordinal);
        Assert.DoesNotContain("AKIAIOSFODNN7EXAMPLE", raw, StringComparison.Ordinal);
        var text = Asciicast.Output(record);
        Assert.Contains("[REDACTED:env FAKE_SECRET_TOKEN]", text, StringComparison.Ordinal);
        Assert.Contains("[REDACTED:aws-access-key]", text, StringComparison.Ordinal);
        Assert.Empty(_box.Recordings()); // --record put it elsewhere
    }

    [Fact]
    public void No_record_writes_no_recording()
    {
        var r = _box.Exec(["--no-record", "--", "echo", "quiet"]);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("quiet\n", r.Stdout);
        Assert.Empty(_box.Recordings());
    }
}
