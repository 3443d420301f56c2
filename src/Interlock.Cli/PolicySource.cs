using Interlock.Policy;

namespace Interlock.Cli;

/// <summary>Loads the policy a command runs with: a file given by the user, or the built-in default.</summary>
internal static class PolicySource
{
    public const string DefaultName = "policies/default.yaml (built in)";

    /// <summary>The compiled policy, or null after printing every load error to <paramref name="error"/>.</summary>
    public static CompiledPolicy? Load(string? path, TextWriter error)
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
            try
            {
                text = File.ReadAllText(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                error.WriteLine($"interlock: cannot read policy '{path}': {ex.Message}");
                return null;
            }
            name = path;
        }
        var result = PolicyLoader.Load(text, name);
        if (result.Success) return result.Policy;
        foreach (var e in result.Errors) error.WriteLine(e.ToString());
        error.WriteLine($"interlock: policy {name} has {result.Errors.Count} error(s); nothing was evaluated");
        return null;
    }
}
