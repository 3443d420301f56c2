using Interlock.Actions;
using Interlock.Knowledge;

namespace Interlock.Shell;

// Semantics handlers named by command-knowledge rows (see ProgramSemantics): readers and printers.
internal sealed partial class ShellAnalysisRun
{
    private static readonly HashSet<string> PatternFirst = new(StringComparer.Ordinal) { "grep", "egrep", "fgrep", "zgrep", "rg", "ag", "ack", "awk", "gawk", "mawk", "nawk", "jq", "yq", "xq", "look" };
    private static readonly HashSet<string> Decoders = new(StringComparer.Ordinal) { "base64", "base32", "xxd", "openssl", "gunzip", "zcat", "bzcat", "xzcat" };

    internal StreamSource? Reader(SemanticsCall c)
    {
        var op = c.Op;
        var program = op.Program;
        bool patternInOption = c.Inv.OptionValue("-e|--regexp|-f|--file|--from-file") is not null;
        if (PatternFirst.Contains(program) && !patternInOption && op.Targets.Count > 0)
        {
            var code = c.Inv.Positionals[0].Text;
            op.Targets.RemoveAt(0);
            if (program.EndsWith("awk", StringComparison.Ordinal)) ScanCode(program, code, c.Ctx);
        }
        if (c.Inv.HasAnyFlag("-r|-R|--recursive|--directories=recurse|-d=recurse") || program is "rg" or "ag" or "ack"
            || program is "grep" or "egrep" or "fgrep" && c.Inv.OptionValue("-d|--directories") is { Text: "recurse" })
            op.Tags.Add("recursive");
        // A recursive search without a path searches the current directory (rg and grep -r), unless input is piped to it.
        if (op.Tags.Contains("recursive") && op.Targets.Count == 0 && c.Ctx.Stdin.Kind == StreamKind.None)
            op.Targets.Add(ResolvePath(ShellArg.Static("."), c.Ctx));
        // tr's operands are character sets; it reads only its input.
        if (program is "tr") op.Targets.Clear();
        ReaderOptionFiles(c);
        if (PatternFirst.Contains(program) && c.Ctx.Stdin.Kind == StreamKind.Environment && op.Targets.Count == 0 && SecretFilter(c) is { } secret)
        {
            // `env | grep -i token`: picking the secrets out of the environment prints them.
            op.Class = OperationClass.CredentialRead;
            op.Reason = $"picks secret-named variables ({secret}) out of the environment";
            op.Tags.Add("secret");
            return new StreamSource(StreamKind.Secret);
        }
        bool decoding = Decoders.Contains(program) && (c.Inv.HasAnyFlag("-d|--decode|-D|-r|--revert") || program is "gunzip" or "zcat" or "bzcat" or "xzcat");
        if (decoding) return new StreamSource(StreamKind.Decoded);
        if (op.Targets.Exists(t => CredentialIn(t, op.Tags.Contains("recursive")) is not null)) return new StreamSource(StreamKind.Secret);
        // `cat` of its input (a here-document) passes the text on unchanged, so what it feeds is still readable.
        if (program == "cat" && op.Targets.Count == 0 && c.Ctx.Stdin.Kind == StreamKind.Literal) return c.Ctx.Stdin;
        if (TransformedInput(c) is { } transformed) return new StreamSource(StreamKind.Literal, transformed);
        return PassThrough(c, op.Targets.Count == 0);
    }

    /// <summary>A filter passes sensitive input on: secrets stay secrets after <c>base64</c> or <c>sed</c>.</summary>
    private static StreamSource? PassThrough(SemanticsCall c, bool readsStdin) =>
        readsStdin && c.Ctx.Stdin.Kind is StreamKind.Secret or StreamKind.Environment or StreamKind.Network or StreamKind.Decoded
            ? c.Ctx.Stdin with { Text = null }
            // A filtered list of credential file names (`| grep -v pub | head -1`) is still a list of them.
            : readsStdin && c.Ctx.Stdin.Kind is StreamKind.CredentialNames ? c.Ctx.Stdin : null;

