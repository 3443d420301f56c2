using System.Text;
using YamlDotNet.Core;

namespace Interlock.Knowledge.Packs;

/// <summary>
/// The position in a pack's text for <see cref="PackYamlReader"/>: marks as YamlDotNet counts them (index, 1-based line
/// and column), whitespace and comment skipping, and the single-line scalars of the pack subset. Every method returns
/// false (or null) to decline, never guesses: the reader then leaves the text to YamlDotNet.
/// </summary>
internal sealed class PackYamlText(string text)
{
    // The longest implicit key accepted; YamlDotNet stops treating a key as simple past 1024 characters.
    private const int MaxKeyLength = 1000;

    private int _lineStart;
    private StringBuilder? _builder;

    public int Pos { get; set; }

    public int Line { get; private set; } = 1;

    /// <summary>The 0-based column of <see cref="Pos"/> (YamlDotNet's line offset).</summary>
    public int Offset => Pos - _lineStart;

    public bool AtEnd => Pos >= text.Length;

    public char At(int i) => i < text.Length ? text[i] : '\0';

    public char Current => At(Pos);

    public Mark Mark() => new(Pos, Line, Pos - _lineStart + 1);

    /// <summary>Whether every character is one the subset reads the same as YamlDotNet: no tab, CR, BOM, control, NEL, LS/PS or surrogate.</summary>
    public bool CharactersFit()
    {
        foreach (var c in text)
        {
            if (c is '\n' || (c >= ' ' && c < '\x7f')) continue;
            if (c < '\xa0' || c is '\ufeff' or '\u2028' or '\u2029' or '\ufffe' or '\uffff' || char.IsSurrogate(c)) return false;
        }
        return true;
    }

    public static bool IsBlank(char c) => c is ' ' or '\n' or '\0';

    public void SkipSpaces()
    {
        while (At(Pos) == ' ') Pos++;
    }

    /// <summary>Skips spaces, comments and line breaks to the next content or the end. Declines a '#' glued to a token.</summary>
    public bool SkipToContent()
    {
        while (true)
        {
            SkipSpaces();
            if (Current == '#')
            {
                if (Pos > _lineStart && At(Pos - 1) != ' ') return false;
                while (!AtEnd && Current != '\n') Pos++;
            }
            if (Current != '\n') return true;
            Pos++;
            Line++;
            _lineStart = Pos;
        }
    }

    /// <summary>The rest of a line after a block value: spaces, perhaps a comment, then the next content.</summary>
    public bool EndOfLine()
    {
        SkipSpaces();
        return Current is '\n' or '#' or '\0' && SkipToContent();
    }

    /// <summary>Whether the position starts a block sequence entry ('-' then a blank).</summary>
    public bool AtEntry => Current == '-' && IsBlank(At(Pos + 1));

    /// <summary>Whether a document marker ("---" or "...") starts the line here.</summary>
    public bool AtDocumentMarker =>
        Offset == 0 && ((At(Pos) == '-' && At(Pos + 1) == '-' && At(Pos + 2) == '-') || (At(Pos) == '.' && At(Pos + 1) == '.' && At(Pos + 2) == '.'))
        && IsBlank(At(Pos + 3));

    /// <summary>
    /// The mark YamlDotNet gives a block collection's end at this position: the next token's place, or at the end of a
    /// text without a final newline, the place after the last character for levels deeper than its last line's offset and
    /// the start of the line after it for the rest (the scanner moves to a new line before ending the stream).
    /// </summary>
    public Mark CloseMark(int column) => !AtEnd || Offset == 0 || column > Offset ? Mark() : new Mark(Pos, Line + 1, 1);

    /// <summary>The mark of the stream's end (the position is at the end).</summary>
    public Mark EndMark() => Offset == 0 ? Mark() : new Mark(Pos, Line + 1, 1);

    /// <summary>Whether the line from here holds a block key: a scalar then ':' and a blank, before any comment.</summary>
    public bool KeyAhead()
    {
        var i = Pos;
        var c = At(i);
        if (c is '"' or '\'')
        {
            for (i++; At(i) is not '\n' and not '\0'; i++)
            {
                if (At(i) == '\\' && c == '"') i++;
                else if (At(i) == c && c == '\'' && At(i + 1) == '\'') i++;
                else if (At(i) == c) return At(i + 1) == ':' && IsBlank(At(i + 2));
            }
            return false;
        }
        for (; At(i) is not '\n' and not '\0'; i++)
        {
            if (At(i) == ':' && IsBlank(At(i + 1))) return true;
            if (At(i) == '#' && At(i - 1) == ' ') return false;
        }
        return false;
    }

