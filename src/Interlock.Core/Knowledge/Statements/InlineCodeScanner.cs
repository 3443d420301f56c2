using System.Buffers;
using System.Text.RegularExpressions;

namespace Interlock.Knowledge.Statements;

/// <summary>What a scan of inline interpreter code (<c>python -c</c>, <c>node -e</c>, <c>awk</c> programs) found.</summary>
public sealed record CodeFindings
{
    /// <summary>Calls that delete files; <see cref="RecursiveDelete"/> when they remove trees.</summary>
    public bool Deletes { get; init; }
    public bool RecursiveDelete { get; init; }
    public bool Writes { get; init; }
    /// <summary>
    /// Where copy, move and link calls put files (<c>shutil.copy(src, DST)</c>, <c>fs.renameSync</c>, <c>File::Copy</c>):
    /// the last literal of each call, or text holding <see cref="Shell.ShellArg.Unknown"/> when the call's destination is computed.
    /// </summary>
    public IReadOnlyList<string> CopyDestinations { get; init; } = [];
    /// <summary>String literals that look like paths.</summary>
    public IReadOnlyList<string> Paths { get; init; } = [];
    /// <summary>Shell commands the code hands to a shell (<c>os.system("…")</c>, <c>execSync("…")</c>).</summary>
    public IReadOnlyList<string> ShellCommands { get; init; } = [];
    /// <summary>Calls to cloud, hub or database SDKs that delete shared resources (<c>delete_repo</c>, <c>delete_bucket</c>, <c>drop_database</c>).</summary>
    public bool DestroysSharedResources { get; init; }
    /// <summary>Whether the code names the user's home directory (<c>os.homedir()</c>, <c>Path.home()</c>, <c>expanduser("~")</c>).</summary>
    public bool MentionsHome { get; init; }
    /// <summary>
    /// When the code names the home directory, the literals that can be joined onto it (<c>homedir() + '/.npmrc'</c>,
    /// <c>path.join(homedir(), '.ssh', 'id_rsa')</c>): relative to HOME, one literal or up to three consecutive ones.
    /// </summary>
    public IReadOnlyList<string> HomeRelative { get; init; } = [];
    /// <summary>Whether the code runs a shell with a command that isn't a literal.</summary>
    public bool DynamicShell { get; init; }
    public bool NetworkSend { get; init; }
    public bool ReadsEnvironment { get; init; }
    public bool SecretNameMentioned { get; init; }
    /// <summary>Code that decodes and runs more code (<c>exec(base64.b64decode(…))</c>).</summary>
    public bool Obfuscated { get; init; }
}