    internal StreamSource? Printer(SemanticsCall c)
    {
        var op = c.Op;
        var program = op.Program;
        if (program is "printenv" or "env")
        {
            var names = c.Inv.Positionals.Where(p => !p.Dynamic).Select(p => p.Text).ToList();
            if (names.Count == 0 && c.Ctx.RemoteHost is not null)
            {
                // A service's environment holds its secrets.
                op.Class = OperationClass.CredentialRead;
                op.Reason = $"prints the environment of {c.Ctx.RemoteHost}, which holds its secrets";
                op.Tags.Add("secret");
                return new StreamSource(StreamKind.Secret);
            }
            if (names.Count == 0) return EnvironmentDump(op);
            if (names.Exists(CredentialPaths.IsSecretName))
            {
                op.Class = OperationClass.CredentialRead;
                op.Reason = "prints a secret-named environment variable";
                op.Tags.Add("secret");
                return new StreamSource(StreamKind.Secret);
            }
            return StreamSource.Unknown;
        }
        if (program is "echo" or "printf" or "cowsay" or "figlet")
        {
            if (c.Ctx.Referenced is { } refs && refs.Any(CredentialPaths.IsSecretName))
            {
                op.Class = OperationClass.CredentialRead;
                op.Reason = "prints a secret-named variable (" + refs.First(CredentialPaths.IsSecretName) + ")";
                op.Tags.Add("secret");
                return new StreamSource(StreamKind.Secret);
            }
            var words = c.Inv.Args.Where(a => !(program == "echo" && a.Text is "-n" or "-e" or "-E" or "-ne" or "-en")).Select(a => a.Text).ToList();
            var text = program == "printf" && words.Count > 0 ? FormatPrintf(words[0], words.Skip(1).ToList())
                : c.Inv.HasAnyFlag("-e") ? UnescapePrintf(string.Join(' ', words)) : string.Join(' ', words);
            return new StreamSource(StreamKind.Literal, text + "\n");
        }
        if (program is "ls" or "dir") return StreamSource.Unknown;
        return StreamSource.Unknown;
    }

    /// <summary>
    /// printf's output: each <c>%s</c>, <c>%d</c>, <c>%b</c>, <c>%c</c> takes the next argument, and the format is
    /// reused while arguments remain (<c>printf '%s\n' a b</c> prints two lines). Escapes are decoded in the format and
    /// in <c>%b</c> arguments, not in <c>%s</c> ones.
    /// </summary>
    private static string FormatPrintf(string format, List<string> args)
    {
        var sb = new System.Text.StringBuilder();
        int next = 0;
        do
        {
            int before = next;
            var literal = new System.Text.StringBuilder();
            for (int i = 0; i < format.Length; i++)
            {
                if (format[i] == '%' && i + 1 < format.Length)
                {
                    char f = format[++i];
                    if (f == '%') { literal.Append('%'); continue; }
                    while (i < format.Length && (char.IsAsciiDigit(format[i]) || format[i] is '-' or '.')) i++;
                    sb.Append(UnescapePrintf(literal.ToString()));
                    literal.Clear();
                    if (i < format.Length)
                    {
                        var arg = next < args.Count ? args[next++] : "";
                        sb.Append(format[i] == 'b' ? UnescapePrintf(arg) : arg);
                    }
                    continue;
                }
                literal.Append(format[i]);
            }
            sb.Append(UnescapePrintf(literal.ToString()));
            if (next == before) break;
        }
        while (next < args.Count && sb.Length < 65536);
        return sb.ToString();
    }

    /// <summary>The escapes printf and echo -e decode (\n, \t, \xHH, \0NNN), enough to see what a computed name spells.</summary>
    private static string UnescapePrintf(string text)
    {
        var sb = new System.Text.StringBuilder(text.Length);
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] != '\\' || i + 1 >= text.Length) { sb.Append(text[i]); continue; }
            char n = text[++i];
            switch (n)
            {
                case 'n': sb.Append('\n'); break;
                case 't': sb.Append('\t'); break;
                case '\\': sb.Append('\\'); break;
                case 'x':
                    int v = 0, k = 0;
                    while (k < 2 && i + 1 < text.Length && Uri.IsHexDigit(text[i + 1])) { v = v * 16 + Convert.ToInt32(text[++i].ToString(), 16); k++; }
                    sb.Append((char)v);
                    break;
                case '0':
                    int o = 0, m = 0;
                    while (m < 3 && i + 1 < text.Length && text[i + 1] is >= '0' and <= '7') { o = o * 8 + (text[++i] - '0'); m++; }
                    sb.Append((char)o);
                    break;
                default: sb.Append('\\').Append(n); break;
            }
        }
        return sb.ToString();
    }
}
