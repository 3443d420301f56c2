using System.Buffers.Binary;
using System.Text;

namespace Interlock.Audit;

/// <summary>Writes the length-prefixed items of <see cref="AuditCanonical"/>; also used for action digests.</summary>
internal sealed class CanonicalWriter
{
    private byte[] _buffer = new byte[256];
    private int _length;

    public void String(string? value)
    {
        if (value is null)
        {
            Ensure(1);
            _buffer[_length++] = 0;
            return;
        }
        Tagged(0x01, value);
    }

    public void Int(long value)
    {
        Ensure(8);
        BinaryPrimitives.WriteInt64BigEndian(_buffer.AsSpan(_length), value);
        _length += 8;
    }

    public void Hash(string value)
    {
        if (!AuditCanonical.IsHash(value))
        {
            Tagged(0x02, value ?? "");
            return;
        }
        Ensure(33);
        _buffer[_length++] = 0x03;
        Convert.FromHexString(value, _buffer.AsSpan(_length, 32), out _, out _);
        _length += 32;
    }

    private void Tagged(byte tag, string value)
    {
        var count = Encoding.UTF8.GetByteCount(value);
        Ensure(5 + count);
        _buffer[_length] = tag;
        BinaryPrimitives.WriteInt32BigEndian(_buffer.AsSpan(_length + 1), count);
        _length += 5;
        _length += Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_length));
    }

    private void Ensure(int more)
    {
        if (_length + more <= _buffer.Length) return;
        Array.Resize(ref _buffer, Math.Max(_buffer.Length * 2, _length + more));
    }

    public byte[] ToArray() => _buffer.AsSpan(0, _length).ToArray();
}
