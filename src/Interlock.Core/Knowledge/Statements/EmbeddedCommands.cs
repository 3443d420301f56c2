namespace Interlock.Knowledge.Statements;

/// <summary>
/// What a tool's own command language (vim's Ex commands, gdb commands, Emacs Lisp, dc, a makefile fragment) reaches
/// outside the tool: shell commands, inline code in another language, files read and written, and whether some of it
/// could not be understood (<see cref="Unknown"/> says why).
/// </summary>
public sealed class EmbeddedCommands
{
    public List<string> Shell { get; } = [];
    /// <summary>Shell commands that get the tool's text on their input (<c>:w !sh</c>, <c>:%!cmd</c>): what they run from it is unknown.</summary>
    public List<string> FedShell { get; } = [];
    public List<(string Language, string Code)> Code { get; } = [];
    public List<string> Reads { get; } = [];
    public List<string> Writes { get; } = [];
    public string? Unknown { get; private set; }

    /// <summary>Work done per scan is bounded: past this many findings the rest is not read.</summary>
    private const int MaxFindings = 64;

    public void AddShell(string command, bool fed = false)
    {
        var list = fed ? FedShell : Shell;
        if (list.Count < MaxFindings) list.Add(command);
        else MarkUnknown("too many commands to read");
    }

    public void MarkUnknown(string why) => Unknown ??= why;

    /// <summary>The contents of a quoted literal at <paramref name="i"/> (<c>"…"</c> with backslash escapes, or <c>'…'</c> with <c>''</c>), or null.</summary>
    internal static string? Literal(string s, ref int i, bool vimSingle = false)
    {
        if (i >= s.Length || s[i] is not ('"' or '\'')) return null;
        char q = s[i];
        var sb = new System.Text.StringBuilder();
        int j = i + 1;
        while (j < s.Length)
        {
            char c = s[j];
            if (c == q)
            {
                if (q == '\'' && vimSingle && j + 1 < s.Length && s[j + 1] == '\'') { sb.Append('\''); j += 2; continue; }
                i = j + 1;
                return sb.ToString();
            }
            if (c == '\\' && (q == '"' || !vimSingle) && j + 1 < s.Length)
            {
                char e = s[j + 1];
                sb.Append(e switch { 'n' => '\n', 't' => '\t', _ => e });
                j += 2;
                continue;
            }
            sb.Append(c);
            j++;
        }
        return null;
    }
}

/// <summary>dc programs: <c>!</c> runs the rest of the line as a shell command (<c>!&lt;</c>, <c>!&gt;</c>, <c>!=</c> compare).</summary>
public static class DcProgram
{
    public static EmbeddedCommands Scan(string program)
    {
        var f = new EmbeddedCommands();
        for (int i = 0; i < program.Length; i++)
        {
            if (program[i] != '!') continue;
            if (f.Unknown is not null) break;
            if (i + 1 < program.Length && program[i + 1] is '<' or '>' or '=') { i++; continue; }
            int end = program.IndexOf('\n', i);
            if (end < 0) end = program.Length;
            // Inside a macro string the command ends at the bracket.
            int bracket = program.IndexOf(']', i);
            if (bracket >= 0 && bracket < end && program.LastIndexOf('[', i) > program.LastIndexOf(']', i)) end = bracket;
            f.AddShell(program[(i + 1)..end]);
            i = end;
        }
        return f;
    }
}

/// <summary>
/// Makefile text given on the command line (<c>make --eval</c>) or on input (<c>make -f -</c>): recipe lines and
/// <c>$(shell …)</c> are shell commands; a SHELL that is not a known shell runs every recipe through unknown code.
/// </summary>
public static class MakefileText
{
    private static readonly HashSet<string> Shells = new(StringComparer.Ordinal) { "sh", "bash", "dash", "zsh", "ksh", "ash", "mksh" };

    /// <summary>Whether a SHELL value names a shell (<c>/bin/bash</c>), not some other program that gets every recipe.</summary>
    private static readonly string[] ShellDirectories = ["/bin", "/usr/bin", "/usr/local/bin", "/sbin", "/usr/sbin", "/opt/homebrew/bin"];

