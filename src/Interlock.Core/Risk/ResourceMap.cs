using Interlock.Actions;
using Interlock.Policy;

namespace Interlock.Risk;

/// <summary>
/// One resource of the resource map: what it is, where it runs, whether it is protected, which action targets name it,
/// and which resources depend on it or read it (its downstream).
/// </summary>
public sealed record MappedResource
{
    public required string Id { get; init; }
    /// <summary><c>path</c>, <c>config</c>, <c>service</c>, <c>database</c>, <c>cluster</c>, <c>bucket</c>, <c>cache</c> … (free text).</summary>
    public string Kind { get; init; } = "resource";
    public EnvironmentKind Environment { get; init; } = EnvironmentKind.Unknown;
    /// <summary>No destructive operation may touch it, as the policy's <c>protected</c> list.</summary>
    public bool Protected { get; init; }
    /// <summary>Globs over operation targets (paths, hosts, resource names) that name this resource.</summary>
    public IReadOnlyList<Glob> Match { get; init; } = [];
    /// <summary>How a previewer reaches it: a SQLite file or a PostgreSQL connection string.</summary>
    public string? Connection { get; init; }
    /// <summary>Its current size or class (<c>cache.r6g.xlarge</c>, <c>db.m6g.large</c>), for showing a resize as old → new.</summary>
    public string? Size { get; init; }
    /// <summary>False when nothing may run against it to preview an action (<c>preview: false</c>).</summary>
    public bool Preview { get; init; } = true;
    /// <summary>Resources this one depends on: a change to any of them reaches this one.</summary>
    public IReadOnlyList<string> DependsOn { get; init; } = [];
    /// <summary>Resources that read this one: a change to this one reaches them.</summary>
    public IReadOnlyList<string> ReadBy { get; init; } = [];
    public string File { get; init; } = "";
    public int Line { get; init; }
}

/// <summary>
/// The resource map: resources and their coupling edges. Downstream is computed transitively over both edge kinds,
/// cycles included, so one config file read by seven services reaches all seven.
/// </summary>
public sealed class ResourceMap
{
    public static ResourceMap Empty { get; } = new([], "");

    private readonly Dictionary<string, MappedResource> _byId;
    private readonly Dictionary<string, List<string>> _dependents;

    public ResourceMap(IReadOnlyList<MappedResource> resources, string hash)
    {
        Resources = resources;
        Hash = hash;
        _byId = resources.ToDictionary(r => r.Id, StringComparer.Ordinal);
        _dependents = new(StringComparer.Ordinal);
        foreach (var r in resources)
        {
            foreach (var upstream in r.DependsOn) Edge(upstream, r.Id);
            foreach (var reader in r.ReadBy) Edge(r.Id, reader);
        }
    }

    public IReadOnlyList<MappedResource> Resources { get; }

    /// <summary>SHA-256 of the map file (empty for no map): part of what decided.</summary>
    public string Hash { get; }

    public bool IsEmpty => Resources.Count == 0;

    public MappedResource? Find(string id) => _byId.GetValueOrDefault(id);

    /// <summary>The resources a target (path, host, resource name) names, in map order.</summary>
    public IEnumerable<MappedResource> Matching(string target)
    {
        foreach (var r in Resources)
            foreach (var g in r.Match)
                if (g.IsMatch(target))
                {
                    yield return r;
                    break;
                }
    }

    /// <summary>Every resource a change to <paramref name="id"/> reaches, nearest first, <paramref name="id"/> itself excluded.</summary>
    public IReadOnlyList<MappedResource> Downstream(string id)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal) { id };
        var order = new List<MappedResource>();
        var queue = new Queue<string>();
        queue.Enqueue(id);
        while (queue.Count > 0)
        {
            if (!_dependents.TryGetValue(queue.Dequeue(), out var next)) continue;
            foreach (var d in next)
            {
                if (!seen.Add(d)) continue;
                if (_byId.TryGetValue(d, out var r)) order.Add(r);
                queue.Enqueue(d);
            }
        }
        return order;
    }

    private void Edge(string from, string to)
    {
        if (!_dependents.TryGetValue(from, out var list)) _dependents[from] = list = [];
        if (!list.Contains(to, StringComparer.Ordinal)) list.Add(to);
    }
}
