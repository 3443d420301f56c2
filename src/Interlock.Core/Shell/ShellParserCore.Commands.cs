namespace Interlock.Shell;

internal sealed partial class ShellParserCore
{
    // ───────────────────────── commands ─────────────────────────

    private ShellCommand? ParseCommand()
    {
        SkipBlanks();
        if (F) return null;
        if (AtEnd)
        {
            Fail("syntax error: unexpected end of input, expected a command");
            return null;
        }

        var c = _s[_pos];
        if (c == '(')
        {
            if (Peek(1) == '(' && ArithClose(_pos + 2) >= 0) return WithRedirections(ParseArithmeticCommand());
            return WithRedirections(ParseSubshell());
        }

        if (c is ')' or ';' or '|' or '\n' || (c == '&' && Peek(1) != '>'))
        {
            Fail("syntax error near unexpected token " + Describe());
            return null;
        }

        var r = PeekReserved();
        switch (r)
        {
            case "{": return WithRedirections(ParseGroup());
            case "if": return WithRedirections(ParseIf());
            case "while": return WithRedirections(ParseWhile(CompoundKind.While));
            case "until": return WithRedirections(ParseWhile(CompoundKind.Until));
            case "for": return WithRedirections(ParseFor(CompoundKind.For));
            case "select": return WithRedirections(ParseFor(CompoundKind.Select));
            case "case": return WithRedirections(ParseCase());
            case "[[": return WithRedirections(ParseConditional());
            case "function": return ParseFunctionKeyword();
            case "then" or "elif" or "else" or "fi" or "do" or "done" or "esac" or "}" or "]]":
                Fail("syntax error near unexpected token '" + r + "'");
                return null;
            default:
                return ParseSimpleCommandOrFunction();
        }
    }

    private ShellCommand? WithRedirections(CompoundCommand? cmd)
    {
        if (cmd is null || F) return null;
        List<Redirection>? redirs = null;
        while (!F)
        {
            _st.Steps++;
            SkipBlanks();
            if (!TryParseRedirection(ref redirs)) break;
        }

        if (F) return null;
        if (redirs is null) return cmd;
        return cmd with { Redirections = redirs, End = Map(_pos) };
    }

    private ShellCommand? ParseSimpleCommandOrFunction()
    {
        var start = _pos;
        var end = _pos;
        List<Assignment>? assigns = null;
        List<ShellWord>? words = null;
        List<Redirection>? redirs = null;
        while (!F)
        {
            _st.Steps++;
            SkipBlanks();
            if (AtEnd) break;
            if (TryParseRedirection(ref redirs))
            {
                end = _pos;
                continue;
            }

            if (F) break;
            var c = _s[_pos];
            if (c == '(')
            {
                if (words is { Count: 1 } && assigns is null && redirs is null) return ParseFunctionBody(words[0], start);
                Fail("syntax error near unexpected token '('");
                break;
            }

            if (IsMeta(c) && !IsProcessSubstitutionStart()) break;
            if (words is null && TryParseAssignment(ref assigns))
            {
                end = _pos;
                continue;
            }

            if (F) break;
            var w = ParseWord(WordMode.Normal);
            if (w is null) break;
            (words ??= []).Add(w);
            end = _pos;
        }

        if (F) return null;
        if (assigns is null && words is null && redirs is null)
        {
            Fail("syntax error near unexpected token " + Describe());
            return null;
        }

        if (!Count()) return null;
        return new SimpleCommand(
            (IReadOnlyList<Assignment>?)assigns ?? [],
            (IReadOnlyList<ShellWord>?)words ?? [],
            (IReadOnlyList<Redirection>?)redirs ?? [],
            Map(start),
            Map(end));
    }

    private FunctionDefinition? ParseFunctionBody(ShellWord nameWord, int start)
    {
        // at '(' of `name ()`
        _pos++;
        SkipBlanks();
        if (Peek() != ')')
        {
            Fail("syntax error: expected ')' after '(' in function definition");
            return null;
        }

        _pos++;
        var name = nameWord.StaticText;
        if (string.IsNullOrEmpty(name))
        {
            Fail("invalid function name", start);
            return null;
        }

        return FinishFunction(name, start);
    }

    private FunctionDefinition? FinishFunction(string name, int start)
    {
        SkipBlanksAndNewlines();
        if (F) return null;
        var bodyStart = _pos;
        var body = ParseCommand();
        if (F || body is null) return null;
        if (body is not CompoundCommand)
        {
            Fail("syntax error: function body must be a compound command", bodyStart);
            return null;
        }

        if (!Count()) return null;
        return new FunctionDefinition(name, body, Map(start), Map(_pos));
    }

    private FunctionDefinition? ParseFunctionKeyword()
    {
        var start = _pos;
        _pos += 8;
        SkipBlanks();
        if (AtEnd || IsMeta(_s[_pos]))
        {
            Fail("syntax error: expected a function name after 'function'");
            return null;
        }

        var w = ParseWord(WordMode.Normal);
        if (w is null || F) return null;
        var name = w.StaticText;
        if (string.IsNullOrEmpty(name))
        {
            Fail("invalid function name", start);
            return null;
        }

        SkipBlanks();
        if (Peek() == '(')
        {
            _pos++;
            SkipBlanks();
            if (Peek() != ')')
            {
                Fail("syntax error: expected ')' in function definition");
                return null;
            }

            _pos++;
        }

        return FinishFunction(name, start);
    }