/// <summary>
/// Scans inline interpreter code for destructive calls, shell escapes, credential paths and network sends.
/// It reads code as text: enough to see what a one-liner does, and it fails towards risk when code hides its intent.
/// </summary>
public static partial class InlineCodeScanner
{
    // Literal needles, one of which every alternative of the pattern contains: a text without any of them cannot
    // match, and a vectorized multi-needle search says so faster than the regex can (PrefilterTests keeps them exact).
    private static readonly SearchValues<string> RecursiveDeleteNeedles = SearchValues.Create(["rm", "remove", "rimraf", "emptyDir", "deleteRecursively"], StringComparison.Ordinal);
    private static readonly SearchValues<string> DeleteNeedles = SearchValues.Create(["rm", "remove", "unlink", "File.delete", "send2trash", "truncate", "Bun.file"], StringComparison.Ordinal);
    private static readonly SearchValues<string> CopyNeedles = SearchValues.Create(["copy", "Copy", "move", "rename", "os.replace", "symlink", "link", "Link", "FileUtils", "cpSync", "fs.cp", "fs.promises.cp"], StringComparison.Ordinal);
    private static readonly SearchValues<string> WriteNeedles = SearchValues.Create(["open", "write", "append", "file_put_contents", ">"], StringComparison.Ordinal);
    private static readonly SearchValues<string> ShellCallNeedles = SearchValues.Create(
        ["exec", "spawn", "system", "popen", "Popen", "subprocess", "getoutput", "passthru", "proc_open", "Open3", "Deno.run", "check_output", "check_call", "__import__", "child_process", "getattr"], StringComparison.Ordinal);
    private static readonly SearchValues<string> ParenlessShellNeedles = SearchValues.Create(["system", "exec", "spawn"], StringComparison.Ordinal);
    private static readonly SearchValues<string> EnvironmentNeedles = SearchValues.Create(["environ", "getenv", "process.env", "ENV", "Deno.env"], StringComparison.Ordinal);
    private static readonly SearchValues<string> BacktickExecNeedles = SearchValues.Create(["`", "%x", "qx"], StringComparison.Ordinal);
    private static readonly SearchValues<string> AppleScriptNeedles = SearchValues.Create(["shell"], StringComparison.Ordinal);
    private static readonly SearchValues<string> SdkDestroyNeedles = SearchValues.Create(["delete", "drop", "terminate", "flush", "clear", "Clear"], StringComparison.Ordinal);
    private static readonly SearchValues<string> HomeNeedles = SearchValues.Create(["homedir", "Path.home", "expanduser", "HOME", "Dir.home", "UserHomeDir"], StringComparison.Ordinal);
    private static readonly SearchValues<string> NetworkNeedles = SearchValues.Create(
        ["requests.", "httpx.", "urlopen", "urllib", "http", "HTTP", "socket", "Socket", "smtplib", "ftplib", "paramiko", "fetch", "axios", "net.",
         "XMLHttpRequest", "fsockopen", "RestClient", "LWP::", "->post(", "curl_exec", "dgram"], StringComparison.Ordinal);
    private static readonly SearchValues<string> SecretEnvNeedles = SearchValues.Create(["env"], StringComparison.OrdinalIgnoreCase);
    private static readonly SearchValues<string> ObfuscatedNeedles = SearchValues.Create(["exec", "eval", "Function", "MIME::Base64", "base64_decode", "unpack", "decode"], StringComparison.Ordinal);
    private static readonly SearchValues<string> FileAccessNeedles = SearchValues.Create(["open", "read", "Read", "write", "File", "file", "fs.", "slurp", "IO."], StringComparison.Ordinal);
    private static readonly SearchValues<string> DecodedDataNeedles = SearchValues.Create(["fromhex", "unhexlify", "decode", "atob", "Buffer.from", "pack", "fromCharCode", "chr"], StringComparison.Ordinal);

    /// <summary>The prefiltered patterns with their needles, for the test that keeps each needle set exact.</summary>
    internal static IEnumerable<(Regex Pattern, SearchValues<string> Needles)> Prefiltered =>
    [
        (RecursiveDeletePattern(), RecursiveDeleteNeedles), (DeletePattern(), DeleteNeedles), (WritePattern(), WriteNeedles), (CopyPattern(), CopyNeedles),
        (ShellCallPattern(), ShellCallNeedles), (ParenlessShellPattern(), ParenlessShellNeedles), (EnvironmentPattern(), EnvironmentNeedles), (BacktickExecPattern(), BacktickExecNeedles),
        (AppleScriptShellPattern(), AppleScriptNeedles), (SdkDestroyPattern(), SdkDestroyNeedles), (HomePattern(), HomeNeedles),
        (NetworkPattern(), NetworkNeedles), (SecretEnvAccessPattern(), SecretEnvNeedles), (ObfuscatedPattern(), ObfuscatedNeedles),
        (DecodedDataPattern(), DecodedDataNeedles),
    ];

    /// <summary>Shell calls read from one snippet, and the longest argument text read for one call.</summary>
    private const int MaxShellCalls = 64, MaxCallText = 8 * 1024;

    private static bool Matches(Regex pattern, SearchValues<string> needles, string code) => code.AsSpan().ContainsAny(needles) && pattern.IsMatch(code);

