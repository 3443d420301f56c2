using Interlock.Policy;

namespace Interlock.Server.Policies;

/// <summary>Loads the policy a command runs with: a file given by the user, or the built-in default.</summary>
public static class PolicySource
{
    public const string DefaultName = "policies/default.yaml (built in)";

    /// <summary>The effective policy (a file and its includes), or null after printing every load error to <paramref name="error"/>.</summary>
    public static PolicyStack? Load(string? path, TextWriter error)
    {
        string text;
        string name;
        if (path is null)
        {
            using var stream = typeof(PolicySource).Assembly.GetManifestResourceStream("Interlock.policies.default.yaml")
                ?? throw new InvalidOperationException("the built-in policy is missing from this build");
            using var reader = new StreamReader(stream);
            text = reader.ReadToEnd();
            name = DefaultName;
        }
        else
        {
            if (!File.Exists(path))
            {
                error.WriteLine($"interlock: cannot read policy '{path}': no such file");
                return null;
            }
            var stack = PolicyStackLoader.Load(path, ReadOrNull, PackFilesOrNull);
            if (stack.Success) return stack.Stack;
            return Report(stack.Errors, path, error);
        }
        var result = PolicyLoader.Load(text, name);
        if (result.Success) return result.Policy;
        return Report(result.Errors, name, error);
    }

    private static PolicyStack? Report(IReadOnlyList<PolicyError> errors, string name, TextWriter error)
    {
        foreach (var e in errors) error.WriteLine(e.ToString());
        error.WriteLine($"interlock: policy {name} has {errors.Count} error(s); nothing was evaluated");
        return null;
    }

    /// <summary>The knowledge pack files of a directory (<c>*.yaml</c>, <c>*.yml</c>) in name order, or null when it cannot be listed.</summary>
    public static IReadOnlyList<string>? PackFilesOrNull(string directory)
    {
        try
        {
            return [.. Directory.EnumerateFiles(directory)
                .Where(f => f.EndsWith(".yaml", StringComparison.Ordinal) || f.EndsWith(".yml", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal)];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return null;
        }
    }

    /// <summary>A file's text, or null when it cannot be read (the loader reports where it was included).</summary>
    public static string? ReadOrNull(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return null;
        }
    }
}
