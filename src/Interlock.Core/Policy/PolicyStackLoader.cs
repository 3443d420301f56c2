namespace Interlock.Policy;

/// <summary>The outcome of loading a policy file with its includes: the stack, or every error in every file.</summary>
public sealed record PolicyStackLoadResult(PolicyStack? Stack, IReadOnlyList<PolicyError> Errors)
{
    [System.Diagnostics.CodeAnalysis.MemberNotNullWhen(true, nameof(Stack))]
    public bool Success => Stack is not null;
}

/// <summary>
/// Loads a policy file and, depth-first, the files it includes. Reading is the caller's: <c>read</c> returns a file's
/// text, or null when it cannot be read. Include paths are relative to the including file. Cycles are errors.
/// </summary>
public static class PolicyStackLoader
{
    /// <summary>Most files one policy may pull in through includes.</summary>
    public const int MaxFiles = 64;

    public static PolicyStackLoadResult Load(string path, Func<string, string?> read)
    {
        var layers = new List<CompiledPolicy>();
        var errors = new List<PolicyError>();
        var active = new Stack<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var text = read(path);
        if (text is null) return new(null, [new PolicyError(path, 1, 1, "cannot read the policy file")]);
        LoadInto(path, text, read, layers, errors, active, seen);
        return errors.Count == 0 ? new(new PolicyStack(layers), []) : new(null, errors);
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

    private static string Resolve(string from, string include)
    {
        if (include.StartsWith('/')) return Normalize(include);
        var dir = Path.GetDirectoryName(from);
        return Normalize(string.IsNullOrEmpty(dir) ? include : Path.Combine(dir, include));
    }

    // Path arithmetic only: Path.GetFullPath does not touch the disk.
    private static string Normalize(string path) => Path.GetFullPath(path);
}