    /// <summary><c>{"/bin/rm"} "ls", "-rf", x</c> as <c>"/bin/rm", "-rf", x</c>; empty when the form is not that simple.</summary>
    private static ReadOnlySpan<char> IndirectProgram(ReadOnlySpan<char> text)
    {
        int close = text.IndexOf('}');
        if (close < 2) return [];
        var program = text[1..close].Trim();
        var rest = text[(close + 1)..];
        int comma = rest.IndexOf(',');
        if (program.IsEmpty || program.IndexOfAny('{', ';') >= 0) return [];
        return comma < 0 ? program.ToString().AsSpan() : string.Concat(program, rest[comma..]).AsSpan();
    }

    public static CodeFindings Scan(string code)
    {
        bool recursive = Matches(RecursiveDeletePattern(), RecursiveDeleteNeedles, code);
        bool deletes = recursive || Matches(DeletePattern(), DeleteNeedles, code);
        var literals = StringLiterals(code);
        var paths = literals.Where(LooksLikePath).Select(Interpolated).ToList();

        var shell = new List<string>();
        bool dynamicShell = false;
        if (code.AsSpan().ContainsAny(ShellCallNeedles))
        {
            var calls = 0;
            foreach (var m in ShellCallPattern().EnumerateMatches(code))
            {
                // Past these bounds the calls are not read: the code runs shell commands nobody has looked at.
                if (++calls > MaxShellCalls) { dynamicShell = true; break; }
                // The call's argument text, to the matching parenthesis or end of line.
                int start = m.Index + m.Length;
                int end = ArgumentsEnd(code, start, out bool cut);
                if (cut) { dynamicShell = true; continue; }
                // A single string is a command line; a list (["rm", "-rf", x]) or several words is an argument vector.
                var command = CallArguments.Command(code.AsSpan(start, end - start), out bool computed);
                dynamicShell |= computed;
                if (command is not null) shell.Add(command);
            }
        }
        if (code.AsSpan().ContainsAny(ParenlessShellNeedles))
        {
            // Perl and Ruby call without parentheses: system "cmd", exec qw(rm -rf), glob("~").
            var calls = 0;
            foreach (Match m in ParenlessShellPattern().Matches(code))
            {
                if (++calls > MaxShellCalls) { dynamicShell = true; break; }
                int start = m.Groups["arg"].Index;
                var argText = code.AsSpan(start, Math.Min(code.Length - start, MaxCallText));
                // Perl's `exec {PROGRAM} NAME, ARGS`: PROGRAM runs, NAME is only what it is told its name is.
                if (argText.Length > 0 && argText[0] == '{') argText = IndirectProgram(argText);
                bool computed = true;
                var command = argText.IsEmpty ? null : CallArguments.Command(argText, out computed);
                dynamicShell |= computed;
                if (command is not null) shell.Add(command);
            }
        }
        if (code.AsSpan().ContainsAny(BacktickExecNeedles))
        {
            foreach (Match m in BacktickExecPattern().Matches(code))
                shell.Add(m.Groups["cmd"].Value);
        }
        if (code.AsSpan().ContainsAny(AppleScriptNeedles))
        {
            foreach (Match m in AppleScriptShellPattern().Matches(code))
                shell.Add(m.Groups["cmd"].Value.Replace("\\\"", "\"", StringComparison.Ordinal));
        }

        bool mentionsHome = Matches(HomePattern(), HomeNeedles, code);
        bool network = Matches(NetworkPattern(), NetworkNeedles, code);
        // Text decoded from hex, base64 or character codes, in code that runs commands, opens files or sends data:
        // what it runs or opens is hidden from a reader (`system pack("H*", "726d…")`, `open(bytes.fromhex(…))`).
        bool hiddenOperands = (shell.Count > 0 || dynamicShell || deletes || network || code.AsSpan().ContainsAny(FileAccessNeedles))
            && Matches(DecodedDataPattern(), DecodedDataNeedles, code);
        return new CodeFindings
        {
            Deletes = deletes,
            RecursiveDelete = recursive,
            Writes = Matches(WritePattern(), WriteNeedles, code),
            CopyDestinations = CopyDestinationsIn(code),
            Paths = paths,
            ShellCommands = shell,
            DynamicShell = dynamicShell,
            NetworkSend = network,
            ReadsEnvironment = Matches(EnvironmentPattern(), EnvironmentNeedles, code),
            SecretNameMentioned = literals.Exists(CredentialPaths.IsSecretName) || Matches(SecretEnvAccessPattern(), SecretEnvNeedles, code),
            Obfuscated = hiddenOperands || Matches(ObfuscatedPattern(), ObfuscatedNeedles, code),
            MentionsHome = mentionsHome,
            HomeRelative = mentionsHome ? HomeRelativePaths(literals) : [],
            DestroysSharedResources = Matches(SdkDestroyPattern(), SdkDestroyNeedles, code),
        };
    }

