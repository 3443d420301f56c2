using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Interlock.Audit;

namespace Interlock.Recording;

/// <summary>How a gated command ended.</summary>
public sealed record ExecutionResult
{
    /// <summary><c>exited</c>, <c>signaled</c> (killed by a signal it was sent from outside the limit) or <c>killed</c> (by a limit).</summary>
    public required string Status { get; init; }
    /// <summary>The command's exit code; 128 + signal when a signal ended it.</summary>
    public required int ExitCode { get; init; }
    public required TimeSpan Duration { get; init; }
    /// <summary>SHA-256 (hex) of stdout and stderr bytes, in the order they arrived.</summary>
    public required string OutputSha256 { get; init; }
    public string? RecordingPath { get; init; }
    public bool KilledByLimit { get; init; }
    /// <summary>Which limit: <c>max_runtime_sec</c> or <c>--timeout</c>.</summary>
    public string? Limit { get; init; }

    /// <summary>
    /// The audit result entry: the fields <see cref="AuditEntry.ForResult"/> writes (<c>status</c>, <c>exit_code</c>,
    /// <c>rollback</c>), then <c>duration_ms</c>, <c>output_sha256</c>, <c>recording</c>, <c>killed_by_limit</c>, <c>limit</c>.
    /// </summary>
    public AuditEntry ToAuditEntry(string actionId, string? agent, string? session)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("status", Status);
            w.WriteNumber("exit_code", ExitCode);
            w.WriteString("rollback", "none");
            w.WriteNumber("duration_ms", (long)Duration.TotalMilliseconds);
            w.WriteString("output_sha256", OutputSha256);
            if (RecordingPath is not null) w.WriteString("recording", RecordingPath);
            w.WriteBoolean("killed_by_limit", KilledByLimit);
            if (Limit is not null) w.WriteString("limit", Limit);
            w.WriteEndObject();
        }
        return new AuditEntry { Kind = AuditKind.Result, Agent = agent ?? "default", Session = session, ActionId = actionId, Payload = Encoding.UTF8.GetString(buffer.WrittenSpan) };
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Status} {ExitCode} in {Duration.TotalSeconds:0.###}s");
}
