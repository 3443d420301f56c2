namespace Interlock.Knowledge.Statements;

/// <summary>
/// A CMake script run by <c>cmake -P</c>: <c>execute_process(COMMAND …)</c> runs each COMMAND's words (piped one into
/// the next), <c>file(REMOVE_RECURSE …)</c>, <c>file(REMOVE …)</c> and <c>file(WRITE|APPEND …)</c> change files. Other
/// ways to run programs (<c>exec_program</c>, <c>cmake_language(EVAL …)</c>) are code not read here.
/// </summary>
public static class CmakeScript
{
    /// <summary>execute_process's keywords after a COMMAND's words; each ends the command.</summary>
    private static readonly HashSet<string> ProcessKeywords = new(StringComparer.Ordinal)
    {
        "COMMAND", "WORKING_DIRECTORY", "TIMEOUT", "RESULT_VARIABLE", "RESULTS_VARIABLE", "OUTPUT_VARIABLE", "ERROR_VARIABLE",
        "INPUT_FILE", "OUTPUT_FILE", "ERROR_FILE", "OUTPUT_QUIET", "ERROR_QUIET", "COMMAND_ECHO", "OUTPUT_STRIP_TRAILING_WHITESPACE",
        "ERROR_STRIP_TRAILING_WHITESPACE", "ENCODING", "ECHO_OUTPUT_VARIABLE", "ECHO_ERROR_VARIABLE", "COMMAND_ERROR_IS_FATAL",
    };

    public static EmbeddedCommands Scan(string text)
    {
        var f = new EmbeddedCommands();
        int i = 0;
        while (i < text.Length)
        {
            int open = text.IndexOf('(', i);
            if (open < 0) break;
            int nameStart = open;
            while (nameStart > 0 && (char.IsAsciiLetterOrDigit(text[nameStart - 1]) || text[nameStart - 1] == '_')) nameStart--;
            var name = text[nameStart..open].Trim().ToLowerInvariant();
            int close = Close(text, open);
            if (close < 0) { f.MarkUnknown("a CMake script whose parentheses do not close"); break; }
            var words = Words(text[(open + 1)..close]);
            switch (name)
            {
                case "execute_process":
                    Process(words, f);
                    break;
                case "file" when words.Count > 1 && words[0] is "REMOVE_RECURSE":
                    f.AddShell("rm -rf -- " + string.Join(' ', words.Skip(1).Select(Quote)));
                    break;
                case "file" when words.Count > 1 && words[0] is "REMOVE":
                    f.AddShell("rm -f -- " + string.Join(' ', words.Skip(1).Select(Quote)));
                    break;
                case "file" when words.Count > 1 && words[0] is "WRITE" or "APPEND" or "TOUCH" or "DOWNLOAD" or "RENAME" or "COPY_FILE" or "CREATE_LINK":
                    f.Writes.Add(Shell(words[words[0] is "RENAME" or "COPY_FILE" or "CREATE_LINK" && words.Count > 2 ? 2 : words[0] == "DOWNLOAD" && words.Count > 2 ? 2 : 1]));
                    break;
                case "exec_program" or "cmake_language" or "include" or "load_command":
                    f.MarkUnknown($"a CMake script calls {name}(), which runs code not visible here");
                    break;
            }
            i = close + 1;
        }
        return f;
    }

    private static void Process(List<string> words, EmbeddedCommands f)
    {
        var current = new List<string>();
        bool inCommand = false;
        foreach (var word in words)
        {
            if (ProcessKeywords.Contains(word))
            {
                if (current.Count > 0) f.AddShell(string.Join(' ', current.Select(Quote)));
                current.Clear();
                inCommand = word == "COMMAND";
                continue;
            }
            if (inCommand) current.Add(word);
        }
        if (current.Count > 0) f.AddShell(string.Join(' ', current.Select(Quote)));
    }

    /// <summary>CMake's <c>$ENV{NAME}</c> as the shell's <c>${NAME}</c>, so the analyzer reads it as the variable it is.</summary>
    private static string Shell(string word) => word.Replace("$ENV{", "${", StringComparison.Ordinal);

    /// <summary>A word for the shell: double-quoted, so <c>${HOME}</c> still expands and spaces stay inside.</summary>
    private static string Quote(string word) => "\"" + Shell(word).Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("`", "\\`", StringComparison.Ordinal) + "\"";

    private static int Close(string text, int open)
    {
        int depth = 0;
        bool quoted = false;
        for (int j = open; j < text.Length; j++)
        {
            char c = text[j];
            if (c == '\\' && j + 1 < text.Length) { j++; continue; }
            if (c == '"') quoted = !quoted;
            else if (!quoted && c == '(') depth++;
            else if (!quoted && c == ')' && --depth == 0) return j;
        }
        return -1;
    }

    /// <summary>A command's arguments: whitespace-separated, "quoted" with backslash escapes, # comments to the line's end.</summary>
    private static List<string> Words(string args)
    {
        var words = new List<string>();
        int j = 0;
        while (j < args.Length)
        {
            char c = args[j];
            if (char.IsWhiteSpace(c)) { j++; continue; }
            if (c == '#') { while (j < args.Length && args[j] != '\n') j++; continue; }
            var word = new System.Text.StringBuilder();
            if (c == '"')
            {
                for (j++; j < args.Length && args[j] != '"'; j++)
                {
                    if (args[j] == '\\' && j + 1 < args.Length) j++;
                    word.Append(args[j]);
                }
                j++;
            }
            else
                for (; j < args.Length && !char.IsWhiteSpace(args[j]); j++) word.Append(args[j]);
            words.Add(word.ToString());
        }
        return words;
    }
}
