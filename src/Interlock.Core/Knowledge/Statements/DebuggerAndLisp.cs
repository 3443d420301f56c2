namespace Interlock.Knowledge.Statements;

/// <summary>
/// gdb commands (<c>gdb -ex CMD</c>): <c>!cmd</c>, <c>shell</c>, <c>pipe</c>, <c>make</c> run shell commands, <c>python</c>
/// runs Python; calls into the debugged program that run commands (<c>call system("…")</c>) are read. Scripts and
/// definitions are unknown, and so is any command outside the everyday debugging set.
/// </summary>
public static class GdbCommands
{
    private static readonly HashSet<string> Everyday = new(StringComparer.Ordinal)
    {
        "run", "r", "start", "starti", "continue", "c", "cont", "next", "n", "step", "s", "stepi", "si", "nexti", "ni", "finish", "fin", "until", "u",
        "advance", "break", "b", "br", "tbreak", "tb", "rbreak", "watch", "rwatch", "awatch", "delete", "d", "clear", "disable", "enable", "condition",
        "ignore", "backtrace", "bt", "where", "frame", "f", "up", "down", "info", "i", "list", "l", "disassemble", "show", "thread", "t", "handle",
        "quit", "q", "kill", "k", "detach", "attach", "file", "core", "core-file", "symbol-file", "add-symbol-file", "sharedlibrary", "directory",
        "dir", "ptype", "whatis", "inferior", "display", "undisplay", "echo", "cd", "pwd", "help", "h", "apropos", "catch", "tcatch", "x", "set",
        "print", "p", "output", "printf", "call", "inspect", "bt full", "generate-core-file", "gcore", "info registers",
    };

    private static readonly string[] RunsCommands = ["system", "popen", "execl", "execlp", "execle", "execv", "execvp", "execve", "posix_spawn", "unlink", "remove", "rmdir", "dlopen"];

    public static EmbeddedCommands Scan(string command)
    {
        var f = new EmbeddedCommands();
        var text = command.Trim();
        if (text.Length == 0) return f;
        if (text[0] == '!') { f.AddShell(text[1..]); return f; }
        if (text[0] == '|') { Pipe(text[1..], f); return f; }
        int space = text.IndexOfAny([' ', '\t']);
        var name = space < 0 ? text : text[..space];
        var rest = space < 0 ? "" : text[(space + 1)..].Trim();
        switch (name)
        {
            case "shell":
                f.AddShell(rest);
                return f;
            case "pipe":
                Pipe(rest, f);
                return f;
            case "make":
                f.AddShell("make " + rest);
                return f;
            case "python" or "py" or "python-interactive" or "pi":
                if (rest.Length == 0) f.MarkUnknown("runs Python read from input");
                else f.Code.Add(("python", rest));
                return f;
            case "target" when rest.Contains('|', StringComparison.Ordinal):
                f.AddShell(rest[(rest.IndexOf('|', StringComparison.Ordinal) + 1)..]);
                return f;
            case "set" when rest.StartsWith("exec-wrapper", StringComparison.Ordinal) || rest.StartsWith("startup-with-shell", StringComparison.Ordinal)
                || rest.StartsWith("logging", StringComparison.Ordinal):
                f.MarkUnknown("changes how gdb starts programs or writes files");
                return f;
            case "run" or "r" or "start" or "starti" when rest.AsSpan().IndexOfAny(";|&$`<>") >= 0:
                // The debugged program's arguments go through a shell.
                f.MarkUnknown("passes shell syntax to the program's start");
                return f;
        }
        if (!Everyday.Contains(name)) { f.MarkUnknown($"gdb command '{name}' is not understood"); return f; }
        // An expression can call into the debugged program; these calls run commands or delete files.
        foreach (var fn in RunsCommands)
        {
            int at = rest.IndexOf(fn, StringComparison.Ordinal);
            if (at < 0 || (at > 0 && (char.IsAsciiLetterOrDigit(rest[at - 1]) || rest[at - 1] == '_'))) continue;
            int open = rest.IndexOf('(', at);
            int q = open < 0 ? -1 : rest.IndexOf('"', open);
            var literal = q < 0 ? null : EmbeddedCommands.Literal(rest, ref q);
            if (fn is "system" or "popen" && literal is not null) f.AddShell(literal);
            else f.MarkUnknown($"calls {fn}() in the debugged program");
        }
        return f;
    }

