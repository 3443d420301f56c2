using Interlock.Actions;
using Interlock.Risk;

namespace Interlock.Knowledge;

/// <summary>
/// One row of command knowledge: for a subcommand path (and optionally some flags or arguments), what the invocation does.
/// Path segments are globs over the leading positional arguments (<c>"stash drop"</c>, <c>"* describe-*"</c>).
/// </summary>
public sealed record CommandRow
{
    public CommandRow(string path, OperationClass @class, string reason)
    {
        Path = path;
        Class = @class;
        Reason = reason;
        // A plain loop, not LINQ: every row of a program is built on its first lookup in a hook process.
        var alternatives = path.Split('|');
        Alternatives = new string[alternatives.Length][];
        for (var i = 0; i < alternatives.Length; i++) Alternatives[i] = alternatives[i].Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>Subcommand paths separated by <c>|</c>; each a space-separated list of globs over the leading positionals (<c>**</c> skips any number).</summary>
    public string Path { get; }
    internal string[][] Alternatives { get; }
    public OperationClass Class { get; }
    public string Reason { get; }

    /// <summary>The row applies only when one of these <c>|</c>-separated flags is present.</summary>
    public string? AnyFlag { get; init; }

    /// <summary>The row applies only when none of these flags is present.</summary>
    public string? NoFlag { get; init; }

    /// <summary>The row applies only when a positional after the path matches one of these <c>|</c>-separated globs.</summary>
    public string? AnyArg
    {
        get => _anyArg;
        init
        {
            _anyArg = value;
            AnyArgGlobs = value?.Split('|') ?? [];
        }
    }

    private readonly string? _anyArg;

    /// <summary><see cref="AnyArg"/> split once.</summary>
    internal string[] AnyArgGlobs { get; private init; } = [];

    /// <summary>Whether positionals after the path are targets.</summary>
    public bool Targets { get; init; } = true;

    /// <summary>Options (<c>|</c>-separated) whose values are targets too (<c>openssl -in FILE</c>).</summary>
    public string? TargetOptions { get; init; }

    /// <summary>
    /// Options (<c>|</c>-separated) whose value is a file the program writes (<c>sort -o FILE</c>): each is a write of
    /// that file besides the row's own operation, so a reader with such an option is not read-only.
    /// </summary>
    public string? OutputOptions { get; init; }

    /// <summary>
    /// The operand at this 1-based position after the path, when given, is a file the program writes (<c>uniq IN OUT</c>),
    /// not one it reads: it is taken out of the targets and becomes a write of that file.
    /// </summary>
    public int? OutputOperand { get; init; }

    /// <summary>Whether targets are file-system paths (resolved against cwd and HOME).</summary>
    public bool PathTargets { get; init; }

    /// <summary>Whether the program reads target contents (credential detection); listings and metadata don't.</summary>
    public bool ReadsContent { get; init; } = true;

    /// <summary>Whether the effect lands on state others depend on.</summary>
    public bool Shared { get; init; }

    /// <summary>Whether the effect cannot be undone.</summary>
    public bool Irreversible { get; init; }

    /// <summary>The least tier this row's operation falls in, whatever its targets.</summary>
    public Tier? MinTier { get; init; }

    /// <summary>Space-separated tags added to the operation.</summary>
    public string Tags
    {
        get => _tags;
        init
        {
            _tags = value;
            TagList = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        }
    }

    private readonly string _tags = "";

    /// <summary><see cref="Tags"/> split once, for the analyzer's hot path.</summary>
    internal string[] TagList { get; private init; } = [];

    /// <summary>Name of a semantics handler that refines the operation from its arguments.</summary>
    public string? Semantics { get; init; }

    internal int ConditionWeight => (AnyFlag is null ? 0 : 2) + (AnyArg is null ? 0 : 2) + (NoFlag is null ? 0 : 1);
}

/// <summary>What Interlock knows about one program: its names, options that take values, and its rows.</summary>
public sealed record ProgramSpec
{
    public ProgramSpec(string names, params CommandRow[] rows)
    {
        Names = names.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Rows = rows;
    }

