using System.Text;

namespace Interlock.Shell;

internal sealed partial class ShellParserCore
{
    // ───────────────────────── expansions: parameters, substitutions, backquotes ─────────────────────────

    private void ParseDollar(WordBuilder b, bool quoted)
    {
        var start = _pos;
        var n = Peek(1);
        if (_pos + 1 >= _end)
        {
            b.AppendLiteral('$', quoted);
            _pos++;
            return;
        }

        switch (n)
        {
            case '(':
                if (Peek(2) == '(')
                {
                    var close = ArithClose(_pos + 3);
                    if (close >= 0)
                    {
                        if (!Enter()) return;
                        var word = ParseArithmeticRange(_pos + 3, close, quoted, out var text);
                        Leave();
                        if (word is null) return;
                        _pos = close + 2;
                        if (!Count()) return;
                        b.AddPart(new ArithmeticPart(text, quoted) { Expansions = NonLiteral(word.Parts) });
                        return;
                    }
                }

                ParseCommandSubstitution(b, quoted);
                return;
            case '{':
                ParseBraceParameter(b, quoted);
                return;
            case '[':
            {
                // Legacy $[ expr ].
                var depth = 0;
                var i = _pos + 1;
                while (i < _end)
                {
                    _st.Steps++;
                    if (_s[i] == '[') depth++;
                    else if (_s[i] == ']' && --depth == 0) break;
                    i++;
                }

                if (i >= _end)
                {
                    Fail("unterminated '$['", start);
                    return;
                }

                if (!Enter()) return;
                var word = ParseArithmeticRange(_pos + 2, i, quoted, out var text);
                Leave();
                if (word is null) return;
                _pos = i + 1;
                if (!Count()) return;
                b.AddPart(new ArithmeticPart(text, quoted) { Expansions = NonLiteral(word.Parts) });
                return;
            }

            case '\'' when !quoted:
                ParseAnsiC(b);
                return;
            case '"' when !quoted:
                _pos += 2;
                ParseDoubleQuotedInto(b, hereDoc: false, stripTabs: false);
                return;
        }

        if (IsNameStart(n))
        {
            var i = _pos + 1;
            while (i < _end && IsNameChar(_s[i])) { i++; _st.Steps++; }
            if (!Count()) return;
            b.AddPart(new ParameterPart(_s.Substring(_pos + 1, i - _pos - 1), null, null, quoted));
            _pos = i;
            return;
        }

        if (IsDigit(n) || n is '@' or '*' or '#' or '?' or '$' or '!' or '-')
        {
            if (!Count()) return;
            b.AddPart(new ParameterPart(n.ToString(), null, null, quoted));
            _pos += 2;
            return;
        }

        b.AppendLiteral('$', quoted);
        _pos++;
    }

    /// <summary>The expansions inside a subscript occupying [start, end); restores the position.</summary>
    private IReadOnlyList<WordPart> SubscriptExpansions(int start, int end, bool quoted)
    {
        var span = _s.AsSpan(start, end - start);
        _st.Steps += span.Length;
        if (span.IndexOfAny('$', '`') < 0) return [];
        var saved = _pos;
        var word = ParseArithmeticRange(start, end, quoted, out _);
        _pos = saved;
        return word is null ? [] : NonLiteral(word.Parts);
    }

    private static List<WordPart> NonLiteral(IReadOnlyList<WordPart> parts)
    {
        var list = new List<WordPart>();
        foreach (var p in parts)
        {
            if (p is not LiteralPart) list.Add(p);
        }

        return list;
    }

    private void ParseCommandSubstitution(WordBuilder b, bool quoted)
    {
        if (ParseParenthesizedScript("command substitution", "unterminated command substitution '$('") is { } script)
            b.AddPart(new CommandSubstitutionPart(script, false, quoted));
    }

    /// <summary>Reads <c>$( … )</c> or <c>&lt;( … )</c> from its two-character opener to the closing parenthesis; null on failure.</summary>
    private ShellScript? ParseParenthesizedScript(string what, string unterminated)
    {
        var start = _pos;
        _pos += 2;
        if (!Enter()) return null;
        var outer = _pending;
        _pending = null;
        var script = ParseList();
        Leave();
        if (F) return null;
        SkipBlanksAndNewlines();
        if (F) return null;
        if (!InnerHereDocsDone(start)) return null;
        _pending = outer;
        if (AtEnd || _s[_pos] != ')')
        {
            Fail(AtEnd ? unterminated : $"syntax error in {what} near " + Describe(), AtEnd ? start : _pos);
            return null;
        }

        _pos++;
        return Count() ? script : null;
    }

