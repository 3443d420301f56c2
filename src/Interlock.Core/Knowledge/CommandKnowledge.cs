using System.Collections.Frozen;

namespace Interlock.Knowledge;

/// <summary>All command knowledge: program tables, wrappers, shells and interpreters, looked up by program name.</summary>
public sealed class CommandKnowledge
{
    /// <summary>The built-in tables.</summary>
    public static CommandKnowledge Default { get; } = new(
        [.. FileTools.Programs, .. GitTable.Programs, .. ContainerTables.Programs, .. InfrastructureTables.Programs,
         .. CloudTables.Programs, .. DatabaseTables.Programs, .. SystemTables.Programs, .. NetworkTables.Programs,
         .. DevelopmentTools.Programs, .. PlatformTables.Programs, .. StorageTables.Programs,
         .. CodeTools.Programs, .. CiRunnerTables.Programs, .. PeerFamilyTables.Programs],
        Wrappers.All);

    private readonly FrozenDictionary<string, ProgramSpec> _programs;
    private readonly FrozenDictionary<string, WrapperSpec> _wrappers;

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
        _programs = map.ToFrozenDictionary(StringComparer.Ordinal);
        var wmap = new Dictionary<string, WrapperSpec>(StringComparer.Ordinal);
        foreach (var w in wrappers)
        {
            foreach (var name in w.Names)
            {
                if (map.ContainsKey(name) || !wmap.TryAdd(name, w))
                    throw new ArgumentException($"wrapper '{name}' is described twice in command knowledge", nameof(wrappers));
            }
        }
        _wrappers = wmap.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public IEnumerable<ProgramSpec> Programs => _programs.Values.Distinct();

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
                    if (_wrappers.ContainsKey(name)) throw new ArgumentException($"{pack.File}: '{name}' is a wrapper and cannot be described by a pack", nameof(packs));
                    map[name] = spec;
                }
        return new CommandKnowledge(map.ToFrozenDictionary(StringComparer.Ordinal), _wrappers);
    }

    private CommandKnowledge(FrozenDictionary<string, ProgramSpec> programs, FrozenDictionary<string, WrapperSpec> wrappers)
    {
        _programs = programs;
        _wrappers = wrappers;
    }

    public bool TryGetProgram(string name, out ProgramSpec spec) => _programs.TryGetValue(name, out spec!);

    public bool TryGetWrapper(string name, out WrapperSpec spec) => _wrappers.TryGetValue(name, out spec!);

    /// <summary>Whether the program is known at all (a table row or a wrapper).</summary>
    public bool Knows(string name) => _programs.ContainsKey(name) || _wrappers.ContainsKey(name);
}