    // Built on the first lookup of this program, not at start: a hook process runs one command of a few programs, and
    // indexing all of them up front was most of the time a fresh process took to have its knowledge.
    private PathIndex? _index;

    private PathIndex Index => _index ?? Interlocked.CompareExchange(ref _index, new PathIndex(Rows), null) ?? _index;

    /// <summary>The entries that can match when the first positional is <paramref name="first"/> (null: none, or unknown), in <see cref="Entries"/> order.</summary>
    internal IReadOnlyList<PathEntry> EntriesFor(string? first) => Index.EntriesFor(first);

    internal IReadOnlyList<PathEntry> Entries => Index.Entries;

    /// <summary>A program's rows as path entries, most specific first, indexed by the literal first segment they need.</summary>
    private sealed class PathIndex
    {
        private readonly IReadOnlyList<PathEntry> _unanchored;
        private readonly Dictionary<string, IReadOnlyList<PathEntry>> _byFirst;

        public PathIndex(IReadOnlyList<CommandRow> rows)
        {
            // One entry per path alternative; most specific first (longer paths, then more conditions), then declaration
            // order. Plain loops and one sort, not LINQ: this runs on a hook process's first lookup, where the JIT of
            // LINQ's generic sorting and grouping cost more than all the rest of the lookup.
            var found = new List<PathEntry>();
            var weights = new List<int>();
            for (int i = 0; i < rows.Count; i++)
            {
                var row = rows[i];
                foreach (var segments in row.Alternatives)
                {
                    int literalSegments = 0;
                    foreach (var s in segments) if (s != "**") literalSegments++;
                    found.Add(new PathEntry(segments, row, i));
                    weights.Add(literalSegments * 8 + row.ConditionWeight);
                }
            }
            // A stable insertion sort (a program has tens of entries): ties keep declaration and alternative order, and
            // no generic sort is instantiated for it.
            var entries = new PathEntry[found.Count];
            var keys = new int[found.Count];
            for (int i = 0; i < entries.Length; i++)
            {
                var entry = found[i];
                int weight = weights[i], j = i - 1;
                while (j >= 0 && (keys[j] < weight || keys[j] == weight && entries[j].Order > entry.Order))
                {
                    entries[j + 1] = entries[j];
                    keys[j + 1] = keys[j];
                    j--;
                }
                entries[j + 1] = entry;
                keys[j + 1] = weight;
            }
            Entries = entries;
            // Most entries start with a literal subcommand; only those naming the first positional can match.
            var unanchored = new List<PathEntry>();
            foreach (var e in entries) if (!IsLiteral(e)) unanchored.Add(e);
            _unanchored = unanchored;
            _byFirst = new Dictionary<string, IReadOnlyList<PathEntry>>(StringComparer.Ordinal);
            foreach (var e in entries)
            {
                if (!IsLiteral(e) || _byFirst.ContainsKey(e.Segments[0])) continue;
                var first = e.Segments[0];
                var matching = new List<PathEntry>();
                foreach (var candidate in entries) if (!IsLiteral(candidate) || candidate.Segments[0] == first) matching.Add(candidate);
                _byFirst[first] = matching;
            }

            static bool IsLiteral(PathEntry e) => e.Segments.Length > 0 && e.Segments[0].AsSpan().IndexOfAny('*', '?') < 0;
        }

        public IReadOnlyList<PathEntry> Entries { get; }

        public IReadOnlyList<PathEntry> EntriesFor(string? first) =>
            first is not null && _byFirst.TryGetValue(first, out var entries) ? entries : _unanchored;
    }

    public IReadOnlyList<string> Names { get; }
    public IReadOnlyList<CommandRow> Rows { get; }

    /// <summary>Space-separated options whose value is the next argument (<c>-n prod</c>).</summary>
    public string ValueOptions
    {
        get => string.Join(' ', ValueOptionSet);
        init => ValueOptionSet = WordSet(value);
    }