    /// <summary>Here-documents started inside a substitution must end inside it.</summary>
    private bool InnerHereDocsDone(int start)
    {
        if (_pending is not { Count: > 0 }) return true;
        Fail($"unterminated here-document (wanted '{_pending[0].Delimiter}') inside a substitution", start);
        return false;
    }

    private void ParseProcessSubstitution(WordBuilder b)
    {
        var input = _s[_pos] == '<';
        if (ParseParenthesizedScript("process substitution", "unterminated process substitution") is { } script)
            b.AddPart(new ProcessSubstitutionPart(script, input));
    }

    private void ParseBacktick(WordBuilder b, bool quoted)
    {
        var start = _pos;
        var i = _pos + 1;
        var sb = new StringBuilder();
        var closed = false;
        while (i < _end)
        {
            _st.Steps++;
            var c = _s[i];
            if (c == '\\' && i + 1 < _end)
            {
                var n = _s[i + 1];
                if (n is '$' or '`' or '\\' || (quoted && n == '"')) sb.Append(n);
                else sb.Append(c).Append(n);
                i += 2;
                continue;
            }

            if (c == '`')
            {
                closed = true;
                break;
            }

            sb.Append(c);
            i++;
        }

        if (!closed)
        {
            Fail("unterminated backtick command substitution", start);
            _pos = _end;
            return;
        }

        _pos = i + 1;
        if (!Enter()) return;
        var inner = new ShellParserCore(sb.ToString(), _st, Map(start + 1), Map(i));
        var script = inner.ParseProgram();
        Leave();
        if (F || !Count()) return;
        b.AddPart(new CommandSubstitutionPart(script, true, quoted));
    }

    private void ParseBraceParameter(WordBuilder b, bool quoted)
    {
        var start = _pos;
        _pos += 2;
        if (!Enter()) return;
        try
        {
            if (AtEnd)
            {
                Fail("unterminated '${'", start);
                return;
            }

            var c = _s[_pos];
            if (c is ' ' or '\t' or '\n' or '|')
            {
                // bash 5.3 ${ cmd; } / ${| cmd; }: runs commands in the current shell.
                if (c == '|') _pos++;
                var outer = _pending;
                _pending = null;
                var script = ParseList();
                if (F) return;
                SkipBlanksAndNewlines();
                if (F || !InnerHereDocsDone(start)) return;
                _pending = outer;
                if (PeekReserved() != "}")
                {
                    Fail("unterminated '${ ... }' command substitution", start);
                    return;
                }

                _pos++;
                if (!Count()) return;
                b.AddPart(new CommandSubstitutionPart(script, false, quoted));
                return;
            }

            string? op = null;
            if (c == '#' && _pos + 1 < _end && _s[_pos + 1] != '}' && (IsNameChar(_s[_pos + 1]) || _s[_pos + 1] is '@' or '*' or '#' or '?' or '$' or '!' or '-'))
            {
                // ${#-} / ${#?} are operators on $#; ${#-x}… treated as length of $- is rare, follow bash loosely.
                op = "length";
                _pos++;
            }
            else if (c == '!' && _pos + 1 < _end && _s[_pos + 1] != '}' && (IsNameStart(_s[_pos + 1]) || IsDigit(_s[_pos + 1]) || _s[_pos + 1] is '@' or '*' or '#' or '?' or '$' or '-'))
            {
                op = "indirect";
                _pos++;
            }

            var nameStart = _pos;
            if (!AtEnd && IsNameStart(_s[_pos]))
            {
                while (_pos < _end && IsNameChar(_s[_pos])) { _pos++; _st.Steps++; }
            }
            else if (!AtEnd && IsDigit(_s[_pos]))
            {
                while (_pos < _end && IsDigit(_s[_pos])) { _pos++; _st.Steps++; }
            }
            else if (!AtEnd && _s[_pos] is '@' or '*' or '#' or '?' or '$' or '!' or '-')
            {
                _pos++;
            }

            if (_pos == nameStart)
            {
                Fail("bad substitution", start);
                return;
            }

            IReadOnlyList<WordPart> subscriptExpansions = [];
            if (Peek() == '[' && !AtEnd)
            {
                var depth = 0;
                var i = _pos;
                while (i < _end)
                {
                    _st.Steps++;
                    if (_s[i] == '[') depth++;
                    else if (_s[i] == ']' && --depth == 0) break;
                    i++;
                }

                if (i >= _end)
                {
                    Fail("unterminated array subscript in '${'", start);
                    return;
                }

                subscriptExpansions = SubscriptExpansions(_pos + 1, i, quoted);
                if (F) return;
                _pos = i + 1;
            }

            if (op == "indirect" && Peek() is '*' or '@' && Peek(1) == '}') _pos++;
            var name = _s.Substring(nameStart, _pos - nameStart);
            if (AtEnd)
            {
                Fail("unterminated '${'", start);
                return;
            }

            if (_s[_pos] == '}')
            {
                _pos++;
                if (!Count()) return;
                b.AddPart(new ParameterPart(name, op, null, quoted) { SubscriptExpansions = subscriptExpansions });
                return;
            }

            if (op == "length")
            {
                Fail("bad substitution", start);
                return;
            }

            var opText = ReadParameterOperator();
            if (opText is null)
            {
                Fail("bad substitution", start);
                return;
            }

            var arg = ParseParameterArgument(quoted);
            if (F || arg is null) return;
            if (AtEnd || _s[_pos] != '}')
            {
                Fail("unterminated '${'", start);
                return;
            }

            _pos++;
            if (!Count()) return;
            b.AddPart(new ParameterPart(name, opText, arg, quoted) { SubscriptExpansions = subscriptExpansions });
        }
        finally
        {
            Leave();
        }
    }

