using System.Text;

namespace Interlock.Shell;

internal sealed partial class ShellParserCore
{
    // ───────────────────────── words ─────────────────────────

    private ShellWord? ParseWord(WordMode mode, bool allowEmpty = false)
    {
        var start = _pos;
        var b = RentBuilder();
        ParseWordInto(b, mode, start);
        var parts = b.TakeParts();
        ReturnBuilder(b);
        if (F) return null;
        if (_pos == start && !allowEmpty)
        {
            Fail("syntax error: expected a word but found " + Describe());
            return null;
        }

        if (!Count(1 + parts.Count)) return null;
        return new ShellWord(parts, Map(start), Map(_pos));
    }

    private void ParseWordInto(WordBuilder b, WordMode mode, int wordStart)
    {
        var parenDepth = 0;
        while (_pos < _end && !F)
        {
            _st.Steps++;
            var c = _s[_pos];
            switch (c)
            {
                case '\\':
                    if (_pos + 1 >= _end)
                    {
                        b.AppendLiteral('\\', false);
                        _pos++;
                    }
                    else if (_s[_pos + 1] == '\n') _pos += 2;
                    else
                    {
                        b.AppendLiteral(_s[_pos + 1], true);
                        _pos += 2;
                    }

                    continue;
                case '\'':
                    ParseSingleQuoted(b);
                    continue;
                case '"':
                    _pos++;
                    ParseDoubleQuotedInto(b, hereDoc: false, stripTabs: false);
                    continue;
                case '$':
                    ParseDollar(b, quoted: false);
                    continue;
                case '`':
                    ParseBacktick(b, quoted: false);
                    continue;
                case '~':
                    if (_pos == wordStart || (mode == WordMode.AssignValue && _s[_pos - 1] is ':' && _pos - 1 >= wordStart))
                    {
                        if (TryTilde(b, mode)) continue;
                    }

                    b.AppendLiteral('~', false);
                    _pos++;
                    continue;
                case '<' or '>' when _pos + 1 < _end && _s[_pos + 1] == '(':
                    ParseProcessSubstitution(b);
                    continue;
            }

            if (mode == WordMode.Regex)
            {
                if (c == '(') parenDepth++;
                else if (c == ')')
                {
                    if (parenDepth == 0) return;
                    parenDepth--;
                }
                else if (IsMeta(c) && c != '|' && parenDepth == 0) return;
                b.AppendLiteral(c, false);
                _pos++;
                continue;
            }

            if (c == '(' && _pos > wordStart && _s[_pos - 1] is '?' or '*' or '+' or '@' or '!')
            {
                ParseExtglob(b);
                continue;
            }

            if (IsMeta(c)) return;

            // Literal run.
            var span = _s.AsSpan(_pos, _end - _pos);
            var n = span.IndexOfAny(mode == WordMode.AssignValue ? AssignSpecial : NormalSpecial);
            if (n < 0) n = span.Length;
            _st.Steps += n;
            if (n == 0)
            {
                // ':' in an assignment value
                b.AppendLiteral(c, false);
                _pos++;
                continue;
            }

            // '~' inside a run is literal except where handled above (word start / after ':').
            b.AppendLiteral(span[..n], false);
            _pos += n;
        }
    }

    private void ParseExtglob(WordBuilder b)
    {
        var start = _pos;
        var depth = 0;
        var i = _pos;
        while (i < _end)
        {
            _st.Steps++;
            var c = _s[i];
            if (c == '\\') { i += 2; continue; }
            if (c == '(') depth++;
            else if (c == ')' && --depth == 0) break;
            else if (c == '\n') break;
            i++;
        }

        if (i >= _end || _s[i] != ')')
        {
            Fail("syntax error: unterminated extended glob pattern", start);
            return;
        }

        b.AppendLiteral(_s.AsSpan(start, i + 1 - start), false);
        _pos = i + 1;
    }

    private bool TryTilde(WordBuilder b, WordMode mode)
    {
        var i = _pos + 1;
        while (i < _end && (IsNameChar(_s[i]) || _s[i] is '.' or '-' or '+')) { i++; _st.Steps++; }
        if (i < _end && !(_s[i] == '/' || IsMeta(_s[i]) || (mode == WordMode.AssignValue && _s[i] == ':'))) return false;
        if (!Count()) return true;
        b.AddPart(new TildePart(_s.Substring(_pos + 1, i - _pos - 1)));
        _pos = i;
        return true;
    }

    private void ParseSingleQuoted(WordBuilder b)
    {
        var start = _pos;
        var close = _s.AsSpan(_pos + 1, _end - _pos - 1).IndexOf('\'');
        _st.Steps += close < 0 ? _end - _pos : close + 1;
        if (close < 0)
        {
            Fail("unterminated single quote", start);
            _pos = _end;
            return;
        }

        b.AppendLiteral(_s.AsSpan(_pos + 1, close), true);
        _pos += close + 2;
    }

