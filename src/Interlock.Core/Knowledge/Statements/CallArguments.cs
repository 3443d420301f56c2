namespace Interlock.Knowledge.Statements;

/// <summary>
/// The command an inline-code call runs, read from its argument text: one string is a shell command line
/// (<c>system("rm -rf x")</c>); a list or several words is an argument vector (<c>["rm", "-rf", x]</c>,
/// <c>spawn("sh", ["-c", "…"])</c>, <c>exec qw(rm -rf), glob("~")</c>). Parts computed at run time make it dynamic:
/// they stand as unknown text, or as <c>~</c> when the code names the home directory.
/// </summary>
internal static class CallArguments
{
    /// <summary>The command, or null when nothing of it is literal; <paramref name="dynamic"/> when part of it is computed.</summary>
    public static string? Command(ReadOnlySpan<char> argText, out bool dynamic)
    {
        dynamic = false;
        var elements = Split(argText);
        if (elements.Count == 0) { dynamic = true; return null; }
        var first = Word(elements[0]);
        if (first.Kind == WordKind.Literal)
        {
            // `spawn("sh", ["-c", cmd])`: a program and its argument list.
            var words = new List<Part>(elements.Count) { first };
            for (int i = 1; i < elements.Count; i++) words.Add(Word(elements[i]));
            if (words.Count > 1 && words[1].Kind == WordKind.List) return Vector([first, .. Words(words[1].Text[1..^1], ref dynamic)], ref dynamic);
            // system("rm", "-rf", x): several plain words are an argument vector; options after a command string are not.
            if (elements.Count > 1 && words.TrueForAll(w => w.Kind != WordKind.Other)) return Vector(words, ref dynamic);
            // exec("sh", "-c", $ARGV[0]): a program name followed by computed arguments (keyword options aside) is a
            // vector whose computed parts are unknown, not the program run alone.
            if (elements.Count > 1 && first.Text.AsSpan().IndexOfAny(' ', '\t') < 0)
            {
                var positional = words.Where((w, i) => i == 0 || !IsKeywordArgument(elements[i])).ToList();
                if (positional.Count > 1) return Vector(positional, ref dynamic);
            }
            if (first.Interpolated) dynamic = true;
            return first.Text;
        }
        if (first.Kind == WordKind.List) return Vector(Words(first.Text[1..^1], ref dynamic), ref dynamic);
        if (first.Kind is WordKind.Words or WordKind.Raw) return Vector(elements.Select(Word).ToList(), ref dynamic);
        dynamic = true;
        return null;
    }

    /// <summary><c>shell=True</c>, <c>check: true</c>, <c>:chdir => x</c>: an option of the call, not an argument of the command.</summary>
    private static bool IsKeywordArgument(string element)
    {
        var e = element.AsSpan().Trim();
        int i = 0;
        if (i < e.Length && e[i] == ':') i++;
        int name = i;
        while (i < e.Length && (char.IsAsciiLetterOrDigit(e[i]) || e[i] == '_')) i++;
        if (i == name) return false;
        while (i < e.Length && e[i] == ' ') i++;
        return i < e.Length && (e[i] == ':' || e[i] == '=' && (i + 1 >= e.Length || e[i + 1] != '=') || e[i..].StartsWith("=>"));
    }

    private enum WordKind { Literal, Words, Raw, List, Other }

    private readonly record struct Part(WordKind Kind, string Text, bool Interpolated = false);

    private static List<Part> Words(string inner, ref bool dynamic)
    {
        var parts = Split(inner).Select(Word).ToList();
        if (parts.Count == 0) dynamic = true;
        return parts;
    }

    private static string? Vector(List<Part> words, ref bool dynamic)
    {
        var sb = new System.Text.StringBuilder();
        foreach (var w in words)
        {
            string text;
            switch (w.Kind)
            {
                case WordKind.Literal:
                    if (w.Interpolated) dynamic = true;
                    text = Shell.ShellQuoting.Quote(w.Text);
                    break;
                case WordKind.Words or WordKind.Raw:
                    text = w.Text;
                    break;
                default:
                    dynamic = true;
                    text = Shell.ShellArg.Unknown.ToString();
                    break;
            }
            if (sb.Length > 0) sb.Append(' ');
            sb.Append(text);
        }
        return sb.Length == 0 ? null : sb.ToString();
    }

