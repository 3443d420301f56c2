using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;

namespace Interlock.Shell;

/// <summary>
/// Recursive-descent bash parser working directly on the characters. On an error it records the first error in the
/// shared <see cref="ShellParserState"/> and every loop stops; it never throws by design.
/// </summary>
internal sealed class ShellParserCore
{
    private enum WordMode { Normal, AssignValue, Regex }

    private readonly record struct PendingHereDoc(List<Redirection> List, int Index, string Delimiter, bool Quoted, bool StripTabs, int Position);

    private static readonly SearchValues<char> NormalSpecial = SearchValues.Create(" \t\n;&|<>()\\'\"$`");
    private static readonly SearchValues<char> AssignSpecial = SearchValues.Create(" \t\n;&|<>()\\'\"$`:");
    private static readonly SearchValues<char> DoubleQuoteSpecial = SearchValues.Create("\"\\$`");
    private static readonly SearchValues<char> HereDocSpecial = SearchValues.Create("\\$`");
    private static readonly SearchValues<char> HereDocStripSpecial = SearchValues.Create("\\$`\n");
    private static readonly SearchValues<char> ParamArgSpecial = SearchValues.Create("{}\\'\"$`");

    private readonly string _s;
    private readonly ShellParserState _st;
    private readonly int _base;      // offset of _s within the original text (backtick sub-parses)
    private readonly int _baseEnd;   // exclusive bound for mapped positions
    private readonly bool _sub;
    private int _pos;
    private int _end;
    private List<PendingHereDoc>? _pending;
    private readonly Stack<WordBuilder> _builders = new();

    public ShellParserCore(string text, ShellParserState state, int baseOffset, int baseEnd)
    {
        _s = text;
        _st = state;
        _base = baseOffset;
        _baseEnd = baseEnd;
        _sub = baseOffset != 0 || baseEnd != text.Length;
        _end = text.Length;
    }

    private bool F => _st.Failed;

    private int Map(int p) => _sub ? Math.Min(_base + p, _baseEnd) : p;

    private char Peek(int ahead = 0)
    {
        var i = _pos + ahead;
        return i < _end ? _s[i] : '\0';
    }

    private bool AtEnd => _pos >= _end;

    private void Fail(string message) => _st.Fail(message, Map(Math.Min(_pos, _s.Length)));

    private void Fail(string message, int localPos) => _st.Fail(message, Map(Math.Min(localPos, _s.Length)));

    private bool Count(int n = 1)
    {
        _st.Nodes += n;
        if (_st.Nodes <= _st.Limits.MaxNodes) return true;
        _st.Exceed("nodes", $"syntax tree exceeds the nodes budget of {_st.Limits.MaxNodes}", Map(_pos));
        return false;
    }

    private bool Enter()
    {
        _st.Depth++;
        if (_st.Depth > _st.Limits.MaxDepth || !RuntimeHelpers.TryEnsureSufficientExecutionStack())
        {
            _st.Exceed("depth", $"nesting exceeds the depth budget of {_st.Limits.MaxDepth}", Map(_pos));
            return false;
        }

        return true;
    }

    private void Leave() => _st.Depth--;

    private static bool IsMeta(char c) =>
        c is ' ' or '\t' or '\n' or ';' or '&' or '|' or '<' or '>' or '(' or ')';

    private bool IsProcessSubstitutionStart() =>
        _pos + 1 < _end && _s[_pos] is '<' or '>' && _s[_pos + 1] == '(';