    private static readonly string[] ParameterOperators =
        [":-", ":=", ":?", ":+", "##", "%%", "//", "/#", "/%", "^^", ",,", "-", "=", "?", "+", "#", "%", "/", "^", ",", ":", "@"];

    private string? ReadParameterOperator()
    {
        var span = _s.AsSpan(_pos, _end - _pos);
        foreach (var op in ParameterOperators)
        {
            if (span.StartsWith(op, StringComparison.Ordinal))
            {
                _pos += op.Length;
                return op;
            }
        }

        return null;
    }

    private ShellWord? ParseParameterArgument(bool quotedContext)
    {
        var start = _pos;
        var b = RentBuilder();
        var depth = 0;
        while (_pos < _end && !F)
        {
            _st.Steps++;
            var c = _s[_pos];
            switch (c)
            {
                case '}':
                    if (depth == 0) goto done;
                    depth--;
                    b.AppendLiteral('}', quotedContext);
                    _pos++;
                    continue;
                case '{':
                    depth++;
                    b.AppendLiteral('{', quotedContext);
                    _pos++;
                    continue;
                case '\\':
                {
                    var n = _pos + 1 < _end ? _s[_pos + 1] : '\0';
                    if (n == '\n') _pos += 2;
                    else if (_pos + 1 >= _end)
                    {
                        b.AppendLiteral('\\', quotedContext);
                        _pos++;
                    }
                    else if (!quotedContext || n is '$' or '`' or '"' or '\\' or '}')
                    {
                        b.AppendLiteral(n, true);
                        _pos += 2;
                    }
                    else
                    {
                        b.AppendLiteral('\\', true);
                        _pos++;
                    }

                    continue;
                }

                case '\'':
                    if (quotedContext)
                    {
                        b.AppendLiteral('\'', true);
                        _pos++;
                    }
                    else ParseSingleQuoted(b);

                    continue;
                case '"':
                    _pos++;
                    ParseDoubleQuotedInto(b, hereDoc: false, stripTabs: false);
                    continue;
                case '$':
                    ParseDollar(b, quotedContext);
                    continue;
                case '`':
                    ParseBacktick(b, quotedContext);
                    continue;
            }

            var span = _s.AsSpan(_pos, _end - _pos);
            var k = span.IndexOfAny(ParamArgSpecial);
            if (k < 0) k = span.Length;
            _st.Steps += k;
            b.AppendLiteral(span[..k], quotedContext);
            _pos += k;
        }

    done:
        var parts = b.TakeParts();
        ReturnBuilder(b);
        if (F || !Count(1 + parts.Count)) return null;
        return new ShellWord(parts, Map(start), Map(_pos));
    }
}