    /// <summary>A quoted scalar on one line: its value (escapes resolved), the position just past its closing quote.</summary>
    public string? Quoted()
    {
        var quote = Current;
        var start = Pos + 1;
        var i = start;
        StringBuilder? value = null;
        while (true)
        {
            var c = At(i);
            if (c is '\n' or '\0') return null;
            if (c == quote && !(quote == '\'' && At(i + 1) == '\'')) break;
            if (quote == '\'' && c == '\'' || quote == '"' && c == '\\')
            {
                var unescaped = quote == '\'' ? '\'' : Unescape(At(i + 1));
                if (unescaped == '\uffff') return null;
                value ??= Builder().Append(text, start, i - start);
                value.Append(unescaped);
                i += 2;
                continue;
            }
            value?.Append(c);
            i++;
        }
        Pos = i + 1;
        return value?.ToString() ?? text.Substring(start, i - start);
    }

    /// <summary>The escapes YamlDotNet's scanner maps to one character that the subset takes; U+FFFF for the rest (declined).</summary>
    private static char Unescape(char c) => c switch
    {
        '0' => '\0', 'a' => '\a', 'b' => '\b', 't' => '\t', 'n' => '\n', 'v' => '\v', 'f' => '\f', 'r' => '\r', 'e' => '\x1b',
        ' ' => ' ', '"' => '"', '\\' => '\\', '/' => '/',
        _ => '\uffff',
    };

    private StringBuilder Builder()
    {
        _builder ??= new StringBuilder();
        _builder.Clear();
        return _builder;
    }

    /// <summary>
    /// A plain scalar on one line, ending before ": " when it is a key, at a comment or the line's end in a block, at
    /// ',', brackets or braces in a flow. Declines a ':' it cannot place, a start YamlDotNet reads as an indicator, and in a
    /// flow one followed by anything but its terminator on the same line (a flow plain scalar may run on across lines).
    /// </summary>
    public string? Plain(bool flow, bool key)
    {
        var start = Pos;
        var c = Current;
        if (c is '?' or ':' or ',' or '[' or ']' or '{' or '}' or '#' or '&' or '*' or '!' or '|' or '>' or '\'' or '"' or '%' or '@' or '`') return null;
        if (c == '-' && (IsBlank(At(Pos + 1)) || key || At(Pos + 1) is ',' or '[' or ']' or '{' or '}')) return null;
        var end = start;
        var i = start;
        while (true)
        {
            c = At(i);
            if (c is '\n' or '\0') break;
            if (c == ':')
            {
                // ':' then a blank ends a key (a value holding it is an error); a flow declines any other ':', a block keeps it.
                if (IsBlank(At(i + 1)) || flow)
                {
                    if (key && (flow ? At(i + 1) == ' ' : IsBlank(At(i + 1)))) break;
                    return null;
                }
            }
            if (c == ' ')
            {
                i++;
                continue;
            }
            if (c == '#' && At(i - 1) == ' ')
            {
                if (flow || key) return null;
                break;
            }
            if (flow && c is ',' or '[' or ']' or '{' or '}') break;
            i++;
            end = i;
        }
        if (key && At(i) != ':') return null;
        // A key must touch its ':'; a flow scalar must meet its terminator on this line.
        if (key && end != i) return null;
        if (flow && !key && At(i) is not (',' or ']' or '}')) return null;
        if (key && i - start > MaxKeyLength) return null;
        Pos = end;
        return text.Substring(start, end - start);
    }

    /// <summary>A quoted key touching its ':' (flow keys also need a space after it), not longer than a simple key may be.</summary>
    public bool QuotedKeyEnds(int start, bool flow) =>
        Current == ':' && (flow ? At(Pos + 1) == ' ' : IsBlank(At(Pos + 1))) && Pos - start <= MaxKeyLength;

    /// <summary>Moves to the next line's start (the position is at a line break).</summary>
    public void NextLine()
    {
        Pos++;
        Line++;
        _lineStart = Pos;
    }
}
