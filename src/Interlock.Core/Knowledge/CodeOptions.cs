using System.Collections.Frozen;

namespace Interlock.Knowledge;

/// <summary>What the value of a code-carrying option is.</summary>
public enum CodeLanguage
{
    /// <summary>A shell command line (<c>man -P CMD</c>, <c>rsync -e CMD</c>); <c>{}</c> stands for the file it gets.</summary>
    Shell,
    /// <summary>A program run on each file the tool reads (<c>rg --pre PROG</c>): it sees data as its input or arguments.</summary>
    Program,
    /// <summary>gdb commands (<c>gdb -ex CMD</c>).</summary>
    Gdb,
    /// <summary>Emacs Lisp (<c>emacs --eval FORM</c>).</summary>
    Elisp,
    /// <summary>A dc program (<c>dc -e PROG</c>).</summary>
    Dc,
    /// <summary>Makefile text (<c>make --eval TEXT</c>).</summary>
    Make,
    /// <summary>A file of code or commands the analyzer cannot read (<c>gdb -x FILE</c>, <c>emacs -l FILE</c>).</summary>
    ScriptFile,
    /// <summary>ssh <c>-o Key=Value</c>: the keys that name commands (<c>ProxyCommand</c>, <c>LocalCommand</c>).</summary>
    SshOption,
}

/// <summary>Options of known programs whose value is code the program runs.</summary>
public sealed record CodeOption(string ProgramsText, string OptionsText, CodeLanguage Language)
{
    public IReadOnlyList<string> Programs { get; } = ProgramsText.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    public IReadOnlyList<string> Options { get; } = OptionsText.Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The option counts only under these first positionals (<c>npm exec -c</c>, not <c>npm run -c</c>).</summary>
    public string? Subcommands { get; init; }

    /// <summary>Whether a short option takes its value attached (<c>man -Pcat</c>).</summary>
    public bool Attached { get; init; }

    /// <summary>Whether the value is only ever attached (<c>man -Hfirefox</c>, <c>--html=firefox</c>): the next word is not it.</summary>
    public bool AttachedOnly { get; init; }
}

/// <summary>The code-carrying options Interlock reads, and the filters a <see cref="CodeLanguage.Program"/> option may name without review.</summary>
public static class CodeOptions
{
    public static IReadOnlyList<CodeOption> All { get; } =
    [
        new("man", "-P --pager", CodeLanguage.Shell) { Attached = true },
        // -H[BROWSER] and -O[PAGER] take their value only attached: a separate word is the next operand.
        new("man", "-H --html", CodeLanguage.Shell) { Attached = true, AttachedOnly = true },
        new("git", "-O --open-files-in-pager", CodeLanguage.Shell) { Subcommands = "grep", Attached = true, AttachedOnly = true },
        new("fzf", "--preview", CodeLanguage.Shell),
        new("delta", "--pager", CodeLanguage.Shell),
        // git difftool -x/--extcmd runs its command on each changed file pair.
        new("git", "-x --extcmd", CodeLanguage.Shell) { Subcommands = "difftool" },
        new("zip", "-TT --unzip-command", CodeLanguage.Shell),
        new("rsync", "-e --rsh --rsync-path", CodeLanguage.Shell) { Attached = true },
        new("cpio", "--rsh-command", CodeLanguage.Shell),
        new("mosh", "--ssh", CodeLanguage.Shell),
        new("npm pnpm yarn bun cnpm", "-c --call", CodeLanguage.Shell) { Subcommands = "exec x dlx" },
        new("rg", "--pre", CodeLanguage.Program),
        new("sort", "--compress-program", CodeLanguage.Program),
        new("sdiff", "--diff-program", CodeLanguage.Program),
        new("scp sftp", "-S", CodeLanguage.Program) { Attached = true },
        new("pandoc", "--filter -F", CodeLanguage.Program),
        new("pandoc", "--lua-filter -L", CodeLanguage.ScriptFile),
        new("ssh scp sftp autossh mosh", "-o", CodeLanguage.SshOption) { Attached = true },
        new("ssh scp sftp autossh", "-F", CodeLanguage.ScriptFile) { Attached = true },
        new("gdb", "-ex --ex -eval-command --eval-command -iex --iex -init-eval-command --init-eval-command", CodeLanguage.Gdb),
        new("gdb", "-x --x -command --command -ix --ix -init-command --init-command", CodeLanguage.ScriptFile),
        new("emacs", "--eval -eval --execute", CodeLanguage.Elisp),
        new("emacs", "-l --load --script -x -scriptload", CodeLanguage.ScriptFile),
        new("dc", "-e --expression", CodeLanguage.Dc) { Attached = true },
        new("dc", "-f --file", CodeLanguage.ScriptFile),
        new("make gmake", "--eval -E", CodeLanguage.Make),
    ];

    private static readonly FrozenDictionary<string, CodeOption[]> ByProgram = All
        .SelectMany(o => o.Programs.Select(p => (p, o)))
        .GroupBy(x => x.p, StringComparer.Ordinal)
        .ToFrozenDictionary(g => g.Key, g => g.Select(x => x.o).ToArray(), StringComparer.Ordinal);

    /// <summary>The code-carrying options of <paramref name="program"/>, or null when it has none.</summary>
    public static CodeOption[]? For(string program) => ByProgram.GetValueOrDefault(program);

    /// <summary>ssh options whose value is a command line run on this machine (or, for RemoteCommand, on the host).</summary>
    public static readonly FrozenSet<string> SshCommandKeys = new[] { "proxycommand", "localcommand", "knownhostscommand", "remotecommand" }
        .ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Filters that a <see cref="CodeLanguage.Program"/> option may name: they only transform bytes.</summary>
    public static readonly FrozenSet<string> KnownFilters = new[] { "gzip", "gunzip", "zcat", "bzip2", "xz", "zstd", "lz4", "pigz", "pbzip2", "lzop", "cat", "diff" }
        .ToFrozenSet(StringComparer.Ordinal);
}
