namespace Interlock.Knowledge.Statements;

/// <summary>
/// Vim/Neovim Ex command lines (<c>vim -c CMD</c>, <c>+CMD</c>, <c>--cmd</c>, <c>ex</c> scripts): shell escapes
/// (<c>!cmd</c>, <c>r !cmd</c>, <c>w !cmd</c>, <c>terminal</c>, <c>grep</c>, <c>make</c>), embedded languages
/// (<c>lua</c>, <c>py3</c>, <c>perl</c>, <c>ruby</c>), expressions calling <c>system()</c>, and files read and written.
/// Commands outside the known set (user commands, sourced scripts, definitions that run later) are unknown.
/// </summary>
public static class ExCommands
{
    private enum Kind { Safe, Shell, Read, Write, Edit, Code, Unknown, Modifier, Repeat, Global, Normal, Expr, Execute, Substitute, Grep, Make, Redirect }

    private sealed record Entry(string Name, int Min, Kind Kind, string? Language = null);

    private static readonly Entry[] Table =
    [
        new("quit", 1, Kind.Safe), new("qall", 2, Kind.Safe), new("quitall", 5, Kind.Safe), new("cquit", 2, Kind.Safe),
        new("wq", 2, Kind.Write), new("wqall", 3, Kind.Safe), new("xit", 1, Kind.Write), new("exit", 3, Kind.Write), new("xall", 2, Kind.Safe),
        new("wall", 2, Kind.Safe), new("update", 2, Kind.Safe), new("write", 1, Kind.Write), new("saveas", 3, Kind.Write), new("wnext", 2, Kind.Safe),
        new("read", 1, Kind.Read), new("edit", 1, Kind.Edit), new("view", 3, Kind.Edit), new("visual", 2, Kind.Edit), new("new", 3, Kind.Edit),
        new("vnew", 3, Kind.Edit), new("split", 2, Kind.Edit), new("vsplit", 2, Kind.Edit), new("tabedit", 4, Kind.Edit), new("tabnew", 6, Kind.Edit),
        new("badd", 3, Kind.Edit), new("enew", 3, Kind.Safe), new("set", 2, Kind.Safe), new("setlocal", 4, Kind.Safe), new("setglobal", 4, Kind.Safe),
        new("syntax", 2, Kind.Safe), new("filetype", 5, Kind.Safe), new("colorscheme", 4, Kind.Safe), new("nohlsearch", 3, Kind.Safe),
        new("delete", 1, Kind.Safe), new("yank", 1, Kind.Safe), new("move", 1, Kind.Safe), new("copy", 2, Kind.Safe), new("t", 1, Kind.Safe),
        new("join", 1, Kind.Safe), new("retab", 3, Kind.Safe), new("sort", 3, Kind.Safe), new("left", 2, Kind.Safe), new("right", 2, Kind.Safe),
        new("center", 2, Kind.Safe), new("print", 1, Kind.Safe), new("number", 2, Kind.Safe), new("undo", 1, Kind.Safe), new("redo", 3, Kind.Safe),
        new("put", 2, Kind.Safe), new("mark", 2, Kind.Safe), new("k", 1, Kind.Safe), new("marks", 5, Kind.Safe), new("registers", 3, Kind.Safe),
        new("display", 2, Kind.Safe), new("messages", 3, Kind.Safe), new("bnext", 2, Kind.Safe), new("bprevious", 2, Kind.Safe), new("buffer", 1, Kind.Safe),
        new("bdelete", 2, Kind.Safe), new("bwipeout", 2, Kind.Safe), new("ls", 2, Kind.Safe), new("buffers", 7, Kind.Safe), new("files", 5, Kind.Safe),
        new("only", 2, Kind.Safe), new("close", 3, Kind.Safe), new("wincmd", 4, Kind.Safe), new("cd", 2, Kind.Safe), new("lcd", 3, Kind.Safe),
        new("tcd", 3, Kind.Safe), new("chdir", 3, Kind.Safe), new("pwd", 2, Kind.Safe), new("help", 1, Kind.Safe), new("version", 2, Kind.Safe),
        new("scriptnames", 3, Kind.Safe), new("checktime", 6, Kind.Safe), new("diffupdate", 5, Kind.Safe), new("diffthis", 5, Kind.Safe),
        new("diffoff", 5, Kind.Safe), new("startinsert", 4, Kind.Safe), new("stopinsert", 5, Kind.Safe), new("argadd", 4, Kind.Safe), new("args", 2, Kind.Safe),
        new("next", 1, Kind.Safe), new("previous", 4, Kind.Safe), new("first", 3, Kind.Safe), new("last", 2, Kind.Safe), new("unlet", 3, Kind.Safe),
        new("fold", 2, Kind.Safe), new("foldopen", 5, Kind.Safe), new("foldclose", 5, Kind.Safe), new("redraw", 4, Kind.Safe), new("sleep", 2, Kind.Safe),
        new("else", 2, Kind.Safe), new("endif", 2, Kind.Safe), new("endfor", 5, Kind.Safe), new("endwhile", 4, Kind.Safe), new("try", 3, Kind.Safe),
        new("catch", 3, Kind.Safe), new("finally", 4, Kind.Safe), new("endtry", 4, Kind.Safe), new("vimgrep", 3, Kind.Safe), new("lvimgrep", 2, Kind.Safe),
        new("map", 3, Kind.Safe), new("nmap", 2, Kind.Safe), new("vmap", 2, Kind.Safe), new("imap", 2, Kind.Safe), new("noremap", 2, Kind.Safe),
        new("nnoremap", 2, Kind.Safe), new("inoremap", 3, Kind.Safe), new("vnoremap", 2, Kind.Safe), new("abbreviate", 2, Kind.Safe), new("highlight", 2, Kind.Safe),
        new("augroup", 3, Kind.Safe), new("goto", 2, Kind.Safe), new("copen", 4, Kind.Safe), new("cclose", 3, Kind.Safe), new("cnext", 2, Kind.Safe),
        new("silent", 3, Kind.Modifier), new("unsilent", 3, Kind.Modifier), new("verbose", 4, Kind.Modifier), new("keepalt", 5, Kind.Modifier),
        new("keepjumps", 5, Kind.Modifier), new("keepmarks", 3, Kind.Modifier), new("keeppatterns", 5, Kind.Modifier), new("lockmarks", 3, Kind.Modifier),
        new("noautocmd", 3, Kind.Modifier), new("noswapfile", 3, Kind.Modifier), new("vertical", 4, Kind.Modifier), new("botright", 2, Kind.Modifier),
        new("topleft", 2, Kind.Modifier), new("aboveleft", 3, Kind.Modifier), new("belowright", 3, Kind.Modifier), new("tab", 3, Kind.Modifier),
        new("hide", 3, Kind.Modifier), new("confirm", 4, Kind.Modifier), new("browse", 3, Kind.Modifier), new("sandbox", 3, Kind.Modifier),
        new("windo", 5, Kind.Repeat), new("bufdo", 5, Kind.Repeat), new("argdo", 5, Kind.Repeat), new("tabdo", 5, Kind.Repeat), new("cdo", 3, Kind.Repeat),
        new("ldo", 3, Kind.Repeat), new("cfdo", 4, Kind.Repeat), new("lfdo", 4, Kind.Repeat),
        new("global", 1, Kind.Global), new("vglobal", 1, Kind.Global), new("normal", 4, Kind.Normal),
        new("substitute", 1, Kind.Substitute), new("smagic", 2, Kind.Substitute), new("snomagic", 3, Kind.Substitute),
        new("let", 3, Kind.Expr), new("call", 3, Kind.Expr), new("echo", 2, Kind.Expr), new("echomsg", 5, Kind.Expr), new("echon", 5, Kind.Expr),
        new("if", 2, Kind.Expr), new("elseif", 5, Kind.Expr), new("for", 3, Kind.Expr), new("while", 2, Kind.Expr), new("return", 4, Kind.Expr),
        new("execute", 3, Kind.Execute), new("terminal", 3, Kind.Shell), new("grep", 2, Kind.Grep), new("lgrep", 3, Kind.Grep), new("grepadd", 5, Kind.Grep),
        new("make", 3, Kind.Make), new("lmake", 4, Kind.Make), new("redir", 4, Kind.Redirect),
        new("pyx", 3, Kind.Code, "python"), new("py3", 3, Kind.Code, "python"), new("py3do", 4, Kind.Code, "python"), new("python3", 7, Kind.Code, "python"),
        new("py3file", 4, Kind.Unknown), new("pyfile", 3, Kind.Unknown), new("pyxfile", 4, Kind.Unknown), new("luafile", 4, Kind.Unknown),
        new("rubyfile", 5, Kind.Unknown), new("source", 2, Kind.Unknown), new("runtime", 2, Kind.Unknown), new("packadd", 2, Kind.Unknown),
        new("shell", 2, Kind.Unknown), new("autocmd", 2, Kind.Unknown), new("command", 3, Kind.Unknown), new("function", 2, Kind.Unknown),
        new("hardcopy", 2, Kind.Unknown), new("tcl", 2, Kind.Unknown), new("mzscheme", 2, Kind.Unknown), new("debug", 3, Kind.Unknown),
        new("python", 2, Kind.Code, "python"), new("pythonx", 3, Kind.Code, "python"), new("pydo", 3, Kind.Code, "python"),
        new("pyxdo", 4, Kind.Code, "python"), new("lua", 3, Kind.Code, "lua"), new("luado", 4, Kind.Code, "lua"),
        new("perl", 2, Kind.Code, "perl"), new("perldo", 5, Kind.Code, "perl"), new("ruby", 3, Kind.Code, "ruby"), new("rubydo", 5, Kind.Code, "ruby"),
    ];