    public static bool IsShell(string value)
    {
        var word = value.Trim().Split(' ', 2)[0];
        int slash = word.LastIndexOf('/');
        // A shell's name in any other directory (/tmp/x/sh) is a file named like a shell, not the shell.
        if (slash >= 0 && Array.IndexOf(ShellDirectories, word[..slash]) < 0) return false;
        return Shells.Contains(word[(slash + 1)..]);
    }

    public static EmbeddedCommands Scan(string text)
    {
        var f = new EmbeddedCommands();
        var lines = text.Replace("\\\n", " ", StringComparison.Ordinal).Split('\n');
        bool inRule = false;
        foreach (var raw in lines)
        {
            var line = raw.TrimEnd('\r');
            Functions(line, f);
            if (line.StartsWith('\t'))
            {
                if (inRule) f.AddShell(Recipe(line[1..]));
                continue;
            }
            var trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed.StartsWith('#')) continue;
            var word = trimmed.Split([' ', '\t', ':', '=', '?', '+'], 2)[0];
            if (word is "define" or "include" or "-include" or "sinclude" or "load" or "-load") { f.MarkUnknown($"the makefile text uses '{word}'"); continue; }
            int assign = Assignment(trimmed);
            if (assign > 0)
            {
                inRule = false;
                var name = trimmed[..assign].TrimEnd(':', '?', '+', '!', ' ', '\t').Split(' ')[^1];
                var value = trimmed[(trimmed.IndexOf('=', assign) + 1)..];
                if (name is "SHELL" && !IsShell(value)) f.MarkUnknown("the makefile runs its recipes with " + value.Trim());
                if (name is ".SHELLFLAGS") f.MarkUnknown("the makefile changes how its shell is started");
                continue;
            }
            int colon = trimmed.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                inRule = true;
                int semi = trimmed.IndexOf(';', colon);
                if (semi > 0) f.AddShell(Recipe(trimmed[(semi + 1)..]));
            }
        }
        return f;
    }

    /// <summary>Where the assignment operator of a variable line is (<c>X = 1</c>, <c>X := 1</c>, <c>X ?= 1</c>), or -1 for a rule.</summary>
    private static int Assignment(string line)
    {
        int eq = line.IndexOf('=', StringComparison.Ordinal);
        if (eq <= 0) return -1;
        int colon = line.IndexOf(':', StringComparison.Ordinal);
        // `x: y=1` is a target-specific variable (a rule line); `X := 1` and `X ::= 1` are assignments.
        if (colon >= 0 && colon < eq && line.AsSpan(colon, eq - colon).Trim().ToString() is not (":" or "::" or ":::")) return -1;
        return colon >= 0 && colon < eq ? colon : eq;
    }

    private static string Recipe(string line)
    {
        var text = line.TrimStart(' ', '\t', '@', '-', '+');
        return text.Replace("$$", "$", StringComparison.Ordinal);
    }

    /// <summary><c>$(shell CMD)</c> anywhere on a line runs CMD when make expands it.</summary>
    private static void Functions(string line, EmbeddedCommands f)
    {
        for (int at = line.IndexOf('$'); at >= 0 && at + 7 <= line.Length; at = line.IndexOf('$', at + 1))
        {
            char open = line[at + 1];
            if (open is not ('(' or '{') || string.CompareOrdinal(line, at + 2, "shell", 0, 5) != 0) continue;
            char close = open == '(' ? ')' : '}';
            int depth = 0, j = at + 1;
            for (; j < line.Length; j++)
            {
                if (line[j] == open) depth++;
                else if (line[j] == close && --depth == 0) break;
            }
            f.AddShell(line[(at + 7)..Math.Min(j, line.Length)].Replace("$$", "$", StringComparison.Ordinal));
            at = Math.Min(j, line.Length - 1);
        }
        if (line.Contains("$(eval", StringComparison.Ordinal) || line.Contains("${eval", StringComparison.Ordinal)) f.MarkUnknown("the makefile text evaluates computed text");
    }
}