    internal HashSet<string> ValueOptionSet { get; private init; } = new(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="option"/> takes the next argument as its value (one of <see cref="ValueOptions"/>).</summary>
    public bool TakesValue(string option) => ValueOptionSet.Contains(option);

    /// <summary>
    /// Space-separated options that take two values (<c>jq --rawfile NAME FILE</c>): the second is the option's value. Read
    /// as one-value options, the file would pass for the program's first operand and hide from the targets.
    /// </summary>
    public string PairOptions
    {
        get => string.Join(' ', PairOptionSet);
        init => PairOptionSet = WordSet(value);
    }

    internal HashSet<string> PairOptionSet { get; private init; } = new(StringComparer.Ordinal);

    /// <summary>Space-separated options that take no value (<c>-r</c>, <c>--force</c>): with <see cref="StrictOptions"/>, the rest of the grammar.</summary>
    public string Flags
    {
        get => string.Join(' ', FlagSet);
        init => FlagSet = WordSet(value);
    }

    internal HashSet<string> FlagSet { get; private init; } = new(StringComparer.Ordinal);

    /// <summary>Space-separated options followed by a command that ends at <c>;</c> or <c>+</c> (<c>find -exec</c>): its words are not the program's options.</summary>
    public string ExecOptions
    {
        get => string.Join(' ', ExecOptionSet);
        init => ExecOptionSet = WordSet(value);
    }

    internal HashSet<string> ExecOptionSet { get; private init; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Space-separated options that, as the program's only argument, print its help, usage or version and exit
    /// (<c>git -v</c>, <c>haproxy -vv</c>, <c>ssh -h</c>): beside <c>--help</c>, <c>--version</c> and <c>-V</c>, which every
    /// program is taken to mean so. Declared per program, since <c>-v</c> or <c>-h</c> elsewhere is verbose or a host.
    /// </summary>
    public string HelpOptions
    {
        get => string.Join(' ', HelpOptionList);
        init => HelpOptionList = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary><see cref="HelpOptions"/> split once (a few words: a scan is cheaper than a set).</summary>
    internal string[] HelpOptionList { get; private init; } = [];

    /// <summary>
    /// Whether the grammar is complete (<c>options: strict</c>): an option outside flags, value, pair and exec options and
    /// the options the rows name is a gap, not a flag guessed at. Lenient (the default) takes any other option as a flag.
    /// </summary>
    public bool StrictOptions { get; init; }

    private OptionGrammar? _grammar;

    /// <summary>Every option the program knows, built once on first use (a strict program's check is then set lookups).</summary>
    internal OptionGrammar Grammar => _grammar ??= new OptionGrammar(this);

    /// <summary>Whether <c>-abc</c> is three short flags (POSIX) rather than one long option (<c>-name</c> in find, <c>-auto-approve</c> in terraform).</summary>
    public bool ShortFlagClusters { get; init; } = true;

    /// <summary>Name of a semantics handler that looks at every invocation before its row is chosen.</summary>
    public string? Semantics { get; init; }

    /// <summary>Whether environment names in the arguments (prod, staging) say where the operation lands.</summary>
    public bool DetectEnvironment { get; init; }

    // Split by hand, not with string.Split: a split at more than 128 separators (curl's complete grammar has ~170
    // options) rents from ArrayPool, whose first use in a process cost a hook process's first lookup of such a program
    // several milliseconds.
    private static HashSet<string> WordSet(string value)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        for (int start = 0, i = 0; i <= value.Length; i++)
        {
            if (i < value.Length && value[i] != ' ') continue;
            if (i > start) set.Add(value.Substring(start, i - start));
            start = i + 1;
        }
        return set;
    }
}

/// <summary>One subcommand path of a row, in matching order.</summary>
internal sealed record PathEntry(string[] Segments, CommandRow Row, int Order);