    /// <summary>
    /// The contents of the string literals in <paramref name="code"/>, leftmost first: <c>"…"</c> and <c>'…'</c> with
    /// backslash escapes and no line break, and <c>`…`</c>. An unclosed quote is skipped and the search goes on after it.
    /// </summary>
    internal static List<string> StringLiterals(ReadOnlySpan<char> code)
    {
        var literals = new List<string>();
        // Where the last failed search for each quote kind gave up: a quote of that kind before there fails too (it was
        // an escaped character of the failed literal, so its own search would read the same text the same way). This
        // keeps the reader linear where trying every quote afresh, as a regex does, is quadratic (`"\"\"\"…`).
        int doubleFailsUntil = -1, singleFailsUntil = -1, backtickFailsUntil = -1;
        int i = 0;
        while (i < code.Length)
        {
            int q = code[i..].IndexOfAny('"', '\'', '`');
            if (q < 0) break;
            i += q;
            char quote = code[i];
            ref int failsUntil = ref quote == '"' ? ref doubleFailsUntil : ref quote == '\'' ? ref singleFailsUntil : ref backtickFailsUntil;
            int gaveUpAt = failsUntil;
            int end = i < failsUntil ? -1 : ClosingQuote(code, i, out gaveUpAt);
            if (end < 0)
            {
                failsUntil = gaveUpAt;
                i++;
                continue;
            }
            literals.Add(code[(i + 1)..end].ToString());
            i = end + 1;
        }
        return literals;
    }

    /// <summary>Where the literal opened at <paramref name="open"/> closes, or -1 with where the search gave up.</summary>
    private static int ClosingQuote(ReadOnlySpan<char> code, int open, out int gaveUpAt)
    {
        gaveUpAt = code.Length;
        char quote = code[open];
        if (quote == '`')
        {
            int close = code[(open + 1)..].IndexOf('`');
            return close < 0 ? -1 : open + 1 + close;
        }
        for (int j = open + 1; j < code.Length; j++)
        {
            char c = code[j];
            if (c == quote) return j;
            if (c == '\n') { gaveUpAt = j; return -1; }
            if (c == '\\')
            {
                // An escape takes the next character, but not a line break.
                if (j + 1 >= code.Length || code[j + 1] == '\n') { gaveUpAt = j + 1; return -1; }
                j++;
            }
        }
        return -1;
    }

    private static List<string> HomeRelativePaths(List<string> literals)
    {
        var found = new List<string>();
        for (int k = 0; k < literals.Count && k < 64; k++)
        {
            var joined = "";
            for (int n = 0; n < 3 && k + n < literals.Count; n++)
            {
                var part = literals[k + n].Trim('/');
                if (part.Length == 0 || part.Length > 255 || part.AsSpan().IndexOfAny(" \n\t'\"") >= 0) break;
                joined = joined.Length == 0 ? part : joined + "/" + part;
                found.Add(joined);
            }
        }
        return found;
    }