    // Functions of Vim script that run commands, with the language their first argument is in.
    private static readonly Dictionary<string, string> CommandFunctions = new(StringComparer.Ordinal)
    {
        ["system"] = "sh", ["systemlist"] = "sh", ["jobstart"] = "sh", ["job_start"] = "sh", ["term_start"] = "sh", ["termopen"] = "sh",
        ["luaeval"] = "lua", ["pyeval"] = "python", ["py3eval"] = "python", ["pyxeval"] = "python", ["perleval"] = "perl", ["rubyeval"] = "ruby",
        ["execute"] = "ex", ["win_execute"] = "ex",
    };

    private static readonly HashSet<string> OpaqueFunctions = new(StringComparer.Ordinal)
    {
        "writefile", "delete", "rename", "mkdir", "setfperm", "libcall", "libcallnr", "feedkeys", "remote_send", "remote_expr", "ch_open",
        "sockconnect", "chansend", "jobsend", "eval", "funcref", "function", "call", "timer_start", "filecopy", "readfile", "readblob", "writeblob",
    };

    private const int MaxDepth = 8;

    public static EmbeddedCommands Scan(string commands)
    {
        var f = new EmbeddedCommands();
        foreach (var line in commands.Split('\n')) Line(line, f, 0);
        return f;
    }

