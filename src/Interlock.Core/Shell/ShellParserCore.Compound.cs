namespace Interlock.Shell;

internal sealed partial class ShellParserCore
{
    // ───────────────────────── compound commands ─────────────────────────

    private CompoundCommand? ParseSubshell()
    {
        var start = _pos;
        _pos++;
        if (!Enter()) return null;
        var body = ParseList();
        Leave();
        if (F) return null;
        SkipBlanksAndNewlines();
        if (Peek() != ')' || AtEnd)
        {
            Fail(AtEnd ? "unexpected end of input: missing ')' for subshell" : "expected ')' for subshell but found " + Describe(), AtEnd ? start : _pos);
            return null;
        }

        _pos++;
        if (body.Items.Count == 0)
        {
            Fail("syntax error: empty subshell", start);
            return null;
        }

        return Compound(CompoundKind.Subshell, [body], [], null, null, start);
    }

    private CompoundCommand? Compound(CompoundKind kind, IReadOnlyList<ShellScript> bodies, IReadOnlyList<ShellWord> words, string? variable, string? text, int start)
    {
        if (!Count()) return null;
        return new CompoundCommand(kind, bodies, words, variable, text, [], Map(start), Map(_pos));
    }

    private CompoundCommand? ParseGroup()
    {
        var start = _pos;
        _pos++;
        if (!Enter()) return null;
        var body = ParseList();
        Leave();
        if (!ExpectReserved("}", "group")) return null;
        if (body.Items.Count == 0)
        {
            Fail("syntax error: empty group", start);
            return null;
        }

        return Compound(CompoundKind.BraceGroup, [body], [], null, null, start);
    }

    private ShellScript? RequiredList(string what)
    {
        var before = _pos;
        var list = ParseList();
        if (F) return null;
        if (list.Items.Count == 0)
        {
            SkipBlanksAndNewlines();
            Fail($"syntax error: empty {what} near {Describe()}", Math.Max(before, _pos));
            return null;
        }

        return list;
    }

    private CompoundCommand? ParseIf()
    {
        var start = _pos;
        _pos += 2;
        if (!Enter()) return null;
        var bodies = new List<ShellScript>();
        var ok = IfArm(bodies);
        while (ok && !F)
        {
            _st.Steps++;
            SkipBlanksAndNewlines();
            var r = PeekReserved();
            if (r == "elif")
            {
                _pos += 4;
                ok = IfArm(bodies);
            }
            else if (r == "else")
            {
                _pos += 4;
                var e = RequiredList("else branch");
                if (e is null) break;
                bodies.Add(e);
                break;
            }
            else break;
        }

        Leave();
        if (F || !ExpectReserved("fi", "if")) return null;
        return Compound(CompoundKind.If, bodies, [], null, null, start);
    }

    private bool IfArm(List<ShellScript> bodies)
    {
        var cond = RequiredList("if condition");
        if (cond is null || !ExpectReserved("then", "if")) return false;
        var body = RequiredList("then branch");
        if (body is null) return false;
        bodies.Add(cond);
        bodies.Add(body);
        return true;
    }

    private CompoundCommand? ParseWhile(CompoundKind kind)
    {
        var start = _pos;
        _pos += 5;
        if (!Enter()) return null;
        var cond = RequiredList(kind == CompoundKind.While ? "while condition" : "until condition");
        if (cond is null) return null;
        var body = ParseDoBody();
        Leave();
        if (body is null || F) return null;
        return Compound(kind, [cond, body], [], null, null, start);
    }

    /// <summary><c>do list done</c> (or <c>{ list; }</c> as bash also accepts for <c>for</c>).</summary>
    private ShellScript? ParseDoBody()
    {
        SkipBlanksAndNewlines();
        if (F) return null;
        if (PeekReserved() == "{")
        {
            _pos++;
            var g = RequiredList("loop body");
            if (g is null || !ExpectReserved("}", "loop body")) return null;
            return g;
        }

        if (!ExpectReserved("do", "loop")) return null;
        var body = RequiredList("loop body");
        if (body is null || !ExpectReserved("done", "loop")) return null;
        return body;
    }