    /// <summary>
    /// Where a call's arguments end, from just past its opening parenthesis: past the parenthesis that closes it, at a
    /// line break, or <see cref="MaxCallText"/> on; <paramref name="cut"/> when that bound, not the text, ended it.
    /// </summary>
    private static int ArgumentsEnd(string code, int start, out bool cut)
    {
        int depth = 1, end = start, limit = Math.Min(code.Length, start + MaxCallText);
        while (end < limit && depth > 0 && code[end] != '\n')
        {
            if (code[end] == '(' || code[end] == '[') depth++;
            else if (code[end] == ')' || code[end] == ']') depth--;
            end++;
        }
        cut = end == limit && depth > 0 && limit < code.Length;
        return end;
    }

    /// <summary>The destinations of the copy, move and link calls in <paramref name="code"/> (see <see cref="CodeFindings.CopyDestinations"/>).</summary>
    private static List<string> CopyDestinationsIn(string code)
    {
        var found = new List<string>();
        if (!code.AsSpan().ContainsAny(CopyNeedles)) return found;
        foreach (var m in CopyPattern().EnumerateMatches(code))
        {
            if (found.Count >= MaxShellCalls) break;
            // The call's arguments: to the matching parenthesis, or to the statement's end when called without one.
            int start = m.Index + m.Length;
            while (start < code.Length && code[start] == ' ') start++;
            int end = start;
            if (end < code.Length && code[end] == '(') end = ArgumentsEnd(code, ++start, out _);
            else
                while (end < code.Length && end - start < MaxCallText && code[end] is not (';' or '\n')) end++;
            var args = StringLiterals(code.AsSpan(start, end - start));
            // One literal is the source at most: where it lands is computed (`copy(src, dst)` with dst a variable).
            found.Add(args.Count >= 2 ? Interpolated(args[^1]) : Shell.ShellArg.Unknown + "/" + Shell.ShellArg.Unknown);
        }
        return found;
    }

    /// <summary>
    /// A literal with the interpolations of perl, ruby, php and JavaScript templates read as what they are: the home
    /// directory (<c>"$ENV{HOME}/.ssh/x"</c>, <c>"#{Dir.home}/x"</c>) as <c>~</c>, any other (<c>"$dir/x"</c>) as unknown.
    /// </summary>
    private static string Interpolated(string literal)
    {
        if (literal.AsSpan().IndexOfAny('$', '#', '%') < 0) return literal;
        foreach (var home in HomeInterpolations)
            if (literal.StartsWith(home, StringComparison.Ordinal)) return "~" + Interpolated(literal[home.Length..]);
        return InterpolationPattern().Replace(literal, Shell.ShellArg.Unknown.ToString());
    }

    private static readonly string[] HomeInterpolations =
        ["$ENV{HOME}", "$ENV{'HOME'}", "$ENV{\"HOME\"}", "${HOME}", "$HOME", "#{ENV['HOME']}", "#{ENV[\"HOME\"]}", "#{Dir.home}",
         "${process.env.HOME}", "${os.homedir()}", "${homedir()}", "$_SERVER['HOME']", "%USERPROFILE%"];

    [GeneratedRegex("""\$\{[^}]{0,200}\}|\$ENV\{[^}]{0,200}\}|\$[A-Za-z_]\w*(?:\{[^}]{0,200}\}|\[[^\]]{0,200}\]|->\w+)*|#\{[^}]{0,200}\}|%\w+%""")]
    private static partial Regex InterpolationPattern();

    [GeneratedRegex("""shutil\.(?:copy\w*|move)|os\.(?:rename|renames|replace|symlink|link)\b|\b(?:copyFileSync|cpSync|renameSync|symlinkSync|linkSync)\b|fs\.(?:promises\.)?(?:copyFile|cp|rename|symlink|link)\b|FileUtils\.(?:cp\w*|mv|ln\w*|copy\w*|move|install)|File\.(?:rename|symlink|link|copy)\b|Files\.(?:copy|move|createSymbolicLink|createLink)\b|File::Copy::\w+|\.(?:rename|symlink_to|hardlink_to|link_to)\b(?=\s*\()|Deno\.(?:copyFile|rename|symlink|link)(?:Sync)?\b|(?<![\w.$>-])(?:copy|move|rename|symlink|link)\b(?=\s*[("'$])""")]
    private static partial Regex CopyPattern();

