namespace Interlock.Knowledge.Statements;

/// <summary>What a sed script does besides filtering text: commands it runs, files it reads and writes.</summary>
public sealed record SedFindings
{
    /// <summary>Shell commands the script runs (<c>e COMMAND</c>), and the replacement text <c>s///e</c> runs as a command.</summary>
    public List<string> Commands { get; } = [];

    /// <summary>The script runs text from its input as a command (<c>e</c> alone, the <c>s///e</c> flag).</summary>
    public bool RunsInput { get; set; }

    /// <summary>Files <c>w</c>, <c>W</c> and <c>s///w</c> write.</summary>
    public List<string> Writes { get; } = [];

    /// <summary>Files <c>r</c> and <c>R</c> read.</summary>
    public List<string> Reads { get; } = [];

    /// <summary>Syntax this reader does not know: nothing can be said about what the script runs.</summary>
    public bool Unparsed { get; set; }
}

/// <summary>
/// Reads GNU sed script syntax far enough to find the commands that reach outside the text stream: <c>e</c> and the
/// <c>s///e</c> flag run shell commands, <c>w</c>/<c>W</c> write files, <c>r</c>/<c>R</c> read them. What it cannot read
/// it reports as unparsed rather than guessing.
/// </summary>
public static class SedScript
{
    public static SedFindings Parse(string script)
    {
        var f = new SedFindings();
        var s = script;
        int i = 0, n = s.Length;
        while (i < n)
        {
            char c = s[i];
            if (c is ' ' or '\t' or '\n' or '\r' or ';' or '}') { i++; continue; }
            if (c == '#') { i = LineEnd(s, i); continue; }
            bool addressed = false;
            if (!Address(s, ref i, ref addressed, f)) return f;
            SkipBlanks(s, ref i);
            if (i < n && s[i] == ',')
            {
                i++;
                SkipBlanks(s, ref i);
                if (i < n && s[i] is '+' or '~') { i++; SkipDigits(s, ref i); }
                else if (!Address(s, ref i, ref addressed, f) || !addressed) return Fail(f);
            }
            SkipBlanks(s, ref i);
            while (i < n && s[i] == '!') { i++; SkipBlanks(s, ref i); }
            if (i >= n) return addressed ? Fail(f) : f;
            char cmd = s[i++];
            switch (cmd)
            {
                case '{':
                    continue;
                case '=' or 'd' or 'D' or 'g' or 'G' or 'h' or 'H' or 'n' or 'N' or 'p' or 'P' or 'x' or 'z' or 'F':
                    break;
                case 'l' or 'L' or 'q' or 'Q':
                    SkipBlanks(s, ref i);
                    SkipDigits(s, ref i);
                    break;
                case ':' or 'b' or 't' or 'T' or 'v':
                    // A label runs to the end of the line or a semicolon.
                    while (i < n && s[i] is not ('\n' or ';')) i++;
                    continue;
                case 'a' or 'i' or 'c':
                    i = TextEnd(s, i);
                    continue;
                case 'r' or 'R' or 'w' or 'W':
                {
                    var file = RestOfLine(s, ref i);
                    if (file.Length == 0) return Fail(f);
                    (cmd is 'r' or 'R' ? f.Reads : f.Writes).Add(file);
                    continue;
                }
                case 'e':
                {
                    var command = RestOfLine(s, ref i);
                    if (command.Length == 0) f.RunsInput = true;
                    else f.Commands.Add(command);
                    continue;
                }
                case 's':
                {
                    if (i >= n || s[i] is '\n' or '\\') return Fail(f);
                    char delim = s[i++];
                    if (Delimited(s, ref i, delim) is null) return Fail(f);
                    var replacement = Delimited(s, ref i, delim);
                    if (replacement is null) return Fail(f);
                    bool exec = false;
                    while (i < n)
                    {
                        char flag = s[i];
                        if (flag is 'g' or 'p' or 'i' or 'I' or 'm' or 'M' || char.IsAsciiDigit(flag)) { i++; continue; }
                        if (flag == 'e') { exec = true; i++; continue; }
                        if (flag == 'w')
                        {
                            i++;
                            var file = RestOfLine(s, ref i);
                            if (file.Length == 0) return Fail(f);
                            f.Writes.Add(file);
                        }
                        break;
                    }
                    if (exec)
                    {
                        // The pattern space after the substitution runs: the replacement is (part of) the command.
                        f.RunsInput = true;
                        if (replacement.Trim().Length > 0) f.Commands.Add(replacement);
                    }
                    break;
                }
                case 'y':
                {
                    if (i >= n || s[i] is '\n' or '\\') return Fail(f);
                    char delim = s[i++];
                    if (Delimited(s, ref i, delim) is null || Delimited(s, ref i, delim) is null) return Fail(f);
                    break;
                }
                default:
                    return Fail(f);
            }
            // After a command: blanks, then the end of the command.
            SkipBlanks(s, ref i);
            if (i < n && s[i] is not (';' or '\n' or '\r' or '}' or '#')) return Fail(f);
        }
        return f;
    }