    private static bool IsNameStart(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_';

    private static bool IsNameChar(char c) => IsNameStart(c) || c is >= '0' and <= '9';

    private static bool IsDigit(char c) => c is >= '0' and <= '9';

    private WordBuilder RentBuilder() => _builders.Count > 0 ? _builders.Pop() : new WordBuilder();

    private void ReturnBuilder(WordBuilder b)
    {
        b.Reset();
        _builders.Push(b);
    }

    // ───────────────────────── blanks, comments, newlines, here-documents ─────────────────────────

    private void SkipBlanks()
    {
        while (_pos < _end)
        {
            var c = _s[_pos];
            if (c is ' ' or '\t') _pos++;
            else if (c == '\\' && _pos + 1 < _end && _s[_pos + 1] == '\n') _pos += 2;
            else if (c == '#')
            {
                var nl = _s.AsSpan(_pos, _end - _pos).IndexOf('\n');
                _pos = nl < 0 ? _end : _pos + nl;
                return;
            }
            else return;
        }
    }

    private void SkipBlanksAndNewlines()
    {
        while (!F)
        {
            SkipBlanks();
            if (_pos < _end && _s[_pos] == '\n') ConsumeNewline();
            else return;
        }
    }

    private void ConsumeNewline()
    {
        _pos++;
        if (_pending is { Count: > 0 }) ReadHereDocBodies();
    }

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
                var lineStart = _pos;
                var nl = _s.AsSpan(_pos, _end - _pos).IndexOf('\n');
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
                    while (_pos < _end && _s[_pos] == '\t') _pos++;
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

    // ───────────────────────── reserved words ─────────────────────────

    private static readonly string[] Reserved =
        ["if", "then", "elif", "else", "fi", "while", "until", "do", "done", "for", "select", "case", "esac", "in", "function", "{", "}", "!", "[[", "]]", "time"];

    /// <summary>The reserved word at the current position if it stands alone as a word, else null.</summary>
    private string? PeekReserved()
    {
        var i = _pos;
        var limit = Math.Min(_end, _pos + 9);
        while (i < limit && !IsMeta(_s[i])) i++;
        if (i == _pos) return null;
        if (i < _end && !IsMeta(_s[i])) return null;
        var span = _s.AsSpan(_pos, i - _pos);
        foreach (var r in Reserved)
        {
            if (span.SequenceEqual(r)) return r;
        }

        return null;
    }

    private static bool IsCloser(string? r) =>
        r is "then" or "elif" or "else" or "fi" or "do" or "done" or "esac" or "}";

    private bool ExpectReserved(string word, string context)
    {
        if (F) return false;
        SkipBlanksAndNewlines();
        if (F) return false;
        if (PeekReserved() == word)
        {
            _pos += word.Length;
            return true;
        }

        Fail(AtEnd ? $"unexpected end of input: missing '{word}' for {context}" : $"expected '{word}' for {context} but found {Describe()}");
        return false;
    }

    private string Describe()
    {
        if (AtEnd) return "end of input";
        var c = _s[_pos];
        if (c == '\n') return "newline";
        var i = _pos;
        if (IsMeta(c))
        {
            i++;
            while (i < _end && i - _pos < 3 && _s[i] is ';' or '&' or '|' or '<' or '>') i++;
        }
        else
        {
            while (i < _end && i - _pos < 20 && !IsMeta(_s[i])) i++;
        }

        return "'" + _s.Substring(_pos, i - _pos) + "'";
    }

    // ───────────────────────── lists ─────────────────────────

    public ShellScript ParseProgram()
    {
        var script = ParseList();
        if (F) return script;
        SkipBlanksAndNewlines();
        if (F) return script;
        if (!AtEnd)
        {
            Fail("syntax error near unexpected token " + Describe());
            return script;
        }

        if (_pending is { Count: > 0 }) Fail($"unterminated here-document (wanted '{_pending[0].Delimiter}')", _pending[0].Position);
        return script;
    }

    private bool AtListEnd()
    {
        if (AtEnd) return true;
        var c = _s[_pos];
        if (c == ')') return true;
        if (c == ';' && Peek(1) is ';' or '&') return true;
        return IsCloser(PeekReserved());
    }

    private ShellScript ParseList()
    {
        var items = new List<AndOrList>();
        while (!F)
        {
            SkipBlanksAndNewlines();
            if (F || AtListEnd()) break;
            var before = _pos;
            var pipelines = new List<Pipeline>();
            var ops = new List<AndOrOperator>();
            ParseAndOr(pipelines, ops);
            if (F) break;
            if (_pos == before)
            {
                Fail("syntax error near unexpected token " + Describe());
                break;
            }

            if (!Count()) break;
            SkipBlanks();
            var c = Peek();
            var background = false;
            var more = true;
            if (c == ';' && Peek(1) is not (';' or '&')) _pos++;
            else if (c == '&' && Peek(1) is not ('&' or '>')) { _pos++; background = true; }
            else if (c == '\n' && !AtEnd) ConsumeNewline();
            else more = false;
            items.Add(new AndOrList(pipelines, ops, background));
            if (!more) break;
        }

        return new ShellScript(items);
    }

    private void ParseAndOr(List<Pipeline> pipelines, List<AndOrOperator> ops)
    {
        var p = ParsePipeline();
        if (p is null) return;
        pipelines.Add(p);
        while (!F)
        {
            SkipBlanks();
            AndOrOperator op;
            if (Peek() == '&' && Peek(1) == '&') op = AndOrOperator.And;
            else if (Peek() == '|' && Peek(1) == '|') op = AndOrOperator.Or;
            else break;
            _pos += 2;
            SkipBlanksAndNewlines();
            p = ParsePipeline();
            if (p is null) return;
            ops.Add(op);
            pipelines.Add(p);
        }
    }

    private Pipeline? ParsePipeline()
    {
        SkipBlanks();
        var negated = false;
        while (!F)
        {
            var r = PeekReserved();
            if (r == "!")
            {
                negated = !negated;
                _pos++;
                SkipBlanks();
            }
            else if (r == "time")
            {
                var save = _pos;
                _pos += 4;
                SkipBlanks();
                while (Peek() == '-' && Peek(1) == 'p' && (_pos + 2 >= _end || IsMeta(_s[_pos + 2])))
                {
                    _pos += 2;
                    SkipBlanks();
                }

                if (AtEnd || Peek() is ';' or '\n' or '&' or '|' or ')')
                {
                    _pos = save; // bare `time`: treat as a command word
                    break;
                }
            }
            else break;
        }

        var commands = new List<ShellCommand>();
        while (!F)
        {
            var cmd = ParseCommand();
            if (cmd is null || F) return null;
            commands.Add(cmd);
            SkipBlanks();
            if (Peek() == '|' && Peek(1) != '|')
            {
                _pos++;
                if (Peek() == '&') _pos++;
                SkipBlanksAndNewlines();
                continue;
            }

            break;
        }

        if (!Count()) return null;
        return new Pipeline(commands, negated);
    }

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
        while (i < _end && IsNameChar(_s[i])) i++;
        if (i < _end && _s[i] == '[')
        {
            var depth = 0;
            var parens = 0;
            while (i < _end)
            {
                var c = _s[i];
                if (c is '\'' or '`' or '"')
                {
                    var q = i + 1;
                    while (q < _end && _s[q] != c) q += _s[q] == '\\' && c != '\'' ? 2 : 1;
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
        while (q < _end && IsDigit(_s[q])) q++;
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
        while (_pos < _end && IsNameChar(_s[_pos])) _pos++;
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
            var c = _s[i];
            switch (c)
            {
                case '\\':
                    i += 2;
                    continue;
                case '\'':
                {
                    var q = _s.AsSpan(i + 1, _end - i - 1).IndexOf('\'');
                    if (q < 0) return -1;
                    i += q + 2;
                    continue;
                }

                case '"':
                    i++;
                    while (i < _end && _s[i] != '"') i += _s[i] == '\\' ? 2 : 1;
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
        while (i < _end && (IsNameChar(_s[i]) || _s[i] is '.' or '-' or '+')) i++;
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
                    while (_pos < _end && _s[_pos] == '\t') _pos++;
                    continue;
            }

            var span = _s.AsSpan(_pos, _end - _pos);
            var k = span.IndexOfAny(special);
            if (k < 0) k = span.Length;
            b.AppendLiteral(span[..k], quoted);
            _pos += k;
        }

        if (!hereDoc && !F) Fail("unterminated double quote", start);
    }

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
            while (i < _end && IsNameChar(_s[i])) i++;
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
                while (_pos < _end && IsNameChar(_s[_pos])) _pos++;
            }
            else if (!AtEnd && IsDigit(_s[_pos]))
            {
                while (_pos < _end && IsDigit(_s[_pos])) _pos++;
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
            b.AppendLiteral(span[..k], quotedContext);
            _pos += k;
        }

    done:
        var parts = b.TakeParts();
        ReturnBuilder(b);
        if (F || !Count(1 + parts.Count)) return null;
        return new ShellWord(parts, Map(start), Map(_pos));
    }

    private void ParseAnsiC(WordBuilder b)
    {
        var start = _pos;
        _pos += 2;
        var sb = new StringBuilder();
        var truncated = false;
        while (_pos < _end)
        {
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
