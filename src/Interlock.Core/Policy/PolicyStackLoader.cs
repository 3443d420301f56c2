namespace Interlock.Policy;

/// <summary>The outcome of loading a policy file with its includes: the stack, or every error in every file.</summary>
public sealed record PolicyStackLoadResult(PolicyStack? Stack, IReadOnlyList<PolicyError> Errors)
{
    [System.Diagnostics.CodeAnalysis.MemberNotNullWhen(true, nameof(Stack))]
    public bool Success => Stack is not null;
}

/// <summary>
/// Loads a policy file and, depth-first, the files it includes, then the knowledge packs they name. Reading is the
/// caller's: <c>read</c> returns a file's text, or null when it cannot be read; <c>list</c> returns the pack files
/// (<c>*.yaml</c>, <c>*.yml</c>) of a directory in name order, or null when it cannot be listed. Include and knowledge
/// paths are relative to the naming file. Cycles are errors, and so is any error in any pack: nothing is half-loaded.
/// </summary>
public static class PolicyStackLoader
{
    /// <summary>Most files one policy may pull in through includes.</summary>
    public const int MaxFiles = 64;

    /// <summary>Most pack files one policy may load.</summary>
    public const int MaxPacks = 256;

    public static PolicyStackLoadResult Load(string path, Func<string, string?> read, Func<string, IReadOnlyList<string>?>? list = null)
    {
        var layers = new List<CompiledPolicy>();
        var errors = new List<PolicyError>();
        var active = new Stack<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var text = read(path);
        if (text is null) return new(null, [new PolicyError(path, 1, 1, "cannot read the policy file")]);
        LoadInto(path, text, read, layers, errors, active, seen);
        var packs = errors.Count == 0 ? LoadPacks(layers, read, list, errors) : [];
        var map = errors.Count == 0 ? LoadMap(layers, read, errors) : null;
        return errors.Count == 0 ? new(new PolicyStack(layers, packs, map), []) : new(null, errors);
    }

    /// <summary>The one resource map the layers name (two different maps are an error: coupling must have one source).</summary>
    private static Risk.ResourceMap? LoadMap(List<CompiledPolicy> layers, Func<string, string?> read, List<PolicyError> errors)
    {
        string? chosen = null;
        foreach (var layer in layers)
        {
            if (layer.ResourceMap is not { } named) continue;
            var target = Resolve(layer.FileName, named.Path);
            if (chosen is not null && chosen != target)
            {
                errors.Add(new PolicyError(layer.FileName, named.Line, named.Column, $"a second resource map '{named.Path}' (resolved to {target}); the policy already names {chosen}, and there can be one"));
                return null;
            }
            chosen = target;
        }
        if (chosen is null) return null;
        var origin = layers.Last(l => l.ResourceMap is not null);
        if (read(chosen) is not { } text)
        {
            errors.Add(new PolicyError(origin.FileName, origin.ResourceMap!.Line, origin.ResourceMap.Column, $"cannot read the resource map '{origin.ResourceMap.Path}' (resolved to {chosen})"));
            return null;
        }
        var loaded = Risk.ResourceMapLoader.Load(text, chosen);
        errors.AddRange(loaded.Errors);
        return loaded.Map;
    }

    /// <summary>The resource map file <paramref name="stack"/>'s layers name, resolved, or null.</summary>
    public static string? ResourceMapFile(PolicyStack stack)
    {
        ArgumentNullException.ThrowIfNull(stack);
        return stack.Layers.Where(l => l.ResourceMap is not null && l.FileName.StartsWith('/')).Select(l => Resolve(l.FileName, l.ResourceMap!.Path)).LastOrDefault();
    }

    private static List<Knowledge.Packs.KnowledgePack> LoadPacks(List<CompiledPolicy> layers, Func<string, string?> read, Func<string, IReadOnlyList<string>?>? list, List<PolicyError> errors)
    {
        var packs = new List<Knowledge.Packs.KnowledgePack>();
        var loaded = new HashSet<string>(StringComparer.Ordinal);
        foreach (var layer in layers)
        {
            foreach (var dir in layer.Knowledge)
            {
                var target = Resolve(layer.FileName, dir.Path);
                var files = list?.Invoke(target);
                if (files is null)
                {
                    errors.Add(new PolicyError(layer.FileName, dir.Line, dir.Column, $"cannot read the knowledge directory '{dir.Path}' (resolved to {target})"));
                    continue;
                }
                foreach (var file in files)
                {
                    if (!loaded.Add(Normalize(file))) continue;
                    if (loaded.Count > MaxPacks)
                    {
                        errors.Add(new PolicyError(layer.FileName, dir.Line, dir.Column, $"more than {MaxPacks} knowledge packs"));
                        return packs;
                    }
                    if (read(file) is not { } packText)
                    {
                        errors.Add(new PolicyError(file, 1, 1, "cannot read the knowledge pack"));
                        continue;
                    }
                    var pack = Knowledge.Packs.KnowledgePackLoader.Load(packText, file);
                    if (pack.Success) packs.Add(pack.Pack);
                    else errors.AddRange(pack.Errors.Select(e => new PolicyError(e.File, e.Line, e.Column, e.Message)));
                }
            }
        }
        return packs;
    }

    private static void LoadInto(string path, string text, Func<string, string?> read, List<CompiledPolicy> layers, List<PolicyError> errors, Stack<string> active, HashSet<string> seen)
    {
        var result = PolicyLoader.Load(text, path);
        if (!result.Success)
        {
            errors.AddRange(result.Errors);
            return;
        }
        var policy = result.Policy;
        active.Push(Normalize(path));
        foreach (var include in policy.Includes)
        {
            var target = Resolve(path, include.Path);
            var key = Normalize(target);
            if (active.Contains(key))
            {
                errors.Add(new PolicyError(path, include.Line, include.Column, $"include cycle: '{include.Path}' includes this file again ({string.Join(" -> ", active.Reverse().Append(key))})"));
                continue;
            }
            if (!seen.Add(key)) continue; // already layered through another include
            if (seen.Count > MaxFiles)
            {
                errors.Add(new PolicyError(path, include.Line, include.Column, $"more than {MaxFiles} policy files through includes"));
                break;
            }
            var includedText = read(target);
            if (includedText is null)
            {
                errors.Add(new PolicyError(path, include.Line, include.Column, $"cannot read included policy '{include.Path}' (resolved to {target})"));
                continue;
            }
            LoadInto(target, includedText, read, layers, errors, active, seen);
        }
        active.Pop();
        layers.Add(policy);
    }

    /// <summary>The knowledge directories <paramref name="stack"/>'s layers name, resolved (they decide, so self-protection guards them as policy files).</summary>
    public static IEnumerable<string> KnowledgeDirectories(PolicyStack stack)
    {
        ArgumentNullException.ThrowIfNull(stack);
        return stack.Layers.Where(l => l.FileName.StartsWith('/')).SelectMany(l => l.Knowledge.Select(k => Resolve(l.FileName, k.Path)));
    }

    private static string Resolve(string from, string include)
    {
        if (include.StartsWith('/')) return Normalize(include);
        var dir = Path.GetDirectoryName(from);
        return Normalize(string.IsNullOrEmpty(dir) ? include : Path.Combine(dir, include));
    }

    // Path arithmetic only: Path.GetFullPath does not touch the disk.
    private static string Normalize(string path) => Path.GetFullPath(path);
}
