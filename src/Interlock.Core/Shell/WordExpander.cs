using System.Text;

namespace Interlock.Shell;

/// <summary>
/// Expands words the way bash would, as far as can be known before run time: tildes, known variables,
/// brace lists and word splitting of known values. Substitutions are handed to <see cref="_onScript"/> to be analyzed,
/// since they run even when their output is only data.
/// </summary>
internal sealed class WordExpander
{
    private const int MaxBraceWords = 256;

    /// <summary>Characters one brace expansion may produce: each word is a copy of the rest of the text.</summary>
    private const int MaxBraceChars = 256 * 1024;

    /// <summary>Brace groups expanded in one word; each is a level of recursion.</summary>
    private const int MaxBraceGroups = 16;

    /// <summary>Longest expanded word: the parser's length budget. Doubling a variable would otherwise grow it without bound.</summary>
    private const int MaxWordLength = 64 * 1024;

    /// <summary>Most words one command's expansion may produce (word splitting of a grown variable).</summary>
    private const int MaxWords = 4096;

    private readonly Func<ShellScript, VariableScope, StreamSource> _onScript;
    private readonly Action<string> _onLimit;

    /// <param name="onScript">Analyzes a substitution's script and says what it outputs.</param>
    /// <param name="onLimit">Told when an expansion passes a bound, so the analysis can say it is incomplete.</param>
    public WordExpander(Func<ShellScript, VariableScope, StreamSource> onScript, Action<string> onLimit)
    {
        _onScript = onScript;
        _onLimit = onLimit;
    }

    // Made on the first process substitution: most commands have none, and this runs for every analysis.
    private Dictionary<string, StreamSource>? _processOutputs;

    /// <summary>What the process substitution expanded to <paramref name="path"/> (<c>/dev/fd/63</c>) outputs, if one did.</summary>
    public bool TryGetProcessOutput(string path, out StreamSource output)
    {
        output = default;
        return _processOutputs is not null && _processOutputs.TryGetValue(path, out output);
    }

    /// <summary>One builder reused across words; a substitution expanding words while one is in use gets a fresh one.</summary>
    private StringBuilder? _spare;

    private StringBuilder RentBuilder()
    {
        var sb = _spare ?? new StringBuilder();
        _spare = null;
        return sb;
    }

    private string Return(StringBuilder sb)
    {
        var text = sb.ToString();
        sb.Clear();
        _spare = sb;
        return text;
    }

    /// <summary>Names of the parameters expanded since the last <see cref="ResetReferences"/> (for secret-printing checks).</summary>
    public List<string> ReferencedNames { get; } = [];

    public void ResetReferences() => ReferencedNames.Clear();

    /// <summary>Deterministic work done: one per word expanded plus every character the expansions produced.</summary>
    public long Work { get; private set; }

    /// <summary>Expands each word, appending results (a word may expand to none or several).</summary>
    public void ExpandAll(IReadOnlyList<ShellWord> words, VariableScope vars, List<ShellArg> into)
    {
        foreach (var word in words) Expand(word, vars, into);
    }

    public void Expand(ShellWord word, VariableScope vars, List<ShellArg> into)
    {
        // Most words are one literal: no builder, no copy.
        Work++;
        if (word.Parts.Count == 1 && word.Parts[0] is LiteralPart only)
        {
            Work += only.Text.Length;
            if (only.Quoted || !HasBraceList(only.Text)) into.Add(new ShellArg(only.Text, false, !only.Quoted && IsGlob(only.Text)));
            else AddBraced(only.Text, false, IsGlob(only.Text), true, false, into);
            return;
        }
        var sb = RentBuilder();
        bool dynamic = false, glob = false, split = false, braces = false, anyQuoted = false;
        var source = StreamKind.None;
        AppendParts(word.Parts, vars, sb, ref dynamic, ref glob, ref split, ref braces, ref anyQuoted, ref source);
        var text = Return(sb);
        Work += text.Length;
        bool expanded = HasExpansion(word);

        if (split)
        {
            // An unquoted expansion with blanks splits into several words.
            foreach (var piece in text.Split([' ', '\t', '\n'], StringSplitOptions.RemoveEmptyEntries))
            {
                if (into.Count >= MaxWords)
                {
                    _onLimit($"a command expands to more than {MaxWords} words (expansion budget)");
                    return;
                }
                AddBraced(piece, dynamic && piece.Contains(ShellArg.Unknown), glob, braces, expanded, into);
            }
            return;
        }

        if (text.Length == 0 && !anyQuoted && word.Parts.Count > 0 && !dynamic)
            return; // unquoted empty expansion vanishes

        if (source != StreamKind.None) into.Add(new ShellArg(text, dynamic, glob, source, expanded));
        else AddBraced(text, dynamic, glob, braces, expanded, into);
    }