    /// <summary>
    /// Double-quoted content (after the opening quote), or a here-document / arithmetic body up to <see cref="_end"/>
    /// when <paramref name="hereDoc"/> (then <c>"</c> is literal).
    /// </summary>
    private void ParseDoubleQuotedInto(WordBuilder b, bool hereDoc, bool stripTabs, bool quoted = true)
    {
        var start = _pos - 1;
        var special = hereDoc ? (stripTabs ? HereDocStripSpecial : HereDocSpecial) : DoubleQuoteSpecial;
        if (!hereDoc) b.AppendLiteral(ReadOnlySpan<char>.Empty, quoted);
        while (_pos < _end && !F)
        {
            _st.Steps++;
            var c = _s[_pos];
            switch (c)
            {
                case '"':
                    _pos++;
                    return;
                case '\\':
                {
                    var n = _pos + 1 < _end ? _s[_pos + 1] : '\0';
                    if (n == '\n') _pos += 2;
                    else if (n is '$' or '`' or '\\' || (n == '"' && !hereDoc))
                    {
                        b.AppendLiteral(n, quoted);
                        _pos += 2;
                    }
                    else
                    {
                        b.AppendLiteral('\\', quoted);
                        _pos++;
                    }

                    continue;
                }

                case '$':
                    ParseDollar(b, quoted: quoted);
                    continue;
                case '`':
                    ParseBacktick(b, quoted: quoted);
                    continue;
                case '\n' when stripTabs:
                    b.AppendLiteral('\n', quoted);
                    _pos++;
                    while (_pos < _end && _s[_pos] == '\t') { _pos++; _st.Steps++; }
                    continue;
            }

            var span = _s.AsSpan(_pos, _end - _pos);
            var k = span.IndexOfAny(special);
            if (k < 0) k = span.Length;
            _st.Steps += k;
            b.AppendLiteral(span[..k], quoted);
            _pos += k;
        }

        if (!hereDoc && !F) Fail("unterminated double quote", start);
    }

    private void ParseAnsiC(WordBuilder b)
    {
        var start = _pos;
        _pos += 2;
        var sb = new StringBuilder();
        var truncated = false;
        while (_pos < _end)
        {
            _st.Steps++;
            var c = _s[_pos];
            if (c == '\'')
            {
                _pos++;
                b.AppendLiteral(sb.ToString(), true);
                return;
            }

            if (c != '\\' || _pos + 1 >= _end)
            {
                if (!truncated) sb.Append(c);
                _pos++;
                continue;
            }

            var e = _s[_pos + 1];
            _pos += 2;
            int value;
            switch (e)
            {
                case 'a': value = 7; break;
                case 'b': value = 8; break;
                case 'e' or 'E': value = 27; break;
                case 'f': value = 12; break;
                case 'n': value = 10; break;
                case 'r': value = 13; break;
                case 't': value = 9; break;
                case 'v': value = 11; break;
                case '\\' or '\'' or '"' or '?': value = e; break;
                case 'x': value = ReadDigits(16, 2, out var nx); if (nx == 0) { value = -1; Append("\\x"); } break;
                case 'u': value = ReadDigits(16, 4, out var nu); if (nu == 0) { value = -1; Append("\\u"); } break;
                case 'U': value = ReadDigits(16, 8, out var nU); if (nU == 0) { value = -1; Append("\\U"); } break;
                case >= '0' and <= '7':
                    _pos--;
                    value = ReadDigits(8, 3, out _) & 0xFF;
                    break;
                case 'c':
                    if (_pos < _end && _s[_pos] != '\'')
                    {
                        value = _s[_pos] & 0x1F;
                        _pos++;
                    }
                    else
                    {
                        value = -1;
                        Append("\\c");
                    }

                    break;
                default:
                    value = -1;
                    Append("\\");
                    if (!truncated) sb.Append(e);
                    break;
            }

            if (value == 0) truncated = true; // bash truncates $'…' at a NUL
            else if (value > 0 && !truncated)
            {
                if (value <= 0xFFFF) sb.Append((char)value);
                else if (value <= 0x10FFFF) sb.Append(char.ConvertFromUtf32(value));
            }
        }

        Fail("unterminated ANSI-C quote $'", start);

        void Append(string t)
        {
            if (!truncated) sb.Append(t);
        }
    }

    private int ReadDigits(int radix, int max, out int count)
    {
        var value = 0;
        count = 0;
        while (count < max && _pos < _end)
        {
            _st.Steps++;
            var c = _s[_pos];
            int d;
            if (c is >= '0' and <= '9') d = c - '0';
            else if (radix == 16 && c is >= 'a' and <= 'f') d = c - 'a' + 10;
            else if (radix == 16 && c is >= 'A' and <= 'F') d = c - 'A' + 10;
            else break;
            if (d >= radix) break;
            value = (value * radix) + d;
            count++;
            _pos++;
        }

        return value;
    }
}