    private static bool LooksLikePath(string s) =>
        s.Length > 0 && s.Length < 4096 && !s.Contains('\n', StringComparison.Ordinal) && !s.Contains("://", StringComparison.Ordinal)
        && (s[0] == '/' || s[0] == '~' || s.StartsWith("./", StringComparison.Ordinal) || s.StartsWith("../", StringComparison.Ordinal)
            || s.StartsWith(".env", StringComparison.Ordinal) || s.StartsWith(".aws", StringComparison.Ordinal) || s.StartsWith(".ssh", StringComparison.Ordinal)
            || (s.Contains('/', StringComparison.Ordinal) && !s.Contains(' ', StringComparison.Ordinal))
            // A bare name of a file some tool runs later (.npmrc, lefthook.yml, sitecustomize.py) is that file in the current directory.
            || (!s.Contains(' ', StringComparison.Ordinal) && Risk.DeferredCodePaths.Describe(s) is not null));

    [GeneratedRegex("""shutil\.rmtree|\brmtree\b|rmSync[^;\n]{0,200}recursive|rm_rf|rm_r\b|remove_tree|rimraf|removeSync|emptyDirSync|remove_dir_all|fs\.rm\s*\([^;\n]{0,200}recursive|promises\.rm\s*\(|Dir\.rmdir|FileUtils\.rm_r|deleteRecursively|rmdir\s*\([^;\n]{0,200}recursive|Deno\.remove\s*\([^;\n]{0,200}recursive""")]
    private static partial Regex RecursiveDeletePattern();

    [GeneratedRegex("""os\.remove|os\.unlink|os\.rmdir|os\.removedirs|\.unlink\s*\(|\.rmdir\s*\(|unlinkSync|rmdirSync|rmSync|fs\.rm\s*\(|fs\.unlink|\bunlink\b|File\.delete|File\.unlink|FileUtils\.rm\b|\bunlink\s+|send2trash|os\.truncate|Deno\.remove|Bun\.file\([^)]*\)\.delete""")]
    private static partial Regex DeletePattern();

    [GeneratedRegex("""open\s*\([^)]*['"][wa]\+?b?['"]|writeFileSync|appendFileSync|write_text|write_bytes|File\.write|fs\.writeFile|file_put_contents|>\s*['"]""")]
    private static partial Regex WritePattern();

    [GeneratedRegex("""(?:os\.system|os\.popen|os\.exec[lv]p?e?|subprocess\.(?:run|call|check_call|check_output|Popen|getoutput|getstatusoutput)|commands\.getoutput|pty\.spawn|child_process\.(?:exec|execSync|spawn|spawnSync|execFile|execFileSync)|\bexecSync|\bspawnSync|\bexecFileSync|(?<![\w.])exec|(?<![\w.])spawn|(?<![\w.])system|shell_exec|passthru|proc_open|(?<![\w.])popen|IO\.popen|Open3\.\w+|Kernel\.system|Deno\.run|Bun\.spawn|\.system|\.popen|\.check_output|\.check_call|\.Popen|\.getoutput|\.execSync|\.spawnSync|\.execFileSync|os\.execute|(?<![\w.])system2|__import__\(\s*['"](?:os|subprocess|pty|commands|posix)['"]\s*\)\s*\.\s*\w+|require\(\s*['"](?:node:)?child_process['"]\s*\)\s*\.\s*\w+|getattr\(\s*(?:\w+|__import__\(\s*['"]\w+['"]\s*\))\s*,\s*['"](?:system|popen|run|call|check_output|check_call|Popen|getoutput|spawn\w*|exec\w*)['"]\s*\))\s*\(""")]
    private static partial Regex ShellCallPattern();

    [GeneratedRegex("""(?<![\w.$@%:>-])(?:system|exec|spawn)\s+(?<arg>["'`]|qw|qq|q\(|[$@{\[]|\w+\s*\()""")]
    private static partial Regex ParenlessShellPattern();