    private static SedFindings Fail(SedFindings f)
    {
        f.Unparsed = true;
        return f;
    }

    /// <summary>One address: a line number, <c>first~step</c>, <c>$</c>, <c>/regex/</c> or <c>\cregexc</c> with its flags.</summary>
    private static bool Address(string s, ref int i, ref bool addressed, SedFindings f)
    {
        int n = s.Length;
        if (i >= n) return true;
        char c = s[i];
        if (char.IsAsciiDigit(c))
        {
            SkipDigits(s, ref i);
            if (i < n && s[i] == '~') { i++; SkipDigits(s, ref i); }
            addressed = true;
            return true;
        }
        if (c == '$') { i++; addressed = true; return true; }
        if (c is '/' or '\\')
        {
            char delim = '/';
            if (c == '\\')
            {
                if (i + 1 >= n || s[i + 1] == '\n') { Fail(f); return false; }
                delim = s[i + 1];
                i++;
            }
            i++;
            if (Delimited(s, ref i, delim) is null) { Fail(f); return false; }
            while (i < n && s[i] is 'I' or 'M') i++;
            addressed = true;
        }
        return true;
    }

    /// <summary>Text up to an unescaped <paramref name="delim"/> (consumed), with <c>\delim</c> and <c>\n</c> unescaped; null when unterminated.</summary>
    private static string? Delimited(string s, ref int i, char delim)
    {
        var sb = new System.Text.StringBuilder();
        while (i < s.Length)
        {
            char c = s[i];
            if (c == delim) { i++; return sb.ToString(); }
            if (c == '\\' && i + 1 < s.Length)
            {
                char e = s[i + 1];
                if (e == delim) sb.Append(e);
                else if (e == 'n') sb.Append('\n');
                else sb.Append(c).Append(e);
                i += 2;
                continue;
            }
            sb.Append(c);
            i++;
        }
        return null;
    }

    /// <summary>The rest of the line after blanks (file names and <c>e</c> commands take it whole, semicolons included).</summary>
    private static string RestOfLine(string s, ref int i)
    {
        SkipBlanks(s, ref i);
        int end = LineEnd(s, i);
        var text = s[i..end].TrimEnd();
        i = end;
        return text;
    }

    /// <summary>Where the text of <c>a</c>, <c>i</c> or <c>c</c> ends: the end of the line, continued by a trailing backslash.</summary>
    private static int TextEnd(string s, int i)
    {
        if (i < s.Length && s[i] == '\\') i++;
        if (i < s.Length && s[i] == '\n') i++;
        while (i < s.Length)
        {
            if (s[i] == '\\' && i + 1 < s.Length) { i += 2; continue; }
            if (s[i] == '\n') return i;
            i++;
        }
        return i;
    }

    private static int LineEnd(string s, int i)
    {
        int end = s.IndexOf('\n', i);
        return end < 0 ? s.Length : end;
    }

    private static void SkipBlanks(string s, ref int i)
    {
        while (i < s.Length && s[i] is ' ' or '\t') i++;
    }

    private static void SkipDigits(string s, ref int i)
    {
        while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
    }
}