    /// <summary>Expands a word to a single string (assignment values, redirection targets): no splitting or braces.</summary>
    public ShellArg ExpandSingle(ShellWord word, VariableScope vars)
    {
        Work++;
        if (word.Parts.Count == 1 && word.Parts[0] is LiteralPart only)
        {
            Work += only.Text.Length;
            return new ShellArg(only.Text, false, !only.Quoted && IsGlob(only.Text));
        }
        var sb = RentBuilder();
        bool dynamic = false, glob = false, split = false, braces = false, anyQuoted = false;
        var source = StreamKind.None;
        AppendParts(word.Parts, vars, sb, ref dynamic, ref glob, ref split, ref braces, ref anyQuoted, ref source);
        var text = Return(sb);
        Work += text.Length;
        return new ShellArg(text, dynamic, glob, source, HasExpansion(word));
    }

    private void AppendParts(
        IReadOnlyList<WordPart> parts, VariableScope vars, StringBuilder sb,
        ref bool dynamic, ref bool glob, ref bool split, ref bool braces, ref bool anyQuoted, ref StreamKind source)
    {
        foreach (var part in parts)
        {
            if (part.Quoted) anyQuoted = true;
            switch (part)
            {
                case LiteralPart lit:
                    sb.Append(lit.Text);
                    if (!lit.Quoted)
                    {
                        if (IsGlob(lit.Text)) glob = true;
                        if (HasBraceList(lit.Text)) braces = true;
                    }
                    break;
                case TildePart { User: "-" or "+" } dir:
                {
                    // `~-` is OLDPWD and `~+` is PWD: where the shell was or is, unknown unless the command said.
                    if (vars.TryGet(dir.User == "-" ? "OLDPWD" : "PWD", out var where) && where!.Length > 0) sb.Append(where);
                    else { sb.Append(ShellArg.Unknown); dynamic = true; }
                    break;
                }
                case TildePart tilde:
                    sb.Append(tilde.User.Length == 0 ? vars.Home : tilde.User == "root" ? "/root" : "/home/" + tilde.User);
                    break;
                case ParameterPart param:
                    AppendParameter(param, vars, sb, ref dynamic, ref glob, ref split, ref braces, ref anyQuoted, ref source);
                    break;
                case CommandSubstitutionPart sub:
                {
                    var output = _onScript(sub.Script, vars.Fork());
                    if (IsPwd(sub.Script) && vars.TryGet("PWD", out var pwd)) sb.Append(pwd);
                    else if (output.Kind == StreamKind.Literal && output.Text is { } literal && !literal.Contains(ShellArg.Unknown) && Fits(sb, literal))
                    {
                        // `$(echo rm)`: the output is known; callers still treat the word as computed (Expanded).
                        var value = literal.TrimEnd('\n');
                        sb.Append(value);
                        if (!sub.Quoted && value.AsSpan().IndexOfAny(" \t\n") >= 0) split = true;
                    }
                    else if (output.Kind == StreamKind.CredentialNames && output.Text is { } names && Fits(sb, names))
                    {
                        // `cat $(ls ~/.ssh/id_*)`: the word is one of the names the listing matches.
                        sb.Append(names);
                        glob = true;
                    }
                    else
                    {
                        sb.Append(ShellArg.Unknown);
                        dynamic = true;
                        // Secrets or the environment in a word leave with it (`curl -e "$(env)" …`, a DNS name).
                        if (output.Kind is StreamKind.Network or StreamKind.Decoded or StreamKind.Secret or StreamKind.Environment) source = output.Kind;
                    }
                    break;
                }
                case ProcessSubstitutionPart proc:
                {
                    var output = _onScript(proc.Script, vars.Fork());
                    source = output.Kind;
                    // Each substitution gets its own descriptor name, as bash's do (63, 62, …), so a program that runs
                    // the "file" as code (`bash <(echo …)`, `source <(…)`) can be given the text it would read.
                    _processOutputs ??= new Dictionary<string, StreamSource>(StringComparer.Ordinal);
                    var path = "/dev/fd/" + (63 - _processOutputs.Count % 54);
                    _processOutputs[path] = _processOutputs.ContainsKey(path) ? StreamSource.Unknown : output; // reused name: fail closed
                    sb.Append(path);
                    break;
                }
                case ArithmeticPart arith:
                    if (arith.Expansions.Count > 0)
                        AppendParts(arith.Expansions, vars, new StringBuilder(), ref dynamic, ref glob, ref split, ref braces, ref anyQuoted, ref source);
                    sb.Append(ShellArg.Unknown);
                    dynamic = true;
                    break;
            }
        }
    }