    /// <summary>One argument: a string literal, <c>qw(…)</c> words, a home-directory or glob expression, a list, or other code.</summary>
    private static Part Word(string element)
    {
        var e = element.Trim();
        if (e.Length == 0) return new Part(WordKind.Other, "");
        // "rm -rf " + path, 'a' . $b, "x" .. y: a concatenation is one word; computed pieces stand as unknown text.
        var pieces = Concatenated(e);
        if (pieces.Count > 1)
        {
            var sb = new System.Text.StringBuilder();
            bool computed = false;
            foreach (var piece in pieces)
            {
                var w = Word(piece);
                if (w.Kind is WordKind.Literal or WordKind.Raw) { sb.Append(w.Text); computed |= w.Interpolated; }
                else { sb.Append(Shell.ShellArg.Unknown); computed = true; }
            }
            return new Part(WordKind.Literal, sb.ToString(), computed);
        }
        if (e.StartsWith("qq", StringComparison.Ordinal) && e.Length > 3 && e[2] is '(' or '{' or '[' or '/' or '|')
            return new Part(WordKind.Literal, e[3..^1], e.Contains('$', StringComparison.Ordinal));
        if (e.StartsWith("q", StringComparison.Ordinal) && e.Length > 2 && e[1] is '(' or '{' or '[' or '/' or '|')
            return new Part(WordKind.Literal, e[2..^1]);
        // R's c("-rf", x) and PHP's array(…) are lists.
        if ((e.StartsWith("c(", StringComparison.Ordinal) || e.StartsWith("array(", StringComparison.Ordinal) || e.StartsWith("list(", StringComparison.Ordinal)) && e[^1] == ')')
            return new Part(WordKind.List, "[" + e[(e.IndexOf('(') + 1)..^1] + "]");
        if (e[0] == '[' && e[^1] == ']') return new Part(WordKind.List, e);
        bool fString = e.Length > 2 && e[0] is 'f' or 'F' && e[1] is '"' or '\'';
        var literal = fString ? e[1..] : e;
        if (literal[0] is '"' or '\'' or '`' && literal.Length > 1 && literal[^1] == literal[0])
        {
            var lits = InlineCodeScanner.StringLiterals(literal);
            if (lits.Count == 1 && lits[0].Length == literal.Length - 2)
            {
                var text = lits[0];
                bool interpolated = fString && text.Contains('{', StringComparison.Ordinal)
                    || (literal[0] == '`' && text.Contains("${", StringComparison.Ordinal)) || (literal[0] == '"' && text.Contains("#{", StringComparison.Ordinal));
                return new Part(WordKind.Literal, text, interpolated);
            }
        }
        if (e.StartsWith("qw", StringComparison.Ordinal) && e.Length > 3)
        {
            int open = 2;
            while (open < e.Length && e[open] == ' ') open++;
            if (open < e.Length - 1) return new Part(WordKind.Words, e[(open + 1)..^1].Trim());
        }
        if (e.Contains("expanduser", StringComparison.Ordinal) && e.Contains('~', StringComparison.Ordinal) || e.Contains("homedir", StringComparison.Ordinal)
            || e.Contains("Path.home", StringComparison.Ordinal) || e.Contains("Dir.home", StringComparison.Ordinal) || e.Contains("{HOME}", StringComparison.Ordinal)
            || e.Contains("['HOME']", StringComparison.Ordinal) || e.Contains("[\"HOME\"]", StringComparison.Ordinal) || e.Contains("env.HOME", StringComparison.Ordinal)
            || e.Contains("('HOME')", StringComparison.Ordinal) || e.Contains("(\"HOME\")", StringComparison.Ordinal))
            return new Part(WordKind.Raw, "~");
        if (e.StartsWith("glob", StringComparison.Ordinal) && InlineCodeScanner.StringLiterals(e) is [var pattern])
            return new Part(WordKind.Raw, pattern);
        return new Part(WordKind.Other, e);
    }

    /// <summary>The pieces of a top-level concatenation (<c>+</c>, <c>..</c>, or <c>.</c> beside a quote or <c>$</c>); one piece when there is none.</summary>
    private static List<string> Concatenated(string e)
    {
        var pieces = new List<string>();
        int depth = 0, start = 0;
        for (int i = 0; i < e.Length; i++)
        {
            char c = e[i];
            if (c is '"' or '\'' or '`')
            {
                int j = i + 1;
                while (j < e.Length && e[j] != c) j += e[j] == '\\' && c != '`' ? 2 : 1;
                i = Math.Min(j, e.Length);
                continue;
            }
            if (c is '(' or '[' or '{') { depth++; continue; }
            if (c is ')' or ']' or '}') { depth--; continue; }
            if (depth != 0) continue;
            int width = 0;
            if (c == '+') width = 1;
            else if (c == '.' && i + 1 < e.Length && e[i + 1] == '.') width = 2;
            else if (c == '.')
            {
                var before = e.AsSpan(0, i).TrimEnd();
                var after = e.AsSpan(i + 1).TrimStart();
                if ((before.Length > 0 && before[^1] is '"' or '\'') || (after.Length > 0 && after[0] is '"' or '\'' or '$')) width = 1;
            }
            if (width == 0) continue;
            pieces.Add(e[start..i]);
            start = i + width;
            i += width - 1;
        }
        pieces.Add(e[start..]);
        return pieces.Count > 1 && pieces.TrueForAll(p => p.Trim().Length > 0) ? pieces : [e];
    }

    /// <summary>Top-level comma-separated elements of an argument text, up to its closing parenthesis or the end of the statement.</summary>
    private static List<string> Split(ReadOnlySpan<char> text)
    {
        var elements = new List<string>();
        int depth = 0, start = 0, i = 0;
        for (; i < text.Length; i++)
        {
            char c = text[i];
            if (c is '"' or '\'' or '`')
            {
                int j = i + 1;
                while (j < text.Length && text[j] != c) j += text[j] == '\\' && c != '`' ? 2 : 1;
                if (j >= text.Length) break;
                i = j;
                continue;
            }
            if (c is '(' or '[' or '{') depth++;
            else if (c is ')' or ']' or '}') { if (depth == 0) break; depth--; }
            else if (depth == 0 && c is ',') { elements.Add(text[start..i].ToString().Trim()); start = i + 1; }
            else if (depth == 0 && c is ';' or '\n') break;
        }
        var last = text[start..Math.Min(i, text.Length)].ToString().Trim();
        if (last.Trim().Length > 0 || elements.Count > 0) elements.Add(last);
        // Keyword arguments (`shell=True`) and option objects do not change the command.
        elements.RemoveAll(e => e.Trim().Length == 0);
        return elements;
    }
}
