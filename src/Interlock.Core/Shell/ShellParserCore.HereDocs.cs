using System.Text;

namespace Interlock.Shell;

internal sealed partial class ShellParserCore
{
    // ───────────────────────── here-documents ─────────────────────────

    private void ReadHereDocBodies()
    {
        var pending = _pending!;
        _pending = null;
        foreach (var doc in pending)
        {
            if (F) return;
            var bodyStart = _pos;
            var bodyEnd = -1;
            while (_pos < _end)
            {
                _st.Steps++;
                var lineStart = _pos;
                var nl = _s.AsSpan(_pos, _end - _pos).IndexOf('\n');
                _st.Steps += nl < 0 ? _end - _pos : nl + 1;
                var lineEnd = nl < 0 ? _end : _pos + nl;
                var line = _s.AsSpan(lineStart, lineEnd - lineStart);
                if (doc.StripTabs) line = line.TrimStart('\t');
                _pos = nl < 0 ? _end : lineEnd + 1;
                if (line.SequenceEqual(doc.Delimiter))
                {
                    bodyEnd = lineStart;
                    break;
                }
            }

            if (bodyEnd < 0)
            {
                Fail($"unterminated here-document (wanted '{doc.Delimiter}')", doc.Position);
                return;
            }

            ShellWord body;
            if (doc.Quoted)
            {
                var text = _s.AsSpan(bodyStart, bodyEnd - bodyStart);
                string literal;
                if (doc.StripTabs) literal = StripLeadingTabs(text);
                else literal = text.ToString();
                body = new ShellWord(literal.Length == 0 ? [] : [new LiteralPart(literal, true)], Map(bodyStart), Map(bodyEnd));
                Count(2);
            }
            else
            {
                var savedPos = _pos;
                var savedEnd = _end;
                _pos = bodyStart;
                _end = bodyEnd;
                var b = RentBuilder();
                if (doc.StripTabs)
                {
                    while (_pos < _end && _s[_pos] == '\t') { _pos++; _st.Steps++; }
                }

                ParseDoubleQuotedInto(b, hereDoc: true, stripTabs: doc.StripTabs);
                if (_pending is { Count: > 0 }) Fail("unterminated here-document inside a here-document", bodyStart);
                body = new ShellWord(b.TakeParts(), Map(bodyStart), Map(bodyEnd));
                ReturnBuilder(b);
                Count(1 + body.Parts.Count);
                _pos = savedPos;
                _end = savedEnd;
            }

            doc.List[doc.Index] = doc.List[doc.Index] with { HereDocument = body };
        }
    }

    private static string StripLeadingTabs(ReadOnlySpan<char> text)
    {
        var sb = new StringBuilder(text.Length);
        var atLineStart = true;
        foreach (var c in text)
        {
            if (atLineStart && c == '\t') continue;
            atLineStart = c == '\n';
            sb.Append(c);
        }

        return sb.ToString();
    }

    /// <summary>bash's quote removal on a here-document delimiter's source text.</summary>
    private static (string Text, bool Quoted) RemoveQuotes(ReadOnlySpan<char> raw)
    {
        var sb = new StringBuilder(raw.Length);
        var quoted = false;
        for (var i = 0; i < raw.Length; i++)
        {
            var c = raw[i];
            if (c == '\\')
            {
                quoted = true;
                if (i + 1 < raw.Length) sb.Append(raw[++i]);
            }
            else if (c == '\'')
            {
                quoted = true;
                i++;
                while (i < raw.Length && raw[i] != '\'') sb.Append(raw[i++]);
            }
            else if (c == '"')
            {
                quoted = true;
                i++;
                while (i < raw.Length && raw[i] != '"')
                {
                    if (raw[i] == '\\' && i + 1 < raw.Length && raw[i + 1] is '"' or '\\' or '$' or '`') i++;
                    sb.Append(raw[i++]);
                }
            }
            else if (c == '$' && i + 1 < raw.Length && raw[i + 1] is '\'' or '"')
            {
                // $'EOF' / $"EOF": drop the dollar, the quotes follow.
            }
            else sb.Append(c);
        }

        return (sb.ToString(), quoted);
    }
}
