namespace Interlock.Knowledge.Statements;

/// <summary>What feeds a command an awk program starts.</summary>
public enum AwkFeed
{
    /// <summary><c>system(cmd)</c>, <c>cmd | getline</c>: the command reads nothing from the program.</summary>
    None,
    /// <summary><c>print "text" | cmd</c>: constant text, in <see cref="AwkCommand.Data"/>.</summary>
    Printed,
    /// <summary><c>print | cmd</c>, <c>print $0 | cmd</c>: the program's input lines.</summary>
    Input,
    /// <summary>Text computed while the program runs.</summary>
    Unknown,
}

/// <summary>One command an awk program runs; <see cref="Text"/> is null when it is computed at run time.</summary>
public sealed record AwkCommand(string? Text, AwkFeed Feed, string? Data = null);

/// <summary>The commands an awk program runs and the files it redirects to and from (null: a name computed at run time).</summary>
public sealed record AwkFindings(List<AwkCommand> Commands, List<string?> Writes, List<string?> Reads);

/// <summary>
/// Reads an awk program as tokens to find where it reaches outside: <c>system()</c>, <c>print | "cmd"</c>,
/// <c>"cmd" | getline</c>, <c>print &gt; "file"</c> and <c>getline &lt; "file"</c>. A command built from string constants
/// (directly, or through variables assigned only constants) is known; anything else is reported as computed.
/// </summary>
public static class AwkProgram
{
    private enum Kind { String, Regex, Name, Number, Punct, Break }

    private readonly record struct Token(Kind Kind, string Text);

    private static readonly HashSet<string> Keywords = new(StringComparer.Ordinal)
    {
        "BEGIN", "END", "BEGINFILE", "ENDFILE", "if", "else", "while", "for", "do", "in", "break", "continue", "next", "nextfile", "exit",
        "return", "delete", "function", "func", "getline", "print", "printf",
    };

    private static readonly HashSet<string> HarmlessSinks = new(StringComparer.Ordinal) { "/dev/stdout", "/dev/stderr", "/dev/null", "-", "/dev/fd/1", "/dev/fd/2" };

    /// <summary>Tokens read from one program; more are not read (the rest is reported as computed). Backward scans per pipe or redirection keep the work within MaxTokens².</summary>
    private const int MaxTokens = 4096;

    /// <param name="program">The program text.</param>
    /// <param name="assigned">Variables given on the command line (<c>-v name=value</c>, <c>name=value</c> operands).</param>
    public static AwkFindings Scan(string program, IReadOnlyDictionary<string, string>? assigned = null)
    {
        var tokens = Lex(program, out bool truncated);
        var vars = Constants(tokens, assigned);
        var findings = new AwkFindings([], [], []);
        if (truncated) findings.Commands.Add(new AwkCommand(null, AwkFeed.Unknown));
        for (int i = 0; i < tokens.Count; i++)
        {
            var t = tokens[i];
            if (t.Kind == Kind.Name && t.Text == "system" && i + 1 < tokens.Count && tokens[i + 1].Text == "(" && tokens[i + 1].Kind == Kind.Punct)
            {
                int close = Matching(tokens, i + 1);
                findings.Commands.Add(new AwkCommand(Evaluate(tokens, i + 2, close, vars), AwkFeed.None));
                continue;
            }
            if (t.Kind != Kind.Punct) continue;
            if (t.Text is "|" or "|&")
            {
                if (i + 1 < tokens.Count && tokens[i + 1] is { Kind: Kind.Name, Text: "getline" })
                {
                    int start = ExpressionStart(tokens, i);
                    findings.Commands.Add(new AwkCommand(Evaluate(tokens, start, i, vars), AwkFeed.None));
                    continue;
                }
                int end = ExpressionEnd(tokens, i + 1);
                var command = Evaluate(tokens, i + 1, end, vars);
                int print = PrintStart(tokens, i);
                if (print < 0) { findings.Commands.Add(new AwkCommand(command, AwkFeed.Unknown)); continue; }
                var (feed, data) = Printed(tokens, print, i, vars);
                findings.Commands.Add(new AwkCommand(command, feed, data));
                continue;
            }
            if (t.Text is ">" or ">>" && PrintStart(tokens, i) >= 0)
            {
                var file = FileName(tokens, i + 1, vars);
                if (file is null || !HarmlessSinks.Contains(file)) findings.Writes.Add(file);
                continue;
            }
            if (t.Text == "<" && i > 0 && (tokens[i - 1] is { Kind: Kind.Name, Text: "getline" } || i > 1 && tokens[i - 2] is { Kind: Kind.Name, Text: "getline" }))
                findings.Reads.Add(FileName(tokens, i + 1, vars));
        }
        return findings;
    }