    /// <summary><c>pipe [COMMAND] | SHELL_COMMAND</c> (or with <c>-d DELIM</c>): the part after the delimiter runs in a shell.</summary>
    private static void Pipe(string rest, EmbeddedCommands f)
    {
        var delim = "|";
        var t = rest.TrimStart();
        if (t.StartsWith("-d ", StringComparison.Ordinal))
        {
            var parts = t[3..].TrimStart().Split(' ', 2);
            delim = parts[0];
            t = parts.Length > 1 ? parts[1] : "";
        }
        int at = t.IndexOf(delim, StringComparison.Ordinal);
        if (at < 0 || delim.Length == 0) { f.MarkUnknown("a gdb pipe that is not understood"); return; }
        f.AddShell(t[(at + delim.Length)..]);
    }
}

/// <summary>
/// Emacs Lisp given on the command line (<c>emacs --batch --eval</c>): calls that run shell commands or programs are
/// read when their arguments are literal; calls that write, delete, load or evaluate other code are unknown.
/// </summary>
public static class ElispForms
{
    // Functions whose argument at this index is a shell command string.
    private static readonly Dictionary<string, int> ShellAt = new(StringComparer.Ordinal)
    {
        ["shell-command"] = 0, ["shell-command-to-string"] = 0, ["async-shell-command"] = 0, ["call-process-shell-command"] = 0,
        ["process-file-shell-command"] = 0, ["compile"] = 0, ["start-process-shell-command"] = 2, ["start-file-process-shell-command"] = 2,
        ["dired-do-shell-command"] = 0,
    };

    // Functions that run a program: the index of the program and of its first argument.
    private static readonly Dictionary<string, (int Program, int Args)> ProgramAt = new(StringComparer.Ordinal)
    {
        ["call-process"] = (0, 4), ["process-file"] = (0, 4), ["process-lines"] = (0, 1), ["process-lines-ignore-status"] = (0, 1),
        ["start-process"] = (2, 3), ["start-file-process"] = (2, 3),
    };

    private static readonly HashSet<string> Opaque = new(StringComparer.Ordinal)
    {
        "make-process", "make-network-process", "open-network-stream", "delete-file", "delete-directory", "write-region", "write-file", "copy-file",
        "rename-file", "make-symbolic-link", "set-file-modes", "url-retrieve", "url-retrieve-synchronously", "eval", "load", "load-file", "funcall",
        "apply", "read-from-string", "shell", "term", "ansi-term", "eshell", "server-eval-at", "append-to-file", "with-temp-file", "copy-directory",
    };

    public static EmbeddedCommands Scan(string code)
    {
        var f = new EmbeddedCommands();
        for (int i = 0; i < code.Length; i++)
        {
            if (code[i] == '"') { int j = i; if (EmbeddedCommands.Literal(code, ref j) is not null) i = j - 1; continue; }
            if (code[i] == ';') { while (i < code.Length && code[i] != '\n') i++; continue; }
            if (code[i] != '(') continue;
            int k = i + 1;
            while (k < code.Length && !char.IsWhiteSpace(code[k]) && code[k] is not ('(' or ')')) k++;
            var head = code[(i + 1)..k];
            if (Opaque.Contains(head)) { f.MarkUnknown($"calls {head}"); continue; }
            bool shell = ShellAt.TryGetValue(head, out int at);
            bool program = ProgramAt.TryGetValue(head, out var p);
            if (!shell && !program) continue;
            var args = Arguments(code, k);
            if (shell)
            {
                if (at < args.Count && args[at] is { } command) f.AddShell(command);
                else f.MarkUnknown($"{head} runs a command computed at run time");
                continue;
            }
            if (p.Program >= args.Count || args[p.Program] is not { } prog || args.Skip(p.Args).Any(a => a is null))
            {
                f.MarkUnknown($"{head} runs a program computed at run time");
                continue;
            }
            f.AddShell(Shell.ShellQuoting.Join([prog, .. args.Skip(p.Args).Select(a => a!)]));
        }
        return f;
    }

    /// <summary>The arguments of a form: string literals as text, <c>nil</c>/<c>t</c> as empty, anything else as null.</summary>
    private static List<string?> Arguments(string code, int i)
    {
        var args = new List<string?>();
        while (i < code.Length)
        {
            char c = code[i];
            if (char.IsWhiteSpace(c)) { i++; continue; }
            if (c == ')') break;
            if (c == '"')
            {
                args.Add(EmbeddedCommands.Literal(code, ref i));
                continue;
            }
            if (c == '(')
            {
                int depth = 0;
                for (; i < code.Length; i++)
                {
                    if (code[i] == '"') { int j = i; if (EmbeddedCommands.Literal(code, ref j) is not null) i = j - 1; continue; }
                    if (code[i] == '(') depth++;
                    else if (code[i] == ')' && --depth == 0) { i++; break; }
                }
                args.Add(null);
                continue;
            }
            int start = i;
            while (i < code.Length && !char.IsWhiteSpace(code[i]) && code[i] is not ('(' or ')')) i++;
            args.Add(code[start..i] is "nil" or "t" or "0" ? "" : null);
        }
        return args;
    }
}