    /// <summary>One Ex command line, which may hold several commands separated by <c>|</c>.</summary>
    private static void Line(string s, EmbeddedCommands f, int depth)
    {
        if (depth > MaxDepth) { f.MarkUnknown("Ex commands nest too deeply"); return; }
        int i = 0;
        while (i < s.Length)
        {
            while (i < s.Length && s[i] is ' ' or '\t' or ':' or '|') i++;
            if (i >= s.Length || s[i] == '"') return;
            int rangeStart = i;
            SkipRange(s, ref i);
            bool ranged = s.AsSpan(rangeStart, i - rangeStart).Trim().Length > 0;
            while (i < s.Length && s[i] is ' ' or '\t') i++;
            if (i >= s.Length) return;
            // `:!cmd` runs a command; `:%!cmd` filters the lines through it.
            if (s[i] == '!') { f.AddShell(s[(i + 1)..], fed: ranged); return; }
            int nameStart = i;
            while (i < s.Length && char.IsAsciiLetter(s[i])) i++;
            // py3, py3do, python3: the only command names with a digit inside.
            if (i < s.Length && s[i] == '3' && s[nameStart..i] is "py" or "python") { i++; while (i < s.Length && char.IsAsciiLetter(s[i])) i++; }
            var name = s[nameStart..i];
            if (name.Length == 0)
            {
                // `&`, `~`, `<`, `>`, `=`, `#`: repeat a substitution, shift or print lines.
                if (s[i] is '&' or '~' or '<' or '>' or '=' or '#') { i = Bar(s, i + 1, quotes: false); continue; }
                f.MarkUnknown($"Ex command '{s[i..]}' is not understood");
                return;
            }
            bool bang = i < s.Length && s[i] == '!';
            if (bang) i++;
            var entry = Lookup(name);
            if (entry is null)
            {
                f.MarkUnknown(char.IsAsciiLetterUpper(name[0]) ? $"runs the user-defined Ex command '{name}'" : $"Ex command '{name}' is not understood");
                return;
            }
            int argStart = i;
            while (argStart < s.Length && s[argStart] is ' ' or '\t') argStart++;
            var rest = s[argStart..];
            switch (entry.Kind)
            {
                case Kind.Safe:
                    i = Bar(s, i, quotes: false);
                    continue;
                case Kind.Shell:
                    f.AddShell(StripPlusOptions(rest));
                    return;
                case Kind.Grep:
                    f.AddShell("grep -n " + s[argStart..Bar(s, argStart, quotes: false)]);
                    i = Bar(s, argStart, quotes: false);
                    continue;
                case Kind.Make:
                    f.AddShell("make " + rest);
                    return;
                case Kind.Code:
                    if (rest.StartsWith("<<", StringComparison.Ordinal) || rest.Length == 0) f.MarkUnknown($"runs {entry.Language} code that is not on this line");
                    else f.Code.Add((entry.Language!, rest));
                    return;
                case Kind.Unknown:
                    f.MarkUnknown($"runs Ex command '{name}'");
                    return;
                case Kind.Modifier or Kind.Repeat:
                    Line(rest, f, depth + 1);
                    return;
                case Kind.Normal:
                    // Normal-mode keys can enter the command line (`:`), filter through a shell (`!`) or run registers (`@`).
                    if (rest.AsSpan().IndexOfAny(":!@Q") >= 0) f.MarkUnknown("normal-mode keys that reach the command line");
                    return;
                case Kind.Global:
                {
                    if (rest.Length == 0) return;
                    char delim = rest[0];
                    if (char.IsAsciiLetterOrDigit(delim) || delim is '"' or '|' or '\\') { f.MarkUnknown("a :global command that is not understood"); return; }
                    int j = 1;
                    while (j < rest.Length && rest[j] != delim) j += rest[j] == '\\' ? 2 : 1;
                    var command = j + 1 < rest.Length ? rest[(j + 1)..] : "";
                    Line(command.Trim().Length == 0 ? "p" : command, f, depth + 1);
                    return;
                }
                case Kind.Read:
                {
                    if (rest.StartsWith('!') || bang) { f.AddShell(bang ? s[i..] : rest[1..]); return; }
                    int end = Bar(s, argStart, quotes: false);
                    var file = s[argStart..end].Trim();
                    if (file.Length > 0 && !file.StartsWith('+')) f.Reads.Add(file);
                    i = end;
                    continue;
                }
                case Kind.Write:
                {
                    if (rest.StartsWith('!')) { f.AddShell(rest[1..], fed: true); return; }
                    int end = Bar(s, argStart, quotes: false);
                    var file = s[argStart..end].Trim().TrimStart('>').Trim();
                    if (file.Length > 0 && !file.StartsWith('+')) f.Writes.Add(file);
                    i = end;
                    continue;
                }
                case Kind.Redirect:
                {
                    int end = Bar(s, argStart, quotes: false);
                    var arg = s[argStart..end].Trim();
                    if (arg.StartsWith('>') && !arg.StartsWith("=>", StringComparison.Ordinal)) f.Writes.Add(arg.TrimStart('>').Trim());
                    i = end;
                    continue;
                }
                case Kind.Edit:
                {
                    int end = Bar(s, argStart, quotes: false);
                    var arg = s[argStart..end].Trim();
                    // `:e +CMD file` runs CMD after opening the file.
                    if (arg.StartsWith('+') && !arg.StartsWith("++", StringComparison.Ordinal))
                    {
                        int space = arg.IndexOf(' ', StringComparison.Ordinal);
                        Line(space < 0 ? arg[1..] : arg[1..space], f, depth + 1);
                        arg = space < 0 ? "" : arg[(space + 1)..].Trim();
                    }
                    if (arg.Length > 0 && !arg.StartsWith("++", StringComparison.Ordinal)) f.Reads.Add(arg);
                    i = end;
                    continue;
                }
                case Kind.Substitute:
                {
                    int end = Bar(s, argStart, quotes: false);
                    int expr = s.IndexOf("\\=", argStart, StringComparison.Ordinal);
                    if (expr >= 0 && expr < end) Expression(s[(expr + 2)..end], f, depth);
                    i = end;
                    continue;
                }
                case Kind.Expr:
                {
                    int end = Bar(s, argStart, quotes: true);
                    Expression(s[argStart..end], f, depth);
                    i = end;
                    continue;
                }
                case Kind.Execute:
                {
                    int end = Bar(s, argStart, quotes: true);
                    if (Concatenation(s[argStart..end]) is { } text) Line(text, f, depth + 1);
                    else { Expression(s[argStart..end], f, depth); f.MarkUnknown(":execute runs text computed at run time"); }
                    i = end;
                    continue;
                }
            }
        }
    }

