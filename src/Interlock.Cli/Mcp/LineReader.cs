namespace Interlock.Cli.Mcp;

/// <summary>One line read by <see cref="LineReader"/>: its bytes (without the newline), or <see cref="TooLong"/> when it was discarded.</summary>
internal readonly record struct Line(byte[] Bytes, bool TooLong);

/// <summary>Reads newline-delimited lines from a stream with a size bound; an oversized line is skipped to its end and reported.</summary>
internal sealed class LineReader(Stream stream, int maxBytes)
{
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    /// <summary>The next line, or null at end of stream (a last line without a newline is still returned).</summary>
    public async Task<Line?> ReadAsync(CancellationToken cancellationToken)
    {
        var line = new MemoryStream();
        bool tooLong = false;
        while (true)
        {
            if (_start == _end)
            {
                _start = 0;
                _end = await stream.ReadAsync(_buffer, cancellationToken).ConfigureAwait(false);
                if (_end == 0)
                {
                    if (line.Length == 0 && !tooLong) return null;
                    return new Line(tooLong ? [] : line.ToArray(), tooLong);
                }
            }
            var span = _buffer.AsSpan(_start, _end - _start);
            var nl = span.IndexOf((byte)'\n');
            var take = nl < 0 ? span : span[..nl];
            if (!tooLong)
            {
                if (line.Length + take.Length > maxBytes)
                {
                    tooLong = true;
                    line = new MemoryStream();
                }
                else line.Write(take);
            }
            if (nl < 0)
            {
                _start = _end;
                continue;
            }
            _start += nl + 1;
            return new Line(tooLong ? [] : line.ToArray(), tooLong);
        }
    }
}
