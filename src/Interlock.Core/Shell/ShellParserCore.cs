using System.Buffers;
using System.Runtime.CompilerServices;

namespace Interlock.Shell;

/// <summary>
/// Recursive-descent bash parser working directly on the characters. On an error it records the first error in the
/// shared <see cref="ShellParserState"/> and every loop stops; it never throws by design.
/// </summary>
internal sealed partial class ShellParserCore
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
        _st.Steps += n;
        if (_st.Nodes <= _st.Limits.MaxNodes) return true;
        _st.Exceed("nodes", $"syntax tree exceeds the nodes budget of {_st.Limits.MaxNodes}", Map(_pos));
        return false;
    }

    private bool Enter()
    {
        _st.Depth++;
        _st.Steps++;
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

    // ───────────────────────── blanks, comments, newlines ─────────────────────────

    private void SkipBlanks()
    {
        while (_pos < _end)
        {
            _st.Steps++;
            var c = _s[_pos];
            if (c is ' ' or '\t') _pos++;
            else if (c == '\\' && _pos + 1 < _end && _s[_pos + 1] == '\n') _pos += 2;
            else if (c == '#')
            {
                var nl = _s.AsSpan(_pos, _end - _pos).IndexOf('\n');
                _st.Steps += nl < 0 ? _end - _pos : nl + 1;
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
            _st.Steps++;
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

    // ───────────────────────── reserved words ─────────────────────────

    private static readonly string[] Reserved =
        ["if", "then", "elif", "else", "fi", "while", "until", "do", "done", "for", "select", "case", "esac", "in", "function", "{", "}", "!", "[[", "]]", "time"];

    /// <summary>The reserved word at the current position if it stands alone as a word, else null.</summary>
    private string? PeekReserved()
    {
        var i = _pos;
        var limit = Math.Min(_end, _pos + 9);
        while (i < limit && !IsMeta(_s[i])) { i++; _st.Steps++; }
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
            _st.Steps++;
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
            _st.Steps++;
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
            _st.Steps++;
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
                    _st.Steps++;
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
            _st.Steps++;
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
}
