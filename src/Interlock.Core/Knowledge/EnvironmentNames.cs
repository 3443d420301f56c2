using Interlock.Actions;

namespace Interlock.Knowledge;

/// <summary>Which environment a name points at: <c>prod-db</c>, <c>--context=staging</c>, <c>postgres://…@prod…</c>.</summary>
public static class EnvironmentNames
{
    private static readonly HashSet<string> Production = new(StringComparer.OrdinalIgnoreCase) { "prod", "production", "prd", "live", "prod1", "prod2", "produccion" };
    private static readonly HashSet<string> Staging = new(StringComparer.OrdinalIgnoreCase) { "staging", "stage", "stg", "preprod", "uat", "qa" };
    private static readonly HashSet<string> Development = new(StringComparer.OrdinalIgnoreCase) { "dev", "development", "test", "testing", "sandbox", "local", "localhost", "ci", "demo", "minikube", "kind" };

    /// <summary>The most sensitive environment any token of <paramref name="text"/> names.</summary>
    public static EnvironmentKind Detect(string text)
    {
        var result = EnvironmentKind.Unknown;
        int i = 0;
        while (i < text.Length)
        {
            while (i < text.Length && !char.IsLetterOrDigit(text[i])) i++;
            int start = i;
            while (i < text.Length && char.IsLetterOrDigit(text[i])) i++;
            if (i == start) continue;
            var token = text.AsSpan(start, i - start);
            var lookup = Production.GetAlternateLookup<ReadOnlySpan<char>>();
            if (lookup.Contains(token)) return EnvironmentKind.Production;
            if (Staging.GetAlternateLookup<ReadOnlySpan<char>>().Contains(token)) result = Max(result, EnvironmentKind.Staging);
            else if (Development.GetAlternateLookup<ReadOnlySpan<char>>().Contains(token)) result = Max(result, EnvironmentKind.Development);
        }
        if (text.Contains("127.0.0.1", StringComparison.Ordinal) || text.Contains("[::1]", StringComparison.Ordinal)) result = Max(result, EnvironmentKind.Local);
        return result;
    }

    public static EnvironmentKind Max(EnvironmentKind a, EnvironmentKind b) => a >= b ? a : b;
}
