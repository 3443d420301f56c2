namespace Interlock.Knowledge;

/// <summary>All command knowledge: program tables, wrappers, shells and interpreters, looked up by program name.</summary>
public sealed class CommandKnowledge
{
    // Plain dictionaries, not frozen ones: building a frozen dictionary analyses its keys, which cost a fresh process
    // about 10 ms before its first decision, far more than the lookups it would save a hook that decides one command.
    private static readonly Dictionary<string, ProgramSpec> Empty = new(StringComparer.Ordinal);

    /// <summary>The built-in packs (<c>Knowledge/Builtin/*.yaml</c>, compiled in at build time) and the wrappers.</summary>
    public static CommandKnowledge Default { get; } = new(Empty, builtin: true, wrappers: null);

    // Built-in programs are constructed on first lookup, once per process: a hook process decides one command, and
    // building every program at start was most of the time it took to be ready.
    private static readonly ProgramSpec?[] Built = new ProgramSpec?[BuiltinPacks.ProgramCount];

    private readonly Dictionary<string, ProgramSpec> _programs;
    private readonly bool _builtin;
    // Null for the built-in wrappers, which are looked up by name without a table (see Wrappers).
    private readonly Dictionary<string, WrapperSpec>? _wrappers;

    /// <summary>Knowledge of exactly these programs and wrappers (no built-in packs).</summary>
    public CommandKnowledge(IEnumerable<ProgramSpec> programs, IEnumerable<WrapperSpec> wrappers)
    {
        var map = new Dictionary<string, ProgramSpec>(StringComparer.Ordinal);
        foreach (var spec in programs)
        {
            foreach (var name in spec.Names)
            {
                if (!map.TryAdd(name, spec))
                    throw new ArgumentException($"program '{name}' is described twice in command knowledge", nameof(programs));
            }
        }
        _programs = map;
        _wrappers = Index(wrappers, _programs);
    }

    private CommandKnowledge(Dictionary<string, ProgramSpec> programs, bool builtin, Dictionary<string, WrapperSpec>? wrappers)
    {
        _programs = programs;
        _builtin = builtin;
        _wrappers = wrappers;
    }

    private static Dictionary<string, WrapperSpec> Index(IEnumerable<WrapperSpec> wrappers, Dictionary<string, ProgramSpec> programs)
    {
        var map = new Dictionary<string, WrapperSpec>(StringComparer.Ordinal);
        foreach (var w in wrappers)
        {
            foreach (var name in w.Names)
            {
                if (programs.ContainsKey(name) || !map.TryAdd(name, w))
                    throw new ArgumentException($"wrapper '{name}' is described twice in command knowledge", nameof(wrappers));
            }
        }
        return map;
    }

    /// <summary>Every program known, each once (this builds every built-in program: for listings, not for deciding).</summary>
    public IEnumerable<ProgramSpec> Programs
    {
        get
        {
            var seen = new HashSet<ProgramSpec>(ReferenceEqualityComparer.Instance);
            foreach (var spec in _programs.Values)
                if (seen.Add(spec)) yield return spec;
            if (!_builtin) yield break;
            for (var i = 0; i < BuiltinPacks.ProgramCount; i++)
            {
                var spec = BuiltIn(i);
                // A built-in program is still known when a pack replaced only some of its names.
                if (spec.Names.Any(n => !_programs.ContainsKey(n)) && seen.Add(spec)) yield return spec;
            }
        }
    }

    /// <summary>
    /// This knowledge with <paramref name="packs"/> laid over it, in order: a pack's program replaces what was known
    /// under each of its names (the whole description, so a pack states a program's full grammar); new names add.
    /// Wrappers stay built in.
    /// </summary>
    public CommandKnowledge With(IEnumerable<Packs.KnowledgePack> packs)
    {
        ArgumentNullException.ThrowIfNull(packs);
        var map = new Dictionary<string, ProgramSpec>(_programs, StringComparer.Ordinal);
        foreach (var pack in packs)
            foreach (var spec in pack.Programs)
                foreach (var name in spec.Names)
                {
                    if (TryGetWrapper(name, out _)) throw new ArgumentException($"{pack.File}: '{name}' is a wrapper and cannot be described by a pack", nameof(packs));
                    map[name] = spec;
                }
        return new CommandKnowledge(map, _builtin, _wrappers);
    }

    public bool TryGetProgram(string name, out ProgramSpec spec)
    {
        if (_programs.TryGetValue(name, out spec!)) return true;
        if (_builtin && BuiltinPacks.IndexOf(name) is var index and >= 0)
        {
            spec = BuiltIn(index);
            return true;
        }
        return false;
    }

    public bool TryGetWrapper(string name, out WrapperSpec spec) =>
        _wrappers is null ? Wrappers.TryGet(name, out spec) : _wrappers.TryGetValue(name, out spec!);

    /// <summary>Whether the program is known at all (a table row or a wrapper).</summary>
    public bool Knows(string name) => _programs.ContainsKey(name) || TryGetWrapper(name, out _) || _builtin && BuiltinPacks.IndexOf(name) >= 0;

    private static ProgramSpec BuiltIn(int index) =>
        Volatile.Read(ref Built[index]) ?? Interlocked.CompareExchange(ref Built[index], BuiltinPacks.Build(index), null) ?? Built[index]!;
}
