using System.Text.Json;
using Interlock.Recording;

namespace Interlock.Core.Tests.Recording;

public sealed class AsciicastWriterTests
{
    private static readonly DateTimeOffset Start = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);

    /// <summary>A clock moved by hand whose timestamps (elapsed time) follow its wall time.</summary>
    private sealed class SteppingClock(DateTimeOffset start) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = start;
        public override DateTimeOffset GetUtcNow() => Now;
        public override long TimestampFrequency => TimeSpan.TicksPerSecond;
        public override long GetTimestamp() => Now.UtcTicks;
    }

    [Fact]
    public void Writes_header_and_output_events_with_clock_times()
    {
        var clock = new SteppingClock(Start);
        var sink = new StringWriter();
        var redactor = new SecretRedactor([new("X_TOKEN", "hidden-value-1")]);
        using (var w = new AsciicastWriter(sink, new AsciicastHeader { Width = 100, Height = 30, Timestamp = Start, Title = "echo hidden-value-1", Environment = new Dictionary<string, string> { ["TERM"] = "xterm", ["SHELL"] = "/bin/bash" } }, redactor, clock))
        {
            clock.Now = Start.AddSeconds(0.5);
            w.Output(0, "hello\n");
            clock.Now = Start.AddSeconds(1.25);
            w.Output(1, "oops \"quoted\" hidden-value-1\n");
            clock.Now = Start.AddSeconds(2);
            w.Output(0, "tail without newline");
        }
        var lines = sink.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("""{"version":2,"width":100,"height":30,"timestamp":1767323045,"env":{"SHELL":"/bin/bash","TERM":"xterm"},"title":"echo [REDACTED:env X_TOKEN]"}""", lines[0]);
        Assert.Equal("""[0.5,"o","hello\n"]""", lines[1]);
        Assert.Equal("""[1.25,"o","oops \"quoted\" [REDACTED:env X_TOKEN]\n"]""", lines[2]);
        Assert.Equal("""[2.0,"o","tail without newline"]""", lines[3]);
        Assert.Equal(4, lines.Length);
        foreach (var line in lines.Skip(1))
        {
            using var doc = JsonDocument.Parse(line);
            Assert.Equal(JsonValueKind.Array, doc.RootElement.ValueKind);
        }
    }

    [Fact]
    public void Times_never_decrease_and_nothing_is_written_after_dispose()
    {
        var clock = new SteppingClock(Start.AddSeconds(5));
        var sink = new StringWriter();
        var w = new AsciicastWriter(sink, new AsciicastHeader { Timestamp = Start }, new SecretRedactor([]), clock);
        w.Output(0, "a\n");
        clock.Now = Start; // the clock steps back
        w.Output(0, "b\n");
        w.Note("note\r\n");
        w.Dispose();
        w.Output(0, "late\n");
        var times = sink.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(l => { using var d = JsonDocument.Parse(l); return d.RootElement[0].GetDouble(); }).ToList();
        Assert.Equal(3, times.Count);
        Assert.True(times.Zip(times.Skip(1)).All(p => p.Second >= p.First));
    }

    [Fact]
    public void Result_audit_entry_carries_the_run()
    {
        var entry = new ExecutionResult { Status = "killed", ExitCode = 143, Duration = TimeSpan.FromMilliseconds(1234), OutputSha256 = "ab", RecordingPath = "/d/r.cast", KilledByLimit = true, Limit = "max_runtime_sec" }
            .ToAuditEntry("exec-1", null, "s1");
        Assert.Equal(Interlock.Audit.AuditKind.Result, entry.Kind);
        Assert.Equal("default", entry.Agent);
        Assert.Equal("""{"status":"killed","exit_code":143,"rollback":"none","duration_ms":1234,"output_sha256":"ab","recording":"/d/r.cast","killed_by_limit":true,"limit":"max_runtime_sec"}""", entry.Payload);
    }
}
