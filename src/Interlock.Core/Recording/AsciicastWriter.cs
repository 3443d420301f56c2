using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Interlock.Recording;

/// <summary>The header of an asciicast v2 recording.</summary>
public sealed record AsciicastHeader
{
    public int Width { get; init; } = 80;
    public int Height { get; init; } = 24;
    public DateTimeOffset Timestamp { get; init; }
    public string? Title { get; init; }
    /// <summary>Recorded environment (asciinema records <c>SHELL</c> and <c>TERM</c>).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
}

/// <summary>
/// Writes an asciicast v2 file (https://docs.asciinema.org/manual/asciicast/v2/): a JSON header line, then one JSON array
/// per event, <c>[seconds, "o", "text"]</c>. Both stdout and stderr are written as <c>"o"</c> (output) events: v2 defines
/// only <c>o</c>, <c>i</c>, <c>m</c> and <c>r</c>, and a terminal shows both streams the same way. Text passes through a
/// <see cref="StreamRedactor"/> per stream first. Times come from the injected clock, relative to the header's timestamp,
/// and never decrease. Thread-safe: the two stream pumps write concurrently.
/// </summary>
public sealed class AsciicastWriter : IDisposable
{
    private static readonly JsonWriterOptions Options = new() { Indented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly TextWriter _output;
    private readonly TimeProvider _time;
    private readonly long _start;
    private readonly StreamRedactor[] _redactors;
    private readonly Lock _lock = new();
    private double _last;
    private bool _disposed;

    public AsciicastWriter(TextWriter output, AsciicastHeader header, SecretRedactor redactor, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(redactor);
        ArgumentNullException.ThrowIfNull(time);
        _output = output;
        _time = time;
        _start = time.GetTimestamp();
        _redactors = [redactor.ForStream(), redactor.ForStream()];
        _output.Write(HeaderJson(header, redactor));
        _output.Write('\n');
        _output.Flush();
    }

    /// <summary>The header line (without newline); the title is redacted too.</summary>
    public static string HeaderJson(AsciicastHeader header, SecretRedactor redactor)
    {
        ArgumentNullException.ThrowIfNull(header);
        ArgumentNullException.ThrowIfNull(redactor);
        return Json(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("version", 2);
            w.WriteNumber("width", header.Width);
            w.WriteNumber("height", header.Height);
            w.WriteNumber("timestamp", header.Timestamp.ToUnixTimeSeconds());
            w.WriteStartObject("env");
            foreach (var (k, v) in header.Environment.OrderBy(kv => kv.Key, StringComparer.Ordinal)) w.WriteString(k, redactor.Redact(v));
            w.WriteEndObject();
            if (header.Title is { } title) w.WriteString("title", redactor.Redact(title));
            w.WriteEndObject();
        });
    }

    /// <summary>Output on stdout (<paramref name="stream"/> 0) or stderr (1).</summary>
    public void Output(int stream, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)stream, 1u);
        lock (_lock)
        {
            if (_disposed) return;
            Event(_redactors[stream].Write(text));
        }
    }

    /// <summary>An event line for arbitrary text (e.g. a note that the run was killed), redacted but not buffered.</summary>
    public void Note(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        lock (_lock)
        {
            if (_disposed) return;
            Event(_redactors[0].Flush());
            Event(_redactors[1].Flush());
            Event(text);
        }
    }

    /// <summary>Releases held partial lines and flushes.</summary>
    public void Complete()
    {
        lock (_lock)
        {
            if (_disposed) return;
            Event(_redactors[0].Flush());
            Event(_redactors[1].Flush());
            _output.Flush();
        }
    }

    private void Event(string data)
    {
        if (data.Length == 0) return;
        var t = Math.Max(_last, _time.GetElapsedTime(_start).TotalSeconds);
        _last = t;
        var line = Json(w =>
        {
            w.WriteStartArray();
            w.WriteRawValue(Math.Round(t, 6).ToString("0.0#####", CultureInfo.InvariantCulture));
            w.WriteStringValue("o");
            w.WriteStringValue(data);
            w.WriteEndArray();
        });
        _output.Write(line);
        _output.Write('\n');
        _output.Flush();
    }

    private static string Json(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer, Options)) body(w);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public void Dispose()
    {
        Complete();
        lock (_lock)
        {
            if (_disposed) return;
            _disposed = true;
            _output.Dispose();
        }
    }
}