    private CompoundCommand? ParseFor(CompoundKind kind)
    {
        var start = _pos;
        _pos += kind == CompoundKind.For ? 3 : 6;
        if (!Enter()) return null;
        SkipBlanks();
        if (kind == CompoundKind.For && Peek() == '(' && Peek(1) == '(')
        {
            var close = ArithClose(_pos + 2);
            if (close < 0)
            {
                Fail("syntax error: unterminated '((' in arithmetic for");
                return null;
            }

            var exprStart = _pos + 2;
            var word = ParseArithmeticRange(exprStart, close, quoted: false, out var text);
            if (F || word is null) return null;
            _pos = close + 2;
            SkipBlanks();
            if (Peek() == ';') _pos++;
            var abody = ParseDoBody();
            Leave();
            if (abody is null || F) return null;
            return Compound(CompoundKind.ArithmeticFor, [abody], [word], null, text, start);
        }

        if (AtEnd || !IsNameStart(_s[_pos]))
        {
            Fail($"syntax error: expected a variable name after '{(kind == CompoundKind.For ? "for" : "select")}'");
            return null;
        }

        var nameStart = _pos;
        while (_pos < _end && IsNameChar(_s[_pos])) { _pos++; _st.Steps++; }
        if (!AtEnd && !IsMeta(_s[_pos]))
        {
            Fail("syntax error: invalid loop variable name", nameStart);
            return null;
        }

        var variable = _s.Substring(nameStart, _pos - nameStart);
        var words = new List<ShellWord>();
        SkipBlanksAndNewlines();
        if (F) return null;
        if (PeekReserved() == "in")
        {
            _pos += 2;
            while (!F)
            {
                _st.Steps++;
                SkipBlanks();
                if (AtEnd) break;
                var c = _s[_pos];
                if (c is ';' or '\n') break;
                if (IsMeta(c) && !IsProcessSubstitutionStart())
                {
                    Fail("syntax error near unexpected token " + Describe());
                    return null;
                }

                var w = ParseWord(WordMode.Normal);
                if (w is null) return null;
                words.Add(w);
            }

            if (F) return null;
            if (Peek() == ';') _pos++;
            else if (Peek() == '\n' && !AtEnd) ConsumeNewline();
        }
        else if (Peek() == ';') _pos++;

        var body = ParseDoBody();
        Leave();
        if (body is null || F) return null;
        return Compound(kind, [body], words, variable, null, start);
    }

    private CompoundCommand? ParseCase()
    {
        var start = _pos;
        _pos += 4;
        if (!Enter()) return null;
        SkipBlanks();
        if (AtEnd || IsMeta(_s[_pos]))
        {
            Fail("syntax error: expected a word after 'case'");
            return null;
        }

        var subject = ParseWord(WordMode.Normal);
        if (subject is null || !ExpectReserved("in", "case")) return null;
        var words = new List<ShellWord> { subject };
        var bodies = new List<ShellScript>();
        while (!F)
        {
            _st.Steps++;
            SkipBlanksAndNewlines();
            if (F) return null;
            if (PeekReserved() == "esac") break;
            if (AtEnd)
            {
                Fail("unexpected end of input: missing 'esac'", start);
                return null;
            }

            if (_s[_pos] == '(')
            {
                _pos++;
                SkipBlanks();
            }

            while (!F)
            {
                _st.Steps++;
                if (AtEnd || (IsMeta(_s[_pos]) && !IsProcessSubstitutionStart()))
                {
                    Fail("syntax error: expected a case pattern but found " + Describe());
                    return null;
                }

                var pat = ParseWord(WordMode.Normal);
                if (pat is null) return null;
                words.Add(pat);
                SkipBlanks();
                if (Peek() == '|' && !AtEnd)
                {
                    _pos++;
                    SkipBlanks();
                    continue;
                }

                if (Peek() == ')' && !AtEnd)
                {
                    _pos++;
                    break;
                }

                Fail("syntax error: expected ')' after case pattern but found " + Describe());
                return null;
            }

            var body = ParseList();
            if (F) return null;
            bodies.Add(body);
            SkipBlanksAndNewlines();
            if (Peek() == ';' && Peek(1) == ';' && Peek(2) == '&') _pos += 3;
            else if (Peek() == ';' && Peek(1) is ';' or '&') _pos += 2;
            else if (PeekReserved() == "esac") break;
            else
            {
                Fail(AtEnd ? "unexpected end of input: missing 'esac'" : "syntax error in case arm near " + Describe(), AtEnd ? start : _pos);
                return null;
            }
        }

        Leave();
        if (F || !ExpectReserved("esac", "case")) return null;
        return Compound(CompoundKind.Case, bodies, words, null, null, start);
    }