    private static Entry? Lookup(string name)
    {
        foreach (var e in Table)
            if (name.Length >= e.Min && name.Length <= e.Name.Length && e.Name.StartsWith(name, StringComparison.Ordinal)) return e;
        return null;
    }

    /// <summary>Skips a line range: numbers, <c>. $ % , ; + -</c>, marks (<c>'a</c>) and patterns (<c>/re/</c>, <c>?re?</c>).</summary>
    private static void SkipRange(string s, ref int i)
    {
        while (i < s.Length)
        {
            char c = s[i];
            if (char.IsAsciiDigit(c) || c is '.' or '$' or '%' or ',' or ';' or '+' or '-' or '*' or ' ') { i++; continue; }
            if (c == '\'' && i + 1 < s.Length) { i += 2; continue; }
            if (c is '/' or '?')
            {
                int j = i + 1;
                while (j < s.Length && s[j] != c) j += s[j] == '\\' ? 2 : 1;
                i = Math.Min(j + 1, s.Length);
                continue;
            }
            if (c == '\\' && i + 1 < s.Length && s[i + 1] is '/' or '?' or '&') { i += 2; continue; }
            return;
        }
    }

    /// <summary>Where the command at <paramref name="i"/> ends: an unescaped <c>|</c> (outside strings for expressions) or the end.</summary>
    private static int Bar(string s, int i, bool quotes)
    {
        for (; i < s.Length; i++)
        {
            char c = s[i];
            if (c == '\\') { i++; continue; }
            if (quotes && c is '"' or '\'')
            {
                int j = i;
                if (EmbeddedCommands.Literal(s, ref j, vimSingle: true) is not null) { i = j - 1; continue; }
            }
            if (c == '|') return i;
        }
        return s.Length;
    }