    [GeneratedRegex(@"do\s+shell\s+script\s+""(?<cmd>(?:[^""\\]|\\.){1,2000})""")]
    private static partial Regex AppleScriptShellPattern();

    [GeneratedRegex("""`(?<cmd>[^`]{1,2000})`|%x\{(?<cmd>[^}]{1,2000})\}|qx\{(?<cmd>[^}]{1,2000})\}|%x\((?<cmd>[^)]{1,2000})\)|qx\((?<cmd>[^)]{1,2000})\)|%x\[(?<cmd>[^\]]{1,2000})\]|qx\[(?<cmd>[^\]]{1,2000})\]|%x!(?<cmd>[^!]{1,2000})!|qx/(?<cmd>[^/]{1,2000})/|qx'(?<cmd>[^']{1,2000})'""")]
    private static partial Regex BacktickExecPattern();

    [GeneratedRegex("""\b(?:delete_repo|delete_bucket|delete_objects?|delete_table|delete_dataset|delete_collection|delete_index|delete_stack|delete_cluster|delete_db_instance|delete_model|drop_database|drop_table|drop_collection|dropDatabase|terminate_instances|deleteBucket|deleteObjects|deleteRepo|deleteIndex)\s*\(|\b(?:clearObjects|clear_objects|clearIndex|clear_index|ClearObjects)\s*\(|\.objects\.all\(\)\.delete\(|\.flushall\(|\.flushdb\(|\.drop_all\(""")]
    private static partial Regex SdkDestroyPattern();

    [GeneratedRegex("""homedir\s*\(|Path\.home\s*\(|expanduser\s*\(\s*['"]~['"]|ENV\[['"]HOME['"]\]|\$ENV\{HOME\}|getenv\s*\(\s*['"]HOME['"]|environ\[['"]HOME['"]\]|process\.env\.HOME|Dir\.home|os\.UserHomeDir""")]
    private static partial Regex HomePattern();

    [GeneratedRegex("""requests\.(?:post|put|patch|delete)|httpx\.(?:post|put|patch)|urlopen|urllib\.request|http\.client|HTTPConnection|socket\.|smtplib|ftplib|paramiko|fetch\s*\(|axios|https?\.request|net\.connect|net\.createConnection|XMLHttpRequest|Net::HTTP|RestClient|HTTParty|TCPSocket|LWP::|IO::Socket|HTTP::Request|->post\(|curl_exec|fsockopen|stream_socket_client|WebSocket|dgram""")]
    private static partial Regex NetworkPattern();

    [GeneratedRegex("""os\.environ|os\.getenv|process\.env|\bENV\b|%ENV|\$ENV\{|getenv\s*\(|System\.getenv|Deno\.env|environ\b""")]
    private static partial Regex EnvironmentPattern();

    [GeneratedRegex("""(?:environ|env|ENV|getenv)\W{1,4}\w*(?:SECRET|TOKEN|PASSWORD|API_KEY|ACCESS_KEY|PRIVATE_KEY|CREDENTIAL)""", RegexOptions.IgnoreCase)]
    private static partial Regex SecretEnvAccessPattern();

    [GeneratedRegex("""(?:exec|eval|Function)\s*\(\s*(?:base64\.b64decode|b64decode|atob|Buffer\.from|codecs\.decode|zlib\.decompress|bytes\.fromhex|decode\()|MIME::Base64|base64_decode\s*\(|unpack\s*\(\s*['"]m|\.decode\s*\(\s*['"](?:base64|hex|rot13)""")]
    private static partial Regex ObfuscatedPattern();

    [GeneratedRegex("""bytes\.fromhex|unhexlify|b(?:64|32|16|85)decode|decodebytes|\batob\s*\(|Buffer\.from\s*\([^)]{0,4000}['"](?:hex|base64)|\bpack\s*\(\s*['"][HhCcUuNnw]|\]\.pack\s*\(\s*['"][CcUu]|fromCharCode|codecs\.decode|\bchr\s*\(\s*[0-9]|decode\s*\(\s*['"](?:hex|base64|rot)""")]
    private static partial Regex DecodedDataPattern();
}