    private void AppendParameter(
        ParameterPart param, VariableScope vars, StringBuilder sb,
        ref bool dynamic, ref bool glob, ref bool split, ref bool braces, ref bool anyQuoted, ref StreamKind source)
    {
        ReferencedNames.Add(param.Name);
        if (param.SubscriptExpansions.Count > 0)
            AppendParts(param.SubscriptExpansions, vars, new StringBuilder(), ref dynamic, ref glob, ref split, ref braces, ref anyQuoted, ref source);
        bool known = vars.TryGet(param.Name, out var value) && Fits(sb, value!);
        // `f=$(… | base64 -d); cat $f`: the variable carries what its value was computed from.
        if (!known && vars.SourceOf(param.Name) is not StreamKind.None and var from) source = from;
        switch (param.Operator)
        {
            case null:
                if (known)
                {
                    sb.Append(value);
                    if (!param.Quoted && value!.AsSpan().IndexOfAny(" \t\n") >= 0) split = true;
                    return;
                }
                break;
            case ":-" or "-" or ":=" or "=":
                if (known && value!.Length > 0) { sb.Append(value); return; }
                if (known && param.Argument is not null)
                {
                    AppendParts(param.Argument.Parts, vars, sb, ref dynamic, ref glob, ref split, ref braces, ref anyQuoted, ref source);
                    return;
                }
                if (param.Argument is not null)
                {
                    // Unknown variable: the default is still analyzed, since its substitutions run.
                    var scratch = new StringBuilder();
                    AppendParts(param.Argument.Parts, vars, scratch, ref dynamic, ref glob, ref split, ref braces, ref anyQuoted, ref source);
                }
                break;
            default:
            {
                var scratch = new StringBuilder();
                bool argDynamic = false, argGlob = false;
                if (param.Argument is not null)
                    AppendParts(param.Argument.Parts, vars, scratch, ref argDynamic, ref argGlob, ref split, ref braces, ref anyQuoted, ref source);
                // `${p/XXX/ssh}`, `${p#*/}`… of a known value with a literal pattern: computed, as bash computes it.
                if (known && !argDynamic && Transform(param.Operator, value!, scratch.ToString()) is { } computed && Fits(sb, computed))
                {
                    sb.Append(computed);
                    if (!param.Quoted && computed.AsSpan().IndexOfAny(" \t\n") >= 0) split = true;
                    return;
                }
                dynamic |= argDynamic;
                break;
            }
        }
        sb.Append(ShellArg.Unknown);
        dynamic = true;
    }

    /// <summary>
    /// The value of <c>${name OP argument}</c> for the operators whose result follows from a known value and a literal
    /// pattern (no wildcards): substitution, prefix and suffix removal, case changes. Null when it cannot be computed.
    /// </summary>
    internal static string? Transform(string op, string value, string argument)
    {
        switch (op)
        {
            case ":": return Substring(value, argument);
            case "length": return argument.Length == 0 ? value.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
            case "^^": return argument.Length == 0 ? value.ToUpperInvariant() : null;
            case ",,": return argument.Length == 0 ? value.ToLowerInvariant() : null;
            case "#" or "##":
                if (IsPattern(argument)) return null;
                return value.StartsWith(argument, StringComparison.Ordinal) ? value[argument.Length..] : value;
            case "%" or "%%":
                if (IsPattern(argument)) return null;
                return value.EndsWith(argument, StringComparison.Ordinal) ? value[..^argument.Length] : value;
            case "/" or "//" or "/#" or "/%":
            {
                int slash = argument.IndexOf('/', StringComparison.Ordinal);
                var pattern = slash < 0 ? argument : argument[..slash];
                var replacement = slash < 0 ? "" : argument[(slash + 1)..];
                if (pattern.Length == 0 || IsPattern(pattern) || replacement.Contains('&', StringComparison.Ordinal)) return null;
                if (op == "//") return value.Replace(pattern, replacement, StringComparison.Ordinal);
                if (op == "/#") return value.StartsWith(pattern, StringComparison.Ordinal) ? replacement + value[pattern.Length..] : value;
                if (op == "/%") return value.EndsWith(pattern, StringComparison.Ordinal) ? value[..^pattern.Length] + replacement : value;
                int at = value.IndexOf(pattern, StringComparison.Ordinal);
                return at < 0 ? value : string.Concat(value.AsSpan(0, at), replacement, value.AsSpan(at + pattern.Length));
            }
            default: return null;
        }
    }