    /// <summary><c>++opt</c> words before a <c>:terminal</c> command.</summary>
    private static string StripPlusOptions(string s)
    {
        var t = s.TrimStart();
        while (t.StartsWith("++", StringComparison.Ordinal))
        {
            int space = t.IndexOf(' ', StringComparison.Ordinal);
            t = space < 0 ? "" : t[(space + 1)..].TrimStart();
        }
        return t;
    }

    /// <summary>The value of an expression made only of string literals joined by <c>.</c>, <c>..</c> or spaces (as <c>:execute</c> joins them); null otherwise.</summary>
    private static string? Concatenation(string expr)
    {
        var parts = new List<string>();
        int i = 0;
        bool joined = true;
        while (i < expr.Length)
        {
            char c = expr[i];
            if (c is ' ' or '\t') { i++; joined = false; continue; }
            if (c == '.') { i++; joined = true; while (i < expr.Length && expr[i] == '.') i++; continue; }
            var lit = EmbeddedCommands.Literal(expr, ref i, vimSingle: true);
            if (lit is null) return null;
            if (parts.Count > 0 && !joined) parts[^1] += " ";
            if (parts.Count > 0) parts[^1] += lit; else parts.Add(lit);
            joined = false;
        }
        return parts.Count == 0 ? null : parts[0];
    }

    /// <summary>A Vim script expression: calls that run commands or code are read; calls that reach files or run computed text are unknown.</summary>
    private static void Expression(string expr, EmbeddedCommands f, int depth)
    {
        for (int i = 0; i < expr.Length; i++)
        {
            char c = expr[i];
            if (c is '"' or '\'')
            {
                int j = i;
                if (EmbeddedCommands.Literal(expr, ref j, vimSingle: true) is not null) { i = j - 1; continue; }
            }
            if (!(char.IsAsciiLetter(c) || c == '_') || (i > 0 && (char.IsAsciiLetterOrDigit(expr[i - 1]) || expr[i - 1] is '_' or ':' or '#' or '.'))) continue;
            int k = i;
            while (k < expr.Length && (char.IsAsciiLetterOrDigit(expr[k]) || expr[k] is '_' or '#' or ':')) k++;
            var name = expr[i..k];
            int open = k;
            while (open < expr.Length && expr[open] == ' ') open++;
            if (open >= expr.Length || expr[open] != '(') { i = k - 1; continue; }
            if (OpaqueFunctions.Contains(name) || name.Contains('#', StringComparison.Ordinal)) f.MarkUnknown($"calls {name}()");
            else if (CommandFunctions.TryGetValue(name, out var language))
            {
                int a = open + 1;
                while (a < expr.Length && expr[a] == ' ') a++;
                var arg = ArgumentText(expr, a);
                if (arg is null) f.MarkUnknown($"{name}() runs text computed at run time");
                else if (language == "sh") f.AddShell(arg);
                else if (language == "ex") Line(arg, f, depth + 1);
                else f.Code.Add((language, arg));
            }
            i = k - 1;
        }
    }