    /// <summary>Variables assigned only string constants (<c>cmd = "date"</c>), with the command line's assignments.</summary>
    private static Dictionary<string, string> Constants(List<Token> tokens, IReadOnlyDictionary<string, string>? assigned)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var computed = new HashSet<string>(StringComparer.Ordinal);
        if (assigned is not null) foreach (var (k, v) in assigned) values[k] = v;
        for (int i = 0; i + 1 < tokens.Count; i++)
        {
            if (tokens[i].Kind != Kind.Name || tokens[i + 1].Kind != Kind.Punct) continue;
            var op = tokens[i + 1].Text;
            if (op is "+=" or "-=" or "*=" or "/=" or "%=" or "^=" or "++" or "--" || op == "=" && i > 0 && tokens[i - 1].Text == "$")
            {
                computed.Add(tokens[i].Text);
                continue;
            }
            if (op != "=") continue;
            var value = Evaluate(tokens, i + 2, ExpressionEnd(tokens, i + 2), values);
            var name = tokens[i].Text;
            if (value is null || (values.TryGetValue(name, out var old) && old != value)) computed.Add(name);
            else values[name] = value;
        }
        // getline var and split(…, var) also assign; a name read by getline is computed.
        for (int i = 0; i + 1 < tokens.Count; i++)
            if (tokens[i] is { Kind: Kind.Name, Text: "getline" } && tokens[i + 1].Kind == Kind.Name) computed.Add(tokens[i + 1].Text);
        foreach (var name in computed) values.Remove(name);
        return values;
    }

    /// <summary>A redirection's file: its value, or its leading constant with the computed rest unknown (<c>"out/" $1</c>), or null.</summary>
    private static string? FileName(List<Token> tokens, int start, IReadOnlyDictionary<string, string> vars)
    {
        int end = ExpressionEnd(tokens, start);
        if (Evaluate(tokens, start, end, vars) is { } name) return name;
        if (start < end && tokens[start].Kind == Kind.String && tokens[start].Text.Contains('/', StringComparison.Ordinal) && !tokens[start].Text.StartsWith("/dev/", StringComparison.Ordinal))
            return tokens[start].Text + Shell.ShellArg.Unknown;
        return null;
    }

    /// <summary>The value of a concatenation of strings, known variables and parenthesized concatenations; null otherwise.</summary>
    private static string? Evaluate(List<Token> tokens, int start, int end, IReadOnlyDictionary<string, string> vars)
    {
        if (start >= end) return null;
        var sb = new System.Text.StringBuilder();
        for (int i = start; i < end; i++)
        {
            var t = tokens[i];
            switch (t.Kind)
            {
                case Kind.String:
                    sb.Append(t.Text);
                    break;
                case Kind.Number:
                    sb.Append(t.Text);
                    break;
                case Kind.Name when !Keywords.Contains(t.Text) && vars.TryGetValue(t.Text, out var v) && !(i + 1 < end && tokens[i + 1].Text is "(" or "["):
                    sb.Append(v);
                    break;
                case Kind.Punct when t.Text == "(":
                {
                    int close = Matching(tokens, i);
                    if (close > end) return null;
                    var inner = Evaluate(tokens, i + 1, close, vars);
                    if (inner is null) return null;
                    sb.Append(inner);
                    i = close;
                    break;
                }
                default:
                    return null;
            }
        }
        return sb.ToString();
    }

    /// <summary>What <c>print</c>/<c>printf</c> at <paramref name="print"/> writes before the pipe at <paramref name="pipe"/>.</summary>
    private static (AwkFeed, string?) Printed(List<Token> tokens, int print, int pipe, IReadOnlyDictionary<string, string> vars)
    {
        int start = print + 1, end = pipe;
        if (start < end && tokens[start] is { Kind: Kind.Punct, Text: "(" } && Matching(tokens, start) == end - 1) { start++; end--; }
        if (start >= end || (end - start == 2 && tokens[start] is { Kind: Kind.Punct, Text: "$" } && tokens[start + 1].Text == "0")) return (AwkFeed.Input, null);
        var parts = new List<string>();
        int from = start;
        for (int i = start; i <= end; i++)
        {
            if (i < end && tokens[i] is not { Kind: Kind.Punct, Text: "," })
            {
                if (tokens[i] is { Kind: Kind.Punct, Text: "(" }) i = Matching(tokens, i);
                continue;
            }
            var value = Evaluate(tokens, from, i, vars);
            if (value is null) return (AwkFeed.Unknown, null);
            parts.Add(value);
            from = i + 1;
        }
        if (tokens[print].Text == "printf")
        {
            // Only a format without conversions is known text.
            if (parts.Count != 1 || parts[0].Contains('%', StringComparison.Ordinal)) return (AwkFeed.Unknown, null);
            return (AwkFeed.Printed, parts[0].Replace("\\n", "\n", StringComparison.Ordinal));
        }
        return (AwkFeed.Printed, string.Join(' ', parts) + "\n");
    }

    /// <summary>The <c>print</c>/<c>printf</c> token of the statement <paramref name="at"/> is in, at the same nesting, or -1.</summary>
    private static int PrintStart(List<Token> tokens, int at)
    {
        for (int i = at - 1; i >= 0; i--)
        {
            var t = tokens[i];
            if (t.Kind == Kind.Break) return -1;
            if (t.Kind == Kind.Punct)
            {
                if (t.Text is ")" or "]") { i = Opening(tokens, i); if (i < 0) return -1; continue; }
                if (t.Text is "(" or "[" or ";" or "{" or "}" or "&&" or "||") return -1;
            }
            if (t.Kind == Kind.Name && t.Text is "print" or "printf") return i;
        }
        return -1;
    }

    /// <summary>Where the operand of <c>| getline</c> before <paramref name="pipe"/> starts: strings, names and groups.</summary>
    private static int ExpressionStart(List<Token> tokens, int pipe)
    {
        int i = pipe - 1;
        while (i >= 0)
        {
            var t = tokens[i];
            if (t.Kind is Kind.String or Kind.Number || (t.Kind == Kind.Name && !Keywords.Contains(t.Text))) { i--; continue; }
            if (t.Kind == Kind.Punct && t.Text == ")")
            {
                int open = Opening(tokens, i);
                if (open < 0) break;
                // A call (`f(x)`) is computed: include its name so the operand does not evaluate.
                i = open - 1;
                continue;
            }
            break;
        }
        return i + 1;
    }

    /// <summary>Where an expression starting at <paramref name="start"/> ends: a statement break, or a closing bracket or comma at its level.</summary>
    private static int ExpressionEnd(List<Token> tokens, int start)
    {
        int i = start;
        while (i < tokens.Count)
        {
            var t = tokens[i];
            if (t.Kind == Kind.Break) break;
            if (t.Kind == Kind.Punct)
            {
                if (t.Text is "(" or "[") { int close = Matching(tokens, i); if (close >= tokens.Count) return tokens.Count; i = close + 1; continue; }
                if (t.Text is ")" or "]" or ";" or "{" or "}" or "," or "|" or "|&" or "&&" or "||" or ">" or ">>" or "<" or "?" or ":" or "==" or "!=" or "<=" or ">=" or "~" or "!~") break;
            }
            if (t.Kind == Kind.Name && t.Text is "getline" or "in") break;
            i++;
        }
        return i;
    }

    private static int Matching(List<Token> tokens, int open)
    {
        string o = tokens[open].Text, c = o == "(" ? ")" : "]";
        int depth = 0;
        for (int i = open; i < tokens.Count; i++)
        {
            if (tokens[i].Kind != Kind.Punct) continue;
            if (tokens[i].Text == o) depth++;
            else if (tokens[i].Text == c && --depth == 0) return i;
        }
        return tokens.Count;
    }

    private static int Opening(List<Token> tokens, int close)
    {
        string c = tokens[close].Text, o = c == ")" ? "(" : "[";
        int depth = 0;
        for (int i = close; i >= 0; i--)
        {
            if (tokens[i].Kind != Kind.Punct) continue;
            if (tokens[i].Text == c) depth++;
            else if (tokens[i].Text == o && --depth == 0) return i;
        }
        return -1;
    }

    private static List<Token> Lex(string s, out bool truncated)
    {
        var tokens = new List<Token>();
        truncated = false;
        int i = 0, n = s.Length;
        while (i < n)
        {
            if (tokens.Count >= MaxTokens) { truncated = true; break; }
            char c = s[i];
            if (c is ' ' or '\t' or '\r') { i++; continue; }
            if (c == '\\' && i + 1 < n && s[i + 1] == '\n') { i += 2; continue; }
            if (c == '\n') { tokens.Add(new Token(Kind.Break, "\n")); i++; continue; }
            if (c == '#') { while (i < n && s[i] != '\n') i++; continue; }
            if (c == '"')
            {
                var sb = new System.Text.StringBuilder();
                i++;
                while (i < n && s[i] != '"')
                {
                    if (s[i] == '\\' && i + 1 < n)
                    {
                        char e = s[i + 1];
                        sb.Append(e switch { 'n' => '\n', 't' => '\t', _ => e });
                        i += 2;
                        continue;
                    }
                    sb.Append(s[i++]);
                }
                i++;
                tokens.Add(new Token(Kind.String, sb.ToString()));
                continue;
            }
            if (c == '/' && RegexMayStart(tokens))
            {
                int j = i + 1;
                bool bracket = false;
                while (j < n && s[j] != '\n' && (s[j] != '/' || bracket))
                {
                    if (s[j] == '\\') j++;
                    else if (s[j] == '[') bracket = true;
                    else if (s[j] == ']') bracket = false;
                    j++;
                }
                tokens.Add(new Token(Kind.Regex, s[(i + 1)..Math.Min(j, n)]));
                i = j + 1;
                continue;
            }
            if (char.IsAsciiDigit(c) || (c == '.' && i + 1 < n && char.IsAsciiDigit(s[i + 1])))
            {
                int j = i;
                while (j < n && (char.IsAsciiLetterOrDigit(s[j]) || s[j] == '.')) j++;
                tokens.Add(new Token(Kind.Number, s[i..j]));
                i = j;
                continue;
            }
            if (char.IsAsciiLetter(c) || c == '_')
            {
                int j = i;
                while (j < n && (char.IsAsciiLetterOrDigit(s[j]) || s[j] == '_')) j++;
                tokens.Add(new Token(Kind.Name, s[i..j]));
                i = j;
                continue;
            }
            var two = i + 1 < n ? s.Substring(i, 2) : "";
            if (two is "|&" or "||" or "&&" or ">>" or ">=" or "<=" or "==" or "!=" or "++" or "--" or "+=" or "-=" or "*=" or "/=" or "%=" or "^=" or "!~" or "**")
            {
                tokens.Add(new Token(Kind.Punct, two));
                i += 2;
                continue;
            }
            tokens.Add(new Token(Kind.Punct, c.ToString()));
            i++;
        }
        return tokens;
    }

    /// <summary>Whether a <c>/</c> here opens a regular expression rather than dividing.</summary>
    private static bool RegexMayStart(List<Token> tokens)
    {
        if (tokens.Count == 0) return true;
        var last = tokens[^1];
        return last.Kind == Kind.Break || (last.Kind == Kind.Punct && last.Text is not (")" or "]" or "$" or "++" or "--"))
            || (last.Kind == Kind.Name && last.Text is "print" or "printf" or "return" or "in");
    }
}