    /// <summary><c>${x:OFFSET}</c> and <c>${x:OFFSET:LENGTH}</c> with integer literals, as bash computes them; null otherwise.</summary>
    private static string? Substring(string value, string argument)
    {
        var parts = argument.Split(':');
        if (parts.Length > 2 || !TryInteger(parts[0], out var offset)) return null;
        if (offset < 0) offset = Math.Max(0, value.Length + offset);
        if (offset > value.Length) return "";
        if (parts.Length == 1) return value[offset..];
        if (!TryInteger(parts[1], out var length)) return null;
        // A negative length counts back from the end.
        int end = length < 0 ? value.Length + length : Math.Min(value.Length, offset + length);
        return end < offset ? null : value[offset..end];
    }

    private static bool TryInteger(string text, out int number) =>
        int.TryParse(text.Trim(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out number);

    /// <summary>Whether a parameter operator's pattern holds wildcards or escapes, which this analysis does not match.</summary>
    private static bool IsPattern(string pattern) => pattern.AsSpan().IndexOfAny("*?[\\") >= 0 || pattern.Contains(ShellArg.Unknown);

    /// <summary>Whether <paramref name="value"/> can be appended within <see cref="MaxWordLength"/>; if not, the caller appends an unknown instead.</summary>
    private bool Fits(StringBuilder sb, string value)
    {
        if (sb.Length + value.Length <= MaxWordLength) return true;
        _onLimit($"a word expands to more than {MaxWordLength} characters (expansion budget)");
        return false;
    }

    private static bool IsGlob(string text) => text.AsSpan().IndexOfAny("*?") >= 0 || HasBracketExpression(text);

    private static bool HasBraceList(string text) => text.Contains('{', StringComparison.Ordinal) && text.Contains(',', StringComparison.Ordinal);

    private static bool HasBracketExpression(string text)
    {
        int open = text.IndexOf('[', StringComparison.Ordinal);
        return open >= 0 && text.IndexOf(']', open + 1) > open + 1;
    }

    private static bool IsPwd(ShellScript script) =>
        script.Items.Count == 1 && script.Items[0].Pipelines.Count == 1 && script.Items[0].Pipelines[0].Commands.Count == 1
        && script.Items[0].Pipelines[0].Commands[0] is SimpleCommand { Words.Count: 1 } cmd && cmd.Words[0].StaticText == "pwd";

    private static bool HasExpansion(ShellWord word)
    {
        foreach (var part in word.Parts)
            if (part is ParameterPart or CommandSubstitutionPart or ArithmeticPart) return true;
        return false;
    }

    private void AddBraced(string text, bool dynamic, bool glob, bool braces, bool expanded, List<ShellArg> into)
    {
        if (!braces)
        {
            into.Add(new ShellArg(text, dynamic, glob, Expanded: expanded));
            return;
        }
        var words = new List<string>();
        if (!BraceExpand(text, words))
            _onLimit($"a brace expansion makes more than {MaxBraceWords} words, {MaxBraceChars} characters or {MaxBraceGroups} groups (expansion budget)");
        foreach (var e in words)
        {
            Work += 1 + e.Length;
            into.Add(new ShellArg(e, dynamic && e.Contains(ShellArg.Unknown), glob, Expanded: expanded));
        }
    }

    /// <summary>
    /// Bash brace expansion of <c>a{b,c}d</c> lists (not sequences), bounded in output size and groups; false when a
    /// bound cut it short, so some words bash would produce are missing.
    /// </summary>
    internal static bool BraceExpand(string text, List<string> into, int groups = 0)
    {
        int open = -1, depth = 0, close = -1;
        bool comma = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '{') { if (depth == 0) { open = i; comma = false; } depth++; }
            else if (c == '}' && depth > 0)
            {
                depth--;
                if (depth == 0 && comma) { close = i; break; }
            }
            else if (c == ',' && depth == 1) comma = true;
        }
        if (open < 0 || close < 0)
        {
            into.Add(text);
            return true;
        }
        if (into.Count >= MaxBraceWords || groups >= MaxBraceGroups || (long)text.Length * (into.Count + 2) > MaxBraceChars) return false;
        var prefix = text[..open];
        var suffix = text[(close + 1)..];
        var inner = text.AsSpan(open + 1, close - open - 1);
        int start = 0;
        depth = 0;
        for (int i = 0; i <= inner.Length; i++)
        {
            if (i < inner.Length)
            {
                char c = inner[i];
                if (c == '{') depth++;
                else if (c == '}') depth--;
                if (c != ',' || depth != 0) continue;
            }
            if (into.Count >= MaxBraceWords || !BraceExpand(prefix + inner[start..i].ToString() + suffix, into, groups + 1)) return false;
            start = i + 1;
        }
        return true;
    }
}