    /// <summary>The first argument when it is a literal (<c>"cmd"</c>) or a list of literals (<c>['rm', '-rf', x]</c> is not); null otherwise.</summary>
    private static string? ArgumentText(string expr, int a)
    {
        if (a < expr.Length && expr[a] == '[')
        {
            var words = new List<string>();
            int i = a + 1;
            while (i < expr.Length)
            {
                while (i < expr.Length && expr[i] is ' ' or ',') i++;
                if (i < expr.Length && expr[i] == ']') return Shell.ShellQuoting.Join(words);
                var w = EmbeddedCommands.Literal(expr, ref i, vimSingle: true);
                if (w is null) return null;
                words.Add(w);
            }
            return null;
        }
        return Concatenation(ArgumentSpan(expr, a));
    }

    /// <summary>The first argument's text: up to a comma or the closing parenthesis at its level.</summary>
    private static string ArgumentSpan(string expr, int a)
    {
        int depth = 0, i = a;
        for (; i < expr.Length; i++)
        {
            char c = expr[i];
            if (c is '"' or '\'')
            {
                int j = i;
                if (EmbeddedCommands.Literal(expr, ref j, vimSingle: true) is not null) { i = j - 1; continue; }
            }
            if (c is '(' or '[') depth++;
            else if (c is ')' or ']') { if (depth == 0) break; depth--; }
            else if (c == ',' && depth == 0) break;
        }
        return expr[a..i];
    }
}

/// <summary>ed scripts (on ed's input): <c>!cmd</c>, <c>r !cmd</c>, <c>w !cmd</c>, <c>e !cmd</c> run shell commands; <c>r</c>/<c>w</c> name files.</summary>
public static class EdScript
{
    public static EmbeddedCommands Scan(string script)
    {
        var f = new EmbeddedCommands();
        bool text = false;
        foreach (var raw in script.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (text) { if (line == ".") text = false; continue; }
            Command(line, f, ref text, 0);
        }
        return f;
    }

    private static void Command(string line, EmbeddedCommands f, ref bool text, int depth)
    {
        int i = 0;
        while (i < line.Length)
        {
            char c = line[i];
            if (char.IsAsciiDigit(c) || c is '.' or '$' or ',' or ';' or '+' or '-' or ' ' or '^') { i++; continue; }
            if (c == '\'' && i + 1 < line.Length) { i += 2; continue; }
            if (c is '/' or '?')
            {
                int j = i + 1;
                while (j < line.Length && line[j] != c) j += line[j] == '\\' ? 2 : 1;
                i = j + 1;
                continue;
            }
            break;
        }
        if (i >= line.Length) return;
        char cmd = line[i];
        var rest = line[(i + 1)..];
        switch (cmd)
        {
            case '!':
                f.AddShell(rest);
                return;
            case 'r' or 'e' or 'E' or 'w' or 'W':
            {
                var arg = rest.TrimStart('q').TrimStart();
                if (arg.StartsWith('!')) { f.AddShell(arg[1..], fed: cmd is 'w' or 'W'); return; }
                if (arg.Length == 0) return;
                (cmd is 'w' or 'W' ? f.Writes : f.Reads).Add(arg);
                return;
            }
            case 'a' or 'i' or 'c':
                text = true;
                return;
            case 'g' or 'v' or 'G' or 'V':
            {
                if (rest.Length == 0) return;
                char delim = rest[0];
                int j = 1;
                while (j < rest.Length && rest[j] != delim) j += rest[j] == '\\' ? 2 : 1;
                if (depth < 4 && j + 1 < rest.Length) Command(rest[(j + 1)..], f, ref text, depth + 1);
                return;
            }
            case 'd' or 'f' or 'h' or 'H' or 'j' or 'k' or 'l' or 'm' or 'n' or 'p' or 'P' or 'q' or 'Q' or 's' or 't' or 'u' or 'x' or 'y' or 'z' or '=' or '#':
                return;
            default:
                f.MarkUnknown($"ed command '{line}' is not understood");
                return;
        }
    }
}