    private CompoundCommand? ParseConditional()
    {
        var start = _pos;
        _pos += 2;
        if (!Enter()) return null;
        var words = new List<ShellWord>();
        var regexNext = false;
        while (!F)
        {
            _st.Steps++;
            SkipBlanksAndNewlines();
            if (F) return null;
            if (AtEnd)
            {
                Fail("unexpected end of input: missing ']]'", start);
                return null;
            }

            if (PeekReserved() == "]]")
            {
                _pos += 2;
                break;
            }

            var c = _s[_pos];
            if (regexNext && !IsMeta(c) || regexNext && c == '(')
            {
                regexNext = false;
                var rw = ParseWord(WordMode.Regex);
                if (rw is null) return null;
                words.Add(rw);
                continue;
            }

            regexNext = false;
            if ((c == '&' && Peek(1) == '&') || (c == '|' && Peek(1) == '|'))
            {
                _pos += 2;
                continue;
            }

            if (c is '(' or ')')
            {
                _pos++;
                continue;
            }

            if (c is '<' or '>' && !IsProcessSubstitutionStart())
            {
                words.Add(new ShellWord([new LiteralPart(c.ToString(), false)], Map(_pos), Map(_pos + 1)));
                _pos++;
                if (!Count(2)) return null;
                continue;
            }

            if (IsMeta(c) && !IsProcessSubstitutionStart())
            {
                Fail("syntax error in conditional expression near " + Describe());
                return null;
            }

            var w = ParseWord(WordMode.Normal);
            if (w is null) return null;
            words.Add(w);
            if (w.Parts.Count == 1 && w.Parts[0] is LiteralPart { Quoted: false, Text: "=~" }) regexNext = true;
        }

        Leave();
        if (F) return null;
        if (words.Count == 0)
        {
            Fail("syntax error: empty conditional expression", start);
            return null;
        }

        return Compound(CompoundKind.Conditional, [], words, null, null, start);
    }

    private CompoundCommand? ParseArithmeticCommand()
    {
        var start = _pos;
        var close = ArithClose(_pos + 2);
        if (!Enter()) return null;
        var word = ParseArithmeticRange(_pos + 2, close, quoted: false, out var text);
        Leave();
        if (F || word is null) return null;
        _pos = close + 2;
        return Compound(CompoundKind.Arithmetic, [], [word], null, text, start);
    }

    /// <summary>
    /// bash's rule for <c>((</c>: from <paramref name="from"/> (just after <c>((</c>), find the <c>)</c> that
    /// closes the inner parenthesis; it is arithmetic only if a second <c>)</c> follows immediately.
    /// Returns the index of the first of the two closing parentheses, or -1.
    /// </summary>
    private int ArithClose(int from)
    {
        var depth = 0;
        var i = from;
        while (i < _end)
        {
            _st.Steps++;
            var c = _s[i];
            switch (c)
            {
                case '\\':
                    i += 2;
                    continue;
                case '\'':
                {
                    var q = _s.AsSpan(i + 1, _end - i - 1).IndexOf('\'');
                    _st.Steps += q < 0 ? _end - i : q + 1;
                    if (q < 0) return -1;
                    i += q + 2;
                    continue;
                }

                case '"':
                    i++;
                    while (i < _end && _s[i] != '"') { i += _s[i] == '\\' ? 2 : 1; _st.Steps++; }
                    if (i >= _end) return -1;
                    i++;
                    continue;
                case '(':
                    depth++;
                    break;
                case ')':
                    if (depth == 0) return i + 1 < _end && _s[i + 1] == ')' ? i : -1;
                    depth--;
                    break;
            }

            i++;
        }

        return -1;
    }

    /// <summary>Parses the expansions inside an arithmetic expression occupying [start, close).</summary>
    private ShellWord? ParseArithmeticRange(int start, int close, bool quoted, out string text)
    {
        text = _s.Substring(start, close - start);
        var savedEnd = _end;
        _pos = start;
        _end = close;
        var b = RentBuilder();
        ParseDoubleQuotedInto(b, hereDoc: true, stripTabs: false, quoted: quoted);
        var parts = b.TakeParts();
        ReturnBuilder(b);
        _end = savedEnd;
        if (F) return null;
        if (!Count(1 + parts.Count)) return null;
        return new ShellWord(parts, Map(start), Map(close));
    }
}
