using Interlock.Knowledge;

namespace Interlock.Shell;

/// <summary>A program's arguments split into options and positionals, using the program's known value-taking options.</summary>
internal sealed class Invocation
{
    private Invocation(string program, IReadOnlyList<ShellArg> args, bool clusters)
    {
        Program = program;
        Args = args;
        _clusters = clusters;
    }

    private readonly bool _clusters;

    /// <summary>Canonical program name.</summary>
    public string Program { get; }

    /// <summary>All arguments after the program name.</summary>
    public IReadOnlyList<ShellArg> Args { get; }

    /// <summary>Options as written (<c>-rf</c>, <c>--force</c>, <c>--output=json</c>) with their values.</summary>
    public List<(string Name, ShellArg? Value)> Options { get; } = [];

    public List<ShellArg> Positionals { get; } = [];

    /// <summary>Index in <see cref="Args"/> of each positional, so a handler can take "the rest of the command".</summary>
    public List<int> PositionalIndexes { get; } = [];

    /// <summary>Index in <see cref="Args"/> just after a literal <c>--</c>, or -1.</summary>
    public int AfterDoubleDash { get; private set; } = -1;

    /// <summary>The first option a strict grammar does not know (<see cref="ProgramSpec.StrictOptions"/>), or null.</summary>
    public string? UnknownOption { get; private set; }

    public static Invocation Parse(string program, IReadOnlyList<ShellArg> args, ProgramSpec? spec, int maxPositionalsBeforeStop = int.MaxValue)
    {
        var inv = new Invocation(program, args, spec?.ShortFlagClusters ?? true);
        var valueOptions = spec?.ValueOptionSet;
        var grammar = spec is { StrictOptions: true } ? spec.Grammar : null;
        // Inside `find -exec CMD ;` the words are the command's, not the program's options.
        bool inCommand = false;
        for (int i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            var t = arg.Text;
            if (inCommand)
            {
                if (t is ";" or "+" && !arg.Dynamic) inCommand = false;
                inv.Positionals.Add(arg);
                inv.PositionalIndexes.Add(i);
                continue;
            }
            if (grammar is not null && t.Length > 1 && t[0] == '-' && !arg.Dynamic && inv.AfterDoubleDash < 0 && t != "--")
            {
                if (inv.UnknownOption is null && inv.Positionals.Count < maxPositionalsBeforeStop) inv.UnknownOption = grammar.Unknown(t);
                inCommand = spec!.ExecOptionSet.Count > 0 && spec.ExecOptionSet.Contains(t);
            }
            if (inv.AfterDoubleDash < 0 && t == "--" && !arg.Dynamic)
            {
                inv.AfterDoubleDash = i + 1;
                for (int j = i + 1; j < args.Count; j++) { inv.Positionals.Add(args[j]); inv.PositionalIndexes.Add(j); }
                break;
            }
            if (t.Length > 1 && t[0] == '-' && !arg.Dynamic && inv.Positionals.Count < maxPositionalsBeforeStop)
            {
                int eq = t.IndexOf('=', StringComparison.Ordinal);
                if (eq > 0 && t.StartsWith('-'))
                {
                    inv.Options.Add((t[..eq], ShellArg.Static(t[(eq + 1)..])));
                    continue;
                }
                if (spec is { PairOptionSet.Count: > 0 } && spec.PairOptionSet.Contains(t))
                {
                    inv.Options.Add((t, i + 2 < args.Count ? args[i + 2] : i + 1 < args.Count ? args[i + 1] : null));
                    i += 2;
                    continue;
                }
                if (valueOptions is not null)
                {
                    // A flag right after a value option is the next option, not its value (`prune -a --volumes`).
                    // A strict grammar is complete, so its value option always takes the next word (find -mtime -7, head -n -5).
                    if (valueOptions.Contains(t) && (grammar is not null || !(i + 1 < args.Count && args[i + 1].Text.Length > 1 && args[i + 1].Text[0] == '-' && !args[i + 1].Dynamic)))
                    {
                        inv.Options.Add((t, i + 1 < args.Count ? args[i + 1] : null));
                        i++;
                        continue;
                    }
                    // A value option inside a short cluster takes the rest of the word or the next argument: -nprod, -qO-, -czf FILE.
                    if (t.Length > 2 && t[1] != '-' && inv._clusters)
                    {
                        int at = -1;
                        for (int j = 1; j < t.Length; j++)
                        {
                            if (valueOptions.Contains(string.Concat("-", t.AsSpan(j, 1)))) { at = j; break; }
                        }
                        if (at > 0)
                        {
                            if (at > 1) inv.Options.Add((t[..at], null));
                            var flag = "-" + t[at];
                            if (at + 1 < t.Length) inv.Options.Add((flag, ShellArg.Static(t[(at + 1)..])));
                            else { inv.Options.Add((flag, i + 1 < args.Count ? args[i + 1] : null)); i++; }
                            continue;
                        }
                    }
                }
                inv.Options.Add((t, null));
                continue;
            }
            inv.Positionals.Add(arg);
            inv.PositionalIndexes.Add(i);
        }
        return inv;
    }

    /// <summary>
    /// Whether any word is a short-option cluster holding <paramref name="letter"/> (<c>-SW</c>, <c>-zv</c>), read from
    /// the words themselves: for where the table takes the cluster's first letter as a value option.
    /// </summary>
    public bool HasShortLetter(char letter)
    {
        foreach (var a in Args)
            if (a.Text.Length > 1 && a.Text[0] == '-' && a.Text[1] != '-' && a.Text.AsSpan(1).Contains(letter)) return true;
        return false;
    }

    /// <summary>Whether any of the <c>|</c>-separated flags is present; <c>-f</c> also matches inside a cluster such as <c>-rf</c>.</summary>
    public bool HasAnyFlag(string flags)
    {
        foreach (var range in flags.AsSpan().Split('|'))
            if (HasFlag(flags.AsSpan()[range])) return true;
        return false;
    }

    public bool HasFlag(ReadOnlySpan<char> flag)
    {
        int eq = flag.IndexOf('=');
        foreach (var (name, value) in Options)
        {
            if (eq > 0)
            {
                if (name.AsSpan().SequenceEqual(flag[..eq]) && value is { } v && v.Text.AsSpan().SequenceEqual(flag[(eq + 1)..])) return true;
                continue;
            }
            if (name.AsSpan().SequenceEqual(flag)) return true;
            if (_clusters && flag.Length == 2 && flag[0] == '-' && name.Length > 2 && name[0] == '-' && name[1] != '-'
                && name.AsSpan(1).Contains(flag[1])) return true;
        }
        return false;
    }

    /// <summary>The value of the first present option among the <c>|</c>-separated names.</summary>
    public ShellArg? OptionValue(string names)
    {
        foreach (var (name, value) in Options)
        {
            foreach (var range in names.AsSpan().Split('|'))
                if (name.AsSpan().SequenceEqual(names.AsSpan()[range]) && value is not null) return value;
        }
        return null;
    }

    /// <summary>All values of options among the <c>|</c>-separated names.</summary>
    public List<ShellArg> OptionValues(string names)
    {
        var found = new List<ShellArg>();
        foreach (var (name, value) in Options)
        {
            if (value is null) continue;
            foreach (var range in names.AsSpan().Split('|'))
            {
                if (name.AsSpan().SequenceEqual(names.AsSpan()[range])) { found.Add(value.Value); break; }
            }
        }
        return found;
    }
}