    private bool TryParseAssignment(ref List<Assignment>? assigns)
    {
        var i = _pos;
        if (i >= _end || !IsNameStart(_s[i])) return false;
        while (i < _end && IsNameChar(_s[i])) { i++; _st.Steps++; }
        if (i < _end && _s[i] == '[')
        {
            var depth = 0;
            var parens = 0;
            while (i < _end)
            {
                _st.Steps++;
                var c = _s[i];
                if (c is '\'' or '`' or '"')
                {
                    var q = i + 1;
                    while (q < _end && _s[q] != c) { q += _s[q] == '\\' && c != '\'' ? 2 : 1; _st.Steps++; }
                    if (q >= _end) return false;
                    i = q + 1;
                    continue;
                }

                if (c == '\\') { i += 2; continue; }
                if (c == '(') parens++;
                else if (c == ')' && parens > 0) parens--;
                else if (c == '[') depth++;
                else if (c == ']' && --depth == 0) break;
                else if (parens == 0 && IsMeta(c)) return false;
                i++;
            }

            if (i >= _end) return false;
            i++;
        }

        var nameEnd = i;
        var subscriptStart = _s.AsSpan(_pos, nameEnd - _pos).IndexOf('[');
        var append = false;
        if (i + 1 < _end && _s[i] == '+' && _s[i + 1] == '=')
        {
            append = true;
            i += 2;
        }
        else if (i < _end && _s[i] == '=') i++;
        else return false;

        var name = _s.Substring(_pos, nameEnd - _pos);
        IReadOnlyList<WordPart> subscriptExpansions = [];
        if (subscriptStart >= 0)
        {
            subscriptExpansions = SubscriptExpansions(_pos + subscriptStart + 1, nameEnd - 1, quoted: false);
            if (F) return true;
        }

        _pos = i;
        var valueStart = _pos;
        ShellWord value;
        List<ShellWord>? items = null;
        if (Peek() == '(')
        {
            _pos++;
            if (!Enter()) return true;
            items = [];
            while (!F)
            {
                _st.Steps++;
                SkipBlanksAndNewlines();
                if (F) break;
                if (AtEnd)
                {
                    Fail("unterminated array assignment: missing ')'", valueStart);
                    break;
                }

                if (_s[_pos] == ')')
                {
                    _pos++;
                    break;
                }

                if (IsMeta(_s[_pos]) && !IsProcessSubstitutionStart())
                {
                    Fail("syntax error in array assignment near " + Describe());
                    break;
                }

                var w = ParseWord(WordMode.Normal);
                if (w is null) break;
                items.Add(w);
            }

            Leave();
            value = new ShellWord([], Map(valueStart), Map(_pos));
        }
        else
        {
            var w = ParseWord(WordMode.AssignValue, allowEmpty: true);
            if (w is null) return true;
            value = w;
        }

        if (F || !Count()) return true;
        (assigns ??= []).Add(new Assignment(name, value, append, items) { SubscriptExpansions = subscriptExpansions });
        return true;
    }

    private bool TryParseRedirection(ref List<Redirection>? redirs)
    {
        var p = _pos;
        int? fd = null;
        var q = p;
        while (q < _end && IsDigit(_s[q])) { q++; _st.Steps++; }
        if (q > p)
        {
            if (q >= _end || _s[q] is not ('<' or '>')) return false;
            if (q + 1 < _end && _s[q + 1] == '(') return false;
            var value = 0;
            for (var k = p; k < q; k++) value = value > 100_000_000 ? int.MaxValue : (value * 10) + (_s[k] - '0');
            fd = value;
            p = q;
        }

        if (p >= _end) return false;
        var c = _s[p];
        var c1 = p + 1 < _end ? _s[p + 1] : '\0';
        var c2 = p + 2 < _end ? _s[p + 2] : '\0';
        RedirectionOperator op;
        var len = 1;
        var strip = false;
        if (c == '<')
        {
            if (c1 == '<')
            {
                if (c2 == '<') { op = RedirectionOperator.HereString; len = 3; }
                else if (c2 == '-') { op = RedirectionOperator.HereDocument; len = 3; strip = true; }
                else { op = RedirectionOperator.HereDocument; len = 2; }
            }
            else if (c1 == '&') { op = RedirectionOperator.DuplicateInput; len = 2; }
            else if (c1 == '>') { op = RedirectionOperator.ReadWrite; len = 2; }
            else if (c1 == '(') return false;
            else op = RedirectionOperator.Input;
        }
        else if (c == '>')
        {
            if (c1 == '>') { op = RedirectionOperator.Append; len = 2; }
            else if (c1 == '|') { op = RedirectionOperator.Clobber; len = 2; }
            else if (c1 == '&') { op = RedirectionOperator.DuplicateOutput; len = 2; }
            else if (c1 == '(') return false;
            else op = RedirectionOperator.Output;
        }
        else if (c == '&' && c1 == '>' && fd is null)
        {
            if (c2 == '>') { op = RedirectionOperator.AppendOutputAndError; len = 3; }
            else { op = RedirectionOperator.OutputAndError; len = 2; }
        }
        else return false;

        var opPos = p;
        _pos = p + len;
        SkipBlanks();
        if (AtEnd || (IsMeta(_s[_pos]) && !((_s[_pos] is '<' or '>') && Peek(1) == '(')))
        {
            Fail("syntax error: expected a word after redirection, found " + Describe());
            return false;
        }

        var targetStart = _pos;
        var target = ParseWord(WordMode.Normal);
        if (target is null || F) return false;
        if (!Count()) return false;
        redirs ??= [];
        redirs.Add(new Redirection(fd, op, target, null));
        if (op == RedirectionOperator.HereDocument)
        {
            var (delim, quoted) = RemoveQuotes(_s.AsSpan(targetStart, _pos - targetStart));
            (_pending ??= []).Add(new PendingHereDoc(redirs, redirs.Count - 1, delim, quoted, strip, opPos));
        }

        return true;
    }
}
